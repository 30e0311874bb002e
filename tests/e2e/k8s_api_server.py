#!/usr/bin/python3
"""A local Kubernetes API stand-in for the inventory tests (not a test itself).

    k8s_api_server.py WORKDIR NODES_JSON [PODS_JSON]

Generates, with the openssl CLI, a fresh PKI in WORKDIR for this run:
  ca.crt/ca.key            test CA; signs the server and client certificates
  server.crt/server.key    CN=kube-apiserver, subjectAltName IP:127.0.0.1 only
  client.crt/client.key    CN=bgpwatch (client certificate authentication)
  other-ca.crt             a second, unrelated CA (must be refused)
  token                    a bearer token the server accepts
then serves, over TLS on 127.0.0.1 (ephemeral port):
  GET [/k8s]/api/v1/nodes[?labelSelector=K=V]   a v1 NodeList from NODES_JSON
  GET [/k8s]/api/v1/nodes/NAME                  a v1 Node, or a 404 v1 Status
  NAME "slow.eqiad.wmnet" answers only after 60 s (deadline tests).
  GET [/k8s]/api/v1/pods?labelSelector=..&fieldSelector=spec.nodeName=N
                                                a v1 PodList from PODS_JSON
Requests need a client certificate signed by ca.crt or "Authorization:
Bearer <token>"; otherwise 401 with a v1 Status. A second port accepts TCP
and never speaks (TLS handshake deadline tests).

Prints "READY <https_port> <silent_port>" on stdout once listening, logs
each request line to WORKDIR/requests.log, and exits when stdin closes.
"""
import http.server
import json
import os
import secrets
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def make_pki(work):
    ext = os.path.join(work, "ext.cnf")
    with open(ext, "w") as f:
        f.write("[server]\nsubjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n"
                "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
                "[client]\nextendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n"
                "keyUsage=digitalSignature,keyEncipherment\n")
    for ca in ("ca", "other-ca"):
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-keyout", f"{ca}.key", "-out", f"{ca}.crt", "-days", "2",
                "-subj", f"/CN=bgpwatch test {ca}", cwd=work)
    for name, cn in (("server", "kube-apiserver"), ("client", "bgpwatch")):
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/O=bgpwatch/CN={cn}", cwd=work)
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                "-CAcreateserial", "-out", f"{name}.crt", "-days", "2",
                "-extfile", "ext.cnf", "-extensions", name, cwd=work)
    token = secrets.token_hex(16)
    with open(os.path.join(work, "token"), "w") as f:
        f.write(token + "\n")
    return token


def status(code, reason, message):
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": message, "reason": reason, "code": code}


def main():
    work, nodes_json = sys.argv[1], sys.argv[2]
    token = make_pki(work)
    with open(nodes_json) as f:
        node_list = json.load(f)
    nodes = {n["metadata"]["name"]: n for n in node_list["items"]}
    log = open(os.path.join(work, "requests.log"), "a", buffering=1)

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):
            pass

        def reply(self, code, obj):
            body = json.dumps(obj).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            cert = self.connection.getpeercert()
            auth = self.headers.get("Authorization", "")
            who = "cert" if cert else ("token" if auth == f"Bearer {token}" else "none")
            log.write(f"{who} {self.path}\n")
            if who == "none":
                return self.reply(401, status(401, "Unauthorized", "Unauthorized"))
            url = urllib.parse.urlsplit(self.path)
            path = url.path
            if path.startswith("/k8s/"):
                path = path[4:]
            if path == "/api/v1/nodes":
                items = list(nodes.values())
                selector = urllib.parse.parse_qs(url.query).get("labelSelector", [""])[0]
                if selector:
                    key, _, value = selector.partition("=")
                    items = [n for n in items if n["metadata"].get("labels", {}).get(key) == value]
                return self.reply(200, dict(node_list, items=items))
            if path.startswith("/api/v1/nodes/"):
                name = urllib.parse.unquote(path[len("/api/v1/nodes/"):])
                if name == "slow.eqiad.wmnet":
                    time.sleep(60)
                if name in nodes:
                    return self.reply(200, nodes[name])
                return self.reply(404, status(404, "NotFound", f'nodes "{name}" not found'))
            # --- calico-node pods (issue 13, --since auto; branch h-safe) ----
            # GET [/k8s]/api/v1/pods?labelSelector=K=V&fieldSelector=spec.nodeName=N
            # serves a v1 PodList from PODS_JSON (the optional third argument,
            # re-read on every request so a test can restart calico-node by
            # rewriting it). Label selectors: comma-separated K=V terms.
            if path == "/api/v1/pods" and len(sys.argv) > 3:
                with open(sys.argv[3]) as f:
                    pod_list = json.load(f)
                query = urllib.parse.parse_qs(url.query)
                items = pod_list["items"]
                for term in filter(None, query.get("labelSelector", [""])[0].split(",")):
                    key, _, value = term.partition("=")
                    items = [p for p in items if p["metadata"].get("labels", {}).get(key) == value]
                node = query.get("fieldSelector", [""])[0].partition("spec.nodeName=")[2]
                if node:
                    items = [p for p in items if p.get("spec", {}).get("nodeName") == node]
                return self.reply(200, dict(pod_list, items=items))
            # --- end of the calico-node pods block ---------------------------
            return self.reply(404, status(404, "NotFound", "the server could not find the requested resource"))

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.path.join(work, "server.crt"), os.path.join(work, "server.key"))
    ctx.load_verify_locations(os.path.join(work, "ca.crt"))
    ctx.verify_mode = ssl.CERT_OPTIONAL

    class Server(http.server.ThreadingHTTPServer):
        daemon_threads = True

        def get_request(self):
            sock, addr = super().get_request()
            sock.settimeout(60)
            # Handshake in the handler thread, so a client that never
            # finishes it cannot block the accept loop.
            return ctx.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), addr

        def finish_request(self, request, client_address):
            try:
                request.do_handshake()
            except (ssl.SSLError, OSError):
                return  # the client refused our certificate: that is the test
            super().finish_request(request, client_address)

    server = Server(("127.0.0.1", 0), Handler)
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"READY {server.server_address[1]} {silent.getsockname()[1]}", flush=True)
    sys.stdin.read()  # until the test closes our stdin (or dies)
    server.shutdown()


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""A local Kubernetes API stand-in for the inventory and roll tests (not a test itself).

    k8s_api_server.py WORKDIR NODES_JSON [--objects OBJECTS_JSON] [--pdb-refusals N]
                      [--evict-delay SECONDS]
                      [PODS_JSON]

Generates, with the openssl CLI, a fresh PKI in WORKDIR for this run:
  ca.crt/ca.key            test CA; signs the server and client certificates
  server.crt/server.key    CN=kube-apiserver, subjectAltName IP:127.0.0.1 only
  client.crt/client.key    CN=bgpwatch (client certificate authentication)
  other-ca.crt             a second, unrelated CA (must be refused)
  token                    a bearer token the server accepts
then serves, over TLS on 127.0.0.1 (ephemeral port):
  GET [/k8s]/api/v1/nodes[?labelSelector=K=V[,K2=V2]]  a v1 NodeList from NODES_JSON
  GET [/k8s]/api/v1/nodes/NAME                  a v1 Node, or a 404 v1 Status
  NAME "slow.eqiad.wmnet" answers only after 60 s (deadline tests).
  PATCH [/k8s]/api/v1/nodes/NAME                a JSON merge patch (also sent as a strategic
                                                merge patch: same result for spec.unschedulable),
                                                how kubectl cordon/uncordon work
  GET /api, /apis, /api/v1, /apis/policy/v1     discovery, enough for kubectl drain
  GET /api/v1/pods?fieldSelector=spec.nodeName=N  a v1 PodList (also labelSelector=K=V)
  GET /api/v1/namespaces/NS/pods[/NAME]         pods of a namespace, one pod or 404
  POST /api/v1/namespaces/NS/pods/NAME/eviction the Eviction subresource (policy/v1 or v1beta1):
                                                DaemonSet pods are evicted like any other (the
                                                client must skip them); a pod matched by a
                                                PodDisruptionBudget is refused with 429 for its
                                                first --pdb-refusals (default 1) attempts, then
                                                evicted; an evicted pod disappears after
                                                --evict-delay seconds (default 0)
  DELETE /api/v1/namespaces/NS/pods/NAME        plain deletion (what drain does without eviction)
  GET /apis/apps/v1/namespaces/NS/daemonsets/NAME  a DaemonSet from OBJECTS_JSON, or 404
  GET /apis/policy/v1[beta1]/.../poddisruptionbudgets  the PDBs
  /apis/coordination.k8s.io/v1/namespaces/NS/leases[/NAME]
                                                Leases: GET (404 if none), POST (409
                                                AlreadyExists), PUT (409 Conflict when
                                                metadata.resourceVersion is not the current one),
                                                DELETE
  OBJECTS_JSON is {"pods": [v1 Pod…], "daemonsets": [apps/v1 DaemonSet…],
  "poddisruptionbudgets": [policy/v1 PDB…]} (pods carry spec.nodeName, ownerReferences,
  the kubernetes.io/config.mirror annotation for mirror pods, emptyDir volumes).
  GET [/k8s]/api/v1/pods?labelSelector=..&fieldSelector=spec.nodeName=N  with PODS_JSON (a
                                                v1 PodList, re-read on every request so a test can
                                                restart calico-node by rewriting it): served from it
Requests need a client certificate signed by ca.crt or "Authorization:
Bearer <token>"; otherwise 401 with a v1 Status. A second port accepts TCP
and never speaks (TLS handshake deadline tests).

Prints "READY <https_port> <silent_port>" on stdout once listening, logs
each request line to WORKDIR/requests.log ("WHO PATH" for GET, "WHO METHOD PATH"
otherwise), every call as JSON Lines {"method","path","body","code"} to
WORKDIR/calls.jsonl (body: the parsed JSON request body or null), and exits when
stdin closes.
"""
import argparse
import copy
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


def merge_patch(target, patch):
    """RFC 7386 JSON merge patch (null deletes a key)."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merge_patch(out.get(key), value)
    return out


def selector_matches(selector, labels):
    """A label selector (matchLabels and matchExpressions In/NotIn/Exists/DoesNotExist)."""
    for key, value in (selector or {}).get("matchLabels", {}).items():
        if labels.get(key) != value:
            return False
    for expr in (selector or {}).get("matchExpressions", []):
        key, op, values = expr["key"], expr["operator"], expr.get("values", [])
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and labels.get(key) in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def field_selector_matches(selector, pod):
    for term in filter(None, selector.split(",")):
        key, _, value = term.partition("=")
        value = value.lstrip("=")
        if key == "spec.nodeName" and pod.get("spec", {}).get("nodeName") != value:
            return False
        if key == "metadata.namespace" and pod["metadata"].get("namespace") != value:
            return False
        if key == "metadata.name" and pod["metadata"].get("name") != value:
            return False
    return True


def api_resource(name, kind, namespaced, verbs, group=None, version=None):
    r = {"name": name, "singularName": "", "namespaced": namespaced, "kind": kind, "verbs": verbs}
    if group is not None:
        r["group"], r["version"] = group, version
    return r


DISCOVERY = {
    "/api": {"kind": "APIVersions", "versions": ["v1"],
             "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:6443"}]},
    "/apis": {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
        {"name": g, "versions": [{"groupVersion": f"{g}/{v}", "version": v} for v in vs],
         "preferredVersion": {"groupVersion": f"{g}/{vs[0]}", "version": vs[0]}}
        for g, vs in (("apps", ["v1"]), ("policy", ["v1", "v1beta1"]), ("coordination.k8s.io", ["v1"]))]},
    "/api/v1": {"kind": "APIResourceList", "groupVersion": "v1", "resources": [
        api_resource("nodes", "Node", False, ["get", "list", "patch", "update"]),
        api_resource("pods", "Pod", True, ["delete", "get", "list"]),
        api_resource("pods/eviction", "Eviction", True, ["create"], "policy", "v1"),
        api_resource("namespaces", "Namespace", False, ["get", "list"])]},
    "/apis/apps/v1": {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": "apps/v1", "resources": [
        api_resource("daemonsets", "DaemonSet", True, ["get", "list"])]},
    "/apis/policy/v1": {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": "policy/v1", "resources": [
        api_resource("poddisruptionbudgets", "PodDisruptionBudget", True, ["get", "list"])]},
    "/apis/policy/v1beta1": {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": "policy/v1beta1",
                             "resources": [api_resource("poddisruptionbudgets", "PodDisruptionBudget", True,
                                                        ["get", "list"])]},
    "/apis/coordination.k8s.io/v1": {"kind": "APIResourceList", "apiVersion": "v1",
                                     "groupVersion": "coordination.k8s.io/v1", "resources": [
        api_resource("leases", "Lease", True, ["create", "delete", "get", "list", "update"])]},
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("work")
    parser.add_argument("nodes_json")
    parser.add_argument("pods_json", nargs="?", help="a v1 PodList served for /api/v1/pods, re-read per request")
    parser.add_argument("--objects", help="pods, daemonsets and poddisruptionbudgets (JSON)")
    parser.add_argument("--pdb-refusals", type=int, default=1,
                        help="429 answers to a PDB-covered pod's eviction before it is allowed")
    parser.add_argument("--evict-delay", type=float, default=0.0,
                        help="seconds an evicted pod stays (terminating) before it is gone")
    opts = parser.parse_args()
    work = opts.work
    token = make_pki(work)
    with open(opts.nodes_json) as f:
        node_list = json.load(f)
    nodes = {n["metadata"]["name"]: n for n in node_list["items"]}
    objects = {}
    if opts.objects:
        with open(opts.objects) as f:
            objects = json.load(f)
    pods = {(p["metadata"].get("namespace", "default"), p["metadata"]["name"]): p for p in objects.get("pods", [])}
    daemonsets = {(d["metadata"].get("namespace", "default"), d["metadata"]["name"]): d
                  for d in objects.get("daemonsets", [])}
    pdbs = objects.get("poddisruptionbudgets", [])
    leases = {}
    refusals = {}            # (namespace, pod) -> 429 answers given so far
    lock = threading.Lock()  # the handler threads share all of the above
    version = [9000000]

    def next_version():
        version[0] += 1
        return str(version[0])

    log = open(os.path.join(work, "requests.log"), "a", buffering=1)
    calls = open(os.path.join(work, "calls.jsonl"), "a", buffering=1)

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):
            pass

        def reply(self, code, obj):
            self.code = code
            body = json.dumps(obj).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            self.handle_any("GET")

        def do_POST(self):
            self.handle_any("POST")

        def do_PUT(self):
            self.handle_any("PUT")

        def do_PATCH(self):
            self.handle_any("PATCH")

        def do_DELETE(self):
            self.handle_any("DELETE")

        def handle_any(self, method):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = {"unparsable": raw.decode("utf-8", "replace")}
            cert = self.connection.getpeercert()
            auth = self.headers.get("Authorization", "")
            who = "cert" if cert else ("token" if auth == f"Bearer {token}" else "none")
            log.write(f"{who} {self.path}\n" if method == "GET" else f"{who} {method} {self.path}\n")
            self.code = 0
            try:
                if who == "none":
                    return self.reply(401, status(401, "Unauthorized", "Unauthorized"))
                self.route(method, body)
            finally:
                calls.write(json.dumps({"time": time.time(), "method": method, "path": self.path,
                                        "content_type": self.headers.get("Content-Type"),
                                        "body": body, "code": self.code}) + "\n")

        def not_found(self, what="the server could not find the requested resource"):
            return self.reply(404, status(404, "NotFound", what))

        def route(self, method, body):
            url = urllib.parse.urlsplit(self.path)
            query = urllib.parse.parse_qs(url.query)
            path = url.path
            if path.startswith("/k8s/"):
                path = path[4:]
            parts = [urllib.parse.unquote(p) for p in path.strip("/").split("/")]
            if method == "GET" and path.rstrip("/") in DISCOVERY:
                return self.reply(200, DISCOVERY[path.rstrip("/")])
            if path == "/api/v1/nodes" and method == "GET":
                with lock:
                    items = list(copy.deepcopy(nodes).values())
                for term in filter(None, query.get("labelSelector", [""])[0].split(",")):
                    key, _, value = term.partition("=")
                    items = [n for n in items if n["metadata"].get("labels", {}).get(key) == value]
                return self.reply(200, dict(node_list, items=items))
            if path.startswith("/api/v1/nodes/") and len(parts) == 4:
                name = parts[3]
                if name == "slow.eqiad.wmnet":
                    time.sleep(60)
                with lock:
                    if name not in nodes:
                        return self.not_found(f'nodes "{name}" not found')
                    if method == "PATCH":
                        node = merge_patch(nodes[name], body or {})
                        node["metadata"]["resourceVersion"] = next_version()
                        nodes[name] = node
                    elif method != "GET":
                        return self.reply(405, status(405, "MethodNotAllowed", f"{method} not allowed"))
                    return self.reply(200, nodes[name])
            # --- calico-node pods (issue 13, --since auto) ----------------------
            # With PODS_JSON, GET /api/v1/pods serves a v1 PodList from it,
            # re-read on every request so a test can restart calico-node by
            # rewriting it. Label selectors: comma-separated K=V terms.
            if parts[:3] == ["api", "v1", "pods"] and len(parts) == 3 and method == "GET" and opts.pods_json:
                with open(opts.pods_json) as f:
                    pod_list = json.load(f)
                items = pod_list["items"]
                for term in filter(None, query.get("labelSelector", [""])[0].split(",")):
                    key, _, value = term.partition("=")
                    items = [p for p in items if p["metadata"].get("labels", {}).get(key) == value]
                node = query.get("fieldSelector", [""])[0].partition("spec.nodeName=")[2]
                if node:
                    items = [p for p in items if p.get("spec", {}).get("nodeName") == node]
                return self.reply(200, dict(pod_list, items=items))
            # --- end of the calico-node pods block ---------------------------
            if parts[:3] == ["api", "v1", "pods"] and len(parts) == 3 and method == "GET":
                return self.list_pods(None, query)
            if parts[:3] == ["api", "v1", "namespaces"] and len(parts) >= 5 and parts[4] == "pods":
                return self.pods(method, parts[3], parts[5:], query, body)
            if parts[:4] == ["apis", "apps", "v1", "namespaces"] and len(parts) == 7 and parts[5] == "daemonsets":
                ds = daemonsets.get((parts[4], parts[6]))
                if ds is None or method != "GET":
                    return self.not_found(f'daemonsets.apps "{parts[6]}" not found')
                return self.reply(200, ds)
            if parts[:2] == ["apis", "policy"] and parts[-1] == "poddisruptionbudgets" and method == "GET":
                ns = parts[4] if len(parts) == 6 else None
                items = [p for p in pdbs if ns is None or p["metadata"].get("namespace", "default") == ns]
                return self.reply(200, {"kind": "PodDisruptionBudgetList", "apiVersion": "policy/v1",
                                        "metadata": {"resourceVersion": str(version[0])}, "items": items})
            if parts[:4] == ["apis", "coordination.k8s.io", "v1", "namespaces"] and len(parts) >= 6 \
                    and parts[5] == "leases":
                return self.lease(method, parts[4], parts[6] if len(parts) == 7 else None, body)
            return self.not_found()

        def list_pods(self, namespace, query):
            fields = query.get("fieldSelector", [""])[0]
            labels = query.get("labelSelector", [""])[0]
            with lock:
                items = [copy.deepcopy(p) for (ns, _), p in sorted(pods.items())
                         if (namespace is None or ns == namespace) and field_selector_matches(fields, p)]
            if labels:
                key, _, value = labels.partition("=")
                items = [p for p in items if p["metadata"].get("labels", {}).get(key) == value]
            return self.reply(200, {"kind": "PodList", "apiVersion": "v1",
                                    "metadata": {"resourceVersion": str(version[0])}, "items": items})

        def pods(self, method, ns, rest, query, body):
            if not rest:
                if method == "GET":
                    return self.list_pods(ns, query)
                return self.reply(405, status(405, "MethodNotAllowed", f"{method} not allowed"))
            name = rest[0]
            key = (ns, name)
            with lock:
                pod = pods.get(key)
                if pod is None or pod.get("_gone_at", float("inf")) <= time.time():
                    pods.pop(key, None)
                    return self.not_found(f'pods "{name}" not found')
                if len(rest) == 1 and method == "GET":
                    return self.reply(200, {k: v for k, v in pod.items() if not k.startswith("_")})
                if len(rest) == 1 and method == "DELETE":
                    self.remove(key)
                    return self.reply(200, {k: v for k, v in pod.items() if not k.startswith("_")})
                if rest[1:] == ["eviction"] and method == "POST":
                    labels = pod["metadata"].get("labels", {})
                    covering = [p for p in pdbs if p["metadata"].get("namespace", "default") == ns
                                and selector_matches(p.get("spec", {}).get("selector"), labels)]
                    if len(covering) > 1:
                        return self.reply(500, status(500, "InternalError",
                                                      "This pod has more than one PodDisruptionBudget, "
                                                      "which the eviction subresource does not support."))
                    if covering and refusals.get(key, 0) < opts.pdb_refusals:
                        refusals[key] = refusals.get(key, 0) + 1
                        msg = "Cannot evict pod as it would violate the pod's disruption budget."
                        obj = status(429, "TooManyRequests", msg)
                        obj["details"] = {"causes": [{"reason": "DisruptionBudget", "message":
                                          f"The disruption budget {covering[0]['metadata']['name']} needs "
                                          "1 healthy pods and has 1 currently"}]}
                        return self.reply(429, obj)
                    self.remove(key)
                    return self.reply(201, {"kind": "Status", "apiVersion": "v1", "metadata": {},
                                            "status": "Success", "code": 201})
            return self.reply(405, status(405, "MethodNotAllowed", f"{method} not allowed"))

        def remove(self, key):
            """An evicted or deleted pod terminates: gone now or after --evict-delay."""
            if opts.evict_delay <= 0:
                pods.pop(key, None)
            else:
                pod = pods[key]
                pod.setdefault("_gone_at", time.time() + opts.evict_delay)
                pod["metadata"].setdefault("deletionTimestamp",
                                           time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))

        def lease(self, method, ns, name, body):
            with lock:
                if name is None:
                    if method == "GET":
                        items = [v for (n, _), v in sorted(leases.items()) if n == ns]
                        return self.reply(200, {"kind": "LeaseList", "apiVersion": "coordination.k8s.io/v1",
                                                "metadata": {"resourceVersion": str(version[0])},
                                                "items": items})
                    if method != "POST":
                        return self.reply(405, status(405, "MethodNotAllowed", f"{method} not allowed"))
                    name = ((body or {}).get("metadata") or {}).get("name")
                    if not name:
                        return self.reply(422, status(422, "Invalid", "metadata.name: Required value"))
                    if (ns, name) in leases:
                        return self.reply(409, status(409, "AlreadyExists",
                                                      f'leases.coordination.k8s.io "{name}" already exists'))
                    lease = copy.deepcopy(body)
                    lease.update(kind="Lease", apiVersion="coordination.k8s.io/v1")
                    lease["metadata"].update(namespace=ns, resourceVersion=next_version(),
                                             uid=secrets.token_hex(8))
                    leases[(ns, name)] = lease
                    return self.reply(201, lease)
                current = leases.get((ns, name))
                if current is None:
                    return self.not_found(f'leases.coordination.k8s.io "{name}" not found')
                if method == "GET":
                    return self.reply(200, current)
                if method == "PUT":
                    sent = ((body or {}).get("metadata") or {}).get("resourceVersion")
                    if sent != current["metadata"]["resourceVersion"]:
                        return self.reply(409, status(
                            409, "Conflict", f'Operation cannot be fulfilled on leases.coordination.k8s.io '
                            f'"{name}": the object has been modified; please apply your changes to the '
                            'latest version and try again'))
                    lease = copy.deepcopy(body)
                    lease.update(kind="Lease", apiVersion="coordination.k8s.io/v1")
                    lease["metadata"].update(namespace=ns, name=name, resourceVersion=next_version(),
                                             uid=current["metadata"]["uid"])
                    leases[(ns, name)] = lease
                    return self.reply(200, lease)
                if method == "DELETE":
                    del leases[(ns, name)]
                    return self.reply(200, {"kind": "Status", "apiVersion": "v1", "metadata": {},
                                            "status": "Success", "code": 200})
                return self.reply(405, status(405, "MethodNotAllowed", f"{method} not allowed"))

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

#!/usr/bin/python3
"""bgpwatch check / wait-established with nodes from the Kubernetes API.

The API is tests/e2e/k8s_api_server.py (TLS on 127.0.0.1 with a per-run
test CA; Node objects from fixtures/kubernetes/nodes.json). Router state
comes from the --replay fixtures (fixtures/replay, judged at --now
2026-11-29T03:00:00Z), so nothing but the API is on the network.
Asserts exit codes and output for: client-certificate and token
kubeconfigs, short and full names, a 404 node (exit 2), a kubeconfig
trusting another CA (exit 3, TLS error named), insecure-skip-tls-verify
(refused), and a server too slow for --timeout (exit 3 at the deadline).
"""
import base64
import os
import subprocess
import sys
import tempfile
import time

BGPWATCH = os.environ["BGPWATCH"]
FIXTURES = os.environ["BGPWATCH_FIXTURES"]
SOURCE = os.environ.get("BGPWATCH_SOURCE_DIR", os.path.dirname(FIXTURES))
REPLAY = os.path.join(FIXTURES, "replay")
NOW = "2026-11-29T03:00:00Z"
UP = ["--replay", f"cr1-eqiad={REPLAY}/cr1-eqiad-up.xml", "--replay", f"cr2-eqiad={REPLAY}/cr2-eqiad-up.xml"]

failures = 0


def b64(path):
    with open(path, "rb") as f:
        return base64.b64encode(f.read()).decode()


def kubeconfig(work, name, cluster, user):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write("apiVersion: v1\nkind: Config\ncurrent-context: test\n"
                "contexts: [{name: test, context: {cluster: test, user: bgpwatch}}]\n"
                f"clusters:\n- name: test\n  cluster:\n{cluster}"
                f"users:\n- name: bgpwatch\n  user:\n{user}")
    return path


def config(work, name, kubeconfig_path):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write("sites:\n"
                "  eqiad:\n"
                "    asn: 64601\n"
                "    routers: [cr1-eqiad.wikimedia.org, {name: cr2-eqiad, host: \"2001:db8::2\"}]\n"
                "  codfw: {asn: 64602, routers: [cr1-codfw.wikimedia.org]}\n"
                "netconf: {username: bgpwatch, known_hosts: /nonexistent/known_hosts}\n"
                f"inventory:\n  kubernetes: {{kubeconfig: {kubeconfig_path}}}\n")
    return path


def run(name, want_exit, patterns, cfg, *args, max_seconds=None):
    global failures
    start = time.monotonic()
    p = subprocess.run([BGPWATCH, "--config", cfg, *args], stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=120)
    took = time.monotonic() - start
    out = p.stdout + p.stderr
    problems = []
    if p.returncode != want_exit:
        problems.append(f"exit {p.returncode}, want {want_exit}")
    for pattern in patterns:
        if pattern not in out:
            problems.append(f"output lacks {pattern!r}")
    if max_seconds is not None and took > max_seconds:
        problems.append(f"took {took:.1f}s, more than {max_seconds}s")
    if problems:
        failures += 1
        print(f"FAIL {name}: " + "; ".join(problems))
        for line in out.splitlines():
            print(f"  | {line}")
    else:
        print(f"ok   {name} (exit {p.returncode})")


def main():
    with tempfile.TemporaryDirectory(prefix="bgpwatch-k8s-e2e-") as work:
        server = subprocess.Popen(
            ["/usr/bin/python3", os.path.join(SOURCE, "tests/e2e/k8s_api_server.py"), work,
             os.path.join(FIXTURES, "kubernetes/nodes.json")],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            ready = server.stdout.readline().split()
            if len(ready) != 3 or ready[0] != "READY":
                print(f"FAIL: the test API did not start: {ready}")
                return 1
            port = int(ready[1])
            url = f"https://127.0.0.1:{port}"
            with open(os.path.join(work, "token")) as f:
                token = f.read().strip()
            ca = f"    certificate-authority-data: {b64(os.path.join(work, 'ca.crt'))}\n"

            cert_cfg = config(work, "cert.yaml", kubeconfig(
                work, "cert.kubeconfig", f"    server: {url}\n{ca}",
                f"    client-certificate-data: {b64(os.path.join(work, 'client.crt'))}\n"
                f"    client-key-data: {b64(os.path.join(work, 'client.key'))}\n"))
            token_cfg = config(work, "token.yaml", kubeconfig(
                work, "token.kubeconfig", f"    server: {url}\n    certificate-authority: ca.crt\n",
                f"    token: {token}\n"))
            wrong_ca_cfg = config(work, "wrong-ca.yaml", kubeconfig(
                work, "wrong-ca.kubeconfig",
                f"    server: {url}\n    certificate-authority-data: {b64(os.path.join(work, 'other-ca.crt'))}\n",
                f"    token: {token}\n"))
            insecure_cfg = config(work, "insecure.yaml", kubeconfig(
                work, "insecure.kubeconfig", f"    server: {url}\n    insecure-skip-tls-verify: true\n",
                f"    token: {token}\n"))

            run("client certificate, short name", 0,
                ["kubernetes1003.eqiad.wmnet: READY, 4/4 expected sessions ready (exit 0)"],
                cert_cfg, "check", "--node", "kubernetes1003", "--now", NOW, *UP)
            run("token, full name", 0,
                ["kubernetes1003.eqiad.wmnet: READY, 4/4 expected sessions ready (exit 0)"],
                token_cfg, "check", "--node", "kubernetes1003.eqiad.wmnet", "--now", NOW, *UP)
            run("--family ipv4 from the node's InternalIPs", 0, ["READY, 2/2"],
                token_cfg, "check", "--node", "kubernetes1003", "--family", "ipv4", "--now", NOW, *UP)
            run("a node the API does not have (404) is a usage error", 2,
                ["unknown node 'kubernetes1099.eqiad.wmnet' (tried kubernetes: not found)"],
                token_cfg, "check", "--node", "kubernetes1099.eqiad.wmnet", "--now", NOW, *UP)
            run("a short name on two nodes is ambiguous", 2,
                ["node name 'kubernetes2005' is ambiguous in kubernetes: kubernetes2005.codfw.wmnet, "
                 "kubernetes2005.eqiad.wmnet (use the full name)"],
                token_cfg, "check", "--node", "kubernetes2005", "--now", NOW, *UP)
            run("a kubeconfig trusting another CA is refused (unknown, exit 3)", 3,
                [f"tried kubernetes: TLS handshake with 127.0.0.1:{port} failed: certificate verify failed"],
                wrong_ca_cfg, "check", "--node", "kubernetes1003", "--now", NOW, *UP)
            run("insecure-skip-tls-verify is refused", 2,
                ["sets insecure-skip-tls-verify: refused (bgpwatch always verifies the API server's certificate"],
                insecure_cfg, "check", "--node", "kubernetes1003", "--now", NOW, *UP)
            # The test API answers slow.eqiad.wmnet after 60 s. wait-established
            # gives the look-up its --timeout; check has a fixed 30 s budget
            # (used while this build has no wait-established).
            probe = subprocess.run([BGPWATCH, "--config", token_cfg, "wait-established", "--help"],
                                   capture_output=True, text=True, stdin=subprocess.DEVNULL)
            if "not implemented" in probe.stdout + probe.stderr:
                run("an API slower than check's 30 s budget hits the deadline", 3,
                    [f"reading the response from 127.0.0.1:{port}: deadline reached (timed out)"],
                    token_cfg, "check", "--node", "slow.eqiad.wmnet", "--now", NOW, *UP, max_seconds=50)
            else:
                run("an API slower than --timeout hits the deadline", 3,
                    [f"reading the response from 127.0.0.1:{port}: deadline reached (timed out)"],
                    token_cfg, "wait-established", "--node", "slow.eqiad.wmnet", "--timeout", "2s", "--now", NOW,
                    *UP, max_seconds=20)

            with open(os.path.join(work, "requests.log")) as f:
                log = f.read()
            for line in ("cert /api/v1/nodes\n", "token /api/v1/nodes/kubernetes1003.eqiad.wmnet\n",
                         "token /api/v1/nodes/kubernetes1099.eqiad.wmnet\n"):
                if line not in log:
                    global failures
                    failures += 1
                    print(f"FAIL: the API never saw {line.strip()!r}; it saw:\n{log}")
        finally:
            server.stdin.close()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
    print(f"{'FAILED' if failures else 'passed'}: {failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

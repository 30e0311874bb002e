#!/usr/bin/python3
"""Debian's kubectl drain/uncordon against the test Kubernetes API: the reference for roll --drain.

Starts tests/e2e/k8s_api_server.py with fixtures/kubernetes/roll-objects.json (on
kubernetes1003: a calico-node DaemonSet pod, a kube-proxy mirror pod, a ReplicaSet pod
covered by a PodDisruptionBudget, one with an emptyDir volume, a StatefulSet pod), runs
    kubectl drain kubernetes1003.eqiad.wmnet --ignore-daemonsets --delete-emptydir-data
    kubectl uncordon kubernetes1003.eqiad.wmnet
and checks from the server's call log what kubectl really did: cordon (strategic merge patch
spec.unschedulable=true) before any eviction, pods listed by fieldSelector=spec.nodeName,
the three controller pods evicted through the Eviction subresource and watched until gone,
the PDB pod retried after its 429, the DaemonSet and mirror pods never touched, the uncordon
patch last. The summary (tests/e2e/drain_calls.py) must equal
fixtures/kubernetes/kubectl-drain.reference.json, which test_roll.sh compares bgpwatch
against; BGPWATCH_UPDATE_GOLDEN=1 rewrites it. Also checks the Lease semantics roll relies
on (create 201 / 409 AlreadyExists, update with a stale resourceVersion 409 Conflict).
"""
import json
import os
import ssl
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import drain_calls  # noqa: E402

FIXTURES = os.environ.get("BGPWATCH_FIXTURES") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "../../fixtures")
SOURCE = os.environ.get("BGPWATCH_SOURCE_DIR", os.path.join(FIXTURES, ".."))
NODE = "kubernetes1003.eqiad.wmnet"
OBJECTS = os.path.join(FIXTURES, "kubernetes/roll-objects.json")
REFERENCE = os.path.join(FIXTURES, "kubernetes/kubectl-drain.reference.json")

failures = 0


def check(what, ok, detail=""):
    global failures
    if ok:
        print(f"ok   {what}")
    else:
        failures += 1
        print(f"FAIL {what} {detail}")


def api(work, port, method, path, body=None):
    ctx = ssl.create_default_context(cafile=os.path.join(work, "ca.crt"))
    ctx.load_cert_chain(os.path.join(work, "client.crt"), os.path.join(work, "client.key"))
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"https://127.0.0.1:{port}{path}", data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, context=ctx, timeout=10) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


def main():
    cache = os.environ.get("BGPWATCH_KUBECTL_CACHE", "/var/cache/bgpwatch-kubectl")
    kubectl = drain_calls.debian_kubectl(cache)
    version = subprocess.run([kubectl, "version", "--client", "--short"], capture_output=True, text=True)
    print(f"kubectl: {kubectl}: {version.stdout.strip()}")
    with tempfile.TemporaryDirectory(prefix="bgpwatch-kubectl-drain-") as work:
        server = subprocess.Popen(
            ["/usr/bin/python3", os.path.join(SOURCE, "tests/e2e/k8s_api_server.py"), work,
             os.path.join(FIXTURES, "kubernetes/nodes.json"), "--objects", OBJECTS],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            ready = server.stdout.readline().split()
            if len(ready) != 3 or ready[0] != "READY":
                print(f"FAIL: the test API did not start: {ready}")
                return 1
            port = int(ready[1])
            kubeconfig = drain_calls.write_kubeconfig(work, port)
            env = dict(os.environ, HOME=work, KUBECONFIG=kubeconfig)
            kc = [kubectl, "--cache-dir", os.path.join(work, "cache"), "--request-timeout", "30s"]
            drain = subprocess.run(kc + ["drain", NODE, "--ignore-daemonsets", "--delete-emptydir-data",
                                         "--timeout", "60s"], env=env, capture_output=True, text=True, timeout=120)
            print("".join(f"  | {line}\n" for line in (drain.stdout + drain.stderr).splitlines()), end="")
            check("kubectl drain exits 0", drain.returncode == 0, f"(exit {drain.returncode})")
            code, node = api(work, port, "GET", f"/api/v1/nodes/{NODE}")
            check("the node is unschedulable after the drain", node.get("spec", {}).get("unschedulable") is True)
            uncordon = subprocess.run(kc + ["uncordon", NODE], env=env, capture_output=True, text=True, timeout=60)
            check("kubectl uncordon exits 0", uncordon.returncode == 0, uncordon.stderr)
            code, node = api(work, port, "GET", f"/api/v1/nodes/{NODE}")
            check("the node is schedulable after the uncordon", "unschedulable" not in node.get("spec", {}))

            calls = drain_calls.read_calls(os.path.join(work, "calls.jsonl"))
            summary = drain_calls.summarize(calls, NODE, drain_calls.node_pods(OBJECTS, NODE))
            got = drain_calls.comparable(summary)
            print(json.dumps(summary, indent=1, sort_keys=True))
            check("cordon before the evictions, uncordon after", not summary["problems"], summary["problems"])
            check("the DaemonSet and mirror pods are never evicted",
                  got["untouched"] == [f"kube-system/calico-node-03x7k", f"kube-system/kube-proxy-kubernetes1003"],
                  got["untouched"])
            check("the PDB-covered pod is retried after its 429",
                  got["retried_on_429"] == ["mediawiki/mw-web-6d5f8b7c9-03q2w"], got["retried_on_429"])
            check("every evicted pod is watched until gone", got["watched_until_gone"] == got["evicted"])
            if os.environ.get("BGPWATCH_UPDATE_GOLDEN") == "1":
                with open(REFERENCE, "w") as f:
                    json.dump(got, f, indent=1, sort_keys=True)
                    f.write("\n")
                print(f"wrote {REFERENCE}")
            with open(REFERENCE) as f:
                want = json.load(f)
            check("kubectl's calls match the stored reference", got == want,
                  f"\n got: {json.dumps(got, sort_keys=True)}\nwant: {json.dumps(want, sort_keys=True)}")

            # The Lease semantics roll's lock relies on.
            leases = "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases"
            lease = {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                     "metadata": {"name": "bgpwatch-roll-eqiad"},
                     "spec": {"holderIdentity": "a", "leaseDurationSeconds": 30}}
            code, created = api(work, port, "POST", leases, lease)
            check("a Lease is created (201)", code == 201, code)
            code, again = api(work, port, "POST", leases, lease)
            check("creating it again is 409 AlreadyExists", code == 409 and again.get("reason") == "AlreadyExists",
                  (code, again))
            rv = created["metadata"]["resourceVersion"]
            created["spec"]["holderIdentity"] = "b"
            code, updated = api(work, port, "PUT", f"{leases}/bgpwatch-roll-eqiad", created)
            check("an update with the current resourceVersion succeeds", code == 200
                  and updated["metadata"]["resourceVersion"] != rv, code)
            code, conflict = api(work, port, "PUT", f"{leases}/bgpwatch-roll-eqiad", created)
            check("an update with a stale resourceVersion is 409 Conflict",
                  code == 409 and conflict.get("reason") == "Conflict", (code, conflict))
            code, got_lease = api(work, port, "GET", f"{leases}/bgpwatch-roll-eqiad")
            check("the Lease holds the last accepted holder", got_lease["spec"]["holderIdentity"] == "b")
            code, _ = api(work, port, "GET", f"{leases}/bgpwatch-roll-codfw")
            check("a missing Lease is 404", code == 404, code)
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

"""What a drain did, read from k8s_api_server.py's calls.jsonl (a helper, not a test).

kubectl drain evicts pods concurrently, so the raw call order varies between runs; the
summary keeps what must not vary: the cordon patch and its place (before any eviction),
the pod listing, which pods were evicted (and with which Eviction kind), which pods of the
node were never touched (DaemonSet and mirror pods), which pods were retried after a 429
(and how long after), that each evicted pod was watched until gone, and the uncordon patch
last. test_kubectl_drain.py stores kubectl's summary as the reference
(fixtures/kubernetes/kubectl-drain.reference.json); test_roll.sh compares bgpwatch's to it.
"""
import json
import os
import subprocess
import urllib.parse


def read_calls(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def _split(call):
    url = urllib.parse.urlsplit(call["path"])
    path = url.path[4:] if url.path.startswith("/k8s/") else url.path
    return path, urllib.parse.parse_qs(url.query)


def summarize(calls, node, node_pods):
    """node_pods: "NS/NAME" of every pod the API had on the node before the drain."""
    out = {"node": node, "problems": []}
    node_path = f"/api/v1/nodes/{node}"
    patches = [(i, c) for i, c in enumerate(calls) if c["method"] == "PATCH" and _split(c)[0] == node_path]
    evictions = [(i, c) for i, c in enumerate(calls) if c["method"] == "POST" and _split(c)[0].endswith("/eviction")]
    cordon = [(i, c) for i, c in patches if (c["body"] or {}).get("spec", {}).get("unschedulable") is True]
    uncordon = [(i, c) for i, c in patches if (c["body"] or {}).get("spec", {}).get("unschedulable") is not True]
    out["cordon"] = [{"body": c["body"], "code": c["code"]} for _, c in cordon]
    out["uncordon"] = [{"body": c["body"], "code": c["code"]} for _, c in uncordon]
    if cordon and evictions and cordon[0][0] > evictions[0][0]:
        out["problems"].append("an eviction came before the cordon")
    if uncordon and evictions and uncordon[-1][0] < evictions[-1][0]:
        out["problems"].append("the uncordon came before the last eviction")
    lists = [_split(c) for c in calls if c["method"] == "GET" and _split(c)[0] == "/api/v1/pods"]
    out["pod_listing"] = sorted({q.get("fieldSelector", [""])[0] for _, q in lists})
    per_pod = {}
    for i, c in evictions:
        parts = _split(c)[0].strip("/").split("/")  # api v1 namespaces NS pods NAME eviction
        key = f"{parts[3]}/{parts[5]}"
        per_pod.setdefault(key, []).append((i, c))
    evicted, retried = {}, {}
    for key, attempts in sorted(per_pod.items()):
        codes = [c["code"] for _, c in attempts]
        body = attempts[-1][1]["body"] or {}
        evicted[key] = {"kind": body.get("kind"), "group": body.get("apiVersion", "").split("/")[0],
                        "final_code": codes[-1]}
        if 429 in codes:
            first429 = next(c for _, c in attempts if c["code"] == 429)
            retried[key] = {"codes": codes, "retry_after_s": round(attempts[-1][1]["time"] - first429["time"])}
        ns, name = key.split("/")
        last = attempts[-1][0]
        gone = any(c["method"] == "GET" and c["code"] == 404 and _split(c)[0] == f"/api/v1/namespaces/{ns}/pods/{name}"
                   for c in calls[last + 1:])
        evicted[key]["watched_until_gone"] = gone
    out["evicted"] = evicted
    out["retried_on_429"] = retried
    out["untouched"] = sorted(set(node_pods) - set(evicted))
    return out


def comparable(summary):
    """The parts two drain clients must agree on (the 5 s kubectl waits after a 429 is its
    own choice; that a 429 is retried and eventually succeeds is the contract)."""
    return {
        "cordon_bodies": [c["body"] for c in summary["cordon"]],
        "uncordon_count": len(summary["uncordon"]),
        "pod_listing": summary["pod_listing"],
        "evicted": sorted(k for k, v in summary["evicted"].items() if v["final_code"] == 201),
        "eviction_group": sorted({v["group"] for v in summary["evicted"].values()}),
        "watched_until_gone": sorted(k for k, v in summary["evicted"].items() if v["watched_until_gone"]),
        "retried_on_429": sorted(summary["retried_on_429"]),
        "untouched": summary["untouched"],
        "problems": summary["problems"],
    }


def debian_kubectl(cache_dir):
    """Debian's kubectl (package kubernetes-client): installed, or, where /usr/bin/kubectl
    belongs to another package (a cloud SDK's kubectl), the package fetched with apt-get
    download and unpacked into cache_dir."""
    if os.environ.get("BGPWATCH_KUBECTL"):
        return os.environ["BGPWATCH_KUBECTL"]
    q = subprocess.run(["dpkg-query", "-W", "-f=${Status}", "kubernetes-client"], capture_output=True, text=True)
    if "install ok installed" in q.stdout:
        return "/usr/bin/kubectl"
    binary = os.path.join(cache_dir, "root/usr/bin/kubectl")
    if not os.path.exists(binary):
        os.makedirs(cache_dir, exist_ok=True)
        subprocess.run(["apt-get", "download", "-q", "kubernetes-client"], cwd=cache_dir, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deb = [f for f in os.listdir(cache_dir) if f.startswith("kubernetes-client_") and f.endswith(".deb")]
        subprocess.run(["dpkg-deb", "-x", os.path.join(cache_dir, sorted(deb)[-1]), os.path.join(cache_dir, "root")],
                       check=True)
    return binary


def node_pods(objects_path, node):
    with open(objects_path) as f:
        objects = json.load(f)
    return sorted(f"{p['metadata'].get('namespace', 'default')}/{p['metadata']['name']}"
                  for p in objects.get("pods", []) if p.get("spec", {}).get("nodeName") == node)


def api_call(work, port, method, path, body=None):
    """One call to the test API with its client certificate: (status, parsed body)."""
    import ssl
    import urllib.error
    import urllib.request
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


def write_kubeconfig(work, port, path=None):
    path = path or os.path.join(work, "kubeconfig")
    with open(path, "w") as f:
        f.write("apiVersion: v1\nkind: Config\ncurrent-context: test\n"
                "contexts: [{name: test, context: {cluster: test, user: bgpwatch}}]\n"
                f"clusters:\n- name: test\n  cluster:\n    server: https://127.0.0.1:{port}\n"
                f"    certificate-authority: {work}/ca.crt\n"
                f"users:\n- name: bgpwatch\n  user:\n    client-certificate: {work}/client.crt\n"
                f"    client-key: {work}/client.key\n")
    return path


__all__ = ["read_calls", "summarize", "comparable", "debian_kubectl", "node_pods", "write_kubeconfig"]

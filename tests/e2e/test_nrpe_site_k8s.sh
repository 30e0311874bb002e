#!/usr/bin/env bash
# tests/e2e/test_nrpe_site_k8s.sh: site mode with the inventory from the
# Kubernetes test API (tests/e2e/k8s_api_server.py, TLS on 127.0.0.1) and
# the routers from the simulator: the cordoned node (spec.unschedulable) is
# skipped and listed, its Idle sessions neither count nor show as unknown
# peers; 10.64.0.99 (no node) is an unknown peer; a down session of a
# schedulable node is CRITICAL.
set -uo pipefail
BGPWATCH=${BGPWATCH:?}
CHECK=$(dirname "$BGPWATCH")/check_bgpwatch
SRC=${BGPWATCH_SOURCE_DIR:?}
command -v openssl >/dev/null || { echo "SKIP: openssl CLI missing"; exit 77; }
. "$SRC/tests/lib/sshd.sh"
SCENARIO=$SRC/fixtures/nrpe/scenarios/nrpe-world.json
sshd_init
sshd_start_router cr1-eqiad "$SCENARIO" --now "$SSHD_START"
sshd_start_router cr2-eqiad "$SCENARIO" --now "$SSHD_START"
K8S_DIR=$SSHD_DIR/k8s
mkdir -p "$K8S_DIR"
python3 - "$K8S_DIR/nodes.json" <<'PY'
import json, sys
def node(name, addrs, cordoned=False):
    n = {"kind": "Node", "apiVersion": "v1",
         "metadata": {"name": name, "labels": {"topology.kubernetes.io/region": "eqiad",
                                               "kubernetes.io/hostname": name}},
         "spec": {"unschedulable": True} if cordoned else {},
         "status": {"addresses": [{"type": "InternalIP", "address": a} for a in addrs]
                    + [{"type": "Hostname", "address": name}]}}
    return n
items = [
    node("kubernetes1003.eqiad.wmnet", ["10.64.32.23", "2620:0:861:103:10:64:32:23"]),
    node("kubernetes1004.eqiad.wmnet", ["10.64.48.52", "2620:0:861:107:10:64:48:52"]),
    node("kubernetes1005.eqiad.wmnet", ["10.64.0.145", "2620:0:861:101:10:64:0:145"], cordoned=True),
    node("kubernetes1006.eqiad.wmnet", ["10.64.32.18", "2620:0:861:103:10:64:32:18"]),
]
json.dump({"kind": "NodeList", "apiVersion": "v1", "metadata": {"resourceVersion": "1"}, "items": items},
          open(sys.argv[1], "w"))
PY
coproc K8S { exec python3 "$SRC/tests/e2e/k8s_api_server.py" "$K8S_DIR" "$K8S_DIR/nodes.json" 2> "$K8S_DIR/server.log"; }
k8s_pid=$K8S_PID
cleanup_all() {
  kill "$k8s_pid" 2>/dev/null; wait "$k8s_pid" 2>/dev/null
  sshd_cleanup
}
trap cleanup_all EXIT
read -r -t 60 ready https_port _ <&"${K8S[0]}" || { echo "FAIL: k8s test API did not start"; cat "$K8S_DIR/server.log"; exit 1; }
[ "$ready" = READY ] || { echo "FAIL: k8s test API said '$ready'"; exit 1; }

cat > "$K8S_DIR/kubeconfig" <<KC
apiVersion: v1
kind: Config
current-context: test
contexts:
- name: test
  context: {cluster: test, user: bgpwatch}
clusters:
- name: test
  cluster:
    server: https://127.0.0.1:$https_port
    certificate-authority-data: $(base64 -w0 < "$K8S_DIR/ca.crt")
users:
- name: bgpwatch
  user:
    token: $(cat "$K8S_DIR/token")
KC
CONF=$SSHD_DIR/config.yaml
sshd_write_config "$SSHD_DIR/base.yaml" "$SCENARIO"
# The same sites and NETCONF settings; nodes only from Kubernetes.
sed '/^inventory:/,$d' "$SSHD_DIR/base.yaml" > "$CONF"
printf 'inventory:\n  kubernetes: {kubeconfig: %s}\n' "$K8S_DIR/kubeconfig" >> "$CONF"

fail=0
out=$("$CHECK" --config "$CONF" --site eqiad -t 60 2> "$SSHD_DIR/err"); rc=$?
expected_first='BGPWATCH CRITICAL - site eqiad: 3 nodes (1 cordoned skipped), 11/12 sessions established, 1 not ready, 1 unknown peer | nodes=3;;;0 cordoned=1;;;0 established=11;;;0;12 not_ready=1;;0;0;12 unknown=0;;;0;12 min_uptime=60s;;;0 flaps=11c;;;0 unknown_peers=1;;;0 established_cr1-eqiad=6;;;0;6 not_ready_cr1-eqiad=0;;;0;6 established_cr2-eqiad=5;;;0;6 not_ready_cr2-eqiad=1;;;0;6'
expected_rest='kubernetes1003.eqiad.wmnet cr2-eqiad ipv6 2620:0:861:103:10:64:32:23 Active for 41s, 3 flaps
unknown peer 10.64.0.99 on cr1-eqiad (Active)
cordoned, skipped: kubernetes1005.eqiad.wmnet'
if [ "$rc" = 2 ] && [ "$out" = "$expected_first"$'\n'"$expected_rest" ] && [ ! -s "$SSHD_DIR/err" ]; then
  echo "ok: site mode with Kubernetes: cordoned node skipped and listed, unknown peer flagged, CRITICAL"
else
  echo "FAIL: rc=$rc"; echo "$out"; echo "--- want:"; echo "$expected_first"; echo "$expected_rest"; cat "$SSHD_DIR/err"; fail=1
fi
grep -q ' /api/v1/nodes' "$K8S_DIR/requests.log" || { echo "FAIL: the Kubernetes API was not asked"; fail=1; }

# With the cordoned node's sessions being the only problem, the site is OK
# apart from the unknown peer: check a node that is fine, by name, via the API.
out=$("$CHECK" --config "$CONF" --node kubernetes1004 -t 60); rc=$?
if [ "$rc" = 0 ] && grep -q '^BGPWATCH OK - kubernetes1004.eqiad.wmnet: 4/4 sessions established | ' <<<"$out"; then
  echo "ok: node resolved through the Kubernetes API: OK"
else
  echo "FAIL: node via Kubernetes: rc=$rc"; echo "$out"; fail=1
fi
exit $fail

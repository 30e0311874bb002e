#!/usr/bin/env bash
# wait-established for a node known only to Kubernetes: the inventory asks a
# local HTTPS API server (tests/e2e/k8s_api_server.py: real TLS, test CA,
# fixtures/kubernetes/nodes.json) and the routers are simulated behind sshd.
: "${BGPWATCH_SOURCE_DIR:?set by CTest}"
. "$BGPWATCH_SOURCE_DIR/tests/lib/gate_e2e.sh" || exit 1
sshd_require_root
# Scenario t=0 is 8 s away: starting the API server (a fresh PKI) takes time.
export SSHD_START=$(( $(date +%s) + 8 ))
gate_world "$SCENARIOS/gate-up-after.json" cr1-eqiad cr2-eqiad

api=$GATE_WORK/k8s
mkdir -p "$api"
# The server exits when its stdin closes: hold a FIFO open for it.
mkfifo "$api/stdin"
/usr/bin/python3 "$BGPWATCH_SOURCE_DIR/tests/e2e/k8s_api_server.py" "$api" "$BGPWATCH_FIXTURES/kubernetes/nodes.json" \
  < "$api/stdin" > "$api/ready" 2> "$api/server.err" &
SSHD_PIDS+=($!)
exec 7> "$api/stdin"
for i in $(seq 1 600); do grep -q '^READY ' "$api/ready" 2>/dev/null && break; sleep 0.1; done
read -r ready https silent < "$api/ready" || true
[ "${ready:-}" = READY ] || { echo "FAIL: the Kubernetes API stand-in did not start: $(cat "$api/server.err")"; exit 1; }
# --since @$SSHD_START must not be in the future (a usage error since issue 13).
while [ "$(date +%s)" -lt "$SSHD_START" ]; do sleep 0.1; done

kubeconfig() { # NAME CA_FILE
  cat > "$api/$1" <<KC
apiVersion: v1
kind: Config
current-context: bgpwatch@test
contexts:
- name: bgpwatch@test
  context: {cluster: test, user: bgpwatch}
clusters:
- name: test
  cluster:
    server: https://127.0.0.1:$https
    certificate-authority: $2
users:
- name: bgpwatch
  user:
    token: $(cat "$api/token")
KC
}
kubeconfig good.kubeconfig ca.crt
kubeconfig wrong-ca.kubeconfig other-ca.crt

# The sshd.sh config with its static inventory replaced by Kubernetes only.
with_k8s() { # KUBECONFIG OUT
  sed '/^inventory:/,$d' "$GATE_WORK/config.yaml" > "$2"
  printf 'inventory:\n  kubernetes: {kubeconfig: %s, site_label: topology.kubernetes.io/region}\n' "$1" >> "$2"
}
with_k8s "$api/good.kubeconfig" "$GATE_WORK/k8s.yaml"
with_k8s "$api/wrong-ca.kubeconfig" "$GATE_WORK/k8s-wrong-ca.yaml"

CONFIG=$GATE_WORK/k8s.yaml
# A --since in the future is refused (issue 13): start at scenario t=0.
while [ "$(date +%s)" -lt "$SSHD_START" ]; do sleep 0.1; done
gate_run "node from Kubernetes, short name" 0 -- wait-established --node kubernetes1003 --since "@$SSHD_START" --interval 1s --timeout 30s
gate_expect '^node kubernetes1003.eqiad.wmnet, site eqiad: 4 expected sessions'
gate_expect 'NETCONF sessions opened: 2$'
grep -q "/api/v1/nodes" "$api/requests.log" || gate_fail "the API server was not asked for nodes: $(cat "$api/requests.log")"

gate_run "unknown to Kubernetes: usage error" 2 -- check --node kubernetes1999
gate_expect "unknown node 'kubernetes1999' \(tried kubernetes: not found\)"

CONFIG=$GATE_WORK/k8s-wrong-ca.yaml
gate_run "API server certificate from another CA: refused, unknown" 3 -- check --node kubernetes1003
gate_expect "unknown node 'kubernetes1003' \(tried kubernetes: "
gate_done

# Issue 13 trap 6: the card's own usage line, `wait-established --node N`
# with no --since, run right after `systemctl restart calico-node` while the
# routers still show the old session (hold time 30 s): READY at once. Now
# --since auto is the default: from Kubernetes (the calico-node container's
# startedAt) the old session does not count; with nothing to tell when
# calico-node started, the command refuses (exit 2) and names the ways out.
old=(--replay "cr1-eqiad=$FR_REPLAY/cr1-eqiad-old-session.xml" --replay "cr2-eqiad=$FR_REPLAY/cr2-eqiad-up.xml")
fr_expect "bare wait-established, no Kubernetes, no BIRD: refuses" 2 \
  "--since auto: cannot tell when calico-node last started on kubernetes1003.eqiad.wmnet .*--since -2m.*--since none" -- \
  --config "$FR_REPLAY/config.yaml" wait-established --node kubernetes1003 --now "$FR_NOW" --timeout 2s "${old[@]}"
fr_expect "bare gate: refuses, CMD not run" 2 "--since auto: cannot tell" -- \
  --config "$FR_REPLAY/config.yaml" gate --node kubernetes1003 --now "$FR_NOW" --timeout 2s "${old[@]}" \
  -- /usr/bin/touch "$FR_WORK/cmd-ran"
[ ! -e "$FR_WORK/cmd-ran" ] || { echo "FAIL: gate ran CMD"; FR_FAILS=$((FR_FAILS + 1)); }

# With the Kubernetes inventory: the test API server serves the calico-node
# pod of kubernetes1003, its container started 45 s before --now.
api=$FR_WORK/k8s
mkdir -p "$api"
cat > "$api/pods.json" <<'JSON'
{"kind": "PodList", "apiVersion": "v1", "items": [
 {"metadata": {"name": "calico-node-x7k2p", "namespace": "kube-system", "labels": {"k8s-app": "calico-node"}},
  "spec": {"nodeName": "kubernetes1003.eqiad.wmnet"},
  "status": {"phase": "Running", "containerStatuses": [
    {"name": "calico-node", "restartCount": 4, "state": {"running": {"startedAt": "2026-11-29T02:59:15Z"}}}]}},
 {"metadata": {"name": "calico-node-q8d1m", "namespace": "kube-system", "labels": {"k8s-app": "calico-node"}},
  "spec": {"nodeName": "kubernetes1004.eqiad.wmnet"},
  "status": {"phase": "Running", "containerStatuses": [
    {"name": "calico-node", "state": {"running": {"startedAt": "2026-11-01T00:00:00Z"}}}]}}]}
JSON
mkfifo "$api/stdin"
/usr/bin/python3 "$BGPWATCH_SOURCE_DIR/tests/e2e/k8s_api_server.py" "$api" "$BGPWATCH_FIXTURES/kubernetes/nodes.json" \
  "$api/pods.json" < "$api/stdin" > "$api/ready" 2> "$api/server.err" &
exec 7> "$api/stdin"
for i in $(seq 1 600); do grep -q '^READY ' "$api/ready" 2>/dev/null && break; sleep 0.1; done
read -r ready https silent < "$api/ready" || true
[ "${ready:-}" = READY ] || { echo "FAIL: the Kubernetes API stand-in did not start: $(cat "$api/server.err")"; exit 1; }
cat > "$api/kubeconfig" <<KC
apiVersion: v1
kind: Config
current-context: t
contexts: [{name: t, context: {cluster: t, user: t}}]
clusters: [{name: t, cluster: {server: "https://127.0.0.1:$https", certificate-authority: ca.crt}}]
users: [{name: t, user: {token: $(cat "$api/token")}}]
KC
# The replay configuration (static inventory first), plus Kubernetes.
{ cat "$FR_REPLAY/config.yaml"; printf '  kubernetes: {kubeconfig: %s}\n' "$api/kubeconfig"; } > "$api/config.yaml"
fr_expect "bare wait-established, Kubernetes: the old session does not count" 1 \
  'cr1-eqiad ipv4 10\.64\.32\.23 Established for 1h, up since .*not after --since 2026-11-29T02:59:15.000Z \(has not restarted yet\)' -- \
  --config "$api/config.yaml" wait-established --node kubernetes1003 --now "$FR_NOW" --interval 1s --timeout 2s "${old[@]}"
grep -Eq '^since: auto: Kubernetes: pod kube-system/calico-node-x7k2p, container calico-node running since 2026-11-29T02:59:15.000Z$' "$FR_OUT" \
  || { echo "FAIL: the report does not say where --since came from"; cat "$FR_OUT"; FR_FAILS=$((FR_FAILS + 1)); }
grep -q 'labelSelector=k8s-app%3Dcalico-node&fieldSelector=spec.nodeName%3Dkubernetes1003.eqiad.wmnet' "$api/requests.log" \
  || { echo "FAIL: the API was not asked for the node's calico-node pods: $(cat "$api/requests.log")"; FR_FAILS=$((FR_FAILS + 1)); }
fr_note "bare wait-established on the old session: refuses (exit 2) or not ready from Kubernetes"

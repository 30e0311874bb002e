#!/usr/bin/env bash
# bgpwatch roll against a simulated site: two simulated Junos routers
# (cr1-eqiad EOM, cr2-eqiad chunked) behind a private sshd, six workers
# kubernetes1001-1006 (fixtures/scenarios/roll-eqiad.json). CMD is
# $WORK/restart.sh NODE: it logs NODE to $WORK/cmd.log and appends a
# "restart" event to the simulators' control file (both routers drop the
# node's sessions at once, Established again 3 s later), or "down" for the
# nodes listed in $WORK/dead (they never come back).
#   clean roll (every node, in order; each CMD only after the one before is
#   ready and settled), a node that never comes back, a node unhealthy
#   before the roll (pre-flight holds and names it), resume after a stop
#   (--state), two rolls at once, stale and live lock files, --dry-run,
#   SIGINT mid-roll, --max-unavailable 2, and --drain against the test
#   Kubernetes API (Lease lock), its calls compared with the reference recorded
#   from Debian's kubectl drain (tests/e2e/test_kubectl_drain.py); --selector
#   (a labelled subset of the site, from the same API).
: "${BGPWATCH_SOURCE_DIR:?set by CTest}"
. "$BGPWATCH_SOURCE_DIR/tests/lib/gate_e2e.sh" || exit 1
sshd_require_root

export SSHD_START=$(date +%s)
sshd_init
WORK=$SSHD_DIR
CONTROL=$WORK/control.jsonl
: > "$CONTROL"
for r in cr1-eqiad cr2-eqiad; do
  sshd_start_router "$r" "$SCENARIOS/roll-eqiad.json" --control "$CONTROL" || { echo "FAIL: cannot start $r"; exit 1; }
done
CONFIG=$WORK/config.yaml OUT=$WORK/out ERR=$WORK/err
sshd_write_config "$CONFIG" "$SCENARIOS/roll-eqiad.json"

cat > "$WORK/restart.sh" <<SH
#!/bin/sh
# restart.sh NODE [SLEEP]: "restart calico-node" on a simulated node.
node=\$1
echo "\$node" >> "$WORK/cmd.log"
[ -n "\${2:-}" ] && sleep "\$2"
script=restart
grep -qx "\$node" "$WORK/dead" 2>/dev/null && script=down
printf '{"node": "%s", "at_unix": %s, "script": "%s", "up_after": 3}\n' "\$node" "\$(date +%s.%N)" "\$script" >> "$CONTROL"
echo "calico-node on \$node: \$script"
SH
chmod 755 "$WORK/restart.sh"
: > "$WORK/dead"

ALL="kubernetes1001 kubernetes1002 kubernetes1003 kubernetes1004 kubernetes1005 kubernetes1006"
ROLL=(roll --site eqiad --lock-dir "$WORK" --interval 1s --timeout 30s --preflight-timeout 20s)

# cmd_log_is "N1 N2 ...": the CMDs run since the log was last cleared, in order.
cmd_log_is() {
  GATE_CHECKS=$((GATE_CHECKS + 1))
  local got
  got=$(tr '\n' ' ' < "$WORK/cmd.log" | sed 's/ $//')
  [ "$got" = "$1" ] || gate_fail "$GATE_NAME: CMD ran on '$got', want '$1'"
}

# audit_check FILE PYTHON: assertions over the audit records (recs, steps, t()).
audit_check() {
  GATE_CHECKS=$((GATE_CHECKS + 1))
  local msg
  msg=$(/usr/bin/python3 - "$1" "$2" 2>&1 <<'PY'
import json, sys
from datetime import datetime, timezone
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
steps = [r for r in recs if r["event"] == "step"]
def t(s):
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc).timestamp()
exec(sys.argv[2])
PY
) || gate_fail "$GATE_NAME: audit check failed: $msg"
}

# --- --dry-run: the plan and the pre-flight, nothing else.
: > "$WORK/cmd.log"
gate_run "--dry-run prints the plan and changes nothing" 0 -- "${ROLL[@]}" --dry-run --max-unavailable 2 \
  --state "$WORK/dry.jsonl" -- "$WORK/restart.sh" "{node}"
gate_expect '^batch 1: kubernetes1001.eqiad.wmnet, kubernetes1002.eqiad.wmnet$'
gate_expect '^batch 3: kubernetes1005.eqiad.wmnet, kubernetes1006.eqiad.wmnet$'
gate_expect "^  kubernetes1004.eqiad.wmnet: $WORK/restart.sh kubernetes1004\$"
gate_expect '^pre-flight now: clear'
cmd_log_is ""
GATE_CHECKS=$((GATE_CHECKS + 1))
[ ! -s "$WORK/dry.jsonl" ] && [ ! -e "$WORK/bgpwatch-roll-eqiad.lock" ] \
  || gate_fail "--dry-run wrote the audit or took the lock"

# --- clean roll of the six nodes, JSON Lines progress (stdout is not a TTY).
: > "$WORK/cmd.log"
gate_run "clean roll of six nodes" 0 -- "${ROLL[@]}" --settle 2s --state "$WORK/clean.jsonl" \
  -- "$WORK/restart.sh" "{node}"
cmd_log_is "$ALL"
gate_expect '^\[kubernetes1003.eqiad.wmnet\] calico-node on kubernetes1003: restart$'
gate_expect '"event": ?"result".*"exit": ?0'
audit_check "$WORK/clean.jsonl" '
done = [r["node"] for r in steps if r["step"] == "done" and r["verdict"] == "ok"]
assert done == sorted(done) and len(done) == 6, done
# No CMD starts before the node before it is ready and settled.
ends = {r["node"]: t(r["end"]) for r in steps if r["step"] == "settle" and r["verdict"] == "ok"}
starts = [(r["node"], t(r["start"])) for r in steps if r["step"] == "command" and r["verdict"] == "started"]
for (prev, _), (node, start) in zip(starts, starts[1:]):
    assert start >= ends[prev], f"{node} started before {prev} settled"
waits = [r for r in steps if r["step"] == "wait" and r["verdict"] == "ok"]
assert len(waits) == 6 and all(r["detail"].startswith("ready after") for r in waits), waits
assert recs[-1]["event"] == "result" and recs[-1]["exit"] == 0 and recs[-1]["not_done"] == []
'

# --- a node that never comes back: the roll stops there, later nodes untouched, exit 1.
: > "$WORK/cmd.log"
echo kubernetes1003 > "$WORK/dead"
gate_run "a node that never comes back stops the roll" 1 -- "${ROLL[@]}" --timeout 8s --state "$WORK/resume.jsonl" \
  -- "$WORK/restart.sh" "{node}"
cmd_log_is "kubernetes1001 kubernetes1002 kubernetes1003"
gate_expect 'kubernetes1003.eqiad.wmnet did not come back: NOT READY'
audit_check "$WORK/resume.jsonl" '
r = recs[-1]
assert r["event"] == "result" and r["exit"] == 1, r
assert r["done"] == ["kubernetes1001.eqiad.wmnet", "kubernetes1002.eqiad.wmnet"], r
assert r["not_done"][0] == "kubernetes1003.eqiad.wmnet" and len(r["not_done"]) == 4, r
assert any(s["node"] == "kubernetes1003.eqiad.wmnet" and s["step"] == "wait" and s["verdict"] == "failed" for s in steps)
later = ("kubernetes1004.eqiad.wmnet", "kubernetes1005.eqiad.wmnet", "kubernetes1006.eqiad.wmnet")
assert not any(s["node"] in later for s in steps), [s for s in steps if s["node"] in later]
'

# --- another node unhealthy before the roll: pre-flight holds and names it.
: > "$WORK/cmd.log"
gate_run "pre-flight holds while kubernetes1003 is down" 1 -- "${ROLL[@]}" --nodes kubernetes1005,kubernetes1006 \
  --preflight-timeout 4s -- "$WORK/restart.sh" "{node}"
cmd_log_is ""
gate_expect '"blocking_node": ?"kubernetes1003.eqiad.wmnet"'
gate_expect 'pre-flight did not clear in 4s: kubernetes1003.eqiad.wmnet is not ready'

# --- resume: kubernetes1003 is repaired; the same --state skips 1001-1002.
: > "$WORK/dead"
: > "$WORK/cmd.log"
gate_run "resume after the stop starts at the first unfinished node" 0 -- "${ROLL[@]}" --state "$WORK/resume.jsonl" \
  -- "$WORK/restart.sh" "{node}"
cmd_log_is "kubernetes1003 kubernetes1004 kubernetes1005 kubernetes1006"
gate_expect 'already done .*kubernetes1001.eqiad.wmnet, kubernetes1002.eqiad.wmnet'
audit_check "$WORK/resume.jsonl" '
rolls = [r for r in recs if r["event"] == "roll"]
assert len(rolls) == 2, rolls
r = recs[-1]
assert r["exit"] == 0 and len(r["done"]) == 6 and r["not_done"] == [], r
'

# --- two rolls at once: the second refuses and names the holder.
: > "$WORK/cmd.log"
GATE_NAME="two concurrent rolls"
"$BGPWATCH" --config "$CONFIG" "${ROLL[@]}" --nodes kubernetes1001,kubernetes1002 \
  -- "$WORK/restart.sh" "{node}" 4 > "$WORK/first.out" 2> "$WORK/first.err" < /dev/null &
first=$!
for i in $(seq 1 100); do grep -q '"owner"' "$WORK/bgpwatch-roll-eqiad.lock" 2>/dev/null && break; sleep 0.1; done
gate_run "a second roll of the same site refuses" 2 -- "${ROLL[@]}" --nodes kubernetes1005 -- "$WORK/restart.sh" "{node}"
gate_expect "lock file $WORK/bgpwatch-roll-eqiad.lock held by .* pid $first "
wait $first; RC=$?
GATE_CHECKS=$((GATE_CHECKS + 1))
[ "$RC" = 0 ] || { OUT=$WORK/first.out ERR=$WORK/first.err gate_fail "two concurrent rolls: the first exited $RC"; }
cmd_log_is "kubernetes1001 kubernetes1002"
GATE_CHECKS=$((GATE_CHECKS + 1))
[ ! -s "$WORK/bgpwatch-roll-eqiad.lock" ] || gate_fail "the lock file still names a holder after the roll"

# --- a stale lock (not renewed for longer than its TTL) is taken over; a live one is not.
printf '{"owner": "root@elsewhere pid 1", "renewed": "2026-01-01T00:00:00.000Z", "ttl_ms": 60000}\n' \
  > "$WORK/bgpwatch-roll-eqiad.lock"
gate_run "an expired lock is taken over" 0 -- "${ROLL[@]}" --nodes kubernetes1006 -- "$WORK/restart.sh" "{node}"
gate_expect 'took over the expired lock of root@elsewhere pid 1'
printf '{"owner": "root@elsewhere pid 1", "renewed": "%s", "ttl_ms": 600000}\n' "$(date -u +%Y-%m-%dT%H:%M:%S.000Z)" \
  > "$WORK/bgpwatch-roll-eqiad.lock"
gate_run "a live lock is not" 2 -- "${ROLL[@]}" --nodes kubernetes1006 -- "$WORK/restart.sh" "{node}"
gate_expect 'held by root@elsewhere pid 1 \(renewed .*, expires in [0-9]+s\)'
: > "$WORK/bgpwatch-roll-eqiad.lock"

# --- SIGINT mid-roll: the current CMD finishes or is signalled, nothing further runs.
: > "$WORK/cmd.log"
GATE_NAME="SIGINT mid-roll"
"$BGPWATCH" --config "$CONFIG" "${ROLL[@]}" --state "$WORK/sigint.jsonl" \
  -- "$WORK/restart.sh" "{node}" 3 > "$OUT" 2> "$ERR" < /dev/null &
pid=$!
for i in $(seq 1 300); do grep -qx kubernetes1002 "$WORK/cmd.log" 2>/dev/null && break; sleep 0.1; done
kill -INT $pid; wait $pid; RC=$?
GATE_CHECKS=$((GATE_CHECKS + 1))
[ "$RC" = 130 ] || gate_fail "$GATE_NAME: exit $RC, want 130"
sleep 4
cmd_log_is "kubernetes1001 kubernetes1002"
audit_check "$WORK/sigint.jsonl" '
assert any(s["node"] == "kubernetes1002.eqiad.wmnet" and s["verdict"] == "interrupted" for s in steps), steps[-3:]
# The CMD of the interrupted node was signalled or finished; no later node has a step.
cmd = [s for s in steps if s["node"] == "kubernetes1002.eqiad.wmnet" and s["step"] == "command" and s["verdict"] != "started"]
assert len(cmd) == 1 and cmd[0]["verdict"] in ("interrupted", "ok"), cmd
assert all(s["node"] in ("kubernetes1001.eqiad.wmnet", "kubernetes1002.eqiad.wmnet") for s in steps), steps[-3:]
assert recs[-1]["event"] == "result" and recs[-1]["exit"] == 130, recs[-1]
assert recs[-1]["done"] == ["kubernetes1001.eqiad.wmnet"], recs[-1]
'

# --- on a terminal: the live table (script(1) gives roll a pseudo-terminal).
: > "$WORK/cmd.log"
GATE_NAME="live table on a terminal"
GATE_CHECKS=$((GATE_CHECKS + 1))
script -qec "$BGPWATCH --config $CONFIG ${ROLL[*]} --nodes kubernetes1004 -- $WORK/restart.sh {node}" /dev/null \
  > "$OUT" 2> "$ERR" < /dev/null || gate_fail "$GATE_NAME: exit $?"
gate_expect '^NODE +STEP +ELAPSED +VERDICT +DETAIL'
gate_expect '^kubernetes1004.eqiad.wmnet +done +- +ok'
gate_expect '^roll of eqiad: complete \(exit 0\)'
cmd_log_is "kubernetes1004"

# --- --max-unavailable 2: two nodes at a time, the rest of the site checked around them.
: > "$WORK/cmd.log"
gate_run "--max-unavailable 2" 0 -- "${ROLL[@]}" --max-unavailable 2 --nodes kubernetes1001,kubernetes1002,kubernetes1003 \
  --state "$WORK/k2.jsonl" -- "$WORK/restart.sh" "{node}"
audit_check "$WORK/k2.jsonl" '
cmd = {r["node"]: t(r["start"]) for r in steps if r["step"] == "command" and r["verdict"] == "started"}
assert abs(cmd["kubernetes1001.eqiad.wmnet"] - cmd["kubernetes1002.eqiad.wmnet"]) < 5, cmd
done2 = [t(r["end"]) for r in steps if r["step"] == "done" and r["node"] == "kubernetes1002.eqiad.wmnet"][0]
assert cmd["kubernetes1003.eqiad.wmnet"] >= done2, cmd
'

# --- --drain against the test Kubernetes API, compared with Debian's kubectl.
# The inventory is now Kubernetes (fixtures/kubernetes/roll-nodes.json), so the
# lock is the Lease kube-system/bgpwatch-roll-eqiad; pods from roll-objects.json.
K8S_DIR=$WORK/k8s
mkdir -p "$K8S_DIR"
coproc K8S { exec /usr/bin/python3 "$BGPWATCH_SOURCE_DIR/tests/e2e/k8s_api_server.py" "$K8S_DIR" \
  "$BGPWATCH_FIXTURES/kubernetes/roll-nodes.json" --objects "$BGPWATCH_FIXTURES/kubernetes/roll-objects.json" \
  2> "$K8S_DIR/server.log"; }
k8s_pid=$K8S_PID
trap 'kill "$k8s_pid" 2>/dev/null; wait "$k8s_pid" 2>/dev/null; sshd_cleanup' EXIT
read -r -t 60 ready https_port _ <&"${K8S[0]}" || { echo "FAIL: k8s test API did not start"; cat "$K8S_DIR/server.log"; exit 1; }
K8S_CONFIG=$WORK/config-k8s.yaml
sed '/^inventory:/,$d' "$CONFIG" > "$K8S_CONFIG"
/usr/bin/python3 -c '
import sys; sys.path.insert(0, sys.argv[1])
import drain_calls; drain_calls.write_kubeconfig(sys.argv[2], int(sys.argv[3]))' \
  "$BGPWATCH_SOURCE_DIR/tests/e2e" "$K8S_DIR" "$https_port"
printf 'inventory:\n  kubernetes: {kubeconfig: %s/kubeconfig, site_label: topology.kubernetes.io/region}\n' "$K8S_DIR" >> "$K8S_CONFIG"
# lease SECONDS_AGO DURATION [SPEC_JSON]: someone else's Lease bgpwatch-roll-eqiad, renewed
# SECONDS_AGO ago; SPEC_JSON's fields replace the spec's.
lease() {
  local extra='{}'
  [ $# -ge 3 ] && extra=$3
  /usr/bin/python3 - "$BGPWATCH_SOURCE_DIR/tests/e2e" "$K8S_DIR" "$https_port" "$1" "$2" "$extra" <<'PY'
import json, sys, time
sys.path.insert(0, sys.argv[1])
import drain_calls
work, port, ago, duration = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
path = "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases"
renewed = time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime(time.time() - ago))
spec = {"holderIdentity": "root@elsewhere pid 9", "leaseDurationSeconds": duration, "renewTime": renewed}
spec.update(json.loads(sys.argv[6]))
code, cur = drain_calls.api_call(work, port, "GET", path + "/bgpwatch-roll-eqiad")
if code == 404:
    code, _ = drain_calls.api_call(work, port, "POST", path, {"metadata": {"name": "bgpwatch-roll-eqiad"}, "spec": spec})
else:
    cur["spec"] = spec
    code, _ = drain_calls.api_call(work, port, "PUT", path + "/bgpwatch-roll-eqiad", cur)
sys.exit(0 if code in (200, 201) else 1)
PY
}
CONFIG_SAVED=$CONFIG CONFIG=$K8S_CONFIG
lease 5 600
gate_run "a live Lease held by another roll refuses" 2 -- "${ROLL[@]}" --nodes kubernetes1003 -- "$WORK/restart.sh" "{node}"
gate_expect 'Lease kube-system/bgpwatch-roll-eqiad held by root@elsewhere pid 9 \(renewed .*, expires in [0-9]+s\)'
# A Lease whose fields have the wrong types is held by someone we cannot name: refuse, never "free".
lease 700 600 '{"holderIdentity": 9}'
gate_run "a Lease we cannot read refuses" 2 -- "${ROLL[@]}" --nodes kubernetes1003 -- "$WORK/restart.sh" "{node}"
gate_expect 'Lease kube-system/bgpwatch-roll-eqiad: spec.holderIdentity is not a string'
lease 700 600
: > "$K8S_DIR/calls.jsonl"
: > "$WORK/cmd.log"
gate_run "--drain: cordon, evict, CMD, wait, uncordon" 0 -- "${ROLL[@]}" --drain --drain-timeout 60s \
  --nodes kubernetes1003 --state "$WORK/drain.jsonl" -- "$WORK/restart.sh" "{node}"
CONFIG=$CONFIG_SAVED
cmd_log_is "kubernetes1003"
gate_expect 'took over the expired Lease of root@elsewhere pid 9'
gate_expect '^\[kubernetes1003.eqiad.wmnet\] leaving kube-system/calico-node-03x7k \(DaemonSet\)$'
gate_expect '^\[kubernetes1003.eqiad.wmnet\] pod mediawiki/mw-web-6d5f8b7c9-03q2w: Cannot evict pod as it would violate the pod.s disruption budget. \(retrying in 5s\)$'
GATE_CHECKS=$((GATE_CHECKS + 1))
diff_out=$(/usr/bin/python3 - "$BGPWATCH_SOURCE_DIR/tests/e2e" "$K8S_DIR/calls.jsonl" \
  "$BGPWATCH_FIXTURES/kubernetes/roll-objects.json" "$BGPWATCH_FIXTURES/kubernetes/kubectl-drain.reference.json" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[1])
import drain_calls
node = "kubernetes1003.eqiad.wmnet"
calls = drain_calls.read_calls(sys.argv[2])
got = drain_calls.comparable(drain_calls.summarize(calls, node, drain_calls.node_pods(sys.argv[3], node)))
want = json.load(open(sys.argv[4]))
if got != want:
    print("bgpwatch:", json.dumps(got, sort_keys=True))
    print("kubectl: ", json.dumps(want, sort_keys=True))
    sys.exit(1)
# The roll's own order: cordon, evictions, CMD (the control file), uncordon last;
# and the Lease taken before the cordon and given back after the uncordon.
idx = {k: [i for i, c in enumerate(calls) if f(c)] for k, f in {
    "lease_take": lambda c: c["method"] in ("POST", "PUT") and "/leases" in c["path"] and c["code"] in (200, 201)
                  and (c["body"] or {}).get("spec", {}).get("holderIdentity"),
    "lease_give": lambda c: c["method"] == "PUT" and "/leases/bgpwatch-roll-eqiad" in c["path"]
                  and not (c["body"] or {}).get("spec", {}).get("holderIdentity"),
    "patch": lambda c: c["method"] == "PATCH"}.items()}
assert idx["lease_take"] and idx["lease_give"], idx
assert idx["lease_take"][0] < idx["patch"][0] < idx["patch"][-1] < idx["lease_give"][-1], idx
PY
) || gate_fail "--drain: bgpwatch's API calls differ from kubectl's: $diff_out"
audit_check "$WORK/drain.jsonl" '
order = [(s["step"], s["verdict"]) for s in steps if s["verdict"] != "started"]
assert order == [("preflight", "ok"), ("drain", "ok"), ("command", "ok"), ("wait", "ok"), ("uncordon", "ok"), ("done", "ok")], order
'

# --- --selector LABEL=VALUE: the labelled subset of the site (1004-1006 are in
# zone eqiad-row-b in roll-nodes.json), from the Kubernetes API, in name order;
# the rest of the site is still checked before each node.
CONFIG=$K8S_CONFIG
: > "$K8S_DIR/requests.log"
: > "$WORK/cmd.log"
gate_run "--selector: dry run of the labelled subset" 0 -- "${ROLL[@]}" --dry-run \
  --selector topology.kubernetes.io/zone=eqiad-row-b -- "$WORK/restart.sh" "{node}"
gate_expect '^roll of eqiad \(dry run: nothing is changed\): 3 nodes, 1 at a time, selected by topology.kubernetes.io/zone=eqiad-row-b$'
gate_expect '^batch 1: kubernetes1004.eqiad.wmnet$'
gate_expect '^batch 3: kubernetes1006.eqiad.wmnet$'
GATE_CHECKS=$((GATE_CHECKS + 1))
grep -q '/api/v1/nodes?labelSelector=topology.kubernetes.io%2Fregion%3Deqiad%2Ctopology.kubernetes.io%2Fzone%3Deqiad-row-b$' \
  "$K8S_DIR/requests.log" || gate_fail "--selector: the API server was not asked for the site and the label: $(cat "$K8S_DIR/requests.log")"
gate_run "--selector: roll of the labelled subset" 0 -- "${ROLL[@]}" --selector topology.kubernetes.io/zone=eqiad-row-b \
  --state "$WORK/selector.jsonl" -- "$WORK/restart.sh" "{node}"
cmd_log_is "kubernetes1004 kubernetes1005 kubernetes1006"
audit_check "$WORK/selector.jsonl" '
r = recs[-1]
assert r["event"] == "result" and r["exit"] == 0, r
assert r["done"] == ["kubernetes1004.eqiad.wmnet", "kubernetes1005.eqiad.wmnet", "kubernetes1006.eqiad.wmnet"], r
assert not any(s["node"].startswith(("kubernetes1001.", "kubernetes1002.", "kubernetes1003.")) for s in steps), steps
'
# The rest of the site still gates the subset: kubernetes1002 (not selected) is down.
: > "$WORK/cmd.log"
printf '{"node": "kubernetes1002", "at_unix": %s, "script": "down", "up_after": 3}\n' "$(date +%s.%N)" >> "$CONTROL"
gate_run "--selector: pre-flight still covers the nodes not selected" 1 -- "${ROLL[@]}" \
  --selector topology.kubernetes.io/zone=eqiad-row-b --preflight-timeout 4s -- "$WORK/restart.sh" "{node}"
gate_expect 'pre-flight did not clear in 4s: kubernetes1002.eqiad.wmnet is not ready'
cmd_log_is ""
printf '{"node": "kubernetes1002", "at_unix": %s, "script": "restart", "up_after": 1}\n' "$(date +%s.%N)" >> "$CONTROL"
gate_run "--selector: a label no node of the site has" 2 -- "${ROLL[@]}" --selector topology.kubernetes.io/zone=eqiad-row-z \
  -- "$WORK/restart.sh" "{node}"
gate_expect '^bgpwatch roll: --selector topology.kubernetes.io/zone=eqiad-row-z: no node of eqiad has that label$'
cmd_log_is ""
CONFIG=$CONFIG_SAVED
gate_run "--selector without the Kubernetes inventory" 2 -- "${ROLL[@]}" --selector topology.kubernetes.io/zone=eqiad-row-b \
  -- "$WORK/restart.sh" "{node}"
gate_expect '^bgpwatch roll: --selector topology.kubernetes.io/zone=eqiad-row-b: node labels come from the Kubernetes inventory, and none is configured \(inventory.kubernetes in the configuration\); list the nodes with --nodes$'
cmd_log_is ""

gate_done

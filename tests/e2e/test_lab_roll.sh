#!/usr/bin/env bash
# tests/e2e/test_lab_roll.sh: bgpwatch roll against real BGP daemons.
#
# The lab (tests/lab/bwlab.sh, NODES=2, namespaces of its own): FRR bgpd as
# the core router cr1-eqiad (AS 14907), two BIRD 1.6 workers node1/node2
# (bird+bird6, AS 64601). The router is read the way production reads a
# Juniper: NETCONF over SSH to a private sshd whose netconf subsystem is
# bgpwatch-netconf-sim in mirror mode, answering from FRR's live state.
# CMD is "restart that node's BIRD" (bwlab.sh restart-node N: SIGTERM
# bird+bird6, start them again, as a calico-node restart does).
#
#  1. a roll of both nodes succeeds in order. CMD records FRR's own view when
#     it starts: node2's CMD may start only once node1's sessions are
#     Established again as new connections (FRR's counter), and each node's
#     sessions must be new connections by the time the roll calls it done;
#  2. a roll where node2's BIRD is kept down (CMD stops it and does not start
#     it): node1 is restarted, the roll stops at node2 (exit 1), and the
#     state file says node2's wait failed, node1 done, node2 not done.
# Everything it starts is stopped by pid or deleted by name in the EXIT trap.
# Needs root; run it under the lab lock: flock /tmp/bgpwatch-lab.lock ...
set -uo pipefail

if [ "$(id -u)" != 0 ]; then
  echo "SKIP: needs root (network namespaces, sshd)" >&2
  exit 77
fi
SRC=${BGPWATCH_SOURCE_DIR:?} BW=${BGPWATCH:?} SIM=${BGPWATCH_SIM:?}
LAB=$SRC/tests/lab/bwlab.sh
for c in bird bird6 birdc vtysh /usr/sbin/sshd /usr/lib/frr/bgpd; do
  command -v "$c" >/dev/null || { echo "FAIL: $c missing (packaging/debian-packages.txt)" >&2; exit 1; }
done

T_START=$(date +%s.%N)
export BWLAB_PREFIX=bwr$$ BWLAB_QUIET=1
export BWLAB_DIR=$(mktemp -d /tmp/bgpwatch-lab.XXXXXX)
WORK=$BWLAB_DIR/e2e
mkdir -p "$WORK"

. "$SRC/tests/lib/sshd.sh"
. "$SRC/tests/lib/lab_mirror.sh"
cleanup() {
  sshd_cleanup
  "$LAB" down >/dev/null 2>&1 || echo "warning: bwlab down failed" >&2
  [ -n "${KEEP_LAB:-}" ] || rm -rf "$BWLAB_DIR"
}
sshd_init
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
note() { echo "--- $*"; }
elapsed() { /usr/bin/python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$1" "$2"; }

# ---------------------------------------------------------------- the lab
note "lab up (FRR cr1-eqiad AS 14907, BIRD 1.6 node1 and node2 AS 64601)"
NODES=2 UP_TIMEOUT=60 "$LAB" up || fail "bwlab up"
eval "$("$LAB" env)"
[ "$BWLAB_NODES" = 2 ] || fail "the lab has $BWLAB_NODES nodes, want 2"

lab_mirror_world || fail "sshd for cr1-eqiad"

# CMD: restart.sh NODE. Logs, before touching anything, FRR's view of both
# nodes ("STATE COUNT" per address) to cmd.log as one JSON line; then
# restarts NODE's BIRD, or stops it for good when NODE is listed in $WORK/dead.
cat > "$WORK/restart.sh" <<EOF
#!/bin/sh
set -e
export BWLAB_PREFIX=$BWLAB_PREFIX BWLAB_DIR=$BWLAB_DIR BWLAB_QUIET=1
n=\${1#node}
view=""
for a in $BWLAB_NODE1_V4 $BWLAB_NODE1_V6 $BWLAB_NODE2_V4 $BWLAB_NODE2_V6; do
  view="\$view\"\$a\": \"\$($LAB state \$a)\", "
done
printf '{"node": "%s", "at": %s, %s"end": 0}\n' "\$1" "\$(date +%s.%N)" "\$view" >> "$WORK/cmd.log"
if grep -qx "\$1" "$WORK/dead" 2>/dev/null; then
  $LAB stop-node "\$n"
  echo "BIRD on \$1 stopped (kept down)"
else
  $LAB restart-node "\$n"
  echo "BIRD on \$1 restarted"
fi
EOF
chmod 0755 "$WORK/restart.sh"
: > "$WORK/dead"

# The mirror carries FRR's neighbor detail: the roll's default --require routes
# (End-of-RIB, or accepted prefixes where graceful restart is not negotiated).
ROLL=(roll --site eqiad --lock-dir "$WORK" --interval 1s --preflight-timeout 60s)

frr_state() { "$LAB" state "$1"; }
counts() { # "c1v4 c1v6 c2v4 c2v6": FRR's Established counters now
  local a out=""
  for a in "$BWLAB_NODE1_V4" "$BWLAB_NODE1_V6" "$BWLAB_NODE2_V4" "$BWLAB_NODE2_V6"; do
    out+="$(frr_state "$a" | cut -d' ' -f2) "
  done
  echo "$out"
}

# ---------------------------------------------------------------- 1. clean roll
note "1. roll of node1 then node2, CMD = restart that node's BIRD"
before=$(counts)
: > "$WORK/cmd.log"
t0=$(date +%s.%N)
"$BW" --config "$CONF" "${ROLL[@]}" --timeout 90s --settle 3s --state "$WORK/clean.jsonl" \
  -- "$WORK/restart.sh" "{node}" > "$WORK/clean.out" 2> "$WORK/clean.err" < /dev/null; rc=$?
t1=$(date +%s.%N)
cat "$WORK/clean.err"
[ $rc = 0 ] || fail "clean roll: exit $rc, want 0 ($(tail -5 "$WORK/clean.out"))"
after=$(counts)
echo "FRR Established counters (node1 v4 v6, node2 v4 v6): before $before, after $after"
echo "clean roll of 2 nodes: $(elapsed "$t0" "$t1") s"
/usr/bin/python3 - "$WORK/clean.jsonl" "$WORK/cmd.log" "$before" "$after" \
  "$BWLAB_NODE1_V4 $BWLAB_NODE1_V6" "$BWLAB_NODE2_V4 $BWLAB_NODE2_V6" <<'PY' || fail "clean roll: audit or FRR's view is wrong"
import json, sys
from datetime import datetime, timezone
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
cmds = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
before = [int(x) for x in sys.argv[3].split()]
after = [int(x) for x in sys.argv[4].split()]
node1, node2 = sys.argv[5].split(), sys.argv[6].split()
steps = [r for r in recs if r["event"] == "step"]
def t(s):
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc).timestamp()
# In order, each CMD once.
assert [c["node"] for c in cmds] == ["node1", "node2"], cmds  # {node}: the short name
res = recs[-1]
assert res["event"] == "result" and res["exit"] == 0, res
assert res["done"] == ["node1.eqiad.wmnet", "node2.eqiad.wmnet"] and res["not_done"] == [], res
# node2's CMD started after node1 was done (settled) ...
done1 = [t(s["end"]) for s in steps if s["node"] == "node1.eqiad.wmnet" and s["step"] == "done"][0]
assert cmds[1]["at"] >= done1, (cmds[1]["at"], done1)
# ... and FRR then had node1 Established again, as new connections.
for i, a in enumerate(node1):
    state, count = cmds[1][a].split()
    assert state == "Established" and int(count) > before[i], (a, cmds[1][a], before[i])
# When node1's CMD started, node2 was Established (pre-flight) and unrestarted.
for i, a in enumerate(node2):
    state, count = cmds[0][a].split()
    assert state == "Established" and int(count) == before[2 + i], (a, cmds[0][a])
# At the end every session is a new connection.
assert all(a > b for a, b in zip(after, before)), (before, after)
order = [(s["node"].split(".")[0], s["step"], s["verdict"]) for s in steps if s["verdict"] != "started"]
want = [(n, st, "ok") for n in ("node1", "node2") for st in ("preflight", "command", "wait", "settle", "done")]
assert order == want, order
for n in ("node1.eqiad.wmnet", "node2.eqiad.wmnet"):
    c = [s for s in steps if s["node"] == n and s["step"] == "command" and s["verdict"] == "ok"][0]
    w = [s for s in steps if s["node"] == n and s["step"] == "wait" and s["verdict"] == "ok"][0]
    print(f'{n}: CMD took {t(c["end"]) - t(c["start"]):.1f} s, then {w["detail"]}')
PY
echo "ok   clean roll: node1 then node2, each only after FRR had the other back"

# ---------------------------------------------------------------- 2. node2 kept down
note "2. node2's BIRD kept down: the roll stops at node2"
"$LAB" wait-established 60 || fail "sessions not back before the second roll"
echo node2 > "$WORK/dead"
: > "$WORK/cmd.log"
t0=$(date +%s.%N)
"$BW" --config "$CONF" "${ROLL[@]}" --timeout 20s --state "$WORK/stop.jsonl" \
  -- "$WORK/restart.sh" "{node}" > "$WORK/stop.out" 2> "$WORK/stop.err" < /dev/null; rc=$?
t1=$(date +%s.%N)
cat "$WORK/stop.err"
[ $rc = 1 ] || fail "roll with node2 kept down: exit $rc, want 1"
echo "roll stopped at node2 after $(elapsed "$t0" "$t1") s"
grep -q 'node2.eqiad.wmnet did not come back: NOT READY' "$WORK/stop.err" || fail "no 'node2 did not come back' line"
for a in "$BWLAB_NODE2_V4" "$BWLAB_NODE2_V6"; do
  s=$(frr_state "$a" | cut -d' ' -f1)
  [ "$s" != Established ] || fail "FRR has $a Established: BIRD was not kept down"
done
/usr/bin/python3 - "$WORK/stop.jsonl" "$WORK/cmd.log" <<'PY' || fail "stopped roll: the state file is wrong"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
cmds = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
steps = [r for r in recs if r["event"] == "step"]
assert [c["node"] for c in cmds] == ["node1", "node2"], cmds  # {node}: the short name
res = recs[-1]
assert res["event"] == "result" and res["exit"] == 1, res
assert res["done"] == ["node1.eqiad.wmnet"] and res["not_done"] == ["node2.eqiad.wmnet"], res
failed = [s for s in steps if s["verdict"] == "failed"]
assert len(failed) == 1 and failed[0]["node"] == "node2.eqiad.wmnet" and failed[0]["step"] == "wait", failed
assert failed[0]["detail"].startswith("NOT READY"), failed[0]
print("state file:", json.dumps(failed[0]))
PY
echo "ok   node2 kept down: exit 1, node1 done, node2's wait failed"

"$LAB" start-node 2 || fail "start-node 2"
"$LAB" wait-established 60 || fail "node2 not back at the end"
echo "ok: lab roll e2e in $(elapsed "$T_START" "$(date +%s.%N)") s"

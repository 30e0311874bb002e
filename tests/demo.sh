#!/usr/bin/env bash
# README command (a): the main job on the embedded default. Installs its own
# dependencies (Debian bookworm, as root), builds bgpwatch (Release) and runs
# a dry run over saved router replies shipped in fixtures/replay/: the
# calico-node restart of kubernetes1003 from the Wikitech runbook, judged
# first while cr2-eqiad still shows its IPv6 session Active (not ready,
# exit 1), then once every session is back (ready, exit 0), the restart race
# (exit 1), and the bare wait-established refusing to guess --since (exit 2).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
. tests/lib/deps.sh
bgpwatch_install_deps "$ROOT"

BUILD=${BUILD:-build-demo}
echo "== build (Release) in $BUILD =="
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBGPWATCH_TESTS=OFF >/dev/null
cmake --build "$BUILD" --target bgpwatch bgpwatch-netconf-sim -j "${JOBS:-$(nproc)}"
B=$BUILD/bgpwatch
R=fixtures/replay
NOW=2026-11-29T03:00:00Z   # the clock the saved replies are judged against

run() {
  echo
  echo "\$ bgpwatch $*"
  set +e
  "$B" "$@"
  rc=$?
  set -e
  echo "(exit $rc)"
  return 0
}

echo
echo "== kubernetes1003 after 'systemctl restart calico-node': cr2-eqiad's IPv6 session is still Active =="
run --config $R/config.yaml status --node kubernetes1003 --since -60s --now $NOW \
  --replay cr1-eqiad=$R/cr1-eqiad-up.xml --replay cr2-eqiad=$R/cr2-eqiad-v6-active.xml
[ $rc = 1 ] || { echo "demo: expected exit 1 (not ready), got $rc" >&2; exit 1; }

echo
echo "== a few seconds later every session is back: safe to uncordon =="
run --config $R/config.yaml check --node kubernetes1003 --since -60s --now $NOW \
  --replay cr1-eqiad=$R/cr1-eqiad-up.xml --replay cr2-eqiad=$R/cr2-eqiad-up.txt
[ $rc = 0 ] || { echo "demo: expected exit 0 (ready), got $rc" >&2; exit 1; }

echo
echo "== the restart race: calico-node restarted 45 s ago, but cr1-eqiad still shows the OLD IPv4 session =="
run --config $R/config.yaml check --node kubernetes1003 --since -45s --now $NOW \
  --replay cr1-eqiad=$R/cr1-eqiad-old-session.xml --replay cr2-eqiad=$R/cr2-eqiad-up.xml
[ $rc = 1 ] || { echo "demo: expected exit 1 (restart not seen yet), got $rc" >&2; exit 1; }

echo
echo "== the bare command right after the restart: --since auto has nothing to ask here (no Kubernetes, no BIRD) =="
run --config $R/config.yaml wait-established --node kubernetes1003 --now $NOW --timeout 5s \
  --replay cr1-eqiad=$R/cr1-eqiad-old-session.xml --replay cr2-eqiad=$R/cr2-eqiad-up.xml
[ $rc = 2 ] || { echo "demo: expected exit 2 (--since auto cannot tell: refuses), got $rc" >&2; exit 1; }

echo
echo "dry run: ok (not ready -> exit 1, ready -> exit 0, restart race held -> exit 1, bare wait refuses -> exit 2)"

# --- Live: two simulated Junos routers behind a private sshd --------------
# cr1-eqiad and cr2-eqiad serve kubernetes1001-1006 (IPv4 + IPv6). At
# scenario t=2s calico-node on kubernetes1003 restarts: its sessions go Idle,
# Connect, Active, OpenSent, and are Established again at t=15s (cr1) / 16s
# (cr2) (fixtures/scenarios/demo-eqiad.json). bgpwatch waits it out.
if [ "$(id -u)" != 0 ]; then
  echo "demo: the live part needs root (it runs a private sshd); skipped"
  exit 0
fi
export BGPWATCH_SIM=$ROOT/$BUILD/bgpwatch-netconf-sim
. tests/lib/sshd.sh
# Scenario t=0 a few seconds from now, so starting the daemons does not eat
# into the timeline.
export SSHD_START=$(( $(date +%s) + 3 ))
sshd_init
# --control: the roll below "restarts calico-node" by appending to this file.
sshd_start_router cr1-eqiad fixtures/scenarios/demo-eqiad.json --control "$SSHD_DIR/control.jsonl"
sshd_start_router cr2-eqiad fixtures/scenarios/demo-eqiad.json --control "$SSHD_DIR/control.jsonl"
sshd_write_config "$SSHD_DIR/config.yaml" fixtures/scenarios/demo-eqiad.json
while [ "$(date +%s)" -lt "$SSHD_START" ]; do sleep 0.1; done
echo
echo "== live: calico-node on kubernetes1003 restarts 2 s from now; waiting for its BGP sessions =="
echo "\$ systemctl restart calico-node   # (simulated: the routers see the sessions drop at t=2s)"
echo "\$ bgpwatch wait-established --node kubernetes1003 --since -5s --interval 1s --timeout 2m"
set +e
"$B" --config "$SSHD_DIR/config.yaml" wait-established --node kubernetes1003 --since -5s --interval 1s --timeout 2m
rc=$?
set -e
echo "(exit $rc)"
[ $rc = 0 ] || { echo "demo: expected exit 0 (ready), got $rc" >&2; exit 1; }

# --- Live: roll the whole site, one node at a time --------------------------
# CMD "restarts calico-node" on a simulated node: both routers drop its
# sessions at once and see them Established again 3 s later (the simulator's
# control file, fixtures/scenarios/README.md).
cat > "$SSHD_DIR/restart-calico-node" <<SH
#!/bin/sh
printf '{"node": "%s", "at_unix": %s, "script": "restart", "up_after": 3}\n' "\$1" "\$(date +%s.%N)" >> "$SSHD_DIR/control.jsonl"
echo "calico-node restarted on \$1"
SH
chmod 755 "$SSHD_DIR/restart-calico-node"
echo
echo "== live: roll the six workers of eqiad, each only while the other five are ready =="
echo "\$ bgpwatch roll --site eqiad --settle 2s --state roll-eqiad.jsonl -- restart-calico-node {node}"
set +e
"$B" --config "$SSHD_DIR/config.yaml" roll --site eqiad --settle 2s --interval 1s --timeout 2m \
  --lock-dir "$SSHD_DIR" --state "$SSHD_DIR/roll-eqiad.jsonl" -- "$SSHD_DIR/restart-calico-node" "{node}" \
  > "$SSHD_DIR/roll.out"
rc=$?
set -e
# Off a terminal the progress is JSON Lines (the audit records); show the steps briefly.
/usr/bin/python3 -c '
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["event"] == "step" and r["verdict"] != "started":
        print("%-28s %-9s %-7s %s" % (r["node"], r["step"], r["verdict"], r["detail"]))
    elif r["event"] == "result":
        print("done: %d of %d nodes, exit %d" % (len(r["done"]), len(r["done"]) + len(r["not_done"]), r["exit"]))
' "$SSHD_DIR/roll.out"
echo "(exit $rc)"
[ $rc = 0 ] || { echo "demo: expected the roll to finish (exit 0), got $rc" >&2; exit 1; }
echo
echo "demo: ok"

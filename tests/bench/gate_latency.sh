#!/usr/bin/env bash
# Detection latency of wait-established (issue 4 item 8): the time from the
# simulated router switching kubernetes1003's sessions to Established to
# bgpwatch exiting 0, over RUNS runs (default 20) at --interval 1s. Each run
# writes a scenario whose switch happens 2-3 s (random phase against the
# poll schedule) after bgpwatch starts; the simulator runs behind a private
# sshd (tests/lib/sshd.sh), one NETCONF session per router per run.
# Target: p95 <= interval + 100 ms. Needs root (sshd) and a build:
#   BUILD=build bash tests/bench/gate_latency.sh
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
RUNS=${RUNS:-20}
INTERVAL=${INTERVAL:-1s}
export BGPWATCH_SIM=$BUILD/bgpwatch-netconf-sim
B=$BUILD/bgpwatch
. "$ROOT/tests/lib/sshd.sh"
export SSHD_START=$(date +%s)
sshd_init
scenario=$SSHD_DIR/latency.json
write_scenario() { # $1 = switch time in scenario seconds
  /usr/bin/python3 - "$1" > "$scenario" <<'PY'
import json, sys
up = float(sys.argv[1])
tl = {"timeline": [{"at": -10, "state": "Active"}, {"at": up, "state": "Established"}]}
print(json.dumps({
  "sites": {"eqiad": {"asn": 64601, "routers": ["cr1-eqiad", "cr2-eqiad"]}},
  "nodes": {"kubernetes1003.eqiad.wmnet": {"site": "eqiad",
            "addresses": ["10.64.32.23", "2620:0:861:103:10:64:32:23"],
            "sessions": {"cr1-eqiad": {"ipv4": tl, "ipv6": tl}, "cr2-eqiad": {"ipv4": tl, "ipv6": tl}}}},
  "routers": {"cr1-eqiad": {"node_peers": {}}, "cr2-eqiad": {"node_peers": {}}}}))
PY
}
write_scenario 1000
sshd_start_router cr1-eqiad "$scenario"
sshd_start_router cr2-eqiad "$scenario"
sshd_write_config "$SSHD_DIR/config.yaml" "$scenario"
results=$SSHD_DIR/latency.txt
: > "$results"
for i in $(seq 1 "$RUNS"); do
  now_ms=$(( $(date +%s%N) / 1000000 ))
  # switch 2-3 s from now, in scenario time (ms precision)
  phase=$(( 2000 + RANDOM % 1000 ))
  up_ms=$(( now_ms - SSHD_START * 1000 + phase ))
  write_scenario "$(printf '%d.%03d' $((up_ms / 1000)) $((up_ms % 1000)))"
  switch_ns=$(( (SSHD_START * 1000 + up_ms) * 1000000 ))
  "$B" --config "$SSHD_DIR/config.yaml" -q wait-established --node kubernetes1003 \
    --interval "$INTERVAL" --timeout 30s > "$SSHD_DIR/run.out" 2>&1 || { echo "run $i failed:"; cat "$SSHD_DIR/run.out"; exit 1; }
  end_ns=$(date +%s%N)
  echo $(( (end_ns - switch_ns) / 1000000 )) >> "$results"
  printf 'run %2d: %5d ms\n' "$i" "$(tail -1 "$results")"
done
/usr/bin/python3 - "$results" "$INTERVAL" <<'PY'
import sys
v = sorted(int(x) for x in open(sys.argv[1]))
def pct(p):
    k = (len(v) - 1) * p / 100
    lo = int(k); hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)
print(f"detection latency over {len(v)} runs at --interval {sys.argv[2]}: "
      f"p50 {pct(50):.0f} ms, p95 {pct(95):.0f} ms, min {v[0]} ms, max {v[-1]} ms")
PY

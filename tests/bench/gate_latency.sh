#!/usr/bin/env bash
# Detection latency of wait-established (issues 4 and 17): the time from the
# simulated routers switching kubernetes1003's sessions to Established to
# `bgpwatch wait-established` exiting 0, over RUNS runs (default 50) at
# --interval INTERVAL (default 1s). Target: p95 <= interval + 150 ms.
#
# Two routers (cr1-eqiad, cr2-eqiad) behind a private sshd. Their scenario
# holds all the runs in one timeline: the sessions are Active, turn
# Established at T_k (every PERIOD s, default 8, plus a random 0-999 ms so
# the switch has a random phase against any poll schedule), and fall back
# to Active UP_FOR s later (default PERIOD-5: the collector sees Active again well before the next run). Run k starts bgpwatch 2-3 s before T_k.
#   PATHS=router      bgpwatch polls the routers itself (a new process and
#                     NETCONF sessions per run, opened before the switch)
#   PATHS=collector   a `bgpwatch collect` (collector.interval = INTERVAL,
#                     persistent sessions) runs throughout; each run is
#                     `wait-established --collector URL`
#   PATHS="router collector" (default) both, one after the other.
# Needs root (sshd) and a build:
#   BUILD=build-bench bash tests/bench/gate_latency.sh
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=$(readlink -f "${BUILD:-$ROOT/build}") # absolute: sshd runs the simulator from its own directory
RUNS=${RUNS:-50}
INTERVAL=${INTERVAL:-1s}
PERIOD=${PERIOD:-8}
UP_FOR=${UP_FOR:-$((PERIOD - 5))}
PATHS=${PATHS:-router collector}
export BGPWATCH_SIM=$BUILD/bgpwatch-netconf-sim
B=$BUILD/bgpwatch
. "$ROOT/tests/lib/sshd.sh"
export SSHD_START=$(date +%s)
sshd_init
scenario=$SSHD_DIR/latency.json
switches=$SSHD_DIR/switches.txt
n_paths=$(wc -w <<<"$PATHS")
# First switch 20 s after the start (sshds, the collector's first poll);
# twice the switches needed, so that a run that cannot start in time (a
# slow start-up on a loaded machine) waits for the next switch instead.
/usr/bin/python3 - $((2 * RUNS * n_paths + 10)) "$PERIOD" "$switches" "$UP_FOR" > "$scenario" <<'PY'
import json, random, sys
runs, period, out, up_for = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3], float(sys.argv[4])
t = 20.0
timeline = [{"at": -10, "state": "Active"}]
ups = []
for k in range(runs):
    up = round(t + random.randint(0, 999) / 1000, 3)
    ups.append(up)
    timeline += [{"at": up, "state": "Established"}, {"at": up + up_for, "state": "Active"}]
    t += period
open(out, "w").write("".join("%.3f\n" % u for u in ups))
tl = {"timeline": timeline}
print(json.dumps({
  "sites": {"eqiad": {"asn": 64601, "routers": ["cr1-eqiad", "cr2-eqiad"]}},
  "nodes": {"kubernetes1003.eqiad.wmnet": {"site": "eqiad",
            "addresses": ["10.64.32.23", "2620:0:861:103:10:64:32:23"],
            "sessions": {"cr1-eqiad": {"ipv4": tl, "ipv6": tl}, "cr2-eqiad": {"ipv4": tl, "ipv6": tl}}}},
  "routers": {"cr1-eqiad": {"node_peers": {}}, "cr2-eqiad": {"node_peers": {}}}}))
PY
sshd_start_router cr1-eqiad "$scenario"
sshd_start_router cr2-eqiad "$scenario"
CONF=$SSHD_DIR/config.yaml
sshd_write_config "$CONF" "$scenario"
cport=$(sshd_free_port)
printf 'collector: {listen: "127.0.0.1:%s", interval: %s}\n' "$cport" "$INTERVAL" >> "$CONF"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"

mapfile -t ups < "$switches"
run_index=0
summary=()
for path in $PATHS; do
  results=$SSHD_DIR/latency-$path.txt
  : > "$results"
  extra=()
  cpid=
  if [ "$path" = collector ]; then
    "$B" --config "$CONF" -q collect --listen "127.0.0.1:$cport" > "$SSHD_DIR/collect.log" 2>&1 &
    cpid=$!
    sshd_wait_port "$cport"
    extra=(--collector "http://127.0.0.1:$cport")
  fi
  i=0
  while [ "$i" -lt "$RUNS" ]; do
    if [ "$run_index" -ge "${#ups[@]}" ]; then
      echo "$path: out of switches after $i runs (raise PERIOD)" >&2
      exit 1
    fi
    up=${ups[$run_index]}
    run_index=$((run_index + 1))
    up_ms=$(awk -v u="$up" 'BEGIN {printf "%d", u * 1000 + 0.5}')
    switch_ms=$((SSHD_START * 1000 + up_ms))
    start_ms=$((switch_ms - 2000 - RANDOM % 1000))
    now_ms=$(($(date +%s%N) / 1000000))
    if [ "$now_ms" -ge "$start_ms" ]; then
      echo "$path: switch at +${up} s already too close, waiting for the next one" >&2
      continue
    fi
    i=$((i + 1))
    sleep "$(awk -v d=$((start_ms - now_ms)) 'BEGIN {printf "%.3f", d / 1000}')"
    "$B" --config "$CONF" -q wait-established --node kubernetes1003 --since none "${extra[@]}" \
      --interval "$INTERVAL" --timeout 30s > "$SSHD_DIR/run.out" 2>&1 || { echo "$path run $i failed:"; cat "$SSHD_DIR/run.out"; exit 1; }
    end_ms=$(($(date +%s%N) / 1000000))
    if [ "$end_ms" -lt "$switch_ms" ]; then
      echo "$path run $i: ready $((switch_ms - end_ms)) ms BEFORE the switch" >&2
      exit 1
    fi
    echo $((end_ms - switch_ms)) >> "$results"
    printf '%-9s run %2d: %5d ms\n' "$path" "$i" "$(tail -1 "$results")"
  done
  if [ -n "$cpid" ]; then
    kill "$cpid"
    wait "$cpid" || true
  fi
  summary+=("$(/usr/bin/python3 - "$results" "$INTERVAL" "$path" <<'PY'
import sys
v = sorted(int(x) for x in open(sys.argv[1]))
def pct(p):
    k = (len(v) - 1) * p / 100
    lo = int(k); hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)
iv = sys.argv[2]
ms = float(iv[:-2]) if iv.endswith("ms") else float(iv[:-1]) * 1000
target = ms + 150
print(f"{sys.argv[3]:9s} path: detection latency over {len(v)} runs at --interval {iv}: p50 {pct(50):.0f} ms, "
      f"p95 {pct(95):.0f} ms, min {v[0]} ms, max {v[-1]} ms (target p95 <= {target:.0f} ms: "
      f"{'met' if pct(95) <= target else 'MISSED'})")
PY
)")
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%s\n' "${summary[@]}"

#!/usr/bin/env bash
# tests/bench/poll_cpu_compare.sh (issue 17 item 3): CPU of one poll of
# ROUTERS (default 2) simulated Junos routers × PEERS (default 2,000) peers,
# bgpwatch against ncclient+lxml (tests/bench/poll_ncclient.py, the fastest
# found), both checked first to read the same sessions:
#   per process  (start-up, SSH handshake, poll, exit): `bgpwatch --format
#                json summary` vs `poll_ncclient.py` (one poll), user+sys of
#                the client process (tests/bench/timed_run.py), median of RUNS
#                interleaved runs (default 7)
#   kept session: bench_poll's BM_PollCycle/0 cpu_ms_per_cycle (mean of 10
#                polls, sessions open) vs poll_ncclient.py --polls POLLS
#                (median, default 10), getrusage of the whole process
# Target: >= 10x less CPU than ncclient+lxml. The simulators and sshds run
# on the same machine; their CPU is not counted for either client.
# PROFILE=1 adds `perf record` (cpu-clock: this VM has no hardware
# counters) of the kept-session polls and of one `summary` process, and
# prints the top of each profile.
#
# Needs root (private sshd) and a build with -DBGPWATCH_BENCH=ON:
#   tests/bench/poll_cpu_compare.sh build-bench
set -euo pipefail
BUILD=$(readlink -f "${1:-build-bench}")
ROUTERS=${ROUTERS:-2}
PEERS=${PEERS:-2000}
RUNS=${RUNS:-7}
POLLS=${POLLS:-10}
py=/usr/bin/python3
export BGPWATCH_SIM=$BUILD/bgpwatch-netconf-sim
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$ROOT/tests/lib/sshd.sh"
sshd_init
SC=$SSHD_DIR/poll.json
$py "$ROOT/tests/bench/gen_poll_scenario.py" "$ROUTERS" "$PEERS" > "$SC"
targets=()
for r in $($py -c 'import json,sys; print(" ".join(sorted(json.load(open(sys.argv[1]))["routers"])))' "$SC"); do
  sshd_start_router "$r" "$SC"
  targets+=("127.0.0.1:${SSHD_PORTS[$r]}=$r")
done
CONF=$SSHD_DIR/config.yaml
SSHD_RPC_TIMEOUT=60s sshd_write_config "$CONF" "$SC"
reply_bytes=$("$BGPWATCH_SIM" --scenario "$SC" --router cr01-bench --print | wc -c)
echo "routers: $ROUTERS, peers per router: $PEERS, reply size per router: $reply_bytes bytes"

a_cmd=("$BUILD/bgpwatch" --config "$CONF" --format json summary)
b_cmd=($py "$ROOT/tests/bench/poll_ncclient.py" "$SSHD_DIR/id_ed25519" "$SSHD_USER" "${targets[@]}")

# Same answer first.
"${a_cmd[@]}" > "$SSHD_DIR/a.json"
"${b_cmd[@]}" > "$SSHD_DIR/b.json"
$py - "$SSHD_DIR/a.json" "$SSHD_DIR/b.json" <<'PY'
import json, sys
a, b = (json.load(open(p))["sessions"] for p in sys.argv[1:3])
keys = ["address", "family", "peer_as", "state", "flaps", "input_messages", "output_messages", "output_queue",
        "description", "ribs", "instance"]
def index(ss):
    return {(s["router"], s["address"]): s for s in ss}
ia, ib = index(a), index(b)
assert len(a) == len(ia) and len(b) == len(ib), "duplicate sessions"
assert ia.keys() == ib.keys(), (len(ia), len(ib), sorted(ia.keys() ^ ib.keys())[:5])
for k, x in ia.items():
    y = ib[k]
    for f in keys:
        assert x[f] == y[f], (k, f, x[f], y[f])
    # the simulator's clock moves on between the two polls
    assert (x["uptime_seconds"] is None) == (y["uptime_seconds"] is None), (k, x["uptime_seconds"], y["uptime_seconds"])
    if x["uptime_seconds"] is not None:
        assert abs(x["uptime_seconds"] - y["uptime_seconds"]) <= 10, (k, x["uptime_seconds"], y["uptime_seconds"])
print(f"answers agree: {len(ia)} sessions, {sum(s['state'] != 'Established' for s in a)} not Established")
PY

tmp=$SSHD_DIR/times
mkdir -p "$tmp"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for ((i = 0; i < RUNS; i++)); do
  for side in a b; do
    if [ $side = a ]; then cmd=("${a_cmd[@]}"); else cmd=("${b_cmd[@]}"); fi
    $py "$ROOT/tests/bench/timed_run.py" "${cmd[@]}" >> "$tmp/$side"
  done
done
median() { awk -v c="$1" '{print $c}' "$2" | sort -g | awk '{v[NR]=$1} END {printf "%.1f", v[int((NR+1)/2)] * 1000}'; }
aw=$(median 1 "$tmp/a"); ac=$(median 2 "$tmp/a"); bw=$(median 1 "$tmp/b"); bc=$(median 2 "$tmp/b")

# Kept sessions.
"${b_cmd[0]}" "${b_cmd[1]}" --polls "$POLLS" "${b_cmd[@]:2}" 2> "$tmp/b_kept" >/dev/null
b_kept=$(awk '/median/ {for (i = 1; i <= NF; i++) if ($i == "median") print $(i + 1)}' "$tmp/b_kept")
BGPWATCH_BENCH_CONFIG=$CONF "$BUILD/bench/bench_poll" --benchmark_filter='BM_PollCycle/0' \
  --benchmark_out="$tmp/a_kept.json" --benchmark_out_format=json > "$tmp/a_kept.txt" 2>&1
a_kept=$($py -c 'import json,sys; b=json.load(open(sys.argv[1]))["benchmarks"][0]; print("%.1f" % b["cpu_ms_per_cycle"])' "$tmp/a_kept.json")
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

echo "load average before: $load_before, after: $load_after, on $(nproc) CPUs"
echo "per process (start-up, SSH handshake, poll, exit), median of $RUNS interleaved runs:"
printf '  %-28s %6s ms cpu %6s ms wall\n' "bgpwatch --format json summary" "$ac" "$aw" "ncclient+lxml (poll_ncclient)" "$bc" "$bw"
echo "kept sessions, CPU per poll of $ROUTERS routers:"
printf '  %-28s %6s ms cpu  (bench_poll BM_PollCycle/0, mean of 10)\n' "bgpwatch Poller" "$a_kept"
printf '  %-28s %6s ms cpu  (median of %s)\n' "ncclient+lxml" "$b_kept" "$POLLS"
awk -v ac="$ac" -v bc="$bc" -v ak="$a_kept" -v bk="$b_kept" 'BEGIN {
  printf "ncclient+lxml / bgpwatch CPU: per process %.1fx (target >= 10x: %s), kept session %.1fx (target >= 10x: %s)\n",
    bc / ac, (bc / ac >= 10 ? "met" : "MISSED"), bk / ak, (bk / ak >= 10 ? "met" : "MISSED")
}'

if [ "${PROFILE:-0}" = 1 ]; then
  echo "== perf profile: kept-session polls (bench_poll BM_PollCycle/0), cpu-clock samples"
  BGPWATCH_BENCH_CONFIG=$CONF perf record -q -e cpu-clock -F 2000 -g -o "$tmp/kept.data" -- \
    "$BUILD/bench/bench_poll" --benchmark_filter='BM_PollCycle/0' >/dev/null 2>&1
  perf report -i "$tmp/kept.data" --no-children --sort dso,symbol --stdio -g none 2>/dev/null \
    | grep -v "^#" | grep -v "^$" | cut -c1-110 | head -25 || true
  echo "== perf profile: one \`bgpwatch --format json summary\` process"
  perf record -q -e cpu-clock -F 4000 -g -o "$tmp/proc.data" -- "${a_cmd[@]}" >/dev/null 2>&1
  perf report -i "$tmp/proc.data" --no-children --sort dso,symbol --stdio -g none 2>/dev/null \
    | grep -v "^#" | grep -v "^$" | cut -c1-110 | head -25 || true
fi

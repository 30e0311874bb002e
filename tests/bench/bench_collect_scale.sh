#!/usr/bin/env bash
# tests/bench/bench_collect_scale.sh: the collector at scale (issue 6).
# ROUTERS simulated routers (default 50) x PEERS peers (2,000), interval
# INTERVAL s (10), measured for DURATION s (120) after every router has been
# read once; router r49 answers after 8 s, r50 is dead (no sshd). Reports
# per-router poll wall time, collector CPU seconds per cycle, peak RSS,
# /metrics response time and size (scraped once per interval), and whether
# every healthy router was fresh every cycle. Needs root (private sshds).
# CONNECT_TIMEOUT (10s) is the NETCONF connect timeout: raise it on a
# loaded machine, where 50 simultaneous SSH handshakes can take seconds.
#   sudo BGPWATCH=build/bgpwatch BGPWATCH_SIM=build/bgpwatch-netconf-sim \
#        bash tests/bench/bench_collect_scale.sh
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BGPWATCH=$(readlink -f "${BGPWATCH:-$ROOT/build/bgpwatch}")
export BGPWATCH_SIM=$(readlink -f "${BGPWATCH_SIM:-$ROOT/build/bgpwatch-netconf-sim}")
ROUTERS=${ROUTERS:-50}
PEERS=${PEERS:-2000}
INTERVAL=${INTERVAL:-10}
DURATION=${DURATION:-120}
. "$ROOT/tests/lib/sshd.sh"
sshd_init
SCEN=$SSHD_DIR/bench.json
python3 - "$SCEN" "$ROUTERS" "$PEERS" <<'PY'
import json, sys
path, n, peers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
names = ["r%02d" % (i + 1) for i in range(n)]
routers = {}
for i, name in enumerate(names):
    r = {"framing": "chunked" if i % 2 else "eom",
         "peers": [{"address": "10.128.0.1", "count": peers, "as": 64601,
                    "timeline": [{"at": -86400, "state": "Established", "received": 3, "accepted": 3, "active": 2}]}]}
    if i == n - 2:
        r["faults"] = [{"kind": "delay", "seconds": 8}]
    routers[name] = r
json.dump({"description": "scale benchmark", "sites": {"bench": {"asn": 64601, "routers": names}},
           "nodes": {}, "routers": routers}, open(path, "w"))
PY
dead=$(printf 'r%02d' "$ROUTERS")
delayed=$(printf 'r%02d' $((ROUTERS - 1)))
for i in $(seq 1 $((ROUTERS - 1))); do
  sshd_start_router "$(printf 'r%02d' "$i")" "$SCEN" || exit 1
done
CONF=$SSHD_DIR/config.yaml
SSHD_CONNECT_TIMEOUT=${CONNECT_TIMEOUT:-10s} SSHD_RPC_TIMEOUT=30s sshd_write_config "$CONF" "$SCEN"
port=$(sshd_free_port)
printf 'collector: {listen: "127.0.0.1:%s", interval: %ss}\n' "$port" "$INTERVAL" >> "$CONF"
URL=http://127.0.0.1:$port
"$BGPWATCH" --config "$CONF" collect 2> "$SSHD_DIR/collect.log" &
cpid=$!
trap 'kill $cpid 2>/dev/null; wait $cpid 2>/dev/null; sshd_cleanup' EXIT

# RSS every 200 ms, to tell the warm-up peak (every router's first poll at
# once) from the steady state.
( while kill -0 $cpid 2>/dev/null; do
    echo "$(date +%s.%N) $(awk '/VmRSS/ {print $2}' /proc/$cpid/status 2>/dev/null)"; sleep 0.2
  done > "$SSHD_DIR/rss.txt" ) &
ups() { curl -s "$URL/metrics" | grep -c '^bgpwatch_router_up{.*} 1$'; }
t0=$(date +%s)
while [ "$(ups)" -lt $((ROUTERS - 1)) ]; do
  [ $(( $(date +%s) - t0 )) -gt 300 ] && { echo "routers never all up ($(ups))"; tail "$SSHD_DIR/collect.log"; exit 1; }
  sleep 1
done
echo "warm-up: $((ROUTERS - 1)) routers up after $(( $(date +%s) - t0 )) s"

hz=$(getconf CLK_TCK)
cpu() { awk -v hz="$hz" '{print ($14 + $15) / hz}' "/proc/$cpid/stat"; }
polls() { curl -s "$URL/v1/sessions" | python3 -c 'import json,sys; j=json.load(sys.stdin); print(" ".join("%s:%d:%d" % (r["name"], r["polls"], r["failures"]) for r in j["routers"]))'; }
polls_start=$(polls)
cpu_start=$(cpu)
start=$(date +%s.%N)
samples=$SSHD_DIR/samples.txt
: > "$samples"
worst_age=0
worst_dage=0
while :; do
  now=$(date +%s.%N)
  elapsed=$(awk -v a="$now" -v b="$start" 'BEGIN{print a - b}')
  awk -v e="$elapsed" -v d="$DURATION" 'BEGIN{exit !(e >= d)}' && break
  # Timed to /dev/null: the server's response time, not the client's disk.
  stats=$(curl -s -o /dev/null -w '%{time_total} %{size_download}' "$URL/metrics")
  curl -s -o "$SSHD_DIR/m.txt" "$URL/metrics"
  scraped=$(date +%s.%N)
  echo "$stats" >> "$samples"
  # Age of each healthy router's last success at this scrape.
  # Age of each healthy router's last success at this scrape: the delayed
  # one apart (its data is 8 s old when it lands).
  age=$(grep '^bgpwatch_router_last_success_timestamp_seconds' "$SSHD_DIR/m.txt" | grep -v "router=\"$dead\"" \
        | grep -v "router=\"$delayed\"" | awk -v now="$scraped" 'BEGIN{m=0} {a = now - $NF; if (a > m) m = a} END{printf "%.1f", m}')
  worst_age=$(awk -v a="$age" -v b="$worst_age" 'BEGIN{print (a > b) ? a : b}')
  dage=$(grep "^bgpwatch_router_last_success_timestamp_seconds{router=\"$delayed\"" "$SSHD_DIR/m.txt" \
        | awk -v now="$scraped" '{printf "%.1f", now - $NF}')
  worst_dage=$(awk -v a="${dage:-0}" -v b="$worst_dage" 'BEGIN{print (a > b) ? a : b}')
  grep '^bgpwatch_router_poll_duration_seconds' "$SSHD_DIR/m.txt" | awk '{print $NF}' >> "$SSHD_DIR/durations.txt"
  dead_up=$(grep "^bgpwatch_router_up{router=\"$dead\"" "$SSHD_DIR/m.txt" | awk '{print $NF}')
  sleep "$INTERVAL"
done
end=$(date +%s.%N)
cpu_end=$(cpu)
polls_end=$(polls)
rss_peak=$(awk '/VmHWM/ {print $2}' "/proc/$cpid/status")
rss_now=$(awk '/VmRSS/ {print $2}' "/proc/$cpid/status")

python3 - "$polls_start" "$polls_end" "$dead" "$delayed" <<'PY' > "$SSHD_DIR/polls.txt"
import sys
def parse(s): return {p.split(":")[0]: (int(p.split(":")[1]), int(p.split(":")[2])) for p in s.split()}
a, b, dead, delayed = parse(sys.argv[1]), parse(sys.argv[2]), sys.argv[3], sys.argv[4]
healthy = [r for r in b if r != dead]
ok = [b[r][0] - a[r][0] for r in healthy]
fails = sum(b[r][1] - a[r][1] for r in healthy)
print("healthy routers: %d; polls per router in window: min %d max %d; failures: %d; %s polls %d; %s failures %d"
      % (len(healthy), min(ok), max(ok), fails, delayed, b[delayed][0] - a[delayed][0], dead, b[dead][1] - a[dead][1]))
PY
window=$(awk -v a="$end" -v b="$start" 'BEGIN{print a - b}')
cycles=$(awk -v w="$window" -v i="$INTERVAL" 'BEGIN{print w / i}')
echo "== bgpwatch collect: $ROUTERS routers x $PEERS peers, interval ${INTERVAL}s, window $(printf '%.0f' "$window") s ($cycles cycles)"
echo "   ($delayed answers after 8 s, $dead is dead)"
awk -v c0="$cpu_start" -v c1="$cpu_end" -v w="$window" -v n="$cycles" \
  'BEGIN{printf "CPU: %.2f s over the window = %.3f s per cycle = %.3f cores (target <= 0.2)\n", c1-c0, (c1-c0)/n, (c1-c0)/w}'
echo "RSS: peak $((rss_peak / 1024)) MiB, now $((rss_now / 1024)) MiB (target <= 150 MiB)"
awk -v s="$start" -v e="$end" '$2 != "" { if ($1 < s) { if ($2 > w) w = $2 } else if ($1 <= e) { if ($2 > p) p = $2; t += $2; n++ } }
  END { printf "RSS sampled every 200 ms: warm-up max %d MiB; window max %d MiB, mean %d MiB\n", w/1024, p/1024, t/n/1024 }' "$SSHD_DIR/rss.txt"
sort -n "$SSHD_DIR/durations.txt" | awk '{a[NR]=$1} END{printf "poll wall time per router: median %.3f s, p95 %.3f s, max %.3f s (n=%d)\n", a[int(NR/2)+1], a[int(NR*0.95)], a[NR], NR}'
sort -n "$samples" | awk '{t[NR]=$1; s+=$2} END{printf "/metrics: %d scrapes, response time median %.0f ms, max %.0f ms (target < 200 ms), size %.1f MB\n", NR, t[int(NR/2)+1]*1000, t[NR]*1000, s/NR/1e6}'
echo "freshness: worst age of a healthy router's last success at a scrape: ${worst_age} s; $delayed (8 s replies): ${worst_dage} s (interval ${INTERVAL} s)"
echo "dead router $dead: bgpwatch_router_up ${dead_up:-absent}"
cat "$SSHD_DIR/polls.txt"
# RSS_LOG=FILE keeps the RSS samples ("unix-time KiB" per line).
[ -n "${RSS_LOG:-}" ] && cp "$SSHD_DIR/rss.txt" "$RSS_LOG"
exit 0

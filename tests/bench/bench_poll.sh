#!/usr/bin/env bash
# Poll-cycle benchmark (issue 17 item 4): ROUTERS simulated Junos routers
# (default 20) with PEERS peers each (default 2,000; 90% Established), each
# behind its own private sshd, the last one slow (every reply after SLOW
# seconds, default 1; SLOW=0: none), polled by bench_poll (Google
# Benchmark): median cycle time / the slowest router polled alone, target
# <= 1.2x. Run as root from a build configured with -DBGPWATCH_BENCH=ON:
#   cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DBGPWATCH_BENCH=ON -DBGPWATCH_TESTS=OFF
#   ninja -C build-bench bench_poll bgpwatch-netconf-sim
#   tests/bench/bench_poll.sh build-bench
set -euo pipefail
BUILD=$(readlink -f "${1:-build-bench}")
ROUTERS=${ROUTERS:-20}
PEERS=${PEERS:-2000}
SLOW=${SLOW:-1}
export BGPWATCH_SIM=$BUILD/bgpwatch-netconf-sim
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$ROOT/tests/lib/sshd.sh"
sshd_init
SC=$SSHD_DIR/bench.json
/usr/bin/python3 "$ROOT/tests/bench/gen_poll_scenario.py" "$ROUTERS" "$PEERS" "$SLOW" > "$SC"
for r in $(/usr/bin/python3 -c 'import json,sys; print(" ".join(sorted(json.load(open(sys.argv[1]))["routers"])))' "$SC"); do
  sshd_start_router "$r" "$SC"
done
SSHD_RPC_TIMEOUT=60s sshd_write_config "$SSHD_DIR/config.yaml" "$SC"
reply_bytes=$("$BGPWATCH_SIM" --scenario "$SC" --router cr01-bench --print | wc -c)
echo "routers: $ROUTERS, peers per router: $PEERS, reply size per router: $reply_bytes bytes, slow router: ${SLOW} s"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
BGPWATCH_BENCH_CONFIG=$SSHD_DIR/config.yaml "$BUILD/bench/bench_poll" --benchmark_counters_tabular=true "${@:2}"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

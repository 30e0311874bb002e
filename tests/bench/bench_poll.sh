#!/usr/bin/env bash
# Poll-cycle benchmark: ROUTERS simulated Junos routers (default 20) with
# PEERS peers each (default 2,000; 90% Established), each behind its own
# private sshd, polled by bench_poll (Google Benchmark). Run as root from
# a build configured with -DBGPWATCH_BENCH=ON:
#   cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DBGPWATCH_BENCH=ON -DBGPWATCH_TESTS=OFF
#   ninja -C build-bench bench_poll bgpwatch-netconf-sim
#   tests/bench/bench_poll.sh build-bench
set -euo pipefail
BUILD=$(readlink -f "${1:-build-bench}")
ROUTERS=${ROUTERS:-20}
PEERS=${PEERS:-2000}
export BGPWATCH_SIM=$BUILD/bgpwatch-netconf-sim
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$ROOT/tests/lib/sshd.sh"
sshd_init
SC=$SSHD_DIR/bench.json
/usr/bin/python3 - "$ROUTERS" "$PEERS" > "$SC" <<'PY'
import json, sys
n, peers = int(sys.argv[1]), int(sys.argv[2])
up = int(peers * 0.9)
routers = {}
for i in range(n):
    name = "cr%02d-bench" % (i + 1)
    routers[name] = {"framing": "chunked" if i % 2 else "eom", "peers": [
        {"address": "10.%d.0.1" % (i + 1), "count": up, "as": 64601, "flaps": 1,
         "timeline": [{"at": -86400, "state": "Established", "received": 4}]},
        {"address": "10.%d.128.1" % (i + 1), "count": peers - up, "as": 64601,
         "timeline": [{"at": -300, "state": "Established"}, {"at": -60, "state": "Active"}]}]}
print(json.dumps({"description": "bench", "sites": {"bench": {"asn": 64601, "routers": sorted(routers)}},
                  "routers": routers}))
PY
for r in $(/usr/bin/python3 -c 'import json,sys; print(" ".join(sorted(json.load(open(sys.argv[1]))["routers"])))' "$SC"); do
  sshd_start_router "$r" "$SC"
done
SSHD_RPC_TIMEOUT=60s sshd_write_config "$SSHD_DIR/config.yaml" "$SC"
reply_bytes=$("$BGPWATCH_SIM" --scenario "$SC" --router cr01-bench --print | wc -c)
echo "routers: $ROUTERS, peers per router: $PEERS, reply size per router: $reply_bytes bytes"
BGPWATCH_BENCH_CONFIG=$SSHD_DIR/config.yaml "$BUILD/bench/bench_poll" --benchmark_counters_tabular=true

#!/usr/bin/env bash
# tests/bench/neighbor_cost.sh: the poll cost of the neighbor-detail RPC
# (issue 14), bgpwatch side (CPU of the polling process, wall per cycle):
# summary only, against the gate's per-peer RPCs, the whole table every
# poll, and the collector's plan (detail_plan.hpp). Two worlds:
#   gate       fixtures/scenarios/demo-eqiad.json: 2 routers x 6 nodes
#              (peers:2 = one node's IPv4+IPv6, as the gate and
#              check_bgpwatch --node ask; peers:12 = all six nodes)
#   collector  ROUTERS (50) routers x PEERS (2,000) peers, 90% Established
#              with graceful restart and End-of-RIB, 10% down for a day
# Each router is a simulator behind its own private sshd (needs root).
#   cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DBGPWATCH_BENCH=ON -DBGPWATCH_TESTS=OFF
#   ninja -C build-bench bench_neighbor_cost bgpwatch-netconf-sim
#   tests/bench/neighbor_cost.sh build-bench gate|collector [CYCLES]
set -euo pipefail
BUILD=$(readlink -f "${1:-build-bench}")
WORLD=${2:-gate}
CYCLES=${3:-12}
ROUTERS=${ROUTERS:-50}
PEERS=${PEERS:-2000}
export BGPWATCH_SIM=$BUILD/bgpwatch-netconf-sim
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$ROOT/tests/lib/sshd.sh"
sshd_init
trap sshd_cleanup EXIT
if [ "$WORLD" = gate ]; then
  SC=$ROOT/fixtures/scenarios/demo-eqiad.json
  MODES="summary peers:2 peers:12 full"
else
  SC=$SSHD_DIR/bench.json
  /usr/bin/python3 - "$ROUTERS" "$PEERS" > "$SC" <<'PY'
import json, sys
n, peers = int(sys.argv[1]), int(sys.argv[2])
up = int(peers * 0.9)
gr = {"restart_time": 120, "stale_route_time": 300, "end_of_rib_after": 0}
routers = {}
for i in range(n):
    routers["cr%02d-bench" % (i + 1)] = {"framing": "chunked" if i % 2 else "eom", "peers": [
        {"address": "10.%d.0.1" % (i + 1), "count": up, "as": 64601, "flaps": 1, "graceful_restart": gr,
         "timeline": [{"at": -86400, "state": "Established", "received": 4}]},
        {"address": "10.%d.128.1" % (i + 1), "count": peers - up, "as": 64601, "graceful_restart": gr,
         "timeline": [{"at": -90000, "state": "Established"}, {"at": -86400, "state": "Active"}]}]}
print(json.dumps({"description": "neighbor-detail cost", "sites": {"bench": {"asn": 64601, "routers": sorted(routers)}},
                  "routers": routers}))
PY
  MODES="summary collector full"
fi
for r in $(/usr/bin/python3 -c 'import json,sys; print(" ".join(sorted(json.load(open(sys.argv[1]))["routers"])))' "$SC"); do
  sshd_start_router "$r" "$SC"
done
SSHD_CONNECT_TIMEOUT=60s SSHD_RPC_TIMEOUT=120s sshd_write_config "$SSHD_DIR/config.yaml" "$SC"
first=$(/usr/bin/python3 -c 'import json,sys; print(sorted(json.load(open(sys.argv[1]))["routers"])[0])' "$SC")
echo "world: $WORLD ($SC), $CYCLES cycles per mode"
echo "reply bytes, $first: summary $("$BGPWATCH_SIM" --scenario "$SC" --router "$first" --print | wc -c)," \
     "whole neighbor table $("$BGPWATCH_SIM" --scenario "$SC" --router "$first" --print-neighbors | wc -c)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
# shellcheck disable=SC2086
BGPWATCH_BENCH_CONFIG=$SSHD_DIR/config.yaml "$BUILD/bench/bench_neighbor_cost" "$CYCLES" $MODES
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

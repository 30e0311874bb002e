#!/usr/bin/python3
"""tests/bench/gen_poll_scenario.py: a simulator scenario for the poll
benchmarks (bench_poll.sh, poll_cpu_compare.sh): ROUTERS routers named
cr01-bench..., PEERS peers each (90% Established for a day, 10% Active),
framing alternating EOM / chunked, and optionally the last router slow
(every <get-bgp-summary-information/> answered after SLOW seconds).

usage: gen_poll_scenario.py ROUTERS PEERS [SLOW_SECONDS] > scenario.json
"""
import json
import sys

n, peers = int(sys.argv[1]), int(sys.argv[2])
slow = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
up = int(peers * 0.9)
routers = {}
for i in range(n):
    name = "cr%02d-bench" % (i + 1)
    routers[name] = {"framing": "chunked" if i % 2 else "eom", "peers": [
        {"address": "10.%d.0.1" % (i + 1), "count": up, "as": 64601, "flaps": 1,
         "timeline": [{"at": -86400, "state": "Established", "received": 4}]},
        {"address": "10.%d.128.1" % (i + 1), "count": peers - up, "as": 64601,
         "timeline": [{"at": -300, "state": "Established"}, {"at": -60, "state": "Active"}]}]}
    if slow > 0 and i == n - 1:
        routers[name]["faults"] = [{"kind": "delay", "seconds": slow}]
print(json.dumps({"description": "poll benchmark", "sites": {"bench": {"asn": 64601, "routers": sorted(routers)}},
                  "routers": routers}))

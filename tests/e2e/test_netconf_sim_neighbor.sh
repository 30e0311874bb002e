#!/usr/bin/env bash
# The simulator's <get-bgp-neighbor-information> (issue 14) on
# fixtures/scenarios/gate-graceful-restart.json with a frozen clock: the
# graceful-restart timeline (End-of-RIB 8 s after Established, stale routes
# kept while down), a prefix-limit teardown, an unconfigured peer, a
# <neighbor-address> filter (unknown address: empty reply; bad address:
# rpc-error), the same answers over a NETCONF session on stdin/stdout, and
# scenario errors for the new keys naming their JSON path.
set -euo pipefail
SIM=${BGPWATCH_SIM:?}
FIX=${BGPWATCH_FIXTURES:?}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT

SIM=$SIM FIX=$FIX /usr/bin/python3 - "$T" <<'PY' || exit 1
import os, subprocess, sys, xml.etree.ElementTree as ET
T = sys.argv[1]
SC = os.environ["FIX"] + "/scenarios/gate-graceful-restart.json"
def ln(e): return e.tag.split("}")[-1]
def peers(router, t, neighbor=None):
    cmd = [os.environ["SIM"], "--scenario", SC, "--router", router, "--start", "1000", "--now", str(1000 + t),
           "--print-neighbors"]
    if neighbor: cmd += ["--neighbor", neighbor]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    info = [e for e in ET.fromstring(out) if ln(e) == "bgp-information"][0]
    res = {}
    for p in (e for e in info if ln(e) == "bgp-peer"):
        f = {}
        for c in p:
            f.setdefault(ln(c), []).append(c)
        txt = lambda k: f[k][0].text if k in f else None
        res[txt("peer-address").split("+")[0]] = dict(
            state=txt("peer-state"), flags=txt("peer-flags"), last_error=txt("last-error"),
            restart=txt("peer-restart-time-received"), stale=txt("peer-stale-route-time-configured"),
            negotiated=txt("peer-restart-nlri-negotiated"), eor=txt("peer-end-of-rib-received"),
            rflags=txt("peer-restart-flags-received"), norestart="peer-no-restart" in f,
            ext=[c.text for o in f.get("bgp-option-information", []) for c in o if ln(c) == "bgp-options-extended"],
            ribs=[(r.find("{*}name").text, r.find("{*}bgp-rib-state").text, r.find("{*}accepted-prefix-count").text)
                  for r in f.get("bgp-rib", [])])
    return res
bad = []
def check(what, got, want):
    if got != want: bad.append("%s: got %r, want %r" % (what, got, want))
v4, v6 = "10.64.32.23", "2620:0:861:103:10:64:32:23"
p = peers("cr1-eqiad", 5)
check("t=5 peers", sorted(p), ["10.64.0.99", "10.64.16.5", "10.64.32.23", "10.64.48.52", v6])
check("t=5 up: GR, EoR in", (p[v4]["state"], p[v4]["restart"], p[v4]["negotiated"], p[v4]["eor"], p[v4]["rflags"]),
      ("Established", "120", "inet-unicast", "inet-unicast", "Notification"))
check("t=5 v6 nlri", (p[v6]["negotiated"], p[v6]["eor"], p[v6]["ribs"]),
      ("inet6-unicast", "inet6-unicast", [("inet6.0", "BGP restart is complete", "1")]))
check("t=5 prefix limit", (p["10.64.48.52"]["state"], p["10.64.48.52"]["flags"], p["10.64.48.52"]["last_error"],
                           p["10.64.48.52"]["restart"], p["10.64.48.52"]["ribs"]), ("Idle", "Idled", "Cease", None, []))
check("t=5 unconfigured", (p["10.64.0.99"]["state"], p["10.64.0.99"]["flags"], p["10.64.0.99"]["norestart"]),
      ("Active", "Unconfigured Sync", False))
p = peers("cr1-eqiad", 4.9, "10.64.48.52")
check("t=4.9 before the teardown", (p["10.64.48.52"]["state"], p["10.64.48.52"]["flags"], p["10.64.48.52"]["ribs"]),
      ("Established", "Sync", [("inet.0", "BGP restart is complete", "3")]))
p = peers("cr1-eqiad", 15, v4)
check("t=15 only one peer", sorted(p), [v4])
check("t=15 down, stale kept", (p[v4]["state"], p[v4]["restart"], p[v4]["stale"], p[v4]["negotiated"], p[v4]["eor"],
                                p[v4]["ribs"]),
      ("Active", "120", "300", "inet-unicast", None, [("inet.0", "BGP restart in progress", "1")]))
p = peers("cr1-eqiad", 22, v4)
check("t=22 up, EoR pending", (p[v4]["state"], p[v4]["eor"], p[v4]["rflags"], p[v4]["ribs"]),
      ("Established", None, "Restarting Notification", [("inet.0", "BGP restart is complete", "1")]))
p = peers("cr2-eqiad", 27.9, v4)
check("t=27.9 EoR still pending", p[v4]["eor"], None)
p = peers("cr2-eqiad", 28, v4)
check("t=28 EoR in", p[v4]["eor"], "inet-unicast")
check("unknown neighbor", peers("cr1-eqiad", 5, "10.9.9.9"), {})
# A restart that outlives the restart time: the stale routes are gone.
with open(os.environ["FIX"] + "/scenarios/gate-graceful-restart.json") as f:
    import json
    sc = json.load(f)
sc["routers"]["cr1-eqiad"]["node_peers"]["timeline"] = [{"at": -86400, "state": "Established"}, {"at": 10, "state": "Active"}]
with open(T + "/long.json", "w") as f: json.dump(sc, f)
SC2 = SC
SC = T + "/long.json"
p = peers("cr1-eqiad", 129.9, v4)
check("t=129.9 still stale", (p[v4]["restart"], p[v4]["ribs"]), ("120", [("inet.0", "BGP restart in progress", "1")]))
p = peers("cr1-eqiad", 130, v4)
check("t=130 routes gone", (p[v4]["restart"], p[v4]["ribs"]), (None, []))
SC = SC2

# The same over NETCONF on stdin/stdout: hello, two RPCs, close.
hello = ('<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities>'
         '<capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>]]>]]>')
rpcs = ('<rpc message-id="7"><get-bgp-neighbor-information><neighbor-address>10.64.32.23</neighbor-address>'
        '</get-bgp-neighbor-information></rpc>]]>]]>'
        '<rpc message-id="8"><get-bgp-neighbor-information><neighbor-address>10.64.999.1</neighbor-address>'
        '</get-bgp-neighbor-information></rpc>]]>]]>'
        '<rpc message-id="9"><close-session/></rpc>]]>]]>')
out = subprocess.run([os.environ["SIM"], "--scenario", SC, "--router", "cr1-eqiad", "--start", "1000", "--now", "1022"],
                     input=hello + rpcs, capture_output=True, text=True, timeout=20).stdout
msgs = [m.strip() for m in out.split("]]>]]>") if m.strip()]
replies = [ET.fromstring(m[m.index("<rpc-reply"):]) for m in msgs if "<rpc-reply" in m]
check("netconf replies", [r.get("message-id") for r in replies], ["7", "8", "9"])
r7 = [e for e in replies[0] if ln(e) == "bgp-information"]
check("netconf 7 one peer", len([p for p in r7[0] if ln(p) == "bgp-peer"]) if r7 else 0, 1)
check("netconf 7 EoR pending at t=22", [c.text for p in r7[0] for c in p if ln(c) == "peer-end-of-rib-received"], [])
err = [e for e in replies[1] if ln(e) == "rpc-error"]
check("netconf 8 bad address is an rpc-error", len(err), 1)
if err:
    check("netconf 8 bad-element", [c.text for c in err[0].iter() if ln(c) == "bad-element"], ["10.64.999.1"])
if bad:
    print("FAIL:\n  " + "\n  ".join(bad)); sys.exit(1)
print("ok: neighbor timeline, teardown, unconfigured, filter, NETCONF session")
PY

# Scenario errors for the new keys name their JSON path.
bad_scenario() {
  local json=$1 want=$2
  echo "$json" > "$T/bad.json"
  if out=$("$SIM" --scenario "$T/bad.json" --router r --print-neighbors 2>&1); then
    echo "FAIL: accepted $json"; exit 1
  fi
  case "$out" in *"$want"*) ;; *) echo "FAIL: '$out' does not say '$want'"; exit 1;; esac
}
bad_scenario '{"routers": {"r": {"peers": [{"address": "10.0.0.1", "as": 1, "graceful_restart": {"restart_time": 5000}}]}}}' \
  'routers.r.peers[0].graceful_restart.restart_time: RFC 4724 restart time is 12 bits'
bad_scenario '{"routers": {"r": {"peers": [{"address": "10.0.0.1", "as": 1, "graceful_restart": {"eor": 1}}]}}}' \
  'routers.r.peers[0].graceful_restart.eor: unknown key'
bad_scenario '{"routers": {"r": {"peers": [{"address": "10.0.0.1", "as": 1, "timeline": [{"at": 0, "state": "Idle", "teardown": "oops"}]}]}}}' \
  'routers.r.peers[0].timeline[0].teardown: must be'
bad_scenario '{"routers": {"r": {"peers": [{"address": "10.0.0.1", "as": 1, "timeline": [{"at": 0, "state": "Established", "teardown": "prefix_limit"}]}]}}}' \
  'state must not be Established'
bad_scenario '{"routers": {"r": {"peers": [{"address": "10.0.0.1", "as": 1, "unconfigured": "yes"}]}}}' \
  'routers.r.peers[0].unconfigured: must be true or false'
echo "ok: scenario errors"

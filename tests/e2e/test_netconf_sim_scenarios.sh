#!/usr/bin/env bash
# The simulator's scenario semantics, through the real binary with a frozen
# clock (--start/--now --print): timelines (absent before the first event,
# elapsed since the last change, Junos elapsed text), flap counts, per-event
# prefix counts, node_peers with site routers vs a ToR subnet, per-node
# overrides (AS mismatch, IPv6-only down), and scenario errors naming the
# JSON path.
set -euo pipefail
SIM=${BGPWATCH_SIM:?}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
cat > "$T/s.json" <<'JSON'
{
  "sites": {"eqiad": {"asn": 64601, "routers": ["cr1", "cr2"], "subnets": {"10.64.130.0/24": ["lsw1"]}}},
  "nodes": {
    "k1.eqiad.wmnet": {"site": "eqiad", "addresses": ["10.64.32.23", "2620:0:861:103:10:64:32:23"],
      "sessions": {"cr1": {"ipv6": {"timeline": [{"at": -100, "state": "Established"}, {"at": 10, "state": "Active"}]},
                           "10.64.32.23": {"as": 64999}}}},
    "k2.eqiad.wmnet": {"site": "eqiad", "addresses": ["10.64.130.5"]}
  },
  "routers": {
    "cr1": {"node_peers": {},
            "peers": [{"address": "10.0.0.1", "as": 65000, "description": "late & <odd>",
                       "timeline": [{"at": 5, "state": "Connect"}, {"at": 6, "state": "Established", "received": 0},
                                    {"at": 8, "state": "Idle"}, {"at": 9, "state": "Established", "received": 7, "accepted": 5, "active": 2}]}]},
    "cr2": {"node_peers": {"timeline": [{"at": -700000, "state": "Established"}]}},
    "lsw1": {"node_peers": {}}
  }
}
JSON
fail() { echo "FAIL: $*" >&2; exit 1; }

SIM=$SIM /usr/bin/python3 - "$T" <<'PY' || exit 1
import os, subprocess, sys, xml.etree.ElementTree as ET
T = sys.argv[1]
def at(router, t):
    out = subprocess.run([os.environ["SIM"], "--scenario", T + "/s.json", "--router", router, "--start", "1000",
                          "--now", str(1000 + t), "--print"], capture_output=True, text=True, check=True).stdout
    root = ET.fromstring(out)
    def ln(e): return e.tag.split("}")[-1]
    info = [e for e in root if ln(e) == "bgp-information"][0]
    hdr = {ln(e): e.text for e in info if ln(e) in ("group-count", "peer-count", "down-peer-count")}
    peers = {}
    for i, p in enumerate(e for e in info if ln(e) == "bgp-peer"):
        f = {ln(c): c for c in p}
        et = f["elapsed-time"]
        secs = [v for k, v in et.attrib.items() if k.endswith("seconds")][0]
        ribs = [(r.find("{*}name").text, r.find("{*}received-prefix-count").text, r.find("{*}accepted-prefix-count").text,
                 r.find("{*}active-prefix-count").text) for r in p if ln(r) == "bgp-rib"]
        st = f["peer-state"]
        fmt = [v for k, v in st.attrib.items() if k.endswith("format")]
        peers[f["peer-address"].text] = dict(state=st.text, fmt=fmt[0] if fmt else None, secs=int(secs), text=et.text,
            as_=int(f["peer-as"].text), flaps=int(f["flap-count"].text), ribs=ribs,
            heading=("heading" in p.attrib), desc=f["description"].text if "description" in f else None)
    return hdr, peers
bad = []
def check(what, got, want):
    if got != want: bad.append("%s: got %r, want %r" % (what, got, want))
hdr, p = at("cr1", 0)
check("cr1 t=0 peers", sorted(p), ["10.64.32.23", "2620:0:861:103:10:64:32:23"])   # 10.0.0.1 not yet configured; k2 is lsw1's
check("cr1 t=0 header", hdr, {"group-count": "1", "peer-count": "2", "down-peer-count": "0"})
check("AS override", p["10.64.32.23"]["as_"], 64999)
check("default uptime", (p["10.64.32.23"]["secs"], p["10.64.32.23"]["text"]), (1000000, "1w4d 13:46:40"))
check("Establ format", p["10.64.32.23"]["fmt"], "Establ")
check("heading on first peer only", [x["heading"] for x in p.values()], [True, False])
hdr, p = at("cr1", 7)
q = p["10.0.0.1"]
check("t=7 state", (q["state"], q["secs"], q["text"], q["ribs"]), ("Established", 1, "1", [("inet.0", "0", "0", "0")]))
check("description escaped", q["desc"], "late & <odd>")
hdr, p = at("cr1", 8)
check("t=8 Idle, no rib, flap", (p["10.0.0.1"]["state"], p["10.0.0.1"]["fmt"], p["10.0.0.1"]["ribs"], p["10.0.0.1"]["flaps"]), ("Idle", None, [], 1))
hdr, p = at("cr1", 75)
q = p["10.0.0.1"]
check("t=75", (q["state"], q["secs"], q["text"], q["flaps"], q["ribs"]), ("Established", 66, "1:06", 1, [("inet.0", "7", "5", "2")]))
v6 = p["2620:0:861:103:10:64:32:23"]
check("ipv6 down at t>=10", (v6["state"], v6["secs"], v6["flaps"], v6["ribs"]), ("Active", 65, 1, []))
check("t=75 header", hdr["down-peer-count"], "1")
hdr, p = at("cr2", 3700)
check("cr2 peers", sorted(p), ["10.64.32.23", "2620:0:861:103:10:64:32:23"])
check("cr2 elapsed text", p["10.64.32.23"]["text"], "1w1d 3:28:20")
hdr, p = at("lsw1", 0)
check("ToR subnet node peers only with lsw1", sorted(p), ["10.64.130.5"])
if bad:
    print("FAIL:\n  " + "\n  ".join(bad)); sys.exit(1)
print("ok: scenario semantics")
PY

# Scenario errors name the JSON path; exit 2.
echo '{"routers": {"cr1": {"peers": [{"address": "10.0.0.1", "as": 1, "timeline": [{"at": 0, "state": "Up"}]}]}}}' > "$T/bad1.json"
rc=0; "$SIM" --scenario "$T/bad1.json" --router cr1 --print 2> "$T/err" || rc=$?
[ "$rc" = 2 ] || fail "bad state: exit $rc"
grep -q "routers.cr1.peers\[0\].timeline\[0\].state: " "$T/err" || { cat "$T/err"; fail "bad state: message"; }
echo '{"routers": {"cr1": {"framing": "eom", "colour": "red"}}}' > "$T/bad2.json"
rc=0; "$SIM" --scenario "$T/bad2.json" --router cr1 --print 2> "$T/err" || rc=$?
[ "$rc" = 2 ] && grep -q "routers.cr1.colour: unknown key" "$T/err" || { cat "$T/err"; fail "unknown key"; }
rc=0; "$SIM" --scenario "$T/s.json" --router nope --print 2> "$T/err" || rc=$?
[ "$rc" = 2 ] && grep -q "no router 'nope'" "$T/err" || fail "unknown router"
rc=0; "$SIM" --bogus 2> "$T/err" || rc=$?
[ "$rc" = 2 ] && grep -q "unknown option '--bogus'" "$T/err" || fail "unknown option"
echo PASS

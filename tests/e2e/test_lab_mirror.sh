#!/usr/bin/env bash
# tests/e2e/test_lab_mirror.sh: the simulator's mirror mode translates FRR's
# `show bgp summary json` (captured from FRR 8.4 in the lab: fixtures/frr/)
# into a Junos reply that bgpwatch's Junos parser reads back with exact
# values; a failing or garbled mirror command is an error, not an empty
# router. No daemons, no root: the command is `cat FILE`.
set -euo pipefail
SIM=${BGPWATCH_SIM:?} BW=${BGPWATCH:?} FX=${BGPWATCH_FIXTURES:?}
work=$(mktemp -d /tmp/bgpwatch-mirror.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

mirror() { # mirror CASE -> sessions as "addr as state uptime flaps in out desc ribs" lines
  "$SIM" --router cr1-eqiad --mirror-command "cat $FX/frr/$1.summary.json" --print > "$work/$1.xml" \
    || fail "sim --print failed for $1"
  grep -q '<peer-state junos:format="Establ">Established</peer-state>\|<peer-state>' "$work/$1.xml" \
    || fail "$1: no peer-state in the reply"
  "$BW" --format json parse "$work/$1.xml" > "$work/$1.json" || fail "bgpwatch parse failed for $1"
  /usr/bin/python3 - "$work/$1.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print("header", d["format"], d["groups"], d["peers"], d["down_peers"])
for s in d["sessions"]:
    ribs = ",".join("%s:%s/%s/%s" % (r["name"], r["received"], r["accepted"], r["active"]) for r in s["ribs"]) or "-"
    print(s["address"], s["peer_as"], s["state"], s["uptime_seconds"], s["flaps"], s["input_messages"],
          s["output_messages"], s["output_queue"], ribs, s["description"])
PY
}

got=$(mirror established)
want="header junos-xml 1 2 0
10.64.0.121 64601 Established 5 0 4 4 0 inet.0:2/2/2 k8s worker node1 (calico/bird)
2620:0:861:101:10:64:0:121 64601 Established 5 0 4 4 0 inet6.0:2/2/2 k8s worker node1 (calico/bird6)"
[ "$got" = "$want" ] || fail "established: got
$got"

got=$(mirror node-down)
want="header junos-xml 1 2 2
10.64.0.121 64601 Active 6 1 6 4 0 - k8s worker node1 (calico/bird)
2620:0:861:101:10:64:0:121 64601 Active 6 1 6 4 0 - k8s worker node1 (calico/bird6)"
[ "$got" = "$want" ] || fail "node-down: got
$got"

got=$(mirror bad-peer-as)
want="header junos-xml 1 2 2
10.64.0.121 64699 Active 0 0 1 3 0 - k8s worker node1 (calico/bird)
2620:0:861:101:10:64:0:121 64699 Active 0 0 1 2 0 - k8s worker node1 (calico/bird6)"
[ "$got" = "$want" ] || fail "bad-peer-as: got
$got"

# The neighbor detail (issue 14): FRR's `show bgp neighbors json` with
# graceful restart on, as the gate's Junos neighbor parser reads it back.
neighbors() { # neighbors CASE [ADDR] -> "addr state flaps restart stale nego eor_rx eor_tx last_error ribs" lines
  local args=()
  [ $# -gt 1 ] && args=(--neighbor "$2")
  "$SIM" --router cr1-eqiad --mirror-command false --mirror-neighbor-command "cat $FX/frr/$1.neighbors.json" \
    --print-neighbors "${args[@]}" > "$work/$1.nbr.xml" || fail "sim --print-neighbors failed for $1"
  "$BW" --format json parse "$work/$1.nbr.xml" > "$work/$1.nbr.json" || fail "bgpwatch parse (neighbor) failed for $1"
  /usr/bin/python3 - "$work/$1.nbr.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["format"] == "junos-neighbor-xml", d["format"]
w = lambda v: "null" if v is None else ",".join(v) or "-"
for s in d["sessions"]:
    ribs = ",".join("%s:%s:%s" % (r["name"], r["accepted"], r["state"]) for r in s["ribs"]) or "-"
    print(s["address"], s["state"], s["flaps"], s["restart_time_received"], s["stale_route_time"],
          w(s["restart_negotiated"]), w(s["end_of_rib_received"]), w(s["end_of_rib_sent"]), s["last_error"], ribs)
PY
}
got=$(neighbors gr-established)
want="10.64.0.11 Established 0 60 360 inet-unicast inet-unicast inet-unicast None inet.0:2:BGP restart is complete
2620:0:861:101:10:64:0:11 Established 0 60 360 inet6-unicast inet6-unicast inet6-unicast None inet6.0:1:BGP restart is complete"
[ "$got" = "$want" ] || fail "gr-established neighbors: got
$got"
got=$(neighbors gr-killed)
want="10.64.0.11 Active 1 60 None null null null None inet.0:2:BGP restart in progress
2620:0:861:101:10:64:0:11 Active 1 60 None null null null None inet6.0:1:BGP restart in progress"
[ "$got" = "$want" ] || fail "gr-killed neighbors: got
$got"
got=$(neighbors gr-awaiting-eor 10.64.0.11)
want="10.64.0.11 Established 1 60 360 inet-unicast null null None inet.0:2:BGP restart in progress"
[ "$got" = "$want" ] || fail "gr-awaiting-eor neighbor 10.64.0.11: got
$got"
got=$(neighbors gr-clean-stop)
want="10.64.0.11 Active 2 None None null null null Cease -
2620:0:861:101:10:64:0:11 Active 2 None None null null null Cease -"
[ "$got" = "$want" ] || fail "gr-clean-stop neighbors: got
$got"
got=$(neighbors nogr-killed) # BIRD without graceful restart, SIGKILL: FRR dropped the routes
want="10.64.0.11 Active 1 None None null null null None -
2620:0:861:101:10:64:0:11 Active 1 None None null null null None -"
[ "$got" = "$want" ] || fail "nogr-killed neighbors: got
$got"
"$SIM" --router cr1-eqiad --mirror-command false --mirror-neighbor-command "cat $FX/frr/gr-established.neighbors.json" \
  --print-neighbors --neighbor 10.99.9.9 > "$work/none.xml" || fail "sim --neighbor 10.99.9.9"
grep -q '<bgp-information xmlns="[^"]*"/>' "$work/none.xml" && ! grep -q '<bgp-peer' "$work/none.xml" \
  || fail "an unknown --neighbor: not an empty bgp-information: $(cat "$work/none.xml")"
if out=$("$SIM" --router r --mirror-command false --print-neighbors 2>&1); then
  fail "neighbor detail without --mirror-neighbor-command printed a reply"
fi
[ "$out" = "bgpwatch-netconf-sim: get-bgp-neighbor-information: no --mirror-neighbor-command given" ] || fail "got: $out"

# Failures of the mirror command are errors with the reason.
if out=$("$SIM" --router r --mirror-command "echo bgpd is not running >&2; exit 1" --print 2>&1); then
  fail "a failing mirror command printed a reply"
fi
[ "$out" = "bgpwatch-netconf-sim: mirror command failed (exit status 1): bgpd is not running" ] || fail "got: $out"
if out=$("$SIM" --router r --mirror-command "echo '% Unknown command'" --print 2>&1); then
  fail "non-JSON output printed a reply"
fi
[ "$out" = "bgpwatch-netconf-sim: FRR output is not a JSON object (expected 'show bgp summary json')" ] || fail "got: $out"
if out=$("$SIM" --router r --mirror-command "echo '{\"ipv4Unicast\":{\"peers\":{\"10.0.0.1\":{\"state\":\"Dancing\"}}}}'" --print 2>&1); then
  fail "an unknown FRR state printed a reply"
fi
[ "$out" = "bgpwatch-netconf-sim: FRR peer '10.0.0.1': unknown BGP state 'Dancing'" ] || fail "got: $out"
# `bgpwatch parse` reads BIRD replies (raw socket bytes or birdc text) offline.
got=$("$BW" --format json parse "$FX/bird/2.0/established/bird-protocols-all.raw" | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["format"], d["groups"], d["peers"], [(s["protocol"], s["address"], s["state"], s["peer_as"], s["local_as"],
      s["uptime_seconds"], s["source"]) for s in d["sessions"]])')
want="bird None None [('Global_10_64_0_1', '10.64.0.1', 'Established', 14907, 64601, None, 'bird'), ('Global_2620_0_861_101__1', '2620:0:861:101::1', 'Established', 14907, 64601, None, 'bird')]"
[ "$got" = "$want" ] || fail "parse BIRD 2: got $got"
if "$BW" parse "$FX/bird/1.6/loopback/birdc-protocols.txt" >/dev/null 2>"$work/err"; then fail "parse accepted a BGP protocol without an address"; fi
grep -q "line 6: BGP protocol 'bgp1' has no neighbor address" "$work/err" || fail "parse error: $(cat "$work/err")"
echo "ok: mirror translation (3 FRR summary captures, 5 neighbor captures, 4 failure modes), parse of BIRD replies"

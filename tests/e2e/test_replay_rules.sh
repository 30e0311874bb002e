#!/usr/bin/env bash
# check/status --replay --now for every readiness rule (SPEC "Readiness",
# "Exit codes"): exit codes 0/1/2/3 and the report's wording. Fixtures:
# fixtures/replay/ (make-fixtures.py), judged at 2026-11-29T03:00:00Z, where
# kubernetes1003's sessions came back 40 s earlier.
set -uo pipefail
: "${BGPWATCH:?}" "${BGPWATCH_FIXTURES:?}"
R=$BGPWATCH_FIXTURES/replay
NOW=2026-11-29T03:00:00Z
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0 n=0
up1=cr1-eqiad=$R/cr1-eqiad-up.xml
up2=cr2-eqiad=$R/cr2-eqiad-up.xml

# t NAME EXIT STDOUT_REGEX -- ARGS... : runs bgpwatch with the replay config.
t() {
  local name=$1 want=$2 re=$3; shift 4
  n=$((n + 1))
  "$BGPWATCH" --config "$R/config.yaml" "$@" > "$work/out" 2> "$work/err" < /dev/null; local rc=$?
  if [ "$rc" != "$want" ]; then
    echo "FAIL $name: exit $rc, want $want"; sed 's/^/  | /' "$work/out" "$work/err"; fail=$((fail + 1)); return
  fi
  if [ -n "$re" ] && ! grep -Eq -- "$re" "$work/out" "$work/err"; then
    echo "FAIL $name: output lacks /$re/"; sed 's/^/  | /' "$work/out" "$work/err"; fail=$((fail + 1)); return
  fi
  echo "ok   $name (exit $rc)"
}
check() { t "$1" "$2" "$3" -- check --node kubernetes1003 --now "$NOW" "${@:5}"; }

# --- ready
check "all Established" 0 '^kubernetes1003.eqiad.wmnet: READY, 4/4 expected sessions ready \(exit 0\)$' -- --replay "$up1" --replay "$up2"
check "text paste replay" 0 'READY, 4/4' -- --replay "$up1" --replay "cr2-eqiad=$R/cr2-eqiad-up.txt"
t "FQDN node name" 0 'READY' -- check --node kubernetes1003.eqiad.wmnet --now "$NOW" --replay "$up1" --replay "$up2"
# --- not Established
check "IPv6 Active" 1 '^  cr2-eqiad ipv6 2620:0:861:103:10:64:32:23 Active for 41s, 3 flaps$' -- --replay "$up1" --replay "cr2-eqiad=$R/cr2-eqiad-v6-active.xml"
check "IPv4 Connect" 1 'cr1-eqiad ipv4 10.64.32.23 Connect for 12s, 3 flaps' -- --replay "cr1-eqiad=$R/cr1-eqiad-v4-connect.xml" --replay "$up2"
check "--family ipv4 ignores the IPv6 session" 0 'READY, 2/2' -- --family ipv4 --replay "$up1" --replay "cr2-eqiad=$R/cr2-eqiad-v6-active.xml"
check "--family ipv6 sees it" 1 'NOT READY, 1/2' -- --family ipv6 --replay "$up1" --replay "cr2-eqiad=$R/cr2-eqiad-v6-active.xml"
# --- AS mismatch
check "AS mismatch" 1 'cr1-eqiad ipv4 10.64.32.23 Established for 40s, AS mismatch: router has AS 64602, site expects 64601' -- --replay "cr1-eqiad=$R/cr1-eqiad-as-mismatch.xml" --replay "$up2"
# --- unknown
check "peer absent" 3 "cr1-eqiad ipv4 10.64.32.23 Unknown: not in cr1-eqiad's BGP peer list" -- --replay "cr1-eqiad=$R/cr1-eqiad-absent.xml" --replay "$up2"
# Issue 16: the router's error once, under the router; its sessions point there.
check "router without a replay file" 3 '^router cr2-eqiad: unreadable: no --replay file for cr2-eqiad' -- --replay "$up1"
check "router without a replay file: its sessions point to it" 3 '^  cr2-eqiad ipv6 2620:0:861:103:10:64:32:23 Unknown: router unreadable \(see cr2-eqiad above\)$' -- --replay "$up1"
check "unparsable reply names file:line" 3 '^router cr1-eqiad: unreadable: .*/cr1-eqiad-truncated.xml:[0-9]+: ' -- --replay "cr1-eqiad=$R/cr1-eqiad-truncated.xml" --replay "$up2"
check "rpc-error reply" 3 '^router cr1-eqiad: unreadable: .*cr1-eqiad-rpc-error.xml:[0-9]+: BGP is not running' -- --replay "cr1-eqiad=$R/cr1-eqiad-rpc-error.xml" --replay "$up2"
check "missing replay file" 3 '^router cr1-eqiad: unreadable: .*/nope.xml: No such file or directory' -- --replay "cr1-eqiad=$R/nope.xml" --replay "$up2"
check "not ready beats unknown" 1 'NOT READY, 0/2' -- --replay "cr1-eqiad=$R/cr1-eqiad-rpc-error.xml" --replay "cr2-eqiad=$R/cr2-eqiad-v6-active.xml" --family ipv6
# --- --since (the restart race)
check "restart race: old session Established" 1 'cr1-eqiad ipv4 10.64.32.23 Established for 1h, up since 2026-11-29T01:59:59.000Z, not after --since 2026-11-29T02:59:30.000Z \(has not restarted yet\)' -- --since -30s --replay "cr1-eqiad=$R/cr1-eqiad-old-session.xml" --replay "$up2"
check "--since -60s: came back 40s ago" 0 'READY' -- --since -60s --replay "$up1" --replay "$up2"
check "--since -30s: 40s ago is before" 1 'NOT READY, 0/4' -- --since -30s --replay "$up1" --replay "$up2"
# Up 40 s at --now: came up at 02:59:19 at the earliest (now - uptime - 1 s:
# Junos floors uptimes to whole seconds), so --since must be before that.
check "--since -40s: 40s ago is before" 1 'up since 2026-11-29T02:59:19.000Z, not after --since 2026-11-29T02:59:20.000Z' -- --since -40s --replay "$up1" --replay "$up2"
check "--since -41s: exactly at the earliest start is not after" 1 'not after --since 2026-11-29T02:59:19.000Z' -- --since -41s --replay "$up1" --replay "$up2"
check "--since -42s" 0 'READY' -- --since -42s --replay "$up1" --replay "$up2"
check "--since RFC 3339" 0 'READY' -- --since 2026-11-29T02:59:00Z --replay "$up1" --replay "$up2"
check "--since RFC 3339 with offset" 1 'NOT READY' -- --since 2026-11-29T03:59:30+01:00 --replay "$up1" --replay "$up2"
check "--since @UNIX" 0 'READY' -- --since @1795921140 --replay "$up1" --replay "$up2"
# --- --min-uptime
check "--min-uptime 1m, up 40s" 1 'Established for 40s, younger than --min-uptime 1m' -- --min-uptime 1m --replay "$up1" --replay "$up2"
check "--min-uptime 40s, up 40s" 0 'READY' -- --min-uptime 40s --replay "$up1" --replay "$up2"
check "--min-uptime 10s, one up 4s" 1 'cr1-eqiad ipv4 10.64.32.23 Established for 4s, younger than --min-uptime 10s' -- --min-uptime 10s --replay "cr1-eqiad=$R/cr1-eqiad-young.xml" --replay "$up2"
# --- --require-prefixes
check "--require-prefixes, 0 accepted" 1 'cr1-eqiad ipv4 10.64.32.23 Established for 40s, 0 accepted prefixes \(--require-prefixes\)' -- --require-prefixes --replay "cr1-eqiad=$R/cr1-eqiad-no-prefixes.xml" --replay "$up2"
check "--require-prefixes, 1 accepted" 0 'READY' -- --require-prefixes --replay "$up1" --replay "$up2"
check "0 accepted is fine without --require-prefixes" 0 'READY' -- --replay "cr1-eqiad=$R/cr1-eqiad-no-prefixes.xml" --replay "$up2"
# --- expected set
t "IPv4-only node, --family ipv6: nothing to check is never ready" 3 'no expected sessions' -- check --node kubernetes1099 --family ipv6 --now "$NOW" --replay "$up1" --replay "$up2"
t "ToR node: its switch has no replay" 3 '^router lsw1-e1-eqiad: unreadable: no --replay file' -- check --node kubernetes1021 --now "$NOW" --replay "$up1" --replay "$up2"
t "ToR node: served by its switch" 0 'READY, 2/2' -- check --node kubernetes1021 --now "$NOW" --replay "lsw1-e1-eqiad=$R/lsw1-e1-eqiad-up.xml"
t "replay for a router that does not serve the node warns" 0 "warning: --replay cr1-eqiad=.* cr1-eqiad does not serve kubernetes1021.eqiad.wmnet" -- check --node kubernetes1021 --now "$NOW" --replay "lsw1-e1-eqiad=$R/lsw1-e1-eqiad-up.xml" --replay "$up1"
# --- status: the table
t "status table" 1 '^cr2-eqiad +ipv6 +2620:0:861:103:10:64:32:23 +64601 +Active +41s +3 +not_ready +down$' -- status --node kubernetes1003 --now "$NOW" --replay "$up1" --replay "cr2-eqiad=$R/cr2-eqiad-v6-active.xml"
t "status verdict line" 0 '^verdict: READY \(exit 0\)$' -- status --node kubernetes1003 --now "$NOW" --replay "$up1" --replay "$up2"
# --- JSON
t "check JSON" 1 '"reasons": \[' -- --format json check --node kubernetes1003 --now "$NOW" --replay "$up1" --replay "cr2-eqiad=$R/cr2-eqiad-v6-active.xml"
if grep -q '"ready": false' "$work/out" && grep -q '"exit": 1' "$work/out" && grep -q '"reason": "not_established"' "$work/out" \
   && grep -q '"node": "kubernetes1003.eqiad.wmnet"' "$work/out" && /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["sessions"])==4 and d["sessions"][3]["state"]=="Active" and d["sessions"][3]["uptime_seconds"]==41 and d["sessions"][3]["flaps"]==3' "$work/out"; then
  echo "ok   check JSON fields"
else echo "FAIL check JSON fields"; cat "$work/out"; fail=$((fail + 1)); fi
# --- usage and configuration errors: exit 2
t "--timeout on check" 2 'check decides on one poll and takes no --timeout' -- check --node kubernetes1003 --timeout 1m --replay "$up1"
t "bad --since" 2 "bad time 'soon'" -- check --node kubernetes1003 --since soon --replay "$up1"
t "--now without --replay" 2 '--now needs --replay' -- check --node kubernetes1003 --now "$NOW"
t "no --node" 2 '--node is required' -- check --replay "$up1"
t "unknown node" 2 "unknown node 'kubernetes2001' \(tried static: not found\)" -- check --node kubernetes2001 --now "$NOW" --replay "$up1"
t "missing config" 2 'configuration: .*' -- --config "$work/none.yaml" check --node kubernetes1003 --now "$NOW" --replay "$up1"
printf 'sites:\n  eqiad: {asn: x}\n' > "$work/bad.yaml"
t "bad config" 2 "bad.yaml:2" -- --config "$work/bad.yaml" check --node kubernetes1003 --now "$NOW" --replay "$up1"
t "help" 0 'usage: bgpwatch check --node N' -- check --help

echo "replay rules: $n run, $fail failed"
[ $fail = 0 ]

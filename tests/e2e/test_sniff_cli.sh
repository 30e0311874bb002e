#!/usr/bin/env bash
# tests/e2e/test_sniff_cli.sh: `bgpwatch sniff` exit codes and messages
# (SPEC: 0 ok, 2 usage, 3 input unreadable), the CAP_NET_RAW message, and
# the text output's shape on a fixture.
set -uo pipefail
: "${BGPWATCH:?path to the bgpwatch binary}"
ROOT=${BGPWATCH_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
FIX=${BGPWATCH_FIXTURES:-$ROOT/fixtures}/pcap
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail=0

# expect EXIT PATTERN CMD...: exit code and a pattern in stdout+stderr
expect() {
  local want=$1 pattern=$2; shift 2
  local out rc
  out=$("$@" 2>&1); rc=$?
  if [ "$rc" != "$want" ] || ! grep -qE -- "$pattern" <<<"$out"; then
    echo "FAIL: $* -> exit $rc (want $want), pattern '$pattern' in:"; echo "$out" | head -5; fail=1
  else
    echo "ok   exit $rc: $*"
  fi
}

expect 2 "give exactly one of --interface IF or --read FILE" "$BGPWATCH" sniff
expect 2 "give exactly one of" "$BGPWATCH" sniff --read x --interface lo
expect 2 "unknown argument '--bogus'" "$BGPWATCH" sniff --bogus
expect 2 "--count: 'x' is not a positive number" "$BGPWATCH" sniff --read x --count x
expect 2 "bad BPF filter 'tcp port'" "$BGPWATCH" sniff --read "$FIX/asn4.pcap" --filter "tcp port"
expect 3 "cannot read capture '/nonexistent.pcap'" "$BGPWATCH" sniff --read /nonexistent.pcap
echo "not a capture" > "$TMP/text"
expect 3 "cannot read capture '$TMP/text': unknown file format" "$BGPWATCH" sniff --read "$TMP/text"
head -c 1000 "$FIX/two-nodes.pcap" > "$TMP/cut.pcap"
expect 3 "could not be read to the end: truncated dump file" "$BGPWATCH" sniff --read "$TMP/cut.pcap"
expect 0 "^  \(\* Established inferred" "$BGPWATCH" sniff --read "$FIX/admin-shutdown.pcap" --count 1
expect 0 'NOTIFICATION 6/2 Cease, Administrative Shutdown "bgpwatch lab: draining cr1-eqiad for maintenance"' \
  "$BGPWATCH" sniff --read "$FIX/admin-shutdown.pcap"
expect 0 "OpenConfirm -> Established" "$BGPWATCH" sniff --read "$FIX/establish-v6.pcap"
expect 0 "^summary: 17 frames, 8 BGP messages \(OPEN 2, UPDATE 4, NOTIFICATION 0, KEEPALIVE 2, ROUTE-REFRESH 0\)" \
  "$BGPWATCH" sniff --read "$FIX/establish-v4.pcap"
expect 0 '"type":"OPEN".*"as":4200000001' "$BGPWATCH" --format json sniff --read "$FIX/asn4.pcap"
expect 0 '^\{"event":"summary"' "$BGPWATCH" --format json sniff --read - < "$FIX/asn4.pcap"

if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  # root without the capabilities: the message must say what is missing
  expect 3 "needs CAP_NET_RAW.*setcap cap_net_raw,cap_net_admin=eip" \
    setpriv --inh-caps=-all --bounding-set=-net_raw,-net_admin "$BGPWATCH" sniff --interface lo --count 1
  expect 3 "no interface 'bw-nonexistent0'|cannot capture on 'bw-nonexistent0'" \
    "$BGPWATCH" sniff --interface bw-nonexistent0 --count 1
fi
exit $fail

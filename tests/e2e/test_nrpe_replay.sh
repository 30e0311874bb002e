#!/usr/bin/env bash
# tests/e2e/test_nrpe_replay.sh: the plugin end to end, offline (--replay):
# OK / WARNING / CRITICAL / UNKNOWN exit codes and exact lines, site mode
# with an unknown peer, usage errors, -h/-V, the 1024-byte cap and --long,
# invoked both as `bgpwatch nrpe` and as the check_bgpwatch symlink.
set -uo pipefail
BGPWATCH=${BGPWATCH:?}
CHECK=$(dirname "$BGPWATCH")/check_bgpwatch
F=${BGPWATCH_FIXTURES:?}/nrpe
NOW=@1795920000
fail=0

# expect EXIT REGEX CMD...: exit code and the whole stdout matched (grep -Pzx);
# stderr must be empty (stdout is the plugin's, logging is off).
expect() {
  local want=$1 regex=$2; shift 2
  local out err rc
  err=$(mktemp)
  out=$("$@" 2>"$err"); rc=$?
  if [ "$rc" != "$want" ]; then
    echo "FAIL: exit $rc, want $want: $*"; echo "$out"; fail=1
  elif ! printf '%s\n' "$out" | grep -Pzq -- "$regex"; then
    echo "FAIL: output does not match /$regex/: $*"; echo "$out"; fail=1
  elif [ -s "$err" ]; then
    echo "FAIL: stderr not empty: $*"; cat "$err"; fail=1
  else
    echo "ok: exit $rc: $(printf '%s' "$out" | head -n1 | cut -c1-100)"
  fi
  rm -f "$err"
}

R1="--replay cr1-eqiad=$F/cr1-ok.xml"
PERF_OK='established=4;;;0;4 not_ready=0;;0;0;4 unknown=0;;;0;4 min_uptime=1933s;;;0 flaps=6c;;;0'

expect 0 "^BGPWATCH OK - kubernetes1003.eqiad.wmnet: 4/4 sessions established \| \Q$PERF_OK\E\n\$" \
  "$CHECK" --config "$F/config.yaml" --node kubernetes1003 $R1 --replay cr2-eqiad="$F/cr2-ok.xml" --now $NOW
expect 0 "^BGPWATCH OK - kubernetes1003.eqiad.wmnet: 4/4 sessions established \| \Q$PERF_OK\E\n\$" \
  "$BGPWATCH" --config "$F/config.yaml" nrpe --node kubernetes1003.eqiad.wmnet $R1 --replay cr2-eqiad="$F/cr2-ok.xml"

expect 2 '^BGPWATCH CRITICAL - kubernetes1003.eqiad.wmnet: 3/4 sessions established, 1 not ready \| established=3;;;0;4 not_ready=1;;0;0;4 unknown=0;;;0;4 min_uptime=1933s;;;0 flaps=8c;;;0\ncr2-eqiad ipv6 2620:0:861:103:10:64:32:23 Active for 41s, 3 flaps\n$' \
  "$CHECK" --config "$F/config.yaml" --node kubernetes1003 $R1 --replay cr2-eqiad="$F/cr2-down.xml"

expect 1 '^BGPWATCH WARNING - kubernetes1003.eqiad.wmnet: 3/4 sessions established, 1 not ready \| established=3;;;0;4 not_ready=1;0;1;0;4 ' \
  "$CHECK" --config "$F/config.yaml" --node kubernetes1003 -w 0 -c 1 $R1 --replay cr2-eqiad="$F/cr2-down.xml"

expect 1 '^BGPWATCH WARNING - kubernetes1003.eqiad.wmnet: 4/4 sessions established, 2 up < 5m \| .* min_uptime=60s;300:;;0 .*\ncr2-eqiad ipv4 10.64.32.23 Established for 1m \(< warn-uptime 5m\), 4 flaps\ncr2-eqiad ipv6 2620:0:861:103:10:64:32:23 Established for 1m1s \(< warn-uptime 5m\), 4 flaps\n$' \
  "$CHECK" --config "$F/config.yaml" --node kubernetes1003 --warn-uptime 5m $R1 --replay cr2-eqiad="$F/cr2-young.xml"

# --min-uptime makes the young sessions not ready: CRITICAL.
expect 2 '^BGPWATCH CRITICAL - kubernetes1003.eqiad.wmnet: 4/4 sessions established, 2 not ready .*\ncr2-eqiad ipv4 10.64.32.23 Established for 1m \(< min-uptime 2m\), 4 flaps\n' \
  "$CHECK" --config "$F/config.yaml" --node kubernetes1003 --min-uptime 2m $R1 --replay cr2-eqiad="$F/cr2-young.xml"

# cr2 unreadable (no replay file), nothing known down: UNKNOWN.
expect 3 '^BGPWATCH UNKNOWN - kubernetes1003.eqiad.wmnet: 2/4 sessions established, 2 unknown, 1 router unreadable \| .*\ncr2-eqiad unreadable \(2 sessions unknown\): ' \
  "$CHECK" --config "$F/config.yaml" --node kubernetes1003 $R1
# cr1 unreadable but cr2 shows a session down: still CRITICAL.
expect 2 '^BGPWATCH CRITICAL - kubernetes1003.eqiad.wmnet: 1/4 sessions established, 1 not ready, 2 unknown, 1 router unreadable \| .*\ncr2-eqiad ipv6 2620:0:861:103:10:64:32:23 Active for 41s, 3 flaps\ncr1-eqiad unreadable \(2 sessions unknown\): ' \
  "$CHECK" --config "$F/config.yaml" --node kubernetes1003 --replay cr2-eqiad="$F/cr2-down.xml"

# --family restricts the expected sessions.
expect 0 '^BGPWATCH OK - kubernetes1003.eqiad.wmnet: 2/2 sessions established \| established=2;;;0;2 ' \
  "$CHECK" --config "$F/config.yaml" --node kubernetes1003 --family ipv4 $R1 --replay cr2-eqiad="$F/cr2-down.xml"

# Site mode: unknown peer is a WARNING; a down session CRITICAL; perfdata per router.
expect 1 '^BGPWATCH WARNING - site eqiad: 3 nodes, 12/12 sessions established, 1 unknown peer \| nodes=3;;;0 cordoned=0;;;0 established=12;;;0;12 .* unknown_peers=1;;;0 established_cr1-eqiad=6;;;0;6 not_ready_cr1-eqiad=0;;;0;6 established_cr2-eqiad=6;;;0;6 not_ready_cr2-eqiad=0;;;0;6\nunknown peer 10.64.0.99 on cr1-eqiad \(Active\)\n$' \
  "$CHECK" --config "$F/config.yaml" --site eqiad --replay cr1-eqiad="$F/cr1-unknown-peer.xml" --replay cr2-eqiad="$F/cr2-ok.xml"
expect 2 '^BGPWATCH CRITICAL - site eqiad: 3 nodes, 11/12 sessions established, 1 not ready, 1 unknown peer \| .*\nkubernetes1003.eqiad.wmnet cr2-eqiad ipv6 2620:0:861:103:10:64:32:23 Active for 41s, 3 flaps\nunknown peer 10.64.0.99 on cr1-eqiad \(Active\)\n$' \
  "$CHECK" --config "$F/config.yaml" --site eqiad --replay cr1-eqiad="$F/cr1-unknown-peer.xml" --replay cr2-eqiad="$F/cr2-down.xml"

# Usage errors, -h, -V: UNKNOWN (3) on stdout with a short usage.
expect 3 '^BGPWATCH UNKNOWN - -w/--warning: range .5:1.: start 5 is greater than end 1\nUsage: check_bgpwatch \(--node N \| --site S\)' \
  "$CHECK" --node x -w 5:1
expect 3 '^BGPWATCH UNKNOWN - one of --node N or --site S is required\nUsage: bgpwatch ' "$BGPWATCH" nrpe
expect 3 '^BGPWATCH UNKNOWN - unknown option .--bogus.\n' "$CHECK" --node x --bogus
expect 3 '^check_bgpwatch 0\.1\.0\n$' "$CHECK" -V
expect 3 '^check_bgpwatch [0-9.]+ - .*\n\nUsage: check_bgpwatch [^\0]*-t, --timeout S' "$CHECK" --help
expect 3 '^BGPWATCH UNKNOWN - node nosuch: unknown node .nosuch.' \
  "$CHECK" --config "$F/config.yaml" --node nosuch $R1
expect 3 '^BGPWATCH UNKNOWN - site nowhere is not configured \(configured: eqiad\)\n$' \
  "$CHECK" --config "$F/config.yaml" --site nowhere $R1
expect 3 '^BGPWATCH UNKNOWN - configuration: /nonexistent.yaml' \
  "$CHECK" --config /nonexistent.yaml --node x $R1

# LC_NUMERIC: bgpwatch never calls setlocale(), so a locale in the
# environment cannot reach it and a check here could not fail. The unit
# tests (tests/bgp/test_ranges.cpp, tests/collector/nrpe/test_nrpe.cpp) set a
# comma-decimal locale (de_DE.UTF-8, from locales-all) inside the process.

# The 1024-byte cap: 80 nodes all down -> truncated with a count; --long has all.
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
/usr/bin/python3 "${BGPWATCH_SOURCE_DIR:?}/tests/lib/nrpe_big_site.py" "$work" config.yaml cr1.xml
out=$("$CHECK" --config "$work/config.yaml" --site eqiad --replay cr1-eqiad="$work/cr1.xml"); rc=$?
bytes=$(printf '%s\n' "$out" | wc -c)
lines=$(printf '%s\n' "$out" | wc -l)
shown=$((lines - 2))
last=$(printf '%s\n' "$out" | tail -n1)
if [ "$rc" = 2 ] && [ "$bytes" -le 1024 ] && [ "$last" = "… and $((80 - shown)) more" ] && [ "$shown" -ge 5 ]; then
  echo "ok: capped at $bytes bytes, $shown problem lines + '$last'"
else
  echo "FAIL: cap: rc=$rc bytes=$bytes lines=$lines last='$last'"; printf '%s\n' "$out"; fail=1
fi
long=$("$CHECK" --config "$work/config.yaml" --site eqiad --long --replay cr1-eqiad="$work/cr1.xml")
llines=$(printf '%s\n' "$long" | wc -l)
if [ "$llines" = 81 ] && [ "$(printf '%s\n' "$long" | wc -c)" -gt 1024 ] \
   && grep -q '^kubernetes2079.eqiad.wmnet cr1-eqiad ipv4 10.64.40.80 Active for 30s, 1 flap$' <<<"$long"; then
  echo "ok: --long prints all 80 problem lines"
else
  echo "FAIL: --long: $llines lines"; fail=1
fi
# Only one '|' (the perfdata separator) in the whole output.
if [ "$(printf '%s' "$long" | tr -cd '|' | wc -c)" != 1 ]; then echo "FAIL: '|' in human text"; fail=1; fi

exit $fail

#!/usr/bin/env bash
# bgpwatch parse: stdin, several files, exit codes 0/2/3, and "nothing partial
# on stdout" when any input is bad.
set -uo pipefail
: "${BGPWATCH:?}" "${BGPWATCH_FIXTURES:?}"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0
good=$BGPWATCH_FIXTURES/junos/display_xml_eqiad.xml
bad=$BGPWATCH_FIXTURES/junos/bad_truncated.xml

# expect NAME EXIT STDOUT_REGEX STDERR_REGEX -- ARGS...  (regex "" = must be empty)
expect() {
  local name=$1 want_rc=$2 out_re=$3 err_re=$4; shift 5
  "$@" > "$work/out" 2> "$work/err" < "${STDIN:-/dev/null}"; local rc=$?
  local ok=1
  [ "$rc" = "$want_rc" ] || { echo "FAIL $name: exit $rc, want $want_rc"; ok=0; }
  if [ -z "$out_re" ]; then [ ! -s "$work/out" ] || { echo "FAIL $name: stdout not empty"; ok=0; }
  else grep -Eq -- "$out_re" "$work/out" || { echo "FAIL $name: stdout lacks /$out_re/"; ok=0; }; fi
  if [ -z "$err_re" ]; then [ ! -s "$work/err" ] || { echo "FAIL $name: stderr not empty: $(head -3 "$work/err")"; ok=0; }
  else grep -Eq -- "$err_re" "$work/err" || { echo "FAIL $name: stderr lacks /$err_re/: $(head -3 "$work/err")"; ok=0; }; fi
  [ $ok = 1 ] && echo "ok   $name" || fail=$((fail + 1))
}

expect "one file, text" 0 '^10\.64\.48\.52 +64601 +Active +41s +3 ' "" -- "$BGPWATCH" parse "$good"
expect "one file, json" 0 '"format": "junos-xml"' "" -- "$BGPWATCH" --format json parse "$good"
expect "--format after the command" 0 '"down_peers": 1' "" -- "$BGPWATCH" parse --format json "$good"
STDIN=$good expect "stdin" 0 '^junos-xml: 4 groups, 6 peers, 1 down, 6 sessions listed$' "" -- "$BGPWATCH" parse -
STDIN=$good expect "stdin json" 0 '"peers": 6' "" -- "$BGPWATCH" --format json parse -
expect "two files: JSON Lines with file" 0 '"file":".*display_xml_eqiad.xml"' "" -- \
  "$BGPWATCH" --format json parse "$good" "$BGPWATCH_FIXTURES/junos/multi_re.xml"
expect "no file: usage" 2 "" 'no FILE given' -- "$BGPWATCH" parse
expect "unknown option: usage" 2 "" "unknown option '--bogus'" -- "$BGPWATCH" parse --bogus "$good"
expect "stdin twice: usage" 2 "" "stdin\) given more than once" -- "$BGPWATCH" parse - -
expect "missing file" 3 "" "nope.xml: No such file or directory" -- "$BGPWATCH" parse "$work/nope.xml"
expect "directory" 3 "" "is a directory" -- "$BGPWATCH" parse "$work"
expect "bad among good: nothing partial" 3 "" 'bad_truncated.xml:25: not well-formed XML' -- \
  "$BGPWATCH" --format json parse "$good" "$bad"
head -c 3000 /dev/urandom > "$work/junk.bin"; printf '\0' >> "$work/junk.bin"
expect "binary junk" 3 "" "junk.bin" -- "$BGPWATCH" parse "$work/junk.bin"
truncate -s 100M "$work/huge.xml"
expect "100 MB file refused before reading" 3 "" "huge.xml: larger than 67108864 bytes" -- "$BGPWATCH" parse "$work/huge.xml"
printf 'hello world\n' > "$work/prose.txt"
expect "unrecognised" 3 "" "prose.txt: unrecognised format" -- "$BGPWATCH" parse "$work/prose.txt"
STDIN=$bad expect "bad stdin" 3 "" '^bgpwatch parse: <stdin>:25: not well-formed XML' -- "$BGPWATCH" parse -

# A pcap: one session per BGP session seen (the wire helper's summariser);
# from stdin too (libpcap reads it back from a private temporary file).
pcap=$BGPWATCH_FIXTURES/pcap/bad-peer-as.pcap
expect "pcap, json" 0 '"last_error": "NOTIFICATION 2/2 \(OPEN Message Error, Bad Peer AS\)' "" -- \
  "$BGPWATCH" --format json parse "$pcap"
STDIN=$BGPWATCH_FIXTURES/pcap/establish-v4.pcap expect "pcap on stdin" 0 \
  '^10\.64\.0\.11 +64601 +Established ' "" -- "$BGPWATCH" parse -
head -c 100 "$BGPWATCH_FIXTURES/pcap/establish-v4.pcap" > "$work/cut.pcap"
expect "truncated pcap" 3 "" "cut.pcap: cannot read capture .*truncated dump file" -- "$BGPWATCH" parse "$work/cut.pcap"

echo "parse cli: $fail failed"
[ $fail = 0 ]

#!/usr/bin/env bash
# bgpwatch parse against goldens: for every Junos fixture (fixtures/junos/*),
# the JSON output (fixtures/golden/parse/<case>.json), the text table
# (<case>.txt), or for inputs that must fail, the exit code and stderr
# (<case>.err). <case> is the fixture's file name with '.' -> '_'
# (bad_truncated.xml -> bad_truncated_xml): XML and text fixtures share names. Volatile fields are masked before comparing (none today in
# parse output, but the mask runs so goldens stay stable if they appear).
# BGPWATCH_UPDATE_GOLDEN=1 rewrites the goldens; a mismatch leaves
# <case>.actual (or .actual.txt / .actual.err) beside the golden.
set -uo pipefail
: "${BGPWATCH:?}" "${BGPWATCH_FIXTURES:?}"
GOLDEN=$BGPWATCH_FIXTURES/golden/parse
mkdir -p "$GOLDEN"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0 checked=0

mask() {
  sed -E -e "s#$BGPWATCH_FIXTURES/#FIXTURES/#g" \
         -e 's/("polled_at": )"[^"]*"/\1"MASKED"/g' \
         -e 's/("duration_ms": )[0-9]+/\10/g'
}

# compare GOLDEN_FILE ACTUAL_FILE ACTUAL_SUFFIX
compare() {
  local golden=$1 actual=$2 suffix=$3
  checked=$((checked + 1))
  if [ "${BGPWATCH_UPDATE_GOLDEN:-0}" = 1 ]; then
    cp "$actual" "$golden"; return 0
  fi
  if [ ! -f "$golden" ]; then
    echo "FAIL: no golden $golden (run with BGPWATCH_UPDATE_GOLDEN=1)"; cp "$actual" "${golden%.*}.actual$suffix"
    fail=$((fail + 1)); return 1
  fi
  if ! diff -u "$golden" "$actual" > "$work/diff"; then
    echo "FAIL: $golden differs:"; head -n 40 "$work/diff"
    cp "$actual" "${golden%.*}.actual$suffix"
    fail=$((fail + 1)); return 1
  fi
  rm -f "${golden%.*}.actual$suffix"
}

shopt -s nullglob
inputs=("$BGPWATCH_FIXTURES"/junos/*.xml "$BGPWATCH_FIXTURES"/junos/*.txt)
[ ${#inputs[@]} -gt 0 ] || { echo "FAIL: no Junos fixtures found"; exit 1; }
for f in "${inputs[@]}"; do
  case_name=$(basename "$f" | tr . _)
  "$BGPWATCH" --format json parse "$f" > "$work/out.json" 2> "$work/err"; rc=$?
  if [ $rc = 0 ]; then
    [ -s "$work/err" ] && { echo "FAIL: $case_name: exit 0 but stderr: $(cat "$work/err")"; fail=$((fail + 1)); }
    mask < "$work/out.json" > "$work/masked.json"
    compare "$GOLDEN/$case_name.json" "$work/masked.json" ""
    "$BGPWATCH" parse "$f" > "$work/out.txt" 2>&1 || { echo "FAIL: $case_name: text output failed"; fail=$((fail + 1)); }
    mask < "$work/out.txt" > "$work/masked.txt"
    compare "$GOLDEN/$case_name.txt" "$work/masked.txt" ".txt"
  else
    # Failure: nothing on stdout, exit 3, FILE:LINE: what on stderr.
    if [ -s "$work/out.json" ]; then
      echo "FAIL: $case_name: exit $rc but stdout is not empty"; fail=$((fail + 1))
    fi
    { echo "exit $rc"; mask < "$work/err"; } > "$work/masked.err"
    compare "$GOLDEN/$case_name.err" "$work/masked.err" ".err"
  fi
done

# Neighbor detail (issue 14): fixtures/junos-neighbor/<case>.<ext> against
# <case>_<ext>.json beside it (the same goldens tests/bgp checks field by
# field); bad_* must fail with exit 3 and nothing on stdout.
for f in "$BGPWATCH_FIXTURES"/junos-neighbor/*.xml "$BGPWATCH_FIXTURES"/junos-neighbor/*.txt; do
  case_name=$(basename "$f" | tr . _)
  "$BGPWATCH" --format json parse "$f" > "$work/out.json" 2> "$work/err"; rc=$?
  case $(basename "$f") in
    bad_*|rpc_error*)
      checked=$((checked + 1))
      if [ $rc != 3 ] || [ -s "$work/out.json" ]; then
        echo "FAIL: $case_name: exit $rc (want 3, nothing on stdout)"; fail=$((fail + 1))
      fi
      continue;;
  esac
  [ $rc = 0 ] || { echo "FAIL: $case_name: exit $rc: $(cat "$work/err")"; fail=$((fail + 1)); continue; }
  mask < "$work/out.json" > "$work/masked.json"
  compare "${f%/*}/$case_name.json" "$work/masked.json" ""
done

# Goldens must not outlive their fixtures.
for g in "$GOLDEN"/*.json "$GOLDEN"/*.err; do
  base=$(basename "${g%.*}")
  case $base in *.actual) continue;; esac
  fixture="$BGPWATCH_FIXTURES/junos/${base%_*}.${base##*_}"
  [ -f "$fixture" ] || { echo "FAIL: golden $g has no fixture ($fixture)"; fail=$((fail + 1)); }
done

echo "parse goldens: $checked compared, $fail failed"
[ $fail = 0 ]

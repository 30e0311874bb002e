#!/usr/bin/env bash
# The false-READY corpus (issue 13): every way we found to make bgpwatch say
# READY (exit 0) when it must not, one case file each under
# tests/e2e/false_ready/NN-name.sh. Each case runs the real binary on plain
# inputs (--replay fixtures under fixtures/false-ready/, the simulator behind
# a private sshd, a stand-in collector) and must see a NON-ZERO exit AND a
# message naming the cause. A case that sees exit 0 fails the corpus.
# Every future bug of this kind adds a case.
#
# A case file is run by bash with tests/e2e/false_ready/lib.sh sourced first
# (fr_expect & co., see there); it passes when it exits 0 and has made at
# least one fr_expect check. Usage: test_false_ready.sh [CASE-GLOB]
set -uo pipefail
: "${BGPWATCH:?}" "${BGPWATCH_SOURCE_DIR:?}" "${BGPWATCH_FIXTURES:?}"
dir=$BGPWATCH_SOURCE_DIR/tests/e2e/false_ready
pattern=${1:-[0-9]*}
passed=0 failed=0
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
for case_file in "$dir"/$pattern.sh; do
  [ -e "$case_file" ] || continue
  name=$(basename "$case_file" .sh)
  t0=$(date +%s%N)
  FR_CASE=$name FR_CASE_FILE=$case_file FR_WORK=$work/$name \
    bash -c '. "$1"; . "$2"; fr_finish' fr "$dir/lib.sh" "$case_file" > "$work/$name.log" 2>&1
  rc=$?
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  if [ "$rc" = 0 ]; then
    passed=$((passed + 1))
    echo "ok   $name (${ms} ms): $(tail -n 1 "$work/$name.log")"
  else
    failed=$((failed + 1))
    echo "FAIL $name (exit $rc, ${ms} ms)"
    sed 's/^/  | /' "$work/$name.log" | tail -n 60
  fi
done
echo "false-READY corpus: $passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]

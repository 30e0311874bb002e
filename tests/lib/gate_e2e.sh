# tests/lib/gate_e2e.sh: shared steps of tests/e2e/test_gate_*.sh (sourced).
# Builds on tests/lib/sshd.sh (private sshd + router simulator):
#   gate_world SCENARIO ROUTER...   start one simulated router per name and
#                                   write $CONFIG for bgpwatch
#   gate_run NAME WANT_EXIT -- ARGS  run bgpwatch --config $CONFIG ARGS,
#                                   stdout in $OUT, stderr in $ERR, exit in $RC
#   gate_expect REGEX [FILE]        the output ($OUT+$ERR, or FILE) matches
#   gate_expect_not REGEX [FILE]    ... does not match
#   gate_done                       summary line; exit status
set -uo pipefail
: "${BGPWATCH:?}" "${BGPWATCH_SOURCE_DIR:?}" "${BGPWATCH_FIXTURES:?}"
. "$BGPWATCH_SOURCE_DIR/tests/lib/sshd.sh"
SCENARIOS=$BGPWATCH_FIXTURES/scenarios
GATE_FAILS=0
GATE_CHECKS=0

gate_world() {
  local scenario=$1; shift
  sshd_init
  GATE_WORK=$SSHD_DIR
  CONFIG=$GATE_WORK/config.yaml
  OUT=$GATE_WORK/out ERR=$GATE_WORK/err
  local r
  for r in "$@"; do
    sshd_start_router "$r" "$scenario" || { echo "FAIL: cannot start router $r"; exit 1; }
  done
  sshd_write_config "$CONFIG" "$scenario"
}

gate_fail() {
  echo "FAIL $*"
  echo "  --- stdout"; sed 's/^/  | /' "$OUT" | tail -n 40
  echo "  --- stderr"; sed 's/^/  | /' "$ERR" | tail -n 40
  GATE_FAILS=$((GATE_FAILS + 1))
}

# gate_run NAME WANT_EXIT -- ARGS...
gate_run() {
  GATE_NAME=$1; local want=$2; shift 3
  GATE_CHECKS=$((GATE_CHECKS + 1))
  local t0=$(date +%s%N)
  "$BGPWATCH" --config "$CONFIG" "$@" > "$OUT" 2> "$ERR" < /dev/null
  RC=$?
  ELAPSED_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
  if [ "$RC" != "$want" ]; then
    gate_fail "$GATE_NAME: exit $RC, want $want (after ${ELAPSED_MS} ms)"
    return 1
  fi
  echo "ok   $GATE_NAME (exit $RC, ${ELAPSED_MS} ms)"
}

gate_expect() {
  local re=$1; shift
  GATE_CHECKS=$((GATE_CHECKS + 1))
  # grep the files themselves: `cat | grep -q` fails under pipefail (SIGPIPE).
  [ $# -gt 0 ] || set -- "$OUT" "$ERR"
  grep -Eq -- "$re" "$@" || { gate_fail "$GATE_NAME: output lacks /$re/"; return 1; }
}

gate_expect_not() {
  local re=$1; shift
  GATE_CHECKS=$((GATE_CHECKS + 1))
  [ $# -gt 0 ] || set -- "$OUT" "$ERR"
  ! grep -Eq -- "$re" "$@" || { gate_fail "$GATE_NAME: output has /$re/"; return 1; }
}

gate_done() {
  echo "$(basename "$0"): $GATE_CHECKS checks, $GATE_FAILS failed"
  [ "$GATE_FAILS" = 0 ]
}

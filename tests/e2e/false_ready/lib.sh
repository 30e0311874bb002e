# tests/e2e/false_ready/lib.sh: helpers for the false-READY cases (sourced by
# tests/e2e/test_false_ready.sh before each case file).
#
#   fr_expect NAME EXIT REGEX -- ARGS...
#       runs "$BGPWATCH" ARGS (stdin /dev/null; stdout in $FR_OUT, stderr in
#       $FR_ERR, exit in $FR_RC). Fails the case when the exit is 0 (a false
#       READY), when it is not EXIT, or when stdout+stderr lack the extended
#       regex REGEX (the message naming the cause). EXIT must not be 0.
#   fr_check NAME EXIT REGEX    judge an exit/output you produced yourself
#       (put them in $FR_RC, $FR_OUT, $FR_ERR first), e.g. a run in the
#       background that the case signals.
#   fr_note TEXT                the case's one-line summary (last line wins)
#   $FR_WORK                    a fresh scratch folder for this case
#   $FR_REPLAY                  fixtures/replay (config.yaml, the eqiad routers)
#   $FR_FIXTURES                fixtures/false-ready
#   $FR_NOW                     2026-11-29T03:00:00Z, the replay fixtures' --now
set -uo pipefail
: "${BGPWATCH:?}" "${BGPWATCH_FIXTURES:?}" "${FR_WORK:?}"
mkdir -p "$FR_WORK"
FR_OUT=$FR_WORK/out FR_ERR=$FR_WORK/err FR_RC=
FR_REPLAY=$BGPWATCH_FIXTURES/replay
FR_FIXTURES=$BGPWATCH_FIXTURES/false-ready
FR_NOW=2026-11-29T03:00:00Z
FR_CHECKS=0 FR_FAILS=0 FR_SUMMARY=

fr_note() { FR_SUMMARY=$*; }

fr_check() {
  local name=$1 want=$2 re=$3
  FR_CHECKS=$((FR_CHECKS + 1))
  local why=
  if [ "$want" = 0 ]; then
    why="the case itself expects exit 0: a false-READY case must expect a non-zero exit"
  elif [ "$FR_RC" = 0 ]; then
    why="FALSE READY: exit 0"
  elif [ "$FR_RC" != "$want" ]; then
    why="exit $FR_RC, want $want"
  elif ! grep -Eq -- "$re" "$FR_OUT" "$FR_ERR"; then
    why="exit $FR_RC as wanted, but the output lacks /$re/"
  fi
  if [ -n "$why" ]; then
    FR_FAILS=$((FR_FAILS + 1))
    echo "FAIL $name: $why"
    echo "  --- stdout"; sed 's/^/  | /' "$FR_OUT" | tail -n 30
    echo "  --- stderr"; sed 's/^/  | /' "$FR_ERR" | tail -n 30
    return 1
  fi
  echo "ok   $name (exit $FR_RC)"
}

fr_expect() {
  local name=$1 want=$2 re=$3; shift 4
  "$BGPWATCH" "$@" > "$FR_OUT" 2> "$FR_ERR" < /dev/null
  FR_RC=$?
  fr_check "$name" "$want" "$re"
}

fr_finish() {
  if [ "$FR_CHECKS" = 0 ]; then
    echo "FAIL: the case made no check"
    exit 1
  fi
  echo "${FR_SUMMARY:-$FR_CHECKS checks}"
  [ "$FR_FAILS" = 0 ]
}

#!/usr/bin/env bash
# The live table as a person sees it: wait-established in a real terminal
# (tmux) against simulated routers. A narrow terminal must show one status
# line and one row per session, never a wrapped, stacked or garbled table;
# a resize mid-wait redraws to the new width; --color=always colours the
# verdicts, NO_COLOR (auto) keeps them plain. And bgpwatch roll's live table
# in a narrow pane, resized mid-roll.
: "${BGPWATCH_SOURCE_DIR:?set by CTest}"
. "$BGPWATCH_SOURCE_DIR/tests/lib/gate_e2e.sh" || exit 1
sshd_require_root
command -v tmux >/dev/null || { echo "FAIL: tmux is not installed (packaging/debian-packages.txt)"; exit 1; }
export SSHD_START=$(date +%s)
gate_world "$SCENARIOS/gate-never-up.json" cr1-eqiad cr2-eqiad
sock=$GATE_WORK/tmux.sock
tmx() { tmux -S "$sock" "$@"; }
trap 'tmx kill-server 2>/dev/null; sshd_cleanup' EXIT

# start_pane NAME COLUMNS ROWS ENV ARGS...: wait-established in a detached
# pane; the command's exit status is printed as EXIT=N when it ends.
start_pane() {
  local name=$1 cols=$2 rows=$3 env=$4; shift 4
  tmx new-session -d -s "$name" -x "$cols" -y "$rows" \
    "env $env $BGPWATCH --config $CONFIG $* wait-established --node kubernetes1003 \
       --since @$SSHD_START --interval 1s --timeout 12s; echo EXIT=\$?; sleep 60"
  tmx set-option -t "$name" window-size manual >/dev/null
}
# screen NAME [-e]: the visible pane, one row per line.
screen() { tmx capture-pane -p -t "$1" ${2:-}; }
# wait_for NAME REGEX SECONDS
wait_for() {
  local i
  for i in $(seq 1 $(( $3 * 10 ))); do
    grep -Eq "$2" <<<"$(screen "$1")" && return 0
    sleep 0.1
  done
  return 1
}
check_table() { # NAME WHAT COLUMNS
  local s; s=$(screen "$1")
  GATE_CHECKS=$((GATE_CHECKS + 1))
  local n; n=$(grep -c '^waiting for kubernetes1003' <<<"$s")
  [ "$n" = 1 ] || { echo "FAIL $2: $n status lines on screen (want 1):"; echo "$s"; GATE_FAILS=$((GATE_FAILS + 1)); return; }
  n=$(grep -c '^  cr[12]-eqiad' <<<"$s")
  [ "$n" = 4 ] || { echo "FAIL $2: $n session rows (want 4):"; echo "$s"; GATE_FAILS=$((GATE_FAILS + 1)); return; }
  # A wrapped line would continue at column 0 with a fragment: every
  # non-empty line must be a status line, the header or a session row.
  local stray; stray=$(grep -Ev '^(waiting for |  ROUTER|  cr[12]-eqiad|$)' <<<"$s" || true)
  [ -z "$stray" ] || { echo "FAIL $2: stray lines (wrapped or garbled):"; echo "$s"; GATE_FAILS=$((GATE_FAILS + 1)); return; }
  # (the ellipsis is one column but three bytes: count it as one)
  local long; long=$(sed 's/…/./g' <<<"$s" | awk -v w="$3" 'length($0) >= w')
  [ -z "$long" ] || { echo "FAIL $2: lines reach the right margin of $3 columns:"; echo "$long"; GATE_FAILS=$((GATE_FAILS + 1)); return; }
  echo "ok   $2"
}

# --- narrow terminal, then narrower: redraw in place at each width
start_pane narrow 50 20 "NO_COLOR=1"
wait_for narrow '^  cr2-eqiad' 30 || { echo "FAIL: no table within 30 s:"; screen narrow; exit 1; }
sleep 2.5 # a few redraws
check_table narrow "50 columns after several redraws" 50
tmx resize-window -t narrow -x 36 -y 20
sleep 2.5
check_table narrow "resized to 36 columns mid-wait" 36
wait_for narrow '^EXIT=' 30 || { echo "FAIL: wait-established did not end"; screen narrow; exit 1; }
GATE_CHECKS=$((GATE_CHECKS + 1))
if grep -q '^EXIT=1$' <<<"$(screen narrow)"; then echo "ok   exit 1 at the deadline"; else
  echo "FAIL: want EXIT=1:"; screen narrow; GATE_FAILS=$((GATE_FAILS + 1)); fi
GATE_CHECKS=$((GATE_CHECKS + 1))
if grep -q $'\x1b\\[' <<<"$(screen narrow -e)"; then echo "FAIL NO_COLOR: colour escapes on screen"; GATE_FAILS=$((GATE_FAILS + 1));
else echo "ok   NO_COLOR: no colour"; fi

# --- a short terminal: the table is cut, not scrolled away
start_pane short 80 5 "NO_COLOR=1"
wait_for short 'more lines: the terminal is too short' 30 || { echo "FAIL: short terminal not handled:"; screen short; GATE_FAILS=$((GATE_FAILS + 1)); }
sleep 2.5
GATE_CHECKS=$((GATE_CHECKS + 1))
n=$(grep -c '^waiting for kubernetes1003' <<<"$(screen short)")
[ "$n" = 1 ] && echo "ok   5 rows: one status line after redraws" || { echo "FAIL 5 rows: $n status lines"; screen short; GATE_FAILS=$((GATE_FAILS + 1)); }

# --- --color=always: verdicts coloured (SGR red for NOT READY / not_ready;
# tmux re-encodes bold+red as two sequences)
start_pane colour 100 20 "NO_COLOR=1" --color=always
wait_for colour '^  cr2-eqiad' 30 || { echo "FAIL: no table"; screen colour; exit 1; }
GATE_CHECKS=$((GATE_CHECKS + 1))
if grep -q $'\x1b\\[31mNOT READY' <<<"$(screen colour -e)"; then echo "ok   --color=always: NOT READY in red";
else echo "FAIL --color=always: no red NOT READY:"; screen colour -e | cat -v; GATE_FAILS=$((GATE_FAILS + 1)); fi
# --- bgpwatch roll's live table in a narrow pane (fixtures/scenarios/roll-eqiad.json:
# six nodes, CMD appends a "restart" to the simulators' control file): one
# banner, one header, one row per node, each line inside the width, also
# after a resize mid-roll (redrawn within a second even while a node is
# being waited for: the table's own redraw thread).
CONTROL=$GATE_WORK/control.jsonl
: > "$CONTROL"
for r in cr1-eqiad cr2-eqiad; do # a second pair of simulated routers, on new ports
  sshd_start_router "$r" "$SCENARIOS/roll-eqiad.json" --control "$CONTROL" || { echo "FAIL: cannot start $r (roll)"; exit 1; }
done
ROLL_CONFIG=$GATE_WORK/roll.yaml
sshd_write_config "$ROLL_CONFIG" "$SCENARIOS/roll-eqiad.json"
cat > "$GATE_WORK/restart.sh" <<SH
#!/bin/sh
printf '{"node": "%s", "at_unix": %s, "script": "restart", "up_after": 3}\n' "\$1" "\$(date +%s.%N)" >> "$CONTROL"
echo ok
SH
chmod 755 "$GATE_WORK/restart.sh"
# roll_table_problem NAME COLUMNS: what is wrong with the roll's table on screen, if anything.
roll_table_problem() {
  local s n stray long; s=$(screen "$1")
  n=$(grep -c '^roll of eqiad (6 nodes' <<<"$s")
  [ "$n" = 1 ] || { printf '%s banners on screen (want 1):\n%s\n' "$n" "$s"; return; }
  n=$(grep -c '^NODE ' <<<"$s")
  [ "$n" = 1 ] || { printf '%s table headers (want 1):\n%s\n' "$n" "$s"; return; }
  n=$(grep -c '^kubernetes100[1-6]' <<<"$s")
  [ "$n" = 6 ] || { printf '%s node rows (want 6):\n%s\n' "$n" "$s"; return; }
  # Above the table only CMD output ("[node] ok"); a wrapped or stacked
  # table would leave fragments.
  stray=$(grep -Ev '^(roll of eqiad|NODE |kubernetes100[1-6]\.|\[kubernetes100[1-6]\.eqiad\.wmnet\] ok$|$)' <<<"$s" || true)
  [ -z "$stray" ] || { printf 'stray lines (wrapped or garbled):\n%s\n' "$s"; return; }
  long=$(grep -Ev '^\[kubernetes' <<<"$s" | sed 's/…/./g' | awk -v w="$2" 'length($0) >= w')
  [ -z "$long" ] || { printf 'table lines reach the right margin of %s columns:\n%s\n' "$2" "$long"; return; }
}
check_roll_table() { # NAME WHAT COLUMNS: three looks 0.3 s apart (a capture may land mid-redraw)
  local problem i
  GATE_CHECKS=$((GATE_CHECKS + 1))
  for i in 1 2 3; do
    problem=$(roll_table_problem "$1" "$3")
    [ -z "$problem" ] && { echo "ok   $2"; return; }
    sleep 0.3
  done
  echo "FAIL $2: $problem"
  GATE_FAILS=$((GATE_FAILS + 1))
}
tmx new-session -d -s roll -x 60 -y 20 \
  "env NO_COLOR=1 $BGPWATCH --config $ROLL_CONFIG roll --site eqiad --lock-dir $GATE_WORK --interval 1s \
     --timeout 30s --preflight-timeout 30s -- $GATE_WORK/restart.sh {node}; echo EXIT=\$?; sleep 60"
tmx set-option -t roll window-size manual >/dev/null
wait_for roll '^kubernetes1002\.eqiad\.wmnet +(command|wait)' 60 || { echo "FAIL: the roll did not reach kubernetes1002:"; screen roll; exit 1; }
sleep 1.5
check_roll_table roll "roll: 60 columns mid-roll" 60
tmx resize-window -t roll -x 40 -y 20
sleep 1.5
check_roll_table roll "roll: resized to 40 columns mid-roll" 40
wait_for roll '^EXIT=' 90 || { echo "FAIL: the roll did not end"; screen roll; exit 1; }
GATE_CHECKS=$((GATE_CHECKS + 1))
if grep -q '^EXIT=0$' <<<"$(screen roll)" && grep -q '^roll of eqiad: complete' <<<"$(screen roll)"; then
  echo "ok   roll: complete, exit 0"; else echo "FAIL: roll: want EXIT=0:"; screen roll; GATE_FAILS=$((GATE_FAILS + 1)); fi
gate_done

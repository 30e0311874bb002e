#!/usr/bin/env bash
# gate -- CMD against the simulator: CMD runs only when ready, with the same
# stdin/stdout, and gate exits with its status (128+N if killed by signal N);
# not ready: CMD never runs. SIGTERM/SIGINT during a wait: exit 143/130 with a
# report, CMD not run. These gates test CMD handling, not the restart race:
# --since none (the default, --since auto, is in tests/e2e/false_ready).
: "${BGPWATCH_SOURCE_DIR:?set by CTest}"
. "$BGPWATCH_SOURCE_DIR/tests/lib/gate_e2e.sh" || exit 1
sshd_require_root
export SSHD_START=$(date +%s)
gate_world "$SCENARIOS/gate-never-up.json" cr1-eqiad cr2-eqiad
marker=$GATE_WORK/ran

# Ready (IPv4 only is up): CMD runs, its stdout is ours, its status is ours.
gate_run "ready: CMD runs and its status is gate's" 7 -- gate --node kubernetes1003 --since none --family ipv4 --timeout 10s -- \
  /bin/sh -c 'read line; echo "cmd says $line"; touch '"$marker"'; exit 7'
[ -e "$marker" ] || gate_fail "ready: CMD did not run"
rm -f "$marker"
# stdin is passed through: gate_run gives /dev/null, so use a pipe here.
printf 'hello\n' | "$BGPWATCH" --config "$CONFIG" gate --node kubernetes1003 --since none --family ipv4 -- /bin/sh -c 'read l; echo "got $l"' > "$OUT" 2> "$ERR"
GATE_NAME="stdin/stdout pass through"
gate_expect '^got hello$' "$OUT"
gate_expect_not 'verdict' "$OUT"                # gate's own report is on stderr
gate_expect '^verdict: READY \(exit 0\)$' "$ERR"

gate_run "CMD killed by a signal: 128+N" 143 -- gate --node kubernetes1003 --since none --family ipv4 -- /bin/sh -c 'kill -TERM $$'
gate_run "CMD cannot be run: 127" 127 -- gate --node kubernetes1003 --since none --family ipv4 -- /nonexistent/cmd
gate_expect "cannot run '/nonexistent/cmd'"
gate_run "no shell: arguments are passed as they are" 0 -- gate --node kubernetes1003 --since none --family ipv4 -- /bin/echo '$HOME' '*'
gate_expect '^\$HOME \*$' "$OUT"

# Not ready: CMD must not run; exit like wait-established.
gate_run "not ready: CMD not run" 1 -- gate --node kubernetes1003 --since none --interval 1s --timeout 3s -- /usr/bin/touch "$marker"
[ ! -e "$marker" ] || gate_fail "not ready: CMD ran anyway"
gate_expect "bgpwatch gate: not running '/usr/bin/touch': not_ready \(exit 1\)"
gate_expect 'cr2-eqiad ipv6 2620:0:861:103:10:64:32:23 Active for'

# SIGTERM during the wait: exit 143 (128 + SIGTERM), a report naming what is
# not ready, CMD not run.
GATE_NAME="SIGTERM during wait-established"
# Truncate here, not in the child: a wait loop that greps $ERR must not
# see the previous command's output before the child has opened it.
: > "$OUT"; : > "$ERR"
"$BGPWATCH" --config "$CONFIG" wait-established --node kubernetes1003 --since none --interval 1s --timeout 60s > "$OUT" 2> "$ERR" &
pid=$!
# Under load (ASan, two cores) the first poll can take seconds: wait for it,
# or the signal lands before the handlers exist and proves nothing.
for i in $(seq 1 600); do grep -q 'cr2-eqiad ipv6' "$ERR" && break; sleep 0.1; done
grep -q 'cr2-eqiad ipv6' "$ERR" || gate_fail "$GATE_NAME: no poll reported within 60 s"
kill -TERM $pid; wait $pid; RC=$?
GATE_CHECKS=$((GATE_CHECKS + 1))
[ "$RC" = 143 ] || gate_fail "SIGTERM: exit $RC, want 143"
gate_expect '^verdict: NOT READY \(exit 143\), interrupted by SIGTERM after [0-9.]+s$'
gate_expect '^  cr2-eqiad ipv6 2620:0:861:103:10:64:32:23 Active for'

GATE_NAME="SIGINT during gate"
# Truncate here, not in the child: a wait loop that greps $ERR must not
# see the previous command's output before the child has opened it.
: > "$OUT"; : > "$ERR"
"$BGPWATCH" --config "$CONFIG" gate --node kubernetes1003 --since none --interval 1s --timeout 60s -- /usr/bin/touch "$marker" > "$OUT" 2> "$ERR" &
pid=$!
# Under load (ASan, two cores) the first poll can take seconds: wait for it,
# or the signal lands before the handlers exist and proves nothing.
for i in $(seq 1 600); do grep -q 'cr2-eqiad ipv6' "$ERR" && break; sleep 0.1; done
grep -q 'cr2-eqiad ipv6' "$ERR" || gate_fail "$GATE_NAME: no poll reported within 60 s"
kill -INT $pid; wait $pid; RC=$?
GATE_CHECKS=$((GATE_CHECKS + 1))
[ "$RC" = 130 ] || gate_fail "SIGINT: exit $RC, want 130"
[ ! -e "$marker" ] || gate_fail "SIGINT: CMD ran anyway"
gate_expect 'interrupted by SIGINT'
gate_expect "bgpwatch gate: not running '/usr/bin/touch': interrupted by SIGINT after [0-9.]+s \(exit 130\)"

gate_run "gate without CMD: usage" 2 -- gate --node kubernetes1003
gate_done

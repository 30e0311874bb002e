#!/usr/bin/env bash
# wait-established / check against simulated Junos routers behind a real
# sshd (tests/lib/sshd.sh), one scenario timeline per case
# (fixtures/scenarios/gate-*.json): exit codes, the report's wording, and
# the number of SSH sessions opened (one per router per wait).
: "${BGPWATCH_SOURCE_DIR:?set by CTest}"
. "$BGPWATCH_SOURCE_DIR/tests/lib/gate_e2e.sh" || exit 1
sshd_require_root
# new_world [+SECONDS] SCENARIO ROUTER...: scenario t=0 is now (+SECONDS:
# that far in the future, so set-up time cannot eat into the timeline).
new_world() {
  local offset=0
  case $1 in +*) offset=${1#+}; shift;; esac
  sshd_cleanup; export SSHD_START=$(( $(date +%s) + offset )); gate_world "$@"
  # --since @$SSHD_START must not be in the future (a usage error since
  # issue 13): start waiting once t=0 has come.
  while [ "$(date +%s)" -lt "$SSHD_START" ]; do sleep 0.1; done
}

# --- sessions come up after a few seconds
new_world +3 "$SCENARIOS/gate-up-after.json" cr1-eqiad cr2-eqiad   # +3: slow set-up (ASan, load) must not eat the down phase
gate_run "comes up after ~5s" 0 -- --format json wait-established --node kubernetes1003 --since "@$SSHD_START" --interval 1s --timeout 30s
gate_expect '"event":"result"' && gate_expect '"ready":true'
gate_expect '"sessions_opened":2'
gate_expect '"reason":"not_established"'      # earlier polls saw them down
[ "$ELAPSED_MS" -ge 2000 ] || gate_fail "comes up after ~5s: ready after only $ELAPSED_MS ms"
polls=$(grep -c '"event":"poll"' "$OUT")
[ "$polls" -ge 3 ] || gate_fail "comes up after ~5s: only $polls polls"
echo "     ($polls polls over one SSH session per router)"

# --- one session never comes up: deadline, exit 1, named in the report
new_world "$SCENARIOS/gate-never-up.json" cr1-eqiad cr2-eqiad
gate_run "never comes up" 1 -- wait-established --node kubernetes1003 --since none --interval 1s --timeout 5s
# A poll that starts just before the deadline is cut off by it: its Unknown
# must not replace the known Active (exit 3 instead of 1); the report says so.
gate_expect '^verdict: NOT READY \(exit 1\), deadline passed after [3-5](\.[0-9])?s \([0-9]+ polls\)(; the last poll was cut off, verdict from the poll before it)?$'
gate_expect '^  cr2-eqiad ipv6 2620:0:861:103:10:64:32:23 Active for [0-9]+s, 3 flaps$'
gate_expect_not '^  cr1-eqiad'
gate_expect 'NETCONF sessions opened: 2$'
# off a TTY: one log line per state change on stderr, not one per poll
n=$(grep -c 'cr2-eqiad ipv6 2620:0:861:103:10:64:32:23: Active' "$ERR")
[ "$n" = 1 ] || gate_fail "never comes up: $n log lines for an unchanged session (want 1)"

# --- IPv6-only down
new_world "$SCENARIOS/gate-ipv6-down.json" cr1-eqiad cr2-eqiad
gate_run "IPv6 down, --family ipv4" 0 -- check --node kubernetes1003 --family ipv4
gate_run "IPv6 down, both families" 1 -- check --node kubernetes1003
gate_expect 'cr1-eqiad ipv6 2620:0:861:103:10:64:32:23 Active for' && gate_expect 'cr2-eqiad ipv6 2620:0:861:103:10:64:32:23 Idle for'
gate_expect_not '^  cr[12]-eqiad ipv4'

# --- AS mismatch
new_world "$SCENARIOS/gate-as-mismatch.json" cr1-eqiad cr2-eqiad
gate_run "AS mismatch" 1 -- wait-established --node kubernetes1003 --since none --interval 1s --timeout 3s
gate_expect 'cr1-eqiad ipv4 10.64.32.23 Established for .*AS mismatch: router has AS 64999, site expects 64601'

# --- a router unreachable: Unknown until the deadline, exit 3
new_world "$SCENARIOS/gate-up-after.json" cr1-eqiad     # no sshd for cr2-eqiad: port 1, refused
gate_run "router unreachable" 3 -- wait-established --node kubernetes1003 --since none --interval 1s --timeout 8s
gate_expect '^verdict: UNKNOWN \(exit 3\), deadline passed'
# Issue 16: the router's error once, under the router; its sessions point there.
gate_expect '^router cr2-eqiad: unreadable: cr2-eqiad \(127\.0\.0\.1:[0-9]+\): TCP connection refused'
gate_expect '^  cr2-eqiad ipv4 10.64.32.23 Unknown: router unreadable \(see cr2-eqiad above\)$'
gate_expect_not '^  cr1-eqiad'

# --- the restart race must not pass early: scenario t=0 is 10 s from now;
# the old sessions stay Established until t=4, are back at t=9.
new_world +10 "$SCENARIOS/gate-restart-race.json" cr1-eqiad cr2-eqiad
gate_run "restart race: check right after the restart" 1 -- check --node kubernetes1003 --since -1s
gate_expect 'cr1-eqiad ipv4 10.64.32.23 Established for [0-9dhms]+, up since .* not after --since .* \(has not restarted yet\)'
gate_run "restart race: wait holds until the sessions came back" 0 -- --format json wait-established --node kubernetes1003 --since -1s --interval 1s --timeout 60s
end_ns=$(date +%s%N)
gate_expect '"reason":"before_since"'
gate_expect '"state":"Idle"|"state":"Active"'
gate_expect '"ready":true'
# Ready must not be reported before the sessions came back (scenario t=9).
[ "$end_ns" -ge $(( (SSHD_START + 9) * 1000000000 )) ] || gate_fail "restart race: passed before the sessions came back"
first_ready=$(grep -n '"event":"poll"' "$OUT" | grep '"ready":true' | head -1 | cut -d: -f1)
last_poll=$(grep -n '"event":"poll"' "$OUT" | tail -1 | cut -d: -f1)
[ "$first_ready" = "$last_poll" ] || gate_fail "restart race: a poll before the last was ready"

# --- a flapping session is reported with its flap count
new_world "$SCENARIOS/gate-flapping.json" cr1-eqiad cr2-eqiad
gate_run "flapping" 1 -- wait-established --node kubernetes1003 --since none --min-uptime 5s --interval 1s --timeout 6s
gate_expect 'cr1-eqiad ipv4 10.64.32.23 (Established|Active) for [0-9]+s.* ([6-9]|[1-9][0-9]) flaps'

# --- ToR-subnet node: only its ToR is asked
new_world "$SCENARIOS/gate-tor.json" cr1-eqiad cr2-eqiad lsw1-e1-eqiad
gate_run "ToR node" 0 -- wait-established --node kubernetes1021 --since none --interval 1s --timeout 20s
gate_expect '^lsw1-e1-eqiad +ipv4 +10.64.130.21 +64601 +Established'
gate_expect_not '^cr[12]-eqiad '
gate_expect 'NETCONF sessions opened: 1$'

# --- usage: exit 2
gate_run "bad --interval" 2 -- wait-established --node kubernetes1003 --interval 0
gate_expect "--interval: '0' is below the minimum of 100ms"

gate_done

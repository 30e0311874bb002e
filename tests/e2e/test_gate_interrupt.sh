#!/usr/bin/env bash
# Ctrl-C / SIGTERM during wait-established against simulated routers behind
# a real sshd: the NETCONF sessions end with <close-session/> (RFC 6241 7.8).
# Each simulator runs behind a tee that records what bgpwatch sent it
# ($SSHD_DIR/NAME.in) and what it answered (NAME.out).
#  - a signal between polls: every session is closed;
#  - a signal while one router is hung in its RPC (never answers): bgpwatch
#    still exits 130 (SIGINT) within the 2 s grace, with a report, and the idle
#    router's session is closed; the hung one's cannot be (its client is
#    blocked in the RPC) and is only dropped.
: "${BGPWATCH_SOURCE_DIR:?set by CTest}"
. "$BGPWATCH_SOURCE_DIR/tests/lib/gate_e2e.sh" || exit 1
sshd_require_root

# logged_world SCENARIO ROUTER...: like gate_world, each simulator teed.
logged_world() {
  local scenario=$1 r; shift
  sshd_cleanup
  export SSHD_START=$(date +%s)
  sshd_init
  GATE_WORK=$SSHD_DIR CONFIG=$SSHD_DIR/config.yaml OUT=$SSHD_DIR/out ERR=$SSHD_DIR/err
  for r in "$@"; do
    cat > "$SSHD_DIR/sim-$r.sh" <<EOF
#!/bin/sh
tee -a "$SSHD_DIR/$r.in" | "${BGPWATCH_SIM:?}" --scenario "$(readlink -f "$scenario")" --router $r --start $SSHD_START | tee -a "$SSHD_DIR/$r.out"
EOF
    chmod 755 "$SSHD_DIR/sim-$r.sh"
    : > "$SSHD_DIR/$r.in"; : > "$SSHD_DIR/$r.out"
    sshd_start_subsystem "$r" "$SSHD_DIR/sim-$r.sh" || { echo "FAIL: cannot start router $r"; exit 1; }
  done
  SSHD_CONNECT_TIMEOUT=5s SSHD_RPC_TIMEOUT=20s sshd_write_config "$CONFIG" "$scenario"
}

# wait_for REGEX FILE: until FILE matches (bounded: 20 s).
wait_for() {
  local i
  for i in $(seq 1 200); do
    grep -Eq -- "$1" "$2" 2>/dev/null && return 0
    sleep 0.1
  done
  gate_fail "$GATE_NAME: $2 never matched /$1/"
  return 1
}

# --- SIGTERM between polls: both sessions closed.
logged_world "$SCENARIOS/gate-never-up.json" cr1-eqiad cr2-eqiad
GATE_NAME="SIGTERM between polls"
# Truncate here, not in the child: a wait loop that greps $ERR must not
# see the previous command's output before the child has opened it.
: > "$OUT"; : > "$ERR"
"$BGPWATCH" --config "$CONFIG" wait-established --node kubernetes1003 --since none --interval 1s --timeout 60s > "$OUT" 2> "$ERR" &
pid=$!
wait_for 'cr2-eqiad ipv6' "$ERR"
kill -TERM $pid; wait $pid; RC=$?
GATE_CHECKS=$((GATE_CHECKS + 1))
[ "$RC" = 143 ] || gate_fail "$GATE_NAME: exit $RC, want 143"
gate_expect '^verdict: NOT READY \(exit 143\), interrupted by SIGTERM after [0-9.]+s$'
gate_expect '<close-session/>' "$SSHD_DIR/cr1-eqiad.in"
gate_expect '<close-session/>' "$SSHD_DIR/cr2-eqiad.in"
gate_expect '<ok/>' "$SSHD_DIR/cr1-eqiad.out"
gate_expect '<ok/>' "$SSHD_DIR/cr2-eqiad.out"

# --- SIGINT while cr2-eqiad is hung in its RPC (rpc_timeout 20 s).
logged_world "$SCENARIOS/gate-hung-router.json" cr1-eqiad cr2-eqiad
GATE_NAME="SIGINT during a hung poll"
# Truncate here, not in the child: a wait loop that greps $ERR must not
# see the previous command's output before the child has opened it.
: > "$OUT"; : > "$ERR"
"$BGPWATCH" --config "$CONFIG" wait-established --node kubernetes1003 --since none --interval 1s --timeout 60s > "$OUT" 2> "$ERR" &
pid=$!
# cr1 has answered the poll (its session is idle), cr2 has the request and sits on it.
wait_for '</bgp-information>' "$SSHD_DIR/cr1-eqiad.out"
wait_for 'get-bgp-summary-information' "$SSHD_DIR/cr2-eqiad.in"
t0=$(date +%s%N)
kill -INT $pid; wait $pid; RC=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
GATE_CHECKS=$((GATE_CHECKS + 1))
[ "$RC" = 130 ] || gate_fail "$GATE_NAME: exit $RC, want 130"
# The 2 s grace, not the 20 s RPC timeout (slack for a loaded machine).
[ "$ms" -lt 8000 ] || gate_fail "$GATE_NAME: exited $ms ms after SIGINT (grace is 2 s)"
echo "     (exited $ms ms after SIGINT)"
# No poll completed: every expected session is reported, none as read.
gate_expect '^verdict: UNKNOWN \(exit 130\), interrupted by SIGINT after [0-9.]+s$'
gate_expect '^  cr1-eqiad ipv4 10\.64\.32\.23 Unknown: no data for router cr1-eqiad$'
gate_expect '^after 0 polls in [0-9.sm]+, NETCONF sessions opened: 2$'
gate_expect '<close-session/>' "$SSHD_DIR/cr1-eqiad.in"
gate_expect '<ok/>' "$SSHD_DIR/cr1-eqiad.out"
gate_expect_not '<close-session/>' "$SSHD_DIR/cr2-eqiad.in"

gate_done

#!/usr/bin/env bash
# --require routes (issue 14) against simulated Junos routers behind a real
# sshd, scenario fixtures/scenarios/gate-graceful-restart.json: the gate asks
# <get-bgp-neighbor-information> per expected peer after each summary; a
# session Established without End-of-RIB is not ready, End-of-RIB arrives ->
# ready; a prefix-limit teardown stops wait-established within one poll with
# the router's words; --require established keeps the old rule; the
# stale-route budget shows while the node is down.
: "${BGPWATCH_SOURCE_DIR:?set by CTest}"
. "$BGPWATCH_SOURCE_DIR/tests/lib/gate_e2e.sh" || exit 1
sshd_require_root
SC=$SCENARIOS/gate-graceful-restart.json
# world_at T: scenario time T is now.
world_at() { sshd_cleanup; export SSHD_START=$(( $(date +%s) - $1 )); gate_world "$SC" cr1-eqiad cr2-eqiad; }

# --- t≈21: back up, End-of-RIB not yet (it comes at t=28)
world_at 21
gate_run "Established, End-of-RIB pending: not ready" 1 -- check --node kubernetes1003
gate_expect 'cr1-eqiad ipv4 10.64.32.23 Established for [0-9]+s, End-of-RIB not received for inet-unicast'
gate_expect 'cr2-eqiad ipv6 2620:0:861:103:10:64:32:23 Established for [0-9]+s, End-of-RIB not received for inet6-unicast'
gate_run "the same under --require established: ready" 0 -- check --node kubernetes1003 --require established
gate_run "JSON reason awaiting_end_of_rib" 1 -- --format json check --node kubernetes1003
gate_expect '"reason": "awaiting_end_of_rib"'
gate_expect '"end_of_rib_received": null' && gate_expect '"inet-unicast"'

# --- t≈12: kubernetes1005 down (t=10..40), routes kept stale; wait until End-of-RIB (t=48)
world_at 12
gate_run "down -> up -> End-of-RIB: ready" 0 -- --format json wait-established --node kubernetes1005 --since none --interval 1s --timeout 60s
gate_expect '"event":"result"' && gate_expect '"ready":true'
gate_expect '"reason":"awaiting_end_of_rib"'                 # polls between t=40 and t=48
gate_expect 'routes kept stale for [0-9ms]+ more'               # polls while down
gate_expect '"stale_routes_expire_at":"20[0-9-]+T[0-9:.]+Z"'
[ "$ELAPSED_MS" -ge 8000 ] || gate_fail "ready after only $ELAPSED_MS ms (End-of-RIB comes 8 s after the session)"

# --- prefix-limit teardown on cr1 at t=5: stop at once, exit 1, the router's words
world_at 6
gate_run "prefix-limit teardown stops within one poll" 1 -- wait-established --node kubernetes1004 --since none --interval 2s --timeout 60s
gate_expect "won't recover by waiting: prefix limit exceeded on cr1-eqiad \(router says: last error 'Cease', flags <Idled>\); clear bgp neighbor 10.64.48.52 after fixing the node"
gate_expect "stopped after 1 poll"
[ "$ELAPSED_MS" -lt 15000 ] || gate_fail "terminal state took $ELAPSED_MS ms"
gate_run "terminal reason in JSON" 1 -- --format json check --node kubernetes1004
gate_expect '"reason": "terminal:prefix_limit"'

# --- replay: a summary plus a neighbor-detail file for the same router
R=$BGPWATCH_FIXTURES/replay N=$BGPWATCH_FIXTURES/junos-neighbor
CONFIG=$R/config.yaml
gate_run "replay defaults to established (no detail)" 0 -- check --node kubernetes1003 --now 2026-11-29T03:00:00Z \
  --replay cr1-eqiad=$R/cr1-eqiad-up.xml --replay cr2-eqiad=$R/cr2-eqiad-up.xml
gate_run "replay, --require routes, no detail: unknown" 3 -- check --node kubernetes1003 --require routes \
  --now 2026-11-29T03:00:00Z --replay cr1-eqiad=$R/cr1-eqiad-up.xml --replay cr2-eqiad=$R/cr2-eqiad-up.xml
gate_expect 'neighbor detail unknown \(--require routes needs it\)'
gate_run "replay with neighbor detail: End-of-RIB pending" 1 -- check --node kubernetes1003 --family ipv4 --require routes \
  --now 2026-11-29T03:00:00Z --replay cr1-eqiad=$R/cr1-eqiad-up.xml --replay-neighbors cr1-eqiad=$N/eor_pending_18_4.xml \
  --replay cr2-eqiad=$R/cr2-eqiad-up.xml
gate_expect 'cr1-eqiad ipv4 10.64.32.23 Established for [0-9a-z]+, End-of-RIB not received for inet-unicast'
gate_run "bad --require" 2 -- check --node kubernetes1003 --require routez --now 2026-11-29T03:00:00Z \
  --replay cr1-eqiad=$R/cr1-eqiad-up.xml
gate_expect "bad --require 'routez' \(expected routes or established\)"
gate_done

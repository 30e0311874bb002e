#!/usr/bin/env bash
# tests/e2e/test_nrpe_stale.sh: check_bgpwatch and the stale-route budget
# (issue 14) against simulated Junos routers behind a real sshd, scenario
# fixtures/scenarios/nrpe-graceful-restart.json: kubernetes1003's calico-node
# dies at t=10 for good; cr1-eqiad keeps its routes stale for 120 s, cr2-eqiad
# for 90 s; kubernetes1004 goes down without graceful restart. The routers'
# clocks are frozen (--now) at t=15 (WARNING: 115 s and 85 s left), t=75
# (CRITICAL: 25 s left on cr2 < --critical-budget 30s; WARNING with
# --critical-budget 0) and t=140 (both budgets spent: routes gone, the
# sessions are plainly not ready). The check's own clock runs, so a second
# may pass between the poll and the verdict: "11[45] s". Site mode reads the
# whole neighbor table per router.
set -uo pipefail
BGPWATCH=${BGPWATCH:?}
CHECK=$(dirname "$(readlink -f "$BGPWATCH")")/check_bgpwatch
SRC=${BGPWATCH_SOURCE_DIR:?}
. "$SRC/tests/lib/sshd.sh"
sshd_require_root
SCENARIO=$SRC/fixtures/scenarios/nrpe-graceful-restart.json
fail=0
trap sshd_cleanup EXIT

# world T: both routers frozen at scenario time T.
world() {
  sshd_cleanup
  sshd_init
  sshd_start_router cr1-eqiad "$SCENARIO" --now "$(( SSHD_START + $1 ))"
  sshd_start_router cr2-eqiad "$SCENARIO" --now "$(( SSHD_START + $1 ))"
  CONF=$SSHD_DIR/config.yaml
  sshd_write_config "$CONF" "$SCENARIO"
}

expect() {
  local want=$1 regex=$2; shift 2
  local out rc err
  err=$(mktemp)
  out=$("$@" 2>"$err"); rc=$?
  if [ "$rc" != "$want" ]; then
    echo "FAIL: exit $rc, want $want: ${*:2}"; echo "$out"; cat "$err"; fail=1
  elif ! printf '%s\n' "$out" | grep -Pzq -- "$regex"; then
    echo "FAIL: output does not match /$regex/: ${*:2}"; echo "$out"; fail=1
  else
    echo "ok: exit $rc: $(printf '%s' "$out" | head -n1 | cut -c1-160)"
  fi
  rm -f "$err"
}
S4=10.64.32.23 S6=2620:0:861:103:10:64:32:23

world 15
expect 1 "^BGPWATCH WARNING - kubernetes1003.eqiad.wmnet: 0/4 sessions established, routes kept for 11[45] s more on cr1-eqiad, 8[45] s more on cr2-eqiad \| established=0;;;0;4 not_ready=0;;0;0;4 unknown=0;;;0;4 min_uptime=Us;;;0 flaps=4c;;;0 routes_stale=4;;;0;4 stale_budget=8[45]s;;30:;0\ncr2-eqiad ipv4 $S4 Active for 5s, routes kept for 8[45] s more on cr2-eqiad, 1 flap\ncr2-eqiad ipv6 $S6 Active for 5s, routes kept for 8[45] s more on cr2-eqiad, 1 flap\ncr1-eqiad ipv4 $S4 Active for 5s, routes kept for 11[45] s more on cr1-eqiad, 1 flap\ncr1-eqiad ipv6 $S6 Active for 5s, routes kept for 11[45] s more on cr1-eqiad, 1 flap\n$" "$CHECK" --config "$CONF" --node kubernetes1003 -t 60
# A budget of 2 minutes: 115 s left is already CRITICAL.
expect 2 '^BGPWATCH CRITICAL - kubernetes1003.eqiad.wmnet: 0/4 sessions established, routes kept for 11[45] s more' \
  "$CHECK" --config "$CONF" --node kubernetes1003 --critical-budget 2m -t 60
# No graceful restart: the routes went with the session. Not ready, CRITICAL, no stale perfdata.
expect 2 '^BGPWATCH CRITICAL - kubernetes1004.eqiad.wmnet: 0/2 sessions established, 2 not ready \| established=0;;;0;2 not_ready=2;;0;0;2 unknown=0;;;0;2 min_uptime=Us;;;0 flaps=2c;;;0\ncr1-eqiad ipv4 10.64.48.52 Active for 5s, 1 flap\ncr2-eqiad ipv4 10.64.48.52 Active for 5s, 1 flap\n$' "$CHECK" --config "$CONF" --node kubernetes1004 -t 60
# Site mode: one whole-table RPC per router.
expect 2 '^BGPWATCH CRITICAL - site eqiad: 2 nodes, 0/6 sessions established, 2 not ready, routes kept for 11[45] s more on cr1-eqiad, 8[45] s more on cr2-eqiad \| nodes=2;;;0 cordoned=0;;;0 established=0;;;0;6 not_ready=2;;0;0;6 unknown=0;;;0;6 min_uptime=Us;;;0 flaps=6c;;;0 routes_stale=4;;;0;6 stale_budget=8[45]s;;30:;0 ' \
  "$CHECK" --config "$CONF" --site eqiad -t 60

world 75
expect 2 "^BGPWATCH CRITICAL - kubernetes1003.eqiad.wmnet: 0/4 sessions established, routes kept for 5[45] s more on cr1-eqiad, 2[45] s more on cr2-eqiad \|[^\n]* stale_budget=2[45]s;;30:;0\ncr2-eqiad ipv4 $S4 Active for 1m5s, routes kept for 2[45] s more on cr2-eqiad, 1 flap\n" "$CHECK" --config "$CONF" --node kubernetes1003 -t 60
expect 1 '^BGPWATCH WARNING - kubernetes1003.eqiad.wmnet: 0/4 sessions established, routes kept for 5[45] s more on cr1-eqiad, 2[45] s more on cr2-eqiad \|[^\n]* stale_budget=2[45]s;;;0\n' \
  "$CHECK" --config "$CONF" --node kubernetes1003 --critical-budget 0 -t 60

world 140
# Both budgets spent: the routers withdrew the routes; plain not ready.
expect 2 "^BGPWATCH CRITICAL - kubernetes1003.eqiad.wmnet: 0/4 sessions established, 4 not ready \| established=0;;;0;4 not_ready=4;;0;0;4 unknown=0;;;0;4 min_uptime=Us;;;0 flaps=4c;;;0\ncr1-eqiad ipv4 $S4 Active for 2m10s, 1 flap\n" "$CHECK" --config "$CONF" --node kubernetes1003 -t 60

[ "$fail" = 0 ] && echo "PASS: check_bgpwatch WARNING/CRITICAL on the stale-route budget"
exit $fail

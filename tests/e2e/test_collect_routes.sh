#!/usr/bin/env bash
# tests/e2e/test_collect_routes.sh: issue 14 through the collector. `bgpwatch
# collect` against simulated Junos routers (fixtures/scenarios/
# gate-graceful-restart.json, a real sshd) reads their neighbor detail:
# while kubernetes1003 is down with graceful restart negotiated (t=10..20,
# restart time 120 s) /metrics carries bgpwatch_session_stale_routes_seconds_left
# and /v1/sessions stale_routes_expire_at; `check --collector` defaults to
# --require routes: not ready while down, then awaiting_end_of_rib (t=20..28),
# then ready once End-of-RIB is in (t>=28), never before. The prefix-limit teardown of
# kubernetes1004 is terminal through the collector too. The metric names the
# shipped Prometheus rules and Grafana dashboard use are all in its /metrics.
: "${BGPWATCH_SOURCE_DIR:?set by CTest}"
. "$BGPWATCH_SOURCE_DIR/tests/lib/gate_e2e.sh" || exit 1
sshd_require_root
SC=$SCENARIOS/gate-graceful-restart.json
# Scenario time 12 is now: kubernetes1003 has been down 2 s.
export SSHD_START=$(( $(date +%s) - 12 ))
gate_world "$SC" cr1-eqiad cr2-eqiad
port=$(sshd_free_port)
# 2 s: the clients' max age is 3 intervals, room for a slow poll on a loaded machine.
printf 'collector: {listen: "127.0.0.1:%s", interval: 2s}\n' "$port" >> "$CONFIG"
URL=http://127.0.0.1:$port
cpid=
stop_all() { [ -n "$cpid" ] && { kill "$cpid" 2>/dev/null; wait "$cpid" 2>/dev/null; }; sshd_cleanup; }
trap stop_all EXIT
"$BGPWATCH" --config "$CONFIG" collect 2> "$GATE_WORK/collect.log" &
cpid=$!
scenario_t() { echo $(( $(date +%s) - SSHD_START )); }

L4='router="cr1-eqiad",site="eqiad",peer="10.64.32.23",family="ipv4",peer_as="64601",node="kubernetes1003.eqiad.wmnet"'
M=$GATE_WORK/metrics.txt
for _ in $(seq 1 200); do
  curl -sf "$URL/metrics" > "$M" 2>/dev/null && grep -q "^bgpwatch_session_stale_routes_seconds_left{$L4} " "$M" && break
  sleep 0.1
done
GATE_NAME="metrics while down (t=$(scenario_t))"
left=$(sed -n "s/^bgpwatch_session_stale_routes_seconds_left{$L4} \([0-9]*\)$/\1/p" "$M")
t=$(scenario_t)
# Down since t=10 with 120 s of restart time: 130 - t left, give or take a poll.
if [ -n "$left" ] && [ "$left" -le 120 ] && [ "$left" -ge $(( 130 - t - 3 )) ]; then
  echo "ok   stale routes: $left s left at scenario t=$t"
else
  gate_fail "$GATE_NAME: stale_routes_seconds_left '$left' at t=$t (want about $(( 130 - t )))"; cat "$GATE_WORK/collect.log"
fi
# Present only while the router holds stale routes: not for an Established peer.
gate_expect_not 'bgpwatch_session_stale_routes_seconds_left\{router="cr1-eqiad",site="eqiad",peer="10.64.0.99"' "$M"
promtool check metrics < "$M" > "$GATE_WORK/lint" 2>&1 && [ ! -s "$GATE_WORK/lint" ] \
  || gate_fail "promtool check metrics: $(cat "$GATE_WORK/lint")"

# Every metric the shipped rules and dashboard use is in this real /metrics
# (test_prometheus_rules.sh checks them against the source).
names=$(grep -ohE '(^|[^a-z_:])bgpwatch_[a-z0-9_]+' "$BGPWATCH_SOURCE_DIR/packaging/prometheus/bgpwatch.rules.yml" \
          "$BGPWATCH_SOURCE_DIR/packaging/grafana/bgpwatch.json" | grep -oE 'bgpwatch_[a-z0-9_]+' | sort -u)
for n in $names; do
  GATE_CHECKS=$((GATE_CHECKS + 1))
  grep -q "^# HELP $n " "$M" || gate_fail "the rules or dashboard use $n, which the running collector does not export"
done
echo "ok   rules and dashboard: $(wc -w <<<"$names") metric names, all in the collector's /metrics"
curl -sf "$URL/v1/sessions?router=cr1-eqiad" > "$GATE_WORK/sessions.json" || gate_fail "/v1/sessions"
/usr/bin/python3 - "$GATE_WORK/sessions.json" <<'PY' || gate_fail "/v1/sessions GR facts"
import json, sys
doc = json.load(open(sys.argv[1]))
s = {x["address"]: x for x in doc["sessions"]}
k3 = s["10.64.32.23"]
assert k3["state"] == "Active", k3
assert k3["restart_time_received"] == 120, k3
assert k3["restart_negotiated"] == ["inet-unicast"], k3
assert k3["stale_routes_expire_at"] and k3["stale_routes_expire_at"].endswith("Z"), k3
k4 = s["10.64.48.52"]
assert "Idled" in (k4["peer_flags"] or []), k4
assert k4["stale_routes_expire_at"] is None, k4
print("ok   /v1/sessions: 10.64.32.23 Active, restart 120 s, expires", k3["stale_routes_expire_at"])
PY

gate_run "check --collector while down: not ready under routes by default" 1 -- check --node kubernetes1003 --collector "$URL"
gate_expect 'cr1-eqiad ipv4 10.64.32.23 Active'
gate_expect 'routes kept stale for [0-9ms]+ more'
gate_run "terminal through the collector" 1 -- check --node kubernetes1004 --collector "$URL"
gate_expect "won't recover by waiting: prefix limit exceeded on cr1-eqiad"

# t in [20, 28): back up, End-of-RIB pending. The collector reads it within
# an interval: ask until the reason shows (bounded by t=28), then assert it did.
while [ "$(scenario_t)" -lt 20 ]; do sleep 0.2; done
seen_eor=
while [ "$(scenario_t)" -lt 28 ]; do
  "$BGPWATCH" --config "$CONFIG" --format json check --node kubernetes1003 --collector "$URL" > "$OUT" 2> "$ERR"
  # All four sessions (both routers read since they came back).
  [ "$(grep -c '"reason": "awaiting_end_of_rib"' "$OUT")" -ge 4 ] && { seen_eor=$(scenario_t); break; }
  sleep 0.5
done
GATE_NAME="check --collector between Established and End-of-RIB"
GATE_CHECKS=$((GATE_CHECKS + 1))
if [ -n "$seen_eor" ]; then echo "ok   $GATE_NAME: awaiting_end_of_rib at t=$seen_eor (exit 1)"
else gate_fail "$GATE_NAME: never saw awaiting_end_of_rib before t=28"; fi
gate_run "--require established through the collector: ready" 0 -- check --node kubernetes1003 --collector "$URL" --require established
# End-of-RIB at t=28 on both routers: ready once the collector has read it
# (bounded: t=60), never before t=28.
ready_at=
while [ "$(scenario_t)" -lt 60 ]; do
  if "$BGPWATCH" --config "$CONFIG" check --node kubernetes1003 --collector "$URL" > "$OUT" 2> "$ERR"; then
    ready_at=$(scenario_t); break
  fi
  sleep 0.5
done
GATE_NAME="check --collector after End-of-RIB"
GATE_CHECKS=$((GATE_CHECKS + 1))
if [ -n "$ready_at" ] && [ "$ready_at" -ge 28 ]; then echo "ok   $GATE_NAME: ready at t=$ready_at (End-of-RIB at 28)"
else gate_fail "$GATE_NAME: ready at t='$ready_at' (want >= 28, before 60)"; fi
curl -sf "$URL/metrics" > "$M"
gate_expect_not "^bgpwatch_session_stale_routes_seconds_left\{$L4\}" "$M"
gate_done

#!/usr/bin/env bash
# tests/e2e/test_collect_prometheus.sh: `bgpwatch collect` against the router
# simulator; its /metrics passes `promtool check metrics`; a real Prometheus
# (own config and data dir, 127.0.0.1, free port, killed by PID) scrapes it
# and a query through its HTTP API returns the expected
# bgpwatch_session_established values. Also the HTTP API's status codes.
set -uo pipefail
BGPWATCH=${BGPWATCH:?}
SRC=${BGPWATCH_SOURCE_DIR:?}
command -v promtool >/dev/null && command -v prometheus >/dev/null \
  || { echo "SKIP: prometheus/promtool missing (Debian prometheus)"; exit 77; }
. "$SRC/tests/lib/sshd.sh"
SCENARIO=$SRC/fixtures/nrpe/scenarios/nrpe-world.json
sshd_init
sshd_start_router cr1-eqiad "$SCENARIO" --now "$SSHD_START"
sshd_start_router cr2-eqiad "$SCENARIO" --now "$SSHD_START"
CONF=$SSHD_DIR/config.yaml
sshd_write_config "$CONF" "$SCENARIO"
port=$(sshd_free_port)
printf 'collector: {listen: "127.0.0.1:%s", interval: 2s}\n' "$port" >> "$CONF"
URL=http://127.0.0.1:$port
cpid= ppid=
stop_all() {
  [ -n "$ppid" ] && { kill "$ppid" 2>/dev/null; wait "$ppid" 2>/dev/null; }
  [ -n "$cpid" ] && { kill "$cpid" 2>/dev/null; wait "$cpid" 2>/dev/null; }
  sshd_cleanup
}
trap stop_all EXIT
fail=0

"$BGPWATCH" --config "$CONF" collect 2> "$SSHD_DIR/collect.log" &
cpid=$!
# Wait (bounded) until both eqiad routers have been read and the dead
# codfw router's first poll has failed (its connect may take longer).
for _ in $(seq 1 300); do
  m=$(curl -sf "$URL/metrics") && grep -q 'bgpwatch_router_up{router="cr1-eqiad",site="eqiad"} 1' <<<"$m" \
    && grep -q 'bgpwatch_router_up{router="cr2-eqiad",site="eqiad"} 1' <<<"$m" \
    && grep -q 'bgpwatch_router_up{router="cr1-codfw",site="codfw"} 0' <<<"$m" && break
  sleep 0.1
done
curl -sf "$URL/metrics" > "$SSHD_DIR/metrics.txt" || { echo "FAIL: /metrics"; cat "$SSHD_DIR/collect.log"; exit 1; }

# promtool's linter: exit 0 and no complaints.
if lint=$(promtool check metrics < "$SSHD_DIR/metrics.txt" 2>&1) && [ -z "$lint" ]; then
  echo "ok: promtool check metrics: clean ($(wc -l < "$SSHD_DIR/metrics.txt") lines)"
else
  echo "FAIL: promtool check metrics:"; echo "$lint"; fail=1
fi
# A deliberately broken copy must be caught (the linter really runs).
sed 's/bgpwatch_session_flaps_total/bgpwatch_session_flaps/' "$SSHD_DIR/metrics.txt" > "$SSHD_DIR/bad.txt"
if promtool check metrics < "$SSHD_DIR/bad.txt" > /dev/null 2>&1; then
  echo "FAIL: promtool accepted a counter without _total"; fail=1
fi

check_line() {
  if grep -qxF -- "$1" "$SSHD_DIR/metrics.txt"; then echo "ok: $1"; else echo "FAIL: missing: $1"; fail=1; fi
}
L6='router="cr2-eqiad",site="eqiad",peer="2620:0:861:103:10:64:32:23",family="ipv6",peer_as="64601",node="kubernetes1003.eqiad.wmnet"'
check_line "bgpwatch_session_established{$L6} 0"
check_line "bgpwatch_session_state{$L6} 3"
check_line "bgpwatch_session_uptime_seconds{$L6} 41"
check_line "bgpwatch_session_flaps_total{$L6} 3"
check_line 'bgpwatch_session_established{router="cr1-eqiad",site="eqiad",peer="10.64.0.99",family="ipv4",peer_as="64601",node=""} 0'
check_line 'bgpwatch_node_sessions_expected{node="kubernetes1003.eqiad.wmnet",site="eqiad"} 4'
check_line 'bgpwatch_node_sessions_established{node="kubernetes1003.eqiad.wmnet",site="eqiad"} 3'
check_line 'bgpwatch_router_up{router="cr1-codfw",site="codfw"} 0'
if grep -q 'router="cr1-codfw".*peer=' "$SSHD_DIR/metrics.txt"; then echo "FAIL: session series for a dead router"; fail=1; fi
if grep -Eq '^[a-z_]+(\{[^}]*\})? [^ ]+ [0-9]+$' "$SSHD_DIR/metrics.txt"; then echo "FAIL: a sample has a timestamp"; fail=1; fi

# HTTP API status codes.
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
[ "$(code "$URL/healthz")" = 200 ] || { echo "FAIL: /healthz"; fail=1; }
[ "$(code "$URL/v1/sessions")" = 200 ] || { echo "FAIL: /v1/sessions"; fail=1; }
[ "$(code "$URL/v1/nodes/kubernetes1003")" = 200 ] || { echo "FAIL: /v1/nodes/kubernetes1003"; fail=1; }
[ "$(code "$URL/v1/nodes/nosuch")" = 404 ] || { echo "FAIL: unknown node is not 404"; fail=1; }
[ "$(code "$URL/nothing")" = 404 ] || { echo "FAIL: /nothing is not 404"; fail=1; }
[ "$(code -X POST "$URL/metrics")" = 405 ] || { echo "FAIL: POST is not 405"; fail=1; }
[ "$(code -X DELETE "$URL/v1/sessions")" = 405 ] || { echo "FAIL: DELETE is not 405"; fail=1; }
[ "$(code -H "X-Big: $(head -c 20000 /dev/zero | tr '\0' a)" "$URL/metrics")" = 431 ] || { echo "FAIL: huge header not 431"; fail=1; }
bad=$(printf 'GARBAGE\r\n\r\n' | timeout 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port; cat >&3; head -n1 <&3")
[[ "$bad" == "HTTP/1.1 400"* ]] || { echo "FAIL: malformed request: '$bad'"; fail=1; }
node=$(curl -sf "$URL/v1/nodes/kubernetes1003")
python3 - "$node" <<'PY' || fail=1
import json, sys
j = json.loads(sys.argv[1])
assert j["node"] == "kubernetes1003.eqiad.wmnet", j["node"]
assert j["ready"] == "not_ready", j["ready"]
assert j["reasons"] == ["cr2-eqiad ipv6 2620:0:861:103:10:64:32:23 Active for 41s, 3 flaps"], j["reasons"]
assert [s["readiness"] for s in j["sessions"]] == ["ready", "ready", "ready", "not_ready"], j["sessions"]
assert all(r["ok"] and r["poll_age_seconds"] < 10 for r in j["routers"]), j["routers"]
print("ok: /v1/nodes/kubernetes1003 verdict and poll ages")
PY
echo "ok: HTTP status codes (200/404/405/431/400)"

# A real Prometheus scraping the collector.
pport=$(sshd_free_port)
mkdir -p "$SSHD_DIR/prom-data"
cat > "$SSHD_DIR/prometheus.yml" <<YML
global: {scrape_interval: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: bgpwatch
    static_configs: [{targets: ["127.0.0.1:$port"]}]
YML
prometheus --config.file="$SSHD_DIR/prometheus.yml" --storage.tsdb.path="$SSHD_DIR/prom-data" \
  --web.listen-address="127.0.0.1:$pport" > "$SSHD_DIR/prometheus.log" 2>&1 &
ppid=$!
query() {
  curl -sf -G "http://127.0.0.1:$pport/api/v1/query" --data-urlencode "query=$1"
}
result=
for _ in $(seq 1 600); do
  result=$(query 'bgpwatch_session_established{router="cr2-eqiad",node="kubernetes1003.eqiad.wmnet"}') \
    && [ "$(python3 -c 'import json,sys; print(len(json.loads(sys.argv[1])["data"]["result"]))' "$result")" = 2 ] && break
  kill -0 "$ppid" 2>/dev/null || { echo "FAIL: prometheus exited"; tail -20 "$SSHD_DIR/prometheus.log"; exit 1; }
  sleep 0.1
done
python3 - "$result" <<'PY' || fail=1
import json, sys
r = json.loads(sys.argv[1])["data"]["result"]
got = {x["metric"]["family"]: x["value"][1] for x in r}
assert got == {"ipv4": "1", "ipv6": "0"}, got
assert all(x["metric"]["job"] == "bgpwatch" and x["metric"]["peer_as"] == "64601" for x in r), r
print("ok: Prometheus query: bgpwatch_session_established for kubernetes1003 on cr2-eqiad =", got)
PY
total=$(query 'sum(bgpwatch_session_established{site="eqiad"})')
python3 - "$total" <<'PY' || fail=1
import json, sys
v = json.loads(sys.argv[1])["data"]["result"][0]["value"][1]
# eqiad: cr1 9 peers, 6 Established (1005 Idle x2, 10.64.0.99 Active); cr2 8 peers, 5 (1005 Idle x2, 1003 v6 Active)
assert v == "11", v
print("ok: Prometheus query: sum(bgpwatch_session_established{site=\"eqiad\"}) =", v)
PY
up=$(query 'bgpwatch_router_up{router="cr1-codfw"}')
python3 - "$up" <<'PY' || fail=1
import json, sys
v = json.loads(sys.argv[1])["data"]["result"][0]["value"][1]
assert v == "0", v
print("ok: Prometheus query: bgpwatch_router_up{router=\"cr1-codfw\"} =", v)
PY
exit $fail

#!/usr/bin/env bash
# tests/e2e/test_collect_tls.sh: collector trust (SPEC "Collector trust",
# issue 13 item 3). A real `bgpwatch collect` against the router simulator
# behind private sshds, serving HTTPS with a certificate from a test CA made
# here with openssl, and requiring a bearer token:
#  - clients that trust the CA and send the token get the same answer as
#    asking the routers (check and nrpe);
#  - a client trusting another CA refuses the collector (certificate
#    verify failed), exit 3 / UNKNOWN, never READY;
#  - no token / a wrong token: HTTP 401, and the client says which;
#  - plain HTTP to the TLS port gets nothing; /healthz needs no token;
#  - secret files readable by group/others are refused (exit 2, naming the
#    chmod), on the collector and on the client;
#  - http:// to a non-loopback host is refused before any I/O (exit 2).
set -uo pipefail
BGPWATCH=${BGPWATCH:?}
CHECK=$(dirname "$BGPWATCH")/check_bgpwatch
SRC=${BGPWATCH_SOURCE_DIR:?}
. "$SRC/tests/lib/sshd.sh"
SCENARIO=$SRC/fixtures/nrpe/scenarios/nrpe-world.json
sshd_init
sshd_start_router cr1-eqiad "$SCENARIO" --now "$SSHD_START"
sshd_start_router cr2-eqiad "$SCENARIO" --now "$SSHD_START"
BASE=$SSHD_DIR/base.yaml
sshd_write_config "$BASE" "$SCENARIO"
D=$SSHD_DIR/tls
mkdir -p "$D"
cpid=
stop_all() {
  [ -n "$cpid" ] && { kill "$cpid" 2>/dev/null; wait "$cpid" 2>/dev/null; }
  sshd_cleanup
}
trap stop_all EXIT
fail=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fail=1; }

# --- a test CA, a server certificate for 127.0.0.1, and an unrelated CA
mkca() { # NAME
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj "/CN=bgpwatch test $1" -keyout "$D/$1.key" -out "$D/$1.crt" 2>/dev/null
}
mkca ca && mkca other-ca || { echo "FAIL: openssl could not make a CA"; exit 1; }
printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > "$D/ext"
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=collector" \
  -keyout "$D/server.key" -out "$D/server.csr" 2>/dev/null &&
openssl x509 -req -in "$D/server.csr" -CA "$D/ca.crt" -CAkey "$D/ca.key" -CAcreateserial -days 2 \
  -extfile "$D/ext" -out "$D/server.crt" 2>/dev/null || { echo "FAIL: openssl could not sign"; exit 1; }
chmod 600 "$D/server.key"
TOKEN=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
printf '%s\n' "$TOKEN" > "$D/token"; chmod 600 "$D/token"
printf 'not-the-token\n' > "$D/wrong-token"; chmod 600 "$D/wrong-token"

port=$(sshd_free_port)
URL=https://127.0.0.1:$port
# conf NAME CLIENT_CA CLIENT_TOKEN_FILE: the base config + the collector's
# TLS and token + a collector_client section ("" = key left out).
conf() {
  local out=$SSHD_DIR/$1.yaml
  cp "$BASE" "$out"
  printf 'collector: {listen: "127.0.0.1:%s", interval: 2s, tls: {cert: %s, key: %s}, token_file: %s}\n' \
    "$port" "$D/server.crt" "$D/server.key" "$D/token" >> "$out"
  if [ -n "$2$3" ]; then
    printf 'collector_client:\n' >> "$out"
    [ -n "$2" ] && printf '  ca: %s\n' "$2" >> "$out"
    [ -n "$3" ] && printf '  token_file: %s\n' "$3" >> "$out"
  fi
  echo "$out"
}
GOOD=$(conf good "$D/ca.crt" "$D/token")
OTHER_CA=$(conf other-ca "$D/other-ca.crt" "$D/token")
NO_TOKEN=$(conf no-token "$D/ca.crt" "")
WRONG_TOKEN=$(conf wrong-token "$D/ca.crt" "$D/wrong-token")

# --- the collector refuses a token file others can read (before listening)
chmod 644 "$D/token"
out=$(timeout 10 "$BGPWATCH" --config "$GOOD" collect 2>&1); rc=$?
chmod 600 "$D/token"
if [ "$rc" = 2 ] && grep -q "collector.token_file $D/token is accessible by group/others (mode 0644): run chmod 600 $D/token" <<<"$out"; then
  ok "collect refuses a group/other-readable token file (exit 2)"
else
  bad "collect with a 0644 token file: exit $rc"; echo "$out"
fi

LOG=$SSHD_DIR/collect.log
"$BGPWATCH" --config "$GOOD" collect 2> "$LOG" &
cpid=$!
up=0
for _ in $(seq 1 300); do
  m=$(curl -sf --cacert "$D/ca.crt" -H "Authorization: Bearer $TOKEN" "$URL/metrics" || true)
  if grep -q 'bgpwatch_router_up{router="cr1-eqiad",[^}]*} 1' <<<"$m" \
     && grep -q 'bgpwatch_router_up{router="cr2-eqiad",[^}]*} 1' <<<"$m"; then up=1; break; fi
  sleep 0.2
done
[ $up = 1 ] || { echo "FAIL: the collector never served both routers up over HTTPS"; cat "$LOG"; exit 1; }
ok "collect serves HTTPS with the test CA's certificate ($(grep -o 'listening on [^ ]*' "$LOG"))"

# --- HTTP-level behaviour, seen by curl
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$D/ca.crt" "$URL/v1/sessions")
hdrs=$(curl -s -D - -o /dev/null --cacert "$D/ca.crt" "$URL/v1/sessions")
if [ "$code" = 401 ] && grep -qi '^www-authenticate: Bearer' <<<"$hdrs"; then
  ok "no token: 401 with WWW-Authenticate: Bearer"
else
  bad "no token: HTTP $code"; echo "$hdrs"
fi
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$D/ca.crt" -H "Authorization: Bearer x$TOKEN" "$URL/metrics")
[ "$code" = 401 ] && ok "wrong token: 401" || bad "wrong token: HTTP $code"
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$D/ca.crt" "$URL/healthz")
[ "$code" = 200 ] && ok "/healthz needs no token" || bad "/healthz without token: HTTP $code"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$port/healthz")
[ "$code" = 000 ] && ok "plain HTTP to the TLS port: no answer" || bad "plain HTTP to the TLS port: HTTP $code"
body=$(curl -sf --cacert "$D/ca.crt" -H "Authorization: Bearer $TOKEN" "$URL/v1/sessions?router=cr1-eqiad")
if /usr/bin/python3 - "$body" <<'PY'
import json, sys, datetime
doc = json.loads(sys.argv[1])
now = datetime.datetime.fromisoformat(doc["now"].replace("Z", "+00:00"))
assert abs((datetime.datetime.now(datetime.timezone.utc) - now).total_seconds()) < 5, doc["now"]
up = [s for s in doc["sessions"] if s["uptime_seconds"] is not None]
assert up and all(s["up_since"] for s in up), "sessions without up_since"
print("now", doc["now"], "first up_since", up[0]["up_since"])
PY
then ok "/v1/sessions carries now and per-session up_since"; else bad "/v1/sessions lacks now/up_since"; fi

# --- clients
direct=$("$CHECK" --config "$BASE" --node kubernetes1003 -t 60); drc=$?
via=$("$CHECK" --config "$GOOD" --node kubernetes1003 -t 60 --collector "$URL"); vrc=$?
if [ "$drc" = "$vrc" ] && [ "$direct" = "$via" ]; then
  ok "nrpe --collector https:// gives the direct answer ($vrc): $(head -n1 <<<"$via" | cut -c1-80)"
else
  bad "nrpe direct($drc) vs collector($vrc)"; echo "$direct"; echo "$via"
fi
d_out=$("$BGPWATCH" --config "$BASE" check --node kubernetes1003 2>&1); d_rc=$?
v_out=$("$BGPWATCH" --config "$GOOD" check --node kubernetes1003 --collector "$URL" 2>&1); v_rc=$?
if [ "$d_rc" = "$v_rc" ] && [ "$v_rc" != 3 ]; then
  ok "check --collector https:// exits as asking the routers ($v_rc)"
else
  bad "check direct($d_rc) vs collector($v_rc)"; echo "$d_out"; echo "$v_out"
fi

# expect NAME RC PATTERN CONFIG [ARGS...]: check through the collector.
expect() {
  local name=$1 want=$2 pattern=$3 config=$4; shift 4
  local out rc=0
  out=$(timeout 30 "$BGPWATCH" --config "$config" check --node kubernetes1003 "$@" 2>&1) || rc=$?
  if [ "$rc" = "$want" ] && grep -q -- "$pattern" <<<"$out"; then
    ok "$name: exit $rc"
  else
    bad "$name: exit $rc, want $want and /$pattern/"; echo "$out"
  fi
}
expect "another CA" 3 "certificate verify failed" "$OTHER_CA" --collector "$URL"
expect "no client token" 3 "HTTP 401: the collector requires a token (set collector_client.token_file)" \
  "$NO_TOKEN" --collector "$URL"
expect "wrong client token" 3 "HTTP 401: the collector refused our token (collector_client.token_file)" \
  "$WRONG_TOKEN" --collector "$URL"
chmod 640 "$D/token"
expect "client token file mode 0640" 2 "run chmod 600 $D/token" "$GOOD" --collector "$URL"
chmod 600 "$D/token"
expect "http:// to a non-loopback host" 2 "plain http:// is only allowed to a loopback address" \
  "$GOOD" --collector "http://192.0.2.1:$port"
expect "missing CA file" 2 "collector_client.ca $D/none.crt does not exist" \
  "$(conf missing-ca "$D/none.crt" "$D/token")" --collector "$URL"
via=$("$CHECK" --config "$OTHER_CA" --node kubernetes1003 -t 60 --collector "$URL"); vrc=$?
if [ "$vrc" = 3 ] && grep -q '^BGPWATCH UNKNOWN' <<<"$via"; then
  ok "nrpe with another CA: UNKNOWN"
else
  bad "nrpe with another CA: exit $vrc"; echo "$via"
fi
exit $fail

#!/usr/bin/env bash
# Every command's JSON against docs/json-schema.json (docs/json.md, issue 16
# item 5): parse, summary, status, check, wait-established and gate events,
# roll events and audit, sniff events, bird, and the collector's /v1/sessions,
# /v1/nodes/NAME and /healthz, from every source (netconf through the router
# simulator behind sshd, replay files, a running collector, a real BIRD, pcap
# files). Beyond the schema: each result's "source" is the view it came from,
# and an unreadable router's error is said once (routers[].error), not in
# its sessions.
set -uo pipefail
: "${BGPWATCH:?}" "${BGPWATCH_SOURCE_DIR:?}" "${BGPWATCH_FIXTURES:?}" "${BGPWATCH_SIM:?}"
SRC=$BGPWATCH_SOURCE_DIR
FX=$BGPWATCH_FIXTURES
SCHEMA=$SRC/docs/json-schema.json
CHECKER=$SRC/tests/lib/json_schema_check.py
BIRD=/usr/sbin/bird
. "$SRC/tests/lib/sshd.sh"
SC=$FX/scenarios/demo-eqiad.json
SSHD_START=$(( $(date +%s) - 100 ))
sshd_init
W=$SSHD_DIR/schema
mkdir -p "$W"
cpid= bird_pid=
cleanup() {
  [ -n "$cpid" ] && { kill "$cpid" 2>/dev/null; wait "$cpid" 2>/dev/null; }
  [ -n "$bird_pid" ] && { kill "$bird_pid" 2>/dev/null; wait "$bird_pid" 2>/dev/null; }
  sshd_cleanup
}
trap cleanup EXIT
fail=0 n=0 docs=0

# valid NAME DEF FILE [--lines]: FILE's JSON is a DEF of the schema.
valid() {
  local name=$1 def=$2 file=$3; shift 3
  n=$((n + 1))
  if out=$(/usr/bin/python3 "$CHECKER" "$SCHEMA" "$def" "$file" "$@" 2>&1); then
    local k=1
    [ "${1:-}" = --lines ] && k=$(grep -c . "$file")
    docs=$((docs + k))
    echo "ok   $name ($def, $k document$([ "$k" = 1 ] || echo s))"
  else
    echo "FAIL $name ($def):"; echo "$out" | head -n 20 | sed 's/^/  | /'; fail=$((fail + 1))
  fi
}
# assert NAME FILE PYTHON: PYTHON over d (the document, or the list of lines with --lines as $4).
assert() {
  local name=$1 file=$2 code=$3
  n=$((n + 1))
  if out=$(/usr/bin/python3 - "$file" "$code" 2>&1 <<'PY'
import json, sys
text = open(sys.argv[1]).read()
try:
    d = json.loads(text)
except ValueError:
    d = [json.loads(l) for l in text.splitlines() if l.strip()]
exec(sys.argv[2])
PY
  ); then echo "ok   $name"; else echo "FAIL $name: $out" | head -n 8; fail=$((fail + 1)); fi
}
# run NAME WANT_EXIT OUT -- ARGS...: bgpwatch ARGS > OUT, exit WANT_EXIT.
run() {
  local name=$1 want=$2 out=$3; shift 4
  "$BGPWATCH" "$@" > "$out" 2> "$out.err" < /dev/null; local rc=$?
  if [ "$rc" != "$want" ]; then
    n=$((n + 1)); fail=$((fail + 1))
    echo "FAIL $name: exit $rc, want $want"; sed 's/^/  | /' "$out" "$out.err" | head -n 20
    return 1
  fi
}

# --- parse: every good Junos fixture, neighbor detail, BIRD, pcap; several files.
for f in "$FX"/junos/* "$FX"/junos-neighbor/*; do
  case $(basename "$f") in bad_*|*.md) continue ;; esac
  [ -f "$f" ] || continue
  b=$(basename "$f")
  "$BGPWATCH" --format json parse "$f" > "$W/parse-$b.json" 2>/dev/null || continue # inputs that must fail: test_parse_golden
  valid "parse $b" parse_result "$W/parse-$b.json"
done
run "parse BIRD" 0 "$W/parse-bird.json" -- -o json parse "$FX/bird/2.0/established/bird-protocols-all.raw" \
  && valid "parse BIRD 2" parse_result "$W/parse-bird.json" \
  && assert "parse BIRD: source bird, protocol and local_as filled" "$W/parse-bird.json" '
assert {s["source"] for s in d["sessions"]} == {"bird"}, d
assert all(s["protocol"] and s["local_as"] == 64601 for s in d["sessions"]), d'
run "parse pcap" 0 "$W/parse-pcap.json" -- -o json parse "$FX/pcap/establish-v4.pcap" \
  && valid "parse pcap" parse_result "$W/parse-pcap.json" \
  && assert "parse pcap: source wire" "$W/parse-pcap.json" 'assert {s["source"] for s in d["sessions"]} == {"wire"}, d'
run "parse Junos" 0 "$W/parse-junos.json" -- -o json parse "$FX/replay/cr1-eqiad-up.xml" \
  && assert "parse Junos: source replay, BIRD-only keys null" "$W/parse-junos.json" '
assert {s["source"] for s in d["sessions"]} == {"replay"}, d
assert all(s["protocol"] is None and s["local_as"] is None and s["local_address"] is None for s in d["sessions"]), d'
run "parse two files" 0 "$W/parse-two.jsonl" -- -o json parse "$FX/replay/cr1-eqiad-up.xml" "$FX/replay/cr2-eqiad-up.txt" \
  && valid "parse two files" parse_result "$W/parse-two.jsonl" --lines

# --- sniff: every event of every pcap fixture.
for f in "$FX"/pcap/*.pcap; do
  b=$(basename "$f" .pcap)
  "$BGPWATCH" -o json sniff --read "$f" > "$W/sniff-$b.jsonl" 2>/dev/null
  [ -s "$W/sniff-$b.jsonl" ] || continue
  valid "sniff $b" sniff_event "$W/sniff-$b.jsonl" --lines
done

# --- replay: check, status, wait-established, gate.
R=$FX/replay
RA=(--config "$R/config.yaml" -o json)
REP=(--now 2026-11-29T03:00:00Z --replay "cr1-eqiad=$R/cr1-eqiad-up.xml" --replay "cr2-eqiad=$R/cr2-eqiad-up.xml")
run "check --replay" 0 "$W/check-replay.json" -- "${RA[@]}" check --node kubernetes1003 "${REP[@]}" \
  && valid "check --replay" check_result "$W/check-replay.json" \
  && assert "check --replay: source replay with its files" "$W/check-replay.json" '
assert d["source"] == "replay" and d["sources"][0]["source"] == "replay", d
assert len(d["sources"][0]["replay_files"]) == 2, d["sources"]
assert {s["source"] for s in d["sessions"]} == {"replay"}, d
assert {r["source"] for r in d["routers"]} == {"replay"}, d'
run "status --replay" 0 "$W/status-replay.json" -- "${RA[@]}" status --node kubernetes1003 "${REP[@]}" \
  && valid "status --replay" check_result "$W/status-replay.json"
run "check --replay, a router unreadable" 3 "$W/check-broken.json" -- "${RA[@]}" check --node kubernetes1003 \
  --now 2026-11-29T03:00:00Z --replay "cr1-eqiad=$R/cr1-eqiad-truncated.xml" --replay "cr2-eqiad=$R/cr2-eqiad-up.xml" \
  && valid "check, a router unreadable" check_result "$W/check-broken.json" \
  && assert "the router's error is said once, in routers[].error" "$W/check-broken.json" '
err = [r for r in d["routers"] if not r["ok"]]
assert len(err) == 1 and err[0]["name"] == "cr1-eqiad" and "truncated" in err[0]["error"], err
full = err[0]["error"]
assert d["verdict"] == "unknown" and d["exit"] == 3, d
for s in d["sessions"]:
    assert full not in s["text"], s["text"]
assert any(r.endswith("router unreadable (see cr1-eqiad above)") for r in d["reasons"]), d["reasons"]
assert not any(full in r for r in d["reasons"]), d["reasons"]'
"$BGPWATCH" --config "$R/config.yaml" check --node kubernetes1003 --now 2026-11-29T03:00:00Z \
  --replay "cr1-eqiad=$R/cr1-eqiad-truncated.xml" --replay "cr2-eqiad=$R/cr2-eqiad-up.xml" > "$W/check-broken.txt" 2>&1
n=$((n + 1))
if [ "$(grep -c 'truncated' "$W/check-broken.txt")" = 1 ] && grep -q '^router cr1-eqiad: unreadable: ' "$W/check-broken.txt" \
   && grep -q 'router unreadable (see cr1-eqiad above)$' "$W/check-broken.txt"; then
  echo "ok   text: the router's error printed once, under the router"
else
  echo "FAIL text: the router's error is not said once:"; sed 's/^/  | /' "$W/check-broken.txt"; fail=$((fail + 1))
fi
run "wait-established --replay" 0 "$W/wait-replay.jsonl" -- "${RA[@]}" wait-established --node kubernetes1003 \
  "${REP[@]}" --since none --interval 1s --timeout 5s \
  && valid "wait-established --replay" wait_event "$W/wait-replay.jsonl" --lines \
  && assert "wait: poll events say time, the result says now" "$W/wait-replay.jsonl" '
polls = [e for e in d if e["event"] == "poll"]
assert polls and all("time" in e and "now" not in e for e in polls), d
assert d[-1]["event"] == "result" and "now" in d[-1] and "time" not in d[-1], d[-1]'
# gate: stdout is CMD's; the events go to stderr, beside its one
# "bgpwatch gate: ready; running ..." line.
run "gate --replay" 0 "$W/gate-replay.out" -- "${RA[@]}" gate --node kubernetes1003 "${REP[@]}" --since none \
  --interval 1s --timeout 5s -- echo CMD-RAN \
  && grep '^{' "$W/gate-replay.out.err" > "$W/gate-replay.jsonl" \
  && valid "gate --replay" wait_event "$W/gate-replay.jsonl" --lines \
  && assert "gate: CMD ran after the ready result" "$W/gate-replay.jsonl" '
assert d[-1]["event"] == "result" and d[-1]["ready"] and d[-1]["exit"] == 0, d[-1]
assert open(sys.argv[1].replace(".jsonl", ".out")).read() == "CMD-RAN\n"' 

# --- netconf: two simulated routers behind sshd.
sshd_start_router cr1-eqiad "$SC"
sshd_start_router cr2-eqiad "$SC"
CONF=$SSHD_DIR/config.yaml
sshd_write_config "$CONF" "$SC"
port=$(sshd_free_port)
printf 'collector: {listen: "127.0.0.1:%s", interval: 2s}\n' "$port" >> "$CONF"
URL=http://127.0.0.1:$port
NA=(--config "$CONF" -o json)
run "summary" 0 "$W/summary.json" -- "${NA[@]}" summary \
  && valid "summary" summary_result "$W/summary.json" \
  && assert "summary: sessions from netconf" "$W/summary.json" 'assert d["sessions"] and {s["source"] for s in d["sessions"]} == {"netconf"}, d["sessions"][0]'
run "check (netconf)" 0 "$W/check-netconf.json" -- "${NA[@]}" check --node kubernetes1001 --require established \
  && valid "check (netconf)" check_result "$W/check-netconf.json" \
  && assert "check (netconf): source netconf, username and known_hosts" "$W/check-netconf.json" '
v = d["sources"][0]
assert d["source"] == "netconf" and v["source"] == "netconf" and v["username"] and v["known_hosts"].endswith("known_hosts"), d
assert "NETCONF as" in d["source_detail"], d'
run "status (netconf)" 0 "$W/status-netconf.json" -- "${NA[@]}" status --node kubernetes1001 \
  && valid "status (netconf)" check_result "$W/status-netconf.json"
run "wait-established (netconf)" 0 "$W/wait-netconf.jsonl" -- "${NA[@]}" wait-established --node kubernetes1001 \
  --since none --require established --interval 1s --timeout 20s \
  && valid "wait-established (netconf)" wait_event "$W/wait-netconf.jsonl" --lines
run "roll --dry-run" 0 "$W/roll-plan.jsonl" -- "${NA[@]}" roll --site eqiad --lock-dir "$W" --require established \
  --dry-run -- true "{node}" \
  && valid "roll --dry-run" roll_event "$W/roll-plan.jsonl" --lines
# A roll that cannot succeed (the simulated sessions never restart after
# CMD): the roll, step and result events, on stdout and in the audit.
"$BGPWATCH" "${NA[@]}" roll --site eqiad --nodes kubernetes1001 --lock-dir "$W" --require established \
  --interval 1s --timeout 3s --state "$W/roll-audit.jsonl" -- true "{node}" > "$W/roll.jsonl" 2> "$W/roll.err" < /dev/null
valid "roll events" roll_event "$W/roll.jsonl" --lines
valid "roll --state audit" roll_event "$W/roll-audit.jsonl" --lines

# --- the collector: /v1/sessions, /v1/nodes/NAME, /healthz, and --collector.
"$BGPWATCH" --config "$CONF" collect 2> "$W/collect.log" &
cpid=$!
for _ in $(seq 1 300); do
  curl -sf "$URL/v1/sessions" > "$W/v1-sessions.json" 2>/dev/null \
    && /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["sessions"] and all(r["ok"] for r in d["routers"]) else 1)' "$W/v1-sessions.json" 2>/dev/null \
    && break
  sleep 0.2
done
valid "/v1/sessions" collector_sessions "$W/v1-sessions.json"
curl -sf "$URL/v1/sessions?router=cr2-eqiad" > "$W/v1-sessions-cr2.json"
valid "/v1/sessions?router=cr2-eqiad" collector_sessions "$W/v1-sessions-cr2.json"
curl -sf "$URL/v1/nodes/kubernetes1001" > "$W/v1-node.json"
valid "/v1/nodes/kubernetes1001" collector_node "$W/v1-node.json"
curl -sf "$URL/healthz" > "$W/healthz.json"
valid "/healthz" collector_health "$W/healthz.json"
run "check --collector" 0 "$W/check-collector.json" -- "${NA[@]}" check --node kubernetes1001 --collector "$URL" \
  && valid "check --collector" check_result "$W/check-collector.json" \
  && assert "check --collector: source collector with its URL" "$W/check-collector.json" '
assert d["source"] == "collector" and d["sources"][0]["collector_url"].startswith("http://127.0.0.1:"), d["sources"]
assert {s["source"] for s in d["sessions"]} == {"collector"}, d'

# --- BIRD: a real BIRD 1.6 on its own control socket (one peer that never answers).
if [ -x "$BIRD" ]; then
  bport=$(( 22000 + $$ % 20000 ))
  cat > "$W/bird.conf" <<CONF
router id 192.0.2.10;
listen bgp address 127.0.0.1 port $bport;
protocol device { scan time 10; }
protocol bgp Global_127_0_0_2 {
  local as 64601; multihop;
  neighbor 127.0.0.2 port $((bport + 1)) as 14907;
  source address 127.0.0.1;
  connect delay time 1; connect retry time 2;
}
CONF
  "$BIRD" -f -c "$W/bird.conf" -s "$W/bird.ctl" -P "$W/bird.pid" 2> "$W/bird.err" &
  bird_pid=$!
  for _ in $(seq 1 100); do [ -S "$W/bird.ctl" ] && break; sleep 0.1; done
  run "bird" 0 "$W/bird.json" -- -o json bird --socket "$W/bird.ctl" \
    && valid "bird" bird_result "$W/bird.json"
  "$BGPWATCH" -o json check --source bird --bird-socket "$W/bird.ctl" --since none > "$W/check-bird.json" 2> "$W/check-bird.err"
  valid "check --source bird" check_result "$W/check-bird.json"
  assert "check --source bird: source bird with its socket" "$W/check-bird.json" '
assert d["source"] == "bird" and d["sources"][0]["sockets"], d["sources"]
assert {s["source"] for s in d["sessions"]} <= {"bird"}, d'
else
  n=$((n + 1)); fail=$((fail + 1)); echo "FAIL: $BIRD is missing (Debian package bird)"
fi

echo "$n checks, $docs JSON documents validated, $fail failed"
[ "$fail" = 0 ]

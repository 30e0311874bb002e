# tests/lib/false_ready_collector.sh: a stand-in collector for the
# false-READY cases (tests/e2e/false_ready/4*-collector-*.sh), sourced after
# tests/e2e/false_ready/lib.sh.
#   fc_template MUTATION  -> $FR_WORK/t.json: a healthy /v1/sessions for
#                            kubernetes1003 (both routers, v4 + v6, up 60 s,
#                            polled 2 s ago, the collector's clock = ours),
#                            changed by the python statements MUTATION on
#                            `doc` ("" = healthy). Times are "@now+N",
#                            stamped at each request (fake_collector.py).
#   fc_start              -> starts tests/lib/fake_collector.py, sets FC_URL
#   fc_control [ARGS...]  -> the healthy reply through the same path must be
#                            READY (exit 0), so the case after it can fail
#                            at all; a failure counts against the case.
#   FC_ARGS               -> the check's arguments up to --collector URL
: "${BGPWATCH:?}" "${BGPWATCH_SOURCE_DIR:?}" "${FR_WORK:?}" "${FR_REPLAY:?}"
FC_PID=
trap '[ -n "$FC_PID" ] && kill "$FC_PID" 2>/dev/null' EXIT

fc_template() {
  /usr/bin/python3 - "$FR_WORK/t.json" "$1" <<'PY'
import json, sys
def router(name):
    return {"name": name, "site": "eqiad", "polled": True, "ok": True, "error": None,
            "polled_at": "@now-2", "poll_age_seconds": 2.0}
def session(router, address, family):
    # With the neighbor detail a real collector serves (issue 14): --collector
    # defaults to --require routes, so the healthy reply has End-of-RIB in.
    nlri = "inet-unicast" if family == "ipv4" else "inet6-unicast"
    return {"router": router, "site": "eqiad", "address": address, "family": family, "peer_as": 64601,
            "state": "Established", "uptime_seconds": 60, "flaps": 1, "input_messages": 10,
            "output_messages": 10, "output_queue": 0, "description": None, "node": "kubernetes1003.eqiad.wmnet",
            "ribs": [{"name": "inet.0" if family == "ipv4" else "inet6.0", "active": 1, "received": 1,
                      "accepted": 1, "damped": 0, "state": "BGP restart is complete"}],
            "source": "collector", "up_since": "@now-62",
            "last_state": "OpenConfirm", "last_error": "None", "peer_flags": ["Sync"],
            "options": ["Preference", "GracefulRestart"], "restart_time_received": 120, "stale_route_time": 300,
            "restart_negotiated": [nlri], "end_of_rib_received": [nlri], "end_of_rib_sent": [nlri],
            "restart_flags_received": "Notification", "stale_routes_expire_at": None}
doc = {"now": "@now", "routers": [router("cr1-eqiad"), router("cr2-eqiad")], "sessions": [
    session(r, a, f) for r in ("cr1-eqiad", "cr2-eqiad")
    for a, f in (("10.64.32.23", "ipv4"), ("2620:0:861:103:10:64:32:23", "ipv6"))]}
exec(sys.argv[2])
json.dump(doc, open(sys.argv[1], "w"))
PY
}

fc_start() {
  fc_template ""
  /usr/bin/python3 "$BGPWATCH_SOURCE_DIR/tests/lib/fake_collector.py" "$FR_WORK/port" "$FR_WORK/t.json" &
  FC_PID=$!
  for _ in $(seq 1 100); do [ -s "$FR_WORK/port" ] && break; sleep 0.05; done
  FC_URL=http://127.0.0.1:$(cat "$FR_WORK/port" 2>/dev/null)
  FC_ARGS=(--config "$FR_REPLAY/config.yaml" check --node kubernetes1003 --collector "$FC_URL")
}

fc_control() {
  fc_template ""
  local rc=0
  "$BGPWATCH" "${FC_ARGS[@]}" "$@" > "$FR_OUT" 2> "$FR_ERR" < /dev/null || rc=$?
  FR_CHECKS=$((FR_CHECKS + 1))
  if [ "$rc" != 0 ]; then
    FR_FAILS=$((FR_FAILS + 1))
    echo "FAIL control: the healthy collector reply gives exit $rc, want 0 (the case proves nothing)"
    sed 's/^/  | /' "$FR_OUT" "$FR_ERR" | tail -n 20
    return 1
  fi
  echo "ok   control: the healthy reply is READY (exit 0)"
}

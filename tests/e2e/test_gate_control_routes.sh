#!/usr/bin/env bash
# The simulator's control-file restart (netconf/sim/control.hpp) with
# route-level readiness (issue 14), scenario
# fixtures/scenarios/gate-control-eor.json: the test restarts kubernetes1003's
# calico-node through the control file (sessions Idle at T, Established at
# T+4 s on both routers) and `wait-established --since @T` under the default
# --require routes must hold through the Established-without-End-of-RIB
# window (End-of-RIB comes 6 s after the session) and go ready only after
# it; the restart also shows in the stale-route budget while the sessions are
# down. Causality is asserted (reasons seen in order, the ready poll's time
# after End-of-RIB), not wall-clock figures.
: "${BGPWATCH_SOURCE_DIR:?set by CTest}"
. "$BGPWATCH_SOURCE_DIR/tests/lib/gate_e2e.sh" || exit 1
sshd_require_root
SC=$SCENARIOS/gate-control-eor.json
export SSHD_START=$(date +%s)
sshd_init
GATE_WORK=$SSHD_DIR CONFIG=$SSHD_DIR/config.yaml OUT=$SSHD_DIR/out ERR=$SSHD_DIR/err
CONTROL=$SSHD_DIR/control.jsonl
: > "$CONTROL"
for r in cr1-eqiad cr2-eqiad; do
  sshd_start_router "$r" "$SC" --control "$CONTROL" || { echo "FAIL: cannot start $r"; exit 1; }
done
sshd_write_config "$CONFIG" "$SC"
trap sshd_cleanup EXIT

gate_run "before the restart: ready under routes" 0 -- check --node kubernetes1003

# The restart, 1 s from now: Idle at T, Established at T+4, End-of-RIB at T+10.
T=$(( $(date +%s) + 1 ))
printf '{"node": "kubernetes1003", "at_unix": %s, "script": "restart", "up_after": 4}\n' "$T" >> "$CONTROL"
gate_run "wait through the restart until End-of-RIB" 0 -- --format json wait-established --node kubernetes1003 \
  --since "@$T" --interval 1s --timeout 90s
gate_expect '"event":"result"' && gate_expect '"ready":true'
gate_expect '"stale_routes_expire_at":"20[0-9-]+T[0-9:.]+Z"'   # polls while down
gate_expect '"reason":"awaiting_end_of_rib"'                    # polls between T+4 and T+10
/usr/bin/python3 - "$OUT" "$T" <<'PY' || gate_fail "order of the polls"
import json, sys, datetime
t = int(sys.argv[2])
def unix(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
seen = []   # first poll time of each phase
for line in open(sys.argv[1]):
    e = json.loads(line)
    reasons = {s.get("reason") for s in e.get("sessions", [])}
    phase = ("ready" if e.get("event") == "result" and e.get("ready") else
             "awaiting_end_of_rib" if "awaiting_end_of_rib" in reasons else
             "down" if any(s.get("stale_routes_expire_at") for s in e.get("sessions", [])) else None)
    if phase and phase not in [p for p, _ in seen]:
        seen.append((phase, unix(e.get("now") or e.get("time"))))
names = [p for p, _ in seen]
assert names[-1] == "ready", names
assert "awaiting_end_of_rib" in names and names.index("awaiting_end_of_rib") < names.index("ready"), names
ready_at = dict(seen)["ready"]
# End-of-RIB arrives 6 s after Established (T+4): never ready before T+10.
assert ready_at >= t + 10 - 0.5, (ready_at - t, names)
print("ok   phases in order:", ", ".join("%s at T%+.1fs" % (p, at - t) for p, at in seen))
PY
gate_done

#!/usr/bin/env bash
# bgpwatch summary against two simulated Junos routers behind real sshd:
# cr1-eqiad speaks EOM (base:1.0), cr2-eqiad chunked (base:1.1). Every
# session of the demo scenario comes back, annotated with its node.
set -euo pipefail
. "$BGPWATCH_SOURCE_DIR/tests/lib/sshd.sh"
SC=$BGPWATCH_FIXTURES/scenarios/demo-eqiad.json
# Clock anchored 100 s before now: the kubernetes1003 restart (t=2..16 s) is over.
SSHD_START=$(( $(date +%s) - 100 ))
sshd_init
sshd_start_router cr1-eqiad "$SC"
sshd_start_router cr2-eqiad "$SC"
sshd_write_config "$SSHD_DIR/config.yaml" "$SC"

fail() { echo "FAIL: $*" >&2; exit 1; }

rc=0
timeout 120 "$BGPWATCH" --config "$SSHD_DIR/config.yaml" --format json summary > "$SSHD_DIR/out.json" || rc=$?
[ "$rc" = 0 ] || { cat "$SSHD_DIR/out.json"; fail "summary exited $rc, want 0"; }

/usr/bin/python3 - "$SSHD_DIR/out.json" <<'PY' || exit 1
import json, sys
out = json.load(open(sys.argv[1]))
routers = {r["name"]: r for r in out["routers"]}
assert sorted(routers) == ["cr1-eqiad", "cr2-eqiad"], routers
for r in routers.values():
    assert r["ok"] is True and r["error"] is None, r
    assert r["site"] == "eqiad", r
    assert r["polled_at"].endswith("Z"), r
    assert isinstance(r["duration_ms"], int) and r["duration_ms"] >= 0, r
sess = out["sessions"]
assert len(sess) == 24, "want 24 sessions (2 routers x 6 nodes x 2 families), got %d" % len(sess)
by = {(s["router"], s["address"]): s for s in sess}
for router in ("cr1-eqiad", "cr2-eqiad"):
    s = by[(router, "10.64.32.23")]
    assert s["node"] == "kubernetes1003.eqiad.wmnet", s
    assert s["site"] == "eqiad", s
    assert s["state"] == "Established", s
    assert s["peer_as"] == 64601, s
    # restarted at t=2 (cr1) / t=3 (cr2), Established again at t=15 / t=16, clock at ~t=100
    lag = 0 if router == "cr1-eqiad" else 1
    assert 100 - 15 - lag - 30 <= s["uptime_seconds"] <= 100 - 15 - lag + 60, s
    assert s["flaps"] == 3, s
    v6 = by[(router, "2620:0:861:103:10:64:32:23")]
    assert v6["family"] == "ipv6" and v6["node"] == "kubernetes1003.eqiad.wmnet", v6
    old = by[(router, "10.64.0.145")]
    assert old["uptime_seconds"] > 12 * 7 * 86400, old
    assert old["ribs"] == [{"name": "inet.0", "active": 1, "received": 1, "accepted": 1, "damped": None}] or \
           old["ribs"][0]["accepted"] == 1, old
print("ok: 24 sessions, both framings")
PY

# Text output: a header, both routers ok, kubernetes1003 on both routers.
timeout 120 "$BGPWATCH" --config "$SSHD_DIR/config.yaml" summary > "$SSHD_DIR/out.txt" || fail "text summary exited $?"
grep -Eq '^cr1-eqiad +eqiad +ok ' "$SSHD_DIR/out.txt" || { cat "$SSHD_DIR/out.txt"; fail "cr1-eqiad not ok in text"; }
grep -Eq '^cr2-eqiad +eqiad +ok ' "$SSHD_DIR/out.txt" || { cat "$SSHD_DIR/out.txt"; fail "cr2-eqiad not ok in text"; }
[ "$(grep -c 'kubernetes1003.eqiad.wmnet' "$SSHD_DIR/out.txt")" = 4 ] || { cat "$SSHD_DIR/out.txt"; fail "want 4 kubernetes1003 sessions"; }

# --router filters; an unknown router is a usage error (2).
timeout 120 "$BGPWATCH" --config "$SSHD_DIR/config.yaml" --format json summary --router cr2-eqiad > "$SSHD_DIR/one.json"
[ "$(/usr/bin/python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); print(len(o["routers"]), len(o["sessions"]))' "$SSHD_DIR/one.json")" = "1 12" ] \
  || fail "--router cr2-eqiad: want 1 router and 12 sessions"
rc=0; "$BGPWATCH" --config "$SSHD_DIR/config.yaml" summary --router nope > /dev/null 2> "$SSHD_DIR/err" || rc=$?
[ "$rc" = 2 ] || fail "--router nope exited $rc, want 2"
grep -q "no router 'nope'" "$SSHD_DIR/err" || fail "--router nope: message missing"
echo PASS

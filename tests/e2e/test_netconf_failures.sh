#!/usr/bin/env bash
# Every NETCONF/SSH failure, each on its own simulated router behind a real
# sshd, all polled together by one `bgpwatch summary`: each broken router
# gets its specific, actionable error (and no sessions: they are Unknown,
# never stale), the healthy ones still answer, exit is 3, and the whole
# poll ends within its deadline (connect 3s + 2 x rpc 8s + 1s): a slow or
# dead router never delays the others.
set -euo pipefail
. "$BGPWATCH_SOURCE_DIR/tests/lib/sshd.sh"
SC=$BGPWATCH_FIXTURES/scenarios/faults.json
sshd_init

for r in r-ok r-ok-chunked r-slow r-warning r-drop r-truncate-eom r-truncate-chunk r-bad-chunk r-garbage \
         r-msgid r-rpc-error r-oversize r-never r-hostkey-unknown r-hostkey-changed; do
  sshd_start_router "$r" "$SC"
done
sshd_known_hosts_forget r-hostkey-unknown
sshd_known_hosts_wrong r-hostkey-changed
# Refused: a port nobody listens on.
SSHD_PORTS[r-refused]=$(sshd_free_port)
# Black hole: SYNs dropped, the TCP connect never completes.
sshd_blackhole r-blackhole
# Auth refused: this sshd knows another client key only.
cp "$SSHD_DIR/other_ed25519.pub" "$SSHD_DIR/authorized_keys_other"
SSHD_AUTHORIZED_KEYS=$SSHD_DIR/authorized_keys_other sshd_start_router r-auth "$SC"
# Subsystem refused: an sshd without a netconf subsystem.
sshd_start_subsystem r-no-subsystem ""

SSHD_CONNECT_TIMEOUT=${T_CONNECT:-3s} SSHD_RPC_TIMEOUT=${T_RPC:-8s} SSHD_MAX_REPLY_BYTES=65536 \
  sshd_write_config "$SSHD_DIR/config.yaml" "$SC"

start_ms=$(( $(date +%s%N) / 1000000 ))
rc=0
timeout 60 "$BGPWATCH" --config "$SSHD_DIR/config.yaml" --format json summary > "$SSHD_DIR/out.json" \
  2> "$SSHD_DIR/err.log" || rc=$?
elapsed_ms=$(( $(date +%s%N) / 1000000 - start_ms ))
echo "summary took ${elapsed_ms}ms, exit $rc"
[ "$rc" = 3 ] || { cat "$SSHD_DIR/err.log" "$SSHD_DIR/out.json"; echo "FAIL: exit $rc, want 3" >&2; exit 1; }
# Deadline 3 + 2*8 + 1 = 20 s; allow process start-up on a loaded machine.
[ "$elapsed_ms" -lt 26000 ] || { echo "FAIL: summary took ${elapsed_ms}ms, bound is 20s (+6s slack)" >&2; exit 1; }

fp() { ssh-keygen -lf "$1" | awk '{print $2}'; }
HOST_FP=$(fp "$SSHD_DIR/host_ed25519.pub") \
SSHD_DIR=$SSHD_DIR PORT_REFUSED=${SSHD_PORTS[r-refused]} PORT_BH=${SSHD_PORTS[r-blackhole]} \
/usr/bin/python3 - "$SSHD_DIR/out.json" <<'PY'
import json, os, sys
out = json.load(open(sys.argv[1]))
routers = {r["name"]: r for r in out["routers"]}
sessions = {}
for s in out["sessions"]:
    sessions.setdefault(s["router"], []).append(s)
d = os.environ["SSHD_DIR"]
fp = os.environ["HOST_FP"]
expect = {
    "r-refused": ["r-refused (127.0.0.1:%s): TCP connection refused" % os.environ["PORT_REFUSED"],
                  "set system services netconf ssh"],
    "r-blackhole": ["r-blackhole (127.0.0.1:%s): TCP connect timed out" % os.environ["PORT_BH"],
                    "raise netconf.connect_timeout"],
    "r-auth": ["authentication refused for user 'root' with key %s/id_ed25519" % d],
    "r-hostkey-unknown": ["(ssh-ed25519 %s) is not in %s/known_hosts" % (fp, d), "never trusts on first use"],
    "r-hostkey-changed": ["CHANGED: the router presented ssh-ed25519 %s, which differs from %s/known_hosts" % (fp, d),
                          "man-in-the-middle"],
    "r-no-subsystem": ["the SSH server refused the 'netconf' subsystem", "set system services netconf ssh"],
    "r-drop": ["the server closed the session before sending the reply to <get-bgp-summary-information>"],
    "r-truncate-eom": ["the server closed the session in the middle of the reply to <get-bgp-summary-information>",
                       "(truncated eom frame)"],
    "r-truncate-chunk": ["the server closed the session in the middle of the reply to <get-bgp-summary-information>",
                         "(truncated chunked frame)"],
    "r-bad-chunk": ["bad chunk header '\\n#12ab\\n<rpc-reply/>\\n##\\n': RFC 6242 4.2 wants a chunk size"],
    "r-garbage": ["the reply to <get-bgp-summary-information>: reply is not well-formed XML"],
    "r-msgid": ["reply is for message-id 1999, expected 1", "reopened at the next poll"],
    "r-rpc-error": ["<get-bgp-summary-information> failed on the router: simulated permission denied",
                    "login class allows get-bgp-summary-information"],
    "r-oversize": ["message larger than the limit of 65536 bytes", "max_reply_bytes"],
    "r-never": ["timed out waiting for the reply to <get-bgp-summary-information> (0 bytes received)",
                "raise netconf.rpc_timeout"],
}
bad = []
for name, needles in expect.items():
    r = routers[name]
    if r["ok"] is not False:
        bad.append("%s: ok=%r, want false" % (name, r["ok"]))
        continue
    for n in needles:
        if n not in (r["error"] or ""):
            bad.append("%s: error %r lacks %r" % (name, r["error"], n))
    if not r["error"].startswith(name + " ("):
        bad.append("%s: error does not start with the router name: %r" % (name, r["error"]))
    if sessions.get(name):
        bad.append("%s: failed router still has sessions %r" % (name, sessions[name]))
    if r["polled_at"] is not None:
        bad.append("%s: polled_at %r for a failed router" % (name, r["polled_at"]))
for name in ("r-ok", "r-ok-chunked", "r-slow", "r-warning"):
    r = routers[name]
    if not (r["ok"] is True and r["error"] is None):
        bad.append("%s: want ok, got %r" % (name, r))
    elif [s["address"] for s in sessions.get(name, [])] != ["10.64.32.23"]:
        bad.append("%s: want one session, got %r" % (name, sessions.get(name)))
    elif sessions[name][0]["node"] != "kubernetes1003.eqiad.wmnet" or sessions[name][0]["state"] != "Established":
        bad.append("%s: session %r" % (name, sessions[name][0]))
# Secrets: no private key material in any output.
key = open(d + "/id_ed25519").read().splitlines()[1]
if key in json.dumps(out):
    bad.append("private key material in the output")
if bad:
    print("FAIL:\n  " + "\n  ".join(bad))
    sys.exit(1)
print("ok: %d failures each with its message; 4 healthy routers answered" % len(expect))
PY
key_line=$(sed -n 2p "$SSHD_DIR/id_ed25519")
if grep -qF "$key_line" "$SSHD_DIR/err.log"; then echo "FAIL: key material in the log" >&2; exit 1; fi
echo PASS

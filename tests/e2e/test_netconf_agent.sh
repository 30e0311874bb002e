#!/usr/bin/env bash
# Authentication through ssh-agent (no netconf.private_key): the agent's
# key is accepted; with no agent there is a precise "no credential" error;
# an agent holding only a key the router does not know is refused.
set -euo pipefail
. "$BGPWATCH_SOURCE_DIR/tests/lib/sshd.sh"
command -v ssh-agent >/dev/null || { echo "SKIP: ssh-agent missing"; exit 77; }
SC=$BGPWATCH_FIXTURES/scenarios/demo-eqiad.json
sshd_init
sshd_start_router cr1-eqiad "$SC"
SSHD_USE_AGENT=1 sshd_write_config "$SSHD_DIR/config.yaml" "$SC"
grep -q private_key "$SSHD_DIR/config.yaml" && { echo "FAIL: config still has private_key"; exit 1; }

fail() { echo "FAIL: $*" >&2; exit 1; }
run() { timeout 60 env "$@" "$BGPWATCH" --config "$SSHD_DIR/config.yaml" --format json summary --router cr1-eqiad; }

# 1. agent with the right key
ssh-agent -a "$SSHD_DIR/agent.sock" -D > /dev/null 2>&1 &
SSHD_PIDS+=($!)
for i in $(seq 1 100); do [ -S "$SSHD_DIR/agent.sock" ] && break; sleep 0.05; done
SSH_AUTH_SOCK=$SSHD_DIR/agent.sock ssh-add -q "$SSHD_DIR/id_ed25519"
rc=0; run SSH_AUTH_SOCK="$SSHD_DIR/agent.sock" > "$SSHD_DIR/ok.json" 2>&1 || rc=$?
[ "$rc" = 0 ] || { cat "$SSHD_DIR/ok.json"; fail "agent auth: exit $rc"; }
grep -q '"ok": true' "$SSHD_DIR/ok.json" || fail "agent auth: router not ok"

# 2. no key configured, no agent
# A local mistake (issue 13): exit 2 before any connection, said on stderr.
rc=0; run -u SSH_AUTH_SOCK > "$SSHD_DIR/none.json" 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "no credential: exit $rc, want 2"
grep -q 'no credential: netconf.private_key is not set and no ssh-agent is reachable (SSH_AUTH_SOCK unset)' \
  "$SSHD_DIR/none.json" || { cat "$SSHD_DIR/none.json"; fail "no credential: message"; }

# 3. agent with a key the router does not know
SSH_AUTH_SOCK=$SSHD_DIR/agent.sock ssh-add -q -D
SSH_AUTH_SOCK=$SSHD_DIR/agent.sock ssh-add -q "$SSHD_DIR/other_ed25519"
rc=0; run SSH_AUTH_SOCK="$SSHD_DIR/agent.sock" > "$SSHD_DIR/wrong.json" 2>/dev/null || rc=$?
[ "$rc" = 3 ] || fail "wrong agent key: exit $rc, want 3"
grep -q "authentication refused for user '$SSHD_USER' with the keys of ssh-agent" "$SSHD_DIR/wrong.json" \
  || { cat "$SSHD_DIR/wrong.json"; fail "wrong agent key: message"; }
echo PASS

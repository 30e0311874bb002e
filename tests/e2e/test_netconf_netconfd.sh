#!/usr/bin/env bash
# Interop: our NETCONF client reads <get> and <get-config> from netconfd
# (Debian yuma123) behind a private sshd, over base:1.1 and base:1.0 (the
# checks are the hidden [.netconfd] Catch2 test in tests/netconf). netconfd
# is started per run with its files in the temp dir and stopped by PID; our
# client never asks <get-schema>, which avoids netconfd's known crash.
set -euo pipefail
. "$BGPWATCH_SOURCE_DIR/tests/lib/sshd.sh"
[ -x /usr/sbin/netconfd ] || { echo "SKIP: netconfd missing"; exit 77; }
sshd_init
port=$(sshd_free_port)
mkdir -p "$SSHD_DIR/yuma"
HOME=$SSHD_DIR/yuma /usr/sbin/netconfd --ncxserver-sockname="$SSHD_DIR/ncxserver.sock" --port="$port" \
  --no-startup --superuser="$SSHD_USER" --log="$SSHD_DIR/netconfd.log" --log-level=info \
  > "$SSHD_DIR/netconfd.out" 2>&1 &
SSHD_PIDS+=($!)
for i in $(seq 1 200); do [ -S "$SSHD_DIR/ncxserver.sock" ] && break; sleep 0.05; done
[ -S "$SSHD_DIR/ncxserver.sock" ] || { cat "$SSHD_DIR/netconfd.out" "$SSHD_DIR/netconfd.log" 2>/dev/null; echo "FAIL: netconfd did not start"; exit 1; }
SSHD_NEXT_PORT=$port sshd_start_subsystem netconfd \
  /usr/sbin/netconf-subsystem "--ncxserver-sockname=$port@$SSHD_DIR/ncxserver.sock"

NETCONFD_PORT=$port NETCONFD_USER=$SSHD_USER NETCONFD_KEY=$SSHD_DIR/id_ed25519 \
NETCONFD_KNOWN_HOSTS=$SSHD_DIR/known_hosts \
  timeout 300 "$BGPWATCH_BUILD_DIR/tests/test_netconf" -w NoTests "[.netconfd]" || {
    tail -20 "$SSHD_DIR/netconfd.log" 2>/dev/null; echo "FAIL: client vs netconfd"; exit 1; }
echo PASS

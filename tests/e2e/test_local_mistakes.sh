#!/usr/bin/env bash
# tests/e2e/test_local_mistakes.sh: local mistakes fail fast (issue 13 item 7).
# A missing or unprotected private key, a passphrase-protected key with no
# ssh-agent, a missing known_hosts file, an unreadable kubeconfig or token
# file: exit 2 before any network I/O, with a message that says what to fix.
# The router is 192.0.2.10 (TEST-NET-1, nothing answers): a check that got
# past the local checks would wait for its connect timeout and exit 3.
# Each case prints its wall time; the test asserts exit codes and messages,
# never timings. The encrypted-key cases run on a pseudo-terminal, where
# OpenSSL used to prompt for the passphrase and hang.
set -uo pipefail
BGPWATCH=${BGPWATCH:?}
CHECK=$(dirname "$BGPWATCH")/check_bgpwatch
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
unset SSH_AUTH_SOCK

ssh-keygen -q -t ed25519 -N '' -f "$work/key" >/dev/null
ssh-keygen -q -t ed25519 -N 'secret pass' -f "$work/enc-openssh" >/dev/null
ssh-keygen -q -t rsa -b 2048 -m PEM -N 'secret pass' -f "$work/enc-pem" >/dev/null
printf 'this is not a key\n' > "$work/garbage"; chmod 600 "$work/garbage"
: > "$work/known_hosts"

# conf NAME NETCONF_LINES [EXTRA_YAML]: a config whose only router is on TEST-NET-1.
conf() {
  cat > "$work/$1.yaml" <<EOF
sites:
  eqiad:
    asn: 64601
    routers: [{name: cr1-eqiad, host: 192.0.2.10, port: 830}]
netconf:
  username: bgpwatch
  connect_timeout: 5s
$2
inventory:
  static:
    kubernetes1003.eqiad.wmnet: {site: eqiad, addresses: [10.64.32.23]}
${3:-}
EOF
  echo "$work/$1.yaml"
}

# expect NAME WANT_RC PATTERN CMD...: run with a pseudo-terminal as the
# controlling terminal (setsid + pty), stdin from /dev/null, 20 s at most.
expect() {
  local name=$1 want=$2 pattern=$3; shift 3
  local t0 t1 rc=0 out
  t0=$(date +%s%N)
  out=$(timeout 20 /usr/bin/python3 -c '
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
data = b""
while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    data += chunk
_, status = os.waitpid(pid, 0)
sys.stdout.write(data.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
' "$@" < /dev/null 2>&1) || rc=$?
  t1=$(date +%s%N)
  local ms=$(( (t1 - t0) / 1000000 ))
  if [ "$rc" = "$want" ] && grep -q -- "$pattern" <<<"$out"; then
    echo "ok: $name: exit $rc in ${ms} ms"
  else
    echo "FAIL: $name: exit $rc in ${ms} ms, want $want and /$pattern/"; echo "$out" | sed 's/^/  | /'; fail=1
  fi
}

KH="  known_hosts: $work/known_hosts"
gate() { echo "$BGPWATCH" --config "$1" check --node kubernetes1003; }

c=$(conf missing-key "  private_key: $work/nokey
$KH")
# shellcheck disable=SC2046
expect "missing private key" 2 "netconf.private_key $work/nokey does not exist" $(gate "$c")
expect "missing private key (summary)" 2 "netconf.private_key $work/nokey does not exist" \
  "$BGPWATCH" --config "$c" summary
expect "missing private key (nrpe: UNKNOWN)" 3 "BGPWATCH UNKNOWN - netconf.private_key $work/nokey does not exist" \
  "$CHECK" --config "$c" --node kubernetes1003

cp "$work/key" "$work/key644"; chmod 644 "$work/key644"
c=$(conf open-key "  private_key: $work/key644
$KH")
# shellcheck disable=SC2046
expect "private key readable by others" 2 \
  "netconf.private_key $work/key644 is accessible by group/others (mode 0644): run chmod 600 $work/key644" $(gate "$c")

for k in enc-openssh enc-pem; do
  c=$(conf "$k" "  private_key: $work/$k
$KH")
  # shellcheck disable=SC2046
  expect "passphrase-protected key ($k), no agent, on a tty" 2 \
    "netconf.private_key $work/$k is passphrase-protected and no ssh-agent is reachable (SSH_AUTH_SOCK unset)" \
    $(gate "$c")
done

c=$(conf garbage "  private_key: $work/garbage
$KH")
# shellcheck disable=SC2046
expect "not a key" 2 "netconf.private_key $work/garbage is not a private key libssh can read" $(gate "$c")

c=$(conf no-known-hosts "  private_key: $work/key
  known_hosts: $work/none/known_hosts")
# shellcheck disable=SC2046
expect "missing known_hosts" 2 "netconf.known_hosts $work/none/known_hosts does not exist" $(gate "$c")

c=$(conf no-credential "$KH")
# shellcheck disable=SC2046
expect "no key, no agent" 2 \
  "no credential: netconf.private_key is not set and no ssh-agent is reachable (SSH_AUTH_SOCK unset)" $(gate "$c")

c=$(conf no-kubeconfig "  private_key: $work/key
$KH" "  kubernetes: {kubeconfig: $work/kubeconfig}")
# shellcheck disable=SC2046
expect "missing kubeconfig" 2 "inventory.kubernetes: " $(gate "$c")

printf 'tok\n' > "$work/token"; chmod 604 "$work/token"
c=$(conf open-token "  private_key: $work/key
$KH" "collector_client: {token_file: $work/token}")
expect "collector token readable by others" 2 "run chmod 600 $work/token" \
  "$BGPWATCH" --config "$c" check --node kubernetes1003 --collector http://127.0.0.1:9
exit $fail

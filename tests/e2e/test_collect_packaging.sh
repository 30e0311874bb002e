#!/usr/bin/env bash
# tests/e2e/test_collect_packaging.sh: packaging/systemd/bgpwatch-collector.service
# passes `systemd-analyze verify` (with ExecStart pointed at this build), has
# the sandboxing the README promises, and packaging/config.example.yaml is a
# config the collector starts with.
set -uo pipefail
BGPWATCH=${BGPWATCH:?}
SRC=${BGPWATCH_SOURCE_DIR:?}
UNIT=$SRC/packaging/systemd/bgpwatch-collector.service
fail=0
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT

if command -v systemd-analyze >/dev/null; then
  sed "s|/usr/bin/bgpwatch|$BGPWATCH|" "$UNIT" > "$work/bgpwatch-collector.service"
  # --man=no: the unit's Documentation= pages exist once installed (the
  # Debian package test verifies the installed unit with them).
  if out=$(systemd-analyze verify --man=no "$work/bgpwatch-collector.service" 2>&1) && [ -z "$out" ]; then
    echo "ok: systemd-analyze verify: clean"
  else
    echo "FAIL: systemd-analyze verify:"; echo "$out"; fail=1
  fi
else
  echo "note: systemd-analyze missing, unit not verified"
fi
for want in '^DynamicUser=yes$' '^NoNewPrivileges=yes$' '^ProtectSystem=strict$' \
            '^LoadCredential=netconf-key:/etc/bgpwatch/ssh/id_ed25519$' '^ExecReload=/bin/kill -HUP \$MAINPID$' \
            '^ExecStart=/usr/bin/bgpwatch --config /etc/bgpwatch/config.yaml collect$'; do
  grep -Eq "$want" "$UNIT" || { echo "FAIL: unit lacks /$want/"; fail=1; }
done
grep -q '^  private_key: /run/credentials/bgpwatch-collector.service/netconf-key$' "$SRC/packaging/config.example.yaml" \
  || { echo "FAIL: example config does not read the key from the credential"; fail=1; }

# The example config loads: the collector starts with it (and stops on SIGTERM).
# Its key and known_hosts live where systemd puts them; here they are a
# fresh key (mode 0600) and an empty known_hosts in $work: the collector
# checks both before it starts (issue 13: local mistakes fail fast).
ssh-keygen -q -t ed25519 -N '' -f "$work/key" >/dev/null
: > "$work/known_hosts"
sed -e "s|/run/credentials/bgpwatch-collector.service/netconf-key|$work/key|" \
    -e "s|/etc/bgpwatch/ssh/known_hosts|$work/known_hosts|" \
    "$SRC/packaging/config.example.yaml" > "$work/example.yaml"
"$BGPWATCH" --config "$work/example.yaml" collect --listen 127.0.0.1:0 2> "$work/log" &
pid=$!
for _ in $(seq 1 100); do grep -q 'listening on 127.0.0.1:' "$work/log" && break; sleep 0.1; done
if grep -q 'listening on 127.0.0.1:' "$work/log"; then
  echo "ok: the collector starts with packaging/config.example.yaml"
else
  echo "FAIL: collector did not start with the example config"; cat "$work/log"; fail=1
fi
kill -TERM "$pid"; wait "$pid"; rc=$?; pid=
[ "$rc" = 0 ] || { echo "FAIL: exit $rc after SIGTERM"; fail=1; }
# A key others can read is refused at start, naming the chmod (exit 2).
chmod 644 "$work/key"
out=$("$BGPWATCH" --config "$work/example.yaml" collect --listen 127.0.0.1:0 2>&1); rc=$?
if [ "$rc" = 2 ] && grep -q "run chmod 600 $work/key" <<<"$out"; then
  echo "ok: a 0644 private key is refused at start (exit 2)"
else
  echo "FAIL: 0644 key: rc=$rc $out"; fail=1
fi
# A broken config is refused at start with file:line (exit 2).
printf 'sites: {eqiad: {asn: x}}\n' > "$work/bad.yaml"
out=$("$BGPWATCH" --config "$work/bad.yaml" collect 2>&1); rc=$?
if [ "$rc" = 2 ] && grep -q "bad.yaml:1" <<<"$out"; then echo "ok: bad config refused at start (exit 2)"; else echo "FAIL: bad config: rc=$rc $out"; fail=1; fi
exit $fail

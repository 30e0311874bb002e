#!/usr/bin/env bash
# --since auto from BIRD (issue 13, SPEC "Additions"): with a node view
# (--source bird), when calico-node last started is BIRD's own "Last
# reboot" (show status), judged against BIRD's clock. A real BIRD 1.6 runs
# here on its own control socket (no kernel protocol, one BGP peer that
# never answers). The Kubernetes path is in tests/e2e/false_ready/11-*.
set -uo pipefail
: "${BGPWATCH:?}" "${BGPWATCH_SOURCE_DIR:?}"
BIRD=/usr/sbin/bird # Debian package `bird` (packaging/debian-packages.txt)
[ -x "$BIRD" ] || { echo "FAIL: $BIRD is missing"; exit 1; }
work=$(mktemp -d)
bird_pid=
cleanup() { [ -n "$bird_pid" ] && kill "$bird_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
fail=0 n=0
port=$(( 21000 + $$ % 20000 ))
cat > "$work/bird.conf" <<CONF
router id 192.0.2.10;
listen bgp address 127.0.0.1 port $port;
protocol device { scan time 10; }
protocol bgp Global_127_0_0_2 {
  local as 64601; multihop;
  neighbor 127.0.0.2 port $((port + 1)) as 14907;
  source address 127.0.0.1;
  connect delay time 1; connect retry time 2;
  import all; export all;
}
CONF
started=$(date +%s)
"$BIRD" -f -c "$work/bird.conf" -s "$work/bird.ctl" -P "$work/bird.pid" 2> "$work/bird.err" &
bird_pid=$!
for i in $(seq 1 100); do [ -S "$work/bird.ctl" ] && break; sleep 0.1; done
[ -S "$work/bird.ctl" ] || { echo "FAIL: BIRD did not start: $(cat "$work/bird.err")"; exit 1; }
sleep 2 # let "Last reboot" be clearly in the past

# t NAME EXIT REGEX -- ARGS
t() {
  local name=$1 want=$2 re=$3; shift 4
  n=$((n + 1))
  "$BGPWATCH" "$@" > "$work/out" 2> "$work/err" < /dev/null; local rc=$?
  if [ "$rc" != "$want" ] || ! grep -Eq -- "$re" "$work/out" "$work/err"; then
    echo "FAIL $name: exit $rc (want $want), output /$re/?"; sed 's/^/  | /' "$work/out" "$work/err"
    fail=$((fail + 1)); return 1
  fi
  echo "ok   $name (exit $rc)"
}

sock=$work/bird.ctl
re_from="auto: BIRD [0-9.]+ at $sock last started [0-9T:.-]+Z \(show status: Last reboot\)"
t "check --since auto: from BIRD's Last reboot" 1 "since [0-9T:.-]+Z \($re_from\)" -- \
  check --source bird --bird-socket "$sock" --since auto
# The instant is BIRD's start, to the second (BIRD prints whole seconds).
since=$(sed -n 's/.*, since \([0-9T:.-]*Z\) (auto: BIRD.*/\1/p' "$work/out" | head -1)
got=$(date -u -d "$since" +%s 2>/dev/null || echo 0)
n=$((n + 1))
if [ $((got - started)) -lt -2 ] || [ $((got - started)) -gt 2 ]; then
  echo "FAIL auto since $since is not BIRD's start (@$started)"; fail=$((fail + 1))
else
  echo "ok   auto since $since is BIRD's start (@$started, within 2 s)"
fi
t "wait-established defaults to auto and says so at the start" 1 "^bgpwatch wait-established: --since [0-9T:.-]+Z \($re_from\)$" -- \
  wait-established --source bird --bird-socket "$sock" --interval 500ms --timeout 2s
t "... and in the report" 1 "^since: $re_from$" -- \
  wait-established --source bird --bird-socket "$sock" --interval 500ms --timeout 2s
t "JSON: since and since_from" 1 "\"since_from\": *\"$re_from\"" -- \
  --format json check --source bird --bird-socket "$sock" --since auto
t "no BIRD to ask: refuses, names the ways out" 2 \
  "--since auto: cannot tell when calico-node last started on this node \(.*BIRD: .*\)\. Say it: --since -2m .* or --since none" -- \
  wait-established --source bird --bird-socket "$work/none.ctl" --timeout 2s
t "--since none: no restart check, said" 1 "^since: none \(--since none: no restart check\)$" -- \
  wait-established --source bird --bird-socket "$sock" --since none --interval 500ms --timeout 1s
echo "since auto: $n run, $fail failed"
[ "$fail" = 0 ]

#!/usr/bin/env bash
# tests/bench/measure_deadlines.sh: how far past (or before) its deadline
# each command ends when the network does not answer (issue 13 item 8):
#   wait-established / gate --timeout T must exit by T + 200 ms;
#   nrpe -t T must print its UNKNOWN line by T - 300 ms.
# Two ways a router can hang: DNS that never answers (the router is a name;
# resolv.conf points at an address whose packets are dropped) and a TCP
# connect that never completes (a TEST-NET-1 address, dropped the same way).
# Runs in a private network namespace (root; take the lab lock):
#   sudo flock /tmp/bgpwatch-lab.lock bash tests/bench/measure_deadlines.sh [T_SECONDS]
# Prints one line per case: the wall time from start to exit (and to the
# first byte of output for nrpe), and the margin against the rule.
set -uo pipefail
BGPWATCH=${BGPWATCH:?path to bgpwatch}
# No leak scan at exit: it is not the tool's time (an ASan build's exit
# otherwise spends 100+ ms in LeakSanitizer).
export ASAN_OPTIONS=detect_leaks=0
CHECK=$(dirname "$BGPWATCH")/check_bgpwatch
T=${1:-3}
NS=bwdeadline$$
work=$(mktemp -d)
cleanup() { ip netns del "$NS" 2>/dev/null; rm -rf "/etc/netns/$NS" "$work"; }
trap cleanup EXIT
[ "$(id -u)" = 0 ] || { echo "needs root (network namespace)"; exit 1; }
mkdir -p "/etc/netns/$NS"
echo "nameserver 10.99.0.53" > "/etc/netns/$NS/resolv.conf"   # bind-mounted by ip netns exec
ip netns add "$NS"
ip -n "$NS" link set lo up
# Everything off-box goes to a gateway whose MAC nobody has: out of v0, into
# its peer v1 (same namespace, no address), dropped there. Silently: no
# ICMP, no ARP failure (the neighbour entry is permanent).
ip -n "$NS" link add v0 type veth peer name v1
ip -n "$NS" addr add 10.99.0.1/24 dev v0
ip -n "$NS" link set v0 up
ip -n "$NS" link set v1 up
ip -n "$NS" neigh add 10.99.0.254 lladdr 02:00:00:00:00:01 dev v0 nud permanent
ip -n "$NS" route add default via 10.99.0.254

ssh-keygen -q -t ed25519 -N '' -f "$work/key" >/dev/null
: > "$work/known_hosts"
conf() { # NAME HOST
  cat > "$work/$1.yaml" <<EOF
sites:
  eqiad: {asn: 64601, routers: [{name: cr1-eqiad, host: "$2", port: 830}]}
netconf: {username: bgpwatch, private_key: $work/key, known_hosts: $work/known_hosts, connect_timeout: 30s, rpc_timeout: 30s}
inventory:
  static:
    kubernetes1003.eqiad.wmnet: {site: eqiad, addresses: [10.64.32.23]}
EOF
  echo "$work/$1.yaml"
}
DNS=$(conf dns cr1-eqiad.example.org)
TCP=$(conf tcp 192.0.2.10)

# run LABEL RULE LIMIT_MS CMD...: REPEAT runs; wall time from spawn to exit
# and to the first byte of stdout, min and max, and the worst margin.
REPEAT=${REPEAT:-3}
run() {
  local label=$1 rule=$2 limit=$3; shift 3
  /usr/bin/python3 - "$label" "$rule" "$limit" "$REPEAT" "$@" <<'PY'
import subprocess, sys, time
label, rule, limit, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
exits, firsts, rcs, line = [], [], set(), ""
for _ in range(repeat):
    t0 = time.monotonic()
    p = subprocess.Popen(sys.argv[5:], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    first = p.stdout.read(1)
    t_first = time.monotonic()
    rest = p.stdout.read()
    rcs.add(p.wait())
    t_exit = time.monotonic()
    exits.append(int((t_exit - t0) * 1000))
    firsts.append(int((t_first - t0) * 1000))
    line = ((first + rest).decode(errors="replace").splitlines() or [""])[0]
worst = max(exits) if "exit" in rule else max(firsts)
print(f"{label:42s} exit {sorted(rcs)} after {min(exits)}-{max(exits)} ms, first output {min(firsts)}-{max(firsts)} ms; "
      f"{rule}: worst margin {limit - worst:+d} ms | {line[:100]}")
PY
}
TMS=$((T * 1000))
# What starting the binary costs on this machine now (an ASan build is
# ~380 MB): every figure below includes it.
run "baseline: bgpwatch --version" "none" 999999 ip netns exec "$NS" "$BGPWATCH" --version
# --since none where the build has --since auto as the default (issue 13 item 6).
SINCE=()
help=$("$BGPWATCH" wait-established --help 2>&1 || true)
grep -q -- '--since none\|none' <<<"$help" && SINCE=(--since none)
for kind in DNS TCP; do
  c=${!kind}
  run "wait-established --timeout ${T}s ($kind hangs)" "exit <= T+200ms" $((TMS + 200)) \
    ip netns exec "$NS" "$BGPWATCH" --config "$c" wait-established --node kubernetes1003 "${SINCE[@]}" --timeout "${T}s" --interval 1s
  run "gate --timeout ${T}s ($kind hangs)" "exit <= T+200ms" $((TMS + 200)) \
    ip netns exec "$NS" "$BGPWATCH" --config "$c" gate --node kubernetes1003 "${SINCE[@]}" --timeout "${T}s" --interval 1s -- true
  run "check ($kind hangs, connect_timeout 30s)" "none (one poll)" 999999 \
    ip netns exec "$NS" timeout 40 "$BGPWATCH" --config "$c" check --node kubernetes1003
  run "nrpe -t $T ($kind hangs)" "output <= T-300ms" $((TMS - 300)) \
    ip netns exec "$NS" "$CHECK" --config "$c" --node kubernetes1003 -t "$T"
done

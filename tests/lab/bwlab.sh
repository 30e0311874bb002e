#!/usr/bin/env bash
# tests/lab/bwlab.sh - the bgpwatch BGP lab: real daemons in network namespaces.
#
# One core router "cr1-eqiad" (FRR bgpd) and one or two Calico-like Kubernetes
# workers (BIRD 1.6: `bird` for IPv4, `bird6` for IPv6, as calico-node runs
# them), each in a namespace of its own, joined by veth pairs to a bridge in
# the router's namespace:
#
#   ${PREFIX}-rtr   : br0  10.64.0.1/24  2620:0:861:101::1/64     zebra + bgpd
#   ${PREFIX}-nodeN : eth0 10.64.0.1N/24 2620:0:861:101:10:64:0:1N/64  bird + bird6
#
# Addresses exist only inside the namespaces. Every file (configs, control
# sockets, pid files, logs, captures in progress) lives under $BWLAB_DIR.
# Every process is started by this script, recorded in a pid file and stopped
# by that pid (checked against its command name) - never by name.
#
# Used by tests/lab/make-captures.sh (fixtures/pcap) and by the real-daemon
# e2e tests (tests/e2e/test_lab_*). Needs root. `bwlab.sh help` for usage.
set -u -o pipefail

PREFIX=${BWLAB_PREFIX:-bw}
LAB=${BWLAB_DIR:-${TMPDIR:-/tmp}/bwlab-$PREFIX}
FRR_LIBEXEC=${FRR_LIBEXEC:-/usr/lib/frr}
RTR_NS=$PREFIX-rtr
RTR_V4=10.64.0.1
RTR_V6=2620:0:861:101::1

die() { echo "bwlab: error: $*" >&2; exit 1; }
warn() { echo "bwlab: warning: $*" >&2; }
say() { [ "${BWLAB_QUIET:-0}" = 1 ] || echo "bwlab: $*" >&2; }

# ------------------------------------------------------------------ parameters
# Given in the environment to `up`, saved in $LAB/lab.env, read back by every
# other subcommand so that one lab is always driven with the values it has.
PARAMS="NODES ROUTER_AS NODE_AS ROUTER_PEER_AS HOLD KEEPALIVE ADD_PATHS GRACEFUL_RESTART AF GR_TIME ROUTER_GR"
defaults() {
  NODES=${NODES:-1}                       # 1 or 2 workers
  ROUTER_AS=${ROUTER_AS:-14907}           # cr1-eqiad's AS
  NODE_AS=${NODE_AS:-64601}               # the site's node AS (SPEC example)
  ROUTER_PEER_AS=${ROUTER_PEER_AS:-$NODE_AS} # what the router expects; != NODE_AS -> Bad Peer AS
  HOLD=${HOLD:-90}                        # router hold time (Junos default)
  KEEPALIVE=${KEEPALIVE:-30}
  ADD_PATHS=${ADD_PATHS:-on}              # Calico bird.cfg: "add paths on"
  GRACEFUL_RESTART=${GRACEFUL_RESTART:-on} # Calico bird.cfg: "graceful restart"; off|aware
  AF=${AF:-both}                          # which BIRD daemons run: both|ipv4|ipv6
  GR_TIME=${GR_TIME:-}                    # BIRD "graceful restart time N" (empty: BIRD's 120 s default)
  ROUTER_GR=${ROUTER_GR:-helper}          # FRR: helper (FRR's default) | on ("bgp graceful-restart")
}
load_params() {
  # shellcheck disable=SC1091
  [ -f "$LAB/lab.env" ] && . "$LAB/lab.env"
  defaults
}
save_params() {
  local p
  mkdir -p "$LAB"
  for p in $PARAMS; do echo "$p=${!p}"; done > "$LAB/lab.env"
}

node_ns() { echo "$PREFIX-node$1"; }
node_v4() { echo "10.64.0.1$1"; }
node_v6() { echo "2620:0:861:101:10:64:0:1$1"; }
# Calico IPAM blocks the node announces (/26 for IPv4, /122 for IPv6).
node_blocks_v4() { echo "10.67.$((127 + $1)).0/26 10.67.$((127 + $1)).64/26"; }
node_blocks_v6() { echo "2620:0:861:cabe:$1::/122"; }
node_families() { case $AF in ipv4) echo bird;; ipv6) echo bird6;; *) echo "bird bird6";; esac; }

# ------------------------------------------------------------------ helpers
need_root() { [ "$(id -u)" = 0 ] || die "needs root (network namespaces)"; }
need_cmds() {
  local c missing=()
  for c in "$@"; do command -v "$c" >/dev/null 2>&1 || missing+=("$c"); done
  [ ${#missing[@]} = 0 ] || die "missing: ${missing[*]} (Debian: apt-get install bird frr tcpdump iproute2)"
}
ns_exists() { [ -e "/run/netns/$1" ]; }
in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
poll() { # poll TENTHS CMD...: run CMD every 0.1 s until it succeeds or TENTHS pass
  local n=$1 i; shift
  for ((i = 0; i < n; i++)); do "$@" && return 0; sleep 0.1; done
  return 1
}

# pid_of PIDFILE COMM: the pid in PIDFILE if that process is alive and is COMM.
pid_of() {
  local pid
  [ -s "$1" ] || return 1
  pid=$(tr -dc 0-9 < "$1")
  [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ] || return 1
  echo "$pid"
}
gone() { [ "$(cat "/proc/$1/comm" 2>/dev/null)" != "$2" ]; }
# stop PIDFILE COMM [SIGNAL]: signal, wait up to 10 s, then SIGKILL.
stop() {
  local pid sig=${3:-TERM}
  pid=$(pid_of "$1" "$2") || { rm -f "$1"; return 0; }
  kill "-$sig" "$pid" 2>/dev/null
  kill -CONT "$pid" 2>/dev/null # a paused daemon cannot act on TERM
  if ! poll 100 gone "$pid" "$2"; then
    warn "$2 ($pid) ignored SIG$sig; sending KILL"
    kill -KILL "$pid" 2>/dev/null
    poll 20 gone "$pid" "$2"
  fi
  rm -f "$1"
}

# ------------------------------------------------------------------ network
net_up() {
  local n ns
  ns_exists "$RTR_NS" || ip netns add "$RTR_NS" || die "cannot create netns $RTR_NS"
  in_ns "$RTR_NS" ip link set lo up
  in_ns "$RTR_NS" ip link show br0 >/dev/null 2>&1 || in_ns "$RTR_NS" ip link add br0 type bridge stp_state 0
  in_ns "$RTR_NS" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 >/dev/null
  in_ns "$RTR_NS" ip addr replace $RTR_V4/24 dev br0
  in_ns "$RTR_NS" ip -6 addr replace $RTR_V6/64 dev br0 nodad
  in_ns "$RTR_NS" ip link set br0 up
  for n in $(seq 1 "$NODES"); do
    ns=$(node_ns "$n")
    ns_exists "$ns" || ip netns add "$ns" || die "cannot create netns $ns"
    in_ns "$ns" ip link set lo up
    in_ns "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 >/dev/null
    if ! in_ns "$RTR_NS" ip link show "node$n" >/dev/null 2>&1; then
      # both ends are born in the router namespace; one moves to the node
      in_ns "$RTR_NS" ip link add "node$n" type veth peer name "eth0-n$n" || die "cannot create veth node$n"
      in_ns "$RTR_NS" ip link set "eth0-n$n" netns "$ns"
      in_ns "$ns" ip link set "eth0-n$n" name eth0
    fi
    in_ns "$RTR_NS" ip link set "node$n" master br0 up
    in_ns "$ns" ip addr replace "$(node_v4 "$n")/24" dev eth0
    in_ns "$ns" ip -6 addr replace "$(node_v6 "$n")/64" dev eth0 nodad
    in_ns "$ns" ip link set eth0 up
  done
}

# ------------------------------------------------------------------ router: FRR
frr_conf() {
  local n a
  echo "frr defaults traditional"
  echo "hostname cr1-eqiad"
  echo "log file $LAB/rtr/bgpd.log informational"
  echo "ip prefix-list default-only seq 5 permit 0.0.0.0/0"
  echo "ipv6 prefix-list default-only6 seq 5 permit ::/0"
  echo "router bgp $ROUTER_AS"
  echo " bgp router-id $RTR_V4"
  echo " bgp log-neighbor-changes"
  echo " no bgp ebgp-requires-policy"
  echo " no bgp default ipv4-unicast"
  echo " no bgp network import-check"
  echo " timers bgp $KEEPALIVE $HOLD"
  if [ "$ROUTER_GR" = on ]; then
    echo " bgp graceful-restart"
    echo " bgp graceful-restart preserve-fw-state"
  fi
  for n in $(seq 1 "$NODES"); do
    for a in "$(node_v4 "$n")" "$(node_v6 "$n")"; do
      echo " neighbor $a remote-as $ROUTER_PEER_AS"
      echo " neighbor $a description kubernetes node$n"
    done
  done
  echo " address-family ipv4 unicast"
  for n in $(seq 1 "$NODES"); do
    a=$(node_v4 "$n")
    echo "  neighbor $a activate"
    echo "  neighbor $a default-originate"
    echo "  neighbor $a prefix-list default-only out"
  done
  echo " exit-address-family"
  echo " address-family ipv6 unicast"
  for n in $(seq 1 "$NODES"); do
    a=$(node_v6 "$n")
    echo "  neighbor $a activate"
    echo "  neighbor $a default-originate"
    echo "  neighbor $a prefix-list default-only6 out"
  done
  echo " exit-address-family"
}

router_start() {
  local d=$LAB/rtr
  [ -x "$FRR_LIBEXEC/bgpd" ] || die "no FRR bgpd at $FRR_LIBEXEC (apt-get install frr)"
  mkdir -p "$d"
  echo "hostname cr1-eqiad" > "$d/zebra.conf"
  frr_conf > "$d/bgpd.conf"
  chown -R frr:frr "$d" && chmod 0755 "$LAB" "$d" # FRR drops privileges to frr
  if ! pid_of "$d/zebra.pid" zebra >/dev/null; then
    rm -f "$d/zserv.api"
    in_ns "$RTR_NS" "$FRR_LIBEXEC/zebra" -d -f "$d/zebra.conf" -i "$d/zebra.pid" -z "$d/zserv.api" \
      --vty_socket "$d" -P 0 -u frr -g frr >>"$d/zebra.out" 2>&1 || die "zebra did not start (see $d/zebra.out)"
    poll 50 test -S "$d/zserv.api" || warn "zebra socket did not appear"
  fi
  if ! pid_of "$d/bgpd.pid" bgpd >/dev/null; then
    rm -f "$d/bgpd.vty"
    in_ns "$RTR_NS" "$FRR_LIBEXEC/bgpd" -d -f "$d/bgpd.conf" -i "$d/bgpd.pid" -z "$d/zserv.api" \
      --vty_socket "$d" -P 0 -u frr -g frr >>"$d/bgpd.out" 2>&1 || die "bgpd did not start (see $d/bgpd.out)"
    poll 50 test -S "$d/bgpd.vty" || die "bgpd vty socket did not appear (see $d/bgpd.log)"
  fi
}
router_stop() {
  stop "$LAB/rtr/bgpd.pid" bgpd
  stop "$LAB/rtr/zebra.pid" zebra
}
vtysh_run() { # each argument is one vtysh command
  local args=() c
  [ -S "$LAB/rtr/bgpd.vty" ] || die "bgpd is not running (bwlab.sh up)"
  for c in "$@"; do args+=(-c "$c"); done
  vtysh --vty_socket "$LAB/rtr" -d bgpd "${args[@]}"
}
router_config() { vtysh_run "configure terminal" "router bgp $ROUTER_AS" "$@"; }

# ------------------------------------------------------------------ nodes: BIRD 1.6
# The shape of calico/node's confd templates bird.cfg / bird6.cfg (BIRD 1.6):
# a static protocol blackholing the node's IPAM blocks, a kernel protocol with
# graceful restart, an export filter that lets only the blocks out, and one
# "Global_<peer>" BGP protocol per router from bgp_template.
bird_conf() { # bird_conf N bird|bird6
  local n=$1 fam=$2 b peer local_addr blocks
  if [ "$fam" = bird ]; then
    peer=$RTR_V4 local_addr=$(node_v4 "$n") blocks=$(node_blocks_v4 "$n")
  else
    peer=$RTR_V6 local_addr=$(node_v6 "$n") blocks=$(node_blocks_v6 "$n")
  fi
  echo "# bwlab node$n $fam: modelled on calico/node's confd $fam.cfg"
  echo "log \"$LAB/node$n/$fam.log\" all;"
  echo "router id $(node_v4 "$n");"
  echo "filter calico_export_to_bgp_peers {"
  for b in $blocks; do echo "  if ( net = $b ) then { accept; }"; done
  echo "  reject;"
  echo "}"
  echo "filter calico_kernel_programming { accept; }"
  echo "protocol static {"
  for b in $blocks; do echo "  route $b blackhole;"; done
  echo "}"
  cat <<EOF
protocol kernel {
  learn;
  persist;
  scan time 2;
  import all;
  export filter calico_kernel_programming;
  graceful restart;
  merge paths on;
}
protocol device { debug { states }; scan time 2; }
protocol direct { debug { states }; interface -"cali*", -"kube-ipvs*", "*"; }
template bgp bgp_template {
  debug { states };
  description "Connection to BGP peer";
  local as $NODE_AS;
  multihop;
  gateway recursive;
  import all;
  export filter calico_export_to_bgp_peers;
$([ "$ADD_PATHS" = on ] && echo "  add paths on;")
$(case $GRACEFUL_RESTART in on) echo "  graceful restart;";; off) echo "  graceful restart off;";; esac)
$([ "$GRACEFUL_RESTART" = on ] && [ -n "$GR_TIME" ] && echo "  graceful restart time $GR_TIME;")
  connect delay time 2;
  connect retry time 5;
  error wait time 5,30;
}
protocol bgp Global_$(echo "$peer" | tr '.:' '__') from bgp_template {
  neighbor $peer as $ROUTER_AS;
  source address $local_addr;
}
EOF
}

node_start() { # node_start N [bird|bird6 ...]: like calico-node, `bird -R -s SOCK -c CFG`
  local n=$1 d=$LAB/node$1 fam; shift
  ns_exists "$(node_ns "$n")" || die "node$n does not exist (bwlab.sh up)"
  mkdir -p "$d"
  for fam in ${*:-$(node_families)}; do
    pid_of "$d/$fam.pid" "$fam" >/dev/null && continue
    bird_conf "$n" "$fam" > "$d/$fam.conf"
    "$fam" -p -c "$d/$fam.conf" 2>"$d/$fam.out" || die "$fam config: $(cat "$d/$fam.out")"
    rm -f "$d/$fam.ctl" "$d/$fam.pid"
    in_ns "$(node_ns "$n")" "$fam" -R -c "$d/$fam.conf" -s "$d/$fam.ctl" -P "$d/$fam.pid" >>"$d/$fam.out" 2>&1 \
      || die "$fam did not start on node$n (see $d/$fam.out)"
    poll 50 test -S "$d/$fam.ctl" || die "$fam control socket did not appear"
    poll 20 test -s "$d/$fam.pid" || true
  done
}
node_stop() { # node_stop N [SIGNAL]: both daemons at once, like a container stop
  local n=$1 sig=${2:-TERM} fam
  for fam in bird bird6; do stop "$LAB/node$n/$fam.pid" "$fam" "$sig" & done
  wait
  rm -f "$LAB/node$n/bird.ctl" "$LAB/node$n/bird6.ctl"
}
birdc_run() { # birdc_run N bird|bird6 CMD...
  local n=$1 fam=$2 cli=birdc; shift 2
  [ "$fam" = bird6 ] && cli=birdc6
  [ -S "$LAB/node$n/$fam.ctl" ] || die "$fam is not running on node$n"
  "$cli" -s "$LAB/node$n/$fam.ctl" "$@"
}

# ------------------------------------------------------------------ state
# neighbor_state ADDR -> "STATE ESTABLISHED_COUNT" from the router's JSON
neighbor_state() {
  vtysh_run "show bgp neighbors $1 json" 2>/dev/null | /usr/bin/python3 -c '
import json, sys
try:
    v = next(iter(json.load(sys.stdin).values()), {})
except Exception:
    v = {}
print(v.get("bgpState", "Unknown"), v.get("connectionsEstablished", 0))'
}
peers() { # the node addresses the router peers with, for the running daemons
  local n
  for n in $(seq 1 "$NODES"); do
    case $AF in ipv4) node_v4 "$n";; ipv6) node_v6 "$n";; *) node_v4 "$n"; node_v6 "$n";; esac
  done
}
all_established() {
  local a
  for a in "$@"; do [ "$(neighbor_state "$a" | cut -d' ' -f1)" = Established ] || return 1; done
}
wait_established() { # wait_established SECONDS [ADDR...]
  local secs=$1; shift
  [ $# -gt 0 ] || set -- $(peers)
  poll $((secs * 10)) all_established "$@"
}

# ------------------------------------------------------------------ subcommands
cmd_up() {
  need_root; need_cmds ip bird bird6 birdc vtysh
  if [ -f "$LAB/lab.env" ] && ns_exists "$RTR_NS"; then
    # a running lab is never reconfigured: asked-for values must match it
    local p
    declare -A asked=()
    for p in $PARAMS; do [ -n "${!p:-}" ] && asked[$p]=${!p}; done
    unset $PARAMS
    load_params
    for p in "${!asked[@]}"; do
      [ "${asked[$p]}" = "${!p}" ] || die "lab $PREFIX is up with $p=${!p} (asked ${asked[$p]}); run down first"
    done
  else
    defaults
  fi
  case $NODES in 1|2) ;; *) die "NODES must be 1 or 2";; esac
  save_params
  net_up
  router_start
  local n
  for n in $(seq 1 "$NODES"); do node_start "$n"; done
  say "up: $RTR_NS (FRR AS $ROUTER_AS, expects $ROUTER_PEER_AS), $NODES node(s) AS $NODE_AS, dir $LAB"
  if [ "${WAIT:-1}" = 1 ] && [ "$ROUTER_PEER_AS" = "$NODE_AS" ]; then
    wait_established "${UP_TIMEOUT:-40}" || die "sessions not Established after ${UP_TIMEOUT:-40}s (bwlab.sh status)"
    say "all sessions Established"
  fi
}

cmd_down() {
  need_root
  load_params
  local d n ns f
  for f in "$LAB"/capture-*.pid; do [ -e "$f" ] && stop "$f" tcpdump INT; done
  for d in "$LAB"/node*; do [ -d "$d" ] && node_stop "${d##*/node}"; done
  router_stop
  for n in 2 1; do
    ns=$(node_ns "$n")
    ns_exists "$ns" && ip netns del "$ns"
  done
  ns_exists "$RTR_NS" && ip netns del "$RTR_NS"
  rm -f "$LAB/lab.env"
  say "down (logs kept in $LAB)"
}

cmd_status() {
  load_params
  ns_exists "$RTR_NS" || { echo "lab $PREFIX is down"; return 1; }
  echo "== cr1-eqiad (FRR, AS $ROUTER_AS)"
  vtysh_run "show bgp summary"
  local n fam
  for n in $(seq 1 "$NODES"); do
    for fam in $(node_families); do
      echo "== node$n $fam (AS $NODE_AS)"
      birdc_run "$n" "$fam" show protocols || true
    done
  done
}

cmd_env() { # print what consumers need, as shell assignments
  load_params
  local n
  echo "BWLAB_DIR=$LAB"
  echo "BWLAB_RTR_NS=$RTR_NS"
  echo "BWLAB_RTR_V4=$RTR_V4"
  echo "BWLAB_RTR_V6=$RTR_V6"
  for p in $PARAMS; do echo "BWLAB_$p=${!p}"; done
  for n in $(seq 1 "$NODES"); do
    echo "BWLAB_NODE${n}_NS=$(node_ns "$n")"
    echo "BWLAB_NODE${n}_V4=$(node_v4 "$n")"
    echo "BWLAB_NODE${n}_V6=$(node_v6 "$n")"
    echo "BWLAB_NODE${n}_BIRD_CTL=$LAB/node$n/bird.ctl"
    echo "BWLAB_NODE${n}_BIRD6_CTL=$LAB/node$n/bird6.ctl"
  done
}

cmd_restart_node() { # restart-node [N] [--kill]: stop bird+bird6 and start them again (calico-node restart)
  need_root; load_params
  local n=1 sig=TERM a
  for a in "$@"; do case $a in --kill) sig=KILL;; [12]) n=$a;; *) die "restart-node: bad argument '$a'";; esac; done
  node_stop "$n" "$sig"
  node_start "$n"
  say "node$n BIRD restarted (SIG$sig)"
}

# capture-start NAME FILE [NS [IFACE]]: tcpdump in the background (default: the
# router namespace, br0, i.e. every node's traffic). capture-stop NAME ends it.
cmd_capture_start() {
  need_root; load_params
  local name=${1:-} file=${2:-} ns=${3:-$RTR_NS} ifc=${4:-}
  [ -n "$name" ] && [ -n "$file" ] || die "usage: capture-start NAME FILE [NETNS [IFACE]]"
  [ -n "$ifc" ] || { [ "$ns" = "$RTR_NS" ] && ifc=br0 || ifc=eth0; }
  ns_exists "$ns" || die "no netns $ns"
  local pf=$LAB/capture-$name.pid err=$LAB/capture-$name.err
  pid_of "$pf" tcpdump >/dev/null && die "capture $name is already running"
  # ip netns exec execs tcpdump, so $! is tcpdump's own pid
  ip netns exec "$ns" tcpdump -Z root -U -s 0 -i "$ifc" -w "$file" "${CAPTURE_FILTER:-tcp port 179}" 2>"$err" &
  echo $! > "$pf"
  poll 50 grep -q listening "$err" || { cat "$err" >&2; stop "$pf" tcpdump; die "tcpdump did not start"; }
}
cmd_capture_stop() {
  local name=${1:-} pf
  [ -n "$name" ] || die "usage: capture-stop NAME"
  pf=$LAB/capture-$name.pid
  pid_of "$pf" tcpdump >/dev/null || die "no capture $name running"
  stop "$pf" tcpdump INT
  grep -E 'packets captured' "$LAB/capture-$name.err" >&2 || true
  rm -f "$LAB/capture-$name.err"
}
cmd_capture() { # capture FILE SECONDS [NETNS [IFACE]]: foreground
  local file=${1:-} secs=${2:-}
  [ -n "$file" ] && [ -n "$secs" ] || die "usage: capture FILE SECONDS [NETNS [IFACE]]"
  shift 2
  cmd_capture_start "fg$$" "$file" "$@"
  sleep "$secs"
  cmd_capture_stop "fg$$"
}

cmd_block() { # block|unblock N [router]: blackhole node N -> router (or router -> node N)
  need_root; load_params
  local act=$1 n=${2:-1} side=${3:-node} ns dst4 dst6 op=replace
  [ "$act" = unblock ] && op=del
  if [ "$side" = router ]; then ns=$RTR_NS dst4=$(node_v4 "$n")/32 dst6=$(node_v6 "$n")/128
  else ns=$(node_ns "$n") dst4=$RTR_V4/32 dst6=$RTR_V6/128; fi
  in_ns "$ns" ip route $op blackhole "$dst4" 2>/dev/null || [ $op = del ]
  in_ns "$ns" ip -6 route $op blackhole "$dst6" 2>/dev/null || [ $op = del ]
  say "$act: traffic from $ns to $dst4 $dst6"
}

cmd_pause() { # pause|resume node N | router: SIGSTOP/SIGCONT (the peer's hold timer then expires)
  need_root; load_params
  local act=$1 what=${2:-} n=${3:-1} sig=STOP fam pid
  [ "$act" = resume ] && sig=CONT
  case $what in
    node) for fam in $(node_families); do
            pid=$(pid_of "$LAB/node$n/$fam.pid" "$fam") || die "$fam is not running on node$n"
            kill -$sig "$pid"; done;;
    router) pid=$(pid_of "$LAB/rtr/bgpd.pid" bgpd) || die "bgpd is not running"; kill -$sig "$pid";;
    *) die "usage: $act node N | router";;
  esac
  say "$act $what $([ "$what" = node ] && echo "$n")"
}

usage() {
  cat <<EOF
usage: bwlab.sh COMMAND [ARGS]          (lab "$PREFIX", files in $LAB)
  up                         namespaces, FRR router, BIRD node(s); waits for Established
  down                       stop everything this lab started, delete its namespaces
  status                     router 'show bgp summary' and each BIRD's 'show protocols'
  env                        shell assignments: namespaces, addresses, control sockets
  restart-node [N] [--kill]  stop and start node N's bird+bird6 (SIGTERM or SIGKILL)
  stop-node [N] | start-node [N] [bird|bird6]
  stop-router | start-router
  wait-established [SECONDS] [ADDR...]   until the router sees them Established
  state ADDR                 the router's state for a neighbor and its Established count
  capture FILE SECONDS [NETNS [IFACE]]   tcpdump 'tcp port 179' (default router netns, br0)
  capture-start NAME FILE [NETNS [IFACE]] | capture-stop NAME
  birdc N bird|bird6 CMD...  | vtysh CMD... (each argument one command)
  router-config CMD...       'configure terminal; router bgp AS; CMD...'
  block N [router] | unblock N [router]  blackhole routes inside the namespaces
  pause node N | pause router | resume node N | resume router   SIGSTOP/SIGCONT
Environment: BWLAB_PREFIX ($PREFIX: namespaces $RTR_NS, $PREFIX-node1..2), BWLAB_DIR.
For up: NODES=1|2 ROUTER_AS=14907 NODE_AS=64601 ROUTER_PEER_AS=\$NODE_AS HOLD=90 KEEPALIVE=30
  ADD_PATHS=on|off GRACEFUL_RESTART=on|off|aware AF=both|ipv4|ipv6 WAIT=1 UP_TIMEOUT=40
  GR_TIME=SECONDS (BIRD graceful restart time) ROUTER_GR=helper|on (FRR bgp graceful-restart)
For capture: CAPTURE_FILTER='tcp port 179'
EOF
}

main() {
  local cmd=${1:-help}
  shift || true
  case $cmd in
    up) cmd_up "$@";;
    down) cmd_down "$@";;
    status) cmd_status "$@";;
    env) cmd_env;;
    restart-node) cmd_restart_node "$@";;
    stop-node) need_root; load_params; node_stop "${1:-1}" "${2:-TERM}";;
    start-node) need_root; load_params; n=${1:-1}; shift || true; node_start "$n" "$@";;
    stop-router) need_root; load_params; router_stop;;
    start-router) need_root; load_params; router_start;;
    wait-established) load_params; s=${1:-60}; shift || true
      wait_established "$s" "$@" || die "not Established after ${s}s";;
    state) load_params; neighbor_state "${1:?address}";;
    capture) cmd_capture "$@";;
    capture-start) cmd_capture_start "$@";;
    capture-stop) cmd_capture_stop "$@";;
    birdc) load_params; n=${1:-1} f=${2:-bird}; shift 2 || true; birdc_run "$n" "$f" "$@";;
    vtysh) load_params; vtysh_run "$@";;
    router-config) load_params; router_config "$@";;
    block|unblock) cmd_block "$cmd" "$@";;
    pause|resume) cmd_pause "$cmd" "$@";;
    help|-h|--help) usage;;
    *) usage >&2; die "unknown command '$cmd'";;
  esac
}
main "$@"

# tests/lib/sshd.sh: private OpenSSH sshd + bgpwatch-netconf-sim routers for
# end-to-end tests. Source it (bash), then:
#
#   sshd_init                      work dir $SSHD_DIR (mktemp), client key
#                                  $SSHD_DIR/id_ed25519, host key, empty
#                                  known_hosts, authorized_keys; EXIT trap
#                                  cleans up. Sets SSHD_START (UNIX seconds,
#                                  the scenario clock every simulator shares;
#                                  export SSHD_START before to fix it).
#   sshd_start_router NAME SCENARIO [SIM_ARGS...]
#                                  one sshd on a free 127.0.0.1 port whose
#                                  `netconf` subsystem is the simulator as
#                                  router NAME; adds NAME to known_hosts.
#   sshd_start_subsystem NAME CMD...
#                                  same, with any subsystem command (netconfd's
#                                  netconf-subsystem, or nothing: "" = no
#                                  netconf subsystem at all). The sshd takes
#                                  client keys from SSHD_AUTHORIZED_KEYS if
#                                  set (default $SSHD_DIR/authorized_keys), and
#                                  listens on SSHD_NEXT_PORT if set.
#   sshd_blackhole NAME            a 127.0.0.1 port whose accept queue is full
#                                  (SYNs dropped: TCP connect never finishes);
#                                  sets SSHD_PORTS[NAME].
#   sshd_port NAME                 the router's port (SSHD_PORTS[NAME]).
#   sshd_write_config OUT SCENARIO write a bgpwatch YAML config: sites and
#                                  routers {name, host, port} from the
#                                  scenario's "sites" (host SSHD_HOSTS[NAME] or
#                                  127.0.0.1; port SSHD_PORTS[NAME]), netconf
#                                  (user, key, known_hosts, timeouts from
#                                  SSHD_CONNECT_TIMEOUT / SSHD_RPC_TIMEOUT,
#                                  max_reply_bytes from SSHD_MAX_REPLY_BYTES;
#                                  no private_key when SSHD_USE_AGENT is set),
#                                  inventory.static from the scenario "nodes".
#   sshd_known_hosts_forget NAME   remove NAME's line (host key unknown).
#   sshd_known_hosts_wrong NAME    replace NAME's key by another (changed).
#   sshd_free_port                 print a free TCP port on 127.0.0.1.
#   sshd_wait_port PORT            wait (bounded, 5 s) until PORT listens.
#   sshd_cleanup                   kill every daemon started, by PID.
#
# Needs root (sshd), openssh-server, /usr/bin/python3. Tests skip (exit 77)
# when not root. Variables: BGPWATCH_SIM (simulator path), SSHD_USER
# (login, default: the current user).

declare -gA SSHD_PORTS=()
declare -gA SSHD_HOSTS=()
declare -ga SSHD_PIDS=()
SSHD_DIR=${SSHD_DIR:-}

sshd_require_root() {
  if [ "$(id -u)" != 0 ]; then
    echo "SKIP: needs root to run a private sshd" >&2
    exit 77
  fi
  [ -x /usr/sbin/sshd ] || { echo "SKIP: /usr/sbin/sshd missing (openssh-server)" >&2; exit 77; }
}

sshd_init() {
  sshd_require_root
  SSHD_DIR=$(mktemp -d /tmp/bgpwatch-sshd.XXXXXX)
  SSHD_USER=${SSHD_USER:-$(id -un)}
  SSHD_START=${SSHD_START:-$(date +%s)}
  mkdir -p /run/sshd
  ssh-keygen -q -t ed25519 -N '' -C bgpwatch-test-client -f "$SSHD_DIR/id_ed25519"
  ssh-keygen -q -t ed25519 -N '' -C bgpwatch-test-host -f "$SSHD_DIR/host_ed25519"
  ssh-keygen -q -t ed25519 -N '' -C bgpwatch-test-other -f "$SSHD_DIR/other_ed25519"
  cp "$SSHD_DIR/id_ed25519.pub" "$SSHD_DIR/authorized_keys"
  : > "$SSHD_DIR/known_hosts"
  trap sshd_cleanup EXIT
}

sshd_cleanup() {
  local pid
  for pid in "${SSHD_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${SSHD_PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  SSHD_PIDS=()
  if [ -n "$SSHD_DIR" ] && [ -z "${SSHD_KEEP:-}" ]; then
    rm -rf "$SSHD_DIR"
  fi
}

sshd_free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

sshd_wait_port() {
  local port=$1 i
  for i in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      return 0
    fi
    sleep 0.05
  done
  echo "sshd on port $port did not start listening within 5 s" >&2
  return 1
}

sshd_port() {
  echo "${SSHD_PORTS[$1]}"
}

# sshd_start_subsystem NAME CMD... ("" as CMD: no netconf subsystem)
# A free port can be taken by another test between sshd_free_port and
# sshd's bind: wait for sshd's own "Server listening" line (not just an
# open port, which could be someone else's) and retry on a new port if it
# exits instead.
sshd_start_subsystem() {
  local name=$1; shift
  local port conf pid attempt i
  conf=$SSHD_DIR/sshd-$name.conf
  for attempt in 1 2 3 4 5; do
    port=${SSHD_NEXT_PORT:-$(sshd_free_port)}
    {
      echo "Port $port"
      echo "ListenAddress 127.0.0.1"
      echo "HostKey $SSHD_DIR/host_ed25519"
      echo "PidFile $SSHD_DIR/sshd-$name.pid"
      echo "AuthorizedKeysFile ${SSHD_AUTHORIZED_KEYS:-$SSHD_DIR/authorized_keys}"
      echo "PermitRootLogin prohibit-password"
      echo "PasswordAuthentication no"
      echo "KbdInteractiveAuthentication no"
      echo "UsePAM no"
      echo "StrictModes no"
      echo "MaxStartups 200"
      echo "MaxSessions 50"
      echo "LogLevel VERBOSE"
      # sshd runs the subsystem through the login shell; bash then sources
      # ~/.bashrc (it does for sshd sessions when SHLVL < 2), which can take
      # seconds (pyenv init). SHLVL=1 makes bash skip it.
      echo "SetEnv SHLVL=1"
      if [ -n "$*" ]; then
        echo "Subsystem netconf $*"
      fi
    } > "$conf"
    /usr/sbin/sshd -t -f "$conf" || { echo "sshd config for $name is invalid" >&2; return 1; }
    /usr/sbin/sshd -D -e -f "$conf" 2> "$SSHD_DIR/sshd-$name.log" &
    pid=$!
    for i in $(seq 1 200); do
      if grep -q "Server listening on 127.0.0.1 port $port" "$SSHD_DIR/sshd-$name.log" 2>/dev/null; then
        SSHD_PIDS+=("$pid")
        SSHD_PORTS[$name]=$port
        echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$SSHD_DIR/host_ed25519.pub")" >> "$SSHD_DIR/known_hosts"
        return 0
      fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.05
    done
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    [ -z "${SSHD_NEXT_PORT:-}" ] || break
  done
  echo "sshd for $name did not start:" >&2
  cat "$SSHD_DIR/sshd-$name.log" >&2
  return 1
}

# sshd_start_router NAME SCENARIO [SIM_ARGS...]
sshd_start_router() {
  local name=$1 scenario=$2; shift 2
  local sim=${BGPWATCH_SIM:?BGPWATCH_SIM must point at bgpwatch-netconf-sim}
  sshd_start_subsystem "$name" "$sim" --scenario "$(readlink -f "$scenario")" --router "$name" \
    --start "$SSHD_START" "$@"
}

sshd_known_hosts_forget() {
  local port=${SSHD_PORTS[$1]}
  grep -v "^\[127.0.0.1\]:$port " "$SSHD_DIR/known_hosts" > "$SSHD_DIR/known_hosts.new" || true
  mv "$SSHD_DIR/known_hosts.new" "$SSHD_DIR/known_hosts"
}

sshd_known_hosts_wrong() {
  sshd_known_hosts_forget "$1"
  echo "[127.0.0.1]:${SSHD_PORTS[$1]} $(cut -d' ' -f1,2 "$SSHD_DIR/other_ed25519.pub")" >> "$SSHD_DIR/known_hosts"
}

# sshd_write_config OUT SCENARIO
sshd_write_config() {
  local out=$1 scenario=$2 ports="" hosts="" k
  for k in "${!SSHD_PORTS[@]}"; do ports+="$k=${SSHD_PORTS[$k]} "; done
  for k in "${!SSHD_HOSTS[@]}"; do hosts+="$k=${SSHD_HOSTS[$k]} "; done
  SC_PORTS=$ports SC_HOSTS=$hosts SC_DIR=$SSHD_DIR SC_USER=$SSHD_USER \
  SC_CONNECT=${SSHD_CONNECT_TIMEOUT:-5s} SC_RPC=${SSHD_RPC_TIMEOUT:-10s} SC_MAX=${SSHD_MAX_REPLY_BYTES:-} SC_AGENT=${SSHD_USE_AGENT:-} \
  /usr/bin/python3 - "$scenario" > "$out" <<'PY'
import json, os, sys
sc = json.load(open(sys.argv[1]))
ports = dict(kv.split("=", 1) for kv in os.environ["SC_PORTS"].split())
hosts = dict(kv.split("=", 1) for kv in os.environ["SC_HOSTS"].split())
d = os.environ["SC_DIR"]
def router(name):
    # A router with no sshd gets port 1: connection refused, as it should.
    return '{name: %s, host: "%s", port: %s}' % (name, hosts.get(name, "127.0.0.1"), ports.get(name, "1"))
print("# written by tests/lib/sshd.sh from %s" % sys.argv[1])
print("sites:")
for site, s in sc.get("sites", {}).items():
    print("  %s:" % site)
    print("    asn: %d" % s["asn"])
    print("    routers:")
    for r in s.get("routers", []):
        print("      - " + router(r))
    if s.get("subnets"):
        print("    subnets:")
        for prefix, rs in s["subnets"].items():
            print("      %s: [%s]" % (prefix, ", ".join(router(r) for r in rs)))
print("netconf:")
print("  username: %s" % os.environ["SC_USER"])
if not os.environ.get("SC_AGENT"):
    print("  private_key: %s/id_ed25519" % d)
print("  known_hosts: %s/known_hosts" % d)
print("  connect_timeout: %s" % os.environ["SC_CONNECT"])
print("  rpc_timeout: %s" % os.environ["SC_RPC"])
if os.environ.get("SC_MAX"):
    print("  max_reply_bytes: %s" % os.environ["SC_MAX"])
print("inventory:")
nodes = sc.get("nodes", {})
print("  static:" + ("" if nodes else " {}"))
for node, n in sc.get("nodes", {}).items():
    print('    %s: {site: %s, addresses: [%s]}' % (node, n["site"], ", ".join('"%s"' % a for a in n["addresses"])))
PY
}

# A listener that never accepts, with its accept queue filled, so further
# SYNs are dropped by the kernel: a TCP black hole on loopback.
sshd_blackhole() {
  local name=$1 port
  port=$(sshd_free_port)
  /usr/bin/python3 - "$port" "$SSHD_DIR/blackhole-$name.ready" <<'PY' &
import socket, sys, time
port = int(sys.argv[1])
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("127.0.0.1", port)); l.listen(0)
fillers = []
for _ in range(4):
    c = socket.socket(); c.setblocking(False)
    try:
        c.connect(("127.0.0.1", port))
    except BlockingIOError:
        pass
    fillers.append(c)
time.sleep(0.5)
open(sys.argv[2], "w").close()
while True:
    time.sleep(3600)
PY
  SSHD_PIDS+=($!)
  SSHD_PORTS[$name]=$port
  local i
  for i in $(seq 1 100); do
    [ -e "$SSHD_DIR/blackhole-$name.ready" ] && return 0
    sleep 0.05
  done
  echo "black hole for $name did not start" >&2
  return 1
}

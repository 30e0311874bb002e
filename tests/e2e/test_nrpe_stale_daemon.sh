#!/usr/bin/env bash
# tests/e2e/test_nrpe_stale_daemon.sh: the stale-route budget (issue 14)
# through a real NRPE daemon (Debian nagios-nrpe-server) queried with
# check_nrpe, against simulated Junos routers behind a private sshd.
#
# Scenario fixtures/scenarios/nrpe-graceful-restart.json: kubernetes1003's
# calico-node dies at t=10 for good; cr1-eqiad keeps its routes stale for
# 120 s (until t=130), cr2-eqiad for 90 s (until t=100); kubernetes1004 goes
# down without graceful restart. One pair of routers per "world", frozen
# (--now) at t=15, 75, 110 and 140, all running at once; nrpe runs the plugin
# as its own user (nagios under root) on the world's config.
#
# Each case: check_nrpe's exit and output have the plugin's exact shape
# (regex), and equal check_bgpwatch run directly, as the same user, with the
# same command line (the check's own clock runs, so a second may pass
# between the two runs: only the budget figures may differ, by at most 5 s).
# A frozen router's budget is its restart time minus the time down it
# reports, less the time from the request to the verdict (at least a
# fraction of a second: 114 s, not 115, at t=15 on cr1; a loaded machine
# may take a few seconds more, hence 11[0-5]).
# Then: a slow router (the summary answered 6 s late, running clock) must
# not make the budget look longer than it is; the perfdata and the status
# line survive NRPE v2/v3 (1024-byte buffer) and v4 (64 KiB) with a site of
# 160 nodes whose --long output is larger than v4 carries.
set -uo pipefail
BGPWATCH=${BGPWATCH:?}
CHECK=$(dirname "$(readlink -f "$BGPWATCH")")/check_bgpwatch
SRC=${BGPWATCH_SOURCE_DIR:?}
CHECK_NRPE=/usr/lib/nagios/plugins/check_nrpe
. "$SRC/tests/lib/nrpe.sh"
. "$SRC/tests/lib/sshd.sh"
sshd_require_root
[ -x "$NRPE" ] || { echo "SKIP: $NRPE missing (nagios-nrpe-server)"; exit 77; }
[ -x "$CHECK_NRPE" ] || { echo "SKIP: $CHECK_NRPE missing (nagios-nrpe-plugin)"; exit 77; }
id nagios > /dev/null 2>&1 || { echo "SKIP: no nagios user (nagios-nrpe-server)"; exit 77; }
SCENARIO=$SRC/fixtures/scenarios/nrpe-graceful-restart.json
SLOW=$SRC/fixtures/scenarios/nrpe-stale-slow.json

work=$(mktemp -d /tmp/bgpwatch-nrpe-stale.XXXXXX)
chmod 755 "$work"
cleanup() {
  if [ -n "$NRPE_PID" ]; then kill "$NRPE_PID" 2>/dev/null; wait "$NRPE_PID" 2>/dev/null; fi
  sshd_cleanup
  rm -rf "$work"
}
sshd_init
trap cleanup EXIT
# The plugin runs as nagios: its own copy of this test's throw-away client
# key (mode 0600, or the plugin refuses it), known_hosts and the configs.
chmod 755 "$SSHD_DIR"
chmod 644 "$SSHD_DIR/known_hosts"
install -m 600 -o nagios -g nagios "$SSHD_DIR/id_ed25519" "$work/nagios_key"
# nagios_config SCENARIO OUT: sshd_write_config, with nagios's key.
nagios_config() {
  sshd_write_config "$2" "$1"
  sed -i "s|^  private_key: .*|  private_key: $work/nagios_key|" "$2"
  chmod 644 "$2"
}

# world NAME T SCENARIO: cr1-eqiad and cr2-eqiad frozen at scenario time T;
# their config in $work/NAME.yaml.
world() {
  local name=$1 t=$2 scenario=$3
  sshd_start_router cr1-eqiad "$scenario" --now "$(( SSHD_START + t ))" || exit 1
  sshd_start_router cr2-eqiad "$scenario" --now "$(( SSHD_START + t ))" || exit 1
  nagios_config "$scenario" "$work/$name.yaml"
}
world w15 15 "$SCENARIO"
world w75 75 "$SCENARIO"
world w110 110 "$SCENARIO"
world w140 140 "$SCENARIO"

# A site of 160 nodes (IPv4 and IPv6) down at t=10 with graceful restart on
# both routers: 640 long-output lines, ~80 KB with --long.
/usr/bin/python3 - "$SCENARIO" "$work/big.json" <<'PY'
import json, sys
sc = json.load(open(sys.argv[1]))
nodes = {}
for i in range(160):
    name = "kubernetes%d.eqiad.wmnet" % (2001 + i)
    nodes[name] = {"site": "eqiad", "addresses": ["10.64.%d.%d" % (64 + i // 200, 10 + i % 200),
                                                   "2620:0:861:%x:10:64:%d:%d" % (0x140 + i // 200, 64 + i // 200, 10 + i % 200)]}
down = [{"at": -86400, "state": "Established"}, {"at": 10, "state": "Active"}]
routers = {}
for name, restart in (("cr1-eqiad", 120), ("cr2-eqiad", 90)):
    routers[name] = {"framing": "eom" if name == "cr1-eqiad" else "chunked",
                     "node_peers": {"timeline": down,
                                    "graceful_restart": {"restart_time": restart, "stale_route_time": 300,
                                                         "end_of_rib_after": 0}}}
json.dump({"description": "test_nrpe_stale_daemon.sh: 160 nodes down, routes kept stale",
           "sites": sc["sites"], "nodes": nodes, "routers": routers}, open(sys.argv[2], "w"), indent=1)
PY
world big 15 "$work/big.json"

port=$(sshd_free_port)
C="$CHECK -t 60 --config $work"
cat > "$work/nrpe.cfg" <<CFG
log_facility=daemon
debug=0
pid_file=$work/nrpe.pid
server_address=127.0.0.1
server_port=$port
nrpe_user=nagios
nrpe_group=nagios
allowed_hosts=127.0.0.1
dont_blame_nrpe=0
allow_bash_command_substitution=0
command_timeout=90
connection_timeout=300
command[stale_warning]=$C/w15.yaml --node kubernetes1003
command[stale_budget_2m]=$C/w15.yaml --node kubernetes1003 --critical-budget 2m
command[stale_no_gr]=$C/w15.yaml --node kubernetes1004
command[stale_site]=$C/w15.yaml --site eqiad
command[stale_critical]=$C/w75.yaml --node kubernetes1003
command[stale_budget_0]=$C/w75.yaml --node kubernetes1003 --critical-budget 0
command[stale_half_spent]=$C/w110.yaml --node kubernetes1003 --critical-budget 0
command[stale_spent]=$C/w140.yaml --node kubernetes1003
command[stale_big]=$C/big.yaml --site eqiad
command[stale_big_long]=$C/big.yaml --site eqiad --long
command[stale_slow]=$C/slow.yaml --node kubernetes1003
CFG
nrpe_start "$work/nrpe.cfg" "$work/nrpe.log" "$port" 200

fail=0
S4=10.64.32.23 S6=2620:0:861:103:10:64:32:23

# via NAME [check_nrpe options]: check_nrpe's output in $via (with the final
# newline), its exit in $vrc.
via() {
  local name=$1; shift
  via=$("$CHECK_NRPE" -H 127.0.0.1 -p "$port" -t 90 "$@" -c "$name"; echo "rc=$?")
  vrc=${via##*rc=}
  via=${via%rc=*}
}
# direct NAME: the command of NAME run as nagios: $direct, $drc.
direct() {
  local cmd
  cmd=$(sed -n "s/^command\[$1\]=//p" "$work/nrpe.cfg")
  # shellcheck disable=SC2086
  direct=$(cd "$work" && runuser -u nagios -- $cmd; echo "rc=$?")
  drc=${direct##*rc=}
  direct=${direct%rc=*}
}
# same_but_budget A B: equal, or equal once every budget figure ("N s more",
# "stale_budget=Ns") is masked and each pair of figures is within 5 s.
same_but_budget() {
  /usr/bin/python3 - "$1" "$2" <<'PY'
import re, sys
pat = re.compile(r"(?<=kept for )\d+(?= s more)|(?<=, )\d+(?= s more on )|(?<=stale_budget=)\d+(?=s)")
a, b = sys.argv[1], sys.argv[2]
na, nb = pat.findall(a), pat.findall(b)
ok = pat.sub("N", a) == pat.sub("N", b) and len(na) == len(nb) and all(abs(int(x) - int(y)) <= 5 for x, y in zip(na, nb))
sys.exit(0 if ok else 1)
PY
}

# case NAME CODE REGEX [check_nrpe options]: through nrpe, exit CODE and the
# whole output (final newline included) matches REGEX; equal to direct.
case_() {
  local name=$1 code=$2 regex=$3; shift 3
  via "$name" "$@"
  direct "$name"
  if [ "$vrc" != "$code" ]; then
    echo "FAIL: $name $*: exit via nrpe $vrc, want $code"; printf '%s' "$via"; fail=1
  elif ! printf '%s' "$via" | grep -Pzq -- "$regex"; then
    echo "FAIL: $name $*: output does not match /$regex/"; printf '%s' "$via"; fail=1
  elif [ "$drc" != "$vrc" ]; then
    echo "FAIL: $name $*: exit direct $drc, via nrpe $vrc"; fail=1
  elif ! same_but_budget "$direct" "$via"; then
    echo "FAIL: $name $*: check_nrpe's output is not the plugin's"; diff <(printf '%s' "$direct") <(printf '%s' "$via"); fail=1
  else
    echo "ok: $name $* exit $vrc: $(head -n1 <<<"$via" | cut -c1-150)"
  fi
}

for proto in "" "-2"; do
  # shellcheck disable=SC2086
  {
  # t=15: both routers keep the routes (114 s and 84 s left): WARNING,
  # not "not ready"; the long output names router and session, most urgent first.
  case_ stale_warning 1 "^BGPWATCH WARNING - kubernetes1003.eqiad.wmnet: 0/4 sessions established, routes kept for 11[0-5] s more on cr1-eqiad, 8[0-5] s more on cr2-eqiad \| established=0;;;0;4 not_ready=0;;0;0;4 unknown=0;;;0;4 min_uptime=Us;;;0 flaps=4c;;;0 routes_stale=4;;;0;4 stale_budget=8[0-5]s;;30:;0\ncr2-eqiad ipv4 $S4 Active for 5s, routes kept for 8[0-5] s more on cr2-eqiad, 1 flap\ncr2-eqiad ipv6 $S6 Active for 5s, routes kept for 8[0-5] s more on cr2-eqiad, 1 flap\ncr1-eqiad ipv4 $S4 Active for 5s, routes kept for 11[0-5] s more on cr1-eqiad, 1 flap\ncr1-eqiad ipv6 $S6 Active for 5s, routes kept for 11[0-5] s more on cr1-eqiad, 1 flap\n$" $proto
  # --critical-budget 2m: 114 s left is already under it.
  case_ stale_budget_2m 2 "^BGPWATCH CRITICAL - kubernetes1003.eqiad.wmnet: 0/4 sessions established, routes kept for 11[0-5] s more on cr1-eqiad, 8[0-5] s more on cr2-eqiad \|[^\n]* routes_stale=4;;;0;4 stale_budget=8[0-5]s;;120:;0\n" $proto
  # No graceful restart: the routes went with the session.
  case_ stale_no_gr 2 "^BGPWATCH CRITICAL - kubernetes1004.eqiad.wmnet: 0/2 sessions established, 2 not ready \| established=0;;;0;2 not_ready=2;;0;0;2 unknown=0;;;0;2 min_uptime=Us;;;0 flaps=2c;;;0\ncr1-eqiad ipv4 10.64.48.52 Active for 5s, 1 flap\ncr2-eqiad ipv4 10.64.48.52 Active for 5s, 1 flap\n$" $proto
  case_ stale_site 2 "^BGPWATCH CRITICAL - site eqiad: 2 nodes, 0/6 sessions established, 2 not ready, routes kept for 11[0-5] s more on cr1-eqiad, 8[0-5] s more on cr2-eqiad \| nodes=2;;;0 cordoned=0;;;0 established=0;;;0;6 not_ready=2;;0;0;6 unknown=0;;;0;6 min_uptime=Us;;;0 flaps=6c;;;0 routes_stale=4;;;0;6 stale_budget=8[0-5]s;;30:;0 unknown_peers=0;;;0 established_cr1-eqiad=0;;;0;3 not_ready_cr1-eqiad=1;;;0;3 established_cr2-eqiad=0;;;0;3 not_ready_cr2-eqiad=1;;;0;3\nkubernetes1004.eqiad.wmnet cr1-eqiad ipv4 10.64.48.52 Active for 5s, 1 flap\n" $proto
  # t=75: cr2 keeps them 24 s more, under the 30 s budget: CRITICAL.
  case_ stale_critical 2 "^BGPWATCH CRITICAL - kubernetes1003.eqiad.wmnet: 0/4 sessions established, routes kept for 5[0-5] s more on cr1-eqiad, 2[0-5] s more on cr2-eqiad \| established=0;;;0;4 not_ready=0;;0;0;4 unknown=0;;;0;4 min_uptime=Us;;;0 flaps=4c;;;0 routes_stale=4;;;0;4 stale_budget=2[0-5]s;;30:;0\ncr2-eqiad ipv4 $S4 Active for 1m5s, routes kept for 2[0-5] s more on cr2-eqiad, 1 flap\ncr2-eqiad ipv6 $S6 Active for 1m5s, routes kept for 2[0-5] s more on cr2-eqiad, 1 flap\ncr1-eqiad ipv4 $S4 Active for 1m5s, routes kept for 5[0-5] s more on cr1-eqiad, 1 flap\ncr1-eqiad ipv6 $S6 Active for 1m5s, routes kept for 5[0-5] s more on cr1-eqiad, 1 flap\n$" $proto
  case_ stale_budget_0 1 "^BGPWATCH WARNING - kubernetes1003.eqiad.wmnet: 0/4 sessions established, routes kept for 5[0-5] s more on cr1-eqiad, 2[0-5] s more on cr2-eqiad \|[^\n]* stale_budget=2[0-5]s;;;0\n" $proto
  # t=110: cr2's budget is spent (its routes are gone: not ready), cr1
  # keeps them 20 s more (19 once a second passes). CRITICAL for cr2 even with --critical-budget 0.
  case_ stale_half_spent 2 "^BGPWATCH CRITICAL - kubernetes1003.eqiad.wmnet: 0/4 sessions established, 2 not ready, routes kept for (1[0-9]|20) s more on cr1-eqiad \| established=0;;;0;4 not_ready=2;;0;0;4 unknown=0;;;0;4 min_uptime=Us;;;0 flaps=4c;;;0 routes_stale=2;;;0;4 stale_budget=(1[0-9]|20)s;;;0\ncr2-eqiad ipv4 $S4 Active for 1m40s, 1 flap\ncr2-eqiad ipv6 $S6 Active for 1m40s, 1 flap\ncr1-eqiad ipv4 $S4 Active for 1m40s, routes kept for (1[0-9]|20) s more on cr1-eqiad, 1 flap\ncr1-eqiad ipv6 $S6 Active for 1m40s, routes kept for (1[0-9]|20) s more on cr1-eqiad, 1 flap\n$" $proto
  # t=140: both spent; plain not ready, no stale perfdata.
  case_ stale_spent 2 "^BGPWATCH CRITICAL - kubernetes1003.eqiad.wmnet: 0/4 sessions established, 4 not ready \| established=0;;;0;4 not_ready=4;;0;0;4 unknown=0;;;0;4 min_uptime=Us;;;0 flaps=4c;;;0\ncr1-eqiad ipv4 $S4 Active for 2m10s, 1 flap\ncr1-eqiad ipv6 $S6 Active for 2m10s, 1 flap\ncr2-eqiad ipv4 $S4 Active for 2m10s, 1 flap\ncr2-eqiad ipv6 $S6 Active for 2m10s, 1 flap\n$" $proto
  # 640 stale sessions, capped at 1024 bytes: the status line with all its
  # perfdata, the most urgent sessions, then the count of the rest.
  case_ stale_big 1 "^BGPWATCH WARNING - site eqiad: 160 nodes, 0/640 sessions established, routes kept for 11[0-5] s more on cr1-eqiad, 8[0-5] s more on cr2-eqiad \| nodes=160;;;0 cordoned=0;;;0 established=0;;;0;640 not_ready=0;;0;0;640 unknown=0;;;0;640 min_uptime=Us;;;0 flaps=640c;;;0 routes_stale=640;;;0;640 stale_budget=8[0-5]s;;30:;0 unknown_peers=0;;;0 established_cr1-eqiad=0;;;0;320 not_ready_cr1-eqiad=0;;;0;320 established_cr2-eqiad=0;;;0;320 not_ready_cr2-eqiad=0;;;0;320\n(kubernetes2[0-9]{3}.eqiad.wmnet cr2-eqiad ipv[46] [0-9a-f.:]+ Active for 5s, routes kept for 8[0-5] s more on cr2-eqiad, 1 flap\n)+… and 6[0-9]{2} more\n$" $proto
  }
done
# Capped output is never over NRPE v2's 1024 bytes (1023 and the NUL).
via stale_big -2
if [ "$(printf '%s' "$via" | wc -c)" -gt 1024 ]; then
  echo "FAIL: stale_big over v2: $(printf '%s' "$via" | wc -c) bytes"; fail=1
fi

# --long: ~80 KB, more than NRPE v4 carries (64 KiB). NRPE cuts the end:
# the status line, its perfdata and the exit survive, the rest is a prefix
# of the plugin's own output. v2 (and v3 here) carry its first 1023 bytes.
direct stale_big_long
dlen=$(printf '%s' "$direct" | wc -c)
if [ "$drc" != 1 ] || [ "$dlen" -le 65536 ]; then
  echo "FAIL: stale_big_long direct: exit $drc, $dlen bytes (want 1, > 64 KiB)"; fail=1
fi
for proto in "" "-3" "-2"; do
  # shellcheck disable=SC2086
  via stale_big_long $proto
  vlen=$(printf '%s' "$via" | wc -c)
  if [ "$vrc" != "$drc" ]; then
    echo "FAIL: stale_big_long $proto: exit $vrc, direct $drc"; fail=1
  elif ! same_but_budget "$(head -n1 <<<"$direct")" "$(head -n1 <<<"$via")"; then
    echo "FAIL: stale_big_long $proto: status line differs"; diff <(head -n1 <<<"$direct") <(head -n1 <<<"$via"); fail=1
  elif ! head -n1 <<<"$via" | grep -Eq ' stale_budget=8[0-5]s;;30:;0 .* not_ready_cr2-eqiad=0;;;0;320$'; then
    echo "FAIL: stale_big_long $proto: perfdata lost: $(head -n1 <<<"$via")"; fail=1
  elif ! same_but_budget "$(printf '%s' "$direct" | head -c "$(( vlen - 1 ))")" "$(printf '%s' "$via" | head -c "$(( vlen - 1 ))")"; then
    echo "FAIL: stale_big_long $proto: not a prefix of the plugin's output"; fail=1
  else
    echo "ok: stale_big_long $proto exit $vrc: $vlen of $dlen bytes, status line and perfdata intact"
  fi
done

# A slow router: the summary answered 6 s after it was asked (the elapsed
# times measured on arrival), on a running clock. cr2 drops the routes at
# SLOW_START+100: when check_nrpe returns, at most SLOW_START+100-t0-6 s are
# (+1: Junos floors the elapsed time, so the drop may be a second earlier)
# left (t0: when it was called). The budget may not claim more (it did, by
# the 6 s of latency twice, when judged from the check's start and the
# reply's arrival). Under 30 s: CRITICAL.
# The slow routers run on a real clock: scenario t=65 now. Started by hand
# (sshd_start_router would pin them to SSHD_START).
SLOW_START=$(( $(date +%s) - 65 ))
for r in cr1-eqiad cr2-eqiad; do
  sshd_start_subsystem "$r" "${BGPWATCH_SIM:?}" --scenario "$SLOW" --router "$r" --start "$SLOW_START" || exit 1
done
SSHD_RPC_TIMEOUT=30s nagios_config "$SLOW" "$work/slow.yaml"
t0=$(date +%s)
via stale_slow
bound2=$(( SLOW_START + 101 - t0 - 6 )) bound1=$(( SLOW_START + 131 - t0 - 6 ))
first=$(head -n1 <<<"$via")
if [ "$vrc" != 2 ]; then
  echo "FAIL: stale_slow: exit $vrc, want 2"; printf '%s' "$via"; fail=1
elif [[ $first =~ ^"BGPWATCH CRITICAL - kubernetes1003.eqiad.wmnet: 0/4 sessions established, routes kept for "([0-9]+)" s more on cr1-eqiad, "([0-9]+)" s more on cr2-eqiad | ".*" stale_budget="([0-9]+)"s;;30:;0"$ ]]; then
  c1=${BASH_REMATCH[1]} c2=${BASH_REMATCH[2]} b=${BASH_REMATCH[3]}
  if [ "$c1" -gt "$bound1" ] || [ "$c2" -gt "$bound2" ] || [ "$b" != "$c2" ]; then
    echo "FAIL: stale_slow: budget longer than what is left: cr1 $c1 s (at most $bound1), cr2 $c2 s (at most $bound2), stale_budget $b"
    printf '%s' "$via"; fail=1
  else
    echo "ok: stale_slow exit 2: cr1 $c1 s (<= $bound1), cr2 $c2 s (<= $bound2)"
  fi
elif [ "$(date +%s)" -ge $(( SLOW_START + 100 )) ] && [[ $first =~ ^"BGPWATCH CRITICAL - kubernetes1003.eqiad.wmnet: 0/4 sessions established, 2 not ready" ]]; then
  echo "ok: stale_slow exit 2 (the machine was slow: cr2's budget spent by now): $first"
else
  echo "FAIL: stale_slow: unexpected output"; printf '%s' "$via"; fail=1
fi

[ "$fail" = 0 ] && echo "PASS: check_nrpe carries the stale-route budget's WARNING/CRITICAL, text and perfdata unchanged"
exit $fail

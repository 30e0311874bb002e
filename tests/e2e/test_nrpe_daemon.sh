#!/usr/bin/env bash
# tests/e2e/test_nrpe_daemon.sh: check_bgpwatch through a real NRPE daemon
# (Debian nagios-nrpe-server) queried with check_nrpe: our first line, long
# output and exit code come back unchanged, for OK, WARNING, CRITICAL and
# UNKNOWN, with NRPE v2 packets (1024-byte buffer) and the default v3/v4.
# The daemon has its own config on 127.0.0.1 and a free port, runs in the
# foreground and is killed by PID; dont_blame_nrpe=0 (no remote arguments).
set -uo pipefail
BGPWATCH=${BGPWATCH:?}
CHECK=$(dirname "$(readlink -f "$BGPWATCH")")/check_bgpwatch
F=${BGPWATCH_FIXTURES:?}/nrpe
. "${BGPWATCH_SOURCE_DIR:?}/tests/lib/nrpe.sh"
CHECK_NRPE=/usr/lib/nagios/plugins/check_nrpe
[ -x "$NRPE" ] || { echo "SKIP: $NRPE missing (nagios-nrpe-server)"; exit 77; }
[ -x "$CHECK_NRPE" ] || { echo "SKIP: $CHECK_NRPE missing (nagios-nrpe-plugin)"; exit 77; }

work=$(mktemp -d /tmp/bgpwatch-nrpe.XXXXXX)
chmod 755 "$work"
cleanup() {
  if [ -n "$NRPE_PID" ]; then kill "$NRPE_PID" 2>/dev/null; wait "$NRPE_PID" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

# The plugin runs as the NRPE user: give it world-readable copies.
cp "$F"/*.xml "$F/config.yaml" "$work/"
chmod 644 "$work"/*
# 80 nodes all down, to push the output over 1024 bytes.
/usr/bin/python3 "${BGPWATCH_SOURCE_DIR:?}/tests/lib/nrpe_big_site.py" "$work" big.yaml big.xml
chmod 644 "$work"/*

C="$CHECK --config $work/config.yaml"
R="--replay cr1-eqiad=$work/cr1-ok.xml"
user=$(id -un)
group=$(id -gn)
if [ "$(id -u)" = 0 ]; then user=nagios; group=nagios; fi
cat > "$work/nrpe.cfg" <<CFG
log_facility=daemon
debug=0
pid_file=$work/nrpe.pid
server_address=127.0.0.1
server_port=$port
nrpe_user=$user
nrpe_group=$group
allowed_hosts=127.0.0.1
dont_blame_nrpe=0
allow_bash_command_substitution=0
command_timeout=60
connection_timeout=300
command[bgp_ok]=$C --node kubernetes1003 $R --replay cr2-eqiad=$work/cr2-ok.xml
command[bgp_warning]=$C --node kubernetes1003 --warn-uptime 5m $R --replay cr2-eqiad=$work/cr2-young.xml
command[bgp_critical]=$C --node kubernetes1003 $R --replay cr2-eqiad=$work/cr2-down.xml
command[bgp_unknown]=$C --node kubernetes1003 $R
command[bgp_site]=$C --site eqiad --replay cr1-eqiad=$work/cr1-unknown-peer.xml --replay cr2-eqiad=$work/cr2-down.xml
command[bgp_big]=$CHECK --config $work/big.yaml --site eqiad --replay cr1-eqiad=$work/big.xml
command[bgp_usage]=$CHECK --node
CFG
nrpe_start "$work/nrpe.cfg" "$work/nrpe.log" "$port" 100

fail=0
# compare NAME [check_nrpe options]: check_nrpe's stdout and exit == the
# plugin's own when run directly with the same command line.
compare() {
  local name=$1; shift
  local cmd direct drc via vrc
  cmd=$(sed -n "s/^command\[$name\]=//p" "$work/nrpe.cfg")
  direct=$(cd "$work" && eval "$cmd"); drc=$?
  via=$("$CHECK_NRPE" -H 127.0.0.1 -p "$port" -t 60 "$@" -c "$name"); vrc=$?
  if [ "$vrc" != "$drc" ]; then
    echo "FAIL: $name $*: exit via nrpe $vrc, direct $drc"; echo "$via"; fail=1
  elif [ "$via" != "$direct" ]; then
    echo "FAIL: $name $*: output differs"; diff <(echo "$direct") <(echo "$via"); fail=1
  else
    echo "ok: $name $* exit $vrc: $(head -n1 <<<"$via" | cut -c1-90)"
  fi
}

for proto in "" "-2"; do
  # shellcheck disable=SC2086
  for name in bgp_ok bgp_warning bgp_critical bgp_unknown bgp_site bgp_big bgp_usage; do
    compare "$name" $proto
  done
done

# The exit codes themselves, through NRPE v2, and a line of each output.
# want NAME CODE REGEX: exit code CODE and some line matching REGEX.
want() {
  local name=$1 code=$2 regex=$3 out rc
  out=$("$CHECK_NRPE" -2 -H 127.0.0.1 -p "$port" -t 60 -c "$name"); rc=$?
  if [ "$rc" != "$code" ]; then
    echo "FAIL: $name exit $rc, want $code"; fail=1
  elif ! grep -Eq -- "$regex" <<<"$out"; then
    echo "FAIL: $name: no line matches /$regex/"; echo "$out"; fail=1
  else
    echo "ok: $name exit $rc"
  fi
  last_out=$out
}
want bgp_ok 0 '^BGPWATCH OK - kubernetes1003.eqiad.wmnet: 4/4 sessions established [|] established=4;'
want bgp_warning 1 '^BGPWATCH WARNING - '
want bgp_critical 2 '^cr2-eqiad ipv6 2620:0:861:103:10:64:32:23 Active for 41s, 3 flaps$'
want bgp_unknown 3 '^BGPWATCH UNKNOWN - '
want bgp_usage 3 '^BGPWATCH UNKNOWN - --node needs a value$'
want bgp_big 2 '^… and [0-9]+ more$'
if [ "$(printf '%s\n' "$last_out" | wc -c)" -gt 1024 ] || ! tail -n1 <<<"$last_out" | grep -q '^… and [0-9]* more$'; then
  echo "FAIL: bgp_big over v2 is not our capped output"; echo "$last_out"; fail=1
fi
# Arguments from the network are refused (dont_blame_nrpe=0).
out=$("$CHECK_NRPE" -H 127.0.0.1 -p "$port" -t 60 -c bgp_ok -a x 2>&1); rc=$?
if [ "$rc" = 0 ]; then echo "FAIL: nrpe accepted arguments: $out"; fail=1; fi

[ "$fail" = 0 ] && echo "PASS: check_nrpe returns check_bgpwatch's output and exit code unchanged"
exit $fail

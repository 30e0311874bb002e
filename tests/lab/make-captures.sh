#!/usr/bin/env bash
# tests/lab/make-captures.sh - record fixtures/pcap/*.pcap from real daemons
# (FRR as cr1-eqiad, BIRD 1.6 as Calico nodes) with tests/lab/bwlab.sh.
#
#   make-captures.sh [OUTDIR] [CASE...]     (default OUTDIR: fixtures/pcap, all cases)
#
# Each case brings up its own lab (namespace prefix "bwcap", so a lab under
# the default prefix is left alone), captures `tcp port 179` on the router's
# bridge with tcpdump, and tears everything down again. Exact frame counts,
# ports and timings differ from run to run; the tests compare bgpwatch
# against tshark on the recorded files, never against numbers from here.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${1:-$HERE/../../fixtures/pcap}
shift || true
export BWLAB_PREFIX=bwcap BWLAB_QUIET=1
export BWLAB_DIR=${BWLAB_DIR:-$(mktemp -d /tmp/bwcap.XXXXXX)}
LAB=$HERE/bwlab.sh
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
[ "$(id -u)" = 0 ] || { echo "make-captures: needs root" >&2; exit 77; }

cleanup() { "$LAB" down >/dev/null 2>&1 || true; }
trap cleanup EXIT

# fresh ENV...: a new lab with these parameters, up and Established
fresh() { cleanup; env "$@" "$LAB" up; }
start() { "$LAB" capture-start case "$OUT/$1.pcap"; }
finish() { "$LAB" capture-stop case; echo "make-captures: $OUT/$1.pcap" >&2; }
# the router's node session was Established N times
established_count() { "$LAB" state "$1" | cut -d' ' -f2; }

# a node comes up from nothing (the router already configured and waiting)
establish() { # establish NAME AF=... [ENV...]
  local name=$1; shift
  fresh "$@"
  "$LAB" stop-node 1
  start "$name"
  "$LAB" start-node 1
  "$LAB" wait-established 30
  sleep 1 # the UPDATEs and End-of-RIBs that follow
  finish "$name"
}

case_establish_v4() { establish establish-v4 AF=ipv4; }
case_establish_v6() { establish establish-v6 AF=ipv6; }
# AS 4200000001 does not fit in 2 octets: OPEN carries AS_TRANS (23456), the
# 4-octet AS capability the real one, AS_PATHs 4-octet ASNs.
case_asn4() { establish asn4 AF=ipv4 ROUTER_AS=4200000001; }

# calico-node restart: BIRD stops (Cease/Administrative Shutdown) and comes back
case_bird_restart() {
  fresh AF=both
  start bird-restart
  "$LAB" restart-node 1
  "$LAB" wait-established 30
  sleep 1
  finish bird-restart
}

# the router expects AS 64999 from the node: OPEN, then NOTIFICATION 2/2 Bad Peer AS
case_bad_peer_as() {
  fresh AF=ipv4 ROUTER_PEER_AS=64999 WAIT=0
  "$LAB" stop-node 1
  start bad-peer-as
  "$LAB" start-node 1
  sleep 8 # BIRD's first attempt after "connect delay time 2", and a retry
  finish bad-peer-as
}

# RFC 8203: the router operator shuts the neighbor down with a message
case_admin_shutdown() {
  fresh AF=ipv4
  start admin-shutdown
  sleep 1
  "$LAB" router-config "neighbor 10.64.0.11 shutdown message bgpwatch lab: draining cr1-eqiad for maintenance"
  sleep 2
  finish admin-shutdown
}

# BIRD hangs (SIGSTOP): the router's 9 s hold timer expires, NOTIFICATION 4/0.
# The capture starts before the session, so the OPENs (hold time) are in it.
case_hold_expiry() {
  fresh AF=ipv4 HOLD=9 KEEPALIVE=3
  "$LAB" stop-node 1
  start hold-expiry
  "$LAB" start-node 1
  "$LAB" wait-established 30
  local before
  before=$(established_count 10.64.0.11)
  sleep 4
  "$LAB" pause node 1
  sleep 11
  "$LAB" resume node 1
  # wait for a new session, not the stale one
  local i
  for i in $(seq 1 300); do
    [ "$(established_count 10.64.0.11)" -gt "$before" ] && "$LAB" wait-established 1 && break
    sleep 0.1
  done
  sleep 1
  finish hold-expiry
}

# two nodes, both families, coming up together
case_two_nodes() {
  fresh NODES=2 AF=both
  "$LAB" stop-node 1
  "$LAB" stop-node 2
  start two-nodes
  "$LAB" start-node 1
  "$LAB" start-node 2
  "$LAB" wait-established 30
  sleep 1
  finish two-nodes
}

all="establish_v4 establish_v6 asn4 bird_restart bad_peer_as admin_shutdown hold_expiry two_nodes"
for c in ${*:-$all}; do
  "case_${c//-/_}"
done
cleanup
rm -rf "$BWLAB_DIR"

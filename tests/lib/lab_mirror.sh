# tests/lib/lab_mirror.sh: the lab's router as a NETCONF server, for the
# real-daemon tests (tests/e2e/test_lab_*.sh; sourced after sshd.sh, with
# $LAB, $SIM and $WORK set and `eval "$("$LAB" env)"` done).
#   lab_mirror_world   bgpwatch-netconf-sim in mirror mode as the netconf
#                      subsystem of a private sshd for cr1-eqiad: summary
#                      and neighbor RPCs answered from FRR's live state
#                      (show bgp summary|neighbors json); writes $CONF with
#                      that router and every lab node (node1..nodeN)
lab_mirror_world() {
  local what i v4 v6
  for what in summary neighbors; do
    cat > "$WORK/frr-$what.sh" <<EOF
#!/bin/sh
exec env BWLAB_PREFIX=$BWLAB_PREFIX BWLAB_DIR=$BWLAB_DIR BWLAB_QUIET=1 $LAB vtysh 'show bgp $what json'
EOF
    chmod 0755 "$WORK/frr-$what.sh"
  done
  sshd_start_subsystem cr1-eqiad "$SIM" --router cr1-eqiad --mirror-command "$WORK/frr-summary.sh" \
    --mirror-neighbor-command "$WORK/frr-neighbors.sh" || return 1
  CONF=$WORK/bgpwatch.yaml
  {
    cat <<EOF
sites:
  eqiad:
    asn: 64601
    routers:
      - {name: cr1-eqiad, host: 127.0.0.1, port: $(sshd_port cr1-eqiad), bgp_addresses: [$BWLAB_RTR_V4, "$BWLAB_RTR_V6"]}
netconf:
  username: $SSHD_USER
  private_key: $SSHD_DIR/id_ed25519
  known_hosts: $SSHD_DIR/known_hosts
  connect_timeout: 5s
  rpc_timeout: 10s
inventory:
  static:
EOF
    i=1
    while v4=BWLAB_NODE${i}_V4 v6=BWLAB_NODE${i}_V6 && [ -n "${!v4:-}" ]; do
      echo "    node$i.eqiad.wmnet: {site: eqiad, addresses: [${!v4}, \"${!v6}\"]}"
      i=$((i + 1))
    done
  } > "$CONF"
}

#!/usr/bin/env bash
# tests/e2e/test_nrpe_icinga2_config.sh: packaging/icinga2/bgpwatch.conf is a
# valid Icinga 2 CheckCommand: `icinga2 daemon -C` on a minimal private
# configuration (temp dir, no system paths) that includes it and applies it
# to a host with node and site services. A broken copy must fail, so the
# validation can fail at all.
set -euo pipefail
SRC=${BGPWATCH_SOURCE_DIR:?}
command -v icinga2 >/dev/null || { echo "SKIP: icinga2 not installed (Debian icinga2-bin)"; exit 77; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"/{etc,lib,cache,log,run,spool}
cp "$SRC/packaging/icinga2/bgpwatch.conf" "$work/etc/bgpwatch.conf"
cat > "$work/etc/icinga2.conf" <<CONF
include <itl>
include "bgpwatch.conf"
object Host "kubernetes1003.eqiad.wmnet" {
  check_command = "dummy"
  vars.kubernetes_node = true
}
apply Service "bgp-sessions" {
  check_command = "bgpwatch"
  vars.bgpwatch_node = host.name
  vars.bgpwatch_warn_uptime = "10m"
  assign where host.vars.kubernetes_node
}
object Service "bgp-sessions-eqiad" {
  host_name = "kubernetes1003.eqiad.wmnet"
  check_command = "bgpwatch"
  vars.bgpwatch_site = "eqiad"
  vars.bgpwatch_warning = "0"
  vars.bgpwatch_critical = "3"
  vars.bgpwatch_long = true
}
CONF

validate() {
  icinga2 daemon -C -c "$work/etc/icinga2.conf" \
    -DConfigDir="$work/etc" -DDataDir="$work/lib" -DCacheDir="$work/cache" -DLogDir="$work/log" \
    -DInitRunDir="$work/run" -DSpoolDir="$work/spool" -DStateDir="$work/lib" \
    -DPkgDataDir="$work/lib" -DIncludeConfDir=/usr/share/icinga2/include \
    -DRunAsUser="$(id -un)" -DRunAsGroup="$(id -gn)" -DZonesDir="$work/etc/zones.d" 2>&1
}

out=$(validate) || { echo "FAIL: icinga2 rejected the config:"; echo "$out"; exit 1; }
grep -q "Finished validating the configuration" <<<"$out" || { echo "FAIL: no validation result"; echo "$out"; exit 1; }
grep -q "Instantiated 2 Services" <<<"$out" || { echo "FAIL: expected 2 services"; echo "$out"; exit 1; }

# Negative control 1: without our snippet the services cannot resolve their
# check_command, so the validation above really used it.
sed -i 's/^include "bgpwatch.conf"$//' "$work/etc/icinga2.conf"
if validate > "$work/neg0.log"; then
  echo "FAIL: services validated without the CheckCommand"; cat "$work/neg0.log"; exit 1
fi
grep -q "bgpwatch" "$work/neg0.log" || { echo "FAIL: error does not name the command"; cat "$work/neg0.log"; exit 1; }
sed -i 's/^include <itl>$/include <itl>\ninclude "bgpwatch.conf"/' "$work/etc/icinga2.conf"
validate > /dev/null || { echo "FAIL: restoring the include did not validate"; exit 1; }

# Negative control 2: a syntax error in the snippet must be caught.
sed -i 's/"--site" = {/"--site" = {{/' "$work/etc/bgpwatch.conf"
if validate > "$work/neg.log"; then
  echo "FAIL: a broken CheckCommand validated"; cat "$work/neg.log"; exit 1
fi
grep -q "bgpwatch.conf" "$work/neg.log" || { echo "FAIL: error does not name the file"; cat "$work/neg.log"; exit 1; }
echo "PASS: icinga2 validates packaging/icinga2/bgpwatch.conf"

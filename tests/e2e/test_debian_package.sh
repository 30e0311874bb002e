#!/usr/bin/env bash
# tests/e2e/test_debian_package.sh: the Debian package, as an operator gets it.
# From a clean copy of the tree: dpkg-buildpackage -us -uc -b builds
# bgpwatch_*.deb; lintian reports no error; `apt-get install ./bgpwatch_*.deb`
# installs it into this machine; the installed files work (bgpwatch --version
# with the changelog's version, check_bgpwatch --help in plugin mode, the man
# pages, the systemd unit verified and disabled, the bgpwatch user, the
# example config as a conffile, the NRPE/Icinga files naming installed
# binaries); `apt-get purge` removes it again.
#
# Needs root (it installs a package) and the build tools of
# packaging/debian-packages.txt; exits 77 (skipped) without them. If a
# bgpwatch package is already installed it is left alone (skipped), so the
# test never removes an operator's installation.
set -uo pipefail
SRC=${BGPWATCH_SOURCE_DIR:?}
fail=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fail=1; }
elapsed() { echo "$(( $(date +%s) - $1 ))s"; }

if [ "$(id -u)" != 0 ]; then echo "skip: needs root (apt-get install)"; exit 77; fi
for tool in dpkg-buildpackage dh lintian scdoc apt-get man systemd-analyze; do
  command -v "$tool" >/dev/null || { echo "skip: $tool missing (packaging/debian-packages.txt)"; exit 77; }
done
if dpkg-query -W -f='${Status}' bgpwatch 2>/dev/null | grep -q 'ok installed'; then
  echo "skip: a bgpwatch package is already installed here; not touching it"; exit 77
fi

# One build at a time on this machine (it installs into the machine), in a
# fixed directory: the compiler flags carry the tree's path
# (-ffile-prefix-map), so ccache hits across runs only if it stays the same.
exec 9> /tmp/bgpwatch-debian-package.lock
flock -w 1800 9 || { echo "FAIL: another package test holds /tmp/bgpwatch-debian-package.lock"; exit 1; }
work=/tmp/bgpwatch-debian-package
rm -rf "$work"; mkdir -p "$work"
installed=
cleanup() {
  if [ -n "$installed" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq -o DPkg::Lock::Timeout=300 bgpwatch >/dev/null 2>&1
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# A clean copy: what git tracks plus new files it does not ignore (no build
# directories, no debian/ leftovers of an earlier build).
tree=$work/bgpwatch
mkdir -p "$tree"
if git -C "$SRC" rev-parse --git-dir >/dev/null 2>&1; then
  (cd "$SRC" && git ls-files -co --exclude-standard -z | tar --null -T - -cf -) | tar -C "$tree" -xf -
else
  tar -C "$SRC" --exclude='./build*' --exclude='./debian/bgpwatch' --exclude='./obj-*' -cf - . | tar -C "$tree" -xf -
fi

# --- build -----------------------------------------------------------------
# The copy is not a git checkout: hand the commit to CMake for `version`.
commit=$(git -C "$SRC" rev-parse --short=12 HEAD 2>/dev/null || true)
export BGPWATCH_GIT_COMMIT=$commit
t0=$(date +%s)
if (cd "$tree" && DEB_BUILD_OPTIONS="parallel=$(nproc)" dpkg-buildpackage -us -uc -b) > "$work/build.log" 2>&1; then
  ok "dpkg-buildpackage -us -uc -b ($(elapsed "$t0"))"
else
  bad "dpkg-buildpackage failed ($(elapsed "$t0")):"; tail -n 60 "$work/build.log"; exit 1
fi
debs=("$work"/bgpwatch_*.deb)
if [ "${#debs[@]}" = 1 ] && [ -f "${debs[0]}" ]; then
  deb=${debs[0]}; ok "built $(basename "$deb")"
else
  bad "expected one bgpwatch_*.deb, got: ${debs[*]}"; exit 1
fi
version=$(cd "$tree" && dpkg-parsechangelog -S Version)

# --- lintian ---------------------------------------------------------------
t0=$(date +%s)
lintian --fail-on error --info "$deb" > "$work/lintian.log" 2>&1; rc=$?
sed 's/^/  lintian: /' "$work/lintian.log"
if [ "$rc" = 0 ] && ! grep -q '^E: ' "$work/lintian.log"; then
  ok "lintian: no errors ($(grep -c '^W: ' "$work/lintian.log") warnings, $(elapsed "$t0"))"
else
  bad "lintian reports errors (exit $rc)"
fi

# --- what the package holds ------------------------------------------------
contents=$(dpkg-deb -c "$deb")
for path in ./usr/bin/bgpwatch ./usr/lib/nagios/plugins/check_bgpwatch \
            ./lib/systemd/system/bgpwatch-collector.service ./usr/lib/sysusers.d/bgpwatch.conf \
            ./etc/bgpwatch/config.yaml.example ./usr/share/bgpwatch/nrpe/bgpwatch.cfg \
            ./usr/share/bgpwatch/icinga2/bgpwatch.conf ./usr/share/bgpwatch/prometheus/bgpwatch.rules.yml \
            ./usr/share/bgpwatch/grafana/bgpwatch.json \
            ./usr/share/man/man1/bgpwatch.1.gz ./usr/share/man/man5/bgpwatch.yaml.5.gz \
            ./usr/share/bash-completion/completions/bgpwatch ./usr/share/zsh/vendor-completions/_bgpwatch; do
  grep -q " $path\( \|$\)" <<<"$contents" || bad "package lacks $path"
done
grep -q ' ./usr/lib/nagios/plugins/check_bgpwatch -> \.\./\.\./\.\./bin/bgpwatch$' <<<"$contents" \
  && ok "check_bgpwatch is a relative symlink to /usr/bin/bgpwatch" || bad "check_bgpwatch is not the expected symlink"

# --- install ---------------------------------------------------------------
t0=$(date +%s)
if DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 "$deb" > "$work/install.log" 2>&1; then
  installed=1; ok "apt-get install ./$(basename "$deb") ($(elapsed "$t0"))"
else
  bad "apt-get install failed:"; tail -n 30 "$work/install.log"; exit 1
fi

out=$(/usr/bin/bgpwatch --version 2>&1); rc=$?
if [ "$rc" = 0 ] && grep -q "^bgpwatch ${version//./\\.} (commit ${commit:-unknown}; " <<<"$out"; then
  ok "bgpwatch --version: $(head -n 1 <<<"$out")"
else
  bad "bgpwatch --version (rc=$rc, want version $version): $out"
fi
# Plugin mode by argv[0]: the Monitoring Plugins help, not the command list.
out=$(/usr/lib/nagios/plugins/check_bgpwatch --help 2>&1); rc=$?
if { [ "$rc" = 0 ] || [ "$rc" = 3 ]; } && grep -q -- '--warn-uptime' <<<"$out" && grep -q 'check_bgpwatch' <<<"$out" \
   && ! grep -q 'wait-established' <<<"$out"; then
  ok "check_bgpwatch --help prints the plugin help (exit $rc)"
else
  bad "check_bgpwatch --help (rc=$rc): $out"
fi
# Plugin contract on a bad argument: UNKNOWN, exit 3.
out=$(/usr/lib/nagios/plugins/check_bgpwatch --no-such-flag 2>&1); rc=$?
[ "$rc" = 3 ] && grep -q '^BGPWATCH UNKNOWN' <<<"$out" && ok "check_bgpwatch: bad argument is UNKNOWN (3)" \
  || bad "check_bgpwatch --no-such-flag: rc=$rc $out"

p1=$(man -w bgpwatch 2>&1); p5=$(man -w 5 bgpwatch.yaml 2>&1)
[ "$p1" = /usr/share/man/man1/bgpwatch.1.gz ] && ok "man -w bgpwatch: $p1" || bad "man -w bgpwatch: $p1"
[ "$p5" = /usr/share/man/man5/bgpwatch.yaml.5.gz ] && ok "man -w 5 bgpwatch.yaml: $p5" || bad "man -w 5 bgpwatch.yaml: $p5"
page=$(MANWIDTH=80 man bgpwatch 2>/dev/null | col -b)
grep -q 'wait-established' <<<"$page" && grep -q 'EXIT STATUS' <<<"$page" && ok "man bgpwatch renders" \
  || bad "man bgpwatch does not render the page"
# groff warnings (bad macros, unbreakable lines) on the installed pages.
warn=$( { MANWIDTH=80 man --warnings -l /usr/share/man/man1/bgpwatch.1.gz; \
          MANWIDTH=80 man --warnings -l /usr/share/man/man5/bgpwatch.yaml.5.gz; } 2>&1 >/dev/null)
[ -z "$warn" ] && ok "man pages: no groff warnings" || bad "groff warnings: $warn"

# bash completion as bash-completion loads it on demand, for both names.
for name in bgpwatch check_bgpwatch; do
  got=$(NAME=$name bash -c '. /usr/share/bash-completion/bash_completion
    _completion_loader "$NAME" >/dev/null 2>&1
    if [ "$NAME" = bgpwatch ]; then COMP_WORDS=("$NAME" ch); else COMP_WORDS=("$NAME" --warn); fi
    COMP_CWORD=1; COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}
    $(complete -p "$NAME" | sed -n "s/.*-F \([^ ]*\).*/\1/p") "$NAME" "${COMP_WORDS[1]}" "$NAME"
    printf "%s " "${COMPREPLY[@]}"' 2>&1)
  want=check; [ "$name" = check_bgpwatch ] && want="--warning"
  [[ "$got" == *"$want"* ]] && ok "bash completion of $name: $got" || bad "bash completion of $name: '$got' (want $want)"
done

unit=/lib/systemd/system/bgpwatch-collector.service
if out=$(systemd-analyze verify "$unit" 2>&1) && [ -z "$out" ]; then
  ok "systemd-analyze verify $unit: clean"
else
  bad "systemd-analyze verify $unit: $out"
fi
exe=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$unit")
[ "$exe" = /usr/bin/bgpwatch ] && [ -x "$exe" ] && ok "unit runs the installed $exe" || bad "unit ExecStart '$exe'"
state=$(systemctl is-enabled bgpwatch-collector.service 2>&1)
[ "$state" = disabled ] && ok "unit installed disabled" || bad "unit state after install: '$state' (want disabled)"
if getent passwd bgpwatch >/dev/null && getent group bgpwatch >/dev/null; then
  ok "system user and group bgpwatch: $(getent passwd bgpwatch)"
  uid=$(id -u bgpwatch); [ "$uid" -lt 1000 ] || bad "bgpwatch uid $uid is not a system uid"
else
  bad "no bgpwatch system user/group after install"
fi
dpkg-query -W -f='${Conffiles}\n' bgpwatch | grep -q ' /etc/bgpwatch/config.yaml.example ' \
  && ok "/etc/bgpwatch/config.yaml.example is a conffile" || bad "config.yaml.example is not a conffile"
grep -q '^command\[check_bgp_node\]=/usr/lib/nagios/plugins/check_bgpwatch ' /usr/share/bgpwatch/nrpe/bgpwatch.cfg \
  && ok "NRPE snippet names the installed plugin" || bad "NRPE snippet does not name /usr/lib/nagios/plugins/check_bgpwatch"
grep -q 'vars.bgpwatch_binary = "/usr/bin/bgpwatch"' /usr/share/bgpwatch/icinga2/bgpwatch.conf \
  && ok "Icinga CheckCommand names the installed binary" || bad "Icinga CheckCommand binary path"
# The shipped example config is one bgpwatch accepts (a parse-only command
# that loads it: summary of a router that is not configured, exit 2 with
# the router's name, not a config error).
out=$(/usr/bin/bgpwatch --config /etc/bgpwatch/config.yaml.example summary --router no-such-router 2>&1); rc=$?
if [ "$rc" = 2 ] && grep -q 'no-such-router' <<<"$out" && ! grep -q 'config.yaml.example:' <<<"$out"; then
  ok "the example config loads"
else
  bad "example config: rc=$rc $out"
fi

# --- purge -----------------------------------------------------------------
t0=$(date +%s)
if DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq -o DPkg::Lock::Timeout=300 bgpwatch > "$work/purge.log" 2>&1; then
  installed=; ok "apt-get purge bgpwatch ($(elapsed "$t0"))"
else
  bad "apt-get purge failed:"; tail -n 20 "$work/purge.log"
fi
for path in /usr/bin/bgpwatch /usr/lib/nagios/plugins/check_bgpwatch "$unit" /etc/bgpwatch/config.yaml.example; do
  [ -e "$path" ] || [ -L "$path" ] && bad "$path left after purge"
done
dpkg-query -W -f='${Status}' bgpwatch 2>/dev/null | grep -q 'installed' && bad "dpkg still lists bgpwatch"
[ "$fail" = 0 ] && echo "PASS: Debian package builds, passes lintian, installs, works and purges"
exit $fail

# Sourced: install the Debian packages listed in packaging/debian-packages.txt
# that are not installed yet. Needs root on a Debian bookworm machine.
bgpwatch_install_deps() {
  local root=$1 missing=() p
  while read -r p; do
    case $p in ''|'#'*) continue;; esac
    # No `| grep -q`: under pipefail, grep's early exit can SIGPIPE
    # dpkg-query and count an installed package as missing.
    [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] && continue
    # kubernetes-client ships /usr/bin/kubectl; where another package (a cloud SDK's kubectl)
    # owns that path, dpkg would refuse the whole install: the kubectl test unpacks it instead.
    if [ "$p" = kubernetes-client ] && dpkg -S /usr/bin/kubectl >/dev/null 2>&1; then continue; fi
    missing+=("$p")
  done < "$root/packaging/debian-packages.txt"
  if [ ${#missing[@]} -gt 0 ]; then
    echo "deps: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || return 1
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || return 1
  fi
  mkdir -p /run/sshd
}

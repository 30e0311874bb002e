#!/usr/bin/env bash
# tests/e2e/test_completion.sh: `bgpwatch completion bash|zsh` completes
# commands, each command's flags, fixed values, and node names from the
# static inventory of the --config on the line being completed. The bash
# script runs in bash (with bash-completion when installed, without it too);
# the zsh script runs in zsh with compadd/_files stubs that record what
# would be offered. Also the kubectl-like CLI bits the scripts rely on:
# `help`, `version`, global flags after the command.
set -uo pipefail
BGPWATCH=${BGPWATCH:?}
FIX=${BGPWATCH_FIXTURES:?}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
# The example configuration without its Kubernetes source: its kubeconfig
# does not exist here, and a missing kubeconfig is now refused up front
# (exit 2, issue 13) before the commands below get to their own errors.
CONF=$work/example-no-kubernetes.yaml
sed '/^  kubernetes:/,/^  dns:/{/^  dns:/!d}' "$FIX/config/example.yaml" > "$CONF"

"$BGPWATCH" completion bash > "$work/bash" || { echo "FAIL: completion bash exit $?"; exit 1; }
"$BGPWATCH" completion zsh > "$work/zsh" || { echo "FAIL: completion zsh exit $?"; exit 1; }
out=$("$BGPWATCH" completion fish 2>&1); rc=$?
[ "$rc" = 2 ] && echo "ok: completion fish is a usage error (2)" || { echo "FAIL: completion fish: rc=$rc $out"; fail=1; }

# bash: complete "LINE" -> the words offered for the last word of LINE.
bash_complete() {
  BGPWATCH_BIN=$BGPWATCH LINE=$1 bash -c '
    [ -f /usr/share/bash-completion/bash_completion ] && [ "${PLAIN:-}" != 1 ] && . /usr/share/bash-completion/bash_completion
    . "$0"
    read -ra COMP_WORDS <<<"$LINE"
    [[ $LINE == *" " ]] && COMP_WORDS+=("")
    COMP_WORDS[0]=$BGPWATCH_BIN
    COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
    COMP_LINE="$BGPWATCH_BIN${LINE#bgpwatch}"; COMP_POINT=${#COMP_LINE}
    _bgpwatch
    printf "%s\n" "${COMPREPLY[@]}" | sort' "$work/bash"
}
# zsh: the same with compadd recording its words.
zsh_complete() {
  BGPWATCH_BIN=$BGPWATCH LINE=$1 zsh -f -c '
    offered=()
    compadd() { [[ $1 == -- ]] && shift; offered+=("$@"); }
    _files() { offered+=("<files>"); }
    compdef() { :; }
    source "$0"
    words=(${=LINE})
    [[ $LINE == *" " ]] && words+=("")
    words[1]=$BGPWATCH_BIN
    CURRENT=${#words}
    _bgpwatch
    local cur=${words[CURRENT]}
    for w in $offered; do [[ $w == ${cur}* || $w == "<files>" ]] && print -r -- $w; done | sort' "$work/zsh"
}
expect() { # SHELL LINE WANT... : every WANT is offered
  local sh=$1 line=$2 got; shift 2
  got=$("${sh}_complete" "$line" 2>&1)
  local w missing=
  for w in "$@"; do grep -qxF -- "$w" <<<"$got" || missing+=" $w"; done
  if [ -z "$missing" ]; then echo "ok: $sh '$line' offers $*"
  else echo "FAIL: $sh '$line' lacks$missing; got: $(tr '\n' ' ' <<<"$got")"; fail=1; fi
}
expect_not() { # SHELL LINE WORD: WORD is not offered
  local got; got=$("${1}_complete" "$2" 2>&1)
  if grep -qxF -- "$3" <<<"$got"; then echo "FAIL: $1 '$2' offers $3"; fail=1; else echo "ok: $1 '$2' does not offer $3"; fi
}

for sh in bash zsh; do
  command -v "$sh" >/dev/null || { echo "note: $sh missing, its script not run"; continue; }
  expect "$sh" "bgpwatch ch" check
  expect "$sh" "bgpwatch wa" wait-established
  expect "$sh" "bgpwatch " parse summary status check gate nrpe collect sniff bird help version completion
  expect "$sh" "bgpwatch check --n" --node --now
  expect "$sh" "bgpwatch gate --ti" --timeout
  expect_not "$sh" "bgpwatch check --ti" --timeout
  expect "$sh" "bgpwatch nrpe --w" --warning --warn-uptime
  expect "$sh" "bgpwatch sniff --" --interface --read --filter --count --duration --config --format
  expect "$sh" "bgpwatch check --node kubernetes1003 --format " text json
  expect "$sh" "bgpwatch check --family " ipv4 ipv6 both
  expect "$sh" "bgpwatch --config $CONF check --node kub" kubernetes1003.eqiad.wmnet kubernetes1003 kubernetes1021
  expect "$sh" "bgpwatch check --config $CONF --node kub" kubernetes1003.eqiad.wmnet kubernetes1021.eqiad.wmnet
  expect "$sh" "bgpwatch help w" wait-established
  expect "$sh" "bgpwatch completion " bash zsh
  expect "$sh" "bgpwatch --" --config --format --help --version
done
if [ -f /usr/share/bash-completion/bash_completion ]; then
  got=$(PLAIN=1 bash_complete "bgpwatch ch"); [ "$got" = check ] && echo "ok: the bash script also works without bash-completion" \
    || { echo "FAIL: without bash-completion: $got"; fail=1; }
fi
bash -n "$work/bash" && echo "ok: bash -n" || { echo "FAIL: bash -n"; fail=1; }
if command -v zsh >/dev/null; then zsh -n "$work/zsh" && echo "ok: zsh -n" || { echo "FAIL: zsh -n"; fail=1; }; fi

# Node names come from the static inventory only, FQDN and short name.
nodes=$("$BGPWATCH" --config "$CONF" completion __nodes | sort | tr '\n' ' ')
[ "$nodes" = "kubernetes1003 kubernetes1003.eqiad.wmnet kubernetes1021 kubernetes1021.eqiad.wmnet " ] \
  && echo "ok: completion __nodes: $nodes" || { echo "FAIL: completion __nodes: '$nodes'"; fail=1; }

# The CLI pieces the scripts and the man page promise.
check() { # DESC WANT_RC REGEX CMD...
  local desc=$1 want=$2 re=$3; shift 3
  local out rc; out=$("$@" 2>&1); rc=$?
  if [ "$rc" = "$want" ] && grep -Eq -- "$re" <<<"$out"; then echo "ok: $desc"
  else echo "FAIL: $desc: rc=$rc (want $want), output: $(head -c 400 <<<"$out")"; fail=1; fi
}
check "help lists the commands" 0 '^  wait-established --node N ' "$BGPWATCH" help
check "help COMMAND is COMMAND --help" 0 '^usage: bgpwatch check --node N' "$BGPWATCH" help check
check "help nrpe: usage names nrpe, exit 0" 0 '^Usage: bgpwatch nrpe \(--node N' "$BGPWATCH" help nrpe
check "nrpe --help: exit 0, usage names nrpe" 0 '^Usage: bgpwatch nrpe \(--node N' "$BGPWATCH" nrpe --help
check "help of an unknown command: exit 2" 2 "unknown command 'frobnicate'" "$BGPWATCH" help frobnicate
check "version has the commit" 0 '^bgpwatch [0-9]+\.[0-9]+\.[0-9]+ \(commit ([0-9a-f]{7,}|unknown); ' "$BGPWATCH" version
check "--version is version" 0 '^bgpwatch [0-9.]+ \(commit ' "$BGPWATCH" --version
check "version -o json" 0 '^\{"version":"[0-9.]+","commit":"[0-9a-f]+|unknown","build":"[^"]+"\}$' "$BGPWATCH" version -o json
check "global flags after the command (-o json --config F)" 3 '"sessions"' \
  "$BGPWATCH" check --node kubernetes1003 --replay cr1-eqiad=/dev/null -o json --config "$CONF"
check "-ojson before the command" 3 '"sessions"' \
  "$BGPWATCH" -ojson check --node kubernetes1003 --replay cr1-eqiad=/dev/null --config "$CONF"
check "--format=json after the command" 3 '"sessions"' \
  "$BGPWATCH" check --node kubernetes1003 --replay cr1-eqiad=/dev/null --format=json --config="$CONF"
check "bad -o value: exit 2" 2 "unknown format 'yaml'" "$BGPWATCH" check --node x -o yaml
check "check refuses --interval without --collector" 2 'check decides on one poll: --interval only applies with --collector' \
  "$BGPWATCH" check --node kubernetes1003 --interval 1s --config "$CONF"
check "wait-established takes --interval 0.5s" 3 'kubernetes1003' \
  "$BGPWATCH" wait-established --node kubernetes1003 --since none --interval 0.5s --timeout 1.5s --replay cr1-eqiad=/dev/null --config "$CONF"
check "nrpe keeps its own -c (critical)" 3 '^BGPWATCH UNKNOWN' \
  "$BGPWATCH" nrpe --node kubernetes1003 -c 0 --replay cr1-eqiad=/dev/null --config "$CONF"
[ "$fail" = 0 ] && echo "PASS: completion scripts and the kubectl-like CLI"
exit $fail

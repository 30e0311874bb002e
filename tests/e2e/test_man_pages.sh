#!/usr/bin/env bash
# tests/e2e/test_man_pages.sh: the man pages (docs/man/*.scd) say what the
# binary does, and scdoc turns them into pages man renders without warnings.
#
# bgpwatch(1) against the binary's own help:
#   - the commands of `bgpwatch --help` are exactly the "## NAME" sections
#     under COMMANDS;
#   - for each command, the flags its `--help` mentions are exactly the flags
#     its man section mentions (a flag in one and not the other fails);
#   - the flags of `bgpwatch --help` are exactly those of GLOBAL OPTIONS;
#   - the flags of the gate commands' help together are exactly those of
#     GATE OPTIONS.
# bgpwatch.yaml(5) against the config parser (collector/config/): every key
# the parser accepts (`key == "..."`) is a term of the page, and every
# term's key is one the parser accepts.
# A flag is --long-name, or -x standing alone (after a space, '[', '(' or
# '|', before a space, ',', ']', ')' or '|'), as bgpwatch completion reads them.
set -uo pipefail
BGPWATCH=${BGPWATCH:?}
SRC=${BGPWATCH_SOURCE_DIR:?}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0

"$BGPWATCH" --help > "$work/help.txt" 2>&1 || { echo "FAIL: bgpwatch --help exit $?"; fail=1; }
commands=$(sed -n '/^commands:/,/^$/p' "$work/help.txt" | awk 'NR > 1 && NF {print $1}')
[ -n "$commands" ] || { echo "FAIL: no commands in bgpwatch --help"; cat "$work/help.txt"; exit 1; }
for c in $commands; do
  "$BGPWATCH" "$c" --help > "$work/cmd-$c.txt" 2>&1
  [ -s "$work/cmd-$c.txt" ] || { echo "FAIL: $c --help printed nothing"; fail=1; }
done

/usr/bin/python3 - "$SRC" "$work" $commands <<'PYEOF' || fail=1
import os, re, sys
src, work, commands = sys.argv[1], sys.argv[2], sys.argv[3:]
failed = False
def problem(msg):
    global failed
    failed = True
    print("FAIL:", msg)

LONG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")
SHORT = re.compile(r"(?:(?<=[\s\[(|*])|^)-[a-zA-Z](?=[\s,\])|*]|$)")
def flags(text):
    return set(LONG.findall(text)) | set(SHORT.findall(text))

page = open(os.path.join(src, "docs/man/bgpwatch.1.scd")).read()
# Sections: "# TITLE" and, below COMMANDS, "## command".
sections, subsections, cur, sub = {}, {}, None, None
for line in page.splitlines():
    if line.startswith("# "):
        cur, sub = line[2:].strip(), None
        sections[cur] = ""
        continue
    if line.startswith("## ") and cur == "COMMANDS":
        sub = line[3:].strip()
        subsections[sub] = ""
        continue
    if cur is not None:
        sections[cur] += line + "\n"
        if sub is not None:
            subsections[sub] += line + "\n"

def compare(what, help_flags, man_flags):
    for f in sorted(help_flags - man_flags):
        problem(f"{what}: {f} is in --help but not in the man page")
    for f in sorted(man_flags - help_flags):
        problem(f"{what}: {f} is in the man page but not in --help")
    if help_flags == man_flags:
        print(f"ok: {what}: {len(help_flags)} flags agree")

if set(commands) != set(subsections):
    problem(f"commands in --help {sorted(commands)} != man COMMANDS sections {sorted(subsections)}")
else:
    print(f"ok: the {len(commands)} commands of --help each have a man section")
for c in commands:
    help_text = open(os.path.join(work, f"cmd-{c}.txt")).read()
    compare(f"{c}", flags(help_text), flags(subsections.get(c, "")))
main_help = open(os.path.join(work, "help.txt")).read()
compare("global options", flags(main_help), flags(sections.get("GLOBAL OPTIONS", "")))
gate_cmds = [c for c in ("status", "check", "wait-established", "gate") if c in commands]
gate_help = set()
for c in gate_cmds:
    gate_help |= flags(open(os.path.join(work, f"cmd-{c}.txt")).read())
# The gate commands' usage lines also name global flags; GATE OPTIONS does not.
gate_help -= flags(sections.get("GLOBAL OPTIONS", "")) - flags(sections.get("GATE OPTIONS", ""))
compare("gate options", gate_help, flags(sections.get("GATE OPTIONS", "")))
for s in ("NAME", "SYNOPSIS", "DESCRIPTION", "EXIT STATUS", "ENVIRONMENT", "FILES", "EXAMPLES"):
    if s not in sections:
        problem(f"bgpwatch(1) has no {s} section")

# bgpwatch.yaml(5) against the configuration parser.
keys = set()
for root, _, files in os.walk(os.path.join(src, "collector")):
    for f in files:
        if f.endswith(".cpp") and ("config" in root.split(os.sep)[-1] or f.startswith("config")):
            keys |= set(re.findall(r'key == "([a-z_]+)"', open(os.path.join(root, f)).read()))
if len(keys) < 10:
    problem(f"found only {len(keys)} configuration keys in collector/: the extraction is broken")
yaml_page = open(os.path.join(src, "docs/man/bgpwatch.yaml.5.scd")).read()
terms = set()
for line in yaml_page.splitlines():
    m = re.fullmatch(r"\*([a-z_]+\.?.*)\*", line.strip())
    if m and not line.startswith("\t"):
        term = re.sub(r"[*_]{1}(?=[A-Z])|(?<=[A-Z])[*_]", "", m.group(1))
        term = term.replace("*", "").replace("[]", "")
        last = [p for p in term.split(".") if p and not p.isupper()]
        if last:
            terms.add(last[-1])
            for p in last:
                terms.add(p)
for k in sorted(keys - terms):
    problem(f"configuration key '{k}' (collector/config) is not described in bgpwatch.yaml(5)")
for t in sorted(terms - keys):
    problem(f"bgpwatch.yaml(5) describes '{t}', which the configuration parser does not accept")
if keys <= terms and terms <= keys:
    print(f"ok: bgpwatch.yaml(5) describes exactly the {len(keys)} configuration keys")
sys.exit(1 if failed else 0)
PYEOF

# The pages build and render without groff warnings.
if command -v scdoc >/dev/null; then
  for p in bgpwatch.1 bgpwatch.yaml.5; do
    if ! scdoc < "$SRC/docs/man/$p.scd" > "$work/$p" 2> "$work/$p.err"; then
      echo "FAIL: scdoc $p: $(cat "$work/$p.err")"; fail=1; continue
    fi
    warn=$(MANWIDTH=80 man --warnings -l "$work/$p" 2>&1 >/dev/null)
    [ -z "$warn" ] && echo "ok: $p renders without warnings" || { echo "FAIL: $p: $warn"; fail=1; }
  done
else
  echo "note: scdoc missing, pages not rendered"
fi
[ "$fail" = 0 ] && echo "PASS: man pages agree with --help and the configuration parser"
exit $fail

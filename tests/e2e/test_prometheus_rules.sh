#!/usr/bin/env bash
# tests/e2e/test_prometheus_rules.sh: packaging/prometheus/bgpwatch.rules.yml
# passes `promtool check rules` and its unit tests (`promtool test rules` on
# synthetic series, bgpwatch.rules.test.yml); a broken expectation is caught
# (the tests really run); packaging/grafana/bgpwatch.json is valid JSON with
# the panels it promises, and every query in it is valid PromQL; and neither
# the rules nor the dashboard name a metric the collector does not export.
#
# The exported names are read from the collector's source: every
# MetricsWriter registration, `.add("bgpwatch_...", ...)`. Names with a colon
# are recording rules and must be defined in the rules file.
#
# Any name the collector does not export fails (no exemptions).
# tests/e2e/test_collect_routes.sh checks the same names against a running
# collector's /metrics.
set -uo pipefail
SRC=${BGPWATCH_SOURCE_DIR:?}
PY=/usr/bin/python3
command -v promtool >/dev/null || { echo "SKIP: promtool missing (Debian prometheus)"; exit 77; }
RULES=$SRC/packaging/prometheus/bgpwatch.rules.yml
TESTS=$SRC/packaging/prometheus/bgpwatch.rules.test.yml
DASH=$SRC/packaging/grafana/bgpwatch.json
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fail=1; }

if out=$(promtool check rules "$RULES" 2>&1); then ok "promtool check rules: $(grep -o '[0-9]* rules found' <<<"$out")"
else bad "promtool check rules:"; echo "$out"; fi
if out=$(promtool test rules "$TESTS" 2>&1); then ok "promtool test rules: SUCCESS"
else bad "promtool test rules:"; echo "$out"; fi

# The unit tests can fail: a copy whose site expects 0.75 routers up instead
# of 0.5, and one whose session alert is expected a minute too early.
cp "$RULES" "$work/"
sed 's/value: 0.5$/value: 0.75/' "$TESTS" > "$work/t1.yml"
sed '0,/eval_time: 7m/s//eval_time: 6m/' "$TESTS" > "$work/t2.yml"
# ... and one whose stale-routes alert shows the value of 30 s before.
sed 's/kept stale on cr1-eqiad: 60 s left/kept stale on cr1-eqiad: 90 s left/' "$TESTS" > "$work/t3.yml"
for t in t1 t2 t3; do
  if cmp -s "$TESTS" "$work/$t.yml"; then bad "negative control $t did not change the tests"
  elif promtool test rules "$work/$t.yml" >/dev/null 2>&1; then bad "promtool accepted a wrong expectation ($t)"
  else ok "a wrong expectation fails promtool test rules ($t)"; fi
done

# Dashboard structure, exported names and PromQL validity.
"$PY" - "$SRC" "$RULES" "$DASH" "$work" > "$work/names.out" <<'PYEOF'
import json, os, re, sys, yaml
src, rules_path, dash_path, work = sys.argv[1:5]
problems = []

# Exported metric names: every registration in the collector's source.
exported = set()
for root, _, files in os.walk(os.path.join(src, "collector")):
    for f in files:
        if f.endswith((".cpp", ".hpp")):
            text = open(os.path.join(root, f), encoding="utf-8", errors="replace").read()
            exported.update(re.findall(r'\.add\(\s*"(bgpwatch_[a-z0-9_]+)"', text))
if len(exported) < 5:
    problems.append(f"found only {len(exported)} exported metric names in collector/: the extraction is broken")
print("exported:", " ".join(sorted(exported)))

rules = yaml.safe_load(open(rules_path))
recorded, exprs = set(), []
for g in rules["groups"]:
    for r in g["rules"]:
        if "record" in r:
            recorded.add(r["record"])
        exprs.append((f"rule {r.get('record') or r.get('alert')}", r["expr"]))

try:
    dash = json.load(open(dash_path))
except ValueError as e:
    print("PROBLEM dashboard is not JSON:", e); sys.exit(0)
for key in ("uid", "title", "panels", "templating", "schemaVersion"):
    if key not in dash:
        problems.append(f"dashboard has no {key}")
titles = [p.get("title", "") for p in dash.get("panels", [])]
types = {p.get("title", ""): p.get("type") for p in dash.get("panels", [])}
for want, ptype in (("Sites", "stat"), ("Routers up", "stat"), ("Session state", "state-timeline"), ("Poll latency", "timeseries")):
    if not any(t.startswith(want) and types[t] == ptype for t in titles):
        problems.append(f"dashboard has no {ptype} panel titled '{want}...'")
ids = [p.get("id") for p in dash.get("panels", [])]
if len(ids) != len(set(ids)):
    problems.append("dashboard panel ids are not unique")
for p in dash.get("panels", []):
    if not p.get("targets"):
        problems.append(f"panel '{p.get('title')}' has no query")
    for t in p.get("targets", []):
        exprs.append((f"panel '{p.get('title')}'", t["expr"]))
for v in dash["templating"]["list"]:
    if v.get("type") == "query":
        q = v["query"]["query"] if isinstance(v["query"], dict) else v["query"]
        m = re.fullmatch(r"label_values\((.*),\s*([a-z_]+)\)", q)
        if not m:
            problems.append(f"variable {v['name']}: unexpected query {q}")
        else:
            exprs.append((f"variable {v['name']}", m.group(1)))

# Names the expressions use: bgpwatch_* must be exported, level:name:op
# must be recorded in the rules file.
for where, e in exprs:
    for name in set(re.findall(r"(?<![A-Za-z0-9_:])([a-z_]*:?bgpwatch_[a-z0-9_]+(?::[a-z0-9_]+)?)", e)):
        if ":" in name:
            if name not in recorded:
                problems.append(f"{where} uses {name}, which no rule records")
        elif name not in exported:
            problems.append(f"{where} uses {name}, which the collector does not export")

# Every dashboard/variable query is valid PromQL: promtool checks them as
# recording rules, with the Grafana variables given values.
checks = []
for i, (where, e) in enumerate(exprs):
    if where.startswith("rule "):
        continue
    e = e.replace("$site", ".*").replace("$node", ".*").replace("$__rate_interval", "5m")
    checks.append({"record": f"dashboard:check_{i}", "expr": e})
with open(os.path.join(work, "dashboard-exprs.yml"), "w") as f:
    yaml.safe_dump({"groups": [{"name": "dashboard", "rules": checks}]}, f)
print("dashboard queries:", len(checks))
for p in problems:
    print("PROBLEM", p)
PYEOF
cat "$work/names.out" | grep -v '^PROBLEM' | sed 's/^/  /'
while read -r line; do bad "${line#PROBLEM }"; done < <(grep '^PROBLEM' "$work/names.out")
if out=$(promtool check rules "$work/dashboard-exprs.yml" 2>&1); then ok "every dashboard query is valid PromQL ($(grep -o '[0-9]* rules found' <<<"$out"))"
else bad "dashboard PromQL:"; echo "$out"; fi
grep -q '^exported: .*bgpwatch_router_up' "$work/names.out" && [ "$fail" = 0 ] \
  && ok "rules and dashboard name only exported or recorded metrics"

[ "$fail" = 0 ] && echo "PASS: Prometheus rules, their tests and the Grafana dashboard"
exit $fail

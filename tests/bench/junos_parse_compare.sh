#!/bin/bash
# tests/bench/junos_parse_compare.sh: issue 2 item 10, side by side in one run
# on the same 10,000-peer <get-bgp-summary-information/> reply:
#   (a) bgpwatch end to end: `bgpwatch --format json parse FILE > /dev/null`
#       (falls back to bench/bench_junos_e2e, the same parse + session JSON,
#       when this build's `parse` cannot read the file yet)
#   (b) the same field extraction + JSON in Python lxml (/usr/bin/python3)
#   (c) `xmllint --stream --noout FILE`: a floor (reads the XML, extracts nothing)
# Reports the median wall time of RUNS runs each and the ratios, and checks
# that (a) and (b) produce the same sessions. A benchmark, not a test.
#
# usage: tests/bench/junos_parse_compare.sh [BUILD_DIR (default build-bench)] [RUNS (default 7)]
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$src/build-bench}
runs=${2:-7}
py=/usr/bin/python3
k_o3_false_positives="-Wno-error=restrict -Wno-error=maybe-uninitialized -Wno-error=array-bounds -Wno-error=stringop-overflow -Wno-error=stringop-overread"

if [ ! -f "$build/build.ninja" ]; then
  # GCC 12 at -O3 raises false positives inside libstdc++ and nlohmann
  # (-Wrestrict, -Wmaybe-uninitialized, ...) that -O0 does not; in a
  # benchmark build they stay warnings instead of stopping the run.
  cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBGPWATCH_BENCH=ON -DBGPWATCH_TESTS=OFF \
    "-DCMAKE_CXX_FLAGS=$k_o3_false_positives" -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
fi
if ! ninja -C "$build" -j2 bgpwatch bench_junos_e2e bench_junos_parse >"$build/junos_compare_build.log" 2>&1; then
  echo "build failed: see $build/junos_compare_build.log" >&2
  exit 1
fi

input=$build/junos_10k.xml
[ -f "$input" ] || $py "$src/tests/bench/gen_junos_summary.py" --peers 10000 "$input"
bytes=$(stat -c %s "$input")

if "$build/bgpwatch" --format json parse "$input" >/dev/null 2>&1; then
  a_cmd=("$build/bgpwatch" --format json parse "$input")
  a_name="bgpwatch --format json parse"
else
  a_cmd=("$build/bench/bench_junos_e2e" "$input")
  a_name="bench_junos_e2e (parse + JSON; 'bgpwatch parse' not available in this build)"
fi
b_cmd=($py "$src/tests/bench/junos_lxml_extract.py" "$input")
c_cmd=(xmllint --stream --noout "$input")

# Same answer first: the comparison means nothing otherwise.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"${a_cmd[@]}" >"$tmp/a.json"
"${b_cmd[@]}" >"$tmp/b.json"
$py - "$tmp/a.json" "$tmp/b.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
keys = ["address", "peer_as", "state", "uptime_seconds", "flaps", "input_messages", "output_messages",
        "output_queue", "description"]
assert len(a["sessions"]) == len(b["sessions"]), (len(a["sessions"]), len(b["sessions"]))
for x, y in zip(a["sessions"], b["sessions"]):
    for k in keys:
        assert x[k] == y[k], (k, x[k], y[k])
    assert [(r["name"], r["accepted"]) for r in x["ribs"]] == [(r["name"], r["accepted"]) for r in y["ribs"]]
print(f"outputs agree: {len(a['sessions'])} sessions")
PY

median_ms() {
  local i t0 t1
  local -a times=()
  for ((i = 0; i < runs; i++)); do
    t0=$(date +%s%N)
    "$@" >/dev/null
    t1=$(date +%s%N)
    times+=($(((t1 - t0) / 1000)))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{v[NR]=$1} END {m=v[int((NR+1)/2)]; printf "%.1f", m/1000}'
}

a=$(median_ms "${a_cmd[@]}")
b=$(median_ms "${b_cmd[@]}")
c=$(median_ms "${c_cmd[@]}")
echo "input: $input ($bytes bytes, $(grep -c '<peer-address>' "$input") peers); median of $runs runs, wall clock"
printf '%-12s %10s ms  %s\n' "(a)" "$a" "$a_name"
printf '%-12s %10s ms  %s\n' "(b)" "$b" "python3 lxml extraction + json.dump"
printf '%-12s %10s ms  %s\n' "(c)" "$c" "xmllint --stream --noout (floor)"
awk -v a="$a" -v b="$b" -v c="$c" 'BEGIN {
  printf "lxml / bgpwatch = %.1fx (target >= 10x)\n", b / a
  printf "bgpwatch / xmllint-stream = %.2fx\n", a / c
}'
echo "in-process parse only (Google Benchmark):"
(cd "$build" && BGPWATCH_BENCH_XML="$input" ./bench/bench_junos_parse --benchmark_min_time=1 2>/dev/null | grep -E '^(bm_|Benchmark|-)' || true)

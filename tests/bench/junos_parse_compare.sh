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

build=$(cd "$build" && pwd)
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

# Median wall time and median CPU time (user+sys) of $runs runs, in ms. CPU
# time is reported too because wall time on a shared machine mostly measures
# the other tenants.
measure() {
  local i
  local -a walls=() cpus=()
  for ((i = 0; i < runs; i++)); do
    /usr/bin/time -f "%e %U %S" -o "$tmp/time" "$@" >/dev/null
    read -r wall user sys <"$tmp/time"
    walls+=("$wall")
    cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}')")
  done
  local w c
  w=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{v[NR]=$1} END {printf "%.0f", v[int((NR+1)/2)] * 1000}')
  c=$(printf '%s\n' "${cpus[@]}" | sort -g | awk '{v[NR]=$1} END {printf "%.0f", v[int((NR+1)/2)] * 1000}')
  echo "$w $c"
}

read -r a_wall a_cpu < <(measure "${a_cmd[@]}")
read -r b_wall b_cpu < <(measure "${b_cmd[@]}")
read -r c_wall c_cpu < <(measure "${c_cmd[@]}")
echo "input: $input ($bytes bytes, $(grep -c '<peer-address>' "$input") peers); median of $runs runs"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
printf '%-4s %8s ms wall %8s ms cpu  %s\n' "(a)" "$a_wall" "$a_cpu" "$a_name"
printf '%-4s %8s ms wall %8s ms cpu  %s\n' "(b)" "$b_wall" "$b_cpu" "python3 lxml extraction + json.dump"
printf '%-4s %8s ms wall %8s ms cpu  %s\n' "(c)" "$c_wall" "$c_cpu" "xmllint --stream --noout (floor)"
awk -v aw="$a_wall" -v bw="$b_wall" -v cw="$c_wall" -v ac="$a_cpu" -v bc="$b_cpu" -v cc="$c_cpu" 'BEGIN {
  printf "lxml / bgpwatch:  %.1fx wall, %.1fx cpu (target >= 10x)\n", bw / aw, bc / ac
  printf "bgpwatch / xmllint --stream: %.2fx wall, %.2fx cpu\n", aw / cw, ac / cc
}'
echo "in-process parse only (Google Benchmark):"
BGPWATCH_BENCH_XML="$input" "$build/bench/bench_junos_parse" --benchmark_min_time=1 2>/dev/null | grep -E '^(bm_|Benchmark|-)' || true

#!/usr/bin/env bash
# tests/bench/sniff_bench.sh: `bgpwatch sniff --read` against tshark and a
# bare libpcap read loop, on captures of 1M and 2M BGP messages built from a
# lab fixture (make_sniff_capture.py). Release build in $BUILD (build-rel).
#
#   bash tests/bench/sniff_bench.sh [MESSAGES...]     (default: 1000000 2000000)
#
# Reports wall time, CPU time (user+sys) and peak RSS of each run, and the
# ratios on CPU time (the machine may be shared: wall time is noisier).
# TSHARK=0 skips tshark (minutes on 1M messages). Targets (issue 7): sniff >= 20x faster than tshark, within 2x of the floor,
# peak RSS the same for 1M and 2M messages.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build-rel}
WORK=${WORK:-$(mktemp -d /tmp/bwbench.XXXXXX)}
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000000 2000000)

# -Wno-restrict: GCC 12 -O3 reports a false -Wrestrict in std::string code (bgp/ranges.cpp)
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBGPWATCH_BENCH=ON -DBGPWATCH_TESTS=OFF \
  -DCMAKE_CXX_FLAGS=-Wno-restrict \
  -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
ninja -C "$BUILD" -j2 bgpwatch bench_sniff_floor >/dev/null

# measure NAME CMD...: "NAME wall user sys rss" (seconds, KiB); stdout of CMD discarded
measure() {
  local name=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/time" "$@" >/dev/null 2>"$WORK/err" || { cat "$WORK/err" >&2; return 1; }
  read -r wall user sys rss < "$WORK/time"
  printf '%s %s %s %s %s\n' "$name" "$wall" "$user" "$sys" "$rss"
}

for n in "${SIZES[@]}"; do
  cap=$WORK/sniff-$n.pcap
  [ -s "$cap" ] || /usr/bin/python3 "$ROOT/tests/bench/make_sniff_capture.py" "$cap" "$n" 200 \
    "$ROOT/fixtures/pcap/two-nodes.pcap"
  echo "== $n messages: $cap ($(du -h "$cap" | cut -f1))"
  {
    measure floor "$BUILD/bench/bench_sniff_floor" "$cap"
    measure pipeline "$BUILD/bench/bench_sniff_floor" --pipeline "$cap"
    measure sniff-json "$BUILD/bgpwatch" --format json sniff --read "$cap"
    measure sniff-text "$BUILD/bgpwatch" sniff --read "$cap"
    [ "${TSHARK:-1}" = 0 ] || measure tshark tshark -n -r "$cap" -Y bgp -T fields -e bgp.type
  } | tee "$WORK/results-$n"
  /usr/bin/python3 - "$WORK/results-$n" <<'PY'
import sys
rows = {}
for l in open(sys.argv[1]):
    name, wall, user, sys_, rss = l.split()
    rows[name] = [float(wall), float(user) + float(sys_), float(rss)]
print(f"{'run':<11} {'wall s':>8} {'cpu s':>8} {'peak RSS MiB':>13}")
for k, (wall, cpu, rss) in rows.items():
    print(f"{k:<11} {wall:>8.2f} {cpu:>8.2f} {rss / 1024:>13.1f}")
f, j, tx = rows["floor"][1], rows["sniff-json"][1], rows["sniff-text"][1]
if "tshark" in rows:
    t = rows["tshark"][1]
    print(f"tshark / sniff-json (cpu): {t / j:.1f}x, tshark / sniff-text: {t / tx:.1f}x (target >= 20x)")
print(f"sniff-json / floor: {j / f:.2f}x, sniff-text / floor: {tx / f:.2f}x (target <= 2x)")
PY
done

#!/usr/bin/env bash
# Run every bgpwatch test on a Debian bookworm machine, as root:
#   1. install the Debian packages it needs (packaging/debian-packages.txt);
#   2. build with ASan+UBSan (gcc) and run all CTest tests (unit + e2e);
#   3. build the libFuzzer targets (clang) and run each for a bounded time.
# Environment: FUZZ_SECONDS (default 20 per target), JOBS (default nproc),
# CI=true: any CTest test that did not run (an e2e script's exit 77 "SKIP")
# is a failure, so a missing tool cannot make the suite smaller unseen.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# Not root = half the suite (sshd, namespaces, the lab) would skip: that is
# not a passing run. Fail instead.
if [ "$(id -u)" != 0 ]; then
  echo "run-all: must run as root (private sshd, network namespaces, apt-get); refusing a partial run" >&2
  exit 1
fi
. tests/lib/deps.sh
bgpwatch_install_deps "$ROOT"

JOBS=${JOBS:-$(nproc)}
FUZZ_SECONDS=${FUZZ_SECONDS:-20}
start=$(date +%s)

# ccache (a Debian package like the rest) makes repeated runs on one machine
# fast; paths are hashed relative to the checkout so clones share the cache.
launcher=()
if command -v ccache >/dev/null 2>&1; then
  export CCACHE_BASEDIR=$ROOT CCACHE_NOHASHDIR=1
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi

echo "== build (gcc, ASan+UBSan) =="
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DBGPWATCH_SANITIZE=ON -DBGPWATCH_WERROR=ON "${launcher[@]}" >/dev/null
cmake --build build-asan -j "$JOBS"

echo "== tests =="
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest_log=$(mktemp)
ctest_rc=0
ctest --test-dir build-asan -j "$JOBS" --output-on-failure --timeout 600 --output-log "$ctest_log" || ctest_rc=$?
# SKIP_RETURN_CODE 77 turns a script's "SKIP: tool missing" into "Not Run".
# Fine on a developer's laptop, never in CI: every tool is in
# packaging/debian-packages.txt, so a skip there means a broken machine.
not_run=$(grep -E '\*\*\*(Skipped|Not Run)|Not Run' "$ctest_log" || true)
rm -f "$ctest_log"
if [ -n "$not_run" ]; then
  echo "tests that did not run:"; printf '%s\n' "$not_run"
  if [ "${CI:-}" = true ]; then
    echo "run-all: CI=true and some tests did not run: failing" >&2
    exit 1
  fi
fi
[ "$ctest_rc" = 0 ] || exit "$ctest_rc"

echo "== fuzz (clang libFuzzer, ${FUZZ_SECONDS}s per target) =="
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DBGPWATCH_FUZZ=ON -DBGPWATCH_TESTS=OFF -DBGPWATCH_WERROR=ON "${launcher[@]}" >/dev/null
fuzzers=$(cd tests/fuzz 2>/dev/null && ls fuzz_*.cpp 2>/dev/null | sed 's/\.cpp$//' || true)
if [ -n "$fuzzers" ]; then
  # shellcheck disable=SC2086
  cmake --build build-fuzz -j "$JOBS" --target $fuzzers
fi
fuzz_ok=0 fuzz_failed=0
for f in $fuzzers; do
  name=${f#fuzz_}
  work=$(mktemp -d)
  seeds=tests/fuzz/corpus/$name
  [ -d "$seeds" ] || seeds=
  echo "-- $f (${FUZZ_SECONDS}s)"
  if build-fuzz/tests/$f -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
       -print_final_stats=0 "$work" $seeds > "$work.log" 2>&1; then
    fuzz_ok=$((fuzz_ok + 1)); tail -n 2 "$work.log"
  else
    fuzz_failed=$((fuzz_failed + 1)); echo "FUZZ FAILURE in $f:"; tail -n 60 "$work.log"
  fi
  rm -rf "$work" "$work.log"
done
echo "fuzz: $fuzz_ok passed, $fuzz_failed failed"
echo "total time: $(( $(date +%s) - start ))s"
[ "$fuzz_failed" = 0 ]

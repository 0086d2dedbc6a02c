#!/usr/bin/env bash
# run-libfuzzer.sh [SECONDS] - build every fuzz target against libFuzzer with the
# library itself instrumented (coverage, ASan, UBSan; -DCGATE_FUZZ=ON, clang) and run
# each for SECONDS (default 20) on a scratch copy of its corpus, after replaying the
# whole committed corpus.  A crash, a leak, a sanitizer report or an input slower
# than libFuzzer's -timeout (a hang) fails the run.  .ci/run calls it.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
secs=${1:-20}
bdir=${CGATE_FUZZ_BUILD:-$here/build-fuzz}
CC=clang CXX=clang++ cmake -S "$here" -B "$bdir" -DCGATE_FUZZ=ON -DCGATE_TESTS=ON -DCGATE_WERROR=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
targets=$(cd "$here/tests/fuzz" && ls fuzz_*.c | sed 's/\.c$//')
# shellcheck disable=SC2086
cmake --build "$bdir" -j"$(nproc)" --target $targets >"$bdir/build.log" 2>&1 || { tail -20 "$bdir/build.log"; exit 1; }
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fail=0
for t in $targets; do
  c=${t#fuzz_}
  scratch=$(mktemp -d)
  log=$bdir/$t.log
  if (cd "$scratch" && "$bdir/tests/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
        -max_len=1048576 -print_final_stats=1 "$scratch" "$here/tests/fuzz/corpus/$c" >"$log" 2>&1); then
    echo "fuzz: $t ok ($(grep -m1 -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$') runs in ${secs}s)"
  else
    echo "fuzz: $t FAILED (log: $log); the input is kept in $scratch"
    grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -5
    fail=1
    continue
  fi
  rm -rf "$scratch"
done
exit $fail

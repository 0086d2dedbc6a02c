#!/usr/bin/env bash
# test.sh - set up, build and run the whole test suite (unit + integration).
#   bash scripts/test.sh              normal build in build/
#   bash scripts/test.sh --sanitize   AddressSanitizer + UBSan build in build-asan/
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$here/scripts/setup-deps.sh"
dir=build; flags=()
if [ "${1:-}" = "--sanitize" ]; then
  dir=build-asan; flags=(-DCGATE_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug)
  export CGATE_SANITIZE=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fi
cmake -S "$here" -B "$here/$dir" -DCGATE_TESTS=ON "${flags[@]}" >/dev/null
cmake --build "$here/$dir" -j"$(nproc)"
cd "$here/$dir" && ctest --output-on-failure -j"$(nproc)"

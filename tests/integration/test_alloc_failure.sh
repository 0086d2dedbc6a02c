#!/usr/bin/env bash
# test_alloc_failure.sh - allocation-failure ("torture") test in the manner of curl's
# and SQLite's: the SBOM, scan and policy commands on the bundled sample are run
# with the Nth allocation failing (tests/tools/failalloc.c, LD_PRELOAD), for every N
# up to 200 and then evenly spread over all of the command's allocations.  Each run
# must either give exactly the normal result (same exit code, same bytes) or exit 5
# with one "out of memory" line and no output file: never a crash, a hang, a
# partial file or a silently different SBOM, report or decision.
# CG_ALLOC_RUNS (default 320) caps the runs per command.  Skipped under ASan,
# which owns malloc.
. "$(dirname "$0")/lib.sh"
cg_setup alloc_failure
cg_is_asan && cg_skip "sanitizer build: ASan owns malloc"
shim=${CG_BUILD:-}/tests/failalloc.so
[ -f "$shim" ] || cg_skip "no $shim (built only without sanitizers)"
export SOURCE_DATE_EPOCH=1767225600 NO_COLOR=1
mkimage "$CG_TESTS/../samples/debian/spec.json" oci "$T/img.oci" >/dev/null
"$CGATE" db import -q --db "$T/db.sqlite" "$CG_TEST_DATA/scan/debian/bookworm-labels-img-debian/osv" \
  >/dev/null 2>&1 || cg_die "db import failed"
runs=${CG_ALLOC_RUNS:-320}

# torture NAME OUTFILE ARGS...: ARGS must write OUTFILE with -o
torture() {
  local name=$1 out=$2
  shift 2
  rm -f "$out"
  CG_FAILALLOC_COUNT_FILE=$T/$name.count LD_PRELOAD=$shim "$CGATE" "$@" >/dev/null 2>"$T/$name.err0"
  local want_rc=$?
  [ -f "$out" ] || { cg_fail "$name: reference run wrote no $out (rc $want_rc: $(head -c 300 "$T/$name.err0"))"; return; }
  cp "$out" "$T/$name.ref"
  local total
  total=$(cat "$T/$name.count")
  local stride=$(( total / (runs > 200 ? runs - 200 : 1) ))
  [ "$stride" -lt 1 ] && stride=1
  local n=1 done_=0 failed5=0 same=0
  while [ "$n" -le "$total" ]; do
    rm -f "$out"
    CG_FAILALLOC_N=$n LD_PRELOAD=$shim timeout -k 5 60 "$CGATE" "$@" >/dev/null 2>"$T/$name.err"
    local rc=$?
    if [ "$rc" -ge 124 ]; then
      cg_fail "$name: allocation $n of $total: exit $rc (crash or hang): $(head -c 300 "$T/$name.err" | tr '\n' '|')"
    elif [ "$rc" = "$want_rc" ] && [ -f "$out" ]; then
      if cmp -s "$out" "$T/$name.ref"; then same=$((same + 1)); cg_ok
      else cg_fail "$name: allocation $n of $total failed, exit $rc, but the output differs from the normal run"; fi
    elif [ "$rc" = 5 ]; then
      if [ -e "$out" ]; then cg_fail "$name: allocation $n: exit 5 but $out was written"
      elif grep -q '^Fatal Internal Error in libarchive: ' "$T/$name.err"; then
        # libarchive ends the process itself on some failed allocations (its own
        # line on stderr); cgate's exit guard must then say so in one line, exit 5
        if [ "$(wc -l <"$T/$name.err")" != 2 ] || ! tail -n 1 "$T/$name.err" | grep -q '^cgate: out of memory (a library ended the process)'; then
          cg_fail "$name: allocation $n: libarchive ended the process without cgate's exit-5 line: $(head -c 300 "$T/$name.err" | tr '\n' '|')"
        else failed5=$((failed5 + 1)); cg_ok; fi
      elif [ "$(wc -l <"$T/$name.err")" != 1 ] || ! grep -qiE 'out of memory|allocate memory' "$T/$name.err"; then
        cg_fail "$name: allocation $n: exit 5 without one 'out of memory' line: $(head -c 300 "$T/$name.err" | tr '\n' '|')"
      else failed5=$((failed5 + 1)); cg_ok; fi
    else
      cg_fail "$name: allocation $n of $total: exit $rc (want $want_rc or 5): $(head -c 300 "$T/$name.err" | tr '\n' '|')"
    fi
    done_=$((done_ + 1))
    if [ "$n" -lt 200 ]; then n=$((n + 1)); else n=$((n + stride)); fi
  done
  cg_info "$name: $done_ runs over $total allocations: $same normal results, $failed5 clean exit 5"
}

torture sbom "$T/sbom.json" sbom -o "$T/sbom.json" "oci:$T/img.oci"
"$CGATE" sbom -o "$T/sbom.json" "oci:$T/img.oci" || cg_die "sbom failed"
torture scan "$T/report.json" scan -q --db "$T/db.sqlite" --now 2026-01-01T00:00:00Z --sbom "$T/sbom.json" -o "$T/report.json"
"$CGATE" scan -q --db "$T/db.sqlite" --now 2026-01-01T00:00:00Z --sbom "$T/sbom.json" -o "$T/report.json" || cg_die "scan failed"
torture policy "$T/decision.json" policy "$T/report.json" --policy "$CG_TESTS/../samples/debian/policy.yaml" \
  --now 2026-12-01 -o "$T/decision.json"
cg_info "elapsed $(cg_elapsed)s"
cg_finish

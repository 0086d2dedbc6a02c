#!/usr/bin/env bash
# scale.sh - peak memory and time of cgate at scale (issue 17, item 3): the
# four memory goals, one line each with the peak RSS, the package or finding
# count and the time per package / finding.
#
#   bench/scale.sh [--packages N] [--layers N] [--keep]
#
#   sbom-cdx   cgate sbom -f cyclonedx-json  of an image with N npm packages (default 100,000)
#   sbom-spdx  cgate sbom -f spdx-json       of the same image
#   layers     cgate sbom of an image of N layers (default 300), each rewriting the dpkg status
#   scan       cgate scan --sbom the CycloneDX SBOM above (every package has one finding)
#   policy     cgate policy over that scan report (N findings), tests/data/policy/policies/full.yaml
#
# Inputs come from bench/gen-big.py (kinds `pkgs` and `layers`) under
# ${BENCH_TMP:-/tmp/cgate-bench}/scale and are made once per size.  Peak RSS is
# /usr/bin/time's maximum resident set size (%M); time is its wall clock (%e).
# CGATE=PATH picks the binary (default: build/cgate, else a Release build in
# build-bench).  Exit 1 when a goal (peak <= ${GOAL_MIB:-64} MiB) is missed.
set -euo pipefail

NPKG=100000; NLAYERS=300; KEEP=0
while [ $# -gt 0 ]; do
  case $1 in
    --packages) NPKG=$2; shift ;;
    --layers) NLAYERS=$2; shift ;;
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "scale.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
BENCH_TMP=${BENCH_TMP:-/tmp/cgate-bench}
GOAL_MIB=${GOAL_MIB:-64}
IN=$BENCH_TMP/scale
die() { printf 'scale.sh: %s\n' "$*" >&2; exit 1; }
[ -x /usr/bin/time ] || die "needs GNU time (/usr/bin/time, Debian package 'time')"

if [ -z "${CGATE:-}" ]; then
  if [ -x "$ROOT/build/cgate" ]; then
    CGATE=$ROOT/build/cgate
  else
    (cd "$ROOT" &&
     cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DCGATE_TESTS=OFF >/dev/null &&
     cmake --build build-bench --target cgate_cli -j"$(nproc)" >/dev/null) || die "cgate build failed"
    CGATE=$ROOT/build-bench/cgate
  fi
fi
[ -x "$CGATE" ] || die "no cgate binary at $CGATE"

# ------------------------------------------------------------------ inputs
PK=$IN/pkgs-$NPKG; LY=$IN/layers-$NLAYERS-1m
if [ ! -f "$PK/img-pkgs.docker.tar" ]; then
  mkdir -p "$PK"; python3 "$HERE/gen-big.py" pkgs "$PK" --packages "$NPKG" || die "gen-big.py pkgs failed"
fi
if [ ! -f "$LY/img-layers.docker.tar" ]; then
  mkdir -p "$LY"; python3 "$HERE/gen-big.py" layers "$LY" --layers "$NLAYERS" || die "gen-big.py layers failed"
fi
OUT=$(mktemp -d "${TMPDIR:-/tmp}/cgate-scale.XXXXXX")
[ $KEEP = 1 ] && echo "outputs kept in $OUT" >&2 || trap 'rm -rf "$OUT"' EXIT
export SOURCE_DATE_EPOCH=1767225600
NOW=2026-01-01T00:00:00Z
if [ ! -f "$PK/db.sqlite" ]; then
  "$CGATE" db import --db "$PK/db.sqlite.tmp" "$PK/osv-pkgs" >/dev/null || die "db import failed"
  mv "$PK/db.sqlite.tmp" "$PK/db.sqlite"
fi

# ------------------------------------------------------------------ measure
fail=0
printf '%-10s %10s %9s %10s %12s %8s %s\n' goal count peak_MiB wall_s us_per_item goal_ok command
# measure NAME COUNT_CMD -- CGATE-ARGS...: run once under /usr/bin/time.
measure() {
  local name=$1 unit=$2; shift 2
  local rc=0
  /usr/bin/time -f '%M %e' -o "$OUT/$name.time" "$CGATE" "$@" >"$OUT/$name.stdout" 2>"$OUT/$name.stderr" || rc=$?
  if [ $rc -gt 1 ]; then
    cat "$OUT/$name.stderr" >&2; die "$name: cgate exited $rc"
  fi
  local kib wall
  read -r kib wall < <(tail -n 1 "$OUT/$name.time")
  local count; count=$(count_"$unit" "$name")
  local mib; mib=$(awk -v k="$kib" 'BEGIN{printf "%.1f", k/1024}')
  local per; per=$(awk -v w="$wall" -v n="$count" 'BEGIN{ if (n>0) printf "%.2f", w*1e6/n; else print "-" }')
  local ok=yes; awk -v m="$mib" -v g="$GOAL_MIB" 'BEGIN{exit !(m<=g)}' || { ok=NO; fail=1; }
  printf '%-10s %10s %9s %10s %12s %8s %s\n' "$name" "$count" "$mib" "$wall" "$per" "$ok" "cgate $*"
}
count_pkgs() { # components in the SBOM file the step wrote
  python3 - "$OUT/$1.out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print(len(d.get("components") or d.get("packages") or []))
PY
}
count_layers() { echo "$NLAYERS"; }
count_findings() {
  python3 - "$OUT/$1.out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print(sum(len(r.get("Vulnerabilities") or []) for r in d.get("Results") or []))
PY
}
count_policy() { count_findings scan; }

measure sbom-cdx pkgs sbom -q -f cyclonedx-json -o "$OUT/sbom-cdx.out" "docker-archive:$PK/img-pkgs.docker.tar"
measure sbom-spdx pkgs sbom -q -f spdx-json -o "$OUT/sbom-spdx.out" "docker-archive:$PK/img-pkgs.docker.tar"
measure layers layers sbom -q -o "$OUT/layers.out" "docker-archive:$LY/img-layers.docker.tar"
measure scan findings scan -q --db "$PK/db.sqlite" --now "$NOW" -f json -o "$OUT/scan.out" --sbom "$OUT/sbom-cdx.out"
measure policy policy policy "$OUT/scan.out" --policy "$ROOT/tests/data/policy/policies/full.yaml" --now 2026-12-01 -o "$OUT/policy.out"
exit $fail

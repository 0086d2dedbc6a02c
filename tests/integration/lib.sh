# lib.sh - shared helpers for cgate's black-box tests (sourced, not run).
#
# Environment (set by CTest, see tests/CMakeLists.txt): CGATE (the binary),
# CG_TEST_DATA, CG_TESTS, CG_TMP. A test calls cg_setup NAME first; it gets a fresh
# scratch dir in $T. Checks record failures with cg_fail and go on, so one run shows
# every mismatch; cg_finish exits 1 if any check failed. Exit 77 = skipped.

set -u
set -o pipefail

CG_FAILS=0
CG_CHECKS=0

cg_fail() { printf 'FAIL: %s\n' "$*" >&2; CG_FAILS=$((CG_FAILS + 1)); }
cg_ok() { CG_CHECKS=$((CG_CHECKS + 1)); }
cg_info() { printf '# %s\n' "$*" >&2; }
cg_skip() { printf 'SKIP: %s\n' "$*" >&2; exit 77; }
cg_die() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

cg_finish() {
  if [ "$CG_FAILS" -gt 0 ]; then
    printf '%d check(s) failed (%d passed)\n' "$CG_FAILS" "$CG_CHECKS" >&2
    exit 1
  fi
  printf 'all %d checks passed\n' "$CG_CHECKS" >&2
  exit 0
}

# cg_setup NAME: checks the environment, makes $T = $CG_TMP/NAME (wiped first).
cg_setup() {
  : "${CGATE:?CGATE must name the cgate binary}"
  : "${CG_TESTS:?CG_TESTS must name the tests/ directory}"
  : "${CG_TMP:?CG_TMP must name a scratch directory}"
  [ -x "$CGATE" ] || cg_die "CGATE=$CGATE is not an executable file"
  command -v jq >/dev/null || cg_die "jq is required (apt-get install jq)"
  command -v python3 >/dev/null || cg_die "python3 is required"
  MKIMAGE="$CG_TESTS/tools/mkimage.py"
  [ -f "$MKIMAGE" ] || cg_die "missing $MKIMAGE"
  T="$CG_TMP/$1"
  rm -rf "$T"
  mkdir -p "$T"
  CG_TEST_START=$(date +%s)
}

# mkimage SPEC FORMAT OUT [--info FILE] : build a test image (fails the test on error).
mkimage() {
  python3 "$MKIMAGE" "$@" || cg_die "mkimage.py $* failed"
}

# cg_is_asan: true when $CGATE is a sanitizer build (its memory use is not bounded).
# (grep -c, not grep -q: with pipefail, grep -q leaving early kills nm with
# SIGPIPE and the answer becomes "no" at random; `command`: a test may define
# its own nm function; the answer is cached)
cg_is_asan() {
  [ "${CGATE_SANITIZE:-0}" = 1 ] && return 0
  if [ -z "${CG_ASAN_CACHED:-}" ]; then
    CG_ASAN_CACHED=0
    { command nm -D "$CGATE"; command nm "$CGATE"; } 2>/dev/null | grep -c '__asan_init' >/dev/null && CG_ASAN_CACHED=1
  fi
  [ "$CG_ASAN_CACHED" = 1 ]
}

# cg_run OUT ERR ARGS... : runs "$CGATE ARGS..." with stdout to OUT and stderr to ERR,
# under `timeout $CG_TIMEOUT` (default 120 s) and, unless a sanitizer build, a
# virtual-memory limit of $CG_VMEM_KB (default 1 GiB). Sets RC (124 = timed out).
cg_run() {
  local out=$1 err=$2
  shift 2
  local vmem=${CG_VMEM_KB:-1048576}
  if cg_is_asan; then vmem=unlimited; fi
  local t0 t1
  t0=$(date +%s%N)
  ( ulimit -v "$vmem" 2>/dev/null || true
    exec timeout -k 5 "${CG_TIMEOUT:-120}" "$CGATE" "$@" ) >"$out" 2>"$err"
  RC=$?
  t1=$(date +%s%N)
  CG_LAST_MS=$(( (t1 - t0) / 1000000 ))
  CG_LAST_CMD="cgate $*"
}

# cg_sbom OUT ERR ARGS... : cg_run "sbom ARGS"
cg_sbom() {
  local out=$1 err=$2
  shift 2
  cg_run "$out" "$err" sbom "$@"
}

# cg_expect_installed_only DECLARED_SBOM LABEL IMAGE [ARGS...] : lock files and
# manifests inside an image are not packages.  DECLARED_SBOM was written with
# --declared (and --include-dev); without --declared the same image must give
# exactly its packages that are not marked cgate:evidence=declared.
cg_expect_installed_only() {
  local dj=$1 label=$2
  shift 2
  cg_sbom "$T/.inst.json" "$T/.inst.err" "$@"
  cg_expect_rc 0 "$label: without --declared" "$T/.inst.err" || return 1
  jq -r '[.components[]? | select(all(.properties[]?; .name != "cgate:evidence"))
          | "\(.name) \(.version) \(.purl)"] | sort | .[]' "$dj" >"$T/.inst.want"
  jq -r '[.components[]? | "\(.name) \(.version) \(.purl)"] | sort | .[]' "$T/.inst.json" >"$T/.inst.got"
  cg_expect_same_text "$T/.inst.want" "$T/.inst.got" "$label: installed packages only"
  if [ "$(jq '[.components[]? | select(any(.properties[]?; .name == "cgate:evidence"))] | length' "$dj")" -gt 0 ]; then
    cg_ok
  else
    cg_fail "$label: --declared marked no package cgate:evidence=declared"
  fi
}

# cg_expect_rc WANT LABEL ERRFILE : checks $RC; shows stderr on mismatch.
cg_expect_rc() {
  local want=$1 label=$2 err=${3:-}
  if [ "$RC" = "$want" ]; then cg_ok; return 0; fi
  local why=""
  [ "$RC" = 124 ] && why=" (timed out)"
  [ "$RC" -gt 128 ] 2>/dev/null && why=" (killed by signal $((RC - 128)))"
  cg_fail "$label: exit $RC$why, want $want [$CG_LAST_CMD]${err:+; stderr: $(head -c 600 "$err" | tr '\n' '|')}"
  return 1
}

# cg_expect_eq WANT GOT LABEL
cg_expect_eq() {
  if [ "$1" = "$2" ]; then cg_ok; return 0; fi
  cg_fail "$3: got '$2', want '$1'"
  return 1
}

# cg_expect_same_text WANTFILE GOTFILE LABEL : line-by-line diff on mismatch.
cg_expect_same_text() {
  if diff -u "$1" "$2" >"$T/.diff" 2>&1; then cg_ok; return 0; fi
  cg_fail "$3: differs (--- want, +++ got):
$(sed -n '3,60p' "$T/.diff")"
  return 1
}

# cg_expect_json FILE LABEL : FILE is one valid JSON document.
cg_expect_json() {
  if [ -s "$1" ] && jq -e . "$1" >/dev/null 2>&1; then cg_ok; return 0; fi
  cg_fail "$2: output is not valid JSON ($(head -c 200 "$1" | tr '\n' ' '))"
  return 1
}

# cg_pkgs CDXFILE : sorted "name version" of every library component.
cg_pkgs() {
  jq -r '[.components[]? | select(.type == "library") | "\(.name) \(.version)"] | sort | .[]' "$1"
}

# cg_pkg_purls CDXFILE : sorted "name version purl" of every library component.
cg_pkg_purls() {
  jq -r '[.components[] | select(.type == "library") | "\(.name) \(.version) \(.purl)"] | sort | .[]' "$1"
}

# cg_pkgs_of_type CDXFILE TYPE : same, only packages whose cgate:package:type is TYPE.
cg_pkgs_of_type() {
  jq -r --arg t "$2" '[.components[]? | select(.type == "library")
      | select(any(.properties[]?; .name == "cgate:package:type" and .value == $t))
      | "\(.name) \(.version)"] | sort | .[]' "$1"
}

# cg_prop CDXFILE PKGNAME PROPNAME : the property's value(s), comma-joined ("" if none).
cg_prop() {
  jq -r --arg n "$2" --arg p "$3" '[.components[]? | select(.type == "library" and .name == $n)
      | .properties[]? | select(.name == $p) | .value] | join(",")' "$1"
}

# cg_field CDXFILE PKGNAME FIELD : a top-level field of a library component.
cg_field() {
  jq -r --arg n "$2" --arg f "$3" '[.components[]? | select(.type == "library" and .name == $n)
      | .[$f] // empty] | join(",")' "$1"
}

# cg_os CDXFILE : "name version" of the operating-system component(s).
cg_os() {
  jq -r '[.components[]? | select(.type == "operating-system") | "\(.name) \(.version)"] | sort | .[]' "$1"
}

# cg_expect_pkgs CDXFILE WANTFILE LABEL : exact package set.
cg_expect_pkgs() {
  cg_pkgs "$1" >"$T/.got-pkgs" 2>"$T/.jq-err" || {
    cg_fail "$3: cannot read components from $1: $(head -c 300 "$T/.jq-err")"
    return 1
  }
  cg_expect_same_text "$2" "$T/.got-pkgs" "$3 package set"
}

# cg_expect_one_error ERRFILE LABEL [MUST_CONTAIN...] : stderr is exactly one line
# beginning "cgate: " and containing each given string (fixed strings).
cg_expect_one_error() {
  local err=$1 label=$2
  shift 2
  local n
  n=$(wc -l <"$err")
  # a last line without newline still counts as a line
  [ -s "$err" ] && [ "$(tail -c1 "$err" | od -An -c | tr -d ' ')" != '\n' ] && n=$((n + 1))
  if [ "$n" != 1 ]; then
    cg_fail "$label: stderr has $n lines, want exactly 1: $(head -c 600 "$err" | tr '\n' '|')"
    return 1
  fi
  if ! head -n1 "$err" | grep -q '^cgate: '; then
    cg_fail "$label: stderr does not begin with 'cgate: ': $(head -c 300 "$err")"
    return 1
  fi
  local s
  for s in "$@"; do
    if ! grep -qF -- "$s" "$err"; then
      cg_fail "$label: error message does not mention '$s': $(head -c 400 "$err")"
      return 1
    fi
  done
  cg_ok
}

# cg_elapsed : seconds since cg_setup.
cg_elapsed() { echo $(( $(date +%s) - CG_TEST_START )); }

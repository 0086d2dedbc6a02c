#!/usr/bin/env bash
# test_umbrella.sh - include/cgate/cgate.h includes every public header, and a
# tiny program that includes only that header (strict warnings, C17) builds and
# links against the shared libcgate of this build and runs: the status names,
# the report format parser and an image that does not exist (CG_ERR_INPUT, the
# CLI's exit 3).  Also `cgate --version`: version and git revision, stable.
. "$(dirname "$0")/lib.sh"
cg_setup umbrella
: "${CG_BUILD:?CG_BUILD must name the build directory}"
command -v cc >/dev/null || cg_skip "no C compiler"
SRC=$(cd "$CG_TESTS/.." && pwd)
U="$SRC/include/cgate/cgate.h"
[ -f "$U" ] && cg_ok || cg_die "no $U"
for h in "$SRC"/include/cgate/*.h; do
  b=$(basename "$h")
  [ "$b" = cgate.h ] && continue
  grep -q "^#include \"cgate/$b\"" "$U" && cg_ok || cg_fail "cgate.h does not include cgate/$b"
done

cat >"$T/tiny.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <cgate/cgate.h>
int main(int argc, char **argv)
{
    cg_error err;
    cg_image *img = NULL;
    cg_report_format fmt;
    if (argc != 2)
        return 2;
    if (cg_report_format_parse("html", &fmt) != CG_OK || fmt != CG_REPORT_HTML)
        return 10;
    if (strcmp(cg_severity_name(CG_SEV_CRITICAL), "CRITICAL"))
        return 11;
    if (cg_image_open(argv[1], NULL, &img, &err) == CG_OK)
        return 12;
    printf("%s %d\n", cg_status_name(err.status), cg_status_exit_code(err.status));
    return 0;
}
C
san=()
[ "${CGATE_SANITIZE:-0}" = 1 ] && san=(-fsanitize=address,undefined)
lib=$(find "$CG_BUILD" -maxdepth 1 -name 'libcgate.so*' | head -1)
[ -n "$lib" ] || cg_die "no libcgate.so in $CG_BUILD"
cc -std=c17 -Wall -Wextra -Werror -Wstrict-prototypes "${san[@]}" -I"$SRC/include" -o "$T/tiny" "$T/tiny.c" \
   -L"$CG_BUILD" -lcgate -Wl,-rpath,"$CG_BUILD" 2>"$T/cc.log" \
  && cg_ok || cg_die "a program including only cgate/cgate.h does not build: $(head -5 "$T/cc.log")"
"$T/tiny" "oci:$T/no-such-layout" >"$T/out" 2>"$T/err"; rc=$?
cg_expect_eq 0 "$rc" "tiny program exit ($(cat "$T/err"))"
grep -Eq ' 3$' "$T/out" && cg_ok || cg_fail "a missing image is not exit-code 3 in the library: $(cat "$T/out")"
# the README's C example, as written there
awk '/^## Library/ {l = 1} l && /^```c$/ {c = 1; next} c && /^```$/ {exit} c' "$SRC/README.md" >"$T/readme.c"
grep -q '#include <cgate/cgate.h>' "$T/readme.c" && cg_ok || cg_fail "README's C example does not include cgate/cgate.h"
cc -std=c17 -Wall -Werror "${san[@]}" -I"$SRC/include" -o "$T/readme" "$T/readme.c" -L"$CG_BUILD" -lcgate \
   -Wl,-rpath,"$CG_BUILD" 2>"$T/cc2.log" && cg_ok || cg_fail "README's C example does not build: $(head -3 "$T/cc2.log")"
# C++ too: the headers carry extern "C"
if command -v c++ >/dev/null; then
  cp "$T/tiny.c" "$T/tiny.cc"
  c++ -std=c++17 -Wall -Werror -fsyntax-only -I"$SRC/include" "$T/tiny.cc" 2>"$T/cxx.log" \
    && cg_ok || cg_fail "cgate.h does not compile as C++: $(head -3 "$T/cxx.log")"
fi

# --version: "cgate X.Y.Z (git REV)", the same twice
v1=$("$CGATE" --version); v2=$("$CGATE" --version)
[[ "$v1" =~ ^cgate\ [0-9]+\.[0-9]+\.[0-9]+\ \(git\ ([0-9a-f]{7,40}|unknown)\)$ ]] && cg_ok || cg_fail "--version: \"$v1\""
cg_expect_eq "$v1" "$v2" "--version is stable"
if git -C "$SRC" rev-parse HEAD >/dev/null 2>&1 && [ "$(git -C "$SRC" rev-parse --show-toplevel)" = "$SRC" ]; then
  rev=${v1##*git }; rev=${rev%)}
  git -C "$SRC" cat-file -e "$rev^{commit}" 2>/dev/null && cg_ok || cg_fail "--version names $rev, not a commit of $SRC"
fi
cg_finish

#!/usr/bin/env bash
# test_install.sh - `cmake --install` puts the binary, the shared library, the
# public headers and cgate.pc in place, and a program built only from the
# installed headers and pkg-config flags can open an image and write its SBOM.
. "$(dirname "$0")/lib.sh"
cg_setup install
: "${CG_BUILD:?CG_BUILD must name the build directory}"
command -v cc >/dev/null || cg_skip "no C compiler"
command -v pkg-config >/dev/null || cg_skip "no pkg-config"

prefix=$T/prefix
cmake --install "$CG_BUILD" --prefix "$prefix" >"$T/install.log" 2>&1 || cg_die "cmake --install failed: $(tail -3 "$T/install.log")"
libdir=$(dirname "$(find "$prefix" -name cgate.pc | head -1)")/..
for f in bin/cgate include/cgate/sbom.h include/cgate/image.h include/cgate/error.h include/cgate/buf.h \
         include/cgate/arena.h include/cgate/package.h; do
  [ -e "$prefix/$f" ] && cg_ok || cg_fail "not installed: $f"
done
for f in share/man/man1/cgate.1 share/man/man1/cgate-scan.1 share/bash-completion/completions/cgate \
         share/zsh/vendor-completions/_cgate share/fish/vendor_completions.d/cgate.fish; do
  [ -s "$prefix/$f" ] && cg_ok || cg_fail "not installed: $f"
done
if command -v man >/dev/null; then
  man -l "$prefix/share/man/man1/cgate-scan.1" 2>/dev/null | grep -q -- "--severity" && cg_ok ||
    cg_fail "the installed cgate-scan.1 does not render"
fi
bash -c "source $prefix/share/bash-completion/completions/cgate && complete -p cgate" >/dev/null 2>&1 && cg_ok ||
  cg_fail "the installed bash completion does not load"
ls "$libdir"/libcgate.so* >/dev/null 2>&1 && cg_ok || cg_fail "libcgate.so not installed under $libdir"
"$prefix/bin/cgate" --version | grep -q '^cgate [0-9]' && cg_ok || cg_fail "installed cgate --version"

cat >"$T/example.c" <<'C'
#include <stdio.h>
#include <cgate/sbom.h>
int main(int argc, char **argv)
{
    cg_image *img;
    cg_sbom *sbom;
    cg_error err;
    cg_buf out = CG_BUF_INIT;
    if (argc != 2) return 2;
    if (cg_image_open(argv[1], NULL, &img, &err) != CG_OK ||
        cg_sbom_build(img, NULL, &sbom, &err) != CG_OK ||
        cg_sbom_write(sbom, CG_SBOM_TABLE, &out, &err) != CG_OK) {
        fprintf(stderr, "example: %s\n", err.msg);
        return cg_status_exit_code(err.status);
    }
    fwrite(out.data, 1, out.len, stdout);
    printf("packages: %zu\n", sbom->n_pkgs);
    cg_buf_free(&out);
    cg_sbom_free(sbom);
    cg_image_close(img);
    return 0;
}
C
export PKG_CONFIG_PATH="$libdir/pkgconfig"
san=()
[ "${CGATE_SANITIZE:-0}" = 1 ] && san=(-fsanitize=address,undefined)
# shellcheck disable=SC2046
cc -std=c17 -Wall -Werror "${san[@]}" -o "$T/example" "$T/example.c" $(pkg-config --cflags --libs cgate) 2>"$T/cc.log" &&
  cg_ok || cg_die "example does not build against the installed library: $(head -3 "$T/cc.log")"

cat >"$T/spec.json" <<'J'
{"layers":[{"compression":"gzip","entries":[
 {"path":"etc/os-release","content":"ID=alpine\nVERSION_ID=3.19.1\n"},
 {"path":"lib/apk/db/installed","content":"P:musl\nV:1.2.4-r2\nA:x86_64\nL:MIT\no:musl\n\n"}]}]}
J
python3 "$MKIMAGE" "$T/spec.json" oci "$T/img" >/dev/null || cg_die "mkimage failed"
LD_LIBRARY_PATH="$libdir" "$T/example" "oci:$T/img" >"$T/out.txt" 2>"$T/err.txt" && cg_ok || cg_fail "example failed: $(cat "$T/err.txt")"
grep -q '^packages: 1$' "$T/out.txt" && cg_ok || cg_fail "example did not find musl: $(cat "$T/out.txt")"
grep -q 'musl' "$T/out.txt" && cg_ok || cg_fail "table lacks musl"
LD_LIBRARY_PATH="$libdir" "$T/example" "oci:$T/nope" >/dev/null 2>"$T/err2.txt"; rc=$?
[ "$rc" = 3 ] && cg_ok || cg_fail "library error on a missing image: exit $rc, want 3"
cg_finish

/*
 * test_rust.c - the Rust cataloger: Syft's Cargo.lock fixtures (expected
 * sets derived independently with Python's tomllib), a cargo-auditable style
 * binary, which executables sniff() spills, and hostile .dep-v0 data (a zlib
 * bomb, a section past the end, junk JSON, out-of-range indices).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "cat_test.h"
#include "catalog/catalog.h"
#include "catalog/elf.h"

extern const cg_cataloger cg_cataloger_rust;
static const cg_cataloger *const C = &cg_cataloger_rust;

static blob load(const char *rel)
{
    return cat_load("", rel);
}

static void run(fx *x, const char *const *paths, const blob *b, size_t n)
{
    cat_run_sniffed(x, C, "Cargo.lock", paths, b, n);
}

static char *pkgset(fx *x)
{
    return cat_pkgset(x, "cargo");
}

/* python3 -c 'import tomllib; [print(p["name"]+"@"+p["version"]) for p in
 *   tomllib.load(open(F,"rb"))["package"]]' | LC_ALL=C sort */
static const char SYFT_LOCK[] = "ansi_term@0.12.1\nerrno@0.3.9\nmatches@0.1.8\nmemchr@2.3.3\nnatord@1.0.9\n"
                                "nom@4.2.3\nschannel@0.1.26\nunicode-bidi@0.3.4\nversion_check@0.1.5\n"
                                "winapi-i686-pc-windows-gnu@0.4.0\nwinapi-x86_64-pc-windows-gnu@0.4.0\n"
                                "winapi@0.3.9\nwindows-sys@0.52.0\nwindows-sys@0.59.0\n";
static const char AUDIT_SET[] = "argh@0.1.12\nargh_derive@0.1.12\nargh_shared@0.1.12\nhello_world@0.1.0\n"
                                "proc-macro2@1.0.92\nquote@1.0.37\nserde@1.0.215\nserde_derive@1.0.215\n"
                                "syn@2.0.90\nunicode-ident@1.0.14\n";

static void test_cargo_lock(void **state)
{
    fx *x = *state;
    blob b = load("rust/syft/Cargo.lock");
    const char *p[] = {"app/Cargo.lock"};
    run(x, p, &b, 1);
    assert_string_equal(pkgset(x), SYFT_LOCK);
    const cg_package *e = cat_find(x->ctx, "errno");
    assert_int_equal(e->n_depends, 1);
    assert_string_equal(e->depends[0], "windows-sys"); /* "windows-sys 0.52.0" -> name */
    assert_string_equal(cat_prop(e, "cgate:rust:checksum"),
                        "534c5cf6194dfab3db3242765c03bbe257cf92f22b38f6bc0c58d59108a820ba");
    assert_string_equal(cat_prop(e, "cgate:rust:metadata-source"), "Cargo.lock");
    assert_string_equal(e->locations[0].path, "/app/Cargo.lock");
    assert_int_equal(cg_cat_n_warnings(x->ctx), 0);
    free(b.data);
}

static void test_cargo_lock_git_and_path(void **state)
{
    fx *x = *state;
    blob b[2] = {load("rust/syft/Cargo.lock-with-git-deps"), load("rust/syft/path-deps.Cargo.lock")};
    const char *p[] = {"a/Cargo.lock", "b/Cargo.lock"};
    run(x, p, b, 2);
    const char *s = pkgset(x);
    assert_non_null(strstr(s, "app@1.0.0\n"));
    assert_non_null(strstr(s, "memchr@2.7.4\n"));
    assert_non_null(strstr(s, "telemetry@0.1.0\n"));
    assert_null(cat_prop(cat_find(x->ctx, "telemetry"), "cgate:rust:source")); /* a path dependency */
    bool git = false;
    for (size_t i = 0; i < cg_cat_n_packages(x->ctx); i++) {
        const char *src = cat_prop(cg_cat_package(x->ctx, i), "cgate:rust:source");
        git = git || (src && !strncmp(src, "git+", 4));
    }
    assert_true(git);
    free(b[0].data);
    free(b[1].data);
}

static void test_wants(void **state)
{
    (void)state;
    cg_cat_want w;
    assert_true(C->wants("app/Cargo.lock", 14, &w));
    assert_true(C->wants("Cargo.lock", 10, &w));
    assert_false(C->wants("usr/local/cargo/registry/src/idx/foo-1.0/Cargo.lock", 52, &w));
    assert_false(C->wants("root/.cargo/git/checkouts/x/Cargo.lock", 38, &w));
    assert_false(C->wants("app/vendor/foo/Cargo.lock", 25, &w));
    assert_false(C->wants("app/NotCargo.lock", 17, &w));
}

static void test_auditable_binary(void **state)
{
    fx *x = *state;
    blob b = load("rust/hello-auditable");
    cg_cat_entry e = {"app/hello", 9, b.len, 0755};
    cg_cat_want w = {0};
    assert_true(C->sniff(&e, b.data, CG_CAT_HEAD, &w)); /* imports the unwinder */
    assert_true(w.spill);
    const char *p[] = {"app/hello"};
    run(x, p, &b, 1);
    assert_string_equal(pkgset(x), AUDIT_SET);
    const cg_package *root = cat_find(x->ctx, "hello_world");
    assert_string_equal(cat_prop(root, "cgate:rust:root"), "true");
    assert_string_equal(cat_prop(root, "cgate:rust:source"), "local");
    assert_int_equal(root->n_depends, 1);
    assert_string_equal(root->depends[0], "argh");
    assert_string_equal(cat_prop(cat_find(x->ctx, "syn"), "cgate:rust:kind"), "build");
    assert_null(cat_prop(cat_find(x->ctx, "serde"), "cgate:rust:kind"));
    assert_string_equal(cat_prop(cat_find(x->ctx, "serde"), "cgate:rust:metadata-source"), "cargo-auditable");
    assert_int_equal(cg_cat_n_warnings(x->ctx), 0);
    free(b.data);
}

static void test_sniff_choices(void **state)
{
    (void)state;
    blob go = load("golang/hello-amd64"), rs = load("rust/hello-auditable");
    cg_cat_want w;
    cg_cat_entry e = {"app/x", 5, go.len, 0755};
    assert_false(C->sniff(&e, go.data, CG_CAT_HEAD, &w)); /* Go binaries are the Go cataloger's */
    e.size = rs.len;
    cg_cat_entry so = {"usr/lib/libfoo.so.1", 19, rs.len, 0755};
    assert_false(C->sniff(&so, rs.data, CG_CAT_HEAD, &w)); /* shared libraries: never */
    uint8_t *c = malloc(CG_CAT_HEAD);
    memcpy(c, rs.data, CG_CAT_HEAD);
    /* hide the unwinder imports: a C program whose imports are visible is not spilled */
    for (size_t i = 0; i + 8 <= CG_CAT_HEAD; i++)
        if (!memcmp(c + i, "_Unwind_", 8) || !memcmp(c + i, "libgcc_s", 8))
            c[i] = 'X';
    assert_false(C->sniff(&e, c, CG_CAT_HEAD, &w));
    /* imports not visible in the head: spilled outside the distro's directories only */
    for (size_t i = 0; i + 6 <= CG_CAT_HEAD; i++)
        if (!memcmp(c + i, "GLIBC_", 6) || (i + 7 <= CG_CAT_HEAD && !memcmp(c + i, "libc.so", 7)))
            c[i] = 'X';
    assert_true(C->sniff(&e, c, CG_CAT_HEAD, &w));
    cg_cat_entry sys = {"usr/bin/x", 9, rs.len, 0755};
    assert_false(C->sniff(&sys, c, CG_CAT_HEAD, &w));
    assert_false(C->sniff(&e, c, 63, &w));
    free(c);
    free(go.data);
    free(rs.data);
}

/* The fixture with its .dep-v0 contents replaced by z (the section is
 * moved to the end of the file and its header patched). */
static blob with_dep(const uint8_t *z, size_t zn, uint64_t fake_off)
{
    blob b = load("rust/hello-auditable");
    cg_elf e;
    const char *why;
    assert_int_equal(cg_elf_open(&e, b.data, -1, b.len, &why), CG_ELF_OK);
    const cg_elf_shdr *s = cg_elf_section(&e, ".dep-v0");
    assert_non_null(s);
    size_t idx = (size_t)(s - e.sh);
    uint64_t shoff = e.h.shoff, ent = e.h.shentsize;
    cg_elf_close(&e);
    size_t off = b.len;
    b.data = realloc(b.data, b.len + zn);
    memcpy(b.data + off, z, zn);
    b.len += zn;
    uint8_t *sh = b.data + shoff + idx * ent;
    uint64_t o = fake_off ? fake_off : off;
    for (int i = 0; i < 8; i++) {
        sh[24 + i] = (uint8_t)(o >> (8 * i));
        sh[32 + i] = (uint8_t)((uint64_t)zn >> (8 * i));
    }
    return b;
}

static void check_bad(void **state, blob b, const char *want_warning, size_t want_pkgs)
{
    fx *x = *state;
    const char *p[] = {"app/bad"};
    run(x, p, &b, 1);
    if (!cat_has_warning(x->ctx, want_warning))
        fail_msg("no warning containing \"%s\" (%zu warnings)", want_warning, cg_cat_n_warnings(x->ctx));
    assert_int_equal(cg_cat_n_packages(x->ctx), want_pkgs);
    free(b.data);
}

static void test_zlib_bomb(void **state)
{
    /* 64 MiB of '[' compresses to ~64 KiB and would inflate past the 16 MiB cap */
    size_t n = (size_t)64 << 20;
    uint8_t *big = malloc(n);
    memset(big, '[', n);
    uLongf zn = compressBound((uLong)n);
    uint8_t *z = malloc(zn);
    assert_int_equal(compress2(z, &zn, big, (uLong)n, 9), Z_OK);
    free(big);
    check_bad(state, with_dep(z, zn, 0), "zlib bomb", 0);
    free(z);
}

static void test_bad_sections(void **state)
{
    static const char *const jsons[] = {
        "{\"packages\":[{\"name\":\"a\",\"version\":\"1.0.0\",\"dependencies\":[-1,99,\"x\",1]},{\"name\":\"b\"}]}",
        "{\"packages\":{}}",
        "[[[[[[[[[[",
    };
    static const char *const warns[] = {"without a name or version", "without a \"packages\" array", "invalid JSON"};
    for (int i = 0; i < 3; i++) {
        fx *x;
        cat_setup((void **)&x);
        uLongf zn = 1024;
        uint8_t z[1024];
        assert_int_equal(compress2(z, &zn, (const uint8_t *)jsons[i], (uLong)strlen(jsons[i]), 9), Z_OK);
        check_bad((void **)&x, with_dep(z, zn, 0), warns[i], i == 0 ? 1 : 0);
        cat_teardown((void **)&x);
    }
    static const uint8_t notz[] = "this is not zlib";
    fx *x;
    cat_setup((void **)&x);
    check_bad((void **)&x, with_dep(notz, sizeof notz, 0), "not a valid zlib stream", 0);
    cat_teardown((void **)&x);
    cat_setup((void **)&x);
    uint8_t trunc[8];
    uLongf tn = sizeof trunc;
    uint8_t src[64] = "{\"packages\":[]}";
    uint8_t full[128];
    uLongf fn = sizeof full;
    assert_int_equal(compress2(full, &fn, src, sizeof src, 9), Z_OK);
    memcpy(trunc, full, tn);
    check_bad((void **)&x, with_dep(trunc, tn, 0), "truncated", 0);
    cat_teardown((void **)&x);
    cat_setup((void **)&x);
    check_bad((void **)&x, with_dep(notz, sizeof notz, 0x7ffffffffff0ull), "outside the file", 0);
    cat_teardown((void **)&x);
}

static void test_lock_junk(void **state)
{
    fx *x = *state;
    static const char junk[] = "[[package]]\nname = \"only-name\"\n[[package]]\nversion = \"1\"\n"
                               "[[package]]\nname = \"ok\"\nversion = \"2.0.0\"\ndependencies = [\n \"a\",\n \"b 1.0\n"
                               "[[package]]\nname = \"unterminated\nversion = \"3\"\ndependencies = [\"x\", \"y 1\", ]\n"
                               "\x00\xff[[package]]\nname=\"z\"\nversion=\"9\"\n";
    blob b = {(uint8_t *)junk, sizeof junk - 1};
    const char *p[] = {"Cargo.lock"};
    run(x, p, &b, 1);
    assert_true(cat_has_warning(x->ctx, "without a name or version"));
    for (size_t i = 0; i < cg_cat_n_packages(x->ctx); i++) {
        assert_non_null(cg_cat_package(x->ctx, i)->name);
        assert_non_null(cg_cat_package(x->ctx, i)->version);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_cargo_lock, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_cargo_lock_git_and_path, cat_setup, cat_teardown),
        cmocka_unit_test(test_wants),
        cmocka_unit_test_setup_teardown(test_auditable_binary, cat_setup, cat_teardown),
        cmocka_unit_test(test_sniff_choices),
        cmocka_unit_test_setup_teardown(test_zlib_bomb, cat_setup, cat_teardown),
        cmocka_unit_test(test_bad_sections),
        cmocka_unit_test_setup_teardown(test_lock_junk, cat_setup, cat_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

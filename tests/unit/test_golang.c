/*
 * test_golang.c - the Go cataloger: build info of real Go binaries (64-bit
 * little-endian and 32-bit big-endian, with module and directory
 * replacements), the older pointer-based format on ELF files made here,
 * go.mod files from Syft's fixtures, the "go.mod only without binaries" rule,
 * and hostile binaries (lying section tables, pointers and lengths past the
 * end, truncation) that must give warnings, never crashes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cat_test.h"
#include "catalog/catalog.h"
#include "catalog/elf.h"

extern const cg_cataloger cg_cataloger_golang;
static const cg_cataloger *const C = &cg_cataloger_golang;

static blob load(const char *rel)
{
    return cat_load("", rel);
}

static void run(fx *x, const char *const *paths, const blob *b, size_t n)
{
    cat_run_sniffed(x, C, "go.mod", paths, b, n);
}

static char *pkgset(fx *x)
{
    return cat_pkgset(x, "golang");
}

static const char FIXTURE_SET[] = "example.com/cgate-fixture@(devel)\n"
                                  "example.com/greet@v1.2.3\n"
                                  "example.com/localdep@(devel)\n"
                                  "example.com/newlog@v1.1.0\n"
                                  "stdlib@1.19.8\n";

static void check_fixture(fx *x, const char *arch)
{
    assert_string_equal(pkgset(x), FIXTURE_SET);
    const cg_package *m = cat_find(x->ctx, "cgate-fixture");
    assert_string_equal(cat_prop(m, "cgate:go:main-module"), "true");
    assert_string_equal(cat_prop(m, "cgate:go:devel"), "true");
    assert_string_equal(cat_prop(m, "cgate:go:toolchain"), "go1.19.8");
    assert_string_equal(cat_prop(m, "cgate:go:build:GOARCH"), arch);
    assert_string_equal(cat_prop(m, "cgate:go:build:GOOS"), "linux");
    assert_int_equal(m->n_depends, 4);
    assert_string_equal(m->depends[0], "example.com/greet");
    assert_string_equal(m->depends[3], "stdlib");
    const cg_package *nl = cat_find(x->ctx, "newlog");
    assert_string_equal(nl->namespace_, "example.com");
    assert_string_equal(cat_prop(nl, "cgate:go:replaces"), "example.com/oldlog@v1.0.0");
    const cg_package *ld = cat_find(x->ctx, "localdep");
    assert_string_equal(cat_prop(ld, "cgate:go:replaced-by"), "./localdep");
    const cg_package *sl = cat_find(x->ctx, "stdlib");
    assert_null(sl->namespace_);
    assert_string_equal(cat_prop(sl, "cgate:go:toolchain"), "go1.19.8");
    assert_string_equal(sl->locations[0].path, "/app/hello");
    assert_int_equal(cg_cat_n_warnings(x->ctx), 0);
}

static void test_binary_amd64(void **state)
{
    fx *x = *state;
    blob b = load("golang/hello-amd64");
    const char *p[] = {"app/hello"};
    run(x, p, &b, 1);
    check_fixture(x, "amd64");
    free(b.data);
}

static void test_binary_mips_big_endian(void **state)
{
    fx *x = *state;
    blob b = load("golang/hello-mips");
    const char *p[] = {"app/hello"};
    run(x, p, &b, 1);
    check_fixture(x, "mips");
    free(b.data);
}

static void test_sniff(void **state)
{
    (void)state;
    const char *const yes[] = {"golang/hello-amd64", "golang/hello-mips"};
    const char *const no[] = {"rust/hello-auditable", "golang/ORIGIN.md"};
    for (size_t i = 0; i < 2; i++) {
        blob b = load(yes[i]);
        cg_cat_entry e = {"app/x", 5, b.len, 0755};
        cg_cat_want w = {0};
        assert_true(C->sniff(&e, b.data, b.len < CG_CAT_HEAD ? b.len : CG_CAT_HEAD, &w));
        assert_true(w.spill);
        assert_false(C->sniff(&e, b.data, 40, &w)); /* too short to be an ELF header */
        free(b.data);
        b = load(no[i]);
        assert_false(C->sniff(&e, b.data, b.len < CG_CAT_HEAD ? b.len : CG_CAT_HEAD, &w));
        free(b.data);
    }
    cg_cat_want w;
    assert_true(C->wants("src/app/go.mod", 14, &w));
    assert_true(C->wants("go.mod", 6, &w));
    assert_false(C->wants("root/go/pkg/mod/github.com/x/y@v1.0.0/go.mod", 44, &w));
    assert_false(C->wants("app/vendor/github.com/x/go.mod", 30, &w));
    assert_false(C->wants("usr/local/go/src/go.mod", 23, &w));
    assert_false(C->wants("app/notgo.mod", 13, &w));
}

/* ---------- ELF files made here: the pointer-based (pre-1.18) format ---------- */

static void put(uint8_t *p, bool big, uint64_t v, size_t w)
{
    for (size_t i = 0; i < w; i++)
        p[big ? w - 1 - i : i] = (uint8_t)(v >> (8 * i));
}

#define BASE 0x10000u
static const char MODINFO[] = "0123456789abcdef" /* start sentinel */
                              "path\texample.com/old/cmd/tool\n"
                              "mod\texample.com/old\tv1.4.0\th1:abc=\n"
                              "dep\tgithub.com/pkg/errors\tv0.9.1\th1:def=\n"
                              "dep\tgolang.org/x/text\tv0.3.0\n"
                              "=>\tgolang.org/x/text\tv0.3.7\th1:ghi=\n"
                              "build\t-ldflags=-X main.secret=hunter2\n"
                              "\n"
                              "fedcba9876543210"; /* end sentinel */

/* A static ELF with one RW PT_LOAD at BASE holding a pointer-format build
 * info at offset 0x100, no section table.  Returns its size. */
static size_t mk_old(uint8_t *b, bool is64, bool big, const char *version, size_t cap)
{
    memset(b, 0, cap);
    size_t ps = is64 ? 8 : 4, eh = is64 ? 64 : 52, phs = is64 ? 56 : 32;
    size_t mlen = sizeof MODINFO - 1, vlen = strlen(version);
    size_t size = 0x400 + mlen;
    assert_true(size <= cap);
    memcpy(b, "\x7f" "ELF", 4);
    b[4] = is64 ? 2 : 1;
    b[5] = big ? 2 : 1;
    b[6] = 1;
    put(b + 16, big, CG_ET_EXEC, 2);
    put(b + 18, big, is64 ? 62 : 8, 2);
    if (is64) {
        put(b + 32, big, eh, 8);
        put(b + 54, big, phs, 2);
        put(b + 56, big, 1, 2);
        uint8_t *ph = b + eh;
        put(ph, big, CG_PT_LOAD, 4);
        put(ph + 4, big, CG_PF_R | CG_PF_W, 4);
        put(ph + 8, big, 0, 8);
        put(ph + 16, big, BASE, 8);
        put(ph + 32, big, size, 8);
        put(ph + 40, big, size, 8);
    } else {
        put(b + 28, big, eh, 4);
        put(b + 42, big, phs, 2);
        put(b + 44, big, 1, 2);
        uint8_t *ph = b + eh;
        put(ph, big, CG_PT_LOAD, 4);
        put(ph + 4, big, 0, 4);
        put(ph + 8, big, BASE, 4);
        put(ph + 16, big, size, 4);
        put(ph + 20, big, size, 4);
        put(ph + 24, big, CG_PF_R | CG_PF_W, 4);
    }
    uint8_t *bi = b + 0x100;
    memcpy(bi, "\xff Go buildinf:", 14);
    bi[14] = (uint8_t)ps;
    bi[15] = big ? 1 : 0;
    put(bi + 16, big, BASE + 0x200, ps);
    put(bi + 16 + ps, big, BASE + 0x200 + 2 * ps, ps);
    put(b + 0x200, big, BASE + 0x300, ps);
    put(b + 0x200 + ps, big, vlen, ps);
    put(b + 0x200 + 2 * ps, big, BASE + 0x400, ps);
    put(b + 0x200 + 3 * ps, big, mlen, ps);
    memcpy(b + 0x300, version, vlen);
    memcpy(b + 0x400, MODINFO, mlen);
    return size;
}

static void test_pointer_format(void **state)
{
    static const bool cls[] = {true, false}, end[] = {false, true};
    uint8_t buf[4096];
    for (size_t c = 0; c < 2; c++)
        for (size_t e = 0; e < 2; e++) {
            fx *x = *state;
            cat_setup((void **)&x);
            blob b = {buf, mk_old(buf, cls[c], end[e], "go1.16.15", sizeof buf)};
            const char *p[] = {"usr/bin/tool"};
            run(x, p, &b, 1);
            assert_string_equal(pkgset(x), "example.com/old@v1.4.0\n"
                                           "github.com/pkg/errors@v0.9.1\n"
                                           "golang.org/x/text@v0.3.7\n"
                                           "stdlib@1.16.15\n");
            const cg_package *m = cat_find(x->ctx, "old");
            assert_string_equal(cat_prop(m, "cgate:go:package"), "example.com/old/cmd/tool");
            assert_null(cat_prop(m, "cgate:go:build:-ldflags")); /* may hold secrets: not copied */
            assert_null(cat_prop(m, "cgate:go:devel"));
            assert_string_equal(cat_prop(cat_find(x->ctx, "text"), "cgate:go:replaces"), "golang.org/x/text@v0.3.0");
            assert_string_equal(cat_prop(cat_find(x->ctx, "text"), "cgate:go:sum"), "h1:ghi=");
            cat_teardown((void **)&x);
        }
}

static void test_toolchain_versions(void **state)
{
    static const char *const cases[][2] = {
        {"go1.21rc2", "stdlib@1.21.0-rc.2\n"}, {"go1.20", "stdlib@1.20.0\n"},
        {"go1.19beta1", "stdlib@1.19.0-beta.1\n"}, {"go1.22.1 X:boringcrypto", "stdlib@1.22.1\n"},
        {"devel go1.23-abcdef", NULL}, {"go1.", NULL}, {"gox", NULL},
    };
    uint8_t buf[4096];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fx *x = *state;
        cat_setup((void **)&x);
        blob b = {buf, mk_old(buf, true, false, cases[i][0], sizeof buf)};
        const char *p[] = {"usr/bin/tool"};
        run(x, p, &b, 1);
        const char *s = pkgset(x);
        if (cases[i][1])
            assert_non_null(strstr(s, cases[i][1]));
        else
            assert_null(strstr(s, "stdlib"));
        assert_string_equal(cat_prop(cat_find(x->ctx, "old"), "cgate:go:toolchain"), cases[i][0]);
        cat_teardown((void **)&x);
    }
}

/* ---------- hostile binaries ---------- */

static void expect_warning_only(fx *x, blob b, const char *what)
{
    const char *p[] = {"app/bad"};
    run(x, p, &b, 1);
    if (!cat_has_warning(x->ctx, "/app/bad: "))
        fail_msg("%s: no warning", what);
}

static void test_hostile(void **state)
{
    uint8_t buf[4096];
    /* build info pointers past the end of the file */
    for (int v = 0; v < 6; v++) {
        fx *x = *state;
        cat_setup((void **)&x);
        size_t n = mk_old(buf, true, false, "go1.16.15", sizeof buf);
        switch (v) {
        case 0: put(buf + 0x100 + 16, false, 0xffffffffffffff00ull, 8); break;     /* version header pointer */
        case 1: put(buf + 0x200 + 8, false, 0x7fffffffffffffffull, 8); break;      /* version length */
        case 2: put(buf + 0x200, false, BASE + n - 2, 8); put(buf + 0x208, false, 64, 8); break; /* runs off the end */
        case 3: buf[0x100 + 14] = 3; break;                                          /* pointer size 3 */
        case 4: buf[0x100 + 15] = 2; buf[0x120] = 0xff; memset(buf + 0x121, 0xff, 12); break; /* inline, endless varint */
        case 5: buf[0x100 + 15] = 2; buf[0x120] = 0xf0; buf[0x121] = 0xff; buf[0x122] = 0x7f; break; /* inline, huge length */
        }
        expect_warning_only(x, (blob){buf, n}, "pointers");
        assert_int_equal(cg_cat_n_packages(x->ctx), 0);
        cat_teardown((void **)&x);
    }
    /* a real binary with a section table that lies, and a truncated one */
    blob real = load("golang/hello-amd64");
    for (int v = 0; v < 5; v++) {
        fx *x = *state;
        cat_setup((void **)&x);
        uint8_t *c = malloc(real.len);
        memcpy(c, real.data, real.len);
        blob b = {c, real.len};
        cg_elf_hdr h;
        assert_true(cg_elf_ident(c, 64, &h));
        if (v == 0)
            put(c + 40, false, 0xfffffffffffff000ull, 8); /* e_shoff past the end */
        if (v == 1)
            put(c + 60, false, 8000, 2); /* e_shnum: more headers than the file holds */
        if (v == 2)
            b.len = 5000; /* truncated: section table, build info and segments gone */
        if (v == 3) { /* every section claims to be .go.buildinfo at a huge offset */
            for (size_t i = 0; i < h.shnum; i++)
                put(c + h.shoff + i * h.shentsize + 24, false, 0x7ffffffffff0ull, 8);
        }
        if (v == 4)
            put(c + 32, false, real.len - 8, 8); /* program headers past the end */
        const char *p[] = {"app/bad"};
        run(x, p, &b, 1);
        if (v == 0 || v == 1 || v == 3) /* the segment scan still finds the build info */
            assert_string_equal(pkgset(x), FIXTURE_SET);
        else
            assert_true(cat_has_warning(x->ctx, "/app/bad: "));
        free(c);
        cat_teardown((void **)&x);
    }
    free(real.data);
}

/* ---------- go.mod ---------- */

static void test_gomod_syft(void **state)
{
    fx *x = *state;
    blob b[3] = {load("golang/syft/many-packages.go.mod"), load("golang/syft/relative-replace.go.mod"),
                 load("golang/syft/source-replacements.go.mod")};
    const char *p[] = {"a/go.mod", "b/go.mod", "c/go.mod"};
    run(x, p, b, 3);
    assert_string_equal(pkgset(x), "github.com/adrg/xdg@v0.2.1\n"
                                   "github.com/anchore/archiver/v3@v3.5.2\n"
                                   "github.com/anchore/go-testutils@v0.0.0-20200624184116-66aa578126db\n"
                                   "github.com/anchore/go-version@v1.2.2-0.20200701162849-18adb9c92b9b\n"
                                   "github.com/anchore/stereoscope@v0.0.0-20200706164556-7cf39d7f4639\n"
                                   "github.com/aws/aws-sdk-go-v2@(devel)\n"
                                   "github.com/bmatcuk/doublestar@v8.8.8\n"
                                   "github.com/go-test/deep@v1.0.6\n"
                                   "golang.org/x/text@v0.0.0-20170915032832-14c0d48ead0c\n"
                                   "rsc.io/quote@v1.5.2\n"
                                   "rsc.io/sampler@v1.3.1\n");
    assert_string_equal(cat_prop(cat_find(x->ctx, "doublestar"), "cgate:go:indirect"), "true");
    assert_string_equal(cat_prop(cat_find(x->ctx, "doublestar"), "cgate:go:replaces"), "github.com/bmatcuk/doublestar@v1.3.1");
    assert_null(cat_prop(cat_find(x->ctx, "go-testutils"), "cgate:go:indirect"));
    assert_string_equal(cat_prop(cat_find(x->ctx, "aws-sdk-go-v2"), "cgate:go:replaced-by"), "../../../");
    assert_string_equal(cat_prop(cat_find(x->ctx, "quote"), "cgate:go:replaces"), "rsc.io/quote@v1.5.1");
    for (int i = 0; i < 3; i++)
        free(b[i].data);
}

static void test_gomod_only_without_binaries(void **state)
{
    fx *x = *state;
    blob b[2] = {load("golang/syft/one-package.go.mod"), load("golang/hello-amd64")};
    const char *p[] = {"src/go.mod", "app/hello"};
    run(x, p, b, 2);
    assert_string_equal(pkgset(x), FIXTURE_SET); /* the binary wins; go.mod is not reported */
    free(b[0].data);
    free(b[1].data);
}

static void test_gomod_junk(void **state)
{
    fx *x = *state;
    static const char junk[] = "require (\n\"unterminated\n\t=> => =>\nreplace x => \nrequire\nrequire a\n"
                               "replace (\n a v1 => \n => b v2\n)\nrequire ( x v1 // indirect\n"
                               "\x00\x01\xff require z v9\n";
    blob b = {(uint8_t *)junk, sizeof junk - 1};
    const char *p[] = {"go.mod"};
    run(x, p, &b, 1);
    /* no crash; whatever it reports has a name */
    for (size_t i = 0; i < cg_cat_n_packages(x->ctx); i++)
        assert_non_null(cg_cat_package(x->ctx, i)->name);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_binary_amd64, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_binary_mips_big_endian, cat_setup, cat_teardown),
        cmocka_unit_test(test_sniff),
        cmocka_unit_test(test_pointer_format),
        cmocka_unit_test(test_toolchain_versions),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test_setup_teardown(test_gomod_syft, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_gomod_only_without_binaries, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_gomod_junk, cat_setup, cat_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

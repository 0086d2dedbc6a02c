/*
 * test_apk.c - the apk cataloger on Syft's fixtures: package sets, origin,
 * licences, provides-based dependency resolution, layer attribution, the
 * 1 MiB line limit (with a 10 MB line), junk and the size cap.
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

extern const cg_cataloger cg_cataloger_apk;

#define DB "lib/apk/db/installed"

static cg_status run_fixture(fx *x, const char *rel)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", getenv("CG_TEST_DATA"), rel);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    static uint8_t buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    cg_cat_file cf = {DB, 0, buf, n};
    return cg_cat_run_files(x->ctx, &cg_cataloger_apk, &cf, 1, &x->err);
}

static cg_package *pkg(cg_cat_ctx *ctx, const char *name)
{
    for (size_t i = 0; i < cg_cat_n_packages(ctx); i++)
        if (!strcmp(cg_cat_package(ctx, i)->name, name))
            return cg_cat_package(ctx, i);
    fail_msg("package %s not found", name);
    return NULL;
}

static const char *deps(const cg_package *p)
{
    static char b[2048];
    b[0] = 0;
    for (size_t i = 0; i < p->n_depends; i++) {
        if (i)
            strcat(b, ",");
        strcat(b, p->depends[i]);
    }
    return b;
}

static void test_single(void **state)
{
    fx *x = *state;
    assert_int_equal(run_fixture(x, "syft/apk/single"), CG_OK);
    assert_int_equal(cg_cat_n_packages(x->ctx), 1);
    cg_package *p = pkg(x->ctx, "musl-utils");
    assert_string_equal(p->version, "1.1.24-r2");
    assert_string_equal(p->arch, "x86_64");
    assert_string_equal(p->type, "apk");
    assert_string_equal(p->namespace_, "alpine");
    assert_string_equal(p->cataloger, "apk");
    assert_string_equal(p->source_name, "musl");
    assert_null(p->source_version);
    assert_string_equal(p->supplier, "Timo Ter\xc3\xa4s <timo.teras@iki.fi>");
    assert_string_equal(p->description, "the musl c library (libc) implementation");
    assert_int_equal(p->n_licenses, 1);
    assert_string_equal(p->licenses[0].value, "MIT BSD GPL2+"); /* BSD alone does not map */
    assert_int_equal(p->licenses[0].is_spdx, 0);
    /* scanelf is a plain name (kept); so:libc... has no provider here (dropped) */
    assert_string_equal(deps(p), "scanelf");
    assert_string_equal(p->locations[0].path, "/lib/apk/db/installed");
}

static void test_multiple_provides(void **state)
{
    fx *x = *state;
    assert_int_equal(run_fixture(x, "syft/apk/multiple-1"), CG_OK);
    assert_int_equal(cg_cat_n_packages(x->ctx), 4);
    /* /bin/sh -> busybox-binsh (p:/bin/sh), so:libc -> musl, so:libreadline -> readline */
    assert_string_equal(deps(pkg(x->ctx, "bash")), "busybox-binsh,musl,readline");
    /* busybox=1.36.1-r15: constraint stripped, not installed, kept as written */
    assert_string_equal(deps(pkg(x->ctx, "busybox-binsh")), "busybox");
    assert_string_equal(deps(pkg(x->ctx, "readline")), "musl");
    assert_int_equal(pkg(x->ctx, "musl")->n_depends, 0);
    cg_package *p = pkg(x->ctx, "bash");
    assert_string_equal(p->licenses[0].value, "GPL-3.0-or-later");
    assert_int_equal(p->licenses[0].is_spdx, 1);
    assert_string_equal(pkg(x->ctx, "musl")->version, "1.2.4_git20230717-r4");
}

static void test_multiple_2_and_others(void **state)
{
    fx *x = *state;
    assert_int_equal(run_fixture(x, "syft/apk/multiple-2"), CG_OK);
    size_t n = cg_cat_n_packages(x->ctx);
    assert_int_equal(n, 14);
    for (size_t i = 0; i < n; i++) {
        cg_package *p = cg_cat_package(x->ctx, i);
        assert_non_null(p->version);
        for (size_t k = 0; k < p->n_depends; k++) /* every virtual dep was resolved or dropped */
            assert_null(strchr(p->depends[k], ':'));
    }
    cg_cat_ctx_free(x->ctx);
    x->ctx = cg_cat_ctx_new(&x->a);
    assert_int_equal(run_fixture(x, "syft/apk/empty-deps-and-provides"), CG_OK);
    assert_int_equal(cg_cat_n_packages(x->ctx), 1);
    assert_int_equal(cg_cat_package(x->ctx, 0)->n_depends, 0);
    cg_cat_ctx_free(x->ctx);
    x->ctx = cg_cat_ctx_new(&x->a);
    assert_int_equal(run_fixture(x, "syft/apk/extra-file-attributes"), CG_OK);
    cg_package *p = pkg(x->ctx, "openjdk8-jre");
    assert_string_equal(p->source_name, "openjdk8");
    assert_string_equal(p->licenses[0].value, "custom");
    assert_string_equal(deps(p), "java-cacerts,nss");
}

static void test_corrupt(void **state)
{
    fx *x = *state;
    assert_int_equal(run_fixture(x, "syft/apk/corrupt"), CG_OK);
    /* the junk first paragraph is ignored with a warning, the rest parses */
    assert_int_equal(cg_cat_n_packages(x->ctx), 1);
    assert_string_equal(cg_cat_package(x->ctx, 0)->name, "alpine-baselayout-data");
    assert_true(cg_cat_n_warnings(x->ctx) >= 1);
}

static void test_long_line(void **state)
{
    fx *x = *state;
    size_t n = 10u * 1000u * 1000u;
    uint8_t *d = malloc(n);
    const char head[] = "P:a\nV:1\n\nP:b\nV:2\nT:";
    memcpy(d, head, sizeof head - 1);
    memset(d + sizeof head - 1, 'x', n - (sizeof head - 1));
    cg_cat_file f = {DB, 0, d, n};
    assert_int_equal(cg_cat_run_files(x->ctx, &cg_cataloger_apk, &f, 1, &x->err), CG_ERR_INPUT);
    assert_non_null(strstr(x->err.msg, "lib/apk/db/installed"));
    assert_non_null(strstr(x->err.msg, "line 6"));
    free(d);
}

static void test_junk_and_cap(void **state)
{
    fx *x = *state;
    size_t n = 2u << 20;
    uint8_t *d = malloc(n);
    uint32_t s = 99;
    for (size_t i = 0; i < n; i++) {
        s = s * 1103515245u + 12345u;
        d[i] = (uint8_t)(s >> 16);
    }
    cg_cat_file f = {DB, 0, d, n};
    cg_status st = cg_cat_run_files(x->ctx, &cg_cataloger_apk, &f, 1, &x->err);
    assert_true(st == CG_OK || st == CG_ERR_INPUT);
    free(d);
    uint8_t *big = calloc(1, (32u << 20) + 1);
    cg_cat_file g = {DB, 0, big, (32u << 20) + 1};
    assert_int_equal(cg_cat_run_files(x->ctx, &cg_cataloger_apk, &g, 1, &x->err), CG_ERR_LIMIT);
    free(big);
    /* no trailing newline, CRLF, NUL in a name */
    static const char t[] = "P:c\r\nV:1\r\nA:x86_64\n\nP:b\0d\nV:1\n\nP:e\nV:3";
    cg_cat_ctx_free(x->ctx);
    x->ctx = cg_cat_ctx_new(&x->a);
    cg_cat_file h = {DB, 0, (const uint8_t *)t, sizeof t - 1};
    assert_int_equal(cg_cat_run_files(x->ctx, &cg_cataloger_apk, &h, 1, &x->err), CG_OK);
    assert_int_equal(cg_cat_n_packages(x->ctx), 2);
    assert_string_equal(pkg(x->ctx, "c")->arch, "x86_64");
    assert_string_equal(pkg(x->ctx, "e")->version, "3");
}

static void test_layers_and_distro(void **state)
{
    fx *x = *state;
    static const char s0[] = "P:musl\nV:1.2.4-r1\nA:x86_64\n\nP:zlib\nV:1.3-r0\nA:x86_64\n";
    static const char s1[] = "P:musl\nV:1.2.4-r1\nA:x86_64\n\nP:zlib\nV:1.3.1-r0\nA:x86_64\n\n"
                             "P:curl\nV:8.5.0-r0\nA:x86_64\nD:so:libz.so.1\n";
    static const char s2[] = "P:musl\nV:1.2.4-r1\nA:x86_64\n\nP:zlib\nV:1.3.1-r0\nA:x86_64\np:so:libz.so.1=1\n\n"
                             "P:curl\nV:8.5.0-r0\nA:x86_64\nD:so:libz.so.1\n";
    const char *src[] = {s0, s1, s2};
    cg_cat_node nodes[3];
    for (int i = 0; i < 3; i++) {
        cg_cat_file f = {DB, i, (const uint8_t *)src[i], strlen(src[i])};
        void *r = NULL;
        assert_int_equal(cg_cataloger_apk.parse(x->ctx, &f, &r, &x->err), CG_OK);
        nodes[i] = (cg_cat_node){DB, i, r, i ? &nodes[i - 1] : NULL};
    }
    cg_distro d = {.id = "wolfi"};
    cg_cat_set_distro(x->ctx, &d);
    const cg_cat_node *top[] = {&nodes[2]};
    assert_int_equal(cg_cataloger_apk.finish(x->ctx, top, 1, &x->err), CG_OK);
    assert_int_equal(cg_cat_n_packages(x->ctx), 3);
    assert_int_equal(pkg(x->ctx, "musl")->layer, 0);
    assert_int_equal(pkg(x->ctx, "zlib")->layer, 1);
    assert_int_equal(pkg(x->ctx, "curl")->layer, 1);
    assert_int_equal(pkg(x->ctx, "curl")->locations[0].layer, 2);
    assert_string_equal(deps(pkg(x->ctx, "curl")), "zlib");
    assert_string_equal(pkg(x->ctx, "curl")->namespace_, "wolfi");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_single, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_multiple_provides, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_multiple_2_and_others, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_corrupt, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_long_line, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_junk_and_cap, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_layers_and_distro, cat_setup, cat_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

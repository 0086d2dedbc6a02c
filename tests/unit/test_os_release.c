/*
 * test_os_release.c - the distro cataloger: os-release(5) quoting rules,
 * precedence of etc/ over usr/lib/, the debian_version and alpine-release
 * fallbacks, symlinked etc/os-release, oversize files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "catalog/catalog.h"

extern const cg_cataloger cg_cataloger_os_release;

typedef struct fx {
    cg_arena a;
    cg_cat_ctx *ctx;
    cg_error err;
} fx;

static int setup(void **state)
{
    fx *x = calloc(1, sizeof *x);
    cg_arena_init(&x->a);
    x->ctx = cg_cat_ctx_new(&x->a);
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    fx *x = *state;
    cg_cat_ctx_free(x->ctx);
    cg_arena_free(&x->a);
    free(x);
    return 0;
}

#define F(path, text) {path, 0, (const uint8_t *)(text), sizeof(text) - 1}

static const cg_distro *run(fx *x, const cg_cat_file *f, size_t n)
{
    assert_int_equal(cg_cat_run_files(x->ctx, &cg_cataloger_os_release, f, n, &x->err), CG_OK);
    return cg_cat_distro(x->ctx);
}

static void test_debian12_real(void **state)
{
    fx *x = *state;
    char path[4096];
    snprintf(path, sizeof path, "%s/debian12/os-release", getenv("CG_TEST_DATA"));
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    uint8_t buf[4096];
    size_t n = fread(buf, 1, sizeof buf, fp);
    fclose(fp);
    cg_cat_file f = {"etc/os-release", 3, buf, n};
    const cg_distro *d = run(x, &f, 1);
    assert_non_null(d);
    assert_string_equal(d->id, "debian");
    assert_string_equal(d->version_id, "12");
    assert_string_equal(d->version_codename, "bookworm");
    assert_string_equal(d->name, "Debian GNU/Linux");
    assert_string_equal(d->pretty_name, "Debian GNU/Linux 12 (bookworm)");
    assert_string_equal(d->home_url, "https://www.debian.org/");
    assert_null(d->id_like);
    assert_string_equal(d->source_path, "/etc/os-release");
    assert_int_equal(d->layer, 3);
}

static void test_quoting(void **state)
{
    fx *x = *state;
    cg_cat_file f = F("etc/os-release",
                      "# comment\n\n  ID=ubuntu\r\n"
                      "ID_LIKE='debian gnu'\n"
                      "NAME=\"Ubu \\\"nt\\\" \\$u \\\\ \\x\"\n"
                      "PRETTY_NAME=\"unterminated\n"
                      "VERSION_ID=\"22.04\" # trailing comment\n"
                      "bad line\n=novalue\n"
                      "HOME_URL=a\\ b\n");
    const cg_distro *d = run(x, &f, 1);
    assert_string_equal(d->id, "ubuntu");
    assert_string_equal(d->id_like, "debian gnu");
    assert_string_equal(d->name, "Ubu \"nt\" $u \\ \\x");
    assert_null(d->pretty_name);
    assert_string_equal(d->version_id, "22.04");
    assert_string_equal(d->home_url, "a b");
    assert_int_equal(cg_cat_n_warnings(x->ctx), 1); /* one per file */
}

static void test_precedence(void **state)
{
    fx *x = *state;
    cg_cat_file f[] = {
        F("usr/lib/os-release", "ID=fromusr\nVERSION_ID=1\n"),
        F("etc/debian_version", "12.5\n"),
        F("etc/os-release", "ID=frometc\nVERSION_ID=2\n"),
    };
    const cg_distro *d = run(x, f, 3);
    assert_string_equal(d->id, "frometc");
    assert_string_equal(d->source_path, "/etc/os-release");
    cg_cat_ctx_free(x->ctx);
    x->ctx = cg_cat_ctx_new(&x->a);
    d = run(x, f, 2);
    assert_string_equal(d->id, "fromusr");
    assert_string_equal(d->source_path, "/usr/lib/os-release");
}

static void test_fallbacks(void **state)
{
    fx *x = *state;
    cg_cat_file deb = F("etc/debian_version", "12.5\n");
    const cg_distro *d = run(x, &deb, 1);
    assert_string_equal(d->id, "debian");
    assert_string_equal(d->version_id, "12");
    assert_string_equal(d->source_path, "/etc/debian_version");
    cg_cat_ctx_free(x->ctx);
    x->ctx = cg_cat_ctx_new(&x->a);
    cg_cat_file sid = F("etc/debian_version", "bookworm/sid\n");
    d = run(x, &sid, 1);
    assert_string_equal(d->id, "debian");
    assert_null(d->version_id);
    assert_string_equal(d->version_codename, "bookworm");
    cg_cat_ctx_free(x->ctx);
    x->ctx = cg_cat_ctx_new(&x->a);
    cg_cat_file alp = F("etc/alpine-release", "3.19.1");
    d = run(x, &alp, 1);
    assert_string_equal(d->id, "alpine");
    assert_string_equal(d->version_id, "3.19.1");
    /* an os-release without ID does not hide the fallback */
    cg_cat_ctx_free(x->ctx);
    x->ctx = cg_cat_ctx_new(&x->a);
    cg_cat_file both[] = {F("etc/os-release", "NAME=x\n"), F("etc/alpine-release", "3.20.0\n")};
    d = run(x, both, 2);
    assert_string_equal(d->id, "alpine");
    /* Debian testing: os-release lacks VERSION_ID */
    cg_cat_ctx_free(x->ctx);
    x->ctx = cg_cat_ctx_new(&x->a);
    cg_cat_file testing[] = {F("etc/os-release", "ID=debian\nVERSION_CODENAME=trixie\n"),
                             F("etc/debian_version", "trixie/sid\n")};
    d = run(x, testing, 2);
    assert_string_equal(d->version_codename, "trixie");
    assert_null(d->version_id);
}

static void test_symlink_node(void **state)
{
    fx *x = *state;
    /* etc/os-release -> ../usr/lib/os-release: the driver parses the target
     * once and hands both nodes the same result */
    cg_cat_file tgt = F("usr/lib/os-release", "ID=debian\nVERSION_ID=\"12\"\n");
    void *r = NULL;
    assert_int_equal(cg_cataloger_os_release.parse(x->ctx, &tgt, &r, &x->err), CG_OK);
    cg_cat_node etc = {"etc/os-release", 1, r, NULL}, usr = {"usr/lib/os-release", 0, r, NULL};
    const cg_cat_node *nodes[] = {&etc, &usr};
    assert_int_equal(cg_cataloger_os_release.finish(x->ctx, nodes, 2, &x->err), CG_OK);
    const cg_distro *d = cg_cat_distro(x->ctx);
    assert_string_equal(d->source_path, "/etc/os-release");
    assert_int_equal(d->layer, 1);
    assert_string_equal(d->version_id, "12");
}

static void test_oversize_and_junk(void **state)
{
    fx *x = *state;
    cg_cat_want w;
    assert_true(cg_cataloger_os_release.wants("etc/os-release", 14, &w));
    assert_false(w.essential);
    assert_false(cg_cataloger_os_release.wants("etc/os-release.bak", 18, &w));
    size_t n = (64u << 10) + 1;
    uint8_t *d = malloc(n);
    memset(d, 'A', n);
    cg_cat_file f = {"etc/os-release", 0, d, n};
    assert_null(run(x, &f, 1));
    assert_int_equal(cg_cat_n_warnings(x->ctx), 1);
    /* random bytes with NULs: no crash, no distro */
    uint32_t s = 7;
    for (size_t i = 0; i < n - 1; i++) {
        s = s * 1103515245u + 12345u;
        d[i] = (uint8_t)(s >> 16);
    }
    cg_cat_file g = {"etc/os-release", 0, d, n - 1};
    cg_cat_ctx_free(x->ctx);
    x->ctx = cg_cat_ctx_new(&x->a);
    (void)run(x, &g, 1);
    cg_cat_file h = {"etc/debian_version", 0, d, 100};
    (void)run(x, &h, 1);
    free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_debian12_real, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quoting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_precedence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fallbacks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_symlink_node, setup, teardown),
        cmocka_unit_test_setup_teardown(test_oversize_and_junk, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

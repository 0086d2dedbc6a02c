/*
 * test_ecosystem.c - the one ecosystem table (src/core/ecosystem.c) is
 * complete: every cataloger's purl type has a row, every version scheme is
 * named by a row and every row's scheme exists, OSV spellings are unique, and
 * the lookups the matcher, the version API, the report and the DB use agree
 * with it.  A missing row fails here, not silently in a scan.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "catalog/catalog.h"
#include "cgate/version.h"
#include "core/ecosystem.h"

static void test_every_cataloger_has_a_row(void **state)
{
    (void)state;
    for (size_t i = 0; i < cg_n_catalogers; i++) {
        const char *t = cg_catalogers[i]->purl_type;
        if (!t)
            continue; /* os-release adds no packages */
        int found = 0;
        for (size_t k = 0; k < cg_n_ecosystems; k++)
            found |= !strcmp(cg_ecosystems[k].purl_type, t);
        if (!found)
            fail_msg("cataloger %s: purl type \"%s\" has no row in core/ecosystem.c", cg_catalogers[i]->name, t);
        /* a language cataloger's packages are matched and ordered */
        const cg_ecosystem *e = cg_eco_lang_by_purl_type(t);
        if (!cg_eco_is_os_purl_type(t) && (!e || !e->scheme))
            fail_msg("cataloger %s: purl type \"%s\" has no language row with a version scheme",
                     cg_catalogers[i]->name, t);
    }
}

static void test_every_scheme_has_a_row(void **state)
{
    (void)state;
    for (int s = 0; s < CG_VER_SCHEME_COUNT; s++) {
        const char *name = cg_ver_scheme_name((cg_ver_scheme)s);
        int used = 0;
        for (size_t k = 0; k < cg_n_ecosystems; k++)
            used |= cg_ecosystems[k].scheme && !strcmp(cg_ecosystems[k].scheme, name);
        if (!used)
            fail_msg("version scheme %s is named by no row of core/ecosystem.c", name);
    }
    for (size_t k = 0; k < cg_n_ecosystems; k++) {
        const cg_ecosystem *e = &cg_ecosystems[k];
        cg_ver_scheme s = CG_VER_SCHEME_COUNT;
        int r = cg_ver_scheme_for_ecosystem(e->osv, &s);
        if (e->scheme && (r != 0 || strcmp(cg_ver_scheme_name(s), e->scheme) != 0))
            fail_msg("ecosystem %s: scheme \"%s\" is not a cgate/version.h scheme", e->osv, e->scheme);
        if (!e->scheme && r != -1)
            fail_msg("ecosystem %s has no scheme but the version API found one", e->osv);
        assert_ptr_equal(cg_eco_by_osv(e->osv), e);
        for (size_t j = 0; j < k; j++)
            if (!strcmp(cg_ecosystems[j].osv, e->osv))
                fail_msg("ecosystem %s has two rows", e->osv);
        if (!e->os)
            assert_ptr_equal(cg_eco_lang_by_purl_type(e->purl_type), e);
        else
            assert_true(cg_eco_is_os_purl_type(e->purl_type));
    }
}

static void test_lookups(void **state)
{
    (void)state;
    assert_null(cg_eco_by_osv("pypi"));
    assert_string_equal(cg_eco_by_osv("Debian:12")->osv, "Debian");
    assert_null(cg_eco_lang_by_purl_type("deb"));
    assert_null(cg_eco_lang_by_purl_type(NULL));
    assert_false(cg_eco_is_os_purl_type("npm"));
    assert_string_equal(cg_eco_lang_by_purl_type("pypi")->osv, "PyPI");
}

static void test_names(void **state)
{
    (void)state;
    char out[64];
    const char *n = "Foo.._Bar-baz";
    assert_int_equal(cg_eco_norm_name_into("PyPI", n, strlen(n), out), 8 + 3);
    assert_string_equal(out, "foo-bar-baz");
    cg_eco_norm_name_into("pypi", "A_b", 3, out); /* ecosystem names ignore case here */
    assert_string_equal(out, "a-b");
    cg_eco_norm_name_into("npm", "@Scope/Pkg", 10, out);
    assert_string_equal(out, "@scope/pkg");
    cg_eco_norm_name_into("Maven", "Org:Art", 7, out);
    assert_string_equal(out, "Org:Art");
    assert_int_equal(cg_pep503_cmp("Foo__bar", "foo.bar"), 0);
    assert_true(cg_pep503_cmp("foo-a", "foo-b") < 0);
    assert_true(cg_pep503_cmp("foo", "foo-") < 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_cataloger_has_a_row),
        cmocka_unit_test(test_every_scheme_has_a_row),
        cmocka_unit_test(test_lookups),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

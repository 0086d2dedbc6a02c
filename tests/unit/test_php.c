/*
 * test_php.c - the PHP (Composer) cataloger on Trivy's and Syft's fixtures:
 * composer.lock with packages-dev, installed.json in Composer 1 and 2
 * layouts, purls with the vendor as namespace, licences, dependency edges
 * as Trivy's parse_test.go expects them, and hostile JSON.
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
#include "catalog/purl.h"

extern const cg_cataloger cg_cataloger_php;
static const cg_cataloger *const C = &cg_cataloger_php;

static blob load(const char *rel)
{
    return cat_load("", rel);
}

static void run1(fx *x, const char *path, const char *fixture)
{
    assert_int_equal(cat_run_fixture(x, C, path, "", fixture), CG_OK);
}

static void test_wants(void **state)
{
    (void)state;
    cg_cat_want w;
    const char *yes[] = {"var/www/vendor/composer/installed.json", "vendor/composer/installed.json",
                         "app/composer.lock", "composer.lock"};
    const char *no[] = {"var/www/installed.json", "app/xcomposer.lock", "app/composer.json",
                        "app/myvendor/composer/installed.json", "app/composer.lock.orig"};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
        assert_true(cg_cataloger_php.wants(yes[i], strlen(yes[i]), &w));
    for (size_t i = 0; i < sizeof no / sizeof *no; i++)
        assert_false(cg_cataloger_php.wants(no[i], strlen(no[i]), &w));
}

static cg_package *find_full(fx *x, const char *ns, const char *name)
{
    for (size_t i = 0; i < cg_cat_n_packages(x->ctx); i++) {
        cg_package *p = cg_cat_package(x->ctx, i);
        if (!strcmp(p->name, name) && p->namespace_ && !strcmp(p->namespace_, ns))
            return p;
    }
    fail_msg("package %s/%s not found", ns, name);
    return NULL;
}

/* Trivy composer/parse_test.go: composerPkgs (pear/* are Dev) and composerDeps. */
static void test_lock_trivy(void **state)
{
    fx *x = *state;
    run1(x, "app/composer.lock", "php/trivy-composer_happy.lock");
    assert_int_equal(cg_cat_n_warnings(x->ctx), 0);
    assert_string_equal(cat_set_str(x->ctx, &x->a), "getallheaders@3.0.3 guzzle@6.5.8 http-message@1.0.1 log@1.13.3 "
                                    "pear_exception@v1.0.2 polyfill-intl-idn@v1.27.0 "
                                    "polyfill-intl-normalizer@v1.27.0 polyfill-php72@v1.27.0 promises@1.5.2 psr7@1.9.0");
    cg_package *p = find_full(x, "pear", "log");
    assert_string_equal(cat_prop(p, "cgate:composer:dev"), "true");
    assert_string_equal(find_full(x, "pear", "pear_exception")->licenses[0].value, "BSD-2-Clause");
    p = find_full(x, "symfony", "polyfill-php72");
    /* "MIT or BSD-2-Clause": Trivy splits it in two; it is one SPDX expression */
    assert_int_equal(p->n_licenses, 1);
    assert_string_equal(p->licenses[0].value, "MIT OR BSD-2-Clause");
    assert_true(p->licenses[0].is_spdx);
    assert_null(cat_prop(p, "cgate:composer:dev"));
    char buf[512];
    assert_string_equal(cat_deps_str(find_full(x, "guzzlehttp", "guzzle"), buf, sizeof buf),
                        "polyfill-intl-idn,promises,psr7");
    assert_string_equal(cat_deps_str(find_full(x, "guzzlehttp", "psr7"), buf, sizeof buf), "getallheaders,http-message");
    assert_string_equal(cat_deps_str(find_full(x, "pear", "log"), buf, sizeof buf), "pear_exception");
    assert_string_equal(cat_deps_str(find_full(x, "symfony", "polyfill-intl-idn"), buf, sizeof buf),
                        "polyfill-intl-normalizer,polyfill-php72");
    assert_string_equal(cg_purl_for_package(&x->a, find_full(x, "guzzlehttp", "guzzle"), NULL),
                        "pkg:composer/guzzlehttp/guzzle@6.5.8");
}

/* Trivy's golden reports for its composer and composer-vendor repos. */
static void test_trivy_golden_repos(void **state)
{
    fx *x = *state;
    run1(x, "repo/composer.lock", "php/trivy-repo-composer.lock");
    assert_string_equal(cat_set_str(x->ctx, &x->a), "guzzle@7.4.4 psr7@1.8.3");
    char buf[256];
    assert_string_equal(cat_deps_str(find_full(x, "guzzlehttp", "guzzle"), buf, sizeof buf), "psr7");
    assert_string_equal(cg_purl_for_package(&x->a, find_full(x, "guzzlehttp", "psr7"), NULL),
                        "pkg:composer/guzzlehttp/psr7@1.8.3");
    run1(x, "repo/vendor/composer/installed.json", "php/trivy-repo-installed.json");
    assert_int_equal(cg_cat_n_packages(x->ctx), 5);
    for (size_t i = 0; i < cg_cat_n_packages(x->ctx); i++)
        assert_string_equal(cg_cat_package(x->ctx, i)->licenses[0].value, "MIT");
}

/* Syft's composer.lock and both installed.json formats. */
static void test_syft(void **state)
{
    fx *x = *state;
    run1(x, "a/composer.lock", "php/syft-composer.lock");
    assert_string_equal(cat_set_str(x->ctx, &x->a), "codeception@4.1.6 fastcgi-client@1.0.2 gherkin@v4.6.2 mongo-php-adapter@1.1.11");
    assert_string_equal(cat_prop(cat_find(x->ctx, "gherkin"), "cgate:composer:dev"), "true");
    assert_string_equal(cat_prop(cat_find(x->ctx, "codeception"), "cgate:composer:dev"), "true");
    assert_null(cat_prop(cat_find(x->ctx, "fastcgi-client"), "cgate:composer:dev"));
    char buf[256];
    assert_string_equal(cat_deps_str(cat_find(x->ctx, "codeception"), buf, sizeof buf), "gherkin");
    assert_int_equal(cat_find(x->ctx, "mongo-php-adapter")->n_depends, 0); /* mongodb/mongodb is not installed */
    assert_string_equal(cat_find(x->ctx, "fastcgi-client")->description, "Lightweight, single file FastCGI client for PHP.");
    assert_int_equal(cg_cat_n_warnings(x->ctx), 0);
}

static void test_installed_formats(void **state)
{
    fx *x = *state;
    run1(x, "c1/vendor/composer/installed.json", "php/syft-installed-composer1.json");
    run1(x, "c2/vendor/composer/installed.json", "php/syft-installed-composer2.json");
    assert_string_equal(cat_set_str(x->ctx, &x->a), "mink@v1.8.1 mink@v1.8.1 stack-cors@1.3.0 stack-cors@1.3.0");
    for (size_t i = 0; i < cg_cat_n_packages(x->ctx); i++) {
        cg_package *p = cg_cat_package(x->ctx, i);
        bool c2 = !strncmp(p->locations[0].path, "/c2/", 4);
        /* Composer 2 lists behat/mink in dev-package-names */
        if (c2 && !strcmp(p->name, "mink"))
            assert_string_equal(cat_prop(p, "cgate:composer:dev"), "true");
        else
            assert_null(cat_prop(p, "cgate:composer:dev"));
        assert_string_equal(cat_prop(p, "cgate:composer:metadata-source"), "installed.json");
    }
    assert_string_equal(cg_purl_for_package(&x->a, cat_find(x->ctx, "stack-cors"), NULL), "pkg:composer/asm89/stack-cors@1.3.0");
}

static void test_hostile(void **state)
{
    fx *x = *state;
    const char *bad[] = {
        "{\"packages\": [",                                  /* truncated */
        "{\"packages\": {\"name\": \"a/b\"}}",               /* wrong shape */
        "{\"packages\": [{\"name\": \"a/b\"}, 7, {\"version\": \"1\"}, {\"name\": \"a b\", \"version\": \"1\"},"
        " {\"name\": \"ok/pkg\", \"version\": \"2.0\", \"license\": 5, \"require\": [1]}]}",
        "[{\"name\": \"n\\u0000ul/x\", \"version\": \"1\"}]",  /* NUL in a name */
        "{\"a\": 1, \"a\": 2}",                               /* duplicate keys */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char path[64];
        snprintf(path, sizeof path, "h%zu/composer.lock", i);
        assert_int_equal(cat_run_mem(x, C, path, bad[i], strlen(bad[i])), CG_OK);
    }
    /* nested 10,000 deep */
    size_t depth = 10000;
    char *deep = malloc(2 * depth + 1);
    memset(deep, '[', depth);
    memset(deep + depth, ']', depth);
    assert_int_equal(cat_run_mem(x, C, "deep/vendor/composer/installed.json", deep, 2 * depth), CG_OK);
    free(deep);
    assert_string_equal(cat_set_str(x->ctx, &x->a), "pkg@2.0");
    assert_int_equal(cat_find(x->ctx, "pkg")->n_licenses, 0);
    assert_true(cg_cat_n_warnings(x->ctx) >= 6);
    for (size_t i = 0; i < cg_cat_n_warnings(x->ctx); i++)
        assert_int_equal(cg_cat_warning(x->ctx, i)[0], '/');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wants),
        cmocka_unit_test_setup_teardown(test_lock_trivy, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_trivy_golden_repos, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_syft, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_installed_formats, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_hostile, cat_setup, cat_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

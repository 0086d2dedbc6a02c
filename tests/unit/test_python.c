/*
 * test_python.c - the Python cataloger on Trivy's and Syft's fixtures:
 * METADATA / PKG-INFO / egg-info (names, versions, licences as Trivy's
 * packaging tests expect), requirements.txt, Pipfile.lock and poetry.lock
 * against Trivy's golden reports, PEP 503 names, and hostile input.
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

extern const cg_cataloger cg_cataloger_python;
static const cg_cataloger *const C = &cg_cataloger_python;

static blob load(const char *rel)
{
    return cat_load("python", rel);
}

static void expect_set(cg_cat_ctx *ctx, const char *expected_file, int no_dev)
{
    cat_expect_lines(ctx, "python", expected_file, no_dev ? "cgate:python:dev" : NULL);
}

static cg_status run(fx *x, const char *path, const char *fixture)
{
    return cat_run_fixture(x, C, path, "python", fixture);
}

static void test_wants(void **state)
{
    (void)state;
    cg_cat_want w;
#define W(p) cg_cataloger_python.wants(p, strlen(p), &w)
    assert_true(W("usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA"));
    assert_false(w.essential);
    assert_true(W("opt/venv/lib/python3.11/site-packages/pip-23.0.1.dist-info/METADATA"));
    assert_true(W("usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO"));
    assert_true(W("usr/lib/python3/dist-packages/distlib-0.3.1.egg-info"));
    assert_true(W("app/requirements.txt"));
    assert_true(W("requirements-dev.txt"));
    assert_true(W("app/poetry.lock"));
    assert_true(W("app/Pipfile.lock"));
    /* metadata not directly in site-packages, or not metadata */
    assert_false(W("usr/lib/python3/dist-packages/x/y.dist-info/METADATA"));
    assert_false(W("usr/lib/python3.11/foo.dist-info/METADATA"));
    assert_false(W("usr/lib/python3/dist-packages/six-1.16.0.dist-info/RECORD"));
    assert_false(W("usr/lib/python3/dist-packages/pip/_vendor/requirements.txt"));
    assert_false(W("app/requirements.txt.orig"));
    assert_false(W("app/myrequirements.txt"));
    assert_false(W("app/poetry.lock.bak"));
#undef W
}

static const char *lics(const cg_package *p, char *buf, size_t n)
{
    buf[0] = 0;
    for (size_t i = 0; i < p->n_licenses; i++) {
        if (i)
            strncat(buf, "|", n - strlen(buf) - 1);
        strncat(buf, p->licenses[i].value, n - strlen(buf) - 1);
    }
    return buf;
}

static void meta1(fx *x, const char *fixture, const char *name, const char *version, const char *lic)
{
    char path[512], b[512];
    snprintf(path, sizeof path, "usr/lib/python3/site-packages/%s.dist-info/METADATA", name);
    size_t before = cg_cat_n_packages(x->ctx);
    assert_int_equal(run(x, path, fixture), CG_OK);
    assert_int_equal(cg_cat_n_packages(x->ctx), before + 1);
    cg_package *p = cg_cat_package(x->ctx, before);
    assert_string_equal(p->name, name);
    assert_string_equal(p->version, version);
    assert_string_equal(lics(p, b, sizeof b), lic);
    assert_string_equal(p->type, "pypi");
    assert_string_equal(p->cataloger, "python");
    assert_null(p->namespace_);
    assert_string_equal(cat_prop(p, "cgate:python:source"), "installed");
}

/* Expectations from Trivy's pkg/dependency/parser/python/packaging/parse_test.go;
 * Trivy keeps licence names as written, cgate maps classifier names to SPDX ids. */
static void test_metadata(void **state)
{
    fx *x = *state;
    char b[256];
    meta1(x, "simple-0.1.0.METADATA", "simple", "0.1.0", "");
    meta1(x, "distlib-0.3.1.METADATA", "distlib", "0.3.1", "PSF-2.0"); /* Python Software Foundation License */
    meta1(x, "asyncssh-2.14.2.METADATA", "asyncssh", "2.14.2", "Eclipse Public License v2.0");
    meta1(x, "pyphen-0.14.0.METADATA", "pyphen", "0.14.0", "GPL-2.0-or-later|LGPL-2.0-or-later|MPL-1.1");
    meta1(x, "iniconfig-2.0.0.METADATA", "iniconfig", "2.0.0", "MIT"); /* License-Expression */
    meta1(x, "zipp-3.12.1.METADATA", "zipp", "3.12.1", "MIT");         /* MIT License */
    meta1(x, "networkx-3.0.METADATA", "networkx", "3.0", "");         /* only a License-File */
    /* PKG-INFO: License: UNKNOWN is no licence */
    assert_int_equal(run(x, "usr/lib/python3.8/site-packages/setuptools-51.3.3-py3.8.egg-info/PKG-INFO",
                         "setuptools-51.3.3-py3.8.egg-info.PKG-INFO"), CG_OK);
    cg_package *p = cat_pkg(x->ctx, "setuptools", "51.3.3");
    assert_int_equal(p->n_licenses, 0);
    assert_string_equal(p->supplier, "Python Packaging Authority");
    /* Name: Unidecode -> unidecode, the original kept */
    assert_int_equal(run(x, "usr/lib/python3/site-packages/Unidecode-0.4.1.egg-info/PKG-INFO",
                         "unidecode-egg-info.PKG-INFO"), CG_OK);
    p = cat_pkg(x->ctx, "unidecode", "0.4.1");
    assert_string_equal(cat_prop(p, "cgate:python:name"), "Unidecode");
    /* a single-file egg-info */
    cg_cat_ctx_free(x->ctx);
    x->ctx = cg_cat_ctx_new(&x->a);
    assert_int_equal(run(x, "usr/lib/python3.9/site-packages/distlib-0.3.1-py3.9.egg-info",
                         "distlib-0.3.1-py3.9.egg-info"), CG_OK);
    p = cat_pkg(x->ctx, "distlib", "0.3.1");
    assert_string_equal(lics(p, b, sizeof b), "Python license");
    assert_int_equal(cg_cat_n_warnings(x->ctx), 0);
}

static void test_requires_dist(void **state)
{
    fx *x = *state;
    static const char m[] = "Metadata-Version: 2.1\nName: Foo.Bar_baz\nVersion: 1.0\n"
                            "Requires-Dist: Charset_Normalizer (<4,>=2)\n"
                            "Requires-Dist: idna>=2.5\n"
                            "Requires-Dist: PySocks!=1.5.7,>=1.5.6 ; extra == 'socks'\n"
                            "Requires-Dist: six ; python_version < \"3\"\n"
                            "License-Expression: Apache-2.0 OR MIT\n\nbody\nName: other\n";
    assert_int_equal(cat_run_mem(x, C, "site-packages/Foo.Bar_baz-1.0.dist-info/METADATA", m, sizeof m - 1), CG_OK);
    cg_package *p = cat_pkg(x->ctx, "foo-bar-baz", "1.0");
    assert_string_equal(cat_prop(p, "cgate:python:name"), "Foo.Bar_baz");
    assert_int_equal(p->n_depends, 3);
    assert_string_equal(p->depends[0], "charset-normalizer");
    assert_string_equal(p->depends[1], "idna");
    assert_string_equal(p->depends[2], "six");
    assert_int_equal(p->n_licenses, 1);
    assert_string_equal(p->licenses[0].value, "Apache-2.0 OR MIT");
}

static void test_requirements(void **state)
{
    fx *x = *state;
    assert_int_equal(run(x, "app/requirements.txt", "repo-pip-requirements.txt"), CG_OK);
    /* Trivy's pip golden, names PEP 503-normalised */
    static const char want[] = "click\t8.0.0\nflask\t2.0.0\nitsdangerous\t2.0.0\njinja2\t3.0.0\n"
                               "oauth2-client\t4.0.0\npython-gitlab\t2.0.0\nwerkzeug\t0.11\n";
    char *got = cat_pkg_lines(x->ctx, NULL);
    assert_string_equal(got, want);
    free(got);
    assert_string_equal(cat_prop(cat_pkg(x->ctx, "flask", "2.0.0"), "cgate:python:source"), "requirements.txt");
    cg_cat_ctx_free(x->ctx);
    x->ctx = cg_cat_ctx_new(&x->a);
    /* Trivy's pip parser tests: only == pins; hashes, markers, extras cut */
    assert_int_equal(run(x, "a/requirements.txt", "requirements_operator.txt"), CG_OK);
    assert_int_equal(run(x, "b/requirements-hash.txt", "requirements_hash.txt"), CG_OK);
    assert_int_equal(run(x, "c/requirements.txt", "requirements_utf16le.txt"), CG_OK);
    assert_int_equal(run(x, "d/requirements.txt", "requirements_compatible.txt"), CG_OK);
    got = cat_pkg_lines(x->ctx, NULL);
    assert_string_equal(got, "attrs\t20.3.0\ndjango\t2.3.4\nfooproject\t1.2\njinja2\t3.0.0\nsomeproject\t5.4\n");
    free(got);
}

static void test_pipfile_poetry(void **state)
{
    fx *x = *state;
    assert_int_equal(run(x, "app/Pipfile.lock", "repo-Pipfile.lock"), CG_OK);
    expect_set(x->ctx, "expected-pipenv.tsv", 0);
    cg_cat_ctx_free(x->ctx);
    x->ctx = cg_cat_ctx_new(&x->a);
    assert_int_equal(run(x, "app/poetry.lock", "repo-poetry.lock"), CG_OK);
    expect_set(x->ctx, "expected-poetry.tsv", 0);
    assert_int_equal(cat_pkg(x->ctx, "click", "8.1.3")->n_depends, 1);
    assert_string_equal(cat_pkg(x->ctx, "click", "8.1.3")->depends[0], "colorama");
    cg_cat_ctx_free(x->ctx);
    x->ctx = cg_cat_ctx_new(&x->a);
    /* Syft's dev-deps fixture: category = "dev", dependency tables with
     * inline tables and multi-line arrays */
    assert_int_equal(run(x, "dev/poetry.lock", "syft-dev-deps-poetry.lock"), CG_OK);
    assert_int_equal(cg_cat_n_packages(x->ctx), 4);
    cg_package *p = cat_pkg(x->ctx, "added-value", "0.14.2");
    assert_string_equal(cat_prop(p, "cgate:python:dev"), "true");
    assert_int_equal(p->n_depends, 8);
    assert_int_equal(run(x, "v2/poetry.lock", "poetry_v2_flask.lock"), CG_OK);
    assert_int_equal(cg_cat_n_packages(x->ctx), 4 + 15);
    assert_int_equal(cat_pkg(x->ctx, "flask", "1.0.3")->n_depends, 4);
    assert_int_equal(run(x, "s/Pipfile.lock", "syft-Pipfile.lock"), CG_OK);
    assert_string_equal(cat_prop(cat_pkg(x->ctx, "astroid", "2.5.2"), "cgate:python:dev"), "true");
    assert_null(cat_prop(cat_pkg(x->ctx, "aiohttp", "3.7.4.post0"), "cgate:python:dev"));
    assert_int_equal(cg_cat_n_warnings(x->ctx), 0);
}

static void test_hostile(void **state)
{
    fx *x = *state;
    static const char nover[] = "Metadata-Version: 2.1\nName: x\n\nVersion: 1\n";
    assert_int_equal(cat_run_mem(x, C, "site-packages/x.dist-info/METADATA", nover, sizeof nover - 1), CG_OK);
    assert_true(cat_has_warning(x->ctx, "/site-packages/x.dist-info/METADATA: no valid Name and Version"));
    static const char junk[] = "\x01\x02\0\xff\nName: a b\nVersion: 1\n";
    assert_int_equal(cat_run_mem(x, C, "site-packages/y.dist-info/METADATA", junk, sizeof junk - 1), CG_OK);
    assert_int_equal(cg_cat_n_packages(x->ctx), 0);
    static const char broken[] = "{\"default\": {\"a\": ";
    assert_int_equal(cat_run_mem(x, C, "p/Pipfile.lock", broken, sizeof broken - 1), CG_OK);
    assert_true(cat_has_warning(x->ctx, "/p/Pipfile.lock: not a valid Pipfile.lock"));
    /* a Pipfile.lock nested 10,000 deep */
    size_t depth = 10000, n = 0;
    char *deep = malloc(depth * 8 + 64);
    n = (size_t)sprintf(deep, "{\"default\": ");
    for (size_t i = 0; i < depth; i++)
        n += (size_t)sprintf(deep + n, "{\"a\": ");
    deep[n++] = '1';
    for (size_t i = 0; i < depth + 1; i++)
        deep[n++] = '}';
    assert_int_equal(cat_run_mem(x, C, "q/Pipfile.lock", deep, n), CG_OK);
    assert_true(cat_has_warning(x->ctx, "/q/Pipfile.lock:"));
    /* poetry.lock: an unterminated multi-line array, a [[package]] without
     * a version, 10,000 nested brackets */
    n = (size_t)sprintf(deep, "[[package]]\nname = \"ok\"\nversion = \"1\"\n[[package]]\nname = \"nover\"\n"
                              "[[package]]\nname = \"x\"\nversion = \"2\"\nfiles = [\n");
    for (size_t i = 0; i < depth; i++)
        deep[n++] = '[';
    deep[n++] = '\n';
    assert_int_equal(cat_run_mem(x, C, "r/poetry.lock", deep, n), CG_OK);
    cat_pkg(x->ctx, "ok", "1");
    cat_pkg(x->ctx, "x", "2");
    assert_true(cat_has_warning(x->ctx, "/r/poetry.lock: 1 [[package]] table(s) without a valid name and version"));
    free(deep);
    /* requirements: garbage and ranges make no records */
    static const char req[] = "-r other.txt\n-e git+https://x/y.git#egg=y\nfoo>=1\nbar==2.0.*\n\0\xff==1\nok==1.0\n";
    assert_int_equal(cat_run_mem(x, C, "s/requirements.txt", req, sizeof req - 1), CG_OK);
    cat_pkg(x->ctx, "ok", "1.0");
    assert_int_equal(cg_cat_n_packages(x->ctx), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wants),
        cmocka_unit_test_setup_teardown(test_metadata, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_requires_dist, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_requirements, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_pipfile_poetry, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_hostile, cat_setup, cat_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_npm.c - the npm cataloger on Trivy's fixtures: installed
 * node_modules packages, the application package.json, package-lock v1/v2/v3,
 * yarn v1 and berry, pnpm v5/v6/v9, exact sets against Trivy's golden
 * reports, lockfiles ignored next to node_modules, and hostile input.
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
#include "catalog/lockutil.h"
#include "core/vec.h"

extern const cg_cataloger cg_cataloger_npm;
static const cg_cataloger *const C = &cg_cataloger_npm;

static blob load(const char *rel)
{
    return cat_load("npm", rel);
}

static void expect_set(cg_cat_ctx *ctx, const char *expected_file, int no_dev)
{
    cat_expect_lines(ctx, "npm", expected_file, no_dev ? "cgate:npm:dev" : NULL);
}

static cg_status run(fx *x, const char *path, const char *fixture)
{
    return cat_run_fixture(x, C, path, "npm", fixture);
}

static void test_wants(void **state)
{
    (void)state;
    cg_cat_want w;
#define W(p) cg_cataloger_npm.wants(p, strlen(p), &w)
    assert_true(W("app/node_modules/express/package.json"));
    assert_true(w.max_size < 50u * 1024 * 1024);
    assert_false(w.essential);
    assert_true(W("app/node_modules/@types/node/package.json"));
    assert_true(W("app/node_modules/a/node_modules/b/package.json"));
    assert_true(W("node_modules/.pnpm/lodash@4.17.4/node_modules/lodash/package.json"));
    assert_true(W("usr/share/nodejs/acorn/package.json"));
    assert_true(W("usr/share/nodejs/@types/node/package.json"));
    assert_true(W("usr/lib/x86_64-linux-gnu/nodejs/foo/package.json"));
    assert_true(W("app/package.json")); /* the application */
    assert_true(W("package.json"));
    assert_true(W("app/package-lock.json"));
    assert_true(W("yarn.lock"));
    assert_true(W("srv/pnpm-lock.yaml"));
    /* files inside a package are not packages */
    assert_false(W("app/node_modules/express/lib/package.json"));
    assert_false(W("app/node_modules/express/test/fixtures/a/package.json"));
    assert_false(W("usr/share/nodejs/acorn/dist/package.json"));
    assert_false(W("app/node_modules/package.json"));
    assert_false(W("app/node_modules/@types/package.json"));
    /* lockfiles shipped inside packages are not the application's */
    assert_false(W("app/node_modules/x/package-lock.json"));
    assert_false(W("app/node_modules/x/yarn.lock"));
    assert_false(W("app/mypackage.json"));
    assert_false(W("app/xyarn.lock"));
    assert_false(W("etc/passwd"));
#undef W
}

static void test_node_modules(void **state)
{
    fx *x = *state;
    static const char *const names[] = {"jquery", "promise", "react", "react-is", "redux", "z-lock"};
    cg_cat_file f[7];
    blob b[7];
    char paths[7][256];
    for (size_t i = 0; i < 6; i++) {
        char rel[256];
        snprintf(rel, sizeof rel, "repo-npm/node_modules/%s/package.json", names[i]);
        b[i] = load(rel);
        snprintf(paths[i], sizeof paths[i], "app/node_modules/%s/package.json", names[i]);
        f[i] = (cg_cat_file){paths[i], 0, b[i].data, b[i].len, -1, 0644};
    }
    b[6] = load("repo-npm/package-lock.json");
    f[6] = (cg_cat_file){"app/package-lock.json", 0, b[6].data, b[6].len, -1, 0644};
    assert_int_equal(cg_cat_run_files(x->ctx, &cg_cataloger_npm, f, 7, &x->err), CG_OK);
    for (size_t i = 0; i < 7; i++)
        free(b[i].data);
    /* node_modules next to the lockfile: only what is installed */
    assert_int_equal(cg_cat_n_packages(x->ctx), 6);
    cg_package *p = cat_pkg(x->ctx, "jquery", "3.3.9");
    assert_string_equal(p->type, "npm");
    assert_string_equal(p->cataloger, "npm");
    assert_null(p->namespace_);
    assert_string_equal(cat_prop(p, "cgate:npm:source"), "node_modules");
    assert_string_equal(p->locations[0].path, "/app/node_modules/jquery/package.json");
    assert_int_equal(p->n_licenses, 1);
    assert_string_equal(p->licenses[0].value, "MIT");
    assert_true(p->licenses[0].is_spdx);
    p = cat_pkg(x->ctx, "promise", "8.0.3");
    assert_int_equal(p->n_depends, 1);
    assert_string_equal(p->depends[0], "asap");
    cat_pkg(x->ctx, "z-lock", "1.0.0");
}

static void test_package_lock_golden(void **state)
{
    fx *x = *state;
    assert_int_equal(run(x, "src/package-lock.json", "repo-npm/package-lock.json"), CG_OK);
    /* Trivy's golden reports for the same lockfile: with and without dev */
    expect_set(x->ctx, "expected-npm-with-dev.tsv", 0);
    expect_set(x->ctx, "expected-npm.tsv", 1);
    cg_package *p = cat_pkg(x->ctx, "z-lock", "1.0.0");
    assert_string_equal(cat_prop(p, "cgate:npm:dev"), "true");
    assert_string_equal(cat_prop(p, "cgate:npm:source"), "package-lock.json");
    assert_string_equal(p->locations[0].path, "/src/package-lock.json");
    assert_null(cat_prop(cat_pkg(x->ctx, "react", "16.8.6"), "cgate:npm:dev"));
    assert_int_equal(cg_cat_n_warnings(x->ctx), 0);
}

static void test_package_lock_versions(void **state)
{
    fx *x = *state;
    char *sets[3];
    static const char *const files[] = {"package-lock_v1.json", "package-lock_v2.json", "package-lock_v3.json"};
    for (int i = 0; i < 3; i++) {
        cg_cat_ctx_free(x->ctx);
        x->ctx = cg_cat_ctx_new(&x->a);
        assert_int_equal(run(x, "package-lock.json", files[i]), CG_OK);
        sets[i] = cat_pkg_lines(x->ctx, NULL);
        assert_int_equal(cg_cat_n_packages(x->ctx), 31);
    }
    /* the same project written by npm 6, 7 and 9 */
    assert_string_equal(sets[0], sets[1]);
    assert_string_equal(sets[1], sets[2]);
    for (int i = 0; i < 3; i++)
        free(sets[i]);
    /* hoisted and nested copies of ms are separate versions; scoped names */
    cat_pkg(x->ctx, "ms", "2.0.0");
    cat_pkg(x->ctx, "ms", "1.0.0");
    cg_package *p = cat_pkg(x->ctx, "@babel/helper-string-parser", "7.19.4");
    assert_string_equal(p->namespace_, "@babel");
    assert_string_equal(p->name, "helper-string-parser");
    assert_string_equal(cat_prop(cat_pkg(x->ctx, "debug", "2.5.2"), "cgate:npm:dev"), "true");
    assert_string_equal(cat_prop(cat_pkg(x->ctx, "promise", "8.3.0"), "cgate:npm:optional"), "true");
    assert_int_equal(cat_pkg(x->ctx, "body-parser", "1.18.3")->n_depends, 10);
}

static void test_package_lock_workspace(void **state)
{
    fx *x = *state;
    assert_int_equal(run(x, "package-lock.json", "package-lock_v3_with_workspace.json"), CG_OK);
    /* link targets under the link's name; the version-less workspace is
     * skipped with a warning */
    cat_pkg(x->ctx, "nested_func", "1.0.0");
    cat_pkg(x->ctx, "debug", "2.6.9");
    cat_pkg(x->ctx, "debug", "2.5.2");
    cat_pkg(x->ctx, "ms", "0.7.2");
    cat_pkg(x->ctx, "ms", "2.0.0");
    assert_int_equal(cg_cat_n_packages(x->ctx), 5);
    assert_true(cat_has_warning(x->ctx, "/package-lock.json: 1 entry without a valid name and version"));
}

static void test_legacy_licenses(void **state)
{
    fx *x = *state;
    assert_int_equal(run(x, "package-lock.json", "package-lock_v3_with_legacy_licenses.json"), CG_OK);
    assert_int_equal(cg_cat_n_packages(x->ctx), 3);
    for (size_t i = 0; i < 3; i++)
        assert_true(cg_cat_package(x->ctx, i)->n_licenses >= 1);
}

static void test_yarn(void **state)
{
    fx *x = *state;
    assert_int_equal(run(x, "repo/yarn.lock", "repo-yarn/yarn.lock"), CG_OK);
    /* Trivy's golden lists jquery (and the root package.json, role
     * application here); it drops promise and its dependency asap because
     * package.json names promise in devDependencies.  yarn.lock itself does
     * not say what is dev, so cgate reports all three. */
    assert_int_equal(cg_cat_n_packages(x->ctx), 3);
    assert_string_equal(cat_prop(cat_pkg(x->ctx, "jquery", "3.2.1"), "cgate:npm:source"), "yarn.lock");
    cat_pkg(x->ctx, "promise", "8.0.3");

    cg_cat_ctx_free(x->ctx);
    x->ctx = cg_cat_ctx_new(&x->a);
    assert_int_equal(run(x, "v1/yarn.lock", "yarn_happy.lock"), CG_OK);
    assert_int_equal(cg_cat_n_packages(x->ctx), 18);
    cat_pkg(x->ctx, "@babel/helper-regex", "7.4.4");
    assert_int_equal(run(x, "berry/yarn.lock", "yarn_v2_happy.lock"), CG_OK);
    assert_int_equal(cg_cat_n_packages(x->ctx), 18 + 16);
    cg_package *p = cat_pkg(x->ctx, "@types/color-name", "1.1.1");
    assert_string_equal(p->locations[0].path, "/berry/yarn.lock");
    assert_int_equal(cat_pkg(x->ctx, "color-convert", "2.0.1")->n_depends, 1);
    /* quoted field names (yarn v1 written by npm-to-yarn tools) */
    assert_int_equal(run(x, "q/yarn.lock", "yarn_with_npm.lock"), CG_OK);
    cat_pkg(x->ctx, "jquery", "3.6.0");
    /* an unknown protocol: warned about, the rest kept */
    assert_int_equal(run(x, "bad/yarn.lock", "yarn_with_bad_protocol.lock"), CG_OK);
    assert_true(cat_has_warning(x->ctx, "/bad/yarn.lock: 1 entry with an unknown protocol"));
}

static void test_pnpm(void **state)
{
    fx *x = *state;
    assert_int_equal(run(x, "pnpm-lock.yaml", "repo-pnpm/pnpm-lock.yaml"), CG_OK);
    expect_set(x->ctx, "expected-pnpm.tsv", 0);
    cg_cat_ctx_free(x->ctx);
    x->ctx = cg_cat_ctx_new(&x->a);
    assert_int_equal(run(x, "v5/pnpm-lock.yaml", "pnpm-lock_normal.yaml"), CG_OK);
    assert_int_equal(cg_cat_n_packages(x->ctx), 3);
    assert_int_equal(run(x, "v6/pnpm-lock.yaml", "pnpm-lock_v6_with_dev.yaml"), CG_OK);
    assert_int_equal(cg_cat_n_packages(x->ctx), 3 + 85);
    size_t dev = 0;
    for (size_t i = 0; i < cg_cat_n_packages(x->ctx); i++)
        dev += cat_prop(cg_cat_package(x->ctx, i), "cgate:npm:dev") != NULL;
    assert_true(dev > 0 && dev < 85);
    assert_int_equal(run(x, "v9/pnpm-lock.yaml", "pnpm-lock_v9.yaml"), CG_OK);
    /* tarball/git keys take the version field; file: ones have none */
    cat_pkg(x->ctx, "asynckit", "0.4.0");
    cat_pkg(x->ctx, "debug", "4.3.5");
    cat_pkg(x->ctx, "@babel/helper-string-parser", "7.24.1");
    assert_int_equal(cg_cat_n_warnings(x->ctx), 1); /* the file: entries */
}

static void test_application(void **state)
{
    fx *x = *state;
    static const char app[] = "{\"name\": \"@acme/web\", \"version\": \"2.0.0\", \"license\": \"MIT\","
                              " \"dependencies\": {\"express\": \"^4\"}}";
    assert_int_equal(cat_run_mem(x, C, "srv/app/package.json", app, sizeof app - 1), CG_OK);
    /* a package.json without a name (a "type": "module" marker) is nothing */
    static const char marker[] = "{\"type\": \"module\"}";
    assert_int_equal(cat_run_mem(x, C, "srv/app/lib/package.json", marker, sizeof marker - 1), CG_OK);
    assert_int_equal(cg_cat_n_packages(x->ctx), 1);
    cg_package *p = cat_pkg(x->ctx, "@acme/web", "2.0.0");
    assert_string_equal(cat_prop(p, "cgate:npm:role"), "application");
    assert_string_equal(cat_prop(p, "cgate:npm:name"), "@acme/web");
    assert_string_equal(p->depends[0], "express");
    assert_int_equal(cg_cat_n_warnings(x->ctx), 0);
}

static void test_hostile(void **state)
{
    fx *x = *state;
    static const char broken[] = "{\"name\": \"x\", \"version\": ";
    assert_int_equal(cat_run_mem(x, C, "a/node_modules/x/package.json", broken, sizeof broken - 1), CG_OK);
    assert_true(cat_has_warning(x->ctx, "/a/node_modules/x/package.json: not a valid package.json"));
    assert_int_equal(cat_run_mem(x, C, "b/package-lock.json", broken, sizeof broken - 1), CG_OK);
    assert_true(cat_has_warning(x->ctx, "/b/package-lock.json: not a valid package-lock.json"));
    /* a lockfile nested 10,000 deep: jansson's depth limit, a warning */
    size_t depth = 10000;
    char *deep = malloc(depth * 64 + 64);
    size_t n = (size_t)sprintf(deep, "{\"lockfileVersion\": 1, \"dependencies\": ");
    for (size_t i = 0; i < depth; i++)
        n += (size_t)sprintf(deep + n, "{\"a\": {\"version\": \"1\", \"dependencies\": ");
    deep[n++] = '{';
    for (size_t i = 0; i < 2 * depth + 2; i++)
        deep[n++] = '}';
    assert_int_equal(cat_run_mem(x, C, "c/package-lock.json", deep, n), CG_OK);
    assert_true(cat_has_warning(x->ctx, "/c/package-lock.json:"));
    /* the same at a depth jansson accepts: capped by the cataloger */
    n = (size_t)sprintf(deep, "{\"lockfileVersion\": 1, \"dependencies\": ");
    for (size_t i = 0; i < 600; i++)
        n += (size_t)sprintf(deep + n, "{\"a\": {\"version\": \"1\", \"dependencies\": ");
    deep[n++] = '{';
    for (size_t i = 0; i < 600 * 2 + 2; i++)
        deep[n++] = '}';
    assert_int_equal(cat_run_mem(x, C, "d/package-lock.json", deep, n), CG_OK);
    assert_true(cat_has_warning(x->ctx, "/d/package-lock.json: dependencies nested more than"));
    /* YAML nested 10,000 deep */
    n = (size_t)sprintf(deep, "packages:\n  /a@1.0.0:\n    x: ");
    for (size_t i = 0; i < depth; i++)
        deep[n++] = '[';
    for (size_t i = 0; i < depth; i++)
        deep[n++] = ']';
    deep[n++] = '\n';
    assert_int_equal(cat_run_mem(x, C, "e/pnpm-lock.yaml", deep, n), CG_OK);
    assert_true(cat_has_warning(x->ctx, "/e/pnpm-lock.yaml:"));
    free(deep);
    /* a billion-laughs alias bomb: aliases are never expanded */
    static const char bomb[] = "lockfileVersion: '6.0'\n"
                               "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
                               "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                               "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                               "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                               "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
                               "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
                               "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
                               "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
                               "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]\n"
                               "packages:\n  /ok@1.0.0:\n    dev: false\n    x: *i\n";
    assert_int_equal(cat_run_mem(x, C, "f/pnpm-lock.yaml", bomb, sizeof bomb - 1), CG_OK);
    cat_pkg(x->ctx, "ok", "1.0.0");
    static const char badyaml[] = "packages:\n  /a@1.0.0: {\n  dev: [\n";
    assert_int_equal(cat_run_mem(x, C, "g/pnpm-lock.yaml", badyaml, sizeof badyaml - 1), CG_OK);
    assert_true(cat_has_warning(x->ctx, "/g/pnpm-lock.yaml: is not valid YAML"));
    /* NULs and junk in yarn.lock */
    static const char junk[] = "\"a@^1\":\n  version \"1\0\"\n\x01\x02:\n  version \"2\"\n";
    assert_int_equal(cat_run_mem(x, C, "h/yarn.lock", junk, sizeof junk - 1), CG_OK);
    /* names that are not npm names are dropped */
    static const char badname[] = "{\"name\": \"a b/c/d\", \"version\": \"1.0.0\"}";
    assert_int_equal(cat_run_mem(x, C, "i/node_modules/a/package.json", badname, sizeof badname - 1), CG_OK);
    assert_true(cat_has_warning(x->ctx, "/i/node_modules/a/package.json: package.json without a valid name"));
}

static void test_layers(void **state)
{
    fx *x = *state;
    /* finish() directly: a package.json replaced by an identical copy keeps
     * the lower layer; a changed version takes the upper one */
    static const char v1[] = "{\"name\": \"a\", \"version\": \"1.0.0\"}";
    static const char v2[] = "{\"name\": \"a\", \"version\": \"2.0.0\"}";
    void *r1 = NULL, *r1b = NULL, *r2 = NULL;
    cg_cat_file f = {"n/node_modules/a/package.json", 0, (const uint8_t *)v1, sizeof v1 - 1, -1, 0644};
    assert_int_equal(cg_cataloger_npm.parse(x->ctx, &f, &r1, &x->err), CG_OK);
    f.layer = 1;
    assert_int_equal(cg_cataloger_npm.parse(x->ctx, &f, &r1b, &x->err), CG_OK);
    f.data = (const uint8_t *)v2;
    f.len = sizeof v2 - 1;
    f.layer = 2;
    assert_int_equal(cg_cataloger_npm.parse(x->ctx, &f, &r2, &x->err), CG_OK);
    cg_cat_node low = {f.path, 0, r1, NULL}, mid = {f.path, 1, r1b, &low};
    const cg_cat_node *nodes[] = {&mid};
    assert_int_equal(cg_cataloger_npm.finish(x->ctx, nodes, 1, &x->err), CG_OK);
    assert_int_equal(cg_cat_package(x->ctx, 0)->layer, 0);
    cg_cat_node top = {f.path, 2, r2, &mid};
    const cg_cat_node *nodes2[] = {&top};
    assert_int_equal(cg_cataloger_npm.finish(x->ctx, nodes2, 1, &x->err), CG_OK);
    assert_int_equal(cg_cat_package(x->ctx, 1)->layer, 2);
}

/* Dependency names of a lock entry: sorted, each once (npm, yarn, pnpm and
 * Python locks all go through this). */
static void test_lock_names_finish(void **state)
{
    (void)state;
    cg_arena a;
    cg_arena_init(&a);
    cg_vec v = {0};
    static const char *const in[] = {"b", "a", "b", "c", "a", "a"};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++)
        assert_true(cg_vec_push(&v, &in[i], sizeof in[i]));
    const char **out = NULL;
    size_t n = 0;
    assert_true(cg_lock_names_finish(&a, &v, &out, &n));
    assert_int_equal(n, 3);
    assert_string_equal(out[0], "a");
    assert_string_equal(out[1], "b");
    assert_string_equal(out[2], "c");
    cg_vec empty = {0};
    const char **none = NULL;
    size_t nn = 0;
    assert_true(cg_lock_names_finish(&a, &empty, &none, &nn));
    assert_int_equal(nn, 0);
    assert_null(none);
    cg_arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wants),
        cmocka_unit_test_setup_teardown(test_node_modules, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_package_lock_golden, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_package_lock_versions, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_package_lock_workspace, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_legacy_licenses, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_yarn, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_pnpm, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_application, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_hostile, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_layers, cat_setup, cat_teardown),
        cmocka_unit_test(test_lock_names_finish),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

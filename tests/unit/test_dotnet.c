/*
 * test_dotnet.c - the .NET cataloger on Trivy's deps.json fixture (as its
 * golden report lists it), a RID-specific deps.json with dependency edges,
 * and hostile JSON.
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

extern const cg_cataloger cg_cataloger_dotnet;
static const cg_cataloger *const C = &cg_cataloger_dotnet;

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
    const char *yes[] = {"app/WebApp.deps.json", "x.deps.json", "usr/share/dotnet/shared/Microsoft.NETCore.App/6.0.0/Microsoft.NETCore.App.deps.json"};
    const char *no[] = {"app/.deps.json", "app/deps.json", "app/WebApp.deps.json.bak", "app/WebApp.runtimeconfig.json"};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
        assert_true(cg_cataloger_dotnet.wants(yes[i], strlen(yes[i]), &w));
    for (size_t i = 0; i < sizeof no / sizeof *no; i++)
        assert_false(cg_cataloger_dotnet.wants(no[i], strlen(no[i]), &w));
}

/* Trivy's dotnet repo: dotnet.json.golden lists Newtonsoft.Json 9.0.1 (and
 * the project itself as the root, which is not a NuGet package). */
static void test_trivy(void **state)
{
    fx *x = *state;
    run1(x, "app/datacollector.deps.json", "dotnet/datacollector.deps.json");
    assert_string_equal(cat_set_str(x->ctx, &x->a), "Newtonsoft.Json@9.0.1");
    cg_package *p = cat_find(x->ctx, "Newtonsoft.Json");
    assert_string_equal(p->type, "nuget");
    assert_string_equal(cg_purl_for_package(&x->a, p, NULL), "pkg:nuget/Newtonsoft.Json@9.0.1");
    assert_string_equal(cat_prop(p, "cgate:nuget:path"), "newtonsoft.json/9.0.1");
    assert_string_equal(cat_prop(p, "cgate:nuget:sha512"),
                        "sha512-U82mHQSKaIk+lpSVCbWYKNavmNH1i5xrExDEquU1i6I5pV6UMOqRnJRSlKO3cMPfcpp0RgDY+8jUXHdQ4IfXvw==");
    assert_string_equal(p->locations[0].path, "/app/datacollector.deps.json");
    assert_int_equal(cg_cat_n_warnings(x->ctx), 0);
}

/* A RID-specific runtime target: edges come from it, to packages only. */
static void test_targets(void **state)
{
    fx *x = *state;
    run1(x, "app/WebApp.deps.json", "dotnet/webapp.deps.json");
    assert_string_equal(cat_set_str(x->ctx, &x->a), "Newtonsoft.Json@13.0.1 Serilog.Sinks.Console@4.1.0 Serilog@2.10.0");
    char buf[256];
    assert_string_equal(cat_deps_str(cat_find(x->ctx, "Serilog.Sinks.Console"), buf, sizeof buf), "Serilog");
    assert_int_equal(cat_find(x->ctx, "Newtonsoft.Json")->n_depends, 0);
    assert_int_equal(cg_cat_n_warnings(x->ctx), 0);
}

static void test_hostile(void **state)
{
    fx *x = *state;
    const char *bad[] = {
        "{\"libraries\": ",
        "{\"libraries\": []}",
        "[1, 2]",
        "{\"libraries\": {\"NoSlash\": {\"type\": \"package\"}, \"a b/1\": {\"type\": \"package\"},"
        " \"X/\": {\"type\": \"package\"}, \"Ok.Pkg/1.2.3\": {\"type\": \"package\", \"sha512\": 5},"
        " \"Typeless/1\": {}, \"Str/1\": \"package\"},"
        " \"targets\": {\"t\": {\"Ok.Pkg/1.2.3\": {\"dependencies\": [1]}}}, \"runtimeTarget\": 7}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char path[64];
        snprintf(path, sizeof path, "h%zu/app.deps.json", i);
        assert_int_equal(cat_run_mem(x, C, path, bad[i], strlen(bad[i])), CG_OK);
    }
    size_t depth = 10000;
    char *deep = malloc(2 * depth + 1);
    memset(deep, '{', 1);
    memset(deep, '[', depth);
    memset(deep + depth, ']', depth);
    assert_int_equal(cat_run_mem(x, C, "deep/app.deps.json", deep, 2 * depth), CG_OK);
    free(deep);
    assert_string_equal(cat_set_str(x->ctx, &x->a), "Ok.Pkg@1.2.3");
    assert_null(cat_prop(cat_find(x->ctx, "Ok.Pkg"), "cgate:nuget:sha512"));
    assert_int_equal(cg_cat_n_warnings(x->ctx), 5);
    for (size_t i = 0; i < cg_cat_n_warnings(x->ctx); i++)
        assert_int_equal(cg_cat_warning(x->ctx, i)[0], '/');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wants),
        cmocka_unit_test_setup_teardown(test_trivy, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_targets, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_hostile, cat_setup, cat_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

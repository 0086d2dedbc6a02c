/*
 * test_catalog_compact.c - the catalog's compaction (catalog.c, issue 17):
 * after a cataloger's finish() every string and array its packages point to
 * is copied into the SBOM's packed store, so the cataloger's work arena can
 * be freed; short and repeated strings and equal arrays are kept once; the
 * records move into one array handed to the SBOM.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "catalog/catalog.h"

typedef struct fx {
    cg_arena keep, work;
    cg_cat_ctx *ctx;
} fx;

static int setup(void **state)
{
    fx *x = calloc(1, sizeof *x);
    cg_arena_init(&x->keep);
    cg_arena_init(&x->work);
    x->ctx = cg_cat_ctx_new(&x->keep);
    cg_cat_set_arena(x->ctx, &x->work);
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    fx *x = *state;
    cg_cat_ctx_free(x->ctx);
    cg_arena_free(&x->work);
    cg_arena_free(&x->keep);
    free(x);
    return 0;
}

/* A package whose every string and array lives in the work arena. */
static cg_package *add(fx *x, const char *name, const char *version, const char *lic, const char *dep)
{
    cg_arena *w = &x->work;
    cg_package *p = cg_cat_add_package(x->ctx);
    assert_non_null(p);
    p->type = cg_arena_strdup(w, "npm");
    p->cataloger = cg_arena_strdup(w, "npm");
    p->name = cg_arena_strdup(w, name);
    p->version = cg_arena_strdup(w, version);
    p->description = cg_arena_strdup(w, "a description long enough not to be interned");
    p->licenses = cg_arena_calloc(w, 1, sizeof *p->licenses);
    p->licenses[0] = (cg_license){cg_arena_strdup(w, lic), 1};
    p->n_licenses = 1;
    p->depends = cg_arena_calloc(w, 1, sizeof *p->depends);
    p->depends[0] = cg_arena_strdup(w, dep);
    p->n_depends = 1;
    assert_int_equal(cg_cat_add_prop(x->ctx, p, "cgate:npm:source", "node_modules"), CG_OK);
    char path[64];
    snprintf(path, sizeof path, "app/node_modules/%s/package.json", name);
    assert_int_equal(cg_cat_add_location(x->ctx, p, path, 0), CG_OK);
    return p;
}

static void test_strings_outlive_work_arena(void **state)
{
    fx *x = *state;
    add(x, "left-pad", "1.3.0", "MIT", "dep-a");
    add(x, "right-pad", "1.3.0", "MIT", "dep-b");
    assert_int_equal(cg_cat_compact(x->ctx), CG_OK);
    /* scribble over the work arena, then free it: nothing may point there */
    cg_arena_free(&x->work);
    cg_arena_init(&x->work);
    for (int i = 0; i < 64; i++)
        memset(cg_arena_alloc(&x->work, 1024), 'X', 1024);
    assert_int_equal(cg_cat_n_packages(x->ctx), 2);
    const cg_package *a = cg_cat_package(x->ctx, 0), *b = cg_cat_package(x->ctx, 1);
    assert_string_equal(a->name, "left-pad");
    assert_string_equal(a->version, "1.3.0");
    assert_string_equal(a->type, "npm");
    assert_string_equal(a->description, "a description long enough not to be interned");
    assert_string_equal(a->licenses[0].value, "MIT");
    assert_int_equal(a->licenses[0].is_spdx, 1);
    assert_string_equal(a->depends[0], "dep-a");
    assert_string_equal(b->depends[0], "dep-b");
    assert_string_equal(a->locations[0].path, "/app/node_modules/left-pad/package.json");
    assert_string_equal(b->locations[0].path, "/app/node_modules/right-pad/package.json");
    assert_int_equal(a->n_props, 1);
    assert_string_equal(a->props[0].name, "cgate:npm:source");
    assert_string_equal(a->props[0].value, "node_modules");
    /* kept once: short strings, equal licence and property arrays */
    assert_ptr_equal(a->type, b->type);
    assert_ptr_equal(a->version, b->version);
    assert_ptr_equal(a->licenses, b->licenses);
    assert_ptr_equal(a->props, b->props);
    assert_ptr_not_equal(a->description, b->description);
}

static bool keep_odd(void *ud, cg_package *p)
{
    (void)ud;
    return p->name[strlen(p->name) - 1] % 2 == 1;
}

static void test_filter_then_take(void **state)
{
    fx *x = *state;
    char name[16];
    for (int i = 0; i < 5000; i++) { /* more than one chunk of records */
        snprintf(name, sizeof name, "p%d", i);
        add(x, name, "1.0.0", i % 2 ? "MIT" : "ISC", "d");
    }
    cg_cat_filter(x->ctx, 0, keep_odd, NULL);
    assert_int_equal(cg_cat_n_packages(x->ctx), 2500);
    assert_string_equal(cg_cat_package(x->ctx, 1)->name, "p3");
    assert_int_equal(cg_cat_compact(x->ctx), CG_OK);
    cg_arena_free(&x->work);
    cg_arena_init(&x->work);
    add(x, "late", "2.0.0", "MIT", "d"); /* a second cataloger's record */
    assert_int_equal(cg_cat_n_packages(x->ctx), 2501);
    assert_int_equal(cg_cat_compact(x->ctx), CG_OK);
    size_t n = 0, bytes = 0;
    cg_package *v = cg_cat_take_packages(x->ctx, &n, &bytes);
    assert_non_null(v);
    assert_int_equal(n, 2501);
    assert_true(bytes >= n * sizeof *v);
    assert_string_equal(v[2499].name, "p4999");
    assert_string_equal(v[2499].licenses[0].value, "MIT");
    assert_string_equal(v[2500].name, "late");
    assert_int_equal(cg_cat_n_packages(x->ctx), 0);
    munmap(v, bytes);
}

static void test_owner_outlives_work_arena(void **state)
{
    fx *x = *state;
    char *owner = cg_arena_strdup(&x->work, "python3-six");
    assert_int_equal(cg_cat_own(x->ctx, "/usr/lib/python3/six.py", owner, "deb"), CG_OK);
    memset(owner, 'X', strlen(owner));
    cg_package *p = add(x, "six", "1.16.0", "MIT", "d");
    p->type = "pypi";
    assert_int_equal(cg_cat_add_location(x->ctx, p, "usr/lib/python3/six.py", 0), CG_OK);
    p->locations[0] = p->locations[1];
    assert_int_equal(cg_cat_compact(x->ctx), CG_OK);
    cg_cat_resolve_owners(x->ctx);
    assert_string_equal(cg_cat_package(x->ctx, 0)->owned_by, "python3-six");
    assert_string_equal(cg_cat_package(x->ctx, 0)->owned_by_type, "deb");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_strings_outlive_work_arena, setup, teardown),
        cmocka_unit_test_setup_teardown(test_filter_then_take, setup, teardown),
        cmocka_unit_test_setup_teardown(test_owner_outlives_work_arena, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

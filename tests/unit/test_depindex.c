/*
 * test_depindex.c - the dependency index the dpkg, apk and rpm catalogers
 * share: name before providers, every provider or the first in name order,
 * unresolved names, and the sorted, unique depends list without the package
 * itself.  The catalogers' own tests cover each format's rules end to end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "catalog/depindex.h"

static const char *at(const cg_vec *v, size_t i) { return ((const char **)v->v)[i]; }

static void test_resolve(void **state)
{
    (void)state;
    cg_depindex ix = {0};
    static const char *const sh_prov[] = {"sh", "so:libc.so"};
    static const char *const busybox_prov[] = {"sh"};
    assert_true(cg_depindex_add_package(&ix, "dash", sh_prov, 2));
    assert_true(cg_depindex_add_package(&ix, "busybox", busybox_prov, 1));
    assert_true(cg_depindex_add_package(&ix, "sh", NULL, 0)); /* a package named like a capability */
    assert_true(cg_depindex_add_provide(&ix, "/bin/ls", "coreutils"));
    cg_depindex_seal(&ix);
    assert_true(cg_depindex_has_name(&ix, "dash"));
    assert_false(cg_depindex_has_name(&ix, "coreutils"));

    cg_vec out = {0};
    assert_int_equal(cg_depindex_resolve(&ix, "sh", CG_DEP_BY_NAME, &out), 1);
    assert_string_equal(at(&out, 0), "sh");
    assert_int_equal(cg_depindex_resolve(&ix, "sh", 0, &out), 2); /* every provider, in name order */
    assert_string_equal(at(&out, 1), "busybox");
    assert_string_equal(at(&out, 2), "dash");
    assert_int_equal(cg_depindex_resolve(&ix, "sh", CG_DEP_FIRST_PROVIDER, &out), 1);
    assert_string_equal(at(&out, 3), "busybox");
    assert_int_equal(cg_depindex_resolve(&ix, "/bin/ls", CG_DEP_BY_NAME, &out), 1);
    assert_string_equal(at(&out, 4), "coreutils");
    assert_int_equal(cg_depindex_resolve(&ix, "nothing", CG_DEP_BY_NAME, &out), 0);
    assert_int_equal(out.n, 5);

    cg_arena a;
    cg_arena_init(&a);
    cg_package p = {.name = "dash"};
    const char *dash = "dash";
    assert_true(cg_vec_push(&out, &dash, sizeof dash));
    assert_int_equal(cg_depindex_set_depends(&a, &out, &p), CG_OK);
    assert_null(out.v);
    assert_int_equal(p.n_depends, 3); /* busybox, coreutils, sh: unique, sorted, not itself */
    assert_string_equal(p.depends[0], "busybox");
    assert_string_equal(p.depends[1], "coreutils");
    assert_string_equal(p.depends[2], "sh");
    cg_package q = {.name = "q"};
    assert_int_equal(cg_depindex_set_depends(&a, &out, &q), CG_OK); /* nothing found: no depends */
    assert_null(q.depends);
    assert_int_equal(q.n_depends, 0);
    cg_arena_free(&a);
    cg_depindex_free(&ix);
}

static void test_empty_index(void **state)
{
    (void)state;
    cg_depindex ix = {0};
    cg_depindex_seal(&ix);
    cg_vec out = {0};
    assert_false(cg_depindex_has_name(&ix, "x"));
    assert_int_equal(cg_depindex_resolve(&ix, "x", CG_DEP_BY_NAME, &out), 0);
    assert_int_equal(cg_depindex_resolve(&ix, "x", 0, &out), 0);
    assert_null(out.v);
    cg_depindex_free(&ix);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resolve),
        cmocka_unit_test(test_empty_index),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

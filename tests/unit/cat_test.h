/*
 * cat_test.h - what the catalogers' unit tests share: loading fixtures from
 * $CG_TEST_DATA, a fixture with an arena and a cataloger context, and small
 * lookups over the packages, properties and warnings a run produced.
 * Header-only (static functions) so each test stays one file to build.
 */
#ifndef CG_CAT_TEST_H
#define CG_CAT_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "catalog/catalog.h"

typedef struct blob {
    uint8_t *data;
    size_t len;
} blob;

/* $CG_TEST_DATA/DIR/REL (DIR may be ""), whole; fails the test when missing. */
static inline blob cat_load(const char *dir, const char *rel)
{
    const char *root = getenv("CG_TEST_DATA");
    assert_non_null(root);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s%s%s", root, dir, dir[0] ? "/" : "", rel);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    blob b = {NULL, 0};
    size_t cap = 0;
    for (;;) {
        if (b.len == cap) {
            cap = cap ? cap * 2 : 65536;
            b.data = realloc(b.data, cap);
            assert_non_null(b.data);
        }
        size_t r = fread(b.data + b.len, 1, cap - b.len, f);
        if (r == 0)
            break;
        b.len += r;
    }
    fclose(f);
    return b;
}

typedef struct fx {
    cg_arena a;
    cg_cat_ctx *ctx;
    cg_error err;
} fx;

static inline int cat_setup(void **state)
{
    fx *x = calloc(1, sizeof *x);
    cg_arena_init(&x->a);
    x->ctx = cg_cat_ctx_new(&x->a);
    *state = x;
    return 0;
}

static inline int cat_teardown(void **state)
{
    fx *x = *state;
    cg_cat_ctx_free(x->ctx);
    cg_arena_free(&x->a);
    free(x);
    return 0;
}

/* The value of property name on p, or NULL. */
static inline const char *cat_prop(const cg_package *p, const char *name)
{
    for (size_t i = 0; i < p->n_props; i++)
        if (!strcmp(p->props[i].name, name))
            return p->props[i].value;
    return NULL;
}

/* Whether some warning of the run contains needle. */
static inline int cat_has_warning(cg_cat_ctx *ctx, const char *needle)
{
    for (size_t i = 0; i < cg_cat_n_warnings(ctx); i++)
        if (strstr(cg_cat_warning(ctx, i), needle))
            return 1;
    return 0;
}

#endif

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

/* Run cataloger c over one in-memory file at path (layer 0). */
static inline cg_status cat_run_mem(fx *x, const cg_cataloger *c, const char *path, const void *data, size_t len)
{
    cg_cat_file f = {path, 0, data, len, -1, 0644};
    return cg_cat_run_files(x->ctx, c, &f, 1, &x->err);
}

/* Run cataloger c over n versions of the file at path, version i in layer
 * 2*i, each shadowing the one before (an overlay chain), then finish on the
 * last: what "a package introduced in layer L" is measured against. */
#define CAT_MAX_LAYERED 8
static inline cg_status cat_run_layered(fx *x, const cg_cataloger *c, const char *path, const uint8_t *const *data,
                                        const size_t *len, size_t n)
{
    cg_cat_node nodes[CAT_MAX_LAYERED];
    assert_true(n > 0 && n <= CAT_MAX_LAYERED);
    for (size_t i = 0; i < n; i++) {
        cg_cat_file f = {path, (int)i * 2, data[i], len[i], -1, 0644};
        void *r = NULL;
        assert_int_equal(c->parse(x->ctx, &f, &r, &x->err), CG_OK);
        nodes[i] = (cg_cat_node){path, (int)i * 2, r, i ? &nodes[i - 1] : NULL};
    }
    const cg_cat_node *top[] = {&nodes[n - 1]};
    return c->finish(x->ctx, top, 1, &x->err);
}

/* Run cataloger c over the fixture $CG_TEST_DATA/DIR/FIXTURE as if it were at path. */
static inline cg_status cat_run_fixture(fx *x, const cg_cataloger *c, const char *path, const char *dir,
                                        const char *fixture)
{
    blob b = cat_load(dir, fixture);
    cg_status st = cat_run_mem(x, c, path, b.data, b.len);
    free(b.data);
    return st;
}

/* Run cataloger c over files as the driver would: a file whose path contains
 * `claimed` (the cataloger's manifest name, "go.mod", "Cargo.lock") only when
 * wants() takes it, every other one parsed as a sniffed file (sniff itself is
 * tested separately).  parse and finish must succeed. */
static inline void cat_run_sniffed(fx *x, const cg_cataloger *c, const char *claimed, const char *const *paths,
                                   const blob *b, size_t n)
{
    cg_cat_node *nodes = calloc(n ? n : 1, sizeof *nodes);
    const cg_cat_node **ptrs = calloc(n ? n : 1, sizeof *ptrs);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        cg_cat_want w = {0};
        if (strstr(paths[i], claimed) && !c->wants(paths[i], strlen(paths[i]), &w))
            continue;
        cg_cat_file f = {paths[i], 0, b[i].data, b[i].len, -1, 0755};
        void *res = NULL;
        assert_int_equal(c->parse(x->ctx, &f, &res, &x->err), CG_OK);
        nodes[k] = (cg_cat_node){paths[i], 0, res, NULL};
        ptrs[k] = &nodes[k];
        k++;
    }
    assert_int_equal(c->finish(x->ctx, ptrs, k, &x->err), CG_OK);
    free(nodes);
    free(ptrs);
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

/* The package named name (first in run order); fails the test when absent. */
static inline cg_package *cat_find(cg_cat_ctx *ctx, const char *name)
{
    for (size_t i = 0; i < cg_cat_n_packages(ctx); i++)
        if (!strcmp(cg_cat_package(ctx, i)->name, name))
            return cg_cat_package(ctx, i);
    fail_msg("package %s not found", name);
    return NULL;
}

static inline int cat_strptr_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "[namespace/]name" of p into buf. */
static inline const char *cat_full_name(const cg_package *p, char *buf, size_t n)
{
    snprintf(buf, n, "%s%s%s", p->namespace_ ? p->namespace_ : "", p->namespace_ ? "/" : "", p->name);
    return buf;
}

/* The package whose "[namespace/]name" is name and, unless version is NULL,
 * whose version is version; fails the test when absent. */
static inline cg_package *cat_pkg(cg_cat_ctx *ctx, const char *name, const char *version)
{
    char b[512];
    for (size_t i = 0; i < cg_cat_n_packages(ctx); i++) {
        cg_package *p = cg_cat_package(ctx, i);
        if (!strcmp(cat_full_name(p, b, sizeof b), name) && (!version || (p->version && !strcmp(p->version, version))))
            return p;
    }
    fail_msg("package %s@%s not found", name, version ? version : "*");
    return NULL;
}

/* "[namespace/]name@version\n" of every package, sorted (arena memory);
 * every package must be of the given type. */
static inline char *cat_pkgset(fx *x, const char *type)
{
    size_t n = cg_cat_n_packages(x->ctx), total = 1;
    char **v = calloc(n ? n : 1, sizeof *v);
    for (size_t i = 0; i < n; i++) {
        const cg_package *p = cg_cat_package(x->ctx, i);
        assert_string_equal(p->type, type);
        v[i] = cg_arena_sprintf(&x->a, "%s%s%s@%s", p->namespace_ ? p->namespace_ : "", p->namespace_ ? "/" : "",
                                p->name, p->version ? p->version : "");
        total += strlen(v[i]) + 1;
    }
    qsort(v, n, sizeof *v, cat_strptr_cmp);
    char *s = cg_arena_alloc(&x->a, total);
    s[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        strcat(s, v[i]);
        strcat(s, "\n");
    }
    free(v);
    return s;
}

/* "name@version" of every package, sorted, joined by spaces (arena memory). */
static inline char *cat_set_str(cg_cat_ctx *ctx, cg_arena *a)
{
    size_t n = cg_cat_n_packages(ctx);
    char **v = calloc(n + 1, sizeof *v);
    size_t total = 1;
    for (size_t i = 0; i < n; i++) {
        cg_package *p = cg_cat_package(ctx, i);
        v[i] = cg_arena_sprintf(a, "%s@%s", p->name, p->version);
        total += strlen(v[i]) + 1;
    }
    qsort(v, n, sizeof *v, cat_strptr_cmp);
    char *s = cg_arena_alloc(a, total);
    s[0] = 0;
    for (size_t i = 0; i < n; i++) {
        if (i)
            strcat(s, " ");
        strcat(s, v[i]);
    }
    free(v);
    return s;
}

/* p's depends joined by commas into buf. */
static inline char *cat_deps_str(const cg_package *p, char *buf, size_t n)
{
    buf[0] = 0;
    for (size_t i = 0; i < p->n_depends; i++) {
        if (i)
            strncat(buf, ",", n - strlen(buf) - 1);
        strncat(buf, p->depends[i], n - strlen(buf) - 1);
    }
    return buf;
}

/* "[namespace/]name\tversion\n" of every package (skipping those with the
 * property dev_prop when dev_prop is given), sorted; malloc'd. */
static inline char *cat_pkg_lines(cg_cat_ctx *ctx, const char *dev_prop)
{
    size_t n = cg_cat_n_packages(ctx), k = 0;
    char **lines = calloc(n + 1, sizeof *lines);
    size_t total = 1;
    for (size_t i = 0; i < n; i++) {
        cg_package *p = cg_cat_package(ctx, i);
        if (dev_prop && cat_prop(p, dev_prop))
            continue;
        char l[1024];
        snprintf(l, sizeof l, "%s%s%s\t%s\n", p->namespace_ ? p->namespace_ : "", p->namespace_ ? "/" : "", p->name,
                 p->version ? p->version : "");
        lines[k] = strdup(l);
        total += strlen(l);
        k++;
    }
    qsort(lines, k, sizeof *lines, cat_strptr_cmp);
    char *out = calloc(1, total);
    for (size_t i = 0; i < k; i++) {
        strcat(out, lines[i]);
        free(lines[i]);
    }
    free(lines);
    return out;
}

/* The package lines equal the file $CG_TEST_DATA/DIR/EXPECTED exactly. */
static inline void cat_expect_lines(cg_cat_ctx *ctx, const char *dir, const char *expected_file, const char *dev_prop)
{
    blob want = cat_load(dir, expected_file);
    char *w = calloc(1, want.len + 1);
    memcpy(w, want.data, want.len);
    char *got = cat_pkg_lines(ctx, dev_prop);
    if (strcmp(w, got))
        fail_msg("package set differs from %s:\n--- want\n%s--- got\n%s", expected_file, w, got);
    free(w);
    free(got);
    free(want.data);
}

#endif

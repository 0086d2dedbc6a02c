/*
 * catalog.c - the services catalogers use (package list, warnings, distro)
 * and a small driver for unit tests.  The real driver, which feeds catalogers
 * from the streaming layer pass, is src/sbom/build.c.
 */
#include "catalog.h"

#include "core/strmap.h"
#include "core/vec.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct own_entry {
    const char *owner, *type;
} own_entry;

struct cg_cat_ctx {
    cg_arena *arena;
    cg_arena pkg_arena; /* the cg_package records themselves: the SBOM builder
                           copies them into its sorted array and then frees the
                           context, so they are not held twice */
    cg_strmap owned; /* path without leading "/" -> own_entry */
    cg_strmap interned; /* property names and short values, stored once */
    cg_strmap memo;     /* cg_cat_memo_get/put */
    cg_vec pkgs;  /* cg_package * */
    cg_vec warns; /* const char * */
    cg_distro *distro;
};

cg_cat_ctx *cg_cat_ctx_new(cg_arena *a)
{
    cg_cat_ctx *ctx = calloc(1, sizeof *ctx);
    if (ctx) {
        ctx->arena = a;
        cg_arena_init(&ctx->pkg_arena);
        cg_strmap_init(&ctx->owned);
        cg_strmap_init(&ctx->interned);
        cg_strmap_init(&ctx->memo);
    }
    return ctx;
}

void cg_cat_ctx_free(cg_cat_ctx *ctx)
{
    if (!ctx)
        return;
    free(ctx->pkgs.v);
    free(ctx->warns.v);
    cg_strmap_free(&ctx->owned);
    cg_strmap_free(&ctx->interned);
    cg_strmap_free(&ctx->memo);
    cg_arena_free(&ctx->pkg_arena);
    free(ctx);
}

cg_arena *cg_cat_arena(cg_cat_ctx *ctx) { return ctx->arena; }

cg_package *cg_cat_add_package(cg_cat_ctx *ctx)
{
    cg_package *p = cg_arena_alloc(&ctx->pkg_arena, sizeof *p);
    if (!p || !cg_vec_push(&ctx->pkgs, &p, sizeof p))
        return NULL;
    p->layer = -1;
    return p;
}

void cg_cat_warn(cg_cat_ctx *ctx, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (ctx->warns.n >= 10000) /* a hostile image must not grow this without bound */
        return;
    const char *w = cg_arena_strdup(ctx->arena, msg);
    if (w)
        cg_vec_push(&ctx->warns, &w, sizeof w);
}

void cg_cat_set_distro(cg_cat_ctx *ctx, cg_distro *d) { ctx->distro = d; }
const cg_distro *cg_cat_distro(cg_cat_ctx *ctx) { return ctx->distro; }

cg_status cg_cat_add_location(cg_cat_ctx *ctx, cg_package *pkg, const char *path, int layer)
{
    cg_location *l = cg_arena_calloc(ctx->arena, pkg->n_locations + 1, sizeof *l);
    if (!l)
        return CG_ERR_NOMEM;
    if (pkg->n_locations)
        memcpy(l, pkg->locations, pkg->n_locations * sizeof *l);
    l[pkg->n_locations].path = path[0] == '/' ? cg_arena_strdup(ctx->arena, path)
                                              : cg_arena_sprintf(ctx->arena, "/%s", path);
    l[pkg->n_locations].layer = layer;
    if (!l[pkg->n_locations].path)
        return CG_ERR_NOMEM;
    pkg->locations = l;
    pkg->n_locations++;
    return CG_OK;
}

int cg_cat_intro_layer(const cg_cat_node *top, bool (*same)(const void *result, const void *rec), const void *rec)
{
    int layer = top->layer;
    size_t guard = 0; /* chains are as long as the image has layers; bound it anyway */
    for (const cg_cat_node *n = top->lower; n && guard < 4096; n = n->lower, guard++) {
        if (!same(n->result, rec))
            break;
        layer = n->layer;
    }
    return layer;
}

static int prop_cmp(const void *a, const void *b)
{
    const cg_prop *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->value, y->value);
}

void *cg_cat_memo_get(cg_cat_ctx *ctx, const void *key, size_t klen)
{
    return cg_strmap_get(&ctx->memo, key, klen);
}

cg_status cg_cat_memo_put(cg_cat_ctx *ctx, const void *key, size_t klen, void *val)
{
    const char *k = cg_arena_memdup(ctx->arena, key, klen);
    if (!k)
        return CG_ERR_NOMEM;
    return cg_strmap_put(&ctx->memo, k, klen, val);
}

/* One arena copy per distinct string: the same property names (and values
 * such as "true" or "node_modules") repeat on every package of an ecosystem. */
static const char *intern(cg_cat_ctx *ctx, const char *s)
{
    size_t n = strlen(s);
    const char *hit = cg_strmap_get(&ctx->interned, s, n);
    if (hit)
        return hit;
    char *copy = cg_arena_strndup(ctx->arena, s, n);
    if (!copy || cg_strmap_put(&ctx->interned, copy, n, copy) != CG_OK)
        return NULL;
    return copy;
}

cg_status cg_cat_add_prop(cg_cat_ctx *ctx, cg_package *pkg, const char *name, const char *value)
{
    if (!name || !value)
        return CG_OK;
    cg_prop *v = cg_arena_calloc(ctx->arena, pkg->n_props + 1, sizeof *v);
    if (!v)
        return CG_ERR_NOMEM;
    if (pkg->n_props)
        memcpy(v, pkg->props, pkg->n_props * sizeof *v);
    v[pkg->n_props].name = intern(ctx, name);
    /* long values (checksums, paths) are mostly unique: interning them would cost more */
    v[pkg->n_props].value = strlen(value) <= 24 ? intern(ctx, value) : cg_arena_strdup(ctx->arena, value);
    if (!v[pkg->n_props].name || !v[pkg->n_props].value)
        return CG_ERR_NOMEM;
    pkg->props = v;
    pkg->n_props++;
    qsort(pkg->props, pkg->n_props, sizeof *pkg->props, prop_cmp);
    return CG_OK;
}

cg_status cg_cat_own(cg_cat_ctx *ctx, const char *path, const char *owner, const char *type)
{
    while (*path == '/')
        path++;
    if (!*path || cg_strmap_get(&ctx->owned, path, strlen(path)))
        return CG_OK; /* the first owner wins */
    own_entry *e = cg_arena_alloc(ctx->arena, sizeof *e);
    char *k = cg_arena_strdup(ctx->arena, path);
    if (!e || !k)
        return CG_ERR_NOMEM;
    e->owner = owner;
    e->type = type;
    return cg_strmap_put(&ctx->owned, k, strlen(k), e);
}

void cg_cat_resolve_owners(cg_cat_ctx *ctx)
{
    if (ctx->owned.count == 0)
        return;
    for (size_t i = 0; i < ctx->pkgs.n; i++) {
        cg_package *p = ((cg_package **)ctx->pkgs.v)[i];
        if (!p->n_locations || !strcmp(p->type ? p->type : "", "deb") || !strcmp(p->type ? p->type : "", "apk") ||
            !strcmp(p->type ? p->type : "", "rpm"))
            continue;
        const char *path = p->locations[0].path;
        while (*path == '/')
            path++;
        const own_entry *e = cg_strmap_get(&ctx->owned, path, strlen(path));
        if (e) {
            p->owned_by = e->owner;
            p->owned_by_type = e->type;
        }
    }
}

size_t cg_cat_n_packages(const cg_cat_ctx *ctx) { return ctx->pkgs.n; }

void cg_cat_filter(cg_cat_ctx *ctx, size_t from, bool (*keep)(void *ud, cg_package *p), void *ud)
{
    cg_package **v = ctx->pkgs.v;
    size_t k = from;
    for (size_t i = from; i < ctx->pkgs.n; i++)
        if (keep(ud, v[i]))
            v[k++] = v[i];
    if (k < ctx->pkgs.n)
        ctx->pkgs.n = k;
}
cg_package *cg_cat_package(cg_cat_ctx *ctx, size_t i)
{
    return i < ctx->pkgs.n ? ((cg_package **)ctx->pkgs.v)[i] : NULL;
}
size_t cg_cat_n_warnings(const cg_cat_ctx *ctx) { return ctx->warns.n; }
const char *cg_cat_warning(const cg_cat_ctx *ctx, size_t i)
{
    return i < ctx->warns.n ? ((const char **)ctx->warns.v)[i] : NULL;
}
cg_distro *cg_cat_take_distro(cg_cat_ctx *ctx) { return ctx->distro; }

static int node_cmp(const void *a, const void *b)
{
    const cg_cat_node *x = *(const cg_cat_node *const *)a, *y = *(const cg_cat_node *const *)b;
    return strcmp(x->path, y->path);
}

cg_status cg_cat_run_files(cg_cat_ctx *ctx, const cg_cataloger *c, const cg_cat_file *files,
                           size_t n, cg_error *err)
{
    cg_cat_node *nodes = cg_arena_calloc(ctx->arena, n ? n : 1, sizeof *nodes);
    const cg_cat_node **ptrs = cg_arena_calloc(ctx->arena, n ? n : 1, sizeof *ptrs);
    if (!nodes || !ptrs)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        cg_cat_want w = {0};
        if (!c->wants(files[i].path, strlen(files[i].path), &w))
            continue;
        if (files[i].len > w.max_size) {
            if (w.essential)
                return cg_error_set(err, CG_ERR_LIMIT, "%s: %zu bytes exceeds the %zu-byte cap",
                                    files[i].path, files[i].len, w.max_size);
            cg_cat_warn(ctx, "%s: skipped, %zu bytes exceeds the %zu-byte cap", files[i].path,
                        files[i].len, w.max_size);
            continue;
        }
        void *res = NULL;
        cg_status st = c->parse(ctx, &files[i], &res, err);
        if (st != CG_OK)
            return st;
        nodes[k].path = files[i].path;
        nodes[k].layer = files[i].layer;
        nodes[k].result = res;
        ptrs[k] = &nodes[k];
        k++;
    }
    qsort(ptrs, k, sizeof *ptrs, node_cmp);
    return c->finish(ctx, ptrs, k, err);
}

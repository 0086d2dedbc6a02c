/*
 * catalog.c - the services catalogers use (package list, warnings, distro)
 * and a small driver for unit tests.  The real driver, which feeds catalogers
 * from the streaming layer pass, is src/sbom/build.c.
 */
#include "catalog.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cg_cat_ctx {
    cg_arena *arena;
    cg_package **pkgs;
    size_t n_pkgs, cap_pkgs;
    const char **warns;
    size_t n_warns, cap_warns;
    cg_distro *distro;
};

cg_cat_ctx *cg_cat_ctx_new(cg_arena *a)
{
    cg_cat_ctx *ctx = calloc(1, sizeof *ctx);
    if (ctx)
        ctx->arena = a;
    return ctx;
}

void cg_cat_ctx_free(cg_cat_ctx *ctx)
{
    if (!ctx)
        return;
    free(ctx->pkgs);
    free(ctx->warns);
    free(ctx);
}

cg_arena *cg_cat_arena(cg_cat_ctx *ctx) { return ctx->arena; }

static int grow(void *pp, size_t *cap, size_t n, size_t elem)
{
    if (n < *cap)
        return 0;
    size_t nc = *cap ? *cap * 2 : 64;
    void *p = realloc(*(void **)pp, nc * elem);
    if (!p)
        return -1;
    *(void **)pp = p;
    *cap = nc;
    return 0;
}

cg_package *cg_cat_add_package(cg_cat_ctx *ctx)
{
    if (grow(&ctx->pkgs, &ctx->cap_pkgs, ctx->n_pkgs, sizeof *ctx->pkgs))
        return NULL;
    cg_package *p = cg_arena_alloc(ctx->arena, sizeof *p);
    if (!p)
        return NULL;
    p->layer = -1;
    ctx->pkgs[ctx->n_pkgs++] = p;
    return p;
}

void cg_cat_warn(cg_cat_ctx *ctx, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (ctx->n_warns >= 10000) /* a hostile image must not grow this without bound */
        return;
    if (grow(&ctx->warns, &ctx->cap_warns, ctx->n_warns, sizeof *ctx->warns))
        return;
    const char *w = cg_arena_strdup(ctx->arena, msg);
    if (w)
        ctx->warns[ctx->n_warns++] = w;
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

size_t cg_cat_n_packages(const cg_cat_ctx *ctx) { return ctx->n_pkgs; }
cg_package *cg_cat_package(cg_cat_ctx *ctx, size_t i) { return i < ctx->n_pkgs ? ctx->pkgs[i] : NULL; }
size_t cg_cat_n_warnings(const cg_cat_ctx *ctx) { return ctx->n_warns; }
const char *cg_cat_warning(const cg_cat_ctx *ctx, size_t i) { return i < ctx->n_warns ? ctx->warns[i] : NULL; }
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

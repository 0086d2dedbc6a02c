/*
 * dotnet.c - NuGet packages of .NET applications from their *.deps.json
 * (written by the SDK next to every published app: "libraries" lists each
 * package as "Name/Version" with "type": "package"; "targets" under the
 * runtimeTarget's name lists each library's dependencies).
 *
 * Only "package" libraries are reported: "project" entries are the
 * application and its own projects, and "referenceassembly" ones ship with
 * the framework; neither is a NuGet package advisories could key on.
 * Dependency edges come from the runtime target and keep only names that
 * are packages of the same file.  Input is untrusted: size-capped, jansson's
 * depth limit, every string checked.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "core/json.h"

#define DEPS_JSON_MAX (8u * 1024u * 1024u)
#define ID_MAX 256u
#define PKGS_MAX 50000u
#define DEPS_MAX 512u

typedef struct nu_rec {
    const char *name, *version, *sha512, *path;
    const char **deps;
    size_t n_deps;
} nu_rec;

typedef struct nu_result {
    nu_rec *recs;
    size_t n_recs;
} nu_result;

static bool dotnet_wants(const char *path, size_t len, cg_cat_want *w)
{
    static const char suf[] = ".deps.json";
    size_t sl = sizeof suf - 1;
    if (len <= sl || memcmp(path + len - sl, suf, sl) || path[len - sl - 1] == '/')
        return false;
    *w = (cg_cat_want){.max_size = DEPS_JSON_MAX};
    return true;
}

/* A printable identifier without spaces, NUL or '/', at most ID_MAX bytes. */
static bool clean_id(const char *s, size_t n)
{
    if (!n || n > ID_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f || s[i] == '/')
            return false;
    return true;
}

static int rec_cmp(const void *x, const void *y)
{
    const nu_rec *a = x, *b = y;
    int c = strcmp(a->name, b->name);
    return c ? c : strcmp(a->version, b->version);
}

static int name_cmp(const void *x, const void *y)
{
    return strcmp(((const nu_rec *)x)->name, ((const nu_rec *)y)->name);
}

static int str_cmp(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* obj[key] when it is a printable string without spaces (sha512 values are
 * long: up to 4096 bytes), else NULL. */
static const char *opt_str(cg_arena *a, const json_t *obj, const char *key, bool *oom)
{
    const json_t *v = json_object_get(obj, key);
    if (!json_is_string(v))
        return NULL;
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (!n || n > 4096)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
            return NULL;
    const char *r = cg_arena_strndup(a, s, n);
    if (!r)
        *oom = true;
    return r;
}

/* The target the app runs on: targets[runtimeTarget.name], else the only one. */
static const json_t *runtime_target(const json_t *doc)
{
    const json_t *targets = json_object_get(doc, "targets");
    if (!json_is_object(targets))
        return NULL;
    const char *rt = cg_json_str(json_object_get(doc, "runtimeTarget"), "name");
    const json_t *t = rt ? json_object_get(targets, rt) : NULL;
    if (!t && json_object_size(targets) == 1) {
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)targets, k, v) t = v;
    }
    return json_is_object(t) ? t : NULL;
}

static cg_status dotnet_parse(cg_cat_ctx *ctx, const cg_cat_file *f, void **result, cg_error *err)
{
    if (!f->data)
        return CG_OK;
    cg_arena *a = cg_cat_arena(ctx);
    json_t *doc = NULL;
    cg_error jerr;
    if (cg_json_parse(f->data, f->len, f->path, &doc, &jerr) != CG_OK) {
        cg_cat_warn(ctx, "/%s", jerr.msg);
        return CG_OK;
    }
    const json_t *libs = json_object_get(doc, "libraries");
    if (!json_is_object(libs)) {
        cg_cat_warn(ctx, "/%s: not a .NET deps.json: no \"libraries\" object", f->path);
        json_decref(doc);
        return CG_OK;
    }
    size_t cap = json_object_size(libs) < PKGS_MAX ? json_object_size(libs) : PKGS_MAX, n = 0, bad = 0;
    nu_rec *recs = calloc(cap ? cap : 1, sizeof *recs);
    bool oom = !recs;
    const json_t *target = runtime_target(doc);
    const char *key;
    json_t *lib;
    json_object_foreach((json_t *)libs, key, lib) {
        if (oom || n >= cap)
            break;
        const char *type = cg_json_str(lib, "type");
        if (!type || strcmp(type, "package"))
            continue;
        const char *slash = strchr(key, '/');
        if (!slash || !clean_id(key, (size_t)(slash - key)) || !clean_id(slash + 1, strlen(slash + 1))) {
            bad++;
            continue;
        }
        nu_rec *r = &recs[n];
        r->name = cg_arena_strndup(a, key, (size_t)(slash - key));
        r->version = cg_arena_strdup(a, slash + 1);
        r->sha512 = opt_str(a, lib, "sha512", &oom);
        r->path = opt_str(a, lib, "path", &oom);
        if (!r->name || !r->version) {
            oom = true;
            break;
        }
        /* dependencies: names (and versions) in the runtime target's entry */
        const json_t *deps = json_object_get(json_object_get(target, key), "dependencies");
        if (json_is_object(deps) && json_object_size(deps)) {
            size_t nd = json_object_size(deps) < DEPS_MAX ? json_object_size(deps) : DEPS_MAX, m = 0;
            r->deps = cg_arena_calloc(a, nd, sizeof *r->deps);
            if (!r->deps) {
                oom = true;
                break;
            }
            const char *dk;
            json_t *dv;
            json_object_foreach((json_t *)deps, dk, dv) {
                if (m < nd && clean_id(dk, strlen(dk)))
                    r->deps[m++] = dk; /* jansson memory: resolved below */
            }
            r->n_deps = m;
        }
        n++;
    }
    /* keep edges to packages of this file, as arena names */
    if (!oom && n) {
        nu_rec *byname = malloc(n * sizeof *byname);
        oom = !byname;
        if (byname) {
            memcpy(byname, recs, n * sizeof *byname);
            qsort(byname, n, sizeof *byname, name_cmp);
            for (size_t i = 0; i < n; i++) {
                size_t u = 0;
                for (size_t k = 0; k < recs[i].n_deps; k++) {
                    nu_rec want = {.name = recs[i].deps[k]};
                    const nu_rec *t = bsearch(&want, byname, n, sizeof want, name_cmp);
                    if (t && strcmp(t->name, recs[i].name))
                        recs[i].deps[u++] = t->name;
                }
                recs[i].n_deps = u;
                if (u) {
                    qsort(recs[i].deps, u, sizeof *recs[i].deps, str_cmp);
                    size_t w = 0;
                    for (size_t k = 0; k < u; k++)
                        if (w == 0 || strcmp(recs[i].deps[w - 1], recs[i].deps[k]))
                            recs[i].deps[w++] = recs[i].deps[k];
                    recs[i].n_deps = w;
                }
            }
            free(byname);
        }
    }
    bool capped = json_object_size(libs) > PKGS_MAX;
    json_decref(doc);
    if (oom) {
        free(recs);
        return cg_error_set(err, CG_ERR_NOMEM, "dotnet: out of memory");
    }
    if (bad)
        cg_cat_warn(ctx, "/%s: %zu package librar%s not named \"Name/Version\" ignored", f->path, bad,
                    bad == 1 ? "y" : "ies");
    if (capped)
        cg_cat_warn(ctx, "/%s: more than %u libraries; the rest are ignored", f->path, PKGS_MAX);
    if (n) {
        qsort(recs, n, sizeof *recs, rec_cmp);
        nu_result *r = cg_arena_calloc(a, 1, sizeof *r);
        if (r)
            r->recs = cg_arena_memdup(a, recs, n * sizeof *recs);
        if (!r || !r->recs) {
            free(recs);
            return cg_error_set(err, CG_ERR_NOMEM, "dotnet: out of memory");
        }
        r->n_recs = n;
        *result = r;
    }
    free(recs);
    return CG_OK;
}

/* ---------- finish ---------- */

/* For cg_cat_intro_layer: does a lower version of the file hold the same library? */
static bool same_rec(const void *result, const void *rec)
{
    const nu_result *lr = result;
    return lr && bsearch(rec, lr->recs, lr->n_recs, sizeof(nu_rec), rec_cmp);
}

static cg_status emit(cg_cat_ctx *ctx, const cg_cat_node *node, const nu_rec *rec)
{
    cg_package *p = cg_cat_add_package(ctx);
    if (!p)
        return CG_ERR_NOMEM;
    p->type = "nuget";
    p->name = rec->name;
    p->version = rec->version;
    p->cataloger = "dotnet";
    p->layer = cg_cat_intro_layer(node, same_rec, rec);
    p->depends = rec->deps;
    p->n_depends = rec->n_deps;
    cg_status st = cg_cat_add_location(ctx, p, node->path, node->layer);
    if (st == CG_OK)
        st = cg_cat_add_prop(ctx, p, "cgate:nuget:sha512", rec->sha512);
    if (st == CG_OK)
        st = cg_cat_add_prop(ctx, p, "cgate:nuget:path", rec->path);
    return st;
}

static cg_status dotnet_finish(cg_cat_ctx *ctx, const cg_cat_node *const *nodes, size_t n, cg_error *err)
{
    for (size_t i = 0; i < n; i++) {
        const nu_result *r = nodes[i]->result;
        for (size_t k = 0; r && k < r->n_recs; k++)
            if (emit(ctx, nodes[i], &r->recs[k]) != CG_OK)
                return cg_error_set(err, CG_ERR_NOMEM, "dotnet: out of memory");
    }
    return CG_OK;
}

const cg_cataloger cg_cataloger_dotnet = {
    .name = "dotnet",
    .purl_type = "nuget",
    .wants = dotnet_wants,
    .parse = dotnet_parse,
    .finish = dotnet_finish,
};

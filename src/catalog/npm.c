/*
 * npm.c - JavaScript packages: installed ones from node_modules/NAME/
 * package.json (and node_modules/@scope/NAME/, and Debian's system copies
 * under usr/share/nodejs/NAME/), the application's own package.json (any
 * package.json outside node_modules, reported once with cgate:npm:role =
 * application), and lockfiles (npm_lock.c) for directories where nothing was
 * installed: a lockfile whose directory has a surviving node_modules package
 * is ignored, because what is installed is what runs.  One record per
 * installed copy: nested and hoisted copies are separate packages.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "catalog/license.h"
#include "catalog/lockutil.h"
#include "catalog/npm_lock.h"
#include "core/json.h"

#define PKG_JSON_MAX (4u * 1024u * 1024u)
#define LOCK_MAX (32u * 1024u * 1024u)
#define TEXT_MAX 1024u

/* ---------- paths ---------- */

/* Last path component of dir[0..n): its start offset. */
static size_t last_comp(const char *dir, size_t n)
{
    size_t i = n;
    while (i > 0 && dir[i - 1] != '/')
        i--;
    return i;
}

static bool comp_is(const char *dir, size_t n, const char *name)
{
    size_t s = last_comp(dir, n), k = strlen(name);
    return n - s == k && !memcmp(dir + s, name, k);
}

/* Debian/Ubuntu install system Node.js modules under usr/share/nodejs,
 * usr/lib/nodejs and usr/lib/<triplet>/nodejs. */
static bool system_node_dir(const char *dir, size_t n)
{
    if ((n == 16 && !memcmp(dir, "usr/share/nodejs", 16)) || (n == 14 && !memcmp(dir, "usr/lib/nodejs", 14)))
        return true;
    return n > 15 && !memcmp(dir, "usr/lib/", 8) && comp_is(dir, n, "nodejs") &&
           !memchr(dir + 8, '/', n - 8 - 7);
}

static bool in_node_modules(const char *path, size_t len)
{
    return (len >= 13 && !memcmp(path, "node_modules/", 13)) || memmem(path, len, "/node_modules/", 14);
}

/* A package.json: NPM_INSTALLED when its directory is node_modules/NAME,
 * node_modules/@scope/NAME (or a system module directory), NPM_APP when it is
 * not inside any node_modules, 0 otherwise (files inside a package). */
static int pkg_json_kind(const char *path, size_t len)
{
    if (len == 12)
        return NPM_APP;
    size_t dn = len - 13; /* the directory, without the '/' */
    size_t c1 = last_comp(path, dn);
    if (c1 == dn || c1 == 0 || path[c1] == '@')
        return in_node_modules(path, len) ? 0 : NPM_APP;
    size_t pn = c1 - 1; /* parent directory */
    if (comp_is(path, pn, "node_modules") || system_node_dir(path, pn))
        return NPM_INSTALLED;
    size_t c2 = last_comp(path, pn);
    if (path[c2] == '@' && pn - c2 > 1 && c2 > 0 &&
        (comp_is(path, c2 - 1, "node_modules") || system_node_dir(path, c2 - 1)))
        return NPM_INSTALLED;
    if (in_node_modules(path, len))
        return 0;
    /* inside a system module (its dist/package.json etc.) */
    if (!memcmp(path, "usr/", 4) && (memmem(path, len, "/nodejs/", 8)))
        return 0;
    return NPM_APP;
}

static int file_kind(const char *path, size_t len)
{
    if (cg_lock_has_base(path, len, "package.json"))
        return pkg_json_kind(path, len);
    int k = cg_lock_has_base(path, len, "package-lock.json") ? NPM_PKG_LOCK
            : cg_lock_has_base(path, len, "yarn.lock")      ? NPM_YARN
            : cg_lock_has_base(path, len, "pnpm-lock.yaml") ? NPM_PNPM
                                                    : 0;
    return k && !in_node_modules(path, len) ? k : 0;
}

static bool npm_wants(const char *path, size_t len, cg_cat_want *w)
{
    /* cheap reject: every wanted name ends in 'n', 'k' or 'l' */
    if (len < 9 || (path[len - 1] != 'n' && path[len - 1] != 'k' && path[len - 1] != 'l'))
        return false;
    int k = file_kind(path, len);
    if (!k)
        return false;
    *w = (cg_cat_want){.max_size = (k == NPM_INSTALLED || k == NPM_APP) ? PKG_JSON_MAX : LOCK_MAX,
                       .evidence = k == NPM_INSTALLED ? CG_EV_INSTALLED : k == NPM_APP ? CG_EV_ANY : CG_EV_DECLARED};
    return true;
}

/* ---------- package.json ---------- */

static const char *dup_text(cg_arena *a, const char *s)
{
    if (!s || !*s)
        return NULL;
    size_t n = strcspn(s, "\r\n");
    if (n > TEXT_MAX) {
        n = TEXT_MAX;
        while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    return n ? cg_arena_strndup(a, s, n) : NULL;
}

/* The record of a package.json (an image can hold 100,000s of them, all
 * kept until finish()) is one block of the SBOM's string store
 * (cg_cat_keep_alloc), so the package keeps its strings where they are: a
 * pj_head (copied in and out: the block is not aligned), then the strings
 * one after another, each NUL-terminated: name, version, desc, author (those
 * present, as `has` says), the dependency names, then each licence as '0' or
 * '1' (is_spdx) followed by its value.  The head starts with the kind, as
 * npm_result does, so a result's kind is read the same way for both. */
enum { PJ_REC = 1, PJ_VERSION = 2, PJ_DESC = 4, PJ_AUTHOR = 8 };
typedef struct pj_head {
    int kind;        /* NPM_INSTALLED or NPM_APP */
    uint8_t has;     /* PJ_* */
    uint8_t n_lics;  /* at most 64 */
    uint16_t n_deps; /* at most MAX_DEPS (4096) */
} pj_head;

static int result_kind(const void *result)
{
    int k;
    memcpy(&k, result, sizeof k);
    return k;
}

static bool is_pj_kind(int kind) { return kind == NPM_INSTALLED || kind == NPM_APP; }

static size_t blob_str(const char *s) { return s ? strlen(s) + 1 : 0; }

static void blob_put(char **at, const char *s)
{
    if (!s)
        return;
    size_t n = strlen(s) + 1;
    memcpy(*at, s, n);
    *at += n;
}

static void *pack_pkg_json(cg_cat_ctx *ctx, int kind, const npm_rec *r)
{
    pj_head h = {kind, 0, 0, 0};
    size_t n = sizeof h;
    if (r) {
        n += blob_str(r->name) + blob_str(r->version) + blob_str(r->desc) + blob_str(r->author);
        for (size_t i = 0; i < r->n_deps; i++)
            n += blob_str(r->deps[i]);
        for (size_t i = 0; i < r->n_lics; i++)
            n += 1 + blob_str(r->lics[i].value);
        h.has = (uint8_t)(PJ_REC | (r->version ? PJ_VERSION : 0) | (r->desc ? PJ_DESC : 0) |
                          (r->author ? PJ_AUTHOR : 0));
        h.n_deps = (uint16_t)r->n_deps;
        h.n_lics = (uint8_t)r->n_lics;
    }
    char *b = cg_cat_keep_alloc(ctx, n);
    if (!b)
        return NULL;
    memcpy(b, &h, sizeof h);
    if (!r)
        return b;
    char *at = b + sizeof h;
    blob_put(&at, r->name);
    blob_put(&at, r->version);
    blob_put(&at, r->desc);
    blob_put(&at, r->author);
    for (size_t i = 0; i < r->n_deps; i++)
        blob_put(&at, r->deps[i]);
    for (size_t i = 0; i < r->n_lics; i++) {
        *at++ = r->lics[i].is_spdx ? '1' : '0';
        blob_put(&at, r->lics[i].value ? r->lics[i].value : "");
    }
    return b;
}

static const char *pj_next(const char **at, int present)
{
    if (!present)
        return NULL;
    const char *s = *at;
    *at += strlen(s) + 1;
    return s;
}

/* The record's name and version (and, with a, its arrays in a); false when
 * the package.json held no package. */
static bool pj_decode(const void *blob, npm_rec *r, cg_arena *a, bool *oom)
{
    memset(r, 0, sizeof *r);
    pj_head h;
    if (!blob)
        return false;
    memcpy(&h, blob, sizeof h);
    if (!(h.has & PJ_REC))
        return false;
    const char *at = (const char *)blob + sizeof h;
    r->name = pj_next(&at, 1);
    r->version = pj_next(&at, h.has & PJ_VERSION);
    if (!a)
        return true;
    r->desc = pj_next(&at, h.has & PJ_DESC);
    r->author = pj_next(&at, h.has & PJ_AUTHOR);
    const char **deps = h.n_deps ? cg_arena_calloc(a, h.n_deps, sizeof *deps) : NULL;
    cg_license *lics = h.n_lics ? cg_arena_calloc(a, h.n_lics, sizeof *lics) : NULL;
    if ((h.n_deps && !deps) || (h.n_lics && !lics)) {
        *oom = true;
        return false;
    }
    for (size_t i = 0; i < h.n_deps; i++)
        deps[i] = pj_next(&at, 1);
    for (size_t i = 0; i < h.n_lics; i++) {
        lics[i].is_spdx = *at++ == '1';
        lics[i].value = pj_next(&at, 1);
    }
    r->deps = deps;
    r->n_deps = h.n_deps;
    r->lics = lics;
    r->n_lics = h.n_lics;
    return true;
}

static cg_status parse_pkg_json(cg_cat_ctx *ctx, const cg_cat_file *f, int kind, void **out, cg_error *err)
{
    static const char *const dep_keys[] = {"dependencies", NULL};
    cg_arena tmp; /* the record as parsed, before it is packed */
    cg_error jerr;
    json_t *j = NULL;
    if (cg_json_parse(f->data, f->len, f->path, &j, &jerr) != CG_OK) {
        cg_cat_warn(ctx, "/%s: not a valid package.json: %s", f->path, jerr.msg);
        return CG_OK;
    }
    cg_arena_init(&tmp);
    const char *name = cg_json_str(j, "name"), *ver = cg_json_str(j, "version");
    bool ok = true;
    /* no name: not a package (a "type": "module" marker, a stub); an
     * installed package without a version cannot be matched, skip it too */
    if (name && npm_valid_name(name, strlen(name)) &&
        (kind == NPM_APP ? (!ver || npm_valid_version(ver, strlen(ver)))
                         : (ver && npm_valid_version(ver, strlen(ver))))) {
        npm_rec r = {0};
        r.name = name;
        r.version = ver;
        r.desc = dup_text(&tmp, cg_json_str(j, "description"));
        json_t *au = json_object_get(j, "author");
        r.author = dup_text(&tmp, json_is_string(au) ? json_string_value(au) : cg_json_str(au, "name"));
        ok = npm_json_dep_names(&tmp, j, dep_keys, &r.deps, &r.n_deps) &&
             npm_json_licenses(&tmp, j, &r.lics, &r.n_lics) &&
             (*out = pack_pkg_json(ctx, kind, &r)) != NULL;
    } else if (kind == NPM_INSTALLED && name) {
        cg_cat_warn(ctx, "/%s: package.json without a valid name and version ignored", f->path);
    }
    json_decref(j);
    cg_arena_free(&tmp);
    return ok ? CG_OK : cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", f->path);
}

static cg_status npm_parse(cg_cat_ctx *ctx, const cg_cat_file *f, void **result, cg_error *err)
{
    int kind = file_kind(f->path, strlen(f->path));
    if (is_pj_kind(kind)) {
        void *res = NULL;
        cg_status st = parse_pkg_json(ctx, f, kind, &res, err);
        if (st == CG_OK && !res) { /* not a package: the kind is still known */
            res = pack_pkg_json(ctx, kind, NULL);
            if (!res)
                return cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", f->path);
        }
        if (st == CG_OK)
            *result = res;
        return st;
    }
    npm_result *res = cg_arena_calloc(cg_cat_arena(ctx), 1, sizeof *res);
    if (!res)
        return cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", f->path);
    res->kind = kind;
    cg_status st = CG_OK;
    switch (res->kind) {
    case NPM_PKG_LOCK:
        st = npm_parse_package_lock(ctx, f, res, err);
        break;
    case NPM_YARN:
        st = npm_parse_yarn_lock(ctx, f, res, err);
        break;
    case NPM_PNPM:
        st = npm_parse_pnpm_lock(ctx, f, res, err);
        break;
    default:
        return CG_OK;
    }
    if (st == CG_OK)
        *result = res;
    return st;
}

/* ---------- finish ---------- */

static int rec_cmp(const npm_rec *a, const npm_rec *b)
{
    int c = strcmp(a->name, b->name);
    return c ? c : strcmp(a->version ? a->version : "", b->version ? b->version : "");
}

/* recs are sorted by (name, version) */
static const npm_rec *find_rec(const npm_result *r, const npm_rec *key)
{
    size_t lo = 0, hi = r ? r->n_recs : 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = rec_cmp(&r->recs[mid], key);
        if (!c)
            return &r->recs[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* For cg_cat_intro_layer: does a lower version of the file hold the same record? */
static bool same_rec(const void *result, const void *rec)
{
    if (!result)
        return false;
    if (is_pj_kind(result_kind(result))) {
        npm_rec r;
        return pj_decode(result, &r, NULL, NULL) && !rec_cmp(&r, rec);
    }
    return find_rec(result, rec) != NULL;
}

/* Is there a surviving installed package under DIR/node_modules/?  nodes are
 * sorted by path. */
static bool has_node_modules(const cg_cat_node *const *nodes, size_t n, const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t dl = slash ? (size_t)(slash - path + 1) : 0;
    char prefix[4096];
    if (dl + 14 > sizeof prefix)
        return false;
    memcpy(prefix, path, dl);
    memcpy(prefix + dl, "node_modules/", 14);
    size_t pl = dl + 13, lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(nodes[mid]->path, prefix) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < n && !strncmp(nodes[lo]->path, prefix, pl); lo++) {
        if (nodes[lo]->result && result_kind(nodes[lo]->result) == NPM_INSTALLED)
            return true;
    }
    return false;
}

static const char *source_name(int kind)
{
    switch (kind) {
    case NPM_INSTALLED: return "node_modules";
    case NPM_APP: return "package.json";
    case NPM_PKG_LOCK: return "package-lock.json";
    case NPM_YARN: return "yarn.lock";
    default: return "pnpm-lock.yaml";
    }
}

static cg_status emit(cg_cat_ctx *ctx, const cg_cat_node *node, int kind, const npm_rec *r)
{
    cg_arena *a = cg_cat_arena(ctx);
    cg_package *p = cg_cat_add_package(ctx);
    if (!p)
        return CG_ERR_NOMEM;
    p->type = "npm";
    p->cataloger = "npm";
    p->name = r->name;
    if (r->name[0] == '@') { /* purl: "@scope" is the namespace */
        const char *slash = strchr(r->name, '/');
        p->namespace_ = cg_arena_strndup(a, r->name, (size_t)(slash - r->name));
        p->name = slash + 1;
        if (!p->namespace_)
            return CG_ERR_NOMEM;
    }
    p->version = r->version;
    p->description = r->desc;
    p->supplier = r->author;
    p->licenses = r->lics;
    p->n_licenses = r->n_lics;
    p->depends = r->deps;
    p->n_depends = r->n_deps;
    p->layer = cg_cat_intro_layer(node, same_rec, r);
    cg_status st = cg_cat_add_location(ctx, p, node->path, node->layer);
    if (st == CG_OK)
        st = cg_cat_add_prop(ctx, p, "cgate:npm:source", source_name(kind));
    if (st == CG_OK && r->name[0] == '@')
        st = cg_cat_add_prop(ctx, p, "cgate:npm:name", r->name);
    if (st == CG_OK && kind == NPM_APP)
        st = cg_cat_add_prop(ctx, p, "cgate:npm:role", "application");
    if (st == CG_OK && (r->flags & NPM_DEV))
        st = cg_cat_add_prop(ctx, p, "cgate:npm:dev", "true");
    if (st == CG_OK && (r->flags & NPM_OPTIONAL))
        st = cg_cat_add_prop(ctx, p, "cgate:npm:optional", "true");
    return st;
}

static cg_status npm_finish(cg_cat_ctx *ctx, const cg_cat_node *const *nodes, size_t n, cg_error *err)
{
    cg_status st = CG_OK;
    for (size_t i = 0; i < n && st == CG_OK; i++) {
        const void *res = nodes[i]->result;
        if (!res)
            continue;
        int kind = result_kind(res);
        if (is_pj_kind(kind)) {
            npm_rec rec;
            bool oom = false;
            if (pj_decode(res, &rec, cg_cat_arena(ctx), &oom))
                st = emit(ctx, nodes[i], kind, &rec);
            else if (oom)
                st = CG_ERR_NOMEM;
            continue;
        }
        const npm_result *r = res;
        if (has_node_modules(nodes, n, nodes[i]->path))
            continue; /* what is installed next to the lockfile was reported instead */
        for (size_t k = 0; k < r->n_recs && st == CG_OK; k++)
            st = emit(ctx, nodes[i], r->kind, &r->recs[k]);
    }
    if (st != CG_OK)
        return cg_error_set(err, st, "npm: out of memory");
    return CG_OK;
}

const cg_cataloger cg_cataloger_npm = {
    .name = "npm",
    .purl_type = "npm",
    .wants = npm_wants,
    .parse = npm_parse,
    .finish = npm_finish,
};

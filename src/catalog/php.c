/*
 * php.c - PHP packages installed by Composer: vendor/composer/installed.json
 * (Composer 1: a top-level array; Composer 2: {"packages": [...],
 * "dev-package-names": [...]}) and composer.lock ("packages", and
 * "packages-dev" marked cgate:composer:dev).
 *
 * purl type "composer": the vendor is the namespace, the rest the name
 * ("guzzlehttp/psr7" -> pkg:composer/guzzlehttp/psr7@1.8.3).  Dependency
 * edges come from each package's "require" keys that name another package of
 * the same file (php, ext-*, lib-* and other platform requirements are not
 * packages).  The SBOM writers resolve depends by bare name, so an edge is
 * kept only when that name is unambiguous within the file.  Input is
 * untrusted: size-capped, jansson's depth limit, every string checked.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "catalog/license.h"
#include "core/json.h"

#define PHP_JSON_MAX (8u * 1024u * 1024u)
#define ID_MAX 256u
#define TEXT_MAX 1024u
#define PKGS_MAX 50000u
#define LICS_MAX 16u
#define DEPS_MAX 512u

typedef struct php_rec {
    const char *ns, *name, *full, *version, *desc;
    bool dev;
    cg_license *lics;
    size_t n_lics;
    const char **deps; /* bare names */
    size_t n_deps;
} php_rec;

typedef struct php_result {
    php_rec *recs;
    size_t n_recs;
    const char *kind; /* "installed.json" / "composer.lock" */
} php_result;

static bool has_suffix(const char *s, size_t n, const char *suf)
{
    size_t k = strlen(suf);
    return n >= k && !memcmp(s + n - k, suf, k);
}

static bool php_wants(const char *path, size_t len, cg_cat_want *w)
{
    static const char inst[] = "vendor/composer/installed.json", lock[] = "composer.lock";
    size_t il = sizeof inst - 1, ll = sizeof lock - 1;
    if ((has_suffix(path, len, inst) && (len == il || path[len - il - 1] == '/')) ||
        (has_suffix(path, len, lock) && (len == ll || path[len - ll - 1] == '/'))) {
        *w = (cg_cat_want){.max_size = PHP_JSON_MAX,
                           .evidence = has_suffix(path, len, inst) ? CG_EV_INSTALLED : CG_EV_DECLARED};
        return true;
    }
    return false;
}

/* A JSON string usable as an identifier: no NUL, no controls or spaces, capped. */
static const char *id_str(const json_t *v)
{
    if (!json_is_string(v))
        return NULL;
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (!n || n > ID_MAX || strlen(s) != n)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
            return NULL;
    return s;
}

/* Free text: first line, no NUL, capped (then it is left out). */
static const char *text_str(cg_arena *a, const json_t *v, bool *oom)
{
    if (!json_is_string(v))
        return NULL;
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (!n || strlen(s) != n)
        return NULL;
    const char *nl = memchr(s, '\n', n);
    if (nl)
        n = (size_t)(nl - s);
    if (!n || n > TEXT_MAX)
        return NULL;
    const char *r = cg_arena_strndup(a, s, n);
    if (!r)
        *oom = true;
    return r;
}

typedef struct pctx {
    cg_arena *a;
    php_rec *recs;
    size_t n, cap;
    size_t bad;
    bool oom, capped;
} pctx;

static void add_pkgs(pctx *c, const json_t *arr, bool dev)
{
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e) {
        if (c->oom)
            return;
        const char *full = id_str(json_object_get(e, "name"));
        const char *ver = id_str(json_object_get(e, "version"));
        if (!json_is_object(e) || !full || !ver) {
            c->bad++;
            continue;
        }
        if (c->n >= PKGS_MAX) {
            c->capped = true;
            return;
        }
        if (c->n == c->cap) {
            size_t nc = c->cap ? c->cap * 2 : 64;
            php_rec *nr = realloc(c->recs, nc * sizeof *nr);
            if (!nr) {
                c->oom = true;
                return;
            }
            c->recs = nr;
            c->cap = nc;
        }
        php_rec *r = &c->recs[c->n];
        memset(r, 0, sizeof *r);
        const char *slash = strchr(full, '/');
        r->full = cg_arena_strdup(c->a, full);
        r->version = cg_arena_strdup(c->a, ver);
        if (slash && slash != full && slash[1]) {
            r->ns = cg_arena_strndup(c->a, full, (size_t)(slash - full));
            r->name = cg_arena_strdup(c->a, slash + 1);
        } else {
            r->name = r->full; /* no vendor: no namespace */
        }
        r->desc = text_str(c->a, json_object_get(e, "description"), &c->oom);
        r->dev = dev;
        size_t k;
        if (!r->full || !r->version || !r->name) {
            c->oom = true;
            return;
        }
        /* "license": ["MIT", ...] or "MIT" */
        const json_t *lv = json_object_get(e, "license");
        const char *ls[LICS_MAX];
        size_t nl = 0;
        if (json_is_string(lv) && json_string_length(lv) && json_string_length(lv) <= TEXT_MAX &&
            strlen(json_string_value(lv)) == json_string_length(lv))
            ls[nl++] = json_string_value(lv); /* may be an expression: "MIT or BSD-2-Clause" */
        json_t *l1;
        json_array_foreach(lv, k, l1) {
            if (nl < LICS_MAX && json_is_string(l1) && json_string_length(l1) <= TEXT_MAX &&
                json_string_length(l1) && strlen(json_string_value(l1)) == json_string_length(l1))
                ls[nl++] = json_string_value(l1);
        }
        if (nl) {
            r->lics = cg_arena_calloc(c->a, nl, sizeof *r->lics);
            if (!r->lics) {
                c->oom = true;
                return;
            }
            for (size_t m = 0; m < nl; m++)
                if (cg_license_map(c->a, ls[m], strlen(ls[m]), &r->lics[r->n_lics++]) != 0)
                    c->oom = true;
        }
        /* require keys: full names for now, resolved after all are read */
        const json_t *req = json_object_get(e, "require");
        if (json_is_object(req) && json_object_size(req)) {
            size_t nr = json_object_size(req) < DEPS_MAX ? json_object_size(req) : DEPS_MAX, m = 0;
            r->deps = cg_arena_calloc(c->a, nr, sizeof *r->deps);
            if (!r->deps) {
                c->oom = true;
                return;
            }
            const char *key;
            json_t *val;
            json_object_foreach((json_t *)req, key, val) {
                if (m >= nr)
                    break;
                if (strchr(key, '/'))
                    r->deps[m++] = key; /* jansson memory: replaced before the JSON is freed */
            }
            r->n_deps = m;
        }
        c->n++;
    }
}

static int rec_full_cmp(const void *x, const void *y)
{
    return strcmp(((const php_rec *)x)->full, ((const php_rec *)y)->full);
}

static int str_cmp(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Sort the records by full name, mark Composer 2's dev-package-names, and
 * replace each require key by the bare name of the package it names when
 * that package is in the file and its bare name is unique there. */
static bool resolve(pctx *c, const json_t *dev_names)
{
    size_t n = c->n;
    if (!n)
        return true;
    qsort(c->recs, n, sizeof *c->recs, rec_full_cmp);
    size_t k;
    json_t *dn;
    json_array_foreach(dev_names, k, dn) {
        php_rec key = {.full = json_string_value(dn)};
        php_rec *t = key.full ? bsearch(&key, c->recs, n, sizeof key, rec_full_cmp) : NULL;
        if (t)
            t->dev = true;
    }
    const char **names = malloc(n * sizeof *names);
    if (!names)
        return false;
    for (size_t i = 0; i < n; i++)
        names[i] = c->recs[i].name;
    qsort(names, n, sizeof *names, str_cmp);
    for (size_t i = 0; i < n; i++) {
        php_rec *r = &c->recs[i];
        size_t u = 0;
        for (size_t d = 0; d < r->n_deps; d++) {
            php_rec key = {.full = r->deps[d]};
            const php_rec *t = bsearch(&key, c->recs, n, sizeof key, rec_full_cmp);
            if (!t || t == r)
                continue;
            const char **lo = bsearch(&t->name, names, n, sizeof *names, str_cmp);
            /* unique: neither neighbour of the match has the same name */
            bool dup = lo && ((lo > names && !strcmp(lo[-1], t->name)) ||
                              (lo + 1 < names + n && !strcmp(lo[1], t->name)));
            if (lo && !dup)
                r->deps[u++] = t->name; /* arena memory */
        }
        r->n_deps = u;
    }
    free(names);
    return true;
}

static cg_status php_parse(cg_cat_ctx *ctx, const cg_cat_file *f, void **result, cg_error *err)
{
    if (!f->data)
        return CG_OK;
    cg_arena *a = cg_cat_arena(ctx);
    bool lock = has_suffix(f->path, strlen(f->path), "composer.lock");
    json_t *doc = NULL;
    cg_error jerr;
    if (cg_json_parse(f->data, f->len, f->path, &doc, &jerr) != CG_OK) {
        cg_cat_warn(ctx, "/%s", jerr.msg);
        return CG_OK;
    }
    pctx c = {.a = a};
    const json_t *dev_names = NULL;
    bool shape_ok = true;
    if (lock) {
        const json_t *p = json_object_get(doc, "packages"), *pd = json_object_get(doc, "packages-dev");
        shape_ok = json_is_object(doc) && (json_is_array(p) || json_is_array(pd));
        add_pkgs(&c, p, false);
        add_pkgs(&c, pd, true);
    } else if (json_is_array(doc)) { /* Composer 1 */
        add_pkgs(&c, doc, false);
    } else {
        const json_t *p = json_object_get(doc, "packages");
        dev_names = json_object_get(doc, "dev-package-names");
        shape_ok = json_is_array(p);
        add_pkgs(&c, p, false);
    }
    if (!c.oom && !resolve(&c, json_is_array(dev_names) ? dev_names : NULL))
        c.oom = true;
    json_decref(doc); /* every kept string is in the arena now */
    if (c.oom) {
        free(c.recs);
        return cg_error_set(err, CG_ERR_NOMEM, "php: out of memory");
    }
    if (!shape_ok)
        cg_cat_warn(ctx, "/%s: not a Composer %s: no \"packages\" list", f->path,
                    lock ? "lock file" : "installed.json");
    if (c.bad)
        cg_cat_warn(ctx, "/%s: %zu package entr%s without a usable name and version ignored", f->path, c.bad,
                    c.bad == 1 ? "y" : "ies");
    if (c.capped)
        cg_cat_warn(ctx, "/%s: more than %u packages; the rest are ignored", f->path, PKGS_MAX);
    if (c.n) {
        php_result *r = cg_arena_calloc(a, 1, sizeof *r);
        if (r)
            r->recs = cg_arena_memdup(a, c.recs, c.n * sizeof *c.recs);
        if (!r || !r->recs) {
            free(c.recs);
            return cg_error_set(err, CG_ERR_NOMEM, "php: out of memory");
        }
        r->n_recs = c.n;
        r->kind = lock ? "composer.lock" : "installed.json";
        *result = r;
    }
    free(c.recs);
    return CG_OK;
}

/* ---------- finish ---------- */

/* For cg_cat_intro_layer: does a lower version of the file hold the same
 * package?  (A linear search: only files of up to 2,000 packages are looked at.) */
static bool same_rec(const void *result, const void *rec)
{
    const php_result *r = result;
    const php_rec *x = rec;
    if (r && r->n_recs > 2000)
        return false;
    for (size_t i = 0; r && i < r->n_recs; i++)
        if (!strcmp(r->recs[i].full, x->full) && !strcmp(r->recs[i].version, x->version))
            return true;
    return false;
}

static cg_status emit(cg_cat_ctx *ctx, const cg_cat_node *node, const php_result *r, const php_rec *rec)
{
    cg_package *p = cg_cat_add_package(ctx);
    if (!p)
        return CG_ERR_NOMEM;
    p->type = "composer";
    p->namespace_ = rec->ns;
    p->name = rec->name;
    p->version = rec->version;
    p->description = rec->desc;
    p->licenses = rec->lics;
    p->n_licenses = rec->n_lics;
    p->cataloger = "php";
    p->layer = cg_cat_intro_layer(node, same_rec, rec);
    if (rec->n_deps) {
        const char **d = cg_arena_memdup(cg_cat_arena(ctx), rec->deps, rec->n_deps * sizeof *d);
        if (!d)
            return CG_ERR_NOMEM;
        qsort(d, rec->n_deps, sizeof *d, str_cmp);
        size_t u = 0;
        for (size_t i = 0; i < rec->n_deps; i++)
            if (u == 0 || strcmp(d[u - 1], d[i]))
                d[u++] = d[i];
        p->depends = d;
        p->n_depends = u;
    }
    cg_status st = cg_cat_add_location(ctx, p, node->path, node->layer);
    if (st == CG_OK && rec->dev)
        st = cg_cat_add_prop(ctx, p, "cgate:composer:dev", "true");
    if (st == CG_OK)
        st = cg_cat_add_prop(ctx, p, "cgate:composer:metadata-source", r->kind);
    return st;
}

static cg_status php_finish(cg_cat_ctx *ctx, const cg_cat_node *const *nodes, size_t n, cg_error *err)
{
    for (size_t i = 0; i < n; i++) {
        const php_result *r = nodes[i]->result;
        for (size_t k = 0; r && k < r->n_recs; k++)
            if (emit(ctx, nodes[i], r, &r->recs[k]) != CG_OK)
                return cg_error_set(err, CG_ERR_NOMEM, "php: out of memory");
    }
    return CG_OK;
}

const cg_cataloger cg_cataloger_php = {
    .name = "php",
    .purl_type = "composer",
    .wants = php_wants,
    .parse = php_parse,
    .finish = php_finish,
};

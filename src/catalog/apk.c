/*
 * apk.c - Alpine packages from lib/apk/db/installed.
 *
 * The database is blank-line separated paragraphs of one-letter "X:value"
 * lines.  parse() keeps only what the SBOM needs (name, version, arch,
 * licence, origin, maintainer, description, depends, provides) as a sorted
 * record list; finish() resolves so:/cmd:/pc:/path dependencies through the
 * other packages' provides and attributes each package to the layer that
 * introduced it, like dpkg.c.  A line over 1 MiB is a hard error: no real
 * database has one, and refusing it keeps memory bounded on hostile input.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "catalog/depindex.h"
#include "catalog/license.h"
#include "catalog/lockutil.h"
#include "core/vec.h"

#define APK_DB_PATH "lib/apk/db/installed"
#define APK_DB_MAX (32u * 1024u * 1024u)
#define APK_LINE_MAX (1024u * 1024u)
#define ID_MAX 512u
#define TEXT_MAX 1024u
#define DEPS_PER_PKG 4096u

typedef struct apk_rec {
    const char *name, *version, *arch, *origin, *maint, *desc;
    cg_license *lic;
    const char **deps; /* constraint-stripped, conflicts dropped */
    size_t n_deps;
    const char **provides;
    size_t n_provides;
} apk_rec;

typedef struct apk_result {
    apk_rec *recs; /* sorted by (name, arch) */
    size_t n_recs;
} apk_result;

static bool apk_wants(const char *path, size_t len, cg_cat_want *w)
{
    if (len != sizeof APK_DB_PATH - 1 || memcmp(path, APK_DB_PATH, len))
        return false;
    *w = (cg_cat_want){.max_size = APK_DB_MAX, .essential = true};
    return true;
}

typedef struct span {
    const uint8_t *p;
    size_t n;
} span;

static span trim(span s)
{
    while (s.n && (s.p[0] == ' ' || s.p[0] == '\t' || s.p[0] == '\r')) {
        s.p++;
        s.n--;
    }
    while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t' || s.p[s.n - 1] == '\r'))
        s.n--;
    return s;
}

static bool clean_id(span s) { return cg_lock_token_ok((const char *)s.p, s.n, ID_MAX); }

static const char *dup_text(cg_arena *a, span s, bool *oom)
{
    if (s.n == 0 || memchr(s.p, 0, s.n))
        return NULL;
    if (s.n > TEXT_MAX) {
        s.n = TEXT_MAX;
        while (s.n && (s.p[s.n] & 0xC0) == 0x80)
            s.n--;
    }
    const char *r = cg_arena_strndup(a, (const char *)s.p, s.n);
    if (!r)
        *oom = true;
    return r;
}

/* Space-separated words -> names with any version constraint cut off
 * ("busybox=1.36", "so:libc.musl-x86_64.so.1=1", "pc:zlib>=1.2").  drop_neg:
 * skip "!conflict" words.  Appends arena strings to out. */
static bool split_words(cg_arena *a, span s, bool drop_neg, cg_vec *out)
{
    size_t i = 0;
    while (i < s.n && out->n < DEPS_PER_PKG) {
        while (i < s.n && (s.p[i] == ' ' || s.p[i] == '\t'))
            i++;
        size_t st = i;
        while (i < s.n && s.p[i] != ' ' && s.p[i] != '\t')
            i++;
        span w = {s.p + st, i - st};
        if (w.n == 0 || (drop_neg && w.p[0] == '!'))
            continue;
        size_t k = 0;
        /* a constraint starts at the first operator after the name
         * (so: names contain no '<', '>', '=' or '~') */
        while (k < w.n && w.p[k] != '<' && w.p[k] != '>' && w.p[k] != '=' && w.p[k] != '~')
            k++;
        if (k == 0 || k > ID_MAX || memchr(w.p, 0, k))
            continue;
        const char *nm = cg_arena_strndup(a, (const char *)w.p, k);
        if (!nm || !cg_vec_push(out, &nm, sizeof nm))
            return false;
    }
    return true;
}

typedef struct apk_para {
    span f[128]; /* by field letter */
    bool any;
} apk_para;

static int rec_cmp(const void *x, const void *y)
{
    const apk_rec *a = x, *b = y;
    int c = strcmp(a->name, b->name);
    if (c)
        return c;
    return strcmp(a->arch ? a->arch : "", b->arch ? b->arch : "");
}

typedef struct counts {
    size_t no_name, no_version, bad;
} counts;

static bool make_rec(cg_arena *a, const apk_para *pp, cg_vec *recs, counts *c)
{
    span name = trim(pp->f['P']), ver = trim(pp->f['V']), arch = trim(pp->f['A']);
    if (name.n == 0) {
        c->no_name++;
        return true;
    }
    if (ver.n == 0) {
        c->no_version++;
        return true;
    }
    if (!clean_id(name) || !clean_id(ver) || (arch.n && !clean_id(arch))) {
        c->bad++;
        return true;
    }
    apk_rec r = {0};
    bool oom = false;
    r.name = cg_arena_strndup(a, (const char *)name.p, name.n);
    r.version = cg_arena_strndup(a, (const char *)ver.p, ver.n);
    r.arch = arch.n ? cg_arena_strndup(a, (const char *)arch.p, arch.n) : NULL;
    span origin = trim(pp->f['o']);
    r.origin = clean_id(origin) ? cg_arena_strndup(a, (const char *)origin.p, origin.n) : NULL;
    r.maint = dup_text(a, trim(pp->f['m']), &oom);
    r.desc = dup_text(a, trim(pp->f['T']), &oom);
    if (!r.name || !r.version || (arch.n && !r.arch) || (clean_id(origin) && !r.origin) || oom)
        return false;
    if (!r.origin)
        r.origin = r.name;
    span lic = trim(pp->f['L']);
    if (lic.n && !memchr(lic.p, 0, lic.n)) {
        r.lic = cg_arena_alloc(a, sizeof *r.lic);
        if (!r.lic || cg_license_map(a, (const char *)lic.p, lic.n, r.lic) != 0)
            return false;
    }
    cg_vec deps = {0}, prov = {0};
    bool ok = split_words(a, pp->f['D'], true, &deps) && split_words(a, pp->f['p'], false, &prov);
    if (ok && deps.n) {
        r.deps = cg_arena_memdup(a, deps.v, deps.n * sizeof(char *));
        r.n_deps = deps.n;
        ok = r.deps != NULL;
    }
    if (ok && prov.n) {
        r.provides = cg_arena_memdup(a, prov.v, prov.n * sizeof(char *));
        r.n_provides = prov.n;
        ok = r.provides != NULL;
    }
    free(deps.v);
    free(prov.v);
    return ok && cg_vec_push(recs, &r, sizeof r);
}

static cg_status apk_parse(cg_cat_ctx *ctx, const cg_cat_file *f, void **result, cg_error *err)
{
    cg_arena *a = cg_cat_arena(ctx);
    const uint8_t *p = f->data, *end = f->data + f->len;
    apk_para pp;
    memset(&pp, 0, sizeof pp);
    cg_vec recs = {0};
    counts c = {0};
    size_t lineno = 0, junk = 0;
    bool oom = false;
    while (p <= end && !oom) {
        const uint8_t *nl = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
        const uint8_t *le = nl ? nl : end;
        lineno++;
        if ((size_t)(le - p) > APK_LINE_MAX) {
            free(recs.v);
            return cg_error_set(err, CG_ERR_INPUT, "%s: line %zu is longer than %u bytes",
                                f->path, lineno, APK_LINE_MAX);
        }
        span line = trim((span){p, (size_t)(le - p)});
        bool last = (nl == NULL);
        p = nl ? nl + 1 : end + 1;
        if (line.n == 0 || last) {
            if (line.n >= 2 && line.p[1] == ':' && line.p[0] < 128) { /* final line w/o '\n' */
                pp.f[line.p[0]] = trim((span){line.p + 2, line.n - 2});
                pp.any = true;
            } else if (line.n) {
                junk++;
            }
            if (pp.any && !make_rec(a, &pp, &recs, &c))
                oom = true;
            memset(&pp, 0, sizeof pp);
            continue;
        }
        if (line.n < 2 || line.p[1] != ':' || line.p[0] >= 128) {
            junk++;
            continue;
        }
        if (pp.f[line.p[0]].p == NULL) /* first occurrence wins */
            pp.f[line.p[0]] = trim((span){line.p + 2, line.n - 2});
        pp.any = true;
    }
    if (oom) {
        free(recs.v);
        return cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", f->path);
    }
    apk_result *res = cg_arena_alloc(a, sizeof *res);
    if (res && recs.n) {
        qsort(recs.v, recs.n, sizeof(apk_rec), rec_cmp);
        res->recs = cg_arena_memdup(a, recs.v, recs.n * sizeof(apk_rec));
        res->n_recs = recs.n;
    }
    free(recs.v);
    if (!res || (recs.n && !res->recs))
        return cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", f->path);
    if (c.no_name)
        cg_cat_warn(ctx, "%s: %zu paragraph(s) without a P: line ignored", f->path, c.no_name);
    if (c.no_version)
        cg_cat_warn(ctx, "%s: %zu package(s) without a V: line ignored", f->path, c.no_version);
    if (c.bad)
        cg_cat_warn(ctx, "%s: %zu paragraph(s) with malformed P/V/A ignored", f->path, c.bad);
    if (junk)
        cg_cat_warn(ctx, "%s: %zu malformed line(s) ignored", f->path, junk);
    *result = res;
    return CG_OK;
}

/* ---------- finish ---------- */

static const apk_rec *find_rec(const apk_result *r, const char *name, const char *arch)
{
    if (!r || !r->n_recs)
        return NULL;
    apk_rec key = {.name = name, .arch = arch};
    return bsearch(&key, r->recs, r->n_recs, sizeof key, rec_cmp);
}

/* For cg_cat_intro_layer: does a lower db hold the same name/arch/version? */
static bool same_rec(const void *result, const void *rec)
{
    const apk_rec *r = rec;
    const apk_rec *o = find_rec(result, r->name, r->arch);
    return o && !strcmp(o->version, r->version);
}

static bool is_virtual(const char *d)
{
    return d[0] == '/' || !strncmp(d, "so:", 3) || !strncmp(d, "cmd:", 4) || !strncmp(d, "pc:", 3);
}

/* A plain name resolves to the installed package of that name, else to the
 * first provider in name order (apk installs one of them), else stays as
 * written; unresolvable so:/cmd:/pc:/path dependencies are dropped. */
static cg_status set_depends(cg_arena *a, const cg_depindex *ix, const apk_rec *r, cg_package *p)
{
    cg_vec out = {0};
    for (size_t i = 0; i < r->n_deps; i++) {
        const char *d = r->deps[i];
        bool virt = is_virtual(d);
        int got = cg_depindex_resolve(ix, d, CG_DEP_FIRST_PROVIDER | (virt ? 0u : CG_DEP_BY_NAME), &out);
        if (got < 0 || (got == 0 && !virt && !cg_vec_push(&out, &d, sizeof d))) {
            free(out.v);
            return CG_ERR_NOMEM;
        }
    }
    return cg_depindex_set_depends(a, &out, p);
}

static cg_status apk_finish(cg_cat_ctx *ctx, const cg_cat_node *const *nodes, size_t n,
                            cg_error *err)
{
    cg_arena *a = cg_cat_arena(ctx);
    const cg_distro *d = cg_cat_distro(ctx);
    const char *ns = d && d->id ? d->id : "alpine";
    cg_depindex ix = {0};
    cg_status st = CG_OK;
    for (size_t i = 0; i < n && st == CG_OK; i++) {
        const apk_result *r = nodes[i]->result;
        for (size_t k = 0; r && k < r->n_recs && st == CG_OK; k++) {
            const apk_rec *rec = &r->recs[k];
            if (!cg_depindex_add_package(&ix, rec->name, rec->provides, rec->n_provides))
                st = CG_ERR_NOMEM;
        }
    }
    cg_depindex_seal(&ix);
    for (size_t i = 0; i < n && st == CG_OK; i++) {
        const apk_result *r = nodes[i]->result;
        for (size_t k = 0; r && k < r->n_recs && st == CG_OK; k++) {
            const apk_rec *rec = &r->recs[k];
            cg_package *p = cg_cat_add_package(ctx);
            if (!p) {
                st = CG_ERR_NOMEM;
                break;
            }
            p->type = "apk";
            p->namespace_ = ns;
            p->name = rec->name;
            p->version = rec->version;
            p->arch = rec->arch;
            p->source_name = rec->origin;
            p->supplier = rec->maint;
            p->description = rec->desc;
            p->cataloger = "apk";
            if (rec->lic) {
                p->licenses = rec->lic;
                p->n_licenses = 1;
            }
            p->layer = cg_cat_intro_layer(nodes[i], same_rec, rec);
            st = cg_cat_add_location(ctx, p, nodes[i]->path, nodes[i]->layer);
            if (st == CG_OK)
                st = set_depends(a, &ix, rec, p);
        }
    }
    cg_depindex_free(&ix);
    if (st != CG_OK)
        return cg_error_set(err, st, "apk: out of memory");
    return CG_OK;
}

const cg_cataloger cg_cataloger_apk = {
    .name = "apk",
    .purl_type = "apk",
    .wants = apk_wants,
    .parse = apk_parse,
    .finish = apk_finish,
};

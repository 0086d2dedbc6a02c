/*
 * python.c - Python distributions: installed ones from the core metadata
 * that pip and distro packages leave in site-packages / dist-packages
 * (NAME.dist-info/METADATA, NAME.egg-info/PKG-INFO, single-file NAME.egg-info:
 * RFC 822 style headers), plus poetry.lock, Pipfile.lock and
 * requirements*.txt wherever they are found (python_lock.c).  Names are
 * PEP 503-normalised (the purl's form); the name as written is kept as the
 * cgate:python:name property when it differs.  The header block is untrusted:
 * lines, fields and counts are capped, and a bad file is a warning.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "catalog/license.h"
#include "catalog/lockutil.h"
#include "catalog/python_lock.h"
#include "core/ecosystem.h"

#define META_MAX (4u * 1024u * 1024u)
#define LOCK_MAX (16u * 1024u * 1024u)
#define TEXT_MAX 1024u
#define LIC_MAX 200u   /* a longer License: field is the licence text, not its name */
#define MAX_LICS 32u
#define MAX_DEPS 4096u

/* ---------- paths ---------- */

static bool ends_with(const char *s, size_t n, const char *suf)
{
    size_t k = strlen(suf);
    return n >= k && !memcmp(s + n - k, suf, k);
}

static bool in_site_packages(const char *path, size_t len)
{
    return memmem(path, len, "site-packages/", 14) || memmem(path, len, "dist-packages/", 14);
}

/* "requirements.txt", "requirements-dev.txt", "requirements_test.txt" */
static bool is_requirements(const char *path, size_t len)
{
    if (!ends_with(path, len, ".txt"))
        return false;
    size_t b = len;
    while (b > 0 && path[b - 1] != '/')
        b--;
    return len - b >= 16 && !memcmp(path + b, "requirements", 12);
}

static int file_kind(const char *path, size_t len)
{
    if (ends_with(path, len, ".dist-info/METADATA") || ends_with(path, len, ".egg-info/PKG-INFO") ||
        ends_with(path, len, ".egg-info")) {
        /* the metadata directory sits directly in site-packages */
        const char *d = path + len;
        d -= ends_with(path, len, ".egg-info") ? 0 : 9; /* "/METADATA", "/PKG-INFO" */
        size_t dl = (size_t)(d - path);
        size_t s = dl;
        while (s > 0 && path[s - 1] != '/')
            s--; /* start of NAME.dist-info */
        if (s < 14 || (s > 14 && path[s - 15] != '/'))
            return 0;
        return (ends_with(path, s, "site-packages/") || ends_with(path, s, "dist-packages/")) ? PY_INSTALLED : 0;
    }
    if (in_site_packages(path, len))
        return 0;
    if (cg_lock_has_base(path, len, "poetry.lock"))
        return PY_POETRY;
    if (cg_lock_has_base(path, len, "Pipfile.lock"))
        return PY_PIPFILE;
    if (is_requirements(path, len))
        return PY_REQUIREMENTS;
    return 0;
}

static bool python_wants(const char *path, size_t len, cg_cat_want *w)
{
    /* cheap reject on the last byte: METADATA, PKG-INFO, .egg-info, .lock, .txt */
    if (len < 8)
        return false;
    char c = path[len - 1];
    if (c != 'A' && c != 'O' && c != 'o' && c != 'k' && c != 't')
        return false;
    int k = file_kind(path, len);
    if (!k)
        return false;
    *w = (cg_cat_want){.max_size = k == PY_INSTALLED ? META_MAX : LOCK_MAX,
                       .evidence = k == PY_INSTALLED ? CG_EV_INSTALLED : CG_EV_DECLARED};
    return true;
}

/* ---------- core metadata ---------- */

typedef struct span {
    const char *p;
    size_t n;
} span;

static span trim(span s)
{
    while (s.n && (s.p[0] == ' ' || s.p[0] == '\t' || s.p[0] == '\r' || s.p[0] == '\n'))
        s.p++, s.n--;
    while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t' || s.p[s.n - 1] == '\r' || s.p[s.n - 1] == '\n'))
        s.n--;
    return s;
}

static bool key_is(span k, const char *name)
{
    size_t n = strlen(name);
    if (k.n != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char a = k.p[i], b = name[i];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a + 32);
        if (b >= 'A' && b <= 'Z')
            b = (char)(b + 32);
        if (a != b)
            return false;
    }
    return true;
}

static const char *dup_text(cg_arena *a, span s)
{
    s = trim(s);
    size_t nl = 0;
    while (nl < s.n && s.p[nl] != '\n' && s.p[nl] != '\r')
        nl++;
    s.n = nl;
    if (s.n == 0 || memchr(s.p, 0, s.n))
        return NULL;
    if (s.n > TEXT_MAX) {
        s.n = TEXT_MAX;
        while (s.n && ((unsigned char)s.p[s.n] & 0xC0) == 0x80)
            s.n--;
    }
    return cg_arena_strndup(a, s.p, s.n);
}

/* Trove classifier names -> SPDX ids, where the classifier names one licence. */
static const char *const trove[][2] = {
    {"MIT License", "MIT"},
    {"MIT No Attribution License (MIT-0)", "MIT-0"},
    {"ISC License (ISCL)", "ISC"},
    {"Apache Software License 2.0 (Apache-2.0)", "Apache-2.0"},
    {"Mozilla Public License 2.0 (MPL 2.0)", "MPL-2.0"},
    {"Mozilla Public License 1.1 (MPL 1.1)", "MPL-1.1"},
    {"GNU General Public License v2 (GPLv2)", "GPL-2.0-only"},
    {"GNU General Public License v2 or later (GPLv2+)", "GPL-2.0-or-later"},
    {"GNU General Public License v3 (GPLv3)", "GPL-3.0-only"},
    {"GNU General Public License v3 or later (GPLv3+)", "GPL-3.0-or-later"},
    {"GNU Lesser General Public License v2 (LGPLv2)", "LGPL-2.0-only"},
    {"GNU Lesser General Public License v2 or later (LGPLv2+)", "LGPL-2.0-or-later"},
    {"GNU Lesser General Public License v3 (LGPLv3)", "LGPL-3.0-only"},
    {"GNU Lesser General Public License v3 or later (LGPLv3+)", "LGPL-3.0-or-later"},
    {"GNU Affero General Public License v3", "AGPL-3.0-only"},
    {"GNU Affero General Public License v3 or later (AGPLv3+)", "AGPL-3.0-or-later"},
    {"Python Software Foundation License", "PSF-2.0"},
    {"The Unlicense (Unlicense)", "Unlicense"},
    {"Boost Software License 1.0 (BSL-1.0)", "BSL-1.0"},
    {"Eclipse Public License 2.0 (EPL-2.0)", "EPL-2.0"},
    {"Universal Permissive License (UPL)", "UPL-1.0"},
    {"zlib/libpng License", "Zlib"},
    {"CC0 1.0 Universal (CC0 1.0) Public Domain Dedication", "CC0-1.0"},
};

typedef struct meta {
    span name, version, license, license_expr, author, summary;
    cg_vec classifiers; /* span: the last "::" segment of License classifiers */
    cg_vec requires;    /* span: Requires-Dist values */
} meta;

static bool meta_field(meta *m, span key, span val)
{
    span *one[] = {&m->name, &m->version, &m->license, &m->license_expr, &m->author, &m->summary};
    static const char *const names[] = {"Name", "Version", "License", "License-Expression", "Author", "Summary"};
    for (size_t i = 0; i < 6; i++)
        if (key_is(key, names[i])) {
            if (!one[i]->p)
                *one[i] = val;
            return true;
        }
    if (key_is(key, "Classifier")) {
        span v = trim(val);
        if (v.n < 12 || memcmp(v.p, "License ::", 10) || m->classifiers.n >= MAX_LICS)
            return true;
        size_t s = v.n;
        while (s >= 2 && !(v.p[s - 1] == ':' && v.p[s - 2] == ':'))
            s--;
        span last = trim((span){v.p + s, v.n - s});
        if (last.n && !(last.n == 12 && !memcmp(last.p, "OSI Approved", 12)))
            return cg_vec_push(&m->classifiers, &last, sizeof last);
        return true;
    }
    if (key_is(key, "Requires-Dist") && m->requires.n < MAX_DEPS)
        return cg_vec_push(&m->requires, &val, sizeof val);
    return true;
}

/* The header block: "Key: value" lines, continuation lines start with
 * whitespace, a blank line ends it (the description follows). */
static bool parse_headers(const char *p, size_t len, meta *m, size_t *junk)
{
    const char *end = p + len;
    span *cur = NULL, curkey;
    bool cur_multi = false;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        span line = {p, (size_t)((nl ? nl : end) - p)};
        p = nl ? nl + 1 : end;
        if (line.n == 0 || (line.n == 1 && line.p[0] == '\r'))
            break; /* a whitespace-only line is a continuation (PKG-INFO descriptions) */
        if (line.p[0] == ' ' || line.p[0] == '\t') {
            if (cur && !cur_multi) /* extend the single-valued field */
                cur->n = (size_t)(line.p + line.n - cur->p);
            continue;
        }
        const char *colon = memchr(line.p, ':', line.n);
        cur = NULL;
        if (!colon || colon == line.p) {
            (*junk)++;
            continue;
        }
        curkey = (span){line.p, (size_t)(colon - line.p)};
        span val = {colon + 1, (size_t)(line.p + line.n - colon - 1)};
        while (val.n && (val.p[0] == ' ' || val.p[0] == '\t'))
            val.p++, val.n--;
        if (!meta_field(m, curkey, val))
            return false;
        cur_multi = !(key_is(curkey, "License") || key_is(curkey, "Summary") || key_is(curkey, "Author"));
        if (!cur_multi) {
            span *f = key_is(curkey, "License") ? &m->license : key_is(curkey, "Summary") ? &m->summary : &m->author;
            cur = f->p == val.p ? f : NULL;
        }
    }
    return true;
}

static bool add_lic(cg_arena *a, cg_vec *lics, span s)
{
    s = trim(s);
    if (s.n == 0 || s.n > LIC_MAX || memchr(s.p, '\n', s.n) || memchr(s.p, 0, s.n) || lics->n >= MAX_LICS ||
        key_is(s, "UNKNOWN") || key_is(s, "None"))
        return true;
    for (size_t i = 0; i < sizeof trove / sizeof trove[0]; i++)
        if (s.n == strlen(trove[i][0]) && !memcmp(s.p, trove[i][0], s.n)) {
            s = (span){trove[i][1], strlen(trove[i][1])};
            break;
        }
    cg_license l;
    if (cg_license_map(a, s.p, s.n, &l) != 0)
        return false;
    for (size_t i = 0; i < lics->n; i++)
        if (!strcmp(((cg_license *)lics->v)[i].value, l.value))
            return true;
    return cg_vec_push(lics, &l, sizeof l);
}

/* License-Expression, else the License :: classifiers (specific names),
 * else License (when it is a name rather than a whole licence text) - the
 * order Trivy's packaging parser uses. */
static bool meta_licenses(cg_arena *a, const meta *m, py_rec *r)
{
    cg_vec lics = {0};
    bool ok = true;
    if (m->license_expr.n)
        ok = add_lic(a, &lics, m->license_expr);
    for (size_t i = 0; ok && !m->license_expr.n && i < m->classifiers.n; i++)
        ok = add_lic(a, &lics, ((span *)m->classifiers.v)[i]);
    if (ok && !lics.n && m->license.n)
        ok = add_lic(a, &lics, m->license);
    if (ok && lics.n) {
        r->lics = cg_arena_memdup(a, lics.v, lics.n * sizeof(cg_license));
        r->n_lics = lics.n;
        ok = r->lics != NULL;
    }
    free(lics.v);
    return ok;
}

/* Requires-Dist "name[extra] (>=1.0) ; marker": the name, unless the
 * requirement only applies to an extra (not installed by default). */
static bool meta_depends(cg_arena *a, const meta *m, py_rec *r)
{
    cg_vec names = {0};
    bool ok = true;
    for (size_t i = 0; ok && i < m->requires.n; i++) {
        span v = trim(((span *)m->requires.v)[i]);
        size_t k = 0;
        while (k < v.n && (((v.p[k] | 32) >= 'a' && (v.p[k] | 32) <= 'z') || (v.p[k] >= '0' && v.p[k] <= '9') ||
                           v.p[k] == '-' || v.p[k] == '_' || v.p[k] == '.'))
            k++;
        const char *semi = memchr(v.p, ';', v.n);
        if (semi && memmem(semi, (size_t)(v.p + v.n - semi), "extra", 5))
            continue;
        if (!py_valid_name(v.p, k))
            continue;
        const char *n = py_normalize(a, v.p, k);
        ok = n && cg_vec_push(&names, &n, sizeof n);
    }
    if (!ok) {
        free(names.v);
        return false;
    }
    return cg_lock_names_finish(a, &names, &r->deps, &r->n_deps);
}

static cg_status parse_metadata(cg_cat_ctx *ctx, const cg_cat_file *f, py_result *res, cg_error *err)
{
    cg_arena *a = cg_cat_arena(ctx);
    meta m;
    memset(&m, 0, sizeof m);
    size_t junk = 0;
    bool ok = parse_headers((const char *)f->data, f->len, &m, &junk);
    span name = trim(m.name), ver = trim(m.version);
    if (ok && (!py_valid_name(name.p, name.n) || !py_valid_version(ver.p, ver.n))) {
        cg_cat_warn(ctx, "/%s: no valid Name and Version in the metadata, ignored", f->path);
    } else if (ok) {
        py_rec *r = cg_arena_calloc(a, 1, sizeof *r);
        ok = r != NULL;
        if (ok) {
            r->name = cg_arena_strndup(a, name.p, name.n);
            r->version = cg_arena_strndup(a, ver.p, ver.n);
            r->author = m.author.n ? dup_text(a, m.author) : NULL;
            r->summary = m.summary.n ? dup_text(a, m.summary) : NULL;
            ok = r->name && r->version && meta_licenses(a, &m, r) && meta_depends(a, &m, r);
            res->recs = r;
            res->n_recs = 1;
        }
    }
    free(m.classifiers.v);
    free(m.requires.v);
    return ok ? CG_OK : cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", f->path);
}

static cg_status python_parse(cg_cat_ctx *ctx, const cg_cat_file *f, void **result, cg_error *err)
{
    py_result *res = cg_arena_calloc(cg_cat_arena(ctx), 1, sizeof *res);
    if (!res)
        return cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", f->path);
    res->kind = file_kind(f->path, strlen(f->path));
    cg_status st;
    switch (res->kind) {
    case PY_INSTALLED: st = parse_metadata(ctx, f, res, err); break;
    case PY_POETRY: st = py_parse_poetry(ctx, f, res, err); break;
    case PY_PIPFILE: st = py_parse_pipfile(ctx, f, res, err); break;
    case PY_REQUIREMENTS: st = py_parse_requirements(ctx, f, res, err); break;
    default: return CG_OK;
    }
    if (st == CG_OK)
        *result = res;
    return st;
}

/* ---------- finish ---------- */

/* For cg_cat_intro_layer: does a lower version of the file hold the same
 * record?  recs are sorted by (normalised name, version). */
static bool same_rec(const void *result, const void *rec)
{
    const py_result *r = result;
    const py_rec *x = rec;
    size_t lo = 0, hi = r ? r->n_recs : 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cg_pep503_cmp(r->recs[mid].name, x->name);
        if (!c)
            c = strcmp(r->recs[mid].version, x->version);
        if (!c)
            return true;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

static const char *source_name(int kind)
{
    switch (kind) {
    case PY_INSTALLED: return "installed";
    case PY_POETRY: return "poetry.lock";
    case PY_PIPFILE: return "Pipfile.lock";
    default: return "requirements.txt";
    }
}

static cg_status emit(cg_cat_ctx *ctx, const cg_cat_node *node, int kind, const py_rec *r)
{
    cg_arena *a = cg_cat_arena(ctx);
    cg_package *p = cg_cat_add_package(ctx);
    if (!p)
        return CG_ERR_NOMEM;
    p->type = "pypi";
    p->cataloger = "python";
    p->name = py_normalize(a, r->name, strlen(r->name));
    if (!p->name)
        return CG_ERR_NOMEM;
    p->version = r->version;
    p->supplier = r->author;
    p->description = r->summary;
    p->licenses = r->lics;
    p->n_licenses = r->n_lics;
    p->depends = r->deps;
    p->n_depends = r->n_deps;
    p->layer = cg_cat_intro_layer(node, same_rec, r);
    cg_status st = cg_cat_add_location(ctx, p, node->path, node->layer);
    if (st == CG_OK)
        st = cg_cat_add_prop(ctx, p, "cgate:python:source", source_name(kind));
    if (st == CG_OK && strcmp(p->name, r->name))
        st = cg_cat_add_prop(ctx, p, "cgate:python:name", r->name);
    if (st == CG_OK && r->dev)
        st = cg_cat_add_prop(ctx, p, "cgate:python:dev", "true");
    return st;
}

static cg_status python_finish(cg_cat_ctx *ctx, const cg_cat_node *const *nodes, size_t n, cg_error *err)
{
    cg_status st = CG_OK;
    for (size_t i = 0; i < n && st == CG_OK; i++) {
        const py_result *r = nodes[i]->result;
        for (size_t k = 0; r && k < r->n_recs && st == CG_OK; k++)
            st = emit(ctx, nodes[i], r->kind, &r->recs[k]);
    }
    return st == CG_OK ? CG_OK : cg_error_set(err, st, "python: out of memory");
}

const cg_cataloger cg_cataloger_python = {
    .name = "python",
    .purl_type = "pypi",
    .wants = python_wants,
    .parse = python_parse,
    .finish = python_finish,
};

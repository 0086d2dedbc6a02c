/*
 * python_lock.c - Python lockfiles into py_rec lists: poetry.lock (a small
 * bounded reader for the TOML subset poetry writes: [[package]] tables with
 * name/version/category/optional, and their [package.dependencies] keys),
 * Pipfile.lock (JSON "default" and "develop"), requirements*.txt (pinned
 * `name==version` lines only, as pip-compile writes them; ranges say nothing
 * about what is installed and are skipped without a record).
 */
#include "catalog/python_lock.h"

#include <stdlib.h>
#include <string.h>

#include "catalog/lockutil.h"
#include "core/ecosystem.h"
#include "core/json.h"

#define MAX_RECS 200000u
#define MAX_DEPS 4096u
#define LINE_MAX_LEN (1024u * 1024u)

static bool alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool sep(char c) { return c == '-' || c == '_' || c == '.'; }

bool py_valid_name(const char *s, size_t n)
{
    if (n == 0 || n > 256 || !alnum(s[0]) || !alnum(s[n - 1]))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!alnum(s[i]) && !sep(s[i]))
            return false;
    return true;
}

bool py_valid_version(const char *s, size_t n) { return cg_lock_token_ok(s, n, 256); }

/* PEP 440-ish: what a pinned requirement may name ("1.2.3", "1!2.0rc1+local"),
 * not "2.0.*" or "'x'". */
static bool pep440ish(const char *s, size_t n)
{
    if (!py_valid_version(s, n))
        return false;
    size_t i = (s[0] == 'v' || s[0] == 'V') ? 1 : 0;
    if (i >= n || s[i] < '0' || s[i] > '9')
        return false;
    for (; i < n; i++)
        if (!alnum(s[i]) && !sep(s[i]) && s[i] != '+' && s[i] != '!')
            return false;
    return true;
}

char *py_normalize(cg_arena *a, const char *s, size_t n)
{
    return cg_pep503(a, s, n); /* PEP 503 lives in core/ecosystem.c */
}

typedef struct keyed {
    py_rec r;
    char *key; /* normalised name */
} keyed;

static int keyed_cmp(const void *x, const void *y)
{
    const keyed *a = x, *b = y;
    int c = strcmp(a->key, b->key);
    return c ? c : strcmp(a->r.version, b->r.version);
}

cg_status py_recs_finish(cg_arena *a, cg_vec *recs, py_result *res)
{
    py_rec *in = recs->v;
    keyed *k = recs->n ? malloc(recs->n * sizeof *k) : NULL;
    cg_status st = CG_OK;
    size_t u = 0;
    if (recs->n && !k)
        st = CG_ERR_NOMEM;
    for (size_t i = 0; st == CG_OK && i < recs->n; i++) {
        k[i].r = in[i];
        k[i].key = py_normalize(a, in[i].name, strlen(in[i].name));
        if (!k[i].key)
            st = CG_ERR_NOMEM;
    }
    if (st == CG_OK && recs->n) {
        qsort(k, recs->n, sizeof *k, keyed_cmp);
        for (size_t i = 0; i < recs->n; i++) {
            if (u && !keyed_cmp(&k[u - 1], &k[i])) {
                k[u - 1].r.dev = k[u - 1].r.dev && k[i].r.dev;
                continue;
            }
            k[u++] = k[i];
        }
        res->recs = cg_arena_calloc(a, u, sizeof *res->recs);
        if (!res->recs)
            st = CG_ERR_NOMEM;
        for (size_t i = 0; st == CG_OK && i < u; i++)
            res->recs[i] = k[i].r;
        res->n_recs = st == CG_OK ? u : 0;
    }
    free(k);
    free(recs->v);
    *recs = (cg_vec){0};
    return st;
}

/* ---------- poetry.lock ---------- */

typedef struct poetry_pkg {
    cg_span name, version;
    bool dev;
    cg_vec deps;
    bool any;
} poetry_pkg;

static bool poetry_flush(cg_arena *a, poetry_pkg *pk, cg_vec *recs, size_t *bad)
{
    bool ok = true;
    if (pk->any) {
        if (!py_valid_name(pk->name.p, pk->name.n) || !py_valid_version(pk->version.p, pk->version.n)) {
            (*bad)++;
        } else if (recs->n < MAX_RECS) {
            py_rec r = {0};
            r.name = cg_arena_strndup(a, pk->name.p, pk->name.n);
            r.version = cg_arena_strndup(a, pk->version.p, pk->version.n);
            r.dev = pk->dev;
            ok = r.name && r.version && cg_lock_names_finish(a, &pk->deps, &r.deps, &r.n_deps) &&
                 cg_vec_push(recs, &r, sizeof r);
        }
    }
    free(pk->deps.v);
    *pk = (poetry_pkg){0};
    return ok;
}

/* `key = "value"` -> key and the unquoted value (basic or literal string). */
static bool toml_kv(cg_span line, cg_span *key, cg_span *val)
{
    const char *eq = memchr(line.p, '=', line.n);
    if (!eq)
        return false;
    *key = cg_span_trim((cg_span){line.p, (size_t)(eq - line.p)});
    cg_span v = cg_span_trim((cg_span){eq + 1, (size_t)(line.p + line.n - eq - 1)});
    if (key->n >= 2 && (key->p[0] == '"' || key->p[0] == '\'') && key->p[key->n - 1] == key->p[0])
        key->p++, key->n -= 2;
    if (v.n >= 2 && (v.p[0] == '"' || v.p[0] == '\'')) {
        const char *close = memchr(v.p + 1, v.p[0], v.n - 1);
        if (close)
            v = (cg_span){v.p + 1, (size_t)(close - v.p - 1)};
    }
    *val = v;
    return key->n > 0;
}

/* Net '[' minus ']' outside strings on one line (multi-line arrays). */
static long bracket_delta(cg_span line)
{
    long d = 0;
    char q = 0;
    for (size_t i = 0; i < line.n; i++) {
        char c = line.p[i];
        if (q) {
            if (c == '\\' && q == '"')
                i++;
            else if (c == q)
                q = 0;
        } else if (c == '"' || c == '\'') {
            q = c;
        } else if (c == '#') {
            break;
        } else if (c == '[' || c == '{') {
            d++;
        } else if (c == ']' || c == '}') {
            d--;
        }
    }
    return d;
}

cg_status py_parse_poetry(cg_cat_ctx *ctx, const cg_cat_file *f, py_result *res, cg_error *err)
{
    cg_arena *a = cg_cat_arena(ctx);
    const char *p = (const char *)f->data, *end = p + f->len;
    enum { T_OTHER, T_PKG, T_DEPS } table = T_OTHER;
    poetry_pkg pk = {0};
    cg_vec recs = {0};
    size_t bad = 0;
    long depth = 0;    /* open brackets of a multi-line value */
    bool in_ml = false; /* inside a """ or ''' string */
    bool ok = true;
    while (ok && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        cg_span raw = {p, (size_t)((nl ? nl : end) - p)};
        p = nl ? nl + 1 : end;
        if (raw.n > LINE_MAX_LEN)
            continue;
        cg_span line = cg_span_trim(raw);
        size_t triples = 0;
        for (size_t i = 0; i + 2 < line.n; i++)
            if ((line.p[i] == '"' || line.p[i] == '\'') && line.p[i + 1] == line.p[i] && line.p[i + 2] == line.p[i]) {
                triples++;
                i += 2;
            }
        if (in_ml) {
            if (triples % 2)
                in_ml = false;
            continue;
        }
        if (triples % 2)
            in_ml = true;
        if (depth > 0) {
            depth += bracket_delta(line);
            if (depth < 0 || depth > 10000)
                depth = 0;
            continue;
        }
        if (line.n == 0 || line.p[0] == '#')
            continue;
        if (line.p[0] == '[') {
            if (cg_span_is(line, "[[package]]")) {
                ok = poetry_flush(a, &pk, &recs, &bad);
                pk.any = true;
                table = T_PKG;
            } else if (cg_span_is(line, "[package.dependencies]")) {
                table = pk.any ? T_DEPS : T_OTHER;
            } else {
                table = T_OTHER;
            }
            continue;
        }
        cg_span key, val;
        if (!toml_kv(line, &key, &val))
            continue;
        long d = bracket_delta(val);
        if (d > 0)
            depth = d;
        if (table == T_PKG) {
            if (cg_span_is(key, "name"))
                pk.name = val;
            else if (cg_span_is(key, "version"))
                pk.version = val;
            else if (cg_span_is(key, "category"))
                pk.dev = cg_span_is(val, "dev");
        } else if (table == T_DEPS && pk.deps.n < MAX_DEPS && py_valid_name(key.p, key.n)) {
            const char *dn = py_normalize(a, key.p, key.n);
            ok = dn && cg_vec_push(&pk.deps, &dn, sizeof dn);
        }
    }
    if (ok)
        ok = poetry_flush(a, &pk, &recs, &bad);
    else
        free(pk.deps.v);
    if (!ok || py_recs_finish(a, &recs, res) != CG_OK) {
        free(recs.v);
        return cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", f->path);
    }
    if (bad)
        cg_cat_warn(ctx, "/%s: %zu [[package]] table(s) without a valid name and version ignored",
                    f->path, bad);
    return CG_OK;
}

/* ---------- Pipfile.lock ---------- */

cg_status py_parse_pipfile(cg_cat_ctx *ctx, const cg_cat_file *f, py_result *res, cg_error *err)
{
    cg_arena *a = cg_cat_arena(ctx);
    cg_error jerr;
    json_t *j = NULL;
    if (cg_json_parse(f->data, f->len, f->path, &j, &jerr) != CG_OK) {
        cg_cat_warn(ctx, "/%s: not a valid Pipfile.lock: %s", f->path, jerr.msg);
        return CG_OK;
    }
    static const char *const sections[] = {"default", "develop"};
    cg_vec recs = {0};
    size_t bad = 0;
    bool ok = true;
    for (size_t s = 0; ok && s < 2; s++) {
        json_t *sec = json_object_get(j, sections[s]);
        const char *name;
        json_t *e;
        if (!json_is_object(sec))
            continue;
        json_object_foreach(sec, name, e) {
            const char *v = cg_json_str(e, "version");
            if (!v) /* a path or VCS requirement: nothing pinned */
                continue;
            if (!strncmp(v, "==", 2))
                v += 2;
            if (!py_valid_name(name, strlen(name)) || !py_valid_version(v, strlen(v))) {
                bad++;
                continue;
            }
            if (recs.n >= MAX_RECS)
                break;
            py_rec r = {0};
            r.name = cg_arena_strdup(a, name);
            r.version = cg_arena_strdup(a, v);
            r.dev = s == 1;
            ok = r.name && r.version && cg_vec_push(&recs, &r, sizeof r);
            if (!ok)
                break;
        }
    }
    json_decref(j);
    if (!ok || py_recs_finish(a, &recs, res) != CG_OK) {
        free(recs.v);
        return cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", f->path);
    }
    if (bad)
        cg_lock_warn_invalid(ctx, f->path, bad);
    return CG_OK;
}

/* ---------- requirements*.txt ---------- */

cg_status py_parse_requirements(cg_cat_ctx *ctx, const cg_cat_file *f, py_result *res, cg_error *err)
{
    cg_arena *a = cg_cat_arena(ctx);
    const uint8_t *d = f->data;
    size_t len = f->len;
    uint8_t *conv = NULL;
    /* UTF-16LE with a BOM (Windows editors): keep the ASCII it spells */
    if (len >= 2 && d[0] == 0xFF && d[1] == 0xFE) {
        conv = malloc(len / 2 + 1);
        if (!conv)
            return cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", f->path);
        size_t k = 0;
        for (size_t i = 2; i + 1 < len; i += 2)
            conv[k++] = d[i + 1] ? '?' : d[i];
        d = conv;
        len = k;
    } else if (len >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF) {
        d += 3;
        len -= 3;
    }
    cg_vec recs = {0};
    bool ok = true;
    char *buf = malloc(len + 1);
    if (!buf)
        ok = false;
    const char *p = (const char *)d, *end = p + len;
    while (ok && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl ? nl : end) - p);
        /* drop spaces and backslashes, then extras, then "#", ";" and "--" tails */
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\\')
                buf[k++] = p[i];
        p = nl ? nl + 1 : end;
        buf[k] = 0;
        char *lb = strchr(buf, '['), *rb = strchr(buf, ']');
        if (lb && rb && rb > lb)
            memmove(lb, rb + 1, strlen(rb + 1) + 1);
        char *cut;
        if ((cut = strchr(buf, '#')))
            *cut = 0;
        if ((cut = strchr(buf, ';')))
            *cut = 0;
        if ((cut = strstr(buf, "--")))
            *cut = 0;
        char *eq = strstr(buf, "==");
        if (!eq || strstr(eq + 2, "=="))
            continue;
        *eq = 0;
        char *ver = eq + 2;
        if ((cut = strchr(ver, ',')))
            *cut = 0;
        if (!py_valid_name(buf, strlen(buf)) || !pep440ish(ver, strlen(ver)) || recs.n >= MAX_RECS)
            continue;
        py_rec r = {0};
        r.name = cg_arena_strdup(a, buf);
        r.version = cg_arena_strdup(a, ver);
        ok = r.name && r.version && cg_vec_push(&recs, &r, sizeof r);
    }
    free(buf);
    free(conv);
    if (!ok || py_recs_finish(a, &recs, res) != CG_OK) {
        free(recs.v);
        return cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", f->path);
    }
    return CG_OK;
}

/*
 * ruby.c - Ruby gems: installed gem specifications (".../specifications/
 * NAME-VERSION.gemspec", the Ruby DSL RubyGems writes on install) and
 * Bundler's Gemfile.lock.
 *
 * A gemspec is Ruby code; it is never evaluated.  A bounded line reader picks
 * the assignments RubyGems itself writes (`s.name = "x".freeze`,
 * `s.version = "1.2.3"`, `s.licenses = ["MIT".freeze]`, homepage, summary)
 * and decodes their string literals.  In Gemfile.lock every 4-space-indented
 * `name (version[-platform])` line of a GEM, GIT, PATH or PLUGIN SOURCE
 * section is an installed gem, its 6-space-indented lines its dependencies
 * (Syft reads the same sections; GIT/PATH gems are marked, since advisories
 * for the RubyGems registry may not apply to them).  Input is untrusted:
 * lines, values and counts are capped.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "catalog/license.h"
#include "core/vec.h"

#define GEMSPEC_MAX (1024u * 1024u)
#define LOCK_MAX (16u * 1024u * 1024u)
#define ID_MAX 256u
#define TEXT_MAX 1024u
#define LICS_MAX 32u
#define RECS_MAX 100000u
#define DEPS_MAX 1024u

typedef struct rb_rec {
    const char *name, *version, *platform, *homepage, *summary, *source;
    cg_license *lics;
    size_t n_lics;
    const char **deps;
    size_t n_deps;
} rb_rec;

typedef struct rb_result {
    rb_rec *recs;
    size_t n_recs;
    bool lock; /* from a Gemfile.lock */
} rb_result;

typedef struct span {
    const char *p;
    size_t n;
} span;

/* ---------- paths ---------- */

static bool ruby_wants(const char *path, size_t len, cg_cat_want *w)
{
    static const char lock[] = "Gemfile.lock", spec[] = ".gemspec", dir[] = "specifications/";
    size_t ll = sizeof lock - 1, sl = sizeof spec - 1, dl = sizeof dir - 1;
    if (len >= ll && !memcmp(path + len - ll, lock, ll) && (len == ll || path[len - ll - 1] == '/')) {
        *w = (cg_cat_want){.max_size = LOCK_MAX, .evidence = CG_EV_DECLARED};
        return true;
    }
    if (len <= sl || memcmp(path + len - sl, spec, sl))
        return false;
    /* a "specifications/" path component anywhere above the file */
    for (const char *p = path; (p = strstr(p, dir)) != NULL; p += dl)
        if (p == path || p[-1] == '/') {
            *w = (cg_cat_want){.max_size = GEMSPEC_MAX, .evidence = CG_EV_INSTALLED};
            return true;
        }
    return false;
}

/* ---------- small helpers ---------- */

static bool next_line(const char **p, const char *end, span *line)
{
    if (*p >= end)
        return false;
    const char *nl = memchr(*p, '\n', (size_t)(end - *p));
    const char *e = nl ? nl : end;
    line->p = *p;
    line->n = (size_t)(e - *p);
    if (line->n && line->p[line->n - 1] == '\r')
        line->n--;
    *p = nl ? nl + 1 : end;
    return true;
}

static span trim(span s)
{
    while (s.n && (s.p[0] == ' ' || s.p[0] == '\t'))
        s.p++, s.n--;
    while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t'))
        s.n--;
    return s;
}

/* A gem name or version: printable ASCII without spaces, quotes or parens. */
static bool clean_id(span s)
{
    if (!s.n || s.n > ID_MAX)
        return false;
    for (size_t i = 0; i < s.n; i++) {
        unsigned char c = (unsigned char)s.p[i];
        if (c <= ' ' || c >= 0x7f || c == '"' || c == '\'' || c == '(' || c == ')' || c == ',' || c == '\\')
            return false;
    }
    return true;
}

/* ---------- gemspec ---------- */

static void put_utf8(char *out, size_t *o, unsigned long cp)
{
    if (cp < 0x80) {
        out[(*o)++] = (char)cp;
    } else if (cp < 0x800) {
        out[(*o)++] = (char)(0xC0 | (cp >> 6));
        out[(*o)++] = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000 && (cp < 0xD800 || cp > 0xDFFF)) {
        out[(*o)++] = (char)(0xE0 | (cp >> 12));
        out[(*o)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[(*o)++] = (char)(0x80 | (cp & 0x3F));
    } else {
        out[(*o)++] = '?';
    }
}

/* Decode the Ruby string literal starting at s.p[*i] (a '"' or '\''); *i moves
 * past it.  NULL when it is not a terminated literal of at most TEXT_MAX
 * bytes; *oom on allocation failure.  Interpolation #{...} is kept as text. */
static const char *ruby_string(cg_arena *a, span s, size_t *i, bool *oom)
{
    char q = s.p[*i];
    char buf[TEXT_MAX + 8];
    size_t o = 0, k = *i + 1;
    for (; k < s.n && o < TEXT_MAX; k++) {
        char c = s.p[k];
        if (c == q)
            break;
        if (c == '\0')
            return NULL;
        if (c != '\\' || k + 1 >= s.n) {
            buf[o++] = c;
            continue;
        }
        char e = s.p[++k];
        if (q == '\'') { /* only \\ and \' are escapes in single quotes */
            if (e != '\\' && e != '\'')
                buf[o++] = '\\';
            buf[o++] = e;
        } else if (e == 'u' && k + 4 < s.n) {
            unsigned long cp = 0;
            bool ok = true;
            for (size_t h = 1; h <= 4; h++) {
                char d = s.p[k + h];
                cp <<= 4;
                if (d >= '0' && d <= '9')
                    cp |= (unsigned long)(d - '0');
                else if (d >= 'a' && d <= 'f')
                    cp |= (unsigned long)(d - 'a' + 10);
                else if (d >= 'A' && d <= 'F')
                    cp |= (unsigned long)(d - 'A' + 10);
                else
                    ok = false;
            }
            if (!ok)
                return NULL;
            put_utf8(buf, &o, cp);
            k += 4;
        } else {
            buf[o++] = e == 'n' ? ' ' : e == 't' ? ' ' : e;
        }
    }
    if (k >= s.n || s.p[k] != q)
        return NULL;
    *i = k + 1;
    const char *r = cg_arena_strndup(a, buf, o);
    if (!r)
        *oom = true;
    return r;
}

enum { K_NAME, K_VERSION, K_LICENSES, K_LICENSE, K_HOMEPAGE, K_SUMMARY, K_N };
static const char *const keys[K_N] = {"name", "version", "licenses", "license", "homepage", "summary"};

/* "IDENT.KEY = VALUE" -> key index and the value span; -1 otherwise. */
static int assignment(span line, span *value)
{
    size_t i = 0;
    while (i < line.n && (line.p[i] == '_' || (line.p[i] >= 'a' && line.p[i] <= 'z')))
        i++;
    if (i == 0 || i >= line.n || line.p[i] != '.')
        return -1;
    size_t ks = ++i;
    while (i < line.n && (line.p[i] == '_' || (line.p[i] >= 'a' && line.p[i] <= 'z')))
        i++;
    size_t kl = i - ks;
    while (i < line.n && line.p[i] == ' ')
        i++;
    if (i >= line.n || line.p[i] != '=' || (i + 1 < line.n && line.p[i + 1] == '='))
        return -1;
    i++;
    for (int k = 0; k < K_N; k++)
        if (strlen(keys[k]) == kl && !memcmp(line.p + ks, keys[k], kl)) {
            *value = trim((span){line.p + i, line.n - i});
            return k;
        }
    return -1;
}

static cg_status parse_gemspec(cg_cat_ctx *ctx, const cg_cat_file *f, rb_result **out)
{
    cg_arena *a = cg_cat_arena(ctx);
    const char *p = (const char *)f->data, *end = p + f->len;
    const char *val[K_N] = {0};
    const char *lics[LICS_MAX];
    size_t n_lics = 0;
    bool oom = false, bad_version = false;
    span line;
    while (!oom && next_line(&p, end, &line)) {
        line = trim(line);
        span v;
        int k = assignment(line, &v);
        if (k < 0 || (k != K_LICENSES && k != K_LICENSE && val[k]))
            continue; /* the first assignment wins */
        size_t i = 0;
        if (k == K_LICENSES || k == K_LICENSE) {
            /* every string literal of the value: "MIT" or ["MIT".freeze, "Ruby".freeze] */
            while (i < v.n && n_lics < LICS_MAX && !oom) {
                if (v.p[i] == '"' || v.p[i] == '\'') {
                    const char *s = ruby_string(a, v, &i, &oom);
                    if (!s)
                        break;
                    if (*s)
                        lics[n_lics++] = s;
                } else if (v.p[i] == '#') {
                    break; /* a comment */
                } else {
                    i++;
                }
            }
            continue;
        }
        if (!v.n || (v.p[0] != '"' && v.p[0] != '\'')) {
            if (k == K_VERSION && v.n)
                bad_version = true; /* e.g. Gem::Version.new(...): not written by RubyGems */
            continue;
        }
        val[k] = ruby_string(a, v, &i, &oom);
    }
    if (oom)
        return CG_ERR_NOMEM;
    span nm = {val[K_NAME], val[K_NAME] ? strlen(val[K_NAME]) : 0};
    span vr = {val[K_VERSION], val[K_VERSION] ? strlen(val[K_VERSION]) : 0};
    if (!clean_id(nm) || !clean_id(vr)) {
        cg_cat_warn(ctx, "/%s: not an installed gem specification: %s", f->path,
                    !clean_id(nm) ? "no usable `name = \"...\"`"
                    : bad_version ? "version is not a string literal" : "no usable `version = \"...\"`");
        return CG_OK;
    }
    rb_result *r = cg_arena_calloc(a, 1, sizeof *r);
    rb_rec *rec = cg_arena_calloc(a, 1, sizeof *rec);
    if (!r || !rec)
        return CG_ERR_NOMEM;
    rec->name = val[K_NAME];
    rec->version = val[K_VERSION];
    rec->homepage = val[K_HOMEPAGE];
    rec->summary = val[K_SUMMARY];
    if (n_lics) {
        rec->lics = cg_arena_calloc(a, n_lics, sizeof *rec->lics);
        if (!rec->lics)
            return CG_ERR_NOMEM;
        for (size_t i = 0; i < n_lics; i++)
            if (cg_license_map(a, lics[i], strlen(lics[i]), &rec->lics[rec->n_lics++]) != 0)
                return CG_ERR_NOMEM;
    }
    r->recs = rec;
    r->n_recs = 1;
    *out = r;
    return CG_OK;
}

/* ---------- Gemfile.lock ---------- */

static size_t indent(span line)
{
    size_t i = 0;
    while (i < line.n && line.p[i] == ' ')
        i++;
    return i;
}

/* "name (version)" -> name, version; false when the line is not that shape. */
static bool name_paren(span s, span *name, span *ver)
{
    const char *sp = memchr(s.p, ' ', s.n);
    if (!sp)
        return false;
    *name = (span){s.p, (size_t)(sp - s.p)};
    span rest = trim((span){sp + 1, s.n - name->n - 1});
    if (rest.n < 3 || rest.p[0] != '(' || rest.p[rest.n - 1] != ')')
        return false;
    *ver = trim((span){rest.p + 1, rest.n - 2});
    return clean_id(*name) && ver->n;
}

static cg_status finish_deps(cg_arena *a, cg_vec *deps, rb_rec *rec)
{
    if (!deps->n)
        return CG_OK;
    rec->deps = cg_arena_memdup(a, deps->v, deps->n * sizeof(char *));
    rec->n_deps = deps->n;
    deps->n = 0;
    return rec->deps ? CG_OK : CG_ERR_NOMEM;
}

static cg_status parse_lock(cg_cat_ctx *ctx, const cg_cat_file *f, rb_result **out)
{
    cg_arena *a = cg_cat_arena(ctx);
    const char *p = (const char *)f->data, *end = p + f->len;
    cg_vec recs = {0}, deps = {0};
    const char *section = NULL; /* NULL: not a section holding gems */
    bool in_specs = false, capped = false;
    size_t bad = 0, lineno = 0, bad_line = 0;
    cg_status st = CG_OK;
    span line;
    while (st == CG_OK && next_line(&p, end, &line)) {
        lineno++;
        if (!trim(line).n)
            continue;
        size_t ind = indent(line);
        span t = trim(line);
        if (ind == 0) { /* a section header */
            if (recs.n)
                st = finish_deps(a, &deps, &((rb_rec *)recs.v)[recs.n - 1]);
            in_specs = false;
            section = NULL;
            if ((t.n == 3 && !memcmp(t.p, "GEM", 3)))
                section = "gem";
            else if (t.n == 3 && !memcmp(t.p, "GIT", 3))
                section = "git";
            else if (t.n == 4 && !memcmp(t.p, "PATH", 4))
                section = "path";
            else if (t.n == 13 && !memcmp(t.p, "PLUGIN SOURCE", 13))
                section = "plugin";
            continue;
        }
        if (!section)
            continue;
        if (ind == 2) {
            in_specs = t.n == 6 && !memcmp(t.p, "specs:", 6);
            continue;
        }
        if (!in_specs)
            continue;
        span name, ver;
        if (ind == 4) {
            if (recs.n && (st = finish_deps(a, &deps, &((rb_rec *)recs.v)[recs.n - 1])) != CG_OK)
                break;
            if (!name_paren(t, &name, &ver)) {
                if (!bad++)
                    bad_line = lineno;
                continue;
            }
            if (recs.n >= RECS_MAX) {
                capped = true;
                break;
            }
            /* Bundler: "version-platform"; the version itself has no '-' */
            const char *dash = memchr(ver.p, '-', ver.n);
            span plat = {NULL, 0};
            if (dash) {
                plat = (span){dash + 1, (size_t)(ver.p + ver.n - dash - 1)};
                ver.n = (size_t)(dash - ver.p);
            }
            if (!clean_id(ver) || (plat.p && !clean_id(plat))) {
                if (!bad++)
                    bad_line = lineno;
                continue;
            }
            rb_rec rec = {0};
            rec.name = cg_arena_strndup(a, name.p, name.n);
            rec.version = cg_arena_strndup(a, ver.p, ver.n);
            rec.platform = plat.p ? cg_arena_strndup(a, plat.p, plat.n) : NULL;
            rec.source = strcmp(section, "gem") ? section : NULL;
            if (!rec.name || !rec.version || (plat.p && !rec.platform) || !cg_vec_push(&recs, &rec, sizeof rec))
                st = CG_ERR_NOMEM;
        } else if (ind == 6 && recs.n && deps.n < DEPS_MAX) {
            /* "      dep (>= 1.0)" or "      dep" */
            const char *sp = memchr(t.p, ' ', t.n);
            span dn = {t.p, sp ? (size_t)(sp - t.p) : t.n};
            if (clean_id(dn)) {
                const char *d = cg_arena_strndup(a, dn.p, dn.n);
                if (!d || !cg_vec_push(&deps, &d, sizeof d))
                    st = CG_ERR_NOMEM;
            }
        }
    }
    if (st == CG_OK && recs.n)
        st = finish_deps(a, &deps, &((rb_rec *)recs.v)[recs.n - 1]);
    if (st == CG_OK && bad)
        cg_cat_warn(ctx, "/%s: %zu spec line(s) not of the form \"name (version)\" ignored (first at line %zu)",
                    f->path, bad, bad_line);
    if (st == CG_OK && capped)
        cg_cat_warn(ctx, "/%s: more than %u gems; the rest are ignored", f->path, RECS_MAX);
    rb_result *r = NULL;
    if (st == CG_OK && recs.n) {
        r = cg_arena_calloc(a, 1, sizeof *r);
        if (r)
            r->recs = cg_arena_memdup(a, recs.v, recs.n * sizeof(rb_rec));
        if (!r || !r->recs)
            st = CG_ERR_NOMEM;
        else {
            r->n_recs = recs.n;
            r->lock = true;
            *out = r;
        }
    }
    free(recs.v);
    free(deps.v);
    return st;
}

static cg_status ruby_parse(cg_cat_ctx *ctx, const cg_cat_file *f, void **result, cg_error *err)
{
    rb_result *r = NULL;
    size_t pl = strlen(f->path);
    bool lock = pl >= 12 && !strcmp(f->path + pl - 12, "Gemfile.lock");
    if (!f->data)
        return CG_OK;
    cg_status st = lock ? parse_lock(ctx, f, &r) : parse_gemspec(ctx, f, &r);
    if (st != CG_OK)
        return cg_error_set(err, st, "ruby: out of memory");
    *result = r;
    return CG_OK;
}

/* ---------- finish ---------- */

/* For cg_cat_intro_layer: does a lower version of the file hold this exact gem? */
static bool same_rec(const void *result, const void *rec)
{
    const rb_result *r = result;
    const rb_rec *x = rec;
    /* a lock file can be long: look only while chains are short */
    if (r && r->n_recs > 2000)
        return false;
    for (size_t i = 0; r && i < r->n_recs; i++)
        if (!strcmp(r->recs[i].name, x->name) && !strcmp(r->recs[i].version, x->version))
            return true;
    return false;
}

static cg_status emit(cg_cat_ctx *ctx, const cg_cat_node *node, const rb_result *r, const rb_rec *rec)
{
    cg_arena *a = cg_cat_arena(ctx);
    cg_package *p = cg_cat_add_package(ctx);
    if (!p)
        return CG_ERR_NOMEM;
    p->type = "gem";
    p->name = rec->name;
    p->version = rec->version;
    p->description = rec->summary;
    p->licenses = rec->lics;
    p->n_licenses = rec->n_lics;
    p->cataloger = "ruby";
    p->layer = cg_cat_intro_layer(node, same_rec, rec);
    cg_status st = cg_cat_add_location(ctx, p, node->path, node->layer);
    if (st == CG_OK)
        st = cg_cat_add_prop(ctx, p, "cgate:gem:platform", rec->platform);
    if (st == CG_OK)
        st = cg_cat_add_prop(ctx, p, "cgate:gem:source", rec->source);
    if (st == CG_OK)
        st = cg_cat_add_prop(ctx, p, "cgate:gem:homepage", rec->homepage);
    if (st == CG_OK)
        st = cg_cat_add_prop(ctx, p, "cgate:gem:metadata-source", r->lock ? "Gemfile.lock" : "gemspec");
    if (st == CG_OK && rec->n_deps) {
        const char **d = cg_arena_memdup(a, rec->deps, rec->n_deps * sizeof *d);
        if (!d)
            return CG_ERR_NOMEM;
        qsort(d, rec->n_deps, sizeof *d, cg_strptr_cmp);
        size_t u = 0;
        for (size_t i = 0; i < rec->n_deps; i++)
            if (strcmp(d[i], rec->name) && (u == 0 || strcmp(d[u - 1], d[i])))
                d[u++] = d[i];
        p->depends = d;
        p->n_depends = u;
    }
    return st;
}

static cg_status ruby_finish(cg_cat_ctx *ctx, const cg_cat_node *const *nodes, size_t n, cg_error *err)
{
    for (size_t i = 0; i < n; i++) {
        const rb_result *r = nodes[i]->result;
        for (size_t k = 0; r && k < r->n_recs; k++)
            if (emit(ctx, nodes[i], r, &r->recs[k]) != CG_OK)
                return cg_error_set(err, CG_ERR_NOMEM, "ruby: out of memory");
    }
    return CG_OK;
}

const cg_cataloger cg_cataloger_ruby = {
    .name = "ruby",
    .purl_type = "gem",
    .wants = ruby_wants,
    .parse = ruby_parse,
    .finish = ruby_finish,
};

/*
 * engine.c - the secret matcher.  One Hyperscan block-mode database holds
 * every rule; a scan of a file reports (rule, end offset) hits, and only the
 * lines with hits are then run through the rule's POSIX regex to find the
 * exact match and its secret group.  Without SSSE3 (hs_valid_platform), or
 * for a custom rule Hyperscan rejects, the keyword prefilter picks the lines
 * instead; the POSIX step is the same, so both engines give the same
 * findings.  Matches are redacted here, before anything is stored: the
 * report never sees a secret.  Bounded: hits per file, line windows.
 */
#include <ctype.h>
#include <hs/hs.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cgate/buf.h"
#include "cgate/secrets.h"
#include "core/digest.h"
#include "core/outfile.h"
#include "core/readfile.h"
#include "core/vec.h"

#define MAX_HITS 4096
#define WINDOW 8192
#define MAX_MATCHES 256

typedef struct rule_rt {
    cg_secret_rule_def d;
    regex_t re;
    regex_t path_re;
    int has_path;
    const char **kw;
    size_t n_kw;
    int in_hs;
} rule_rt;

typedef struct allow_rt {
    const char *id;
    const char *rule; /* a rule's own allow rule: applies to that rule only; NULL = global */
    regex_t re, path_re;
    int has_re, has_path;
} allow_rt;

struct cg_secret_scanner {
    cg_arena arena;
    rule_rt *rules;
    size_t n;
    allow_rt *allow;
    size_t n_allow;
    hs_database_t *db;
    hs_scratch_t *scratch;
    int include_binary;
    int placeholders; /* the built-in "placeholders" allow rule is on */
    uint64_t max;
};

static int listed(const char *id, const char *const *ids, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(ids[i], id))
            return 1;
    return 0;
}

static cg_status add_rule(cg_secret_scanner *s, const cg_secret_rule_def *d, cg_vec *v, cg_error *err)
{
    rule_rt r;
    memset(&r, 0, sizeof r);
    r.d = *d;
    int rc = regcomp(&r.re, d->regex, REG_EXTENDED | (d->icase ? REG_ICASE : 0));
    if (rc) {
        char m[200];
        regerror(rc, &r.re, m, sizeof m);
        return cg_error_set(err, CG_ERR_INPUT, "secret rule %s: regex: %s", d->id, m);
    }
    if (d->path) {
        rc = regcomp(&r.path_re, d->path, REG_EXTENDED | REG_NOSUB);
        if (rc) {
            regfree(&r.re);
            return cg_error_set(err, CG_ERR_INPUT, "secret rule %s: path regex does not compile", d->id);
        }
        r.has_path = 1;
    }
    if (d->keywords && *d->keywords) {
        const char *kws[64];
        size_t n = 0;
        for (const char *p = d->keywords; *p && n < 64;) {
            const char *e = strchr(p, ',');
            size_t l = e ? (size_t)(e - p) : strlen(p);
            if (l) {
                char *k = cg_arena_strndup(&s->arena, p, l);
                for (char *q = k; q && *q; q++)
                    *q = (char)tolower((unsigned char)*q);
                if (k)
                    kws[n++] = k;
            }
            p += l + (e ? 1 : 0);
        }
        r.kw = cg_arena_calloc(&s->arena, n ? n : 1, sizeof *r.kw);
        if (r.kw) {
            memcpy(r.kw, kws, n * sizeof *kws);
            r.n_kw = n;
        }
    }
    if (!cg_vec_push(v, &r, sizeof r))
        return cg_error_set(err, CG_ERR_NOMEM, "secret rules: out of memory");
    return CG_OK;
}

static cg_status add_allow(cg_secret_scanner *s, const cg_secret_allow *a, const char *rule, cg_vec *v,
                           cg_error *err)
{
    allow_rt r;
    memset(&r, 0, sizeof r);
    r.id = a->id;
    r.rule = rule;
    (void)s;
    if (a->regex) {
        if (regcomp(&r.re, a->regex, REG_EXTENDED | REG_NOSUB))
            return cg_error_set(err, CG_ERR_INPUT, "secret allow rule %s: regex does not compile", a->id);
        r.has_re = 1;
    }
    if (a->path) {
        if (regcomp(&r.path_re, a->path, REG_EXTENDED | REG_NOSUB)) {
            if (r.has_re)
                regfree(&r.re);
            return cg_error_set(err, CG_ERR_INPUT, "secret allow rule %s: path regex does not compile", a->id);
        }
        r.has_path = 1;
    }
    if (!cg_vec_push(v, &r, sizeof r))
        return cg_error_set(err, CG_ERR_NOMEM, "secret rules: out of memory");
    return CG_OK;
}

/* The cache file of this rule set: the Hyperscan version, every expression
 * with its flags and id, hashed.  NULL when there is no cache directory. */
static const char *cache_path(cg_secret_scanner *s, const char *dir, const char **ex, const unsigned *flags,
                              const unsigned *ids, size_t k)
{
    if (!dir || !*dir)
        return NULL;
    cg_sha256 h;
    if (cg_sha256_init(&h) != CG_OK)
        return NULL;
    const char *v = hs_version();
    cg_sha256_update(&h, v, strlen(v) + 1);
    for (size_t i = 0; i < k; i++) {
        char num[32];
        int l = snprintf(num, sizeof num, "%u:%u:", flags[i], ids[i]);
        cg_sha256_update(&h, num, (size_t)l);
        cg_sha256_update(&h, ex[i], strlen(ex[i]) + 1);
    }
    char d[CG_DIGEST_STR_LEN + 1];
    cg_sha256_final_str(&h, d);
    cg_sha256_dispose(&h);
    return cg_arena_sprintf(&s->arena, "%s/secrets-%s.hsdb", dir, d + 7);
}

/* A cached database: only used when Hyperscan accepts it (it checks the
 * platform, version and its own checksum); anything else is recompiled. */
static void cache_load(cg_secret_scanner *s, const char *path)
{
    cg_buf b = CG_BUF_INIT;
    cg_error e;
    if (cg_read_file(path, 64u << 20, NULL, &b, &e) == CG_OK && b.len &&
        hs_deserialize_database(b.data, b.len, &s->db) != HS_SUCCESS)
        s->db = NULL;
    cg_buf_free(&b);
}

static void cache_store(cg_secret_scanner *s, const char *path)
{
    char *bytes = NULL;
    size_t len = 0;
    cg_error e;
    if (hs_serialize_database(s->db, &bytes, &len) == HS_SUCCESS)
        (void)cg_write_output(path, bytes, len, &e); /* temp file + rename; a failure only costs speed */
    free(bytes);
}

cg_status cg_secret_scanner_new(const cg_secret_opts *o, cg_secret_scanner **out, cg_error *err)
{
    static const cg_secret_opts none = {NULL, 0, 0, 0, NULL};
    if (!o)
        o = &none;
    *out = NULL;
    cg_secret_scanner *s = calloc(1, sizeof *s);
    if (!s)
        return cg_error_set(err, CG_ERR_NOMEM, "secret scanner: out of memory");
    cg_arena_init(&s->arena);
    s->include_binary = o->include_binary;
    s->max = o->max_file_bytes ? o->max_file_bytes : (10u << 20);
    const cg_secret_config *c = o->config;
    cg_vec rv = {0}, av = {0};
    cg_status st = CG_OK;
    size_t nb;
    const cg_secret_rule_def *b = cg_secret_builtin_rules(&nb);
    for (size_t i = 0; i < nb && st == CG_OK; i++) {
        if (c && c->enable_builtin_set && !listed(b[i].id, c->enable_builtin, c->n_enable_builtin))
            continue;
        if (c && listed(b[i].id, c->disable_rules, c->n_disable_rules))
            continue;
        st = add_rule(s, &b[i], &rv, err);
    }
    for (size_t i = 0; c && i < c->n_rules && st == CG_OK; i++)
        if (!listed(c->rules[i].id, c->disable_rules, c->n_disable_rules))
            st = add_rule(s, &c->rules[i], &rv, err);
    size_t na;
    const cg_secret_allow *ba = cg_secret_builtin_allow(&na);
    for (size_t i = 0; i < na && st == CG_OK; i++)
        if (!c || !listed(ba[i].id, c->disable_allow, c->n_disable_allow))
            st = add_allow(s, &ba[i], NULL, &av, err);
    for (size_t i = 0; c && i < c->n_allow && st == CG_OK; i++)
        st = add_allow(s, &c->allow[i], c->allow_rule ? c->allow_rule[i] : NULL, &av, err);
    s->placeholders = !c || !listed("placeholders", c->disable_allow, c->n_disable_allow);
    s->rules = rv.v;
    s->n = rv.n;
    s->allow = av.v;
    s->n_allow = av.n;
    if (st != CG_OK) {
        cg_secret_scanner_free(s);
        return st;
    }
    if (!o->no_hyperscan && hs_valid_platform() == HS_SUCCESS && s->n) {
        /* rules Hyperscan rejects (custom ones) stay on the keyword path */
        const char **ex = calloc(s->n, sizeof *ex);
        unsigned *flags = calloc(s->n, sizeof *flags), *ids = calloc(s->n, sizeof *ids);
        size_t k = 0;
        for (size_t i = 0; ex && flags && ids && i < s->n; i++) {
            hs_expr_info_t *info = NULL;
            hs_compile_error_t *ce = NULL;
            unsigned f = HS_FLAG_MULTILINE | HS_FLAG_PREFILTER | (s->rules[i].d.icase ? HS_FLAG_CASELESS : 0);
            if (hs_expression_info(s->rules[i].d.regex, f, &info, &ce) != HS_SUCCESS) {
                hs_free_compile_error(ce);
                continue;
            }
            free(info);
            ex[k] = s->rules[i].d.regex;
            flags[k] = f;
            ids[k] = (unsigned)i;
            s->rules[i].in_hs = 1;
            k++;
        }
        hs_compile_error_t *ce = NULL;
        const char *cpath = k ? cache_path(s, o->cache_dir, ex, flags, ids, k) : NULL;
        if (cpath)
            cache_load(s, cpath);
        if (!s->db && k && hs_compile_multi(ex, flags, ids, (unsigned)k, HS_MODE_BLOCK, NULL, &s->db, &ce) == HS_SUCCESS &&
            cpath)
            cache_store(s, cpath);
        if (s->db && hs_alloc_scratch(s->db, &s->scratch) == HS_SUCCESS) {
            /* ready */
        } else {
            hs_free_compile_error(ce);
            if (s->db)
                hs_free_database(s->db);
            s->db = NULL;
            for (size_t i = 0; i < s->n; i++)
                s->rules[i].in_hs = 0;
        }
        free(ex);
        free(flags);
        free(ids);
    }
    *out = s;
    return CG_OK;
}

void cg_secret_scanner_free(cg_secret_scanner *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        regfree(&s->rules[i].re);
        if (s->rules[i].has_path)
            regfree(&s->rules[i].path_re);
    }
    for (size_t i = 0; i < s->n_allow; i++) {
        if (s->allow[i].has_re)
            regfree(&s->allow[i].re);
        if (s->allow[i].has_path)
            regfree(&s->allow[i].path_re);
    }
    if (s->scratch)
        hs_free_scratch(s->scratch);
    if (s->db)
        hs_free_database(s->db);
    free(s->rules);
    free(s->allow);
    cg_arena_free(&s->arena);
    free(s);
}

const char *cg_secret_scanner_engine(const cg_secret_scanner *s)
{
    return s->db ? "hyperscan" : "posix-regex";
}

int cg_secret_path_allowed(const cg_secret_scanner *s, const char *path)
{
    while (*path == '/')
        path++;
    for (size_t i = 0; i < s->n_allow; i++)
        if (!s->allow[i].rule && s->allow[i].has_path && regexec(&s->allow[i].path_re, path, 0, NULL, 0) == 0)
            return 1;
    return 0;
}

/* A rule's own allow rules skip it on this path (rel: no leading '/'). */
static int rule_path_allowed(const cg_secret_scanner *s, const char *rule, const char *rel)
{
    for (size_t i = 0; i < s->n_allow; i++)
        if (s->allow[i].rule && !strcmp(s->allow[i].rule, rule) && s->allow[i].has_path &&
            regexec(&s->allow[i].path_re, rel, 0, NULL, 0) == 0)
            return 1;
    return 0;
}

/* Placeholders ("ghp_xxxx...", "sk_live_0000..."): a long value made of a
 * handful of distinct characters is not a generated token. */
static int low_variety(const char *v)
{
    /* the random part: after the last separator of a prefixed token (ghp_, sk_live_) */
    const char *t = v;
    for (const char *p = v; *p; p++)
        if ((*p == '_' || *p == '-' || *p == '.') && strlen(p + 1) >= 12)
            t = p + 1;
    unsigned char seen[256] = {0};
    size_t n = 0, len = 0;
    for (const unsigned char *p = (const unsigned char *)t; *p; p++, len++)
        if (!seen[*p]++)
            n++;
    return len >= 12 && n <= 4;
}

/* Trivy's reading: an allow rule's regex allows a match and its path allows
 * a file, each on its own; a rule's own allow rules only for that rule. */
static int value_allowed(const cg_secret_scanner *s, const char *rule, const char *v)
{
    if (s->placeholders && low_variety(v))
        return 1;
    for (size_t i = 0; i < s->n_allow; i++)
        if (s->allow[i].has_re && (!s->allow[i].rule || !strcmp(s->allow[i].rule, rule)) &&
            regexec(&s->allow[i].re, v, 0, NULL, 0) == 0)
            return 1;
    return 0;
}

typedef struct cand {
    size_t rule, line_start, pos;
} cand;

typedef struct hitctx {
    cg_vec *c;
    const uint8_t *buf;
    size_t len;
} hitctx;

static size_t line_start_of(const uint8_t *b, size_t pos)
{
    while (pos > 0 && b[pos - 1] != '\n')
        pos--;
    return pos;
}

static int on_hit(unsigned id, unsigned long long from, unsigned long long to, unsigned flags, void *ud)
{
    (void)from;
    (void)flags;
    hitctx *h = ud;
    if (h->c->n >= MAX_HITS)
        return 1;
    size_t pos = to > 0 ? (size_t)to - 1 : 0;
    cand c = {id, line_start_of(h->buf, pos), pos};
    const cand *v = h->c->v;
    if (h->c->n && v[h->c->n - 1].rule == id && v[h->c->n - 1].line_start == c.line_start)
        return 0;
    cg_vec_push(h->c, &c, sizeof c);
    return 0;
}

/* Case-insensitive search of a lower-case needle. */
static const uint8_t *find_ci(const uint8_t *h, size_t hl, const char *needle)
{
    size_t nl = strlen(needle);
    if (!nl || nl > hl)
        return NULL;
    unsigned char f0 = (unsigned char)needle[0], F0 = (unsigned char)toupper(f0);
    for (size_t i = 0; i + nl <= hl; i++) {
        if (h[i] != f0 && h[i] != F0)
            continue;
        size_t k = 1;
        while (k < nl && tolower(h[i + k]) == (unsigned char)needle[k])
            k++;
        if (k == nl)
            return h + i;
    }
    return NULL;
}

static int cand_cmp(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->line_start != y->line_start)
        return x->line_start < y->line_start ? -1 : 1;
    if (x->rule != y->rule)
        return x->rule < y->rule ? -1 : 1;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

typedef struct match {
    size_t rule, s, e;  /* secret byte range in the file */
    size_t line_start;
    int line;
} match;

static int match_cmp(const void *a, const void *b)
{
    const match *x = a, *y = b;
    if (x->s != y->s)
        return x->s < y->s ? -1 : 1;
    return x->rule < y->rule ? -1 : x->rule > y->rule;
}

/* A redacted copy of the line around m (at most ~240 bytes), every secret
 * range of the file that falls in it replaced by '*'. */
static const char *redacted_line(cg_arena *a, const uint8_t *buf, size_t len, const match *m, const match *all,
                                 size_t n_all)
{
    size_t ls = m->line_start, le = ls;
    while (le < len && buf[le] != '\n')
        le++;
    if (le > ls && buf[le - 1] == '\r')
        le--;
    size_t ws = ls, we = le;
    if (m->s > ws + 100)
        ws = m->s - 100;
    if (we > m->e + 100)
        we = m->e + 100;
    if (we < ws)
        we = ws;
    char *out = cg_arena_alloc(a, we - ws + 1);
    if (!out)
        return "";
    for (size_t i = ws; i < we; i++) {
        unsigned char c = buf[i];
        out[i - ws] = (char)(c < 0x20 || c == 0x7f ? ' ' : c);
    }
    out[we - ws] = 0;
    for (size_t k = 0; k < n_all; k++) {
        size_t s = all[k].s > ws ? all[k].s : ws, e = all[k].e < we ? all[k].e : we;
        for (size_t i = s; i < e; i++)
            out[i - ws] = '*';
    }
    /* a secret cut by the window edge is censored to the edge too */
    return out;
}

cg_status cg_secret_scan_buf(cg_secret_scanner *s, const char *path, const uint8_t *buf, size_t len,
                             const cg_secret *tmpl, cg_findings *out, size_t *nfound, cg_error *err)
{
    if (nfound)
        *nfound = 0;
    if (!len || len > s->max)
        return CG_OK;
    if (!s->include_binary && memchr(buf, 0, len < 8192 ? len : 8192))
        return CG_OK;
    const char *rel = path;
    while (*rel == '/')
        rel++;
    if (cg_secret_path_allowed(s, rel))
        return CG_OK;
    /* rules that apply to this path */
    unsigned char pathok[256];
    size_t nr = s->n < 256 ? s->n : 256;
    for (size_t i = 0; i < nr; i++)
        pathok[i] = (!s->rules[i].has_path || regexec(&s->rules[i].path_re, rel, 0, NULL, 0) == 0) &&
                    !rule_path_allowed(s, s->rules[i].d.id, rel);
    cg_vec cv = {0};
    hitctx h = {&cv, buf, len};
    if (s->db) {
        if (len > 0xFFFFFFFFu)
            return CG_OK;
        hs_error_t e = hs_scan(s->db, (const char *)buf, (unsigned)len, 0, s->scratch, on_hit, &h);
        if (e != HS_SUCCESS && e != HS_SCAN_TERMINATED) {
            free(cv.v);
            return cg_error_set(err, CG_ERR_INTERNAL, "%s: Hyperscan scan failed (%d)", path, (int)e);
        }
    }
    /* keyword path for rules not in the database */
    for (size_t r = 0; r < nr && cv.n < MAX_HITS; r++) {
        const rule_rt *rt = &s->rules[r];
        if (rt->in_hs || !pathok[r])
            continue;
        if (!rt->n_kw) {
            for (size_t p = 0; p < len && cv.n < MAX_HITS;) {
                cand c = {r, p, p};
                cg_vec_push(&cv, &c, sizeof c);
                const uint8_t *nl = memchr(buf + p, '\n', len - p);
                p = nl ? (size_t)(nl - buf) + 1 : len;
            }
            continue;
        }
        for (size_t k = 0; k < rt->n_kw; k++) {
            size_t p = 0;
            for (const uint8_t *f; p < len && cv.n < MAX_HITS && (f = find_ci(buf + p, len - p, rt->kw[k]));) {
                size_t pos = (size_t)(f - buf);
                cand c = {r, line_start_of(buf, pos), pos};
                cg_vec_push(&cv, &c, sizeof c);
                const uint8_t *nl = memchr(buf + pos, '\n', len - pos);
                p = nl ? (size_t)(nl - buf) + 1 : len;
            }
        }
    }
    if (!cv.n) {
        free(cv.v);
        return CG_OK;
    }
    cand *cs = cv.v;
    qsort(cs, cv.n, sizeof *cs, cand_cmp);
    match ms[MAX_MATCHES];
    size_t nm = 0;
    cg_buf line = CG_BUF_INIT;
    int lineno = 1;
    size_t counted = 0;
    for (size_t i = 0; i < cv.n && nm < MAX_MATCHES; i++) {
        if (i && cs[i].rule == cs[i - 1].rule && cs[i].line_start == cs[i - 1].line_start)
            continue;
        size_t r = cs[i].rule;
        if (r >= nr || !pathok[r])
            continue;
        size_t ls = cs[i].line_start, le = ls;
        while (le < len && buf[le] != '\n')
            le++;
        /* a window around the hit on very long lines */
        size_t ws = ls, we = le;
        if (we - ws > 2 * WINDOW) {
            ws = cs[i].pos > ls + WINDOW ? cs[i].pos - WINDOW : ls;
            we = ws + 2 * WINDOW < le ? ws + 2 * WINDOW : le;
        }
        cg_buf_reset(&line);
        if (cg_buf_append(&line, buf + ws, we - ws) != CG_OK)
            break;
        /* regexec needs a C string: a NUL byte becomes \x01, which every
         * POSIX class treats as Hyperscan treats NUL (both are [:cntrl:], in
         * every negated list, in no other class).  So a NUL is a token
         * boundary for both engines and they agree on binary input too. */
        for (size_t k = 0; k < line.len; k++)
            if (!line.data[k])
                line.data[k] = '\x01';
        while (counted < ls) { /* line numbers, counted once in order */
            const uint8_t *nl = memchr(buf + counted, '\n', ls - counted);
            if (!nl)
                break;
            lineno++;
            counted = (size_t)(nl - buf) + 1;
        }
        counted = ls > counted ? ls : counted;
        const rule_rt *rt = &s->rules[r];
        regmatch_t rm[10];
        size_t off = 0;
        for (int guard = 0; guard < 64 && off <= line.len && nm < MAX_MATCHES; guard++) {
            int eflags = (off > 0 || ws > ls) ? REG_NOTBOL : 0;
            if (regexec(&rt->re, line.data + off, 10, rm, eflags) != 0)
                break;
            int g = rt->d.group >= 0 && rt->d.group < 10 ? rt->d.group : 0;
            if (rm[g].rm_so < 0)
                g = 0;
            size_t ss = off + (size_t)rm[g].rm_so, se = off + (size_t)rm[g].rm_eo;
            size_t next = off + (size_t)(rm[0].rm_eo > rm[0].rm_so ? rm[0].rm_eo : rm[0].rm_so + 1);
            if (!strcmp(rt->d.id, "private-key")) {
                /* the key body: to an -----END marker on this line, or the line's end */
                ss = off + (size_t)rm[0].rm_eo;
                char *endm = strstr(line.data + ss, "-----END");
                se = endm ? (size_t)(endm - line.data) : line.len;
                next = se + 1;
            }
            char *val = cg_arena_strndup(&out->arena, line.data + ss, se - ss);
            int allowed = val && se > ss && value_allowed(s, rt->d.id, val);
            if (!allowed && val && se > ss && strcmp(rt->d.id, "private-key") != 0) {
                /* whole match checked too: an example line stays an example */
                char *whole = cg_arena_strndup(&out->arena, line.data + off + rm[0].rm_so,
                                               (size_t)(rm[0].rm_eo - rm[0].rm_so));
                allowed = whole && value_allowed(s, rt->d.id, whole);
            }
            if (val)
                memset(val, 0, se - ss); /* do not keep the secret around */
            if (!allowed) {
                match m = {r, ws + ss, ws + se, ls, lineno};
                if (!strcmp(rt->d.id, "private-key") && se == ss)
                    m.e = m.s; /* BEGIN line alone: the body follows on later lines */
                ms[nm++] = m;
            }
            if (next <= off)
                break;
            off = next;
        }
    }
    cg_buf_free(&line);
    free(cv.v);
    if (!nm)
        return CG_OK;
    qsort(ms, nm, sizeof *ms, match_cmp);
    for (size_t i = 0; i < nm; i++) {
        const rule_rt *rt = &s->rules[ms[i].rule];
        cg_secret *f = cg_findings_add_secret(out);
        if (!f)
            return cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", path);
        if (tmpl) {
            f->layer = tmpl->layer;
            f->layer_digest = tmpl->layer_digest;
            f->layer_diff_id = tmpl->layer_diff_id;
            f->deleted_in = tmpl->deleted_in;
            f->source = tmpl->source;
        }
        f->target = cg_arena_strdup(&out->arena, path);
        f->rule_id = cg_arena_strdup(&out->arena, rt->d.id);
        f->category = cg_arena_strdup(&out->arena, rt->d.category ? rt->d.category : "general");
        f->title = cg_arena_strdup(&out->arena, rt->d.title ? rt->d.title : rt->d.id);
        f->severity = rt->d.severity;
        f->start_line = f->end_line = ms[i].line;
        f->match = redacted_line(&out->arena, buf, len, &ms[i], ms, nm);
        f->lines = cg_arena_calloc(&out->arena, 1, sizeof *f->lines);
        if (f->lines) {
            f->lines[0].number = ms[i].line;
            f->lines[0].content = f->match;
            f->lines[0].is_cause = 1;
            f->n_lines = 1;
        }
        if (nfound)
            (*nfound)++;
    }
    return CG_OK;
}

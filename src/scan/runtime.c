/*
 * runtime.c - runtime evidence readers (Falco JSON lines, strace logs, plain
 * path lists), streamed line by line with a fixed line cap so memory does
 * not grow with the number of events; each successful open/exec is resolved
 * in the image (runtime_image.c) and marks the owning packages loaded (a
 * path inside a jar, "x.jar!/a/B.class", the packages of that archive).
 * Also writes a finding's "runtime" member and the OpenVEX document.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cgate/scan.h"
#include "core/digest.h"
#include "core/json.h"
#include "core/jwrite.h"
#include "core/rfc3339.h"
#include "scan/runtime_int.h"
#include "scan/scan_int.h"

#define RT_LINE_MAX (64u * 1024u)
#define RT_PENDING 64

enum { FMT_UNKNOWN, FMT_FALCO, FMT_STRACE, FMT_PATHS };
static const char *const fmt_names[] = {"unknown", "falco", "strace", "paths"};

typedef struct rt_pending {
    long pid;
    int used;
    size_t len;
    char path[RT_MAX_PATH + 1];
} rt_pending;

typedef struct rt_ctx {
    const rt_index *ix;
    cg_runtime *rt;
    const cg_image_info *im;
    cg_rt_file *file;
    int fmt;
    char from[64], to[64];
    rt_pending *pending; /* RT_PENDING slots */
    char rbuf[RT_MAX_PATH + 1];
    const char *cur_path;
    size_t cur_len;
    cg_error *err;
    cg_status st;
} rt_ctx;

static void mark(void *ud, size_t pkg)
{
    rt_ctx *c = ud;
    cg_runtime *rt = c->rt;
    rt->loaded[pkg] = 1;
    unsigned char k = rt->n_evidence[pkg];
    if (k >= CG_RT_MAX_EVIDENCE)
        return;
    for (unsigned i = 0; i < k; i++)
        if (strlen(rt->evidence[pkg][i]) == c->cur_len && !memcmp(rt->evidence[pkg][i], c->cur_path, c->cur_len))
            return;
    const char *s = cg_arena_strndup(&rt->arena, c->cur_path, c->cur_len);
    if (s) {
        rt->evidence[pkg][k] = s;
        rt->n_evidence[pkg] = (unsigned char)(k + 1);
    }
}

static const char *find_first(const char *s, size_t n, const char *pat)
{
    size_t k = strlen(pat);
    for (size_t i = 0; i + k <= n; i++)
        if (!memcmp(s + i, pat, k))
            return s + i;
    return NULL;
}

static const char *find_last(const char *s, size_t n, const char *pat);

static int archive_name(const char *s, size_t n)
{
    static const char *const ext[] = {".jar", ".war", ".ear", ".par", ".jpi", ".hpi"};
    for (size_t i = 0; i < sizeof ext / sizeof *ext; i++)
        if (n > 4 && !strncasecmp(s + n - 4, ext[i], 4))
            return 1;
    return 0;
}

/* "/app/x.jar!/lib/y.jar!/a/B.class" (a class or an archive inside a jar, as
 * JVM class-loading logs name them): the packages read from the innermost
 * archive it names; when that archive has none of its own, the owners of the
 * outer file (the jar was opened: everything in it may be used). */
static void apply_in_archive(rt_ctx *c, const char *p, size_t len, const char *bang)
{
    cg_runtime *rt = c->rt;
    size_t ol = (size_t)(bang - p), rl;
    if (rt_resolve(c->ix, p, ol, c->rbuf, sizeof c->rbuf, &rl) != 0 || rl == 0) {
        rt->unresolved++;
        return;
    }
    const char *inner = bang + 1; /* "/lib/y.jar!/a/B.class" */
    size_t il = len - ol - 1;
    const char *last = find_last(inner, il, "!/");
    const char *seg = last ? last + 2 : inner + 1;
    size_t segl = (size_t)(inner + il - seg);
    while (segl && seg[segl - 1] == '/')
        segl--;
    size_t keep = archive_name(seg, segl) ? (size_t)(seg + segl - inner) : last ? (size_t)(last - inner) : 0;
    char key[2 * RT_MAX_PATH + 4];
    if (rl + 1 + keep >= sizeof key) {
        rt->unresolved++;
        return;
    }
    memcpy(key, c->rbuf, rl);
    key[rl] = '!';
    memcpy(key + rl + 1, inner, keep);
    c->cur_path = p;
    c->cur_len = len;
    if (!rt_archive_owners(c->ix, key, rl + 1 + keep, mark, c) && !rt_owners(c->ix, c->rbuf, rl, mark, c))
        rt->unowned++;
}

/* One successful open or exec of path. */
static void apply(rt_ctx *c, const char *p, size_t len)
{
    cg_runtime *rt = c->rt;
    rt->events++;
    size_t rl;
    const char *bang = memchr(p, 0, len) ? NULL : find_first(p, len, "!/");
    if (bang && bang > p) {
        apply_in_archive(c, p, len, bang);
        return;
    }
    if (memchr(p, 0, len) || rt_resolve(c->ix, p, len, c->rbuf, sizeof c->rbuf, &rl) != 0) {
        rt->unresolved++;
        return;
    }
    c->cur_path = p;
    c->cur_len = len;
    if (rl == 0 || !rt_owners(c->ix, c->rbuf, rl, mark, c))
        rt->unowned++;
}

static void window(rt_ctx *c, const char *t, size_t n)
{
    if (n == 0 || n >= sizeof c->from)
        return;
    char v[64];
    memcpy(v, t, n);
    v[n] = 0;
    if (!c->from[0] || strcmp(v, c->from) < 0)
        memcpy(c->from, v, n + 1);
    if (!c->to[0] || strcmp(v, c->to) > 0)
        memcpy(c->to, v, n + 1);
}

static int hexdigest(const char *s)
{
    if (strlen(s) != 64)
        return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return 0;
    return 1;
}

/* Evidence names image digest d: it must be this image's. */
static void check_digest(rt_ctx *c, const char *d, size_t n)
{
    char v[80];
    while (n && (d[n - 1] == ' ' || d[n - 1] == '\t' || d[n - 1] == '\r'))
        n--;
    while (n && (*d == ' ' || *d == '\t')) {
        d++;
        n--;
    }
    if (n == 0 || c->st != CG_OK)
        return;
    if (n >= sizeof v - 8) {
        c->st = cg_error_set(c->err, CG_ERR_INPUT, "runtime evidence %s: image digest \"%.*s...\" is malformed",
                             c->file->path, 20, d);
        return;
    }
    memcpy(v, d, n);
    v[n] = 0;
    if (hexdigest(v)) {
        memmove(v + 7, v, n + 1);
        memcpy(v, "sha256:", 7);
    }
    if (!c->file->digest)
        c->file->digest = cg_arena_strdup(&c->rt->arena, v);
    const char *m = c->im ? c->im->manifest_digest : NULL, *cf = c->im ? c->im->config_digest : NULL;
    if ((m && !strcmp(m, v)) || (cf && !strcmp(cf, v)))
        return;
    c->st = cg_error_set(c->err, CG_ERR_INPUT,
                         "runtime evidence %s was taken from image %s, not from this image (%s): refused",
                         c->file->path, v, m ? m : cf ? cf : "no digest");
}

static int starts(const char *s, size_t n, const char *pre)
{
    size_t k = strlen(pre);
    return n >= k && !memcmp(s, pre, k);
}

static void comment(rt_ctx *c, const char *l, size_t n)
{
    l++;
    n--;
    while (n && *l == ' ') {
        l++;
        n--;
    }
    if (starts(l, n, "image:"))
        check_digest(c, l + 6, n - 6);
    else if (starts(l, n, "from:") || starts(l, n, "to:")) {
        size_t k = l[0] == 'f' ? 5 : 3;
        const char *t = l + k;
        size_t tn = n - k;
        while (tn && *t == ' ') {
            t++;
            tn--;
        }
        while (tn && (t[tn - 1] == ' ' || t[tn - 1] == '\r'))
            tn--;
        window(c, t, tn);
    }
}

/* ---- Falco ---- */
static void falco_line(rt_ctx *c, const char *l, size_t n)
{
    json_t *j = NULL;
    cg_error e;
    if (cg_json_parse(l, n, "falco event", &j, &e) != CG_OK || !json_is_object(j)) {
        c->rt->bad_lines++;
        json_decref(j);
        return;
    }
    json_t *of = json_object_get(j, "output_fields");
    if (!json_is_object(of)) {
        c->rt->bad_lines++;
        json_decref(j);
        return;
    }
    const char *dig = cg_json_str(of, "container.image.digest");
    if (dig && *dig && strcmp(dig, "<NA>") != 0)
        check_digest(c, dig, strlen(dig));
    const char *t = cg_json_str(j, "time");
    const char *type = cg_json_str(of, "evt.type");
    const char *res = cg_json_str(of, "evt.res");
    const char *path = NULL;
    if (!type || !strcmp(type, "open") || !strcmp(type, "openat") || !strcmp(type, "openat2"))
        path = cg_json_str(of, "fd.name");
    else if (!strcmp(type, "execve") || !strcmp(type, "execveat"))
        path = cg_json_str(of, "proc.exepath");
    json_t *pv = NULL;
    if (path) { /* the length, so a NUL byte inside is seen */
        pv = json_object_get(of, type && (!strcmp(type, "execve") || !strcmp(type, "execveat")) ? "proc.exepath"
                                                                                              : "fd.name");
    }
    if (c->st == CG_OK && path) {
        if (t)
            window(c, t, strlen(t));
        if (res && strcmp(res, "SUCCESS") != 0 && strcmp(res, "0") != 0)
            c->rt->failed++;
        else
            apply(c, path, json_string_length(pv));
    }
    json_decref(j);
}

/* ---- strace ---- */
/* Decode the C-escaped string starting after '"' at s; returns the length
 * consumed up to and including the closing quote, or 0 when it never closes. */
static size_t cstr(const char *s, size_t n, char *out, size_t cap, size_t *olen)
{
    size_t i = 0, o = 0;
    while (i < n) {
        char ch = s[i++];
        if (ch == '"') {
            *olen = o;
            return i;
        }
        if (ch == '\\' && i < n) {
            char e = s[i++];
            switch (e) {
            case 'n': ch = '\n'; break;
            case 't': ch = '\t'; break;
            case 'r': ch = '\r'; break;
            case 'v': ch = '\v'; break;
            case 'f': ch = '\f'; break;
            case 'x': {
                unsigned v = 0;
                for (int k = 0; k < 2 && i < n; k++, i++) {
                    char h = s[i];
                    unsigned d = h >= '0' && h <= '9' ? (unsigned)(h - '0')
                               : h >= 'a' && h <= 'f' ? (unsigned)(h - 'a' + 10)
                               : h >= 'A' && h <= 'F' ? (unsigned)(h - 'A' + 10) : 99u;
                    if (d == 99u)
                        break;
                    v = v * 16 + d;
                }
                ch = (char)v;
                break;
            }
            default:
                if (e >= '0' && e <= '7') {
                    unsigned v = (unsigned)(e - '0');
                    for (int k = 0; k < 2 && i < n && s[i] >= '0' && s[i] <= '7'; k++, i++)
                        v = v * 8 + (unsigned)(s[i] - '0');
                    ch = (char)v;
                } else
                    ch = e;
            }
        }
        if (o + 1 >= cap)
            return 0;
        out[o++] = ch;
    }
    return 0;
}

static int traced(const char *name, size_t n)
{
    static const char *const names[] = {"open", "openat", "openat2", "execve", "execveat", "creat"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strlen(names[i]) == n && !memcmp(names[i], name, n))
            return 1;
    return 0;
}

static const char *find_last(const char *s, size_t n, const char *pat)
{
    size_t k = strlen(pat);
    for (size_t i = n; i >= k; i--)
        if (!memcmp(s + i - k, pat, k))
            return s + i - k;
    return NULL;
}

static void strace_line(rt_ctx *c, const char *l, size_t n)
{
    const char *p = l, *e = l + n;
    long pid = 0;
    if (starts(p, (size_t)(e - p), "[pid")) {
        p += 4;
        while (p < e && *p == ' ')
            p++;
        for (; p < e && *p >= '0' && *p <= '9'; p++) /* digits past 9 are read, not counted: no overflow */
            if (pid < 100000000)
                pid = pid * 10 + (*p - '0');
        if (p < e && *p == ']')
            p++;
    } else {
        const char *q = p;
        long v = 0;
        while (q < e && *q >= '0' && *q <= '9' && v < 100000000)
            v = v * 10 + (*q++ - '0');
        if (q > p && q < e && *q == ' ') {
            pid = v;
            p = q;
        }
    }
    while (p < e && *p == ' ')
        p++;
    if (p < e && *p >= '0' && *p <= '9') { /* -t / -tt / -ttt timestamp */
        const char *ts = p;
        while (p < e && *p != ' ')
            p++;
        window(c, ts, (size_t)(p - ts));
        while (p < e && *p == ' ')
            p++;
    }
    if (p == e || *p == '+' || *p == '-')
        return; /* "+++ exited", "--- SIGCHLD" */
    rt_pending *slot = &c->pending[(unsigned long)pid % RT_PENDING];
    char path[RT_MAX_PATH + 1];
    size_t plen = 0;
    if (starts(p, (size_t)(e - p), "<... ")) {
        const char *nm = p + 5, *ne = nm;
        while (ne < e && *ne != ' ')
            ne++;
        if (!traced(nm, (size_t)(ne - nm)))
            return;
        if (!slot->used || slot->pid != pid) {
            c->rt->bad_lines++;
            return;
        }
        memcpy(path, slot->path, slot->len);
        plen = slot->len;
        slot->used = 0;
    } else {
        const char *nm = p;
        while (p < e && ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            p++;
        if (p == e || *p != '(' || !traced(nm, (size_t)(p - nm)))
            return;
        const char *q = memchr(p, '"', (size_t)(e - p));
        size_t used = q ? cstr(q + 1, (size_t)(e - q - 1), path, sizeof path, &plen) : 0;
        if (!used) {
            c->rt->bad_lines++;
            return;
        }
        if (find_last(q, (size_t)(e - q), "<unfinished ...>")) {
            slot->pid = pid;
            slot->used = 1;
            slot->len = plen;
            memcpy(slot->path, path, plen);
            return;
        }
    }
    const char *r = find_last(l, n, ") = ");
    if (!r) {
        r = find_last(l, n, "> = "); /* "<... openat resumed> = 3" (no ')') */
        if (!r) {
            c->rt->bad_lines++;
            return;
        }
    }
    r += 4;
    if (r < e && *r == '-')
        c->rt->failed++;
    else if (r < e && *r >= '0' && *r <= '9')
        apply(c, path, plen);
    else
        c->rt->bad_lines++;
}

static void paths_line(rt_ctx *c, const char *l, size_t n)
{
    while (n && (l[n - 1] == ' ' || l[n - 1] == '\t'))
        n--;
    if (n == 0)
        return;
    if (starts(l, n, "jar:file:") || starts(l, n, "file:")) { /* URLs of JVM class-loading logs */
        size_t k = l[0] == 'j' ? 9 : 5;
        l += k;
        n -= k;
    }
    if (n == 0 || l[0] != '/') {
        c->rt->bad_lines++;
        return;
    }
    apply(c, l, n);
}

static void line(rt_ctx *c, const char *l, size_t n)
{
    if (n && l[n - 1] == '\r')
        n--;
    size_t i = 0;
    while (i < n && (l[i] == ' ' || l[i] == '\t'))
        i++;
    if (i == n)
        return;
    if (l[i] == '#') {
        comment(c, l + i, n - i);
        return;
    }
    if (c->fmt == FMT_UNKNOWN)
        c->fmt = l[i] == '{'                                                    ? FMT_FALCO
                 : l[i] == '/' || starts(l + i, n - i, "jar:file:/") || starts(l + i, n - i, "file:/") ? FMT_PATHS
                                                                                         : FMT_STRACE;
    switch (c->fmt) {
    case FMT_FALCO: falco_line(c, l + i, n - i); break;
    case FMT_PATHS: paths_line(c, l + i, n - i); break;
    default: strace_line(c, l + i, n - i); break;
    }
}

static cg_status read_one(rt_ctx *c, const char *path, FILE *given)
{
    FILE *f = given ? given : fopen(path, "rb");
    if (!f)
        return cg_error_set(c->err, errno == ENOENT ? CG_ERR_INPUT : CG_ERR_IO, "runtime evidence %s: %s", path,
                            strerror(errno));
    cg_sha256 h;
    if (cg_sha256_init(&h) != CG_OK) {
        if (!given)
            fclose(f);
        return cg_error_set(c->err, CG_ERR_INTERNAL, "sha256 unavailable");
    }
    char *buf = malloc(RT_LINE_MAX + 65536);
    if (!buf) {
        cg_sha256_dispose(&h);
        if (!given)
            fclose(f);
        return cg_error_set(c->err, CG_ERR_NOMEM, "out of memory reading %s", path);
    }
    size_t have = 0;
    int skipping = 0; /* inside an over-long line */
    c->fmt = FMT_UNKNOWN;
    for (;;) {
        size_t got = fread(buf + have, 1, RT_LINE_MAX + 65536 - have, f);
        if (got == 0)
            break;
        cg_sha256_update(&h, buf + have, got);
        have += got;
        size_t start = 0;
        for (;;) {
            char *nl = memchr(buf + start, '\n', have - start);
            if (!nl)
                break;
            size_t e = (size_t)(nl - buf);
            if (skipping)
                skipping = 0;
            else
                line(c, buf + start, e - start);
            start = e + 1;
            if (c->st != CG_OK)
                break;
        }
        if (c->st != CG_OK)
            break;
        memmove(buf, buf + start, have - start);
        have -= start;
        if (have > RT_LINE_MAX) { /* over-long line: skip to its end */
            if (!skipping)
                c->rt->bad_lines++;
            skipping = 1;
            have = 0;
        }
    }
    int rerr = ferror(f);
    if (!given)
        fclose(f);
    if (c->st == CG_OK && have && !skipping) { /* a last line without '\n' */
        if (c->fmt == FMT_PATHS || (c->fmt == FMT_UNKNOWN && buf[0] == '/'))
            line(c, buf, have);
        else if (buf[0] != '#')
            c->rt->bad_lines++; /* truncated event */
    }
    free(buf);
    cg_sha256_final_str(&h, c->file->sha256);
    cg_sha256_dispose(&h);
    c->file->format = fmt_names[c->fmt];
    if (c->st != CG_OK)
        return c->st;
    if (rerr)
        return cg_error_set(c->err, CG_ERR_IO, "runtime evidence %s: read error", path);
    return CG_OK;
}

cg_runtime *rt_runtime_new(size_t n_pkgs)
{
    cg_runtime *rt = calloc(1, sizeof *rt);
    if (!rt)
        return NULL;
    cg_arena_init(&rt->arena);
    rt->n_pkgs = n_pkgs;
    size_t np = n_pkgs ? n_pkgs : 1;
    rt->loaded = cg_arena_calloc(&rt->arena, np, 1);
    rt->n_evidence = cg_arena_calloc(&rt->arena, np, 1);
    rt->known = cg_arena_calloc(&rt->arena, np, 1);
    rt->evidence = cg_arena_calloc(&rt->arena, np, sizeof *rt->evidence);
    if (!rt->loaded || !rt->n_evidence || !rt->known || !rt->evidence) {
        cg_runtime_free(rt);
        return NULL;
    }
    return rt;
}

cg_status rt_read(const rt_index *ix, cg_runtime *rt, const cg_image_info *im, const char *name, FILE *f,
                  cg_error *err)
{
    if (rt->n_files >= CG_RT_MAX_FILES)
        return cg_error_set(err, CG_ERR_USAGE, "at most %d runtime evidence files", CG_RT_MAX_FILES);
    rt_pending *pending = calloc(RT_PENDING, sizeof *pending);
    rt_ctx *c = calloc(1, sizeof *c);
    if (!pending || !c) {
        free(pending);
        free(c);
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    }
    c->ix = ix;
    c->rt = rt;
    c->im = im;
    c->pending = pending;
    c->err = err;
    if (rt->from && strlen(rt->from) < sizeof c->from)
        memcpy(c->from, rt->from, strlen(rt->from) + 1);
    if (rt->to && strlen(rt->to) < sizeof c->to)
        memcpy(c->to, rt->to, strlen(rt->to) + 1);
    c->file = &rt->files[rt->n_files++];
    c->file->path = cg_arena_strdup(&rt->arena, name);
    cg_status st = c->file->path ? read_one(c, name, f) : cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    if (st == CG_OK) {
        if (c->from[0] && (!rt->from || strcmp(rt->from, c->from)))
            rt->from = cg_arena_strdup(&rt->arena, c->from);
        if (c->to[0] && (!rt->to || strcmp(rt->to, c->to)))
            rt->to = cg_arena_strdup(&rt->arena, c->to);
        if ((c->from[0] && !rt->from) || (c->to[0] && !rt->to))
            st = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    }
    free(pending);
    free(c);
    return st;
}

cg_status cg_runtime_collect(cg_image *img, const cg_sbom *sbom, const char *const *files, size_t n_files,
                             cg_runtime **out, cg_error *err)
{
    *out = NULL;
    if (n_files > CG_RT_MAX_FILES)
        return cg_error_set(err, CG_ERR_USAGE, "at most %d runtime evidence files", CG_RT_MAX_FILES);
    cg_runtime *rt = rt_runtime_new(sbom->n_pkgs);
    if (!rt)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    rt_index ix;
    cg_status st = rt_index_build(img, sbom, &ix, rt->known, err);
    for (size_t i = 0; st == CG_OK && i < n_files; i++)
        st = rt_read(&ix, rt, &sbom->image, files[i], NULL, err);
    rt_index_free(&ix);
    if (st != CG_OK) {
        cg_runtime_free(rt);
        return st;
    }
    *out = rt;
    return CG_OK;
}

void cg_runtime_free(cg_runtime *rt)
{
    if (!rt)
        return;
    cg_arena_free(&rt->arena);
    free(rt);
}

void cg_runtime_write_window(const cg_runtime *rt, cg_jw *w)
{
    cg_jw_key(w, "window");
    cg_jw_open(w, "{");
    cg_jw_kstr(w, "from", rt->from);
    cg_jw_kstr(w, "to", rt->to);
    cg_jw_kint(w, "events", (long long)rt->events);
    cg_jw_close(w, "}");
}

void cg_runtime_write_finding(const cg_runtime *rt, size_t pkg, cg_jw *w)
{
    if (!rt || pkg >= rt->n_pkgs)
        return;
    cg_jw_key(w, "runtime");
    cg_jw_open(w, "{");
    cg_jw_kbool(w, "loaded", rt->loaded[pkg]);
    if (!rt->known[pkg])
        cg_jw_kbool(w, "filesKnown", 0); /* no file of it is known: "false" is no claim */
    cg_jw_kstrs(w, "evidence", rt->evidence[pkg], rt->n_evidence[pkg], 1);
    cg_runtime_write_window(rt, w);
    cg_jw_close(w, "}");
}

void cg_runtime_write_summary(const cg_runtime *rt, cg_jw *w)
{
    if (!rt)
        return;
    char ev[CG_RT_MAX_FILES * 80] = "", win[200];
    size_t off = 0;
    for (size_t i = 0; i < rt->n_files && off < sizeof ev; i++)
        off += (size_t)snprintf(ev + off, sizeof ev - off, "%s%s", i ? ", " : "", rt->files[i].sha256);
    snprintf(win, sizeof win, "%s..%s, %llu events", rt->from ? rt->from : "unknown", rt->to ? rt->to : "unknown",
             (unsigned long long)rt->events);
    cg_jw_key(w, "runtime");
    cg_jw_open(w, "{");
    cg_jw_kstr(w, "evidence", ev);
    cg_jw_kstr(w, "window", win);
    cg_jw_key(w, "files");
    cg_jw_open(w, "[");
    for (size_t i = 0; i < rt->n_files; i++) {
        cg_jw_elem(w);
        cg_jw_open(w, "{");
        cg_jw_kstr(w, "path", rt->files[i].path);
        cg_jw_kstr(w, "sha256", rt->files[i].sha256);
        cg_jw_kstr(w, "format", rt->files[i].format);
        cg_jw_kopt(w, "imageDigest", rt->files[i].digest);
        cg_jw_close(w, "}");
    }
    cg_jw_close(w, "]");
    cg_jw_kint(w, "events", (long long)rt->events);
    cg_jw_kint(w, "failed", (long long)rt->failed);
    cg_jw_kint(w, "unowned", (long long)rt->unowned);
    cg_jw_kint(w, "unresolved", (long long)rt->unresolved);
    cg_jw_kint(w, "badLines", (long long)rt->bad_lines);
    cg_jw_close(w, "}");
}

/* ---- OpenVEX ---- */
typedef struct vex_st {
    const char *vuln, *pkg;
} vex_st;

static int vex_cmp(const void *a, const void *b)
{
    const vex_st *x = a, *y = b;
    int c = strcmp(x->vuln, y->vuln);
    return c ? c : strcmp(x->pkg, y->pkg);
}

cg_status cg_runtime_write_vex(const cg_report *r, const cg_runtime *rt, int64_t now, cg_buf *out, cg_error *err)
{
    char ts[CG_RFC3339_SIZE];
    if (cg_rfc3339_format(now < 0 ? 0 : now, ts) != 0)
        return cg_error_set(err, CG_ERR_USAGE, "VEX timestamp out of range");
    vex_st *v = calloc(r->n_findings ? r->n_findings : 1, sizeof *v);
    if (!v)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    size_t n = 0;
    for (size_t i = 0; i < r->n_findings; i++) {
        const cg_finding *f = &r->findings[i];
        if (f->pkg_index >= rt->n_pkgs || rt->loaded[f->pkg_index] || !rt->known[f->pkg_index] || !f->pkg->purl || !f->v->vuln_id)
            continue;
        v[n].vuln = f->v->vuln_id;
        v[n].pkg = f->pkg->purl;
        n++;
    }
    qsort(v, n, sizeof *v, vex_cmp);
    const char *product = r->sbom->image_purl ? r->sbom->image_purl : r->artifact_name;
    char impact[512];
    snprintf(impact, sizeof impact,
             "No file of this package was opened or executed in the runtime evidence (%llu events, from %s to %s; "
             "evidence %s).",
             (unsigned long long)rt->events, rt->from ? rt->from : "unknown", rt->to ? rt->to : "unknown",
             rt->n_files ? rt->files[0].sha256 : "none");
    /* the document's id: a hash of what it states */
    cg_buf idb = CG_BUF_INIT;
    for (size_t i = 0; i < n; i++)
        cg_buf_printf(&idb, "%s %s\n", v[i].vuln, v[i].pkg);
    cg_buf_puts(&idb, impact);
    char idh[CG_DIGEST_STR_LEN + 1];
    cg_status st = cg_sha256_str(idb.data ? idb.data : "", idb.len, idh);
    cg_buf_free(&idb);
    if (st != CG_OK) {
        free(v);
        return cg_error_set(err, CG_ERR_INTERNAL, "sha256 unavailable");
    }
    cg_jw w;
    cg_jw_init(&w, out);
    cg_jw_open(&w, "{");
    cg_jw_kstr(&w, "@context", "https://openvex.dev/ns/v0.2.0");
    char id[100];
    snprintf(id, sizeof id, "urn:cgate:vex:%s", idh);
    cg_jw_kstr(&w, "@id", id);
    cg_jw_kstr(&w, "author", "cgate runtime evidence");
    cg_jw_kstr(&w, "timestamp", ts);
    cg_jw_kint(&w, "version", 1);
    cg_jw_key(&w, "statements");
    cg_jw_open(&w, "[");
    for (size_t i = 0; i < n; i++) {
        if (i && !vex_cmp(&v[i], &v[i - 1]))
            continue;
        cg_jw_elem(&w);
        cg_jw_open(&w, "{");
        cg_jw_key(&w, "vulnerability");
        cg_jw_open(&w, "{");
        cg_jw_kstr(&w, "name", v[i].vuln);
        cg_jw_close(&w, "}");
        cg_jw_key(&w, "products");
        cg_jw_open(&w, "[");
        cg_jw_elem(&w);
        cg_jw_open(&w, "{");
        cg_jw_kstr(&w, "@id", product);
        cg_jw_key(&w, "subcomponents");
        cg_jw_open(&w, "[");
        cg_jw_elem(&w);
        cg_jw_open(&w, "{");
        cg_jw_kstr(&w, "@id", v[i].pkg);
        cg_jw_close(&w, "}");
        cg_jw_close(&w, "]");
        cg_jw_close(&w, "}");
        cg_jw_close(&w, "]");
        cg_jw_kstr(&w, "status", "not_affected");
        cg_jw_kstr(&w, "justification", "vulnerable_code_not_in_execute_path");
        cg_jw_kstr(&w, "impact_statement", impact);
        cg_jw_close(&w, "}");
    }
    cg_jw_close(&w, "]");
    cg_jw_close(&w, "}");
    cg_buf_putc(out, '\n');
    free(v);
    return CG_OK;
}

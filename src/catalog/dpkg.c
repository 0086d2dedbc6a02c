/*
 * dpkg.c - Debian packages from var/lib/dpkg/status, distroless
 * var/lib/dpkg/status.d/<pkg> files, and licences from DEP-5
 * usr/share/doc/<pkg>/copyright files.
 *
 * parse() turns each file into a small sorted record list (installed packages
 * only) or a licence list; the bytes are not kept.  finish() emits packages
 * from the surviving files, walking each node's `lower` chain to find the
 * layer that introduced a package unchanged, resolves Depends against the
 * installed set, and attaches licences by doc directory name.  The input is
 * untrusted: every line, field and count is capped, NULs are tolerated.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "catalog/depindex.h"
#include "catalog/license.h"
#include "core/digest.h"
#include "core/vec.h"

#define DPKG_STATUS_MAX (32u * 1024u * 1024u)
#define DPKG_STATUSD_MAX (4u * 1024u * 1024u)
#define DPKG_COPYRIGHT_MAX (1024u * 1024u)
#define ID_MAX 512u              /* Package / Version / Architecture / Source */
#define TEXT_MAX 1024u           /* Maintainer, Description first line */
#define REL_MAX (1024u * 1024u)  /* Depends / Provides field bytes */
#define RELS_PER_PKG 4096u
#define LICS_PER_FILE 256u

#define STATUS_PATH "var/lib/dpkg/status"
#define STATUSD_DIR "var/lib/dpkg/status.d/"
#define DOC_DIR "usr/share/doc/"
#define INFO_DIR "var/lib/dpkg/info/"
#define DPKG_FILES_MAX (16u * 1024u * 1024u)
#define FILES_PER_PKG 1000000u

enum { R_STATUS = 1, R_COPYRIGHT = 2, R_FILES = 3 };

typedef struct dpkg_rel {
    const char **alts;
    size_t n_alts;
} dpkg_rel;

typedef struct dpkg_rec {
    const char *name, *version, *arch, *src_name, *src_version, *supplier, *desc;
    dpkg_rel *rels;
    size_t n_rels;
    const char **provides;
    size_t n_provides;
} dpkg_rec;

typedef struct dpkg_result {
    int kind;
    dpkg_rec *recs; /* R_STATUS: sorted by (name, arch) */
    size_t n_recs;
    const char *doc_pkg; /* R_COPYRIGHT; R_FILES: the owning package's name */
    const char **files;  /* R_FILES: paths the package installed */
    size_t n_files;
    cg_license *lics;    /* sorted, unique */
    size_t n_lics;
} dpkg_result;

/* ---------- paths ---------- */

static bool ends_with(const char *s, size_t n, const char *suf)
{
    size_t k = strlen(suf);
    return n >= k && !memcmp(s + n - k, suf, k);
}

/* "usr/share/doc/NAME/copyright" -> NAME length, 0 if not that shape */
static size_t doc_name_len(const char *path, size_t len)
{
    size_t pl = sizeof DOC_DIR - 1, sl = sizeof "/copyright" - 1;
    if (len <= pl + sl || memcmp(path, DOC_DIR, pl) || !ends_with(path, len, "/copyright"))
        return 0;
    size_t n = len - pl - sl;
    return memchr(path + pl, '/', n) ? 0 : n;
}

/* status.d holds one stanza file per package plus dpkg's per-package control
 * files ("NAME.md5sums", "NAME.preinst", ...), which are not stanzas. */
static bool is_control_file(const char *path, size_t len)
{
    static const char *const sufs[] = {".md5sums", ".preinst", ".postinst", ".prerm", ".postrm", ".list",
                                       ".conffiles", ".shlibs", ".symbols", ".triggers", ".templates", ".config"};
    for (size_t i = 0; i < sizeof sufs / sizeof sufs[0]; i++)
        if (ends_with(path, len, sufs[i]))
            return true;
    return false;
}

/* "var/lib/dpkg/info/NAME[:ARCH].list" or "var/lib/dpkg/status.d/NAME.md5sums":
 * the files a package installed, used to mark language packages it owns.
 * Returns the length of NAME, 0 when path is neither. */
static size_t files_list_name_len(const char *path, size_t len)
{
    size_t il = sizeof INFO_DIR - 1, sl = sizeof STATUSD_DIR - 1;
    const char *base;
    size_t bl;
    if (len > il && !memcmp(path, INFO_DIR, il) && ends_with(path, len, ".list")) {
        base = path + il;
        bl = len - il - 5;
    } else if (len > sl && !memcmp(path, STATUSD_DIR, sl) && ends_with(path, len, ".md5sums")) {
        base = path + sl;
        bl = len - sl - 8;
    } else {
        return 0;
    }
    if (!bl || memchr(base, '/', bl))
        return 0;
    const char *colon = memchr(base, ':', bl);
    return colon ? (size_t)(colon - base) : bl;
}

static bool dpkg_wants(const char *path, size_t len, cg_cat_want *w)
{
    if (files_list_name_len(path, len)) {
        *w = (cg_cat_want){.max_size = DPKG_FILES_MAX, .essential = false};
        return true;
    }
    if (len == sizeof STATUS_PATH - 1 && !memcmp(path, STATUS_PATH, len)) {
        *w = (cg_cat_want){.max_size = DPKG_STATUS_MAX, .essential = true};
        return true;
    }
    size_t dl = sizeof STATUSD_DIR - 1;
    if (len > dl && !memcmp(path, STATUSD_DIR, dl) && !memchr(path + dl, '/', len - dl) &&
        !is_control_file(path, len)) {
        *w = (cg_cat_want){.max_size = DPKG_STATUSD_MAX, .essential = true};
        return true;
    }
    if (doc_name_len(path, len)) {
        *w = (cg_cat_want){.max_size = DPKG_COPYRIGHT_MAX, .essential = false};
        return true;
    }
    return false;
}

/* ---------- small text helpers over (ptr, len) ---------- */

typedef struct span {
    const uint8_t *p;
    size_t n;
} span;

static bool is_ws(uint8_t c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static span trim(span s)
{
    while (s.n && is_ws(s.p[0])) {
        s.p++;
        s.n--;
    }
    while (s.n && is_ws(s.p[s.n - 1]))
        s.n--;
    return s;
}

static span first_line(span s)
{
    const uint8_t *nl = s.n ? memchr(s.p, '\n', s.n) : NULL;
    if (nl)
        s.n = (size_t)(nl - s.p);
    return trim(s);
}

/* A clean identifier-ish value: no controls, no NUL, no spaces, capped. */
static bool clean_id(span s)
{
    if (s.n == 0 || s.n > ID_MAX)
        return false;
    for (size_t i = 0; i < s.n; i++)
        if (s.p[i] <= ' ' || s.p[i] == 0x7f)
            return false;
    return true;
}

static const char *dup_span(cg_arena *a, span s) { return cg_arena_strndup(a, (const char *)s.p, s.n); }

/* Free text (Maintainer, Description): first line, capped at a UTF-8
 * boundary, NULs make it unusable. */
static const char *dup_text(cg_arena *a, span s, bool *oom)
{
    s = first_line(s);
    if (s.n == 0 || memchr(s.p, 0, s.n))
        return NULL;
    if (s.n > TEXT_MAX) {
        s.n = TEXT_MAX;
        while (s.n && (s.p[s.n] & 0xC0) == 0x80)
            s.n--;
    }
    const char *r = dup_span(a, s);
    if (!r)
        *oom = true;
    return r;
}

static bool key_is(span k, const char *name)
{
    size_t n = strlen(name);
    if (k.n != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = k.p[i];
        if (c >= 'A' && c <= 'Z')
            c = (uint8_t)(c + 32);
        uint8_t d = (uint8_t)name[i];
        if (d >= 'A' && d <= 'Z')
            d = (uint8_t)(d + 32);
        if (c != d)
            return false;
    }
    return true;
}

/* ---------- RFC-822 paragraph walker ---------- */

enum fld { F_PACKAGE, F_STATUS, F_VERSION, F_ARCH, F_SOURCE, F_MAINT, F_DESC, F_DEPENDS,
           F_PREDEPENDS, F_PROVIDES, F_FORMAT, F_LICENSE, F_N, F_NONE = F_N };

static const char *const fld_names[F_N] = {"Package", "Status", "Version", "Architecture",
                                           "Source", "Maintainer", "Description", "Depends",
                                           "Pre-Depends", "Provides", "Format", "License"};

typedef struct para {
    span f[F_N];
    bool seen[F_N];
    bool any;  /* at least one field line */
} para;

typedef struct walker {
    const uint8_t *p, *end;
    size_t lineno;
} walker;

/* Fill *pp with the next paragraph; false at end of input.  Continuation
 * lines extend the span of the field they follow.  on_license is called for
 * every License: field (copyright files have many). */
typedef void (*license_cb)(void *ud, span first);

static bool next_para(walker *w, para *pp, license_cb on_license, void *ud)
{
    memset(pp, 0, sizeof *pp);
    enum fld cur = F_NONE;
    while (w->p < w->end) {
        const uint8_t *nl = memchr(w->p, '\n', (size_t)(w->end - w->p));
        span line = {w->p, (size_t)((nl ? nl : w->end) - w->p)};
        w->p = nl ? nl + 1 : w->end;
        w->lineno++;
        span t = trim(line);
        if (t.n == 0) {
            if (pp->any)
                return true;
            continue; /* blank lines between paragraphs */
        }
        if (line.p[0] == ' ' || line.p[0] == '\t') {
            if (cur != F_NONE) /* continuation: extend the field's span */
                pp->f[cur].n = (size_t)(line.p + line.n - pp->f[cur].p);
            continue;
        }
        if (line.p[0] == '#') /* comment lines (deb822) */
            continue;
        const uint8_t *colon = memchr(line.p, ':', line.n);
        cur = F_NONE;
        if (!colon || colon == line.p)
            continue; /* junk line */
        span key = {line.p, (size_t)(colon - line.p)};
        span val = {colon + 1, (size_t)(line.p + line.n - colon - 1)};
        while (val.n && (val.p[0] == ' ' || val.p[0] == '\t')) {
            val.p++;
            val.n--;
        }
        pp->any = true;
        for (int i = 0; i < F_N; i++) {
            if (key_is(key, fld_names[i])) {
                cur = (enum fld)i;
                if (!pp->seen[i]) { /* first occurrence wins */
                    pp->f[i] = val;
                    pp->seen[i] = true;
                } else {
                    cur = F_NONE;
                }
                if (i == F_LICENSE && on_license)
                    on_license(ud, first_line(val));
                break;
            }
        }
    }
    return pp->any;
}

/* ---------- relations ---------- */

static bool name_char(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '+' || c == '-' || c == '.' || c == '_';
}

/* "libc6:any (>= 2.34) [amd64] <!nocheck>" -> "libc6" */
static span rel_name(span alt)
{
    alt = trim(alt);
    size_t i = 0;
    while (i < alt.n && name_char(alt.p[i]))
        i++;
    return (span){alt.p, i};
}

/* Depends-style field -> relations (alternatives split on '|') appended to rels. */
static bool parse_rels(cg_arena *a, span s, cg_vec *rels)
{
    if (s.n > REL_MAX)
        return true; /* ignored; the caller's package still counts */
    size_t i = 0;
    while (i < s.n && rels->n < RELS_PER_PKG) {
        size_t j = i;
        while (j < s.n && s.p[j] != ',')
            j++;
        span rel = {s.p + i, j - i};
        const char *alts[64];
        size_t na = 0;
        size_t k = 0;
        while (k <= rel.n && na < 64) {
            size_t m = k;
            while (m < rel.n && rel.p[m] != '|')
                m++;
            span nm = rel_name((span){rel.p + k, m - k});
            if (nm.n) {
                alts[na] = dup_span(a, nm);
                if (!alts[na])
                    return false;
                na++;
            }
            k = m + 1;
        }
        if (na) {
            dpkg_rel r = {cg_arena_memdup(a, alts, na * sizeof alts[0]), na};
            if (!r.alts || !cg_vec_push(rels, &r, sizeof r))
                return false;
        }
        i = j + 1;
    }
    return true;
}

/* ---------- status parsing ---------- */

static int rec_cmp(const void *x, const void *y)
{
    const dpkg_rec *a = x, *b = y;
    int c = strcmp(a->name, b->name);
    if (c)
        return c;
    return strcmp(a->arch ? a->arch : "", b->arch ? b->arch : "");
}

static const dpkg_rec *find_rec(const dpkg_result *r, const char *name, const char *arch)
{
    if (!r || r->kind != R_STATUS || !r->n_recs)
        return NULL;
    dpkg_rec key = {.name = name, .arch = arch};
    return bsearch(&key, r->recs, r->n_recs, sizeof key, rec_cmp);
}

static bool status_installed(const para *pp, bool status_d)
{
    if (!pp->seen[F_STATUS])
        return status_d; /* distroless status.d entries have no Status: */
    span s = first_line(pp->f[F_STATUS]);
    /* "want flag status": the third word */
    size_t i = 0;
    for (int word = 0; word < 2; word++) {
        while (i < s.n && !is_ws(s.p[i]))
            i++;
        while (i < s.n && is_ws(s.p[i]))
            i++;
    }
    size_t st = i;
    while (i < s.n && !is_ws(s.p[i]))
        i++;
    return i - st == 9 && !memcmp(s.p + st, "installed", 9);
}

typedef struct counts {
    size_t no_package, no_version, bad;
} counts;

/* Build one record from an installed paragraph; false on OOM only. */
static bool make_rec(cg_arena *a, const para *pp, cg_vec *recs, counts *c)
{
    span name = first_line(pp->f[F_PACKAGE]);
    if (!pp->seen[F_PACKAGE] || name.n == 0) {
        c->no_package++;
        return true;
    }
    span ver = first_line(pp->f[F_VERSION]);
    if (ver.n == 0) {
        c->no_version++;
        return true;
    }
    span arch = first_line(pp->f[F_ARCH]);
    if (!clean_id(name) || !clean_id(ver) || (arch.n && !clean_id(arch))) {
        c->bad++;
        return true;
    }
    dpkg_rec r = {0};
    bool oom = false;
    r.name = dup_span(a, name);
    r.version = dup_span(a, ver);
    r.arch = arch.n ? dup_span(a, arch) : NULL;
    if (!r.name || !r.version || (arch.n && !r.arch))
        return false;
    span src = first_line(pp->f[F_SOURCE]);
    if (src.n) {
        /* "glibc (2.36-9+deb12u4)" */
        size_t i = 0;
        while (i < src.n && !is_ws(src.p[i]) && src.p[i] != '(')
            i++;
        span sn = {src.p, i};
        const uint8_t *lp = memchr(src.p, '(', src.n);
        const uint8_t *rp = lp ? memchr(lp, ')', (size_t)(src.p + src.n - lp)) : NULL;
        if (clean_id(sn))
            r.src_name = dup_span(a, sn);
        if (lp && rp) {
            span sv = trim((span){lp + 1, (size_t)(rp - lp - 1)});
            if (clean_id(sv) && !(sv.n == ver.n && !memcmp(sv.p, ver.p, ver.n)))
                r.src_version = dup_span(a, sv);
        }
    }
    if (!r.src_name)
        r.src_name = r.name;
    r.supplier = dup_text(a, pp->f[F_MAINT], &oom);
    r.desc = dup_text(a, pp->f[F_DESC], &oom);
    if (oom)
        return false;
    cg_vec rels = {0};
    bool ok = parse_rels(a, pp->f[F_PREDEPENDS], &rels) && parse_rels(a, pp->f[F_DEPENDS], &rels);
    if (ok && rels.n) {
        r.rels = cg_arena_memdup(a, rels.v, rels.n * sizeof(dpkg_rel));
        r.n_rels = rels.n;
        ok = r.rels != NULL;
    }
    free(rels.v);
    cg_vec prov = {0};
    if (ok) {
        cg_vec tmp = {0};
        ok = parse_rels(a, pp->f[F_PROVIDES], &tmp);
        for (size_t i = 0; ok && i < tmp.n; i++) {
            const dpkg_rel *pr = (const dpkg_rel *)tmp.v + i;
            for (size_t k = 0; ok && k < pr->n_alts; k++)
                ok = cg_vec_push(&prov, &pr->alts[k], sizeof(char *));
        }
        free(tmp.v);
    }
    if (ok && prov.n) {
        r.provides = cg_arena_memdup(a, prov.v, prov.n * sizeof(char *));
        r.n_provides = prov.n;
        ok = r.provides != NULL;
    }
    free(prov.v);
    return ok && cg_vec_push(recs, &r, sizeof r);
}

/* The memo key of an installed paragraph: "d" + sha256 of every field
 * make_rec() reads (length-prefixed), so equal keys make equal records.
 * key[0] is 0 (and false returned) when it cannot be computed. */
static bool rec_key(const para *pp, uint8_t key[1 + 32])
{
    static const int used[] = {F_PACKAGE, F_VERSION, F_ARCH, F_SOURCE, F_MAINT, F_DESC, F_PREDEPENDS, F_DEPENDS,
                               F_PROVIDES};
    cg_sha256 h;
    key[0] = 0;
    if (cg_sha256_init(&h) != CG_OK)
        return false;
    for (size_t i = 0; i < sizeof used / sizeof used[0]; i++) {
        const span *sp = &pp->f[used[i]];
        uint64_t n = pp->seen[used[i]] ? (uint64_t)sp->n + 1 : 0;
        cg_sha256_update(&h, &n, sizeof n);
        if (n > 1)
            cg_sha256_update(&h, sp->p, sp->n);
    }
    cg_sha256_final_raw(&h, key + 1);
    key[0] = 'd';
    return true;
}

static cg_status parse_status(cg_cat_ctx *ctx, const cg_cat_file *f, dpkg_result *res,
                              cg_error *err)
{
    cg_arena *a = cg_cat_arena(ctx);
    bool status_d = !strncmp(f->path, STATUSD_DIR, sizeof STATUSD_DIR - 1);
    walker w = {f->data, f->data + f->len, 0};
    para pp;
    cg_vec recs = {0};
    counts c = {0};
    while (next_para(&w, &pp, NULL, NULL)) {
        if (!status_installed(&pp, status_d)) {
            if (!pp.seen[F_PACKAGE] || first_line(pp.f[F_PACKAGE]).n == 0)
                c.no_package++;
            continue;
        }
        /* Every layer that installs a package rewrites the whole status file:
         * a paragraph seen before (same fields, any layer) is the record made
         * then, strings shared, not parsed and stored again */
        uint8_t key[1 + 32];
        const dpkg_rec *seen = rec_key(&pp, key) ? cg_cat_memo_get(ctx, key, sizeof key) : NULL;
        if (seen) {
            if (!cg_vec_push(&recs, seen, sizeof *seen)) {
                free(recs.v);
                return cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", f->path);
            }
            continue;
        }
        size_t before = recs.n;
        if (!make_rec(a, &pp, &recs, &c)) {
            free(recs.v);
            return cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", f->path);
        }
        if (recs.n > before && key[0]) {
            dpkg_rec *keep = cg_arena_memdup(a, (dpkg_rec *)recs.v + before, sizeof(dpkg_rec));
            if (!keep || cg_cat_memo_put(ctx, key, sizeof key, keep) != CG_OK) {
                free(recs.v);
                return cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", f->path);
            }
        }
    }
    if (recs.n) {
        qsort(recs.v, recs.n, sizeof(dpkg_rec), rec_cmp);
        res->recs = cg_arena_memdup(a, recs.v, recs.n * sizeof(dpkg_rec));
        res->n_recs = recs.n;
    }
    free(recs.v);
    if (recs.n && !res->recs)
        return cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", f->path);
    if (c.no_package)
        cg_cat_warn(ctx, "%s: %zu paragraph(s) without a Package field ignored", f->path,
                    c.no_package);
    if (c.no_version)
        cg_cat_warn(ctx, "%s: %zu installed package(s) without a Version ignored", f->path,
                    c.no_version);
    if (c.bad)
        cg_cat_warn(ctx, "%s: %zu paragraph(s) with malformed Package/Version/Architecture ignored",
                    f->path, c.bad);
    return CG_OK;
}

/* ---------- copyright (DEP-5) ---------- */

typedef struct lic_acc {
    cg_arena *a;
    cg_vec lics;
    bool oom;
} lic_acc;

static void on_license(void *ud, span first)
{
    lic_acc *acc = ud;
    if (acc->oom || first.n == 0 || acc->lics.n >= LICS_PER_FILE)
        return;
    cg_license l;
    if (cg_license_map(acc->a, (const char *)first.p, first.n, &l) != 0 ||
        !cg_vec_push(&acc->lics, &l, sizeof l))
        acc->oom = true;
}

static int lic_cmp(const void *x, const void *y)
{
    return strcmp(((const cg_license *)x)->value, ((const cg_license *)y)->value);
}

static cg_status parse_copyright(cg_cat_ctx *ctx, const cg_cat_file *f, dpkg_result *res,
                                 cg_error *err)
{
    cg_arena *a = cg_cat_arena(ctx);
    size_t len = strlen(f->path);
    size_t nl = doc_name_len(f->path, len);
    res->doc_pkg = cg_arena_strndup(a, f->path + sizeof DOC_DIR - 1, nl);
    if (!res->doc_pkg)
        return cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", f->path);
    walker w = {f->data, f->data + f->len, 0};
    para pp;
    lic_acc acc = {a, {0}, false};
    /* DEP-5 iff the header paragraph says Format: .../copyright-format/1.0 */
    if (!next_para(&w, &pp, on_license, &acc) || !pp.seen[F_FORMAT]) {
        free(acc.lics.v);
        return CG_OK;
    }
    span fmt = first_line(pp.f[F_FORMAT]);
    static const char marker[] = "copyright-format/1.0";
    if (fmt.n < sizeof marker - 1 || !memmem(fmt.p, fmt.n, marker, sizeof marker - 1)) {
        free(acc.lics.v);
        return CG_OK;
    }
    while (!acc.oom && next_para(&w, &pp, on_license, &acc))
        ;
    if (acc.oom) {
        free(acc.lics.v);
        return cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", f->path);
    }
    cg_license *v = acc.lics.v;
    if (acc.lics.n) {
        qsort(v, acc.lics.n, sizeof *v, lic_cmp);
        size_t u = 0;
        for (size_t i = 0; i < acc.lics.n; i++)
            if (u == 0 || strcmp(v[u - 1].value, v[i].value))
                v[u++] = v[i];
        res->lics = cg_arena_memdup(a, v, u * sizeof *v);
        res->n_lics = u;
        if (!res->lics) {
            free(v);
            return cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", f->path);
        }
    }
    free(v);
    return CG_OK;
}

/* One path per line: absolute in info/NAME.list ("/." first), "MD5  relative"
 * in status.d/NAME.md5sums. */
static cg_status parse_files(cg_cat_ctx *ctx, const cg_cat_file *f, size_t name_len, dpkg_result *res, cg_error *err)
{
    cg_arena *a = cg_cat_arena(ctx);
    const char *base = strrchr(f->path, '/') + 1;
    int md5 = ends_with(f->path, strlen(f->path), ".md5sums");
    res->doc_pkg = cg_arena_strndup(a, base, name_len);
    size_t lines = 0;
    for (size_t i = 0; i < f->len; i++)
        lines += f->data[i] == '\n';
    if (lines + 1 > FILES_PER_PKG) {
        cg_cat_warn(ctx, "/%s: more than %u lines, ignored", f->path, FILES_PER_PKG);
        return CG_OK;
    }
    res->files = cg_arena_calloc(a, lines + 1, sizeof *res->files);
    if (!res->doc_pkg || !res->files)
        return cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", f->path);
    const uint8_t *p = f->data, *end = f->data + f->len;
    while (p < end) {
        const uint8_t *nlp = memchr(p, '\n', (size_t)(end - p));
        const uint8_t *le = nlp ? nlp : end;
        const uint8_t *s0 = p;
        if (md5) { /* skip "<hash>  " */
            const uint8_t *sp = memchr(s0, ' ', (size_t)(le - s0));
            s0 = sp ? sp : le;
            while (s0 < le && *s0 == ' ')
                s0++;
        }
        while (s0 < le && *s0 == '/')
            s0++;
        size_t l = (size_t)(le - s0);
        if (l && l < 4096 && !memchr(s0, 0, l)) {
            const char *str = cg_arena_strndup(a, (const char *)s0, l);
            if (!str)
                return cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", f->path);
            res->files[res->n_files++] = str;
        }
        p = nlp ? nlp + 1 : end;
    }
    return CG_OK;
}

static cg_status dpkg_parse(cg_cat_ctx *ctx, const cg_cat_file *f, void **result, cg_error *err)
{
    dpkg_result *res = cg_arena_alloc(cg_cat_arena(ctx), sizeof *res);
    if (!res)
        return cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", f->path);
    cg_status st;
    size_t pl = strlen(f->path), nl;
    if ((nl = files_list_name_len(f->path, pl))) {
        res->kind = R_FILES;
        st = parse_files(ctx, f, nl, res, err);
    } else if (doc_name_len(f->path, pl)) {
        res->kind = R_COPYRIGHT;
        st = parse_copyright(ctx, f, res, err);
    } else {
        res->kind = R_STATUS;
        st = parse_status(ctx, f, res, err);
    }
    if (st == CG_OK)
        *result = res;
    return st;
}

/* ---------- finish ---------- */

/* For cg_cat_intro_layer: does a lower status file hold the same name/arch/version? */
static bool same_rec(const void *result, const void *rec)
{
    const dpkg_rec *r = rec;
    const dpkg_rec *o = find_rec(result, r->name, r->arch);
    return o && !strcmp(o->version, r->version);
}

/* One relation: each alternative resolves to the installed package of that
 * name, else to every installed provider of it; when none is installed the
 * first alternative is kept as written. */
static bool resolve_rel(const cg_depindex *ix, const dpkg_rel *rel, cg_vec *out)
{
    size_t before = out->n;
    for (size_t i = 0; i < rel->n_alts; i++)
        if (cg_depindex_resolve(ix, rel->alts[i], CG_DEP_BY_NAME, out) < 0)
            return false;
    if (out->n == before)
        return cg_vec_push(out, &rel->alts[0], sizeof(char *));
    return true;
}

static cg_status set_depends(cg_arena *a, const cg_depindex *ix, const dpkg_rec *r, cg_package *p)
{
    cg_vec out = {0};
    for (size_t i = 0; i < r->n_rels; i++)
        if (!resolve_rel(ix, &r->rels[i], &out)) {
            free(out.v);
            return CG_ERR_NOMEM;
        }
    return cg_depindex_set_depends(a, &out, p);
}

static int pkg_name_cmp(const void *x, const void *y)
{
    return strcmp((*(cg_package *const *)x)->name, (*(cg_package *const *)y)->name);
}

static cg_status dpkg_finish(cg_cat_ctx *ctx, const cg_cat_node *const *nodes, size_t n,
                             cg_error *err)
{
    cg_arena *a = cg_cat_arena(ctx);
    const cg_distro *d = cg_cat_distro(ctx);
    const char *ns = d && d->id ? d->id : "debian";
    cg_depindex ix = {0};
    cg_vec pkgs = {0};
    cg_status st = CG_OK;

    for (size_t i = 0; i < n && st == CG_OK; i++) {
        const dpkg_result *r = nodes[i]->result;
        if (!r || r->kind != R_STATUS)
            continue;
        for (size_t k = 0; k < r->n_recs && st == CG_OK; k++) {
            const dpkg_rec *rec = &r->recs[k];
            if (!cg_depindex_add_package(&ix, rec->name, rec->provides, rec->n_provides))
                st = CG_ERR_NOMEM;
        }
    }
    cg_depindex_seal(&ix);

    for (size_t i = 0; i < n && st == CG_OK; i++) {
        const dpkg_result *r = nodes[i]->result;
        if (!r || r->kind != R_STATUS)
            continue;
        for (size_t k = 0; k < r->n_recs && st == CG_OK; k++) {
            const dpkg_rec *rec = &r->recs[k];
            cg_package *p = cg_cat_add_package(ctx);
            if (!p || !cg_vec_push(&pkgs, &p, sizeof p)) {
                st = CG_ERR_NOMEM;
                break;
            }
            p->type = "deb";
            p->namespace_ = ns;
            p->name = rec->name;
            p->version = rec->version;
            p->arch = rec->arch;
            p->source_name = rec->src_name;
            p->source_version = rec->src_version;
            p->supplier = rec->supplier;
            p->description = rec->desc;
            p->cataloger = "dpkg";
            p->layer = cg_cat_intro_layer(nodes[i], same_rec, rec);
            st = cg_cat_add_location(ctx, p, nodes[i]->path, nodes[i]->layer);
            if (st == CG_OK)
                st = set_depends(a, &ix, rec, p);
        }
    }

    /* licences and a second location from usr/share/doc/NAME/copyright */
    cg_package **pv = pkgs.v;
    if (st == CG_OK && pkgs.n)
        qsort(pv, pkgs.n, sizeof *pv, pkg_name_cmp);
    for (size_t i = 0; i < n && st == CG_OK && pkgs.n; i++) {
        const dpkg_result *r = nodes[i]->result;
        if (!r || r->kind != R_COPYRIGHT)
            continue;
        cg_package keyp = {.name = r->doc_pkg}, *kp = &keyp;
        cg_package **hit = bsearch(&kp, pv, pkgs.n, sizeof *pv, pkg_name_cmp);
        if (!hit)
            continue;
        while (hit > pv && !strcmp(hit[-1]->name, r->doc_pkg))
            hit--;
        for (; hit < pv + pkgs.n && !strcmp((*hit)->name, r->doc_pkg) && st == CG_OK; hit++) {
            if (r->n_lics) {
                (*hit)->licenses = r->lics;
                (*hit)->n_licenses = r->n_lics;
            }
            st = cg_cat_add_location(ctx, *hit, nodes[i]->path, nodes[i]->layer);
        }
    }
    /* files of installed packages: mark language packages they contain as owned */
    for (size_t i = 0; i < n && st == CG_OK; i++) {
        const dpkg_result *r = nodes[i]->result;
        if (!r || r->kind != R_FILES || !cg_depindex_has_name(&ix, r->doc_pkg))
            continue;
        for (size_t k = 0; k < r->n_files && st == CG_OK; k++)
            st = cg_cat_own(ctx, r->files[k], r->doc_pkg, "deb");
    }
    cg_depindex_free(&ix);
    free(pkgs.v);
    if (st != CG_OK)
        return cg_error_set(err, st, "dpkg: out of memory");
    return CG_OK;
}

const cg_cataloger cg_cataloger_dpkg = {
    .name = "dpkg",
    .purl_type = "deb",
    .wants = dpkg_wants,
    .parse = dpkg_parse,
    .finish = dpkg_finish,
};

/*
 * write.c - the entry points cg_sbom_format_parse() and cg_sbom_write(), and
 * the model every writer shares (writers.h): unique bom-refs, dependency
 * edges resolved once, LicenseRef ids for non-SPDX licence names, and the
 * JSON/hash helpers.  Identities are decided here, in one place, so that the
 * CycloneDX, SPDX and table outputs of one SBOM always agree, and so that the
 * same cg_sbom always gives the same bytes (no clock, no randomness, no
 * dependence on pointer values).  It never touches the cg_sbom it is given.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "core/rfc3339.h"
#include "core/jwrite.h"
#include "core/vec.h"
#include "sbom/writers.h"

cg_status cg_sbom_format_parse(const char *s, cg_sbom_format *out)
{
    static const struct { const char *name; cg_sbom_format fmt; } names[] = {
        {"cyclonedx-json", CG_SBOM_CYCLONEDX_JSON}, {"cyclonedx", CG_SBOM_CYCLONEDX_JSON},
        {"cdx", CG_SBOM_CYCLONEDX_JSON},            {"spdx-json", CG_SBOM_SPDX_JSON},
        {"spdx", CG_SBOM_SPDX_JSON},                {"table", CG_SBOM_TABLE},
    };
    if (!s || !out)
        return CG_ERR_USAGE;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(s, names[i].name) == 0) {
            *out = names[i].fmt;
            return CG_OK;
        }
    }
    return CG_ERR_USAGE;
}

/* ---- string set -------------------------------------------------------- */

static uint64_t str_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static int strset_grow(cg_arena *a, cg_strset *set)
{
    size_t ncap = set->cap ? set->cap * 2 : 64;
    const char **slots = cg_arena_calloc(a, ncap, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t i = 0; i < set->cap; i++) {
        if (!set->slots[i])
            continue;
        size_t j = (size_t)(str_hash(set->slots[i]) & (ncap - 1));
        while (slots[j])
            j = (j + 1) & (ncap - 1);
        slots[j] = set->slots[i];
    }
    set->slots = slots;
    set->cap = ncap;
    return 0;
}

int cg_strset_reserve(cg_arena *a, cg_strset *set, size_t n)
{
    while ((n + 1) * 2 > set->cap) /* no slot arrays left behind as it fills */
        if (strset_grow(a, set) < 0)
            return -1;
    return 0;
}

const char *cg_w_pack(cg_wmodel *m, const char *s)
{
    size_t n = strlen(s) + 1;
    if (n > m->pk_left) {
        size_t cap = n > 16384 ? n : 65536 - 64;
        m->pk_cur = cg_arena_alloc(&m->arena, cap);
        m->pk_left = m->pk_cur ? cap : 0;
        if (!m->pk_cur)
            return NULL;
    }
    char *d = memcpy(m->pk_cur, s, n);
    m->pk_cur += n;
    m->pk_left -= n;
    return d;
}

int cg_strset_has(const cg_strset *set, const char *s)
{
    if (!set->cap)
        return 0;
    size_t j = (size_t)(str_hash(s) & (set->cap - 1));
    while (set->slots[j]) {
        if (strcmp(set->slots[j], s) == 0)
            return 1;
        j = (j + 1) & (set->cap - 1);
    }
    return 0;
}

int cg_strset_add(cg_arena *a, cg_strset *set, const char *s)
{
    if (cg_strset_has(set, s))
        return 0;
    if ((set->n + 1) * 2 > set->cap && strset_grow(a, set) < 0)
        return -1;
    size_t j = (size_t)(str_hash(s) & (set->cap - 1));
    while (set->slots[j])
        j = (j + 1) & (set->cap - 1);
    set->slots[j] = s;
    set->n++;
    return 1;
}

/* ---- small helpers ------------------------------------------------------ */

static const char *nz(const char *s) { return s ? s : ""; }

int cg_w_is_os_pkg(const cg_package *p)
{
    const char *t = nz(p->type);
    return strcmp(t, "deb") == 0 || strcmp(t, "apk") == 0 || strcmp(t, "rpm") == 0;
}

int cg_w_license_is_spdx(const cg_license *l)
{
    if (!l->is_spdx || !l->value || !l->value[0])
        return 0;
    for (const char *c = l->value; *c; c++) {
        unsigned char u = (unsigned char)*c;
        if (!((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
              strchr(".-+:() ", u)))
            return 0;
    }
    return 1;
}

int cg_w_license_is_single(const char *v)
{
    return strpbrk(v, " ()") == NULL;
}

static int licref_cmp(const void *a, const void *b)
{
    return strcmp(((const cg_licref *)a)->text, ((const cg_licref *)b)->text);
}

const char *cg_w_licref(const cg_wmodel *m, const char *text)
{
    cg_licref key = {text, NULL};
    const cg_licref *r = m->n_licrefs ? bsearch(&key, m->licrefs, m->n_licrefs, sizeof key, licref_cmp)
                                      : NULL;
    return r ? r->id : "NOASSERTION";
}

size_t cg_w_pkg_licenses(cg_wmodel *m, const cg_package *p, const cg_license ***out)
{
    const cg_license **v = cg_arena_calloc(&m->scratch, p->n_licenses + 1, sizeof *v);
    size_t n = 0;
    *out = v;
    if (!v)
        return 0;
    for (size_t i = 0; i < p->n_licenses; i++) {
        const cg_license *l = &p->licenses[i];
        if (!l->value || !l->value[0] || (l->is_spdx && strcmp(l->value, "NOASSERTION") == 0))
            continue;
        size_t k = 0;
        while (k < n && !(strcmp(v[k]->value, l->value) == 0 &&
                          cg_w_license_is_spdx(v[k]) == cg_w_license_is_spdx(l)))
            k++;
        if (k == n)
            v[n++] = l;
    }
    return n;
}


static cg_status sha256(const void *data, size_t len, unsigned char md[32], cg_error *err)
{
    unsigned int n = 0;
    if (EVP_Digest(data, len, md, &n, EVP_sha256(), NULL) != 1 || n != 32)
        return cg_error_set(err, CG_ERR_INTERNAL, "sha256 of the SBOM failed (OpenSSL)");
    return CG_OK;
}

cg_status cg_w_uuid(const void *data, size_t len, char out[37], cg_error *err)
{
    unsigned char md[32];
    cg_status st = sha256(data, len, md, err);
    if (st != CG_OK)
        return st;
    cg_w_uuid_from_digest(md, out);
    return CG_OK;
}

void cg_w_uuid_from_digest(unsigned char md[32], char out[37])
{
    md[6] = (unsigned char)((md[6] & 0x0f) | 0x50); /* version 5 (name-based, SHA) */
    md[8] = (unsigned char)((md[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    snprintf(out, 37,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             md[0], md[1], md[2], md[3], md[4], md[5], md[6], md[7], md[8], md[9], md[10],
             md[11], md[12], md[13], md[14], md[15]);
}

/* ---- the model ---------------------------------------------------------- */

static cg_status rfc3339(int64_t t, char out[21], cg_error *err)
{
    /* 0000-01-01 is out of time_t's portable range; keep to 1970..9999. */
    if (t < 0 || t > 253402300799LL)
        return cg_error_set(err, CG_ERR_INPUT, "SBOM timestamp %lld is outside 1970..9999",
                            (long long)t);
    if (cg_rfc3339_format(t, out) != 0)
        return cg_error_set(err, CG_ERR_INPUT, "SBOM timestamp %lld cannot be converted", (long long)t);
    return CG_OK;
}

/* Stable identity of a package without a purl. */
static const char *fallback_ref(cg_arena *a, const cg_package *p)
{
    const char *path = p->n_locations ? p->locations[0].path : NULL;
    return cg_arena_sprintf(a, "cgate-pkg:%s/%s%s%s%s%s", nz(p->type), nz(p->name),
                            p->version ? "@" : "", nz(p->version), path ? ":" : "", nz(path));
}

/* Insert base, or base#K, base#K+1, ... whichever is free first, starting at
 * K = *next (1 = base itself); *next is left one past the suffix used, so a
 * run of packages sharing one purl costs one probe each, not a scan.  Made
 * strings go to a, the set's slots to sa. */
static const char *unique_ref(cg_arena *a, cg_arena *sa, cg_strset *set, const char *base, unsigned *next)
{
    for (unsigned k = *next ? *next : 1; k != 0; k++) {
        const char *cand = k == 1 ? base : cg_arena_sprintf(a, "%s#%u", base, k);
        if (!cand)
            return NULL;
        int r = cg_strset_add(sa, set, cand);
        if (r < 0)
            return NULL;
        if (r > 0) {
            *next = k + 1;
            return cand;
        }
    }
    return NULL;
}

/* The name other packages' `depends` use: "@scope/name" for npm,
 * "github.com/x/y" for Go; OS packages' namespace is the distro, not part of it. */
static const char *dep_name(cg_arena *a, const cg_package *p)
{
    if (!p->namespace_ || !p->namespace_[0] || !p->name || cg_w_is_os_pkg(p))
        return nz(p->name);
    const char *full = cg_arena_sprintf(a, "%s/%s", p->namespace_, p->name);
    return full ? full : p->name;
}

typedef struct name_key {
    const char *type, *name;
    size_t idx;
} name_key;

static int name_key_cmp(const void *a, const void *b)
{
    const name_key *x = a, *y = b;
    int c = strcmp(x->type, y->type);
    if (!c)
        c = strcmp(x->name, y->name);
    if (!c)
        c = (x->idx > y->idx) - (x->idx < y->idx);
    return c;
}

static int u32_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Each depends name resolves to the first package (in sort order) of the same
 * type with that name (dep_name); unknown names and self edges are dropped.
 * The edges are one compact array (dep_off/dep_to); the name index is a
 * temporary. */
static int resolve_deps(cg_wmodel *m)
{
    const cg_sbom *s = m->s;
    size_t total = 0;
    for (size_t i = 0; i < s->n_pkgs; i++)
        total += s->pkgs[i].n_depends;
    if (s->n_pkgs >= UINT32_MAX || total >= UINT32_MAX)
        return -1;
    cg_arena tmp; /* the index and npm/Go full names */
    cg_arena_init(&tmp);
    name_key *keys = malloc((s->n_pkgs + 1) * sizeof *keys);
    uint32_t *off = cg_arena_calloc(&m->arena, s->n_pkgs + 1, sizeof *off);
    uint32_t *to = cg_arena_calloc(&m->arena, total + 1, sizeof *to);
    if (!keys || !off || !to) {
        free(keys);
        cg_arena_free(&tmp);
        return -1;
    }
    for (size_t i = 0; i < s->n_pkgs; i++)
        keys[i] = (name_key){nz(s->pkgs[i].type), dep_name(&tmp, &s->pkgs[i]), i};
    if (s->n_pkgs)
        qsort(keys, s->n_pkgs, sizeof *keys, name_key_cmp);
    size_t at = 0;
    for (size_t i = 0; i < s->n_pkgs; i++) {
        const cg_package *p = &s->pkgs[i];
        uint32_t *d = to + at;
        size_t n = 0;
        off[i] = (uint32_t)at;
        for (size_t k = 0; k < p->n_depends; k++) {
            if (!p->depends[k])
                continue;
            name_key want = {nz(p->type), p->depends[k], 0};
            size_t lo = 0, hi = s->n_pkgs; /* lower bound of (type, name, 0) */
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (name_key_cmp(&keys[mid], &want) < 0)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            if (lo < s->n_pkgs && strcmp(keys[lo].type, want.type) == 0 &&
                strcmp(keys[lo].name, want.name) == 0 && keys[lo].idx != i)
                d[n++] = (uint32_t)keys[lo].idx;
        }
        if (n)
            qsort(d, n, sizeof *d, u32_cmp);
        size_t u = 0;
        for (size_t k = 0; k < n; k++)
            if (u == 0 || d[u - 1] != d[k])
                d[u++] = d[k];
        at += u;
    }
    off[s->n_pkgs] = (uint32_t)at;
    free(keys);
    cg_arena_free(&tmp);
    m->dep_off = off;
    m->dep_to = to;
    return 0;
}

static const char *licref_id(cg_arena *a, const char *text)
{
    size_t n = strlen(text), o = 0;
    char *id = cg_arena_alloc(a, sizeof "LicenseRef-" + (n < 64 ? n : 64) + 8);
    if (!id)
        return NULL;
    memcpy(id, "LicenseRef-", sizeof "LicenseRef-");
    char *p = id + sizeof "LicenseRef-" - 1;
    for (size_t i = 0; i < n && o < 64; i++) {
        unsigned char c = (unsigned char)text[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '.';
        if (ok)
            p[o++] = (char)c;
        else if (o && p[o - 1] != '-')
            p[o++] = '-';
    }
    while (o && p[o - 1] == '-')
        o--;
    if (!o) {
        memcpy(p, "unknown", sizeof "unknown");
        o = 7;
    }
    p[o] = 0;
    return id;
}

/* LicenseRef-* ids the packages' own SPDX expressions use: SPDX requires each
 * to be declared, and generated ids must not take them. */
static int collect_ext_licrefs(cg_wmodel *m, cg_strset *ids)
{
    const cg_sbom *s = m->s;
    size_t cap = 1;
    for (size_t i = 0; i < s->n_pkgs; i++)
        for (size_t k = 0; k < s->pkgs[i].n_licenses; k++)
            if (cg_w_license_is_spdx(&s->pkgs[i].licenses[k])) /* each id found below starts one of these */
                for (const char *c = s->pkgs[i].licenses[k].value; (c = strstr(c, "LicenseRef-")); c += 11)
                    cap++;
    m->ext_licrefs = cg_arena_calloc(&m->arena, cap, sizeof *m->ext_licrefs);
    if (!m->ext_licrefs)
        return -1;
    for (size_t i = 0; i < s->n_pkgs; i++)
        for (size_t k = 0; k < s->pkgs[i].n_licenses; k++) {
            const cg_license *l = &s->pkgs[i].licenses[k];
            if (!cg_w_license_is_spdx(l))
                continue;
            for (const char *c = l->value; *c;) {
                size_t n = strcspn(c, " ()");
                if (n > 11 && strncmp(c, "LicenseRef-", 11) == 0) {
                    size_t len = n;
                    while (len > 11 && c[len - 1] == '+')
                        len--;
                    char *id = cg_arena_strndup(&m->arena, c, len);
                    int r = id ? cg_strset_add(&m->arena, ids, id) : -1;
                    if (r < 0)
                        return -1;
                    if (r > 0)
                        m->ext_licrefs[m->n_ext_licrefs++] = id;
                }
                c += n ? n : 1;
            }
        }
    if (m->n_ext_licrefs)
        qsort(m->ext_licrefs, m->n_ext_licrefs, sizeof *m->ext_licrefs, cg_strptr_cmp);
    return 0;
}

static int build_licrefs(cg_wmodel *m)
{
    const cg_sbom *s = m->s;
    size_t total = 0;
    cg_strset ids = {0};
    if (collect_ext_licrefs(m, &ids) < 0)
        return -1;
    for (size_t i = 0; i < s->n_pkgs; i++) /* the free-text names only */
        for (size_t k = 0; k < s->pkgs[i].n_licenses; k++) {
            const cg_license *l = &s->pkgs[i].licenses[k];
            total += l->value && l->value[0] && !cg_w_license_is_spdx(l);
        }
    m->licrefs = cg_arena_calloc(&m->arena, total + 1, sizeof *m->licrefs);
    if (!m->licrefs)
        return -1;
    size_t n = 0;
    for (size_t i = 0; i < s->n_pkgs; i++)
        for (size_t k = 0; k < s->pkgs[i].n_licenses; k++) {
            const cg_license *l = &s->pkgs[i].licenses[k];
            if (l->value && l->value[0] && !cg_w_license_is_spdx(l))
                m->licrefs[n++].text = l->value;
        }
    if (n)
        qsort(m->licrefs, n, sizeof *m->licrefs, licref_cmp);
    size_t u = 0;
    for (size_t k = 0; k < n; k++) {
        if (u && strcmp(m->licrefs[u - 1].text, m->licrefs[k].text) == 0)
            continue;
        const char *base = licref_id(&m->arena, m->licrefs[k].text), *id = base;
        for (unsigned c = 2; id; c++) {
            int r = cg_strset_add(&m->arena, &ids, id);
            if (r < 0)
                return -1;
            if (r > 0)
                break;
            id = cg_arena_sprintf(&m->arena, "%s-%u", base, c);
        }
        if (!id)
            return -1;
        m->licrefs[u].text = m->licrefs[k].text;
        m->licrefs[u++].id = id;
    }
    m->n_licrefs = u;
    return 0;
}

static cg_status model_build(cg_wmodel *m, const cg_sbom *s, cg_error *err)
{
    char ts[21];
    cg_status st = rfc3339(s->timestamp, ts, err);
    if (st != CG_OK)
        return st;
    m->s = s;
    cg_arena *a = &m->arena;
    const cg_image_info *im = &s->image;
    m->timestamp = cg_arena_strdup(a, ts);
    m->image_name = im->name ? im->name : im->ref ? im->ref : "image";
    m->image_version = im->manifest_digest ? im->manifest_digest : im->config_digest;
    if (s->image_purl)
        m->image_ref = s->image_purl;
    else
        m->image_ref = cg_arena_sprintf(a, "cgate-image:%s%s%s", m->image_name,
                                        m->image_version ? "@" : "", nz(m->image_version));
    cg_strset refs = {0};
    cg_arena sa; /* the set's slots: only needed while refs are chosen */
    cg_arena_init(&sa);
    m->refs = cg_arena_calloc(a, s->n_pkgs + 1, sizeof *m->refs);
    if (!m->timestamp || !m->image_ref || !m->refs || cg_strset_reserve(&sa, &refs, s->n_pkgs + 2) < 0 ||
        cg_strset_add(&sa, &refs, m->image_ref) < 0) {
        cg_arena_free(&sa);
        return cg_error_set(err, CG_ERR_NOMEM, "writing SBOM: out of memory");
    }
    if (s->distro) {
        const cg_distro *d = s->distro;
        const char *id = d->id ? d->id : d->name ? d->name : "unknown";
        const char *base = cg_arena_sprintf(a, "os:%s%s%s", id, d->version_id ? "@" : "",
                                            nz(d->version_id));
        unsigned one = 1;
        m->os_ref = base ? unique_ref(a, &sa, &refs, base, &one) : NULL;
        if (!m->os_ref) {
            cg_arena_free(&sa);
            return cg_error_set(err, CG_ERR_NOMEM, "writing SBOM: out of memory");
        }
    }
    const char *prev_base = NULL;
    unsigned next = 1;
    for (size_t i = 0; i < s->n_pkgs; i++) {
        const cg_package *p = &s->pkgs[i];
        const char *base = p->purl && p->purl[0] ? p->purl : fallback_ref(a, p);
        if (!prev_base || !base || strcmp(prev_base, base))
            next = 1; /* packages are sorted: equal purls are mostly adjacent */
        prev_base = base;
        m->refs[i] = base ? unique_ref(a, &sa, &refs, base, &next) : NULL;
        if (!m->refs[i]) {
            cg_arena_free(&sa);
            return cg_error_set(err, CG_ERR_NOMEM, "writing SBOM: out of memory");
        }
    }
    cg_arena_free(&sa);
    if (resolve_deps(m) < 0 || build_licrefs(m) < 0)
        return cg_error_set(err, CG_ERR_NOMEM, "writing SBOM: out of memory");
    return CG_OK;
}

static cg_status write_any(const cg_sbom *s, cg_sbom_format fmt, size_t width, cg_buf *out, cg_sink_fn sink,
                           void *ud, cg_error *err)
{
    if (s->n_pkgs && !s->pkgs)
        return cg_error_set(err, CG_ERR_USAGE, "cg_sbom_write: %zu packages but no array", s->n_pkgs);
    cg_wmodel m;
    memset(&m, 0, sizeof m);
    cg_arena_init(&m.arena);
    cg_arena_init(&m.scratch);
    m.table_width = width;
    cg_status st = model_build(&m, s, err);
    if (st == CG_OK) {
        switch (fmt) {
        case CG_SBOM_CYCLONEDX_JSON: st = cg_write_cyclonedx(&m, out, sink, ud, err); break;
        case CG_SBOM_SPDX_JSON: st = cg_write_spdx(&m, out, sink, ud, err); break;
        case CG_SBOM_TABLE: {
            size_t start = out->len;
            st = cg_write_table(&m, out, err);
            if (st == CG_OK && sink && out->len > start)
                st = sink(ud, out->data + start, out->len - start, err);
            break;
        }
        default: st = cg_error_set(err, CG_ERR_USAGE, "unknown SBOM format %d", (int)fmt); break;
        }
    }
    cg_arena_free(&m.scratch);
    cg_arena_free(&m.arena);
    return st;
}

cg_status cg_sbom_write(const cg_sbom *s, cg_sbom_format fmt, cg_buf *out, cg_error *err)
{
    if (!s || !out)
        return cg_error_set(err, CG_ERR_USAGE, "cg_sbom_write: no SBOM or no output buffer");
    return write_any(s, fmt, 0, out, NULL, NULL, err);
}

cg_status cg_sbom_write_stream(const cg_sbom *s, cg_sbom_format fmt, cg_sink_fn sink, void *ud, cg_error *err)
{
    if (!s || !sink)
        return cg_error_set(err, CG_ERR_USAGE, "cg_sbom_write_stream: no SBOM or no sink");
    cg_buf win = CG_BUF_INIT;
    cg_status st = write_any(s, fmt, 0, &win, sink, ud, err);
    cg_buf_free(&win);
    return st;
}

static cg_status write_cdx_ext(const cg_sbom *s, cg_cdx_vulns_fn fn, void *ud, cg_buf *out, cg_sink_fn sink, void *sink_ud, cg_error *err)
{
    cg_wmodel m;
    memset(&m, 0, sizeof m);
    cg_arena_init(&m.arena);
    cg_arena_init(&m.scratch);
    m.cdx_vulns = fn;
    m.cdx_vulns_ud = ud;
    cg_status st = model_build(&m, s, err);
    if (st == CG_OK)
        st = cg_write_cyclonedx(&m, out, sink, sink_ud, err);
    cg_arena_free(&m.scratch);
    cg_arena_free(&m.arena);
    return st;
}

cg_status cg_sbom_write_table(const cg_sbom *s, size_t width, cg_buf *out, cg_error *err)
{
    if (!s || !out)
        return cg_error_set(err, CG_ERR_USAGE, "cg_sbom_write_table: no SBOM or no output buffer");
    return write_any(s, CG_SBOM_TABLE, width, out, NULL, NULL, err);
}

cg_status cg_sbom_write_cyclonedx_ext(const cg_sbom *s, cg_cdx_vulns_fn fn, void *ud, cg_buf *out, cg_error *err)
{
    if (!s || !out)
        return cg_error_set(err, CG_ERR_USAGE, "cg_sbom_write_cyclonedx_ext: no SBOM or no output buffer");
    return write_cdx_ext(s, fn, ud, out, NULL, NULL, err);
}

cg_status cg_sbom_write_cyclonedx_ext_stream(const cg_sbom *s, cg_cdx_vulns_fn fn, void *ud, cg_sink_fn sink,
                                             void *sink_ud, cg_error *err)
{
    if (!s || !sink)
        return cg_error_set(err, CG_ERR_USAGE, "cg_sbom_write_cyclonedx_ext_stream: no SBOM or no sink");
    cg_buf win = CG_BUF_INIT;
    cg_status st = write_cdx_ext(s, fn, ud, &win, sink, sink_ud, err);
    cg_buf_free(&win);
    return st;
}

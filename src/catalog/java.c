/*
 * java.c - Maven packages from Java archives (.jar .war .ear .par .jpi .hpi),
 * including archives nested inside them (WEB-INF/lib, BOOT-INF/lib, lib/, any
 * *.jar entry) down to JAVA_DEPTH_MAX levels.
 *
 * Per archive, in order of trust: every META-INF/maven/G/A/pom.properties
 * (one package each); else META-INF/MANIFEST.MF (main section); else the file
 * name ("commons-text-1.9.jar" -> commons-text 1.9).  Which one was used is
 * the cgate:java:metadata-source property.
 *
 * Shaded jars carry several pom.properties.  The jar's own artifact is the one
 * pom.properties when there is only one; otherwise the one whose artifactId
 * matches the file name ("A-VERSION.jar", "A.jar", or the name part of the
 * file name equals A).  The others are reported too, marked
 * cgate:java:shaded=true.  When several exist and none matches the file name,
 * all are reported unmarked and no manifest/file-name package is invented.
 * One artifact (group, name, version) is reported once per top-level file,
 * at the first path it was found, however many nested copies there are.
 * Nested packages are located at the outer file (so dpkg ownership applies)
 * and name their inner path in cgate:java:archive-path.
 *
 * All reading happens in parse() (the archive is gone by finish()); large
 * files arrive as a temporary file (spill) and are read with pread through
 * zip.c.  A bad archive is a warning naming it (nested: "/x.war!/WEB-INF/lib/
 * y.jar"), never a failed SBOM; only out-of-memory is an error.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "catalog/catalog.h"
#include "catalog/license.h"
#include "catalog/lockutil.h"
#include "catalog/zip.h"
#include "core/strmap.h"

#define JAVA_FILE_MAX (1024u * 1024u * 1024u)      /* top-level archive (on disk, spilled) */
#define JAVA_DEPTH_MAX 4                           /* nested archives opened below the top one */
#define JAVA_BUDGET (512ull * 1024u * 1024u)       /* bytes inflated or opened per top-level file */
#define JAVA_LIVE_MAX (128ull * 1024u * 1024u)     /* nested archives held in memory at once */
#define NESTED_MEM_MAX (64u * 1024u * 1024u)       /* one deflated nested archive */
#define POM_MAX (64u * 1024u)
#define MF_MAX (1024u * 1024u)
#define RATIO_MAX 100u
#define RATIO_FLOOR (1024u * 1024u)
#define POMS_MAX 512u          /* pom.properties per archive */
#define NESTED_MAX 4096u       /* nested archives per archive */
#define ARCHIVES_MAX 10000u    /* archives opened per top-level file */
#define PKGS_MAX 20000u        /* packages per top-level file */
#define WARN_MAX 20u           /* warnings per top-level file, then a summary */
#define ID_MAX 256u
#define MF_VAL_MAX 2048u
#define NAME_SHOW_MAX 512u

/* ---------- results ---------- */

typedef struct jpkg {
    const char *group, *name, *version;
    const char *source;       /* "pom.properties" | "MANIFEST.MF" | "filename" */
    const char *archive_path; /* nested: "/x.war!/WEB-INF/lib/y.jar"; NULL at top level */
    const char *pom_path;     /* "META-INF/maven/G/A/pom.properties" */
    const char *sha1;         /* of the archive the package was found in */
    const cg_license *lics;
    size_t n_lics;
    const char *vendor;
    bool shaded;
} jpkg;

typedef struct jres {
    const char *path; /* the regular file parsed (links resolve to it) */
    const char *sha1;
    jpkg *pkgs;
    size_t n;
} jres;

typedef struct jscan {
    cg_cat_ctx *ctx;
    cg_arena *a;
    uint64_t budget, live;
    size_t n_archives, n_warn;
    jpkg *pkgs;
    size_t n_pkgs, cap_pkgs;
    cg_strmap seen; /* "group\1name\1version" of the packages so far */
    bool oom, pkgs_capped, archives_capped;
} jscan;

static void jwarn(jscan *js, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void jwarn(jscan *js, const char *fmt, ...)
{
    if (js->n_warn++ >= WARN_MAX)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cg_cat_warn(js->ctx, "%s", msg);
}

/* ---------- paths ---------- */

static bool lower_eq(const char *s, const char *lit, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        if (c != lit[i])
            return false;
    }
    return true;
}

/* ".jar" ".war" ".ear" ".par" ".jpi" ".hpi", any case */
static bool archive_name(const char *p, size_t n)
{
    static const char exts[][5] = {".jar", ".war", ".ear", ".par", ".jpi", ".hpi"};
    if (n < 5 || p[n - 4] != '.' || p[n - 5] == '/')
        return false;
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
        if (lower_eq(p + n - 4, exts[i], 4))
            return true;
    return false;
}

static bool java_wants(const char *path, size_t len, cg_cat_want *w)
{
    if (!archive_name(path, len))
        return false;
    *w = (cg_cat_want){.max_size = JAVA_FILE_MAX, .essential = false, .spill = true, .evidence = CG_EV_INSTALLED};
    return true;
}

/* An entry name that would leave the archive's root if used as a path. */
static bool escapes(const char *n, size_t len)
{
    if (len && (n[0] == '/' || n[0] == '\\'))
        return true;
    if (len >= 2 && n[1] == ':')
        return true; /* "C:..." */
    size_t i = 0;
    while (i <= len) {
        size_t j = i;
        while (j < len && n[j] != '/' && n[j] != '\\')
            j++;
        if (j - i == 2 && n[i] == '.' && n[i + 1] == '.')
            return true;
        i = j + 1;
    }
    return false;
}

/* A printable copy of an entry name for messages and properties. */
static char *show_name(cg_arena *a, const char *n, size_t len)
{
    if (len > NAME_SHOW_MAX)
        len = NAME_SHOW_MAX;
    char *s = cg_arena_strndup(a, n, len);
    if (s)
        for (size_t i = 0; i < len; i++)
            if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
                s[i] = '?';
    return s;
}

/* ---------- small text helpers ---------- */

typedef struct span {
    const uint8_t *p;
    size_t n;
} span;

static span trim(span s)
{
    while (s.n && (s.p[0] == ' ' || s.p[0] == '\t' || s.p[0] == '\r' || s.p[0] == '\n' || s.p[0] == '\f')) {
        s.p++;
        s.n--;
    }
    while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t' || s.p[s.n - 1] == '\r' || s.p[s.n - 1] == '\n'))
        s.n--;
    return s;
}

/* Identifier-like: 1..ID_MAX bytes, no spaces or controls, no "${". */
static bool clean_id(span s)
{
    if (!cg_lock_token_ok((const char *)s.p, s.n, ID_MAX))
        return false;
    for (size_t i = 0; i + 1 < s.n; i++)
        if (s.p[i] == '$' && s.p[i + 1] == '{')
            return false;
    return true;
}

static const char *dup_id(jscan *js, span s)
{
    if (!clean_id(s))
        return NULL;
    const char *r = cg_arena_strndup(js->a, (const char *)s.p, s.n);
    if (!r)
        js->oom = true;
    return r;
}

static span cstr(const char *s) { return (span){(const uint8_t *)s, s ? strlen(s) : 0}; }

/* ---------- pom.properties ---------- */

typedef struct pom {
    const char *group, *artifact, *version, *path;
} pom;

/* Java properties, the subset Maven writes: "key=value", "key: value",
 * "key value"; '#' and '!' comments.  Escapes are not decoded (an escaped
 * value is not a clean identifier and is dropped). */
static void parse_pom(jscan *js, const uint8_t *p, size_t n, pom *out)
{
    span g = {0}, a = {0}, v = {0};
    const uint8_t *end = p + n;
    while (p < end) {
        const uint8_t *nl = p;
        while (nl < end && *nl != '\n' && *nl != '\r')
            nl++;
        span line = trim((span){p, (size_t)(nl - p)});
        p = nl < end ? nl + 1 : end;
        if (!line.n || line.p[0] == '#' || line.p[0] == '!')
            continue;
        size_t k = 0;
        while (k < line.n && line.p[k] != '=' && line.p[k] != ':' && line.p[k] != ' ' && line.p[k] != '\t')
            k++;
        span key = {line.p, k};
        size_t vi = k;
        while (vi < line.n && (line.p[vi] == ' ' || line.p[vi] == '\t'))
            vi++;
        if (vi < line.n && (line.p[vi] == '=' || line.p[vi] == ':'))
            vi++;
        span val = trim((span){line.p + vi, line.n - vi});
        if (key.n == 7 && !memcmp(key.p, "groupId", 7))
            g = val;
        else if (key.n == 10 && !memcmp(key.p, "artifactId", 10))
            a = val;
        else if (key.n == 7 && !memcmp(key.p, "version", 7))
            v = val;
    }
    out->group = dup_id(js, g);
    out->artifact = dup_id(js, a);
    out->version = dup_id(js, v);
}

/* "META-INF/maven/G/A/pom.properties" exactly */
static bool pom_name(const char *n, size_t len)
{
    static const char pre[] = "META-INF/maven/", suf[] = "/pom.properties";
    size_t pl = sizeof pre - 1, sl = sizeof suf - 1;
    if (len <= pl + sl + 2 || memcmp(n, pre, pl) || memcmp(n + len - sl, suf, sl))
        return false;
    const char *mid = n + pl;
    size_t ml = len - pl - sl;
    const char *slash = memchr(mid, '/', ml);
    return slash && slash != mid && slash + 1 < mid + ml && !memchr(slash + 1, '/', (size_t)(mid + ml - slash - 1));
}

/* ---------- MANIFEST.MF ---------- */

enum mf_field { MF_IMPL_TITLE, MF_IMPL_VERSION, MF_IMPL_VENDOR, MF_IMPL_VENDOR_ID, MF_BSN, MF_BVERSION,
                MF_BVENDOR, MF_BLICENSE, MF_SPEC_TITLE, MF_SPEC_VERSION, MF_SPEC_VENDOR, MF_SHORT_NAME,
                MF_PLUGIN_VERSION, MF_GROUP_ID, MF_EXT_NAME, MF_N };

static const char *const mf_names[MF_N] = {
    "implementation-title", "implementation-version", "implementation-vendor", "implementation-vendor-id",
    "bundle-symbolicname", "bundle-version", "bundle-vendor", "bundle-license", "specification-title",
    "specification-version", "specification-vendor", "short-name", "plugin-version", "group-id", "extension-name"};

typedef struct manifest {
    const char *v[MF_N];     /* main section: trimmed values, arena; NULL when absent */
    const char *named[MF_N]; /* the first value in a named section (Implementation-* only) */
} manifest;

static int mf_lookup(span key)
{
    for (int i = 0; i < MF_N; i++)
        if (strlen(mf_names[i]) == key.n && lower_eq((const char *)key.p, mf_names[i], key.n))
            return i;
    return -1;
}

static void mf_store(jscan *js, const char **slot, const char *buf, size_t n)
{
    if (*slot)
        return;
    span s = trim((span){(const uint8_t *)buf, n});
    if (!s.n || memchr(s.p, 0, s.n))
        return;
    *slot = cg_arena_strndup(js->a, (const char *)s.p, s.n);
    if (!*slot)
        js->oom = true;
}

/* The main section, and Implementation-* from the first named section that
 * has them (some builds put them there; used only when the main section has
 * no version at all).  Continuation lines begin with one space. */
static void parse_manifest(jscan *js, const uint8_t *p, size_t n, manifest *m)
{
    memset(m, 0, sizeof *m);
    char val[MF_VAL_MAX];
    size_t vl = 0;
    int cur = -1, section = 0;
    bool overflow = false;
    const uint8_t *end = p + n;
    while (p < end) {
        const uint8_t *nl = p;
        while (nl < end && *nl != '\n' && *nl != '\r')
            nl++;
        span line = {p, (size_t)(nl - p)};
        p = nl;
        if (p < end && *p == '\r')
            p++;
        if (p < end && *p == '\n')
            p++;
        if (line.n && line.p[0] == ' ') { /* continuation */
            if (cur >= 0 && !overflow) {
                if (vl + line.n - 1 < sizeof val) {
                    memcpy(val + vl, line.p + 1, line.n - 1);
                    vl += line.n - 1;
                } else {
                    overflow = true;
                }
            }
            continue;
        }
        if (cur >= 0 && !overflow)
            mf_store(js, section ? &m->named[cur] : &m->v[cur], val, vl);
        cur = -1;
        overflow = false;
        vl = 0;
        if (line.n == 0) {
            section++;
            continue;
        }
        const uint8_t *colon = memchr(line.p, ':', line.n);
        if (!colon)
            continue;
        int f = mf_lookup((span){line.p, (size_t)(colon - line.p)});
        if (f < 0 || (section > 0 && f != MF_IMPL_TITLE && f != MF_IMPL_VERSION && f != MF_IMPL_VENDOR))
            continue;
        cur = f;
        span v = {colon + 1, (size_t)(line.p + line.n - colon - 1)};
        if (v.n >= sizeof val) {
            overflow = true;
            continue;
        }
        memcpy(val, v.p, v.n);
        vl = v.n;
    }
    if (cur >= 0 && !overflow)
        mf_store(js, section ? &m->named[cur] : &m->v[cur], val, vl);
}

/* Licence URLs that name one SPDX licence (the common ones in Bundle-License). */
static const struct {
    const char *needle, *spdx;
} lic_urls[] = {
    {"apache.org/licenses/license-2.0", "Apache-2.0"}, {"opensource.org/licenses/apache-2.0", "Apache-2.0"},
    {"opensource.org/licenses/mit", "MIT"},            {"eclipse.org/legal/epl-2.0", "EPL-2.0"},
    {"eclipse.org/legal/epl-v20", "EPL-2.0"},          {"eclipse.org/legal/epl-v10", "EPL-1.0"},
    {"eclipse.org/org/documents/edl-v10", "BSD-3-Clause"}, {"opensource.org/licenses/bsd-3-clause", "BSD-3-Clause"},
    {"gnu.org/licenses/lgpl-2.1", "LGPL-2.1-only"},    {"gnu.org/licenses/old-licenses/lgpl-2.1", "LGPL-2.1-only"},
};

static bool ci_contains(const uint8_t *h, size_t hn, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; n && i + n <= hn; i++)
        if (lower_eq((const char *)h + i, needle, n))
            return true;
    return false;
}

/* Bundle-License (OSGi): "<<EXTERNAL>>" or a comma-separated list of
 * NAME-or-URL[;description=...;link=...], names possibly quoted.  Each
 * becomes one licence: a known URL maps to its SPDX id, others are kept as
 * written (cg_license_map decides whether they are SPDX). */
#define LICS_MAX 8u
static size_t mf_licenses(jscan *js, const char *v, cg_license *out)
{
    if (!v || !strcmp(v, "<<EXTERNAL>>"))
        return 0;
    size_t n = 0, len = strlen(v), i = 0;
    while (i < len && n < LICS_MAX && !js->oom) {
        /* one list element: up to a comma outside quotes */
        size_t j = i, semi = SIZE_MAX;
        bool q = false;
        while (j < len && (q || v[j] != ',')) {
            if (v[j] == '"')
                q = !q;
            else if (!q && v[j] == ';' && semi == SIZE_MAX)
                semi = j;
            j++;
        }
        span name = trim((span){(const uint8_t *)v + i, (semi == SIZE_MAX ? j : semi) - i});
        if (name.n >= 2 && name.p[0] == '"' && name.p[name.n - 1] == '"')
            name = trim((span){name.p + 1, name.n - 2});
        i = j + 1;
        if (!name.n || memchr(name.p, '"', name.n))
            continue;
        const char *spdx = NULL;
        for (size_t k = 0; k < sizeof lic_urls / sizeof lic_urls[0] && !spdx; k++)
            if (ci_contains(name.p, name.n, lic_urls[k].needle))
                spdx = lic_urls[k].spdx;
        if (spdx) {
            out[n++] = (cg_license){spdx, 1};
        } else if (cg_license_map(js->a, (const char *)name.p, name.n, &out[n]) == 0) {
            n++;
        } else {
            js->oom = true;
        }
    }
    return n;
}

/* ---------- file names ---------- */

typedef struct fname {
    span stem, name, version; /* version.n == 0: none */
} fname;

/* "commons-text-1.9.jar" -> name "commons-text", version "1.9": the version
 * starts after the last '-' that is followed by a digit. */
static fname parse_fname(const char *base)
{
    fname f = {0};
    size_t n = strlen(base);
    if (n > 4 && base[n - 4] == '.')
        n -= 4;
    f.stem = (span){(const uint8_t *)base, n};
    f.name = f.stem;
    for (size_t i = n; i-- > 1;) {
        if (base[i - 1] == '-' && base[i] >= '0' && base[i] <= '9') {
            f.name = (span){(const uint8_t *)base, i - 1};
            f.version = (span){(const uint8_t *)base + i, n - i};
            break;
        }
    }
    return f;
}

static bool span_eq(span a, const char *s) { return s && a.n == strlen(s) && !memcmp(a.p, s, a.n); }

/* Does the file name say this archive IS artifact a (version v)? */
static bool fname_matches(const fname *f, const char *a, const char *v)
{
    if (!a)
        return false;
    if (span_eq(f->stem, a) || span_eq(f->name, a))
        return true;
    size_t al = strlen(a), vl = v ? strlen(v) : 0;
    return v && f->stem.n == al + 1 + vl && !memcmp(f->stem.p, a, al) && f->stem.p[al] == '-' &&
           !memcmp(f->stem.p + al + 1, v, vl);
}

/* ---------- digests ---------- */

static const char *sha1_of(jscan *js, const cg_zsrc *s)
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    if (!c) {
        js->oom = true;
        return NULL;
    }
    uint8_t buf[16384], md[EVP_MAX_MD_SIZE];
    unsigned int mdl = 0;
    bool ok = EVP_DigestInit_ex(c, EVP_sha1(), NULL) == 1;
    for (uint64_t off = 0; ok && off < s->len;) {
        size_t k = s->len - off < sizeof buf ? (size_t)(s->len - off) : sizeof buf;
        ok = cg_zsrc_read(s, off, buf, k) == 0 && EVP_DigestUpdate(c, buf, k) == 1;
        off += k;
    }
    ok = ok && EVP_DigestFinal_ex(c, md, &mdl) == 1 && mdl == 20;
    EVP_MD_CTX_free(c);
    if (!ok)
        return NULL;
    char hex[41];
    for (unsigned i = 0; i < 20; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    const char *r = cg_arena_strdup(js->a, hex);
    if (!r)
        js->oom = true;
    return r;
}

/* ---------- one archive ---------- */

/* Append p unless this top-level file already has the same artifact (copies
 * of one jar nested at several paths are reported once, at the first). */
static void add_pkg(jscan *js, const jpkg *p)
{
    if (js->oom)
        return;
    char *key = cg_arena_sprintf(js->a, "%s\x01%s\x01%s", p->group ? p->group : "", p->name,
                                 p->version ? p->version : "");
    if (!key) {
        js->oom = true;
        return;
    }
    size_t kl = strlen(key);
    if (cg_strmap_get(&js->seen, key, kl))
        return;
    if (js->n_pkgs >= PKGS_MAX) {
        js->pkgs_capped = true;
        return;
    }
    if (js->n_pkgs == js->cap_pkgs) {
        size_t nc = js->cap_pkgs ? js->cap_pkgs * 2 : 8;
        jpkg *v = realloc(js->pkgs, nc * sizeof *v);
        if (!v) {
            js->oom = true;
            return;
        }
        js->pkgs = v;
        js->cap_pkgs = nc;
    }
    js->pkgs[js->n_pkgs++] = *p;
    if (cg_strmap_put(&js->seen, key, kl, key) != CG_OK)
        js->oom = true;
}

typedef struct listing {
    cg_zip_entry mf;
    bool has_mf;
    cg_zip_entry *poms, *nested;
    size_t n_poms, n_nested, n_slip, extra_poms, extra_nested;
    const char *slip_example;
} listing;

static bool list_entries(jscan *js, cg_zip *z, const char *disp, listing *l)
{
    char why[256];
    cg_zip_entry e;
    int r;
    memset(l, 0, sizeof *l);
    l->poms = malloc(POMS_MAX * sizeof *l->poms);
    l->nested = malloc(64 * sizeof *l->nested);
    size_t cap_nested = 64;
    if (!l->poms || !l->nested) {
        js->oom = true;
        return false;
    }
    while ((r = cg_zip_next(z, &e, why, sizeof why)) == 1) {
        if (!e.name_len || memchr(e.name, 0, e.name_len) || e.name[e.name_len - 1] == '/')
            continue;
        if (escapes(e.name, e.name_len)) {
            if (!l->n_slip++) {
                l->slip_example = show_name(js->a, e.name, e.name_len);
                if (!l->slip_example)
                    js->oom = true;
            }
            continue;
        }
        if (e.name_len == 20 && lower_eq(e.name, "meta-inf/manifest.mf", 20)) {
            if (!l->has_mf)
                l->mf = e;
            l->has_mf = true;
        } else if (pom_name(e.name, e.name_len)) {
            if (l->n_poms < POMS_MAX)
                l->poms[l->n_poms++] = e;
            else
                l->extra_poms++;
        } else if (archive_name(e.name, e.name_len)) {
            if (l->n_nested >= NESTED_MAX) {
                l->extra_nested++;
                continue;
            }
            if (l->n_nested == cap_nested) {
                cg_zip_entry *v = realloc(l->nested, 2 * cap_nested * sizeof *v);
                if (!v) {
                    js->oom = true;
                    return false;
                }
                l->nested = v;
                cap_nested *= 2;
            }
            l->nested[l->n_nested++] = e;
        }
    }
    if (r < 0)
        jwarn(js, "%s: %s; cataloged the entries before it", disp, why);
    if (l->n_slip)
        jwarn(js, "%s: %zu entry name(s) escape the archive (e.g. \"%s\"), skipped", disp, l->n_slip,
              l->slip_example ? l->slip_example : "?");
    if (l->extra_poms)
        jwarn(js, "%s: more than %u pom.properties, %zu ignored", disp, POMS_MAX, l->extra_poms);
    if (l->extra_nested)
        jwarn(js, "%s: more than %u nested archives, %zu ignored", disp, NESTED_MAX, l->extra_nested);
    return !js->oom;
}

static cg_zip_caps small_caps(jscan *js, uint64_t max)
{
    return (cg_zip_caps){.max_out = max, .budget = &js->budget, .max_ratio = RATIO_MAX, .ratio_floor = RATIO_FLOOR};
}

/* Read one small entry (pom.properties, MANIFEST.MF); NULL with a warning. */
static uint8_t *read_small(jscan *js, const cg_zip *z, const cg_zip_entry *e, uint64_t max, const char *disp,
                           size_t *len)
{
    char why[256];
    uint8_t *buf = NULL;
    cg_zip_caps caps = small_caps(js, max);
    int rc = cg_zip_extract(z, e, &caps, &buf, len, why, sizeof why);
    if (rc == CG_ZIP_NOMEM) {
        js->oom = true;
        return NULL;
    }
    if (rc) {
        char *nm = show_name(js->a, e->name, e->name_len);
        jwarn(js, "%s: entry %s: %s", disp, nm ? nm : "?", why);
        return NULL;
    }
    return buf;
}

static void scan_archive(jscan *js, const cg_zsrc *src, const char *disp, const char *apath, const char *base,
                         int depth);

static void emit(jscan *js, const listing *l, const cg_zip *z, const char *disp, const char *apath,
                 const char *base, const char *sha1)
{
    manifest mf;
    memset(&mf, 0, sizeof mf);
    if (l->has_mf) {
        size_t n = 0;
        uint8_t *b = read_small(js, z, &l->mf, MF_MAX, disp, &n);
        if (b)
            parse_manifest(js, b, n, &mf);
        free(b);
    }
    cg_license lbuf[LICS_MAX];
    size_t nl = mf_licenses(js, mf.v[MF_BLICENSE], lbuf);
    const cg_license *lics = nl ? cg_arena_memdup(js->a, lbuf, nl * sizeof *lbuf) : NULL;
    if (nl && !lics)
        js->oom = true;
    const char *vendor = mf.v[MF_IMPL_VENDOR] ? mf.v[MF_IMPL_VENDOR] : mf.v[MF_BVENDOR];
    if (!vendor)
        vendor = mf.named[MF_IMPL_VENDOR];
    fname fn = parse_fname(base);

    pom *poms = l->n_poms ? calloc(l->n_poms, sizeof *poms) : NULL;
    if (l->n_poms && !poms) {
        js->oom = true;
        return;
    }
    size_t nv = 0;
    for (size_t i = 0; i < l->n_poms && !js->oom; i++) {
        size_t n = 0;
        uint8_t *b = read_small(js, z, &l->poms[i], POM_MAX, disp, &n);
        if (!b)
            continue;
        pom p = {0};
        parse_pom(js, b, n, &p);
        free(b);
        p.path = show_name(js->a, l->poms[i].name, l->poms[i].name_len);
        if (!p.path)
            js->oom = true;
        if (!p.artifact || !p.version) {
            jwarn(js, "%s: %s lacks a usable artifactId or version, ignored", disp, p.path ? p.path : "?");
            continue;
        }
        poms[nv++] = p;
    }
    long own = nv == 1 ? 0 : -1;
    for (size_t i = 0; i < nv && own < 0; i++)
        if (fname_matches(&fn, poms[i].artifact, poms[i].version))
            own = (long)i;
    for (size_t i = 0; i < nv; i++) {
        bool mine = (long)i == own;
        jpkg p = {.group = poms[i].group, .name = poms[i].artifact, .version = poms[i].version,
                  .source = "pom.properties", .archive_path = apath, .pom_path = poms[i].path, .sha1 = sha1,
                  .lics = mine ? lics : NULL, .n_lics = mine ? nl : 0, .vendor = mine ? vendor : NULL,
                  .shaded = own >= 0 && !mine};
        add_pkg(js, &p);
    }
    free(poms);
    if (nv || js->oom)
        return;

    /* no pom.properties: the manifest, then the file name */
    jpkg p = {.archive_path = apath, .sha1 = sha1, .lics = lics, .n_lics = nl, .vendor = vendor};
    static const int vers[] = {MF_IMPL_VERSION, MF_BVERSION, MF_SPEC_VERSION, MF_PLUGIN_VERSION};
    for (size_t i = 0; i < sizeof vers / sizeof vers[0] && !p.version; i++)
        p.version = dup_id(js, cstr(mf.v[vers[i]]));
    if (!p.version)
        p.version = dup_id(js, cstr(mf.named[MF_IMPL_VERSION]));
    p.source = p.version ? "MANIFEST.MF" : "filename";
    if (!p.version && fn.version.n)
        p.version = dup_id(js, fn.version);
    p.name = dup_id(js, fn.name);
    static const int names[] = {MF_SHORT_NAME, MF_IMPL_TITLE, MF_EXT_NAME, MF_SPEC_TITLE};
    for (size_t i = 0; i < sizeof names / sizeof names[0] && !p.name; i++)
        p.name = dup_id(js, cstr(mf.v[names[i]]));
    if (!p.name) {
        jwarn(js, "%s: no usable name in pom.properties, MANIFEST.MF or the file name", disp);
        return;
    }
    /* groupId: only where the manifest states one */
    const char *g = mf.v[MF_IMPL_VENDOR_ID] ? mf.v[MF_IMPL_VENDOR_ID] : mf.v[MF_GROUP_ID];
    if (g && strchr(g, '.'))
        p.group = dup_id(js, cstr(g));
    const char *bsn = mf.v[MF_BSN];
    if (!p.group && bsn) { /* "com.fasterxml.jackson.core.jackson-core;singleton:=true" */
        size_t bl = strcspn(bsn, ";"), pl = strlen(p.name);
        if (bl > pl + 1 && !memcmp(bsn + bl - pl, p.name, pl) && bsn[bl - pl - 1] == '.')
            p.group = dup_id(js, (span){(const uint8_t *)bsn, bl - pl - 1});
    }
    add_pkg(js, &p);
}

static void scan_nested(jscan *js, const cg_zip *z, const listing *l, const char *disp, int depth)
{
    if (l->n_nested && depth >= JAVA_DEPTH_MAX) {
        jwarn(js, "%s: %zu nested archive(s) more than %d levels deep, not opened", disp, l->n_nested,
              JAVA_DEPTH_MAX);
        return;
    }
    for (size_t i = 0; i < l->n_nested && !js->oom; i++) {
        const cg_zip_entry *e = &l->nested[i];
        char *nm = show_name(js->a, e->name, e->name_len);
        char *cd = nm ? cg_arena_sprintf(js->a, "%s!/%s", disp, nm) : NULL;
        if (!cd) {
            js->oom = true;
            return;
        }
        if (js->n_archives >= ARCHIVES_MAX) {
            js->archives_capped = true;
            return;
        }
        const char *slash = strrchr(nm, '/');
        const char *base = slash ? slash + 1 : nm;
        char why[256];
        cg_zsrc sub;
        uint8_t *buf = NULL;
        size_t blen = 0;
        int rc;
        if (e->method == 0) { /* stored (Spring Boot): read in place */
            rc = cg_zip_data(z, e, &sub, why, sizeof why);
            if (rc == CG_ZIP_OK && e->csize > js->budget) {
                rc = CG_ZIP_LIMIT;
                snprintf(why, sizeof why, "the cap on bytes read per archive is reached");
            }
            if (rc == CG_ZIP_OK)
                js->budget -= e->csize;
        } else {
            uint64_t room = JAVA_LIVE_MAX - js->live;
            cg_zip_caps caps = small_caps(js, room < NESTED_MEM_MAX ? room : NESTED_MEM_MAX);
            rc = cg_zip_extract(z, e, &caps, &buf, &blen, why, sizeof why);
            sub = (cg_zsrc){buf, -1, 0, blen};
        }
        if (rc == CG_ZIP_NOMEM) {
            js->oom = true;
            return;
        }
        if (rc) {
            jwarn(js, "%s: %s", cd, why);
            continue;
        }
        js->live += blen;
        scan_archive(js, &sub, cd, cd, base, depth + 1);
        js->live -= blen;
        free(buf);
    }
}

static void scan_archive(jscan *js, const cg_zsrc *src, const char *disp, const char *apath, const char *base,
                         int depth)
{
    js->n_archives++;
    const char *sha1 = apath ? sha1_of(js, src) : NULL; /* the top level's is computed once by parse */
    cg_zip z;
    char why[256];
    int rc = cg_zip_open(&z, src, why, sizeof why);
    if (rc == CG_ZIP_NOMEM) {
        js->oom = true;
    } else if (rc) {
        jwarn(js, "%s: %s", disp, why);
    } else {
        listing l;
        if (list_entries(js, &z, disp, &l)) {
            emit(js, &l, &z, disp, apath, base, sha1);
            scan_nested(js, &z, &l, disp, depth);
        }
        free(l.poms);
        free(l.nested);
    }
    cg_zip_close(&z);
}

/* ---------- cataloger ---------- */

static cg_status java_parse(cg_cat_ctx *ctx, const cg_cat_file *f, void **result, cg_error *err)
{
    cg_arena *a = cg_cat_arena(ctx);
    jscan js = {.ctx = ctx, .a = a, .budget = JAVA_BUDGET};
    cg_strmap_init(&js.seen);
    jres *res = cg_arena_calloc(a, 1, sizeof *res);
    const char *disp = cg_arena_sprintf(a, "/%s", f->path);
    if (!res || !disp)
        return cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", f->path);
    res->path = disp + 1; /* arena copy of f->path */
    cg_zsrc src = {f->data, f->data ? -1 : f->fd, 0, f->len};
    res->sha1 = sha1_of(&js, &src);
    const char *slash = strrchr(f->path, '/');
    scan_archive(&js, &src, disp, NULL, slash ? slash + 1 : f->path, 0);
    if (!js.oom && js.archives_capped)
        jwarn(&js, "%s: more than %u nested archives in one file, the rest not opened", disp, ARCHIVES_MAX);
    if (!js.oom && js.pkgs_capped)
        jwarn(&js, "%s: more than %u packages, the rest ignored", disp, PKGS_MAX);
    if (!js.oom && js.n_warn > WARN_MAX)
        cg_cat_warn(ctx, "%s: %zu more problems not shown", disp, js.n_warn - WARN_MAX);
    if (!js.oom && js.n_pkgs) {
        for (size_t i = 0; i < js.n_pkgs; i++)
            if (!js.pkgs[i].archive_path)
                js.pkgs[i].sha1 = res->sha1;
        res->pkgs = cg_arena_memdup(a, js.pkgs, js.n_pkgs * sizeof *js.pkgs);
        res->n = js.n_pkgs;
        js.oom = !res->pkgs;
    }
    free(js.pkgs);
    cg_strmap_free(&js.seen);
    if (js.oom)
        return cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", f->path);
    *result = res;
    return CG_OK;
}

/* For cg_cat_intro_layer: are a lower version's bytes the same (same SHA-1)? */
static bool same_bytes(const void *result, const void *rec)
{
    const jres *o = result, *r = rec;
    return o && o->sha1 && r->sha1 && !strcmp(o->sha1, r->sha1);
}

typedef struct ref {
    const cg_cat_node *node;
    size_t idx;
} ref;

static int ref_cmp(const void *x, const void *y)
{
    const ref *a = x, *b = y;
    const void *ra = a->node->result, *rb = b->node->result;
    if (ra != rb)
        return (uintptr_t)ra < (uintptr_t)rb ? -1 : 1;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static cg_status emit_one(cg_cat_ctx *ctx, const jpkg *j, const jres *r, const cg_cat_node *node)
{
    cg_arena *a = cg_cat_arena(ctx);
    cg_package *p = cg_cat_add_package(ctx);
    if (!p)
        return CG_ERR_NOMEM;
    p->type = "maven";
    p->namespace_ = j->group;
    p->name = j->name;
    p->version = j->version;
    p->supplier = j->vendor;
    p->cataloger = "java";
    p->layer = cg_cat_intro_layer(node, same_bytes, r);
    if (j->n_lics) {
        p->licenses = cg_arena_memdup(a, j->lics, j->n_lics * sizeof *j->lics);
        if (!p->licenses)
            return CG_ERR_NOMEM;
        p->n_licenses = j->n_lics;
    }
    cg_status st = cg_cat_add_location(ctx, p, r->path, node->layer);
    if (st == CG_OK)
        st = cg_cat_add_prop(ctx, p, "cgate:java:metadata-source", j->source);
    if (st == CG_OK)
        st = cg_cat_add_prop(ctx, p, "cgate:java:archive-path", j->archive_path);
    if (st == CG_OK)
        st = cg_cat_add_prop(ctx, p, "cgate:java:pom-properties", j->pom_path);
    if (st == CG_OK)
        st = cg_cat_add_prop(ctx, p, "cgate:java:sha1", j->sha1);
    if (st == CG_OK && j->shaded)
        st = cg_cat_add_prop(ctx, p, "cgate:java:shaded", "true");
    return st;
}

/* Symbolic and hard links to an archive arrive as nodes sharing the target's
 * result: each archive is reported once, at its real path. */
static cg_status java_finish(cg_cat_ctx *ctx, const cg_cat_node *const *nodes, size_t n, cg_error *err)
{
    ref *v = n ? malloc(n * sizeof *v) : NULL;
    if (n && !v)
        return cg_error_set(err, CG_ERR_NOMEM, "java: out of memory");
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (nodes[i]->result)
            v[k++] = (ref){nodes[i], i};
    if (k)
        qsort(v, k, sizeof *v, ref_cmp);
    cg_status st = CG_OK;
    for (size_t i = 0; i < k && st == CG_OK; i++) {
        if (i && v[i].node->result == v[i - 1].node->result)
            continue;
        const jres *r = v[i].node->result;
        for (size_t j = 0; j < r->n && st == CG_OK; j++)
            st = emit_one(ctx, &r->pkgs[j], r, v[i].node);
    }
    free(v);
    if (st != CG_OK)
        return cg_error_set(err, st, "java: out of memory");
    return CG_OK;
}

const cg_cataloger cg_cataloger_java = {
    .name = "java",
    .purl_type = "maven",
    .wants = java_wants,
    .parse = java_parse,
    .finish = java_finish,
};

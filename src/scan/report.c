/*
 * report.c - cg_scan(): look every package up (match.c decides where and
 * evaluates the ranges), turn each match into a finding with its severity
 * (computed from the CVSS vectors: v3.1/v3.0, then v4.0, then v2; the
 * source's own label kept beside it), KEV and EPSS, group findings into
 * targets the way Trivy does (the OS packages as one target, language
 * packages per lockfile/binary or aggregated "Node.js", "Python", "Java",
 * "Ruby"), merge records that name the same vulnerability for the same
 * package, filter, and sort.  The writers (report_*.c) only lay this out.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cgate/buf.h"
#include "core/digest.h"
#include "core/ecosystem.h"
#include "core/strmap.h"
#include "scan/scan_int.h"
#include "core/oom.h"

#define MAX_NOTES 200

const char *cg_finding_status_name(cg_finding_status s)
{
    switch (s) {
    case CG_FIND_FIXED: return "fixed";
    case CG_FIND_AFFECTED: return "affected";
    default: return "unknown";
    }
}

const char *cg_report_target_class_name(cg_target_class c)
{
    return c == CG_TARGET_OS ? "os-pkgs" : "lang-pkgs";
}

const cg_layer_info *cg_report_layer(const cg_report *r, const cg_package *p)
{
    const cg_image_info *im = &r->sbom->image;
    if (p->layer < 0 || !im->layers || (size_t)p->layer >= im->n_layers)
        return NULL;
    return &im->layers[p->layer];
}

const char *cg_finding_pkg_name(const cg_finding *f)
{
    const cg_package *p = f->pkg;
    if (p->namespace_ && p->namespace_[0] && f->lookup_name && f->lookup_name[0] && f->v->ecosystem &&
        strchr(f->v->ecosystem, ':') == NULL) /* distro ecosystems ("Debian:12") look up the source */
        return f->lookup_name;
    return p->name ? p->name : "";
}

const char *cg_report_pkg_path(const cg_package *p)
{
    if (!p->n_locations || !p->locations || !p->locations[0].path)
        return NULL;
    const char *s = p->locations[0].path;
    while (*s == '/')
        s++;
    return s;
}

double cg_report_severity_number(cg_severity s)
{
    switch (s) {
    case CG_SEV_CRITICAL: return 9.5;
    case CG_SEV_HIGH: return 8.0;
    case CG_SEV_MEDIUM: return 5.5;
    case CG_SEV_LOW: return 2.0;
    default: return 0.0;
    }
}

const cg_finding_cvss *cg_report_primary_cvss(const cg_finding *fi)
{
    const cg_finding_vuln *f = fi->v;
    for (size_t i = 0; i < f->n_cvss; i++)
        if (f->severity_source && !strcmp(f->cvss[i].source, f->severity_source) && f->cvss[i].score == f->score)
            return &f->cvss[i];
    return NULL;
}

/* ---- notes -------------------------------------------------------------- */

typedef struct builder {
    cg_report *r;
    cg_arena *a;
    cg_strmap notes;
    cg_strmap cache;  /* "eco\nname" -> lookup */
    /* SHA-256 of an advisory's package-independent fields -> the one copy of
     * them in the report's arena: an advisory over 100 packages is looked up
     * 100 times but stored once (only affected[] differs per lookup) */
    cg_strmap advs;
    cg_buf kb;        /* scratch: the fields serialised for that hash */
    cg_buf lk;        /* scratch: a lookup key */
    cg_arena scratch; /* per-finding temporaries, emptied after each */
    cg_strmap sevs;   /* (advisory, data source) -> sev_memo */
    cg_strmap vulns;  /* (advisory, ecosystem) -> cg_finding_vuln */
    cg_strmap strs;   /* interned strings repeated across findings (URLs, range versions) */
    cg_finding *f;    /* malloc'd, grown */
    size_t n, cap;
    uint64_t *shared; /* sorted hashes of the lookups several packages make (cached) */
    size_t n_shared;
    const char *os_target; /* the OS target's name, made once */
} builder;

/* One looked-up advisory: the report's shared copy (affected[] empty) and
 * the affected[] entries this lookup found. */
typedef struct lookup_adv {
    const cg_vdb_advisory *shared;
    cg_vdb_affected *affected;
    size_t n_affected;
} lookup_adv;

typedef struct lookup {
    lookup_adv *adv;
    size_t n;
} lookup;

/* The report's one copy of s (NULL for NULL); *oom set on failure. */
static const char *intern(builder *b, const char *s, int *oom)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    const char *c = cg_strmap_get(&b->strs, s, n);
    if (c)
        return c;
    char *d = cg_arena_strndup(b->a, s, n);
    if (!d || cg_strmap_put(&b->strs, d, n, d) != CG_OK) {
        *oom = 1;
        return NULL;
    }
    return d;
}

/* note may be a temporary (scratch): a new one is copied to the report. */
static int add_note(builder *b, const char *note)
{
    if (!note)
        return -1;
    size_t n = strlen(note);
    if (cg_strmap_get(&b->notes, note, n))
        return 0;
    if (b->notes.count >= MAX_NOTES) {
        b->r->n_notes_dropped++;
        return 0;
    }
    char *c = cg_arena_strndup(b->a, note, n);
    return c && cg_strmap_put(&b->notes, c, n, c) == CG_OK ? 0 : -1;
}

/* ---- targets ------------------------------------------------------------ */

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static int ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && !strcmp(s + n - m, suf);
}

/* Lockfiles and manifests are targets of their own; installed packages are
 * aggregated per language as Trivy does (its Type names), as the ecosystem
 * table (core/ecosystem.c) says. */
static const struct {
    const char *type, *file, *ttype;
} LANG_TARGETS[] = {
    {"npm", "package-lock.json", "npm"},        {"npm", "yarn.lock", "yarn"},
    {"npm", "pnpm-lock.yaml", "pnpm"},          {"npm", "bun.lock", "bun"},
    {"pypi", "requirements.txt", "pip"},        {"pypi", "poetry.lock", "poetry"},
    {"pypi", "Pipfile.lock", "pipenv"},         {"pypi", "uv.lock", "uv"},
    {"golang", "go.mod", "gomod"},              {"maven", "pom.xml", "pom"},
    {"maven", "gradle.lockfile", "gradle"},     {"gem", "Gemfile.lock", "bundler"},
    {"cargo", "Cargo.lock", "cargo"},           {"composer", "composer.lock", "composer"},
    {"composer", "installed.json", "composer-vendor"},
    {"nuget", "packages.lock.json", "nuget"},   {"nuget", ".deps.json", "dotnet-core"},
};

/* p's target; the strings are the SBOM's, constants or made once.  -1: memory. */
static int target_of(builder *b, const cg_package *p, int is_os, cg_report_target *t)
{
    const cg_report *r = b->r;
    if (is_os) {
        const cg_distro *d = r->sbom->distro;
        t->class_ = CG_TARGET_OS;
        t->type = d && d->id ? d->id : "unknown";
        if (!b->os_target)
            b->os_target = cg_arena_sprintf(b->a, "%s (%s %s)", r->artifact_name, t->type,
                                            d && d->version_id ? d->version_id : "");
        t->name = b->os_target;
        return t->name ? 0 : -1;
    }
    const char *path = cg_report_pkg_path(p);
    const char *bn = path ? base_name(path) : "";
    t->class_ = CG_TARGET_LANG;
    for (size_t i = 0; i < sizeof LANG_TARGETS / sizeof LANG_TARGETS[0]; i++) {
        const char *f = LANG_TARGETS[i].file;
        if (strcmp(LANG_TARGETS[i].type, p->type) != 0)
            continue;
        if (f && !(f[0] == '.' ? ends_with(bn, f) : !strcmp(bn, f)))
            continue;
        t->type = LANG_TARGETS[i].ttype;
        t->name = path ? path : p->type;
        return 0;
    }
    const cg_ecosystem *e = cg_eco_lang_by_purl_type(p->type);
    if (e && e->installed_target) {
        t->type = e->installed_target;
        t->name = e->installed_agg ? e->installed_agg : path ? path : p->type;
        return 0;
    }
    t->type = p->type;
    t->name = path ? path : p->type;
    return 0;
}

static int target_cmp(const void *pa, const void *pb)
{
    const cg_report_target *a = pa, *b = pb;
    if (a->class_ != b->class_)
        return a->class_ == CG_TARGET_OS ? -1 : 1;
    int c = strcmp(a->name, b->name);
    return c ? c : strcmp(a->type, b->type);
}

/* ---- findings ----------------------------------------------------------- */

static int has_prefix(const char *s, const char *p)
{
    return s && !strncmp(s, p, strlen(p));
}

static void data_source(cg_finding_vuln *f, const char *eco, cg_arena *a)
{
    const char *id = f->advisory_id;
    if (has_prefix(id, "GHSA-")) {
        f->data_source_id = "ghsa";
        f->data_source_name = cg_arena_sprintf(a, "GitHub Security Advisory %s", eco);
        f->data_source_url = "https://github.com/advisories";
    } else if (has_prefix(id, "GO-")) {
        f->data_source_id = "go-vulndb";
        f->data_source_name = "The Go Vulnerability Database";
        f->data_source_url = "https://pkg.go.dev/vuln/";
    } else if (has_prefix(id, "PYSEC-")) {
        f->data_source_id = "pypa";
        f->data_source_name = "Python Packaging Advisory Database";
        f->data_source_url = "https://github.com/pypa/advisory-database";
    } else if (has_prefix(id, "RUSTSEC-")) {
        f->data_source_id = "rustsec";
        f->data_source_name = "RustSec Advisory Database";
        f->data_source_url = "https://github.com/RustSec/advisory-db";
    } else if (has_prefix(eco, "Debian")) {
        f->data_source_id = "debian";
        f->data_source_name = "Debian Security Tracker";
        f->data_source_url = "https://security-tracker.debian.org/tracker/";
    } else if (has_prefix(eco, "Ubuntu")) {
        f->data_source_id = "ubuntu";
        f->data_source_name = "Ubuntu CVE Tracker";
        f->data_source_url = "https://ubuntu.com/security/cve";
    } else if (has_prefix(eco, "Alpine")) {
        f->data_source_id = "alpine";
        f->data_source_name = "Alpine Secdb";
        f->data_source_url = "https://secdb.alpinelinux.org/";
    } else {
        f->data_source_id = "osv";
        f->data_source_name = "OSV";
        f->data_source_url = "https://osv.dev/";
    }
    if (!f->data_source_name)
        f->data_source_name = "GitHub Security Advisory";
}

static const char *primary_url(const cg_finding_vuln *f, cg_arena *a)
{
    if (has_prefix(f->vuln_id, "CVE-"))
        return cg_arena_sprintf(a, "https://nvd.nist.gov/vuln/detail/%s", f->vuln_id);
    if (has_prefix(f->vuln_id, "GHSA-"))
        return cg_arena_sprintf(a, "https://github.com/advisories/%s", f->vuln_id);
    if (has_prefix(f->vuln_id, "GO-"))
        return cg_arena_sprintf(a, "https://pkg.go.dev/vuln/%s", f->vuln_id);
    return cg_arena_sprintf(a, "https://osv.dev/vulnerability/%s", f->vuln_id);
}

static const char *vuln_id_of(const cg_vdb_advisory *adv)
{
    if (has_prefix(adv->id, "CVE-"))
        return adv->id;
    const char *cve = NULL;
    for (size_t i = 0; i < adv->n_aliases; i++) {
        if (has_prefix(adv->aliases[i], "CVE-")) {
            if (cve)
                return adv->id; /* several CVEs: the record's id stays the identity */
            cve = adv->aliases[i];
        }
    }
    return cve ? cve : adv->id;
}

static int rank_version(cg_cvss_version v)
{
    switch (v) {
    case CG_CVSS_V31: return 4;
    case CG_CVSS_V30: return 3;
    case CG_CVSS_V40: return 2;
    default: return 1;
    }
}

static int cvss_cmp(const void *pa, const void *pb)
{
    const cg_finding_cvss *a = pa, *b = pb;
    int c = strcmp(a->source, b->source);
    return c ? c : (int)a->version - (int)b->version;
}

static int fill_severity_new(builder *b, cg_finding_vuln *f, const cg_vdb_advisory *adv)
{
    cg_arena *a = b->a;
    cg_finding_cvss *cv = cg_arena_calloc(a, adv->n_severity + 1, sizeof *cv);
    if (!cv)
        return -1;
    f->cvss = cv;
    f->score = -1;
    const cg_finding_cvss *best = NULL;
    int best_rank = 0;
    for (size_t i = 0; i < adv->n_severity; i++) {
        const cg_vdb_severity *s = &adv->severity[i];
        if (!s->vector)
            continue;
        cg_cvss c;
        cg_error e;
        if (cg_cvss_parse(s->vector, &c, &e) != CG_OK) {
            if (add_note(b, cg_arena_sprintf(a, "%s: CVSS vector not used: %s", adv->id, e.msg)) < 0)
                return -1;
            continue;
        }
        int own = !s->source || strcmp(s->source, "nvd") != 0;
        const char *key = own ? f->data_source_id : "nvd";
        int dup = 0;
        for (size_t k = 0; k < f->n_cvss; k++)
            if (!strcmp(f->cvss[k].source, key) && f->cvss[k].version == c.version)
                dup = 1;
        if (dup)
            continue;
        cg_finding_cvss *fc = &cv[f->n_cvss++];
        /* v4.0: the whole vector's score (threat/environmental metrics
         * count, docs/scan.md); v2/v3: the base score as their feeds give it */
        int v4 = c.version == CG_CVSS_V40;
        *fc = (cg_finding_cvss){key, s->vector, c.version, v4 ? c.score : c.base, c.base,
                                v4 ? cg_arena_strdup(a, c.nomenclature) : NULL};
        if (v4 && !fc->nomenclature)
            return -1;
        int rank = rank_version(c.version) * 2 + own;
        if (rank > best_rank) {
            best_rank = rank;
            best = fc;
        }
    }
    if (best) {
        f->score = best->score;
        f->severity_source = best->source;
        cg_severity sv = CG_SEV_UNKNOWN;
        (void)cg_severity_parse(cg_cvss_severity_for(best->version, best->score), &sv);
        f->severity = sv;
    } else if (adv->source_severity && cg_severity_parse(adv->source_severity, &f->severity) == 0) {
        f->severity_source = f->data_source_id;
    } else {
        f->severity = CG_SEV_UNKNOWN;
    }
    f->source_severity = adv->source_severity;
    /* the primary entry keeps its identity after sorting through (source, score) */
    if (f->n_cvss > 1)
        qsort(cv, f->n_cvss, sizeof *cv, cvss_cmp);
    return 0;
}

/* What fill_severity_new sets depends only on the advisory and the data
 * source: findings of one advisory share the result (and its cvss array). */
typedef struct sev_memo {
    const cg_finding_cvss *cvss;
    size_t n_cvss;
    double score;
    cg_severity severity;
    const char *severity_source, *source_severity;
} sev_memo;

static int fill_severity(builder *b, cg_finding_vuln *f, const cg_vdb_advisory *adv)
{
    const void *kp[2] = {adv, f->data_source_id};
    sev_memo *m = cg_strmap_get(&b->sevs, (const char *)kp, sizeof kp);
    if (!m) {
        if (fill_severity_new(b, f, adv) < 0)
            return -1;
        m = cg_arena_calloc(b->a, 1, sizeof *m);
        char *key = cg_arena_memdup(b->a, kp, sizeof kp);
        if (!m || !key)
            return -1;
        *m = (sev_memo){f->cvss, f->n_cvss, f->score, f->severity, f->severity_source, f->source_severity};
        return cg_strmap_put(&b->sevs, key, sizeof kp, m) == CG_OK ? 0 : -1;
    }
    f->cvss = m->cvss;
    f->n_cvss = m->n_cvss;
    f->score = m->score;
    f->severity = m->severity;
    f->severity_source = m->severity_source;
    f->source_severity = m->source_severity;
    return 0;
}

static int push_finding(builder *b, const cg_finding *f)
{
    if (b->n == b->cap) {
        size_t ncap = b->cap ? b->cap * 2 : 64;
        cg_finding *nf = realloc(b->f, ncap * sizeof *nf);
        if (!nf)
            return -1;
        b->f = nf;
        b->cap = ncap;
    }
    b->f[b->n++] = *f;
    return 0;
}

/* key_* serialise one field unambiguously (NULL and "" differ) */
static void key_str(cg_buf *k, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    cg_buf_putc(k, s ? 1 : 0);
    cg_buf_append(k, &n, sizeof n);
    if (n)
        cg_buf_append(k, s, n);
}

static void key_strs(cg_buf *k, const char *const *v, size_t n)
{
    cg_buf_append(k, &n, sizeof n);
    for (size_t i = 0; i < n; i++)
        key_str(k, v[i]);
}

static const char *sdup(cg_arena *a, const char *s, int *oom)
{
    char *d = s ? cg_arena_strdup(a, s) : NULL;
    if (s && !d)
        *oom = 1;
    return d;
}

static const char **sdup_list(cg_arena *a, const char *const *v, size_t n, int *oom)
{
    const char **d = cg_arena_calloc(a, n ? n : 1, sizeof *d);
    if (!d) {
        *oom = 1;
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        d[i] = sdup(a, v[i], oom);
    return d;
}

/* The report's one copy of everything of *v but affected[] (NULL there). */
static const cg_vdb_advisory *shared_advisory(builder *b, const cg_vdb_advisory *v)
{
    cg_buf *k = &b->kb;
    cg_buf_reset(k);
    key_str(k, v->id);
    key_strs(k, v->aliases, v->n_aliases);
    key_str(k, v->summary);
    key_str(k, v->details);
    key_str(k, v->published);
    key_str(k, v->modified);
    key_strs(k, v->references, v->n_references);
    cg_buf_append(k, &v->n_severity, sizeof v->n_severity);
    for (size_t i = 0; i < v->n_severity; i++) {
        key_str(k, v->severity[i].type);
        key_str(k, v->severity[i].vector);
        key_str(k, v->severity[i].source);
    }
    key_str(k, v->source_severity);
    cg_buf_append(k, &v->kev, sizeof v->kev);
    key_str(k, v->kev_date_added);
    cg_buf_append(k, &v->epss, sizeof v->epss);
    if (cg_buf_append(k, &v->epss_percentile, sizeof v->epss_percentile) != CG_OK)
        return NULL;
    cg_sha256 h;
    uint8_t md[32];
    if (cg_sha256_init(&h) != CG_OK)
        return NULL;
    cg_sha256_update(&h, k->data, k->len);
    cg_sha256_final_raw(&h, md);
    cg_vdb_advisory *c = cg_strmap_get(&b->advs, (const char *)md, sizeof md);
    if (c)
        return c;
    int oom = 0;
    c = cg_arena_calloc(b->a, 1, sizeof *c);
    char *key = cg_arena_memdup(b->a, md, sizeof md);
    if (!c || !key)
        return NULL;
    *c = *v;
    c->affected = NULL;
    c->n_affected = 0;
    c->id = sdup(b->a, v->id, &oom);
    c->aliases = sdup_list(b->a, v->aliases, v->n_aliases, &oom);
    c->summary = sdup(b->a, v->summary, &oom);
    c->details = sdup(b->a, v->details, &oom);
    c->published = sdup(b->a, v->published, &oom);
    c->modified = sdup(b->a, v->modified, &oom);
    c->references = sdup_list(b->a, v->references, v->n_references, &oom);
    cg_vdb_severity *sv = cg_arena_calloc(b->a, v->n_severity ? v->n_severity : 1, sizeof *sv);
    if (!sv)
        return NULL;
    for (size_t i = 0; i < v->n_severity; i++) {
        sv[i].type = sdup(b->a, v->severity[i].type, &oom);
        sv[i].vector = sdup(b->a, v->severity[i].vector, &oom);
        sv[i].source = sdup(b->a, v->severity[i].source, &oom);
    }
    c->severity = sv;
    c->source_severity = sdup(b->a, v->source_severity, &oom);
    c->kev_date_added = sdup(b->a, v->kev_date_added, &oom);
    if (oom || cg_strmap_put(&b->advs, key, sizeof md, c) != CG_OK)
        return NULL;
    return c;
}

static const char **intern_list(builder *b, const char *const *v, size_t n, int *oom)
{
    const char **d = cg_arena_calloc(b->a, n ? n : 1, sizeof *d);
    if (!d) {
        *oom = 1;
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        d[i] = intern(b, v[i], oom);
    return d;
}

static cg_vdb_affected *copy_affected(builder *b, const cg_vdb_affected *v, size_t n, int *oom)
{
    cg_arena *a = b->a;
    cg_vdb_affected *d = cg_arena_calloc(a, n ? n : 1, sizeof *d);
    if (!d) {
        *oom = 1;
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        d[i].ecosystem = intern(b, v[i].ecosystem, oom);
        d[i].name = sdup(a, v[i].name, oom); /* one per package name: not worth a map entry */
        d[i].n_ranges = v[i].n_ranges;
        d[i].ranges = cg_arena_calloc(a, v[i].n_ranges ? v[i].n_ranges : 1, sizeof *d[i].ranges);
        if (!d[i].ranges) {
            *oom = 1;
            return NULL;
        }
        for (size_t r = 0; r < v[i].n_ranges; r++) {
            const cg_vdb_range *sr = &v[i].ranges[r];
            cg_vdb_range *dr = &d[i].ranges[r];
            dr->type = intern(b, sr->type, oom);
            dr->n_events = sr->n_events;
            dr->events = cg_arena_calloc(a, sr->n_events ? sr->n_events : 1, sizeof *dr->events);
            if (!dr->events) {
                *oom = 1;
                return NULL;
            }
            for (size_t e = 0; e < sr->n_events; e++) {
                dr->events[e].introduced = intern(b, sr->events[e].introduced, oom);
                dr->events[e].fixed = intern(b, sr->events[e].fixed, oom);
                dr->events[e].last_affected = intern(b, sr->events[e].last_affected, oom);
                dr->events[e].limit = intern(b, sr->events[e].limit, oom);
            }
        }
        d[i].n_versions = v[i].n_versions;
        d[i].versions = intern_list(b, v[i].versions, v[i].n_versions, oom);
    }
    return d;
}

/* A lookup kept for later packages: the report's shared copy of each
 * advisory and this lookup's affected[] entries. */
static int lookup_keep(builder *b, const cg_vdb_advisory *adv, size_t n, lookup *l)
{
    int oom = 0;
    if (!n)
        return 0;
    l->adv = cg_arena_calloc(b->a, n, sizeof *l->adv);
    if (!l->adv)
        return -1;
    for (size_t i = 0; !oom && i < n; i++) {
        const cg_vdb_advisory *c = shared_advisory(b, &adv[i]);
        if (!c)
            return -1;
        l->adv[i].shared = c;
        l->adv[i].affected = copy_affected(b, adv[i].affected, adv[i].n_affected, &oom);
        l->adv[i].n_affected = adv[i].n_affected;
    }
    l->n = n;
    return oom ? -1 : 0;
}

/* Ask the source about (eco, name); the answer lives in tmp. */
static int lookup_ask(const cg_scan_source *src, const char *eco, const char *name, cg_arena *tmp,
                      cg_vdb_advisory **adv, size_t *n, cg_error *err)
{
    *adv = NULL;
    *n = 0;
    if (src->lookup(src->ud, eco, name, tmp, adv, n, err) != CG_OK) {
        cg_error_prefix(err, "looking up %s package \"%s\"", eco, name);
        return -2;
    }
    return 0;
}

/* The lookup of a (ecosystem, name) that several packages share, made once
 * and kept in the report's arena (only the advisories' affected[] entries are
 * per lookup; the rest is the report's one copy, shared_advisory). */
static int lookup_cached(builder *b, const cg_scan_source *src, const char *eco, const char *name, lookup **out,
                         cg_error *err)
{
    /* the key is built in scratch; only a new one is kept (arena) */
    cg_buf_reset(&b->lk);
    if (cg_buf_printf(&b->lk, "%s\n%s", eco, name) != CG_OK)
        return -1;
    lookup *l = cg_strmap_get(&b->cache, b->lk.data, b->lk.len);
    if (!l) {
        l = cg_arena_calloc(b->a, 1, sizeof *l);
        char *key = cg_arena_strndup(b->a, b->lk.data, b->lk.len);
        if (!l || !key)
            return -1;
        cg_arena tmp;
        cg_arena_init(&tmp);
        cg_vdb_advisory *adv;
        size_t n;
        int rc = lookup_ask(src, eco, name, &tmp, &adv, &n, err);
        if (!rc && lookup_keep(b, adv, n, l) < 0)
            rc = -1;
        cg_arena_free(&tmp);
        if (rc)
            return rc;
        if (cg_strmap_put(&b->cache, key, strlen(key), l) != CG_OK)
            return -1;
    }
    *out = l;
    return 0;
}

static int status_rank(cg_finding_status s)
{
    return s == CG_FIND_FIXED ? 0 : s == CG_FIND_AFFECTED ? 1 : 2;
}

static int strcmp0(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

static int finding_cmp(const void *pa, const void *pb)
{
    const cg_finding *a = pa, *b = pb;
    int c;
    if (a->target != b->target)
        return a->target < b->target ? -1 : 1;
    if ((c = strcmp0(a->pkg->name, b->pkg->name)) || (c = strcmp0(a->installed, b->installed)) ||
        (c = strcmp0(cg_report_pkg_path(a->pkg), cg_report_pkg_path(b->pkg))))
        return c;
    if (a->pkg_index != b->pkg_index)
        return a->pkg_index < b->pkg_index ? -1 : 1;
    if ((c = strcmp0(a->v->vuln_id, b->v->vuln_id)))
        return c;
    if ((c = status_rank(a->status) - status_rank(b->status)))
        return c;
    return strcmp0(a->v->advisory_id, b->v->advisory_id);
}

static int note_ptr_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Adjacent findings of one package and vuln_id: keep the first, note the others' ids. */
static int merge_dups(builder *b)
{
    size_t w = 0;
    for (size_t i = 0; i < b->n; i++) {
        cg_finding *k = w ? &b->f[w - 1] : NULL;
        cg_finding *f = &b->f[i];
        if (k && k->pkg_index == f->pkg_index && !strcmp(k->v->vuln_id, f->v->vuln_id)) {
            const char **ids = cg_arena_calloc(b->a, k->n_merged + 1, sizeof *ids);
            if (!ids)
                return -1;
            if (k->n_merged)
                memcpy(ids, k->merged_ids, k->n_merged * sizeof *ids);
            ids[k->n_merged] = f->v->advisory_id;
            k->merged_ids = ids;
            if (++k->n_merged > 1)
                qsort(ids, k->n_merged, sizeof *ids, note_ptr_cmp);
            continue;
        }
        b->f[w++] = *f;
    }
    b->n = w;
    return 0;
}

static int keep(const cg_scan_opts *o, const cg_finding *f)
{
    if (o->severities && !(o->severities & (1u << f->v->severity)))
        return 0;
    if (o->ignore_unfixed && f->status == CG_FIND_AFFECTED)
        return 0;
    return 1;
}

/* The findings' shared side of advisory adv looked up in ecosystem eco
 * (made once per pair: identity, data source, severity, KEV/EPSS). */
static const cg_finding_vuln *vuln_of(builder *b, const cg_vdb_advisory *adv, const char *eco)
{
    int oom = 0;
    eco = intern(b, eco, &oom);
    if (!eco)
        return NULL;
    const void *kp[2] = {adv, eco};
    cg_finding_vuln *v = cg_strmap_get(&b->vulns, (const char *)kp, sizeof kp);
    if (v)
        return v;
    v = cg_arena_calloc(b->a, 1, sizeof *v);
    char *key = cg_arena_memdup(b->a, kp, sizeof kp);
    if (!v || !key)
        return NULL;
    v->advisory_id = adv->id ? adv->id : "?";
    v->vuln_id = vuln_id_of(adv);
    if (!v->vuln_id)
        v->vuln_id = v->advisory_id;
    v->ecosystem = eco;
    v->adv = adv;
    v->kev = adv->kev;
    v->kev_date_added = adv->kev_date_added;
    v->epss = adv->epss;
    v->epss_percentile = adv->epss_percentile;
    data_source(v, eco, &b->scratch);
    v->data_source_name = intern(b, v->data_source_name, &oom);
    v->primary_url = intern(b, primary_url(v, &b->scratch), &oom);
    if (oom || !v->primary_url || !v->data_source_name || fill_severity(b, v, adv) < 0 ||
        cg_strmap_put(&b->vulns, key, sizeof kp, v) != CG_OK)
        return NULL;
    return v;
}

/* One advisory evaluated for one package: a finding when it applies.  full
 * has the lookup's affected[] entries; shared is the report's copy of the
 * rest (NULL: made here, only for an advisory that applies).  The
 * evaluation's strings live in b->scratch; what a finding keeps is interned. */
static int match_one(builder *b, const cg_vdb_advisory *full, const cg_vdb_advisory *adv, size_t idx,
                     size_t target, const cg_match_key *key, size_t e)
{
    const cg_package *p = &b->r->sbom->pkgs[idx];
    const char *eco = key->ecos[e];
    cg_match_result m;
    int oom = 0;
    if (cg_match_eval(full, eco, key->version, &b->scratch, &m) < 0)
        return -1;
    if (m.git_ignored && m.note && add_note(b, m.note) < 0)
        return -1;
    if (!m.affected)
        return 0;
    if (!adv && !(adv = shared_advisory(b, full)))
        return -1;
    cg_finding f = {0};
    if (!(f.v = vuln_of(b, adv, eco)))
        return -1;
    f.pkg = p;
    f.pkg_index = (uint32_t)idx;
    f.target = (uint32_t)target;
    /* the package's own strings need no copy; a composed name ("@scope/x") does */
    f.lookup_name = key->name == p->name || key->name == p->source_name ? key->name : intern(b, key->name, &oom);
    f.installed = p->version ? p->version : "";
    f.fixed = m.fixed;
    /* Go modules are spelled with "v" (go get m@v1.2.3); OSV's Go records omit it */
    if (f.fixed && !strcmp(eco, "Go") && f.installed[0] == 'v' && f.fixed[0] != 'v')
        f.fixed = cg_arena_sprintf(&b->scratch, "v%s", f.fixed);
    f.fixed = intern(b, f.fixed, &oom);
    f.status = m.status;
    f.note = m.status == CG_FIND_UNKNOWN ? intern(b, m.note, &oom) : NULL;
    if (oom || (m.fixed && !f.fixed) || (m.status == CG_FIND_UNKNOWN && m.note && !f.note) || !f.lookup_name ||
        push_finding(b, &f) < 0)
        return -1;
    return 0;
}

/* FNV-1a of "eco\nname": which lookups more than one package makes. */
static uint64_t lookup_hash(const char *eco, const char *name)
{
    uint64_t h = 14695981039346656037ull;
    for (const char *s = eco; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    h = (h ^ '\n') * 1099511628211ull;
    for (const char *s = name; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static int u64_cmp(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return (a > b) - (a < b);
}

/* Match one package.  A lookup no other package makes is answered into a
 * temporary arena, evaluated and dropped; one several packages make (its
 * hash is in b->shared) is kept in the cache. */
static int match_package(builder *b, const cg_scan_source *src, size_t idx, size_t target,
                         const cg_match_key *key, cg_error *err)
{
    for (size_t e = 0; e < key->n_ecos; e++) {
        uint64_t h = lookup_hash(key->ecos[e], key->name);
        if (b->n_shared && bsearch(&h, b->shared, b->n_shared, sizeof h, u64_cmp)) {
            lookup *l;
            int rc = lookup_cached(b, src, key->ecos[e], key->name, &l, err);
            if (rc)
                return rc;
            for (size_t i = 0; i < l->n; i++) {
                /* matched with its affected[]; findings point at the shared copy */
                cg_vdb_advisory full = *l->adv[i].shared;
                full.affected = l->adv[i].affected;
                full.n_affected = l->adv[i].n_affected;
                if (match_one(b, &full, l->adv[i].shared, idx, target, key, e) < 0)
                    return -1;
            }
            continue;
        }
        cg_arena tmp;
        cg_arena_init(&tmp);
        cg_vdb_advisory *adv;
        size_t n;
        int rc = lookup_ask(src, key->ecos[e], key->name, &tmp, &adv, &n, err);
        for (size_t i = 0; !rc && i < n; i++)
            if (match_one(b, &adv[i], NULL, idx, target, key, e) < 0)
                rc = -1;
        cg_arena_free(&tmp);
        if (rc)
            return rc;
    }
    return 0;
}

/* The package's key (in b->scratch) and, when it is matched, its target;
 * 0 skip, 1 match, -1 memory. */
static int package_key(builder *b, unsigned types, size_t i, cg_match_key *k, cg_report_target *t)
{
    const cg_sbom *s = b->r->sbom;
    const cg_package *p = &s->pkgs[i];
    int os = cg_match_is_os_type(p->type);
    if (!(types & (os ? CG_SCAN_PKG_OS : CG_SCAN_PKG_LIBRARY)))
        return 0;
    if (cg_match_key_for(s, p, &b->scratch, k) < 0)
        return -1;
    if (k->owned || !k->n_ecos)
        return 0;
    memset(t, 0, sizeof *t);
    if (target_of(b, p, k->is_os, t) < 0)
        return -1;
    return 1;
}

/* Two passes over the packages, nothing kept per package: the first finds
 * the targets, the notes of packages that are not matched and which
 * lookups repeat; the second matches. */
static int build(builder *b, const cg_scan_source *src, const cg_scan_opts *o, cg_error *err)
{
    cg_report *r = b->r;
    const cg_sbom *s = r->sbom;
    unsigned types = o->pkg_types ? o->pkg_types : CG_SCAN_PKG_OS | CG_SCAN_PKG_LIBRARY;
    cg_strmap tmap; /* class, type, name -> index + 1 in ts */
    cg_strmap_init(&tmap);
    cg_report_target *ts = NULL;
    size_t nt = 0, tcap = 0, nh = 0, hcap = 0;
    uint64_t *hs = NULL;
    int rc = 0;
    for (size_t i = 0; !rc && i < s->n_pkgs; i++) {
        cg_match_key k = {0};
        cg_report_target t = {0};
        int m = package_key(b, types, i, &k, &t);
        if (m < 0) {
            rc = -1;
        } else if (m == 0) {
            const cg_package *p = &s->pkgs[i];
            if (!(types & (cg_match_is_os_type(p->type) ? CG_SCAN_PKG_OS : CG_SCAN_PKG_LIBRARY)))
                ;
            else if (k.owned)
                r->n_pkgs_owned++;
            else {
                r->n_pkgs_unsupported++;
                if (k.skip && add_note(b, k.skip) < 0)
                    rc = -1;
            }
        } else {
            cg_buf_reset(&b->lk);
            cg_buf_putc(&b->lk, (char)('0' + (int)t.class_));
            cg_buf_append(&b->lk, t.type, strlen(t.type) + 1);
            if (cg_buf_append(&b->lk, t.name, strlen(t.name)) != CG_OK) {
                rc = -1;
            } else if (!cg_strmap_get(&tmap, b->lk.data, b->lk.len)) {
                char *tk = cg_arena_memdup(b->a, b->lk.data, b->lk.len);
                if (nt == tcap) {
                    size_t nc = tcap ? tcap * 2 : 16;
                    cg_report_target *n2 = realloc(ts, nc * sizeof *n2);
                    if (n2) {
                        ts = n2;
                        tcap = nc;
                    }
                }
                if (!tk || nt == tcap || cg_strmap_put(&tmap, tk, b->lk.len, (void *)(uintptr_t)(nt + 1)) != CG_OK)
                    rc = -1;
                else
                    ts[nt++] = t;
            }
            for (size_t e = 0; !rc && e < k.n_ecos; e++) {
                if (nh == hcap) {
                    size_t nc = hcap ? hcap * 2 : 256;
                    uint64_t *n2 = realloc(hs, nc * sizeof *n2);
                    if (!n2) {
                        rc = -1;
                        break;
                    }
                    hs = n2;
                    hcap = nc;
                }
                hs[nh++] = lookup_hash(k.ecos[e], k.name);
            }
        }
        cg_arena_free(&b->scratch);
    }
    cg_strmap_free(&tmap);
    /* the lookups made more than once (a hash collision only caches one more) */
    if (!rc && nh) {
        qsort(hs, nh, sizeof *hs, u64_cmp);
        size_t d = 0;
        for (size_t i = 0; i + 1 < nh; i++)
            if (hs[i] == hs[i + 1] && (d == 0 || hs[d - 1] != hs[i]))
                hs[d++] = hs[i];
        b->shared = hs;
        b->n_shared = d;
        hs = NULL;
    }
    free(hs);
    /* sorted targets (unique already) */
    if (!rc && !(r->targets = cg_arena_calloc(b->a, nt + 1, sizeof *r->targets)))
        rc = -1;
    if (!rc && nt) {
        memcpy(r->targets, ts, nt * sizeof *ts);
        qsort(r->targets, nt, sizeof *ts, target_cmp);
    }
    free(ts);
    if (rc)
        return rc;
    r->n_targets = nt;

    cg_scan_progress pr = {0, s->n_pkgs};
    for (size_t i = 0; i < s->n_pkgs; i++) {
        cg_match_key k = {0};
        cg_report_target t = {0};
        int m = package_key(b, types, i, &k, &t);
        if (m < 0)
            return -1;
        if (m) {
            cg_report_target *tp = bsearch(&t, r->targets, nt, sizeof t, target_cmp);
            if (!tp)
                return -1; /* cannot happen: every target was found above */
            tp->n_pkgs++;
            r->n_pkgs_matched++;
            rc = match_package(b, src, i, (size_t)(tp - r->targets), &k, err);
            if (rc)
                return rc;
        }
        cg_arena_free(&b->scratch);
        pr.done = i + 1;
        if (o->progress)
            o->progress(o->progress_ud, &pr);
    }
    if (b->n)
        qsort(b->f, b->n, sizeof *b->f, finding_cmp);
    if (merge_dups(b) < 0)
        return -1;
    /* filtered in place; the array becomes the report's (no second copy) */
    size_t w = 0;
    for (size_t i = 0; i < b->n; i++) {
        if (keep(o, &b->f[i]))
            b->f[w++] = b->f[i];
        else
            r->n_filtered++;
    }
    cg_finding *fa = realloc(b->f, (w + 1) * sizeof *fa); /* shrink; + 1: never NULL for 0 */
    if (!fa)
        return -1;
    memset(&fa[w], 0, sizeof *fa);
    b->f = NULL;
    r->findings = r->findings_heap_ = fa;
    r->n_findings = w;
    r->notes = cg_arena_calloc(b->a, b->notes.count + 1, sizeof *r->notes);
    if (!r->notes)
        return -1;
    for (size_t i = 0; i < b->notes.cap; i++)
        if (cg_strmap_live(&b->notes.slots[i]))
            r->notes[r->n_notes++] = b->notes.slots[i].val;
    if (r->n_notes > 1)
        qsort(r->notes, r->n_notes, sizeof *r->notes, note_ptr_cmp);
    return 0;
}

static cg_status scan_run(const cg_sbom *sbom, const cg_scan_source *src, const cg_scan_opts *opts, cg_report **out,
                  cg_error *err)
{
    if (!sbom || !src || !src->lookup || !out)
        return cg_error_set(err, CG_ERR_USAGE, "cg_scan: no SBOM, source or output");
    if (sbom->n_pkgs && !sbom->pkgs)
        return cg_error_set(err, CG_ERR_USAGE, "cg_scan: %zu packages but no array", sbom->n_pkgs);
    if (sbom->n_pkgs > UINT32_MAX) /* findings keep 32-bit package indices */
        return cg_error_set(err, CG_ERR_LIMIT, "cg_scan: %zu packages, over the scan's limit", sbom->n_pkgs);
    cg_scan_opts dflt = {0, 0, 0, -1, -1, NULL, NULL, 0, 0};
    const cg_scan_opts *o = opts ? opts : &dflt;
    *out = NULL;
    cg_report *r = calloc(1, sizeof *r);
    if (!r)
        return cg_error_set(err, CG_ERR_NOMEM, "scan: out of memory");
    cg_arena_init(&r->arena);
    r->sbom = sbom;
    r->created = o->now;
    r->db_built = o->db_built;
    r->db_max_age = o->db_max_age > 0 ? o->db_max_age : 0;
    r->db_stale = r->db_max_age && o->db_stale;
    const cg_image_info *im = &sbom->image;
    r->artifact_name = im->ref ? im->ref : im->name ? im->name : "image";
    r->artifact_type = im->transport && !strcmp(im->transport, "sbom") ? "cyclonedx"
                       : im->transport && !strcmp(im->transport, "fs") ? "filesystem"
                                                                       : "container_image";
    builder b = {.r = r, .a = &r->arena};
    cg_strmap_init(&b.notes);
    cg_strmap_init(&b.cache);
    cg_strmap_init(&b.advs);
    cg_buf_init(&b.kb, 0);
    cg_buf_init(&b.lk, 0);
    cg_strmap_init(&b.strs);
    cg_strmap_init(&b.sevs);
    cg_strmap_init(&b.vulns);
    cg_arena_init(&b.scratch);
    int rc = build(&b, src, o, err);
    free(b.f);
    free(b.shared);
    cg_strmap_free(&b.notes);
    cg_strmap_free(&b.cache);
    cg_strmap_free(&b.advs);
    cg_buf_free(&b.kb);
    cg_buf_free(&b.lk);
    cg_strmap_free(&b.strs);
    cg_strmap_free(&b.sevs);
    cg_strmap_free(&b.vulns);
    cg_arena_free(&b.scratch);
    if (rc) {
        cg_report_free(r);
        if (rc == -2)
            return err ? err->status : CG_ERR_INTERNAL;
        return cg_error_set(err, CG_ERR_NOMEM, "scan: out of memory");
    }
    *out = r;
    return CG_OK;
}

void cg_report_free(cg_report *r)
{
    if (!r)
        return;
    cg_arena_free(&r->arena);
    free(r->findings_heap_);
    free(r);
}

cg_status cg_report_format_parse(const char *s, cg_report_format *out)
{
    static const struct { const char *name; cg_report_format fmt; } names[] = {
        {"json", CG_REPORT_JSON},           {"sarif", CG_REPORT_SARIF},
        {"cyclonedx", CG_REPORT_CYCLONEDX}, {"cyclonedx-json", CG_REPORT_CYCLONEDX},
        {"cdx", CG_REPORT_CYCLONEDX},       {"table", CG_REPORT_TABLE},
        {"html", CG_REPORT_HTML},
    };
    if (!s || !out)
        return CG_ERR_USAGE;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(s, names[i].name)) {
            *out = names[i].fmt;
            return CG_OK;
        }
    return CG_ERR_USAGE;
}

cg_status cg_report_write(const cg_report *r, cg_report_format fmt, const cg_report_write_opts *o, cg_buf *out,
                          cg_error *err)
{
    if (!r || !out)
        return cg_error_set(err, CG_ERR_USAGE, "cg_report_write: no report or no output buffer");
    switch (fmt) {
    case CG_REPORT_JSON: return cg_report_write_json(r, out, err);
    case CG_REPORT_SARIF: return cg_report_write_sarif(r, out, err);
    case CG_REPORT_CYCLONEDX: return cg_report_write_cdx(r, out, err);
    case CG_REPORT_TABLE: return cg_report_write_table(r, o && o->color, o ? o->width : 0, out, err);
    case CG_REPORT_HTML: return cg_report_write_html(r, out, err);
    }
    return cg_error_set(err, CG_ERR_USAGE, "unknown report format %d", (int)fmt);
}

cg_status cg_report_write_stream(const cg_report *r, cg_report_format fmt, const cg_report_write_opts *o,
                                 cg_sink_fn sink, void *ud, cg_error *err)
{
    if (!r || !sink)
        return cg_error_set(err, CG_ERR_USAGE, "cg_report_write_stream: no report or no sink");
    cg_buf b = CG_BUF_INIT;
    cg_status st;
    switch (fmt) {
    case CG_REPORT_JSON: st = cg_report_write_json_sink(r, &b, sink, ud, err); break;
    case CG_REPORT_SARIF: st = cg_report_write_sarif_sink(r, &b, sink, ud, err); break;
    case CG_REPORT_CYCLONEDX: st = cg_report_write_cdx_stream(r, sink, ud, err); break;
    default: /* the table and HTML are built whole, then handed over */
        st = cg_report_write(r, fmt, o, &b, err);
        if (st == CG_OK && b.len)
            st = sink(ud, b.data, b.len, err);
        break;
    }
    cg_buf_free(&b);
    return st;
}

/* The public entry point: a result built through a failed allocation (which deep
 * code may have taken for "absent") is never returned (core/oom.h). */
cg_status cg_scan(const cg_sbom *sbom, const cg_scan_source *src, const cg_scan_opts *opts, cg_report **out,
                  cg_error *err)
{
    unsigned long oom_before = cg_oom_count();
    cg_status st = scan_run(sbom, src, opts, out, err);
    if (st == CG_OK && cg_oom_check(oom_before, "scan", err) != CG_OK) {
        st = CG_ERR_NOMEM;
        cg_report_free(*out);
        *out = NULL;
    }
    return st;
}

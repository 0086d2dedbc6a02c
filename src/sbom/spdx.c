/*
 * spdx.c - the SBOM as SPDX 2.3 JSON (spdx-schema-v2.3.json and 2.3.1).
 * Packages: the image (CONTAINER), the distro (OPERATING_SYSTEM) and every
 * package (LIBRARY).  Relationships form one containment tree that mirrors the
 * CycloneDX dependency graph: DOCUMENT DESCRIBES image; image CONTAINS the OS
 * and every package not installed by the OS package manager; the OS CONTAINS
 * the deb/apk/rpm packages (without a distro the image CONTAINS them all);
 * package DEPENDS_ON package for resolved depends.  SPDXIDs and the
 * documentNamespace are derived from content, never from a clock or counter
 * that could change between runs.  Identities come from write.c's model.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/digest.h"
#include "sbom/writers.h"

static int licref_id_cmp(const void *x, const void *y)
{
    return strcmp(((const cg_licref *)x)->id, ((const cg_licref *)y)->id);
}

/* Append s to dst mapping everything outside [A-Za-z0-9.-] (or also '_'
 * when allow_us) to '-', at most max bytes of output. */
static void sanitise(cg_buf *dst, const char *s, size_t max, int allow_us, int *failed)
{
    size_t o = 0;
    for (; s && *s && o < max; s++, o++) {
        unsigned char c = (unsigned char)*s;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '-' || (allow_us && c == '_');
        if (cg_buf_putc(dst, ok ? (char)c : '-') != CG_OK)
            *failed = 1;
    }
}

static const char *spdxid(cg_wmodel *m, cg_arena *sa, int *failed, cg_strset *ids, const char *prefix,
                          const char *type, const char *name, const char *identity, cg_error *err)
{
    cg_buf b = CG_BUF_INIT;
    char hex[17] = "";
    if (cg_buf_puts(&b, prefix) != CG_OK)
        *failed = 1;
    if (type) {
        sanitise(&b, type, 32, 0, failed);
        if (cg_buf_putc(&b, '-') != CG_OK)
            *failed = 1;
    }
    sanitise(&b, name && name[0] ? name : "unnamed", 96, 0, failed);
    if (identity) {
        if (cg_sha256_hex_prefix(identity, 8, hex) != CG_OK) {
            cg_error_set(err, CG_ERR_INTERNAL, "sha256 of the SBOM failed (OpenSSL)");
            *failed = 1;
        }
        if (cg_buf_printf(&b, "-%s", hex) != CG_OK)
            *failed = 1;
    }
    const char *base = cg_w_pack(m, cg_buf_str(&b)), *id = base;
    cg_buf_free(&b);
    for (unsigned k = 2; id; k++) {
        int r = cg_strset_add(sa, ids, id);
        if (r < 0)
            id = NULL;
        if (r != 0)
            break;
        id = cg_arena_sprintf(&m->arena, "%s-%u", base, k);
    }
    if (!id)
        *failed = 1;
    return id ? id : "SPDXRef-oom";
}

/* "Name <mail>" as SPDX writes it: "Organization: Name (mail)". */
static const char *supplier(cg_wmodel *m, const char *s)
{
    if (!s || !s[0])
        return "NOASSERTION";
    size_t n = strlen(s);
    const char *lt = strrchr(s, '<');
    if (lt && lt > s && s[n - 1] == '>' && lt[-1] == ' ')
        return cg_arena_sprintf(&m->scratch, "Organization: %.*s(%.*s)", (int)(lt - s), s,
                                (int)(n - (size_t)(lt - s) - 2), lt + 1);
    return cg_arena_sprintf(&m->scratch, "Organization: %s", s);
}

static const char *license_declared(cg_wmodel *m, const cg_package *p, int *failed)
{
    const cg_license **ls;
    size_t n = cg_w_pkg_licenses(m, p, &ls);
    if (!n)
        return "NOASSERTION";
    cg_buf b = CG_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        const char *term = cg_w_license_is_spdx(ls[i]) ? ls[i]->value : cg_w_licref(m, ls[i]->value);
        int paren = n > 1 && !cg_w_license_is_single(term);
        if (cg_buf_printf(&b, "%s%s%s%s", i ? " AND " : "", paren ? "(" : "", term,
                          paren ? ")" : "") != CG_OK)
            *failed = 1;
    }
    const char *r = cg_arena_strdup(&m->scratch, cg_buf_str(&b));
    cg_buf_free(&b);
    return r ? r : "NOASSERTION";
}

static void purl_ref(cg_jw *w, const char *purl)
{
    if (!purl || !purl[0])
        return;
    cg_jw_key(w, "externalRefs");
    cg_jw_open(w, "[");
    cg_jw_elem(w);
    cg_jw_open(w, "{");
    cg_jw_kstr(w, "referenceCategory", "PACKAGE-MANAGER");
    cg_jw_kstr(w, "referenceType", "purl");
    cg_jw_kopt(w, "referenceLocator", purl);
    cg_jw_close(w, "}");
    cg_jw_close(w, "]");
}

/* The fields every package gets, in the order SPDX's own examples use (the
 * object is left open). */
static void package(cg_jw *w, const char *name, const char *id, const char *version, const char *sup)
{
    cg_jw_open(w, "{");
    cg_jw_kopt(w, "name", name);
    cg_jw_kopt(w, "SPDXID", id);
    cg_jw_kopt(w, "versionInfo", version);
    cg_jw_kopt(w, "supplier", sup);
    cg_jw_kstr(w, "downloadLocation", "NOASSERTION");
    cg_jw_kbool(w, "filesAnalyzed", 0);
}

static const char *source_info(cg_wmodel *m, const cg_package *p, int *failed)
{
    cg_buf b = CG_BUF_INIT;
    cg_status st = cg_buf_printf(&b, "acquired package info from %s%s", p->cataloger ? p->cataloger : "the",
                                 " cataloger");
    for (size_t i = 0, k = 0; st == CG_OK && i < p->n_locations && p->locations; i++)
        if (p->locations[i].path)
            st = cg_buf_printf(&b, "%s%s", k++ ? ", " : ": ", p->locations[i].path);
    if (st == CG_OK && p->owned_by)
        st = cg_buf_printf(&b, "; installed by the %s package %s", p->owned_by_type ? p->owned_by_type : "OS",
                           p->owned_by);
    if (st != CG_OK)
        *failed = 1;
    const char *r = cg_arena_strdup(&m->scratch, cg_buf_str(&b));
    cg_buf_free(&b);
    return r;
}

/* What both passes share: SPDXIDs, the sorted relationships, the sorted
 * LicenseRef declarations (made once, in m->arena). */
typedef struct spdx_model {
    cg_wmodel *m;
    const char *img, *os;
    const char **pid;
    uint32_t *order; /* packages sorted by SPDX id: the relationships are written in this order */
    uint32_t *rank;  /* rank[i]: package i's place in order */
    cg_licref *lr;
    size_t n_lr;
    const char *ns;
    int failed;
} spdx_model;

static int pid_cmp(const void *a, const void *b, void *ud)
{
    const spdx_model *x = ud;
    return strcmp(x->pid[*(const uint32_t *)a], x->pid[*(const uint32_t *)b]);
}

static int rank_cmp(const void *a, const void *b, void *ud)
{
    const spdx_model *x = ud;
    uint32_t p = x->rank[*(const uint32_t *)a], q = x->rank[*(const uint32_t *)b];
    return (p > q) - (p < q);
}

static void relationship(cg_jw *w, const char *a, const char *type, const char *b)
{
    cg_jw_elem(w);
    cg_jw_open(w, "{");
    cg_jw_kopt(w, "spdxElementId", a);
    cg_jw_kopt(w, "relationshipType", type);
    cg_jw_kopt(w, "relatedSpdxElement", b);
    cg_jw_close(w, "}");
}

static void relationships(spdx_model *x, cg_jw *w)
{
    cg_wmodel *m = x->m;
    const cg_sbom *s = m->s;
    size_t n = s->n_pkgs;
    relationship(w, "SPDXRef-DOCUMENT", "DESCRIBES", x->img);
    if (x->os)
        relationship(w, x->img, "CONTAINS", x->os);
    for (size_t k = 0; k < n; k++)
        if (!(x->os && cg_w_is_os_pkg(&s->pkgs[x->order[k]])))
            relationship(w, x->img, "CONTAINS", x->pid[x->order[k]]);
    for (size_t k = 0; x->os && k < n; k++)
        if (cg_w_is_os_pkg(&s->pkgs[x->order[k]]))
            relationship(w, x->os, "CONTAINS", x->pid[x->order[k]]);
    for (size_t k = 0; k < n && w->st == CG_OK; k++) {
        uint32_t i = x->order[k], nd = m->dep_off[i + 1] - m->dep_off[i];
        if (!nd)
            continue;
        uint32_t *d = cg_arena_memdup(&m->scratch, m->dep_to + m->dep_off[i], nd * sizeof *d);
        if (!d) {
            x->failed = 1;
            return;
        }
        if (nd > 1)
            qsort_r(d, nd, sizeof *d, rank_cmp, x);
        for (uint32_t j = 0; j < nd; j++)
            relationship(w, x->pid[i], "DEPENDS_ON", x->pid[d[j]]);
        if (k % 256 == 255)
            cg_arena_free(&m->scratch);
    }
    cg_arena_free(&m->scratch);
}

static void prepare(spdx_model *x, cg_error *err)
{
    cg_wmodel *m = x->m;
    const cg_sbom *s = m->s;
    cg_arena *a = &m->arena;
    cg_strset ids = {0};
    cg_arena sa; /* the id set: only needed while ids are chosen */
    cg_arena_init(&sa);
    x->pid = cg_arena_calloc(a, s->n_pkgs + 1, sizeof *x->pid);
    if (!x->pid || s->n_pkgs > UINT32_MAX - 3 || cg_strset_reserve(&sa, &ids, s->n_pkgs + 2) < 0) {
        x->failed = 1;
        cg_arena_free(&sa);
        return;
    }
    x->img = spdxid(m, &sa, &x->failed, &ids, "SPDXRef-Image-", NULL, m->image_name, NULL, err);
    if (s->distro) {
        const cg_distro *d = s->distro;
        const char *dn = d->id ? d->id : d->name ? d->name : "unknown";
        x->os = spdxid(m, &sa, &x->failed, &ids, "SPDXRef-OperatingSystem-", NULL, dn, NULL, err);
    }
    for (size_t i = 0; i < s->n_pkgs; i++) {
        const cg_package *p = &s->pkgs[i];
        x->pid[i] = spdxid(m, &sa, &x->failed, &ids, "SPDXRef-Package-", p->type ? p->type : "unknown", p->name,
                           m->refs[i], err);
    }
    cg_arena_free(&sa);
    /* The relationships, sorted by (element, type, related element), follow
     * from the packages sorted by id: the document's, the image's ("SPDXRef-I"),
     * the OS's ("SPDXRef-O"), then each package's ("SPDXRef-P") in id order.
     * Only that order is kept, not the relationships. */
    x->order = cg_arena_calloc(a, s->n_pkgs + 1, sizeof *x->order);
    x->rank = cg_arena_calloc(a, s->n_pkgs + 1, sizeof *x->rank);
    if (!x->order || !x->rank) {
        x->failed = 1;
        return;
    }
    for (size_t i = 0; i < s->n_pkgs; i++)
        x->order[i] = (uint32_t)i;
    qsort_r(x->order, s->n_pkgs, sizeof *x->order, pid_cmp, x);
    for (size_t k = 0; k < s->n_pkgs; k++)
        x->rank[x->order[k]] = (uint32_t)k;

    /* Every LicenseRef the document uses is declared: the ones made for
     * free-text names (text known) and the ones packages' own SPDX
     * expressions name (text unknown: NOASSERTION), together, by id. */
    x->n_lr = m->n_licrefs + m->n_ext_licrefs;
    if (x->n_lr) {
        x->lr = cg_arena_calloc(a, x->n_lr, sizeof *x->lr);
        if (!x->lr) {
            x->failed = 1;
            x->n_lr = 0;
        } else {
            memcpy(x->lr, m->licrefs, m->n_licrefs * sizeof *x->lr);
            for (size_t i = 0; i < m->n_ext_licrefs; i++)
                x->lr[m->n_licrefs + i] = (cg_licref){NULL, m->ext_licrefs[i]};
            qsort(x->lr, x->n_lr, sizeof *x->lr, licref_id_cmp);
        }
    }
}

/* The whole document (namespace x->ns, none in the hashing pass) to w. */
static void document(void *ud, cg_jw *w)
{
    spdx_model *x = ud;
    cg_wmodel *m = x->m;
    const cg_sbom *s = m->s;
    cg_jw_open(w, "{");
    cg_jw_kstr(w, "spdxVersion", "SPDX-2.3");
    cg_jw_kstr(w, "dataLicense", "CC0-1.0");
    cg_jw_kstr(w, "SPDXID", "SPDXRef-DOCUMENT");
    cg_jw_kopt(w, "name", m->image_name);
    cg_jw_kopt(w, "documentNamespace", x->ns);
    cg_jw_key(w, "creationInfo");
    cg_jw_open(w, "{");
    cg_jw_kopt(w, "created", m->timestamp);
    cg_jw_key(w, "creators");
    cg_jw_open(w, "[");
    cg_jw_elem(w);
    cg_jw_str(w, "Tool: cgate-" CGATE_VERSION);
    cg_jw_close(w, "]");
    if (s->n_warnings) { /* files the catalogers skipped, so a reader of the SBOM knows */
        cg_buf wb = CG_BUF_INIT;
        for (size_t i = 0; i < s->n_warnings; i++)
            if (cg_buf_printf(&wb, "%scgate warning: %s", i ? "\n" : "", s->warnings[i]) != CG_OK)
                x->failed = 1;
        cg_jw_kstr(w, "comment", cg_buf_str(&wb));
        cg_buf_free(&wb);
    }
    cg_jw_close(w, "}");

    cg_jw_key(w, "packages");
    cg_jw_open(w, "[");
    cg_jw_elem(w);
    package(w, m->image_name, x->img, m->image_version, "NOASSERTION");
    cg_jw_kstr(w, "licenseConcluded", "NOASSERTION");
    cg_jw_kstr(w, "licenseDeclared", "NOASSERTION");
    cg_jw_kstr(w, "copyrightText", "NOASSERTION");
    purl_ref(w, s->image_purl);
    cg_jw_kstr(w, "primaryPackagePurpose", "CONTAINER");
    cg_jw_close(w, "}");
    if (s->distro) {
        const cg_distro *d = s->distro;
        const char *dn = d->id ? d->id : d->name ? d->name : "unknown";
        cg_jw_elem(w);
        package(w, dn, x->os, d->version_id, "NOASSERTION");
        cg_jw_kstr(w, "licenseConcluded", "NOASSERTION");
        cg_jw_kstr(w, "licenseDeclared", "NOASSERTION");
        cg_jw_kstr(w, "copyrightText", "NOASSERTION");
        cg_jw_kopt(w, "description", d->pretty_name);
        cg_jw_kstr(w, "primaryPackagePurpose", "OPERATING_SYSTEM");
        cg_jw_close(w, "}");
    }
    for (size_t i = 0; i < s->n_pkgs && w->st == CG_OK && !x->failed; i++) {
        const cg_package *p = &s->pkgs[i];
        cg_jw_elem(w);
        package(w, p->name ? p->name : "", x->pid[i], p->version, supplier(m, p->supplier));
        cg_jw_kopt(w, "sourceInfo", source_info(m, p, &x->failed));
        cg_jw_kstr(w, "licenseConcluded", "NOASSERTION");
        cg_jw_kopt(w, "licenseDeclared", license_declared(m, p, &x->failed));
        cg_jw_kstr(w, "copyrightText", "NOASSERTION");
        cg_jw_kopt(w, "description", p->description);
        purl_ref(w, p->purl);
        cg_jw_kstr(w, "primaryPackagePurpose", "LIBRARY");
        cg_jw_close(w, "}");
        cg_arena_free(&m->scratch); /* per-package strings: memory stays flat */
    }
    cg_jw_close(w, "]");

    if (x->n_lr) {
        cg_jw_key(w, "hasExtractedLicensingInfos");
        cg_jw_open(w, "[");
        for (size_t i = 0; i < x->n_lr; i++) {
            cg_jw_elem(w);
            cg_jw_open(w, "{");
            cg_jw_kopt(w, "licenseId", x->lr[i].id);
            cg_jw_kstr(w, "extractedText", x->lr[i].text ? x->lr[i].text : "NOASSERTION");
            cg_jw_kopt(w, "name", x->lr[i].text);
            if (!x->lr[i].text)
                cg_jw_kstr(w, "comment", "named by the package's own licence expression; "
                                         "its text was not available to cgate");
            cg_jw_close(w, "}");
        }
        cg_jw_close(w, "]");
    }

    cg_jw_key(w, "relationships");
    cg_jw_open(w, "[");
    relationships(x, w);
    cg_jw_close(w, "]");
    cg_jw_close(w, "}");
}

cg_status cg_write_spdx(cg_wmodel *m, cg_buf *out, cg_sink_fn sink, void *sink_ud, cg_error *err)
{
    spdx_model x;
    memset(&x, 0, sizeof x);
    x.m = m;
    prepare(&x, err);
    cg_status st = CG_OK;
    char uuid[37];
    /* The namespace names the content: hash the document written without it
     * (streamed through sha256), then write it with it. */
    if (!x.failed)
        st = cg_w_uuid_stream(document, &x, uuid, err);
    cg_buf ns = CG_BUF_INIT;
    if (st == CG_OK && !x.failed) {
        if (cg_buf_puts(&ns, "https://spdx.org/spdxdocs/cgate-") != CG_OK)
            x.failed = 1;
        sanitise(&ns, m->image_name, 128, 1, &x.failed);
        if (cg_buf_printf(&ns, "-%s", uuid) != CG_OK)
            x.failed = 1;
        x.ns = cg_buf_str(&ns);
    }
    if (st == CG_OK && !x.failed) {
        cg_jw w;
        size_t start = out->len;
        if (sink)
            cg_jw_init_sink(&w, out, sink, sink_ud, err);
        else
            cg_jw_init(&w, out);
        document(&x, &w);
        cg_jw_raw(&w, "\n");
        cg_jw_flush(&w);
        st = w.st;
        if (st == CG_ERR_NOMEM)
            x.failed = 1;
        if (st != CG_OK && !sink && out->data) {
            out->len = start;
            out->data[start] = 0;
        }
    }
    cg_buf_free(&ns);
    cg_arena_free(&m->scratch);
    if ((st == CG_OK || st == CG_ERR_NOMEM) && x.failed)
        st = cg_error_set(err, CG_ERR_NOMEM, "writing SPDX: out of memory");
    return st;
}

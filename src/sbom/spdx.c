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
#include <stdlib.h>
#include <string.h>

#include "core/digest.h"
#include "sbom/writers.h"

typedef struct rel {
    const char *a, *type, *b;
} rel;

static int rel_cmp(const void *x, const void *y)
{
    const rel *p = x, *q = y;
    int c = strcmp(p->a, q->a);
    if (!c)
        c = strcmp(p->type, q->type);
    if (!c)
        c = strcmp(p->b, q->b);
    return c;
}

static int licref_id_cmp(const void *x, const void *y)
{
    return strcmp(((const cg_licref *)x)->id, ((const cg_licref *)y)->id);
}

/* Append s to dst mapping everything outside [A-Za-z0-9.-] (or also '_'
 * when allow_us) to '-', at most max bytes of output. */
static void sanitise(cg_buf *dst, const char *s, size_t max, int allow_us, cg_jctx *j)
{
    size_t o = 0;
    for (; s && *s && o < max; s++, o++) {
        unsigned char c = (unsigned char)*s;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '-' || (allow_us && c == '_');
        if (cg_buf_putc(dst, ok ? (char)c : '-') != CG_OK)
            j->failed = 1;
    }
}

static const char *spdxid(cg_wmodel *m, cg_jctx *j, cg_strset *ids, const char *prefix,
                          const char *type, const char *name, const char *identity, cg_error *err)
{
    cg_buf b = CG_BUF_INIT;
    char hex[17] = "";
    if (cg_buf_puts(&b, prefix) != CG_OK)
        j->failed = 1;
    if (type) {
        sanitise(&b, type, 32, 0, j);
        if (cg_buf_putc(&b, '-') != CG_OK)
            j->failed = 1;
    }
    sanitise(&b, name && name[0] ? name : "unnamed", 96, 0, j);
    if (identity) {
        if (cg_sha256_hex_prefix(identity, 8, hex) != CG_OK) {
            cg_error_set(err, CG_ERR_INTERNAL, "sha256 of the SBOM failed (OpenSSL)");
            j->failed = 1;
        }
        if (cg_buf_printf(&b, "-%s", hex) != CG_OK)
            j->failed = 1;
    }
    const char *base = cg_arena_strdup(&m->arena, cg_buf_str(&b)), *id = base;
    cg_buf_free(&b);
    for (unsigned k = 2; id; k++) {
        int r = cg_strset_add(&m->arena, ids, id);
        if (r < 0)
            id = NULL;
        if (r != 0)
            break;
        id = cg_arena_sprintf(&m->arena, "%s-%u", base, k);
    }
    if (!id)
        j->failed = 1;
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
        return cg_arena_sprintf(&m->arena, "Organization: %.*s(%.*s)", (int)(lt - s), s,
                                (int)(n - (size_t)(lt - s) - 2), lt + 1);
    return cg_arena_sprintf(&m->arena, "Organization: %s", s);
}

static const char *license_declared(cg_wmodel *m, const cg_package *p, cg_jctx *j)
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
            j->failed = 1;
    }
    const char *r = cg_arena_strdup(&m->arena, cg_buf_str(&b));
    cg_buf_free(&b);
    return r ? r : "NOASSERTION";
}

static void purl_ref(cg_jctx *j, json_t *pkg, const char *purl)
{
    if (!purl || !purl[0])
        return;
    json_t *refs = cg_j_arr(j), *r = cg_j_obj(j);
    cg_j_str(j, r, "referenceCategory", "PACKAGE-MANAGER");
    cg_j_str(j, r, "referenceType", "purl");
    cg_j_str(j, r, "referenceLocator", purl);
    cg_j_push(j, refs, r);
    cg_j_set(j, pkg, "externalRefs", refs);
}

/* The fields every package gets, in the order SPDX's own examples use. */
static json_t *package(cg_jctx *j, const char *name, const char *id, const char *version,
                       const char *sup)
{
    json_t *o = cg_j_obj(j);
    cg_j_str(j, o, "name", name);
    cg_j_str(j, o, "SPDXID", id);
    cg_j_str(j, o, "versionInfo", version);
    cg_j_str(j, o, "supplier", sup);
    cg_j_str(j, o, "downloadLocation", "NOASSERTION");
    cg_j_set(j, o, "filesAnalyzed", json_false());
    return o;
}

static const char *source_info(cg_wmodel *m, const cg_package *p, cg_jctx *j)
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
        j->failed = 1;
    const char *r = cg_arena_strdup(&m->arena, cg_buf_str(&b));
    cg_buf_free(&b);
    return r;
}

static json_t *build(cg_wmodel *m, cg_jctx *j, const char *ns, cg_error *err)
{
    const cg_sbom *s = m->s;
    cg_arena *a = &m->arena;
    cg_strset ids = {0};
    const char **pid = cg_arena_calloc(a, s->n_pkgs + 1, sizeof *pid);
    size_t n_rels = 0, cap_rels = s->n_pkgs + 2;
    for (size_t i = 0; i < s->n_pkgs; i++)
        cap_rels += m->n_deps[i];
    rel *rels = cg_arena_calloc(a, cap_rels, sizeof *rels);
    if (!pid || !rels) {
        j->failed = 1;
        return NULL;
    }

    json_t *doc = cg_j_obj(j), *ci = cg_j_obj(j), *creators = cg_j_arr(j), *pkgs = cg_j_arr(j);
    cg_j_str(j, doc, "spdxVersion", "SPDX-2.3");
    cg_j_str(j, doc, "dataLicense", "CC0-1.0");
    cg_j_str(j, doc, "SPDXID", "SPDXRef-DOCUMENT");
    cg_j_str(j, doc, "name", m->image_name);
    cg_j_str(j, doc, "documentNamespace", ns);
    cg_j_str(j, ci, "created", m->timestamp);
    cg_j_pushstr(j, creators, "Tool: cgate-" CGATE_VERSION);
    cg_j_set(j, ci, "creators", creators);
    if (m->s->n_warnings) { /* files the catalogers skipped, so a reader of the SBOM knows */
        cg_buf w = CG_BUF_INIT;
        for (size_t i = 0; i < m->s->n_warnings; i++)
            if (cg_buf_printf(&w, "%scgate warning: %s", i ? "\n" : "", m->s->warnings[i]) != CG_OK)
                j->failed = 1;
        cg_j_str(j, ci, "comment", cg_arena_strdup(&m->arena, cg_buf_str(&w)));
        cg_buf_free(&w);
    }
    cg_j_set(j, doc, "creationInfo", ci);

    const char *img = spdxid(m, j, &ids, "SPDXRef-Image-", NULL, m->image_name, NULL, err);
    json_t *o = package(j, m->image_name, img, m->image_version, "NOASSERTION");
    cg_j_str(j, o, "licenseConcluded", "NOASSERTION");
    cg_j_str(j, o, "licenseDeclared", "NOASSERTION");
    cg_j_str(j, o, "copyrightText", "NOASSERTION");
    purl_ref(j, o, s->image_purl);
    cg_j_str(j, o, "primaryPackagePurpose", "CONTAINER");
    cg_j_push(j, pkgs, o);
    rels[n_rels++] = (rel){"SPDXRef-DOCUMENT", "DESCRIBES", img};

    const char *os = NULL;
    if (s->distro) {
        const cg_distro *d = s->distro;
        const char *dn = d->id ? d->id : d->name ? d->name : "unknown";
        os = spdxid(m, j, &ids, "SPDXRef-OperatingSystem-", NULL, dn, NULL, err);
        o = package(j, dn, os, d->version_id, "NOASSERTION");
        cg_j_str(j, o, "licenseConcluded", "NOASSERTION");
        cg_j_str(j, o, "licenseDeclared", "NOASSERTION");
        cg_j_str(j, o, "copyrightText", "NOASSERTION");
        cg_j_str(j, o, "description", d->pretty_name);
        cg_j_str(j, o, "primaryPackagePurpose", "OPERATING_SYSTEM");
        cg_j_push(j, pkgs, o);
        rels[n_rels++] = (rel){img, "CONTAINS", os};
    }

    for (size_t i = 0; i < s->n_pkgs; i++) {
        const cg_package *p = &s->pkgs[i];
        pid[i] = spdxid(m, j, &ids, "SPDXRef-Package-", p->type ? p->type : "unknown", p->name,
                        m->refs[i], err);
        o = package(j, p->name ? p->name : "", pid[i], p->version, supplier(m, p->supplier));
        cg_j_str(j, o, "sourceInfo", source_info(m, p, j));
        cg_j_str(j, o, "licenseConcluded", "NOASSERTION");
        cg_j_str(j, o, "licenseDeclared", license_declared(m, p, j));
        cg_j_str(j, o, "copyrightText", "NOASSERTION");
        cg_j_str(j, o, "description", p->description);
        purl_ref(j, o, p->purl);
        cg_j_str(j, o, "primaryPackagePurpose", "LIBRARY");
        cg_j_push(j, pkgs, o);
        rels[n_rels++] = (rel){os && cg_w_is_os_pkg(p) ? os : img, "CONTAINS", pid[i]};
    }
    for (size_t i = 0; i < s->n_pkgs; i++)
        for (size_t k = 0; k < m->n_deps[i]; k++)
            rels[n_rels++] = (rel){pid[i], "DEPENDS_ON", pid[m->deps[i][k]]};
    cg_j_set(j, doc, "packages", pkgs);

    /* Every LicenseRef the document uses is declared: the ones made for
     * free-text names (text known) and the ones packages' own SPDX
     * expressions name (text unknown: NOASSERTION), together, by id. */
    size_t n_lr = m->n_licrefs + m->n_ext_licrefs;
    if (n_lr) {
        cg_licref *lr = cg_arena_calloc(a, n_lr, sizeof *lr);
        if (!lr) {
            j->failed = 1;
            n_lr = 0;
        } else {
            memcpy(lr, m->licrefs, m->n_licrefs * sizeof *lr);
            for (size_t i = 0; i < m->n_ext_licrefs; i++)
                lr[m->n_licrefs + i] = (cg_licref){NULL, m->ext_licrefs[i]};
            qsort(lr, n_lr, sizeof *lr, licref_id_cmp);
        }
        json_t *ex = cg_j_arr(j);
        for (size_t i = 0; i < n_lr; i++) {
            json_t *e = cg_j_obj(j);
            cg_j_str(j, e, "licenseId", lr[i].id);
            cg_j_str(j, e, "extractedText", lr[i].text ? lr[i].text : "NOASSERTION");
            cg_j_str(j, e, "name", lr[i].text);
            if (!lr[i].text)
                cg_j_str(j, e, "comment", "named by the package's own licence expression; "
                                          "its text was not available to cgate");
            cg_j_push(j, ex, e);
        }
        cg_j_set(j, doc, "hasExtractedLicensingInfos", ex);
    }

    qsort(rels, n_rels, sizeof *rels, rel_cmp);
    json_t *ra = cg_j_arr(j);
    for (size_t i = 0; i < n_rels; i++) {
        json_t *r = cg_j_obj(j);
        cg_j_str(j, r, "spdxElementId", rels[i].a);
        cg_j_str(j, r, "relationshipType", rels[i].type);
        cg_j_str(j, r, "relatedSpdxElement", rels[i].b);
        cg_j_push(j, ra, r);
    }
    cg_j_set(j, doc, "relationships", ra);
    return doc;
}

cg_status cg_write_spdx(cg_wmodel *m, cg_buf *out, cg_error *err)
{
    cg_jctx j = {0};
    cg_status st = CG_OK;
    /* The namespace names the content: hash the document written without it. */
    json_t *draft = build(m, &j, NULL, err), *doc = NULL;
    char *text = NULL, uuid[37];
    size_t len = 0;
    if (!j.failed && (st = cg_j_dump(draft, &text, &len, err)) == CG_OK &&
        (st = cg_w_uuid(text, len, uuid, err)) == CG_OK) {
        cg_buf ns = CG_BUF_INIT;
        if (cg_buf_puts(&ns, "https://spdx.org/spdxdocs/cgate-") != CG_OK)
            j.failed = 1;
        sanitise(&ns, m->image_name, 128, 1, &j);
        if (cg_buf_printf(&ns, "-%s", uuid) != CG_OK)
            j.failed = 1;
        doc = build(m, &j, cg_buf_str(&ns), err);
        cg_buf_free(&ns);
    }
    free(text);
    json_decref(draft);
    if (st == CG_OK && j.failed)
        st = cg_error_set(err, CG_ERR_NOMEM, "writing SPDX: out of memory");
    if (st == CG_OK)
        st = cg_j_emit(doc, out, err);
    json_decref(doc);
    return st;
}

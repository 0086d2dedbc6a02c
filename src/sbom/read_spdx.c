/*
 * read_spdx.c - SPDX 2.x JSON into cgate's records (see read.c for the rules
 * every reader follows): packages, their source info and supplier, and the
 * relationships as dependency edges.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/license.h"
#include "core/json.h"
#include "core/rfc3339.h"
#include "sbom/read_int.h"

/* "acquired package info from NAME cataloger: /a, /b; installed by ..." (cgate, Syft) */
static void spdx_source_info(rd *r, cg_package *p, pbuild *b, const char *si)
{
    const char *pre = "acquired package info from ";
    if (!rd_starts(si, pre))
        return;
    const char *s = si + strlen(pre);
    const char *cat = strstr(s, " cataloger");
    if (cat && cat > s && strncmp(s, "the", 3)) {
        p->cataloger = cg_arena_strndup(r->a, s, (size_t)(cat - s));
        if (!p->cataloger)
            r->oom = true;
    }
    /* "; installed by the deb package NAME" (cgate: the OS package that owns it) */
    const char *own = strstr(s, "; installed by the ");
    if (own) {
        const char *t = own + strlen("; installed by the "), *pk = strstr(t, " package ");
        if (pk && pk > t && pk[9]) {
            p->owned_by_type = cg_arena_strndup(r->a, t, (size_t)(pk - t));
            p->owned_by = cg_arena_strdup(r->a, pk + 9);
            if (!p->owned_by_type || !p->owned_by)
                r->oom = true;
        }
    }
    const char *colon = strstr(s, ": ");
    if (!colon || (own && colon > own))
        return;
    const char *q = colon + 2, *end = strchr(q, ';');
    if (!end)
        end = q + strlen(q);
    while (q < end && b->n_locs < LOCS_MAX && !r->oom) {
        const char *comma = strstr(q, ", ");
        const char *e = comma && comma < end ? comma : end;
        if (e > q && *q == '/') {
            b->locs[b->n_locs++].path = cg_arena_strndup(r->a, q, (size_t)(e - q));
            if (!b->locs[b->n_locs - 1].path)
                r->oom = true;
        }
        q = e == end ? end : e + 2;
    }
}

static const char *spdx_purl(rd *r, const json_t *pkg)
{
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(pkg, "externalRefs"), i, x) {
        const char *t = cg_json_str(x, "referenceType");
        if (t && !strcmp(t, "purl"))
            return rd_jget(r, x, "referenceLocator");
    }
    return NULL;
}

/* "Organization: Name (mail)" -> "Name <mail>"; "Person: X" -> "X". */
static const char *spdx_supplier(rd *r, const char *s)
{
    if (!s || !strcmp(s, "NOASSERTION") || !strcmp(s, "NONE"))
        return NULL;
    const char *c = strchr(s, ':');
    if (c && (rd_starts(s, "Organization:") || rd_starts(s, "Person:") || rd_starts(s, "Tool:")))
        s = c + 1 + (c[1] == ' ');
    size_t n = strlen(s);
    const char *lp = strrchr(s, '(');
    if (lp && lp > s && lp[-1] == ' ' && n && s[n - 1] == ')')
        return cg_arena_sprintf(r->a, "%.*s<%.*s>", (int)(lp - s), s, (int)(n - (size_t)(lp - s) - 2), lp + 1);
    return s;
}

cg_status rd_read_spdx(rd *r, const json_t *doc, cg_error *err)
{
    const json_t *pkgs = json_object_get(doc, "packages"), *rels = json_object_get(doc, "relationships"),
                 *desc = json_object_get(doc, "documentDescribes"), *ci = json_object_get(doc, "creationInfo"),
                 *extracted = json_object_get(doc, "hasExtractedLicensingInfos");
    if ((pkgs && !json_is_array(pkgs)) || (rels && !json_is_array(rels)) || (desc && !json_is_array(desc)) ||
        (ci && !json_is_object(ci)) || (extracted && !json_is_array(extracted)))
        return rd_bad(r, err, "SPDX packages, relationships or creationInfo of the wrong JSON type");
    if (json_array_size(pkgs) > CG_SBOM_READ_MAX_COMPONENTS)
        return cg_error_set(err, CG_ERR_LIMIT, "%s: more than %u packages", r->what, CG_SBOM_READ_MAX_COMPONENTS);
    const char *ts = cg_json_str(ci, "created");
    if (ts && cg_rfc3339_parse(ts, &r->s->timestamp) != 0)
        r->s->timestamp = 0;
    /* cgate keeps its warnings in creationInfo.comment, one "cgate warning: " line each */
    const char *cm = cg_json_str(ci, "comment");
    for (const char *p = cm; p && *p && !r->oom;) {
        const char *nl = strchr(p, '\n'), *e = nl ? nl : p + strlen(p);
        if (rd_starts(p, "cgate warning: ")) {
            const char *w = cg_arena_strndup(r->a, p + 15, (size_t)(e - p - 15));
            if (!w)
                r->oom = true;
            rd_warn(r, w);
        }
        p = nl ? nl + 1 : e;
    }
    /* the described element(s) */
    size_t i;
    json_t *x;
    const char *described = NULL;
    json_array_foreach(desc, i, x) if (!described) described = rd_jstr(r, x);
    json_array_foreach(rels, i, x) {
        const char *t = cg_json_str(x, "relationshipType"), *a = cg_json_str(x, "spdxElementId");
        if (!described && t && a && !strcmp(t, "DESCRIBES") && !strcmp(a, "SPDXRef-DOCUMENT"))
            described = rd_jget(r, x, "relatedSpdxElement");
    }
    json_array_foreach(pkgs, i, x) {
        if (!json_is_object(x) || r->oom)
            continue;
        const char *id = rd_jget(r, x, "SPDXID"), *purpose = cg_json_str(x, "primaryPackagePurpose");
        const char *purl = spdx_purl(r, x), *ver = rd_jget(r, x, "versionInfo");
        if (purpose && (!strcmp(purpose, "OPERATING_SYSTEM") || !strcmp(purpose, "OPERATING-SYSTEM"))) {
            if (!r->s->distro) {
                cg_distro *d = cg_arena_calloc(r->a, 1, sizeof *d);
                if (!d) {
                    r->oom = true;
                    break;
                }
                d->id = rd_jget(r, x, "name");
                d->version_id = ver;
                d->pretty_name = rd_jget(r, x, "description");
                d->layer = -1;
                r->s->distro = d;
            }
            continue;
        }
        if (id && described && !strcmp(id, described) &&
            (!purl || (purpose && !strcmp(purpose, "CONTAINER")) || rd_starts(purl, "pkg:oci/") ||
             rd_starts(purl, "pkg:docker/"))) {
            r->s->image.name = rd_jget(r, x, "name");
            r->s->image_purl = purl;
            if (ver && rd_starts(ver, "sha256:"))
                r->s->image.manifest_digest = ver;
            continue;
        }
        if (!purl && purpose && (!strcmp(purpose, "APPLICATION") || !strcmp(purpose, "SOURCE") ||
                                 !strcmp(purpose, "FILE") || !strcmp(purpose, "ARCHIVE")))
            continue; /* Trivy's lock files and scanned directories, not packages */
        cg_package *p = rd_pkg_from_purl(r, purl, ver, id);
        if (!p)
            continue;
        pbuild b;
        memset(&b, 0, sizeof b);
        cg_license ls[LICS_MAX];
        size_t n_ls = 0;
        if (!r->lean) {
            p->supplier = spdx_supplier(r, rd_jget(r, x, "supplier"));
            p->description = rd_jget(r, x, "description");
        }
        spdx_source_info(r, p, &b, cg_json_str(x, "sourceInfo"));
        /* Trivy: annotations "SrcName: x", "LayerDiffID: sha256:..." */
        size_t k;
        json_t *an;
        json_array_foreach(json_object_get(x, "annotations"), k, an) {
            const char *c = cg_json_str(an, "comment");
            const char *sep = c ? strstr(c, ": ") : NULL;
            if (!sep || sep - c > 64)
                continue;
            const char *name = cg_arena_sprintf(r->a, "aquasecurity:trivy:%.*s", (int)(sep - c), c);
            const char *value = cg_arena_strdup(r->a, sep + 2);
            if (!name || !value) {
                r->oom = true;
                break;
            }
            rd_pkg_prop(r, p, &b, name, value);
        }
        const char *lic = r->lean ? NULL : rd_jget(r, x, "licenseDeclared");
        if (!r->lean && (!lic || !strcmp(lic, "NOASSERTION") || !strcmp(lic, "NONE")))
            lic = rd_jget(r, x, "licenseConcluded");
        if (lic && strcmp(lic, "NOASSERTION") && strcmp(lic, "NONE"))
            rd_add_expression(r, ls, &n_ls, lic, NULL, extracted);
        rd_pkg_finish(r, p, &b, ls, n_ls);
    }
    evec e = {0};
    json_array_foreach(r->lean ? NULL : rels, i, x) {
        const char *t = cg_json_str(x, "relationshipType");
        if (!t)
            continue;
        if (!strcmp(t, "DEPENDS_ON"))
            rd_edge_push(r, &e, rd_jget(r, x, "spdxElementId"), rd_jget(r, x, "relatedSpdxElement"));
        else if (!strcmp(t, "DEPENDENCY_OF"))
            rd_edge_push(r, &e, rd_jget(r, x, "relatedSpdxElement"), rd_jget(r, x, "spdxElementId"));
    }
    if (!r->oom && e.n)
        rd_set_edges(r, e.from, e.to, e.n);
    free(e.from);
    free(e.to);
    return CG_OK;
}


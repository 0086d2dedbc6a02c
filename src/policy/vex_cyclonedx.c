/*
 * vex_cyclonedx.c - the vulnerabilities[] of CycloneDX 1.4-1.6 BOMs
 * (CycloneDX VEX) into the shared statement list (vex_int.h): components by
 * bom-ref to purls, analysis states and justifications.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/json.h"
#include "core/rfc3339.h"
#include "policy/vex_int.h"

/* ---- CycloneDX VEX ---------------------------------------------------------- */

typedef struct bomref {
    const char *ref, *purl;
} bomref;

static cg_status cdx_components(vctx *c, const json_t *comps, cg_vec *refs, int depth)
{
    if (depth > 64)
        return vex_err(c, "components", "nested deeper than 64 levels");
    for (size_t i = 0; i < json_array_size(comps); i++) {
        const json_t *o = json_array_get(comps, i);
        bomref r = {cg_json_str(o, "bom-ref"), cg_json_str(o, "purl")};
        if (r.ref && r.purl && !cg_vec_push(refs, &r, sizeof r))
            return cg_error_set(c->err, CG_ERR_NOMEM, "%s: out of memory", c->file);
        json_t *sub = json_object_get(o, "components");
        if (json_is_array(sub)) {
            cg_status st = cdx_components(c, sub, refs, depth + 1);
            if (st != CG_OK)
                return st;
        }
    }
    return CG_OK;
}

static const char *const CDX_JUST[] = {"code_not_present",      "code_not_reachable",     "requires_configuration",
                                       "requires_dependency",   "requires_environment",   "protected_by_compiler",
                                       "protected_at_runtime",  "protected_at_perimeter",
                                       "protected_by_mitigating_control", NULL};

static cg_vex_status cdx_state(const char *s)
{
    if (!strcmp(s, "not_affected") || !strcmp(s, "false_positive"))
        return CG_VEX_NOT_AFFECTED;
    if (!strcmp(s, "resolved") || !strcmp(s, "resolved_with_pedigree"))
        return CG_VEX_FIXED;
    if (!strcmp(s, "exploitable"))
        return CG_VEX_AFFECTED;
    if (!strcmp(s, "in_triage"))
        return CG_VEX_UNDER_INVESTIGATION;
    return CG_VEX_NONE;
}

cg_status vex_read_cyclonedx(vctx *c, const json_t *doc)
{
    const char *sv = cg_json_str(doc, "specVersion");
    if (!sv || (strcmp(sv, "1.4") && strcmp(sv, "1.5") && strcmp(sv, "1.6")))
        return vex_err(c, "specVersion", "\"%.20s\" is not CycloneDX 1.4, 1.5 or 1.6", sv ? sv : "(missing)");
    cg_vec refs = {0};
    const json_t *meta = json_object_get(doc, "metadata");
    json_t *mc = json_object_get(meta, "component");
    cg_status st = CG_OK;
    if (json_is_object(mc)) {
        json_t *one = json_array();
        json_array_append(one, mc);
        st = cdx_components(c, one, &refs, 0);
        json_decref(one);
    }
    json_t *comps = json_object_get(doc, "components");
    if (st == CG_OK && comps && !json_is_array(comps))
        st = vex_err(c, "components", "is not an array");
    if (st == CG_OK)
        st = cdx_components(c, comps, &refs, 0);
    int64_t doc_t = INT64_MIN;
    int32_t doc_ns = 0;
    const char *mts = cg_json_str(meta, "timestamp");
    if (st == CG_OK && mts && cg_rfc3339_parse_ns(mts, &doc_t, &doc_ns) != 0)
        st = vex_err(c, "metadata.timestamp", "is not an RFC 3339 date-time");
    json_t *vulns = json_object_get(doc, "vulnerabilities");
    if (st == CG_OK && vulns && !json_is_array(vulns))
        st = vex_err(c, "vulnerabilities", "is not an array");
    for (size_t i = 0; st == CG_OK && i < json_array_size(vulns); i++) {
        const json_t *v = json_array_get(vulns, i);
        char path[64];
        snprintf(path, sizeof path, "vulnerabilities[%zu]", i);
        if (!json_is_object(v)) {
            st = vex_err(c, path, "is not an object");
            break;
        }
        const json_t *an = json_object_get(v, "analysis");
        if (!an)
            continue; /* a finding without analysis is not a VEX statement */
        const char *id, *state, *just, *detail;
        st = vex_want_str(c, v, "id", path, 1, &id);
        if (st == CG_OK && !json_is_object(an))
            st = vex_err(c, path, "\"analysis\" is not an object");
        char p[128];
        snprintf(p, sizeof p, "%s.analysis", path);
        if (st == CG_OK)
            st = vex_want_str(c, an, "state", p, 1, &state);
        if (st == CG_OK && cdx_state(state) == CG_VEX_NONE)
            st = vex_err(c, p, "\"state\" \"%.60s\" is not a CycloneDX impact analysis state", state);
        if (st == CG_OK)
            st = vex_want_str(c, an, "justification", p, 0, &just);
        if (st == CG_OK && just && !vex_in_list(CDX_JUST, just))
            st = vex_err(c, p, "\"justification\" \"%.80s\" is not a CycloneDX justification", just);
        if (st == CG_OK)
            st = vex_want_str(c, an, "detail", p, 0, &detail);
        if (st == CG_OK)
            st = vex_add_id(c, id);
        const json_t *xrefs = json_object_get(v, "references");
        for (size_t r = 0; st == CG_OK && r < json_array_size(xrefs); r++) {
            const char *aid = cg_json_str(json_array_get(xrefs, r), "id");
            if (aid)
                st = vex_add_id(c, aid);
        }
        const json_t *aff = json_object_get(v, "affects");
        if (st == CG_OK && aff && !json_is_array(aff))
            st = vex_err(c, path, "\"affects\" is not an array");
        for (size_t k = 0; st == CG_OK && k < json_array_size(aff); k++) {
            const char *ref = cg_json_str(json_array_get(aff, k), "ref");
            if (!ref) {
                st = vex_err(c, path, "affects[%zu].ref is missing or not a string", k);
                break;
            }
            if (!strncmp(ref, "pkg:", 4)) {
                st = vex_add_purl(c, ref);
                continue;
            }
            const char *hash = !strncmp(ref, "urn:cdx:", 8) ? strchr(ref, '#') : NULL;
            const char *local = hash ? hash + 1 : ref; /* a BOM-Link to a component of this BOM */
            const bomref *br = refs.v;
            for (size_t j = 0; st == CG_OK && j < refs.n; j++)
                if (!strcmp(br[j].ref, local))
                    st = vex_add_purl(c, br[j].purl);
        }
        if (st != CG_OK)
            break;
        vex_stmt s = {.status = cdx_state(state), .document = c->file, .time = doc_t, .nanos = doc_ns};
        const char *times[] = {"lastUpdated", "firstIssued"};
        for (int t = 0; t < 2; t++) {
            const char *ts = cg_json_str(an, times[t]);
            if (ts) {
                if (cg_rfc3339_parse_ns(ts, &s.time, &s.nanos) != 0)
                    st = vex_err(c, p, "\"%s\" is not an RFC 3339 date-time", times[t]);
                break;
            }
        }
        if (st != CG_OK)
            break;
        const char *bref = cg_json_str(v, "bom-ref");
        s.statement_id = bref ? cg_arena_strdup(c->vex->a, bref) : cg_arena_strdup(c->vex->a, path);
        s.justification = just ? cg_arena_strdup(c->vex->a, just) : NULL;
        s.impact = detail ? cg_arena_strdup(c->vex->a, detail) : NULL;
        st = vex_push_stmt(c, &s);
    }
    free(refs.v);
    return st;
}


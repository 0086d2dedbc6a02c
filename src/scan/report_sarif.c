/*
 * report_sarif.c - the report as SARIF 2.1.0 (valid against the OASIS
 * schema, tests/data/schemas/sarif-2.1.0), laid out for GitHub code scanning:
 * one rule per vulnerability id (sorted) with properties.security-severity
 * (the CVSS score, or a representative number for a label-only severity),
 * one result per finding with a physical location (the file the package was
 * found in, relative to the image root) and a stable partial fingerprint.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jwrite.h"
#include "core/strmap.h"
#include "core/digest.h"
#include "scan/scan_int.h"

static const char *level_of(cg_severity s)
{
    switch (s) {
    case CG_SEV_CRITICAL:
    case CG_SEV_HIGH: return "error";
    case CG_SEV_MEDIUM: return "warning";
    default: return "note";
    }
}

static const char *fixed_text(const cg_finding *f)
{
    return f->fixed ? f->fixed : f->status == CG_FIND_UNKNOWN ? "unknown (version not comparable)" : "none";
}

static void text_obj(cg_jw *w, const char *key, const char *text)
{
    cg_jw_key(w, key);
    cg_jw_open(w, "{");
    cg_jw_kopt(w, "text", text);
    cg_jw_close(w, "}");
}

static double sec_severity(const cg_finding *f)
{
    return f->v->score >= 0 ? f->v->score : cg_report_severity_number(f->v->severity);
}

static void rule(const cg_report *r, const cg_finding *f, cg_jw *w, cg_arena *a)
{
    const cg_report_target *t = &r->targets[f->target];
    const char *title = f->v->adv->summary ? f->v->adv->summary : f->v->vuln_id;
    cg_jw_elem(w);
    cg_jw_open(w, "{");
    cg_jw_kopt(w, "id", f->v->vuln_id);
    cg_jw_kstr(w, "name", t->class_ == CG_TARGET_OS ? "OsPackageVulnerability" : "LanguageSpecificPackageVulnerability");
    text_obj(w, "shortDescription", title);
    text_obj(w, "fullDescription", f->v->adv->details ? f->v->adv->details : title);
    cg_jw_key(w, "defaultConfiguration");
    cg_jw_open(w, "{");
    cg_jw_kstr(w, "level", level_of(f->v->severity));
    cg_jw_close(w, "}");
    cg_jw_kopt(w, "helpUri", f->v->primary_url);
    const char *sev = cg_severity_name(f->v->severity);
    cg_jw_key(w, "help");
    cg_jw_open(w, "{");
    cg_jw_kopt(w, "text",
               cg_arena_sprintf(a, "Vulnerability %s\nSeverity: %s\nPackage: %s\nFixed Version: %s\nLink: %s\n%s",
                                f->v->vuln_id, sev, cg_finding_pkg_name(f), fixed_text(f), f->v->primary_url,
                                f->v->adv->details ? f->v->adv->details : title));
    cg_jw_kopt(w, "markdown",
               cg_arena_sprintf(a,
                                "**Vulnerability %s**\n| Severity | Package | Fixed Version | Link |\n"
                                "| --- | --- | --- | --- |\n|%s|%s|%s|[%s](%s)|\n\n%s",
                                f->v->vuln_id, sev, cg_finding_pkg_name(f), fixed_text(f), f->v->vuln_id, f->v->primary_url,
                                f->v->adv->details ? f->v->adv->details : title));
    cg_jw_close(w, "}");
    cg_jw_key(w, "properties");
    cg_jw_open(w, "{");
    const char *tags[4] = {"vulnerability", "security", sev, "known-exploited"};
    cg_jw_kstrs(w, "tags", tags, f->v->kev ? 4 : 3, 1);
    cg_jw_kstr(w, "precision", "very-high");
    cg_jw_kopt(w, "security-severity", cg_arena_sprintf(a, "%.1f", sec_severity(f)));
    /* Trivy's property names for the vectors of the source that decided the
     * severity: v2 and v3 (the last entry of each wins), in the order each
     * first appears */
    const cg_finding_cvss *v2 = NULL, *v3 = NULL;
    int v2_first = 0;
    for (size_t i = 0; f->v->severity_source && i < f->v->n_cvss; i++) {
        const cg_finding_cvss *c = &f->v->cvss[i];
        if (strcmp(c->source, f->v->severity_source) != 0 || c->version == CG_CVSS_V40)
            continue;
        if (c->version == CG_CVSS_V2) {
            v2_first |= !v2 && !v3;
            v2 = c;
        } else {
            v3 = c;
        }
    }
    for (int k = 0; k < 2; k++) {
        int two = v2_first ? k == 0 : k == 1;
        const cg_finding_cvss *c = two ? v2 : v3;
        if (!c)
            continue;
        cg_jw_kreal(w, two ? "cvssv2_score" : "cvssv3_baseScore", c->score);
        cg_jw_kopt(w, two ? "cvssv2_vector" : "cvssv3_vector", c->vector);
    }
    cg_jw_close(w, "}");
    cg_jw_close(w, "}");
}

static void result(const cg_report *r, const cg_finding *f, size_t rule_index, cg_jw *w, cg_arena *a)
{
    cg_jw_elem(w);
    cg_jw_open(w, "{");
    cg_jw_kopt(w, "ruleId", f->v->vuln_id);
    cg_jw_kint(w, "ruleIndex", (long long)rule_index);
    cg_jw_kstr(w, "level", level_of(f->v->severity));
    text_obj(w, "message",
             cg_arena_sprintf(a,
                              "Package: %s\nInstalled Version: %s\nVulnerability %s\nSeverity: %s\n"
                              "Status: %s\nFixed Version: %s\nLink: [%s](%s)",
                              cg_finding_pkg_name(f), f->installed, f->v->vuln_id, cg_severity_name(f->v->severity),
                              cg_finding_status_name(f->status), fixed_text(f), f->v->vuln_id, f->v->primary_url));
    const char *path = cg_report_pkg_path(f->pkg);
    const char *uri = path && *path ? path : r->artifact_name;
    cg_jw_key(w, "locations");
    cg_jw_open(w, "[");
    cg_jw_elem(w);
    cg_jw_open(w, "{");
    cg_jw_key(w, "physicalLocation");
    cg_jw_open(w, "{");
    cg_jw_key(w, "artifactLocation");
    cg_jw_open(w, "{");
    cg_jw_kopt(w, "uri", uri);
    cg_jw_kstr(w, "uriBaseId", "ROOTPATH");
    cg_jw_close(w, "}");
    cg_jw_key(w, "region");
    cg_jw_open(w, "{");
    cg_jw_kint(w, "startLine", 1);
    cg_jw_kint(w, "startColumn", 1);
    cg_jw_kint(w, "endLine", 1);
    cg_jw_kint(w, "endColumn", 1);
    cg_jw_close(w, "}");
    cg_jw_close(w, "}");
    text_obj(w, "message", cg_arena_sprintf(a, "%s: %s@%s", r->targets[f->target].name, cg_finding_pkg_name(f), f->installed));
    cg_jw_close(w, "}");
    cg_jw_close(w, "]");
    char fp[33];
    const char *key = cg_arena_sprintf(a, "%s\n%s\n%s\n%s", f->v->vuln_id, cg_finding_pkg_name(f), f->installed, uri);
    if (key && cg_sha256_hex_prefix(key, 16, fp) == CG_OK) {
        cg_jw_key(w, "partialFingerprints");
        cg_jw_open(w, "{");
        cg_jw_kstr(w, "cgate/v1", fp);
        cg_jw_close(w, "}");
    }
    cg_jw_key(w, "properties");
    cg_jw_open(w, "{");
    cg_jw_kopt(w, "advisoryId", f->v->advisory_id);
    cg_jw_kbool(w, "kev", f->v->kev);
    if (f->v->epss >= 0)
        cg_jw_kreal(w, "epss", f->v->epss);
    cg_jw_kopt(w, "note", f->note);
    cg_jw_close(w, "}");
    cg_jw_close(w, "}");
}

static int ptr_cmp(const void *a, const void *b)
{
    const cg_finding *x = *(const cg_finding *const *)a, *y = *(const cg_finding *const *)b;
    return strcmp(x->v->vuln_id, y->v->vuln_id);
}

cg_status cg_report_write_sarif(const cg_report *r, cg_buf *out, cg_error *err)
{
    return cg_report_write_sarif_sink(r, out, NULL, NULL, err);
}

/* Per-item strings go to a scratch arena emptied now and then, so memory
 * does not grow with the findings (streamed: out is only a window). */
static cg_arena *item_arena(cg_arena *a)
{
    if (a->used_total > 32768)
        cg_arena_free(a);
    return a;
}

cg_status cg_report_write_sarif_sink(const cg_report *r, cg_buf *out, cg_sink_fn sink, void *sink_ud,
                                     cg_error *err)
{
    cg_arena a, item;
    cg_arena_init(&a);
    cg_arena_init(&item);
    cg_strmap idx;
    cg_strmap_init(&idx);
    cg_status st = CG_OK;
    /* rules: the first finding of each vuln_id, ordered by id */
    const cg_finding **firsts = cg_arena_calloc(&a, r->n_findings + 1, sizeof *firsts);
    size_t nr = 0;
    if (!firsts)
        st = CG_ERR_NOMEM;
    for (size_t i = 0; st == CG_OK && i < r->n_findings; i++) {
        const cg_finding *f = &r->findings[i];
        if (cg_strmap_get(&idx, f->v->vuln_id, strlen(f->v->vuln_id)))
            continue;
        if (cg_strmap_put(&idx, f->v->vuln_id, strlen(f->v->vuln_id), (void *)f) != CG_OK)
            st = CG_ERR_NOMEM;
        firsts[nr++] = f;
    }
    if (nr > 1)
        qsort(firsts, nr, sizeof *firsts, ptr_cmp);
    size_t *ord = st == CG_OK ? cg_arena_calloc(&a, nr + 1, sizeof *ord) : NULL;
    if (!ord)
        st = CG_ERR_NOMEM;
    for (size_t i = 0; st == CG_OK && i < nr; i++) {
        ord[i] = i;
        st = cg_strmap_put(&idx, firsts[i]->v->vuln_id, strlen(firsts[i]->v->vuln_id), &ord[i]);
    }
    cg_jw w;
    if (sink)
        cg_jw_init_sink(&w, out, sink, sink_ud, err);
    else
        cg_jw_init(&w, out);
    if (w.st == CG_OK)
        w.st = st;
    cg_sarif_begin(&w);
    for (size_t i = 0; w.st == CG_OK && i < nr; i++)
        rule(r, firsts[i], &w, item_arena(&item));
    if (r->extra)
        cg_findings_sarif_rules(r->extra, &w);
    cg_sarif_rules_end(&w);
    for (size_t i = 0; w.st == CG_OK && i < r->n_findings; i++) {
        const cg_finding *f = &r->findings[i];
        size_t *ri = cg_strmap_get(&idx, f->v->vuln_id, strlen(f->v->vuln_id));
        result(r, f, ri ? *ri : 0, &w, item_arena(&item));
    }
    if (r->extra)
        cg_findings_sarif_results(r->extra, nr, &w);
    cg_sarif_results_end(&w);
    const cg_image_info *im = &r->sbom->image;
    cg_jw_key(&w, "properties");
    cg_jw_open(&w, "{");
    cg_jw_kopt(&w, "imageName", r->artifact_name);
    cg_jw_kopt(&w, "imageID", im->config_digest);
    cg_jw_kopt(&w, "manifestDigest", im->manifest_digest);
    cg_jw_close(&w, "}");
    cg_sarif_end(&w);
    cg_jw_flush(&w);
    cg_strmap_free(&idx);
    cg_arena_free(&a);
    cg_arena_free(&item);
    if (w.st != CG_OK && sink && w.st != CG_ERR_NOMEM)
        return w.st; /* the sink said why */
    if (w.st != CG_OK)
        return cg_error_set(err, w.st, "writing SARIF: %s", cg_status_name(w.st));
    return CG_OK;
}

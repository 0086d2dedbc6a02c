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

#include "core/strmap.h"
#include "sbom/writers.h"
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

static json_t *text_obj(cg_jctx *j, const char *text)
{
    json_t *o = cg_j_obj(j);
    cg_j_str(j, o, "text", text);
    return o;
}

static double sec_severity(const cg_finding *f)
{
    return f->score >= 0 ? f->score : cg_report_severity_number(f->severity);
}

static json_t *rule(const cg_report *r, const cg_finding *f, cg_jctx *j, cg_arena *a)
{
    const cg_report_target *t = &r->targets[f->target];
    json_t *ru = cg_j_obj(j);
    const char *title = f->adv->summary ? f->adv->summary : f->vuln_id;
    cg_j_str(j, ru, "id", f->vuln_id);
    cg_j_str(j, ru, "name", t->class_ == CG_TARGET_OS ? "OsPackageVulnerability" : "LanguageSpecificPackageVulnerability");
    cg_j_set(j, ru, "shortDescription", text_obj(j, title));
    cg_j_set(j, ru, "fullDescription", text_obj(j, f->adv->details ? f->adv->details : title));
    json_t *dc = cg_j_obj(j);
    cg_j_str(j, dc, "level", level_of(f->severity));
    cg_j_set(j, ru, "defaultConfiguration", dc);
    cg_j_str(j, ru, "helpUri", f->primary_url);
    const char *sev = cg_severity_name(f->severity);
    json_t *help = cg_j_obj(j);
    cg_j_str(j, help, "text",
             cg_arena_sprintf(a, "Vulnerability %s\nSeverity: %s\nPackage: %s\nFixed Version: %s\nLink: %s\n%s",
                              f->vuln_id, sev, cg_finding_pkg_name(f), fixed_text(f), f->primary_url,
                              f->adv->details ? f->adv->details : title));
    cg_j_str(j, help, "markdown",
             cg_arena_sprintf(a,
                              "**Vulnerability %s**\n| Severity | Package | Fixed Version | Link |\n"
                              "| --- | --- | --- | --- |\n|%s|%s|%s|[%s](%s)|\n\n%s",
                              f->vuln_id, sev, cg_finding_pkg_name(f), fixed_text(f), f->vuln_id, f->primary_url,
                              f->adv->details ? f->adv->details : title));
    cg_j_set(j, ru, "help", help);
    json_t *props = cg_j_obj(j), *tags = cg_j_arr(j);
    cg_j_pushstr(j, tags, "vulnerability");
    cg_j_pushstr(j, tags, "security");
    cg_j_pushstr(j, tags, sev);
    if (f->kev)
        cg_j_pushstr(j, tags, "known-exploited");
    cg_j_set(j, props, "tags", tags);
    cg_j_str(j, props, "precision", "very-high");
    cg_j_str(j, props, "security-severity", cg_arena_sprintf(a, "%.1f", sec_severity(f)));
    /* Trivy's property names for the vectors of the source that decided the severity */
    for (size_t i = 0; i < f->n_cvss; i++) {
        const cg_finding_cvss *c = &f->cvss[i];
        if (!f->severity_source || strcmp(c->source, f->severity_source) != 0)
            continue;
        if (c->version == CG_CVSS_V2) {
            cg_j_set(j, props, "cvssv2_score", json_real(c->score));
            cg_j_str(j, props, "cvssv2_vector", c->vector);
        } else if (c->version != CG_CVSS_V40) {
            cg_j_set(j, props, "cvssv3_baseScore", json_real(c->score));
            cg_j_str(j, props, "cvssv3_vector", c->vector);
        }
    }
    cg_j_set(j, ru, "properties", props);
    return ru;
}

static json_t *result(const cg_report *r, const cg_finding *f, size_t rule_index, cg_jctx *j, cg_arena *a)
{
    json_t *re = cg_j_obj(j);
    cg_j_str(j, re, "ruleId", f->vuln_id);
    cg_j_set(j, re, "ruleIndex", json_integer((json_int_t)rule_index));
    cg_j_str(j, re, "level", level_of(f->severity));
    cg_j_set(j, re, "message",
             text_obj(j, cg_arena_sprintf(a,
                                          "Package: %s\nInstalled Version: %s\nVulnerability %s\nSeverity: %s\n"
                                          "Status: %s\nFixed Version: %s\nLink: [%s](%s)",
                                          cg_finding_pkg_name(f), f->installed, f->vuln_id, cg_severity_name(f->severity),
                                          cg_finding_status_name(f->status), fixed_text(f), f->vuln_id,
                                          f->primary_url)));
    const char *path = cg_report_pkg_path(f->pkg);
    const char *uri = path && *path ? path : r->artifact_name;
    json_t *loc = cg_j_obj(j), *phys = cg_j_obj(j), *art = cg_j_obj(j), *reg = cg_j_obj(j);
    cg_j_str(j, art, "uri", uri);
    cg_j_str(j, art, "uriBaseId", "ROOTPATH");
    cg_j_set(j, phys, "artifactLocation", art);
    cg_j_set(j, reg, "startLine", json_integer(1));
    cg_j_set(j, reg, "startColumn", json_integer(1));
    cg_j_set(j, reg, "endLine", json_integer(1));
    cg_j_set(j, reg, "endColumn", json_integer(1));
    cg_j_set(j, phys, "region", reg);
    cg_j_set(j, loc, "physicalLocation", phys);
    cg_j_set(j, loc, "message",
             text_obj(j, cg_arena_sprintf(a, "%s: %s@%s", r->targets[f->target].name, cg_finding_pkg_name(f), f->installed)));
    json_t *locs = cg_j_arr(j);
    cg_j_push(j, locs, loc);
    cg_j_set(j, re, "locations", locs);
    char fp[33];
    const char *key = cg_arena_sprintf(a, "%s\n%s\n%s\n%s", f->vuln_id, cg_finding_pkg_name(f), f->installed, uri);
    if (key && cg_w_hash_hex(key, 16, fp, NULL) == CG_OK) {
        json_t *pf = cg_j_obj(j);
        cg_j_str(j, pf, "cgate/v1", fp);
        cg_j_set(j, re, "partialFingerprints", pf);
    }
    json_t *props = cg_j_obj(j);
    cg_j_str(j, props, "advisoryId", f->advisory_id);
    cg_j_set(j, props, "kev", json_boolean(f->kev));
    if (f->epss >= 0)
        cg_j_set(j, props, "epss", json_real(f->epss));
    cg_j_str(j, props, "note", f->note);
    cg_j_set(j, re, "properties", props);
    return re;
}

static int ptr_cmp(const void *a, const void *b)
{
    const cg_finding *x = *(const cg_finding *const *)a, *y = *(const cg_finding *const *)b;
    return strcmp(x->vuln_id, y->vuln_id);
}

cg_status cg_report_write_sarif(const cg_report *r, cg_buf *out, cg_error *err)
{
    cg_jctx j = {0};
    cg_arena a;
    cg_arena_init(&a);
    cg_strmap idx;
    cg_strmap_init(&idx);
    cg_status st = CG_OK;
    /* rules: the first finding of each vuln_id, ordered by id */
    const cg_finding **firsts = cg_arena_calloc(&a, r->n_findings + 1, sizeof *firsts);
    size_t nr = 0;
    if (!firsts)
        j.failed = 1;
    for (size_t i = 0; firsts && i < r->n_findings; i++) {
        const cg_finding *f = &r->findings[i];
        if (cg_strmap_get(&idx, f->vuln_id, strlen(f->vuln_id)))
            continue;
        if (cg_strmap_put(&idx, f->vuln_id, strlen(f->vuln_id), (void *)f) != CG_OK)
            j.failed = 1;
        firsts[nr++] = f;
    }
    if (nr > 1)
        qsort(firsts, nr, sizeof *firsts, ptr_cmp);
    size_t *ord = cg_arena_calloc(&a, nr + 1, sizeof *ord);
    if (!ord)
        j.failed = 1;
    json_t *rules = cg_j_arr(&j), *results = cg_j_arr(&j);
    for (size_t i = 0; ord && i < nr; i++) {
        ord[i] = i;
        cg_strmap_put(&idx, firsts[i]->vuln_id, strlen(firsts[i]->vuln_id), &ord[i]);
        cg_j_push(&j, rules, rule(r, firsts[i], &j, &a));
    }
    for (size_t i = 0; ord && i < r->n_findings; i++) {
        const cg_finding *f = &r->findings[i];
        size_t *ri = cg_strmap_get(&idx, f->vuln_id, strlen(f->vuln_id));
        cg_j_push(&j, results, result(r, f, ri ? *ri : 0, &j, &a));
    }
    json_t *doc = cg_j_obj(&j), *runs = cg_j_arr(&j), *run = cg_j_obj(&j), *tool = cg_j_obj(&j),
           *drv = cg_j_obj(&j);
    cg_j_str(&j, doc, "version", "2.1.0");
    cg_j_str(&j, doc, "$schema", "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/main/sarif-2.1/schema/sarif-schema-2.1.0.json");
    cg_j_str(&j, drv, "name", "cgate");
    cg_j_str(&j, drv, "fullName", "cgate container-image supply-chain gate");
    cg_j_str(&j, drv, "version", CGATE_VERSION);
    cg_j_set(&j, drv, "rules", rules);
    cg_j_set(&j, tool, "driver", drv);
    cg_j_set(&j, run, "tool", tool);
    cg_j_set(&j, run, "results", results);
    cg_j_str(&j, run, "columnKind", "utf16CodeUnits");
    json_t *bases = cg_j_obj(&j), *root = cg_j_obj(&j);
    cg_j_str(&j, root, "uri", "file:///");
    cg_j_set(&j, bases, "ROOTPATH", root);
    cg_j_set(&j, run, "originalUriBaseIds", bases);
    json_t *props = cg_j_obj(&j);
    const cg_image_info *im = &r->sbom->image;
    cg_j_str(&j, props, "imageName", r->artifact_name);
    cg_j_str(&j, props, "imageID", im->config_digest);
    cg_j_str(&j, props, "manifestDigest", im->manifest_digest);
    cg_j_set(&j, run, "properties", props);
    cg_j_push(&j, runs, run);
    cg_j_set(&j, doc, "runs", runs);
    if (j.failed) {
        st = cg_error_set(err, CG_ERR_NOMEM, "writing SARIF: out of memory");
    } else {
        char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
        if (!text)
            st = cg_error_set(err, CG_ERR_NOMEM, "writing SARIF: out of memory");
        else if ((st = cg_buf_puts(out, text)) != CG_OK || (st = cg_buf_putc(out, '\n')) != CG_OK)
            cg_error_set(err, st, "writing SARIF: %s", cg_status_name(st));
        free(text);
    }
    json_decref(doc);
    cg_strmap_free(&idx);
    cg_arena_free(&a);
    return st;
}

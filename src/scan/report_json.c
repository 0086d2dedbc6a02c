/*
 * report_json.c - the report in Trivy's JSON schema (SchemaVersion 2), so
 * tools that read `trivy image -f json` read ours: the same field names,
 * nesting and JSON types as Trivy's goldens (tests/data/trivy/).  cgate's own
 * facts (the advisory record's id, KEV, EPSS, the computed score, notes) sit
 * in "cgate" objects: Go's encoding/json, which Trivy and its readers use,
 * ignores unknown fields.  Fields Trivy fills from data cgate does not have
 * (Fingerprint, CweIDs, ImageConfig, VendorSeverity of other vendors) are
 * left out rather than invented; see docs/scan.md for the list.
 */
#include <stdlib.h>
#include <string.h>

#include "sbom/writers.h"
#include "scan/scan_int.h"

static void set_real(cg_jctx *j, json_t *o, const char *k, double v)
{
    cg_j_set(j, o, k, json_real(v));
}

static json_t *str_array(cg_jctx *j, const char *const *v, size_t n)
{
    json_t *a = cg_j_arr(j);
    for (size_t i = 0; i < n; i++)
        if (v[i])
            cg_j_pushstr(j, a, v[i]);
    return a;
}

static json_t *metadata(const cg_report *r, cg_jctx *j, cg_arena *a)
{
    const cg_sbom *s = r->sbom;
    const cg_image_info *im = &s->image;
    json_t *m = cg_j_obj(j);
    if (s->distro && s->distro->id) {
        json_t *os = cg_j_obj(j);
        cg_j_str(j, os, "Family", s->distro->id);
        cg_j_str(j, os, "Name", s->distro->version_id ? s->distro->version_id : "");
        cg_j_set(j, m, "OS", os);
    }
    cg_j_str(j, m, "ImageID", im->config_digest);
    if (im->n_layers && im->layers) {
        json_t *d = cg_j_arr(j), *ls = cg_j_arr(j);
        for (size_t i = 0; i < im->n_layers; i++) {
            const cg_layer_info *l = &im->layers[i];
            if (l->diff_id)
                cg_j_pushstr(j, d, l->diff_id);
            json_t *lo = cg_j_obj(j);
            if (l->size >= 0)
                cg_j_set(j, lo, "Size", json_integer(l->size));
            cg_j_str(j, lo, "Digest", l->digest);
            cg_j_str(j, lo, "DiffID", l->diff_id);
            cg_j_push(j, ls, lo);
        }
        cg_j_set(j, m, "DiffIDs", d);
        cg_j_set(j, m, "Layers", ls);
    }
    if (im->name && im->tag) {
        json_t *t = cg_j_arr(j);
        cg_j_pushstr(j, t, cg_arena_sprintf(a, "%s:%s", im->name, im->tag));
        cg_j_set(j, m, "RepoTags", t);
    }
    if (im->name && im->manifest_digest) {
        json_t *t = cg_j_arr(j);
        cg_j_pushstr(j, t, cg_arena_sprintf(a, "%s@%s", im->name, im->manifest_digest));
        cg_j_set(j, m, "RepoDigests", t);
    }
    return m;
}

static json_t *cvss_obj(const cg_finding *f, cg_jctx *j)
{
    json_t *c = cg_j_obj(j);
    for (size_t i = 0; i < f->n_cvss; i++) {
        const cg_finding_cvss *x = &f->cvss[i];
        json_t *o = json_object_get(c, x->source);
        if (!o) {
            o = cg_j_obj(j);
            cg_j_set(j, c, x->source, o);
        }
        const char *vk = x->version == CG_CVSS_V2 ? "V2Vector" : x->version == CG_CVSS_V40 ? "V40Vector" : "V3Vector";
        const char *sk = x->version == CG_CVSS_V2 ? "V2Score" : x->version == CG_CVSS_V40 ? "V40Score" : "V3Score";
        if (json_object_get(o, vk))
            continue; /* v3.1 and v3.0 from one source: cvss[] is sorted, v3.0 first; keep v3.1 */
        cg_j_str(j, o, vk, x->vector);
        set_real(j, o, sk, x->score);
    }
    /* a v3.0 entry listed before a v3.1 one of the same source: prefer v3.1 */
    for (size_t i = 0; i < f->n_cvss; i++) {
        const cg_finding_cvss *x = &f->cvss[i];
        if (x->version != CG_CVSS_V31)
            continue;
        json_t *o = json_object_get(c, x->source);
        cg_j_str(j, o, "V3Vector", x->vector);
        set_real(j, o, "V3Score", x->score);
    }
    return c;
}

static json_t *extras(const cg_finding *f, cg_jctx *j)
{
    json_t *x = cg_j_obj(j);
    cg_j_str(j, x, "advisoryId", f->advisory_id);
    if (f->n_merged)
        cg_j_set(j, x, "mergedIds", str_array(j, f->merged_ids, f->n_merged));
    if (f->adv->n_aliases)
        cg_j_set(j, x, "aliases", str_array(j, f->adv->aliases, f->adv->n_aliases));
    cg_j_str(j, x, "ecosystem", f->ecosystem);
    cg_j_str(j, x, "lookupName", f->lookup_name);
    cg_j_set(j, x, "kev", json_boolean(f->kev));
    cg_j_str(j, x, "kevDateAdded", f->kev_date_added);
    if (f->epss >= 0)
        set_real(j, x, "epss", f->epss);
    if (f->epss_percentile >= 0)
        set_real(j, x, "epssPercentile", f->epss_percentile);
    if (f->score >= 0)
        set_real(j, x, "score", f->score);
    cg_j_str(j, x, "sourceSeverity", f->source_severity);
    cg_j_str(j, x, "note", f->note);
    return x;
}

static json_t *vuln(const cg_report *r, const cg_finding *f, cg_jctx *j, cg_arena *a)
{
    const cg_package *p = f->pkg;
    const cg_report_target *t = &r->targets[f->target];
    json_t *v = cg_j_obj(j);
    cg_j_str(j, v, "VulnerabilityID", f->vuln_id);
    cg_j_str(j, v, "PkgID", cg_arena_sprintf(a, "%s@%s", cg_finding_pkg_name(f), f->installed));
    cg_j_str(j, v, "PkgName", cg_finding_pkg_name(f));
    if (t->class_ == CG_TARGET_LANG)
        cg_j_str(j, v, "PkgPath", cg_report_pkg_path(p));
    json_t *pid = cg_j_obj(j);
    cg_j_str(j, pid, "PURL", p->purl && p->purl[0] ? p->purl : NULL);
    cg_j_set(j, v, "PkgIdentifier", pid);
    cg_j_str(j, v, "InstalledVersion", f->installed);
    cg_j_str(j, v, "FixedVersion", f->fixed);
    cg_j_str(j, v, "Status", cg_finding_status_name(f->status));
    const cg_layer_info *l = cg_report_layer(r, p);
    if (l && (l->digest || l->diff_id)) {
        json_t *lo = cg_j_obj(j);
        cg_j_str(j, lo, "Digest", l->digest);
        cg_j_str(j, lo, "DiffID", l->diff_id);
        cg_j_set(j, v, "Layer", lo);
    }
    cg_j_str(j, v, "SeveritySource", f->severity_source);
    cg_j_str(j, v, "PrimaryURL", f->primary_url);
    json_t *ds = cg_j_obj(j);
    cg_j_str(j, ds, "ID", f->data_source_id);
    cg_j_str(j, ds, "Name", f->data_source_name);
    cg_j_str(j, ds, "URL", f->data_source_url);
    cg_j_set(j, v, "DataSource", ds);
    cg_j_str(j, v, "Title", f->adv->summary);
    cg_j_str(j, v, "Description", f->adv->details);
    cg_j_str(j, v, "Severity", cg_severity_name(f->severity));
    cg_severity vs;
    if (f->source_severity && cg_severity_parse(f->source_severity, &vs) == 0) {
        json_t *vo = cg_j_obj(j);
        cg_j_set(j, vo, f->data_source_id, json_integer((json_int_t)vs));
        cg_j_set(j, v, "VendorSeverity", vo);
    }
    if (f->n_cvss)
        cg_j_set(j, v, "CVSS", cvss_obj(f, j));
    if (f->adv->n_references)
        cg_j_set(j, v, "References", str_array(j, f->adv->references, f->adv->n_references));
    cg_j_str(j, v, "PublishedDate", f->adv->published);
    cg_j_str(j, v, "LastModifiedDate", f->adv->modified);
    cg_j_set(j, v, "cgate", extras(f, j));
    return v;
}

static json_t *report_extras(const cg_report *r, cg_jctx *j)
{
    json_t *x = cg_j_obj(j);
    char ts[21];
    cg_j_str(j, x, "version", CGATE_VERSION);
    if (r->db_built >= 0 && cg_report_rfc3339(r->db_built, ts) == 0)
        cg_j_str(j, x, "dbBuilt", ts);
    cg_j_set(j, x, "packagesMatched", json_integer((json_int_t)r->n_pkgs_matched));
    cg_j_set(j, x, "packagesOwnedByOsPackages", json_integer((json_int_t)r->n_pkgs_owned));
    cg_j_set(j, x, "packagesNotMatchable", json_integer((json_int_t)r->n_pkgs_unsupported));
    cg_j_set(j, x, "findingsFiltered", json_integer((json_int_t)r->n_filtered));
    cg_j_set(j, x, "notes", str_array(j, r->notes, r->n_notes));
    if (r->n_notes_dropped)
        cg_j_set(j, x, "notesDropped", json_integer((json_int_t)r->n_notes_dropped));
    return x;
}

cg_status cg_report_write_json(const cg_report *r, cg_buf *out, cg_error *err)
{
    cg_jctx j = {0};
    cg_arena a;
    cg_arena_init(&a);
    const cg_image_info *im = &r->sbom->image;
    json_t *doc = cg_j_obj(&j);
    char ts[21];
    cg_j_set(&j, doc, "SchemaVersion", json_integer(2));
    if (r->created >= 0 && cg_report_rfc3339(r->created, ts) == 0)
        cg_j_str(&j, doc, "CreatedAt", ts);
    cg_j_str(&j, doc, "ArtifactID", im->config_digest);
    cg_j_str(&j, doc, "ArtifactName", r->artifact_name);
    cg_j_str(&j, doc, "ArtifactType", r->artifact_type);
    cg_j_set(&j, doc, "Metadata", metadata(r, &j, &a));
    json_t *results = cg_j_arr(&j);
    size_t k = 0;
    for (size_t t = 0; t < r->n_targets; t++) {
        const cg_report_target *tg = &r->targets[t];
        json_t *res = cg_j_obj(&j);
        cg_j_str(&j, res, "Target", tg->name);
        cg_j_str(&j, res, "Class", cg_report_target_class_name(tg->class_));
        cg_j_str(&j, res, "Type", tg->type);
        json_t *vs = NULL;
        for (; k < r->n_findings && r->findings[k].target == t; k++) {
            if (!vs)
                vs = cg_j_arr(&j);
            cg_j_push(&j, vs, vuln(r, &r->findings[k], &j, &a));
        }
        if (vs)
            cg_j_set(&j, res, "Vulnerabilities", vs);
        cg_j_push(&j, results, res);
    }
    cg_j_set(&j, doc, "Results", results);
    cg_j_set(&j, doc, "cgate", report_extras(r, &j));
    cg_status st = CG_OK;
    if (j.failed) {
        st = cg_error_set(err, CG_ERR_NOMEM, "writing report: out of memory");
    } else {
        char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
        if (!text)
            st = cg_error_set(err, CG_ERR_NOMEM, "writing report: out of memory");
        else if ((st = cg_buf_puts(out, text)) != CG_OK || (st = cg_buf_putc(out, '\n')) != CG_OK)
            cg_error_set(err, st, "writing report: %s", cg_status_name(st));
        free(text);
    }
    json_decref(doc);
    cg_arena_free(&a);
    return st;
}

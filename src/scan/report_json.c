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

#include "core/rfc3339.h"
#include "core/jwrite.h"
#include "scan/runtime_int.h"
#include "scan/scan_int.h"

static void metadata(const cg_report *r, cg_jw *w, cg_arena *a)
{
    const cg_sbom *s = r->sbom;
    const cg_image_info *im = &s->image;
    cg_jw_key(w, "Metadata");
    cg_jw_open(w, "{");
    if (s->distro && s->distro->id) {
        cg_jw_key(w, "OS");
        cg_jw_open(w, "{");
        cg_jw_kstr(w, "Family", s->distro->id);
        cg_jw_kstr(w, "Name", s->distro->version_id ? s->distro->version_id : "");
        cg_jw_close(w, "}");
    }
    cg_jw_kopt(w, "ImageID", im->config_digest);
    if (im->n_layers && im->layers) {
        cg_jw_key(w, "DiffIDs");
        cg_jw_open(w, "[");
        for (size_t i = 0; i < im->n_layers; i++)
            if (im->layers[i].diff_id) {
                cg_jw_elem(w);
                cg_jw_str(w, im->layers[i].diff_id);
            }
        cg_jw_close(w, "]");
        cg_jw_key(w, "Layers");
        cg_jw_open(w, "[");
        for (size_t i = 0; i < im->n_layers; i++) {
            const cg_layer_info *l = &im->layers[i];
            cg_jw_elem(w);
            cg_jw_open(w, "{");
            if (l->size >= 0)
                cg_jw_kint(w, "Size", (long long)l->size);
            cg_jw_kopt(w, "Digest", l->digest);
            cg_jw_kopt(w, "DiffID", l->diff_id);
            cg_jw_close(w, "}");
        }
        cg_jw_close(w, "]");
    }
    if (im->name && im->tag) {
        const char *t = cg_arena_sprintf(a, "%s:%s", im->name, im->tag);
        cg_jw_kstrs(w, "RepoTags", &t, 1, 0);
    }
    if (im->name && im->manifest_digest) {
        const char *t = cg_arena_sprintf(a, "%s@%s", im->name, im->manifest_digest);
        cg_jw_kstrs(w, "RepoDigests", &t, 1, 0);
    }
    cg_jw_close(w, "}");
}

/* Vector kinds of a CVSS object, in Trivy's member names. */
enum { K_V2, K_V3, K_V40, K_COUNT };
static int cvss_kind(cg_cvss_version v)
{
    return v == CG_CVSS_V2 ? K_V2 : v == CG_CVSS_V40 ? K_V40 : K_V3;
}

/* "CVSS": one object per source (in order of first appearance), each with
 * its vectors and scores in order of first appearance; for v3 the last
 * v3.1 entry of the source wins over v3.0 (cvss[] lists v3.0 first). */
static void cvss_obj(const cg_finding *f, cg_jw *w)
{
    static const char *const vk[K_COUNT] = {"V2Vector", "V3Vector", "V40Vector"};
    static const char *const sk[K_COUNT] = {"V2Score", "V3Score", "V40Score"};
    cg_jw_key(w, "CVSS");
    cg_jw_open(w, "{");
    for (size_t i = 0; i < f->v->n_cvss; i++) {
        const char *src = f->v->cvss[i].source;
        int seen = 0;
        for (size_t k = 0; k < i && !seen; k++)
            seen = !strcmp(f->v->cvss[k].source, src);
        if (seen)
            continue;
        /* the entry each kind prints, and the kinds in first-appearance order */
        const cg_finding_cvss *pick[K_COUNT] = {NULL, NULL, NULL};
        int order[K_COUNT], n_order = 0;
        for (size_t k = i; k < f->v->n_cvss; k++) {
            const cg_finding_cvss *x = &f->v->cvss[k];
            if (strcmp(x->source, src))
                continue;
            int kind = cvss_kind(x->version);
            if (!pick[kind])
                order[n_order++] = kind;
            if (!pick[kind] || x->version == CG_CVSS_V31)
                pick[kind] = x;
        }
        cg_jw_key(w, src);
        cg_jw_open(w, "{");
        for (int o = 0; o < n_order; o++) {
            cg_jw_kopt(w, vk[order[o]], pick[order[o]]->vector);
            const cg_finding_cvss *x = pick[order[o]];
            cg_jw_kreal(w, sk[order[o]], x->score);
            /* v4.0 with threat/environmental metrics: V40Score is the whole
             * vector's (as FIRST's calculator shows it); say which and give
             * the base score beside it.  CVSS-B vectors print as before. */
            if (x->nomenclature && strcmp(x->nomenclature, "CVSS-B") != 0) {
                cg_jw_kstr(w, "V40Nomenclature", x->nomenclature);
                cg_jw_kreal(w, "V40BaseScore", x->base_score);
            }
        }
        cg_jw_close(w, "}");
    }
    cg_jw_close(w, "}");
}

static void extras(const cg_report *r, const cg_finding *f, cg_jw *w)
{
    cg_jw_key(w, "cgate");
    cg_jw_open(w, "{");
    cg_jw_kopt(w, "advisoryId", f->v->advisory_id);
    if (f->n_merged)
        cg_jw_kstrs(w, "mergedIds", f->merged_ids, f->n_merged, 1);
    if (f->v->adv->n_aliases)
        cg_jw_kstrs(w, "aliases", f->v->adv->aliases, f->v->adv->n_aliases, 1);
    cg_jw_kopt(w, "ecosystem", f->v->ecosystem);
    cg_jw_kopt(w, "lookupName", f->lookup_name);
    cg_jw_kbool(w, "kev", f->v->kev);
    cg_jw_kopt(w, "kevDateAdded", f->v->kev_date_added);
    if (f->v->epss >= 0)
        cg_jw_kreal(w, "epss", f->v->epss);
    if (f->v->epss_percentile >= 0)
        cg_jw_kreal(w, "epssPercentile", f->v->epss_percentile);
    if (f->v->score >= 0)
        cg_jw_kreal(w, "score", f->v->score);
    cg_jw_kopt(w, "sourceSeverity", f->v->source_severity);
    cg_jw_kopt(w, "note", f->note);
    cg_runtime_write_finding(r->runtime, f->pkg_index, w);
    cg_jw_close(w, "}");
}

static void vuln(const cg_report *r, const cg_finding *f, cg_jw *w, cg_arena *a)
{
    const cg_package *p = f->pkg;
    const cg_report_target *t = &r->targets[f->target];
    cg_jw_elem(w);
    cg_jw_open(w, "{");
    cg_jw_kopt(w, "VulnerabilityID", f->v->vuln_id);
    cg_jw_kopt(w, "PkgID", cg_arena_sprintf(a, "%s@%s", cg_finding_pkg_name(f), f->installed));
    cg_jw_kopt(w, "PkgName", cg_finding_pkg_name(f));
    if (t->class_ == CG_TARGET_LANG)
        cg_jw_kopt(w, "PkgPath", cg_report_pkg_path(p));
    cg_jw_key(w, "PkgIdentifier");
    cg_jw_open(w, "{");
    cg_jw_kopt(w, "PURL", p->purl && p->purl[0] ? p->purl : NULL);
    cg_jw_close(w, "}");
    cg_jw_kopt(w, "InstalledVersion", f->installed);
    cg_jw_kopt(w, "FixedVersion", f->fixed);
    cg_jw_kopt(w, "Status", cg_finding_status_name(f->status));
    const cg_layer_info *l = cg_report_layer(r, p);
    if (l && (l->digest || l->diff_id)) {
        cg_jw_key(w, "Layer");
        cg_jw_open(w, "{");
        cg_jw_kopt(w, "Digest", l->digest);
        cg_jw_kopt(w, "DiffID", l->diff_id);
        cg_jw_close(w, "}");
    }
    cg_jw_kopt(w, "SeveritySource", f->v->severity_source);
    cg_jw_kopt(w, "PrimaryURL", f->v->primary_url);
    cg_jw_key(w, "DataSource");
    cg_jw_open(w, "{");
    cg_jw_kopt(w, "ID", f->v->data_source_id);
    cg_jw_kopt(w, "Name", f->v->data_source_name);
    cg_jw_kopt(w, "URL", f->v->data_source_url);
    cg_jw_close(w, "}");
    cg_jw_kopt(w, "Title", f->v->adv->summary);
    cg_jw_kopt(w, "Description", f->v->adv->details);
    cg_jw_kopt(w, "Severity", cg_severity_name(f->v->severity));
    cg_severity vs;
    if (f->v->source_severity && f->v->data_source_id && cg_severity_parse(f->v->source_severity, &vs) == 0) {
        cg_jw_key(w, "VendorSeverity");
        cg_jw_open(w, "{");
        cg_jw_kint(w, f->v->data_source_id, (long long)vs);
        cg_jw_close(w, "}");
    }
    if (f->v->n_cvss)
        cvss_obj(f, w);
    if (f->v->adv->n_references)
        cg_jw_kstrs(w, "References", f->v->adv->references, f->v->adv->n_references, 1);
    cg_jw_kopt(w, "PublishedDate", f->v->adv->published);
    cg_jw_kopt(w, "LastModifiedDate", f->v->adv->modified);
    extras(r, f, w);
    cg_jw_close(w, "}");
}

static void report_extras(const cg_report *r, cg_jw *w)
{
    char ts[21];
    cg_jw_key(w, "cgate");
    cg_jw_open(w, "{");
    cg_jw_kstr(w, "version", CGATE_VERSION);
    if (r->db_built >= 0 && cg_rfc3339_format(r->db_built, ts) == 0)
        cg_jw_kstr(w, "dbBuilt", ts);
    cg_jw_kint(w, "packages", (long long)r->sbom->n_pkgs);
    if (r->sbom->nothing_recognised || (!r->sbom->n_pkgs && !r->sbom->distro))
        cg_jw_kstr(w, "inventory", "empty");
    /* the DB's age at CreatedAt (written only when the time is given, so
     * the same inputs give the same bytes), and the limit it was held to */
    if (r->db_built >= 0 && r->created >= 0)
        cg_jw_kint(w, "dbAgeSeconds", (long long)(r->created - r->db_built));
    if (r->db_max_age > 0) {
        cg_jw_kint(w, "dbMaxAgeSeconds", (long long)r->db_max_age);
        cg_jw_kbool(w, "dbStale", r->db_stale);
    }
    cg_jw_kint(w, "packagesMatched", (long long)r->n_pkgs_matched);
    cg_jw_kint(w, "packagesOwnedByOsPackages", (long long)r->n_pkgs_owned);
    cg_jw_kint(w, "packagesNotMatchable", (long long)r->n_pkgs_unsupported);
    cg_jw_kint(w, "findingsFiltered", (long long)r->n_filtered);
    cg_jw_kstrs(w, "notes", r->notes, r->n_notes, 1);
    if (r->n_notes_dropped)
        cg_jw_kint(w, "notesDropped", (long long)r->n_notes_dropped);
    cg_runtime_write_summary(r->runtime, w);
    cg_jw_close(w, "}");
}

cg_status cg_report_write_json(const cg_report *r, cg_buf *out, cg_error *err)
{
    return cg_report_write_json_sink(r, out, NULL, NULL, err);
}

cg_status cg_report_write_json_sink(const cg_report *r, cg_buf *out, cg_sink_fn sink, void *sink_ud, cg_error *err)
{
    cg_arena a;
    cg_arena_init(&a);
    const cg_image_info *im = &r->sbom->image;
    cg_jw w;
    if (sink) /* streamed: out is a window, memory does not grow with the findings */
        cg_jw_init_sink(&w, out, sink, sink_ud, err);
    else
        cg_jw_init(&w, out);
    char ts[21];
    cg_jw_open(&w, "{");
    cg_jw_kint(&w, "SchemaVersion", 2);
    if (r->created >= 0 && cg_rfc3339_format(r->created, ts) == 0)
        cg_jw_kstr(&w, "CreatedAt", ts);
    cg_jw_kopt(&w, "ArtifactID", im->config_digest);
    cg_jw_kopt(&w, "ArtifactName", r->artifact_name);
    cg_jw_kopt(&w, "ArtifactType", r->artifact_type);
    metadata(r, &w, &a);
    cg_jw_key(&w, "Results");
    cg_jw_open(&w, "[");
    size_t k = 0;
    for (size_t t = 0; t < r->n_targets; t++) {
        const cg_report_target *tg = &r->targets[t];
        cg_jw_elem(&w);
        cg_jw_open(&w, "{");
        cg_jw_kopt(&w, "Target", tg->name);
        cg_jw_kopt(&w, "Class", cg_report_target_class_name(tg->class_));
        cg_jw_kopt(&w, "Type", tg->type);
        if (k < r->n_findings && r->findings[k].target == t) {
            cg_jw_key(&w, "Vulnerabilities");
            cg_jw_open(&w, "[");
            for (; k < r->n_findings && r->findings[k].target == t; k++) {
                if (a.used_total > 32768) /* per-finding strings: memory does not grow with them */
                    cg_arena_free(&a);
                vuln(r, &r->findings[k], &w, &a);
            }
            cg_jw_close(&w, "]");
        }
        cg_jw_close(&w, "}");
    }
    if (r->extra)
        cg_findings_json_results(r->extra, &w);
    cg_jw_close(&w, "]");
    report_extras(r, &w);
    cg_jw_close(&w, "}");
    cg_jw_raw(&w, "\n");
    cg_jw_flush(&w);
    cg_arena_free(&a);
    if (w.st != CG_OK && sink && w.st != CG_ERR_NOMEM)
        return w.st; /* the sink said why */
    if (w.st != CG_OK)
        return cg_error_set(err, w.st, "writing report: %s", cg_status_name(w.st));
    return CG_OK;
}

/*
 * report_cdx.c - the report as the image's CycloneDX 1.6 SBOM (written by
 * src/sbom, so components and bom-refs are exactly `cgate sbom`'s) plus a
 * "vulnerabilities" array: one entry per vulnerability id (sorted), with its
 * source, aliases as references, ratings (score, severity, method, vector for
 * every CVSS vector; the source's own label as a rating without score),
 * affects[] pointing at the packages' bom-refs, and the fixed versions as a
 * recommendation.  KEV and EPSS are properties ("cgate:kev", "cgate:epss").
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/jwrite.h"
#include "sbom/writers.h" /* cg_sbom_write_cyclonedx_ext */
#include "scan/scan_int.h"

typedef struct cdx_ctx {
    const cg_report *r;
    const cg_finding **sorted; /* [n_findings] by vuln id, then package */
} cdx_ctx;

static const char *method_of(cg_cvss_version v)
{
    switch (v) {
    case CG_CVSS_V2: return "CVSSv2";
    case CG_CVSS_V30: return "CVSSv3";
    case CG_CVSS_V31: return "CVSSv31";
    default: return "CVSSv4";
    }
}

static const char *cdx_sev(cg_severity s)
{
    static const char *const n[CG_SEV_COUNT] = {"unknown", "low", "medium", "high", "critical"};
    return (unsigned)s < CG_SEV_COUNT ? n[s] : "unknown";
}

/* RFC 3339 date-time as JSON Schema's "date-time" wants it; records that
 * spell dates otherwise lose the field rather than make the document invalid. */
static int is_datetime(const char *s)
{
    if (!s)
        return 0;
    const char *pat = "dddd-dd-ddTdd:dd:dd";
    size_t i = 0;
    for (; pat[i]; i++) {
        if (pat[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != pat[i])
            return 0;
    }
    s += i;
    if (*s == '.') {
        s++;
        if (!isdigit((unsigned char)*s))
            return 0;
        while (isdigit((unsigned char)*s))
            s++;
    }
    if (!strcmp(s, "Z"))
        return 1;
    return (s[0] == '+' || s[0] == '-') && isdigit((unsigned char)s[1]) && isdigit((unsigned char)s[2]) &&
           s[3] == ':' && isdigit((unsigned char)s[4]) && isdigit((unsigned char)s[5]) && !s[6];
}

static void source_obj(cg_jw *w, const char *name, const char *url)
{
    cg_jw_key(w, "source");
    cg_jw_open(w, "{");
    cg_jw_kopt(w, "name", name);
    cg_jw_kopt(w, "url", url);
    cg_jw_close(w, "}");
}

static void add_prop(cg_jw *w, const char *name, const char *value)
{
    cg_jw_elem(w);
    cg_jw_open(w, "{");
    cg_jw_kopt(w, "name", name);
    cg_jw_kopt(w, "value", value);
    cg_jw_close(w, "}");
}

static int alias_listed(const cg_finding *f, const char *alias)
{
    return alias && strcmp(alias, f->v->vuln_id) != 0 && strcmp(alias, f->v->advisory_id) != 0;
}

/* The findings fs[0 .. n) share a vuln_id (the caller groups them); their
 * strings go to the scratch arena a, which the caller empties after. */
static void vuln_entry(cg_arena *a, const cg_finding *const *fs, size_t n, const char *const *refs, cg_jw *w,
                       int *failed)
{
    const cg_finding *f = fs[0];
    const cg_vdb_advisory *adv = f->v->adv;
    cg_jw_open(w, "{");
    const char *bref = cg_arena_sprintf(a, "vulnerability:%s", f->v->vuln_id);
    if (!bref)
        *failed = 1;
    cg_jw_kopt(w, "bom-ref", bref);
    cg_jw_kopt(w, "id", f->v->vuln_id);
    source_obj(w, f->v->data_source_name, f->v->primary_url);
    int own_ref = strcmp(f->v->vuln_id, f->v->advisory_id) != 0, any_ref = own_ref;
    for (size_t i = 0; i < adv->n_aliases && !any_ref; i++)
        any_ref = alias_listed(f, adv->aliases[i]);
    if (any_ref) {
        cg_jw_key(w, "references");
        cg_jw_open(w, "[");
        if (own_ref) {
            cg_jw_elem(w);
            cg_jw_open(w, "{");
            cg_jw_kopt(w, "id", f->v->advisory_id);
            source_obj(w, f->v->data_source_name, f->v->data_source_url);
            cg_jw_close(w, "}");
        }
        for (size_t i = 0; i < adv->n_aliases; i++) {
            if (!alias_listed(f, adv->aliases[i]))
                continue;
            const char *url = cg_arena_sprintf(a, "https://osv.dev/vulnerability/%s", adv->aliases[i]);
            if (!url)
                *failed = 1;
            cg_jw_elem(w);
            cg_jw_open(w, "{");
            cg_jw_kopt(w, "id", adv->aliases[i]);
            source_obj(w, "OSV", url);
            cg_jw_close(w, "}");
        }
        cg_jw_close(w, "]");
    }
    cg_severity ls;
    int label_rating = f->v->source_severity && cg_severity_parse(f->v->source_severity, &ls) == 0;
    if (f->v->n_cvss || label_rating) {
        cg_jw_key(w, "ratings");
        cg_jw_open(w, "[");
        for (size_t i = 0; i < f->v->n_cvss; i++) {
            const cg_finding_cvss *x = &f->v->cvss[i];
            cg_jw_elem(w);
            cg_jw_open(w, "{");
            cg_jw_key(w, "source");
            cg_jw_open(w, "{");
            cg_jw_kopt(w, "name", x->source);
            cg_jw_close(w, "}");
            cg_jw_key(w, "score");
            cg_jw_real_prec(w, x->score, 17); /* as jansson wrote json_real() */
            cg_severity sv = CG_SEV_UNKNOWN;
            const char *label = cg_cvss_severity_for(x->version, x->score);
            (void)cg_severity_parse(label, &sv);
            cg_jw_kopt(w, "severity", !strcmp(label, "NONE") ? "none" : cdx_sev(sv));
            cg_jw_kopt(w, "method", method_of(x->version));
            cg_jw_kopt(w, "vector", x->vector);
            cg_jw_close(w, "}");
        }
        if (label_rating) {
            cg_jw_elem(w);
            cg_jw_open(w, "{");
            cg_jw_key(w, "source");
            cg_jw_open(w, "{");
            cg_jw_kopt(w, "name", f->v->data_source_id);
            cg_jw_close(w, "}");
            cg_jw_kopt(w, "severity", cdx_sev(ls));
            cg_jw_kopt(w, "method", "other");
            cg_jw_close(w, "}");
        }
        cg_jw_close(w, "]");
    }
    cg_jw_kopt(w, "description", adv->summary);
    cg_jw_kopt(w, "detail", adv->details);
    cg_buf rec = CG_BUF_INIT;
    for (size_t i = 0; i < n; i++)
        if (fs[i]->fixed && cg_buf_printf(&rec, "%sUpgrade %s to version %s", rec.len ? "; " : "",
                                          cg_finding_pkg_name(fs[i]), fs[i]->fixed) != CG_OK)
            *failed = 1;
    if (rec.len)
        cg_jw_kopt(w, "recommendation", cg_buf_str(&rec));
    cg_buf_free(&rec);
    if (adv->n_references) {
        cg_jw_key(w, "advisories");
        cg_jw_open(w, "[");
        for (size_t i = 0; i < adv->n_references; i++) {
            if (!adv->references[i])
                continue;
            cg_jw_elem(w);
            cg_jw_open(w, "{");
            cg_jw_kopt(w, "url", adv->references[i]);
            cg_jw_close(w, "}");
        }
        cg_jw_close(w, "]");
    }
    if (is_datetime(adv->published))
        cg_jw_kopt(w, "published", adv->published);
    if (is_datetime(adv->modified))
        cg_jw_kopt(w, "updated", adv->modified);
    cg_jw_key(w, "affects");
    cg_jw_open(w, "[");
    for (size_t i = 0; i < n; i++) {
        if (i && fs[i]->pkg_index == fs[i - 1]->pkg_index)
            continue;
        cg_jw_elem(w);
        cg_jw_open(w, "{");
        cg_jw_kopt(w, "ref", refs[fs[i]->pkg_index]);
        cg_jw_key(w, "versions");
        cg_jw_open(w, "[");
        cg_jw_elem(w);
        cg_jw_open(w, "{");
        cg_jw_kopt(w, "version", fs[i]->installed);
        cg_jw_kopt(w, "status", fs[i]->status == CG_FIND_UNKNOWN ? "unknown" : "affected");
        cg_jw_close(w, "}");
        cg_jw_close(w, "]");
        cg_jw_close(w, "}");
    }
    cg_jw_close(w, "]");
    cg_jw_key(w, "properties");
    cg_jw_open(w, "[");
    add_prop(w, "cgate:kev", f->v->kev ? "true" : "false");
    if (f->v->kev_date_added)
        add_prop(w, "cgate:kev:date-added", f->v->kev_date_added);
    const char *t;
    if (f->v->epss >= 0) {
        if (!(t = cg_arena_sprintf(a, "%.5f", f->v->epss)))
            *failed = 1;
        add_prop(w, "cgate:epss", t);
    }
    if (f->v->epss_percentile >= 0) {
        if (!(t = cg_arena_sprintf(a, "%.5f", f->v->epss_percentile)))
            *failed = 1;
        add_prop(w, "cgate:epss:percentile", t);
    }
    add_prop(w, "cgate:severity", cg_severity_name(f->v->severity));
    for (size_t i = 0; i < n; i++) {
        if (!(t = cg_arena_sprintf(a, "%s@%s: %s", cg_finding_pkg_name(fs[i]), fs[i]->installed,
                                   cg_finding_status_name(fs[i]->status))))
            *failed = 1;
        add_prop(w, "cgate:status", t);
        if (fs[i]->note)
            add_prop(w, "cgate:note", fs[i]->note);
    }
    cg_jw_close(w, "]");
    cg_jw_close(w, "}");
}

static int by_vuln(const void *pa, const void *pb)
{
    const cg_finding *a = *(const cg_finding *const *)pa, *b = *(const cg_finding *const *)pb;
    int c = strcmp(a->v->vuln_id, b->v->vuln_id);
    if (c)
        return c;
    return a->pkg_index < b->pkg_index ? -1 : a->pkg_index > b->pkg_index;
}

/* The findings sorted by vuln id once (the writer calls vulns() twice);
 * each entry's strings in a scratch arena emptied after it. */
static void vulns(void *ud, const char *const *refs, cg_jw *w, int *failed)
{
    cdx_ctx *c = ud;
    const cg_finding **fs = c->sorted;
    size_t nf = c->r->n_findings;
    cg_arena scratch;
    cg_arena_init(&scratch);
    cg_jw_open(w, "[");
    for (size_t b = 0, e; b < nf && w->st == CG_OK && !*failed; b = e) {
        for (e = b + 1; e < nf && !strcmp(fs[e]->v->vuln_id, fs[b]->v->vuln_id); e++)
            ;
        cg_jw_elem(w);
        vuln_entry(&scratch, fs + b, e - b, refs, w, failed);
        cg_arena_free(&scratch);
    }
    cg_jw_close(w, "]");
    cg_arena_free(&scratch);
}

static cg_status cdx_prepare(cdx_ctx *c, const cg_report *r, cg_error *err)
{
    c->r = r;
    c->sorted = calloc(r->n_findings + 1, sizeof *c->sorted);
    if (!c->sorted)
        return cg_error_set(err, CG_ERR_NOMEM, "writing CycloneDX: out of memory");
    for (size_t i = 0; i < r->n_findings; i++)
        c->sorted[i] = &r->findings[i];
    if (r->n_findings > 1)
        qsort(c->sorted, r->n_findings, sizeof *c->sorted, by_vuln);
    return CG_OK;
}

cg_status cg_report_write_cdx(const cg_report *r, cg_buf *out, cg_error *err)
{
    cdx_ctx c;
    cg_status st = cdx_prepare(&c, r, err);
    if (st == CG_OK)
        st = cg_sbom_write_cyclonedx_ext(r->sbom, vulns, &c, out, err);
    free(c.sorted);
    return st;
}

cg_status cg_report_write_cdx_stream(const cg_report *r, cg_sink_fn sink, void *sink_ud, cg_error *err)
{
    cdx_ctx c;
    cg_status st = cdx_prepare(&c, r, err);
    if (st == CG_OK)
        st = cg_sbom_write_cyclonedx_ext_stream(r->sbom, vulns, &c, sink, sink_ud, err);
    free(c.sorted);
    return st;
}

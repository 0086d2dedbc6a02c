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

#include "core/jbuild.h"
#include "sbom/writers.h" /* cg_sbom_write_cyclonedx_ext */
#include "scan/scan_int.h"

typedef struct cdx_ctx {
    const cg_report *r;
    cg_arena a;
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

static json_t *source_obj(cg_jctx *j, const char *name, const char *url)
{
    json_t *o = cg_j_obj(j);
    cg_j_str(j, o, "name", name);
    cg_j_str(j, o, "url", url);
    return o;
}

static void add_prop(cg_jctx *j, json_t *props, const char *name, const char *value)
{
    json_t *p = cg_j_obj(j);
    cg_j_str(j, p, "name", name);
    cg_j_str(j, p, "value", value);
    cg_j_push(j, props, p);
}

/* The findings [b, e) share a vuln_id (the caller groups them). */
static json_t *vuln_entry(cdx_ctx *c, const cg_finding *const *fs, size_t n, const char *const *refs, cg_jctx *j)
{
    const cg_finding *f = fs[0];
    const cg_vdb_advisory *adv = f->v->adv;
    cg_arena *a = &c->a;
    json_t *v = cg_j_obj(j);
    cg_j_str(j, v, "bom-ref", cg_arena_sprintf(a, "vulnerability:%s", f->v->vuln_id));
    cg_j_str(j, v, "id", f->v->vuln_id);
    cg_j_set(j, v, "source", source_obj(j, f->v->data_source_name, f->v->primary_url));
    json_t *refsarr = cg_j_arr(j);
    if (strcmp(f->v->vuln_id, f->v->advisory_id) != 0) {
        json_t *r = cg_j_obj(j);
        cg_j_str(j, r, "id", f->v->advisory_id);
        cg_j_set(j, r, "source", source_obj(j, f->v->data_source_name, f->v->data_source_url));
        cg_j_push(j, refsarr, r);
    }
    for (size_t i = 0; i < adv->n_aliases; i++) {
        if (!adv->aliases[i] || !strcmp(adv->aliases[i], f->v->vuln_id) || !strcmp(adv->aliases[i], f->v->advisory_id))
            continue;
        json_t *r = cg_j_obj(j);
        cg_j_str(j, r, "id", adv->aliases[i]);
        cg_j_set(j, r, "source", source_obj(j, "OSV", cg_arena_sprintf(a, "https://osv.dev/vulnerability/%s",
                                                                       adv->aliases[i])));
        cg_j_push(j, refsarr, r);
    }
    if (json_array_size(refsarr))
        cg_j_set(j, v, "references", refsarr);
    else
        json_decref(refsarr);
    json_t *ratings = cg_j_arr(j);
    for (size_t i = 0; i < f->v->n_cvss; i++) {
        const cg_finding_cvss *x = &f->v->cvss[i];
        json_t *rt = cg_j_obj(j), *src = cg_j_obj(j);
        cg_j_str(j, src, "name", x->source);
        cg_j_set(j, rt, "source", src);
        cg_j_set(j, rt, "score", json_real(x->score));
        cg_severity sv = CG_SEV_UNKNOWN;
        const char *label = cg_cvss_severity_for(x->version, x->score);
        (void)cg_severity_parse(label, &sv);
        cg_j_str(j, rt, "severity", !strcmp(label, "NONE") ? "none" : cdx_sev(sv));
        cg_j_str(j, rt, "method", method_of(x->version));
        cg_j_str(j, rt, "vector", x->vector);
        cg_j_push(j, ratings, rt);
    }
    cg_severity ls;
    if (f->v->source_severity && cg_severity_parse(f->v->source_severity, &ls) == 0) {
        json_t *rt = cg_j_obj(j), *src = cg_j_obj(j);
        cg_j_str(j, src, "name", f->v->data_source_id);
        cg_j_set(j, rt, "source", src);
        cg_j_str(j, rt, "severity", cdx_sev(ls));
        cg_j_str(j, rt, "method", "other");
        cg_j_push(j, ratings, rt);
    }
    if (json_array_size(ratings))
        cg_j_set(j, v, "ratings", ratings);
    else
        json_decref(ratings);
    cg_j_str(j, v, "description", adv->summary);
    cg_j_str(j, v, "detail", adv->details);
    cg_buf rec = CG_BUF_INIT;
    for (size_t i = 0; i < n; i++)
        if (fs[i]->fixed)
            (void)cg_buf_printf(&rec, "%sUpgrade %s to version %s", rec.len ? "; " : "", cg_finding_pkg_name(fs[i]), fs[i]->fixed);
    if (rec.len)
        cg_j_str(j, v, "recommendation", cg_buf_str(&rec));
    cg_buf_free(&rec);
    if (adv->n_references) {
        json_t *ads = cg_j_arr(j);
        for (size_t i = 0; i < adv->n_references; i++) {
            if (!adv->references[i])
                continue;
            json_t *o = cg_j_obj(j);
            cg_j_str(j, o, "url", adv->references[i]);
            cg_j_push(j, ads, o);
        }
        cg_j_set(j, v, "advisories", ads);
    }
    if (is_datetime(adv->published))
        cg_j_str(j, v, "published", adv->published);
    if (is_datetime(adv->modified))
        cg_j_str(j, v, "updated", adv->modified);
    json_t *affects = cg_j_arr(j);
    for (size_t i = 0; i < n; i++) {
        if (i && fs[i]->pkg_index == fs[i - 1]->pkg_index)
            continue;
        json_t *af = cg_j_obj(j), *vers = cg_j_arr(j), *ver = cg_j_obj(j);
        cg_j_str(j, af, "ref", refs[fs[i]->pkg_index]);
        cg_j_str(j, ver, "version", fs[i]->installed);
        cg_j_str(j, ver, "status", fs[i]->status == CG_FIND_UNKNOWN ? "unknown" : "affected");
        cg_j_push(j, vers, ver);
        cg_j_set(j, af, "versions", vers);
        cg_j_push(j, affects, af);
    }
    cg_j_set(j, v, "affects", affects);
    json_t *props = cg_j_arr(j);
    add_prop(j, props, "cgate:kev", f->v->kev ? "true" : "false");
    if (f->v->kev_date_added)
        add_prop(j, props, "cgate:kev:date-added", f->v->kev_date_added);
    if (f->v->epss >= 0)
        add_prop(j, props, "cgate:epss", cg_arena_sprintf(a, "%.5f", f->v->epss));
    if (f->v->epss_percentile >= 0)
        add_prop(j, props, "cgate:epss:percentile", cg_arena_sprintf(a, "%.5f", f->v->epss_percentile));
    add_prop(j, props, "cgate:severity", cg_severity_name(f->v->severity));
    for (size_t i = 0; i < n; i++) {
        add_prop(j, props, "cgate:status",
                 cg_arena_sprintf(a, "%s@%s: %s", cg_finding_pkg_name(fs[i]), fs[i]->installed,
                                  cg_finding_status_name(fs[i]->status)));
        if (fs[i]->note)
            add_prop(j, props, "cgate:note", fs[i]->note);
    }
    cg_j_set(j, v, "properties", props);
    return v;
}

static int by_vuln(const void *pa, const void *pb)
{
    const cg_finding *a = *(const cg_finding *const *)pa, *b = *(const cg_finding *const *)pb;
    int c = strcmp(a->v->vuln_id, b->v->vuln_id);
    if (c)
        return c;
    return a->pkg_index < b->pkg_index ? -1 : a->pkg_index > b->pkg_index;
}

static json_t *vulns(void *ud, const char *const *refs, cg_jctx *j)
{
    cdx_ctx *c = ud;
    const cg_report *r = c->r;
    const cg_finding **fs = cg_arena_calloc(&c->a, r->n_findings + 1, sizeof *fs);
    if (!fs) {
        j->failed = 1;
        return NULL;
    }
    for (size_t i = 0; i < r->n_findings; i++)
        fs[i] = &r->findings[i];
    if (r->n_findings > 1)
        qsort(fs, r->n_findings, sizeof *fs, by_vuln);
    json_t *arr = cg_j_arr(j);
    for (size_t b = 0, e; b < r->n_findings; b = e) {
        for (e = b + 1; e < r->n_findings && !strcmp(fs[e]->v->vuln_id, fs[b]->v->vuln_id); e++)
            ;
        cg_j_push(j, arr, vuln_entry(c, fs + b, e - b, refs, j));
    }
    return arr;
}

cg_status cg_report_write_cdx(const cg_report *r, cg_buf *out, cg_error *err)
{
    cdx_ctx c = {r, {0}};
    cg_arena_init(&c.a);
    cg_status st = cg_sbom_write_cyclonedx_ext(r->sbom, vulns, &c, out, err);
    cg_arena_free(&c.a);
    return st;
}

cg_status cg_report_write_cdx_stream(const cg_report *r, cg_sink_fn sink, void *sink_ud, cg_error *err)
{
    cdx_ctx c = {r, {0}};
    cg_arena_init(&c.a);
    cg_status st = cg_sbom_write_cyclonedx_ext_stream(r->sbom, vulns, &c, sink, sink_ud, err);
    cg_arena_free(&c.a);
    return st;
}

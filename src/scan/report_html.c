/*
 * report_html.c - `cgate scan -f html`: the report as one self-contained web
 * page (core/html.c lays it out): what was scanned, summary charts (severity,
 * fixable share, per layer, per package), every finding in a sortable and
 * filterable table (loaded packages first when runtime evidence was given),
 * then secrets, misconfigurations and notes.  Same report, same bytes.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cgate/runtime.h"
#include "core/html.h"
#include "core/oom.h"
#include "scan/scan_int.h"

/* The first 12 hex digits of a digest, without its "sha256:". */
static const char *short_digest(cg_arena *a, const char *d)
{
    const char *h = strchr(d, ':');
    return cg_arena_sprintf(a, "%.12s", h ? h + 1 : d);
}

static const char *layer_label(const cg_report *r, const cg_package *p, cg_arena *a)
{
    const cg_layer_info *l = cg_report_layer(r, p);
    if (!l)
        return NULL;
    const char *d = l->diff_id ? l->diff_id : l->digest;
    return d ? cg_arena_sprintf(a, "%d: %s", p->layer, short_digest(a, d)) : cg_arena_sprintf(a, "%d", p->layer);
}

static const char *iso(cg_arena *a, int64_t t)
{
    if (t < 0)
        return NULL;
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm))
        return NULL;
    return cg_arena_sprintf(a, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                            tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void extras(const cg_findings *x, cg_buf *b)
{
    static const char *const sev[5] = {"UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"};
    if (x->n_sec) {
        cg_buf_printf(b, "<h2>Secrets (%zu)</h2>\n<div class=\"tw\"><table><thead><tr><th>Severity</th><th>Rule</th>"
                         "<th>File</th><th>Line</th><th>Layer</th><th>Match (redacted)</th></tr></thead><tbody>\n",
                      x->n_sec);
        for (size_t i = 0; i < x->n_sec; i++) {
            const cg_secret *s = &x->sec[i];
            int v = s->severity >= 0 && s->severity < 5 ? s->severity : 0;
            cg_buf_printf(b, "<tr><td><span class=\"sev s%d\">%s</span></td><td class=\"id\">", v, sev[v]);
            cg_html_esc(b, s->rule_id);
            cg_buf_puts(b, "</td><td class=\"pkg\">");
            cg_html_esc(b, s->target);
            cg_buf_printf(b, "</td><td>%d</td><td>%d</td><td class=\"pkg\">", s->start_line, s->layer);
            cg_html_esc(b, s->match);
            cg_buf_puts(b, "</td></tr>\n");
        }
        cg_buf_puts(b, "</tbody></table></div>\n");
    }
    if (x->n_mis) {
        cg_buf_printf(b, "<h2>Misconfigurations (%zu)</h2>\n<div class=\"tw\"><table><thead><tr><th>Severity</th>"
                         "<th>Check</th><th>Target</th><th>Line</th><th>Title</th><th>Resolution</th></tr></thead>"
                         "<tbody>\n",
                      x->n_mis);
        for (size_t i = 0; i < x->n_mis; i++) {
            const cg_misconfig *m = &x->mis[i];
            int v = m->severity >= 0 && m->severity < 5 ? m->severity : 0;
            cg_buf_printf(b, "<tr><td><span class=\"sev s%d\">%s</span></td><td class=\"id\">", v, sev[v]);
            cg_html_esc(b, m->id);
            cg_buf_puts(b, "</td><td class=\"pkg\">");
            cg_html_esc(b, m->target);
            cg_buf_printf(b, "</td><td>%d</td><td>", m->start_line);
            cg_html_esc(b, m->message ? m->message : m->title);
            cg_buf_puts(b, "</td><td>");
            cg_html_esc(b, m->resolution);
            cg_buf_puts(b, "</td></tr>\n");
        }
        cg_buf_puts(b, "</tbody></table></div>\n");
    }
}

cg_status cg_report_write_html(const cg_report *r, cg_buf *out, cg_error *err)
{
    unsigned long oom0 = cg_oom_count();
    cg_arena a;
    cg_arena_init(&a);
    const cg_sbom *s = r->sbom;
    const cg_image_info *im = &s->image;
    const cg_runtime *rt = r->runtime;
    cg_html_row *rows = r->n_findings ? cg_arena_calloc(&a, r->n_findings, sizeof *rows) : NULL;
    if (r->n_findings && !rows) {
        cg_arena_free(&a);
        return cg_error_set(err, CG_ERR_NOMEM, "writing HTML report: out of memory");
    }
    size_t sev[CG_SEV_COUNT] = {0}, n_loaded = 0;
    for (size_t i = 0; i < r->n_findings; i++) {
        const cg_finding *f = &r->findings[i];
        cg_html_row *w = &rows[i];
        w->id = f->v->vuln_id;
        w->pkg = cg_finding_pkg_name(f);
        w->installed = f->installed;
        w->fixed = f->fixed;
        w->status = cg_finding_status_name(f->status);
        w->title = f->v->adv ? f->v->adv->summary : NULL;
        w->url = f->v->primary_url;
        w->target = f->target < r->n_targets ? r->targets[f->target].name : NULL;
        w->layer = layer_label(r, f->pkg, &a);
        w->layer_index = w->layer ? f->pkg->layer : -1;
        w->severity = (int)f->v->severity;
        w->score = f->v->score;
        w->kev = f->v->kev;
        w->epss = f->v->epss;
        w->loaded = rt && f->pkg_index < rt->n_pkgs ? (rt->loaded[f->pkg_index] ? 1 : 0) : -1;
        sev[f->v->severity]++;
        n_loaded += w->loaded == 1;
    }
    cg_html_sort_rows(rows, r->n_findings);

    const char *name = r->artifact_name ? r->artifact_name : "(unnamed)";
    const char *os = s->distro && s->distro->id
                         ? cg_arena_sprintf(&a, "%s %s", s->distro->id, s->distro->version_id ? s->distro->version_id : "")
                         : NULL;
    const char *sub = cg_arena_sprintf(&a, "%zu findings (%zu critical, %zu high) in %zu packages matched%s%s", r->n_findings,
                                       sev[CG_SEV_CRITICAL], sev[CG_SEV_HIGH], r->n_pkgs_matched, os ? " - " : "",
                                       os ? os : "");
    const char *title = cg_arena_sprintf(&a, "Vulnerability report: %s", name);
    cg_html_begin(out, title, sub);

    cg_buf_puts(out, "<h2>Scanned</h2>\n<div class=\"card\">");
    const char *plat = im->os ? cg_arena_sprintf(&a, "%s/%s%s%s", im->os, im->architecture ? im->architecture : "",
                                                 im->variant ? "/" : "", im->variant ? im->variant : "")
                              : NULL;
    const char *facts[] = {
        "Image", name,
        "Type", r->artifact_type,
        "Manifest digest", im->manifest_digest,
        "Config digest (image ID)", im->config_digest,
        "Platform", plat,
        "Operating system", os,
        "Layers", im->n_layers ? cg_arena_sprintf(&a, "%zu", im->n_layers) : NULL,
        "Packages", cg_arena_sprintf(&a, "%zu in the SBOM, %zu matched against advisories", s->n_pkgs, r->n_pkgs_matched),
        "Findings", cg_arena_sprintf(&a, "%zu (CRITICAL %zu, HIGH %zu, MEDIUM %zu, LOW %zu, UNKNOWN %zu); %zu filtered out",
                                     r->n_findings, sev[4], sev[3], sev[2], sev[1], sev[0], r->n_filtered),
        "Scanned at", iso(&a, r->created),
        "Vulnerability DB built", iso(&a, r->db_built),
        "DB too old", r->db_stale ? "yes: older than --db-max-age at scan time" : NULL,
        "Runtime evidence",
        rt ? cg_arena_sprintf(&a, "%llu events%s%s%s%s; %zu findings in loaded packages",
                              (unsigned long long)rt->events, rt->from ? " from " : "", rt->from ? rt->from : "",
                              rt->to ? " to " : "", rt->to ? rt->to : "", n_loaded)
           : NULL,
    };
    cg_html_facts(out, facts, sizeof facts / sizeof facts[0] / 2);
    if (rt && rt->n_files) {
        cg_buf_puts(out, "<p class=\"muted\">Evidence files:</p><ul class=\"plain\">");
        for (size_t i = 0; i < rt->n_files; i++) {
            cg_buf_puts(out, "<li>");
            cg_html_esc(out, rt->files[i].path);
            cg_buf_puts(out, " (");
            cg_html_esc(out, rt->files[i].format);
            cg_buf_puts(out, ", ");
            cg_html_esc(out, rt->files[i].sha256);
            cg_buf_puts(out, ")</li>");
        }
        cg_buf_puts(out, "</ul>");
    }
    cg_buf_puts(out, "</div>\n<h2>Summary</h2>\n");
    if (cg_html_charts(out, rows, r->n_findings) != CG_OK)
        cg_oom_note();
    cg_html_findings(out, "findings", "Vulnerabilities", rows, r->n_findings, 0);
    if (r->extra)
        extras(r->extra, out);
    if (r->n_notes) {
        cg_buf_printf(out, "<h2>Notes (%zu)</h2>\n<ul class=\"plain\">", r->n_notes + r->n_notes_dropped);
        for (size_t i = 0; i < r->n_notes; i++) {
            cg_buf_puts(out, "<li>");
            cg_html_esc(out, r->notes[i]);
            cg_buf_puts(out, "</li>");
        }
        if (r->n_notes_dropped)
            cg_buf_printf(out, "<li>%zu more (see the JSON report)</li>", r->n_notes_dropped);
        cg_buf_puts(out, "</ul>\n");
    }
    cg_html_end(out);
    cg_arena_free(&a);
    return cg_oom_check(oom0, "writing HTML report", err);
}

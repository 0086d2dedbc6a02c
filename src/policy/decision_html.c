/*
 * decision_html.c - `cgate policy -f html` and `cgate run`'s report.html: the
 * decision as one self-contained web page (layout in core/html.c).  First
 * the verdict and why (deny reasons, warnings, blocked findings, remediation),
 * then exceptions with their expiry, VEX, runtime evidence, exposure, and -
 * when the report is given - charts and every finding of the report marked
 * blocked / excepted / vex / allowed / pass.  Same decision, same bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgate/policy.h"
#include "core/html.h"
#include "core/oom.h"

static const char *const SEV_NAME[CG_SEV_COUNT] = {"UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"};

/* Days since 1970-01-01 of a "YYYY-MM-DD" date (Howard Hinnant's algorithm); 0 when invalid. */
static int day_number(const char *s, long *out)
{
    if (!s || !cg_policy_date_valid(s))
        return 0;
    long y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    long m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    *out = era * 146097 + doe - 719468;
    return 1;
}

/* Where a streamed page goes: b is handed to the sink whenever it holds
 * 64 KiB (no sink: the page stays whole in b). */
typedef struct hsink {
    cg_sink_fn fn;
    void *ud;
    cg_error *err;
    cg_status st; /* the sink's first failure (err set by it) */
} hsink;

static void hflush(cg_buf *b, hsink *h)
{
    if (!h || !h->fn || h->st != CG_OK || b->len < 65536)
        return;
    h->st = h->fn(h->ud, b->data, b->len, h->err);
    cg_buf_reset(b);
}

static void cell(cg_buf *b, const char *s)
{
    cg_buf_puts(b, "<td>");
    cg_html_esc(b, s);
    cg_buf_puts(b, "</td>");
}

static void sev_cell(cg_buf *b, cg_severity s)
{
    int v = (unsigned)s < CG_SEV_COUNT ? (int)s : 0;
    cg_buf_printf(b, "<td data-v=\"%d\"><span class=\"sev s%d\">%s</span></td>", v, v, SEV_NAME[v]);
}

static double best_score(const cg_pfinding *f)
{
    if (f->has_cgate_score)
        return f->cgate_score;
    double s = -1;
    for (size_t i = 0; i < f->n_cvss; i++)
        if (f->cvss[i].has_v3score && f->cvss[i].v3score > s)
            s = f->cvss[i].v3score;
    return s;
}

static void blocked_table(cg_buf *b, const cg_decision *d, hsink *h)
{
    cg_buf_printf(b, "<h2>Blocked findings (%zu)</h2>\n", d->n_blocked);
    if (!d->n_blocked) {
        cg_buf_puts(b, "<p class=\"muted\">No vulnerability blocks this image.</p>\n");
        return;
    }
    cg_buf_puts(b, "<div class=\"tw\"><table class=\"sortable\" id=\"blocked\"><thead><tr><th data-num>Severity</th>"
                   "<th>Vulnerability</th><th>Package</th><th>Installed</th><th>Fixed</th><th data-num>CVSS</th>"
                   "<th>Rule</th><th data-num>Contextual risk</th><th>KEV</th><th class=\"opt\">Remediation</th>"
                   "</tr></thead><tbody>\n");
    cg_buf t = CG_BUF_INIT;
    for (size_t i = 0; i < d->n_blocked; i++) {
        const cg_pblocked *x = &d->blocked[i];
        cg_buf_printf(b, "<tr data-i=\"%zu\">", i);
        sev_cell(b, x->f->severity);
        cg_buf_puts(b, "<td class=\"id\">");
        cg_html_esc(b, x->f->id);
        cg_buf_puts(b, "</td><td class=\"pkg\">");
        cg_html_esc(b, x->f->pkg);
        cg_buf_puts(b, "</td><td class=\"pkg\">");
        cg_html_esc(b, x->f->installed);
        cg_buf_puts(b, "</td><td class=\"pkg\">");
        cg_html_esc(b, x->f->fixed && *x->f->fixed ? x->f->fixed : "no fix");
        cg_buf_puts(b, "</td>");
        if (x->has_cvss) {
            cg_buf_printf(b, "<td class=\"num\" data-v=\"%.1f\">%.1f", x->cvss, x->cvss);
            if (x->cvss_source) {
                cg_buf_puts(b, " <span class=\"muted\">");
                cg_html_esc(b, x->cvss_source);
                cg_buf_puts(b, "</span>");
            }
            cg_buf_puts(b, "</td>");
        } else {
            cg_buf_puts(b, "<td class=\"num\" data-v=\"-1\">-</td>");
        }
        cell(b, x->rule);
        double cr = cg_policy_round2(x->ctx_risk);
        cg_buf_printf(b, "<td class=\"num\" data-v=\"%.2f\">%.2f</td>", cr, cr);
        cell(b, x->f->kev ? "yes" : "");
        cg_buf_puts(b, "<td class=\"opt\">");
        cg_buf_reset(&t);
        cg_pblocked_step(x, &t);
        cg_html_esc(b, cg_buf_str(&t));
        cg_buf_puts(b, "</td></tr>\n");
        hflush(b, h);
    }
    cg_buf_free(&t);
    cg_buf_puts(b, "</tbody></table></div>\n");
}

static void conf_table(cg_buf *b, const cg_decision *d)
{
    if (!d->n_conf_blocked)
        return;
    cg_buf_printf(b, "<h2>Blocked secrets and misconfigurations (%zu)</h2>\n<div class=\"tw\"><table><thead><tr>"
                     "<th>Severity</th><th>Class</th><th>Id</th><th>Where</th><th>Rule</th><th>Title</th></tr></thead>"
                     "<tbody>\n",
                  d->n_conf_blocked);
    for (size_t i = 0; i < d->n_conf_blocked; i++) {
        const cg_pblocked *x = &d->conf_blocked[i];
        cg_buf_puts(b, "<tr>");
        sev_cell(b, x->f->severity);
        cell(b, x->f->conf == CG_PCONF_SECRET ? "secret" : "misconfiguration");
        cell(b, x->f->id);
        cg_buf_puts(b, "<td class=\"pkg\">");
        cg_html_esc(b, x->f->target);
        if (x->f->line > 0)
            cg_buf_printf(b, ":%d", x->f->line);
        cg_buf_puts(b, "</td>");
        cell(b, x->rule);
        cell(b, x->f->title);
        cg_buf_puts(b, "</tr>\n");
    }
    cg_buf_puts(b, "</tbody></table></div>\n");
}

static void exception_row(cg_buf *b, const cg_decision *d, const char *state, const cg_pexception *e, size_t n)
{
    long now = 0, exp = 0;
    cg_buf_puts(b, "<tr>");
    cg_buf_printf(b, "<td><span class=\"tag %s\">%s</span></td>", strcmp(state, "expired") ? "m-pass" : "m-blocked",
                  state);
    cg_buf_puts(b, "<td class=\"id\">");
    cg_html_esc(b, e->id);
    cg_buf_puts(b, "</td><td class=\"pkg\">");
    cg_html_esc(b, e->package ? e->package : "any");
    if (e->version) {
        cg_buf_putc(b, '@');
        cg_html_esc(b, e->version);
    }
    cg_buf_puts(b, "</td>");
    cell(b, e->expires ? e->expires : "never");
    if (e->expires && day_number(d->now, &now) && day_number(e->expires, &exp)) {
        long left = exp - now;
        if (left < 0)
            cg_buf_printf(b, "<td class=\"num loaded\" data-v=\"%ld\">expired %ld day%s ago</td>", left, -left,
                          -left == 1 ? "" : "s");
        else
            cg_buf_printf(b, "<td class=\"num%s\" data-v=\"%ld\">%ld day%s left</td>", left <= 14 ? " loaded" : "", left,
                          left, left == 1 ? "" : "s");
    } else {
        cg_buf_puts(b, "<td class=\"num\" data-v=\"100000\">-</td>");
    }
    cg_buf_printf(b, "<td class=\"num\">%zu</td>", n);
    cell(b, e->reason);
    cell(b, e->approved_by);
    cg_buf_puts(b, "<td class=\"opt\">");
    cg_html_esc(b, e->source);
    cg_buf_puts(b, "</td></tr>\n");
}

static void exceptions(cg_buf *b, const cg_decision *d)
{
    size_t n = d->n_applied + d->n_expired + d->n_unused;
    cg_buf_printf(b, "<h2>Exceptions (%zu)</h2>\n", n);
    if (!n) {
        cg_buf_puts(b, "<p class=\"muted\">No exception applies to this report.</p>\n");
        return;
    }
    cg_buf_puts(b, "<div class=\"tw\"><table><thead><tr><th>State</th><th>Vulnerability</th><th>Package</th>"
                   "<th>Expires</th><th>Time left</th><th>Findings</th><th>Reason</th><th>Approved by</th>"
                   "<th class=\"opt\">Source</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < d->n_applied; i++)
        exception_row(b, d, "applied", d->applied[i].e, d->applied[i].n_suppressed);
    for (size_t i = 0; i < d->n_expired; i++)
        exception_row(b, d, "expired", d->expired[i].e, d->expired[i].n_suppressed);
    for (size_t i = 0; i < d->n_unused; i++)
        exception_row(b, d, "unused", d->unused[i], 0);
    cg_buf_puts(b, "</tbody></table></div>\n");
}

static void vex_table(cg_buf *b, const cg_decision *d)
{
    if (!d->n_vexed)
        return;
    cg_buf_printf(b, "<h2>VEX: not affected or fixed (%zu)</h2>\n<div class=\"tw\"><table><thead><tr>"
                     "<th>Vulnerability</th><th>Package</th><th>Status</th><th>Justification</th><th>Document</th>"
                     "</tr></thead><tbody>\n",
                  d->n_vexed);
    for (size_t i = 0; i < d->n_vexed; i++) {
        const cg_pvexed *v = &d->vexed[i];
        cg_buf_puts(b, "<tr>");
        cell(b, v->f->id);
        cg_buf_puts(b, "<td class=\"pkg\">");
        cg_html_esc(b, v->f->pkg);
        cg_buf_putc(b, '@');
        cg_html_esc(b, v->f->installed);
        cg_buf_puts(b, "</td>");
        cell(b, v->m.status == CG_VEX_FIXED ? "fixed" : "not_affected");
        cell(b, v->m.justification ? v->m.justification : v->m.impact);
        cell(b, v->m.document);
        cg_buf_puts(b, "</tr>\n");
    }
    cg_buf_puts(b, "</tbody></table></div>\n");
}

static const char *reach_name(cg_reach r)
{
    static const char *const n[CG_REACH_COUNT] = {"unknown", "none", "isolated", "cluster", "internet"};
    return (unsigned)r < CG_REACH_COUNT ? n[r] : "unknown";
}

static void exposure(cg_buf *b, const cg_decision *d)
{
    cg_buf_puts(b, "<h2>Exposure</h2>\n");
    if (!d->n_exposure) {
        cg_buf_printf(b, "<p>Reach: <b>unknown</b> (%s): unknown counts as exposed. Weights by CVSS attack vector: "
                         "N %.4g, A %.4g, L %.4g, P %.4g.</p>\n",
                      d->have_context ? "no workload in the manifests runs this image" : "no --context given",
                      d->unknown_weight[CG_AV_N], d->unknown_weight[CG_AV_A], d->unknown_weight[CG_AV_L],
                      d->unknown_weight[CG_AV_P]);
        return;
    }
    cg_buf_puts(b, "<div class=\"tw\"><table><thead><tr><th>Workload</th><th>Container</th><th>Reach</th>"
                   "<th>Ports</th><th>Egress restricted</th><th>Privilege</th><th>Service account</th>"
                   "<th data-num>Multiplier</th><th class=\"opt\">Why</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < d->n_exposure; i++) {
        const cg_pwexposure *x = &d->exposure[i];
        const cg_workload *w = x->w;
        cg_buf_puts(b, "<tr><td class=\"pkg\">");
        cg_html_esc(b, w->kind);
        cg_buf_putc(b, ' ');
        cg_html_esc(b, w->namespace_ ? w->namespace_ : "-");
        cg_buf_putc(b, '/');
        cg_html_esc(b, w->name);
        cg_buf_puts(b, "</td>");
        cell(b, w->container);
        cell(b, reach_name(w->reach));
        cg_buf_puts(b, "<td>");
        for (size_t k = 0; k < w->n_ports; k++)
            cg_buf_printf(b, "%s%d", k ? ", " : "", (int)w->ports[k]);
        cg_buf_puts(b, "</td>");
        cell(b, w->egress_restricted ? "yes" : "no");
        cg_buf_puts(b, "<td>");
        for (size_t k = 0; k < x->n_factors; k++) {
            if (k)
                cg_buf_puts(b, ", ");
            cg_html_esc(b, x->factors[k]);
        }
        cg_buf_puts(b, "</td>");
        cell(b, w->service_account);
        cg_buf_printf(b, "<td class=\"num\">x%.4g</td><td class=\"opt\">", x->multiplier);
        for (size_t k = 0; k < w->n_why; k++) {
            if (k)
                cg_buf_puts(b, "; ");
            cg_html_esc(b, w->why[k]);
        }
        cg_buf_puts(b, "</td></tr>\n");
    }
    cg_buf_puts(b, "</tbody></table></div>\n");
}

/* label is "ID PKG@VERSION" of f (hit labels of exceptions and runtime). */
static int label_is(const char *l, const cg_pfinding *f)
{
    const char *part[3] = {f->id ? f->id : "", f->pkg ? f->pkg : "", f->installed ? f->installed : ""};
    const char sep[3] = {' ', '@', '\0'};
    for (int k = 0; k < 3; k++) {
        size_t n = strlen(part[k]);
        if (strncmp(l, part[k], n) || l[n] != sep[k])
            return 0;
        l += n + 1;
    }
    return 1;
}

static int in_labels(const char *const *list, size_t n, const cg_pfinding *f)
{
    for (size_t i = 0; i < n; i++)
        if (label_is(list[i], f))
            return 1;
    return 0;
}

/* Walks the decision's lists alongside the report: blocked[] and vexed[]
 * are in report order, so a cursor each finds a finding's entry in
 * constant time (a list in another order is searched whole). */
typedef struct marker {
    size_t bi, vi;
    int b_sorted, v_sorted;
} marker;

static int by_address(const void *base, size_t n, size_t stride)
{
    for (size_t i = 1; i < n; i++) {
        uintptr_t x = (uintptr_t)*(const cg_pfinding *const *)((const char *)base + (i - 1) * stride);
        uintptr_t y = (uintptr_t)*(const cg_pfinding *const *)((const char *)base + i * stride);
        if (x >= y)
            return 0;
    }
    return 1;
}

static int listed(const void *base, size_t n, size_t stride, int sorted, size_t *cur, const cg_pfinding *f)
{
#define AT(i) (*(const cg_pfinding *const *)((const char *)base + (i) * stride))
    if (!sorted) {
        for (size_t i = 0; i < n; i++)
            if (AT(i) == f)
                return 1;
        return 0;
    }
    while (*cur < n && (uintptr_t)AT(*cur) < (uintptr_t)f)
        (*cur)++;
    return *cur < n && AT(*cur) == f;
#undef AT
}

/* blocked / vex / excepted / allowed (runtime) / pass, for one finding of the report. */
static const char *mark_of(const cg_decision *d, const cg_pfinding *f, marker *mk)
{
    if (listed(d->blocked, d->n_blocked, sizeof *d->blocked, mk->b_sorted, &mk->bi, f))
        return "blocked";
    if (listed(d->vexed, d->n_vexed, sizeof *d->vexed, mk->v_sorted, &mk->vi, f))
        return "vex";
    for (size_t i = 0; i < d->n_applied; i++)
        if (in_labels(d->applied[i].suppressed, d->applied[i].n_suppressed, f))
            return "excepted";
    if (in_labels(d->runtime_allowed, d->n_runtime_allowed, f))
        return "allowed";
    return NULL;
}

static cg_status all_findings(cg_buf *b, const cg_decision *d, const cg_preport *r, cg_arena *a, hsink *h)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_findings; i++)
        n += r->findings[i].conf == 0;
    cg_html_row *rows = n ? calloc(n, sizeof *rows) : NULL;
    if (n && !rows) {
        cg_oom_note();
        return CG_ERR_NOMEM;
    }
    marker mk = {0, 0, by_address(d->blocked, d->n_blocked, sizeof *d->blocked),
                 by_address(d->vexed, d->n_vexed, sizeof *d->vexed)};
    /* a layer's label is made once: the reader keeps each layer string once */
    const char *last_layer = NULL, *last_label = NULL;
    int last_index = -1;
    size_t k = 0;
    for (size_t i = 0; i < r->n_findings; i++) {
        const cg_pfinding *f = &r->findings[i];
        if (f->conf)
            continue;
        cg_html_row *w = &rows[k++];
        w->id = f->id;
        w->pkg = f->pkg;
        w->installed = f->installed;
        w->fixed = f->fixed && *f->fixed ? f->fixed : NULL;
        w->status = f->status ? f->status : f->status_unknown ? "unknown" : w->fixed ? "fixed" : "affected";
        w->title = f->title;
        w->url = f->url;
        w->target = f->target;
        w->layer_index = -1;
        if (f->layer && f->layer == last_layer) {
            w->layer_index = last_index;
            w->layer = last_label;
        } else if (f->layer) {
            for (size_t l = 0; l < r->n_diff_ids; l++)
                if (!strcmp(r->diff_ids[l], f->layer)) {
                    w->layer_index = (int)l;
                    break;
                }
            const char *c = strchr(f->layer, ':');
            const char *hex = c ? c + 1 : f->layer; /* the first 12 hex digits, as the scan page */
            w->layer = w->layer_index >= 0 ? cg_arena_sprintf(a, "%d: %.12s", w->layer_index, hex)
                                           : cg_arena_sprintf(a, "%.12s", hex);
            last_layer = f->layer, last_label = w->layer, last_index = w->layer_index;
        }
        w->severity = (int)f->severity;
        w->score = best_score(f);
        w->kev = f->kev;
        w->epss = f->has_epss ? f->epss : -1;
        w->loaded = f->runtime;
        w->mark = mark_of(d, f, &mk);
    }
    cg_html_sort_rows(rows, n);
    cg_buf_puts(b, "<h2>Summary of the report</h2>\n");
    cg_status st = cg_html_charts(b, rows, n);
    if (st == CG_OK)
        st = cg_html_findings_to(b, "findings", "All findings of the report", rows, n, 1, h ? h->fn : NULL,
                                 h ? h->ud : NULL, h ? h->err : NULL);
    if (st != CG_OK && h && h->fn && h->st == CG_OK && st != CG_ERR_NOMEM)
        h->st = st; /* the sink's */
    free(rows);
    return st == CG_ERR_NOMEM ? st : CG_OK;
}

cg_status cg_decision_write_html(const cg_decision *d, const cg_preport *r, cg_buf *out, cg_error *err)
{
    return cg_decision_write_html_stream(d, r, out, NULL, NULL, err);
}

cg_status cg_decision_write_html_stream(const cg_decision *d, const cg_preport *r, cg_buf *out, cg_sink_fn sink,
                                        void *ud, cg_error *err)
{
    hsink hs = {sink, ud, err, CG_OK}, *h = &hs;
    if (!d || !out)
        return cg_error_set(err, CG_ERR_USAGE, "cg_decision_write_html: no decision or no output buffer");
    unsigned long oom0 = cg_oom_count();
    cg_arena a;
    cg_arena_init(&a);
    const char *name = d->image.name ? d->image.name : r && r->artifact_name ? r->artifact_name : "(unnamed image)";
    const char *title = cg_arena_sprintf(&a, "Policy decision: %s", name);
    const char *sub = d->pass ? cg_arena_sprintf(&a, "PASS - %zu findings evaluated, none blocked", d->n_evaluated)
                              : cg_arena_sprintf(&a, "DENY - %zu finding%s blocked", d->n_blocked + d->n_conf_blocked,
                                                 d->n_blocked + d->n_conf_blocked == 1 ? "" : "s");
    cg_html_begin(out, title, sub);
    cg_buf_printf(out, "<p><span class=\"verdict %s\">%s</span> ", d->pass ? "pass" : "deny",
                  d->pass ? "PASS: the image may be pushed" : "DENY: the image is blocked");
    cg_buf_puts(out, "<span class=\"muted\">on ");
    cg_html_esc(out, d->now);
    cg_buf_puts(out, d->strict ? " (--strict: warnings deny)" : "");
    cg_buf_puts(out, "</span></p>\n");
    if (d->n_deny_reasons) {
        cg_buf_puts(out, "<h2>Why it is denied</h2>\n<ul class=\"plain\">");
        for (size_t i = 0; i < d->n_deny_reasons; i++) {
            cg_buf_puts(out, "<li>");
            cg_html_esc(out, d->deny_reasons[i]);
            cg_buf_puts(out, "</li>");
        }
        cg_buf_puts(out, "</ul>\n");
    }
    if (d->n_warnings) {
        cg_buf_puts(out, "<h2>Warnings</h2>\n<ul class=\"plain\">");
        for (size_t i = 0; i < d->n_warnings; i++) {
            cg_buf_puts(out, "<li>");
            cg_html_esc(out, d->warnings[i]);
            cg_buf_puts(out, "</li>");
        }
        cg_buf_puts(out, "</ul>\n");
    }
    cg_buf_puts(out, "<h2>Image and scores</h2>\n<div class=\"card\">");
    const char *digests = NULL;
    for (size_t i = 0; i < d->image.n_manifest_digests; i++)
        digests = digests ? cg_arena_sprintf(&a, "%s, %s", digests, d->image.manifest_digests[i])
                          : d->image.manifest_digests[i];
    const char *facts[] = {
        "Image", name,
        "Manifest digest", digests,
        "Config digest", d->image.config_digest,
        "Operating system", r ? r->os : NULL,
        "Risk score", cg_arena_sprintf(&a, "%.2f", d->risk),
        "Contextual risk score", cg_arena_sprintf(&a, "%.2f", d->ctx_risk),
        "Findings", cg_arena_sprintf(&a, "%zu total, %zu filtered, %zu VEX-suppressed, %zu evaluated, %zu excepted, "
                                         "%zu blocked", d->n_total, d->n_filtered, d->n_vexed, d->n_evaluated,
                                     d->n_excepted, d->n_blocked),
        "Policy", d->policy ? cg_arena_sprintf(&a, "%s (%s)", d->policy->source ? d->policy->source : "-",
                                               d->policy->legacy ? "seed PolicyConfig" : "cgate/v1")
                            : NULL,
        "Report written by", r && r->cgate_version ? cg_arena_sprintf(&a, "cgate %s", r->cgate_version) : NULL,
        "Vulnerability DB built", r ? r->db_built : NULL,
    };
    cg_html_facts(out, facts, sizeof facts / sizeof facts[0] / 2);
    cg_buf_puts(out, "</div>\n");
    hflush(out, h);
    blocked_table(out, d, h);
    conf_table(out, d);
    hflush(out, h);
    if (d->n_remedies) {
        cg_buf_printf(out, "<h2>Remediation (%zu)</h2>\n<ul class=\"plain\">", d->n_remedies);
        for (size_t i = 0; i < d->n_remedies; i++) {
            cg_buf_puts(out, "<li>");
            cg_buf t = CG_BUF_INIT;
            cg_premedy_text(&d->remedies[i], &t);
            cg_html_esc(out, t.data ? cg_buf_str(&t) : NULL);
            cg_buf_free(&t);
            cg_buf_puts(out, "</li>");
            hflush(out, h);
        }
        cg_buf_puts(out, "</ul>\n");
    }
    exceptions(out, d);
    vex_table(out, d);
    if (d->policy && d->policy->runtime_allow >= 0) {
        cg_buf_puts(out, "<h2>Runtime evidence</h2>\n<div class=\"card\">");
        const char *rf[] = {
            "Never-loaded findings allowed up to", SEV_NAME[d->policy->runtime_allow % CG_SEV_COUNT],
            "Evidence", d->runtime_evidence ? d->runtime_evidence : "none in the report",
            "Window", d->runtime_window,
            "Let through as never loaded", cg_arena_sprintf(&a, "%zu", d->n_runtime_allowed),
        };
        cg_html_facts(out, rf, sizeof rf / sizeof rf[0] / 2);
        cg_buf_puts(out, "</div>\n");
    } else if (r && r->runtime_evidence) {
        cg_buf_puts(out, "<h2>Runtime evidence</h2>\n<p>The report carries runtime evidence (");
        cg_html_esc(out, r->runtime_window);
        cg_buf_puts(out, "); the policy does not use it (runtime rules are opt-in).</p>\n");
    }
    exposure(out, d);
    hflush(out, h);
    if (r && h->st == CG_OK)
        all_findings(out, d, r, &a, h);
    hflush(out, h);
    if (d->policy) {
        cg_buf_puts(out, "<h2>Policy thresholds</h2>\n<div class=\"tw\"><table><thead><tr><th>Severity</th>"
                         "<th>Blocks</th><th>Minimum CVSS</th><th>Weight</th></tr></thead><tbody>\n");
        for (int s = CG_SEV_COUNT - 1; s >= 0; s--) {
            cg_buf_puts(out, "<tr>");
            sev_cell(out, (cg_severity)s);
            cg_buf_printf(out, "<td>%s</td><td>%.4g</td><td>%.4g</td></tr>\n", d->policy->sev[s].block ? "yes" : "no",
                          d->policy->sev[s].min_cvss, d->policy->sev[s].weight);
        }
        cg_buf_printf(out, "</tbody></table></div>\n<p class=\"muted\">Unfixed findings %s; known-exploited (KEV) %s.</p>\n",
                      d->policy->allow_unfixed ? "allowed" : "block", d->policy->kev_block ? "block" : "do not block");
    }
    if (d->n_inputs) {
        cg_buf_puts(out, "<h2>Inputs</h2>\n<div class=\"tw\"><table><thead><tr><th>Role</th><th>Path</th>"
                         "<th>sha256</th></tr></thead><tbody>\n");
        for (size_t i = 0; i < d->n_inputs; i++) {
            cg_buf_puts(out, "<tr>");
            cell(out, d->inputs[i].role);
            cg_buf_puts(out, "<td class=\"pkg\">");
            cg_html_esc(out, d->inputs[i].path);
            cg_buf_puts(out, "</td><td class=\"pkg\">");
            cg_html_esc(out, d->inputs[i].sha256);
            cg_buf_puts(out, "</td></tr>\n");
        }
        cg_buf_puts(out, "</tbody></table></div>\n");
    }
    cg_html_end(out);
    cg_arena_free(&a);
    if (hs.st != CG_OK)
        return hs.st; /* the sink said why */
    cg_status st = cg_oom_check(oom0, "writing HTML decision", err);
    if (st == CG_OK && sink && out->len) {
        st = sink(ud, out->data, out->len, err);
        cg_buf_reset(out);
    }
    return st;
}

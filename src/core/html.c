/*
 * html.c - layout shared by the HTML reports (see html.h): escaping, the
 * page frame with its inline style sheet and script, SVG bar charts and the
 * sortable, filterable findings table.  The page fetches nothing (its
 * Content-Security-Policy says default-src 'none'); the script never builds
 * markup from data, it only reorders and hides rows the writer produced, so
 * escaping here is the only defence needed against hostile package names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/html.h"
#include "core/oom.h"

static const char *const SEV_NAME[5] = {"UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"};
static const char *const SEV_COLOUR[5] = {"#8d99ae", "#3a86ff", "#e9a400", "#e4572e", "#b3001b"};

#define CHART_TOP 12     /* packages in the per-package chart */
#define CHART_LAYERS 24  /* layers in the per-layer chart */

static int sev_ok(int s)
{
    return s >= 0 && s < 5 ? s : 0;
}

void cg_html_esc(cg_buf *b, const char *s)
{
    if (!s)
        return;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '&': cg_buf_puts(b, "&amp;"); break;
        case '<': cg_buf_puts(b, "&lt;"); break;
        case '>': cg_buf_puts(b, "&gt;"); break;
        case '"': cg_buf_puts(b, "&quot;"); break;
        case '\'': cg_buf_puts(b, "&#39;"); break;
        default: cg_buf_putc(b, *p < 0x20 || *p == 0x7f ? '?' : (char)*p);
        }
    }
}

int cg_html_href_ok(const char *url)
{
    return url && (!strncmp(url, "https://", 8) || !strncmp(url, "http://", 7));
}

static const char CSS[] =
    ":root{--fg:#1d2330;--mut:#5b6475;--bg:#fff;--card:#f5f6f8;--line:#dfe2e8;--ok:#1b7f3b;--bad:#b3001b}"
    "*{box-sizing:border-box}"
    "body{margin:0;font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;"
    "color:var(--fg);background:var(--bg)}"
    "header{background:#1d2330;color:#fff;padding:16px 24px}"
    "header h1{margin:0;font-size:20px;word-break:break-all}"
    "header p{margin:4px 0 0;color:#c9cfda;word-break:break-all}"
    "main{max-width:1240px;margin:0 auto;padding:16px 24px 48px}"
    "h2{font-size:17px;margin:28px 0 10px;border-bottom:1px solid var(--line);padding-bottom:4px}"
    "h3{font-size:14px;margin:0 0 8px}"
    ".verdict{display:inline-block;font-weight:700;font-size:18px;padding:6px 14px;border-radius:6px;color:#fff}"
    ".pass{background:var(--ok)}.deny{background:var(--bad)}"
    ".grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:14px}"
    ".card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px}"
    ".card svg{width:100%;height:auto;display:block}"
    "dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 14px;margin:0}"
    "dl.facts dt{color:var(--mut)}dl.facts dd{margin:0;word-break:break-all}"
    ".tw{overflow-x:auto;border:1px solid var(--line);border-radius:8px}"
    "table{border-collapse:collapse;width:100%;font-size:13px}"
    "th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}"
    "th{background:var(--card);position:sticky;top:0;white-space:nowrap}"
    "table.sortable th{cursor:pointer;user-select:none}"
    "table.sortable th[aria-sort=ascending]::after{content:' \\25B2'}"
    "table.sortable th[aria-sort=descending]::after{content:' \\25BC'}"
    "td.id{white-space:nowrap}td.pkg{overflow-wrap:break-word;max-width:22em}td.num{text-align:right;white-space:nowrap}"
    ".sev{display:inline-block;min-width:70px;text-align:center;border-radius:4px;color:#fff;font-size:11px;"
    "font-weight:700;padding:1px 4px}"
    ".s0{background:#8d99ae}.s1{background:#3a86ff}.s2{background:#e9a400}.s3{background:#e4572e}.s4{background:#b3001b}"
    ".tag{display:inline-block;border-radius:4px;padding:0 5px;font-size:11px;font-weight:700;border:1px solid}"
    ".m-blocked{color:#b3001b}.m-excepted,.m-vex,.m-allowed{color:#5b6475}.m-pass{color:#1b7f3b}"
    ".loaded{color:#b3001b}.notloaded{color:#5b6475}"
    ".filters{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;margin:0 0 8px}"
    ".filters input[type=search]{padding:5px 8px;min-width:220px;border:1px solid var(--line);border-radius:6px}"
    ".filters select{padding:4px;border:1px solid var(--line);border-radius:6px}"
    ".muted{color:var(--mut)}ul.plain{margin:0;padding-left:20px}"
    "a{color:#1a56c4}"
    "@media (max-width:700px){header{padding:12px}main{padding:10px}.opt{display:none}"
    ".filters input[type=search]{min-width:0;width:100%}dl.facts{grid-template-columns:1fr}"
    "dl.facts dt{margin-top:6px}}"
    "@media print{.filters{display:none}th{position:static}}";

/* Sorting by a column (data-v holds numeric keys), and filters that hide rows.
 * Nothing here reads row text into markup. */
static const char JS[] =
    "(function(){'use strict';"
    "function key(td){var v=td.getAttribute('data-v');return v!==null?parseFloat(v):td.textContent.toLowerCase();}"
    "document.querySelectorAll('table.sortable').forEach(function(t){"
    "var hs=t.tHead.rows[0].cells;"
    "Array.prototype.forEach.call(hs,function(th,i){th.addEventListener('click',function(){"
    "var num=th.hasAttribute('data-num');var cur=th.getAttribute('aria-sort');"
    "var dir=cur?(cur==='ascending'?-1:1):(num?-1:1);"
    "Array.prototype.forEach.call(hs,function(h){h.removeAttribute('aria-sort');});"
    "th.setAttribute('aria-sort',dir>0?'ascending':'descending');"
    "var b=t.tBodies[0];var rows=Array.prototype.slice.call(b.rows);"
    "rows.sort(function(x,y){var a=key(x.cells[i]),c=key(y.cells[i]);"
    "if(a<c)return -dir;if(a>c)return dir;return x.getAttribute('data-i')-y.getAttribute('data-i');});"
    "rows.forEach(function(r){b.appendChild(r);});});});});"
    "document.querySelectorAll('.filters').forEach(function(f){"
    "var t=document.getElementById(f.getAttribute('data-for'));if(!t)return;"
    "var q=f.querySelector('input[type=search]'),s=f.querySelector('select'),"
    "fx=f.querySelector('input[name=fixable]'),ld=f.querySelector('input[name=loaded]'),"
    "bl=f.querySelector('input[name=blocked]'),n=f.querySelector('.count');"
    "function apply(){var text=q.value.toLowerCase(),min=parseInt(s.value,10),shown=0;"
    "Array.prototype.forEach.call(t.tBodies[0].rows,function(r){"
    "var ok=parseInt(r.getAttribute('data-sev'),10)>=min"
    "&&(!text||r.textContent.toLowerCase().indexOf(text)>=0)"
    "&&(!fx||!fx.checked||r.getAttribute('data-fix')==='1')"
    "&&(!ld||!ld.checked||r.getAttribute('data-loaded')==='1')"
    "&&(!bl||!bl.checked||r.getAttribute('data-mark')==='blocked');"
    "r.style.display=ok?'':'none';if(ok)shown++;});"
    "if(n)n.textContent=shown+' of '+t.tBodies[0].rows.length+' shown';}"
    "[q,s,fx,ld,bl].forEach(function(e){if(e)e.addEventListener('input',apply);if(e)e.addEventListener('change',apply);});"
    "apply();});"
    "})();";

void cg_html_begin(cg_buf *b, const char *title, const char *subtitle)
{
    cg_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                   "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
                   "<meta name=\"referrer\" content=\"no-referrer\">\n<title>");
    cg_html_esc(b, title);
    cg_buf_puts(b, "</title>\n<style>");
    cg_buf_puts(b, CSS);
    cg_buf_puts(b, "</style>\n</head>\n<body>\n<header><h1>");
    cg_html_esc(b, title);
    cg_buf_puts(b, "</h1>");
    if (subtitle && *subtitle) {
        cg_buf_puts(b, "<p>");
        cg_html_esc(b, subtitle);
        cg_buf_puts(b, "</p>");
    }
    cg_buf_puts(b, "</header>\n<main>\n");
}

/* ---- ordering ------------------------------------------------------------ */

typedef struct {
    cg_html_row row;
    size_t i;
} ranked;

static int str0cmp(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

static int rank_cmp(const void *pa, const void *pb)
{
    const ranked *x = pa, *y = pb;
    int lx = x->row.loaded == 1, ly = y->row.loaded == 1;
    if (lx != ly)
        return ly - lx;
    if (x->row.severity != y->row.severity)
        return y->row.severity - x->row.severity;
    int c = str0cmp(x->row.id, y->row.id);
    if (!c)
        c = str0cmp(x->row.pkg, y->row.pkg);
    if (!c)
        c = str0cmp(x->row.installed, y->row.installed);
    if (c)
        return c;
    return x->i < y->i ? -1 : x->i > y->i;
}

void cg_html_sort_rows(cg_html_row *rows, size_t n)
{
    if (n < 2)
        return;
    ranked *r = malloc(n * sizeof *r);
    if (!r) {
        cg_oom_note(); /* the writer's oom check fails the page */
        return;
    }
    for (size_t i = 0; i < n; i++) {
        r[i].row = rows[i];
        r[i].i = i;
    }
    qsort(r, n, sizeof *r, rank_cmp);
    for (size_t i = 0; i < n; i++)
        rows[i] = r[i].row;
    free(r);
}

/* ---- charts -------------------------------------------------------------- */

typedef struct {
    const char *label;
    size_t c[5];
    size_t total;
    int order;
} bar;

/* Stacked horizontal bars, one per label, split by severity. */
static void stacked_chart(cg_buf *b, const char *title, const bar *bars, size_t n, size_t more)
{
    enum { W = 320, LW = 112, BW = 170, RH = 20 };
    size_t max = 1;
    for (size_t i = 0; i < n; i++)
        if (bars[i].total > max)
            max = bars[i].total;
    size_t h = (n ? n : 1) * RH + 8;
    cg_buf_puts(b, "<div class=\"card\"><h3>");
    cg_html_esc(b, title);
    cg_buf_printf(b, "</h3>\n<svg viewBox=\"0 0 %d %zu\" role=\"img\" aria-label=\"", W, h);
    cg_html_esc(b, title);
    cg_buf_puts(b, "\">");
    if (!n)
        cg_buf_puts(b, "<text x=\"0\" y=\"16\" font-size=\"12\" fill=\"#5b6475\">no findings</text>");
    for (size_t i = 0; i < n; i++) {
        size_t y = i * RH + 4;
        cg_buf_printf(b, "<g><title>");
        cg_html_esc(b, bars[i].label);
        cg_buf_printf(b, ": %zu</title><text x=\"0\" y=\"%zu\" font-size=\"11\" fill=\"#1d2330\">", bars[i].total, y + 13);
        /* labels are cut to fit: the full text is in <title> */
        char cut[24];
        const char *l = bars[i].label ? bars[i].label : "";
        size_t len = strlen(l);
        if (len > 17) {
            size_t k = 15;
            while (k > 0 && ((unsigned char)l[k] & 0xc0) == 0x80)
                k--;
            snprintf(cut, sizeof cut, "%.*s..", (int)k, l);
            l = cut;
        }
        cg_html_esc(b, l);
        cg_buf_puts(b, "</text>");
        double x = LW;
        for (int s = 4; s >= 0; s--) {
            if (!bars[i].c[s])
                continue;
            double w = (double)BW * (double)bars[i].c[s] / (double)max;
            if (w < 1.5)
                w = 1.5;
            cg_buf_printf(b, "<rect x=\"%.1f\" y=\"%zu\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>", x, y + 2, w,
                          RH - 6, SEV_COLOUR[s]);
            x += w;
        }
        cg_buf_printf(b, "<text x=\"%.1f\" y=\"%zu\" font-size=\"11\" fill=\"#1d2330\">%zu</text></g>", x + 4, y + 13,
                      bars[i].total);
    }
    cg_buf_puts(b, "</svg>");
    if (more)
        cg_buf_printf(b, "<p class=\"muted\">and %zu more</p>", more);
    cg_buf_puts(b, "</div>\n");
}

typedef struct {
    const cg_html_row *r;
    size_t i;
} rref;

static int by_pkg(const void *pa, const void *pb)
{
    const rref *x = pa, *y = pb;
    int c = str0cmp(x->r->pkg, y->r->pkg);
    return c ? c : (x->i < y->i ? -1 : x->i > y->i);
}

static int by_layer(const void *pa, const void *pb)
{
    const rref *x = pa, *y = pb;
    if (x->r->layer_index != y->r->layer_index)
        return x->r->layer_index < y->r->layer_index ? -1 : 1;
    int c = str0cmp(x->r->layer, y->r->layer);
    return c ? c : (x->i < y->i ? -1 : x->i > y->i);
}

static int bar_total_desc(const void *pa, const void *pb)
{
    const bar *x = pa, *y = pb;
    if (x->total != y->total)
        return x->total > y->total ? -1 : 1;
    int c = str0cmp(x->label, y->label);
    return c ? c : x->order - y->order;
}

/* Group rows (sorted by cmp) into bars keyed by pkg or layer. */
static size_t group(rref *rr, size_t n, int by_layer_key, bar *out)
{
    size_t nb = 0;
    for (size_t i = 0; i < n; i++) {
        const cg_html_row *r = rr[i].r;
        const char *label = by_layer_key ? (r->layer ? r->layer : "(no layer)") : (r->pkg ? r->pkg : "");
        int same = nb && (by_layer_key ? rr[i - 1].r->layer_index == r->layer_index && !str0cmp(out[nb - 1].label, label)
                                       : !str0cmp(out[nb - 1].label, label));
        if (!same) {
            memset(&out[nb], 0, sizeof out[nb]);
            out[nb].label = label;
            out[nb].order = (int)nb;
            nb++;
        }
        out[nb - 1].c[sev_ok(r->severity)]++;
        out[nb - 1].total++;
    }
    return nb;
}

cg_status cg_html_charts(cg_buf *b, const cg_html_row *rows, size_t n)
{
    size_t sev[5] = {0}, fixed = 0, nofix = 0, unknown = 0;
    for (size_t i = 0; i < n; i++) {
        sev[sev_ok(rows[i].severity)]++;
        if (rows[i].status && !strcmp(rows[i].status, "fixed"))
            fixed++;
        else if (rows[i].status && !strcmp(rows[i].status, "unknown"))
            unknown++;
        else
            nofix++;
    }
    cg_buf_puts(b, "<div class=\"grid\">\n");
    /* severity bars */
    bar sb[5];
    for (int s = 4; s >= 0; s--) {
        bar *x = &sb[4 - s];
        memset(x, 0, sizeof *x);
        x->label = SEV_NAME[s];
        x->c[s] = sev[s];
        x->total = sev[s];
    }
    stacked_chart(b, "Findings by severity", sb, 5, 0);
    /* fixable share */
    {
        enum { W = 320, BW = 300 };
        size_t parts[3] = {fixed, nofix, unknown};
        static const char *const pname[3] = {"fix available", "no fix", "version undecided"};
        static const char *const pcol[3] = {"#1b7f3b", "#b3001b", "#8d99ae"};
        cg_buf_puts(b, "<div class=\"card\"><h3>Fixable share</h3>\n");
        cg_buf_printf(b, "<svg viewBox=\"0 0 %d 92\" role=\"img\" aria-label=\"Fixable share\">", W);
        double x = 10;
        for (int k = 0; k < 3 && n; k++) {
            if (!parts[k])
                continue;
            double w = (double)BW * (double)parts[k] / (double)n;
            cg_buf_printf(b, "<rect x=\"%.1f\" y=\"6\" width=\"%.1f\" height=\"22\" fill=\"%s\"/>", x, w, pcol[k]);
            x += w;
        }
        if (!n)
            cg_buf_puts(b, "<rect x=\"10\" y=\"6\" width=\"300\" height=\"22\" fill=\"#dfe2e8\"/>");
        for (int k = 0; k < 3; k++) {
            double pct = n ? 100.0 * (double)parts[k] / (double)n : 0.0;
            cg_buf_printf(b,
                          "<rect x=\"10\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                          "<text x=\"26\" y=\"%d\" font-size=\"11\" fill=\"#1d2330\">%s: %zu (%.0f%%)</text>",
                          38 + 17 * k, pcol[k], 47 + 17 * k, pname[k], parts[k], pct);
        }
        cg_buf_puts(b, "</svg></div>\n");
    }
    rref *rr = n ? malloc(n * sizeof *rr) : NULL;
    bar *bars = n ? malloc(n * sizeof *bars) : NULL;
    if (n && (!rr || !bars)) {
        free(rr);
        free(bars);
        cg_oom_note();
        return CG_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        rr[i].r = &rows[i];
        rr[i].i = i;
    }
    /* per layer, in layer order */
    if (n)
        qsort(rr, n, sizeof *rr, by_layer);
    size_t nb = group(rr, n, 1, bars);
    stacked_chart(b, "Findings per layer", bars, nb < CHART_LAYERS ? nb : CHART_LAYERS,
                  nb > CHART_LAYERS ? nb - CHART_LAYERS : 0);
    /* per package, most findings first */
    if (n)
        qsort(rr, n, sizeof *rr, by_pkg);
    nb = group(rr, n, 0, bars);
    if (nb)
        qsort(bars, nb, sizeof *bars, bar_total_desc);
    stacked_chart(b, "Packages with the most findings", bars, nb < CHART_TOP ? nb : CHART_TOP,
                  nb > CHART_TOP ? nb - CHART_TOP : 0);
    cg_buf_puts(b, "</div>\n<p class=\"muted\">Bar colours: ");
    for (int s = 4; s >= 0; s--)
        cg_buf_printf(b, "<span class=\"sev s%d\">%s</span> ", s, SEV_NAME[s]);
    cg_buf_puts(b, "</p>\n");
    free(rr);
    free(bars);
    return CG_OK;
}

/* ---- table --------------------------------------------------------------- */

static void td(cg_buf *b, const char *cls, const char *s)
{
    cg_buf_puts(b, cls ? "<td class=\"" : "<td>");
    if (cls) {
        cg_buf_puts(b, cls);
        cg_buf_puts(b, "\">");
    }
    cg_html_esc(b, s);
    cg_buf_puts(b, "</td>");
}

void cg_html_findings(cg_buf *b, const char *table_id, const char *heading, const cg_html_row *rows, size_t n,
                      int with_mark)
{
    cg_html_findings_to(b, table_id, heading, rows, n, with_mark, NULL, NULL, NULL);
}

cg_status cg_html_findings_to(cg_buf *b, const char *table_id, const char *heading, const cg_html_row *rows,
                              size_t n, int with_mark, cg_sink_fn sink, void *ud, cg_error *err)
{
    cg_status st = CG_OK;
    int any_rt = 0, any_layer = 0;
    for (size_t i = 0; i < n; i++) {
        any_rt |= rows[i].loaded >= 0;
        any_layer |= rows[i].layer != NULL;
    }
    cg_buf_puts(b, "<h2>");
    cg_html_esc(b, heading);
    cg_buf_printf(b, " (%zu)</h2>\n", n);
    if (any_rt)
        cg_buf_puts(b, "<p class=\"muted\">Runtime evidence was given: findings in packages that were loaded are "
                       "listed first.</p>\n");
    cg_buf_printf(b, "<div class=\"filters\" data-for=\"%s\"><input type=\"search\" placeholder=\"Filter: id, "
                     "package, text\" aria-label=\"Filter findings\">"
                     "<label>Severity at least <select aria-label=\"Minimum severity\"><option value=\"0\">any</option>"
                     "<option value=\"1\">LOW</option><option value=\"2\">MEDIUM</option><option value=\"3\">HIGH</option>"
                     "<option value=\"4\">CRITICAL</option></select></label>"
                     "<label><input type=\"checkbox\" name=\"fixable\"> fix available</label>",
                  table_id);
    if (any_rt)
        cg_buf_puts(b, "<label><input type=\"checkbox\" name=\"loaded\"> loaded only</label>");
    if (with_mark)
        cg_buf_puts(b, "<label><input type=\"checkbox\" name=\"blocked\"> blocked only</label>");
    cg_buf_printf(b, "<span class=\"count muted\">%zu finding%s</span></div>\n", n, n == 1 ? "" : "s");
    cg_buf_printf(b, "<div class=\"tw\"><table class=\"sortable\" id=\"%s\"><thead><tr>", table_id);
    if (with_mark)
        cg_buf_puts(b, "<th>Decision</th>");
    cg_buf_puts(b, "<th data-num>Severity</th><th>Vulnerability</th><th>Package</th><th>Installed</th>"
                   "<th>Fixed</th><th>Status</th><th data-num>Score</th><th>KEV</th><th data-num class=\"opt\">EPSS</th>");
    if (any_rt)
        cg_buf_puts(b, "<th>Runtime</th>");
    if (any_layer)
        cg_buf_puts(b, "<th data-num class=\"opt\">Layer</th>");
    cg_buf_puts(b, "<th class=\"opt\">Target</th><th class=\"opt\">Title</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < n; i++) {
        const cg_html_row *r = &rows[i];
        int s = sev_ok(r->severity);
        cg_buf_printf(b, "<tr data-i=\"%zu\" data-sev=\"%d\" data-fix=\"%d\" data-loaded=\"%d\"", i, s,
                      r->fixed && *r->fixed ? 1 : 0, r->loaded == 1);
        if (with_mark) {
            cg_buf_puts(b, " data-mark=\"");
            cg_html_esc(b, r->mark ? r->mark : "pass");
            cg_buf_putc(b, '"');
        }
        cg_buf_putc(b, '>');
        if (with_mark) {
            const char *m = r->mark ? r->mark : "pass";
            cg_buf_puts(b, "<td><span class=\"tag m-");
            cg_html_esc(b, m);
            cg_buf_puts(b, "\">");
            cg_html_esc(b, m);
            cg_buf_puts(b, "</span></td>");
        }
        cg_buf_printf(b, "<td data-v=\"%d\"><span class=\"sev s%d\">%s</span></td>", s, s, SEV_NAME[s]);
        cg_buf_puts(b, "<td class=\"id\">");
        if (cg_html_href_ok(r->url)) {
            cg_buf_puts(b, "<a rel=\"noopener noreferrer\" href=\"");
            cg_html_esc(b, r->url);
            cg_buf_puts(b, "\">");
            cg_html_esc(b, r->id);
            cg_buf_puts(b, "</a>");
        } else {
            cg_html_esc(b, r->id);
        }
        cg_buf_puts(b, "</td>");
        td(b, "pkg", r->pkg);
        td(b, "pkg", r->installed);
        td(b, "pkg", r->fixed);
        td(b, NULL, r->status);
        if (r->score >= 0)
            cg_buf_printf(b, "<td class=\"num\" data-v=\"%.1f\">%.1f</td>", r->score, r->score);
        else
            cg_buf_puts(b, "<td class=\"num\" data-v=\"-1\"></td>");
        td(b, NULL, r->kev ? "yes" : "");
        if (r->epss >= 0)
            cg_buf_printf(b, "<td class=\"num opt\" data-v=\"%.5f\">%.2f%%</td>", r->epss, r->epss * 100.0);
        else
            cg_buf_puts(b, "<td class=\"num opt\" data-v=\"-1\"></td>");
        if (any_rt)
            cg_buf_puts(b, r->loaded == 1   ? "<td class=\"loaded\">loaded</td>"
                           : r->loaded == 0 ? "<td class=\"notloaded\">not loaded</td>"
                                            : "<td class=\"muted\">no evidence</td>");
        if (any_layer) {
            cg_buf_printf(b, "<td class=\"opt\" data-v=\"%d\">", r->layer_index);
            cg_html_esc(b, r->layer);
            cg_buf_puts(b, "</td>");
        }
        td(b, "opt", r->target);
        td(b, "opt", r->title);
        cg_buf_puts(b, "</tr>\n");
        if (sink && b->len >= 65536) {
            if ((st = sink(ud, b->data, b->len, err)) != CG_OK)
                return st;
            cg_buf_reset(b);
        }
    }
    cg_buf_puts(b, "</tbody></table></div>\n");
    return st;
}

void cg_html_facts(cg_buf *b, const char *const *kv, size_t n_pairs)
{
    cg_buf_puts(b, "<dl class=\"facts\">");
    for (size_t i = 0; i < n_pairs; i++) {
        if (!kv[2 * i + 1])
            continue;
        cg_buf_puts(b, "<dt>");
        cg_html_esc(b, kv[2 * i]);
        cg_buf_puts(b, "</dt><dd>");
        cg_html_esc(b, kv[2 * i + 1]);
        cg_buf_puts(b, "</dd>");
    }
    cg_buf_puts(b, "</dl>\n");
}

void cg_html_end(cg_buf *b)
{
    cg_buf_puts(b, "<footer class=\"muted\"><p>Written by cgate. This page is self-contained: it loads nothing "
                   "from the network.</p></footer>\n</main>\n<script>");
    cg_buf_puts(b, JS);
    cg_buf_puts(b, "</script>\n</body>\n</html>\n");
}

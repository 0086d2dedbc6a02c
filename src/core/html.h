/*
 * html.h - the kit behind cgate's HTML reports (`cgate scan -f html`,
 * `cgate policy -f html`, `cgate run`'s report.html): one self-contained page
 * (inline CSS, inline SVG charts, a little inline JavaScript that only sorts
 * and hides existing rows), a Content-Security-Policy that forbids every
 * fetch, and HTML escaping of every value.  Scan and policy both fill
 * cg_html_row lists from their own records; core holds the layout so the
 * two stages share it without depending on each other (DESIGN §9).
 */
#ifndef CGATE_CORE_HTML_H
#define CGATE_CORE_HTML_H

#include <stddef.h>

#include "cgate/buf.h"
#include "cgate/error.h"

/* One finding as the page shows it.  Strings may be NULL. */
typedef struct cg_html_row {
    const char *id, *pkg, *installed, *fixed, *status, *title, *url, *target;
    const char *layer;  /* label of the layer that brought the package ("2 sha256:abcd..."), or NULL */
    int layer_index;    /* for ordering the layer chart; -1 unknown */
    int severity;       /* cg_severity: 0 UNKNOWN .. 4 CRITICAL */
    double score;       /* < 0: none */
    int kev;
    double epss;        /* < 0: unknown */
    int loaded;         /* runtime evidence: 1 loaded, 0 never loaded, -1 none */
    const char *mark;   /* decision pages: "blocked", "excepted", "vex", "allowed" ... NULL on scan pages */
} cg_html_row;

/* Escaped text: & < > " ' become entities, control bytes '?'; NULL is "". */
void cg_html_esc(cg_buf *b, const char *s);
/* An href: only http:// and https:// URLs, escaped; anything else "" (1 when written). */
int cg_html_href_ok(const char *url);

/* <!doctype html> ... <body><header>: title and one subtitle line (escaped). */
void cg_html_begin(cg_buf *b, const char *title, const char *subtitle);
/* The rows in the page's default order: loaded first (when any row has
 * runtime evidence), then severity (highest first), id, package, installed
 * version; ties keep their input order.  Sorts rows in place. */
void cg_html_sort_rows(cg_html_row *rows, size_t n);
/* Summary charts: severity bars, fixable share, per-layer and per-package
 * counts (top 12) as inline SVG. */
cg_status cg_html_charts(cg_buf *b, const cg_html_row *rows, size_t n);
/* The findings table (sortable, filterable); with_mark adds the decision
 * column.  table_id must be a fixed identifier ([a-z-]). */
void cg_html_findings(cg_buf *b, const char *table_id, const char *heading, const cg_html_row *rows, size_t n,
                      int with_mark);
/* The same, handing b to sink whenever it holds 64 KiB (a page of 100,000
 * findings is not held whole); a sink's failure stops it (err set by it). */
cg_status cg_html_findings_to(cg_buf *b, const char *table_id, const char *heading, const cg_html_row *rows,
                              size_t n, int with_mark, cg_sink_fn sink, void *ud, cg_error *err);
/* A definition list of label/value pairs (values escaped); NULL values skipped. */
void cg_html_facts(cg_buf *b, const char *const *kv, size_t n_pairs);
/* The script and </body></html>.  Writes do not stop at a failed append:
 * callers compare cg_oom_count() before and after (core/oom.h). */
void cg_html_end(cg_buf *b);

#endif

/*
 * table.h - the one text-table layout of cgate's human outputs (scan, sbom,
 * policy, lint): columns padded to their widest cell, or, given a width,
 * fitted to it: cells wrap at spaces and a word longer than its column is
 * elided ("..."), never split across lines or columns.  Text from images and
 * advisories reaches terminals, so control bytes print as '?'.  Widths count
 * UTF-8 code points.  When fitted, columns empty in every row are left out
 * and a "detail" column (a title) moves under its row.  Library code: it never asks the terminal, the caller
 * says how wide (0 = unbounded, each column as wide as its widest cell).
 */
#ifndef CG_CORE_TABLE_H
#define CG_CORE_TABLE_H

#include <stddef.h>

#include "cgate/arena.h"
#include "cgate/buf.h"
#include "cgate/error.h"

typedef struct cg_table_row {
    const char **cells; /* [ncols], sanitized copies */
    const char *color;  /* ANSI start sequence for the colour column, or NULL */
} cg_table_row;

typedef struct cg_table {
    cg_arena *a;
    size_t ncols, gap; /* spaces between columns */
    const char *const *head;
    int color_col; /* column painted with a row's colour, -1 none */
    int detail_col; /* when the table must be fitted: this column (a title) goes on
                     * its own wrapped, indented line under its row (-1 none) */
    cg_table_row *rows;
    size_t n, cap;
    cg_status st; /* first failure of cg_table_add */
    /* rows not stored (cg_table_source): asked for again each time they are
     * measured or drawn */
    void (*row_fn)(void *ud, size_t i, const char **cells, const char **color);
    void *row_ud;
} cg_table;

void cg_table_init(cg_table *t, cg_arena *a, size_t ncols, const char *const *head, size_t gap, int color_col);
/* Add one row (cells copied, NULL = ""); failures are remembered in t->st. */
void cg_table_add(cg_table *t, const char *const *cells, const char *color);
/* Render header and rows into out.  width 0: unbounded; color: paint. */
cg_status cg_table_render(const cg_table *t, size_t width, int color, cg_buf *out);
/* Rows 0..n-1 come from fn instead of cg_table_add (nothing kept per row):
 * fn fills cells[ncols] (NULL = "", valid until the next call) and *color.
 * For tables too long to hold (100,000 findings). */
void cg_table_source(cg_table *t, size_t n, void (*fn)(void *ud, size_t i, const char **cells, const char **color),
                     void *ud);
/* cg_table_render handing out to sink whenever it holds 64 KiB (sink NULL:
 * as cg_table_render); what is left in out is the caller's to flush. */
cg_status cg_table_render_to(const cg_table *t, size_t width, int color, cg_buf *out, cg_sink_fn sink, void *ud,
                             cg_error *err);

/* Code points in s. */
size_t cg_text_width(const char *s);
/* s with control bytes as '?'. */
cg_status cg_text_put_safe(cg_buf *out, const char *s);
/* s (sanitized) word-wrapped to width (0: one line), continuation lines
 * indented by indent spaces; ends with a newline. */
cg_status cg_text_wrap(cg_buf *out, const char *s, size_t width, size_t indent);

#endif

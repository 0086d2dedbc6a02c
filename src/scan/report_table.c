/*
 * report_table.c - the report for people: per target a header, a count per
 * severity, and one row per finding (LIBRARY, VULNERABILITY, SEVERITY, KEV,
 * STATUS, INSTALLED, FIXED, TITLE) padded to the widest cell.  Colour (the
 * severity word) only when the caller asks: the CLI decides from the terminal
 * and NO_COLOR.  Text from images and advisories can reach a terminal, so
 * control bytes print as '?'; titles are cut at 60 characters.
 */
#include <stdio.h>
#include <string.h>

#include "scan/scan_int.h"

enum { NCOLS = 8, TITLE_MAX = 60 };

static const char *const SEV_COLOR[CG_SEV_COUNT] = {"", "\033[34m", "\033[33m", "\033[31m", "\033[1;31m"};

static size_t display_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80)
            w++;
    return w;
}

/* At most max code points of s (UTF-8 aware), "..." appended when cut. */
static const char *clip(cg_arena *a, const char *s, size_t max)
{
    size_t w = 0, i = 0;
    for (; s[i]; i++) {
        if (((unsigned char)s[i] & 0xc0) != 0x80) {
            if (w == max)
                break;
            w++;
        }
    }
    if (!s[i])
        return s;
    return cg_arena_sprintf(a, "%.*s...", (int)i, s);
}

static cg_status put_safe(cg_buf *out, const char *s)
{
    cg_status st = CG_OK;
    for (; *s && st == CG_OK; s++) {
        unsigned char c = (unsigned char)*s;
        st = cg_buf_putc(out, c < 0x20 || c == 0x7f ? '?' : (char)c);
    }
    return st;
}

static cg_status put_row(cg_buf *out, const char *const *cells, const size_t *width, const char *sev_color)
{
    cg_status st = CG_OK;
    int last = NCOLS - 1;
    while (last > 0 && !cells[last][0])
        last--;
    for (int c = 0; c <= last && st == CG_OK; c++) {
        int col = c == 2 && sev_color && *sev_color;
        if (col)
            st = cg_buf_puts(out, sev_color);
        if (st == CG_OK)
            st = put_safe(out, cells[c]);
        if (col && st == CG_OK)
            st = cg_buf_puts(out, "\033[0m");
        for (size_t w = display_width(cells[c]); c < last && w < width[c] + 2 && st == CG_OK; w++)
            st = cg_buf_putc(out, ' ');
    }
    return st == CG_OK ? cg_buf_putc(out, '\n') : st;
}

static cg_status write_target(const cg_report *r, size_t t, size_t b, size_t e, int color, cg_arena *a, cg_buf *out)
{
    const cg_report_target *tg = &r->targets[t];
    size_t count[CG_SEV_COUNT] = {0};
    for (size_t i = b; i < e; i++)
        count[r->findings[i].severity]++;
    cg_status st = put_safe(out, tg->name);
    if (st == CG_OK)
        st = cg_buf_printf(out, " (%s, %s)\nTotal: %zu (UNKNOWN: %zu, LOW: %zu, MEDIUM: %zu, HIGH: %zu, CRITICAL: %zu)\n",
                           cg_report_target_class_name(tg->class_), tg->type, e - b, count[0], count[1], count[2],
                           count[3], count[4]);
    if (st != CG_OK || b == e)
        return st == CG_OK ? cg_buf_putc(out, '\n') : st;
    static const char *const head[NCOLS] = {"LIBRARY", "VULNERABILITY", "SEVERITY", "KEV",
                                            "STATUS",  "INSTALLED",     "FIXED",    "TITLE"};
    const char *(*rows)[NCOLS] = cg_arena_calloc(a, e - b, sizeof *rows);
    if (!rows)
        return CG_ERR_NOMEM;
    size_t width[NCOLS];
    for (int c = 0; c < NCOLS; c++)
        width[c] = strlen(head[c]);
    for (size_t i = b; i < e; i++) {
        const cg_finding *f = &r->findings[i];
        const char **row = rows[i - b];
        row[0] = cg_finding_pkg_name(f);
        row[1] = f->vuln_id;
        row[2] = cg_severity_name(f->severity);
        row[3] = f->kev ? "yes" : "";
        row[4] = cg_finding_status_name(f->status);
        row[5] = f->installed;
        row[6] = f->fixed ? f->fixed : "";
        row[7] = f->adv->summary ? clip(a, f->adv->summary, TITLE_MAX) : "";
        if (!row[7])
            return CG_ERR_NOMEM;
        for (int c = 0; c < NCOLS; c++) {
            size_t w = display_width(row[c]);
            if (w > width[c])
                width[c] = w;
        }
    }
    st = cg_buf_putc(out, '\n');
    if (st == CG_OK)
        st = put_row(out, head, width, NULL);
    for (size_t i = b; i < e && st == CG_OK; i++)
        st = put_row(out, rows[i - b], width, color ? SEV_COLOR[r->findings[i].severity] : NULL);
    return st == CG_OK ? cg_buf_putc(out, '\n') : st;
}

cg_status cg_report_write_table(const cg_report *r, int color, cg_buf *out, cg_error *err)
{
    cg_arena a;
    cg_arena_init(&a);
    cg_status st = CG_OK;
    if (r->n_targets == 0)
        st = cg_buf_puts(out, "No packages were matched against advisories.\n");
    size_t k = 0;
    for (size_t t = 0; t < r->n_targets && st == CG_OK; t++) {
        size_t b = k;
        while (k < r->n_findings && r->findings[k].target == t)
            k++;
        st = write_target(r, t, b, k, color, &a, out);
    }
    if (st == CG_OK && r->extra)
        st = cg_findings_write_table(r->extra, color, out);
    cg_arena_free(&a);
    if (st != CG_OK)
        return cg_error_set(err, st, "writing table: %s", cg_status_name(st));
    return CG_OK;
}

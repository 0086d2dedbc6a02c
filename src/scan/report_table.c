/*
 * report_table.c - the report for people: per target a header, a count per
 * severity, and one row per finding (LIBRARY, VULNERABILITY, SEVERITY, KEV,
 * STATUS, INSTALLED, FIXED, TITLE), most severe first, laid out by
 * core/table.c: padded to the widest cell, or fitted to the width asked for.  Colour (the
 * severity word) only when the caller asks: the CLI decides from the terminal
 * and NO_COLOR.  Text from images and advisories can reach a terminal, so
 * control bytes print as '?'; titles are cut at 60 characters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgate/runtime.h"
#include "core/table.h"
#include "scan/scan_int.h"

enum { NCOLS = 8, TITLE_MAX = 60 };

static const char *const SEV_COLOR[CG_SEV_COUNT] = {"", "\033[34m", "\033[33m", "\033[31m", "\033[1;31m"};

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

/* 1 loaded, 0 not, -1 no evidence. */
static int runtime_loaded(const cg_report *r, const cg_finding *f)
{
    if (!r->runtime || f->pkg_index >= r->runtime->n_pkgs)
        return -1;
    return r->runtime->loaded[f->pkg_index] ? 1 : 0;
}

/* Row order: (with runtime evidence) loaded first, then severity from
 * CRITICAL down, then vulnerability id, then package. */
typedef struct row_key {
    const cg_finding *f;
    int loaded;
    size_t idx;
} row_key;

static int by_severity(const void *pa, const void *pb)
{
    const row_key *x = pa, *y = pb;
    if (x->loaded != y->loaded)
        return y->loaded - x->loaded;
    if (x->f->v->severity != y->f->v->severity)
        return (int)y->f->v->severity - (int)x->f->v->severity;
    int c = strcmp(x->f->v->vuln_id, y->f->v->vuln_id);
    if (c)
        return c;
    c = strcmp(cg_finding_pkg_name(x->f), cg_finding_pkg_name(y->f));
    if (c)
        return c;
    return x->idx < y->idx ? -1 : 1;
}

static cg_status write_target(const cg_report *r, size_t t, size_t b, size_t e, int color, size_t width, cg_arena *a,
                              cg_buf *out)
{
    const cg_report_target *tg = &r->targets[t];
    size_t count[CG_SEV_COUNT] = {0}, fixable = 0, kev = 0;
    for (size_t i = b; i < e; i++) {
        count[r->findings[i].v->severity]++;
        fixable += r->findings[i].fixed != NULL;
        kev += r->findings[i].v->kev != 0;
    }
    const char *head_line = cg_arena_sprintf(a, "%s (%s, %s)", tg->name, cg_report_target_class_name(tg->class_),
                                             tg->type);
    const char *sum = cg_arena_sprintf(a,
                                       "Total: %zu (UNKNOWN: %zu, LOW: %zu, MEDIUM: %zu, HIGH: %zu, CRITICAL: %zu), "
                                       "fixable: %zu, no fix: %zu, KEV: %zu",
                                       e - b, count[0], count[1], count[2], count[3], count[4], fixable,
                                       e - b - fixable, kev);
    if (!head_line || !sum)
        return CG_ERR_NOMEM;
    cg_status st = cg_text_wrap(out, head_line, width, 2);
    if (st == CG_OK)
        st = cg_text_wrap(out, sum, width, 2);
    if (st != CG_OK || b == e)
        return st == CG_OK ? cg_buf_putc(out, '\n') : st;
    static const char *const head[NCOLS] = {"LIBRARY", "VULNERABILITY", "SEVERITY", "KEV",
                                            "STATUS",  "INSTALLED",     "FIXED",    "TITLE"};
    row_key *order = cg_arena_calloc(a, e - b, sizeof *order);
    if (!order)
        return CG_ERR_NOMEM;
    for (size_t i = b; i < e; i++)
        order[i - b] = (row_key){&r->findings[i], runtime_loaded(r, &r->findings[i]) > 0, i};
    qsort(order, e - b, sizeof *order, by_severity);
    cg_table tb;
    cg_table_init(&tb, a, NCOLS, head, 2, 2);
    tb.detail_col = 7; /* narrow terminals: the title under its row */
    for (size_t k = 0; k < e - b; k++) {
        const cg_finding *f = order[k].f;
        const char *row[NCOLS];
        row[0] = cg_finding_pkg_name(f);
        if (runtime_loaded(r, f) > 0 && !(row[0] = cg_arena_sprintf(a, "%s (loaded)", row[0])))
            return CG_ERR_NOMEM;
        row[1] = f->v->vuln_id;
        row[2] = cg_severity_name(f->v->severity);
        row[3] = f->v->kev ? "yes" : "";
        row[4] = cg_finding_status_name(f->status);
        row[5] = f->installed;
        row[6] = f->fixed ? f->fixed : "";
        row[7] = f->v->adv->summary ? clip(a, f->v->adv->summary, TITLE_MAX) : "";
        if (!row[7])
            return CG_ERR_NOMEM;
        cg_table_add(&tb, row, color ? SEV_COLOR[f->v->severity] : NULL);
    }
    st = cg_buf_putc(out, '\n');
    if (st == CG_OK)
        st = cg_table_render(&tb, width, color, out);
    return st == CG_OK ? cg_buf_putc(out, '\n') : st;
}

cg_status cg_report_write_table(const cg_report *r, int color, size_t width, cg_buf *out, cg_error *err)
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
        st = write_target(r, t, b, k, color, width, &a, out);
    }
    if (st == CG_OK && r->extra)
        st = cg_findings_write_table(r->extra, color, width, out);
    cg_arena_free(&a);
    if (st != CG_OK)
        return cg_error_set(err, st, "writing table: %s", cg_status_name(st));
    return CG_OK;
}

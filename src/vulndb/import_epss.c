/*
 * import_epss.c - FIRST's EPSS scores as published (epss_scores-YYYY-MM-DD.csv,
 * optionally .gz): an optional "#model_version:...,score_date:..." line, a
 * "cve,epss,percentile" header, then one CVE per line.  A bad line is skipped
 * with its line number.  An import of EPSS replaces the previous scores.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vulndb/vdb_int.h"

#define EPSS_MAX_LINES 5000000

static int parse_prob(const char *s, size_t n, double *out)
{
    char tmp[64];
    if (n == 0 || n >= sizeof tmp)
        return -1;
    memcpy(tmp, s, n);
    tmp[n] = 0;
    char *end;
    double v = strtod(tmp, &end);
    if (*end || !(v >= 0 && v <= 1))
        return -1;
    *out = v;
    return 0;
}

cg_status vdb_import_epss(vdb_imp *im, const uint8_t *buf, size_t len, const char *file, cg_error *err)
{
    if (sqlite3_exec(im->db, "DELETE FROM epss", NULL, NULL, NULL) != SQLITE_OK)
        return cg_error_set(err, CG_ERR_INTERNAL, "vulnerability DB: clearing EPSS: %s", sqlite3_errmsg(im->db));
    /* an empty file (a .csv.gz inflating to nothing) comes as NULL, 0 (found by fuzz_vdb_wrap) */
    const char *p = buf ? (const char *)buf : "", *end = p + (buf ? len : 0);
    size_t line = 0;
    int header = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        size_t n = (size_t)(le - p);
        if (n && p[n - 1] == '\r')
            n--;
        const char *l = p;
        p = nl ? nl + 1 : end;
        if (++line > EPSS_MAX_LINES)
            return cg_error_set(err, CG_ERR_LIMIT, "%s: more than %d lines (cap)", file, EPSS_MAX_LINES);
        if (n == 0 || l[0] == '#')
            continue;
        if (!header && n >= 4 && !memcmp(l, "cve,", 4)) {
            header = 1;
            continue;
        }
        const char *c1 = memchr(l, ',', n);
        const char *c2 = c1 ? memchr(c1 + 1, ',', (size_t)(l + n - c1 - 1)) : NULL;
        char where[32];
        snprintf(where, sizeof where, "line %zu", line);
        double e, pct;
        if (!c1 || !c2 || c1 - l < 9 || c1 - l > 40 || memcmp(l, "CVE-", 4) ||
            parse_prob(c1 + 1, (size_t)(c2 - c1 - 1), &e) || parse_prob(c2 + 1, (size_t)(l + n - c2 - 1), &pct)) {
            vdb_skip(im, file, where, "not \"CVE-ID,epss,percentile\"");
            continue;
        }
        sqlite3_reset(im->ins_epss);
        sqlite3_bind_text(im->ins_epss, 1, l, (int)(c1 - l), SQLITE_TRANSIENT);
        sqlite3_bind_double(im->ins_epss, 2, e);
        sqlite3_bind_double(im->ins_epss, 3, pct);
        if (sqlite3_step(im->ins_epss) != SQLITE_DONE)
            return cg_error_set(err, CG_ERR_INTERNAL, "vulnerability DB: inserting EPSS: %s", sqlite3_errmsg(im->db));
        im->rep->imported++;
    }
    return vdb_touch(im, "epss", err);
}

/*
 * cli_scanopts.c - parsing the scan options that `cgate scan` and `cgate run`
 * share (--db-max-age, --now, --severity, --pkg-types), so both commands
 * accept exactly the same spellings.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cgate/scan.h"
#include "cli/cli.h"
#include "core/rfc3339.h"

int cli_parse_time(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (!errno && end != s && !*end && v >= 0) {
        *out = v;
        return 0;
    }
    int64_t t;
    char ts[32];
    if (strlen(s) == 10 && s[4] == '-' && s[7] == '-') { /* a date: its midnight UTC */
        snprintf(ts, sizeof ts, "%sT00:00:00Z", s);
        s = ts;
    }
    if (cg_rfc3339_parse(s, &t) != 0 || t < 0)
        return -1;
    /* no normalised dates: 2026-02-30 is not March 2nd */
    char back[CG_RFC3339_SIZE];
    if (strlen(s) >= 20 && s[10] == 'T' && s[strlen(s) - 1] == 'Z' && cg_rfc3339_format(t, back) == 0 &&
        strncmp(back, s, 10) != 0)
        return -1;
    *out = t;
    return 0;
}

int cli_parse_severities(const char *s, unsigned *mask)
{
    char *copy = strdup(s), *save = NULL;
    int rc = copy ? 0 : -1;
    *mask = 0;
    for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; t; t = strtok_r(NULL, ",", &save)) {
        cg_severity sv;
        static const char *const names[] = {"UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"};
        int ok = 0;
        for (int i = 0; i < 5; i++)
            if (!strcasecmp(t, names[i]) && cg_severity_parse(names[i], &sv) == 0) {
                *mask |= 1u << sv;
                ok = 1;
            }
        if (!ok)
            rc = -1;
    }
    free(copy);
    return rc || !*mask ? -1 : 0;
}

int cli_parse_pkg_types(const char *s, unsigned *mask)
{
    char *copy = strdup(s), *save = NULL;
    int rc = copy ? 0 : -1;
    *mask = 0;
    for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; t; t = strtok_r(NULL, ",", &save)) {
        if (!strcmp(t, "os"))
            *mask |= CG_SCAN_PKG_OS;
        else if (!strcmp(t, "library"))
            *mask |= CG_SCAN_PKG_LIBRARY;
        else
            rc = -1;
    }
    free(copy);
    return rc || !*mask ? -1 : 0;
}

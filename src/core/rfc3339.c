/*
 * rfc3339.c - see rfc3339.h.  One parser (strict by default, lenient forms
 * by flag for advisory feeds) and one formatter, instead of a sscanf, a
 * strptime and four strftime copies in the stages.
 */
#include "core/rfc3339.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int parse(const char *s, unsigned flags, int64_t *secs, double *frac_out)
{
    if (!s)
        return -1;
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    int n = 0;
    if (sscanf(s, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &n) != 3 || n != 10)
        return -1;
    const char *p = s + 10;
    double frac = 0;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        if (sscanf(p + 1, "%2d:%2d:%2d%n", &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 3 || n != 8)
            return -1;
        p += 9;
        if (*p == '.') {
            double scale = 0.1;
            for (p++; isdigit((unsigned char)*p); p++, scale /= 10)
                frac += (*p - '0') * scale;
        }
    } else if (!(flags & CG_RFC3339_DATE_ONLY)) {
        return -1;
    }
    long off = 0;
    if (*p == '+' || *p == '-') {
        int hh, mm;
        if (sscanf(p + 1, "%2d:%2d", &hh, &mm) != 2)
            return -1;
        off = (hh * 3600L + mm * 60L) * (*p == '-' ? -1 : 1);
    } else if (*p == 'Z' || *p == 'z') {
        /* UTC */
    } else if (*p || !(flags & CG_RFC3339_NO_ZONE)) {
        return -1;
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    time_t t = timegm(&tm);
    if (t == (time_t)-1)
        return -1;
    *secs = (int64_t)t - off;
    *frac_out = frac;
    return 0;
}

int cg_rfc3339_parse(const char *s, int64_t *out)
{
    int64_t t;
    double frac;
    if (parse(s, 0, &t, &frac) != 0)
        return -1;
    *out = t;
    return 0;
}

int cg_rfc3339_parse_ex(const char *s, unsigned flags, double *out)
{
    int64_t t;
    double frac;
    if (parse(s, flags, &t, &frac) != 0) {
        *out = NAN;
        return -1;
    }
    *out = (double)t + frac;
    return 0;
}

int cg_rfc3339_format(int64_t t, char out[CG_RFC3339_SIZE])
{
    out[0] = 0;
    /* 0000-01-01 is out of time_t's portable range; keep to 1970..9999. */
    if (t < 0 || t > 253402300799LL)
        return -1;
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || strftime(out, CG_RFC3339_SIZE, "%Y-%m-%dT%H:%M:%SZ", &tm) != 20) {
        out[0] = 0;
        return -1;
    }
    return 0;
}

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

int64_t cg_days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

const char *cg_human_span(int64_t s, char *buf, size_t cap)
{
    if (s >= 86400)
        snprintf(buf, cap, "%.1f days", (double)s / 86400.0);
    else if (s >= 3600)
        snprintf(buf, cap, "%.1f hours", (double)s / 3600.0);
    else if (s >= 60)
        snprintf(buf, cap, "%lld min", (long long)(s / 60));
    else
        snprintf(buf, cap, "%lld s", (long long)s);
    return buf;
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

/* Strict fields (no sscanf leniency, no timegm normalisation), for VEX. */
int cg_rfc3339_parse_ns(const char *s, int64_t *secs, int32_t *nanos)
{
    int y, mo, d, h, mi, se, oh = 0, om = 0;
    size_t n = strlen(s);
    if (n < 20 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
        digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || digits(s + 11, 2, &h) ||
        s[13] != ':' || digits(s + 14, 2, &mi) || s[16] != ':' || digits(s + 17, 2, &se))
        return -1;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || se > 60)
        return -1;
    if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return -1;
    const char *p = s + 19;
    int32_t ns = 0;
    if (*p == '.') {
        int k = 0;
        for (p++; isdigit((unsigned char)*p); p++, k++)
            if (k < 9)
                ns = ns * 10 + (*p - '0');
        if (k == 0)
            return -1;
        for (; k < 9; k++)
            ns *= 10;
    }
    int sign = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        sign = *p == '-' ? -1 : 1;
        if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om) || oh > 23 || om > 59)
            return -1;
        p += 6;
    } else {
        return -1;
    }
    if (*p)
        return -1;
    int64_t t = cg_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
    t -= sign * (oh * 3600 + om * 60);
    *secs = t;
    *nanos = ns;
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

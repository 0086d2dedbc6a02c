/*
 * bi_time.c - time.* builtins over nanoseconds since the epoch (int64, as
 * Go's time.Time.UnixNano): RFC 3339 parsing, Go layouts for time.parse_ns,
 * date/clock/weekday/add_date/diff in UTC (time zones other than UTC are
 * refused with an error rather than guessed).  Civil-date arithmetic is the
 * proleptic Gregorian calendar, like Go's.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rego/builtins.h"

static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int64_t *m, int64_t *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp + (mp < 10 ? 3 : -9);
    *y = yy + (*m <= 2);
}

/* seconds + nanos -> ns with range check */
static int to_ns(rctx *c, const char *name, __int128 secs, int64_t nanos, int64_t *out)
{
    __int128 v = secs * 1000000000 + nanos;
    if (v > INT64_MAX || v < INT64_MIN) {
        bi_err(c, "%s: time outside of valid range", name);
        return -1;
    }
    *out = (int64_t)v;
    return 0;
}

static int num_n(const char **s, const char *e, int n, int64_t *out)
{
    int64_t v = 0;
    for (int i = 0; i < n; i++) {
        if (*s >= e || !isdigit((unsigned char)**s))
            return -1;
        v = v * 10 + (*(*s)++ - '0');
    }
    *out = v;
    return 0;
}

static rv *b_parse_rfc3339(rctx *c, rv **a, size_t n)
{
    (void)n;
    if (a[0]->k != RV_STR)
        return bi_type_err(c, "time.parse_rfc3339_ns", 1, a[0], "string");
    const char *s = a[0]->u.s, *e = s + a[0]->n;
    int64_t y, mo, d, h, mi, se, frac = 0;
    const char *bad = NULL;
    if (num_n(&s, e, 4, &y) || s >= e || *s++ != '-' || num_n(&s, e, 2, &mo) || s >= e || *s++ != '-' ||
        num_n(&s, e, 2, &d) || s >= e || (*s != 'T' && *s != 't') || !++s || num_n(&s, e, 2, &h) || s >= e ||
        *s++ != ':' || num_n(&s, e, 2, &mi) || s >= e || *s++ != ':' || num_n(&s, e, 2, &se))
        bad = "cannot parse";
    if (!bad && s < e && *s == '.') {
        s++;
        int digits = 0;
        while (s < e && isdigit((unsigned char)*s)) {
            if (digits < 9) {
                frac = frac * 10 + (*s - '0');
                digits++;
            }
            s++;
        }
        while (digits++ < 9)
            frac *= 10;
    }
    int64_t off = 0;
    if (!bad) {
        if (s < e && (*s == 'Z' || *s == 'z'))
            s++;
        else if (s < e && (*s == '+' || *s == '-')) {
            int neg = *s++ == '-';
            int64_t oh = 0, om = 0;
            if (num_n(&s, e, 2, &oh) || s >= e || *s++ != ':' || num_n(&s, e, 2, &om))
                bad = "cannot parse";
            off = (oh * 3600 + om * 60) * (neg ? -1 : 1);
        } else
            bad = "cannot parse";
        if (s != e)
            bad = "cannot parse";
    }
    if (bad || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
        return bi_err(c, "time.parse_rfc3339_ns: parsing time \"%s\" as \"2006-01-02T15:04:05Z07:00\": cannot parse",
                      a[0]->u.s);
    __int128 secs = (__int128)days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - off;
    int64_t ns;
    if (to_ns(c, "time.parse_rfc3339_ns", secs, frac, &ns))
        return NULL;
    return rv_int(c, ns);
}

/* Go layout parsing (common elements) */
static rv *b_parse_ns(rctx *c, rv **a, size_t n)
{
    (void)n;
    if (a[0]->k != RV_STR)
        return bi_type_err(c, "time.parse_ns", 1, a[0], "string");
    if (a[1]->k != RV_STR)
        return bi_type_err(c, "time.parse_ns", 2, a[1], "string");
    const char *l = a[0]->u.s, *s = a[1]->u.s, *e = s + a[1]->n;
    int64_t y = 1, mo = 1, d = 1, h = 0, mi = 0, se = 0, frac = 0, off = 0;
    int pm = -1;
    static const char *mons[] = {"January", "February", "March",     "April",   "May",      "June",
                                 "July",    "August",   "September", "October", "November", "December"};
    static const char *days[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
#define LIT(x) (!strncmp(l, x, strlen(x)))
    while (*l) {
        int ok = 0;
        if (LIT("2006")) {
            ok = !num_n(&s, e, 4, &y);
            l += 4;
        } else if (LIT("January") || LIT("Jan")) {
            int full = LIT("January");
            ok = 0;
            for (int i = 0; i < 12; i++) {
                size_t ln = full ? strlen(mons[i]) : 3;
                if ((size_t)(e - s) >= ln && !strncmp(s, mons[i], ln)) {
                    mo = i + 1;
                    s += ln;
                    ok = 1;
                    break;
                }
            }
            l += full ? 7 : 3;
        } else if (LIT("Monday") || LIT("Mon")) {
            int full = LIT("Monday");
            for (int i = 0; i < 7; i++) {
                size_t ln = full ? strlen(days[i]) : 3;
                if ((size_t)(e - s) >= ln && !strncmp(s, days[i], ln)) {
                    s += ln;
                    ok = 1;
                    break;
                }
            }
            l += full ? 6 : 3;
        } else if (LIT("01") || LIT("02") || LIT("15") || LIT("04") || LIT("05") || LIT("03") || LIT("06")) {
            int64_t v = 0;
            ok = !num_n(&s, e, 2, &v);
            if (LIT("01"))
                mo = v;
            else if (LIT("02"))
                d = v;
            else if (LIT("15"))
                h = v;
            else if (LIT("03"))
                h = v;
            else if (LIT("04"))
                mi = v;
            else if (LIT("05"))
                se = v;
            else
                y = 2000 + v - (v >= 69 ? 100 : 0);
            l += 2;
        } else if (LIT(".000") || LIT(".999") || LIT(",000")) {
            while (*l == '.' || *l == ',' || *l == '0' || *l == '9')
                l++;
            ok = 1;
            if (s < e && (*s == '.' || *s == ',')) {
                s++;
                int digits = 0;
                while (s < e && isdigit((unsigned char)*s)) {
                    if (digits < 9) {
                        frac = frac * 10 + (*s - '0');
                        digits++;
                    }
                    s++;
                }
                while (digits++ < 9)
                    frac *= 10;
            }
        } else if (LIT("Z07:00") || LIT("-07:00") || LIT("-0700") || LIT("Z0700")) {
            int zok = *l == 'Z';
            int colon = strchr(l, ':') && (LIT("Z07:00") || LIT("-07:00"));
            l += LIT("Z07:00") || LIT("-07:00") ? 6 : 5;
            if (zok && s < e && *s == 'Z') {
                s++;
                ok = 1;
            } else if (s < e && (*s == '+' || *s == '-')) {
                int neg = *s++ == '-';
                int64_t oh = 0, om = 0;
                ok = !num_n(&s, e, 2, &oh);
                if (ok && colon)
                    ok = s < e && *s++ == ':';
                ok = ok && !num_n(&s, e, 2, &om);
                off = (oh * 3600 + om * 60) * (neg ? -1 : 1);
            }
        } else if (LIT("MST")) {
            l += 3;
            while (s < e && isupper((unsigned char)*s))
                s++;
            ok = 1;
        } else if (LIT("PM") || LIT("pm")) {
            l += 2;
            if ((size_t)(e - s) >= 2) {
                pm = (s[0] == 'P' || s[0] == 'p');
                s += 2;
                ok = 1;
            }
        } else if (*l == '1' || *l == '2' || *l == '3' || *l == '4' || *l == '5') {
            int64_t v = 0;
            int dg = 0;
            while (s < e && isdigit((unsigned char)*s) && dg < 2) {
                v = v * 10 + (*s++ - '0');
                dg++;
            }
            ok = dg > 0;
            if (*l == '1')
                mo = v;
            else if (*l == '2')
                d = v;
            else if (*l == '3')
                h = v;
            else if (*l == '4')
                mi = v;
            else
                se = v;
            l++;
        } else {
            ok = s < e && *s == *l;
            s++;
            l++;
        }
        if (!ok)
            return bi_err(c, "time.parse_ns: parsing time \"%s\" as \"%s\": cannot parse", a[1]->u.s, a[0]->u.s);
    }
#undef LIT
    if (s != e)
        return bi_err(c, "time.parse_ns: parsing time \"%s\": extra text", a[1]->u.s);
    if (pm == 1 && h < 12)
        h += 12;
    if (pm == 0 && h == 12)
        h = 0;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 59)
        return bi_err(c, "time.parse_ns: parsing time \"%s\": value out of range", a[1]->u.s);
    __int128 secs = (__int128)days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - off;
    int64_t ns;
    if (to_ns(c, "time.parse_ns", secs, frac, &ns))
        return NULL;
    return rv_int(c, ns);
}

/* ns argument: number or [number, tz] */
static int ns_arg(rctx *c, const char *name, rv *x, int64_t *ns)
{
    rv *v = x;
    if (x->k == RV_ARR) {
        if (x->n != 2 || x->u.a[1]->k != RV_STR) {
            bi_type_err(c, name, 1, x, "either number or array[number, string]");
            return -1;
        }
        const char *tz = x->u.a[1]->u.s;
        if (*tz && strcmp(tz, "UTC") && strcmp(tz, "Local")) {
            bi_err(c, "%s: time zone %s not supported by cgate (UTC only)", name, tz);
            return -1;
        }
        v = x->u.a[0];
    }
    if (v->k != RV_NUM) {
        bi_type_err(c, name, 1, x, "either number or array[number, string]");
        return -1;
    }
    if (!rv_num_to_i64(v, ns)) {
        if (v->nk == NUM_FLT) {
            double f = v->u.f;
            if (f > 9.2e18 || f < -9.2e18) {
                bi_err(c, "%s: timestamp too big", name);
                return -1;
            }
            *ns = (int64_t)f;
            return 0;
        }
        bi_err(c, "%s: timestamp too big", name);
        return -1;
    }
    return 0;
}

static void split_ns(int64_t ns, int64_t *days, int64_t *sod)
{
    int64_t secs = ns / 1000000000;
    if (ns % 1000000000 < 0)
        secs--;
    *days = secs / 86400;
    *sod = secs % 86400;
    if (*sod < 0) {
        *sod += 86400;
        (*days)--;
    }
}

static rv *b_date(rctx *c, rv **a, size_t n)
{
    (void)n;
    int64_t ns, days, sod, y, m, d;
    if (ns_arg(c, "time.date", a[0], &ns))
        return NULL;
    split_ns(ns, &days, &sod);
    civil_from_days(days, &y, &m, &d);
    rv **v = rg_alloc(c, 3 * sizeof(rv *));
    v[0] = rv_int(c, y);
    v[1] = rv_int(c, m);
    v[2] = rv_int(c, d);
    return rv_arr(c, v, 3);
}
static rv *b_clock(rctx *c, rv **a, size_t n)
{
    (void)n;
    int64_t ns, days, sod;
    if (ns_arg(c, "time.clock", a[0], &ns))
        return NULL;
    split_ns(ns, &days, &sod);
    rv **v = rg_alloc(c, 3 * sizeof(rv *));
    v[0] = rv_int(c, sod / 3600);
    v[1] = rv_int(c, sod / 60 % 60);
    v[2] = rv_int(c, sod % 60);
    return rv_arr(c, v, 3);
}
static rv *b_weekday(rctx *c, rv **a, size_t n)
{
    (void)n;
    static const char *days[] = {"Thursday", "Friday", "Saturday", "Sunday", "Monday", "Tuesday", "Wednesday"};
    int64_t ns, dd, sod;
    if (ns_arg(c, "time.weekday", a[0], &ns))
        return NULL;
    split_ns(ns, &dd, &sod);
    int64_t w = dd % 7;
    if (w < 0)
        w += 7;
    return rv_cstr(c, days[w]);
}
static rv *b_add_date(rctx *c, rv **a, size_t n)
{
    (void)n;
    int64_t ns, dy, dm, dd, days, sod, y, m, d;
    for (int i = 0; i < 4; i++)
        if (a[i]->k != RV_NUM)
            return bi_type_err(c, "time.add_date", i + 1, a[i], "number");
    if (!rv_num_to_i64(a[0], &ns) || !rv_num_to_i64(a[1], &dy) || !rv_num_to_i64(a[2], &dm) ||
        !rv_num_to_i64(a[3], &dd))
        return bi_err(c, "time.add_date: operands must be integers");
    split_ns(ns, &days, &sod);
    int64_t sub = ns - (days * 86400 + sod) * 1000000000;
    civil_from_days(days, &y, &m, &d);
    y += dy;
    m += dm;
    int64_t mm = m - 1;
    y += mm >= 0 ? mm / 12 : (mm - 11) / 12;
    mm = ((mm % 12) + 12) % 12;
    int64_t nd = days_from_civil(y, mm + 1, 1) + d - 1 + dd;
    int64_t out;
    if (to_ns(c, "time.add_date", (__int128)nd * 86400 + sod, sub, &out))
        return NULL;
    return rv_int(c, out);
}

static int days_in(int64_t y, int64_t m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

static rv *b_diff(rctx *c, rv **a, size_t n)
{
    (void)n;
    int64_t n1, n2;
    if (ns_arg(c, "time.diff", a[0], &n1) || ns_arg(c, "time.diff", a[1], &n2))
        return NULL;
    if (n1 > n2) {
        int64_t t = n1;
        n1 = n2;
        n2 = t;
    }
    int64_t d1, s1, d2, s2, y1, m1, dd1, y2, m2, dd2;
    split_ns(n1, &d1, &s1);
    split_ns(n2, &d2, &s2);
    civil_from_days(d1, &y1, &m1, &dd1);
    civil_from_days(d2, &y2, &m2, &dd2);
    int64_t year = y2 - y1, month = m2 - m1, day = dd2 - dd1;
    int64_t hour = s2 / 3600 - s1 / 3600, min = s2 / 60 % 60 - s1 / 60 % 60, sec = s2 % 60 - s1 % 60;
    if (sec < 0) {
        sec += 60;
        min--;
    }
    if (min < 0) {
        min += 60;
        hour--;
    }
    if (hour < 0) {
        hour += 24;
        day--;
    }
    if (day < 0) {
        day += days_in(y1, m1);
        month--;
    }
    if (month < 0) {
        month += 12;
        year--;
    }
    rv **v = rg_alloc(c, 6 * sizeof(rv *));
    int64_t vals[6] = {year, month, day, hour, min, sec};
    for (int i = 0; i < 6; i++)
        v[i] = rv_int(c, vals[i]);
    return rv_arr(c, v, 6);
}

static rv *b_format(rctx *c, rv **a, size_t n)
{
    (void)n;
    int64_t ns, days, sod, y, m, d;
    if (ns_arg(c, "time.format", a[0], &ns))
        return NULL;
    split_ns(ns, &days, &sod);
    civil_from_days(days, &y, &m, &d);
    int64_t frac = ns - (days * 86400 + sod) * 1000000000;
    char buf[64];
    int len = snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld", (long long)y, (long long)m,
                       (long long)d, (long long)(sod / 3600), (long long)(sod / 60 % 60), (long long)(sod % 60));
    if (frac) {
        char fb[16];
        snprintf(fb, sizeof fb, ".%09lld", (long long)frac);
        size_t fl = strlen(fb);
        while (fl > 1 && fb[fl - 1] == '0')
            fb[--fl] = 0;
        len += snprintf(buf + len, sizeof buf - (size_t)len, "%s", fb);
    }
    snprintf(buf + len, sizeof buf - (size_t)len, "Z");
    return rv_cstr(c, buf);
}

const builtin rg_bi_time[] = {
    {"time.parse_rfc3339_ns", 1, b_parse_rfc3339, NULL},
    {"time.parse_ns", 2, b_parse_ns, NULL},
    {"time.date", 1, b_date, NULL},
    {"time.clock", 1, b_clock, NULL},
    {"time.weekday", 1, b_weekday, NULL},
    {"time.add_date", 4, b_add_date, NULL},
    {"time.diff", 2, b_diff, NULL},
    {"time.format", 1, b_format, NULL},
    {NULL, 0, NULL, NULL},
};

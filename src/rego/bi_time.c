/*
 * bi_time.c - time.* builtins over nanoseconds since the epoch (int64, as
 * Go's time.Time.UnixNano): RFC 3339 parsing, Go layouts for time.parse_ns
 * and time.format, date/clock/weekday/add_date/diff/format in UTC or in a
 * named IANA zone given as [ns, "America/New_York"] (as OPA's tzTime).
 * Zones are read here from the system's TZif files (/usr/share/zoneinfo,
 * RFC 8536, v1-v4, with the POSIX TZ footer for times past the last
 * transition) into the query's arena: no setenv(TZ), no libc time-zone
 * state, so concurrent queries never share anything.  "Local" is UTC
 * (deterministic output).  Civil-date arithmetic is the proleptic Gregorian
 * calendar, like Go's.
 */
#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/rfc3339.h"
#include "rego/builtins.h"


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
    __int128 secs = (__int128)cg_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - off;
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
    __int128 secs = (__int128)cg_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - off;
    int64_t ns;
    if (to_ns(c, "time.parse_ns", secs, frac, &ns))
        return NULL;
    return rv_int(c, ns);
}

/* ---- time zones (TZif) ------------------------------------------------------ */
#define TZ_DIR "/usr/share/zoneinfo"
#define TZ_MAX_FILE (1u << 20)
#define TZ_MAX_TRANS 20000
#define TZ_MAX_TYPES 256

typedef struct tz_rule { /* one POSIX TZ date rule: Jn, n or Mm.w.d, at secs local time */
    char kind;           /* 'J', 'N' or 'M' */
    int m, w, d;
    int64_t secs;
} tz_rule;

typedef struct rg_tz {
    struct rg_tz *next;
    const char *name;
    int64_t *trans; /* UTC seconds, ascending */
    uint8_t *idx;   /* type of each transition */
    size_t ntrans;
    int32_t off[TZ_MAX_TYPES];
    uint8_t isdst[TZ_MAX_TYPES];
    const char *abbr[TZ_MAX_TYPES];
    size_t ntypes;
    /* POSIX footer */
    int has_rule;
    int32_t std_off, dst_off; /* seconds east of UTC */
    const char *std_abbr, *dst_abbr;
    int has_dst;
    tz_rule start, end;
} rg_tz;

static int64_t be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return (int64_t)v;
}
static int32_t be32(const uint8_t *p)
{
    return (int32_t)((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]);
}

/* POSIX TZ pieces */
static const char *tz_name(rctx *c, const char *s, const char **out)
{
    const char *b = s, *e;
    if (*s == '<') {
        b = ++s;
        while (*s && *s != '>')
            s++;
        if (*s != '>')
            return NULL;
        e = s++;
    } else {
        while (isalpha((unsigned char)*s))
            s++;
        e = s;
    }
    if (e - b < 3)
        return NULL;
    *out = rg_strdup(c->a, b, (size_t)(e - b));
    return *out ? s : NULL;
}

static const char *tz_hms(const char *s, int64_t *out)
{
    int neg = 0;
    if (*s == '+' || *s == '-')
        neg = *s++ == '-';
    if (!isdigit((unsigned char)*s))
        return NULL;
    int64_t v[3] = {0, 0, 0};
    for (int i = 0; i < 3; i++) {
        if (i && *s != ':')
            break;
        if (i)
            s++;
        int dg = 0;
        while (isdigit((unsigned char)*s) && dg < 3) {
            v[i] = v[i] * 10 + (*s++ - '0');
            dg++;
        }
        if (!dg)
            return NULL;
    }
    *out = (v[0] * 3600 + v[1] * 60 + v[2]) * (neg ? -1 : 1);
    return s;
}

static const char *tz_rule_parse(const char *s, tz_rule *r)
{
    r->secs = 7200;
    if (*s == 'M') {
        r->kind = 'M';
        s++;
        int *f[3] = {&r->m, &r->w, &r->d};
        for (int i = 0; i < 3; i++) {
            if (i && *s++ != '.')
                return NULL;
            if (!isdigit((unsigned char)*s))
                return NULL;
            *f[i] = 0;
            while (isdigit((unsigned char)*s))
                *f[i] = *f[i] * 10 + (*s++ - '0');
        }
        if (r->m < 1 || r->m > 12 || r->w < 1 || r->w > 5 || r->d > 6)
            return NULL;
    } else {
        r->kind = *s == 'J' ? 'J' : 'N';
        if (*s == 'J')
            s++;
        if (!isdigit((unsigned char)*s))
            return NULL;
        r->d = 0;
        while (isdigit((unsigned char)*s))
            r->d = r->d * 10 + (*s++ - '0');
        if (r->d > 365)
            return NULL;
    }
    if (*s == '/') {
        int64_t t;
        if (!(s = tz_hms(s + 1, &t)))
            return NULL;
        r->secs = t;
    }
    return s;
}

static int tz_footer(rctx *c, rg_tz *z, const char *s)
{
    int64_t o;
    if (!(s = tz_name(c, s, &z->std_abbr)) || !(s = tz_hms(s, &o)))
        return -1;
    z->std_off = (int32_t)-o;
    z->has_rule = 1;
    if (!*s)
        return 0;
    if (!(s = tz_name(c, s, &z->dst_abbr)))
        return -1;
    z->has_dst = 1;
    z->dst_off = z->std_off + 3600;
    if (*s && *s != ',') {
        if (!(s = tz_hms(s, &o)))
            return -1;
        z->dst_off = (int32_t)-o;
    }
    if (!*s) { /* Go's default rule: M3.2.0,M11.1.0 */
        z->start = (tz_rule){'M', 3, 2, 0, 7200};
        z->end = (tz_rule){'M', 11, 1, 0, 7200};
        return 0;
    }
    if (*s++ != ',' || !(s = tz_rule_parse(s, &z->start)) || *s++ != ',' || !(s = tz_rule_parse(s, &z->end)) || *s)
        return -1;
    return 0;
}

static int is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in(int64_t y, int64_t m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && is_leap(y))
        return 29;
    return dm[m - 1];
}

/* the rule's moment in year y, as seconds since the epoch in local (wall) time */
static int64_t tz_rule_local(const tz_rule *r, int64_t y)
{
    int64_t day; /* days since the epoch */
    if (r->kind == 'J')
        day = cg_days_from_civil(y, 1, 1) + r->d - 1 + (is_leap(y) && r->d >= 60);
    else if (r->kind == 'N')
        day = cg_days_from_civil(y, 1, 1) + r->d;
    else {
        int64_t first = cg_days_from_civil(y, r->m, 1);
        int64_t wd = ((first + 4) % 7 + 7) % 7; /* 1970-01-01 was a Thursday */
        int64_t dom = 1 + (r->d - wd + 7) % 7 + (r->w - 1) * 7;
        while (dom > days_in(y, r->m))
            dom -= 7;
        day = first + dom - 1;
    }
    return day * 86400 + r->secs;
}

static int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

/* offset (seconds east) and abbreviation in effect at UTC second t */
static int32_t tz_offset(const rg_tz *z, int64_t t, const char **abbr)
{
    if (z->ntrans == 0 || t >= z->trans[z->ntrans - 1]) {
        if (z->has_rule && (z->ntrans == 0 || t >= z->trans[z->ntrans - 1])) {
            if (!z->has_dst) {
                *abbr = z->std_abbr;
                return z->std_off;
            }
            int64_t dd = floor_div(t + z->std_off, 86400), y, m, d;
            civil_from_days(dd, &y, &m, &d);
            int64_t s = tz_rule_local(&z->start, y) - z->std_off, e = tz_rule_local(&z->end, y) - z->dst_off;
            int dst = s < e ? (t >= s && t < e) : !(t >= e && t < s);
            *abbr = dst ? z->dst_abbr : z->std_abbr;
            return dst ? z->dst_off : z->std_off;
        }
        size_t k = z->ntrans ? z->idx[z->ntrans - 1] : 0;
        *abbr = z->abbr[k];
        return z->off[k];
    }
    if (t < z->trans[0]) {
        *abbr = z->abbr[0];
        return z->off[0];
    }
    size_t lo = 0, hi = z->ntrans; /* trans[lo] <= t < trans[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (z->trans[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    *abbr = z->abbr[z->idx[lo]];
    return z->off[z->idx[lo]];
}

/* local wall-clock seconds -> UTC seconds, as Go's time.Date picks the offset */
static int64_t tz_local_to_utc(const rg_tz *z, int64_t local)
{
    const char *ab;
    int32_t off = tz_offset(z, local, &ab);
    int64_t utc = local - off;
    int32_t off2 = tz_offset(z, utc, &ab);
    return off2 == off ? utc : local - off2;
}

static int tz_parse(rctx *c, rg_tz *z, const uint8_t *p, size_t n)
{
    if (n < 44 || memcmp(p, "TZif", 4))
        return -1;
    int ver = p[4];
    const uint8_t *h = p;
    size_t tsz = 4;
    for (int pass = 0; pass < 2; pass++) {
        if ((size_t)(h - p) + 44 > n)
            return -1;
        uint32_t cnt[6];
        for (int i = 0; i < 6; i++)
            cnt[i] = (uint32_t)be32(h + 20 + 4 * i);
        uint32_t isut = cnt[0], isstd = cnt[1], leap = cnt[2], timecnt = cnt[3], typecnt = cnt[4], charcnt = cnt[5];
        if (timecnt > TZ_MAX_TRANS || typecnt == 0 || typecnt > TZ_MAX_TYPES || charcnt > 4096 || leap > 10000 ||
            isut > typecnt || isstd > typecnt)
            return -1;
        size_t blen = timecnt * tsz + timecnt + typecnt * 6 + charcnt + leap * (tsz + 4) + isstd + isut;
        const uint8_t *d = h + 44;
        if ((size_t)(d - p) + blen > n)
            return -1;
        if (pass == 0 && ver >= '2') { /* skip the 32-bit block: read the 64-bit one */
            h = d + blen;
            tsz = 8;
            continue;
        }
        z->ntrans = timecnt;
        z->trans = rg_alloc(c, sizeof(int64_t) * (timecnt + 1));
        z->idx = rg_alloc(c, timecnt + 1);
        if (!z->trans || !z->idx)
            return -2;
        for (size_t i = 0; i < timecnt; i++)
            z->trans[i] = tsz == 8 ? be64(d + i * 8) : be32(d + i * 4);
        d += timecnt * tsz;
        for (size_t i = 0; i < timecnt; i++) {
            z->idx[i] = d[i];
            if (d[i] >= typecnt)
                return -1;
        }
        d += timecnt;
        const uint8_t *chars = d + typecnt * 6;
        z->ntypes = typecnt;
        for (size_t i = 0; i < typecnt; i++) {
            z->off[i] = be32(d + i * 6);
            z->isdst[i] = d[i * 6 + 4];
            size_t ai = d[i * 6 + 5];
            if (ai >= charcnt && charcnt)
                return -1;
            const char *ab = charcnt ? (const char *)chars + ai : "";
            size_t al = strnlen(ab, charcnt - (charcnt ? ai : 0));
            z->abbr[i] = rg_strdup(c->a, ab, al);
            if (!z->abbr[i])
                return -2;
        }
        const uint8_t *end = d + blen - timecnt * tsz - timecnt;
        if (tsz == 8 && (size_t)(end - p) < n && *end == '\n') {
            const uint8_t *f = end + 1, *fe = memchr(f, '\n', n - (size_t)(f - p));
            if (fe && fe > f) {
                char *ft = rg_strdup(c->a, (const char *)f, (size_t)(fe - f));
                if (!ft)
                    return -2;
                if (tz_footer(c, z, ft))
                    z->has_rule = 0; /* unusable footer: the last transition's type stays */
            }
        }
        return 0;
    }
    return -1;
}

/* Zone by IANA name ("" and "UTC" = UTC, "Local" = UTC): NULL with c's error set. */
static const rg_tz *tz_load(rctx *c, const char *fname, const char *name, size_t len)
{
    static const rg_tz utc = {.ntypes = 1, .abbr = {"UTC"}};
    if (len == 0 || !strcmp(name, "UTC") || !strcmp(name, "Local"))
        return &utc;
    for (rg_tz *z = c->tzcache; z; z = z->next)
        if (!strcmp(z->name, name))
            return z;
    /* Go's LoadLocation refuses these before looking */
    if (strlen(name) != len || strstr(name, "..") || name[0] == '/' || name[0] == '\\' || len > 255) {
        bi_err(c, "%s: time: invalid location name", fname);
        return NULL;
    }
    char path[512];
    snprintf(path, sizeof path, "%s/%s", TZ_DIR, name);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    struct stat sb;
    uint8_t *buf = NULL;
    ssize_t got = -1;
    if (fd >= 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0 && (size_t)sb.st_size <= TZ_MAX_FILE &&
        (buf = malloc((size_t)sb.st_size))) {
        size_t off = 0;
        while (off < (size_t)sb.st_size) {
            ssize_t r = read(fd, buf + off, (size_t)sb.st_size - off);
            if (r <= 0)
                break;
            off += (size_t)r;
        }
        got = (ssize_t)off;
    }
    if (fd >= 0)
        close(fd);
    rg_tz *z = got > 0 ? rg_alloc(c, sizeof *z) : NULL;
    int rc = -1;
    if (z) {
        memset(z, 0, sizeof *z);
        rc = tz_parse(c, z, buf, (size_t)got);
    }
    free(buf);
    if (rc == -2 || (got > 0 && !z))
        return NULL; /* memory limit (error set) */
    if (rc) {
        bi_err(c, "%s: unknown time zone %s", fname, name);
        return NULL;
    }
    z->name = rg_strdup(c->a, name, len);
    if (!z->name)
        return NULL;
    z->next = c->tzcache;
    c->tzcache = z;
    return z;
}

/* A time argument as OPA's tzTime: ns, or [ns], [ns, tz], [ns, tz, layout]. */
typedef struct tztime {
    int64_t ns;        /* UTC */
    const rg_tz *z;
    const char *layout; /* NULL: none */
    int64_t local;     /* wall-clock seconds since the epoch in z */
    int64_t frac;      /* nanoseconds within the second */
    int32_t off;
    const char *abbr;
} tztime;

static void tz_fill(tztime *t)
{
    int64_t secs = floor_div(t->ns, 1000000000);
    t->frac = t->ns - secs * 1000000000;
    t->off = tz_offset(t->z, secs, &t->abbr);
    t->local = secs + t->off;
}

static int tz_time(rctx *c, const char *name, rv *x, tztime *t)
{
    static const char *want = "either number (ns) or [number (ns), string (tz)]";
    rv *v = x;
    memset(t, 0, sizeof *t);
    t->z = NULL;
    if (x->k == RV_ARR) {
        if (x->n == 0) {
            bi_type_err(c, name, 1, x, want);
            return -1;
        }
        v = x->u.a[0];
        if (v->k != RV_NUM) {
            bi_type_err(c, name, 1, v, "number");
            return -1;
        }
        if (x->n > 1) {
            rv *tz = x->u.a[1];
            if (tz->k != RV_STR) {
                bi_type_err(c, name, 1, tz, "string");
                return -1;
            }
            if (!(t->z = tz_load(c, name, tz->u.s, tz->n)))
                return -1;
        }
        if (x->n > 2) {
            if (x->u.a[2]->k != RV_STR) {
                bi_type_err(c, name, 1, x->u.a[2], "string");
                return -1;
            }
            t->layout = x->u.a[2]->u.s;
        }
    } else if (x->k != RV_NUM) {
        bi_type_err(c, name, 1, x, want);
        return -1;
    }
    if (!t->z && !(t->z = tz_load(c, name, "", 0)))
        return -1;
    if (!rv_num_to_i64(v, &t->ns)) {
        if (v->nk == NUM_FLT && v->u.f < 9.2e18 && v->u.f > -9.2e18 && v->u.f == (double)(int64_t)v->u.f)
            t->ns = (int64_t)v->u.f;
        else {
            bi_err(c, "%s: timestamp too big", name);
            return -1;
        }
    }
    tz_fill(t);
    return 0;
}

static void split_local(int64_t local, int64_t *days, int64_t *sod)
{
    *days = floor_div(local, 86400);
    *sod = local - *days * 86400;
}

static rv *b_date(rctx *c, rv **a, size_t n)
{
    (void)n;
    tztime t;
    int64_t days, sod, y, m, d;
    if (tz_time(c, "time.date", a[0], &t))
        return NULL;
    split_local(t.local, &days, &sod);
    civil_from_days(days, &y, &m, &d);
    rv **v = rg_alloc(c, 3 * sizeof(rv *));
    if (!v)
        return NULL;
    v[0] = rv_int(c, y);
    v[1] = rv_int(c, m);
    v[2] = rv_int(c, d);
    return rv_arr(c, v, 3);
}
static rv *b_clock(rctx *c, rv **a, size_t n)
{
    (void)n;
    tztime t;
    int64_t days, sod;
    if (tz_time(c, "time.clock", a[0], &t))
        return NULL;
    split_local(t.local, &days, &sod);
    rv **v = rg_alloc(c, 3 * sizeof(rv *));
    if (!v)
        return NULL;
    v[0] = rv_int(c, sod / 3600);
    v[1] = rv_int(c, sod / 60 % 60);
    v[2] = rv_int(c, sod % 60);
    return rv_arr(c, v, 3);
}

static const char *const wdays[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
static const char *const months[] = {"January", "February", "March",     "April",   "May",      "June",
                                     "July",    "August",   "September", "October", "November", "December"};

static int weekday_of(int64_t days) { return (int)(((days + 4) % 7 + 7) % 7); }

static rv *b_weekday(rctx *c, rv **a, size_t n)
{
    (void)n;
    tztime t;
    int64_t days, sod;
    if (tz_time(c, "time.weekday", a[0], &t))
        return NULL;
    split_local(t.local, &days, &sod);
    return rv_cstr(c, wdays[weekday_of(days)]);
}

static rv *b_add_date(rctx *c, rv **a, size_t n)
{
    (void)n;
    tztime t;
    int64_t dy, dm, dd, days, sod, y, m, d;
    if (tz_time(c, "time.add_date", a[0], &t))
        return NULL;
    for (int i = 1; i < 4; i++) {
        if (a[i]->k != RV_NUM)
            return bi_type_err(c, "time.add_date", i + 1, a[i], "number");
    }
    if (!rv_num_to_i64(a[1], &dy) || !rv_num_to_i64(a[2], &dm) || !rv_num_to_i64(a[3], &dd))
        return bi_err(c, "time.add_date: operands must be integers");
    if (dy > 1000000 || dy < -1000000 || dm > 12000000 || dm < -12000000 || dd > 400000000 || dd < -400000000)
        return bi_err(c, "time.add_date: time outside of valid range");
    split_local(t.local, &days, &sod);
    civil_from_days(days, &y, &m, &d);
    y += dy;
    int64_t mm = m - 1 + dm;
    y += floor_div(mm, 12);
    mm -= floor_div(mm, 12) * 12;
    int64_t nd = cg_days_from_civil(y, mm + 1, 1) + d - 1 + dd; /* Go normalises day overflow the same way */
    int64_t utc = tz_local_to_utc(t.z, nd * 86400 + sod);
    int64_t out;
    if (to_ns(c, "time.add_date", (__int128)utc, t.frac, &out))
        return NULL;
    return rv_int(c, out);
}

static rv *b_diff(rctx *c, rv **a, size_t n)
{
    (void)n;
    tztime t1, t2;
    if (tz_time(c, "time.diff", a[0], &t1) || tz_time(c, "time.diff", a[1], &t2))
        return NULL;
    if (t1.z != t2.z) { /* t2 in t1's location */
        t2.z = t1.z;
        tz_fill(&t2);
    }
    if (t1.ns > t2.ns) {
        tztime x = t1;
        t1 = t2;
        t2 = x;
    }
    int64_t d1, s1, d2, s2, y1, m1, dd1, y2, m2, dd2;
    split_local(t1.local, &d1, &s1);
    split_local(t2.local, &d2, &s2);
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
    if (!v)
        return NULL;
    int64_t vals[6] = {year, month, day, hour, min, sec};
    for (int i = 0; i < 6; i++)
        v[i] = rv_int(c, vals[i]);
    return rv_arr(c, v, 6);
}

/* Go's named layouts, as OPA's acceptedTimeFormats */
static const char *named_layout(const char *l)
{
    static const char *const map[][2] = {
        {"ANSIC", "Mon Jan _2 15:04:05 2006"},
        {"UnixDate", "Mon Jan _2 15:04:05 MST 2006"},
        {"RubyDate", "Mon Jan 02 15:04:05 -0700 2006"},
        {"RFC822", "02 Jan 06 15:04 MST"},
        {"RFC822Z", "02 Jan 06 15:04 -0700"},
        {"RFC850", "Monday, 02-Jan-06 15:04:05 MST"},
        {"RFC1123", "Mon, 02 Jan 2006 15:04:05 MST"},
        {"RFC1123Z", "Mon, 02 Jan 2006 15:04:05 -0700"},
        {"RFC3339", "2006-01-02T15:04:05Z07:00"},
        {"RFC3339Nano", "2006-01-02T15:04:05.999999999Z07:00"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strcmp(l, map[i][0]))
            return map[i][1];
    return l;
}

static void put_num(cg_buf *b, int64_t v, int width, char pad)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%lld", (long long)(v < 0 ? -v : v));
    if (v < 0)
        cg_buf_putc(b, '-');
    for (int i = n; i < width; i++)
        cg_buf_putc(b, pad);
    cg_buf_puts(b, tmp);
}

/* Go's Time.Format for the layout elements of its nextStdChunk */
static void go_format(cg_buf *b, const char *l, const tztime *t)
{
    int64_t days, sod, y, m, d;
    split_local(t->local, &days, &sod);
    civil_from_days(days, &y, &m, &d);
    int64_t h = sod / 3600, mi = sod / 60 % 60, se = sod % 60;
    int64_t yday = days - cg_days_from_civil(y, 1, 1) + 1;
#define AT(s) (!strncmp(l, s, strlen(s)))
    while (*l) {
        if (AT("January")) {
            cg_buf_puts(b, months[m - 1]);
            l += 7;
        } else if (AT("Jan")) {
            cg_buf_append(b, months[m - 1], 3);
            l += 3;
        } else if (AT("Monday")) {
            cg_buf_puts(b, wdays[weekday_of(days)]);
            l += 6;
        } else if (AT("Mon")) {
            cg_buf_append(b, wdays[weekday_of(days)], 3);
            l += 3;
        } else if (AT("MST")) {
            if (t->abbr && *t->abbr)
                cg_buf_puts(b, t->abbr);
            else { /* Go: -0700 when the zone has no abbreviation */
                int32_t o = t->off;
                cg_buf_putc(b, o < 0 ? '-' : '+');
                o = o < 0 ? -o : o;
                put_num(b, o / 3600, 2, '0');
                put_num(b, o / 60 % 60, 2, '0');
            }
            l += 3;
        } else if (AT("2006")) {
            put_num(b, y, 4, '0');
            l += 4;
        } else if (AT("002")) {
            put_num(b, yday, 3, '0');
            l += 3;
        } else if (AT("__2")) {
            put_num(b, yday, 3, ' ');
            l += 3;
        } else if (AT("_2") && !AT("_2006")) {
            put_num(b, d, 2, ' ');
            l += 2;
        } else if (l[0] == '0' && l[1] >= '1' && l[1] <= '6') {
            int64_t v[] = {m, d, h % 12 == 0 ? 12 : h % 12, mi, se, ((y % 100) + 100) % 100};
            put_num(b, v[l[1] - '1'], 2, '0');
            l += 2;
        } else if (AT("15")) {
            put_num(b, h, 2, '0');
            l += 2;
        } else if (l[0] >= '1' && l[0] <= '5') {
            int64_t v[] = {m, d, h % 12 == 0 ? 12 : h % 12, mi, se};
            put_num(b, v[l[0] - '1'], 0, '0');
            l += 1;
        } else if (AT("PM") || AT("pm")) {
            const char *s = h >= 12 ? "PM" : "AM";
            cg_buf_putc(b, l[0] == 'p' ? (char)tolower((unsigned char)s[0]) : s[0]);
            cg_buf_putc(b, l[0] == 'p' ? 'm' : 'M');
            l += 2;
        } else if ((l[0] == '.' || l[0] == ',') && (l[1] == '0' || l[1] == '9')) {
            char dg = l[1];
            size_t k = 1;
            while (l[k] == dg)
                k++;
            if (isdigit((unsigned char)l[k])) { /* not a fraction: Go prints the '.' and goes on */
                cg_buf_putc(b, *l++);
                continue;
            }
            size_t nd = k - 1;
            if (nd > 9)
                nd = 9;
            char fb[16];
            snprintf(fb, sizeof fb, "%09lld", (long long)t->frac);
            fb[nd] = 0;
            if (dg == '9') {
                size_t fl = nd;
                while (fl && fb[fl - 1] == '0')
                    fb[--fl] = 0;
                if (fl) {
                    cg_buf_putc(b, l[0]);
                    cg_buf_puts(b, fb);
                }
            } else {
                cg_buf_putc(b, l[0]);
                cg_buf_puts(b, fb);
            }
            l += k;
        } else if ((l[0] == 'Z' || l[0] == '-') && l[1] == '0' && l[2] == '7') {
            static const char *const forms[] = {"070000", "07:00:00", "0700", "07:00", "07"};
            size_t f;
            for (f = 0; f < 5; f++)
                if (!strncmp(l + 1, forms[f], strlen(forms[f])))
                    break;
            if (f == 5) {
                cg_buf_putc(b, *l++);
                continue;
            }
            int32_t o = t->off;
            if (l[0] == 'Z' && o == 0)
                cg_buf_putc(b, 'Z');
            else {
                cg_buf_putc(b, o < 0 ? '-' : '+');
                o = o < 0 ? -o : o;
                put_num(b, o / 3600, 2, '0');
                if (f != 4) {
                    if (f == 1 || f == 3)
                        cg_buf_putc(b, ':');
                    put_num(b, o / 60 % 60, 2, '0');
                }
                if (f <= 1) {
                    if (f == 1)
                        cg_buf_putc(b, ':');
                    put_num(b, o % 60, 2, '0');
                }
            }
            l += 1 + strlen(forms[f]);
        } else if (AT("06")) {
            put_num(b, ((y % 100) + 100) % 100, 2, '0');
            l += 2;
        } else
            cg_buf_putc(b, *l++);
    }
#undef AT
}

static rv *b_format(rctx *c, rv **a, size_t n)
{
    (void)n;
    tztime t;
    if (tz_time(c, "time.format", a[0], &t))
        return NULL;
    cg_buf b = CG_BUF_INIT;
    go_format(&b, t.layout ? named_layout(t.layout) : "2006-01-02T15:04:05.999999999Z07:00", &t);
    rv *r = rv_str(c, cg_buf_str(&b), b.len);
    cg_buf_free(&b);
    return r;
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

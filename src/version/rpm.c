/*
 * rpm.c - RPM version order (Red Hat, Rocky, Alma, SUSE, ...): rpmvercmp() and
 * the EVR comparison of RPM 4.18 (lib/rpmvercmp.c, lib/rpmver.c; described in
 * rpm's docs/manual/dependencies.md and the Fedora packaging guidelines).
 *
 * rpmvercmp splits both strings into maximal runs of ASCII letters or digits,
 * skipping every other character as a separator.  '~' sorts before anything
 * (even the end), '^' after the end but before any further segment.  Digit
 * runs compare numerically and beat letter runs; letter runs compare by strcmp.
 * When all segments tie, the string with segments left over wins.
 *
 * EVR is [epoch:]version[-release]; a missing epoch is 0.  A missing release
 * compares as an empty one (below any release), as rpm.vercmp() does - a total
 * order, which range matching needs.  (rpm's dependency rule, where a missing
 * release equals any release, is not an order; callers that want it compare
 * with the release stripped from both sides.)
 * Validity is our own, stricter than rpm (which accepts almost anything):
 * version and release are non-empty and use only letters, digits and "._+~^".
 */
#include <string.h>

#include "version/version_int.h"

static int rpm_sep(char c)
{
    return !vc_is_alnum(c) && c != '~' && c != '^';
}

int cg_ver_rpmvercmp(const char *a, size_t an, const char *b, size_t bn)
{
    if (an == bn && memcmp(a, b, an) == 0)
        return 0;
    size_t i = 0, j = 0;
    while (i < an || j < bn) {
        while (i < an && rpm_sep(a[i]))
            i++;
        while (j < bn && rpm_sep(b[j]))
            j++;
        char ca = i < an ? a[i] : '\0', cb = j < bn ? b[j] : '\0';
        if (ca == '~' || cb == '~') {
            if (ca != '~')
                return 1;
            if (cb != '~')
                return -1;
            i++, j++;
            continue;
        }
        if (ca == '^' || cb == '^') {
            if (!ca)
                return -1;
            if (!cb)
                return 1;
            if (ca != '^')
                return 1;
            if (cb != '^')
                return -1;
            i++, j++;
            continue;
        }
        if (!ca || !cb)
            break;
        size_t i0 = i, j0 = j;
        int isnum = vc_is_digit(ca);
        if (isnum) {
            while (i < an && vc_is_digit(a[i]))
                i++;
            while (j < bn && vc_is_digit(b[j]))
                j++;
        } else {
            while (i < an && vc_is_alpha(a[i]))
                i++;
            while (j < bn && vc_is_alpha(b[j]))
                j++;
        }
        if (j == j0) /* segments of different types: numeric is newer */
            return isnum ? 1 : -1;
        int c;
        if (isnum) {
            c = cg_ver_digits_cmp(a + i0, i - i0, b + j0, j - j0);
        } else {
            size_t la = i - i0, lb = j - j0;
            c = memcmp(a + i0, b + j0, la < lb ? la : lb);
            c = c ? c : (la > lb) - (la < lb);
        }
        if (c)
            return c < 0 ? -1 : 1;
    }
    if (i >= an && j >= bn)
        return 0;
    return i >= an ? -1 : 1;
}

typedef struct evr {
    const char *e, *v, *r;
    size_t en, vn, rn;
    int has_r; /* a '-' was present (then the release must not be empty) */
} evr;

static void evr_split(const char *s, size_t n, evr *out)
{
    size_t k = 0;
    while (k < n && vc_is_digit(s[k]))
        k++;
    out->e = "0";
    out->en = 1;
    size_t vstart = 0;
    if (k < n && s[k] == ':') {
        out->e = s;
        out->en = k;
        vstart = k + 1;
    }
    size_t dash = n;
    for (size_t x = n; x > vstart; x--) {
        if (s[x - 1] == '-') {
            dash = x - 1;
            break;
        }
    }
    out->v = s + vstart;
    out->vn = dash - vstart;
    out->has_r = dash < n;
    out->r = out->has_r ? s + dash + 1 : "";
    out->rn = out->has_r ? n - dash - 1 : 0;
}

static int rpm_part_ok(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!vc_is_alnum(s[i]) && !strchr("._+~^", s[i]))
            return 0;
    return 1;
}

int cg_ver_rpm_valid(const char *v, size_t n)
{
    evr x;
    evr_split(v, n, &x);
    if (x.en == 0 || !rpm_part_ok(x.v, x.vn))
        return 0;
    return !x.has_r || rpm_part_ok(x.r, x.rn);
}

int cg_ver_rpm_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    evr x, y;
    evr_split(a, an, &x);
    evr_split(b, bn, &y);
    int c = cg_ver_rpmvercmp(x.e, x.en, y.e, y.en);
    if (!c)
        c = cg_ver_rpmvercmp(x.v, x.vn, y.v, y.vn);
    if (!c)
        c = cg_ver_rpmvercmp(x.r, x.rn, y.r, y.rn);
    return c;
}

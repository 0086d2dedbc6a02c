/*
 * dpkg.c - Debian/Ubuntu version order, as deb-version(7) specifies and dpkg's
 * lib/dpkg/version.c implements: [epoch:]upstream[-revision].  The epoch is a
 * number (default 0, at most INT_MAX); the revision is everything after the
 * last '-' (absent compares as empty, which orders like "0").
 * Upstream and revision are compared by alternating non-digit and digit runs:
 * non-digits character by character with '~' before everything (even the end
 * of the string), then letters, then other characters; digit runs numerically.
 * Validity follows dpkg's parseversion(), with its warnings ("does not start
 * with digit", "invalid character") treated as errors: a gate must not guess.
 */
#include <string.h>

#include "version/version_int.h"

typedef struct dpkg_ver {
    const char *epoch, *up, *rev;
    size_t epoch_n, up_n, rev_n;
} dpkg_ver;

/* Splits v; returns 0 when it breaks deb-version(7). */
static int dpkg_split(const char *v, size_t n, dpkg_ver *out)
{
    memset(out, 0, sizeof *out);
    out->epoch = out->rev = ""; /* absent parts compare as empty */
    const char *colon = memchr(v, ':', n);
    const char *p = v;
    size_t rest = n;
    if (colon) {
        out->epoch = v;
        out->epoch_n = (size_t)(colon - v);
        if (out->epoch_n == 0 || !vc_all_digits(out->epoch, out->epoch_n))
            return 0;
        if (cg_ver_digits_cmp(out->epoch, out->epoch_n, "2147483647", 10) > 0)
            return 0;
        p = colon + 1;
        rest = n - out->epoch_n - 1;
    }
    const char *hyphen = NULL;
    for (size_t i = rest; i > 0; i--) {
        if (p[i - 1] == '-') {
            hyphen = p + i - 1;
            break;
        }
    }
    out->up = p;
    out->up_n = hyphen ? (size_t)(hyphen - p) : rest;
    if (hyphen) {
        out->rev = hyphen + 1;
        out->rev_n = rest - out->up_n - 1;
        if (out->rev_n == 0)
            return 0;
    }
    if (out->up_n == 0 || !vc_is_digit(out->up[0]))
        return 0;
    for (size_t i = 0; i < out->up_n; i++) {
        char c = out->up[i];
        if (!vc_is_alnum(c) && !strchr(".-+~:", c))
            return 0;
    }
    for (size_t i = 0; i < out->rev_n; i++) {
        char c = out->rev[i];
        if (!vc_is_alnum(c) && !strchr(".+~", c))
            return 0;
    }
    return 1;
}

int cg_ver_dpkg_valid(const char *v, size_t n)
{
    dpkg_ver d;
    return n > 0 && dpkg_split(v, n, &d);
}

/* dpkg's order(): '~' < end < letters < everything else. */
static int dpkg_order(int c)
{
    if (c == '~')
        return -1;
    if (vc_is_digit((char)c))
        return 0;
    if (c == 0)
        return 0;
    if (vc_is_alpha((char)c))
        return c;
    return c + 256;
}

/* verrevcmp() over bounded strings; a position past the end reads as 0. */
static int dpkg_verrevcmp(const char *a, size_t an, const char *b, size_t bn)
{
    size_t i = 0, j = 0;
    while (i < an || j < bn) {
        while ((i < an && !vc_is_digit(a[i])) || (j < bn && !vc_is_digit(b[j]))) {
            int ac = dpkg_order(i < an ? (unsigned char)a[i] : 0);
            int bc = dpkg_order(j < bn ? (unsigned char)b[j] : 0);
            if (ac != bc)
                return ac < bc ? -1 : 1;
            i += i < an;
            j += j < bn;
        }
        size_t i0 = i, j0 = j;
        while (i < an && vc_is_digit(a[i]))
            i++;
        while (j < bn && vc_is_digit(b[j]))
            j++;
        int c = cg_ver_digits_cmp(a + i0, i - i0, b + j0, j - j0);
        if (c)
            return c;
    }
    return 0;
}

int cg_ver_dpkg_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    dpkg_ver x, y;
    dpkg_split(a, an, &x);
    dpkg_split(b, bn, &y);
    int c = cg_ver_digits_cmp(x.epoch, x.epoch_n, y.epoch, y.epoch_n);
    if (!c)
        c = dpkg_verrevcmp(x.up, x.up_n, y.up, y.up_n);
    if (!c)
        c = dpkg_verrevcmp(x.rev, x.rev_n, y.rev, y.rev_n);
    return c;
}

/*
 * semver.c - Semantic Versioning 2.0.0 order (https://semver.org, §9-§11) in
 * two dialects:
 *   - npm / crates.io: MAJOR.MINOR.PATCH[-pre][+build], an optional leading
 *     "v" as node-semver's compare() accepts;
 *   - Go modules (golang.org/x/mod/semver): the "v" is required and "v1" /
 *     "v1.2" are shorthands for v1.0.0 / v1.2.0.  Pseudo-versions
 *     (v0.0.0-20191109021931-daa7c04131f5) and "+incompatible" need no rule of
 *     their own: they are a prerelease and build metadata.  (OSV's Go records
 *     omit the "v"; the caller adds it.)
 * Numbers have no leading zeros and compare numerically at any length.
 * A version without prerelease is above all its prereleases; prerelease
 * identifiers compare numerically when both are digits, digits below
 * letters, otherwise in ASCII order, and a shorter list of equal identifiers
 * is lower.  Build metadata is ignored by the order.
 */
#include <string.h>

#include "version/version_int.h"

/* Parses [0-9A-Za-z-]+ identifiers separated by '.', up to `end`.  numeric
 * identifiers must not have leading zeros when `strict_num`. */
static int idents_ok(const char *s, size_t n, int strict_num)
{
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] != '.') {
            if (!vc_is_alnum(s[i]) && s[i] != '-')
                return 0;
            continue;
        }
        size_t len = i - start;
        if (len == 0)
            return 0;
        if (strict_num && len > 1 && s[start] == '0' && vc_all_digits(s + start, len))
            return 0;
        start = i + 1;
    }
    return 1;
}

/* A number: "0" or [1-9][0-9]*. Returns its length, 0 when there is none. */
static size_t num_len(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && vc_is_digit(s[i]))
        i++;
    if (i > 1 && s[0] == '0')
        return 0;
    return i;
}

typedef cg_semver semver;

/* go: 'v' required, short forms allowed; else 'v' optional, full form. */
static int semver_parse(const char *v, size_t n, int go, semver *out)
{
    size_t i = 0;
    memset(out, 0, sizeof *out);
    if (n > 0 && v[0] == 'v')
        i = 1;
    else if (go)
        return 0;
    int parts = 0;
    for (; parts < 3; parts++) {
        if (parts > 0) {
            if (i >= n || v[i] != '.')
                break;
            i++;
        }
        size_t k = num_len(v + i, n - i);
        if (k == 0)
            return 0;
        out->num[parts] = v + i;
        out->num_n[parts] = k;
        i += k;
    }
    for (int p = parts; p < 3; p++) {
        out->num[p] = "0";
        out->num_n[p] = 1;
    }
    if (parts < 3 && (!go || i < n)) /* go shorthand takes no suffix */
        return 0;
    if (i < n && v[i] == '-') {
        size_t end = i + 1;
        while (end < n && v[end] != '+')
            end++;
        out->pre = v + i + 1;
        out->pre_n = end - i - 1;
        if (!idents_ok(out->pre, out->pre_n, 1))
            return 0;
        i = end;
    }
    if (i < n && v[i] == '+') {
        if (!idents_ok(v + i + 1, n - i - 1, 0))
            return 0;
        i = n;
    }
    return i == n;
}

static int ident_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    int ad = vc_all_digits(a, an), bd = vc_all_digits(b, bn);
    if (ad && bd)
        return cg_ver_digits_cmp(a, an, b, bn);
    if (ad != bd)
        return ad ? -1 : 1;
    int c = memcmp(a, b, an < bn ? an : bn);
    if (c)
        return c < 0 ? -1 : 1;
    return (an > bn) - (an < bn);
}

/* Compares two dot-separated prerelease lists (both non-empty). */
static int pre_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    size_t i = 0, j = 0;
    for (;;) {
        if (i >= an || j >= bn)
            return (i < an) - (j < bn);
        size_t ie = i, je = j;
        while (ie < an && a[ie] != '.')
            ie++;
        while (je < bn && b[je] != '.')
            je++;
        int c = ident_cmp(a + i, ie - i, b + j, je - j);
        if (c)
            return c;
        i = ie + 1;
        j = je + 1;
    }
}

int cg_ver_semver_parse(const char *v, size_t n, cg_semver *out)
{
    return semver_parse(v, n, 0, out);
}

int cg_ver_semver_order(const cg_semver *x, const cg_semver *y)
{
    for (int k = 0; k < 3; k++) {
        int c = cg_ver_digits_cmp(x->num[k], x->num_n[k], y->num[k], y->num_n[k]);
        if (c)
            return c;
    }
    if (!x->pre || !y->pre)
        return (x->pre == NULL) - (y->pre == NULL);
    return pre_cmp(x->pre, x->pre_n, y->pre, y->pre_n);
}

int cg_ver_semver_valid(const char *v, size_t n)
{
    semver s;
    return semver_parse(v, n, 0, &s);
}

int cg_ver_semver_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    semver x, y;
    semver_parse(a, an, 0, &x);
    semver_parse(b, bn, 0, &y);
    return cg_ver_semver_order(&x, &y);
}

int cg_ver_go_valid(const char *v, size_t n)
{
    semver s;
    return semver_parse(v, n, 1, &s);
}

int cg_ver_go_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    semver x, y;
    semver_parse(a, an, 1, &x);
    semver_parse(b, bn, 1, &y);
    return cg_ver_semver_order(&x, &y);
}

/*
 * nuget.c - NuGet version order, as NuGet.Versioning's NuGetVersion and its
 * default VersionComparer define it (https://learn.microsoft.com/nuget/
 * concepts/package-versioning): SemVer 2.0.0 with a fourth number.
 *
 *     N[.N[.N[.N]]][-label(.label)*][+metadata]
 *
 * Missing numbers are 0 and leading zeros are allowed (1.0.01 == 1.0.1.0),
 * as NuGet's lenient parser accepts.  Labels compare case-insensitively,
 * numerically when both are numbers, numbers below text; a release is above
 * its prereleases; metadata is ignored.  NuGet keeps numbers in an int32; we
 * compare digit strings of any length instead of rejecting large ones.
 */
#include <string.h>

#include "version/version_int.h"

typedef struct nuver {
    const char *num[4];
    size_t num_n[4];
    const char *pre; /* NULL when none */
    size_t pre_n;
} nuver;

static int labels_ok(const char *s, size_t n)
{
    size_t len = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == '.') {
            if (len == 0)
                return 0;
            len = 0;
        } else if (vc_is_alnum(s[i]) || s[i] == '-') {
            len++;
        } else {
            return 0;
        }
    }
    return 1;
}

static int nuget_parse(const char *v, size_t n, nuver *out)
{
    size_t i = 0;
    int parts = 0;
    memset(out, 0, sizeof *out);
    while (parts < 4) {
        size_t k = i;
        while (i < n && vc_is_digit(v[i]))
            i++;
        if (i == k)
            return 0;
        out->num[parts] = v + k;
        out->num_n[parts++] = i - k;
        if (i < n && v[i] == '.' && parts < 4)
            i++;
        else
            break;
    }
    for (int p = parts; p < 4; p++)
        out->num[p] = "";
    if (i < n && v[i] == '-') {
        size_t end = i + 1;
        while (end < n && v[end] != '+')
            end++;
        out->pre = v + i + 1;
        out->pre_n = end - i - 1;
        if (!labels_ok(out->pre, out->pre_n))
            return 0;
        i = end;
    }
    if (i < n && v[i] == '+') {
        if (!labels_ok(v + i + 1, n - i - 1))
            return 0;
        i = n;
    }
    return i == n;
}

int cg_ver_nuget_valid(const char *v, size_t n)
{
    nuver x;
    return nuget_parse(v, n, &x);
}

static int label_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    int ad = vc_all_digits(a, an), bd = vc_all_digits(b, bn);
    if (ad && bd)
        return cg_ver_digits_cmp(a, an, b, bn);
    if (ad != bd)
        return ad ? -1 : 1;
    for (size_t k = 0; k < an && k < bn; k++) {
        char x = vc_lower(a[k]), y = vc_lower(b[k]);
        if (x != y)
            return x < y ? -1 : 1;
    }
    return (an > bn) - (an < bn);
}

int cg_ver_nuget_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    nuver x, y;
    nuget_parse(a, an, &x);
    nuget_parse(b, bn, &y);
    for (int k = 0; k < 4; k++) {
        int c = cg_ver_digits_cmp(x.num[k], x.num_n[k], y.num[k], y.num_n[k]);
        if (c)
            return c;
    }
    if (!x.pre || !y.pre)
        return (x.pre == NULL) - (y.pre == NULL);
    size_t i = 0, j = 0;
    for (;;) {
        if (i >= x.pre_n || j >= y.pre_n)
            return (i < x.pre_n) - (j < y.pre_n);
        size_t ie = i, je = j;
        while (ie < x.pre_n && x.pre[ie] != '.')
            ie++;
        while (je < y.pre_n && y.pre[je] != '.')
            je++;
        int c = label_cmp(x.pre + i, ie - i, y.pre + j, je - j);
        if (c)
            return c;
        i = ie + 1;
        j = je + 1;
    }
}

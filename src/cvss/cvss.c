/*
 * cvss.c - entry point of CVSS scoring: checks the raw string, picks the
 * version from its label and hands the metrics to v2.c, v3.c or v4.c; also
 * the table-driven splitter and the rounding those files share.
 *
 * Vectors come from untrusted advisories, so the input is bounded
 * (CG_CVSS_MAX_VECTOR), restricted to printable ASCII and never assumed to
 * be NUL-terminated.  Nothing here allocates or keeps state.
 */
#include "cgate/cvss.h"

#include <string.h>

#include "cvss/cvss_internal.h"

/*
 * libcgate does not link libm, and scores need only a few exact operations on
 * small non-negative numbers, so they are written out here.  Subtracting the
 * integer part of x (|x| < 2^52) is exact, which keeps these exact too.
 */
double cg_cvss_round_int(double x)
{
    double r = (double)(long long)x;
    return x - r >= 0.5 ? r + 1 : r;
}

double cg_cvss_ceil_int(double x)
{
    double r = (double)(long long)x;
    return r < x ? r + 1 : r;
}

double cg_cvss_round1(double x)
{
    /* Half up, like JS Math.round; not floor(x * 10 + 0.5), whose addition
     * can itself round up (0.49999999999999994 + 0.5 == 1.0). */
    return cg_cvss_round_int(x * 10.0) / 10.0;
}

double cg_cvss_powi(double x, unsigned n)
{
    double r = 1.0;
    while (n) {
        if (n & 1u)
            r *= x;
        x *= x;
        n >>= 1;
    }
    return r;
}

const char *cg_cvss_severity_for(cg_cvss_version v, double score)
{
    /* Clamp first: the cast below is undefined for NaN or huge values. */
    if (!(score > 0.0))
        score = 0.0;
    if (score > 10.0)
        score = 10.0;
    long t = (long)cg_cvss_round_int(score * 10.0);
    if (v == CG_CVSS_V2)
        return t < 40 ? "LOW" : t < 70 ? "MEDIUM" : "HIGH";
    if (t <= 0)
        return "NONE";
    return t < 40 ? "LOW" : t < 70 ? "MEDIUM" : t < 90 ? "HIGH" : "CRITICAL";
}

const char *cg_cvss_version_name(cg_cvss_version v)
{
    switch (v) {
    case CG_CVSS_V2: return "2.0";
    case CG_CVSS_V30: return "3.0";
    case CG_CVSS_V31: return "3.1";
    case CG_CVSS_V40: return "4.0";
    }
    return "?";
}

void cg_cvss_finish(cg_cvss *out)
{
    if (!out->has_temporal)
        out->temporal = 0.0;
    if (!out->has_environmental)
        out->environmental = 0.0;
    out->score = out->has_environmental ? out->environmental
               : out->has_temporal      ? out->temporal
                                        : out->base;
    const char *sev = cg_cvss_severity_for(out->version, out->score);
    size_t n = strlen(sev);
    memcpy(out->severity, sev, n + 1);
}

/* Index of value v[0..vlen) in the space-separated list, or -1. */
static int value_index(const char *list, const char *v, size_t vlen)
{
    int idx = 0;
    const char *p = list;
    while (*p) {
        const char *end = strchr(p, ' ');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == vlen && memcmp(p, v, n) == 0)
            return idx;
        idx++;
        if (!end)
            break;
        p = end + 1;
    }
    return -1;
}

cg_status cg_cvss_split(const char *s, size_t len, const char *label, const cg_cvss_metric_def *defs,
                        size_t ndefs, bool ordered, int *val, cg_error *err)
{
    if (ndefs > CG_CVSS_MAX_METRICS)
        return cg_error_set(err, CG_ERR_INTERNAL, "%s: metric table too large", label);
    for (size_t i = 0; i < ndefs; i++)
        val[i] = -1;
    size_t pos = 0, last = 0;
    bool any = false;
    /* Each pass consumes one "NAME:VALUE" and its '/'; at most len passes. */
    while (pos <= len) {
        const char *c = s + pos;
        const char *slash = memchr(c, '/', len - pos);
        size_t clen = slash ? (size_t)(slash - c) : len - pos;
        int cl = (int)clen;
        if (clen == 0)
            return cg_error_set(err, CG_ERR_INPUT, "%s: empty metric at offset %zu", label, pos);
        const char *colon = memchr(c, ':', clen);
        if (!colon || colon == c || colon == c + clen - 1)
            return cg_error_set(err, CG_ERR_INPUT, "%s: \"%.*s\" is not NAME:VALUE", label, cl, c);
        size_t nlen = (size_t)(colon - c);
        size_t i = 0;
        while (i < ndefs && !(strlen(defs[i].name) == nlen && memcmp(defs[i].name, c, nlen) == 0))
            i++;
        if (i == ndefs)
            return cg_error_set(err, CG_ERR_INPUT, "%s: \"%.*s\": unknown metric %.*s", label, cl, c,
                                (int)nlen, c);
        if (val[i] >= 0)
            return cg_error_set(err, CG_ERR_INPUT, "%s: \"%.*s\": duplicate metric %s", label, cl, c,
                                defs[i].name);
        if (ordered && any && i < last)
            return cg_error_set(err, CG_ERR_INPUT, "%s: \"%.*s\": metric %s must come before %s", label,
                                cl, c, defs[i].name, defs[last].name);
        int v = value_index(defs[i].values, colon + 1, clen - nlen - 1);
        if (v < 0)
            return cg_error_set(err, CG_ERR_INPUT, "%s: \"%.*s\": %s takes one of %s", label, cl, c,
                                defs[i].name, defs[i].values);
        val[i] = v;
        last = i;
        any = true;
        if (!slash)
            break;
        pos += clen + 1;
        if (pos == len)
            return cg_error_set(err, CG_ERR_INPUT, "%s: trailing '/'", label);
    }
    for (size_t i = 0; i < ndefs; i++)
        if (defs[i].group == CG_CVSS_G_BASE && val[i] < 0)
            return cg_error_set(err, CG_ERR_INPUT, "%s: missing base metric %s", label, defs[i].name);
    return CG_OK;
}

static bool has_prefix(const char *s, size_t len, const char *p)
{
    size_t n = strlen(p);
    return len >= n && memcmp(s, p, n) == 0;
}

cg_status cg_cvss_parse_n(const char *buf, size_t len, cg_cvss *out, cg_error *err)
{
    memset(out, 0, sizeof *out);
    if (!buf || len == 0)
        return cg_error_set(err, CG_ERR_INPUT, "CVSS vector is empty");
    if (len > CG_CVSS_MAX_VECTOR)
        return cg_error_set(err, CG_ERR_LIMIT, "CVSS vector of %zu bytes exceeds %d", len,
                            CG_CVSS_MAX_VECTOR);
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)buf[i];
        if (ch <= 0x20 || ch >= 0x7f)
            return cg_error_set(err, CG_ERR_INPUT, "CVSS vector: byte 0x%02x at offset %zu is not allowed",
                                ch, i);
    }
    bool wrapped = false;
    if (buf[0] == '(' || buf[len - 1] == ')') {
        if (len < 2 || buf[0] != '(' || buf[len - 1] != ')')
            return cg_error_set(err, CG_ERR_INPUT, "CVSS vector \"%.*s\": unbalanced parentheses",
                                (int)len, buf);
        buf++;
        len -= 2;
        wrapped = true;
    }
    if (has_prefix(buf, len, "CVSS:")) {
        if (wrapped)
            return cg_error_set(err, CG_ERR_INPUT, "CVSS vector \"%.*s\": only v2 vectors may be parenthesised",
                                (int)len, buf);
        static const struct { const char *label; int version; } labels[] = {
            {"CVSS:3.0/", CG_CVSS_V30}, {"CVSS:3.1/", CG_CVSS_V31}, {"CVSS:4.0/", CG_CVSS_V40}};
        for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
            size_t n = strlen(labels[i].label);
            if (!has_prefix(buf, len, labels[i].label))
                continue;
            if (labels[i].version == CG_CVSS_V40)
                return cg_cvss_v4(buf + n, len - n, out, err);
            return cg_cvss_v3(buf + n, len - n, (cg_cvss_version)labels[i].version, out, err);
        }
        const char *slash = memchr(buf, '/', len);
        int n = slash ? (int)(slash - buf) : (int)len;
        return cg_error_set(err, CG_ERR_INPUT, "CVSS vector: unsupported version label \"%.*s\"", n, buf);
    }
    return cg_cvss_v2(buf, len, out, err);
}

cg_status cg_cvss_parse(const char *vector, cg_cvss *out, cg_error *err)
{
    if (!vector) {
        memset(out, 0, sizeof *out);
        return cg_error_set(err, CG_ERR_INPUT, "CVSS vector is empty");
    }
    size_t len = strnlen(vector, CG_CVSS_MAX_VECTOR + 1);
    return cg_cvss_parse_n(vector, len, out, err);
}

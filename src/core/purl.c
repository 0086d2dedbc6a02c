/*
 * purl_parse.c - reading package-url strings back into their components, as
 * the purl-spec's "How to parse a purl string" section describes: split the
 * subpath at the rightmost '#', the qualifiers at the rightmost '?', the
 * scheme at the first ':', the type at the first '/', the version at the
 * rightmost '@', the name at the rightmost '/'; percent-decode each part.
 * No type-specific case folding: a purl round-trips to what was written
 * (catalog's cg_purl_for_package encodes, this decodes).  The input is untrusted:
 * length-capped, NUL and malformed escapes rejected.
 */
#include "core/purl.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#define PURL_PARSE_MAX 65536u
#define QUALS_MAX 64u

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-decode s[0..n) into arena memory; *bad when an escape is malformed
 * or decodes to NUL.  NULL with !*bad means OOM. */
static char *decode(cg_arena *a, const char *s, size_t n, bool lower, bool *bad)
{
    char *out = cg_arena_alloc(a, n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '%') {
            if (i + 2 >= n) {
                *bad = true;
                return NULL;
            }
            int hi = hexval(s[i + 1]), lo = hexval(s[i + 2]);
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
                *bad = true;
                return NULL;
            }
            c = (char)(hi * 16 + lo);
            i += 2;
        }
        if (lower && c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        out[o++] = c;
    }
    out[o] = '\0';
    return out;
}

/* A qualifier key as the purl-spec allows it: ASCII letters, digits, '.',
 * '-', '_', not starting with a digit, never percent-encoded.  Keys are
 * written back verbatim, so a key with '?', '&', '=' or '%' in it would read
 * back as a different purl (found by fuzz_purl: "pkg:b/d?%3F=x"). */
static bool valid_key(const char *s, size_t n)
{
    if (!n || (s[0] >= '0' && s[0] <= '9'))
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
              c == '_'))
            return false;
    }
    return true;
}

static const char *rfind(const char *s, size_t n, char c)
{
    for (size_t i = n; i > 0; i--)
        if (s[i - 1] == c)
            return s + i - 1;
    return NULL;
}

int cg_purl_parse(cg_arena *a, const char *s, size_t len, cg_purl *out)
{
    memset(out, 0, sizeof *out);
    if (!s || len < 5 || len > PURL_PARSE_MAX || memchr(s, '\0', len))
        return -1;
    bool bad = false;
    const char *end = s + len;
    /* subpath */
    const char *hash = rfind(s, len, '#');
    if (hash) {
        const char *sp = hash + 1;
        while (sp < end && *sp == '/')
            sp++;
        size_t n = (size_t)(end - sp);
        while (n && sp[n - 1] == '/')
            n--;
        if (n && !(out->subpath = decode(a, sp, n, false, &bad)))
            return bad ? -1 : -2;
        end = hash;
    }
    /* qualifiers */
    const char *q = rfind(s, (size_t)(end - s), '?');
    if (q) {
        cg_purl_qual quals[QUALS_MAX];
        size_t nq = 0;
        const char *p = q + 1;
        while (p < end) {
            const char *amp = memchr(p, '&', (size_t)(end - p));
            const char *e = amp ? amp : end;
            const char *eq = memchr(p, '=', (size_t)(e - p));
            if (eq && eq > p && eq + 1 < e) {
                if (nq >= QUALS_MAX || !valid_key(p, (size_t)(eq - p)))
                    return -1;
                quals[nq].key = decode(a, p, (size_t)(eq - p), true, &bad);
                quals[nq].value = quals[nq].key ? decode(a, eq + 1, (size_t)(e - eq - 1), false, &bad) : NULL;
                if (!quals[nq].key || !quals[nq].value)
                    return bad ? -1 : -2;
                nq++;
            } else if (e > p && !eq) {
                return -1; /* a qualifier without '=' */
            }
            p = amp ? amp + 1 : end;
        }
        if (nq) {
            out->quals = cg_arena_memdup(a, quals, nq * sizeof quals[0]);
            if (!out->quals)
                return -2;
            out->n_quals = nq;
        }
        end = q;
    }
    /* scheme */
    if (strncasecmp(s, "pkg:", 4))
        return -1;
    const char *p = s + 4;
    while (p < end && *p == '/')
        p++;
    /* type */
    const char *slash = memchr(p, '/', (size_t)(end - p));
    if (!slash || slash == p)
        return -1;
    for (const char *t = p; t < slash; t++)
        if (!((*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z') || (*t >= '0' && *t <= '9') || *t == '.' ||
              *t == '+' || *t == '-'))
            return -1;
    if (!(out->type = decode(a, p, (size_t)(slash - p), true, &bad)))
        return bad ? -1 : -2;
    p = slash + 1;
    /* version: the rightmost '@' (after the last '/': npm scopes are "%40scope" or "@scope/") */
    const char *lastsl = rfind(p, (size_t)(end - p), '/');
    const char *at = rfind(lastsl ? lastsl : p, (size_t)(end - (lastsl ? lastsl : p)), '@');
    if (at) {
        if (at + 1 < end && !(out->version = decode(a, at + 1, (size_t)(end - at - 1), false, &bad)))
            return bad ? -1 : -2;
        end = at;
    }
    while (end > p && end[-1] == '/')
        end--;
    /* name and namespace */
    lastsl = rfind(p, (size_t)(end - p), '/');
    const char *nm = lastsl ? lastsl + 1 : p;
    if (nm >= end)
        return -1;
    if (!(out->name = decode(a, nm, (size_t)(end - nm), false, &bad)))
        return bad ? -1 : -2;
    if (lastsl) {
        /* decode each segment, drop empty ones, join with '/' */
        char *ns = cg_arena_alloc(a, (size_t)(lastsl - p) + 1);
        if (!ns)
            return -2;
        size_t o = 0;
        const char *seg = p;
        while (seg < lastsl) {
            const char *e = memchr(seg, '/', (size_t)(lastsl - seg));
            if (!e)
                e = lastsl;
            if (e > seg) {
                char *d = decode(a, seg, (size_t)(e - seg), false, &bad);
                if (!d)
                    return bad ? -1 : -2;
                if (strchr(d, '/'))
                    return -1; /* a segment may not hold an (encoded) '/' */
                if (o)
                    ns[o++] = '/';
                size_t dl = strlen(d);
                memcpy(ns + o, d, dl);
                o += dl;
            }
            seg = e + 1;
        }
        ns[o] = '\0';
        out->namespace_ = o ? ns : NULL;
    }
    return 0;
}

const char *cg_purl_qualifier(const cg_purl *p, const char *key)
{
    for (size_t i = 0; p && i < p->n_quals; i++)
        if (!strcmp(p->quals[i].key, key))
            return p->quals[i].value;
    return NULL;
}

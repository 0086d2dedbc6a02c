/*
 * composer.c - Packagist (PHP / Composer) version order: PHP's
 * version_compare() (php-src ext/standard/versioning.c, documented at
 * https://www.php.net/version-compare) after dropping one leading "v"/"V",
 * which is how OSV tooling (osv.dev, osv-scanner/osv-scalibr) orders
 * Packagist advisory versions and what the oracle tables were produced with.
 *
 * The version is canonicalised: '-', '_', '+' and other non-alphanumerics
 * become '.', and a '.' is inserted between digit and non-digit runs
 * ("1.0rc1" -> "1.0.rc.1").  Parts compare numerically when both are numbers;
 * words rank by prefix: (unknown) < dev < alpha = a < beta = b < RC = rc <
 * [a number] < pl = p.  When one side runs out, a further number makes the
 * other side newer and a further word is ranked against "a number".
 *
 * Composer's VersionParser::normalize() would also equate 1.0 and 1.0.0.0;
 * PHP's version_compare, and therefore OSV, does not (1.0.0 > 1.0), and
 * neither do we.  Any non-empty printable ASCII without spaces is accepted
 * (version_compare takes anything), except a version whose canonical form
 * ends in a separator ("1.0-", "1.0.#"), which PHP orders below itself.
 */
#include <string.h>

#include "version/version_int.h"

#define CANON_MAX (2 * CG_VER_MAX_LEN + 1)

/* php_canonicalize_version() into out (>= 2n+1 bytes); returns the length. */
static size_t canonicalize(const char *v, size_t n, char *out)
{
    size_t q = 0;
    if (n == 0)
        return 0;
    if (v[0] == '#') { /* version_compare leaves these alone */
        memcpy(out, v, n);
        return n;
    }
    char lp = out[q++] = v[0];
    for (size_t i = 1; i < n; i++) {
        char c = v[i], lq = out[q - 1];
        int lp_dig = vc_is_digit(lp), lp_ndig = !vc_is_digit(lp) && lp != '.';
        int c_dig = vc_is_digit(c), c_ndig = !vc_is_digit(c) && c != '.';
        if (c == '-' || c == '_' || c == '+') {
            if (lq != '.')
                out[q++] = '.';
        } else if ((lp_ndig && c_dig) || (lp_dig && c_ndig)) {
            if (lq != '.')
                out[q++] = '.';
            out[q++] = c;
        } else if (!vc_is_alnum(c)) {
            if (lq != '.')
                out[q++] = '.';
        } else {
            out[q++] = c;
        }
        lp = c;
    }
    return q;
}

/* compare_special_version_forms(): the first name the part starts with. */
static int special_rank(const char *s, size_t n)
{
    static const struct {
        const char *name;
        int order;
    } FORMS[] = {{"dev", 0}, {"alpha", 1}, {"a", 1}, {"beta", 2}, {"b", 2}, {"RC", 3},
                 {"rc", 3},  {"#", 4},     {"pl", 5}, {"p", 5}};
    for (size_t k = 0; k < sizeof FORMS / sizeof FORMS[0]; k++) {
        size_t len = strlen(FORMS[k].name);
        if (len <= n && memcmp(s, FORMS[k].name, len) == 0)
            return FORMS[k].order;
    }
    return -1;
}

#define RANK_NUMBER 4 /* "#N#", what a number is compared as against a word */

typedef struct part {
    const char *s;
    size_t n;
    int more; /* a '.' follows */
} part;

static part part_at(const char *s, size_t len, size_t at)
{
    part p = {s + at, 0, 0};
    while (at + p.n < len && s[at + p.n] != '.')
        p.n++;
    p.more = at + p.n < len;
    return p;
}

static int sgn(int x) { return (x > 0) - (x < 0); }

static int part_cmp(part a, part b)
{
    int ad = a.n > 0 && vc_is_digit(a.s[0]), bd = b.n > 0 && vc_is_digit(b.s[0]);
    if (ad && bd) {
        size_t an = 0, bn = 0;
        while (an < a.n && vc_is_digit(a.s[an]))
            an++;
        while (bn < b.n && vc_is_digit(b.s[bn]))
            bn++;
        return cg_ver_digits_cmp(a.s, an, b.s, bn);
    }
    int ra = ad ? RANK_NUMBER : special_rank(a.s, a.n);
    int rb = bd ? RANK_NUMBER : special_rank(b.s, b.n);
    return sgn(ra - rb);
}

/* version_compare(rest, "#N#"), the recursion PHP uses for a longer side. */
static int tail_vs_number(const char *s, size_t len, size_t at)
{
    for (;;) {
        if (at >= len)
            return -1; /* an empty version is below anything */
        part p = part_at(s, len, at);
        if (!(p.n > 0 && vc_is_digit(p.s[0]))) {
            int c = sgn(special_rank(p.s, p.n) - RANK_NUMBER);
            if (c)
                return c;
        }
        if (!p.more)
            return 0;
        at += p.n + 1;
        if (at < len && vc_is_digit(s[at]))
            return 1;
    }
}

static const char *strip_v(const char *v, size_t *n)
{
    if (*n > 0 && (v[0] == 'v' || v[0] == 'V')) {
        (*n)--;
        return v + 1;
    }
    return v;
}

int cg_ver_composer_valid(const char *v, size_t n)
{
    v = strip_v(v, &n);
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (v[i] < 0x21 || v[i] > 0x7e)
            return 0;
    /* a trailing separator leaves an empty last part, which PHP compares as
     * below itself (version_compare("1.0.#", "1.0.#") == -1): not an order */
    char canon[CANON_MAX];
    size_t len = canonicalize(v, n, canon);
    return canon[len - 1] != '.';
}

int cg_ver_composer_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    char A[CANON_MAX], B[CANON_MAX];
    a = strip_v(a, &an);
    b = strip_v(b, &bn);
    size_t la = canonicalize(a, an, A), lb = canonicalize(b, bn, B);
    size_t i = 0, j = 0;
    int more1 = 1, more2 = 1;
    while (i < la && j < lb && more1 && more2) {
        part x = part_at(A, la, i), y = part_at(B, lb, j);
        int c = part_cmp(x, y);
        if (c)
            return c;
        more1 = x.more;
        more2 = y.more;
        if (more1)
            i += x.n + 1;
        if (more2)
            j += y.n + 1;
    }
    if (more1)
        return (i < la && vc_is_digit(A[i])) ? 1 : tail_vs_number(A, la, i);
    if (more2)
        return (j < lb && vc_is_digit(B[j])) ? -1 : -tail_vs_number(B, lb, j);
    return 0;
}

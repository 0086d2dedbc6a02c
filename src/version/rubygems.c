/*
 * rubygems.c - RubyGems version order, as Gem::Version (rubygems 3.3,
 * lib/rubygems/version.rb) defines it.
 *
 * A version matches  [0-9]+(\.[0-9A-Za-z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?
 * and every '-' stands for ".pre.".  Its segments are the maximal runs of
 * digits or letters; the canonical form drops trailing zeros from the numeric
 * part (before the first letter run) and from the rest separately.  Segments
 * compare pairwise, a missing one counting as 0: numbers numerically, letters
 * bytewise (case matters), and a letter run is below any number - which is
 * what makes "1.0.a" a prerelease of "1.0".  Gem::Version strips surrounding
 * whitespace and reads "" as "0"; both are rejected here.
 */
#include <string.h>

#include "version/version_int.h"

typedef struct seg {
    const char *s;
    size_t n;
    int num;
} seg;

typedef struct gemver {
    seg segs[CG_VER_MAX_LEN + 1];
    size_t count;
} gemver;

static int gem_valid_chars(const char *v, size_t n)
{
    size_t i = 0;
    if (n == 0 || !vc_is_digit(v[0]))
        return 0;
    while (i < n && vc_is_digit(v[i]))
        i++;
    /* (\.[0-9A-Za-z]+)* */
    while (i < n && v[i] == '.') {
        size_t k = ++i;
        while (i < n && vc_is_alnum(v[i]))
            i++;
        if (i == k)
            return 0;
    }
    if (i == n)
        return 1;
    if (v[i] != '-')
        return 0;
    /* -[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)* */
    for (;;) {
        size_t k = ++i;
        while (i < n && (vc_is_alnum(v[i]) || v[i] == '-'))
            i++;
        if (i == k)
            return 0;
        if (i == n)
            return 1;
        if (v[i] != '.')
            return 0;
    }
}

int cg_ver_rubygems_valid(const char *v, size_t n)
{
    return gem_valid_chars(v, n);
}

/* Segments (a '-' adds the letters "pre"), then trailing zeros dropped from
 * the numeric part and from the string part. */
static void gem_parse(const char *v, size_t n, gemver *g)
{
    g->count = 0;
    size_t i = 0;
    while (i < n) {
        if (v[i] == '-') {
            g->segs[g->count++] = (seg){"pre", 3, 0};
            i++;
            continue;
        }
        if (!vc_is_alnum(v[i])) {
            i++;
            continue;
        }
        size_t k = i;
        int num = vc_is_digit(v[i]);
        while (i < n && (num ? vc_is_digit(v[i]) : vc_is_alpha(v[i])))
            i++;
        g->segs[g->count++] = (seg){v + k, i - k, num};
    }
    size_t first_str = 0;
    while (first_str < g->count && g->segs[first_str].num)
        first_str++;
    /* drop trailing zeros of the string part */
    size_t end = g->count;
    while (end > first_str && g->segs[end - 1].num &&
           cg_ver_digits_cmp(g->segs[end - 1].s, g->segs[end - 1].n, "", 0) == 0)
        end--;
    /* drop trailing zeros of the numeric part, shifting the string part down */
    size_t nend = first_str;
    while (nend > 0 && cg_ver_digits_cmp(g->segs[nend - 1].s, g->segs[nend - 1].n, "", 0) == 0)
        nend--;
    if (nend < first_str)
        memmove(&g->segs[nend], &g->segs[first_str], (end - first_str) * sizeof(seg));
    g->count = nend + (end - first_str);
}

static int seg_cmp(const seg *a, const seg *b)
{
    static const seg zero = {"", 0, 1};
    if (!a)
        a = &zero;
    if (!b)
        b = &zero;
    if (a->num && b->num)
        return cg_ver_digits_cmp(a->s, a->n, b->s, b->n);
    if (a->num != b->num)
        return a->num ? 1 : -1;
    int c = memcmp(a->s, b->s, a->n < b->n ? a->n : b->n);
    if (c)
        return c < 0 ? -1 : 1;
    return (a->n > b->n) - (a->n < b->n);
}

int cg_ver_rubygems_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    gemver x, y; /* ~6 KiB each, bounded by CG_VER_MAX_LEN */
    gem_parse(a, an, &x);
    gem_parse(b, bn, &y);
    size_t lim = x.count > y.count ? x.count : y.count;
    for (size_t i = 0; i < lim; i++) {
        int c = seg_cmp(i < x.count ? &x.segs[i] : NULL, i < y.count ? &y.segs[i] : NULL);
        if (c)
            return c;
    }
    return 0;
}

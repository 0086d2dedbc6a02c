/*
 * pep440.c - PyPI version order, PEP 440 (https://peps.python.org/pep-0440/)
 * with its normalisations, as pypa/packaging's Version implements them:
 *
 *     [v][N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]
 *
 * Case-insensitive; "alpha"/"beta"/"c"/"pre"/"preview" spell a/b/rc,
 * "rev"/"r" or "-N" spell post; separators [-_.] around the letters and a
 * missing number (0) are allowed.  The order key is: epoch, release with
 * trailing zeros ignored, pre-release (a < b < rc < none, except that a
 * dev release of the final comes before its a0), post-release (none first),
 * dev release (none last), local version (none first; segments numeric >
 * alphanumeric, numbers numerically, text in ASCII order, more segments win).
 * Surrounding whitespace, which packaging strips, is rejected here.
 */
#include <string.h>

#include "version/version_int.h"

typedef struct num {
    const char *d; /* digits; "" for an implicit 0 */
    size_t n;
} num;

typedef struct pep440 {
    num epoch;
    const char *rel; /* release digits and dots */
    size_t rel_n;
    int pre;         /* -1 none, 0 a, 1 b, 2 rc */
    num pre_n;
    int has_post, has_dev;
    num post_n, dev_n;
    const char *local; /* after '+', NULL when none */
    size_t local_n;
} pep440;

typedef struct cur {
    const char *p;
    size_t n, i;
} cur;

static int peek(const cur *c) { return c->i < c->n ? (unsigned char)c->p[c->i] : -1; }
static int is_sep(int ch) { return ch == '-' || ch == '_' || ch == '.'; }

static num take_num(cur *c)
{
    num r = {c->p + c->i, 0};
    while (c->i < c->n && vc_is_digit(c->p[c->i]))
        c->i++, r.n++;
    return r;
}

/* Case-insensitive keyword at the cursor; advances on a match. */
static int take_word(cur *c, const char *w)
{
    size_t k = strlen(w);
    if (c->n - c->i < k || !vc_ieq(c->p + c->i, k, w))
        return 0;
    c->i += k;
    return 1;
}

/* [sep] word [sep] [digits]; restores the cursor when no word matches. */
static int take_labelled(cur *c, const char *const *words, int nwords, int *which, num *out)
{
    size_t save = c->i;
    if (is_sep(peek(c)))
        c->i++;
    for (int k = 0; k < nwords; k++) {
        if (take_word(c, words[k])) {
            *which = k;
            size_t before_sep = c->i;
            if (is_sep(peek(c)))
                c->i++;
            if (vc_is_digit((char)peek(c))) {
                *out = take_num(c);
            } else {
                c->i = before_sep; /* a trailing separator belongs to what follows */
                out->d = "";
                out->n = 0;
            }
            return 1;
        }
    }
    c->i = save;
    return 0;
}

static const char *const PRE_WORDS[] = {"alpha", "a", "beta", "b", "preview", "pre", "c", "rc"};
static const int PRE_KIND[] = {0, 0, 1, 1, 2, 2, 2, 2};
static const char *const POST_WORDS[] = {"post", "rev", "r"};
static const char *const DEV_WORDS[] = {"dev"};

static int pep440_parse(const char *v, size_t n, pep440 *out)
{
    cur c = {v, n, 0};
    memset(out, 0, sizeof *out);
    out->pre = -1;
    out->epoch.d = out->pre_n.d = out->post_n.d = out->dev_n.d = "";
    if (peek(&c) == 'v' || peek(&c) == 'V')
        c.i++;
    out->rel = v + c.i;
    num first = take_num(&c);
    if (first.n == 0)
        return 0;
    if (peek(&c) == '!') {
        out->epoch = first;
        c.i++;
        out->rel = v + c.i;
        if (take_num(&c).n == 0)
            return 0;
    }
    while (peek(&c) == '.' && c.i + 1 < n && vc_is_digit(v[c.i + 1])) {
        c.i++;
        take_num(&c);
    }
    out->rel_n = (size_t)(v + c.i - out->rel);
    int which;
    if (take_labelled(&c, PRE_WORDS, 8, &which, &out->pre_n))
        out->pre = PRE_KIND[which];
    if (peek(&c) == '-' && c.i + 1 < n && vc_is_digit(v[c.i + 1])) {
        c.i++;
        out->post_n = take_num(&c);
        out->has_post = 1;
    } else if (take_labelled(&c, POST_WORDS, 3, &which, &out->post_n)) {
        out->has_post = 1;
    }
    if (take_labelled(&c, DEV_WORDS, 1, &which, &out->dev_n))
        out->has_dev = 1;
    if (peek(&c) == '+') {
        c.i++;
        out->local = v + c.i;
        out->local_n = n - c.i;
        size_t seg = 0;
        for (; c.i < n; c.i++) {
            if (is_sep(v[c.i])) {
                if (seg == 0)
                    return 0;
                seg = 0;
            } else if (vc_is_alnum(v[c.i])) {
                seg++;
            } else {
                return 0;
            }
        }
        if (seg == 0)
            return 0;
    }
    return c.i == n;
}

int cg_ver_pep440_valid(const char *v, size_t n)
{
    pep440 p;
    return pep440_parse(v, n, &p);
}

/* Release segments compared numerically; missing ones are 0. */
static int release_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    size_t i = 0, j = 0;
    while (i < an || j < bn) {
        size_t i0 = i, j0 = j;
        while (i < an && a[i] != '.')
            i++;
        while (j < bn && b[j] != '.')
            j++;
        int c = cg_ver_digits_cmp(a + i0, i - i0, b + j0, j - j0);
        if (c)
            return c;
        i += i < an;
        j += j < bn;
    }
    return 0;
}

static int num_cmp(num a, num b) { return cg_ver_digits_cmp(a.d, a.n, b.d, b.n); }

/* Pre-release rank: dev-only final (-1) < a (0) < b (1) < rc (2) < final (3). */
static int pre_rank(const pep440 *p)
{
    if (p->pre >= 0)
        return p->pre;
    return (!p->has_post && p->has_dev) ? -1 : 3;
}

static int local_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    size_t i = 0, j = 0;
    for (;;) {
        if (i >= an || j >= bn)
            return (i < an) - (j < bn);
        size_t ie = i, je = j;
        while (ie < an && !is_sep(a[ie]))
            ie++;
        while (je < bn && !is_sep(b[je]))
            je++;
        int ad = vc_all_digits(a + i, ie - i), bd = vc_all_digits(b + j, je - j);
        int c;
        if (ad && bd) {
            c = cg_ver_digits_cmp(a + i, ie - i, b + j, je - j);
        } else if (ad != bd) {
            c = ad ? 1 : -1;
        } else {
            size_t la = ie - i, lb = je - j, k = 0;
            c = 0;
            for (; k < la && k < lb && !c; k++) {
                char x = vc_lower(a[i + k]), y = vc_lower(b[j + k]);
                c = (x > y) - (x < y);
            }
            if (!c)
                c = (la > lb) - (la < lb);
        }
        if (c)
            return c;
        i = ie + 1;
        j = je + 1;
    }
}

int cg_ver_pep440_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    pep440 x, y;
    pep440_parse(a, an, &x);
    pep440_parse(b, bn, &y);
    int c = num_cmp(x.epoch, y.epoch);
    if (!c)
        c = release_cmp(x.rel, x.rel_n, y.rel, y.rel_n);
    if (!c) {
        int rx = pre_rank(&x), ry = pre_rank(&y);
        c = (rx > ry) - (rx < ry);
    }
    if (!c && x.pre >= 0)
        c = num_cmp(x.pre_n, y.pre_n);
    if (!c)
        c = x.has_post != y.has_post ? (x.has_post ? 1 : -1) : num_cmp(x.post_n, y.post_n);
    if (!c)
        c = x.has_dev != y.has_dev ? (x.has_dev ? -1 : 1) : num_cmp(x.dev_n, y.dev_n);
    if (!c && (x.local || y.local))
        c = !x.local ? -1 : !y.local ? 1 : local_cmp(x.local, x.local_n, y.local, y.local_n);
    return c;
}

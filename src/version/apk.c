/*
 * apk.c - Alpine version order as apk-tools 2.x (src/version.c; Alpine's
 * stable releases ship 2.14) compares versions with `apk version -t`.
 * Grammar (Gentoo-like):  digits {.digits} [letter] {_suffix[digits]} [-rN]
 *
 * apk-tools walks both versions as a stream of typed tokens and stops at the
 * first token whose type or value differs.  Values: numbers numerically (we
 * compare digit strings, so large numbers cannot overflow); after a '.', a run
 * of leading zeros is a token of its own worth minus the number of zeros
 * ("1.01" < "1.1", "1.0" < "1.00"); letters by character; suffixes
 * alpha < beta < pre < rc < (none) < cvs < svn < git < hg < p.  When the types
 * differ, a pending pre-release suffix makes its side older, otherwise the
 * side whose next token comes later in the grammar is older (1.0a < 1.0.1).
 *
 * We follow apk-tools' quirks where they change the order (e.g. "1.0_rc1" >
 * "1.0", because the '0' before a suffix leaves an extra digit token), since
 * Alpine's secdb "fixed" versions are meaningful only in apk's own order.
 * Validity is apk_version_validate() ("4.10-1" or "1_foo" are not versions)
 * plus a leading digit, which apk-tools does not insist on.
 */
#include <string.h>

#include "version/version_int.h"

enum apk_tok {
    TOK_INVALID = -1,
    TOK_DIGIT_OR_ZERO, /* after '.' */
    TOK_DIGIT,
    TOK_LETTER,
    TOK_SUFFIX,
    TOK_SUFFIX_NO,
    TOK_REVISION_NO,
    TOK_END,
};

static const char *const PRE_SUFFIXES[] = {"alpha", "beta", "pre", "rc"};
static const char *const POST_SUFFIXES[] = {"cvs", "svn", "git", "hg", "p"};
#define NPRE ((int)(sizeof PRE_SUFFIXES / sizeof PRE_SUFFIXES[0]))
#define NPOST ((int)(sizeof POST_SUFFIXES / sizeof POST_SUFFIXES[0]))

/* A token value: either a small integer (zero runs, letters, suffixes) or,
 * when digits != NULL, the unbounded number spelled by digits[0..n). */
typedef struct apk_val {
    long small;
    const char *digits;
    size_t n;
} apk_val;

typedef struct apk_lex {
    const char *p;
    size_t n; /* bytes left */
} apk_lex;

static int val_cmp(const apk_val *a, const apk_val *b)
{
    if (a->digits && b->digits)
        return cg_ver_digits_cmp(a->digits, a->n, b->digits, b->n);
    if (a->digits) /* a number is >= 0; a small value here is a zero run (< 0) or 0 */
        return b->small < 0 ? 1 : cg_ver_digits_cmp(a->digits, a->n, "", 0);
    if (b->digits)
        return -val_cmp(b, a);
    return (a->small > b->small) - (a->small < b->small);
}

static void adv(apk_lex *l, size_t k)
{
    l->p += k;
    l->n -= k;
}

/* next_token(): the type of the token that starts at l->p. */
static enum apk_tok next_type(enum apk_tok cur, apk_lex *l)
{
    enum apk_tok t = TOK_INVALID;
    if (l->n == 0) {
        t = TOK_END;
    } else if ((cur == TOK_DIGIT || cur == TOK_DIGIT_OR_ZERO) && vc_is_lower(l->p[0])) {
        t = TOK_LETTER;
    } else if (cur == TOK_LETTER && vc_is_digit(l->p[0])) {
        t = TOK_DIGIT;
    } else if (cur == TOK_SUFFIX && vc_is_digit(l->p[0])) {
        t = TOK_SUFFIX_NO;
    } else {
        if (l->p[0] == '.') {
            t = TOK_DIGIT_OR_ZERO;
        } else if (l->p[0] == '_') {
            t = TOK_SUFFIX;
        } else if (l->p[0] == '-') {
            if (l->n > 1 && l->p[1] == 'r') {
                t = TOK_REVISION_NO;
                adv(l, 1);
            }
        }
        adv(l, 1);
    }
    if (t < cur && !((t == TOK_DIGIT_OR_ZERO && cur == TOK_DIGIT) ||
                     (t == TOK_SUFFIX && cur == TOK_SUFFIX_NO) ||
                     (t == TOK_DIGIT && cur == TOK_LETTER)))
        t = TOK_INVALID;
    return t;
}

static int prefix_is(const apk_lex *l, const char *word)
{
    size_t k = strlen(word);
    return k <= l->n && memcmp(l->p, word, k) == 0;
}

/* get_token(): reads the token of type *type into *v and sets *type to the
 * type of the following one. */
static void get_token(enum apk_tok *type, apk_lex *l, apk_val *v)
{
    size_t i = 0;
    enum apk_tok nt = TOK_INVALID;
    v->small = 0;
    v->digits = NULL;
    v->n = 0;
    if (l->n == 0) {
        *type = TOK_END;
        return;
    }
    switch (*type) {
    case TOK_DIGIT_OR_ZERO:
        if (l->p[0] == '0') { /* leading zeros get a token of their own */
            while (i < l->n && l->p[i] == '0')
                i++;
            nt = TOK_DIGIT;
            v->small = -(long)i;
            break;
        }
        /* fall through */
    case TOK_DIGIT:
    case TOK_SUFFIX_NO:
    case TOK_REVISION_NO:
        while (i < l->n && vc_is_digit(l->p[i]))
            i++;
        v->digits = l->p;
        v->n = i;
        break;
    case TOK_LETTER:
        v->small = (unsigned char)l->p[i++];
        break;
    case TOK_SUFFIX: {
        int k;
        for (k = 0; k < NPRE && !prefix_is(l, PRE_SUFFIXES[k]); k++)
            ;
        if (k < NPRE) {
            i = strlen(PRE_SUFFIXES[k]);
            v->small = k - NPRE;
            break;
        }
        for (k = 0; k < NPOST && !prefix_is(l, POST_SUFFIXES[k]); k++)
            ;
        if (k < NPOST) {
            i = strlen(POST_SUFFIXES[k]);
            v->small = k;
            break;
        }
        *type = TOK_INVALID;
        v->small = -1;
        return;
    }
    default:
        *type = TOK_INVALID;
        v->small = -1;
        return;
    }
    adv(l, i);
    if (l->n == 0)
        *type = TOK_END;
    else if (nt != TOK_INVALID)
        *type = nt;
    else
        *type = next_type(*type, l);
}

int cg_ver_apk_valid(const char *v, size_t n)
{
    apk_lex l = {v, n};
    enum apk_tok t = TOK_DIGIT;
    apk_val val;
    if (n == 0 || !vc_is_digit(v[0])) /* stricter than apk-tools, which takes "a1" */
        return 0;
    /* every token consumes input or ends the walk, so n bounds the loop */
    for (size_t guard = 0; t != TOK_END && t != TOK_INVALID && guard <= n + 1; guard++)
        get_token(&t, &l, &val);
    return t == TOK_END;
}

int cg_ver_apk_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    apk_lex x = {a, an}, y = {b, bn};
    enum apk_tok at = TOK_DIGIT, bt = TOK_DIGIT;
    apk_val av = {0, NULL, 0}, bv = {0, NULL, 0};
    int c = 0;
    while (at == bt && at != TOK_END && at != TOK_INVALID && c == 0) {
        get_token(&at, &x, &av);
        get_token(&bt, &y, &bv);
        c = val_cmp(&av, &bv);
    }
    if (c)
        return c;
    if (at == bt)
        return 0;
    /* equal so far: the side that goes on is newer, unless with a pre-release */
    apk_val tail;
    enum apk_tok tt = at;
    if (at == TOK_SUFFIX && (get_token(&tt, &x, &tail), tail.small < 0))
        return -1;
    tt = bt;
    if (bt == TOK_SUFFIX && (get_token(&tt, &y, &tail), tail.small < 0))
        return 1;
    return at > bt ? -1 : 1;
}

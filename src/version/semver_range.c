/*
 * semver_range.c - npm range matching: node-semver's satisfies(version, range)
 * with default options (https://github.com/npm/node-semver#ranges,
 * https://docs.npmjs.com/cli/v10/configuring-npm/package-json#dependencies).
 *
 * A range is comparator sets joined by "||"; a set is space-separated
 * comparators that must all hold.  Sugar is rewritten to primitive comparators
 * the way node-semver does it:
 *   1.2.3 - 2.3     ->  >=1.2.3 <2.4.0-0        (hyphen range, partial upper)
 *   1.2.x, 1.2, *   ->  >=1.2.0 <1.3.0-0, any   (x-ranges; >1.2 -> >=1.3.0)
 *   ~1.2.3          ->  >=1.2.3 <1.3.0-0        (~1 -> >=1.0.0 <2.0.0-0)
 *   ^0.2.3          ->  >=0.2.3 <0.3.0-0        (first non-zero part is held)
 * A prerelease version satisfies a set only if some comparator of that set
 * names a prerelease of the same major.minor.patch.  node-semver answers
 * false for an invalid version or range; we return CG_ERR_INPUT instead so the
 * matcher can tell "not affected" from "could not tell".
 *
 * Nothing is rewritten as text: each comparator is parsed into a small struct
 * and tested at once, so no allocation and a fixed stack whatever the input.
 */
#include <string.h>

#include "cgate/version.h"
#include "version/version_int.h"

/* Ranges longer than this are rejected (advisory ranges stay far below). */
#define RANGE_MAX 4096
/* JavaScript's Number.MAX_SAFE_INTEGER bounds every node-semver number. */
#define NUM_DIGITS_MAX 16

enum { OP_ANY, OP_EQ, OP_LT, OP_LE, OP_GT, OP_GE };

typedef struct comp {
    int op;
    char num[3][NUM_DIGITS_MAX + 2];
    const char *pre; /* NULL when none */
    size_t pre_n;
} comp;

/* An x-range operand: M[.m[.p[-pre][+build]]] where parts may be x, X, *. */
typedef struct xr {
    const char *id[3];
    size_t id_n[3];
    int x[3]; /* absent or wildcard */
    const char *pre;
    size_t pre_n;
    int plain_prefix; /* prefix was "" or "v" (a Comparator would accept it) */
} xr;

typedef struct eval {
    cg_semver v;
    int has_pre;
    int all;    /* every comparator so far holds */
    int pre_ok; /* a comparator names a prerelease of v's major.minor.patch */
} eval;

static int safe_num(const char *s, size_t n)
{
    return n < NUM_DIGITS_MAX || (n == NUM_DIGITS_MAX && memcmp(s, "9007199254740991", n) <= 0);
}

static int parse_xr(const char *s, size_t n, xr *out)
{
    size_t i = 0;
    memset(out, 0, sizeof *out);
    while (i < n && (s[i] == 'v' || s[i] == '='))
        i++;
    out->plain_prefix = i == 0 || (i == 1 && s[0] == 'v');
    int k = 0;
    for (; k < 3; k++) {
        if (k > 0) {
            if (i >= n || s[i] != '.')
                break;
            i++;
        }
        if (i < n && (s[i] == 'x' || s[i] == 'X' || s[i] == '*')) {
            out->x[k] = 1;
            i++;
            continue;
        }
        size_t st = i;
        while (i < n && vc_is_digit(s[i]))
            i++;
        if (i == st || (i - st > 1 && s[st] == '0') || !safe_num(s + st, i - st))
            return 0;
        out->id[k] = s + st;
        out->id_n[k] = i - st;
    }
    for (int j = k; j < 3; j++)
        out->x[j] = 1;
    if (k == 3 && i < n && s[i] == '-') {
        size_t st = ++i;
        while (i < n && s[i] != '+')
            i++;
        out->pre = s + st;
        out->pre_n = i - st;
        /* the same identifier rules as a version's prerelease */
        char tmp[64];
        cg_semver chk;
        if (out->pre_n + 7 > sizeof tmp)
            return 0;
        memcpy(tmp, "0.0.0-", 6);
        memcpy(tmp + 6, out->pre, out->pre_n);
        if (!cg_ver_semver_parse(tmp, out->pre_n + 6, &chk))
            return 0;
    }
    if (k == 3 && i < n && s[i] == '+') {
        size_t st = ++i;
        if (st >= n)
            return 0;
        for (; i < n; i++)
            if (!vc_is_alnum(s[i]) && s[i] != '-' && s[i] != '.')
                return 0;
        for (size_t q = st; q < n; q++)
            if (s[q] == '.' && (q == st || q + 1 == n || s[q + 1] == '.'))
                return 0;
    }
    return i == n;
}

static void put_num(comp *c, int k, const char *s, size_t n)
{
    memcpy(c->num[k], s, n);
    c->num[k][n] = '\0';
}

/* Writes s+1 (decimal) as part k. */
static void put_inc(comp *c, int k, const char *s, size_t n)
{
    char *d = c->num[k];
    size_t i = n;
    memcpy(d + 1, s, n);
    d[0] = '0';
    while (i > 0 && d[i] == '9')
        d[i--] = '0';
    d[i]++;
    if (d[0] == '0')
        memmove(d, d + 1, n);
    else
        n++;
    d[n] = '\0';
}

static void emit(eval *e, const comp *c)
{
    if (c->op == OP_ANY)
        return;
    cg_semver s;
    for (int k = 0; k < 3; k++) {
        s.num[k] = c->num[k];
        s.num_n[k] = strlen(c->num[k]);
    }
    s.pre = c->pre;
    s.pre_n = c->pre_n;
    int r = cg_ver_semver_order(&e->v, &s);
    int ok = c->op == OP_EQ ? r == 0
           : c->op == OP_LT ? r < 0
           : c->op == OP_LE ? r <= 0
           : c->op == OP_GT ? r > 0
                            : r >= 0;
    e->all &= ok;
    if (c->pre && e->has_pre) {
        int same = 1;
        for (int k = 0; k < 3; k++)
            same &= cg_ver_digits_cmp(s.num[k], s.num_n[k], e->v.num[k], e->v.num_n[k]) == 0;
        e->pre_ok |= same;
    }
}

/* Emits "op M.m.p[-pre]" built from x: parts below `upto` are copied, part
 * `inc_at` (-1 for none) is x's part plus one, the rest are 0. */
static void emit_op(eval *e, int op, const xr *x, int upto, int inc_at, const char *pre,
                    size_t pre_n)
{
    comp c;
    c.op = op;
    for (int k = 0; k < 3; k++) {
        if (k < upto && k != inc_at)
            put_num(&c, k, x->id[k], x->id_n[k]);
        else if (k == inc_at)
            put_inc(&c, k, x->id[k], x->id_n[k]);
        else
            put_num(&c, k, "0", 1);
    }
    c.pre = pre;
    c.pre_n = pre_n;
    emit(e, &c);
}

#define ZERO_PRE "0", 1

static int do_tilde(eval *e, const xr *x)
{
    if (x->x[0])
        return 1; /* any */
    if (x->x[1]) {
        emit_op(e, OP_GE, x, 1, -1, NULL, 0);
        emit_op(e, OP_LT, x, 0, 0, ZERO_PRE);
    } else if (x->x[2]) {
        emit_op(e, OP_GE, x, 2, -1, NULL, 0);
        emit_op(e, OP_LT, x, 1, 1, ZERO_PRE);
    } else {
        emit_op(e, OP_GE, x, 3, -1, x->pre, x->pre_n);
        emit_op(e, OP_LT, x, 1, 1, ZERO_PRE);
    }
    return 1;
}

static int is_zero(const xr *x, int k)
{
    return x->id_n[k] == 1 && x->id[k][0] == '0';
}

static int do_caret(eval *e, const xr *x)
{
    if (x->x[0])
        return 1;
    if (x->x[1]) {
        emit_op(e, OP_GE, x, 1, -1, NULL, 0);
        emit_op(e, OP_LT, x, 0, 0, ZERO_PRE);
    } else if (x->x[2]) {
        emit_op(e, OP_GE, x, 2, -1, NULL, 0);
        if (is_zero(x, 0))
            emit_op(e, OP_LT, x, 1, 1, ZERO_PRE);
        else
            emit_op(e, OP_LT, x, 0, 0, ZERO_PRE);
    } else {
        emit_op(e, OP_GE, x, 3, -1, x->pre, x->pre_n);
        if (is_zero(x, 0) && is_zero(x, 1))
            emit_op(e, OP_LT, x, 2, 2, ZERO_PRE);
        else if (is_zero(x, 0))
            emit_op(e, OP_LT, x, 1, 1, ZERO_PRE);
        else
            emit_op(e, OP_LT, x, 0, 0, ZERO_PRE);
    }
    return 1;
}

/* gtlt: "", "=", "<", "<=", ">", ">=" as an op (OP_EQ for "" and "="). */
static int do_xrange(eval *e, int op, const xr *x)
{
    int xM = x->x[0], xm = xM || x->x[1], xp = xm || x->x[2];
    if (!xp) { /* a plain comparator; node-semver re-parses it as written */
        if (!x->plain_prefix)
            return 0;
        emit_op(e, op, x, 3, -1, x->pre, x->pre_n);
        return 1;
    }
    if (xM) {
        if (op == OP_GT || op == OP_LT) {
            comp c = {OP_LT, {"0", "0", "0"}, "0", 1}; /* <0.0.0-0: nothing */
            emit(e, &c);
        }
        return 1;
    }
    if (op != OP_EQ) {
        int upto = xm ? 1 : 2;
        if (op == OP_GT) /* >1.2 -> >=1.3.0, >1 -> >=2.0.0 */
            emit_op(e, OP_GE, x, upto, upto - 1, NULL, 0);
        else if (op == OP_LE) /* <=1.2 -> <1.3.0-0 */
            emit_op(e, OP_LT, x, upto, upto - 1, ZERO_PRE);
        else if (op == OP_LT)
            emit_op(e, OP_LT, x, upto, -1, ZERO_PRE);
        else
            emit_op(e, OP_GE, x, upto, -1, NULL, 0);
        return 1;
    }
    if (xm) {
        emit_op(e, OP_GE, x, 1, -1, NULL, 0);
        emit_op(e, OP_LT, x, 0, 0, ZERO_PRE);
    } else {
        emit_op(e, OP_GE, x, 2, -1, NULL, 0);
        emit_op(e, OP_LT, x, 1, 1, ZERO_PRE);
    }
    return 1;
}

/* One comparator: t[0..n), or an operator-only token t followed by its
 * operand u[0..un) (node-semver glues "> 1.2" into ">1.2"). */
static int do_token(eval *e, const char *t, size_t n, const char *u, size_t un)
{
    xr x;
    size_t k = 0;
    int op = OP_EQ;
    if (n > 0 && (t[0] == '^' || t[0] == '~')) {
        int caret = t[0] == '^';
        k = (!caret && n > 1 && t[1] == '>') ? 2 : 1;
        if (u ? !parse_xr(u, un, &x) : !parse_xr(t + k, n - k, &x))
            return 0;
        return caret ? do_caret(e, &x) : do_tilde(e, &x);
    }
    if (n > 0 && (t[0] == '<' || t[0] == '>')) {
        op = t[0] == '<' ? OP_LT : OP_GT;
        k = 1;
    }
    if (k < n && t[k] == '=') {
        op = op == OP_LT ? OP_LE : op == OP_GT ? OP_GE : OP_EQ;
        k++;
    }
    if (u ? !parse_xr(u, un, &x) : !parse_xr(t + k, n - k, &x))
        return 0;
    return do_xrange(e, op, &x);
}

static int is_op_only(const char *t, size_t n)
{
    static const char *const OPS[] = {"<", ">", "<=", ">=", "=", "~", "~>", "^"};
    for (size_t i = 0; i < sizeof OPS / sizeof OPS[0]; i++)
        if (strlen(OPS[i]) == n && memcmp(OPS[i], t, n) == 0)
            return 1;
    return 0;
}

/* The next space-separated token of s[0..n) from *i; 0 at the end. */
static int next_tok(const char *s, size_t n, size_t *i, const char **t, size_t *tn)
{
    while (*i < n && s[*i] == ' ')
        (*i)++;
    size_t st = *i;
    while (*i < n && s[*i] != ' ')
        (*i)++;
    *t = s + st;
    *tn = *i - st;
    return *tn > 0;
}

/* Hyphen range "A - B": >=A (x-parts as 0), then <=B, or <B' for a partial B. */
static void do_hyphen(eval *e, const xr *a, const xr *b)
{
    if (!a->x[0])
        emit_op(e, OP_GE, a, a->x[1] ? 1 : a->x[2] ? 2 : 3, -1, a->pre, a->pre_n);
    if (b->x[0])
        return;
    if (b->x[1])
        emit_op(e, OP_LT, b, 0, 0, ZERO_PRE);
    else if (b->x[2])
        emit_op(e, OP_LT, b, 1, 1, ZERO_PRE);
    else
        emit_op(e, OP_LE, b, 3, -1, b->pre, b->pre_n);
}

/* Evaluates one "||"-free set s[0..n): 1 holds, 0 not, -1 invalid. */
static int eval_set(const cg_semver *v, const char *s, size_t n)
{
    eval e = {*v, v->pre != NULL, 1, 0};
    const char *t[4];
    size_t tn[4], i = 0;
    int count = 0;
    while (count < 4 && next_tok(s, n, &i, &t[count], &tn[count]))
        count++;
    xr a, b;
    if (count == 3 && tn[1] == 1 && t[1][0] == '-' && parse_xr(t[0], tn[0], &a) &&
        parse_xr(t[2], tn[2], &b)) {
        do_hyphen(&e, &a, &b);
        return e.all && (!e.has_pre || e.pre_ok);
    }
    const char *cur, *arg;
    size_t cn, an;
    i = 0;
    while (next_tok(s, n, &i, &cur, &cn)) {
        size_t save = i;
        if (is_op_only(cur, cn) && next_tok(s, n, &i, &arg, &an)) {
            if (!do_token(&e, cur, cn, arg, an))
                return -1;
            continue;
        }
        i = save;
        if (!do_token(&e, cur, cn, NULL, 0))
            return -1;
    }
    return e.all && (!e.has_pre || e.pre_ok);
}

cg_status cg_semver_satisfies(const char *version, const char *range, int *result, cg_error *err)
{
    if (!version || !range || !result)
        return cg_error_set(err, CG_ERR_USAGE, "cg_semver_satisfies: bad arguments");
    size_t vn = strnlen(version, CG_VER_MAX_LEN + 1), rn = strnlen(range, RANGE_MAX + 1);
    cg_semver v;
    if (vn > CG_VER_MAX_LEN || !cg_ver_semver_parse(version, vn, &v))
        return cg_error_set(err, CG_ERR_INPUT, "not a valid semver version: \"%.64s\"", version);
    for (int k = 0; k < 3; k++)
        if (!safe_num(v.num[k], v.num_n[k]))
            return cg_error_set(err, CG_ERR_INPUT, "semver version number too large: \"%.64s\"",
                                version);
    if (rn > RANGE_MAX)
        return cg_error_set(err, CG_ERR_INPUT, "semver range longer than %d bytes", RANGE_MAX);
    /* whitespace of any kind separates, as node-semver's split(/\s+/) */
    char buf[RANGE_MAX + 1];
    for (size_t i = 0; i < rn; i++) {
        char c = range[i];
        buf[i] = (c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') ? ' ' : c;
    }
    int any = 0;
    size_t st = 0;
    for (size_t i = 0; i <= rn; i++) {
        if (i < rn && !(buf[i] == '|' && i + 1 < rn && buf[i + 1] == '|'))
            continue;
        int r = eval_set(&v, buf + st, i - st);
        if (r < 0)
            return cg_error_set(err, CG_ERR_INPUT, "not a valid semver range: \"%.128s\"", range);
        any |= r;
        st = i + 2;
        i++;
    }
    *result = any;
    return CG_OK;
}

/*
 * bi_core.c - builtins for comparison, arithmetic, aggregates, arrays, sets,
 * objects, types and casts, with OPA's argument checks and messages
 * ("count: operand 1 must be ..."), plus the builtin lookup over every table.
 * Integers stay exact (big ints via value.c); floats only where OPA's are.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rego/builtins.h"

rv *bi_err(rctx *c, const char *fmt, ...)
{
    if (!c->err.code) {
        c->err.code = "eval_builtin_error";
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->err.msg, sizeof c->err.msg, fmt, ap);
        va_end(ap);
    }
    return NULL;
}

rv *bi_limit(rctx *c, const char *fmt, ...)
{
    if (!c->err.code) {
        c->err.code = "eval_limit_error";
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->err.msg, sizeof c->err.msg, fmt, ap);
        va_end(ap);
    }
    return NULL;
}

rv *bi_type_err(rctx *c, const char *fname, int pos, const rv *got, const char *want)
{
    if (!c->err.code) {
        c->err.code = "eval_type_error";
        snprintf(c->err.msg, sizeof c->err.msg, "%s: operand %d must be %s but got %s", fname, pos, want,
                 rv_type_name(got));
    }
    return NULL;
}

/* ---- comparison ---------------------------------------------------------- */
static rv *b_equal(rctx *c, rv **a, size_t n) { (void)c; (void)n; return rv_bool(rv_eq(a[0], a[1])); }
static rv *b_neq(rctx *c, rv **a, size_t n) { (void)c; (void)n; return rv_bool(!rv_eq(a[0], a[1])); }
static rv *b_lt(rctx *c, rv **a, size_t n) { (void)c; (void)n; return rv_bool(rv_cmp(a[0], a[1]) < 0); }
static rv *b_lte(rctx *c, rv **a, size_t n) { (void)c; (void)n; return rv_bool(rv_cmp(a[0], a[1]) <= 0); }
static rv *b_gt(rctx *c, rv **a, size_t n) { (void)c; (void)n; return rv_bool(rv_cmp(a[0], a[1]) > 0); }
static rv *b_gte(rctx *c, rv **a, size_t n) { (void)c; (void)n; return rv_bool(rv_cmp(a[0], a[1]) >= 0); }

/* ---- arithmetic ---------------------------------------------------------- */
static rv *arith(rctx *c, rv **a, const char *name, int op)
{
    if (a[0]->k != RV_NUM)
        return bi_type_err(c, name, 1, a[0], "number");
    if (a[1]->k != RV_NUM)
        return bi_type_err(c, name, 2, a[1], "number");
    if (op == '/' && rv_num_to_f(a[1]) == 0 && a[1]->nk != NUM_BIG)
        return bi_err(c, "%s: divide by zero", name);
    if (op == '%' && (!rv_num_is_int(a[0]) || !rv_num_is_int(a[1])))
        return bi_err(c, "rem: modulo on floating-point number");
    if (op == '%' && rv_num_to_f(a[1]) == 0)
        return bi_err(c, "rem: modulo by zero");
    rv *r = rv_num_arith(c, op, a[0], a[1]);
    if (!r)
        return bi_err(c, "%s: arithmetic error", name);
    return r;
}
static rv *b_plus(rctx *c, rv **a, size_t n) { (void)n; return arith(c, a, "plus", '+'); }
static rv *b_mul(rctx *c, rv **a, size_t n) { (void)n; return arith(c, a, "mul", '*'); }
static rv *b_div(rctx *c, rv **a, size_t n) { (void)n; return arith(c, a, "div", '/'); }
static rv *b_rem(rctx *c, rv **a, size_t n) { (void)n; return arith(c, a, "rem", '%'); }

static rv *set_op(rctx *c, rv *x, rv *y, int op)
{
    rvec out = {0};
    for (size_t i = 0; i < x->n; i++) {
        int in = rv_set_has(y, x->u.a[i]);
        if ((op == '-' && !in) || (op == '&' && in))
            rvec_push(c, &out, x->u.a[i]);
    }
    if (op == '|') {
        for (size_t i = 0; i < x->n; i++)
            rvec_push(c, &out, x->u.a[i]);
        for (size_t i = 0; i < y->n; i++)
            rvec_push(c, &out, y->u.a[i]);
    }
    return rv_set(c, out.v, out.n);
}

static rv *b_minus(rctx *c, rv **a, size_t n)
{
    (void)n;
    if (a[0]->k == RV_SET && a[1]->k == RV_SET)
        return set_op(c, a[0], a[1], '-');
    if (a[0]->k == RV_SET)
        return bi_type_err(c, "minus", 2, a[1], "set");
    if (a[0]->k == RV_NUM && a[1]->k == RV_NUM)
        return rv_num_arith(c, '-', a[0], a[1]);
    if (a[0]->k != RV_NUM)
        return bi_type_err(c, "minus", 1, a[0], "one of {number, set}");
    return bi_type_err(c, "minus", 2, a[1], "number");
}

static rv *b_and(rctx *c, rv **a, size_t n)
{
    (void)n;
    if (a[0]->k != RV_SET)
        return bi_type_err(c, "and", 1, a[0], "set");
    if (a[1]->k != RV_SET)
        return bi_type_err(c, "and", 2, a[1], "set");
    return set_op(c, a[0], a[1], '&');
}
static rv *b_or(rctx *c, rv **a, size_t n)
{
    (void)n;
    if (a[0]->k != RV_SET)
        return bi_type_err(c, "or", 1, a[0], "set");
    if (a[1]->k != RV_SET)
        return bi_type_err(c, "or", 2, a[1], "set");
    return set_op(c, a[0], a[1], '|');
}

static rv *num1(rctx *c, rv **a, const char *name)
{
    if (a[0]->k != RV_NUM)
        return bi_type_err(c, name, 1, a[0], "number");
    return a[0];
}
static rv *b_abs(rctx *c, rv **a, size_t n)
{
    (void)n;
    if (!num1(c, a, "abs"))
        return NULL;
    if (rv_num_cmp(a[0], rv_int(c, 0)) < 0)
        return rv_num_arith(c, '-', rv_int(c, 0), a[0]);
    return a[0];
}
static rv *rnd(rctx *c, rv **a, const char *name, double (*f)(double))
{
    if (!num1(c, a, name))
        return NULL;
    if (a[0]->nk != NUM_FLT)
        return a[0];
    return rv_float(c, f(a[0]->u.f));
}
static rv *b_round(rctx *c, rv **a, size_t n) { (void)n; return rnd(c, a, "round", round); }
static rv *b_ceil(rctx *c, rv **a, size_t n) { (void)n; return rnd(c, a, "ceil", ceil); }
static rv *b_floor(rctx *c, rv **a, size_t n) { (void)n; return rnd(c, a, "floor", floor); }

static rv *b_numbers_range(rctx *c, rv **a, size_t n)
{
    (void)n;
    int64_t x, y;
    if (a[0]->k != RV_NUM)
        return bi_type_err(c, "numbers.range", 1, a[0], "number");
    if (a[1]->k != RV_NUM)
        return bi_type_err(c, "numbers.range", 2, a[1], "number");
    if (!rv_num_to_i64(a[0], &x))
        return bi_err(c, "numbers.range: operand 1 must be integer number but got floating-point number");
    if (!rv_num_to_i64(a[1], &y))
        return bi_err(c, "numbers.range: operand 2 must be integer number but got floating-point number");
    uint64_t cnt = (uint64_t)(x < y ? y - x : x - y) + 1;
    if (cnt > 100000000 || c->a->used_total + cnt * 48 > c->mem_cap)
        return bi_limit(c, "numbers.range: result exceeds the memory limit (%llu elements)", (unsigned long long)cnt);
    rv **v = rg_alloc(c, sizeof(rv *) * cnt);
    if (!v)
        return NULL;
    for (uint64_t i = 0; i < cnt; i++) {
        v[i] = rv_int(c, x < y ? x + (int64_t)i : x - (int64_t)i);
        if (!v[i])
            return NULL;
    }
    return rv_arr(c, v, cnt);
}

static rv *b_numbers_range_step(rctx *c, rv **a, size_t n)
{
    (void)n;
    int64_t x, y, s;
    for (int i = 0; i < 3; i++)
        if (a[i]->k != RV_NUM)
            return bi_type_err(c, "numbers.range_step", i + 1, a[i], "number");
    if (!rv_num_to_i64(a[0], &x))
        return bi_err(c, "numbers.range_step: operand 1 must be integer number but got floating-point number");
    if (!rv_num_to_i64(a[1], &y))
        return bi_err(c, "numbers.range_step: operand 2 must be integer number but got floating-point number");
    if (!rv_num_to_i64(a[2], &s))
        return bi_err(c, "numbers.range_step: operand 3 must be integer number but got floating-point number");
    if (s <= 0)
        return bi_err(c, "numbers.range_step: step must be a positive integer");
    rvec out = {0};
    if (x <= y)
        for (int64_t i = x; i <= y; i += s) {
            if (rg_check_limits(c) || rvec_push(c, &out, rv_int(c, i)))
                return NULL;
        }
    else
        for (int64_t i = x; i >= y; i -= s) {
            if (rg_check_limits(c) || rvec_push(c, &out, rv_int(c, i)))
                return NULL;
        }
    return rv_arr(c, out.v, out.n);
}

/* ---- aggregates ------------------------------------------------------------ */
static rv *b_count(rctx *c, rv **a, size_t n)
{
    (void)n;
    rv *x = a[0];
    if (x->k == RV_STR) {
        int64_t cnt = 0;
        for (size_t i = 0; i < x->n; i++)
            if (((unsigned char)x->u.s[i] & 0xC0) != 0x80)
                cnt++;
        return rv_int(c, cnt);
    }
    if (x->k == RV_ARR || x->k == RV_SET || x->k == RV_OBJ)
        return rv_int(c, (int64_t)x->n);
    return bi_type_err(c, "count", 1, x, "one of {array, object, set, string}");
}

static rv *sumprod(rctx *c, rv **a, const char *name, int op)
{
    rv *x = a[0];
    if (x->k != RV_ARR && x->k != RV_SET)
        return bi_type_err(c, name, 1, x, "one of {array, set}");
    rv *acc = rv_int(c, op == '+' ? 0 : 1);
    for (size_t i = 0; i < x->n; i++) {
        if (x->u.a[i]->k != RV_NUM)
            return bi_type_err(c, name, 1, x, op == '+' ? "any<array[number], set[number]>" : "any<array[number], set[number]>");
        acc = rv_num_arith(c, op, acc, x->u.a[i]);
        if (!acc)
            return NULL;
    }
    return acc;
}
static rv *b_sum(rctx *c, rv **a, size_t n) { (void)n; return sumprod(c, a, "sum", '+'); }
static rv *b_product(rctx *c, rv **a, size_t n) { (void)n; return sumprod(c, a, "product", '*'); }

static rv *minmax(rctx *c, rv **a, const char *name, int want)
{
    rv *x = a[0];
    if (x->k != RV_ARR && x->k != RV_SET)
        return bi_type_err(c, name, 1, x, "one of {array, set}");
    if (!x->n)
        return BI_UNDEF;
    rv *best = x->u.a[0];
    for (size_t i = 1; i < x->n; i++)
        if (rv_cmp(x->u.a[i], best) * want > 0)
            best = x->u.a[i];
    return best;
}
static rv *b_max(rctx *c, rv **a, size_t n) { (void)n; return minmax(c, a, "max", 1); }
static rv *b_min(rctx *c, rv **a, size_t n) { (void)n; return minmax(c, a, "min", -1); }

static int cmpp(const void *x, const void *y) { return rv_cmp(*(rv *const *)x, *(rv *const *)y); }
static rv *b_sort(rctx *c, rv **a, size_t n)
{
    (void)n;
    rv *x = a[0];
    if (x->k == RV_SET)
        return rv_arr(c, x->u.a, x->n);
    if (x->k != RV_ARR)
        return bi_type_err(c, "sort", 1, x, "one of {array, set}");
    rv **v = rg_alloc(c, sizeof(rv *) * (x->n + 1));
    if (!v)
        return NULL;
    RG_MEMCPY(v, x->u.a, x->n * sizeof(rv *));
    qsort(v, x->n, sizeof(rv *), cmpp);
    return rv_arr(c, v, x->n);
}

/* ---- membership (in) ------------------------------------------------------ */
static rv *b_member2(rctx *c, rv **a, size_t n)
{
    (void)c;
    (void)n;
    rv *coll = a[1];
    if (coll->k == RV_SET)
        return rv_bool(rv_set_has(coll, a[0]));
    if (coll->k == RV_ARR) {
        for (size_t i = 0; i < coll->n; i++)
            if (rv_eq(coll->u.a[i], a[0]))
                return rv_bool(1);
        return rv_bool(0);
    }
    if (coll->k == RV_OBJ) {
        for (size_t i = 0; i < coll->n; i++)
            if (rv_eq(coll->u.a[coll->n + i], a[0]))
                return rv_bool(1);
        return rv_bool(0);
    }
    return rv_bool(0);
}
static rv *b_member3(rctx *c, rv **a, size_t n)
{
    (void)n;
    rv *coll = a[2];
    if (coll->k == RV_ARR || coll->k == RV_OBJ) {
        rv *v = rv_get(coll, a[0]);
        return rv_bool(v && rv_eq(v, a[1]));
    }
    if (coll->k == RV_SET) {
        return rv_bool(rv_eq(a[0], a[1]) && rv_set_has(coll, a[0]));
    }
    (void)c;
    return rv_bool(0);
}

/* ---- arrays -------------------------------------------------------------- */
static rv *b_array_concat(rctx *c, rv **a, size_t n)
{
    (void)n;
    if (a[0]->k != RV_ARR)
        return bi_type_err(c, "array.concat", 1, a[0], "array");
    if (a[1]->k != RV_ARR)
        return bi_type_err(c, "array.concat", 2, a[1], "array");
    size_t t = a[0]->n + a[1]->n;
    rv **v = rg_alloc(c, sizeof(rv *) * (t + 1));
    if (!v)
        return NULL;
    RG_MEMCPY(v, a[0]->u.a, a[0]->n * sizeof(rv *));
    RG_MEMCPY(v + a[0]->n, a[1]->u.a, a[1]->n * sizeof(rv *));
    return rv_arr(c, v, t);
}
static rv *b_array_slice(rctx *c, rv **a, size_t n)
{
    (void)n;
    if (a[0]->k != RV_ARR)
        return bi_type_err(c, "array.slice", 1, a[0], "array");
    if (a[1]->k != RV_NUM)
        return bi_type_err(c, "array.slice", 2, a[1], "number");
    if (a[2]->k != RV_NUM)
        return bi_type_err(c, "array.slice", 3, a[2], "number");
    int64_t s, e;
    if (!rv_num_to_i64(a[1], &s) || !rv_num_to_i64(a[2], &e))
        return bi_err(c, "array.slice: operand must be integer");
    int64_t len = (int64_t)a[0]->n;
    if (s < 0)
        s = 0;
    if (e > len)
        e = len;
    if (s >= e)
        return rv_empty(c, RV_ARR);
    return rv_arr(c, a[0]->u.a + s, (size_t)(e - s));
}
static rv *b_array_reverse(rctx *c, rv **a, size_t n)
{
    (void)n;
    if (a[0]->k != RV_ARR)
        return bi_type_err(c, "array.reverse", 1, a[0], "array");
    rv **v = rg_alloc(c, sizeof(rv *) * (a[0]->n + 1));
    if (!v)
        return NULL;
    for (size_t i = 0; i < a[0]->n; i++)
        v[i] = a[0]->u.a[a[0]->n - 1 - i];
    return rv_arr(c, v, a[0]->n);
}

/* ---- sets ------------------------------------------------------------------ */
static rv *b_intersection(rctx *c, rv **a, size_t n)
{
    (void)n;
    if (a[0]->k != RV_SET)
        return bi_type_err(c, "intersection", 1, a[0], "set");
    rv *s = a[0];
    if (!s->n)
        return s;
    rv *acc = NULL;
    for (size_t i = 0; i < s->n; i++) {
        if (s->u.a[i]->k != RV_SET)
            return bi_type_err(c, "intersection", 1, s, "set[set[any]]");
        acc = acc ? set_op(c, acc, s->u.a[i], '&') : s->u.a[i];
    }
    return acc;
}
static rv *b_union(rctx *c, rv **a, size_t n)
{
    (void)n;
    if (a[0]->k != RV_SET)
        return bi_type_err(c, "union", 1, a[0], "set");
    rvec out = {0};
    for (size_t i = 0; i < a[0]->n; i++) {
        rv *s = a[0]->u.a[i];
        if (s->k != RV_SET)
            return bi_type_err(c, "union", 1, a[0], "set[set[any]]");
        for (size_t j = 0; j < s->n; j++)
            rvec_push(c, &out, s->u.a[j]);
    }
    return rv_set(c, out.v, out.n);
}

/* ---- objects -------------------------------------------------------------- */
static rv *b_object_get(rctx *c, rv **a, size_t n)
{
    (void)n;
    if (a[0]->k != RV_OBJ)
        return bi_type_err(c, "object.get", 1, a[0], "object");
    if (a[1]->k == RV_ARR) {
        rv *cur = a[0];
        if (!a[1]->n)
            return a[0];
        for (size_t i = 0; i < a[1]->n; i++) {
            if (cur->k != RV_OBJ && cur->k != RV_ARR && cur->k != RV_SET)
                return a[2];
            rv *x = rv_get(cur, a[1]->u.a[i]);
            if (!x)
                return a[2];
            cur = x;
        }
        return cur;
    }
    rv *x = rv_get(a[0], a[1]);
    return x ? x : a[2];
}
static rv *b_object_keys(rctx *c, rv **a, size_t n)
{
    (void)n;
    if (a[0]->k != RV_OBJ)
        return bi_type_err(c, "object.keys", 1, a[0], "object");
    rv **v = rg_alloc(c, sizeof(rv *) * (a[0]->n + 1));
    RG_MEMCPY(v, a[0]->u.a, a[0]->n * sizeof(rv *));
    return rv_set(c, v, a[0]->n);
}

static rv *merge_obj(rctx *c, rv *x, rv *y)
{
    rvec ks = {0}, vs = {0};
    for (size_t i = 0; i < x->n; i++) {
        rv *k = x->u.a[i];
        rv *yv = rv_get(y, k);
        rv *xv = x->u.a[x->n + i];
        if (yv && yv->k == RV_OBJ && xv->k == RV_OBJ)
            yv = merge_obj(c, xv, yv);
        rvec_push(c, &ks, k);
        rvec_push(c, &vs, yv ? yv : xv);
    }
    for (size_t i = 0; i < y->n; i++)
        if (!rv_get(x, y->u.a[i])) {
            rvec_push(c, &ks, y->u.a[i]);
            rvec_push(c, &vs, y->u.a[y->n + i]);
        }
    return rv_obj(c, ks.v, vs.v, ks.n);
}
static rv *b_object_union(rctx *c, rv **a, size_t n)
{
    (void)n;
    if (a[0]->k != RV_OBJ)
        return bi_type_err(c, "object.union", 1, a[0], "object");
    if (a[1]->k != RV_OBJ)
        return bi_type_err(c, "object.union", 2, a[1], "object");
    return merge_obj(c, a[0], a[1]);
}
static rv *b_object_union_n(rctx *c, rv **a, size_t n)
{
    (void)n;
    if (a[0]->k != RV_ARR)
        return bi_type_err(c, "object.union_n", 1, a[0], "array");
    rv *acc = rv_empty(c, RV_OBJ);
    for (size_t i = 0; i < a[0]->n; i++) {
        if (a[0]->u.a[i]->k != RV_OBJ)
            return bi_type_err(c, "object.union_n", 1, a[0], "array[object[any: any]]");
        acc = merge_obj(c, acc, a[0]->u.a[i]);
    }
    return acc;
}

static rv *keyset(rctx *c, rv *k, const char *name, int pos)
{
    if (k->k == RV_SET)
        return k;
    if (k->k == RV_ARR) {
        rv **v = rg_alloc(c, sizeof(rv *) * (k->n + 1));
        RG_MEMCPY(v, k->u.a, k->n * sizeof(rv *));
        return rv_set(c, v, k->n);
    }
    if (k->k == RV_OBJ) {
        rv **v = rg_alloc(c, sizeof(rv *) * (k->n + 1));
        RG_MEMCPY(v, k->u.a, k->n * sizeof(rv *));
        return rv_set(c, v, k->n);
    }
    return bi_type_err(c, name, pos, k, "one of {object, set, array}");
}
static rv *obj_filter(rctx *c, rv **a, const char *name, int keep)
{
    if (a[0]->k != RV_OBJ)
        return bi_type_err(c, name, 1, a[0], "object");
    rv *ks = keyset(c, a[1], name, 2);
    if (!ks)
        return NULL;
    rvec k = {0}, v = {0};
    for (size_t i = 0; i < a[0]->n; i++)
        if (rv_set_has(ks, a[0]->u.a[i]) == keep) {
            rvec_push(c, &k, a[0]->u.a[i]);
            rvec_push(c, &v, a[0]->u.a[a[0]->n + i]);
        }
    return rv_obj(c, k.v, v.v, k.n);
}
static rv *b_object_remove(rctx *c, rv **a, size_t n) { (void)n; return obj_filter(c, a, "object.remove", 0); }
static rv *b_object_filter(rctx *c, rv **a, size_t n) { (void)n; return obj_filter(c, a, "object.filter", 1); }

static int subset_of(rv *sup, rv *sub)
{
    if (sup->k == RV_OBJ && sub->k == RV_OBJ) {
        for (size_t i = 0; i < sub->n; i++) {
            rv *x = rv_get(sup, sub->u.a[i]);
            if (!x)
                return 0;
            rv *y = sub->u.a[sub->n + i];
            if (x->k == RV_OBJ && y->k == RV_OBJ) {
                if (!subset_of(x, y))
                    return 0;
            } else if (x->k == RV_SET && y->k == RV_SET) {
                if (!subset_of(x, y))
                    return 0;
            } else if (x->k == RV_ARR && y->k == RV_ARR) {
                if (!subset_of(x, y))
                    return 0;
            } else if (!rv_eq(x, y))
                return 0;
        }
        return 1;
    }
    if (sup->k == RV_SET && sub->k == RV_SET) {
        for (size_t i = 0; i < sub->n; i++)
            if (!rv_set_has(sup, sub->u.a[i]))
                return 0;
        return 1;
    }
    if (sup->k == RV_ARR && sub->k == RV_ARR) {
        if (!sub->n)
            return 1;
        for (size_t s = 0; s + sub->n <= sup->n; s++) {
            size_t i;
            for (i = 0; i < sub->n; i++)
                if (!rv_eq(sup->u.a[s + i], sub->u.a[i]))
                    break;
            if (i == sub->n)
                return 1;
        }
        return 0;
    }
    if (sup->k == RV_ARR && sub->k == RV_SET) {
        for (size_t i = 0; i < sub->n; i++) {
            int f = 0;
            for (size_t j = 0; j < sup->n && !f; j++)
                f = rv_eq(sup->u.a[j], sub->u.a[i]);
            if (!f)
                return 0;
        }
        return 1;
    }
    return rv_eq(sup, sub);
}
static rv *b_object_subset(rctx *c, rv **a, size_t n)
{
    (void)n;
    int ok1 = a[0]->k == RV_OBJ || a[0]->k == RV_SET || a[0]->k == RV_ARR;
    int ok2 = a[1]->k == RV_OBJ || a[1]->k == RV_SET || a[1]->k == RV_ARR;
    if (!ok1)
        return bi_type_err(c, "object.subset", 1, a[0], "one of {object, set, array}");
    if (!ok2)
        return bi_type_err(c, "object.subset", 2, a[1], "one of {object, set, array}");
    if (a[0]->k == RV_OBJ && a[1]->k != RV_OBJ)
        return bi_err(c, "object.subset: both arguments must be objects");
    if (a[0]->k == RV_SET && a[1]->k != RV_SET)
        return bi_err(c, "object.subset: both arguments must be sets");
    return rv_bool(subset_of(a[0], a[1]));
}

/* ---- types ---------------------------------------------------------------- */
#define ISF(fname, kind)                                                                                      \
    static rv *fname(rctx *c, rv **a, size_t n)                                                              \
    {                                                                                                         \
        (void)c;                                                                                              \
        (void)n;                                                                                              \
        return rv_bool(a[0]->k == kind);                                                       \
    }
ISF(b_is_number, RV_NUM)
ISF(b_is_string, RV_STR)
ISF(b_is_boolean, RV_BOOL)
ISF(b_is_array, RV_ARR)
ISF(b_is_set, RV_SET)
ISF(b_is_object, RV_OBJ)
ISF(b_is_null, RV_NULL)
static rv *b_type_name(rctx *c, rv **a, size_t n)
{
    (void)n;
    return rv_cstr(c, rv_type_name(a[0]));
}

/* ---- casts ------------------------------------------------------------------ */
static rv *b_to_number(rctx *c, rv **a, size_t n)
{
    (void)n;
    rv *x = a[0];
    switch (x->k) {
    case RV_NULL:
        return rv_int(c, 0);
    case RV_BOOL:
        return rv_int(c, x->u.b);
    case RV_NUM:
        return x;
    case RV_STR: {
        const char *s = x->u.s;
        size_t i = 0;
        if (s[i] == '-' || s[i] == '+')
            i++;
        int digits = 0, ok = 1;
        while (s[i] >= '0' && s[i] <= '9') {
            i++;
            digits++;
        }
        if (s[i] == '.') {
            i++;
            while (s[i] >= '0' && s[i] <= '9') {
                i++;
                digits++;
            }
        }
        if (digits && (s[i] == 'e' || s[i] == 'E')) {
            i++;
            if (s[i] == '+' || s[i] == '-')
                i++;
            int ed = 0;
            while (s[i] >= '0' && s[i] <= '9') {
                i++;
                ed++;
            }
            if (!ed)
                ok = 0;
        }
        if (!digits || i != x->n || !ok)
            return bi_err(c, "strconv.ParseFloat: parsing %s: invalid syntax", x->u.s);
        return rv_num_text(c, s[0] == '+' ? s + 1 : s, s[0] == '+' ? x->n - 1 : x->n);
    }
    }
    return bi_type_err(c, "to_number", 1, x, "one of {boolean, null, number, string}");
}
static rv *cast(rctx *c, rv **a, const char *name, int kind)
{
    rv *x = a[0];
    if (kind == RV_ARR) {
        if (x->k == RV_ARR)
            return x;
        if (x->k == RV_SET)
            return rv_arr(c, x->u.a, x->n);
    } else if (kind == RV_SET) {
        if (x->k == RV_SET)
            return x;
        if (x->k == RV_ARR) {
            rv **v = rg_alloc(c, sizeof(rv *) * (x->n + 1));
            RG_MEMCPY(v, x->u.a, x->n * sizeof(rv *));
            return rv_set(c, v, x->n);
        }
    } else if (x->k == kind)
        return x;
    return bi_type_err(c, name, 1, x, kind == RV_ARR || kind == RV_SET ? "one of {array, set}" : "matching type");
}
static rv *b_cast_array(rctx *c, rv **a, size_t n) { (void)n; return cast(c, a, "cast_array", RV_ARR); }
static rv *b_cast_set(rctx *c, rv **a, size_t n) { (void)n; return cast(c, a, "cast_set", RV_SET); }

static rv *b_print(rctx *c, rv **a, size_t n)
{
    if (c->no_print || !c->print_out)
        return rv_bool(1);
    for (size_t i = 0; i < n; i++) {
        if (i)
            cg_buf_putc(c->print_out, ' ');
        rv *x = a[i];
        if (x->k == RV_SET && x->n == 1 && x->u.a[0]->k == RV_STR)
            cg_buf_append(c->print_out, x->u.a[0]->u.s, x->u.a[0]->n);
        else if (x->k == RV_STR)
            cg_buf_append(c->print_out, x->u.s, x->n);
        else
            rv_write_rego(c->print_out, x);
    }
    cg_buf_putc(c->print_out, '\n');
    return rv_bool(1);
}

static rv *b_unavailable(rctx *c, rv **a, size_t n)
{
    (void)a;
    (void)n;
    return bi_err(c, "builtin not available in cgate");
}

const builtin rg_bi_core[] = {
    {"equal", 2, b_equal, NULL},
    {"neq", 2, b_neq, NULL},
    {"lt", 2, b_lt, NULL},
    {"lte", 2, b_lte, NULL},
    {"gt", 2, b_gt, NULL},
    {"gte", 2, b_gte, NULL},
    {"plus", 2, b_plus, NULL},
    {"minus", 2, b_minus, NULL},
    {"mul", 2, b_mul, NULL},
    {"div", 2, b_div, NULL},
    {"rem", 2, b_rem, NULL},
    {"and", 2, b_and, NULL},
    {"or", 2, b_or, NULL},
    {"abs", 1, b_abs, NULL},
    {"round", 1, b_round, NULL},
    {"ceil", 1, b_ceil, NULL},
    {"floor", 1, b_floor, NULL},
    {"numbers.range", 2, b_numbers_range, NULL},
    {"numbers.range_step", 3, b_numbers_range_step, NULL},
    {"count", 1, b_count, NULL},
    {"sum", 1, b_sum, NULL},
    {"product", 1, b_product, NULL},
    {"max", 1, b_max, NULL},
    {"min", 1, b_min, NULL},
    {"sort", 1, b_sort, NULL},
    {"internal.member_2", 2, b_member2, NULL},
    {"internal.member_3", 3, b_member3, NULL},
    {"array.concat", 2, b_array_concat, NULL},
    {"array.slice", 3, b_array_slice, NULL},
    {"array.reverse", 1, b_array_reverse, NULL},
    {"intersection", 1, b_intersection, NULL},
    {"union", 1, b_union, NULL},
    {"object.get", 3, b_object_get, NULL},
    {"object.keys", 1, b_object_keys, NULL},
    {"object.union", 2, b_object_union, NULL},
    {"object.union_n", 1, b_object_union_n, NULL},
    {"object.remove", 2, b_object_remove, NULL},
    {"object.filter", 2, b_object_filter, NULL},
    {"object.subset", 2, b_object_subset, NULL},
    {"is_number", 1, b_is_number, NULL},
    {"is_string", 1, b_is_string, NULL},
    {"is_boolean", 1, b_is_boolean, NULL},
    {"is_array", 1, b_is_array, NULL},
    {"is_set", 1, b_is_set, NULL},
    {"is_object", 1, b_is_object, NULL},
    {"is_null", 1, b_is_null, NULL},
    {"type_name", 1, b_type_name, NULL},
    {"to_number", 1, b_to_number, NULL},
    {"cast_array", 1, b_cast_array, NULL},
    {"cast_set", 1, b_cast_set, NULL},
    {"print", -1, b_print, NULL},
    {"http.send", 1, b_unavailable, "network access"},
    {"net.lookup_ip_addr", 1, b_unavailable, "network access"},
    {"opa.runtime", 0, b_unavailable, "runtime introspection"},
    {"rand.intn", 2, b_unavailable, "non-deterministic"},
    {"uuid.rfc4122", 1, b_unavailable, "non-deterministic"},
    {NULL, 0, NULL, NULL},
};

const builtin *rg_builtin_find(const char *name)
{
    const builtin *tables[] = {rg_bi_core, rg_bi_str, rg_bi_enc, rg_bi_time, rg_bi_json, rg_bi_net, rg_bi_extra};
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
        for (const builtin *b = tables[t]; b->name; b++)
            if (!strcmp(b->name, name))
                return b;
    return NULL;
}

const builtin *rg_builtin_find_v(const char *name, int v0)
{
    const builtin *b = rg_builtin_find(name);
    if (b || !v0)
        return b;
    for (b = rg_bi_v0; b->name; b++)
        if (!strcmp(b->name, name))
            return b;
    return NULL;
}

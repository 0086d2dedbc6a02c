/*
 * bi_json.c - document-shaping builtins: json.filter and json.remove (paths
 * as "a/b/c" strings or arrays of segments), array.flatten, and walk (a
 * relation: the evaluator enumerates the [path, value] pairs it returns, in
 * OPA's pre-order with sorted keys).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rego/builtins.h"

typedef struct paths {
    rv **p; /* each an array of segments */
    size_t n;
} paths;

static int get_paths(rctx *c, const char *name, rv *arg, paths *out)
{
    if (arg->k != RV_SET && arg->k != RV_ARR) {
        bi_type_err(c, name, 2, arg, "one of {set, array}");
        return -1;
    }
    out->p = rg_alloc(c, sizeof(rv *) * (arg->n + 1));
    out->n = 0;
    for (size_t i = 0; i < arg->n; i++) {
        rv *x = arg->u.a[i];
        if (x->k == RV_STR) {
            rvec segs = {0};
            const char *s = x->u.s, *e = s + x->n;
            while (s < e && *s == '/')
                s++;
            if (s == e) {
                out->p[out->n++] = rv_empty(c, RV_ARR);
                continue;
            }
            while (s <= e) {
                const char *d = memchr(s, '/', (size_t)(e - s));
                size_t l = d ? (size_t)(d - s) : (size_t)(e - s);
                /* JSON pointer escapes */
                cg_buf b = CG_BUF_INIT;
                for (size_t k = 0; k < l; k++) {
                    if (s[k] == '~' && k + 1 < l && (s[k + 1] == '0' || s[k + 1] == '1')) {
                        cg_buf_putc(&b, s[k + 1] == '0' ? '~' : '/');
                        k++;
                    } else
                        cg_buf_putc(&b, s[k]);
                }
                rvec_push(c, &segs, rv_str(c, b.data ? b.data : "", b.len));
                cg_buf_free(&b);
                if (!d)
                    break;
                s = d + 1;
            }
            out->p[out->n++] = rv_arr(c, segs.v, segs.n);
        } else if (x->k == RV_ARR) {
            out->p[out->n++] = x;
        } else {
            if (!c->err.code) {
                c->err.code = "eval_type_error";
                snprintf(c->err.msg, sizeof c->err.msg,
                         "%s: operand 2 must be one of {set, array} containing string paths or array of path segments "
                         "but got %s",
                         name, rv_type_name(x));
            }
            return -1;
        }
    }
    return 0;
}

/* does segment seg select key (object key or array index)? */
static int seg_match(const rv *seg, const rv *key, int is_arr)
{
    if (rv_eq(seg, key))
        return 1;
    if (is_arr && seg->k == RV_STR && key->k == RV_NUM) {
        char buf[32];
        snprintf(buf, sizeof buf, "%lld", (long long)key->u.i);
        return !strcmp(buf, seg->u.s);
    }
    return 0;
}

static rv *filter_rec(rctx *c, rv *v, rv **ps, size_t np, size_t depth, int remove)
{
    /* any path ending here? */
    for (size_t i = 0; i < np; i++)
        if (ps[i]->n == depth)
            return remove ? NULL : v;
    if (v->k != RV_OBJ && v->k != RV_ARR && v->k != RV_SET)
        return remove ? v : NULL;
    rvec ks = {0}, vs = {0};
    int is_arr = v->k == RV_ARR;
    rv **sub = rg_alloc(c, sizeof(rv *) * (np + 1));
    for (size_t j = 0; j < v->n; j++) {
        rv *key = v->k == RV_ARR ? rv_int(c, (int64_t)j) : v->u.a[j];
        rv *child = v->k == RV_OBJ ? v->u.a[v->n + j] : v->u.a[j];
        size_t ns = 0;
        for (size_t i = 0; i < np; i++)
            if (seg_match(ps[i]->u.a[depth], key, is_arr))
                sub[ns++] = ps[i];
        rv *r;
        if (!ns)
            r = remove ? child : NULL;
        else
            r = filter_rec(c, child, sub, ns, depth + 1, remove);
        if (r) {
            rvec_push(c, &ks, key);
            rvec_push(c, &vs, r);
        }
    }
    if (v->k == RV_OBJ)
        return rv_obj(c, ks.v, vs.v, ks.n);
    if (v->k == RV_SET)
        return rv_set(c, vs.v, vs.n);
    return rv_arr(c, vs.v, vs.n);
}

static rv *json_fr(rctx *c, rv **a, const char *name, int remove)
{
    if (a[0]->k != RV_OBJ)
        return bi_type_err(c, name, 1, a[0], "object");
    paths ps;
    if (get_paths(c, name, a[1], &ps))
        return NULL;
    rv *r = filter_rec(c, a[0], ps.p, ps.n, 0, remove);
    return r ? r : rv_empty(c, RV_OBJ);
}
static rv *b_json_remove(rctx *c, rv **a, size_t n) { (void)n; return json_fr(c, a, "json.remove", 1); }
static rv *b_json_filter(rctx *c, rv **a, size_t n) { (void)n; return json_fr(c, a, "json.filter", 0); }

static rv *b_array_flatten(rctx *c, rv **a, size_t n)
{
    (void)n;
    if (a[0]->k != RV_ARR)
        return bi_type_err(c, "array.flatten", 1, a[0], "array");
    rvec out = {0};
    for (size_t i = 0; i < a[0]->n; i++) {
        rv *x = a[0]->u.a[i];
        if (x->k == RV_ARR)
            for (size_t j = 0; j < x->n; j++)
                rvec_push(c, &out, x->u.a[j]);
        else
            rvec_push(c, &out, x);
    }
    return rv_arr(c, out.v, out.n);
}

static int walk_rec(rctx *c, rv *v, rvec *path, rvec *out)
{
    if (rg_check_limits(c))
        return -1;
    rv **pc = rg_alloc(c, sizeof(rv *) * (path->n + 1));
    if (!pc)
        return -1;
    memcpy(pc, path->v, path->n * sizeof(rv *));
    rv *pair[2] = {rv_arr(c, pc, path->n), v};
    rv **pp = rg_alloc(c, 2 * sizeof(rv *));
    pp[0] = pair[0];
    pp[1] = pair[1];
    if (rvec_push(c, out, rv_arr(c, pp, 2)))
        return -1;
    if (v->k != RV_ARR && v->k != RV_OBJ && v->k != RV_SET)
        return 0;
    for (size_t j = 0; j < v->n; j++) {
        rv *key = v->k == RV_ARR ? rv_int(c, (int64_t)j) : v->u.a[j];
        rv *child = v->k == RV_OBJ ? v->u.a[v->n + j] : v->u.a[j];
        if (rvec_push(c, path, key))
            return -1;
        int r = walk_rec(c, child, path, out);
        path->n--;
        if (r)
            return r;
    }
    return 0;
}
static rv *b_walk(rctx *c, rv **a, size_t n)
{
    (void)n;
    rvec path = {0}, out = {0};
    if (walk_rec(c, a[0], &path, &out))
        return NULL;
    return rv_arr(c, out.v, out.n);
}

const builtin rg_bi_json[] = {
    {"json.remove", 2, b_json_remove, NULL, 0},
    {"json.filter", 2, b_json_filter, NULL, 0},
    {"array.flatten", 1, b_array_flatten, NULL, 0},
    {"walk", 1, b_walk, NULL, 1},
    {NULL, 0, NULL, NULL, 0},
};

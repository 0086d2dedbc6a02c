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
    RG_MEMCPY(pc, path->v, path->n * sizeof(rv *));
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

/* ---- json.patch (RFC 6902) ------------------------------------------------ */
static int ptr_parse(rctx *c, rv *path, rvec *segs)
{
    if (path->k == RV_ARR) {
        for (size_t i = 0; i < path->n; i++)
            rvec_push(c, segs, path->u.a[i]);
        return 0;
    }
    if (path->k != RV_STR)
        return -1;
    const char *s = path->u.s, *e = s + path->n;
    if (s == e)
        return 0;
    if (*s != '/')
        return -1;
    s++;
    for (;;) {
        const char *d = memchr(s, '/', (size_t)(e - s));
        size_t l = d ? (size_t)(d - s) : (size_t)(e - s);
        cg_buf b = CG_BUF_INIT;
        for (size_t k = 0; k < l; k++) {
            if (s[k] == '~' && k + 1 < l && (s[k + 1] == '0' || s[k + 1] == '1')) {
                cg_buf_putc(&b, s[k + 1] == '0' ? '~' : '/');
                k++;
            } else
                cg_buf_putc(&b, s[k]);
        }
        rvec_push(c, segs, rv_str(c, b.data ? b.data : "", b.len));
        cg_buf_free(&b);
        if (!d)
            break;
        s = d + 1;
    }
    return 0;
}

/* array index from a segment; append = "-" */
static int arr_idx(const rv *seg, size_t n, int allow_end, size_t *out)
{
    int64_t i = -1;
    if (seg->k == RV_NUM) {
        if (!rv_num_to_i64(seg, &i))
            return -1;
    } else if (seg->k == RV_STR) {
        if (allow_end && !strcmp(seg->u.s, "-")) {
            *out = n;
            return 0;
        }
        char *end;
        if (!seg->n)
            return -1;
        long long v = strtoll(seg->u.s, &end, 10);
        if (*end)
            return -1;
        i = v;
    }
    if (i < 0 || (size_t)i > n || (!allow_end && (size_t)i == n))
        return -1;
    *out = (size_t)i;
    return 0;
}

/* op: 0 add, 1 remove, 2 replace; returns new doc or NULL (fail) */
static rv *patch_at(rctx *c, rv *doc, rv **segs, size_t ns, int op, rv *val)
{
    if (ns == 0)
        return op == 1 ? NULL : val;
    if (doc->k == RV_OBJ) {
        rv *old = rv_get(doc, segs[0]);
        if (ns == 1) {
            if ((op == 1 || op == 2) && !old)
                return NULL;
            rvec ks = {0}, vs = {0};
            for (size_t i = 0; i < doc->n; i++) {
                if (rv_eq(doc->u.a[i], segs[0]))
                    continue;
                rvec_push(c, &ks, doc->u.a[i]);
                rvec_push(c, &vs, doc->u.a[doc->n + i]);
            }
            if (op != 1) {
                rvec_push(c, &ks, segs[0]);
                rvec_push(c, &vs, val);
            }
            return rv_obj(c, ks.v, vs.v, ks.n);
        }
        if (!old)
            return NULL;
        rv *nv = patch_at(c, old, segs + 1, ns - 1, op, val);
        if (!nv)
            return NULL;
        rvec ks = {0}, vs = {0};
        for (size_t i = 0; i < doc->n; i++) {
            rvec_push(c, &ks, doc->u.a[i]);
            rvec_push(c, &vs, rv_eq(doc->u.a[i], segs[0]) ? nv : doc->u.a[doc->n + i]);
        }
        return rv_obj(c, ks.v, vs.v, ks.n);
    }
    if (doc->k == RV_ARR) {
        size_t idx;
        if (arr_idx(segs[0], doc->n, ns == 1 && op == 0, &idx))
            return NULL;
        rvec out = {0};
        for (size_t i = 0; i <= doc->n; i++) {
            if (i == idx) {
                if (ns == 1) {
                    if (op != 1)
                        rvec_push(c, &out, val);
                    if (op == 0 && i < doc->n)
                        rvec_push(c, &out, doc->u.a[i]);
                } else {
                    rv *nv = patch_at(c, doc->u.a[i], segs + 1, ns - 1, op, val);
                    if (!nv)
                        return NULL;
                    rvec_push(c, &out, nv);
                }
            } else if (i < doc->n)
                rvec_push(c, &out, doc->u.a[i]);
        }
        return rv_arr(c, out.v, out.n);
    }
    if (doc->k == RV_SET && ns == 1) {
        rvec out = {0};
        int has = rv_set_has(doc, op == 0 ? val : segs[0]);
        if (op == 1 && !has)
            return NULL;
        for (size_t i = 0; i < doc->n; i++)
            if (!(op == 1 && rv_eq(doc->u.a[i], segs[0])))
                rvec_push(c, &out, doc->u.a[i]);
        if (op == 0)
            rvec_push(c, &out, val);
        return rv_set(c, out.v, out.n);
    }
    return NULL;
}

static rv *get_at(rv *doc, rv **segs, size_t ns)
{
    for (size_t i = 0; i < ns && doc; i++) {
        if (doc->k == RV_ARR) {
            size_t idx;
            if (arr_idx(segs[i], doc->n, 0, &idx))
                return NULL;
            doc = doc->u.a[idx];
        } else if (doc->k == RV_OBJ || doc->k == RV_SET)
            doc = rv_get(doc, segs[i]);
        else
            return NULL;
    }
    return doc;
}

static rv *b_json_patch(rctx *c, rv **a, size_t n)
{
    (void)n;
    if (a[1]->k != RV_ARR)
        return bi_type_err(c, "json.patch", 2, a[1], "array");
    rv *doc = a[0];
    for (size_t i = 0; i < a[1]->n && doc; i++) {
        rv *p = a[1]->u.a[i];
        if (p->k != RV_OBJ)
            return bi_type_err(c, "json.patch", 2, a[1], "array[object]");
        rv *opv = rv_obj_get(p, "op"), *path = rv_obj_get(p, "path");
        if (!opv || opv->k != RV_STR || !path)
            return bi_err(c, "json.patch: operation must have op and path");
        rvec segs = {0};
        if (ptr_parse(c, path, &segs))
            return bi_err(c, "json.patch: invalid path");
        const char *op = opv->u.s;
        rv *val = rv_obj_get(p, "value");
        if (!strcmp(op, "add") || !strcmp(op, "replace")) {
            if (!val)
                return bi_err(c, "json.patch: %s needs a value", op);
            doc = patch_at(c, doc, segs.v, segs.n, op[0] == 'a' ? 0 : 2, val);
        } else if (!strcmp(op, "remove")) {
            doc = patch_at(c, doc, segs.v, segs.n, 1, NULL);
        } else if (!strcmp(op, "test")) {
            rv *have = get_at(doc, segs.v, segs.n);
            if (!have || !val || !rv_eq(have, val))
                doc = NULL;
        } else if (!strcmp(op, "move") || !strcmp(op, "copy")) {
            rv *from = rv_obj_get(p, "from");
            rvec fs = {0};
            if (!from || ptr_parse(c, from, &fs))
                return bi_err(c, "json.patch: %s needs from", op);
            rv *v = get_at(doc, fs.v, fs.n);
            if (!v)
                doc = NULL;
            else {
                if (op[0] == 'm')
                    doc = patch_at(c, doc, fs.v, fs.n, 1, NULL);
                if (doc)
                    doc = patch_at(c, doc, segs.v, segs.n, 0, v);
            }
        } else
            return bi_err(c, "json.patch: unknown op %s", op);
    }
    return doc ? doc : BI_UNDEF;
}

const builtin rg_bi_json[] = {
    {"json.patch", 2, b_json_patch, NULL, 0},
    {"json.remove", 2, b_json_remove, NULL, 0},
    {"json.filter", 2, b_json_filter, NULL, 0},
    {"array.flatten", 1, b_array_flatten, NULL, 0},
    {"walk", 1, b_walk, NULL, 1},
    {NULL, 0, NULL, NULL, 0},
};

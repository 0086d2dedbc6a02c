/*
 * eval.c - top-down evaluation of compiled Rego, in continuation-passing
 * style as OPA's topdown does: each expression enumerates its solutions and
 * calls the continuation for each, bindings are undone on backtrack through a
 * trail.  Virtual documents (rules) are evaluated on demand through the rule
 * tree and cached per query; `with` swaps in a fresh cache.  Every step is
 * counted against the step cap, the deadline and the recursion depth.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "rego/rego_int.h"

typedef int (*vk)(rctx *c, rv *v, void *env);

int64_t rg_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int rg_set_error(rctx *c, const char *code, const term *where, const char *fmt, ...)
{
    if (c->err.code)
        return -1;
    c->err.code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err.msg, sizeof c->err.msg, fmt, ap);
    va_end(ap);
    if (where) {
        c->err.file = where->file;
        c->err.row = where->row;
        c->err.col = where->col;
    }
    return -1;
}

int rg_check_limits(rctx *c)
{
    if (c->err.code)
        return -1;
    char here;
    uintptr_t sp = (uintptr_t)&here;
    if (!c->stack_base)
        c->stack_base = sp;
    else if (c->stack_base > sp && c->stack_base - sp > RG_STACK_MAX)
        return rg_set_error(c, "eval_limit_error", NULL, "recursion depth limit exceeded (evaluation nested too deeply)");
    c->steps++;
    if (c->max_steps && c->steps > c->max_steps)
        return rg_set_error(c, "eval_limit_error", NULL, "evaluation step limit exceeded (%llu steps)",
                            (unsigned long long)c->max_steps);
    if (c->deadline_ns && (c->steps & 1023) == 0 && rg_mono_ns() > c->deadline_ns)
        return rg_set_error(c, "eval_cancel_error", NULL, "timed out");
    return 0;
}

/* ---- bindings ------------------------------------------------------------ */
static int bind(rctx *c, rv **slot, rv *v)
{
    if (c->ntrail == c->captrail) {
        size_t nc = c->captrail ? c->captrail * 2 : 256;
        rv ***nt = rg_alloc(c, nc * sizeof *nt);
        if (!nt)
            return -1;
        if (c->ntrail)
            RG_MEMCPY(nt, c->trail, c->ntrail * sizeof *nt);
        c->trail = nt;
        c->captrail = nc;
    }
    c->trail[c->ntrail++] = slot;
    *slot = v;
    return 0;
}

static void undo(rctx *c, size_t mark)
{
    while (c->ntrail > mark)
        *c->trail[--c->ntrail] = NULL;
}

static rv *var_val(rctx *c, const term *t)
{
    if (t->slot == -1)
        return c->input;
    if (t->slot < 0)
        return NULL;
    return c->slots[t->slot];
}

/* ---- forward --------------------------------------------------------------- */
static int eval_term(rctx *c, term *t, vk k, void *env);
static int unify_tv(rctx *c, term *t, rv *v, rg_k k, void *env);
static int eval_data(rctx *c, rnode *n, rv *base, term *ref, size_t i, rv **path, size_t np, vk k, void *env);
static int walk_val(rctx *c, rv *v, term *ref, size_t i, vk k, void *env);
static rv *node_value(rctx *c, rnode *n, rv *base, rv **path, size_t np, int *err);
static int call_fn(rctx *c, term *t, rnode *fn, rv **args, size_t n, rv **out);

/* Is t fully bound (evaluable without binding anything)? */
static int bound(rctx *c, const term *t)
{
    switch (t->k) {
    case T_VAL:
        return 1;
    case T_VAR:
        return t->slot == -2 || var_val(c, t) != NULL;
    case T_ARR:
    case T_SET:
        for (size_t i = 0; i < t->n; i++)
            if (!bound(c, t->e[i]))
                return 0;
        return 1;
    case T_OBJ:
        for (size_t i = 0; i < 2 * t->n; i++)
            if (!bound(c, t->e[i]))
                return 0;
        return 1;
    case T_REF:
        for (size_t i = 0; i < t->n; i++)
            if (!bound(c, t->e[i]))
                return 0;
        return 1;
    default:
        return 1; /* calls and comprehensions evaluate */
    }
}

/* ---- composite term evaluation --------------------------------------------- */
typedef struct compenv {
    term *t;
    rv **items;
    size_t i;
    vk k;
    void *env;
} compenv;

static int comp_next(rctx *c, compenv *ce);
static int comp_item(rctx *c, rv *v, void *env)
{
    compenv *ce = env;
    size_t save = ce->i;
    ce->items[ce->i++] = v;
    int r = comp_next(c, ce);
    ce->i = save;
    return r;
}

static int comp_next(rctx *c, compenv *ce)
{
    term *t = ce->t;
    size_t total = t->k == T_OBJ ? 2 * t->n : t->n;
    if (ce->i == total) {
        rv **copy = rg_alloc(c, sizeof(rv *) * (total + 1));
        if (!copy)
            return -1;
        RG_MEMCPY(copy, ce->items, total * sizeof(rv *));
        rv *v;
        if (t->k == T_ARR)
            v = rv_arr(c, copy, t->n);
        else if (t->k == T_SET)
            v = rv_set(c, copy, t->n);
        else {
            /* duplicate keys with different values: undefined? OPA errors at parse; last wins */
            v = rv_obj(c, copy, copy + t->n, t->n);
        }
        if (!v)
            return -1;
        return ce->k(c, v, ce->env);
    }
    return eval_term(c, t->e[ce->i], comp_item, ce);
}

/* comprehension collection */
typedef struct collenv {
    term *t;
    rvec keys, vals;
} collenv;

static int coll_k(rctx *c, void *env);
static int coll_val(rctx *c, rv *v, void *env)
{
    collenv *ce = env;
    return rvec_push(c, &ce->vals, v);
}
static int coll_key(rctx *c, rv *v, void *env)
{
    collenv *ce = env;
    size_t n = ce->keys.n;
    if (rvec_push(c, &ce->keys, v))
        return -1;
    int r = eval_term(c, ce->t->val, coll_val, ce);
    if (r < 0)
        return r;
    if (ce->vals.n != ce->keys.n) /* value undefined */
        ce->keys.n = n;
    return 0;
}
static int coll_k(rctx *c, void *env)
{
    collenv *ce = env;
    if (rg_check_limits(c))
        return -1;
    if (ce->t->k == T_OCOMP)
        return eval_term(c, ce->t->key, coll_key, ce);
    return eval_term(c, ce->t->val, coll_val, ce);
}

static rv *eval_comp(rctx *c, term *t)
{
    collenv ce = {0};
    ce.t = t;
    size_t mark = c->ntrail;
    int r = rg_eval_body(c, t->b, 0, coll_k, &ce);
    undo(c, mark);
    if (r < 0)
        return NULL;
    if (t->k == T_ACOMP)
        return rv_arr(c, ce.vals.v, ce.vals.n);
    if (t->k == T_SCOMP)
        return rv_set(c, ce.vals.v, ce.vals.n);
    /* object: conflicting values for a key is an error */
    rv *o = rv_obj(c, ce.keys.v, ce.vals.v, ce.keys.n);
    if (o && o->n != ce.keys.n) {
        for (size_t i = 0; i < ce.keys.n; i++) {
            rv *have = rv_get(o, ce.keys.v[i]);
            if (have && !rv_eq(have, ce.vals.v[i])) {
                rg_set_error(c, "eval_conflict_error", t, "object keys must be unique");
                return NULL;
            }
        }
    }
    return o;
}

/* ---- calls ------------------------------------------------------------------ */
typedef struct callenv {
    term *t;
    rv **args;
    size_t i, nargs;
    vk k;
    void *env;
} callenv;

static struct override *find_mock(rctx *c, term *t)
{
    for (size_t i = c->nov; i-- > 0;) {
        struct override *o = &c->ov[i];
        if (!o->fname && !o->fnode && !o->fbi)
            continue;
        if (t->fn && o->fnode == t->fn)
            return o;
        if (t->bi && o->fbi == t->bi)
            return o;
    }
    return NULL;
}

static int do_call(rctx *c, term *t, rv **args, size_t n, rv **out)
{
    struct override *mo = c->nov ? find_mock(c, t) : NULL;
    if (mo) {
        if (mo->fterm) {
            term tmp = *t;
            tmp.fn = mo->fterm->fn;
            tmp.bi = mo->fterm->bi;
            if (tmp.fn)
                return call_fn(c, &tmp, tmp.fn, args, n, out);
            if (tmp.bi) {
                if (tmp.bi->arity >= 0 && (size_t)tmp.bi->arity != n)
                    return rg_set_error(c, "eval_type_error", t, "%s: arity mismatch", tmp.bi->name);
                rv *r = tmp.bi->fn(c, args, n);
                if (c->err.code)
                    return -1;
                *out = (r == BI_UNDEF) ? NULL : r;
                return 0;
            }
        }
        *out = mo->val;
        return 0;
    }
    if (t->fn)
        return call_fn(c, t, t->fn, args, n, out);
    const builtin *b = t->bi;
    rv *r = b->fn(c, args, n);
    if (c->err.code) {
        if (!c->err.file) {
            c->err.file = t->file;
            c->err.row = t->row;
            c->err.col = t->col;
        }
        if (!c->strict && (!strcmp(c->err.code, "eval_builtin_error") || !strcmp(c->err.code, "eval_type_error"))) {
            c->err.code = NULL;
            c->err.msg[0] = 0;
            c->err.file = NULL;
            *out = NULL;
            return 0;
        }
        return -1;
    }
    *out = (r == BI_UNDEF) ? NULL : r;
    return 0;
}

static int call_next(rctx *c, callenv *ce);
static int call_arg(rctx *c, rv *v, void *env)
{
    callenv *ce = env;
    size_t save = ce->i;
    ce->args[ce->i++] = v;
    int r = call_next(c, ce);
    ce->i = save;
    return r;
}

static int call_next(rctx *c, callenv *ce)
{
    if (ce->i == ce->nargs) {
        rv *out = NULL;
        if (do_call(c, ce->t, ce->args, ce->nargs, &out))
            return -1;
        if (!out)
            return 0;
        if (ce->t->bi && ce->t->bi->relation && out->k == RV_ARR) {
            for (size_t i = 0; i < out->n; i++) {
                int r = ce->k(c, out->u.a[i], ce->env);
                if (r)
                    return r;
            }
            return 0;
        }
        return ce->k(c, out, ce->env);
    }
    return eval_term(c, ce->t->e[ce->i], call_arg, ce);
}

static size_t call_arity(const term *t)
{
    if (t->fn)
        return (size_t)t->fn->nargs;
    if (t->bi && t->bi->arity >= 0)
        return (size_t)t->bi->arity;
    return t->n;
}

/* ---- term evaluation ------------------------------------------------------ */
typedef struct refenv {
    term *ref;
    size_t i;
    vk k;
    void *env;
    rv *coll;
} refenv;

static int ref_head(rctx *c, rv *v, void *env)
{
    refenv *re = env;
    return walk_val(c, v, re->ref, 1, re->k, re->env);
}

static int eval_term(rctx *c, term *t, vk k, void *env)
{
    if (rg_check_limits(c))
        return -1;
    switch (t->k) {
    case T_VAL:
        return k(c, t->v, env);
    case T_VAR: {
        if (t->slot == -2) {
            rv *path[256];
            return eval_data(c, c->eng->root, c->eng->data, NULL, 0, path, 0, k, env);
        }
        rv *v = var_val(c, t);
        if (!v) {
            if (t->slot == -1)
                return 0; /* input undefined */
            return rg_set_error(c, "eval_internal_error", t, "var %s is unbound", t->name);
        }
        return k(c, v, env);
    }
    case T_REF: {
        term *h = t->e[0];
        if (h->k == T_VAR && h->slot == -2) {
            rv *path[256];
            return eval_data(c, c->eng->root, c->eng->data, t, 1, path, 0, k, env);
        }
        if (h->k == T_VAR && h->slot == -1) {
            if (c->nov) {
                for (size_t i = c->nov; i-- > 0;)
                    if (c->ov[i].is_input) {
                        /* input already swapped in c->input */
                        break;
                    }
            }
        }
        refenv re = {t, 1, k, env, NULL};
        return eval_term(c, h, ref_head, &re);
    }
    case T_ARR:
    case T_SET:
    case T_OBJ: {
        size_t total = t->k == T_OBJ ? 2 * t->n : t->n;
        rv *stack_items[16];
        rv **items = total <= 16 ? stack_items : rg_alloc(c, sizeof(rv *) * total);
        if (!items)
            return -1;
        compenv ce = {t, items, 0, k, env};
        return comp_next(c, &ce);
    }
    case T_CALL: {
        size_t ar = call_arity(t);
        if (t->n > ar) {
            /* call with output argument used as a term: value is true after unifying */
            return rg_set_error(c, "rego_type_error", t, "%s: too many arguments", t->name);
        }
        rv *stack_args[8];
        rv **args = t->n <= 8 ? stack_args : rg_alloc(c, sizeof(rv *) * t->n);
        if (!args)
            return -1;
        callenv ce = {t, args, 0, t->n, k, env};
        return call_next(c, &ce);
    }
    case T_ACOMP:
    case T_SCOMP:
    case T_OCOMP: {
        rv *v = eval_comp(c, t);
        if (!v)
            return -1;
        return k(c, v, env);
    }
    }
    return 0;
}

/* ---- ref walking over values ------------------------------------------------ */
typedef struct walkenv {
    rv *v;
    term *ref;
    size_t i;
    vk k;
    void *env;
} walkenv;

static int walk_key(rctx *c, rv *key, void *env)
{
    walkenv *we = env;
    rv *x = rv_get(we->v, key);
    if (!x)
        return 0;
    return walk_val(c, x, we->ref, we->i + 1, we->k, we->env);
}

typedef struct iterenv {
    walkenv *we;
    rv *child;
} iterenv;

static int iter_k(rctx *c, void *env)
{
    iterenv *ie = env;
    return walk_val(c, ie->child, ie->we->ref, ie->we->i + 1, ie->we->k, ie->we->env);
}

static int walk_val(rctx *c, rv *v, term *ref, size_t i, vk k, void *env)
{
    if (!ref || i >= ref->n)
        return k(c, v, env);
    if (v->k != RV_ARR && v->k != RV_OBJ && v->k != RV_SET)
        return 0;
    term *e = ref->e[i];
    walkenv we = {v, ref, i, k, env};
    if (bound(c, e))
        return eval_term(c, e, walk_key, &we);
    /* iterate, unifying the key pattern */
    for (size_t j = 0; j < v->n; j++) {
        rv *key, *child;
        if (v->k == RV_ARR) {
            key = rv_int(c, (int64_t)j);
            child = v->u.a[j];
        } else if (v->k == RV_OBJ) {
            key = v->u.a[j];
            child = v->u.a[v->n + j];
        } else {
            key = child = v->u.a[j];
        }
        if (!key)
            return -1;
        iterenv ie = {&we, child};
        int r = unify_tv(c, e, key, iter_k, &ie);
        if (r)
            return r;
    }
    return 0;
}

/* ---- data: rule tree + base documents + with-overrides -------------------- */
static int path_eq(rv **a, size_t na, rv **b, size_t nb)
{
    if (na != nb)
        return 0;
    for (size_t i = 0; i < na; i++)
        if (!rv_eq(a[i], b[i]))
            return 0;
    return 1;
}

/* override exactly at path, or NULL */
static struct override *ov_at(rctx *c, rv **path, size_t np)
{
    for (size_t i = c->nov; i-- > 0;) {
        struct override *o = &c->ov[i];
        if (o->is_input || o->fnode || o->fbi || o->fname)
            continue;
        if (path_eq(o->path, o->npath, path, np))
            return o;
    }
    return NULL;
}

static int ov_below(rctx *c, rv **path, size_t np)
{
    for (size_t i = 0; i < c->nov; i++) {
        struct override *o = &c->ov[i];
        if (o->is_input || o->fnode || o->fbi || o->fname || o->npath <= np)
            continue;
        if (path_eq(o->path, np, path, np))
            return 1;
    }
    return 0;
}

/* v with value put at rel path (objects created as needed) */
static rv *upsert(rctx *c, rv *v, rv **rel, size_t n, rv *val)
{
    if (n == 0)
        return val;
    rv *base = (v && v->k == RV_OBJ) ? v : NULL;
    size_t bn = base ? base->n : 0;
    rv **ks = rg_alloc(c, sizeof(rv *) * (bn + 1)), **vs = rg_alloc(c, sizeof(rv *) * (bn + 1));
    if (!ks || !vs)
        return NULL;
    size_t o = 0;
    rv *old = NULL;
    for (size_t i = 0; i < bn; i++) {
        if (rv_eq(base->u.a[i], rel[0])) {
            old = base->u.a[bn + i];
            continue;
        }
        ks[o] = base->u.a[i];
        vs[o++] = base->u.a[bn + i];
    }
    ks[o] = rel[0];
    vs[o] = upsert(c, old, rel + 1, n - 1, val);
    if (!vs[o])
        return NULL;
    o++;
    return rv_obj(c, ks, vs, o);
}

static rv *apply_ovs(rctx *c, rv *v, rv **path, size_t np)
{
    for (size_t i = 0; i < c->nov; i++) {
        struct override *o = &c->ov[i];
        if (o->is_input || o->fnode || o->fbi || o->fname || o->npath <= np)
            continue;
        if (path_eq(o->path, np, path, np))
            v = upsert(c, v, o->path + np, o->npath - np, o->val);
    }
    return v;
}

typedef struct dataenv {
    rnode *n;
    rv *base;
    term *ref;
    size_t i;
    rv **path;
    size_t np;
    vk k;
    void *env;
} dataenv;

static int data_key(rctx *c, rv *key, void *env)
{
    dataenv *de = env;
    rnode *kid = NULL;
    if (key->k == RV_STR && de->n) {
        for (size_t j = 0; j < de->n->nkids; j++)
            if (!strcmp(de->n->kids[j]->name, key->u.s)) {
                kid = de->n->kids[j];
                break;
            }
    }
    rv *b = de->base ? rv_get(de->base, key) : NULL;
    if (de->base && de->base->k != RV_OBJ)
        b = NULL;
    de->path[de->np] = key;
    return eval_data(c, kid, b, de->ref, de->i + 1, de->path, de->np + 1, de->k, de->env);
}

typedef struct dkeyenv {
    dataenv *de;
    rv *key;
} dkeyenv;
static int dkey_k(rctx *c, void *env)
{
    dkeyenv *dk = env;
    return data_key(c, dk->key, dk->de);
}

static int eval_data(rctx *c, rnode *n, rv *base, term *ref, size_t i, rv **path, size_t np, vk k, void *env)
{
    if (rg_check_limits(c))
        return -1;
    if (np >= 250)
        return rg_set_error(c, "eval_internal_error", ref, "data path too deep");
    if (c->nov) {
        struct override *o = ov_at(c, path, np);
        if (o)
            return walk_val(c, o->val, ref, i, k, env);
    }
    if (!n && !base) {
        if (!c->nov || !ov_below(c, path, np))
            return 0;
        base = apply_ovs(c, NULL, path, np);
        if (!base)
            return c->err.code ? -1 : 0;
    }
    int has_rules = n && (n->nrules || n->deflt) && n->kind != R_FUNC;
    if (has_rules || !ref || i >= ref->n || (n == NULL)) {
        rv *v;
        if (!n) {
            v = base;
            if (c->nov && ov_below(c, path, np))
                v = apply_ovs(c, v, path, np);
        } else {
            int err = 0;
            v = node_value(c, n, base, path, np, &err);
            if (err)
                return -1;
        }
        if (!v)
            return 0;
        return walk_val(c, v, ref, i, k, env);
    }
    if (n->kind == R_FUNC && !n->nkids)
        return 0;
    term *e = ref->e[i];
    dataenv de = {n, base, ref, i, path, np, k, env};
    if (bound(c, e))
        return eval_term(c, e, data_key, &de);
    /* iterate over the union of child names and base keys (sorted) */
    rv *full;
    int err = 0;
    full = node_value(c, n, base, path, np, &err);
    if (err)
        return -1;
    if (!full || full->k != RV_OBJ)
        return 0;
    for (size_t j = 0; j < full->n; j++) {
        dkeyenv dk = {&de, full->u.a[j]};
        int r = unify_tv(c, e, full->u.a[j], dkey_k, &dk);
        if (r)
            return r;
    }
    return 0;
}

/* ---- rule evaluation ------------------------------------------------------ */
typedef struct ruleenv {
    rule *r;
    rvec keys, vals; /* solutions */
    rv *val;
    int conflict;
    term *where;
} ruleenv;

static int head_val(rctx *c, rv *v, void *env)
{
    ruleenv *re = env;
    return rvec_push(c, &re->vals, v);
}

static int rule_sol(rctx *c, void *env)
{
    ruleenv *re = env;
    rule *r = re->r;
    if (r->kind == R_PSET)
        return eval_term(c, r->key, head_val, re);
    if (r->kind == R_POBJ) {
        /* key path values then value */
        return 0;
    }
    if (!r->val)
        return rvec_push(c, &re->vals, rv_bool(1));
    return eval_term(c, r->val, head_val, re);
}

/* evaluate a single ground term to one value (first solution) */
typedef struct onev {
    rv *v;
} onev;
static int one_k(rctx *c, rv *v, void *env)
{
    (void)c;
    ((onev *)env)->v = v;
    return 1;
}
static rv *eval1(rctx *c, term *t, int *err)
{
    onev o = {NULL};
    int r = eval_term(c, t, one_k, &o);
    if (r < 0)
        *err = 1;
    return o.v;
}

typedef struct pobjenv {
    rule *r;
    rvec paths; /* flattened: each solution nk keys + value */
    size_t nk;
} pobjenv;

static int pobj_sol(rctx *c, void *env)
{
    pobjenv *pe = env;
    rule *r = pe->r;
    int err = 0;
    rv *tmp[34];
    for (size_t i = 0; i < pe->nk; i++) {
        tmp[i] = eval1(c, r->path[r->nconst + i], &err);
        if (err)
            return -1;
        if (!tmp[i])
            return 0;
    }
    rv *v = r->kind == R_PSET ? eval1(c, r->key, &err) : r->val ? eval1(c, r->val, &err) : rv_bool(1);
    if (err)
        return -1;
    if (!v)
        return 0;
    for (size_t i = 0; i < pe->nk; i++)
        if (rvec_push(c, &pe->paths, tmp[i]))
            return -1;
    return rvec_push(c, &pe->paths, v);
}

static int enter_rule(rctx *c, rule *r, rv ***saved)
{
    if (rg_check_limits(c))
        return -1;
    if (++c->depth > c->max_depth)
        return rg_set_error(c, "eval_limit_error", NULL, "recursion depth limit exceeded (%d)", c->max_depth);
    *saved = c->slots;
    rv **s = rg_alloc(c, sizeof(rv *) * (size_t)(r->nslots + 1));
    if (!s)
        return -1;
    c->slots = s;
    return 0;
}
static void leave_rule(rctx *c, rv **saved)
{
    c->depth--;
    c->slots = saved;
}

/* insert value at key path into a nested object under construction */
static rv *obj_put(rctx *c, rv *o, rv **keys, size_t nk, rv *val, term *where, int set)
{
    if (nk == 0) {
        if (!set)
            return val;
        if (o && o->k == RV_SET) {
            if (rv_set_has(o, val))
                return o;
            rv **items = rg_alloc(c, sizeof(rv *) * (o->n + 1));
            if (!items)
                return NULL;
            RG_MEMCPY(items, o->u.a, o->n * sizeof(rv *));
            items[o->n] = val;
            return rv_set(c, items, o->n + 1);
        }
        if (o) {
            rg_set_error(c, "eval_conflict_error", where, "object keys must be unique");
            return NULL;
        }
        rv **items = rg_alloc(c, sizeof(rv *));
        if (!items)
            return NULL;
        items[0] = val;
        return rv_set(c, items, 1);
    }
    rv *old = o ? rv_get(o, keys[0]) : NULL;
    if (nk == 1 && old && !set) {
        if (!rv_eq(old, val)) {
            rg_set_error(c, "eval_conflict_error", where, "object keys must be unique");
            return NULL;
        }
        return o;
    }
    if (old && old->k != RV_OBJ && nk > 1) {
        rg_set_error(c, "eval_conflict_error", where, "object keys must be unique");
        return NULL;
    }
    rv *nv = obj_put(c, old, keys + 1, nk - 1, val, where, set);
    if (!nv)
        return NULL;
    return upsert(c, o, keys, 1, nv);
}

/* combine two documents produced for the same path by different rules */
static rv *merge_docs(rctx *c, rv *a, rv *b, int *err)
{
    if (rv_eq(a, b))
        return a;
    if (a->k == RV_SET && b->k == RV_SET) {
        rv **items = rg_alloc(c, sizeof(rv *) * (a->n + b->n + 1));
        if (!items) {
            *err = 1;
            return NULL;
        }
        RG_MEMCPY(items, a->u.a, a->n * sizeof(rv *));
        RG_MEMCPY(items + a->n, b->u.a, b->n * sizeof(rv *));
        return rv_set(c, items, a->n + b->n);
    }
    if (a->k == RV_OBJ && b->k == RV_OBJ) {
        rv *o = a;
        for (size_t i = 0; i < b->n && o; i++) {
            rv *k = b->u.a[i], *bv = b->u.a[b->n + i];
            rv *av = rv_get(o, k);
            rv *m = av ? merge_docs(c, av, bv, err) : bv;
            if (!m)
                return NULL;
            o = upsert(c, o, &k, 1, m);
        }
        return o;
    }
    rg_set_error(c, "eval_conflict_error", NULL, "object keys must be unique");
    *err = 1;
    return NULL;
}

static rv *node_value(rctx *c, rnode *n, rv *base, rv **path, size_t np, int *err)
{
    if (c->cache[n->id]) {
        rv *cv = c->cache[n->id];
        return cv == &rg_undef_marker ? NULL : cv;
    }
    if (np >= 250) {
        rg_set_error(c, "eval_limit_error", NULL, "data nested deeper than 250 levels");
        *err = 1;
        return NULL;
    }
    if (c->busy[n->id]) {
        rg_set_error(c, "rego_recursion_error", NULL, "rego_recursion_error: rule data.%s is recursive", n->name);
        *err = 1;
        return NULL;
    }
    c->busy[n->id] = 1;
    rv *result = NULL;
    if (n->kind == R_FUNC) {
        result = NULL;
    } else if (n->nrules || n->deflt) {
        if (n->kind == R_COMPLETE) {
            rv *val = NULL;
            rule *from = NULL;
            for (size_t i = 0; i < n->nrules && !*err; i++) {
                for (rule *r = n->rules[i]; r; r = r->els) {
                    ruleenv re = {0};
                    re.r = r;
                    rv **saved = NULL;
                    if (enter_rule(c, r, &saved)) {
                        *err = 1;
                        break;
                    }
                    size_t mark = c->ntrail;
                    int rr = r->b ? rg_eval_body(c, r->b, 0, rule_sol, &re) : rule_sol(c, &re);
                    undo(c, mark);
                    leave_rule(c, saved);
                    if (rr < 0) {
                        *err = 1;
                        break;
                    }
                    if (re.vals.n) {
                        for (size_t j = 0; j < re.vals.n; j++) {
                            if (val && !rv_eq(val, re.vals.v[j])) {
                                term w = {0};
                                w.file = r->file;
                                w.row = r->row;
                                w.col = r->col;
                                rg_set_error(c, "eval_conflict_error", &w,
                                             "complete rules must not produce multiple outputs");
                                *err = 1;
                                break;
                            }
                            val = re.vals.v[j];
                            from = r;
                        }
                        break; /* else chain stops at the first rule with a solution */
                    }
                }
            }
            (void)from;
            if (!*err && !val && n->deflt) {
                int e2 = 0;
                rv **saved = NULL;
                if (enter_rule(c, n->deflt, &saved))
                    *err = 1;
                else {
                    val = n->deflt->val ? eval1(c, n->deflt->val, &e2) : rv_bool(1);
                    leave_rule(c, saved);
                    if (e2)
                        *err = 1;
                }
            }
            result = val;
        } else if (n->kind == R_PSET && n->nrules && n->rules[0]->npath == n->rules[0]->nconst) {
            ruleenv re = {0};
            for (size_t i = 0; i < n->nrules && !*err; i++) {
                rule *r = n->rules[i];
                re.r = r;
                rv **saved = NULL;
                if (enter_rule(c, r, &saved)) {
                    *err = 1;
                    break;
                }
                size_t mark = c->ntrail;
                int rr = r->b ? rg_eval_body(c, r->b, 0, rule_sol, &re) : rule_sol(c, &re);
                undo(c, mark);
                leave_rule(c, saved);
                if (rr < 0)
                    *err = 1;
            }
            if (!*err)
                result = rv_set(c, re.vals.v, re.vals.n);
        } else { /* R_POBJ */
            rv *o = rv_empty(c, RV_OBJ);
            for (size_t i = 0; i < n->nrules && !*err && o; i++) {
                rule *r0 = n->rules[i];
                for (rule *r = r0; r; r = r->els) {
                    pobjenv pe = {0};
                    pe.r = r;
                    pe.nk = r->npath - r->nconst;
                    rv **saved = NULL;
                    if (enter_rule(c, r, &saved)) {
                        *err = 1;
                        break;
                    }
                    size_t mark = c->ntrail;
                    int rr = r->b ? rg_eval_body(c, r->b, 0, pobj_sol, &pe) : pobj_sol(c, &pe);
                    undo(c, mark);
                    leave_rule(c, saved);
                    if (rr < 0) {
                        *err = 1;
                        break;
                    }
                    term w = {0};
                    w.file = r->file;
                    w.row = r->row;
                    w.col = r->col;
                    for (size_t j = 0; j + pe.nk < pe.paths.n + 0 && j < pe.paths.n; j += pe.nk + 1) {
                        o = obj_put(c, o, pe.paths.v + j, pe.nk, pe.paths.v[j + pe.nk], &w, r->kind == R_PSET);
                        if (!o) {
                            *err = 1;
                            break;
                        }
                    }
                    if (pe.paths.n)
                        break;
                }
            }
            result = *err ? NULL : o;
        }
    }
    if (!*err && !result && n->is_pkg && !n->nrules && !n->deflt && !n->nkids && !base)
        result = rv_empty(c, RV_OBJ);
    if (!*err && (n->nkids || (base && !n->nrules && !n->deflt))) {
        /* merge base document and child nodes */
        rv *o = result;
        if (!o) {
            if (base && base->k == RV_OBJ)
                o = base;
            else if (base && !n->nkids)
                o = base;
            else if (base && base->k != RV_OBJ)
                o = base;
        }
        if (n->nkids && (!o || o->k == RV_OBJ)) {
            rvec ks = {0}, vs = {0};
            for (size_t i = 0; i < n->nkids && !*err; i++) {
                rnode *kid = n->kids[i];
                rv *key = rv_cstr(c, kid->name);
                rv *kb = base && base->k == RV_OBJ ? rv_get(base, key) : NULL;
                path[np] = key;
                struct override *ov = c->nov ? ov_at(c, path, np + 1) : NULL;
                rv *kv = ov ? ov->val : node_value(c, kid, kb, path, np + 1, err);
                if (kv && kid->kind != R_FUNC) {
                    rvec_push(c, &ks, key);
                    rvec_push(c, &vs, kv);
                }
            }
            if (!*err && ks.n) {
                rv *merged = o ? o : rv_empty(c, RV_OBJ);
                for (size_t i = 0; i < ks.n && merged; i++) {
                    rv *have = (n->nrules || n->deflt) ? rv_get(merged, ks.v[i]) : NULL;
                    rv *m = have ? merge_docs(c, have, vs.v[i], err) : vs.v[i];
                    merged = m ? upsert(c, merged, &ks.v[i], 1, m) : NULL;
                }
                o = merged;
            } else if (!o && n->nkids && !*err) {
                /* package with only functions/undefined rules is an empty object */
                o = rv_empty(c, RV_OBJ);
            }
        }
        result = o;
    }
    if (!*err && c->nov && ov_below(c, path, np))
        result = apply_ovs(c, result, path, np);
    c->busy[n->id] = 0;
    if (!*err)
        c->cache[n->id] = result ? result : (rv *)&rg_undef_marker;
    return result;
}

/* ---- functions -------------------------------------------------------------- */
typedef struct fnenv {
    rule *r;
    rv **args;
    size_t i, n;
    rvec vals;
} fnenv;

static int fn_body(rctx *c, void *env)
{
    fnenv *fe = env;
    rule *r = fe->r;
    int err = 0;
    rv *v = r->val ? eval1(c, r->val, &err) : rv_bool(1);
    if (err)
        return -1;
    if (v && rvec_push(c, &fe->vals, v))
        return -1;
    return 0;
}

static int fn_args(rctx *c, void *env)
{
    fnenv *fe = env;
    if (fe->i == fe->n) {
        if (fe->r->b)
            return rg_eval_body(c, fe->r->b, 0, fn_body, fe);
        return fn_body(c, fe);
    }
    size_t i = fe->i++;
    int r = unify_tv(c, fe->r->args[i], fe->args[i], fn_args, fe);
    fe->i = i;
    return r;
}

static int call_fn(rctx *c, term *t, rnode *fn, rv **args, size_t n, rv **out)
{
    rv *val = NULL;
    for (size_t i = 0; i < fn->nrules; i++) {
        for (rule *r = fn->rules[i]; r; r = r->els) {
            fnenv fe = {0};
            fe.r = r;
            fe.args = args;
            fe.n = n;
            rv **saved = NULL;
            if (enter_rule(c, fn->rules[i], &saved))
                return -1;
            size_t mark = c->ntrail;
            int rr = fn_args(c, &fe);
            undo(c, mark);
            leave_rule(c, saved);
            if (rr < 0)
                return -1;
            if (fe.vals.n) {
                for (size_t j = 0; j < fe.vals.n; j++) {
                    if (val && !rv_eq(val, fe.vals.v[j]))
                        return rg_set_error(c, "eval_conflict_error", t,
                                            "functions must not produce multiple outputs for same inputs");
                    val = fe.vals.v[j];
                }
                break;
            }
        }
    }
    if (!val && fn->deflt) {
        int err = 0;
        val = fn->deflt->val ? eval1(c, fn->deflt->val, &err) : rv_bool(1);
        if (err)
            return -1;
    }
    *out = val;
    return 0;
}

/* ---- unification ------------------------------------------------------------ */
typedef struct uenv {
    term *t;
    rv *v;
    size_t i;
    rg_k k;
    void *env;
} uenv;

static int unify_arr_next(rctx *c, void *env)
{
    uenv *u = env;
    if (u->i == u->t->n)
        return u->k(c, u->env);
    size_t i = u->i++;
    int r;
    if (u->t->k == T_ARR)
        r = unify_tv(c, u->t->e[i], u->v->u.a[i], unify_arr_next, u);
    else {
        /* object: key i of the term, value lookup */
        rv *keyv = NULL;
        int err = 0;
        keyv = eval1(c, u->t->e[i], &err);
        if (err) {
            u->i = i;
            return -1;
        }
        rv *x = keyv ? rv_get(u->v, keyv) : NULL;
        if (!x) {
            u->i = i;
            return 0;
        }
        r = unify_tv(c, u->t->e[u->t->n + i], x, unify_arr_next, u);
    }
    u->i = i;
    return r;
}

typedef struct eqenv {
    rv *v;
    rg_k k;
    void *env;
} eqenv;
static int eq_k(rctx *c, rv *x, void *env)
{
    eqenv *e = env;
    if (rv_eq(x, e->v))
        return e->k(c, e->env);
    return 0;
}

static int unify_tv(rctx *c, term *t, rv *v, rg_k k, void *env)
{
    switch (t->k) {
    case T_VAR: {
        if (t->slot == -1 || t->slot == -2) {
            eqenv e = {v, k, env};
            return eval_term(c, t, eq_k, &e);
        }
        rv **s = &c->slots[t->slot];
        if (*s)
            return rv_eq(*s, v) ? k(c, env) : 0;
        size_t mark = c->ntrail;
        if (bind(c, s, v))
            return -1;
        int r = k(c, env);
        undo(c, mark);
        return r;
    }
    case T_ARR:
        if (!bound(c, t)) {
            if (v->k != RV_ARR || v->n != t->n)
                return 0;
            uenv u = {t, v, 0, k, env};
            return unify_arr_next(c, &u);
        }
        break;
    case T_OBJ:
        if (!bound(c, t)) {
            if (v->k != RV_OBJ || v->n != t->n)
                return 0;
            uenv u = {t, v, 0, k, env};
            return unify_arr_next(c, &u);
        }
        break;
    }
    eqenv e = {v, k, env};
    return eval_term(c, t, eq_k, &e);
}

typedef struct u2env {
    term *a, *b;
    size_t i;
    rg_k k;
    void *env;
} u2env;

static int unify_tt(rctx *c, term *a, term *b, rg_k k, void *env);
static int u2_next(rctx *c, void *env)
{
    u2env *u = env;
    if (u->i == u->a->n)
        return u->k(c, u->env);
    size_t i = u->i++;
    int r = unify_tt(c, u->a->e[i], u->b->e[i], u2_next, u);
    u->i = i;
    return r;
}

typedef struct tvenv {
    term *t;
    rg_k k;
    void *env;
} tvenv;
static int tv_k(rctx *c, rv *v, void *env)
{
    tvenv *e = env;
    return unify_tv(c, e->t, v, e->k, e->env);
}

/* Can t be evaluated as is?  Unbound vars only inside ref positions. */
static int evaluable(rctx *c, const term *t)
{
    switch (t->k) {
    case T_VAR:
        return t->slot == -2 || t->slot == -1 || var_val(c, t) != NULL;
    case T_ARR:
    case T_SET:
        for (size_t i = 0; i < t->n; i++)
            if (!evaluable(c, t->e[i]))
                return 0;
        return 1;
    case T_OBJ:
        for (size_t i = 0; i < 2 * t->n; i++)
            if (!evaluable(c, t->e[i]))
                return 0;
        return 1;
    case T_REF:
        return evaluable(c, t->e[0]);
    default:
        return 1;
    }
}

static int unify_tt(rctx *c, term *a, term *b, rg_k k, void *env)
{
    int ua = a->k == T_VAR && !evaluable(c, a), ub = b->k == T_VAR && !evaluable(c, b);
    if (ua && !ub) {
        tvenv e = {a, k, env};
        return eval_term(c, b, tv_k, &e);
    }
    if (ub && !ua) {
        tvenv e = {b, k, env};
        return eval_term(c, a, tv_k, &e);
    }
    int ea = evaluable(c, a), eb = evaluable(c, b);
    if (!ea && !eb && a->k == T_ARR && b->k == T_ARR) {
        if (a->n != b->n)
            return 0;
        u2env u = {a, b, 0, k, env};
        return u2_next(c, &u);
    }
    if (!ea && !eb && a->k == T_OBJ && b->k == T_OBJ && a->n == b->n) {
        /* keys must match; unify values pairwise by key order */
        term *aa = a, *bb = b;
        term ta = *aa, tb = *bb;
        ta.k = T_ARR;
        tb.k = T_ARR;
        ta.e = aa->e + aa->n;
        tb.e = bb->e + bb->n;
        u2env u = {&ta, &tb, 0, k, env};
        return u2_next(c, &u);
    }
    if (eb) {
        tvenv e = {a, k, env};
        return eval_term(c, b, tv_k, &e);
    }
    if (ea) {
        tvenv e = {b, k, env};
        return eval_term(c, a, tv_k, &e);
    }
    return rg_set_error(c, "rego_unsafe_var_error", a, "unsafe unification");
}

/* ---- expressions ------------------------------------------------------------ */
typedef struct bodyenv {
    body *b;
    size_t i;
    rg_k k;
    void *env;
} bodyenv;

static int body_next(rctx *c, void *env)
{
    bodyenv *be = env;
    return rg_eval_body(c, be->b, be->i + 1, be->k, be->env);
}

typedef struct truthy {
    rg_k k;
    void *env;
} truthy;
static int truthy_k(rctx *c, rv *v, void *env)
{
    truthy *t = env;
    if (v->k == RV_BOOL && !v->u.b)
        return 0;
    return t->k(c, t->env);
}

static int found_k(rctx *c, void *env)
{
    (void)c;
    *(int *)env = 1;
    return 1;
}

typedef struct somein {
    expr *x;
    rg_k k;
    void *env;
    rv *coll;
    size_t j;
} somein;

static int somein_val(rctx *c, void *env)
{
    somein *s = env;
    rv *coll = s->coll;
    size_t j = s->j;
    rv *val = coll->k == RV_OBJ ? coll->u.a[coll->n + j] : coll->u.a[j];
    return unify_tv(c, s->x->r, val, s->k, s->env);
}

static int somein_coll(rctx *c, rv *coll, void *env)
{
    somein *s = env;
    if (coll->k != RV_ARR && coll->k != RV_OBJ && coll->k != RV_SET)
        return 0;
    for (size_t j = 0; j < coll->n; j++) {
        if (rg_check_limits(c))
            return -1;
        somein s2 = *s;
        s2.coll = coll;
        s2.j = j;
        int r;
        if (s->x->l) {
            rv *key = coll->k == RV_ARR ? rv_int(c, (int64_t)j) : coll->u.a[j];
            if (!key)
                return -1;
            r = unify_tv(c, s->x->l, key, somein_val, &s2);
        } else
            r = somein_val(c, &s2);
        if (r)
            return r;
    }
    return 0;
}

typedef struct everyenv {
    expr *x;
    int ok;
    int seen;
} everyenv;

static int every_one(rctx *c, void *env)
{
    (void)c;
    *(int *)env = 1;
    return 1;
}

static int every_dom(rctx *c, rv *coll, void *env)
{
    everyenv *ee = env;
    expr *x = ee->x;
    ee->seen = 1;
    if (coll->k != RV_ARR && coll->k != RV_OBJ && coll->k != RV_SET) {
        ee->ok = 0;
        return 1;
    }
    for (size_t j = 0; j < coll->n; j++) {
        size_t mark = c->ntrail;
        rv *key = coll->k == RV_ARR ? rv_int(c, (int64_t)j) : coll->u.a[j];
        rv *val = coll->k == RV_OBJ ? coll->u.a[coll->n + j] : coll->u.a[j];
        int matched = 0;
        /* bind key/value then run the body */
        if (x->l && x->l->k == T_VAR && x->l->slot >= 0 && !c->slots[x->l->slot])
            bind(c, &c->slots[x->l->slot], key);
        if (x->r->k == T_VAR && x->r->slot >= 0 && !c->slots[x->r->slot])
            bind(c, &c->slots[x->r->slot], val);
        int r;
        if (x->r->k == T_VAR)
            r = rg_eval_body(c, x->b, 0, every_one, &matched);
        else {
            bodyenv be = {x->b, (size_t)-1, every_one, &matched};
            r = unify_tv(c, x->r, val, body_next, &be);
        }
        undo(c, mark);
        if (r < 0)
            return -1;
        if (!matched) {
            ee->ok = 0;
            return 1;
        }
    }
    return 1;
}

static int set_with(rctx *c, expr *x, size_t *saved_nov, rv **saved_input, rv ***saved_cache, uint8_t **saved_busy)
{
    *saved_nov = c->nov;
    *saved_input = c->input;
    *saved_cache = c->cache;
    *saved_busy = c->busy;
    for (size_t i = 0; i < x->nw; i++) {
        term *tg = x->w[i].target;
        int err = 0;
        struct override o = {0};
        if (tg->k == T_CALL) {
            o.fnode = tg->fn;
            o.fbi = tg->bi;
            term *vv = x->w[i].val;
            if (vv->k == T_CALL && vv->n == 0 && (vv->fn || vv->bi))
                o.fterm = vv;
            else {
                o.val = eval1(c, vv, &err);
                if (err)
                    return -1;
                if (!o.val)
                    return 1; /* undefined replacement: expression undefined */
            }
        } else {
            o.val = eval1(c, x->w[i].val, &err);
            if (err)
                return -1;
            if (!o.val)
                return 1;
            term *h = tg->k == T_REF ? tg->e[0] : tg;
            if (h->slot == -1) {
                if (tg->k == T_REF) {
                    rv **rel = rg_alloc(c, sizeof(rv *) * tg->n);
                    for (size_t j = 1; j < tg->n; j++)
                        rel[j - 1] = tg->e[j]->v;
                    c->input = upsert(c, c->input, rel, tg->n - 1, o.val);
                } else
                    c->input = o.val;
                continue;
            }
            o.npath = tg->k == T_REF ? tg->n - 1 : 0;
            o.path = rg_alloc(c, sizeof(rv *) * (o.npath + 1));
            for (size_t j = 0; j < o.npath; j++)
                o.path[j] = tg->e[j + 1]->v;
        }
        if (c->nov == c->capov) {
            size_t nc = c->capov ? c->capov * 2 : 8;
            struct override *no = rg_alloc(c, nc * sizeof *no);
            if (!no)
                return -1;
            if (c->nov)
                RG_MEMCPY(no, c->ov, c->nov * sizeof *no);
            c->ov = no;
            c->capov = nc;
        }
        c->ov[c->nov++] = o;
    }
    size_t nn = (size_t)c->eng->nnodes;
    c->cache = rg_alloc(c, sizeof(rv *) * (nn + 1));
    c->busy = rg_alloc(c, nn + 1);
    if (!c->cache || !c->busy)
        return -1;
    return 0;
}

typedef struct withenv {
    size_t nov;
    rv *input;
    rv **cache;
    uint8_t *busy;
    size_t wnov;
    rv *winput;
    rv **wcache;
    uint8_t *wbusy;
    rg_k k;
    void *env;
} withenv;

static int with_k(rctx *c, void *env)
{
    withenv *we = env;
    /* leave the with-scope for the rest of the body */
    we->wnov = c->nov;
    we->winput = c->input;
    we->wcache = c->cache;
    we->wbusy = c->busy;
    c->nov = we->nov;
    c->input = we->input;
    c->cache = we->cache;
    c->busy = we->busy;
    int r = we->k(c, we->env);
    c->nov = we->wnov;
    c->input = we->winput;
    c->cache = we->wcache;
    c->busy = we->wbusy;
    return r;
}

static int eval_expr_inner(rctx *c, expr *x, rg_k k, void *env);

static int eval_expr(rctx *c, expr *x, rg_k k, void *env)
{
    if (!x->nw)
        return eval_expr_inner(c, x, k, env);
    withenv we = {0};
    we.k = k;
    we.env = env;
    int s = set_with(c, x, &we.nov, &we.input, &we.cache, &we.busy);
    if (s) {
        c->nov = we.nov;
        c->input = we.input;
        c->cache = we.cache;
        c->busy = we.busy;
        return s < 0 ? -1 : 0;
    }
    int r = eval_expr_inner(c, x, with_k, &we);
    c->nov = we.nov;
    c->input = we.input;
    c->cache = we.cache;
    c->busy = we.busy;
    return r;
}

typedef struct outenv {
    term *out;
    rg_k k;
    void *env;
} outenv;
static int out_k(rctx *c, rv *v, void *env)
{
    outenv *o = env;
    return unify_tv(c, o->out, v, o->k, o->env);
}

static int eval_positive(rctx *c, expr *x, rg_k k, void *env)
{
    switch (x->k) {
    case E_TERM: {
        term *t = x->t;
        if (t->k == T_CALL && t->n == call_arity(t) + 1) {
            /* builtin with output argument */
            term tmp = *t;
            tmp.n = t->n - 1;
            outenv o = {t->e[t->n - 1], k, env};
            return eval_term(c, &tmp, out_k, &o);
        }
        if (t->k == T_CALL && t->name && !strcmp(t->name, "internal.member_3")) {
            /* k, v in xs handled by builtin */
        }
        truthy tr = {k, env};
        return eval_term(c, t, truthy_k, &tr);
    }
    case E_UNIFY:
        return unify_tt(c, x->l, x->r, k, env);
    case E_SOME:
        return k(c, env);
    case E_BODY:
        return rg_eval_body(c, x->b, 0, k, env);
    case E_SOMEIN: {
        somein s = {x, k, env, NULL, 0};
        return eval_term(c, x->t, somein_coll, &s);
    }
    case E_EVERY: {
        everyenv ee = {x, 1, 0};
        int r = eval_term(c, x->t, every_dom, &ee);
        if (r < 0)
            return -1;
        if (!ee.ok || !ee.seen)
            return 0;
        return k(c, env);
    }
    }
    return 0;
}

static int eval_expr_inner(rctx *c, expr *x, rg_k k, void *env)
{
    if (!x->neg)
        return eval_positive(c, x, k, env);
    int found = 0;
    size_t mark = c->ntrail;
    int r = eval_positive(c, x, found_k, &found);
    undo(c, mark);
    if (r < 0)
        return -1;
    if (found)
        return 0;
    return k(c, env);
}

int rg_eval_body(rctx *c, body *b, size_t i, rg_k k, void *env)
{
    if (rg_check_limits(c))
        return -1;
    if (i >= b->n)
        return k(c, env);
    bodyenv be = {b, i, k, env};
    return eval_expr(c, b->x[i], body_next, &be);
}

/* Query expressions: also report the expression's value (opa eval output). */
typedef struct xvenv {
    rv **val;
    rg_k k;
    void *env;
} xvenv;
static int xv_k(rctx *c, rv *v, void *env)
{
    xvenv *xe = env;
    if (v->k == RV_BOOL && !v->u.b)
        return 0;
    *xe->val = v;
    return xe->k(c, xe->env);
}

int rg_eval_expr_value(rctx *c, expr *x, rv **val, rg_k k, void *env);
int rg_eval_expr_value(rctx *c, expr *x, rv **val, rg_k k, void *env)
{
    if (x->k == E_TERM && !x->neg && !x->nw && !(x->t->k == T_CALL && x->t->n == call_arity(x->t) + 1)) {
        xvenv xe = {val, k, env};
        return eval_term(c, x->t, xv_k, &xe);
    }
    *val = rv_bool(1);
    return eval_expr(c, x, k, env);
}

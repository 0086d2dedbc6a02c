/*
 * tester.c - `opa test` semantics for cgate test: each definition of a
 * test_ rule is evaluated on its own (a name defined twice runs twice); it
 * passes when its body has a solution and its value is not false.  `with`
 * mocking works as in any query since tests are plain rules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgate/rego.h"
#include "rego/rego_int.h"

rg_engine *rg_engine_of(cg_rego *r);

typedef struct tenv {
    rule *r;
    int pass;
} tenv;

static int tval(rctx *c, void *env)
{
    tenv *t = env;
    rule *r = t->r;
    if (!r->val) {
        t->pass = 1;
        return 1;
    }
    (void)c;
    return 0;
}

typedef struct vvenv {
    int ok;
} vvenv;

extern int rg_eval_expr_value(rctx *c, expr *x, rv **val, rg_k k, void *env);

static int run_one(rg_engine *eng, rule *r, const cg_rego_limits *lim, cg_buf *print_out, cg_rego_test *t)
{
    cg_arena qa;
    cg_arena_init(&qa);
    rctx c = {0};
    c.eng = eng;
    c.a = &qa;
    c.mem_cap = lim && lim->max_memory ? lim->max_memory : ((size_t)512 << 20);
    c.max_steps = lim && lim->max_steps ? lim->max_steps : 500000000ull;
    c.max_depth = lim && lim->max_depth ? lim->max_depth : 2000;
    c.deadline_ns = lim && lim->timeout_ms ? rg_mono_ns() + lim->timeout_ms * 1000000 : 0;
    c.print_out = print_out;
    c.now_ns = rg_mono_ns();
    c.slots = rg_alloc(&c, sizeof(rv *) * (size_t)(r->nslots + 1));
    c.cache = rg_alloc(&c, sizeof(rv *) * (size_t)(eng->nnodes + 1));
    c.busy = rg_alloc(&c, (size_t)eng->nnodes + 1);
    tenv te = {r, 0};
    int rr = 0;
    if (r->val) {
        /* value rule: body then value not false */
        body vb;
        expr vx = {0};
        vx.k = E_TERM;
        vx.t = r->val;
        expr *one[1] = {&vx};
        vb.x = one;
        vb.n = 1;
        body all;
        size_t nb = r->b ? r->b->n : 0;
        expr **xs = rg_alloc(&c, sizeof(expr *) * (nb + 1));
        for (size_t i = 0; i < nb; i++)
            xs[i] = r->b->x[i];
        xs[nb] = &vx;
        all.x = xs;
        all.n = nb + 1;
        te.r = &(rule){0};
        rr = rg_eval_body(&c, &all, 0, tval, &te);
        (void)vb;
    } else
        rr = r->b ? rg_eval_body(&c, r->b, 0, tval, &te) : (te.pass = 1, 0);
    if (rr < 0 || c.err.code) {
        t->error = 1;
        snprintf(t->msg, sizeof t->msg, "%.100s:%d: %.40s: %.300s", c.err.file ? c.err.file : r->file,
                 c.err.row ? c.err.row : r->row, c.err.code ? c.err.code : "eval_internal_error", c.err.msg);
    }
    t->pass = te.pass && !t->error;
    cg_arena_free(&qa);
    return 0;
}

cg_status cg_rego_run_tests(cg_rego *rg, const char *run_re, const cg_rego_limits *lim, cg_rego_test **out,
                            size_t *n, cg_buf *print_out, cg_error *err)
{
    if (cg_rego_compile(rg, err))
        return err->status;
    rg_engine *eng = rg_engine_of(rg);
    rg_re2 *re = NULL;
    if (run_re) {
        char why[256];
        re = rg_re2_new(run_re, strlen(run_re), why, sizeof why);
        if (!re)
            return cg_error_set(err, CG_ERR_USAGE, "--run: %s", why);
    }
    size_t cap = 16, cnt = 0;
    cg_rego_test *v = calloc(cap, sizeof *v);
    if (!v) {
        rg_re2_free(re);
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < eng->nmods; i++) {
        rmodule *m = eng->mods[i];
        for (size_t j = 0; j < m->nrules; j++) {
            rule *r = m->rules[j];
            const char *nm = r->path[m->npkg]->v->u.s;
            if (strncmp(nm, "test_", 5) || r->kind != R_COMPLETE || r->npath != m->npkg + 1)
                continue;
            char full[512];
            snprintf(full, sizeof full, "data.%s.%s", m->pkg, nm);
            if (re && !rg_re2_match(re, full, strlen(full)))
                continue;
            if (cnt == cap) {
                cap *= 2;
                cg_rego_test *nv = realloc(v, cap * sizeof *v);
                if (!nv)
                    break;
                v = nv;
            }
            cg_rego_test *t = &v[cnt++];
            memset(t, 0, sizeof *t);
            snprintf(t->pkg, sizeof t->pkg, "data.%s", m->pkg);
            snprintf(t->name, sizeof t->name, "%s", nm);
            snprintf(t->file, sizeof t->file, "%s", r->file);
            t->row = r->row;
            t->col = r->col;
            int64_t t0 = rg_mono_ns();
            run_one(eng, r, lim, print_out, t);
            t->duration_ns = rg_mono_ns() - t0;
        }
    }
    rg_re2_free(re);
    *out = v;
    *n = cnt;
    return CG_OK;
}

/*
 * rego.c - the public API of include/cgate/rego.h: an engine holding parsed
 * modules and base data, compiled on demand, and queries evaluated in their
 * own arena with the configured limits.  Results are written as opa eval's
 * JSON document (expressions with text and location, plus bindings).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cgate/rego.h"
#include "rego/rego_int.h"

struct cg_rego {
    rg_engine eng; /* first: tester.c reads it through rg_engine_of */
    rg_err perr; /* first parse error */
    rg_err cerr; /* compile error (code, message, location as OPA writes them) */
};

cg_rego *cg_rego_new(int v0)
{
    cg_rego *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    cg_arena_init(&r->eng.a);
    r->eng.v0 = v0;
    cg_buf_init(&r->eng.warnings, 1 << 20);
    return r;
}

void cg_rego_free(cg_rego *r)
{
    if (!r)
        return;
    cg_arena_free(&r->eng.a);
    cg_buf_free(&r->eng.warnings);
    free(r);
}

static cg_status seterr(cg_error *err, const rg_err *e)
{
    if (e->file && e->row)
        return cg_error_set(err, CG_ERR_INPUT, "%s:%d: %s: %s", e->file, e->row, e->code, e->msg);
    return cg_error_set(err, CG_ERR_INPUT, "%s: %s", e->code ? e->code : "error", e->msg);
}

cg_status cg_rego_add_module(cg_rego *r, const char *file, const char *src, size_t len, cg_error *err)
{
    rg_err e = {0};
    char *copy = cg_arena_strndup(&r->eng.a, src, len);
    const char *fn = cg_arena_strdup(&r->eng.a, file);
    if (!copy || !fn)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    rmodule *m = rg_parse_module(&r->eng, fn, copy, len, r->eng.v0, &e);
    if (!m)
        return seterr(err, &e);
    rmodule **nm = cg_arena_alloc(&r->eng.a, sizeof(rmodule *) * (r->eng.nmods + 1));
    if (!nm)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    if (r->eng.nmods)
        RG_MEMCPY(nm, r->eng.mods, r->eng.nmods * sizeof *nm);
    nm[r->eng.nmods++] = m;
    r->eng.mods = nm;
    r->eng.compiled = 0;
    return CG_OK;
}

static rv *merge(rctx *c, rv *a, rv *b)
{
    if (!a)
        return b;
    if (a->k != RV_OBJ || b->k != RV_OBJ)
        return b;
    rvec ks = {0}, vs = {0};
    for (size_t i = 0; i < a->n; i++) {
        rv *bv = rv_get(b, a->u.a[i]);
        rvec_push(c, &ks, a->u.a[i]);
        rvec_push(c, &vs, bv ? merge(c, a->u.a[a->n + i], bv) : a->u.a[a->n + i]);
    }
    for (size_t i = 0; i < b->n; i++)
        if (!rv_get(a, b->u.a[i])) {
            rvec_push(c, &ks, b->u.a[i]);
            rvec_push(c, &vs, b->u.a[b->n + i]);
        }
    return rv_obj(c, ks.v, vs.v, ks.n);
}

cg_status cg_rego_add_data_json(cg_rego *r, const char *path, const char *json, size_t len, cg_error *err)
{
    rctx pc = {0};
    pc.a = &r->eng.a;
    pc.mem_cap = SIZE_MAX;
    char why[128];
    rv *v = rv_parse_json(&pc, json, len, why, sizeof why);
    if (!v)
        return cg_error_set(err, CG_ERR_INPUT, "data: %s", why);
    /* wrap under path */
    if (path && *path) {
        const char *segs[64];
        size_t ns = 0, sl[64];
        const char *s = path;
        while (*s && ns < 64) {
            const char *d = strchr(s, '.');
            size_t l = d ? (size_t)(d - s) : strlen(s);
            segs[ns] = s;
            sl[ns++] = l;
            s = d ? d + 1 : s + l;
        }
        for (size_t i = ns; i-- > 0;) {
            rv *k = rv_str(&pc, segs[i], sl[i]);
            v = rv_obj(&pc, &k, &v, 1);
        }
    }
    if (v->k != RV_OBJ)
        return cg_error_set(err, CG_ERR_INPUT, "data: document at the root must be an object");
    r->eng.data = merge(&pc, r->eng.data, v);
    return CG_OK;
}

cg_status cg_rego_compile(cg_rego *r, cg_error *err)
{
    if (r->eng.compiled)
        return CG_OK;
    rg_err e = {0};
    cg_buf_reset(&r->eng.warnings);
    if (rg_compile(&r->eng, &e)) {
        r->cerr = e;
        return seterr(err, &e);
    }
    return CG_OK;
}

const char *cg_rego_warnings(const cg_rego *r) { return cg_buf_str(&r->eng.warnings); }

/* ---- queries ------------------------------------------------------------- */
typedef struct qenv {
    body *q;
    const char **names;
    size_t nnames;
    cg_buf *out;
    int pretty;
    size_t nres;
    int all_true;
    rv **exprvals;
} qenv;

static void write_str(cg_buf *b, const char *s)
{
    rv v = {RV_STR, 0, strlen(s), {.s = s}};
    rv_write_json(b, &v, 0, 0);
}

static void ind(cg_buf *b, int pretty, int n)
{
    if (!pretty)
        return;
    cg_buf_putc(b, '\n');
    for (int i = 0; i < n; i++)
        cg_buf_puts(b, "  ");
}

typedef struct exprk {
    qenv *qe;
    size_t i;
} exprk;

static int emit(rctx *c, qenv *qe)
{
    cg_buf *b = qe->out;
    int p = qe->pretty;
    if (p == 2) {
        rv *v = qe->exprvals[0] ? qe->exprvals[0] : rv_bool(1);
        if (v->k == RV_STR)
            cg_buf_append(b, v->u.s, v->n);
        else
            rv_write_json(b, v, 1, 0);
        cg_buf_putc(b, '\n');
        qe->nres++;
        return 0;
    }
    if (qe->nres)
        cg_buf_putc(b, ',');
    ind(b, p, 2);
    cg_buf_putc(b, '{');
    ind(b, p, 3);
    cg_buf_puts(b, p ? "\"expressions\": [" : "\"expressions\":[");
    for (size_t i = 0; i < qe->q->n; i++) {
        expr *x = qe->q->x[i];
        if (i)
            cg_buf_putc(b, ',');
        ind(b, p, 4);
        cg_buf_putc(b, '{');
        ind(b, p, 5);
        cg_buf_puts(b, p ? "\"value\": " : "\"value\":");
        rv *v = qe->exprvals[i] ? qe->exprvals[i] : rv_bool(1);
        if (v->k == RV_BOOL && !v->u.b)
            qe->all_true = 0;
        rv_write_json(b, v, p, 5);
        cg_buf_putc(b, ',');
        ind(b, p, 5);
        cg_buf_puts(b, p ? "\"text\": " : "\"text\":");
        write_str(b, x->text ? x->text : "");
        cg_buf_putc(b, ',');
        ind(b, p, 5);
        cg_buf_puts(b, p ? "\"location\": {" : "\"location\":{");
        ind(b, p, 6);
        cg_buf_printf(b, p ? "\"row\": %d," : "\"row\":%d,", x->row);
        ind(b, p, 6);
        cg_buf_printf(b, p ? "\"col\": %d" : "\"col\":%d", x->col);
        ind(b, p, 5);
        cg_buf_putc(b, '}');
        ind(b, p, 4);
        cg_buf_putc(b, '}');
    }
    ind(b, p, 3);
    cg_buf_putc(b, ']');
    /* bindings: user vars (sorted by name) */
    int any = 0;
    const char **order = calloc(qe->nnames + 1, sizeof(char *));
    size_t *slot = calloc(qe->nnames + 1, sizeof(size_t));
    size_t no = 0;
    for (size_t i = 0; order && slot && i < qe->nnames; i++) {
        const char *nm = qe->names[i];
        if (nm[0] == '$' || strchr(nm, '$') || !c->slots[i])
            continue;
        size_t pos = no;
        while (pos > 0 && strcmp(order[pos - 1], nm) > 0) {
            order[pos] = order[pos - 1];
            slot[pos] = slot[pos - 1];
            pos--;
        }
        order[pos] = nm;
        slot[pos] = i;
        no++;
    }
    for (size_t i = 0; i < no; i++) {
        if (!any) {
            cg_buf_putc(b, ',');
            ind(b, p, 3);
            cg_buf_puts(b, p ? "\"bindings\": {" : "\"bindings\":{");
            any = 1;
        } else
            cg_buf_putc(b, ',');
        ind(b, p, 4);
        write_str(b, order[i]);
        cg_buf_puts(b, p ? ": " : ":");
        rv_write_json(b, c->slots[slot[i]], p, 4);
    }
    free(order);
    free(slot);
    if (any) {
        ind(b, p, 3);
        cg_buf_putc(b, '}');
    }
    ind(b, p, 2);
    cg_buf_putc(b, '}');
    qe->nres++;
    return 0;
}


/* Body evaluation with per-expression values: evaluate expression i, then i+1 */
typedef struct qstep {
    qenv *qe;
    size_t i;
} qstep;

static int q_next(rctx *c, void *env);
static int q_after(rctx *c, void *env)
{
    qstep *s = env;
    qstep n2 = {s->qe, s->i + 1};
    return q_next(c, &n2);
}

extern int rg_eval_expr_value(rctx *c, expr *x, rv **val, rg_k k, void *env);

static int q_next(rctx *c, void *env)
{
    qstep *s = env;
    if (s->i == s->qe->q->n)
        return emit(c, s->qe);
    return rg_eval_expr_value(c, s->qe->q->x[s->i], &s->qe->exprvals[s->i], q_after, s);
}

static void err_json(cg_buf *out, const rg_err *e, int pretty)
{
    cg_buf_reset(out);
    int p = pretty;
    cg_buf_putc(out, '{');
    ind(out, p, 1);
    cg_buf_puts(out, p ? "\"errors\": [" : "\"errors\":[");
    ind(out, p, 2);
    cg_buf_putc(out, '{');
    ind(out, p, 3);
    cg_buf_puts(out, p ? "\"code\": " : "\"code\":");
    write_str(out, e->code ? e->code : "eval_internal_error");
    cg_buf_putc(out, ',');
    ind(out, p, 3);
    cg_buf_puts(out, p ? "\"message\": " : "\"message\":");
    write_str(out, e->msg);
    if (e->file && e->row) {
        cg_buf_putc(out, ',');
        ind(out, p, 3);
        cg_buf_puts(out, p ? "\"location\": {" : "\"location\":{");
        ind(out, p, 4);
        cg_buf_puts(out, p ? "\"file\": " : "\"file\":");
        write_str(out, e->file);
        cg_buf_printf(out, ",");
        ind(out, p, 4);
        cg_buf_printf(out, p ? "\"row\": %d," : "\"row\":%d,", e->row);
        ind(out, p, 4);
        cg_buf_printf(out, p ? "\"col\": %d" : "\"col\":%d", e->col);
        ind(out, p, 3);
        cg_buf_putc(out, '}');
    }
    ind(out, p, 2);
    cg_buf_putc(out, '}');
    ind(out, p, 1);
    cg_buf_putc(out, ']');
    ind(out, p, 0);
    cg_buf_putc(out, '}');
    cg_buf_putc(out, '\n');
}

cg_status cg_rego_eval(cg_rego *r, const cg_rego_query *q, cg_buf *out, int pretty, cg_buf *print_out,
                       cg_rego_outcome *oc, cg_error *err)
{
    memset(oc, 0, sizeof *oc);
    rg_err e = {0};
    if (cg_rego_compile(r, err)) {
        /* compile error: JSON form too, with its own code and location (opa eval's) */
        rg_err ce = r->cerr;
        if (!ce.code) {
            ce.code = "rego_compile_error";
            snprintf(ce.msg, sizeof ce.msg, "%.700s", err->msg);
        }
        err_json(out, &ce, pretty);
        snprintf(oc->code, sizeof oc->code, "%s", ce.code);
        return CG_ERR_INPUT;
    }
    size_t mark_used = r->eng.a.used_total;
    (void)mark_used;
    body *qb = rg_parse_query(&r->eng, q->query, strlen(q->query), r->eng.v0, &e);
    const char **names = NULL;
    int nslots = 0;
    size_t nnames = 0;
    if (qb && rg_compile_query(&r->eng, qb, &names, &nslots, &nnames, &e))
        qb = NULL;
    if (!qb) {
        err_json(out, &e, pretty);
        snprintf(oc->code, sizeof oc->code, "%s", e.code ? e.code : "rego_parse_error");
        seterr(err, &e);
        return CG_ERR_INPUT;
    }
    cg_arena qa;
    cg_arena_init(&qa);
    rctx c = {0};
    c.eng = &r->eng;
    c.a = &qa;
    c.mem_cap = q->limits.max_memory ? q->limits.max_memory : ((size_t)512 << 20);
    c.max_steps = q->limits.max_steps ? q->limits.max_steps : 500000000ull;
    c.max_depth = q->limits.max_depth ? q->limits.max_depth : 2000;
    c.deadline_ns = q->limits.timeout_ms ? rg_mono_ns() + q->limits.timeout_ms * 1000000 : 0;
    c.strict = q->strict_builtin_errors;
    c.no_print = q->no_print;
    c.print_out = print_out;
    if (q->now_ns)
        c.now_ns = q->now_ns;
    else {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        c.now_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
    }
    c.slots = rg_alloc(&c, sizeof(rv *) * (size_t)(nslots + 1));
    c.cache = rg_alloc(&c, sizeof(rv *) * (size_t)(r->eng.nnodes + 1));
    c.busy = rg_alloc(&c, (size_t)r->eng.nnodes + 1);
    if (q->input_json) {
        char why[128];
        c.input = rv_parse_json(&c, q->input_json, q->input_len, why, sizeof why);
        if (!c.input) {
            cg_arena_free(&qa);
            return cg_error_set(err, CG_ERR_INPUT, "input: %s", why);
        }
    }
    if (!r->eng.data) {
        rctx pc = {0};
        pc.a = &r->eng.a;
        pc.mem_cap = SIZE_MAX;
        r->eng.data = rv_empty(&pc, RV_OBJ);
    }
    cg_buf_reset(out);
    qenv qe = {qb, names, nnames, out, pretty, 0, 1, NULL};
    qe.exprvals = rg_alloc(&c, sizeof(rv *) * (qb->n + 1));
    if (pretty != 2)
        cg_buf_puts(out, pretty ? "{\n  \"result\": [" : "{\"result\":[");
    qstep st = {&qe, 0};
    int rr = q_next(&c, &st);
    cg_status s = CG_OK;
    if (rr < 0 || c.err.code) {
        if (!c.err.code)
            c.err.code = "eval_internal_error";
        err_json(out, &c.err, pretty);
        snprintf(oc->code, sizeof oc->code, "%s", c.err.code);
        oc->limit = !strcmp(c.err.code, "eval_limit_error") || !strcmp(c.err.code, "eval_cancel_error");
        seterr(err, &c.err);
        if (oc->limit)
            err->status = CG_ERR_LIMIT;
        s = err->status;
    } else if (qe.nres == 0) {
        cg_buf_reset(out);
        if (pretty != 2)
            cg_buf_puts(out, "{}\n");
    } else if (pretty == 2) {
    } else {
        ind(out, pretty, 1);
        cg_buf_puts(out, "]\n");
        if (pretty)
            cg_buf_puts(out, "}\n");
        else {
            out->len--;
            cg_buf_puts(out, "}\n");
        }
    }
    oc->n_results = qe.nres;
    oc->all_defined_true = qe.all_true;
    cg_arena_free(&qa);
    return s;
}

cg_status cg_rego_packages(cg_rego *r, char ***names, size_t *n, cg_error *err)
{
    char **v = calloc(r->eng.nmods + 1, sizeof *v);
    size_t cnt = 0;
    if (!v)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < r->eng.nmods; i++) {
        int dup = 0;
        for (size_t k = 0; k < cnt; k++)
            if (!strcmp(v[k], r->eng.mods[i]->pkg))
                dup = 1;
        if (!dup && (v[cnt] = strdup(r->eng.mods[i]->pkg)) != NULL)
            cnt++;
    }
    *names = v;
    *n = cnt;
    return CG_OK;
}

int cg_rego_has_rule(const cg_rego *r, const char *pkg, const char *name)
{
    for (size_t i = 0; i < r->eng.nmods; i++) {
        rmodule *m = r->eng.mods[i];
        if (strcmp(m->pkg, pkg))
            continue;
        for (size_t j = 0; j < m->nrules; j++)
            if (!strcmp(m->rules[j]->path[m->npkg]->v->u.s, name))
                return 1;
    }
    return 0;
}

rg_engine *rg_engine_of(cg_rego *r);
rg_engine *rg_engine_of(cg_rego *r) { return &r->eng; }

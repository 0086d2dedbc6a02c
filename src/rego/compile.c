/*
 * compile.c - from parsed modules to an evaluable program: the rule tree
 * (rules attached to the data path their head names), name resolution
 * (imports, rules of the package, builtins, user functions), variable slots
 * per rule, and OPA's safety check with body reordering so every variable is
 * bound before it is read ("var x is unsafe" otherwise).  It also warns about
 * `not` applied to a partial set rule (always false: an empty set is defined).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rego/rego_int.h"

typedef struct scope {
    const char **from, **to;
    size_t n, cap;
    struct scope *up;
} scope;

typedef struct cc {
    rg_engine *eng;
    cg_arena *a;
    rmodule *m;
    rg_err *e;
    const char **slots; /* slot -> name */
    size_t nslots, capslots;
    int fresh;
    scope *sc;
    const char **declared; /* names declared local anywhere in the rule */
    size_t ndecl, capdecl;
} cc;

static int cerr(cc *c, const char *code, const char *file, int row, int col, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
static int cerr(cc *c, const char *code, const char *file, int row, int col, const char *fmt, ...)
{
    if (c->e->code)
        return -1;
    c->e->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->e->msg, sizeof c->e->msg, fmt, ap);
    va_end(ap);
    c->e->file = file;
    c->e->row = row;
    c->e->col = col;
    return -1;
}

/* ---- rule tree ---------------------------------------------------------- */
static rnode *child(rg_engine *eng, rnode *n, const char *name, int create)
{
    /* kids are sorted by name: binary search (a package of 20,000 rules) */
    size_t lo = 0, hi = n->nkids;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int r = strcmp(n->kids[mid]->name, name);
        if (r == 0)
            return n->kids[mid];
        if (r < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (!create)
        return NULL;
    rnode *k = cg_arena_alloc(&eng->a, sizeof *k);
    k->name = cg_arena_strdup(&eng->a, name);
    k->parent = n;
    k->kind = -1;
    k->id = eng->nnodes++;
    if (n->nkids == n->capkids) {
        size_t nc = n->capkids ? n->capkids * 2 : 4;
        rnode **nk = cg_arena_alloc(&eng->a, nc * sizeof *nk);
        if (n->nkids)
            RG_MEMCPY(nk, n->kids, n->nkids * sizeof *nk);
        n->kids = nk;
        n->capkids = nc;
    }
    /* keep sorted by name: lo is where it goes */
    size_t pos = lo;
    if (n->nkids > pos)
        memmove(n->kids + pos + 1, n->kids + pos, (n->nkids - pos) * sizeof *n->kids);
    n->kids[pos] = k;
    n->nkids++;
    return k;
}

rnode *rg_tree_find(rg_engine *eng, const char **names, size_t n);
rnode *rg_tree_find(rg_engine *eng, const char **names, size_t n)
{
    rnode *x = eng->root;
    for (size_t i = 0; i < n && x; i++)
        x = child(eng, x, names[i], 0);
    return x;
}

static int attach(cc *c, rule *r)
{
    rnode *n = c->eng->root;
    for (size_t i = 1; i < r->nconst; i++)
        n = child(c->eng, n, r->path[i]->v->u.s, 1);
    if (r->is_default) {
        if (n->deflt)
            return cerr(c, "rego_type_error", r->file, r->row, r->col, "multiple default rules %s found",
                        n->name);
        n->deflt = r;
        if (n->kind < 0)
            n->kind = r->kind;
        if (r->kind == R_FUNC)
            n->nargs = (int)r->nargs;
        return 0;
    }
    if (n->kind >= 0 && n->kind != r->kind && !(n->nrules == 0))
        return cerr(c, "rego_type_error", r->file, r->row, r->col, "conflicting rules data.%s.%s found", r->pkg,
                    n->name);
    if (n->kind == R_FUNC && r->kind == R_FUNC && n->nrules && n->nargs != (int)r->nargs)
        return cerr(c, "rego_type_error", r->file, r->row, r->col, "conflicting rules data.%s.%s found", r->pkg,
                    n->name);
    n->kind = r->kind;
    if (r->kind == R_FUNC)
        n->nargs = (int)r->nargs;
    if (n->nrules == n->caprules) {
        size_t nc = n->caprules ? n->caprules * 2 : 4;
        rule **nr = cg_arena_alloc(&c->eng->a, nc * sizeof *nr);
        if (n->nrules)
            RG_MEMCPY(nr, n->rules, n->nrules * sizeof *nr);
        n->rules = nr;
        n->caprules = nc;
    }
    n->rules[n->nrules++] = r;
    return 0;
}

/* ---- name resolution and slots ------------------------------------------ */
static int slot_of(cc *c, const char *name)
{
    for (size_t i = 0; i < c->nslots; i++)
        if (!strcmp(c->slots[i], name))
            return (int)i;
    if (c->nslots == c->capslots) {
        size_t nc = c->capslots ? c->capslots * 2 : 16;
        const char **ns = cg_arena_alloc(c->a, nc * sizeof *ns);
        if (c->nslots)
            RG_MEMCPY(ns, c->slots, c->nslots * sizeof *ns);
        c->slots = ns;
        c->capslots = nc;
    }
    c->slots[c->nslots] = name;
    return (int)c->nslots++;
}

static void declare(cc *c, const char *name)
{
    if (c->ndecl == c->capdecl) {
        size_t nc = c->capdecl ? c->capdecl * 2 : 16;
        const char **nd = cg_arena_alloc(c->a, nc * sizeof *nd);
        if (c->ndecl)
            RG_MEMCPY(nd, c->declared, c->ndecl * sizeof *nd);
        c->declared = nd;
        c->capdecl = nc;
    }
    c->declared[c->ndecl++] = name;
}

static int is_declared(cc *c, const char *name)
{
    for (size_t i = 0; i < c->ndecl; i++)
        if (!strcmp(c->declared[i], name))
            return 1;
    return 0;
}

static void scope_add(cc *c, const char *from)
{
    scope *s = c->sc;
    if (!s)
        return;
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 8;
        const char **nf = cg_arena_alloc(c->a, nc * sizeof *nf), **ntt = cg_arena_alloc(c->a, nc * sizeof *ntt);
        if (s->n) {
            RG_MEMCPY(nf, s->from, s->n * sizeof *nf);
            RG_MEMCPY(ntt, s->to, s->n * sizeof *ntt);
        }
        s->from = nf;
        s->to = ntt;
        s->cap = nc;
    }
    s->from[s->n] = from;
    s->to[s->n] = cg_arena_sprintf(c->a, "%s$%d", from, c->fresh++);
    s->n++;
}

static const char *scope_look(cc *c, const char *name)
{
    for (scope *s = c->sc; s; s = s->up)
        for (size_t i = s->n; i-- > 0;)
            if (!strcmp(s->from[i], name))
                return s->to[i];
    return name;
}

static int has_rule(cc *c, const char *name)
{
    rnode *n = c->eng->root;
    for (size_t i = 1; i < c->m->npkg && n; i++)
        n = child(c->eng, n, c->m->pkgpath[i]->v->u.s, 0);
    if (!n)
        return 0;
    /* any rule of this module's package whose head starts with name */
    for (size_t i = 0; i < c->eng->nmods; i++) {
        rmodule *m = c->eng->mods[i];
        if (strcmp(m->pkg, c->m->pkg))
            continue;
        for (size_t j = 0; j < m->nrules; j++)
            if (!strcmp(m->rules[j]->path[m->npkg]->v->u.s, name))
                return 1;
    }
    return 0;
}

static term *mkref(cc *c, term *at, term **parts, size_t n)
{
    term *r = cg_arena_alloc(c->a, sizeof *r);
    *r = *at;
    r->k = T_REF;
    r->e = cg_arena_alloc(c->a, sizeof(term *) * (n + 1));
    RG_MEMCPY(r->e, parts, n * sizeof(term *));
    r->n = n;
    return r;
}

static term *data_var(cc *c, term *at)
{
    term *d = cg_arena_alloc(c->a, sizeof *d);
    *d = *at;
    d->k = T_VAR;
    d->name = "data";
    d->slot = -2;
    d->n = 0;
    d->e = NULL;
    return d;
}

/* A global name (import alias or rule of the package) as a ref; NULL if local. */
static term *global_ref(cc *c, term *v)
{
    const char *name = v->name;
    if (!strcmp(name, "input")) {
        v->slot = -1;
        return v;
    }
    if (!strcmp(name, "data")) {
        v->slot = -2;
        return v;
    }
    if (is_declared(c, name) || v->wild)
        return NULL;
    for (size_t i = 0; i < c->m->nimports; i++) {
        struct rimport *im = &c->m->imports[i];
        term *r = im->ref;
        const char *last = im->alias;
        if (!last) {
            if (r->k == T_REF && r->n > 1 && r->e[r->n - 1]->k == T_VAL)
                last = r->e[r->n - 1]->v->u.s;
            else if (r->k == T_VAR)
                last = r->name;
        }
        if (last && !strcmp(last, name)) {
            if (r->k == T_VAR) {
                term *h = cg_arena_alloc(c->a, sizeof *h);
                *h = *r;
                h->slot = !strcmp(r->name, "input") ? -1 : -2;
                return h;
            }
            term **parts = cg_arena_alloc(c->a, sizeof(term *) * r->n);
            RG_MEMCPY(parts, r->e, r->n * sizeof(term *));
            term *h = cg_arena_alloc(c->a, sizeof *h);
            *h = *parts[0];
            h->slot = !strcmp(h->name, "input") ? -1 : -2;
            parts[0] = h;
            return mkref(c, v, parts, r->n);
        }
    }
    if (c->m && c->m->pkg && has_rule(c, name)) {
        term **parts = cg_arena_alloc(c->a, sizeof(term *) * (c->m->npkg + 1));
        parts[0] = data_var(c, v);
        for (size_t i = 1; i < c->m->npkg; i++)
            parts[i] = c->m->pkgpath[i];
        term *s = cg_arena_alloc(c->a, sizeof *s);
        *s = *v;
        s->k = T_VAL;
        rctx pc = {0};
        pc.a = c->a;
        pc.mem_cap = SIZE_MAX;
        s->v = rv_cstr(&pc, name);
        parts[c->m->npkg] = s;
        return mkref(c, v, parts, c->m->npkg + 1);
    }
    return NULL;
}

static int res_term(cc *c, term **tp);
static int res_body(cc *c, body *b, int newscope);

static int res_var(cc *c, term **tp)
{
    term *t = *tp;
    term *g = global_ref(c, t);
    if (g) {
        *tp = g;
        return 0;
    }
    t->name = scope_look(c, t->name);
    t->slot = slot_of(c, t->name);
    return 0;
}

static const char *call_path(cc *c, term *t, const char ***parts_out, size_t *np_out)
{
    /* split dotted name; resolve first segment */
    const char *nm = t->name;
    size_t cnt = 1;
    for (const char *q = nm; *q; q++)
        cnt += *q == '.';
    const char **parts = cg_arena_alloc(c->a, sizeof(char *) * (cnt + 16));
    const char *s = nm;
    for (size_t i = 0; i < cnt; i++) {
        const char *e2 = strchr(s, '.');
        size_t len = e2 ? (size_t)(e2 - s) : strlen(s);
        parts[i] = cg_arena_strndup(c->a, s, len);
        s = e2 ? e2 + 1 : s + len;
    }
    /* data.x.f */
    if (!strcmp(parts[0], "data")) {
        *parts_out = parts + 1;
        *np_out = cnt - 1;
        return nm;
    }
    term v = *t;
    v.k = T_VAR;
    v.name = parts[0];
    v.wild = false;
    term *g = global_ref(c, &v);
    if (g && g->k == T_REF && g->e[0]->slot == -2) {
        const char **full = cg_arena_alloc(c->a, sizeof(char *) * (g->n + cnt));
        size_t k = 0;
        for (size_t i = 1; i < g->n; i++)
            full[k++] = g->e[i]->v->u.s;
        for (size_t i = 1; i < cnt; i++)
            full[k++] = parts[i];
        *parts_out = full;
        *np_out = k;
        return nm;
    }
    *parts_out = NULL;
    *np_out = 0;
    return nm;
}

static int res_call(cc *c, term *t)
{
    const char **parts;
    size_t np;
    call_path(c, t, &parts, &np);
    if (parts) {
        rnode *n = rg_tree_find(c->eng, parts, np);
        if (n && n->kind == R_FUNC) {
            t->fn = n;
            if ((int)t->n != n->nargs && (int)t->n != n->nargs + 1)
                return cerr(c, "rego_type_error", t->file, t->row, t->col,
                            "%s: arity mismatch", t->name);
            return 0;
        }
        if (n && strchr(t->name, '.') == NULL)
            return cerr(c, "rego_type_error", t->file, t->row, t->col, "undefined function %s", t->name);
    }
    const builtin *b = rg_builtin_find_v(t->name, c->eng->v0);
    if (!b)
        return cerr(c, "rego_type_error", t->file, t->row, t->col, "undefined function %s", t->name);
    if (b->unavailable)
        return cerr(c, "rego_type_error", t->file, t->row, t->col, "%s: not available in cgate (%s)", t->name,
                    b->unavailable);
    if (b->arity >= 0 && (int)t->n != b->arity && (int)t->n != b->arity + 1)
        return cerr(c, "rego_type_error", t->file, t->row, t->col,
                    "%s: arity mismatch: %d arguments, want %d", t->name, (int)t->n, b->arity);
    t->bi = b;
    return 0;
}

static int res_term(cc *c, term **tp)
{
    term *t = *tp;
    switch (t->k) {
    case T_VAL:
        return 0;
    case T_VAR:
        return res_var(c, tp);
    case T_REF: {
        if (t->e[0]->k == T_VAR) {
            term *h = t->e[0];
            term *g = global_ref(c, h);
            if (g && g->k == T_REF) {
                term **parts = cg_arena_alloc(c->a, sizeof(term *) * (g->n + t->n));
                RG_MEMCPY(parts, g->e, g->n * sizeof(term *));
                RG_MEMCPY(parts + g->n, t->e + 1, (t->n - 1) * sizeof(term *));
                term *nr = mkref(c, t, parts, g->n + t->n - 1);
                *tp = t = nr;
            } else if (g) {
                t->e[0] = g;
            } else if (res_term(c, &t->e[0]))
                return -1;
        } else if (res_term(c, &t->e[0]))
            return -1;
        for (size_t i = 1; i < t->n; i++)
            if (res_term(c, &t->e[i]))
                return -1;
        return 0;
    }
    case T_ARR:
    case T_SET:
        for (size_t i = 0; i < t->n; i++)
            if (res_term(c, &t->e[i]))
                return -1;
        return 0;
    case T_OBJ:
        for (size_t i = 0; i < 2 * t->n; i++)
            if (res_term(c, &t->e[i]))
                return -1;
        return 0;
    case T_CALL:
        if (res_call(c, t))
            return -1;
        for (size_t i = 0; i < t->n; i++)
            if (res_term(c, &t->e[i]))
                return -1;
        return 0;
    case T_ACOMP:
    case T_SCOMP:
    case T_OCOMP: {
        scope s = {0};
        s.up = c->sc;
        c->sc = &s;
        int r = res_body(c, t->b, 0);
        if (!r && t->key)
            r = res_term(c, &t->key);
        if (!r)
            r = res_term(c, &t->val);
        c->sc = s.up;
        return r;
    }
    }
    return 0;
}

static void decl_pattern(cc *c, term *t, int scoped)
{
    if (!t)
        return;
    if (t->k == T_VAR) {
        if (t->wild)
            return;
        declare(c, t->name);
        if (scoped && c->sc)
            scope_add(c, t->name);
        return;
    }
    if (t->k == T_ARR || t->k == T_SET)
        for (size_t i = 0; i < t->n; i++)
            decl_pattern(c, t->e[i], scoped);
    if (t->k == T_OBJ)
        for (size_t i = 0; i < t->n; i++)
            decl_pattern(c, t->e[t->n + i], scoped);
}

static int res_with(cc *c, expr *x)
{
    for (size_t i = 0; i < x->nw; i++) {
        term *tg = x->w[i].target;
        term *h = tg->k == T_REF ? tg->e[0] : tg;
        if (h->k == T_VAR && (!strcmp(h->name, "input") || !strcmp(h->name, "data"))) {
            h->slot = !strcmp(h->name, "input") ? -1 : -2;
            for (size_t j = 1; tg->k == T_REF && j < tg->n; j++)
                if (tg->e[j]->k != T_VAL)
                    return cerr(c, "rego_type_error", tg->file, tg->row, tg->col, "invalid with target");
            if (h->slot == -2 && tg->k == T_REF) {
                /* data.f as a function target? */
                const char **parts = cg_arena_alloc(c->a, sizeof(char *) * tg->n);
                for (size_t j = 1; j < tg->n; j++)
                    parts[j - 1] = tg->e[j]->v->u.s;
                rnode *n = rg_tree_find(c->eng, parts, tg->n - 1);
                if (n && n->kind == R_FUNC) {
                    term *ct = cg_arena_alloc(c->a, sizeof *ct);
                    *ct = *tg;
                    ct->k = T_CALL;
                    ct->fn = n;
                    x->w[i].target = ct;
                }
            }
        } else {
            /* function or builtin: name */
            const char *nm = NULL;
            if (tg->k == T_VAR)
                nm = tg->name;
            else if (tg->k == T_REF && h->k == T_VAR) {
                cg_buf b = CG_BUF_INIT;
                cg_buf_puts(&b, h->name);
                for (size_t j = 1; j < tg->n; j++) {
                    cg_buf_putc(&b, '.');
                    if (tg->e[j]->k == T_VAL && tg->e[j]->v->k == RV_STR)
                        cg_buf_puts(&b, tg->e[j]->v->u.s);
                }
                nm = cg_arena_strdup(c->a, cg_buf_str(&b));
                cg_buf_free(&b);
            }
            if (!nm)
                return cerr(c, "rego_type_error", tg->file, tg->row, tg->col, "invalid with target");
            term *ct = cg_arena_alloc(c->a, sizeof *ct);
            *ct = *tg;
            ct->k = T_CALL;
            ct->name = nm;
            ct->n = 0;
            ct->e = NULL;
            const char **parts;
            size_t np;
            call_path(c, ct, &parts, &np);
            rnode *n = parts ? rg_tree_find(c->eng, parts, np) : NULL;
            if (n && n->kind == R_FUNC)
                ct->fn = n;
            else if ((ct->bi = rg_builtin_find_v(nm, c->eng->v0)) == NULL) {
                if (n) {
                    /* with on a non-function rule: treat as data path */
                    term *d = data_var(c, tg);
                    term **pp = cg_arena_alloc(c->a, sizeof(term *) * (np + 1));
                    pp[0] = d;
                    rctx pc = {0};
                    pc.a = c->a;
                    pc.mem_cap = SIZE_MAX;
                    for (size_t j = 0; j < np; j++) {
                        term *s = cg_arena_alloc(c->a, sizeof *s);
                        *s = *tg;
                        s->k = T_VAL;
                        s->v = rv_cstr(&pc, parts[j]);
                        pp[j + 1] = s;
                    }
                    x->w[i].target = mkref(c, tg, pp, np + 1);
                    goto val;
                }
                return cerr(c, "rego_compile_error", tg->file, tg->row, tg->col,
                            "with keyword used on non-input, non-data, non-function target");
            }
            x->w[i].target = ct;
        }
    val:;
        term *vv = x->w[i].val;
        /* a function name as replacement value */
        if (x->w[i].target->k == T_CALL && (vv->k == T_VAR || vv->k == T_REF)) {
            term tmp = *vv;
            const char *nm = NULL;
            if (vv->k == T_VAR)
                nm = vv->name;
            else if (vv->e[0]->k == T_VAR) {
                cg_buf b = CG_BUF_INIT;
                cg_buf_puts(&b, vv->e[0]->name);
                for (size_t j = 1; j < vv->n; j++) {
                    cg_buf_putc(&b, '.');
                    if (vv->e[j]->k == T_VAL && vv->e[j]->v->k == RV_STR)
                        cg_buf_puts(&b, vv->e[j]->v->u.s);
                }
                nm = cg_arena_strdup(c->a, cg_buf_str(&b));
                cg_buf_free(&b);
            }
            if (nm && !is_declared(c, nm)) {
                tmp.k = T_CALL;
                tmp.name = nm;
                const char **parts;
                size_t np;
                call_path(c, &tmp, &parts, &np);
                rnode *n = parts ? rg_tree_find(c->eng, parts, np) : NULL;
                const builtin *b = NULL;
                if ((n && n->kind == R_FUNC) || (!n && (b = rg_builtin_find_v(nm, c->eng->v0)) != NULL)) {
                    term *ct = cg_arena_alloc(c->a, sizeof *ct);
                    *ct = *vv;
                    ct->k = T_CALL;
                    ct->name = nm;
                    ct->n = 0;
                    ct->e = NULL;
                    ct->fn = n && n->kind == R_FUNC ? n : NULL;
                    ct->bi = b;
                    x->w[i].val = ct;
                    continue;
                }
            }
        }
        if (res_term(c, &x->w[i].val))
            return -1;
    }
    return 0;
}

static int res_expr(cc *c, expr *x)
{
    if (res_with(c, x))
        return -1;
    switch (x->k) {
    case E_TERM:
        return res_term(c, &x->t);
    case E_UNIFY:
        if (x->assign) {
            decl_pattern(c, x->l, 1);
        }
        if (res_term(c, &x->r))
            return -1;
        return res_term(c, &x->l);
    case E_SOME:
        for (size_t i = 0; i < x->nvars; i++) {
            decl_pattern(c, x->vars[i], 1);
            if (res_term(c, &x->vars[i]))
                return -1;
        }
        return 0;
    case E_SOMEIN:
        if (res_term(c, &x->t))
            return -1;
        decl_pattern(c, x->l, 1);
        decl_pattern(c, x->r, 1);
        if (x->l && res_term(c, &x->l))
            return -1;
        return res_term(c, &x->r);
    case E_BODY: {
        scope s = {0};
        s.up = c->sc;
        c->sc = &s;
        int r = res_body(c, x->b, 0);
        c->sc = s.up;
        return r;
    }
    case E_EVERY: {
        if (res_term(c, &x->t))
            return -1;
        scope s = {0};
        s.up = c->sc;
        c->sc = &s;
        decl_pattern(c, x->l, 1);
        decl_pattern(c, x->r, 1);
        int r = 0;
        if (x->l)
            r = res_term(c, &x->l);
        if (!r)
            r = res_term(c, &x->r);
        if (!r)
            r = res_body(c, x->b, 0);
        c->sc = s.up;
        return r;
    }
    }
    return 0;
}

static int res_body(cc *c, body *b, int newscope)
{
    (void)newscope;
    for (size_t i = 0; i < b->n; i++)
        if (res_expr(c, b->x[i]))
            return -1;
    return 0;
}

/* ---- safety: variable sets and reordering -------------------------------- */
typedef struct vset {
    uint64_t *w;
    size_t nw;
} vset;

static vset vs_new(cc *c)
{
    vset s;
    s.nw = (c->nslots + 63) / 64 + 1;
    s.w = cg_arena_alloc(c->a, s.nw * 8);
    return s;
}
static void vs_add(vset *s, int i)
{
    if (i >= 0 && (size_t)i / 64 < s->nw)
        s->w[i / 64] |= 1ull << (i % 64);
}
static int vs_has(const vset *s, int i) { return i >= 0 && (size_t)i / 64 < s->nw && (s->w[i / 64] >> (i % 64)) & 1; }
static void vs_or(vset *a, const vset *b)
{
    for (size_t i = 0; i < a->nw && i < b->nw; i++)
        a->w[i] |= b->w[i];
}
static vset vs_copy(cc *c, const vset *s)
{
    vset r = vs_new(c);
    vs_or(&r, s);
    return r;
}

/* vars of t: out = bindable by this term (ref index, patterns), in = must be bound before */
static void tvars(cc *c, term *t, int out_mode, vset *in, vset *out, vset *all);
static void bvars(cc *c, body *b, vset *all);

static void tvars(cc *c, term *t, int out_mode, vset *in, vset *out, vset *all)
{
    if (!t)
        return;
    switch (t->k) {
    case T_VAR:
        if (t->slot < 0)
            return;
        vs_add(all, t->slot);
        if (out_mode || t->wild)
            vs_add(out, t->slot);
        else
            vs_add(in, t->slot);
        return;
    case T_REF:
        tvars(c, t->e[0], 0, in, out, all);
        for (size_t i = 1; i < t->n; i++)
            tvars(c, t->e[i], 1, in, out, all);
        return;
    case T_ARR:
    case T_SET:
        for (size_t i = 0; i < t->n; i++)
            tvars(c, t->e[i], out_mode, in, out, all);
        return;
    case T_OBJ:
        for (size_t i = 0; i < t->n; i++)
            tvars(c, t->e[i], 0, in, out, all);
        for (size_t i = 0; i < t->n; i++)
            tvars(c, t->e[t->n + i], out_mode, in, out, all);
        return;
    case T_CALL: {
        size_t ar = t->fn ? (size_t)t->fn->nargs : t->bi && t->bi->arity >= 0 ? (size_t)t->bi->arity : t->n;
        for (size_t i = 0; i < t->n; i++)
            tvars(c, t->e[i], i >= ar, in, out, all);
        return;
    }
    case T_ACOMP:
    case T_SCOMP:
    case T_OCOMP: {
        /* free vars of a closure are inputs; we mark them in a separate set */
        vset inner = vs_new(c);
        bvars(c, t->b, &inner);
        vset d1 = vs_new(c), d2 = vs_new(c);
        tvars(c, t->key, 0, &d1, &d2, &inner);
        tvars(c, t->val, 0, &d1, &d2, &inner);
        /* all inner vars are "closure" vars: recorded in all as potential inputs */
        for (size_t i = 0; i < inner.nw && i < all->nw; i++)
            all->w[i] |= inner.w[i];
        return;
    }
    }
}

static void xvars(cc *c, expr *x, vset *in, vset *out, vset *all);

static void bvars(cc *c, body *b, vset *all)
{
    vset i = vs_new(c), o = vs_new(c);
    for (size_t k = 0; k < b->n; k++)
        xvars(c, b->x[k], &i, &o, all);
}

static void xvars(cc *c, expr *x, vset *in, vset *out, vset *all)
{
    vset i2 = vs_new(c), o2 = vs_new(c);
    switch (x->k) {
    case E_TERM:
        tvars(c, x->t, 0, &i2, &o2, all);
        break;
    case E_UNIFY:
        tvars(c, x->l, 1, &i2, &o2, all);
        tvars(c, x->r, 1, &i2, &o2, all);
        break;
    case E_SOME:
        for (size_t k = 0; k < x->nvars; k++)
            if (x->vars[k]->slot >= 0)
                vs_add(all, x->vars[k]->slot);
        break;
    case E_SOMEIN:
        tvars(c, x->t, 0, &i2, &o2, all);
        tvars(c, x->l, 1, &i2, &o2, all);
        tvars(c, x->r, 1, &i2, &o2, all);
        break;
    case E_BODY: {
        vset inner = vs_new(c);
        bvars(c, x->b, &inner);
        vs_or(all, &inner);
        break;
    }
    case E_EVERY: {
        tvars(c, x->t, 0, &i2, &o2, all);
        vset inner = vs_new(c);
        bvars(c, x->b, &inner);
        tvars(c, x->l, 1, &i2, &o2, &inner);
        tvars(c, x->r, 1, &i2, &o2, &inner);
        vs_or(all, &inner);
        break;
    }
    }
    for (size_t k = 0; k < x->nw; k++) {
        vset d = vs_new(c);
        tvars(c, x->w[k].val, 0, &i2, &d, all);
    }
    if (x->neg) {
        vs_or(in, &i2);
        vs_or(in, &o2);
    } else {
        vs_or(in, &i2);
        vs_or(out, &o2);
    }
}

/* vars referenced as closure/inputs by expression x: plain in-vars plus
 * closure vars (comprehension/every/not) that appear in the rest of the body */
static int reorder(cc *c, body *b, vset *safe, vset *ctx_vars);

static int nested_reorder_term(cc *c, term *t, vset *safe);
static int nested_reorder_expr(cc *c, expr *x, vset *safe)
{
    int r = 0;
    switch (x->k) {
    case E_TERM:
        r = nested_reorder_term(c, x->t, safe);
        break;
    case E_UNIFY:
        r = nested_reorder_term(c, x->l, safe);
        if (!r)
            r = nested_reorder_term(c, x->r, safe);
        break;
    case E_SOMEIN:
        r = nested_reorder_term(c, x->t, safe);
        break;
    case E_BODY: {
        vset s2 = vs_copy(c, safe);
        r = reorder(c, x->b, &s2, NULL);
        break;
    }
    case E_EVERY: {
        r = nested_reorder_term(c, x->t, safe);
        if (r)
            break;
        vset s2 = vs_copy(c, safe);
        vset d1 = vs_new(c), d2 = vs_new(c), d3 = vs_new(c);
        tvars(c, x->l, 1, &d1, &d2, &d3);
        tvars(c, x->r, 1, &d1, &d2, &d3);
        vs_or(&s2, &d3);
        r = reorder(c, x->b, &s2, NULL);
        break;
    }
    }
    for (size_t k = 0; !r && k < x->nw; k++)
        r = nested_reorder_term(c, x->w[k].val, safe);
    return r;
}

static int nested_reorder_term(cc *c, term *t, vset *safe)
{
    if (!t)
        return 0;
    switch (t->k) {
    case T_REF:
    case T_ARR:
    case T_SET:
    case T_CALL:
        for (size_t i = 0; i < t->n; i++)
            if (nested_reorder_term(c, t->e[i], safe))
                return -1;
        return 0;
    case T_OBJ:
        for (size_t i = 0; i < 2 * t->n; i++)
            if (nested_reorder_term(c, t->e[i], safe))
                return -1;
        return 0;
    case T_ACOMP:
    case T_SCOMP:
    case T_OCOMP: {
        vset s2 = vs_copy(c, safe);
        if (reorder(c, t->b, &s2, NULL))
            return -1;
        vset d1 = vs_new(c), d2 = vs_new(c), d3 = vs_new(c);
        tvars(c, t->key, 0, &d1, &d2, &d3);
        tvars(c, t->val, 0, &d1, &d2, &d3);
        for (size_t i = 0; i < c->nslots; i++)
            if (vs_has(&d1, (int)i) && !vs_has(&s2, (int)i))
                return cerr(c, "rego_unsafe_var_error", t->file, t->row, t->col, "var %s is unsafe",
                            c->slots[i]);
        return 0;
    }
    }
    return 0;
}

static int reorder(cc *c, body *b, vset *safe, vset *ctx_vars)
{
    (void)ctx_vars;
    size_t n = b->n;
    if (!n)
        return 0;
    vset *ins = cg_arena_alloc(c->a, n * sizeof(vset)), *outs = cg_arena_alloc(c->a, n * sizeof(vset)),
         *alls = cg_arena_alloc(c->a, n * sizeof(vset));
    for (size_t i = 0; i < n; i++) {
        ins[i] = vs_new(c);
        outs[i] = vs_new(c);
        alls[i] = vs_new(c);
        xvars(c, b->x[i], &ins[i], &outs[i], &alls[i]);
    }
    /* closure vars (in all but neither in nor out) count as inputs when some
     * other expression of this body (or the context) mentions them */
    for (size_t i = 0; i < n; i++) {
        for (size_t s = 0; s < c->nslots; s++) {
            int v = (int)s;
            if (!vs_has(&alls[i], v) || vs_has(&ins[i], v) || vs_has(&outs[i], v))
                continue;
            int elsewhere = vs_has(safe, v);
            for (size_t j = 0; j < n && !elsewhere; j++)
                if (j != i && vs_has(&alls[j], v))
                    elsewhere = 1;
            if (elsewhere)
                vs_add(&ins[i], v);
        }
        if (b->x[i]->neg) {
            /* vars only in this negated expression are local (like wildcards) */
            for (size_t s = 0; s < c->nslots; s++) {
                int v = (int)s;
                if (!vs_has(&ins[i], v) || vs_has(safe, v))
                    continue;
                int elsewhere = 0;
                for (size_t j = 0; j < n && !elsewhere; j++)
                    if (j != i && vs_has(&alls[j], v))
                        elsewhere = 1;
                if (!elsewhere && c->slots[s][0] == '$')
                    ins[i].w[s / 64] &= ~(1ull << (s % 64));
            }
        }
    }
    expr **order = cg_arena_alloc(c->a, n * sizeof(expr *));
    char *done = cg_arena_alloc(c->a, n);
    for (size_t k = 0; k < n; k++) {
        size_t pick = n;
        for (size_t i = 0; i < n && pick == n; i++) {
            if (done[i])
                continue;
            int ok = 1;
            for (size_t w = 0; w < ins[i].nw && ok; w++)
                if (ins[i].w[w] & ~safe->w[w])
                    ok = 0;
            if (ok)
                pick = i;
        }
        if (pick == n) {
            for (size_t i = 0; i < n; i++) {
                if (done[i])
                    continue;
                for (size_t s = 0; s < c->nslots; s++)
                    if (vs_has(&ins[i], (int)s) && !vs_has(safe, (int)s)) {
                        const char *nm = c->slots[s];
                        char clean[128];
                        snprintf(clean, sizeof clean, "%s", nm);
                        char *d = strchr(clean, '$');
                        if (d && d != clean)
                            *d = 0;
                        return cerr(c, "rego_unsafe_var_error", b->x[i]->file, b->x[i]->row, b->x[i]->col,
                                    "var %s is unsafe", clean[0] == '$' ? "_" : clean);
                    }
            }
            return cerr(c, "rego_unsafe_var_error", b->x[0]->file, b->x[0]->row, b->x[0]->col, "unsafe vars");
        }
        done[pick] = 1;
        order[k] = b->x[pick];
        if (nested_reorder_expr(c, b->x[pick], safe))
            return -1;
        if (!b->x[pick]->neg)
            vs_or(safe, &outs[pick]);
    }
    RG_MEMCPY(b->x, order, n * sizeof(expr *));
    return 0;
}

static int check_head(cc *c, rule *r, vset *safe, term *t)
{
    if (!t)
        return 0;
    vset in = vs_new(c), out = vs_new(c), all = vs_new(c);
    tvars(c, t, 0, &in, &out, &all);
    if (nested_reorder_term(c, t, safe))
        return -1;
    for (size_t s = 0; s < c->nslots; s++)
        if ((vs_has(&in, (int)s) || (vs_has(&out, (int)s) && c->slots[s][0] != '$')) && !vs_has(safe, (int)s))
            return cerr(c, "rego_unsafe_var_error", r->file, t->row, t->col, "var %s is unsafe", c->slots[s]);
    return 0;
}

static int compile_rule(cc *c, rule *r)
{
    c->nslots = 0;
    c->ndecl = 0;
    c->slots = NULL;
    c->capslots = 0;
    c->sc = NULL;
    /* declared locals: function args, some, := anywhere (approximate: top level) */
    for (size_t i = 0; i < r->nargs; i++)
        decl_pattern(c, r->args[i], 0);
    for (rule *e = r; e; e = e->els) {
        if (e->b)
            for (size_t i = 0; i < e->b->n; i++) {
                expr *x = e->b->x[i];
                if (x->k == E_UNIFY && x->assign)
                    decl_pattern(c, x->l, 0);
                if (x->k == E_SOME)
                    for (size_t k = 0; k < x->nvars; k++)
                        decl_pattern(c, x->vars[k], 0);
                if (x->k == E_SOMEIN) {
                    decl_pattern(c, x->l, 0);
                    decl_pattern(c, x->r, 0);
                }
            }
    }
    size_t nslots_total = 0;
    for (rule *e = r; e; e = e->els) {
        for (size_t i = 0; i < r->nargs; i++)
            if (res_term(c, &r->args[i]))
                return -1;
        for (size_t i = r->nconst; i < r->npath; i++)
            if (res_term(c, &e->path[i]))
                return -1;
        if (e->b && res_body(c, e->b, 0))
            return -1;
        if (e->key && res_term(c, &e->key))
            return -1;
        if (e->val && res_term(c, &e->val))
            return -1;
    }
    nslots_total = c->nslots;
    for (rule *e = r; e; e = e->els) {
        vset safe = vs_new(c);
        for (size_t i = 0; i < r->nargs; i++) {
            vset d1 = vs_new(c), d2 = vs_new(c);
            tvars(c, r->args[i], 1, &d1, &d2, &safe);
        }
        if (e->b && reorder(c, e->b, &safe, NULL))
            return -1;
        if (e->is_default) {
            vset none = vs_new(c);
            if (check_head(c, e, &none, e->val))
                return -1;
        } else {
            if (check_head(c, e, &safe, e->key) || check_head(c, e, &safe, e->val))
                return -1;
            for (size_t i = e->nconst; i < e->npath; i++)
                if (check_head(c, e, &safe, e->path[i]))
                    return -1;
        }
        e->nslots = (int)nslots_total;
    }
    return 0;
}

/* ---- warning: not on a partial set ------------------------------------- */
static void warn_not(cc *c, body *b);
static void warn_term(cc *c, term *t)
{
    if (!t)
        return;
    if (t->k == T_ACOMP || t->k == T_SCOMP || t->k == T_OCOMP) {
        warn_not(c, t->b);
        return;
    }
    if (t->k == T_CALL || t->k == T_ARR || t->k == T_SET || t->k == T_REF)
        for (size_t i = 0; i < t->n; i++)
            warn_term(c, t->e[i]);
}
static void warn_not(cc *c, body *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->n; i++) {
        expr *x = b->x[i];
        if (x->neg && x->k == E_TERM && x->t->k == T_REF && x->t->e[0]->slot == -2) {
            term *t = x->t;
            rnode *n = c->eng->root;
            size_t k;
            for (k = 1; k < t->n && n; k++) {
                if (t->e[k]->k != T_VAL || t->e[k]->v->k != RV_STR)
                    break;
                n = child(c->eng, n, t->e[k]->v->u.s, 0);
                if (n && n->nrules)
                    break;
            }
            if (n && n->kind == R_PSET && k == t->n - 1) {
                cg_buf_printf(&c->eng->warnings,
                              "%s:%d: warning: `not %s` is never true: %s is a partial set rule, and an empty set is "
                              "defined (use `count(%s) == 0`)\n",
                              x->file, x->row, n->name, n->name, n->name);
            }
        }
        if (x->k == E_EVERY)
            warn_not(c, x->b);
        warn_term(c, x->t);
        warn_term(c, x->l);
        warn_term(c, x->r);
    }
}

/* ---- recursion (OPA's rego_recursion_error) ------------------------------ */
/* A graph over the rule tree's nodes: an edge from each rule node to every
 * rule node its rules may read (refs into data, calls of user functions).
 * Strongly connected components (iterative Tarjan) find the recursive
 * nodes; the first of them by source location is reported with the cycle
 * through it, as OPA writes it: "rule data.x.p is recursive: data.x.p ->
 * data.x.q -> data.x.p". */
typedef struct rgraph {
    rnode **node; /* by id */
    int **adj;
    int *nadj, *capadj;
    int *mark; /* dedupe: the last source that added each target */
    int cur;
    int n;
} rgraph;

static void g_edge(rgraph *g, cg_arena *a, int from, int to)
{
    if (g->mark[to] == from)
        return;
    g->mark[to] = from;
    if (g->nadj[from] == g->capadj[from]) {
        int nc = g->capadj[from] ? g->capadj[from] * 2 : 4;
        int *na = cg_arena_alloc(a, sizeof(int) * (size_t)nc);
        if (g->nadj[from])
            RG_MEMCPY(na, g->adj[from], sizeof(int) * (size_t)g->nadj[from]);
        g->adj[from] = na;
        g->capadj[from] = nc;
    }
    g->adj[from][g->nadj[from]++] = to;
}

static int node_has_rules(const rnode *n) { return n->nrules || n->deflt; }

static void g_subtree(rgraph *g, cg_arena *a, int from, rnode *n, int depth)
{
    if (depth > 512)
        return;
    if (node_has_rules(n))
        g_edge(g, a, from, n->id);
    for (size_t i = 0; i < n->nkids; i++)
        g_subtree(g, a, from, n->kids[i], depth + 1);
}

static void g_body(rgraph *g, cc *c, int from, body *b, int depth);
static void g_term(rgraph *g, cc *c, int from, term *t, int depth)
{
    if (!t || depth > 512)
        return;
    switch (t->k) {
    case T_REF: {
        if (t->e[0]->k == T_VAR && t->e[0]->slot == -2) {
            rnode *n = c->eng->root;
            size_t k;
            for (k = 1; k < t->n; k++) {
                term *p = t->e[k];
                if (p->k != T_VAL || p->v->k != RV_STR)
                    break;
                rnode *nx = child(c->eng, n, p->v->u.s, 0);
                if (!nx) {
                    n = NULL;
                    break;
                }
                n = nx;
                if (node_has_rules(n)) {
                    g_edge(g, c->a, from, n->id);
                    n = NULL;
                    break;
                }
            }
            if (n)
                g_subtree(g, c->a, from, n, 0);
        } else
            g_term(g, c, from, t->e[0], depth + 1);
        for (size_t i = 1; i < t->n; i++)
            g_term(g, c, from, t->e[i], depth + 1);
        return;
    }
    case T_ARR:
    case T_SET:
        for (size_t i = 0; i < t->n; i++)
            g_term(g, c, from, t->e[i], depth + 1);
        return;
    case T_OBJ:
        for (size_t i = 0; i < 2 * t->n; i++)
            g_term(g, c, from, t->e[i], depth + 1);
        return;
    case T_CALL:
        if (t->fn)
            g_edge(g, c->a, from, t->fn->id);
        for (size_t i = 0; i < t->n; i++)
            g_term(g, c, from, t->e[i], depth + 1);
        return;
    case T_ACOMP:
    case T_SCOMP:
    case T_OCOMP:
        g_body(g, c, from, t->b, depth + 1);
        g_term(g, c, from, t->key, depth + 1);
        g_term(g, c, from, t->val, depth + 1);
        return;
    default: return;
    }
}

static void g_body(rgraph *g, cc *c, int from, body *b, int depth)
{
    if (!b || depth > 512)
        return;
    for (size_t i = 0; i < b->n; i++) {
        expr *x = b->x[i];
        g_term(g, c, from, x->t, depth + 1);
        g_term(g, c, from, x->l, depth + 1);
        g_term(g, c, from, x->r, depth + 1);
        g_body(g, c, from, x->b, depth + 1);
        for (size_t k = 0; k < x->nw; k++) /* the target of `with` is replaced, not read */
            g_term(g, c, from, x->w[k].val, depth + 1);
    }
}

static void node_path(cg_buf *b, const rnode *n)
{
    const rnode *chain[512];
    size_t k = 0;
    for (const rnode *x = n; x && k < 512; x = x->parent)
        chain[k++] = x;
    while (k--) {
        cg_buf_puts(b, chain[k]->name);
        if (k)
            cg_buf_putc(b, '.');
    }
}

static const rule *node_first_rule(const rnode *n)
{
    const rule *best = n->deflt;
    for (size_t i = 0; i < n->nrules; i++) {
        const rule *r = n->rules[i];
        if (!best || strcmp(r->file, best->file) < 0 ||
            (!strcmp(r->file, best->file) && (r->row < best->row || (r->row == best->row && r->col < best->col))))
            best = r;
    }
    return best;
}

static void g_collect(rgraph *g, rnode *n, int depth)
{
    if (depth > 512)
        return;
    g->node[n->id] = n;
    for (size_t i = 0; i < n->nkids; i++)
        g_collect(g, n->kids[i], depth + 1);
}

static int check_recursion(cc *c)
{
    rg_engine *eng = c->eng;
    int n = eng->nnodes;
    rgraph g = {0};
    g.n = n;
    g.node = cg_arena_alloc(c->a, sizeof(rnode *) * (size_t)n);
    g.adj = cg_arena_alloc(c->a, sizeof(int *) * (size_t)n);
    g.nadj = cg_arena_alloc(c->a, sizeof(int) * (size_t)n);
    g.capadj = cg_arena_alloc(c->a, sizeof(int) * (size_t)n);
    g.mark = cg_arena_alloc(c->a, sizeof(int) * (size_t)n);
    for (int i = 0; i < n; i++) {
        g.node[i] = NULL;
        g.adj[i] = NULL;
        g.nadj[i] = g.capadj[i] = 0;
        g.mark[i] = -1;
    }
    g_collect(&g, eng->root, 0);
    for (int i = 0; i < n; i++) {
        rnode *nd = g.node[i];
        if (!nd || !node_has_rules(nd))
            continue;
        for (size_t k = 0; k <= nd->nrules; k++) {
            rule *r0 = k < nd->nrules ? nd->rules[k] : nd->deflt;
            for (rule *r = r0; r; r = r->els) {
                g_body(&g, c, i, r->b, 0);
                g_term(&g, c, i, r->key, 0);
                g_term(&g, c, i, r->val, 0);
                for (size_t a = 0; a < r->nargs; a++)
                    g_term(&g, c, i, r->args[a], 0);
                for (size_t a = r->nconst; a < r->npath; a++)
                    g_term(&g, c, i, r->path[a], 0);
            }
        }
    }
    /* iterative Tarjan */
    int *idx = cg_arena_alloc(c->a, sizeof(int) * (size_t)n), *low = cg_arena_alloc(c->a, sizeof(int) * (size_t)n);
    int *onst = cg_arena_alloc(c->a, sizeof(int) * (size_t)n), *st = cg_arena_alloc(c->a, sizeof(int) * (size_t)n);
    int *cs = cg_arena_alloc(c->a, sizeof(int) * (size_t)n), *ce = cg_arena_alloc(c->a, sizeof(int) * (size_t)n);
    int *comp = cg_arena_alloc(c->a, sizeof(int) * (size_t)n), *csize = cg_arena_alloc(c->a, sizeof(int) * (size_t)n);
    for (int i = 0; i < n; i++) {
        idx[i] = -1;
        onst[i] = 0;
        comp[i] = -1;
        csize[i] = 0;
    }
    int counter = 0, sp = 0, ncomp = 0;
    for (int s0 = 0; s0 < n; s0++) {
        if (idx[s0] >= 0 || !g.node[s0] || !node_has_rules(g.node[s0]))
            continue;
        int csp = 0;
        cs[csp] = s0;
        ce[csp++] = 0;
        idx[s0] = low[s0] = counter++;
        st[sp++] = s0;
        onst[s0] = 1;
        while (csp) {
            int v = cs[csp - 1];
            if (ce[csp - 1] < g.nadj[v]) {
                int w = g.adj[v][ce[csp - 1]++];
                if (idx[w] < 0) {
                    idx[w] = low[w] = counter++;
                    st[sp++] = w;
                    onst[w] = 1;
                    cs[csp] = w;
                    ce[csp++] = 0;
                } else if (onst[w] && idx[w] < low[v])
                    low[v] = idx[w];
                continue;
            }
            if (low[v] == idx[v]) {
                int w;
                do {
                    w = st[--sp];
                    onst[w] = 0;
                    comp[w] = ncomp;
                    csize[ncomp]++;
                } while (w != v);
                ncomp++;
            }
            csp--;
            if (csp) {
                int u = cs[csp - 1];
                if (low[v] < low[u])
                    low[u] = low[v];
            }
        }
    }
    /* the recursive node whose first rule comes first in the source */
    int pick = -1;
    const rule *pr = NULL;
    for (int i = 0; i < n; i++) {
        if (comp[i] < 0)
            continue;
        int rec = csize[comp[i]] > 1;
        for (int k = 0; !rec && k < g.nadj[i]; k++)
            rec = g.adj[i][k] == i;
        if (!rec)
            continue;
        const rule *r = node_first_rule(g.node[i]);
        if (!pr || strcmp(r->file, pr->file) < 0 ||
            (!strcmp(r->file, pr->file) && (r->row < pr->row || (r->row == pr->row && r->col < pr->col)))) {
            pr = r;
            pick = i;
        }
    }
    if (pick < 0)
        return 0;
    /* shortest cycle through pick (BFS within its component) */
    int *prev = idx, *queue = st;
    for (int i = 0; i < n; i++)
        prev[i] = -2;
    int qh = 0, qt = 0, found = -1;
    for (int k = 0; k < g.nadj[pick] && found < 0; k++) {
        int w = g.adj[pick][k];
        if (w == pick)
            found = pick;
        else if (comp[w] == comp[pick] && prev[w] == -2) {
            prev[w] = pick;
            queue[qt++] = w;
        }
    }
    while (qh < qt && found < 0) {
        int v = queue[qh++];
        for (int k = 0; k < g.nadj[v]; k++) {
            int w = g.adj[v][k];
            if (w == pick) {
                found = v;
                break;
            }
            if (comp[w] == comp[pick] && prev[w] == -2) {
                prev[w] = v;
                queue[qt++] = w;
            }
        }
    }
    int len = 0;
    for (int v = found; v != pick && v >= 0 && len < n; v = prev[v])
        cs[len++] = v;
    cg_buf b = CG_BUF_INIT;
    cg_buf_puts(&b, "rule ");
    node_path(&b, g.node[pick]);
    cg_buf_puts(&b, " is recursive: ");
    node_path(&b, g.node[pick]);
    while (len--) {
        cg_buf_puts(&b, " -> ");
        node_path(&b, g.node[cs[len]]);
    }
    cg_buf_puts(&b, " -> ");
    node_path(&b, g.node[pick]);
    cerr(c, "rego_recursion_error", pr->file, pr->row, pr->col, "%s", cg_buf_str(&b));
    cg_buf_free(&b);
    return -1;
}

int rg_compile(rg_engine *eng, rg_err *e)
{
    cc c = {0};
    c.eng = eng;
    c.a = &eng->a;
    c.e = e;
    if (!eng->root) {
        eng->root = cg_arena_alloc(&eng->a, sizeof *eng->root);
        eng->root->name = "data";
        eng->root->kind = -1;
        eng->root->id = eng->nnodes++;
    }
    for (size_t i = 0; i < eng->nmods; i++) {
        c.m = eng->mods[i];
        rnode *pn = eng->root;
        for (size_t k = 1; k < c.m->npkg; k++)
            pn = child(eng, pn, c.m->pkgpath[k]->v->u.s, 1);
        pn->is_pkg = 1;
        for (size_t j = 0; j < c.m->nrules; j++)
            if (attach(&c, c.m->rules[j]))
                return -1;
    }
    for (size_t i = 0; i < eng->nmods; i++) {
        c.m = eng->mods[i];
        for (size_t j = 0; j < c.m->nrules; j++) {
            rule *r = c.m->rules[j];
            if (compile_rule(&c, r))
                return -1;
        }
    }
    if (check_recursion(&c))
        return -1;
    for (size_t i = 0; i < eng->nmods; i++) {
        c.m = eng->mods[i];
        for (size_t j = 0; j < c.m->nrules; j++)
            for (rule *r = c.m->rules[j]; r; r = r->els)
                warn_not(&c, r->b);
    }
    eng->compiled = 1;
    return 0;
}

int rg_compile_query(rg_engine *eng, body *q, const char ***names, int *nslots, size_t *nnames, rg_err *e)
{
    cc c = {0};
    c.eng = eng;
    c.a = &eng->a;
    c.e = e;
    rmodule qm = {0};
    qm.pkg = NULL;
    c.m = &qm;
    for (size_t i = 0; i < q->n; i++) {
        expr *x = q->x[i];
        if (x->k == E_UNIFY && x->assign)
            decl_pattern(&c, x->l, 0);
    }
    if (res_body(&c, q, 0))
        return -1;
    vset safe = vs_new(&c);
    if (reorder(&c, q, &safe, NULL))
        return -1;
    warn_not(&c, q);
    *names = c.slots;
    *nnames = c.nslots;
    *nslots = (int)c.nslots;
    return 0;
}

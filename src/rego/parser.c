/*
 * parser.c - Rego tokens to the syntax tree of rego_int.h: modules (package,
 * imports, rules with ref heads, `contains`, functions, `default`, `else`),
 * query bodies and terms.  Operators become calls of the builtins OPA maps
 * them to (== equal, + plus, `in` internal.member_2 ...).  Rego v1 syntax, and
 * v0's (`p[x] { }` partial sets, optional `if`) when asked.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rego/lexer.h"

typedef struct ps {
    rg_engine *eng;
    cg_arena *a;
    rctx pc;
    const char *file, *src;
    rtok *t;
    size_t n, i;
    rg_err *e;
    int v0;
    int nowild; /* counter for `_` names */
    int no_in;  /* v0 module without future.keywords(.in) or rego.v1: `in` is a name */
    int depth;  /* parse_primary / parse_expr calls open (RG_MAX_NEST at most) */
} ps;

static rtok *cur(ps *p) { return &p->t[p->i]; }
static rtok *peekn(ps *p, size_t k) { return &p->t[p->i + k < p->n ? p->i + k : p->n - 1]; }

static int is_op(rtok *t, const char *op) { return t->t == TK_OP && t->n == strlen(op) && !memcmp(t->s, op, t->n); }
static int is_kw(rtok *t, const char *kw) { return t->t == TK_IDENT && t->n == strlen(kw) && !memcmp(t->s, kw, t->n); }

static void *perr(ps *p, rtok *t, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void *perr(ps *p, rtok *t, const char *fmt, ...)
{
    if (p->e->code)
        return NULL;
    p->e->code = "rego_parse_error";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->e->msg, sizeof p->e->msg, fmt, ap);
    va_end(ap);
    p->e->file = p->file;
    p->e->row = t->row;
    p->e->col = t->col;
    return NULL;
}

static term *nt(ps *p, int k, rtok *at)
{
    term *t = cg_arena_alloc(p->a, sizeof *t);
    if (!t)
        return NULL;
    t->k = (uint8_t)k;
    t->row = at->row;
    t->col = at->col;
    t->file = p->file;
    t->slot = -3;
    return t;
}

static term *val_term(ps *p, rv *v, rtok *at)
{
    term *t = nt(p, T_VAL, at);
    if (t)
        t->v = v;
    return t;
}

static term *str_term(ps *p, const char *s, size_t n, rtok *at)
{
    return val_term(p, rv_str(&p->pc, s, n), at);
}

static term **tdup(ps *p, term **v, size_t n)
{
    term **o = cg_arena_alloc(p->a, sizeof(term *) * (n + 1));
    if (o && n)
        RG_MEMCPY(o, v, n * sizeof *o);
    return o;
}

typedef struct tv {
    term *v[64];
    term **big;
    size_t n, cap;
} tv;

static int tv_push(ps *p, tv *x, term *t)
{
    if (x->n < 64 && !x->big) {
        x->v[x->n++] = t;
        return 0;
    }
    if (!x->big) {
        x->cap = 256;
        x->big = cg_arena_alloc(p->a, x->cap * sizeof(term *));
        if (!x->big)
            return -1;
        RG_MEMCPY(x->big, x->v, x->n * sizeof(term *));
    } else if (x->n == x->cap) {
        term **nb = cg_arena_alloc(p->a, x->cap * 2 * sizeof(term *));
        if (!nb)
            return -1;
        RG_MEMCPY(nb, x->big, x->n * sizeof(term *));
        x->big = nb;
        x->cap *= 2;
    }
    x->big[x->n++] = t;
    return 0;
}
static term **tv_items(tv *x) { return x->big ? x->big : x->v; }

/* ---- nesting bounds (RG_MAX_NEST) ----
 * Every term that gets children passes through set_height (operator chains
 * through call2, everything bracketed through parse_primary); bodies and
 * expressions nest only through parse_primary and parse_expr, whose open
 * calls are counted. */
static unsigned body_height(const body *b);

static unsigned term_height(const term *t)
{
    return t ? t->h : 0;
}

static unsigned expr_height(const expr *x)
{
    unsigned h = term_height(x->t);
    if (term_height(x->l) > h) h = term_height(x->l);
    if (term_height(x->r) > h) h = term_height(x->r);
    if (body_height(x->b) > h) h = body_height(x->b);
    for (size_t i = 0; i < x->nw; i++) {
        if (term_height(x->w[i].target) > h) h = term_height(x->w[i].target);
        if (term_height(x->w[i].val) > h) h = term_height(x->w[i].val);
    }
    for (size_t i = 0; i < x->nvars; i++)
        if (term_height(x->vars[i]) > h) h = term_height(x->vars[i]);
    return h + 1;
}

/* Recurses only into bodies of nested expressions (`not { }`, `every`),
 * which parse_expr's counted recursion bounds. */
static unsigned body_height(const body *b)
{
    unsigned h = 0;
    for (size_t i = 0; b && i < b->n; i++)
        if (b->x[i] && expr_height(b->x[i]) > h)
            h = expr_height(b->x[i]);
    return b ? h + 1 : 0;
}

/* t->h from its direct children; NULL (error set) past RG_MAX_NEST. */
static term *set_height(ps *p, term *t, rtok *at)
{
    if (!t)
        return NULL;
    unsigned h = term_height(t->key);
    if (term_height(t->val) > h) h = term_height(t->val);
    if (body_height(t->b) > h) h = body_height(t->b);
    for (size_t i = 0; t->e && i < t->n; i++)
        if (term_height(t->e[i]) > h) h = term_height(t->e[i]);
    h = t->e || t->key || t->val || t->b ? h + 1 : 0;
    if (h > RG_MAX_NEST)
        return perr(p, at, "expression nested deeper than %d levels", RG_MAX_NEST);
    t->h = (uint16_t)h;
    return t;
}

/* Entering a parse_primary or parse_expr: 0, or -1 (error set) past RG_MAX_NEST. */
static int nest_in(ps *p)
{
    if (p->depth >= RG_MAX_NEST) {
        perr(p, cur(p), "expression nested deeper than %d levels", RG_MAX_NEST);
        return -1;
    }
    p->depth++;
    return 0;
}

static term *call2(ps *p, const char *name, term *a, term *b, rtok *at)
{
    term *t = nt(p, T_CALL, at);
    if (!t)
        return NULL;
    t->name = name;
    t->e = cg_arena_alloc(p->a, 2 * sizeof(term *));
    if (!t->e)
        return NULL;
    t->e[0] = a;
    t->e[1] = b;
    t->n = 2;
    t->row = a->row;
    t->col = a->col;
    return set_height(p, t, at);
}

static body *parse_body(ps *p, int until_brace);
static term *parse_term(ps *p);
static term *parse_relation(ps *p);
static term *parse_elem(ps *p);

static term *parse_var(ps *p, rtok *tk)
{
    term *t = nt(p, T_VAR, tk);
    if (!t)
        return NULL;
    if (tk->n == 1 && tk->s[0] == '_') {
        t->wild = true;
        t->name = cg_arena_sprintf(p->a, "$_%d", p->nowild++);
    } else
        t->name = cg_arena_strndup(p->a, tk->s, tk->n);
    return t;
}

static term *parse_string(ps *p, rtok *tk)
{
    if (tk->t == TK_RAWSTR)
        return str_term(p, tk->s, tk->n, tk);
    cg_buf b = CG_BUF_INIT;
    const char *s = tk->s;
    if (rg_unquote(&s, tk->s + tk->n, &b)) {
        cg_buf_free(&b);
        return perr(p, tk, "invalid string literal");
    }
    term *t = str_term(p, b.data ? b.data : "", b.len, tk);
    cg_buf_free(&b);
    return t;
}

static int is_ground(term *t);

static term *fold_const(ps *p, term *t)
{
    (void)p;
    return t;
}

/* The one comma-separated list shape of the grammar (array, set and object
 * items, call arguments, `some` declarations): `item` reads one item (and
 * keeps it in ud); items are separated by ','.  With `close` the list ends
 * at that token, which is consumed ("unexpected X token: expected CLOSE"
 * otherwise), an empty list is allowed when no item was read yet, and with
 * `trailing` a ',' may come last.  first_done: the caller read the first
 * item.  0 ok, -1 error (set). */
typedef int (*list_item_fn)(ps *p, void *ud);
static int parse_list(ps *p, int first_done, const char *close, int trailing, list_item_fn item, void *ud)
{
    if (!first_done && !(close && is_op(cur(p), close)) && item(p, ud))
        return -1;
    while (is_op(cur(p), ",")) {
        p->i++;
        if (trailing && close && is_op(cur(p), close))
            break;
        if (item(p, ud))
            return -1;
    }
    if (!close)
        return 0;
    if (!is_op(cur(p), close)) {
        perr(p, cur(p), "unexpected %.*s token: expected %s", (int)cur(p)->n, cur(p)->s, close);
        return -1;
    }
    p->i++;
    return 0;
}

static term *parse_elem(ps *p);
static term *parse_term(ps *p);

static int push_or_fail(ps *p, tv *x, term *t)
{
    if (!t)
        return -1;
    if (tv_push(p, x, t)) {
        perr(p, cur(p), "out of memory");
        return -1;
    }
    return 0;
}
static int item_elem(ps *p, void *ud) { return push_or_fail(p, ud, parse_elem(p)); }
static int item_term(ps *p, void *ud) { return push_or_fail(p, ud, parse_term(p)); }

typedef struct kvlist {
    tv ks, vs;
} kvlist;
static int item_pair(ps *p, void *ud)
{
    kvlist *kv = ud;
    term *k = parse_elem(p);
    if (!k)
        return -1;
    if (!is_op(cur(p), ":")) {
        perr(p, cur(p), "expected :");
        return -1;
    }
    p->i++;
    term *x = parse_elem(p);
    if (!x)
        return -1;
    if (push_or_fail(p, &kv->ks, k) || push_or_fail(p, &kv->vs, x))
        return -1;
    return 0;
}

/* [ ... ] after '[' consumed */
static term *parse_array(ps *p, rtok *open)
{
    tv items = {0};
    if (is_op(cur(p), "]")) {
        p->i++;
        term *t = nt(p, T_ARR, open);
        return t;
    }
    term *first = parse_elem(p);
    if (!first)
        return NULL;
    if (is_op(cur(p), "|")) {
        p->i++;
        body *b = parse_body(p, ']');
        if (!b)
            return NULL;
        if (!is_op(cur(p), "]"))
            return perr(p, cur(p), "expected ]");
        p->i++;
        term *t = nt(p, T_ACOMP, open);
        if (t) {
            t->val = first;
            t->b = b;
        }
        return t;
    }
    tv_push(p, &items, first);
    if (parse_list(p, 1, "]", 1, item_elem, &items))
        return NULL;
    term *t = nt(p, T_ARR, open);
    if (t) {
        t->e = tdup(p, tv_items(&items), items.n);
        t->n = items.n;
    }
    return t;
}

static term *parse_brace(ps *p, rtok *open)
{
    if (is_op(cur(p), "}")) {
        p->i++;
        return nt(p, T_OBJ, open);
    }
    term *first = parse_elem(p);
    if (!first)
        return NULL;
    if (is_op(cur(p), ":")) {
        p->i++;
        term *v = parse_elem(p);
        if (!v)
            return NULL;
        if (is_op(cur(p), "|")) {
            p->i++;
            body *b = parse_body(p, '}');
            if (!b)
                return NULL;
            if (!is_op(cur(p), "}"))
                return perr(p, cur(p), "expected }");
            p->i++;
            term *t = nt(p, T_OCOMP, open);
            if (t) {
                t->key = first;
                t->val = v;
                t->b = b;
            }
            return t;
        }
        kvlist kv = {0};
        tv_push(p, &kv.ks, first);
        tv_push(p, &kv.vs, v);
        if (parse_list(p, 1, "}", 1, item_pair, &kv))
            return NULL;
        tv ks = kv.ks, vs = kv.vs;
        term *t = nt(p, T_OBJ, open);
        if (!t)
            return NULL;
        t->n = ks.n;
        t->e = cg_arena_alloc(p->a, sizeof(term *) * (2 * ks.n + 1));
        if (!t->e)
            return NULL;
        RG_MEMCPY(t->e, tv_items(&ks), ks.n * sizeof(term *));
        RG_MEMCPY(t->e + ks.n, tv_items(&vs), ks.n * sizeof(term *));
        return t;
    }
    if (is_op(cur(p), "|")) {
        p->i++;
        body *b = parse_body(p, '}');
        if (!b)
            return NULL;
        if (!is_op(cur(p), "}"))
            return perr(p, cur(p), "expected }");
        p->i++;
        term *t = nt(p, T_SCOMP, open);
        if (t) {
            t->val = first;
            t->b = b;
        }
        return t;
    }
    tv items = {0};
    tv_push(p, &items, first);
    if (parse_list(p, 1, "}", 1, item_elem, &items))
        return NULL;
    term *t = nt(p, T_SET, open);
    if (t) {
        t->e = tdup(p, tv_items(&items), items.n);
        t->n = items.n;
    }
    return t;
}

/* dotted name of a ref made of a var and string parts, or NULL */
static const char *ref_name(ps *p, term *t)
{
    if (t->k == T_VAR)
        return t->name;
    if (t->k != T_REF || t->e[0]->k != T_VAR)
        return NULL;
    cg_buf b = CG_BUF_INIT;
    cg_buf_puts(&b, t->e[0]->name);
    for (size_t i = 1; i < t->n; i++) {
        if (t->e[i]->k != T_VAL || t->e[i]->v->k != RV_STR) {
            cg_buf_free(&b);
            return NULL;
        }
        cg_buf_putc(&b, '.');
        cg_buf_puts(&b, t->e[i]->v->u.s);
    }
    const char *r = cg_arena_strdup(p->a, cg_buf_str(&b));
    cg_buf_free(&b);
    return r;
}

/* The ref being extended by a postfix chain (a.b[c].d...): its e[] grows
 * geometrically, so a long chain costs linear time and memory. */
typedef struct ref_grow {
    term *t;
    size_t cap;
} ref_grow;

/* t with path element k appended (t wrapped in a new ref unless it is one);
 * NULL with the error set on allocation failure or past RG_MAX_NEST. */
static term *ref_append(ps *p, term *t, term *k, rtok *tk, ref_grow *g)
{
    if (t->k != T_REF) {
        term *r = nt(p, T_REF, tk);
        if (!r || !(r->e = cg_arena_alloc(p->a, sizeof(term *) * 4)))
            return perr(p, tk, "out of memory");
        r->e[0] = t;
        r->n = 1;
        r->row = t->row;
        r->col = t->col;
        r->h = (uint16_t)(t->h + 1);
        g->t = r;
        g->cap = 4;
        t = r;
    } else if (g->t != t) { /* a ref made elsewhere: its e[] holds exactly n */
        g->t = t;
        g->cap = t->n;
    }
    if (t->n == g->cap) {
        size_t nc = g->cap ? g->cap * 2 : 4;
        term **ne = cg_arena_calloc(p->a, nc, sizeof(term *));
        if (!ne)
            return perr(p, tk, "out of memory");
        if (t->n)
            RG_MEMCPY(ne, t->e, t->n * sizeof(term *));
        t->e = ne;
        g->cap = nc;
    }
    t->e[t->n++] = k;
    unsigned h = t->h;
    if (k->h + 1u > h)
        h = k->h + 1u;
    if (h > RG_MAX_NEST)
        return perr(p, tk, "expression nested deeper than %d levels", RG_MAX_NEST);
    t->h = (uint16_t)h;
    return t;
}

static term *parse_primary_in(ps *p);
static term *parse_primary(ps *p)
{
    if (nest_in(p))
        return NULL;
    term *t = parse_primary_in(p);
    p->depth--;
    return t;
}

static term *parse_primary_in(ps *p)
{
    rtok *tk = cur(p);
    term *t = NULL;
    if (tk->t == TK_NUM) {
        p->i++;
        t = val_term(p, rv_num_text(&p->pc, tk->s, tk->n), tk);
    } else if (tk->t == TK_STR || tk->t == TK_RAWSTR) {
        p->i++;
        t = parse_string(p, tk);
    } else if (tk->t == TK_IDENT) {
        p->i++;
        int dotted = is_op(cur(p), ".") && cur(p)->pos == tk->end && peekn(p, 1)->t == TK_IDENT;
        if (dotted)
            t = parse_var(p, tk);
        else if (is_kw(tk, "true") || is_kw(tk, "false"))
            t = val_term(p, rv_bool(is_kw(tk, "true")), tk);
        else if (is_kw(tk, "null"))
            t = val_term(p, rv_null(), tk);
        else if (is_kw(tk, "set") && is_op(cur(p), "(") && is_op(peekn(p, 1), ")")) {
            p->i += 2;
            t = nt(p, T_SET, tk);
        } else
            t = parse_var(p, tk);
    } else if (is_op(tk, "[")) {
        p->i++;
        t = parse_array(p, tk);
    } else if (is_op(tk, "{")) {
        p->i++;
        t = parse_brace(p, tk);
    } else if (is_op(tk, "(")) {
        p->i++;
        t = parse_term(p);
        if (!t)
            return NULL;
        if (is_op(cur(p), ",")) {
            p->i++;
            term *b = parse_term(p);
            if (!b)
                return NULL;
            if (b->k != T_CALL || strcmp(b->name, "internal.member_2"))
                return perr(p, cur(p), "unexpected , token");
            term *c3 = nt(p, T_CALL, tk);
            c3->name = "internal.member_3";
            c3->e = cg_arena_alloc(p->a, 3 * sizeof(term *));
            c3->e[0] = t;
            c3->e[1] = b->e[0];
            c3->e[2] = b->e[1];
            c3->n = 3;
            t = c3;
        }
        if (!is_op(cur(p), ")"))
            return perr(p, cur(p), "unexpected %.*s token: expected )", (int)cur(p)->n, cur(p)->s);
        p->i++;
    } else if (is_op(tk, "-") && (peekn(p, 1)->t == TK_NUM) && peekn(p, 1)->pos == tk->end) {
        rtok *nk = peekn(p, 1);
        p->i += 2;
        char buf[512];
        snprintf(buf, sizeof buf, "-%.*s", (int)nk->n, nk->s);
        t = val_term(p, rv_num_text(&p->pc, buf, strlen(buf)), tk);
    } else if (is_op(tk, "-")) {
        p->i++;
        term *x = parse_primary(p);
        if (!x)
            return NULL;
        term *zero = val_term(p, rv_int(&p->pc, 0), tk);
        return call2(p, "minus", zero, x, tk);
    } else {
        if (tk->t == TK_EOF)
            return perr(p, tk, "unexpected eof token");
        return perr(p, tk, "unexpected %.*s token", (int)tk->n, tk->s);
    }
    if (!set_height(p, t, tk))
        return NULL;
    /* postfix: .name [term] (args) */
    ref_grow ref = {NULL, 0};
    for (;;) {
        rtok *o = cur(p);
        if (is_op(o, ".") && peekn(p, 1)->t == TK_IDENT && peekn(p, 1)->pos == o->end) {
            rtok *id = peekn(p, 1);
            p->i += 2;
            term *k = str_term(p, id->s, id->n, id);
            if (!k || !(t = ref_append(p, t, k, tk, &ref)))
                return NULL;
        } else if (is_op(o, "[") && o->pos == peekn(p, -1 + 0)->pos && 0) {
        } else if (is_op(o, "[") && p->i > 0 && p->t[p->i - 1].end == o->pos) {
            p->i++;
            term *k = parse_term(p);
            if (!k)
                return NULL;
            if (!is_op(cur(p), "]"))
                return perr(p, cur(p), "unexpected %.*s token: expected ]", (int)cur(p)->n, cur(p)->s);
            p->i++;
            if (!(t = ref_append(p, t, k, tk, &ref)))
                return NULL;
        } else if (is_op(o, "(") && p->i > 0 && p->t[p->i - 1].end == o->pos && ref_name(p, t)) {
            const char *name = ref_name(p, t);
            p->i++;
            tv args = {0};
            if (parse_list(p, 0, ")", 0, item_term, &args))
                return NULL;
            term *c = nt(p, T_CALL, tk);
            if (!c)
                return NULL;
            c->name = name;
            c->text = name;
            c->e = tdup(p, tv_items(&args), args.n);
            c->n = args.n;
            c->row = t->row;
            c->col = t->col;
            t = set_height(p, c, o);
            if (!t)
                return NULL;
        } else
            break;
    }
    return fold_const(p, t);
}

static term *parse_factor(ps *p)
{
    term *l = parse_primary(p);
    while (l) {
        rtok *o = cur(p);
        const char *fn = is_op(o, "*") ? "mul" : is_op(o, "/") ? "div" : is_op(o, "%") ? "rem" : NULL;
        if (!fn)
            break;
        p->i++;
        term *r = parse_primary(p);
        if (!r)
            return NULL;
        l = call2(p, fn, l, r, o);
    }
    return l;
}

static term *parse_arith(ps *p)
{
    term *l = parse_factor(p);
    while (l) {
        rtok *o = cur(p);
        const char *fn = is_op(o, "+") ? "plus" : is_op(o, "-") ? "minus" : NULL;
        if (!fn)
            break;
        p->i++;
        term *r = parse_factor(p);
        if (!r)
            return NULL;
        l = call2(p, fn, l, r, o);
    }
    return l;
}

static term *parse_and(ps *p)
{
    term *l = parse_arith(p);
    while (l && is_op(cur(p), "&")) {
        rtok *o = cur(p);
        p->i++;
        term *r = parse_arith(p);
        if (!r)
            return NULL;
        l = call2(p, "and", l, r, o);
    }
    return l;
}

static term *parse_relation(ps *p)
{
    term *l = parse_and(p);
    while (l) {
        rtok *o = cur(p);
        const char *fn = is_op(o, "==")   ? "equal"
                         : is_op(o, "!=") ? "neq"
                         : is_op(o, "<=") ? "lte"
                         : is_op(o, ">=") ? "gte"
                         : is_op(o, "<")  ? "lt"
                         : is_op(o, ">")  ? "gt"
                                          : NULL;
        if (!fn)
            break;
        p->i++;
        term *r = parse_and(p);
        if (!r)
            return NULL;
        l = call2(p, fn, l, r, o);
    }
    return l;
}

static int in_kw_enabled(ps *p) { return !p->no_in; }

/* collection element: a relation, with `in` binding tighter than `,` */
static term *parse_elem(ps *p)
{
    term *l = parse_relation(p);
    while (l && in_kw_enabled(p) && is_kw(cur(p), "in")) {
        rtok *o = cur(p);
        p->i++;
        term *r = parse_relation(p);
        if (!r)
            return NULL;
        l = call2(p, "internal.member_2", l, r, o);
    }
    return l;
}

/* term with `|` and `in` */
static term *parse_term(ps *p)
{
    term *l = parse_relation(p);
    while (l && is_op(cur(p), "|")) {
        rtok *o = cur(p);
        p->i++;
        term *r = parse_relation(p);
        if (!r)
            return NULL;
        l = call2(p, "or", l, r, o);
    }
    while (l && in_kw_enabled(p) && is_kw(cur(p), "in")) {
        rtok *o = cur(p);
        p->i++;
        term *r = parse_relation(p);
        if (!r)
            return NULL;
        l = call2(p, "internal.member_2", l, r, o);
    }
    return l;
}

static int is_ground(term *t)
{
    (void)t;
    return 0;
}

static expr *nx(ps *p, int k, rtok *at)
{
    expr *x = cg_arena_alloc(p->a, sizeof *x);
    if (!x)
        return NULL;
    x->k = (uint8_t)k;
    x->row = at->row;
    x->col = at->col;
    x->file = p->file;
    return x;
}

static int parse_with(ps *p, expr *x)
{
    tv ts = {0}, vs = {0};
    while (is_kw(cur(p), "with")) {
        p->i++;
        term *target = parse_primary(p);
        if (!target)
            return -1;
        if (!is_kw(cur(p), "as")) {
            perr(p, cur(p), "expected as");
            return -1;
        }
        p->i++;
        term *v = parse_term(p);
        if (!v)
            return -1;
        tv_push(p, &ts, target);
        tv_push(p, &vs, v);
    }
    if (ts.n) {
        x->w = cg_arena_alloc(p->a, sizeof(struct with) * ts.n);
        for (size_t i = 0; i < ts.n; i++) {
            x->w[i].target = tv_items(&ts)[i];
            x->w[i].val = tv_items(&vs)[i];
        }
        x->nw = ts.n;
    }
    return 0;
}

static expr *parse_expr_in(ps *p);
static expr *parse_expr(ps *p)
{
    if (nest_in(p))
        return NULL;
    expr *x = parse_expr_in(p);
    p->depth--;
    return x;
}

static expr *parse_expr_in(ps *p)
{
    rtok *st = cur(p);
    expr *x = NULL;
    if (is_kw(st, "not") && is_op(peekn(p, 1), "{")) {
        p->i += 2;
        body *b = parse_body(p, '}');
        if (!b)
            return NULL;
        if (!is_op(cur(p), "}"))
            return perr(p, cur(p), "expected }");
        p->i++;
        x = nx(p, E_BODY, st);
        x->b = b;
        x->neg = true;
        if (parse_with(p, x))
            return NULL;
        x->text = cg_arena_strndup(p->a, p->src + st->pos, p->t[p->i - 1].end - st->pos);
        return x;
    }
    if (is_kw(st, "not") && !is_op(peekn(p, 1), ".") ) {
        p->i++;
        x = parse_expr(p);
        if (!x)
            return NULL;
        if (x->neg)
            return perr(p, st, "unexpected not keyword");
        x->neg = true;
        x->row = st->row;
        x->col = st->col;
        x->text = cg_arena_strndup(p->a, p->src + st->pos, p->t[p->i - 1].end - st->pos);
        return x;
    }
    if (is_kw(st, "some") && peekn(p, 1)->t != TK_EOF && !is_op(peekn(p, 1), ".") && !is_op(peekn(p, 1), "[")) {
        p->i++;
        tv vars = {0};
        if (parse_list(p, 0, NULL, 0, item_term, &vars))
            return NULL;
        term **vs = tv_items(&vars);
        term *last = vs[vars.n - 1];
        if (last->k == T_CALL && !strcmp(last->name, "internal.member_2")) {
            if (vars.n > 2)
                return perr(p, st, "unexpected , token");
            x = nx(p, E_SOMEIN, st);
            x->t = last->e[1];
            if (vars.n == 2) {
                x->l = vs[0];
                x->r = last->e[0];
            } else
                x->r = last->e[0];
        } else {
            for (size_t i = 0; i < vars.n; i++)
                if (vs[i]->k != T_VAR)
                    return perr(p, st, "expected var in some declaration");
            x = nx(p, E_SOME, st);
            x->vars = tdup(p, vs, vars.n);
            x->nvars = vars.n;
        }
    } else if (is_kw(st, "every") && !is_op(peekn(p, 1), ".")) {
        p->i++;
        int no_in = p->no_in;
        p->no_in = 0; /* `every x in xs`: part of the every keyword's syntax */
        term *a = parse_term(p);
        p->no_in = no_in;
        if (!a)
            return NULL;
        term *k = NULL, *v = NULL, *dom = NULL;
        if (is_op(cur(p), ",")) {
            p->i++;
            p->no_in = 0;
            term *b = parse_term(p);
            p->no_in = no_in;
            if (!b)
                return NULL;
            if (b->k != T_CALL || strcmp(b->name, "internal.member_2"))
                return perr(p, cur(p), "expected in");
            k = a;
            v = b->e[0];
            dom = b->e[1];
        } else {
            if (a->k != T_CALL || strcmp(a->name, "internal.member_2"))
                return perr(p, cur(p), "unexpected token: expected in");
            v = a->e[0];
            dom = a->e[1];
        }
        if (!is_op(cur(p), "{"))
            return perr(p, cur(p), "unexpected token: expected {");
        p->i++;
        body *b = parse_body(p, '}');
        if (!b)
            return NULL;
        if (!is_op(cur(p), "}"))
            return perr(p, cur(p), "expected }");
        p->i++;
        x = nx(p, E_EVERY, st);
        x->l = k;
        x->r = v;
        x->t = dom;
        x->b = b;
    } else {
        term *l = parse_term(p);
        if (!l)
            return NULL;
        /* `k, v in xs` as an expression */
        if (is_op(cur(p), ",") ) {
            size_t save = p->i;
            p->i++;
            term *b = parse_term(p);
            if (b && b->k == T_CALL && !strcmp(b->name, "internal.member_2")) {
                term *c = nt(p, T_CALL, st);
                c->name = "internal.member_3";
                c->e = cg_arena_alloc(p->a, 3 * sizeof(term *));
                c->e[0] = l;
                c->e[1] = b->e[0];
                c->e[2] = b->e[1];
                c->n = 3;
                l = c;
            } else {
                p->e->code = NULL;
                p->i = save;
            }
        }
        rtok *o = cur(p);
        if (is_op(o, "=") || is_op(o, ":=")) {
            p->i++;
            term *r = parse_term(p);
            if (!r)
                return NULL;
            x = nx(p, E_UNIFY, st);
            x->l = l;
            x->r = r;
            x->assign = is_op(o, ":=");
        } else {
            x = nx(p, E_TERM, st);
            x->t = l;
        }
    }
    if (!x)
        return NULL;
    if (parse_with(p, x))
        return NULL;
    x->text = cg_arena_strndup(p->a, p->src + st->pos, p->t[p->i - 1].end - st->pos);
    return x;
}

/* Body until '}' / ']' (not consumed) or EOF. */
static body *parse_body(ps *p, int until)
{
    body *b = cg_arena_alloc(p->a, sizeof *b);
    if (!b)
        return NULL;
    size_t cap = 8;
    b->x = cg_arena_alloc(p->a, cap * sizeof(expr *));
    for (;;) {
        while (is_op(cur(p), ";"))
            p->i++;
        rtok *t = cur(p);
        if (t->t == TK_EOF || (until == '}' && is_op(t, "}")) || (until == ']' && is_op(t, "]")))
            break;
        expr *x = parse_expr(p);
        if (!x)
            return NULL;
        if (b->n == cap) {
            expr **nx2 = cg_arena_alloc(p->a, cap * 2 * sizeof(expr *));
            RG_MEMCPY(nx2, b->x, b->n * sizeof(expr *));
            b->x = nx2;
            cap *= 2;
        }
        b->x[b->n++] = x;
        rtok *nxt = cur(p);
        if (is_op(nxt, ";") || nxt->nl || nxt->t == TK_EOF || (until == '}' && is_op(nxt, "}")) ||
            (until == ']' && is_op(nxt, "]")))
            continue;
        return perr(p, nxt, "unexpected %.*s token: expected \\n or ; or }", (int)nxt->n, nxt->s);
    }
    if (b->n == 0 && until) {
        if (until == '}')
            return perr(p, cur(p), "found empty body");
        return perr(p, cur(p), "found empty body");
    }
    return b;
}

static body *true_body(ps *p, rtok *at)
{
    body *b = cg_arena_alloc(p->a, sizeof *b);
    b->x = cg_arena_alloc(p->a, sizeof(expr *));
    expr *x = nx(p, E_TERM, at);
    x->t = val_term(p, rv_bool(1), at);
    x->text = "true";
    b->x[0] = x;
    b->n = 1;
    return b;
}

/* `if` + body or `{ body }`; returns NULL body (true) when neither follows */
static int parse_rule_body(ps *p, body **out, int *had)
{
    *had = 0;
    *out = NULL;
    if (is_kw(cur(p), "if") && !(is_op(peekn(p, 1), ".") && peekn(p, 1)->pos == cur(p)->end)) {
        p->i++;
        *had = 1;
        if (is_op(cur(p), "{")) {
            /* `if {` : a body, unless it is an object/set term expression... assume body */
            p->i++;
            body *b = parse_body(p, '}');
            if (!b)
                return -1;
            if (!is_op(cur(p), "}")) {
                perr(p, cur(p), "expected }");
                return -1;
            }
            p->i++;
            *out = b;
            return 0;
        }
        body *b = cg_arena_alloc(p->a, sizeof *b);
        b->x = cg_arena_alloc(p->a, sizeof(expr *));
        expr *x = parse_expr(p);
        if (!x)
            return -1;
        b->x[0] = x;
        b->n = 1;
        *out = b;
        return 0;
    }
    if (is_op(cur(p), "{") ) {
        p->i++;
        *had = 1;
        body *b = parse_body(p, '}');
        if (!b)
            return -1;
        if (!is_op(cur(p), "}")) {
            perr(p, cur(p), "expected }");
            return -1;
        }
        p->i++;
        *out = b;
    }
    return 0;
}

static term *parse_ref_head(ps *p)
{
    rtok *tk = cur(p);
    if (tk->t != TK_IDENT)
        return perr(p, tk, "unexpected %.*s token: expected rule head", (int)tk->n, tk->s);
    term *t = parse_primary(p);
    return t;
}

static rule *new_rule(ps *p, rtok *at, rmodule *m)
{
    rule *r = cg_arena_alloc(p->a, sizeof *r);
    if (r) {
        r->row = at->row;
        r->col = at->col;
        r->file = p->file;
        r->pkg = m->pkg;
    }
    return r;
}

static int push_rule(ps *p, rmodule *m, rule *r, size_t *cap)
{
    if (m->nrules == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        rule **nr = cg_arena_alloc(p->a, nc * sizeof(rule *));
        if (!nr)
            return -1;
        if (m->nrules)
            RG_MEMCPY(nr, m->rules, m->nrules * sizeof(rule *));
        m->rules = nr;
        *cap = nc;
    }
    m->rules[m->nrules++] = r;
    return 0;
}

/* Split a head ref into the rule path (package + head) */
static int set_path(ps *p, rmodule *m, rule *r, term *head)
{
    term **parts;
    size_t np;
    if (head->k == T_VAR) {
        parts = &head;
        np = 1;
    } else if (head->k == T_REF && head->e[0]->k == T_VAR) {
        parts = head->e;
        np = head->n;
    } else {
        perr(p, cur(p), "invalid rule head");
        return -1;
    }
    r->npath = m->npkg + np;
    r->path = cg_arena_alloc(p->a, sizeof(term *) * (r->npath + 1));
    for (size_t i = 0; i < m->npkg; i++)
        r->path[i] = m->pkgpath[i];
    rtok fake = {0};
    fake.row = head->row;
    fake.col = head->col;
    r->path[m->npkg] = str_term(p, parts[0]->name, strlen(parts[0]->name), &fake);
    for (size_t i = 1; i < np; i++)
        r->path[m->npkg + i] = parts[i];
    r->nconst = 0;
    while (r->nconst < r->npath && r->path[r->nconst]->k == T_VAL && r->path[r->nconst]->v->k == RV_STR)
        r->nconst++;
    return 0;
}

static int parse_rule(ps *p, rmodule *m, size_t *cap)
{
    rtok *st = cur(p);
    int is_default = 0;
    if (is_kw(st, "default") && peekn(p, 1)->t == TK_IDENT) {
        is_default = 1;
        p->i++;
    }
    rtok *hs = cur(p);
    term *head = parse_ref_head(p);
    if (!head)
        return -1;
    rule *r = new_rule(p, hs, m);
    r->is_default = is_default;
    if (head->k == T_CALL) {
        /* function: name(args) */
        r->kind = R_FUNC;
        r->args = head->e;
        r->nargs = head->n;
        const char *nm = head->name;
        /* path from dotted name */
        term *hv = nt(p, T_VAR, hs);
        const char *dot = strchr(nm, '.');
        if (!dot) {
            hv->name = nm;
            if (set_path(p, m, r, hv))
                return -1;
        } else {
            term *ref = nt(p, T_REF, hs);
            size_t cnt = 1;
            for (const char *q = nm; *q; q++)
                cnt += *q == '.';
            ref->e = cg_arena_alloc(p->a, sizeof(term *) * cnt);
            const char *s = nm;
            for (size_t i = 0; i < cnt; i++) {
                const char *e2 = strchr(s, '.');
                size_t len = e2 ? (size_t)(e2 - s) : strlen(s);
                if (i == 0) {
                    hv->name = cg_arena_strndup(p->a, s, len);
                    ref->e[0] = hv;
                } else
                    ref->e[i] = str_term(p, s, len, hs);
                s = e2 ? e2 + 1 : s + len;
            }
            ref->n = cnt;
            if (set_path(p, m, r, ref))
                return -1;
        }
    } else {
        if (set_path(p, m, r, head))
            return -1;
        r->kind = r->nconst == r->npath ? R_COMPLETE : R_POBJ;
    }
    if (is_kw(cur(p), "contains") && !(is_op(peekn(p, 1), ".") && peekn(p, 1)->pos == cur(p)->end)) {
        p->i++;
        r->kind = R_PSET;
        r->key = parse_term(p);
        if (!r->key)
            return -1;
    } else if (is_op(cur(p), ":=") || is_op(cur(p), "=")) {
        p->i++;
        r->val = parse_term(p);
        if (!r->val)
            return -1;
    } else if ((p->v0 || m->v0) && ((r->kind == R_POBJ && r->npath == r->nconst + 1) ||
                                    (r->kind == R_COMPLETE && r->npath == m->npkg + 2))) {
        /* v0 partial set p[x] { }, also with a constant key: p["x"] */
        r->kind = R_PSET;
        r->key = r->path[r->npath - 1];
        r->npath--;
        if (r->nconst > r->npath)
            r->nconst = r->npath;
    }
    if (r->kind == R_POBJ && r->nconst + 1 == r->npath && r->val == NULL && !p->v0 && !m->v0) {
        /* v1 `p[x] if` : object with value true (multi-value refs need contains) */
    }
    int had = 0;
    if (parse_rule_body(p, &r->b, &had))
        return -1;
    if (is_default && (had || r->kind == R_PSET)) {
        perr(p, hs, "default rules must not have a body");
        return -1;
    }
    if (!had && !p->v0 && !m->v0 && !r->val && r->kind != R_PSET && !is_default) {
        /* bare `p` with no value and no body */
        perr(p, hs, "rule must have value assignment and/or body");
        return -1;
    }
    if (!had && r->kind == R_PSET && 0)
        return -1;
    rule *last = r;
    while (is_kw(cur(p), "else") && !is_op(peekn(p, 1), ".")) {
        rtok *et = cur(p);
        p->i++;
        rule *e = new_rule(p, et, m);
        e->kind = r->kind;
        e->path = r->path;
        e->npath = r->npath;
        e->nconst = r->nconst;
        e->args = r->args;
        e->nargs = r->nargs;
        if (is_op(cur(p), "=") || is_op(cur(p), ":=")) {
            p->i++;
            e->val = parse_term(p);
            if (!e->val)
                return -1;
        }
        if (parse_rule_body(p, &e->b, &had))
            return -1;
        last->els = e;
        last = e;
    }
    if (push_rule(p, m, r, cap))
        return -1;
    /* v0: multiple bodies p { a } { b } */
    while (is_op(cur(p), "{") && !cur(p)->nl) {
        rule *r2 = new_rule(p, cur(p), m);
        *r2 = *r;
        r2->els = NULL;
        if (parse_rule_body(p, &r2->b, &had))
            return -1;
        if (push_rule(p, m, r2, cap))
            return -1;
    }
    (void)true_body;
    return 0;
}

static void init_ps(ps *p, rg_engine *eng, const char *file, const char *src, size_t len, int v0, rg_err *e)
{
    memset(p, 0, sizeof *p);
    p->eng = eng;
    p->a = &eng->a;
    p->pc.a = &eng->a;
    p->pc.mem_cap = SIZE_MAX;
    p->file = file;
    p->src = src;
    p->e = e;
    p->v0 = v0;
    (void)len;
}

rmodule *rg_parse_module(rg_engine *eng, const char *file, const char *src, size_t len, int v0, rg_err *e)
{
    ps p;
    init_ps(&p, eng, file, src, len, v0, e);
    if (rg_lex(p.a, src, len, &p.t, &p.n, e, file))
        return NULL;
    rmodule *m = cg_arena_alloc(p.a, sizeof *m);
    m->file = file;
    m->v0 = v0;
    p.no_in = v0; /* until an import makes `in` a keyword */
    if (!is_kw(cur(&p), "package"))
        return perr(&p, cur(&p), "package expected");
    p.i++;
    rtok *pt = cur(&p);
    term *pk = parse_primary(&p);
    if (!pk)
        return NULL;
    term **parts = pk->k == T_REF ? pk->e : &pk;
    size_t np = pk->k == T_REF ? pk->n : 1;
    if (parts[0]->k != T_VAR)
        return perr(&p, pt, "invalid package name");
    m->npkg = np + 1;
    m->pkgpath = cg_arena_alloc(p.a, sizeof(term *) * (np + 1));
    m->pkgpath[0] = str_term(&p, "data", 4, pt);
    m->pkgpath[1] = str_term(&p, parts[0]->name, strlen(parts[0]->name), pt);
    cg_buf nb = CG_BUF_INIT;
    cg_buf_puts(&nb, parts[0]->name);
    for (size_t i = 1; i < np; i++) {
        if (parts[i]->k != T_VAL || parts[i]->v->k != RV_STR) {
            cg_buf_free(&nb);
            return perr(&p, pt, "invalid package name");
        }
        m->pkgpath[i + 1] = parts[i];
        cg_buf_putc(&nb, '.');
        cg_buf_puts(&nb, parts[i]->v->u.s);
    }
    m->pkg = cg_arena_strdup(p.a, cg_buf_str(&nb));
    cg_buf_free(&nb);
    size_t icap = 0, rcap = 0;
    while (cur(&p)->t != TK_EOF) {
        rtok *t = cur(&p);
        if (is_kw(t, "import")) {
            p.i++;
            rtok *it = cur(&p);
            term *ref = parse_primary(&p);
            if (!ref)
                return NULL;
            const char *alias = NULL;
            if (is_kw(cur(&p), "as")) {
                p.i++;
                if (cur(&p)->t != TK_IDENT)
                    return perr(&p, cur(&p), "expected alias");
                alias = cg_arena_strndup(p.a, cur(&p)->s, cur(&p)->n);
                p.i++;
            }
            term *h = ref->k == T_REF ? ref->e[0] : ref;
            if (h->k != T_VAR || (strcmp(h->name, "data") && strcmp(h->name, "input") &&
                                  strcmp(h->name, "future") && strcmp(h->name, "rego")))
                return perr(&p, it, "invalid import path");
            if (!strcmp(h->name, "future") || !strcmp(h->name, "rego")) {
                const char *nm = ref_name(&p, ref);
                if (nm && !strcmp(nm, "rego.v1"))
                    m->v0 = 0;
                if (nm && (!strcmp(nm, "rego.v1") || !strcmp(nm, "future.keywords") ||
                           !strcmp(nm, "future.keywords.in") || !strcmp(nm, "future.keywords.every")))
                    p.no_in = 0;
                continue;
            }
            if (m->nimports == icap) {
                size_t nc = icap ? icap * 2 : 8;
                struct rimport *ni = cg_arena_alloc(p.a, nc * sizeof *ni);
                if (m->nimports)
                    RG_MEMCPY(ni, m->imports, m->nimports * sizeof *ni);
                m->imports = ni;
                icap = nc;
            }
            m->imports[m->nimports].ref = ref;
            m->imports[m->nimports].alias = alias;
            m->nimports++;
            continue;
        }
        if (parse_rule(&p, m, &rcap))
            return NULL;
    }
    return m;
}

body *rg_parse_query(rg_engine *eng, const char *src, size_t len, int v0, rg_err *e)
{
    ps p;
    init_ps(&p, eng, "query", src, len, v0, e);
    if (rg_lex(p.a, src, len, &p.t, &p.n, e, "query"))
        return NULL;
    body *b = parse_body(&p, 0);
    if (!b)
        return NULL;
    if (cur(&p)->t != TK_EOF)
        return perr(&p, cur(&p), "unexpected %.*s token", (int)cur(&p)->n, cur(&p)->s);
    if (b->n == 0)
        return perr(&p, cur(&p), "empty query");
    return b;
}

/* A ground term in source form (conformance `input_term`) as a value. */
static rv *const_val(rctx *c, term *t)
{
    switch (t->k) {
    case T_VAL:
        return t->v;
    case T_ARR:
    case T_SET: {
        rv **a = rg_alloc(c, sizeof(rv *) * (t->n + 1));
        for (size_t i = 0; i < t->n; i++)
            if (!(a[i] = const_val(c, t->e[i])))
                return NULL;
        return t->k == T_ARR ? rv_arr(c, a, t->n) : rv_set(c, a, t->n);
    }
    case T_OBJ: {
        rv **k = rg_alloc(c, sizeof(rv *) * (t->n + 1)), **v = rg_alloc(c, sizeof(rv *) * (t->n + 1));
        for (size_t i = 0; i < t->n; i++)
            if (!(k[i] = const_val(c, t->e[i])) || !(v[i] = const_val(c, t->e[t->n + i])))
                return NULL;
        return rv_obj(c, k, v, t->n);
    }
    case T_CALL:
        if (!strcmp(t->name, "minus") && t->n == 2 && t->e[1]->k == T_VAL)
            return rv_num_arith(c, '-', t->e[0]->v, t->e[1]->v);
    }
    return NULL;
}

rv *rg_parse_term_value(rg_engine *eng, rctx *c, const char *src, size_t len, rg_err *e)
{
    ps p;
    init_ps(&p, eng, "input", src, len, 0, e);
    if (rg_lex(p.a, src, len, &p.t, &p.n, e, "input"))
        return NULL;
    term *t = parse_term(&p);
    if (!t)
        return NULL;
    rv *v = const_val(c, t);
    if (!v)
        return perr(&p, cur(&p), "input term is not a value");
    return v;
}

int rg_is_ground_unused(term *t);
int rg_is_ground_unused(term *t) { return is_ground(t); }

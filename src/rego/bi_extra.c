/*
 * bi_extra.c - bits.* (integers up to 127 bits, exact; wider results are
 * an error rather than a rounded number), yaml.marshal/unmarshal/is_valid
 * (read through the project's bounded libyaml reader, src/core/yaml.[ch], so
 * hostile documents - deep nesting, alias bombs - are refused by the same
 * caps as every other YAML input) and strings.render_template (the subset of
 * Go's text/template that policies use: fields, variables, if/else, range,
 * with, comparison and logic functions; a missing key renders "<undefined>"
 * as OPA's conformance cases expect).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/yaml.h"
#include "rego/builtins.h"

/* eval_type_error "FNAME: operand POS must be WANT but got GOT" with OPA's wording */
static rv *type_err_msg(rctx *c, const char *fname, int pos, const char *want, const char *got)
{
    if (!c->err.code) {
        c->err.code = "eval_type_error";
        snprintf(c->err.msg, sizeof c->err.msg, "%s: operand %d must be %s but got %s", fname, pos, want, got);
    }
    return NULL;
}

/* ---- bits ------------------------------------------------------------------ */
typedef __int128 i128;
#define I128_MAX ((i128)(((unsigned __int128)1 << 127) - 1))

static int parse_i128(const char *s, i128 *out)
{
    int neg = *s == '-';
    if (neg || *s == '+')
        s++;
    if (!*s)
        return -1;
    i128 v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        if (v > (I128_MAX - (*s - '0')) / 10)
            return -1;
        v = v * 10 + (*s - '0');
    }
    *out = neg ? -v : v;
    return 0;
}

static int bits_operand(rctx *c, const char *fname, rv **a, int i, i128 *out)
{
    rv *x = a[i];
    if (x->k != RV_NUM) {
        bi_type_err(c, fname, i + 1, x, "number");
        return -1;
    }
    if (x->nk == NUM_INT) {
        *out = x->u.i;
        return 0;
    }
    if (x->nk == NUM_BIG) {
        if (parse_i128(x->u.s, out) == 0)
            return 0;
        bi_err(c, "%s: operand %d exceeds 127 bits (cgate's limit for bits.*)", fname, i + 1);
        return -1;
    }
    int64_t v;
    if (rv_num_to_i64(x, &v)) {
        *out = v;
        return 0;
    }
    type_err_msg(c, fname, i + 1, "integer number", "floating-point number");
    return -1;
}

static rv *i128_value(rctx *c, i128 v)
{
    char buf[48];
    size_t n = sizeof buf;
    buf[--n] = 0;
    int neg = v < 0;
    unsigned __int128 u = neg ? (unsigned __int128)0 - (unsigned __int128)v : (unsigned __int128)v;
    do {
        buf[--n] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u);
    if (neg)
        buf[--n] = '-';
    return rv_num_text(c, buf + n, strlen(buf + n));
}

static rv *bits2(rctx *c, rv **a, const char *fname, int op)
{
    i128 x, y;
    if (bits_operand(c, fname, a, 0, &x) || bits_operand(c, fname, a, 1, &y))
        return NULL;
    switch (op) {
    case '&': return i128_value(c, x & y);
    case '|': return i128_value(c, x | y);
    case '^': return i128_value(c, x ^ y);
    default: break;
    }
    if (y < 0)
        return type_err_msg(c, fname, 2, "an unsigned integer number", "a negative integer");
    if (op == '>') {
        if (y >= 127)
            return i128_value(c, x < 0 ? -1 : 0);
        return i128_value(c, x >> (int)y); /* arithmetic: rounds toward -inf as Go's big.Int.Rsh */
    }
    if (x == 0)
        return i128_value(c, 0);
    i128 ax = x < 0 ? -x : x;
    int width = 0;
    while (width < 127 && (ax >> width) != 0)
        width++;
    if (y > 126 || width + (int)y > 126)
        return bi_err(c, "%s: result exceeds 127 bits (cgate's limit for bits.*)", fname);
    return i128_value(c, x * ((i128)1 << (int)y));
}

static rv *b_bits_and(rctx *c, rv **a, size_t n) { (void)n; return bits2(c, a, "bits.and", '&'); }
static rv *b_bits_or(rctx *c, rv **a, size_t n) { (void)n; return bits2(c, a, "bits.or", '|'); }
static rv *b_bits_xor(rctx *c, rv **a, size_t n) { (void)n; return bits2(c, a, "bits.xor", '^'); }
static rv *b_bits_lsh(rctx *c, rv **a, size_t n) { (void)n; return bits2(c, a, "bits.lsh", '<'); }
static rv *b_bits_rsh(rctx *c, rv **a, size_t n) { (void)n; return bits2(c, a, "bits.rsh", '>'); }
static rv *b_bits_negate(rctx *c, rv **a, size_t n)
{
    (void)n;
    i128 x;
    if (bits_operand(c, "bits.negate", a, 0, &x))
        return NULL;
    return i128_value(c, ~x);
}

/* ---- yaml ------------------------------------------------------------------ */
#define YAML_MAX_DEPTH 128
#define YAML_MAX_NODES 1000000

static int yaml_plain_number(const char *t)
{
    const char *p = t;
    if (*p == '-' || *p == '+')
        p++;
    if (!*p)
        return 0;
    int digits = 0, dot = 0, exp = 0;
    for (; *p; p++) {
        if (*p >= '0' && *p <= '9')
            digits++;
        else if (*p == '.' && !dot && !exp)
            dot = 1;
        else if ((*p == 'e' || *p == 'E') && digits && !exp) {
            exp = 1;
            if (p[1] == '-' || p[1] == '+')
                p++;
            if (!p[1])
                return 0;
        } else
            return 0;
    }
    return digits > 0;
}

static rv *yaml_node_value(rctx *c, const cg_yaml_node *nd, int depth)
{
    if (depth > YAML_MAX_DEPTH + 2)
        return bi_limit(c, "yaml.unmarshal: nested too deeply");
    if (!nd || cg_yaml_is_null(nd))
        return rv_null();
    if (rg_check_limits(c))
        return NULL;
    if (nd->kind == CG_YAML_MAP) {
        rv **k = rg_alloc(c, sizeof(rv *) * (nd->n + 1)), **v = rg_alloc(c, sizeof(rv *) * (nd->n + 1));
        if (!k || !v)
            return NULL;
        for (size_t i = 0; i < nd->n; i++) {
            k[i] = rv_cstr(c, nd->keys[i] ? nd->keys[i] : "");
            v[i] = yaml_node_value(c, nd->vals[i], depth + 1);
            if (!k[i] || !v[i])
                return NULL;
        }
        return rv_obj(c, k, v, nd->n);
    }
    if (nd->kind == CG_YAML_SEQ) {
        rv **v = rg_alloc(c, sizeof(rv *) * (nd->n + 1));
        if (!v)
            return NULL;
        for (size_t i = 0; i < nd->n; i++)
            if (!(v[i] = yaml_node_value(c, nd->vals[i], depth + 1)))
                return NULL;
        return rv_arr(c, v, nd->n);
    }
    const char *t = nd->str ? nd->str : "";
    if (!nd->quoted) {
        /* go-yaml (YAML 1.1) booleans, as OPA's yaml.unmarshal reads them */
        static const char *yes[] = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", NULL};
        static const char *no[] = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", NULL};
        for (int i = 0; yes[i]; i++)
            if (!strcmp(t, yes[i]))
                return rv_bool(1);
        for (int i = 0; no[i]; i++)
            if (!strcmp(t, no[i]))
                return rv_bool(0);
        if (yaml_plain_number(t))
            return rv_num_text(c, t[0] == '+' ? t + 1 : t, strlen(t[0] == '+' ? t + 1 : t));
    }
    return rv_str(c, t, nd->len);
}

/* parse; *out NULL with c's error unset = invalid YAML (why in err) */
static int yaml_parse_value(rctx *c, const char *fname, const rv *s, rv **out, cg_error *err)
{
    cg_arena a;
    cg_arena_init(&a);
    cg_yaml_limits lim = {0};
    lim.max_depth = YAML_MAX_DEPTH;
    lim.max_nodes = YAML_MAX_NODES;
    cg_yaml_doc *docs = NULL;
    size_t nd = 0;
    *out = NULL;
    int rc = 0;
    cg_status st = cg_yaml_parse((const uint8_t *)s->u.s, s->n, fname, &lim, &a, &docs, &nd, err);
    if (st == CG_OK) {
        *out = nd == 0 ? rv_null() : yaml_node_value(c, docs[0].root, 0);
        if (!*out)
            rc = -1;
    } else if (st == CG_ERR_LIMIT)
        rc = 1;
    cg_arena_free(&a);
    return rc;
}

static rv *b_yaml_unmarshal(rctx *c, rv **a, size_t n)
{
    (void)n;
    if (a[0]->k != RV_STR)
        return bi_type_err(c, "yaml.unmarshal", 1, a[0], "string");
    cg_error err = {0};
    rv *v;
    int rc = yaml_parse_value(c, "yaml.unmarshal", a[0], &v, &err);
    if (rc < 0)
        return NULL;
    if (!v)
        return bi_err(c, "%s", err.msg[0] ? err.msg : "yaml.unmarshal: invalid YAML");
    return v;
}

static rv *b_yaml_is_valid(rctx *c, rv **a, size_t n)
{
    (void)n;
    if (a[0]->k != RV_STR)
        return rv_bool(0);
    cg_error err = {0};
    rv *v;
    int rc = yaml_parse_value(c, "yaml.is_valid", a[0], &v, &err);
    if (rc < 0)
        return NULL;
    return rv_bool(v != NULL);
}

/* Strings YAML would read as something else, or that need escapes: quoted. */
static int yaml_needs_quotes(const char *s, size_t n)
{
    if (n == 0)
        return 1;
    static const char *special[] = {"true", "false", "yes", "no", "on", "off", "null", "~", "y", "n", NULL};
    char low[8];
    if (n < sizeof low) {
        for (size_t i = 0; i <= n; i++)
            low[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
        for (int i = 0; special[i]; i++)
            if (!strcmp(low, special[i]))
                return 1;
    }
    if (yaml_plain_number(s) || strchr("-?:,[]{}#&*!|>'\"%@` ", s[0]) || s[n - 1] == ' ' || s[n - 1] == ':')
        return 1;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch < 0x20 || ch == 0x7f || (ch == ':' && i + 1 < n && s[i + 1] == ' ') ||
            (ch == '#' && i > 0 && s[i - 1] == ' '))
            return 1;
    }
    return 0;
}

static void yaml_scalar(cg_buf *b, const rv *v)
{
    if (v->k == RV_STR && !yaml_needs_quotes(v->u.s, v->n))
        cg_buf_append(b, v->u.s, v->n);
    else
        rv_write_json(b, v, 0, 0); /* JSON strings are YAML double-quoted scalars */
}

static void yaml_indent(cg_buf *b, int ind)
{
    for (int i = 0; i < ind; i++)
        cg_buf_putc(b, ' ');
}

static int yaml_is_block(const rv *v) { return (v->k == RV_OBJ || v->k == RV_ARR || v->k == RV_SET) && v->n > 0; }

/* block style as go-yaml writes it: sequences under a key are not indented */
static void yaml_emit(cg_buf *b, const rv *v, int ind)
{
    if (v->k == RV_OBJ) {
        for (size_t i = 0; i < v->n; i++) {
            const rv *k = v->u.a[i], *x = v->u.a[v->n + i];
            if (i)
                yaml_indent(b, ind);
            if (k->k == RV_STR)
                yaml_scalar(b, k);
            else {
                cg_buf kb = CG_BUF_INIT;
                rv_write_json(&kb, k, 0, 0);
                rv ks = {.k = RV_STR, .n = kb.len, .u.s = cg_buf_str(&kb)};
                yaml_scalar(b, &ks);
                cg_buf_free(&kb);
            }
            cg_buf_putc(b, ':');
            if (yaml_is_block(x)) {
                cg_buf_putc(b, '\n');
                int sub = x->k == RV_OBJ ? ind + 2 : ind;
                yaml_indent(b, sub);
                yaml_emit(b, x, sub);
            } else {
                cg_buf_putc(b, ' ');
                yaml_emit(b, x, ind);
            }
        }
        if (!v->n)
            cg_buf_puts(b, "{}\n");
        return;
    }
    if (v->k == RV_ARR || v->k == RV_SET) {
        for (size_t i = 0; i < v->n; i++) {
            if (i)
                yaml_indent(b, ind);
            cg_buf_puts(b, "- ");
            const rv *x = v->u.a[i];
            yaml_emit(b, x, ind + 2);
        }
        if (!v->n)
            cg_buf_puts(b, "[]\n");
        return;
    }
    yaml_scalar(b, v);
    cg_buf_putc(b, '\n');
}

static rv *b_yaml_marshal(rctx *c, rv **a, size_t n)
{
    (void)n;
    cg_buf b = CG_BUF_INIT;
    yaml_emit(&b, a[0], 0);
    rv *r = rv_str(c, cg_buf_str(&b), b.len);
    cg_buf_free(&b);
    return r;
}

/* ---- strings.render_template -------------------------------------------------- */
enum { TK_TEXT, TK_ACTION };
typedef struct tpl {
    rctx *c;
    const char *src;
    size_t len, pos;
    cg_buf *out;
    const rv *root;
    const char *vname[64];
    size_t vlen[64];
    const rv *vval[64];
    int nvars;
    const char *err;
    int steps;
} tpl;

typedef struct tnode tnode;
/* A parsed template: a flat list of items; control items point at their end. */
typedef struct titem {
    int kind; /* 0 text, 1 print, 2 if, 3 else, 4 elseif, 5 range, 6 with, 7 end, 8 decl */
    const char *s;
    size_t n; /* text or action body */
    int match; /* index of the matching else/end */
} titem;

#define TPL_MAX_ITEMS 4096

static int tpl_ws(char ch) { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r'; }

/* Split src into items; 0 ok, -1 error (msg set). */
static int tpl_lex(const char *src, size_t len, titem *it, int *nit, char *msg, size_t ml)
{
    size_t p = 0;
    int n = 0;
    int trim_next = 0;
    while (p < len) {
        const char *o = strstr(src + p, "{{");
        size_t q = o ? (size_t)(o - src) : len;
        size_t ts = p, te = q;
        if (trim_next)
            while (ts < te && tpl_ws(src[ts]))
                ts++;
        if (o && q + 2 < len && src[q + 2] == '-' && q + 3 < len && tpl_ws(src[q + 3]))
            while (te > ts && tpl_ws(src[te - 1]))
                te--;
        trim_next = 0;
        if (te > ts) {
            if (n >= TPL_MAX_ITEMS)
                goto toolong;
            it[n++] = (titem){0, src + ts, te - ts, -1};
        }
        if (!o)
            break;
        size_t a = q + 2;
        if (a < len && src[a] == '-' && a + 1 < len && tpl_ws(src[a + 1]))
            a++;
        const char *cl = strstr(src + a, "}}");
        if (!cl) {
            snprintf(msg, ml, "unclosed action");
            return -1;
        }
        size_t b = (size_t)(cl - src);
        p = b + 2;
        if (b > a && src[b - 1] == '-' && b - 1 > a && tpl_ws(src[b - 2])) {
            b--;
            trim_next = 1;
        }
        while (a < b && tpl_ws(src[a]))
            a++;
        while (b > a && tpl_ws(src[b - 1]))
            b--;
        if (b - a >= 4 && !strncmp(src + a, "/*", 2) && !strncmp(src + b - 2, "*/", 2))
            continue;
        if (n >= TPL_MAX_ITEMS)
            goto toolong;
        titem x = {1, src + a, b - a, -1};
#define KW(w) (b - a >= strlen(w) && !strncmp(src + a, w, strlen(w)) && (b - a == strlen(w) || tpl_ws(src[a + strlen(w)])))
        if (KW("if"))
            x.kind = 2, x.s += 2, x.n -= 2;
        else if (KW("else if"))
            x.kind = 4, x.s += 7, x.n -= 7;
        else if (KW("else"))
            x.kind = 3;
        else if (KW("range"))
            x.kind = 5, x.s += 5, x.n -= 5;
        else if (KW("with"))
            x.kind = 6, x.s += 4, x.n -= 4;
        else if (KW("end"))
            x.kind = 7;
        else if (KW("define") || KW("template") || KW("block") || KW("break") || KW("continue")) {
            snprintf(msg, ml, "action %.*s not supported by cgate", (int)(b - a), src + a);
            return -1;
        }
#undef KW
        it[n++] = x;
    }
    /* match if/range/with .. else .. end */
    int stack[256], sp = 0;
    for (int i = 0; i < n; i++) {
        int k = it[i].kind;
        if (k == 2 || k == 5 || k == 6) {
            if (sp >= 256) {
                snprintf(msg, ml, "nested too deeply");
                return -1;
            }
            stack[sp++] = i;
        } else if (k == 3 || k == 4 || k == 7) {
            if (!sp) {
                snprintf(msg, ml, "unexpected {{%s}}", k == 7 ? "end" : "else");
                return -1;
            }
            it[stack[sp - 1]].match = i;
            if (k == 7)
                sp--;
            else
                stack[sp - 1] = i;
        }
    }
    if (sp) {
        snprintf(msg, ml, "unexpected EOF");
        return -1;
    }
    *nit = n;
    return 0;
toolong:
    snprintf(msg, ml, "template too long");
    return -1;
}

static const rv *undef_v(void)
{
    static const rv u = {.k = RV_STR, .n = 11, .u.s = "<undefined>"};
    return &u;
}

static int tpl_truth(const rv *v)
{
    if (!v || v == undef_v())
        return 0;
    switch (v->k) {
    case RV_NULL: return 0;
    case RV_BOOL: return v->u.b;
    case RV_NUM: return rv_num_to_f(v) != 0 || (v->nk == NUM_BIG);
    default: return v->n > 0;
    }
}

/* expression evaluation over a tiny token grammar */
typedef struct tscan {
    const char *s, *e;
} tscan;

static void sk(tscan *t)
{
    while (t->s < t->e && tpl_ws(*t->s))
        t->s++;
}

static const rv *tpl_field_chain(tpl *T, const rv *base, tscan *t)
{
    while (t->s < t->e && *t->s == '.') {
        t->s++;
        const char *b = t->s;
        while (t->s < t->e && !tpl_ws(*t->s) && *t->s != '.' && *t->s != ')' && *t->s != '|')
            t->s++;
        if (t->s == b)
            break;
        if (!base || base == undef_v() || base->k != RV_OBJ)
            return undef_v();
        rv *key = rv_str(T->c, b, (size_t)(t->s - b));
        if (!key)
            return NULL;
        rv *x = rv_get(base, key);
        base = x ? x : undef_v();
    }
    return base;
}

static const rv *tpl_expr(tpl *T, tscan *t, const rv *dot);

static const rv *tpl_lookup_var(tpl *T, const char *b, size_t n)
{
    for (int i = T->nvars - 1; i >= 0; i--)
        if (T->vlen[i] == n && !strncmp(T->vname[i], b, n))
            return T->vval[i];
    return NULL;
}

static const rv *tpl_operand(tpl *T, tscan *t, const rv *dot)
{
    sk(t);
    if (t->s >= t->e)
        return NULL;
    char ch = *t->s;
    if (ch == '(') {
        t->s++;
        const rv *v = tpl_expr(T, t, dot);
        sk(t);
        if (t->s < t->e && *t->s == ')')
            t->s++;
        else
            T->err = "unclosed left paren";
        return v ? tpl_field_chain(T, v, t) : NULL;
    }
    if (ch == '.') {
        if (t->s + 1 >= t->e || tpl_ws(t->s[1]) || t->s[1] == ')') {
            t->s++;
            return dot;
        }
        return tpl_field_chain(T, dot, t);
    }
    if (ch == '$') {
        const char *b = t->s++;
        while (t->s < t->e && (isalnum((unsigned char)*t->s) || *t->s == '_'))
            t->s++;
        const rv *v = t->s - b == 1 ? T->root : tpl_lookup_var(T, b, (size_t)(t->s - b));
        if (!v) {
            T->err = "undefined variable";
            return NULL;
        }
        return tpl_field_chain(T, v, t);
    }
    if (ch == '"') {
        const char *b = t->s++;
        while (t->s < t->e && *t->s != '"') {
            if (*t->s == '\\')
                t->s++;
            t->s++;
        }
        if (t->s >= t->e) {
            T->err = "unterminated quoted string";
            return NULL;
        }
        t->s++;
        char why[64];
        return rv_parse_json(T->c, b, (size_t)(t->s - b), why, sizeof why);
    }
    if (ch == '`') {
        const char *b = ++t->s;
        while (t->s < t->e && *t->s != '`')
            t->s++;
        rv *v = rv_str(T->c, b, (size_t)(t->s - b));
        if (t->s < t->e)
            t->s++;
        return v;
    }
    if (ch == '-' || (ch >= '0' && ch <= '9')) {
        const char *b = t->s++;
        while (t->s < t->e && (isalnum((unsigned char)*t->s) || *t->s == '.' || *t->s == '+' || *t->s == '-'))
            t->s++;
        if (!yaml_plain_number(rg_strdup(T->c->a, b, (size_t)(t->s - b)))) {
            T->err = "bad number syntax";
            return NULL;
        }
        return rv_num_text(T->c, b, (size_t)(t->s - b));
    }
    const char *b = t->s;
    while (t->s < t->e && (isalnum((unsigned char)*t->s) || *t->s == '_'))
        t->s++;
    size_t n = (size_t)(t->s - b);
    if (n == 4 && !strncmp(b, "true", 4))
        return rv_bool(1);
    if (n == 5 && !strncmp(b, "false", 5))
        return rv_bool(0);
    if (n == 3 && !strncmp(b, "nil", 3))
        return rv_null();
    /* a function: name args... up to ')' or '|' or the end */
    static const char *fns[] = {"eq", "ne", "lt", "le", "gt", "ge", "and", "or", "not", "len", "index", "print", NULL};
    int f = -1;
    for (int i = 0; fns[i]; i++)
        if (strlen(fns[i]) == n && !strncmp(fns[i], b, n))
            f = i;
    if (f < 0) {
        T->err = "function not defined";
        return NULL;
    }
    const rv *args[16];
    int na = 0;
    for (;;) {
        sk(t);
        if (t->s >= t->e || *t->s == ')' || *t->s == '|')
            break;
        if (na >= 16) {
            T->err = "too many arguments";
            return NULL;
        }
        const rv *x = tpl_operand(T, t, dot);
        if (!x)
            return NULL;
        args[na++] = x;
    }
    const char *fname = fns[f];
    if (!strcmp(fname, "not")) {
        if (na != 1)
            goto nargs;
        return rv_bool(!tpl_truth(args[0]));
    }
    if (!strcmp(fname, "and") || !strcmp(fname, "or")) {
        if (na < 1)
            goto nargs;
        int want = !strcmp(fname, "or");
        for (int i = 0; i < na - 1; i++)
            if (tpl_truth(args[i]) == want)
                return args[i];
        return args[na - 1];
    }
    if (!strcmp(fname, "len")) {
        if (na != 1)
            goto nargs;
        if (args[0]->k < RV_STR) {
            T->err = "len of this type";
            return NULL;
        }
        return rv_int(T->c, (int64_t)args[0]->n);
    }
    if (!strcmp(fname, "index")) {
        if (na < 1)
            goto nargs;
        const rv *v = args[0];
        for (int i = 1; i < na && v; i++) {
            rv *x = rv_get(v, args[i]);
            v = x ? x : undef_v();
        }
        return v;
    }
    if (!strcmp(fname, "print")) {
        cg_buf pb = CG_BUF_INIT;
        for (int i = 0; i < na; i++) {
            if (i && args[i]->k != RV_STR && args[i - 1]->k != RV_STR)
                cg_buf_putc(&pb, ' ');
            if (args[i]->k == RV_STR)
                cg_buf_append(&pb, args[i]->u.s, args[i]->n);
            else
                rv_write_json(&pb, args[i], 0, 0);
        }
        rv *r = rv_str(T->c, cg_buf_str(&pb), pb.len);
        cg_buf_free(&pb);
        return r;
    }
    /* comparisons */
    if (na < 2)
        goto nargs;
    int r = rv_cmp(args[0], args[1]);
    if (f >= 2 && args[0]->k != args[1]->k) {
        T->err = "incompatible types for comparison";
        return NULL;
    }
    if (f == 0) { /* eq arg1 arg2 arg3...: true if arg1 equals any */
        for (int i = 1; i < na; i++)
            if (rv_eq(args[0], args[i]))
                return rv_bool(1);
        return rv_bool(0);
    }
    switch (f) {
    case 1: return rv_bool(r != 0);
    case 2: return rv_bool(r < 0);
    case 3: return rv_bool(r <= 0);
    case 4: return rv_bool(r > 0);
    default: return rv_bool(r >= 0);
    }
nargs:
    T->err = "wrong number of args";
    return NULL;
}

static const rv *tpl_expr(tpl *T, tscan *t, const rv *dot)
{
    const rv *v = tpl_operand(T, t, dot);
    sk(t);
    if (v && t->s < t->e && *t->s == '|')
        T->err = "pipelines are not supported by cgate";
    return T->err ? NULL : v;
}

/* "$a, $b := expr" / "$a := expr" / "expr": declares vars (up to 2) */
static const rv *tpl_decl(tpl *T, const char *s, size_t n, const rv *dot, tscan *names, int *nnames)
{
    *nnames = 0;
    const char *as = NULL;
    for (size_t i = 0; i + 1 < n; i++)
        if (s[i] == ':' && s[i + 1] == '=') {
            as = s + i;
            break;
        } else if (s[i] == '"' || s[i] == '`' || s[i] == '(')
            break;
    tscan t = {s, s + n};
    if (as) {
        tscan v = {s, as};
        while (v.s < v.e && *nnames < 2) {
            sk(&v);
            const char *b = v.s;
            while (v.s < v.e && *v.s != ',' && !tpl_ws(*v.s))
                v.s++;
            if (v.s > b && *b == '$')
                names[(*nnames)++] = (tscan){b, v.s};
            sk(&v);
            if (v.s < v.e && *v.s == ',')
                v.s++;
        }
        t.s = as + 2;
    }
    return tpl_expr(T, &t, dot);
}

static int tpl_push_var(tpl *T, tscan nm, const rv *v)
{
    if (T->nvars >= 64) {
        T->err = "too many variables";
        return -1;
    }
    T->vname[T->nvars] = nm.s;
    T->vlen[T->nvars] = (size_t)(nm.e - nm.s);
    T->vval[T->nvars++] = v;
    return 0;
}

static void tpl_print(tpl *T, const rv *v)
{
    if (!v)
        return;
    switch (v->k) {
    case RV_STR: cg_buf_append(T->out, v->u.s, v->n); return;
    case RV_NULL: cg_buf_puts(T->out, "<nil>"); return;
    case RV_ARR:
    case RV_SET:
        cg_buf_putc(T->out, '[');
        for (size_t i = 0; i < v->n; i++) {
            if (i)
                cg_buf_putc(T->out, ' ');
            tpl_print(T, v->u.a[i]);
        }
        cg_buf_putc(T->out, ']');
        return;
    case RV_OBJ:
        cg_buf_puts(T->out, "map[");
        for (size_t i = 0; i < v->n; i++) {
            if (i)
                cg_buf_putc(T->out, ' ');
            tpl_print(T, v->u.a[i]);
            cg_buf_putc(T->out, ':');
            tpl_print(T, v->u.a[v->n + i]);
        }
        cg_buf_putc(T->out, ']');
        return;
    default: rv_write_json(T->out, v, 0, 0); return;
    }
}

static int tpl_run(tpl *T, titem *it, int from, int to, const rv *dot, int depth)
{
    if (depth > 64) {
        T->err = "nested too deeply";
        return -1;
    }
    for (int i = from; i < to; i++) {
        if (++T->steps > 10000000 || rg_check_limits(T->c)) {
            if (!T->err)
                T->err = "evaluation limit";
            return -1;
        }
        titem *x = &it[i];
        int nv0 = T->nvars;
        if (x->kind == 0) {
            cg_buf_append(T->out, x->s, x->n);
        } else if (x->kind == 1) {
            tscan names[2];
            int nn;
            const rv *v = tpl_decl(T, x->s, x->n, dot, names, &nn);
            if (!v)
                return -1;
            if (nn) {
                if (tpl_push_var(T, names[0], v))
                    return -1;
                nv0 = T->nvars; /* a declaration lives to the end of its block */
            } else
                tpl_print(T, v);
        } else if (x->kind == 2 || x->kind == 6) {
            /* if / with chain: find the branch to run */
            int cur = i, end = i;
            while (it[end].kind != 7)
                end = it[end].match;
            for (;;) {
                int nxt = it[cur].match;
                if (it[cur].kind == 3) {
                    if (tpl_run(T, it, cur + 1, nxt, dot, depth + 1))
                        return -1;
                    break;
                }
                tscan names[2];
                int nn;
                const rv *v = tpl_decl(T, it[cur].s, it[cur].n, dot, names, &nn);
                if (!v)
                    return -1;
                if (tpl_truth(v)) {
                    if (nn && tpl_push_var(T, names[0], v))
                        return -1;
                    if (tpl_run(T, it, cur + 1, nxt, x->kind == 6 ? v : dot, depth + 1))
                        return -1;
                    break;
                }
                if (it[nxt].kind == 7)
                    break;
                cur = nxt;
            }
            T->nvars = nv0;
            i = end;
        } else if (x->kind == 5) {
            int mid = x->match, end = mid;
            while (it[end].kind != 7)
                end = it[end].match;
            tscan names[2];
            int nn;
            const rv *v = tpl_decl(T, x->s, x->n, dot, names, &nn);
            if (!v)
                return -1;
            size_t cnt = 0;
            if (v->k == RV_ARR || v->k == RV_SET || v->k == RV_OBJ) {
                for (size_t k = 0; k < v->n; k++) {
                    const rv *key = v->k == RV_OBJ ? v->u.a[k] : rv_int(T->c, (int64_t)k);
                    const rv *val = v->k == RV_OBJ ? v->u.a[v->n + k] : v->u.a[k];
                    if (!key)
                        return -1;
                    T->nvars = nv0;
                    if (nn == 1 && tpl_push_var(T, names[0], val))
                        return -1;
                    if (nn == 2 && (tpl_push_var(T, names[0], key) || tpl_push_var(T, names[1], val)))
                        return -1;
                    if (tpl_run(T, it, i + 1, mid, val, depth + 1))
                        return -1;
                    cnt++;
                }
            } else if (v->k == RV_NUM) {
                int64_t lim;
                if (!rv_num_to_i64(v, &lim)) {
                    T->err = "range can't iterate over a non-integer";
                    return -1;
                }
                for (int64_t k = 0; k < lim; k++) {
                    rv *kv = rv_int(T->c, k);
                    if (!kv)
                        return -1;
                    T->nvars = nv0;
                    if (nn >= 1 && tpl_push_var(T, names[0], kv))
                        return -1;
                    if (tpl_run(T, it, i + 1, mid, kv, depth + 1))
                        return -1;
                    cnt++;
                }
            } else if (v != undef_v() && v->k != RV_NULL) {
                T->err = "range can't iterate over this value";
                return -1;
            }
            T->nvars = nv0;
            if (!cnt && it[mid].kind == 3 && tpl_run(T, it, mid + 1, end, dot, depth + 1))
                return -1;
            i = end;
        }
    }
    return 0;
}

static rv *b_render_template(rctx *c, rv **a, size_t n)
{
    (void)n;
    if (a[0]->k != RV_STR)
        return bi_type_err(c, "strings.render_template", 1, a[0], "string");
    if (a[1]->k != RV_OBJ)
        return bi_type_err(c, "strings.render_template", 2, a[1], "object");
    titem *it = malloc(sizeof(titem) * TPL_MAX_ITEMS);
    if (!it)
        return bi_limit(c, "strings.render_template: out of memory");
    char msg[160];
    int nit = 0;
    rv *res = NULL;
    if (tpl_lex(a[0]->u.s, a[0]->n, it, &nit, msg, sizeof msg)) {
        free(it);
        return bi_err(c, "strings.render_template: template: template: %s", msg);
    }
    cg_buf out = CG_BUF_INIT;
    tpl T = {.c = c, .out = &out, .root = a[1]};
    int rc = tpl_run(&T, it, 0, nit, a[1], 0);
    if (rc == 0 && !T.err)
        res = rv_str(c, cg_buf_str(&out), out.len);
    else if (!c->err.code)
        bi_err(c, "strings.render_template: template: template: %s", T.err ? T.err : "error");
    cg_buf_free(&out);
    free(it);
    return res;
}

const builtin rg_bi_extra[] = {
    {"bits.and", 2, b_bits_and, NULL},
    {"bits.or", 2, b_bits_or, NULL},
    {"bits.xor", 2, b_bits_xor, NULL},
    {"bits.negate", 1, b_bits_negate, NULL},
    {"bits.lsh", 2, b_bits_lsh, NULL},
    {"bits.rsh", 2, b_bits_rsh, NULL},
    {"yaml.marshal", 1, b_yaml_marshal, NULL},
    {"yaml.unmarshal", 1, b_yaml_unmarshal, NULL},
    {"yaml.is_valid", 1, b_yaml_is_valid, NULL},
    {"strings.render_template", 2, b_render_template, NULL},
    {NULL, 0, NULL, NULL},
};

/* ---- Rego v0's deprecated builtins (only with --v0-compatible, as OPA 1.x) ---- */
static rv *call_named(rctx *c, const char *name, rv **a, size_t n)
{
    const builtin *b = rg_builtin_find(name);
    return b ? b->fn(c, a, n) : bi_err(c, "%s: missing", name);
}

static rv *any_all(rctx *c, rv **a, const char *fname, int want_all)
{
    if (a[0]->k != RV_ARR && a[0]->k != RV_SET)
        return bi_type_err(c, fname, 1, a[0], "one of {array, set}");
    for (size_t i = 0; i < a[0]->n; i++) {
        int t = rv_is_true(a[0]->u.a[i]);
        if (want_all && !t)
            return rv_bool(0);
        if (!want_all && t)
            return rv_bool(1);
    }
    return rv_bool(want_all);
}
static rv *b_any(rctx *c, rv **a, size_t n) { (void)n; return any_all(c, a, "any", 0); }
static rv *b_all(rctx *c, rv **a, size_t n) { (void)n; return any_all(c, a, "all", 1); }

static rv *cast_kind(rctx *c, rv **a, const char *fname, int kind, const char *want)
{
    if (a[0]->k != kind)
        return bi_type_err(c, fname, 1, a[0], want);
    return a[0];
}
static rv *b_cast_null(rctx *c, rv **a, size_t n) { (void)n; return cast_kind(c, a, "cast_null", RV_NULL, "null"); }
static rv *b_cast_boolean(rctx *c, rv **a, size_t n)
{
    (void)n;
    return cast_kind(c, a, "cast_boolean", RV_BOOL, "boolean");
}
static rv *b_cast_string(rctx *c, rv **a, size_t n) { (void)n; return cast_kind(c, a, "cast_string", RV_STR, "string"); }
static rv *b_cast_object(rctx *c, rv **a, size_t n) { (void)n; return cast_kind(c, a, "cast_object", RV_OBJ, "object"); }

static rv *b_set_diff(rctx *c, rv **a, size_t n)
{
    if (a[0]->k != RV_SET)
        return bi_type_err(c, "set_diff", 1, a[0], "set");
    if (a[1]->k != RV_SET)
        return bi_type_err(c, "set_diff", 2, a[1], "set");
    return call_named(c, "minus", a, n);
}

static rv *renamed(rctx *c, const char *from, const char *to, rv **a, size_t n)
{
    rv *r = call_named(c, from, a, n);
    size_t fl = strlen(from);
    if (!r && c->err.code && !strncmp(c->err.msg, from, fl) && c->err.msg[fl] == ':') {
        char tmp[sizeof c->err.msg];
        snprintf(tmp, sizeof tmp, "%s%s", to, c->err.msg + fl);
        snprintf(c->err.msg, sizeof c->err.msg, "%s", tmp);
    }
    return r;
}
static rv *b_re_match(rctx *c, rv **a, size_t n) { return renamed(c, "regex.match", "re_match", a, n); }
static rv *b_cidr_overlap(rctx *c, rv **a, size_t n) { return renamed(c, "net.cidr_contains", "net.cidr_overlap", a, n); }

const builtin rg_bi_v0[] = {
    {"any", 1, b_any, NULL},
    {"all", 1, b_all, NULL},
    {"cast_null", 1, b_cast_null, NULL},
    {"cast_boolean", 1, b_cast_boolean, NULL},
    {"cast_string", 1, b_cast_string, NULL},
    {"cast_object", 1, b_cast_object, NULL},
    {"set_diff", 2, b_set_diff, NULL},
    {"re_match", 2, b_re_match, NULL},
    {"net.cidr_overlap", 2, b_cidr_overlap, NULL},
    {NULL, 0, NULL, NULL},
};

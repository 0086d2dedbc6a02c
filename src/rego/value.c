/*
 * value.c - Rego values: construction in the query arena, OPA's total order
 * (null < boolean < number < string < array < object < set), hashing, lookup,
 * and conversion to/from JSON.  Sets and objects are kept sorted so equality,
 * ordering and JSON output (sets as sorted arrays) need no extra work.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rego/lexer.h"

static rv g_null = {RV_NULL, 0, 0, {0}};
static rv g_true = {RV_BOOL, 0, 0, {.b = 1}};
static rv g_false = {RV_BOOL, 0, 0, {.b = 0}};
const rv rg_undef_marker = {RV_NULL, 0, 0, {0}};

void *rg_alloc(rctx *c, size_t n)
{
    if (c->a->used_total + n > c->mem_cap) {
        if (!c->err.code) {
            c->err.code = "eval_limit_error";
            snprintf(c->err.msg, sizeof c->err.msg, "memory limit exceeded (%zu MiB)", c->mem_cap >> 20);
        }
        return NULL;
    }
    void *p = cg_arena_alloc(c->a, n ? n : 1);
    if (!p && !c->err.code) {
        c->err.code = "eval_limit_error";
        snprintf(c->err.msg, sizeof c->err.msg, "out of memory");
    }
    return p;
}

char *rg_strdup(cg_arena *a, const char *s, size_t n)
{
    return cg_arena_strndup(a, s, n);
}

rv *rv_null(void) { return &g_null; }
rv *rv_bool(int b) { return b ? &g_true : &g_false; }

static rv *mk(rctx *c, int k)
{
    rv *v = rg_alloc(c, sizeof *v);
    if (v)
        v->k = (uint8_t)k;
    return v;
}

rv *rv_int(rctx *c, int64_t i)
{
    rv *v = mk(c, RV_NUM);
    if (v) {
        v->nk = NUM_INT;
        v->u.i = i;
    }
    return v;
}

rv *rv_float(rctx *c, double f)
{
    if (f == floor(f) && fabs(f) < 9.0e15)
        return rv_int(c, (int64_t)f);
    rv *v = mk(c, RV_NUM);
    if (v) {
        v->nk = NUM_FLT;
        v->u.f = f;
    }
    return v;
}

rv *rv_num_text(rctx *c, const char *text, size_t len)
{
    char tmp[512];
    if (len >= sizeof tmp)
        len = sizeof tmp - 1;
    RG_MEMCPY(tmp, text, len);
    tmp[len] = 0;
    int isint = strpbrk(tmp, ".eE") == NULL;
    if (isint) {
        errno = 0;
        char *end;
        long long x = strtoll(tmp, &end, 10);
        if (errno == 0 && *end == 0)
            return rv_int(c, (int64_t)x);
        rv *v = mk(c, RV_NUM);
        if (!v)
            return NULL;
        v->nk = NUM_BIG;
        const char *p = tmp;
        int neg = 0;
        if (*p == '-') {
            neg = 1;
            p++;
        } else if (*p == '+')
            p++;
        while (*p == '0' && p[1])
            p++;
        size_t n = strlen(p);
        char *s = rg_alloc(c, n + 2);
        if (!s)
            return NULL;
        size_t o = 0;
        if (neg)
            s[o++] = '-';
        RG_MEMCPY(s + o, p, n + 1);
        v->u.s = s;
        return v;
    }
    double f = strtod(tmp, NULL);
    /* integral floats with an exact integer value become integers */
    if (f == floor(f) && fabs(f) < 9.0e15)
        return rv_int(c, (int64_t)f);
    rv *v = mk(c, RV_NUM);
    if (v) {
        v->nk = NUM_FLT;
        v->u.f = f;
    }
    return v;
}

rv *rv_str(rctx *c, const char *s, size_t n)
{
    rv *v = mk(c, RV_STR);
    if (!v)
        return NULL;
    char *p = rg_alloc(c, n + 1);
    if (!p)
        return NULL;
    if (n)
        RG_MEMCPY(p, s, n);
    p[n] = 0;
    v->u.s = p;
    v->n = n;
    return v;
}

rv *rv_cstr(rctx *c, const char *s) { return rv_str(c, s, strlen(s)); }

rv *rv_arr(rctx *c, rv **items, size_t n)
{
    rv *v = mk(c, RV_ARR);
    if (!v)
        return NULL;
    v->u.a = items;
    v->n = n;
    return v;
}

static int cmp_pp(const void *a, const void *b)
{
    return rv_cmp(*(rv *const *)a, *(rv *const *)b);
}

rv *rv_set(rctx *c, rv **items, size_t n)
{
    rv *v = mk(c, RV_SET);
    if (!v)
        return NULL;
    if (n > 1) {
        qsort(items, n, sizeof *items, cmp_pp);
        size_t o = 1;
        for (size_t i = 1; i < n; i++)
            if (rv_cmp(items[o - 1], items[i]) != 0)
                items[o++] = items[i];
        n = o;
    }
    v->u.a = items;
    v->n = n;
    return v;
}

typedef struct kvp {
    rv *k, *v;
    size_t idx;
} kvp;

static int cmp_kv(const void *a, const void *b)
{
    const kvp *x = a, *y = b;
    int r = rv_cmp(x->k, y->k);
    if (r)
        return r;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

rv *rv_obj(rctx *c, rv **keys, rv **vals, size_t n)
{
    rv *v = mk(c, RV_OBJ);
    if (!v)
        return NULL;
    rv **a = rg_alloc(c, sizeof(rv *) * (2 * n + 1));
    if (!a)
        return NULL;
    int sorted = 1;
    for (size_t i = 1; i < n && sorted; i++)
        if (rv_cmp(keys[i - 1], keys[i]) >= 0)
            sorted = 0;
    if (sorted) {
        for (size_t i = 0; i < n; i++) {
            a[i] = keys[i];
            a[n + i] = vals[i];
        }
        v->u.a = a;
        v->n = n;
        return v;
    }
    kvp *t = malloc(sizeof *t * (n ? n : 1));
    if (!t)
        return NULL;
    for (size_t i = 0; i < n; i++)
        t[i] = (kvp){keys[i], vals[i], i};
    qsort(t, n, sizeof *t, cmp_kv);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (o && rv_cmp(t[o - 1].k, t[i].k) == 0)
            t[o - 1] = t[i]; /* later wins */
        else
            t[o++] = t[i];
    }
    for (size_t i = 0; i < o; i++) {
        a[i] = t[i].k;
        a[o + i] = t[i].v;
    }
    free(t);
    v->u.a = a;
    v->n = o;
    return v;
}

rv *rv_empty(rctx *c, int kind)
{
    rv *v = mk(c, kind);
    if (v) {
        v->u.a = NULL;
        v->n = 0;
    }
    return v;
}

int rvec_push(rctx *c, rvec *vec, rv *x)
{
    if (vec->n == vec->cap) {
        size_t nc = vec->cap ? vec->cap * 2 : 8;
        rv **nv = rg_alloc(c, nc * sizeof *nv);
        if (!nv)
            return -1;
        if (vec->n)
            RG_MEMCPY(nv, vec->v, vec->n * sizeof *nv);
        vec->v = nv;
        vec->cap = nc;
    }
    vec->v[vec->n++] = x;
    return 0;
}

/* ---- numbers ------------------------------------------------------------ */
#include <openssl/bn.h>

int rv_num_is_int(const rv *v)
{
    if (v->nk == NUM_INT || v->nk == NUM_BIG)
        return 1;
    return v->u.f == floor(v->u.f) && isfinite(v->u.f);
}

int rv_num_to_i64(const rv *v, int64_t *out)
{
    if (v->nk == NUM_INT) {
        *out = v->u.i;
        return 1;
    }
    if (v->nk == NUM_FLT && v->u.f == floor(v->u.f) && fabs(v->u.f) < 9.2e18) {
        *out = (int64_t)v->u.f;
        return 1;
    }
    return 0;
}

double rv_num_to_f(const rv *v)
{
    if (v->nk == NUM_INT)
        return (double)v->u.i;
    if (v->nk == NUM_BIG)
        return strtod(v->u.s, NULL);
    return v->u.f;
}

static BIGNUM *to_bn(const rv *v)
{
    BIGNUM *b = NULL;
    if (v->nk == NUM_BIG) {
        if (!BN_dec2bn(&b, v->u.s))
            return NULL;
        return b;
    }
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%lld", (long long)v->u.i);
    if (!BN_dec2bn(&b, tmp))
        return NULL;
    return b;
}

static rv *from_bn(rctx *c, BIGNUM *b)
{
    char *s = BN_bn2dec(b);
    if (!s)
        return NULL;
    rv *r = rv_num_text(c, s, strlen(s));
    OPENSSL_free(s);
    return r;
}

int rv_num_cmp(const rv *a, const rv *b)
{
    if (a->nk == NUM_INT && b->nk == NUM_INT)
        return a->u.i < b->u.i ? -1 : a->u.i > b->u.i;
    if (a->nk != NUM_FLT && b->nk != NUM_FLT) {
        BIGNUM *x = to_bn(a), *y = to_bn(b);
        int r = (x && y) ? BN_cmp(x, y) : 0;
        BN_free(x);
        BN_free(y);
        return r;
    }
    double x = rv_num_to_f(a), y = rv_num_to_f(b);
    return x < y ? -1 : x > y;
}

rv *rv_num_arith(rctx *c, int op, const rv *a, const rv *b)
{
    if (a->nk == NUM_INT && b->nk == NUM_INT) {
        int64_t x = a->u.i, y = b->u.i, r;
        switch (op) {
        case '+':
            if (!__builtin_add_overflow(x, y, &r))
                return rv_int(c, r);
            break;
        case '-':
            if (!__builtin_sub_overflow(x, y, &r))
                return rv_int(c, r);
            break;
        case '*':
            if (!__builtin_mul_overflow(x, y, &r))
                return rv_int(c, r);
            break;
        case '/':
            if (y == 0)
                return NULL;
            if (x % y == 0 && !(x == INT64_MIN && y == -1))
                return rv_int(c, x / y);
            return rv_float(c, (double)x / (double)y);
        case '%':
            if (y == 0)
                return NULL;
            if (y == -1)
                return rv_int(c, 0);
            return rv_int(c, x % y);
        }
    }
    if (a->nk != NUM_FLT && b->nk != NUM_FLT) {
        BIGNUM *x = to_bn(a), *y = to_bn(b), *r = BN_new();
        BN_CTX *bc = BN_CTX_new();
        rv *out = NULL;
        if (x && y && r && bc) {
            int ok = 0;
            if (op == '+')
                ok = BN_add(r, x, y);
            else if (op == '-')
                ok = BN_sub(r, x, y);
            else if (op == '*')
                ok = BN_mul(r, x, y, bc);
            else if (op == '%')
                ok = !BN_is_zero(y) && BN_div(NULL, r, x, y, bc);
            else if (op == '/') {
                BIGNUM *rm = BN_new();
                ok = rm && !BN_is_zero(y) && BN_div(r, rm, x, y, bc) && BN_is_zero(rm);
                BN_free(rm);
                if (!ok && !BN_is_zero(y)) {
                    BN_free(x);
                    BN_free(y);
                    BN_free(r);
                    BN_CTX_free(bc);
                    return rv_float(c, rv_num_to_f(a) / rv_num_to_f(b));
                }
            }
            if (ok)
                out = from_bn(c, r);
        }
        BN_free(x);
        BN_free(y);
        BN_free(r);
        BN_CTX_free(bc);
        return out;
    }
    double x = rv_num_to_f(a), y = rv_num_to_f(b), r = 0;
    switch (op) {
    case '+': r = x + y; break;
    case '-': r = x - y; break;
    case '*': r = x * y; break;
    case '/':
        if (y == 0)
            return NULL;
        r = x / y;
        break;
    case '%':
        if (y == 0)
            return NULL;
        r = fmod(x, y);
        break;
    }
    /* products of decimals: keep the shortest decimal that round-trips */
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%.15g", r);
    double r2 = strtod(tmp, NULL);
    if (fabs(r2 - r) <= fabs(r) * 4e-16)
        r = r2;
    return rv_float(c, r);
}

void rv_num_write(cg_buf *b, const rv *v)
{
    if (v->nk == NUM_INT) {
        cg_buf_printf(b, "%lld", (long long)v->u.i);
        return;
    }
    if (v->nk == NUM_BIG) {
        cg_buf_puts(b, v->u.s);
        return;
    }
    double f = v->u.f;
    if (!isfinite(f)) {
        cg_buf_puts(b, "null");
        return;
    }
    if (f == floor(f) && fabs(f) < 1e21) {
        cg_buf_printf(b, "%.0f", f);
        return;
    }
    char tmp[64];
    for (int p = 1; p <= 17; p++) {
        snprintf(tmp, sizeof tmp, "%.*g", p, f);
        if (strtod(tmp, NULL) == f)
            break;
    }
    /* Go writes exponents as e+21 / e-07 -> JSON accepts either; keep C's */
    cg_buf_puts(b, tmp);
}

/* ---- order, hash, lookup ------------------------------------------------ */
int rv_cmp(const rv *a, const rv *b)
{
    if (a == b)
        return 0;
    if (a->k != b->k)
        return a->k < b->k ? -1 : 1;
    switch (a->k) {
    case RV_NULL:
        return 0;
    case RV_BOOL:
        return a->u.b - b->u.b;
    case RV_NUM:
        return rv_num_cmp(a, b);
    case RV_STR: {
        size_t n = a->n < b->n ? a->n : b->n;
        int r = memcmp(a->u.s, b->u.s, n);
        if (r)
            return r < 0 ? -1 : 1;
        return a->n < b->n ? -1 : a->n > b->n;
    }
    case RV_ARR:
    case RV_SET: {
        size_t n = a->n < b->n ? a->n : b->n;
        for (size_t i = 0; i < n; i++) {
            int r = rv_cmp(a->u.a[i], b->u.a[i]);
            if (r)
                return r;
        }
        return a->n < b->n ? -1 : a->n > b->n;
    }
    case RV_OBJ: {
        size_t n = a->n < b->n ? a->n : b->n;
        for (size_t i = 0; i < n; i++) {
            int r = rv_cmp(a->u.a[i], b->u.a[i]);
            if (r)
                return r;
            r = rv_cmp(a->u.a[a->n + i], b->u.a[b->n + i]);
            if (r)
                return r;
        }
        return a->n < b->n ? -1 : a->n > b->n;
    }
    }
    return 0;
}

uint64_t rv_hash(const rv *v)
{
    uint64_t h = 1469598103934665603ull ^ v->k;
    switch (v->k) {
    case RV_BOOL:
        h ^= (uint64_t)v->u.b;
        break;
    case RV_NUM: {
        double f = rv_num_to_f(v);
        uint64_t x;
        RG_MEMCPY(&x, &f, sizeof x);
        h ^= x;
        break;
    }
    case RV_STR:
        for (size_t i = 0; i < v->n; i++)
            h = (h ^ (uint8_t)v->u.s[i]) * 1099511628211ull;
        break;
    case RV_ARR:
    case RV_SET:
        for (size_t i = 0; i < v->n; i++)
            h = (h ^ rv_hash(v->u.a[i])) * 1099511628211ull;
        break;
    case RV_OBJ:
        for (size_t i = 0; i < 2 * v->n; i++)
            h = (h ^ rv_hash(v->u.a[i])) * 1099511628211ull;
        break;
    }
    return h;
}

static ptrdiff_t bsearch_idx(rv **a, size_t n, const rv *key)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int r = rv_cmp(a[mid], key);
        if (r == 0)
            return (ptrdiff_t)mid;
        if (r < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

rv *rv_get(const rv *coll, const rv *key)
{
    switch (coll->k) {
    case RV_OBJ: {
        ptrdiff_t i = bsearch_idx(coll->u.a, coll->n, key);
        return i < 0 ? NULL : coll->u.a[coll->n + (size_t)i];
    }
    case RV_ARR: {
        int64_t i;
        if (key->k != RV_NUM || !rv_num_to_i64(key, &i) || i < 0 || (uint64_t)i >= coll->n)
            return NULL;
        return coll->u.a[i];
    }
    case RV_SET: {
        ptrdiff_t i = bsearch_idx(coll->u.a, coll->n, key);
        return i < 0 ? NULL : coll->u.a[i];
    }
    }
    return NULL;
}

rv *rv_obj_get(const rv *obj, const char *key)
{
    rv k = {RV_STR, 0, strlen(key), {.s = key}};
    return obj && obj->k == RV_OBJ ? rv_get(obj, &k) : NULL;
}

int rv_set_has(const rv *set, const rv *v)
{
    return bsearch_idx(set->u.a, set->n, v) >= 0;
}

const char *rv_type_name(const rv *v)
{
    static const char *n[] = {"null", "boolean", "number", "string", "array", "object", "set"};
    return n[v->k];
}

int rv_is_true(const rv *v) { return v->k == RV_BOOL && v->u.b; }

/* ---- JSON --------------------------------------------------------------- */
rv *rv_from_json(rctx *c, json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_NULL:
        return rv_null();
    case JSON_TRUE:
        return rv_bool(1);
    case JSON_FALSE:
        return rv_bool(0);
    case JSON_INTEGER:
        return rv_int(c, json_integer_value(j));
    case JSON_REAL:
        return rv_float(c, json_real_value(j));
    case JSON_STRING:
        return rv_str(c, json_string_value(j), json_string_length(j));
    case JSON_ARRAY: {
        size_t n = json_array_size(j);
        rv **a = rg_alloc(c, sizeof(rv *) * (n + 1));
        if (!a)
            return NULL;
        for (size_t i = 0; i < n; i++)
            if (!(a[i] = rv_from_json(c, json_array_get(j, i))))
                return NULL;
        return rv_arr(c, a, n);
    }
    case JSON_OBJECT: {
        size_t n = json_object_size(j), i = 0;
        rv **k = rg_alloc(c, sizeof(rv *) * (n + 1)), **v = rg_alloc(c, sizeof(rv *) * (n + 1));
        if (!k || !v)
            return NULL;
        const char *key;
        json_t *val;
        json_object_foreach(j, key, val)
        {
            k[i] = rv_cstr(c, key);
            v[i] = rv_from_json(c, val);
            if (!k[i] || !v[i])
                return NULL;
            i++;
        }
        return rv_obj(c, k, v, i);
    }
    }
    return NULL;
}

static void wstr(cg_buf *b, const char *s, size_t n)
{
    cg_buf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        switch (ch) {
        case '"': cg_buf_puts(b, "\\\""); break;
        case '\\': cg_buf_puts(b, "\\\\"); break;
        case '\n': cg_buf_puts(b, "\\n"); break;
        case '\r': cg_buf_puts(b, "\\r"); break;
        case '\t': cg_buf_puts(b, "\\t"); break;
        case '<': cg_buf_puts(b, "\\u003c"); break;
        case '>': cg_buf_puts(b, "\\u003e"); break;
        case '&': cg_buf_puts(b, "\\u0026"); break;
        default:
            if (ch < 0x20)
                cg_buf_printf(b, "\\u%04x", ch);
            else
                cg_buf_putc(b, (char)ch);
        }
    }
    cg_buf_putc(b, '"');
}

static void nl(cg_buf *b, int pretty, int indent)
{
    if (!pretty)
        return;
    cg_buf_putc(b, '\n');
    for (int i = 0; i < indent; i++)
        cg_buf_puts(b, "  ");
}

void rv_write_json(cg_buf *b, const rv *v, int pretty, int indent)
{
    switch (v->k) {
    case RV_NULL: cg_buf_puts(b, "null"); return;
    case RV_BOOL: cg_buf_puts(b, v->u.b ? "true" : "false"); return;
    case RV_NUM: rv_num_write(b, v); return;
    case RV_STR: wstr(b, v->u.s, v->n); return;
    case RV_ARR:
    case RV_SET:
        if (!v->n) {
            cg_buf_puts(b, "[]");
            return;
        }
        cg_buf_putc(b, '[');
        for (size_t i = 0; i < v->n; i++) {
            if (i)
                cg_buf_putc(b, ',');
            nl(b, pretty, indent + 1);
            rv_write_json(b, v->u.a[i], pretty, indent + 1);
        }
        nl(b, pretty, indent);
        cg_buf_putc(b, ']');
        return;
    case RV_OBJ:
        if (!v->n) {
            cg_buf_puts(b, "{}");
            return;
        }
        cg_buf_putc(b, '{');
        for (size_t i = 0; i < v->n; i++) {
            if (i)
                cg_buf_putc(b, ',');
            nl(b, pretty, indent + 1);
            const rv *k = v->u.a[i];
            if (k->k == RV_STR)
                wstr(b, k->u.s, k->n);
            else {
                cg_buf kb = CG_BUF_INIT;
                rv_write_json(&kb, k, 0, 0);
                wstr(b, cg_buf_str(&kb), kb.len);
                cg_buf_free(&kb);
            }
            cg_buf_puts(b, pretty ? ": " : ":");
            rv_write_json(b, v->u.a[v->n + i], pretty, indent + 1);
        }
        nl(b, pretty, indent);
        cg_buf_putc(b, '}');
        return;
    }
}

void rv_write_rego(cg_buf *b, const rv *v)
{
    switch (v->k) {
    case RV_SET:
        if (!v->n) {
            cg_buf_puts(b, "set()");
            return;
        }
        cg_buf_putc(b, '{');
        for (size_t i = 0; i < v->n; i++) {
            if (i)
                cg_buf_puts(b, ", ");
            rv_write_rego(b, v->u.a[i]);
        }
        cg_buf_putc(b, '}');
        return;
    case RV_ARR:
        cg_buf_putc(b, '[');
        for (size_t i = 0; i < v->n; i++) {
            if (i)
                cg_buf_puts(b, ", ");
            rv_write_rego(b, v->u.a[i]);
        }
        cg_buf_putc(b, ']');
        return;
    case RV_OBJ:
        cg_buf_putc(b, '{');
        for (size_t i = 0; i < v->n; i++) {
            if (i)
                cg_buf_puts(b, ", ");
            rv_write_rego(b, v->u.a[i]);
            cg_buf_puts(b, ": ");
            rv_write_rego(b, v->u.a[v->n + i]);
        }
        cg_buf_putc(b, '}');
        return;
    default:
        rv_write_json(b, v, 0, 0);
    }
}

json_t *rv_to_json(const rv *v)
{
    cg_buf b = CG_BUF_INIT;
    rv_write_json(&b, v, 0, 0);
    json_t *j = json_loadb(cg_buf_str(&b), b.len, JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL * 0, NULL);
    cg_buf_free(&b);
    return j;
}

/* A small JSON parser straight to values so big integers stay exact. */
typedef struct jp {
    rctx *c;
    const char *s, *e;
    const char *why;
    int depth;
} jp;

static void jws(jp *p)
{
    while (p->s < p->e && (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r'))
        p->s++;
}

static int hexv(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

static void put_utf8(cg_buf *b, uint32_t cp)
{
    char o[4];
    size_t n;
    if (cp < 0x80) {
        o[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        o[0] = (char)(0xF0 | (cp >> 18));
        o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    cg_buf_append(b, o, n);
}

/* Decode a quoted JSON/Rego string at *s (pointing at '"'); returns arena copy. */
int rg_unquote(const char **sp, const char *e, cg_buf *out)
{
    const char *s = *sp + 1;
    while (s < e && *s != '"') {
        if ((unsigned char)*s < 0x20)
            return -1;
        if (*s != '\\') {
            cg_buf_putc(out, *s++);
            continue;
        }
        if (++s >= e)
            return -1;
        char ch = *s++;
        switch (ch) {
        case '"': cg_buf_putc(out, '"'); break;
        case '\\': cg_buf_putc(out, '\\'); break;
        case '/': cg_buf_putc(out, '/'); break;
        case 'b': cg_buf_putc(out, '\b'); break;
        case 'f': cg_buf_putc(out, '\f'); break;
        case 'n': cg_buf_putc(out, '\n'); break;
        case 'r': cg_buf_putc(out, '\r'); break;
        case 't': cg_buf_putc(out, '\t'); break;
        case 'u': {
            if (e - s < 4)
                return -1;
            uint32_t cp = 0;
            for (int i = 0; i < 4; i++) {
                int h = hexv(s[i]);
                if (h < 0)
                    return -1;
                cp = cp * 16 + (uint32_t)h;
            }
            s += 4;
            if (cp >= 0xD800 && cp < 0xDC00 && e - s >= 6 && s[0] == '\\' && s[1] == 'u') {
                uint32_t lo = 0;
                int ok = 1;
                for (int i = 0; i < 4; i++) {
                    int h = hexv(s[2 + i]);
                    if (h < 0)
                        ok = 0;
                    lo = lo * 16 + (uint32_t)(h < 0 ? 0 : h);
                }
                if (ok && lo >= 0xDC00 && lo < 0xE000) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    s += 6;
                }
            }
            put_utf8(out, cp);
            break;
        }
        default:
            return -1;
        }
    }
    if (s >= e)
        return -1;
    *sp = s + 1;
    return 0;
}

static rv *jval(jp *p)
{
    jws(p);
    if (p->s >= p->e) {
        p->why = "unexpected end of JSON";
        return NULL;
    }
    if (++p->depth > 1000) {
        p->why = "JSON nested too deeply";
        return NULL;
    }
    rv *out = NULL;
    char ch = *p->s;
    if (ch == '{' || ch == '[') {
        p->s++;
        rvec ks = {0}, vs = {0};
        jws(p);
        char close = ch == '{' ? '}' : ']';
        if (p->s < p->e && *p->s == close) {
            p->s++;
        } else {
            for (;;) {
                if (ch == '{') {
                    jws(p);
                    if (p->s >= p->e || *p->s != '"') {
                        p->why = "expected object key";
                        return NULL;
                    }
                    rv *k = jval(p);
                    if (!k)
                        return NULL;
                    jws(p);
                    if (p->s >= p->e || *p->s != ':') {
                        p->why = "expected ':'";
                        return NULL;
                    }
                    p->s++;
                    if (rvec_push(p->c, &ks, k))
                        return NULL;
                }
                rv *v = jval(p);
                if (!v || rvec_push(p->c, &vs, v))
                    return NULL;
                jws(p);
                if (p->s < p->e && *p->s == ',') {
                    p->s++;
                    continue;
                }
                if (p->s < p->e && *p->s == close) {
                    p->s++;
                    break;
                }
                p->why = "expected ',' or closing bracket";
                return NULL;
            }
        }
        out = ch == '{' ? rv_obj(p->c, ks.v, vs.v, vs.n) : rv_arr(p->c, vs.v, vs.n);
    } else if (ch == '"') {
        cg_buf b = CG_BUF_INIT;
        if (rg_unquote(&p->s, p->e, &b)) {
            cg_buf_free(&b);
            p->why = "bad string";
            return NULL;
        }
        out = rv_str(p->c, b.data ? b.data : "", b.len);
        cg_buf_free(&b);
    } else if (ch == '-' || (ch >= '0' && ch <= '9')) {
        const char *st = p->s;
        if (*p->s == '-')
            p->s++;
        while (p->s < p->e && strchr("0123456789.eE+-", *p->s))
            p->s++;
        out = rv_num_text(p->c, st, (size_t)(p->s - st));
    } else if (p->e - p->s >= 4 && !memcmp(p->s, "true", 4)) {
        p->s += 4;
        out = rv_bool(1);
    } else if (p->e - p->s >= 5 && !memcmp(p->s, "false", 5)) {
        p->s += 5;
        out = rv_bool(0);
    } else if (p->e - p->s >= 4 && !memcmp(p->s, "null", 4)) {
        p->s += 4;
        out = rv_null();
    } else {
        p->why = "invalid character";
        return NULL;
    }
    p->depth--;
    return out;
}

rv *rv_parse_json(rctx *c, const char *s, size_t n, char *why, size_t whylen)
{
    jp p = {c, s, s + n, NULL, 0};
    rv *v = jval(&p);
    if (v) {
        jws(&p);
        if (p.s != p.e) {
            p.why = "trailing data after JSON value";
            v = NULL;
        }
    }
    if (!v && why)
        snprintf(why, whylen, "%s", p.why ? p.why : "out of memory");
    return v;
}

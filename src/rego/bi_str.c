/*
 * bi_str.c - string builtins (concat, split, replace, trim*, sprintf with
 * Go's verbs as OPA formats them, format_int, indexof, substring, strings.*),
 * regex.* through the RE2 shim, and glob.match.  Positions and lengths count
 * code points, as Go's rune-based implementations do.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rego/builtins.h"

#define STR_ARG(i, name)                                                                                      \
    if (a[i]->k != RV_STR)                                                                                    \
    return bi_type_err(c, name, (int)(i) + 1, a[i], "string")

static size_t big_cap(rctx *c, size_t want)
{
    return c->a->used_total + want > c->mem_cap ? 0 : 1;
}

static rv *b_concat(rctx *c, rv **a, size_t n)
{
    (void)n;
    STR_ARG(0, "concat");
    rv *x = a[1];
    if (x->k != RV_ARR && x->k != RV_SET)
        return bi_type_err(c, "concat", 2, x, "one of {array, set}");
    size_t total = 0;
    for (size_t i = 0; i < x->n; i++) {
        if (x->u.a[i]->k != RV_STR)
            return bi_type_err(c, "concat", 2, x, "one of {array[string], set[string]}");
        total += x->u.a[i]->n + (i ? a[0]->n : 0);
        if (!big_cap(c, total))
            return bi_limit(c, "concat: result exceeds the memory limit (%zu MiB)", c->mem_cap >> 20);
    }
    char *buf = rg_alloc(c, total + 1);
    if (!buf)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < x->n; i++) {
        if (i) {
            RG_MEMCPY(buf + o, a[0]->u.s, a[0]->n);
            o += a[0]->n;
        }
        RG_MEMCPY(buf + o, x->u.a[i]->u.s, x->u.a[i]->n);
        o += x->u.a[i]->n;
    }
    rv *r = rv_empty(c, RV_STR);
    if (!r)
        return NULL;
    buf[o] = 0;
    r->u.s = buf;
    r->n = o;
    return r;
}

static const char *memfind(const char *h, size_t hn, const char *nd, size_t nn)
{
    if (nn == 0)
        return h;
    if (nn > hn)
        return NULL;
    return memmem(h, hn, nd, nn);
}

static rv *b_contains(rctx *c, rv **a, size_t n)
{
    (void)n;
    STR_ARG(0, "contains");
    STR_ARG(1, "contains");
    return rv_bool(memfind(a[0]->u.s, a[0]->n, a[1]->u.s, a[1]->n) != NULL);
}
static rv *b_startswith(rctx *c, rv **a, size_t n)
{
    (void)n;
    STR_ARG(0, "startswith");
    STR_ARG(1, "startswith");
    return rv_bool(a[1]->n <= a[0]->n && !memcmp(a[0]->u.s, a[1]->u.s, a[1]->n));
}
static rv *b_endswith(rctx *c, rv **a, size_t n)
{
    (void)n;
    STR_ARG(0, "endswith");
    STR_ARG(1, "endswith");
    return rv_bool(a[1]->n <= a[0]->n && !memcmp(a[0]->u.s + a[0]->n - a[1]->n, a[1]->u.s, a[1]->n));
}
static rv *caseconv(rctx *c, rv **a, const char *name, int up)
{
    STR_ARG(0, name);
    rv *r = rv_str(c, a[0]->u.s, a[0]->n);
    if (!r)
        return NULL;
    char *s = (char *)r->u.s;
    for (size_t i = 0; i < r->n; i++)
        s[i] = (char)(up ? toupper((unsigned char)s[i]) : tolower((unsigned char)s[i]));
    return r;
}
static rv *b_lower(rctx *c, rv **a, size_t n) { (void)n; return caseconv(c, a, "lower", 0); }
static rv *b_upper(rctx *c, rv **a, size_t n) { (void)n; return caseconv(c, a, "upper", 1); }

static size_t utf8_next(const char *s, size_t n, size_t i)
{
    i++;
    while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
        i++;
    return i;
}

static rv *split_n(rctx *c, const char *s, size_t sn, const char *d, size_t dn, int64_t lim)
{
    rvec out = {0};
    if (lim == 0)
        return rv_empty(c, RV_ARR);
    if (dn == 0) {
        for (size_t i = 0; i < sn;) {
            size_t j = utf8_next(s, sn, i);
            if (lim > 0 && (int64_t)out.n == lim - 1)
                j = sn;
            if (rvec_push(c, &out, rv_str(c, s + i, j - i)))
                return NULL;
            i = j;
        }
        return rv_arr(c, out.v, out.n);
    }
    size_t st = 0;
    for (;;) {
        if (lim > 0 && (int64_t)out.n == lim - 1)
            break;
        const char *f = memfind(s + st, sn - st, d, dn);
        if (!f)
            break;
        size_t pos = (size_t)(f - s);
        if (rvec_push(c, &out, rv_str(c, s + st, pos - st)))
            return NULL;
        st = pos + dn;
        if (rg_check_limits(c))
            return NULL;
    }
    if (rvec_push(c, &out, rv_str(c, s + st, sn - st)))
        return NULL;
    return rv_arr(c, out.v, out.n);
}
static rv *b_split(rctx *c, rv **a, size_t n)
{
    (void)n;
    STR_ARG(0, "split");
    STR_ARG(1, "split");
    return split_n(c, a[0]->u.s, a[0]->n, a[1]->u.s, a[1]->n, -1);
}
static rv *b_strings_split_n(rctx *c, rv **a, size_t n)
{
    (void)n;
    STR_ARG(0, "strings.split_n");
    STR_ARG(1, "strings.split_n");
    int64_t lim = 0;
    if (a[2]->k != RV_NUM)
        return bi_type_err(c, "strings.split_n", 3, a[2], "number");
    if (a[2]->nk != NUM_FLT)
        rv_num_to_i64(a[2], &lim);
    if (!rv_num_is_int(a[2]) || a[2]->nk == NUM_FLT) {
        bi_err(c, "strings.split_n: operand 3 must be integer number but got floating-point number");
        c->err.code = "eval_type_error";
        return NULL;
    }
    rv *all = split_n(c, a[0]->u.s, a[0]->n, a[1]->u.s, a[1]->n, -1);
    if (!all)
        return NULL;
    if (lim >= 0)
        return (size_t)lim >= all->n ? all : rv_arr(c, all->u.a, (size_t)lim);
    size_t k = (size_t)(-lim);
    return k >= all->n ? all : rv_arr(c, all->u.a + (all->n - k), k);
}

static rv *replace_n(rctx *c, rv *s, rv *old, rv *nw, int64_t lim)
{
    cg_buf b = CG_BUF_INIT;
    size_t i = 0;
    int64_t cnt = 0;
    if (old->n == 0) {
        /* Go: insert at each rune boundary */
        for (;;) {
            if (lim >= 0 && cnt >= lim) {
                cg_buf_append(&b, s->u.s + i, s->n - i);
                break;
            }
            cg_buf_append(&b, nw->u.s, nw->n);
            cnt++;
            if (i >= s->n)
                break;
            size_t j = utf8_next(s->u.s, s->n, i);
            cg_buf_append(&b, s->u.s + i, j - i);
            i = j;
        }
    } else {
        while (i <= s->n) {
            const char *f = (lim >= 0 && cnt >= lim) ? NULL : memfind(s->u.s + i, s->n - i, old->u.s, old->n);
            if (!f) {
                cg_buf_append(&b, s->u.s + i, s->n - i);
                break;
            }
            size_t pos = (size_t)(f - s->u.s);
            cg_buf_append(&b, s->u.s + i, pos - i);
            cg_buf_append(&b, nw->u.s, nw->n);
            i = pos + old->n;
            cnt++;
            if (b.len > c->mem_cap) {
                cg_buf_free(&b);
                return bi_limit(c, "replace: result exceeds the memory limit");
            }
        }
    }
    rv *r = rv_str(c, b.data ? b.data : "", b.len);
    cg_buf_free(&b);
    return r;
}
static rv *b_replace(rctx *c, rv **a, size_t n)
{
    (void)n;
    STR_ARG(0, "replace");
    STR_ARG(1, "replace");
    STR_ARG(2, "replace");
    return replace_n(c, a[0], a[1], a[2], -1);
}
static rv *b_strings_replace_n(rctx *c, rv **a, size_t n)
{
    (void)n;
    if (a[0]->k != RV_OBJ)
        return bi_type_err(c, "strings.replace_n", 1, a[0], "object[string: string]");
    STR_ARG(1, "strings.replace_n");
    rv *cur = a[1];
    for (size_t i = 0; i < a[0]->n; i++) {
        rv *k = a[0]->u.a[i], *v = a[0]->u.a[a[0]->n + i];
        if (k->k != RV_STR)
            return bi_type_err(c, "strings.replace_n", 1, a[0], "object[string: string]");
        if (v->k != RV_STR)
            return bi_err(c, "strings.replace_n: operand 1 non-string value found in pattern object");
    }
    /* Go's strings.NewReplacer: leftmost match, patterns in argument (sorted) order */
    cg_buf b = CG_BUF_INIT;
    size_t i = 0;
    const char *s = cur->u.s;
    while (i <= cur->n) {
        int hit = -1;
        for (size_t p = 0; p < a[0]->n && hit < 0; p++) {
            rv *k = a[0]->u.a[p];
            if (k->n && k->n <= cur->n - i && !memcmp(s + i, k->u.s, k->n))
                hit = (int)p;
        }
        if (hit >= 0) {
            rv *v = a[0]->u.a[a[0]->n + (size_t)hit];
            cg_buf_append(&b, v->u.s, v->n);
            i += a[0]->u.a[hit]->n;
        } else {
            if (i < cur->n)
                cg_buf_putc(&b, s[i]);
            i++;
        }
    }
    rv *r = rv_str(c, b.data ? b.data : "", b.len);
    cg_buf_free(&b);
    return r;
}

/* cut set membership on code points */
static int in_cut(const char *cut, size_t cn, const char *s, size_t len)
{
    for (size_t i = 0; i < cn;) {
        size_t j = utf8_next(cut, cn, i);
        if (j - i == len && !memcmp(cut + i, s, len))
            return 1;
        i = j;
    }
    return 0;
}
static size_t prev_cp(const char *s, size_t end)
{
    size_t i = end - 1;
    while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
        i--;
    return i;
}
static rv *trim_impl(rctx *c, rv **a, const char *name, int left, int right)
{
    STR_ARG(0, name);
    STR_ARG(1, name);
    const char *s = a[0]->u.s;
    size_t st = 0, en = a[0]->n;
    if (left)
        while (st < en) {
            size_t j = utf8_next(s, en, st);
            if (!in_cut(a[1]->u.s, a[1]->n, s + st, j - st))
                break;
            st = j;
        }
    if (right)
        while (en > st) {
            size_t p = prev_cp(s, en);
            if (!in_cut(a[1]->u.s, a[1]->n, s + p, en - p))
                break;
            en = p;
        }
    return rv_str(c, s + st, en - st);
}
static rv *b_trim(rctx *c, rv **a, size_t n) { (void)n; return trim_impl(c, a, "trim", 1, 1); }
static rv *b_trim_left(rctx *c, rv **a, size_t n) { (void)n; return trim_impl(c, a, "trim_left", 1, 0); }
static rv *b_trim_right(rctx *c, rv **a, size_t n) { (void)n; return trim_impl(c, a, "trim_right", 0, 1); }
static rv *b_trim_prefix(rctx *c, rv **a, size_t n)
{
    (void)n;
    STR_ARG(0, "trim_prefix");
    STR_ARG(1, "trim_prefix");
    if (a[1]->n <= a[0]->n && !memcmp(a[0]->u.s, a[1]->u.s, a[1]->n))
        return rv_str(c, a[0]->u.s + a[1]->n, a[0]->n - a[1]->n);
    return a[0];
}
static rv *b_trim_suffix(rctx *c, rv **a, size_t n)
{
    (void)n;
    STR_ARG(0, "trim_suffix");
    STR_ARG(1, "trim_suffix");
    if (a[1]->n <= a[0]->n && !memcmp(a[0]->u.s + a[0]->n - a[1]->n, a[1]->u.s, a[1]->n))
        return rv_str(c, a[0]->u.s, a[0]->n - a[1]->n);
    return a[0];
}
static rv *b_trim_space(rctx *c, rv **a, size_t n)
{
    (void)n;
    STR_ARG(0, "trim_space");
    const char *s = a[0]->u.s;
    size_t st = 0, en = a[0]->n;
    while (st < en && isspace((unsigned char)s[st]))
        st++;
    while (en > st && isspace((unsigned char)s[en - 1]))
        en--;
    return rv_str(c, s + st, en - st);
}

static int64_t cp_count(const char *s, size_t n)
{
    int64_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            k++;
    return k;
}
static size_t cp_offset(const char *s, size_t n, int64_t cp)
{
    size_t i = 0;
    while (cp > 0 && i < n) {
        i = utf8_next(s, n, i);
        cp--;
    }
    return i;
}

static rv *b_indexof(rctx *c, rv **a, size_t n)
{
    (void)n;
    STR_ARG(0, "indexof");
    STR_ARG(1, "indexof");
    const char *f = memfind(a[0]->u.s, a[0]->n, a[1]->u.s, a[1]->n);
    if (!f)
        return rv_int(c, -1);
    return rv_int(c, cp_count(a[0]->u.s, (size_t)(f - a[0]->u.s)));
}
static rv *b_indexof_n(rctx *c, rv **a, size_t n)
{
    (void)n;
    STR_ARG(0, "indexof_n");
    STR_ARG(1, "indexof_n");
    rvec out = {0};
    size_t i = 0;
    while (i <= a[0]->n) {
        const char *f = memfind(a[0]->u.s + i, a[0]->n - i, a[1]->u.s, a[1]->n);
        if (!f)
            break;
        size_t pos = (size_t)(f - a[0]->u.s);
        rvec_push(c, &out, rv_int(c, cp_count(a[0]->u.s, pos)));
        i = pos + (a[1]->n ? a[1]->n : 1);
    }
    return rv_arr(c, out.v, out.n);
}
static rv *b_substring(rctx *c, rv **a, size_t n)
{
    (void)n;
    STR_ARG(0, "substring");
    int64_t st, ln;
    if (a[1]->k != RV_NUM)
        return bi_type_err(c, "substring", 2, a[1], "number");
    if (a[2]->k != RV_NUM)
        return bi_type_err(c, "substring", 3, a[2], "number");
    if (!rv_num_to_i64(a[1], &st) || !rv_num_to_i64(a[2], &ln))
        return bi_err(c, "substring: operand must be integer");
    if (st < 0)
        return bi_err(c, "substring: negative offset");
    int64_t total = cp_count(a[0]->u.s, a[0]->n);
    if (st >= total)
        return rv_cstr(c, "");
    size_t b0 = cp_offset(a[0]->u.s, a[0]->n, st);
    size_t b1 = ln < 0 || st + ln >= total ? a[0]->n : cp_offset(a[0]->u.s, a[0]->n, st + ln);
    return rv_str(c, a[0]->u.s + b0, b1 - b0);
}
static rv *b_strings_reverse(rctx *c, rv **a, size_t n)
{
    (void)n;
    STR_ARG(0, "strings.reverse");
    char *buf = rg_alloc(c, a[0]->n + 1);
    if (!buf)
        return NULL;
    size_t o = a[0]->n;
    for (size_t i = 0; i < a[0]->n;) {
        size_t j = utf8_next(a[0]->u.s, a[0]->n, i);
        o -= j - i;
        RG_MEMCPY(buf + o, a[0]->u.s + i, j - i);
        i = j;
    }
    return rv_str(c, buf, a[0]->n);
}
static rv *b_strings_count(rctx *c, rv **a, size_t n)
{
    (void)n;
    STR_ARG(0, "strings.count");
    STR_ARG(1, "strings.count");
    if (!a[1]->n)
        return rv_int(c, cp_count(a[0]->u.s, a[0]->n) + 1);
    int64_t k = 0;
    size_t i = 0;
    const char *f;
    while ((f = memfind(a[0]->u.s + i, a[0]->n - i, a[1]->u.s, a[1]->n))) {
        k++;
        i = (size_t)(f - a[0]->u.s) + a[1]->n;
    }
    return rv_int(c, k);
}
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-security"
static rv *bi_type_err2(rctx *c, const char *fmt, const char *a1, const char *a2)
{
    rv *r = bi_err(c, fmt, a1, a2);
    c->err.code = "eval_type_error";
    return r;
}
static rv *any_fix(rctx *c, rv **a, const char *name, int suffix)
{
    rv *ss[1] = {a[0]}, *ps[1] = {a[1]};
    rv **sv = ss, **pv = ps;
    size_t sn = 1, pn = 1;
    if (a[0]->k == RV_ARR || a[0]->k == RV_SET) {
        sv = a[0]->u.a;
        sn = a[0]->n;
    } else if (a[0]->k != RV_STR)
        return bi_type_err(c, name, 1, a[0], "one of {string, set, array}");
    if (a[1]->k == RV_ARR || a[1]->k == RV_SET) {
        pv = a[1]->u.a;
        pn = a[1]->n;
    } else if (a[1]->k != RV_STR)
        return bi_type_err(c, name, 2, a[1], "one of {string, set, array}");
    for (size_t i = 0; i < sn; i++) {
        if (sv[i]->k != RV_STR)
            return bi_type_err2(c, "%s: operand 1 must be array of strings but got array containing %s", name, rv_type_name(sv[i]));
        for (size_t j = 0; j < pn; j++) {
            if (pv[j]->k != RV_STR)
                return bi_type_err2(c, "%s: operand 2 must be array of strings but got array containing %s", name, rv_type_name(pv[j]));
            rv *s = sv[i], *p = pv[j];
            if (p->n <= s->n &&
                !memcmp(suffix ? s->u.s + s->n - p->n : s->u.s, p->u.s, p->n))
                return rv_bool(1);
        }
    }
    return rv_bool(0);
}
static rv *b_any_prefix(rctx *c, rv **a, size_t n) { (void)n; return any_fix(c, a, "strings.any_prefix_match", 0); }
static rv *b_any_suffix(rctx *c, rv **a, size_t n) { (void)n; return any_fix(c, a, "strings.any_suffix_match", 1); }

static rv *b_format_int(rctx *c, rv **a, size_t n)
{
    (void)n;
    if (a[0]->k != RV_NUM)
        return bi_type_err(c, "format_int", 1, a[0], "number");
    if (a[1]->k != RV_NUM)
        return bi_type_err(c, "format_int", 2, a[1], "number");
    int64_t base;
    if (!rv_num_to_i64(a[1], &base) || (base != 2 && base != 8 && base != 10 && base != 16))
    {
        bi_err(c, "format_int: operand 2 must be one of {2, 8, 10, 16}");
        c->err.code = "eval_type_error";
        return NULL;
    }
    double f = rv_num_to_f(a[0]);
    int64_t v = (int64_t)(f < 0 ? ceil(f) : floor(f));
    if (a[0]->nk == NUM_INT)
        v = a[0]->u.i;
    char buf[80];
    int neg = v < 0;
    uint64_t u = neg ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    size_t o = sizeof buf;
    buf[--o] = 0;
    do {
        buf[--o] = "0123456789abcdef"[u % (uint64_t)base];
        u /= (uint64_t)base;
    } while (u);
    if (neg)
        buf[--o] = '-';
    return rv_cstr(c, buf + o);
}

/* ---- sprintf ---------------------------------------------------------------- */
static void go_value(cg_buf *b, const rv *v)
{
    /* %v as OPA prints terms: strings bare at top level */
    if (v->k == RV_STR)
        cg_buf_append(b, v->u.s, v->n);
    else
        rv_write_rego(b, v);
}

#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static rv *b_sprintf(rctx *c, rv **a, size_t n)
{
    (void)n;
    STR_ARG(0, "sprintf");
    if (a[1]->k != RV_ARR)
        return bi_type_err(c, "sprintf", 2, a[1], "array");
    const char *f = a[0]->u.s;
    size_t fn = a[0]->n, ai = 0;
    rv *args = a[1];
    cg_buf b = CG_BUF_INIT;
    for (size_t i = 0; i < fn; i++) {
        if (f[i] != '%') {
            cg_buf_putc(&b, f[i]);
            continue;
        }
        if (++i >= fn) {
            cg_buf_puts(&b, "%!(NOVERB)");
            break;
        }
        if (f[i] == '%') {
            cg_buf_putc(&b, '%');
            continue;
        }
        char spec[32];
        size_t sp = 0;
        spec[sp++] = '%';
        while (i < fn && strchr("+-# 0", f[i]) && sp < 20)
            spec[sp++] = f[i++];
        while (i < fn && isdigit((unsigned char)f[i]) && sp < 24)
            spec[sp++] = f[i++];
        int prec = -1;
        if (i < fn && f[i] == '.') {
            spec[sp++] = f[i++];
            prec = 0;
            while (i < fn && isdigit((unsigned char)f[i]) && sp < 28) {
                prec = prec * 10 + (f[i] - '0');
                spec[sp++] = f[i++];
            }
        }
        if (i >= fn)
            break;
        char verb = f[i];
        if (ai >= args->n) {
            cg_buf_printf(&b, "%%!%c(MISSING)", verb);
            continue;
        }
        rv *x = args->u.a[ai++];
        switch (verb) {
        case 'd':
            if (x->k == RV_NUM && rv_num_is_int(x)) {
                if (x->nk == NUM_BIG) {
                    cg_buf_puts(&b, x->u.s);
                    break;
                }
                int64_t v;
                rv_num_to_i64(x, &v);
                spec[sp++] = 'l';
                spec[sp++] = 'l';
                spec[sp++] = 'd';
                spec[sp] = 0;
                cg_buf_printf(&b, spec, (long long)v);
            } else if (x->k == RV_NUM) {
                cg_buf_puts(&b, "%!d(big.Float=");
                rv_num_write(&b, x);
                cg_buf_putc(&b, ')');
            } else {
                cg_buf_puts(&b, "%!d(string=");
                go_value(&b, x);
                cg_buf_putc(&b, ')');
            }
            break;
        case 'f':
        case 'e':
        case 'g':
        case 'E':
        case 'G':
            if (x->k == RV_NUM) {
                spec[sp++] = verb;
                spec[sp] = 0;
                if (verb == 'f' && prec < 0 && sp == 2) {
                    /* Go big.Float %f default precision is 6 */
                    cg_buf_printf(&b, "%f", rv_num_to_f(x));
                } else if (verb == 'g' && prec < 0) {
                    cg_buf tmp = CG_BUF_INIT;
                    rv_num_write(&tmp, x);
                    cg_buf_puts(&b, cg_buf_str(&tmp));
                    cg_buf_free(&tmp);
                } else
                    cg_buf_printf(&b, spec, rv_num_to_f(x));
            } else {
                cg_buf_printf(&b, "%%!%c(string=", verb);
                go_value(&b, x);
                cg_buf_putc(&b, ')');
            }
            break;
        case 's':
        case 'v':
            if (sp > 1 && x->k == RV_STR) {
                cg_buf tmp = CG_BUF_INIT;
                go_value(&tmp, x);
                spec[sp++] = 's';
                spec[sp] = 0;
                cg_buf_printf(&b, spec, cg_buf_str(&tmp));
                cg_buf_free(&tmp);
            } else
                go_value(&b, x);
            break;
        case 'q':
            if (x->k == RV_STR)
                rv_write_json(&b, x, 0, 0);
            else
                go_value(&b, x);
            break;
        case 'x':
        case 'X':
        case 'o':
        case 'b':
            if (x->k == RV_NUM && rv_num_is_int(x)) {
                int64_t v;
                rv_num_to_i64(x, &v);
                if (verb == 'b') {
                    char tmp[80];
                    size_t o = sizeof tmp;
                    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
                    tmp[--o] = 0;
                    do {
                        tmp[--o] = (char)('0' + (u & 1));
                        u >>= 1;
                    } while (u);
                    if (v < 0)
                        tmp[--o] = '-';
                    cg_buf_puts(&b, tmp + o);
                } else {
                    spec[sp++] = 'l';
                    spec[sp++] = 'l';
                    spec[sp++] = verb;
                    spec[sp] = 0;
                    cg_buf_printf(&b, spec, (long long)v);
                }
            } else if (x->k == RV_STR && (verb == 'x' || verb == 'X')) {
                for (size_t k = 0; k < x->n; k++)
                    cg_buf_printf(&b, verb == 'x' ? "%02x" : "%02X", (unsigned char)x->u.s[k]);
            } else
                go_value(&b, x);
            break;
        case 't':
            if (x->k == RV_BOOL)
                cg_buf_puts(&b, x->u.b ? "true" : "false");
            else {
                cg_buf_puts(&b, "%!t(");
                go_value(&b, x);
                cg_buf_putc(&b, ')');
            }
            break;
        default:
            cg_buf_printf(&b, "%%!%c(", verb);
            go_value(&b, x);
            cg_buf_putc(&b, ')');
        }
        if (b.len > c->mem_cap) {
            cg_buf_free(&b);
            return bi_limit(c, "sprintf: result exceeds the memory limit");
        }
    }
    if (ai < args->n) {
        cg_buf_puts(&b, "%!(EXTRA ");
        for (size_t k = ai; k < args->n; k++) {
            if (k > ai)
                cg_buf_puts(&b, ", ");
            cg_buf_printf(&b, "%s=", args->u.a[k]->k == RV_STR ? "string" : "*ast.Term");
            go_value(&b, args->u.a[k]);
        }
        cg_buf_putc(&b, ')');
    }
    rv *r = rv_str(c, b.data ? b.data : "", b.len);
    cg_buf_free(&b);
    return r;
}

/* ---- regex ------------------------------------------------------------------ */
#define RE_CACHE 32
static struct {
    char *pat;
    size_t n;
    rg_re2 *re;
} g_rec[RE_CACHE];
static unsigned g_rec_next;

static rg_re2 *re_get(rctx *c, rv *p, const char *name)
{
    for (int i = 0; i < RE_CACHE; i++)
        if (g_rec[i].re && g_rec[i].n == p->n && !memcmp(g_rec[i].pat, p->u.s, p->n))
            return g_rec[i].re;
    char why[256];
    rg_re2 *re = rg_re2_new(p->u.s, p->n, why, sizeof why);
    if (!re) {
        bi_err(c, "%s: error parsing regexp: %s", name, why);
        return NULL;
    }
    unsigned slot = g_rec_next++ % RE_CACHE;
    if (g_rec[slot].re) {
        rg_re2_free(g_rec[slot].re);
        free(g_rec[slot].pat);
    }
    g_rec[slot].pat = malloc(p->n + 1);
    if (!g_rec[slot].pat) {
        rg_re2_free(re);
        g_rec[slot].re = NULL;
        bi_err(c, "%s: out of memory", name);
        return NULL;
    }
    RG_MEMCPY(g_rec[slot].pat, p->u.s, p->n);
    g_rec[slot].n = p->n;
    g_rec[slot].re = re;
    return re;
}

static rv *b_regex_match(rctx *c, rv **a, size_t n)
{
    (void)n;
    STR_ARG(0, "regex.match");
    STR_ARG(1, "regex.match");
    rg_re2 *re = re_get(c, a[0], "regex.match");
    if (!re)
        return NULL;
    return rv_bool(rg_re2_match(re, a[1]->u.s, a[1]->n));
}
static rv *b_regex_is_valid(rctx *c, rv **a, size_t n)
{
    (void)n;
    if (a[0]->k != RV_STR)
        return rv_bool(0);
    rg_re2 *re = rg_re2_new(a[0]->u.s, a[0]->n, NULL, 0);
    if (!re)
        return rv_bool(0);
    rg_re2_free(re);
    (void)c;
    return rv_bool(1);
}

static int re_iter(rctx *c, rg_re2 *re, rv *s, int64_t lim, rvec *starts, rvec *groups, int want_groups)
{
    long offs[64];
    size_t pos = 0;
    int ng = rg_re2_ngroups(re) + 1;
    if (ng > 32)
        ng = 32;
    int64_t cnt = 0;
    long prev_end = -1;
    while (pos <= s->n && (lim < 0 || cnt < lim)) {
        if (!rg_re2_find(re, s->u.s, s->n, pos, offs, ng * 2))
            break;
        if (offs[1] == offs[0] && offs[0] == prev_end) {
            /* empty match right after the previous match: advance */
            if ((size_t)offs[0] >= s->n)
                break;
            pos = utf8_next(s->u.s, s->n, (size_t)offs[0]);
            continue;
        }
        if (want_groups) {
            rvec g = {0};
            for (int i = 0; i < ng; i++)
                rvec_push(c, &g, offs[2 * i] < 0 ? rv_cstr(c, "")
                                                 : rv_str(c, s->u.s + offs[2 * i], (size_t)(offs[2 * i + 1] - offs[2 * i])));
            rvec_push(c, groups, rv_arr(c, g.v, g.n));
        }
        rvec_push(c, starts, rv_int(c, offs[0]));
        rvec_push(c, starts, rv_int(c, offs[1]));
        cnt++;
        prev_end = offs[1];
        if (offs[1] == offs[0]) {
            if ((size_t)offs[1] >= s->n)
                break;
            pos = utf8_next(s->u.s, s->n, (size_t)offs[1]);
        } else
            pos = (size_t)offs[1];
        if (rg_check_limits(c))
            return -1;
    }
    return 0;
}

static rv *b_regex_find_n(rctx *c, rv **a, size_t n)
{
    (void)n;
    STR_ARG(0, "regex.find_n");
    STR_ARG(1, "regex.find_n");
    int64_t lim;
    if (a[2]->k != RV_NUM || !rv_num_to_i64(a[2], &lim))
        return bi_type_err(c, "regex.find_n", 3, a[2], "number");
    rg_re2 *re = re_get(c, a[0], "regex.find_n");
    if (!re)
        return NULL;
    rvec st = {0}, g = {0};
    if (re_iter(c, re, a[1], lim, &st, &g, 0))
        return NULL;
    rvec out = {0};
    for (size_t i = 0; i + 1 < st.n; i += 2)
        rvec_push(c, &out, rv_str(c, a[1]->u.s + st.v[i]->u.i, (size_t)(st.v[i + 1]->u.i - st.v[i]->u.i)));
    return rv_arr(c, out.v, out.n);
}
static rv *b_regex_find_all_sub(rctx *c, rv **a, size_t n)
{
    (void)n;
    STR_ARG(0, "regex.find_all_string_submatch_n");
    STR_ARG(1, "regex.find_all_string_submatch_n");
    int64_t lim;
    if (a[2]->k != RV_NUM || !rv_num_to_i64(a[2], &lim))
        return bi_type_err(c, "regex.find_all_string_submatch_n", 3, a[2], "number");
    rg_re2 *re = re_get(c, a[0], "regex.find_all_string_submatch_n");
    if (!re)
        return NULL;
    rvec st = {0}, g = {0};
    if (re_iter(c, re, a[1], lim, &st, &g, 1))
        return NULL;
    return rv_arr(c, g.v, g.n);
}
static rv *b_regex_split(rctx *c, rv **a, size_t n)
{
    (void)n;
    STR_ARG(0, "regex.split");
    STR_ARG(1, "regex.split");
    rg_re2 *re = re_get(c, a[0], "regex.split");
    if (!re)
        return NULL;
    rvec st = {0}, g = {0};
    if (re_iter(c, re, a[1], -1, &st, &g, 0))
        return NULL;
    rvec out = {0};
    int64_t beg = 0;
    for (size_t i = 0; i + 1 < st.n; i += 2) {
        int64_t s0 = st.v[i]->u.i, e0 = st.v[i + 1]->u.i;
        if (e0 == 0)
            continue;
        rvec_push(c, &out, rv_str(c, a[1]->u.s + beg, (size_t)(s0 - beg)));
        beg = e0;
    }
    rvec_push(c, &out, rv_str(c, a[1]->u.s + beg, a[1]->n - (size_t)beg));
    return rv_arr(c, out.v, out.n);
}
static rv *b_regex_replace(rctx *c, rv **a, size_t n)
{
    (void)n;
    STR_ARG(0, "regex.replace");
    STR_ARG(1, "regex.replace");
    STR_ARG(2, "regex.replace");
    rg_re2 *re = re_get(c, a[1], "regex.replace");
    if (!re)
        return NULL;
    rvec st = {0}, g = {0};
    if (re_iter(c, re, a[0], -1, &st, &g, 1))
        return NULL;
    cg_buf b = CG_BUF_INIT;
    int64_t beg = 0;
    rv *s = a[0], *rep = a[2];
    for (size_t i = 0, gi = 0; i + 1 < st.n; i += 2, gi++) {
        int64_t s0 = st.v[i]->u.i, e0 = st.v[i + 1]->u.i;
        cg_buf_append(&b, s->u.s + beg, (size_t)(s0 - beg));
        rv *grp = g.v[gi];
        /* Go's Expand: $1, ${1}, $name unsupported -> empty */
        for (size_t k = 0; k < rep->n; k++) {
            if (rep->u.s[k] != '$' || k + 1 >= rep->n) {
                cg_buf_putc(&b, rep->u.s[k]);
                continue;
            }
            if (rep->u.s[k + 1] == '$') {
                cg_buf_putc(&b, '$');
                k++;
                continue;
            }
            size_t j = k + 1;
            int brace = rep->u.s[j] == '{';
            if (brace)
                j++;
            size_t ds = j;
            while (j < rep->n && (isalnum((unsigned char)rep->u.s[j]) || rep->u.s[j] == '_'))
                j++;
            if (j == ds || (brace && (j >= rep->n || rep->u.s[j] != '}'))) {
                cg_buf_putc(&b, '$');
                continue;
            }
            int allnum = 1;
            long gnum = 0;
            for (size_t q = ds; q < j; q++) {
                if (!isdigit((unsigned char)rep->u.s[q]))
                    allnum = 0;
                else
                    gnum = gnum * 10 + (rep->u.s[q] - '0');
            }
            if (allnum && gnum >= 0 && (size_t)gnum < grp->n)
                cg_buf_append(&b, grp->u.a[gnum]->u.s, grp->u.a[gnum]->n);
            k = brace ? j : j - 1;
        }
        beg = e0;
    }
    cg_buf_append(&b, s->u.s + beg, s->n - (size_t)beg);
    rv *r = rv_str(c, b.data ? b.data : "", b.len);
    cg_buf_free(&b);
    return r;
}

/* ---- glob ------------------------------------------------------------------- */
static int glob_m(const char *p, size_t pn, const char *s, size_t sn, const char *delims, size_t dn, int depth)
{
    if (depth > 200)
        return 0;
    size_t pi = 0, si = 0;
    while (pi < pn) {
        char ch = p[pi];
        if (ch == '*') {
            int dbl = pi + 1 < pn && p[pi + 1] == '*';
            size_t np = pi + (dbl ? 2 : 1);
            for (size_t k = si;; k++) {
                if (glob_m(p + np, pn - np, s + k, sn - k, delims, dn, depth + 1))
                    return 1;
                if (k >= sn)
                    return 0;
                if (!dbl && memchr(delims, s[k], dn))
                    return 0;
            }
        }
        if (ch == '?') {
            if (si >= sn || memchr(delims, s[si], dn))
                return 0;
            si = utf8_next(s, sn, si);
            pi++;
            continue;
        }
        if (ch == '[') {
            size_t e = pi + 1;
            int neg = 0;
            if (e < pn && (p[e] == '!' || p[e] == '^')) {
                neg = 1;
                e++;
            }
            size_t cls = e;
            while (e < pn && p[e] != ']')
                e++;
            if (e >= pn || si >= sn)
                return 0;
            int hit = 0;
            for (size_t k = cls; k < e; k++) {
                if (k + 2 < e && p[k + 1] == '-') {
                    if (s[si] >= p[k] && s[si] <= p[k + 2])
                        hit = 1;
                    k += 2;
                } else if (p[k] == s[si])
                    hit = 1;
            }
            if (hit == neg)
                return 0;
            si++;
            pi = e + 1;
            continue;
        }
        if (ch == '{') {
            size_t e = pi + 1;
            int depthb = 1;
            while (e < pn && depthb) {
                if (p[e] == '{')
                    depthb++;
                else if (p[e] == '}')
                    depthb--;
                e++;
            }
            if (depthb)
                return 0;
            size_t alt = pi + 1;
            for (size_t k = pi + 1; k < e; k++) {
                if (p[k] == ',' || k == e - 1) {
                    char buf[4096];
                    size_t l1 = k - alt, rest = pn - e;
                    if (l1 + rest >= sizeof buf)
                        return 0;
                    RG_MEMCPY(buf, p + alt, l1);
                    RG_MEMCPY(buf + l1, p + e, rest);
                    if (glob_m(buf, l1 + rest, s + si, sn - si, delims, dn, depth + 1))
                        return 1;
                    alt = k + 1;
                }
            }
            return 0;
        }
        if (ch == '\\' && pi + 1 < pn) {
            pi++;
            ch = p[pi];
        }
        if (si >= sn || s[si] != ch)
            return 0;
        si++;
        pi++;
    }
    return si == sn;
}
static rv *b_glob_match(rctx *c, rv **a, size_t n)
{
    (void)n;
    STR_ARG(0, "glob.match");
    STR_ARG(2, "glob.match");
    char delims[64];
    size_t dn = 0;
    if (a[1]->k == RV_NULL) {
        dn = 0;
    } else if (a[1]->k == RV_ARR) {
        if (a[1]->n == 0)
            delims[dn++] = '.';
        for (size_t i = 0; i < a[1]->n; i++) {
            rv *d = a[1]->u.a[i];
            if (d->k != RV_STR)
                return bi_type_err(c, "glob.match", 2, a[1], "array[string]");
            for (size_t k = 0; k < d->n && dn < sizeof delims; k++)
                delims[dn++] = d->u.s[k];
        }
    } else
        return bi_type_err(c, "glob.match", 2, a[1], "array[string]");
    return rv_bool(glob_m(a[0]->u.s, a[0]->n, a[2]->u.s, a[2]->n, delims, dn, 0));
}
static rv *b_glob_quote_meta(rctx *c, rv **a, size_t n)
{
    (void)n;
    STR_ARG(0, "glob.quote_meta");
    cg_buf b = CG_BUF_INIT;
    for (size_t i = 0; i < a[0]->n; i++) {
        if (strchr("*?\\[]{}", a[0]->u.s[i]))
            cg_buf_putc(&b, '\\');
        cg_buf_putc(&b, a[0]->u.s[i]);
    }
    rv *r = rv_str(c, b.data ? b.data : "", b.len);
    cg_buf_free(&b);
    return r;
}

const builtin rg_bi_str[] = {
    {"concat", 2, b_concat, NULL},
    {"contains", 2, b_contains, NULL},
    {"startswith", 2, b_startswith, NULL},
    {"endswith", 2, b_endswith, NULL},
    {"lower", 1, b_lower, NULL},
    {"upper", 1, b_upper, NULL},
    {"split", 2, b_split, NULL},
    {"strings.split_n", 3, b_strings_split_n, NULL},
    {"replace", 3, b_replace, NULL},
    {"strings.replace_n", 2, b_strings_replace_n, NULL},
    {"trim", 2, b_trim, NULL},
    {"trim_left", 2, b_trim_left, NULL},
    {"trim_right", 2, b_trim_right, NULL},
    {"trim_prefix", 2, b_trim_prefix, NULL},
    {"trim_suffix", 2, b_trim_suffix, NULL},
    {"trim_space", 1, b_trim_space, NULL},
    {"indexof", 2, b_indexof, NULL},
    {"indexof_n", 2, b_indexof_n, NULL},
    {"substring", 3, b_substring, NULL},
    {"strings.reverse", 1, b_strings_reverse, NULL},
    {"strings.count", 2, b_strings_count, NULL},
    {"strings.any_prefix_match", 2, b_any_prefix, NULL},
    {"strings.any_suffix_match", 2, b_any_suffix, NULL},
    {"format_int", 2, b_format_int, NULL},
    {"sprintf", 2, b_sprintf, NULL},
    {"regex.match", 2, b_regex_match, NULL},
    {"re_match", 2, b_regex_match, NULL},
    {"regex.is_valid", 1, b_regex_is_valid, NULL},
    {"regex.find_n", 3, b_regex_find_n, NULL},
    {"regex.find_all_string_submatch_n", 3, b_regex_find_all_sub, NULL},
    {"regex.split", 2, b_regex_split, NULL},
    {"regex.replace", 3, b_regex_replace, NULL},
    {"glob.match", 3, b_glob_match, NULL},
    {"glob.quote_meta", 1, b_glob_quote_meta, NULL},
    {NULL, 0, NULL, NULL},
};

/*
 * jwrite.c - the streaming JSON writer (see jwrite.h): what jansson's
 * json_dumps(JSON_INDENT(2) | JSON_PRESERVE_ORDER) writes, without a tree.
 */
#include "core/jwrite.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cg_jw_init(cg_jw *w, cg_buf *b)
{
    w->b = b;
    w->depth = 0;
    w->first = 1;
    w->st = CG_OK;
    w->sink = NULL;
    w->sink_ud = NULL;
    w->sink_err = NULL;
}

void cg_jw_init_sink(cg_jw *w, cg_buf *b, cg_sink_fn sink, void *ud, cg_error *err)
{
    cg_jw_init(w, b);
    w->sink = sink;
    w->sink_ud = ud;
    w->sink_err = err;
}

void cg_jw_flush(cg_jw *w)
{
    if (w->st == CG_OK && w->sink && w->b->len) {
        w->st = w->sink(w->sink_ud, w->b->data, w->b->len, w->sink_err);
        cg_buf_reset(w->b);
    }
}

size_t cg_utf8_seq(const unsigned char *s)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        return (s[1] & 0xc0) == 0x80 ? 2 : 0;
    if (c >= 0xe0 && c <= 0xef) {
        if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
            return 0;
        if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] >= 0xa0))
            return 0; /* overlong or surrogate */
        return 3;
    }
    if (c >= 0xf0 && c <= 0xf4) {
        if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
            return 0;
        if ((c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] >= 0x90))
            return 0;
        return 4;
    }
    return 0;
}

static void put(cg_jw *w, const void *p, size_t n)
{
    if (w->st == CG_OK && n)
        w->st = cg_buf_append(w->b, p, n);
    if (w->sink && w->b->len >= CG_JW_CHUNK)
        cg_jw_flush(w);
}

void cg_jw_raw(cg_jw *w, const char *s)
{
    put(w, s, strlen(s));
}

static void indent(cg_jw *w)
{
    static const char sp[] = "\n                                                                ";
    size_t n = 1 + 2 * (size_t)w->depth;
    put(w, sp, n < sizeof sp - 1 ? n : sizeof sp - 1);
}

void cg_jw_str(cg_jw *w, const char *s)
{
    if (!s) {
        cg_jw_raw(w, "null");
        return;
    }
    put(w, "\"", 1);
    const unsigned char *p = (const unsigned char *)s, *run = p;
    while (*p && w->st == CG_OK) {
        unsigned char c = *p;
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
            p++;
            continue;
        }
        size_t k = c < 0x80 ? 1 : cg_utf8_seq(p);
        if (k > 1) { /* valid multi-byte sequence: as it is */
            p += k;
            continue;
        }
        put(w, run, (size_t)(p - run));
        char esc[8];
        switch (c) {
        case '"': cg_jw_raw(w, "\\\""); break;
        case '\\': cg_jw_raw(w, "\\\\"); break;
        case '\b': cg_jw_raw(w, "\\b"); break;
        case '\f': cg_jw_raw(w, "\\f"); break;
        case '\n': cg_jw_raw(w, "\\n"); break;
        case '\r': cg_jw_raw(w, "\\r"); break;
        case '\t': cg_jw_raw(w, "\\t"); break;
        default:
            if (c < 0x20) {
                snprintf(esc, sizeof esc, "\\u%04X", c);
                cg_jw_raw(w, esc);
            } else {
                put(w, "\xef\xbf\xbd", 3); /* an invalid byte: U+FFFD */
            }
        }
        run = ++p;
    }
    put(w, run, (size_t)(p - run));
    put(w, "\"", 1);
}

void cg_jw_int(cg_jw *w, long long v)
{
    char tmp[24];
    snprintf(tmp, sizeof tmp, "%lld", v);
    cg_jw_raw(w, tmp);
}

void cg_jw_num(cg_jw *w, double d)
{
    char tmp[40];
    if (!isfinite(d)) {
        cg_jw_raw(w, "null");
        return;
    }
    if (d == 0)
        d = 0; /* no "-0" */
    for (int p = 1; p <= 17; p++) {
        snprintf(tmp, sizeof tmp, "%.*g", p, d);
        if (strtod(tmp, NULL) == d)
            break;
    }
    cg_jw_raw(w, tmp);
}

void cg_jw_real(cg_jw *w, double d)
{
    cg_jw_real_prec(w, d, 10);
}

void cg_jw_real_prec(cg_jw *w, double d, int prec)
{
    char tmp[48];
    if (!isfinite(d)) {
        cg_jw_raw(w, "null");
        return;
    }
    int n = snprintf(tmp, sizeof tmp - 2, "%.*g", prec, d);
    if (n > 0 && !strpbrk(tmp, ".eE"))
        memcpy(tmp + n, ".0", 3);
    /* as jansson: no '+' and no leading zeros in the exponent ("1e20", "5e-7") */
    char *e = strchr(tmp, 'e');
    if (e) {
        char *dst = e + 1, *src = e + 1;
        if (*src == '+')
            src++;
        else if (*src == '-')
            *dst++ = *src++;
        while (*src == '0' && src[1])
            src++;
        memmove(dst, src, strlen(src) + 1);
    }
    cg_jw_raw(w, tmp);
}

void cg_jw_key(cg_jw *w, const char *k)
{
    if (!w->first)
        put(w, ",", 1);
    w->first = 0;
    indent(w);
    cg_jw_str(w, k);
    put(w, ": ", 2);
}

void cg_jw_elem(cg_jw *w)
{
    if (!w->first)
        put(w, ",", 1);
    w->first = 0;
    indent(w);
}

void cg_jw_open(cg_jw *w, const char *brace)
{
    cg_jw_raw(w, brace);
    w->depth++;
    w->first = 1;
}

void cg_jw_close(cg_jw *w, const char *brace)
{
    w->depth--;
    if (!w->first)
        indent(w);
    cg_jw_raw(w, brace);
    w->first = 0;
}

void cg_jw_kstr(cg_jw *w, const char *k, const char *v)
{
    cg_jw_key(w, k);
    cg_jw_str(w, v);
}

void cg_jw_kopt(cg_jw *w, const char *k, const char *v)
{
    if (v)
        cg_jw_kstr(w, k, v);
}

void cg_jw_kint(cg_jw *w, const char *k, long long v)
{
    cg_jw_key(w, k);
    cg_jw_int(w, v);
}

void cg_jw_knum(cg_jw *w, const char *k, double v)
{
    cg_jw_key(w, k);
    cg_jw_num(w, v);
}

void cg_jw_kreal(cg_jw *w, const char *k, double v)
{
    cg_jw_key(w, k);
    cg_jw_real(w, v);
}

void cg_jw_kbool(cg_jw *w, const char *k, int v)
{
    cg_jw_key(w, k);
    cg_jw_raw(w, v ? "true" : "false");
}

void cg_jw_kstrs(cg_jw *w, const char *k, const char *const *v, size_t n, int skip_null)
{
    cg_jw_key(w, k);
    cg_jw_open(w, "[");
    for (size_t i = 0; i < n; i++) {
        if (!v[i] && skip_null)
            continue;
        cg_jw_elem(w);
        cg_jw_str(w, v[i]);
    }
    cg_jw_close(w, "]");
}

/*
 * buf.c - growable buffer.  Doubling growth, overflow-checked, optionally capped.
 * Callers that fill a buffer from untrusted input set max so that a hostile file
 * produces CG_ERR_LIMIT instead of exhausting memory.
 */
#include "cgate/buf.h"
#include "core/oom.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cg_buf_init(cg_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void cg_buf_free(cg_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void cg_buf_reset(cg_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

cg_status cg_buf_reserve(cg_buf *b, size_t extra)
{
    if (extra > SIZE_MAX - b->len - 1)
        return CG_ERR_LIMIT;
    size_t need = b->len + extra + 1;
    if (b->max && b->len + extra > b->max)
        return CG_ERR_LIMIT;
    if (need <= b->cap)
        return CG_OK;
    size_t ncap = b->cap ? b->cap : 64;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2) {
            ncap = need;
            break;
        }
        ncap *= 2;
    }
    char *p = realloc(b->data, ncap);
    if (!p) {
        cg_oom_note();
        return CG_ERR_NOMEM;
    }
    b->data = p;
    b->cap = ncap;
    return CG_OK;
}

cg_status cg_buf_append(cg_buf *b, const void *p, size_t n)
{
    cg_status st = cg_buf_reserve(b, n);
    if (st != CG_OK)
        return st;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return CG_OK;
}

cg_status cg_buf_puts(cg_buf *b, const char *s)
{
    return cg_buf_append(b, s, strlen(s));
}

cg_status cg_buf_putc(cg_buf *b, char c)
{
    return cg_buf_append(b, &c, 1);
}

cg_status cg_buf_vprintf(cg_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return CG_ERR_INTERNAL;
    cg_status st = cg_buf_reserve(b, (size_t)n);
    if (st != CG_OK)
        return st;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return CG_OK;
}

cg_status cg_buf_printf(cg_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cg_status st = cg_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return st;
}

char *cg_buf_detach(cg_buf *b, size_t *len_out)
{
    if (!b->data && cg_buf_reserve(b, 0) != CG_OK)
        return NULL;
    char *p = b->data;
    if (len_out)
        *len_out = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

const char *cg_buf_str(const cg_buf *b)
{
    return b->data ? b->data : "";
}

/*
 * jsplit.c - the structure walker of jsplit.h: byte ranges of JSON values,
 * members and elements, so a large document can be parsed piece by piece.
 */
#include "core/jsplit.h"

static int is_ws(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

size_t cg_jsplit_ws(const cg_jsplit *j, size_t pos)
{
    while (pos < j->len && is_ws(j->buf[pos]))
        pos++;
    return pos;
}

/* One past the closing quote of the string whose opening quote is at pos, 0 if none. */
static size_t string_end(const cg_jsplit *j, size_t pos)
{
    for (size_t i = pos + 1; i < j->len; i++) {
        if (j->buf[i] == '"')
            return i + 1;
        if (j->buf[i] == '\\')
            i++;
    }
    return 0;
}

size_t cg_jsplit_value_end(const cg_jsplit *j, size_t pos)
{
    size_t p = cg_jsplit_ws(j, pos);
    if (p >= j->len)
        return 0;
    uint8_t c = j->buf[p];
    if (c == '"')
        return string_end(j, p);
    if (c == '{' || c == '[') {
        int depth = 0;
        for (size_t i = p; i < j->len; i++) {
            uint8_t d = j->buf[i];
            if (d == '"') {
                size_t e = string_end(j, i);
                if (!e)
                    return 0;
                i = e - 1;
            } else if (d == '{' || d == '[') {
                if (++depth > CG_JSPLIT_MAX_DEPTH)
                    return 0;
            } else if (d == '}' || d == ']') {
                if (--depth == 0)
                    return i + 1;
            }
        }
        return 0;
    }
    size_t i = p;
    while (i < j->len && !is_ws(j->buf[i]) && j->buf[i] != ',' && j->buf[i] != '}' && j->buf[i] != ']' &&
           j->buf[i] != ':' && j->buf[i] != '{' && j->buf[i] != '[' && j->buf[i] != '"')
        i++;
    return i > p ? i : 0;
}

static int next(const cg_jsplit *j, size_t *pos, int *first, int object, cg_jrange *out, int lazy);

int cg_jsplit_next(const cg_jsplit *j, size_t *pos, int *first, int object, cg_jrange *out)
{
    return next(j, pos, first, object, out, 0);
}

int cg_jsplit_next_lazy(const cg_jsplit *j, size_t *pos, int *first, int object, cg_jrange *out)
{
    return next(j, pos, first, object, out, 1);
}

static int next(const cg_jsplit *j, size_t *pos, int *first, int object, cg_jrange *out, int lazy)
{
    uint8_t open = object ? '{' : '[', close = object ? '}' : ']';
    size_t p = cg_jsplit_ws(j, *pos);
    if (p >= j->len)
        return -1;
    if (*first) {
        if (j->buf[p] != open)
            return -1;
        *first = 0;
        p = cg_jsplit_ws(j, p + 1);
        if (p < j->len && j->buf[p] == close) {
            *pos = p + 1;
            return 0;
        }
    } else {
        if (j->buf[p] == close) {
            *pos = p + 1;
            return 0;
        }
        if (j->buf[p] != ',')
            return -1;
        p = cg_jsplit_ws(j, p + 1);
    }
    if (p >= j->len)
        return -1;
    out->key = out->key_len = 0;
    if (object) {
        if (j->buf[p] != '"')
            return -1;
        size_t e = string_end(j, p);
        if (!e)
            return -1;
        out->key = p + 1;
        out->key_len = e - 1 - (p + 1);
        p = cg_jsplit_ws(j, e);
        if (p >= j->len || j->buf[p] != ':')
            return -1;
        p = cg_jsplit_ws(j, p + 1);
    }
    if (p >= j->len)
        return -1;
    if (lazy && (j->buf[p] == '[' || j->buf[p] == '{')) {
        out->val = p;
        out->val_end = 0;
        *pos = p;
        return 1;
    }
    size_t end = cg_jsplit_value_end(j, p);
    if (!end)
        return -1;
    out->val = p;
    out->val_end = end;
    *pos = end;
    return 1;
}

/*
 * error.c - cg_error: one status plus one human message, built from the inside
 * out.  Messages are truncated at CG_ERROR_MSG_MAX rather than allocated, so
 * reporting an error can never itself fail.
 */
#include "cgate/error.h"

#include <stdio.h>
#include <string.h>

void cg_error_clear(cg_error *err)
{
    if (!err)
        return;
    err->status = CG_OK;
    err->msg[0] = '\0';
}

cg_status cg_error_vset(cg_error *err, cg_status st, const char *fmt, va_list ap)
{
    if (!err)
        return st;
    err->status = st;
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    return st;
}

cg_status cg_error_set(cg_error *err, cg_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cg_error_vset(err, st, fmt, ap);
    va_end(ap);
    return st;
}

cg_status cg_error_prefix(cg_error *err, const char *fmt, ...)
{
    if (!err)
        return CG_ERR_INTERNAL;
    char prefix[CG_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    if (n < 0)
        return err->status;
    /* Build "<prefix>: <old>" by hand: truncation is intended, not a bug. */
    char joined[CG_ERROR_MSG_MAX];
    size_t pl = strnlen(prefix, sizeof joined - 1);
    memcpy(joined, prefix, pl);
    size_t pos = pl;
    for (const char *s = ": "; *s && pos < sizeof joined - 1; s++)
        joined[pos++] = *s;
    size_t ml = strnlen(err->msg, sizeof err->msg);
    if (ml > sizeof joined - 1 - pos)
        ml = sizeof joined - 1 - pos;
    memcpy(joined + pos, err->msg, ml);
    joined[pos + ml] = '\0';
    memcpy(err->msg, joined, pos + ml + 1);
    return err->status;
}

const char *cg_status_name(cg_status st)
{
    switch (st) {
    case CG_OK: return "ok";
    case CG_ERR_USAGE: return "usage error";
    case CG_ERR_INPUT: return "bad input";
    case CG_ERR_IO: return "i/o error";
    case CG_ERR_LIMIT: return "limit exceeded";
    case CG_ERR_NETWORK: return "network error";
    case CG_ERR_NOMEM: return "out of memory";
    case CG_ERR_INTERNAL: return "internal error";
    }
    return "unknown error";
}

int cg_status_exit_code(cg_status st)
{
    switch (st) {
    case CG_OK: return 0;
    case CG_ERR_USAGE: return 2;
    case CG_ERR_INPUT:
    case CG_ERR_IO:
    case CG_ERR_LIMIT: return 3;
    case CG_ERR_NETWORK: return 4;
    case CG_ERR_NOMEM:
    case CG_ERR_INTERNAL: return 5;
    }
    return 5;
}

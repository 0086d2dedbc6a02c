/*
 * buf.h - cg_buf, the one growable byte buffer of libcgate (git's strbuf idea).
 *
 * data is always NUL-terminated (the NUL is not counted in len) so text built in
 * a buffer can be handed to C string functions, but binary content is fine too.
 * Growth is checked for overflow and against an optional hard cap (max, 0 = none)
 * so a buffer filled from untrusted input cannot grow without bound.
 */
#ifndef CGATE_BUF_H
#define CGATE_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "cgate/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cg_buf {
    char *data;  /* NULL until first growth; then NUL-terminated */
    size_t len;
    size_t cap;
    size_t max;  /* 0 = unlimited; else appends past max fail with CG_ERR_LIMIT */
} cg_buf;

#define CG_BUF_INIT {NULL, 0, 0, 0}

void cg_buf_init(cg_buf *b, size_t max);
void cg_buf_free(cg_buf *b);
void cg_buf_reset(cg_buf *b); /* len = 0, keeps memory */

/* Ensure room for `extra` more bytes (plus the NUL). */
cg_status cg_buf_reserve(cg_buf *b, size_t extra);
cg_status cg_buf_append(cg_buf *b, const void *p, size_t n);
cg_status cg_buf_puts(cg_buf *b, const char *s);
cg_status cg_buf_putc(cg_buf *b, char c);
cg_status cg_buf_printf(cg_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
cg_status cg_buf_vprintf(cg_buf *b, const char *fmt, va_list ap);

/* Hand the memory to the caller (who frees it with free()); b becomes empty. */
char *cg_buf_detach(cg_buf *b, size_t *len_out);

/* A C string view of the contents ("" when empty). */
const char *cg_buf_str(const cg_buf *b);

#ifdef __cplusplus
}
#endif
#endif

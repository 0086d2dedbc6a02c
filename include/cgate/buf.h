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

#include "cgate/export.h"

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

CG_EXPORT void cg_buf_init(cg_buf *b, size_t max);
CG_EXPORT void cg_buf_free(cg_buf *b);
CG_EXPORT void cg_buf_reset(cg_buf *b); /* len = 0, keeps memory */

/* Ensure room for `extra` more bytes (plus the NUL). */
CG_EXPORT cg_status cg_buf_reserve(cg_buf *b, size_t extra);
CG_EXPORT cg_status cg_buf_append(cg_buf *b, const void *p, size_t n);
CG_EXPORT cg_status cg_buf_puts(cg_buf *b, const char *s);
CG_EXPORT cg_status cg_buf_putc(cg_buf *b, char c);
CG_EXPORT cg_status cg_buf_printf(cg_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
CG_EXPORT cg_status cg_buf_vprintf(cg_buf *b, const char *fmt, va_list ap);

/* Where streamed output goes: called with each chunk in order; a non-CG_OK
 * return (with err set) stops the writer.  Used by the writers that stream
 * documents too large to hold (SBOMs, reports) to a file or a hash. */
typedef cg_status (*cg_sink_fn)(void *ud, const void *data, size_t len, cg_error *err);

/* Hand the memory to the caller (who frees it with free()); b becomes empty. */
CG_EXPORT char *cg_buf_detach(cg_buf *b, size_t *len_out);

/* A C string view of the contents ("" when empty). */
CG_EXPORT const char *cg_buf_str(const cg_buf *b);

#ifdef __cplusplus
}
#endif
#endif

/*
 * error.h - the one status enum and the one error-with-context type of libcgate.
 *
 * Every library function that can fail returns a cg_status and, when it fails,
 * fills a caller-provided cg_error with a one-line message.  Context is added on
 * the way up with cg_error_prefix(), so the final message reads from the outside
 * in: "image x.tar: layer sha256:ab12...: entry usr/lib/x: gzip stream truncated".
 * The library never prints; the CLI maps cg_status to exit codes (DESIGN.md §1).
 */
#ifndef CGATE_ERROR_H
#define CGATE_ERROR_H

#include "cgate/export.h"

#include <stdarg.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cg_status {
    CG_OK = 0,
    CG_ERR_USAGE,    /* the caller asked for something malformed (exit 2)      */
    CG_ERR_INPUT,    /* bad, corrupt, hostile or missing input (exit 3)         */
    CG_ERR_IO,       /* the host refused a read or write we needed (exit 3)     */
    CG_ERR_LIMIT,    /* input exceeded a configured safety cap (exit 3)         */
    CG_ERR_NETWORK,  /* registry or network fault (exit 4)                      */
    CG_ERR_NOMEM,    /* allocation failed (exit 5)                              */
    CG_ERR_INTERNAL  /* a bug or an unexpected library failure (exit 5)         */
} cg_status;

#define CG_ERROR_MSG_MAX 1024

typedef struct cg_error {
    cg_status status;
    char msg[CG_ERROR_MSG_MAX];
} cg_error;

/* Reset to CG_OK with an empty message. */
CG_EXPORT void cg_error_clear(cg_error *err);

/* Set status and message (printf-style); returns status so callers can write
 * `return cg_error_set(err, CG_ERR_INPUT, "...")`.  err may be NULL. */
CG_EXPORT cg_status cg_error_set(cg_error *err, cg_status st, const char *fmt, ...)
              __attribute__((format(printf, 3, 4)));
CG_EXPORT cg_status cg_error_vset(cg_error *err, cg_status st, const char *fmt, va_list ap);

/* Prepend "<context>: " to the current message; returns the current status. */
CG_EXPORT cg_status cg_error_prefix(cg_error *err, const char *fmt, ...)
              __attribute__((format(printf, 2, 3)));

/* Short stable name of a status ("bad input", "limit exceeded", ...). */
CG_EXPORT const char *cg_status_name(cg_status st);

/* The process exit code DESIGN.md §1 assigns to a status. */
CG_EXPORT int cg_status_exit_code(cg_status st);

#ifdef __cplusplus
}
#endif
#endif

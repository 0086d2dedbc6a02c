/*
 * arena.h - cg_arena, a bump allocator owned by one operation (one SBOM, one
 * scan).  Everything a result holds (package records, strings) lives in the
 * operation's arena and is released at once by cg_arena_free(); there are no
 * per-object frees.  Not thread-safe: one arena per thread of work.
 */
#ifndef CGATE_ARENA_H
#define CGATE_ARENA_H

#include "cgate/export.h"

#include <stdarg.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cg_arena_block cg_arena_block;

typedef struct cg_arena {
    cg_arena_block *head;
    size_t used_total; /* bytes handed out, for diagnostics and caps */
} cg_arena;

CG_EXPORT void cg_arena_init(cg_arena *a);
CG_EXPORT void cg_arena_free(cg_arena *a);

/* Zeroed, 16-byte aligned memory; NULL on allocation failure or overflow. */
CG_EXPORT void *cg_arena_alloc(cg_arena *a, size_t size);
/* n elements of size each, overflow-checked. */
CG_EXPORT void *cg_arena_calloc(cg_arena *a, size_t n, size_t size);
CG_EXPORT char *cg_arena_strdup(cg_arena *a, const char *s);
CG_EXPORT char *cg_arena_strndup(cg_arena *a, const char *s, size_t n);
CG_EXPORT char *cg_arena_sprintf(cg_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Copy of the first n bytes of `p` (not NUL-terminated data). */
CG_EXPORT void *cg_arena_memdup(cg_arena *a, const void *p, size_t n);

#ifdef __cplusplus
}
#endif
#endif

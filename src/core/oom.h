/*
 * oom.h - allocation failures that must not be lost.  Code deep in a cataloger
 * often cannot tell "no purl / not an SPDX expression" from "out of memory" (both
 * are NULL or false), so a failed allocation could quietly change an SBOM.  Every
 * allocator of libcgate (cg_buf, cg_arena, and jansson's through cg_oom_malloc
 * when the CLI installs it) counts its failures here; an operation compares the
 * count before and after and fails with CG_ERR_NOMEM when it moved, so a result
 * built through an allocation failure is never returned or written.  The count is
 * per thread (C11 _Thread_local), so concurrent operations do not see each other's.
 */
#ifndef CG_CORE_OOM_H
#define CG_CORE_OOM_H

#include <stddef.h>

#include "cgate/error.h"

/* Record one failed allocation on this thread. */
void cg_oom_note(void);

/* Failed allocations on this thread so far (compare two readings). */
unsigned long cg_oom_count(void);

/* malloc that records its failure; for jansson's json_set_alloc_funcs. */
void *cg_oom_malloc(size_t n);

/* CG_OK when no allocation failed since `before` was read; else CG_ERR_NOMEM with
 * "WHAT: out of memory" in err (keeps an earlier error's status if one is set). */
cg_status cg_oom_check(unsigned long before, const char *what, cg_error *err);

#endif

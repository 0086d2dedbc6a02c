/*
 * lockutil.h - small helpers shared by the lock-file and manifest parsers of
 * catalogers (npm_lock.c, python_lock.c, npm.c, python.c, golang.c, rust.c,
 * apk.c, java.c): a byte span with trimming, the file-name test, the
 * "printable token" check names and versions go through, the sort-and-unique step that turns collected
 * dependency names into a package's list, and the one warning every parser
 * gives for entries it had to drop.  Internal to src/catalog/.
 *
 * Only what is the same to the byte in every user lives here; a parser whose
 * rules differ (other white space, signed byte checks) keeps its own.
 */
#ifndef CG_LOCKUTIL_H
#define CG_LOCKUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "catalog/catalog.h"
#include "core/vec.h"

/* A view of bytes in someone else's buffer (not NUL-terminated). */
typedef struct cg_span {
    const char *p;
    size_t n;
} cg_span;

/* s without leading and trailing spaces, tabs and carriage returns. */
cg_span cg_span_trim(cg_span s);
/* Is s exactly the NUL-terminated string lit? */
bool cg_span_is(cg_span s, const char *lit);

/* Is the last component of path (len bytes) exactly name ("poetry.lock" for
 * "app/poetry.lock" and "poetry.lock", not for "app/xpoetry.lock")?  Inline:
 * wants() asks it of every path in an image. */
static inline bool cg_lock_has_base(const char *path, size_t len, const char *name)
{
    size_t k = strlen(name);
    return len >= k && !memcmp(path + len - k, name, k) && (len == k || path[len - k - 1] == '/');
}

/* 1..max bytes, none of them a space, a control byte or DEL (bytes >= 0x80
 * are allowed): a name or version worth recording. */
bool cg_lock_token_ok(const char *s, size_t n, size_t max);

/* names (a cg_vec of arena `const char *`) sorted and de-duplicated into a new
 * arena array *out of *n entries (left alone when names is empty).  Frees the
 * vector's memory and zeroes it.  false on out of memory only. */
bool cg_lock_names_finish(cg_arena *a, cg_vec *names, const char ***out, size_t *n);

/* The warning for n (> 0) entries of the lock file at path that were dropped
 * for want of a valid name and version. */
void cg_lock_warn_invalid(cg_cat_ctx *ctx, const char *path, size_t n);

#endif

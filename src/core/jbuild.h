/*
 * jbuild.h - building jansson trees without checking every call: a failed
 * allocation sets j->failed and the document is discarded at the end.
 * Strings are repaired to valid UTF-8 (U+FFFD per invalid byte).  For
 * documents that must be trees (CycloneDX with the scanner's
 * vulnerabilities); plain streaming output uses jwrite.h instead.
 */
#ifndef CG_CORE_JBUILD_H
#define CG_CORE_JBUILD_H

#include <jansson.h>
#include <stddef.h>

#include "core/jwrite.h"
#include "cgate/buf.h"
#include "cgate/error.h"

typedef struct cg_jctx {
    int failed;
} cg_jctx;

json_t *cg_j_string(cg_jctx *j, const char *v); /* repairs invalid UTF-8 with U+FFFD */
void cg_j_set(cg_jctx *j, json_t *obj, const char *key, json_t *val);  /* steals val */
void cg_j_str(cg_jctx *j, json_t *obj, const char *key, const char *v); /* skips NULL v */
void cg_j_push(cg_jctx *j, json_t *arr, json_t *val);                  /* steals val */
void cg_j_pushstr(cg_jctx *j, json_t *arr, const char *v);
json_t *cg_j_obj(cg_jctx *j);
json_t *cg_j_arr(cg_jctx *j);

/* Serialise with indent 2 in insertion order.  *out is malloc'd. */
cg_status cg_j_dump(json_t *doc, char **out, size_t *len, cg_error *err);
/* Write v at the writer's current position (after cg_jw_key/cg_jw_elem)
 * exactly as cg_j_dump lays it out there, so a tree can sit inside a
 * streamed document. */
void cg_j_write(cg_jw *w, const json_t *v);
/* Append the serialisation plus a trailing newline to out. */
cg_status cg_j_emit(json_t *doc, cg_buf *out, cg_error *err);

#endif

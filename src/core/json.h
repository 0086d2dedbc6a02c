/*
 * json.h - loading untrusted JSON (manifests, configs, indexes) with a size
 * cap and jansson's depth limit, and small typed getters that never crash on
 * a value of the wrong type.
 */
#ifndef CG_JSON_H
#define CG_JSON_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "cgate/error.h"

/* Parse buf (len bytes, not NUL-terminated) into *out.  what names the
 * document in error messages ("manifest sha256:..."). */
cg_status cg_json_parse(const void *buf, size_t len, const char *what, json_t **out, cg_error *err);

/* obj[key] as a string, or NULL when absent or not a string. */
const char *cg_json_str(const json_t *obj, const char *key);
/* obj[key] as an integer, or dflt. */
int64_t cg_json_int(const json_t *obj, const char *key, int64_t dflt);

/* The line (1-based) where the value at path starts in the JSON text buf,
 * for error messages: path is "Results[3].Vulnerabilities[0].Severity" (keys
 * joined by '.', array indexes in brackets; "document" or "" = the whole
 * text).  When the path does not exist (a missing member), the line of the
 * deepest part that does; 0 when not even the document can be found.  The
 * text is assumed to be JSON that parsed (nesting beyond 512 levels: 0). */
int cg_json_locate(const void *buf, size_t len, const char *path);

#endif

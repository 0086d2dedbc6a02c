/*
 * json.c - jansson with guard rails.  jansson limits nesting depth itself
 * (2048 levels), so a 10,000-deep document is an error, not a stack overflow.
 */
#include "core/json.h"

cg_status cg_json_parse(const void *buf, size_t len, const char *what, json_t **out, cg_error *err)
{
    json_error_t je;
    json_t *j = json_loadb(buf, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
    if (!j)
        return cg_error_set(err, CG_ERR_INPUT, "%s: invalid JSON at line %d column %d: %s", what,
                            je.line, je.column, je.text);
    *out = j;
    return CG_OK;
}

const char *cg_json_str(const json_t *obj, const char *key)
{
    json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
    return json_is_string(v) ? json_string_value(v) : NULL;
}

int64_t cg_json_int(const json_t *obj, const char *key, int64_t dflt)
{
    json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : dflt;
}

/*
 * yaml_json.c - a YAML document (the PyPA advisory database, Alpine's old
 * secdb) as a jansson value, so one checker reads OSV in either spelling.
 * Scalars stay strings: YAML 1.1 would read `introduced: 0` as a number and
 * `- 1.10` as 1.1, and OSV versions are strings.  Only plain null, ~, true
 * and false become JSON literals.  Aliases are refused (no entity
 * expansion), nesting and node counts are capped.
 */
#include <libfyaml.h>
#include <string.h>

#include "vulndb/vdb_int.h"

#define YAML_MAX_DEPTH 64
#define YAML_MAX_NODES 4000000

typedef struct yconv {
    size_t nodes;
    const char *why;
} yconv;

static json_t *conv(yconv *c, struct fy_node *n, int depth)
{
    if (++c->nodes > YAML_MAX_NODES) {
        c->why = "more than 4,000,000 nodes";
        return NULL;
    }
    if (depth > YAML_MAX_DEPTH) {
        c->why = "nested deeper than 64 levels";
        return NULL;
    }
    if (!n)
        return json_null();
    switch (fy_node_get_type(n)) {
    case FYNT_SCALAR: {
        if (fy_node_get_style(n) == FYNS_ALIAS) {
            c->why = "aliases (*name) are not accepted";
            return NULL;
        }
        size_t len = 0;
        const char *s = fy_node_get_scalar(n, &len);
        if (!s)
            s = "";
        if (fy_node_get_style(n) == FYNS_PLAIN) {
            if ((len == 0) || (len == 1 && s[0] == '~') || (len == 4 && (!memcmp(s, "null", 4) || !memcmp(s, "Null", 4) || !memcmp(s, "NULL", 4))))
                return json_null();
            if (len == 4 && (!memcmp(s, "true", 4) || !memcmp(s, "True", 4)))
                return json_true();
            if (len == 5 && (!memcmp(s, "false", 5) || !memcmp(s, "False", 5)))
                return json_false();
        }
        json_t *j = json_stringn_nocheck(s, len);
        if (!j)
            c->why = "out of memory";
        return j;
    }
    case FYNT_SEQUENCE: {
        json_t *arr = json_array();
        void *it = NULL;
        struct fy_node *ch;
        while (arr && (ch = fy_node_sequence_iterate(n, &it))) {
            json_t *v = conv(c, ch, depth + 1);
            if (!v || json_array_append_new(arr, v)) {
                json_decref(arr);
                return NULL;
            }
        }
        return arr;
    }
    case FYNT_MAPPING: {
        json_t *obj = json_object();
        void *it = NULL;
        struct fy_node_pair *p;
        while (obj && (p = fy_node_mapping_iterate(n, &it))) {
            struct fy_node *k = fy_node_pair_key(p);
            size_t klen = 0;
            const char *ks = k && fy_node_get_type(k) == FYNT_SCALAR && fy_node_get_style(k) != FYNS_ALIAS
                                 ? fy_node_get_scalar(k, &klen)
                                 : NULL;
            if (!ks || memchr(ks, 0, klen)) {
                c->why = "a mapping key that is not a plain string";
                json_decref(obj);
                return NULL;
            }
            json_t *v = conv(c, fy_node_pair_value(p), depth + 1);
            if (!v || json_object_setn_new_nocheck(obj, ks, klen, v)) {
                json_decref(obj);
                return NULL;
            }
        }
        return obj;
    }
    }
    c->why = "unknown node type";
    return NULL;
}

cg_status vdb_yaml_to_json(const uint8_t *buf, size_t len, const char *what, json_t **out, cg_error *err)
{
    *out = NULL;
    struct fy_parse_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.flags = FYPCF_QUIET;
    struct fy_document *d = fy_document_build_from_string(&cfg, (const char *)buf, len);
    if (!d)
        return cg_error_set(err, CG_ERR_INPUT, "%s: invalid YAML", what);
    yconv c = {0, NULL};
    json_t *j = conv(&c, fy_document_root(d), 0);
    fy_document_destroy(d);
    if (!j)
        return cg_error_set(err, CG_ERR_INPUT, "%s: YAML: %s", what, c.why ? c.why : "conversion failed");
    *out = j;
    return CG_OK;
}

/*
 * yaml_util.h - the one reader of untrusted YAML (and JSON, which libfyaml
 * reads as YAML) into a small read-only tree with line numbers: Kubernetes
 * manifests, policy and exceptions files, anything configuration-shaped.
 * Built from libfyaml's event API so every bound is ours: nesting depth,
 * keys per mapping, documents per stream, and the size of a document *as if
 * its aliases were expanded* (an alias is shared, never copied, so a
 * billion-laughs document costs its text, and is refused when its expansion
 * would pass the cap).  Duplicate keys are errors.  Errors read
 * "WHAT:LINE: why" (docs/policy.md's FILE:LINE form).  The tree lives in the
 * caller's arena.  Generic: no Kubernetes or policy knowledge here.
 */
#ifndef CG_POLICY_YAML_UTIL_H
#define CG_POLICY_YAML_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "cgate/arena.h"
#include "cgate/error.h"

typedef enum cg_yaml_kind { CG_YAML_SCALAR = 1, CG_YAML_SEQ, CG_YAML_MAP } cg_yaml_kind;

typedef struct cg_yaml_node cg_yaml_node;
struct cg_yaml_node {
    cg_yaml_kind kind;
    int line, col;      /* 1-based position of the node's first token */
    const char *str;    /* scalar text, NUL-terminated ("" for an empty value) */
    size_t len;
    int quoted;         /* scalar was quoted/block: always a string, never null/bool/number */
    size_t n;           /* sequence items or mapping pairs */
    const char **keys;  /* mapping keys (scalar keys only) */
    int *key_lines;     /* line of each key */
    cg_yaml_node **vals;/* sequence items or mapping values; aliases point at the anchored node */
    size_t weight;      /* nodes in the expanded subtree (saturates at the cap + 1) */
    int open_;          /* internal: still being built (an alias to it would be recursive) */
};

typedef struct cg_yaml_doc {
    const cg_yaml_node *root; /* NULL for an empty document */
    int line;                 /* line where the document starts */
} cg_yaml_doc;

typedef struct cg_yaml_limits {
    size_t max_depth;  /* nesting of sequences/mappings (default 128) */
    size_t max_docs;   /* documents per stream (default 10,000) */
    size_t max_nodes;  /* expanded nodes per document, aliases counted in full (default 1,000,000) */
    size_t max_keys;   /* keys per mapping (default: no cap) */
    int json;          /* parse as JSON (libfyaml's JSON mode) rather than YAML 1.2 */
    int strict;        /* hand-written configuration (policies): anchors, aliases, tags and NUL
                        * characters in strings are refused, and passing max_depth, max_keys or
                        * max_docs is CG_ERR_INPUT - there they are rules of the format, not
                        * resource caps */
} cg_yaml_limits;

/* Parse buf[0..len) (no NUL needed).  what names the input in errors, which
 * read "WHAT:LINE: message" (a column, where it helps, at the end).  Broken
 * YAML and duplicate keys are CG_ERR_INPUT; passing a limit is CG_ERR_LIMIT
 * (but see strict).  lim may be NULL (defaults). */
cg_status cg_yaml_parse(const uint8_t *buf, size_t len, const char *what, const cg_yaml_limits *lim,
                        cg_arena *a, cg_yaml_doc **docs, size_t *n_docs, cg_error *err);

/* map[key] or NULL (also when map is not a mapping). */
const cg_yaml_node *cg_yaml_get(const cg_yaml_node *map, const char *key);
/* Line of map's key, or the map's own line when absent. */
int cg_yaml_key_line(const cg_yaml_node *map, const char *key);
/* Plain null: absent, empty, "~", "null", "Null", "NULL" (unquoted). */
int cg_yaml_is_null(const cg_yaml_node *n);
/* Scalar text, or NULL when n is not a non-null scalar. */
const char *cg_yaml_text(const cg_yaml_node *n);
/* map[key] as text (see cg_yaml_text). */
const char *cg_yaml_str(const cg_yaml_node *map, const char *key);
/* Unquoted true/True/TRUE → 1, false/False/FALSE → 0, otherwise -1 (YAML 1.2 core schema). */
int cg_yaml_bool(const cg_yaml_node *n);
/* An unquoted decimal integer that fits int64 → 0 and *out; otherwise -1. */
int cg_yaml_int(const cg_yaml_node *n, int64_t *out);

#endif

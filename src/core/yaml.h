/*
 * yaml.h - the one reader of untrusted YAML in cgate (Debian's libyaml,
 * which OSS-Fuzz covers): Kubernetes manifests, policy and exceptions files,
 * pnpm lock files, YAML advisories.  Three views of one bounded event stream:
 *   cg_yaml_events  - the raw events, for streaming consumers (lock files);
 *   cg_yaml_parse   - a small read-only tree with line numbers (configuration);
 *   cg_yaml_to_json - a jansson value (advisories read as OSV JSON).
 * Every bound is ours and is checked at the event that passes it, before
 * anything is allocated for it: nesting depth (a 200,000-deep flow sequence
 * is refused at level max_depth), keys per mapping, documents per stream,
 * input size, and the size of a document *as if its aliases were expanded*
 * (an alias is shared, never copied, so a billion-laughs document costs its
 * text and is refused when its expansion would pass the cap).  Duplicate keys
 * are errors.  Errors read "WHAT:LINE: why".  Generic: no Kubernetes, policy
 * or lock-file knowledge here.
 */
#ifndef CG_CORE_YAML_H
#define CG_CORE_YAML_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "cgate/arena.h"
#include "cgate/error.h"

/* Inputs larger than this are refused before parsing (CG_ERR_LIMIT). */
#define CG_YAML_MAX_INPUT ((size_t)256 << 20)

/* ---- events ---- */

typedef enum cg_yaml_ev_type {
    CG_YEV_DOC_START = 1,
    CG_YEV_DOC_END,
    CG_YEV_SCALAR,
    CG_YEV_ALIAS,
    CG_YEV_SEQ_START,
    CG_YEV_SEQ_END,
    CG_YEV_MAP_START,
    CG_YEV_MAP_END
} cg_yaml_ev_type;

typedef struct cg_yaml_event {
    cg_yaml_ev_type type;
    int line, col;       /* 1-based; 0 for an empty value (a node with no text of its own) */
    int implicit;        /* DOC_START: no "---" (line is then that of the first node) */
    const char *text;    /* SCALAR: its value (NUL-terminated, may hold NULs: use len) */
    size_t len;
    int quoted;          /* SCALAR: quoted or block style (never null/bool/number) */
    const char *anchor;  /* SCALAR/SEQ_START/MAP_START: "&name" defined here, or NULL;
                          * ALIAS: the name it refers to */
    size_t anchor_len;
    int tagged;          /* an explicit tag (!x, !!str) was written */
    size_t depth;        /* open collections before this event */
} cg_yaml_event;

/* Called for each event; a status other than CG_OK stops the stream and is
 * returned (set err yourself). */
typedef cg_status (*cg_yaml_event_fn)(void *user, const cg_yaml_event *ev, cg_error *err);

/* Stream buf[0..len) (no NUL needed) as events.  Collections nested deeper
 * than max_depth (0: 128) stop the stream with CG_ERR_LIMIT "WHAT:LINE:
 * nested deeper than N levels" before the parser goes further; malformed
 * YAML (including invalid UTF-8) is CG_ERR_INPUT "WHAT:LINE: invalid YAML:
 * why". */
cg_status cg_yaml_events(const uint8_t *buf, size_t len, const char *what, size_t max_depth, cg_yaml_event_fn fn,
                         void *user, cg_error *err);

/* ---- tree ---- */

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
    int no_aliases;    /* aliases are CG_ERR_INPUT (data files where sharing is never meant) */
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

/* cg_yaml_parse for a configuration file whose first document is a mapping:
 * *root is that mapping, or NULL when the input (or its first document) is
 * empty; any other first document is CG_ERR_INPUT "WHAT:LINE: not a
 * mapping".  Later documents are parsed (and bounded) but not returned. */
cg_status cg_yaml_parse_map(const uint8_t *buf, size_t len, const char *what, const cg_yaml_limits *lim,
                            cg_arena *a, const cg_yaml_node **root, cg_error *err);

/* Document 0 of buf as a jansson value (JSON null for an empty one; more than
 * one document is an error).  Scalars stay strings (YAML 1.1 would read
 * `introduced: 0` as a number and `- 1.10` as 1.1): only plain empty, ~,
 * null/Null/NULL, true/True and false/False become JSON literals.  Aliases
 * are expanded (bounded by lim->max_nodes) unless lim->no_aliases.  Keys
 * are strings; a key with a NUL is refused. */
cg_status cg_yaml_to_json(const uint8_t *buf, size_t len, const char *what, const cg_yaml_limits *lim,
                          json_t **out, cg_error *err);

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

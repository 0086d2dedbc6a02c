/*
 * yaml_util.c - libfyaml's event stream into cg_yaml_node trees (yaml_util.h).
 * The event API (not the document API) so that nothing in libfyaml expands
 * aliases or recurses on our behalf: depth, keys, documents and expanded
 * size are counted here, and an alias becomes a second pointer to its
 * anchor's node.  Every refusal happens at the event that causes it, so the
 * error names the first offending line.  Owns no Kubernetes or policy
 * knowledge.
 */
#include "policy/yaml_util.h"

#include <libfyaml.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/strmap.h"
#include "core/vec.h"

/* From this many keys on, a mapping finds duplicates by hash, not by scan. */
#define KEY_SCAN_MAX 16u

typedef struct yframe {
    cg_yaml_node *node;
    cg_vec keys, klines, vals;
    cg_strmap seen;  /* key -> index + 1, once keys.n reaches KEY_SCAN_MAX */
    const char *key; /* pending mapping key */
    int key_line;
    bool have_key;
} yframe;

typedef struct ystate {
    cg_arena *a;
    const char *what;
    cg_yaml_limits lim;
    yframe *st;
    size_t depth;
    cg_strmap anchors;
    cg_vec docs;      /* cg_yaml_doc */
    size_t nodes;     /* in the current document, aliases expanded */
    bool aliased;     /* the current document has used an alias */
    bool extra_doc;   /* a document past max_docs began without a position */
    int last_line;    /* of the latest event that had one */
    cg_error *err;
} ystate;

static void diag_discard(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
    (void)diag;
    (void)user;
    (void)buf;
    (void)len;
}

static int mark_line(struct fy_event *ev)
{
    const struct fy_mark *m = fy_event_start_mark(ev);
    return m ? m->line + 1 : 0;
}

static int mark_col(struct fy_event *ev)
{
    const struct fy_mark *m = fy_event_start_mark(ev);
    return m ? m->column + 1 : 0;
}

static size_t sat_add(size_t x, size_t y, size_t cap)
{
    return x > cap || y > cap || x + y > cap ? cap + 1 : x + y;
}

/* "WHAT:LINE: message" as status code. */
static cg_status fail(ystate *s, cg_status code, int line, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static cg_status fail(ystate *s, cg_status code, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cg_error_vset(s->err, code, fmt, ap);
    va_end(ap);
    return s->err ? cg_error_prefix(s->err, "%s:%d", s->what, line) : code;
}

static cg_status oom(ystate *s)
{
    return cg_error_set(s->err, CG_ERR_NOMEM, "%s: out of memory", s->what);
}

/* Passing a structural cap: a resource limit, or in strict mode a rule. */
static cg_status cap_status(const ystate *s)
{
    return s->lim.strict ? CG_ERR_INPUT : CG_ERR_LIMIT;
}

/* Count n more (expanded) nodes in the current document. */
static cg_status count_nodes(ystate *s, size_t n, int line, int col)
{
    s->nodes = sat_add(s->nodes, n, s->lim.max_nodes);
    if (s->nodes <= s->lim.max_nodes)
        return CG_OK;
    if (s->aliased)
        return fail(s, CG_ERR_LIMIT, line, "document expands to more than %zu nodes (column %d; alias fan-out?)",
                    s->lim.max_nodes, col);
    return fail(s, CG_ERR_LIMIT, line, "document has more than %zu nodes (column %d)", s->lim.max_nodes, col);
}

/* Index of key among f's earlier keys, or -1.  A small mapping is scanned;
 * a large one is hashed, so a 100,000-key mapping stays linear. */
static long find_key(const yframe *f, const char *key)
{
    const char *const *k = f->keys.v;
    if (f->keys.n < KEY_SCAN_MAX) {
        for (size_t i = 0; i < f->keys.n; i++)
            if (!strcmp(k[i], key))
                return (long)i;
        return -1;
    }
    void *v = cg_strmap_get(&f->seen, key, strlen(key));
    return v ? (long)((uintptr_t)v - 1) : -1;
}

/* Make the newest key of f (and, on reaching KEY_SCAN_MAX, all before it)
 * known to find_key. */
static bool index_key(yframe *f)
{
    if (f->keys.n < KEY_SCAN_MAX)
        return true;
    const char *const *k = f->keys.v;
    for (size_t i = f->keys.n == KEY_SCAN_MAX ? 0 : f->keys.n - 1; i < f->keys.n; i++)
        if (cg_strmap_put(&f->seen, k[i], strlen(k[i]), (void *)(uintptr_t)(i + 1)) != CG_OK)
            return false;
    return true;
}

/* A scalar in key position of f's mapping: refuse duplicates (where the
 * second one is, naming the first) and more than max_keys keys. */
static cg_status take_key(ystate *s, yframe *f, const cg_yaml_node *key, int line)
{
    int at = line ? line : f->node->line; /* an empty key has no position */
    const char *sep = *key->str ? ": " : "";  /* "KEY: why", or "why" for an empty key */
    long dup = find_key(f, key->str);
    if (dup >= 0)
        return fail(s, CG_ERR_INPUT, at, "%.200s%sduplicate key (first at line %d)", key->str, sep,
                    ((const int *)f->klines.v)[dup]);
    if (s->lim.max_keys && f->keys.n >= s->lim.max_keys)
        return fail(s, cap_status(s), at, "%.200s%smore than %zu keys in one mapping", key->str, sep,
                    s->lim.max_keys);
    f->key = key->str;
    f->key_line = line;
    f->have_key = true;
    f->node->weight = sat_add(f->node->weight, 1, s->lim.max_nodes);
    return CG_OK;
}

/* Attach a finished node (or alias target) to the open container or the
 * document.  An empty value has no position of its own: in a mapping it
 * takes its key's line, as a document its document's.  (In a sequence it
 * keeps 0: Kubernetes objects report that line, and changing it is not this
 * reader's call.) */
static cg_status add_child(ystate *s, cg_yaml_node *child, int line, int col)
{
    if (s->depth == 0) {
        cg_yaml_doc *d = &((cg_yaml_doc *)s->docs.v)[s->docs.n - 1];
        if (child->line == 0)
            child->line = d->line;
        d->root = child;
        if (d->line == 0) /* an implicit document start has no position */
            d->line = child->line;
        return CG_OK;
    }
    yframe *f = &s->st[s->depth - 1];
    if (f->node->kind == CG_YAML_MAP && !f->have_key) {
        if (child->kind != CG_YAML_SCALAR)
            return fail(s, CG_ERR_INPUT, line, "only scalar mapping keys are supported (column %d)", col);
        return take_key(s, f, child, line);
    }
    if (f->node->kind == CG_YAML_MAP) {
        if (f->key_line == 0) /* an empty key: the line of its value, or of the mapping */
            f->key_line = child->line ? child->line : f->node->line;
        if (!cg_vec_push(&f->keys, &f->key, sizeof f->key) ||
            !cg_vec_push(&f->klines, &f->key_line, sizeof f->key_line) || !index_key(f))
            return oom(s);
        f->have_key = false;
    }
    if (child->line == 0 && f->node->kind == CG_YAML_MAP)
        child->line = f->key_line;
    if (!cg_vec_push(&f->vals, &child, sizeof child))
        return oom(s);
    f->node->weight = sat_add(f->node->weight, child->weight, s->lim.max_nodes);
    return CG_OK;
}

static cg_status anchor_define(ystate *s, struct fy_token *anchor, cg_yaml_node *node)
{
    if (!anchor)
        return CG_OK;
    size_t n = 0;
    const char *t = fy_token_get_text(anchor, &n);
    char *name = t ? cg_arena_strndup(s->a, t, n) : NULL;
    if (!name || cg_strmap_put(&s->anchors, name, n, node) != CG_OK)
        return oom(s);
    return CG_OK;
}

/* Strict mode refuses what could hide or multiply values in a file a person
 * reviews: anchors (and so aliases) and tags. */
static cg_status strict_check(ystate *s, struct fy_token *anchor, struct fy_token *tag, int line)
{
    if (!s->lim.strict)
        return CG_OK;
    if (anchor)
        return fail(s, CG_ERR_INPUT, line, "YAML anchors are not allowed in this file");
    if (tag)
        return fail(s, CG_ERR_INPUT, line, "YAML tags are not allowed in this file");
    return CG_OK;
}

static void frame_free(yframe *f)
{
    free(f->keys.v);
    free(f->klines.v);
    free(f->vals.v);
    cg_strmap_free(&f->seen);
    *f = (yframe){0};
}

static cg_status close_frame(ystate *s)
{
    yframe *f = &s->st[s->depth - 1];
    cg_yaml_node *node = f->node;
    cg_status st = CG_OK;
    node->n = f->vals.n;
    if (node->n) {
        node->vals = cg_arena_memdup(s->a, f->vals.v, node->n * sizeof *node->vals);
        if (!node->vals)
            st = oom(s);
    }
    if (st == CG_OK && node->kind == CG_YAML_MAP && node->n) {
        node->keys = cg_arena_memdup(s->a, f->keys.v, node->n * sizeof *node->keys);
        node->key_lines = cg_arena_memdup(s->a, f->klines.v, node->n * sizeof *node->key_lines);
        if (!node->keys || !node->key_lines)
            st = oom(s);
    }
    frame_free(f);
    s->depth--;
    return st;
}

static cg_status on_scalar(ystate *s, struct fy_event *ev, int line, int col)
{
    cg_status st = strict_check(s, ev->scalar.anchor, ev->scalar.tag, line);
    if (st == CG_OK)
        st = count_nodes(s, 1, line, col);
    if (st != CG_OK)
        return st;
    cg_yaml_node *node = cg_arena_alloc(s->a, sizeof *node);
    if (!node)
        return oom(s);
    size_t n = 0;
    const char *t = ev->scalar.value ? fy_token_get_text(ev->scalar.value, &n) : NULL;
    node->kind = CG_YAML_SCALAR;
    node->line = line;
    node->col = col;
    node->str = cg_arena_strndup(s->a, t ? t : "", t ? n : 0);
    node->len = t ? n : 0;
    node->quoted = ev->scalar.value && fy_token_scalar_style(ev->scalar.value) != FYSS_PLAIN;
    node->weight = 1;
    if (!node->str)
        return oom(s);
    if (s->lim.strict && strlen(node->str) != node->len)
        return fail(s, CG_ERR_INPUT, line, "NUL character in a string");
    st = anchor_define(s, ev->scalar.anchor, node);
    return st != CG_OK ? st : add_child(s, node, line, col);
}

static cg_status on_alias(ystate *s, struct fy_event *ev, int line, int col)
{
    if (s->lim.strict)
        return fail(s, CG_ERR_INPUT, line, "YAML aliases are not allowed in this file");
    size_t n = 0;
    const char *t = ev->alias.anchor ? fy_token_get_text(ev->alias.anchor, &n) : NULL;
    cg_yaml_node *target = t ? cg_strmap_get(&s->anchors, t, n) : NULL;
    int shown = (int)(n > 200 ? 200 : n);
    if (!target)
        return fail(s, CG_ERR_INPUT, line, "alias *%.*s has no anchor (column %d)", shown, t ? t : "", col);
    if (target->open_)
        return fail(s, CG_ERR_INPUT, line, "alias *%.*s refers to a node that contains it (column %d)", shown, t, col);
    s->aliased = true;
    cg_status st = count_nodes(s, target->weight, line, col);
    return st != CG_OK ? st : add_child(s, target, line, col);
}

static cg_status on_collection_start(ystate *s, struct fy_event *ev, int line, int col)
{
    bool map = ev->type == FYET_MAPPING_START;
    struct fy_token *anchor = map ? ev->mapping_start.anchor : ev->sequence_start.anchor;
    struct fy_token *tag = map ? ev->mapping_start.tag : ev->sequence_start.tag;
    cg_status st = strict_check(s, anchor, tag, line);
    if (st == CG_OK)
        st = count_nodes(s, 1, line, col);
    if (st != CG_OK)
        return st;
    if (s->depth && s->st[s->depth - 1].node->kind == CG_YAML_MAP && !s->st[s->depth - 1].have_key)
        return fail(s, CG_ERR_INPUT, line, "only scalar mapping keys are supported (column %d)", col);
    if (s->depth >= s->lim.max_depth)
        return fail(s, cap_status(s), line, "nested deeper than %zu levels (column %d)", s->lim.max_depth, col);
    cg_yaml_node *node = cg_arena_alloc(s->a, sizeof *node);
    if (!node)
        return oom(s);
    node->kind = map ? CG_YAML_MAP : CG_YAML_SEQ;
    node->line = line;
    node->col = col;
    node->str = "";
    node->open_ = 1;
    st = anchor_define(s, anchor, node);
    if (st == CG_OK)
        s->st[s->depth++] = (yframe){.node = node};
    return st;
}

static cg_status too_many_docs(ystate *s, int line)
{
    if (s->lim.max_docs == 1)
        return fail(s, cap_status(s), line, "more than one document");
    return fail(s, cap_status(s), line, "more than %zu YAML documents", s->lim.max_docs);
}

static cg_status on_event(ystate *s, struct fy_event *ev)
{
    int line = mark_line(ev), col = mark_col(ev);
    if (line)
        s->last_line = line;
    if (s->extra_doc) /* the first event after an implicit document start names its line */
        return too_many_docs(s, s->last_line);
    switch (ev->type) {
    case FYET_DOCUMENT_START: {
        if (s->docs.n >= s->lim.max_docs) {
            if (line)
                return too_many_docs(s, line);
            s->extra_doc = true;
            return CG_OK;
        }
        cg_yaml_doc d = {NULL, line};
        if (!cg_vec_push(&s->docs, &d, sizeof d))
            return oom(s);
        cg_strmap_free(&s->anchors); /* anchors are per document */
        cg_strmap_init(&s->anchors);
        s->nodes = 0;
        s->aliased = false;
        return CG_OK;
    }
    case FYET_SCALAR:
        return on_scalar(s, ev, line, col);
    case FYET_ALIAS:
        return on_alias(s, ev, line, col);
    case FYET_MAPPING_START:
    case FYET_SEQUENCE_START:
        return on_collection_start(s, ev, line, col);
    case FYET_MAPPING_END:
    case FYET_SEQUENCE_END: {
        if (s->depth == 0)
            return fail(s, CG_ERR_INTERNAL, line, "unbalanced YAML events");
        cg_yaml_node *node = s->st[s->depth - 1].node;
        node->open_ = 0;
        node->weight = sat_add(node->weight, 1, s->lim.max_nodes);
        cg_status st = close_frame(s);
        return st != CG_OK ? st : add_child(s, node, node->line, node->col);
    }
    default:
        return CG_OK;
    }
}

static cg_status parse_error(ystate *s, struct fy_diag *diag, const uint8_t *buf, size_t len)
{
    void *it = NULL;
    struct fy_diag_error *e;
    const char *lang = s->lim.json ? "JSON" : "YAML";
    /* libfyaml reports errors found at the end of input on the line after
     * the last newline; name the last line that has text instead */
    int last = 1;
    for (size_t i = 0; i + 1 < len; i++)
        last += buf[i] == '\n';
    while ((e = fy_diag_errors_iterate(diag, &it)) != NULL) {
        if (e->msg) {
            int line = e->line + 1 > last ? last : e->line + 1;
            return fail(s, CG_ERR_INPUT, line, "invalid %s: %.300s", lang, e->msg);
        }
    }
    return cg_error_set(s->err, CG_ERR_INPUT, "%s: invalid %s", s->what, lang);
}

cg_status cg_yaml_parse(const uint8_t *buf, size_t len, const char *what, const cg_yaml_limits *lim,
                        cg_arena *a, cg_yaml_doc **docs, size_t *n_docs, cg_error *err)
{
    ystate s = {.a = a, .what = what ? what : "YAML", .err = err};
    s.lim = lim ? *lim : (cg_yaml_limits){0};
    if (!s.lim.max_depth)
        s.lim.max_depth = 128;
    if (!s.lim.max_docs)
        s.lim.max_docs = 10000;
    if (!s.lim.max_nodes)
        s.lim.max_nodes = 1000000;
    *docs = NULL;
    *n_docs = 0;
    const uint8_t *nul = len ? memchr(buf, 0, len) : NULL;
    if (nul) {
        int line = 1;
        for (const uint8_t *p = buf; p < nul; p++)
            line += *p == '\n';
        return fail(&s, CG_ERR_INPUT, line, "NUL byte in text");
    }

    struct fy_diag_cfg dcfg;
    fy_diag_cfg_default(&dcfg);
    dcfg.fp = NULL;
    dcfg.output_fn = diag_discard; /* the library never prints */
    dcfg.level = FYET_ERROR;
    struct fy_diag *diag = fy_diag_create(&dcfg);
    if (diag)
        fy_diag_set_collect_errors(diag, true);
    struct fy_parse_cfg cfg = {.flags = FYPCF_QUIET | FYPCF_DISABLE_MMAP_OPT | (s.lim.json ? FYPCF_JSON_FORCE : FYPCF_JSON_NONE), .diag = diag};
    char *copy = malloc(len + 1);
    s.st = calloc(s.lim.max_depth, sizeof *s.st);
    struct fy_parser *fyp = diag && copy && s.st ? fy_parser_create(&cfg) : NULL;
    cg_strmap_init(&s.anchors);
    cg_status st = CG_OK;
    if (!fyp) {
        st = oom(&s);
        goto out;
    }
    if (len)
        memcpy(copy, buf, len);
    copy[len] = 0;
    if (fy_parser_set_string(fyp, copy, len) != 0) {
        st = cg_error_set(err, CG_ERR_NOMEM, "%s: cannot start the YAML parser", s.what);
        goto out;
    }
    struct fy_event *ev;
    while (st == CG_OK && (ev = fy_parser_parse(fyp)) != NULL) {
        st = on_event(&s, ev);
        fy_parser_event_free(fyp, ev);
    }
    if (st == CG_OK && fy_parser_get_stream_error(fyp))
        st = parse_error(&s, diag, buf, len);
    if (st == CG_OK && s.extra_doc)
        st = too_many_docs(&s, s.last_line);
    if (st == CG_OK) {
        *docs = s.docs.n ? cg_arena_memdup(a, s.docs.v, s.docs.n * sizeof(cg_yaml_doc)) : NULL;
        *n_docs = s.docs.n;
        if (s.docs.n && !*docs)
            st = oom(&s);
    }
out:
    while (s.st && s.depth > 0)
        frame_free(&s.st[--s.depth]);
    if (fyp)
        fy_parser_destroy(fyp);
    if (diag)
        fy_diag_destroy(diag);
    cg_strmap_free(&s.anchors);
    free(s.docs.v);
    free(s.st);
    free(copy);
    return st;
}

const cg_yaml_node *cg_yaml_get(const cg_yaml_node *map, const char *key)
{
    if (!map || map->kind != CG_YAML_MAP)
        return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (!strcmp(map->keys[i], key))
            return map->vals[i];
    return NULL;
}

int cg_yaml_key_line(const cg_yaml_node *map, const char *key)
{
    if (!map)
        return 0;
    if (map->kind == CG_YAML_MAP)
        for (size_t i = 0; i < map->n; i++)
            if (!strcmp(map->keys[i], key))
                return map->key_lines[i];
    return map->line;
}

int cg_yaml_is_null(const cg_yaml_node *n)
{
    if (!n)
        return 1;
    if (n->kind != CG_YAML_SCALAR || n->quoted)
        return 0;
    return n->len == 0 || !strcmp(n->str, "~") || !strcmp(n->str, "null") || !strcmp(n->str, "Null") ||
           !strcmp(n->str, "NULL");
}

const char *cg_yaml_text(const cg_yaml_node *n)
{
    return n && n->kind == CG_YAML_SCALAR && !cg_yaml_is_null(n) ? n->str : NULL;
}

const char *cg_yaml_str(const cg_yaml_node *map, const char *key)
{
    return cg_yaml_text(cg_yaml_get(map, key));
}

int cg_yaml_bool(const cg_yaml_node *n)
{
    if (!n || n->kind != CG_YAML_SCALAR || n->quoted)
        return -1;
    if (!strcmp(n->str, "true") || !strcmp(n->str, "True") || !strcmp(n->str, "TRUE"))
        return 1;
    if (!strcmp(n->str, "false") || !strcmp(n->str, "False") || !strcmp(n->str, "FALSE"))
        return 0;
    return -1;
}

int cg_yaml_int(const cg_yaml_node *n, int64_t *out)
{
    if (!n || n->kind != CG_YAML_SCALAR || n->quoted || n->len == 0 || n->len > 20)
        return -1;
    const char *p = n->str;
    bool neg = *p == '-';
    if (*p == '-' || *p == '+')
        p++;
    if (!*p)
        return -1;
    uint64_t v = 0;
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        if (v > (UINT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    if (v > (uint64_t)INT64_MAX)
        return -1;
    *out = neg ? -(int64_t)v : (int64_t)v;
    return 0;
}

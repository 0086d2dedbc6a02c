/*
 * yaml.c - libyaml's event stream, bounded, and the two views built on it
 * (yaml.h): a cg_yaml_node tree and a jansson value.  The event API (never
 * libyaml's document loader) so nothing expands aliases or recurses on our
 * behalf: depth is checked at each collection start before the parser reads
 * further, and keys, documents and expanded size are counted here; an alias
 * becomes a second pointer to its anchor's node.  Every refusal happens at
 * the event that causes it, so the error names the first offending line.
 */
#include "core/yaml.h"

#include <yaml.h>
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
    cg_error *err;
} ystate;

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

static cg_status anchor_define(ystate *s, const cg_yaml_event *ev, cg_yaml_node *node)
{
    if (!ev->anchor)
        return CG_OK;
    char *name = cg_arena_strndup(s->a, ev->anchor, ev->anchor_len);
    if (!name || cg_strmap_put(&s->anchors, name, ev->anchor_len, node) != CG_OK)
        return oom(s);
    return CG_OK;
}

/* Strict mode refuses what could hide or multiply values in a file a person
 * reviews: anchors (and so aliases) and tags. */
static cg_status strict_check(ystate *s, const cg_yaml_event *ev, int line)
{
    if (!s->lim.strict)
        return CG_OK;
    if (ev->anchor)
        return fail(s, CG_ERR_INPUT, line, "YAML anchors are not allowed in this file");
    if (ev->tagged)
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

static cg_status on_scalar(ystate *s, const cg_yaml_event *ev, int line, int col)
{
    cg_status st = strict_check(s, ev, line);
    if (st == CG_OK)
        st = count_nodes(s, 1, line, col);
    if (st != CG_OK)
        return st;
    cg_yaml_node *node = cg_arena_alloc(s->a, sizeof *node);
    if (!node)
        return oom(s);
    node->kind = CG_YAML_SCALAR;
    node->line = line;
    node->col = col;
    node->str = cg_arena_strndup(s->a, ev->text, ev->len);
    node->len = ev->len;
    node->quoted = ev->quoted;
    node->weight = 1;
    if (!node->str)
        return oom(s);
    if (s->lim.strict && strlen(node->str) != node->len)
        return fail(s, CG_ERR_INPUT, line, "NUL character in a string");
    bool is_key = s->depth && s->st[s->depth - 1].node->kind == CG_YAML_MAP && !s->st[s->depth - 1].have_key;
    if (is_key && strlen(node->str) != node->len)
        return fail(s, CG_ERR_INPUT, line, "NUL character in a mapping key");
    st = anchor_define(s, ev, node);
    return st != CG_OK ? st : add_child(s, node, line, col);
}

static cg_status on_alias(ystate *s, const cg_yaml_event *ev, int line, int col)
{
    if (s->lim.strict)
        return fail(s, CG_ERR_INPUT, line, "YAML aliases are not allowed in this file");
    if (s->lim.no_aliases)
        return fail(s, CG_ERR_INPUT, line, "YAML: aliases (*name) are not accepted (column %d)", col);
    size_t n = ev->anchor_len;
    const char *t = ev->anchor ? ev->anchor : "";
    cg_yaml_node *target = cg_strmap_get(&s->anchors, t, n);
    int shown = (int)(n > 200 ? 200 : n);
    if (!target)
        return fail(s, CG_ERR_INPUT, line, "alias *%.*s has no anchor (column %d)", shown, t, col);
    if (target->open_)
        return fail(s, CG_ERR_INPUT, line, "alias *%.*s refers to a node that contains it (column %d)", shown, t, col);
    s->aliased = true;
    cg_status st = count_nodes(s, target->weight, line, col);
    return st != CG_OK ? st : add_child(s, target, line, col);
}

static cg_status on_collection_start(ystate *s, const cg_yaml_event *ev, int line, int col)
{
    bool map = ev->type == CG_YEV_MAP_START;
    cg_status st = strict_check(s, ev, line);
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
    st = anchor_define(s, ev, node);
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

static cg_status on_event(void *user, const cg_yaml_event *ev, cg_error *err)
{
    (void)err;
    ystate *s = user;
    int line = ev->line, col = ev->col;
    switch (ev->type) {
    case CG_YEV_DOC_START: {
        if (s->docs.n >= s->lim.max_docs)
            return too_many_docs(s, line);
        cg_yaml_doc d = {NULL, ev->implicit ? 0 : line}; /* implicit: the root's line, later */
        if (!cg_vec_push(&s->docs, &d, sizeof d))
            return oom(s);
        cg_strmap_free(&s->anchors); /* anchors are per document */
        cg_strmap_init(&s->anchors);
        s->nodes = 0;
        s->aliased = false;
        return CG_OK;
    }
    case CG_YEV_SCALAR:
        return on_scalar(s, ev, line, col);
    case CG_YEV_ALIAS:
        return on_alias(s, ev, line, col);
    case CG_YEV_MAP_START:
    case CG_YEV_SEQ_START:
        return on_collection_start(s, ev, line, col);
    case CG_YEV_MAP_END:
    case CG_YEV_SEQ_END: {
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

/* ---- the event stream ---- */

/* libyaml reports errors found at the end of input on the line after the
 * last newline; name the last line that has text instead. */
static int clamp_line(const uint8_t *buf, size_t len, size_t line0)
{
    size_t last = 1;
    for (size_t i = 0; i + 1 < len; i++)
        last += buf[i] == '\n';
    size_t l = line0 + 1 > last ? last : line0 + 1;
    return l > INT32_MAX ? INT32_MAX : (int)l;
}

static int to_int(size_t v)
{
    return v >= INT32_MAX ? INT32_MAX : (int)v;
}

static cg_status parser_error(const yaml_parser_t *p, const uint8_t *buf, size_t len, const char *what, cg_error *err)
{
    if (p->error == YAML_MEMORY_ERROR)
        return cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", what);
    int line = clamp_line(buf, len, p->problem_mark.line);
    const char *why = p->problem ? p->problem : "cannot be parsed";
    if (p->context)
        return cg_error_set(err, CG_ERR_INPUT, "%s:%d: invalid YAML: %.200s %.200s (column %d)", what, line, p->context,
                            why, to_int(p->problem_mark.column + 1));
    return cg_error_set(err, CG_ERR_INPUT, "%s:%d: invalid YAML: %.200s (column %d)", what, line, why,
                        to_int(p->problem_mark.column + 1));
}

cg_status cg_yaml_events(const uint8_t *buf, size_t len, const char *what, size_t max_depth, cg_yaml_event_fn fn,
                         void *user, cg_error *err)
{
    what = what ? what : "YAML";
    if (!max_depth)
        max_depth = 128;
    if (len > CG_YAML_MAX_INPUT)
        return cg_error_set(err, CG_ERR_LIMIT, "%s: larger than %zu MiB", what, CG_YAML_MAX_INPUT >> 20);
    const uint8_t *nul = len ? memchr(buf, 0, len) : NULL;
    if (nul) {
        int line = 1;
        for (const uint8_t *p = buf; p < nul; p++)
            line += *p == '\n';
        return cg_error_set(err, CG_ERR_INPUT, "%s:%d: NUL byte in text", what, line);
    }
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p))
        return cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", what);
    yaml_parser_set_input_string(&p, len ? buf : (const unsigned char *)"", len);
    size_t depth = 0;
    cg_status st = CG_OK;
    for (bool done = false; !done && st == CG_OK;) {
        yaml_event_t e;
        if (!yaml_parser_parse(&p, &e)) {
            st = parser_error(&p, buf, len, what, err);
            break;
        }
        cg_yaml_event ev = {.line = to_int(e.start_mark.line + 1), .col = to_int(e.start_mark.column + 1),
                            .depth = depth};
        switch (e.type) {
        case YAML_STREAM_END_EVENT:
            done = true;
            break;
        case YAML_DOCUMENT_START_EVENT:
            ev.type = CG_YEV_DOC_START;
            ev.implicit = e.data.document_start.implicit != 0;
            break;
        case YAML_DOCUMENT_END_EVENT:
            ev.type = CG_YEV_DOC_END;
            break;
        case YAML_SCALAR_EVENT:
            ev.type = CG_YEV_SCALAR;
            ev.text = (const char *)e.data.scalar.value;
            ev.len = e.data.scalar.length;
            ev.quoted = e.data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
            ev.anchor = (const char *)e.data.scalar.anchor;
            ev.tagged = e.data.scalar.tag != NULL;
            if (!ev.quoted && ev.len == 0 && !ev.anchor && !ev.tagged)
                ev.line = ev.col = 0; /* an empty node: no text of its own */
            break;
        case YAML_ALIAS_EVENT:
            ev.type = CG_YEV_ALIAS;
            ev.anchor = (const char *)e.data.alias.anchor;
            break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT: {
            bool map = e.type == YAML_MAPPING_START_EVENT;
            ev.type = map ? CG_YEV_MAP_START : CG_YEV_SEQ_START;
            ev.anchor = (const char *)(map ? e.data.mapping_start.anchor : e.data.sequence_start.anchor);
            ev.tagged = (map ? e.data.mapping_start.tag : e.data.sequence_start.tag) != NULL;
            break;
        }
        case YAML_SEQUENCE_END_EVENT:
            ev.type = CG_YEV_SEQ_END;
            break;
        case YAML_MAPPING_END_EVENT:
            ev.type = CG_YEV_MAP_END;
            break;
        default:
            break;
        }
        if (ev.anchor)
            ev.anchor_len = strlen(ev.anchor);
        if (ev.type == CG_YEV_SEQ_START || ev.type == CG_YEV_MAP_START) {
            /* checked here, before libyaml reads the next level */
            if (depth >= max_depth)
                st = cg_error_set(err, CG_ERR_LIMIT, "%s:%d: nested deeper than %zu levels (column %d)", what,
                                  ev.line, max_depth, ev.col);
            depth++;
        } else if ((ev.type == CG_YEV_SEQ_END || ev.type == CG_YEV_MAP_END) && depth) {
            depth--;
            ev.depth = depth;
        }
        if (st == CG_OK && ev.type)
            st = fn(user, &ev, err);
        yaml_event_delete(&e);
    }
    yaml_parser_delete(&p);
    return st;
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
    s.st = calloc(s.lim.max_depth, sizeof *s.st);
    cg_strmap_init(&s.anchors);
    cg_status st = s.st ? CG_OK : oom(&s);
    /* the tree checks depth itself (strict mode makes it an input error);
     * the stream's own check is one level further as a backstop */
    if (st == CG_OK)
        st = cg_yaml_events(buf, len, s.what, s.lim.max_depth + 1, on_event, &s, err);
    if (st == CG_OK) {
        *docs = s.docs.n ? cg_arena_memdup(a, s.docs.v, s.docs.n * sizeof(cg_yaml_doc)) : NULL;
        *n_docs = s.docs.n;
        if (s.docs.n && !*docs)
            st = oom(&s);
    }
    while (s.st && s.depth > 0)
        frame_free(&s.st[--s.depth]);
    cg_strmap_free(&s.anchors);
    free(s.docs.v);
    free(s.st);
    return st;
}

cg_status cg_yaml_parse_map(const uint8_t *buf, size_t len, const char *what, const cg_yaml_limits *lim,
                            cg_arena *a, const cg_yaml_node **root, cg_error *err)
{
    cg_yaml_doc *docs;
    size_t nd;
    *root = NULL;
    cg_status st = cg_yaml_parse(buf, len, what, lim, a, &docs, &nd, err);
    if (st != CG_OK || !nd || !docs[0].root)
        return st;
    if (docs[0].root->kind != CG_YAML_MAP)
        return cg_error_set(err, CG_ERR_INPUT, "%s:%d: not a mapping", what ? what : "YAML", docs[0].root->line);
    *root = docs[0].root;
    return CG_OK;
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

/* ---- jansson view ---- */

static json_t *scalar_json(const cg_yaml_node *n)
{
    if (!n->quoted) {
        const char *s = n->str;
        size_t len = n->len;
        if (len == 0 || (len == 1 && s[0] == '~') ||
            (len == 4 && (!memcmp(s, "null", 4) || !memcmp(s, "Null", 4) || !memcmp(s, "NULL", 4))))
            return json_null();
        if (len == 4 && (!memcmp(s, "true", 4) || !memcmp(s, "True", 4)))
            return json_true();
        if (len == 5 && (!memcmp(s, "false", 5) || !memcmp(s, "False", 5)))
            return json_false();
    }
    return json_stringn_nocheck(n->str, n->len);
}

/* Recursion is bounded by the tree's max_depth, total work by max_nodes
 * (aliases counted expanded). */
static json_t *node_json(const cg_yaml_node *n)
{
    if (!n)
        return json_null();
    if (n->kind == CG_YAML_SCALAR)
        return scalar_json(n);
    json_t *j = n->kind == CG_YAML_MAP ? json_object() : json_array();
    for (size_t i = 0; j && i < n->n; i++) {
        json_t *v = node_json(n->vals[i]);
        int bad = !v || (n->kind == CG_YAML_MAP ? json_object_set_new_nocheck(j, n->keys[i], v)
                                                : json_array_append_new(j, v));
        if (bad) {
            json_decref(j);
            return NULL;
        }
    }
    return j;
}

cg_status cg_yaml_to_json(const uint8_t *buf, size_t len, const char *what, const cg_yaml_limits *lim,
                          json_t **out, cg_error *err)
{
    *out = NULL;
    cg_yaml_limits l = lim ? *lim : (cg_yaml_limits){0};
    l.max_docs = 1;
    cg_arena a;
    cg_arena_init(&a);
    cg_yaml_doc *docs = NULL;
    size_t n = 0;
    cg_status st = cg_yaml_parse(buf, len, what, &l, &a, &docs, &n, err);
    if (st == CG_OK) {
        *out = n && docs[0].root ? node_json(docs[0].root) : json_null();
        if (!*out)
            st = cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", what ? what : "YAML");
    }
    cg_arena_free(&a);
    return st;
}

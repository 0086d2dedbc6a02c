/*
 * yaml_util.c - libfyaml's event stream into cg_yaml_node trees (yaml_util.h).
 * The event API (not the document API) so that nothing in libfyaml expands
 * aliases or recurses on our behalf: depth, documents and expanded size are
 * counted here, and an alias becomes a second pointer to its anchor's node.
 * Owns no Kubernetes or policy knowledge.
 */
#include "policy/yaml_util.h"

#include <libfyaml.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/strmap.h"
#include "core/vec.h"

typedef struct yframe {
    cg_yaml_node *node;
    cg_vec keys, klines, vals;
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
    cg_vec docs; /* cg_yaml_doc */
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

static cg_status oom(ystate *s)
{
    return cg_error_set(s->err, CG_ERR_NOMEM, "%s: out of memory", s->what);
}

/* Attach a finished node (or alias target) to the open container or the document. */
static cg_status add_child(ystate *s, cg_yaml_node *child, int line, int col)
{
    if (s->depth == 0) {
        cg_yaml_doc *d = &((cg_yaml_doc *)s->docs.v)[s->docs.n - 1];
        d->root = child;
        if (d->line == 0) /* an implicit document start has no position */
            d->line = child->line;
        return CG_OK;
    }
    yframe *f = &s->st[s->depth - 1];
    if (child->line == 0 && f->have_key) /* an empty value has no position: use its key's */
        child->line = f->key_line;
    if (f->node->kind == CG_YAML_MAP && !f->have_key) {
        if (child->kind != CG_YAML_SCALAR)
            return cg_error_set(s->err, CG_ERR_INPUT, "%s:%d:%d: only scalar mapping keys are supported",
                                s->what, line, col);
        f->key = child->str;
        f->key_line = line;
        f->have_key = true;
        f->node->weight = sat_add(f->node->weight, 1, s->lim.max_nodes);
        return CG_OK;
    }
    if (f->node->kind == CG_YAML_MAP) {
        if (!cg_vec_push(&f->keys, &f->key, sizeof f->key) ||
            !cg_vec_push(&f->klines, &f->key_line, sizeof f->key_line))
            return oom(s);
        f->have_key = false;
    }
    if (!cg_vec_push(&f->vals, &child, sizeof child))
        return oom(s);
    f->node->weight = sat_add(f->node->weight, child->weight, s->lim.max_nodes);
    if (f->node->weight > s->lim.max_nodes)
        return cg_error_set(s->err, CG_ERR_LIMIT,
                            "%s:%d:%d: document expands to more than %zu nodes (alias fan-out?)", s->what, line,
                            col, s->lim.max_nodes);
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

typedef struct keyline {
    const char *k;
    int line;
} keyline;

static int keyline_cmp(const void *x, const void *y)
{
    const keyline *p = x, *q = y;
    int c = strcmp(p->k, q->k);
    return c ? c : (p->line > q->line) - (p->line < q->line);
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
        keyline *kl = malloc(node->n * sizeof *kl);
        if (!node->keys || !node->key_lines || !kl) {
            st = oom(s);
        } else {
            for (size_t i = 0; i < node->n; i++)
                kl[i] = (keyline){node->keys[i], node->key_lines[i]};
            qsort(kl, node->n, sizeof *kl, keyline_cmp);
            for (size_t i = 1; i < node->n && st == CG_OK; i++)
                if (!strcmp(kl[i].k, kl[i - 1].k))
                    st = cg_error_set(s->err, CG_ERR_INPUT, "%s:%d: duplicate key \"%.200s\" (first at line %d)",
                                      s->what, kl[i].line, kl[i].k, kl[i - 1].line);
        }
        free(kl);
    }
    free(f->keys.v);
    free(f->klines.v);
    free(f->vals.v);
    *f = (yframe){0};
    s->depth--;
    return st;
}

static cg_status on_event(ystate *s, struct fy_event *ev)
{
    int line = mark_line(ev), col = mark_col(ev);
    cg_yaml_node *node;
    struct fy_token *anchor = NULL;
    switch (ev->type) {
    case FYET_DOCUMENT_START: {
        if (s->docs.n >= s->lim.max_docs)
            return cg_error_set(s->err, CG_ERR_LIMIT, "%s:%d: more than %zu YAML documents", s->what, line,
                                s->lim.max_docs);
        cg_yaml_doc d = {NULL, line};
        if (!cg_vec_push(&s->docs, &d, sizeof d))
            return oom(s);
        cg_strmap_free(&s->anchors); /* anchors are per document */
        cg_strmap_init(&s->anchors);
        return CG_OK;
    }
    case FYET_SCALAR: {
        node = cg_arena_alloc(s->a, sizeof *node);
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
        cg_status st = anchor_define(s, ev->scalar.anchor, node);
        return st != CG_OK ? st : add_child(s, node, line, col);
    }
    case FYET_ALIAS: {
        size_t n = 0;
        const char *t = ev->alias.anchor ? fy_token_get_text(ev->alias.anchor, &n) : NULL;
        cg_yaml_node *target = t ? cg_strmap_get(&s->anchors, t, n) : NULL;
        if (!target)
            return cg_error_set(s->err, CG_ERR_INPUT, "%s:%d:%d: alias *%.*s has no anchor", s->what, line, col,
                                (int)(n > 200 ? 200 : n), t ? t : "");
        if (target->open_)
            return cg_error_set(s->err, CG_ERR_INPUT, "%s:%d:%d: alias *%.*s refers to a node that contains it",
                                s->what, line, col, (int)(n > 200 ? 200 : n), t);
        return add_child(s, target, line, col);
    }
    case FYET_MAPPING_START:
    case FYET_SEQUENCE_START:
        if (s->depth >= s->lim.max_depth)
            return cg_error_set(s->err, CG_ERR_LIMIT, "%s:%d:%d: nested deeper than %zu levels", s->what, line,
                                col, s->lim.max_depth);
        node = cg_arena_alloc(s->a, sizeof *node);
        if (!node)
            return oom(s);
        node->kind = ev->type == FYET_MAPPING_START ? CG_YAML_MAP : CG_YAML_SEQ;
        node->line = line;
        node->col = col;
        node->str = "";
        anchor = ev->type == FYET_MAPPING_START ? ev->mapping_start.anchor : ev->sequence_start.anchor;
        node->open_ = 1;
        cg_status ast = anchor_define(s, anchor, node);
        if (ast != CG_OK)
            return ast;
        s->st[s->depth++] = (yframe){.node = node};
        return CG_OK;
    case FYET_MAPPING_END:
    case FYET_SEQUENCE_END: {
        if (s->depth == 0)
            return cg_error_set(s->err, CG_ERR_INTERNAL, "%s:%d: unbalanced YAML events", s->what, line);
        node = s->st[s->depth - 1].node;
        int nline = node->line, ncol = node->col;
        node->open_ = 0;
        node->weight = sat_add(node->weight, 1, s->lim.max_nodes);
        cg_status st = close_frame(s);
        return st != CG_OK ? st : add_child(s, node, nline, ncol);
    }
    default:
        return CG_OK;
    }
}

static cg_status parse_error(ystate *s, struct fy_diag *diag, const uint8_t *buf, size_t len)
{
    void *it = NULL;
    struct fy_diag_error *e;
    /* libfyaml reports errors found at the end of input on the line after
     * the last newline; name the last line that has text instead */
    int last = 1;
    for (size_t i = 0; i + 1 < len; i++)
        last += buf[i] == '\n';
    while ((e = fy_diag_errors_iterate(diag, &it)) != NULL) {
        if (e->msg) {
            int line = e->line + 1 > last ? last : e->line + 1;
            return cg_error_set(s->err, CG_ERR_INPUT, "%s:%d: invalid YAML: %.300s", s->what, line, e->msg);
        }
    }
    return cg_error_set(s->err, CG_ERR_INPUT, "%s: invalid YAML", s->what);
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
    if (memchr(buf, 0, len))
        return cg_error_set(err, CG_ERR_INPUT, "%s: contains a NUL byte, not YAML", s.what);

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
        st = cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", s.what);
        goto out;
    }
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
    if (st == CG_OK) {
        *docs = s.docs.n ? cg_arena_memdup(a, s.docs.v, s.docs.n * sizeof(cg_yaml_doc)) : NULL;
        *n_docs = s.docs.n;
        if (s.docs.n && !*docs)
            st = cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", s.what);
    }
out:
    while (s.st && s.depth > 0) {
        yframe *f = &s.st[--s.depth];
        free(f->keys.v);
        free(f->klines.v);
        free(f->vals.v);
    }
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

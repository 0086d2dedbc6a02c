/*
 * overlay.c - see overlay.h.  Removal "below a directory" scans the node
 * table, but only when the directory is known to hold kept nodes (dirs
 * counter), which is rare; every tar entry otherwise costs O(1) lookups.
 */
#include "image/overlay.h"

#include <stdlib.h>
#include <string.h>

#define MAX_HOPS 40

void cg_overlay_init(cg_overlay *ov)
{
    cg_arena_init(&ov->arena);
    cg_strmap_init(&ov->nodes);
    cg_strmap_init(&ov->dirs);
}

void cg_overlay_end_walk(cg_overlay *ov)
{
    cg_strmap_free(&ov->dirs);
    cg_strmap_init(&ov->dirs);
}

void cg_overlay_free(cg_overlay *ov)
{
    cg_strmap_free(&ov->nodes);
    cg_strmap_free(&ov->dirs);
    cg_arena_free(&ov->arena);
}

cg_ov_node *cg_overlay_get(const cg_overlay *ov, const char *path, size_t len)
{
    return cg_strmap_get(&ov->nodes, path, len);
}

/* Add delta to the counter of every ancestor directory of path (for delta > 0
 * path must live as long as the overlay: a node's own path). */
static cg_status count_ancestors(cg_overlay *ov, const char *path, size_t len, int delta)
{
    for (size_t i = len; i-- > 0;) {
        if (path[i] != '/')
            continue;
        uintptr_t c = (uintptr_t)cg_strmap_get(&ov->dirs, path, i);
        if (delta > 0) {
            if (c == 0) {
                /* keys must outlive the map: path is a node's path in the
                 * overlay's arena (cg_overlay_add), so its prefix is the key */
                if (cg_strmap_put(&ov->dirs, path, i, (void *)(uintptr_t)1) != CG_OK)
                    return CG_ERR_NOMEM;
            } else {
                cg_strmap_put(&ov->dirs, path, i, (void *)(c + 1));
            }
        } else if (c <= 1) {
            cg_strmap_del(&ov->dirs, path, i);
        } else {
            cg_strmap_put(&ov->dirs, path, i, (void *)(c - 1));
        }
    }
    return CG_OK;
}

static void drop(cg_overlay *ov, cg_ov_node *n)
{
    cg_strmap_del(&ov->nodes, n->path, n->len);
    count_ancestors(ov, n->path, n->len, -1);
}

/* Drop every node strictly below dir (len bytes; "" = root) from layers < layer. */
static void drop_below(cg_overlay *ov, const char *dir, size_t len, int layer)
{
    if (len > 0 && !cg_strmap_get(&ov->dirs, dir, len))
        return;
    if (len == 0 && ov->nodes.count == 0)
        return;
    for (size_t i = 0; i < ov->nodes.cap; i++) {
        cg_strmap_slot *s = &ov->nodes.slots[i];
        if (!cg_strmap_live(s))
            continue;
        cg_ov_node *n = s->val;
        if (n->layer >= layer)
            continue;
        if (len == 0 || (n->len > len && n->path[len] == '/' && memcmp(n->path, dir, len) == 0))
            drop(ov, n);
    }
}

cg_status cg_overlay_apply(cg_overlay *ov, const cg_entry *e, bool keep_same_path)
{
    cg_ov_node *at = cg_overlay_get(ov, e->path, e->path_len);
    switch (e->type) {
    case CG_ENT_WHITEOUT:
        if (at && at->layer < e->layer)
            drop(ov, at);
        drop_below(ov, e->path, e->path_len, e->layer);
        break;
    case CG_ENT_OPAQUE:
        drop_below(ov, e->path, e->path_len, e->layer);
        break;
    case CG_ENT_DIR:
        if (at && at->layer < e->layer)
            drop(ov, at); /* a directory replaces a lower file or link */
        break;
    default:
        drop_below(ov, e->path, e->path_len, e->layer); /* replaces a lower directory */
        if (at && at->layer < e->layer && !keep_same_path)
            drop(ov, at);
        break;
    }
    return CG_OK;
}

cg_status cg_overlay_add(cg_overlay *ov, const cg_entry *e, cg_ov_kind kind, uint64_t wanted, void **results,
                         cg_ov_node **out)
{
    cg_ov_node *n = cg_arena_alloc(&ov->arena, sizeof *n);
    if (!n)
        return CG_ERR_NOMEM;
    n->path = cg_arena_strndup(&ov->arena, e->path, e->path_len);
    n->len = e->path_len;
    n->layer = e->layer;
    n->kind = kind;
    n->link = e->link ? cg_arena_strdup(&ov->arena, e->link) : NULL;
    n->wanted = wanted;
    n->results = results;
    if (!n->path || (e->link && !n->link))
        return CG_ERR_NOMEM;
    cg_ov_node *old = cg_overlay_get(ov, e->path, e->path_len);
    if (old)
        n->lower = old->layer < e->layer ? old : old->lower; /* same layer: the later entry wins */
    if (cg_strmap_put(&ov->nodes, n->path, n->len, n) != CG_OK)
        return CG_ERR_NOMEM;
    if (!old && count_ancestors(ov, n->path, n->len, +1) != CG_OK)
        return CG_ERR_NOMEM;
    if (out)
        *out = n;
    return CG_OK;
}

/* Resolve symlinks in every component of path (relative to the image root). */
cg_ov_node *cg_overlay_resolve(const cg_overlay *ov, const char *path, const char **why)
{
    char cur[4096];   /* resolved prefix */
    char rest[8192];  /* components still to walk */
    size_t cl = 0;
    int hops = 0;
    const char *dummy;
    if (!why)
        why = &dummy;
    *why = "missing";
    if (strlen(path) >= sizeof rest) {
        *why = "too long";
        return NULL;
    }
    memcpy(rest, path, strlen(path) + 1); /* length checked above */
    cur[0] = '\0';
    for (;;) {
        char *p = rest;
        while (*p == '/')
            p++;
        if (!*p)
            break;
        char *end = strchr(p, '/');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        char comp[256];
        if (n >= sizeof comp) {
            *why = "too long";
            return NULL;
        }
        memcpy(comp, p, n);
        comp[n] = '\0';
        memmove(rest, p + n, strlen(p + n) + 1);
        if (!strcmp(comp, "."))
            continue;
        if (!strcmp(comp, "..")) {
            char *s = strrchr(cur, '/');
            cl = s ? (size_t)(s - cur) : 0;
            cur[cl] = '\0';
            continue;
        }
        if (cl + n + 2 > sizeof cur) {
            *why = "too long";
            return NULL;
        }
        size_t before = cl;
        if (cl)
            cur[cl++] = '/';
        memcpy(cur + cl, comp, n + 1);
        cl += n;
        cg_ov_node *node = cg_overlay_get(ov, cur, cl);
        if (!node || node->kind == CG_OV_FILE)
            continue;
        if (++hops > MAX_HOPS) {
            *why = "loop";
            return NULL;
        }
        const char *target = node->link ? node->link : "";
        size_t tl = strlen(target), rl = strlen(rest);
        if (tl + rl + 2 > sizeof rest) {
            *why = "too long";
            return NULL;
        }
        memmove(rest + tl + 1, rest, rl + 1);
        memcpy(rest, target, tl);
        rest[tl] = '/';
        if (node->kind == CG_OV_HARDLINK || target[0] == '/') {
            cl = 0; /* hard link targets and absolute symlinks start at the image root */
        } else {
            cl = before; /* relative to the link's directory */
        }
        cur[cl] = '\0';
    }
    cg_ov_node *f = cl ? cg_overlay_get(ov, cur, cl) : NULL;
    if (f && f->kind == CG_OV_FILE)
        return f;
    return NULL;
}

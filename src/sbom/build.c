/*
 * build.c - cg_sbom_build: one streaming pass over the image, catalogers as
 * visitors.  For each entry: ask every cataloger whether it wants the path,
 * read the bytes once (capped), let each interested cataloger parse them, and
 * record the result in the overlay view.  After the pass only files that
 * survive whiteouts and replacement reach the catalogers' finish(); then
 * purls are computed and packages sorted so output is deterministic.
 * What a target reads follows the catalogers' evidence table: an image or a
 * root filesystem reports what is installed, a source tree (fs:) what its
 * lock files and manifests declare; an inventory of nothing is an error
 * unless the caller allows it.
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <unistd.h>

#include "catalog/catalog.h"
#include "catalog/purl.h"
#include "sbom/image_purl.h"
#include "core/rfc3339.h"
#include "core/vec.h"
#include "cgate/sbom.h"
#include "image/overlay.h"
#include "image/transport.h"
#include "image/walk.h"
#include "core/oom.h"

#define MAX_LINK_NODES 500000u

typedef struct build_state {
    cg_sbom *sbom;
    int source;      /* fs: a source tree: declared evidence, not installed */
    int declared;    /* an image read with --declared */
    int include_dev; /* keep dev dependencies of lock files */
    cg_cat_ctx *ctx;
    cg_overlay ov;
    cg_buf content;
    cg_arena nodes;  /* cataloger nodes handed to finish() and the nodes' result
                        slots: dropped with the overlay */
    cg_arena work[64]; /* each cataloger's parse results and finish() temporaries,
                          freed once its packages are compacted */
    void **slots;         /* result slots handed out from a block of bs->nodes */
    size_t n_slots;
    cg_vec lists[64];     /* each cataloger's surviving nodes (const cg_cat_node *) */
    cg_arena list_mem[64]; /* their nodes and paths, freed after its finish() */
    size_t n_links;
    int warned_links;
    const cg_sbom_tap *tap; /* optional second consumer of the pass */
} build_state;

/* Whether the target reads a file of this evidence kind: a source tree reads
 * what is declared, an image or root filesystem what is installed (and what is
 * declared too when asked, marked). */
static bool reads(const build_state *bs, uint8_t ev)
{
    if (ev == CG_EV_INSTALLED)
        return !bs->source;
    if (ev == CG_EV_DECLARED)
        return bs->source || bs->declared;
    return true;
}

static uint64_t wanted_mask(const build_state *bs, const char *path, size_t len, cg_cat_want *wants)
{
    uint64_t m = 0;
    for (size_t c = 0; c < cg_n_catalogers; c++) {
        wants[c] = (cg_cat_want){0};
        if (cg_catalogers[c]->wants(path, len, &wants[c]) && reads(bs, wants[c].evidence))
            m |= 1ull << c;
    }
    return m;
}

/* Index of cataloger c's result in a node's results array (which has one
 * slot per bit of its wanted mask, in cataloger order). */
static size_t result_slot(uint64_t mask, size_t c)
{
    return (size_t)__builtin_popcountll(mask & ((1ull << c) - 1));
}

/* Whether cataloger cat wants to see the first bytes of entry e. */
static bool sniffs(const cg_cataloger *cat, const cg_entry *e)
{
    return cat->sniff && (!cat->sniff_mode || (e->mode & cat->sniff_mode));
}

/* Claims by content: sniffers see the first CG_CAT_HEAD bytes, which are
 * read into bs->content (the rest of the file follows them there, if read). */
static uint64_t sniff_mask(build_state *bs, const cg_entry *e, cg_entry_data *d, uint64_t mask, cg_cat_want *wants,
                           cg_error *err, cg_status *st)
{
    *st = CG_OK;
    int any = 0;
    for (size_t c = 0; c < cg_n_catalogers && !any; c++)
        any = sniffs(cg_catalogers[c], e) && !(mask & (1ull << c));
    if (!any || e->size == 0)
        return mask;
    if (cg_buf_reserve(&bs->content, CG_CAT_HEAD) != CG_OK) {
        *st = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        return mask;
    }
    while (bs->content.len < CG_CAT_HEAD && cg_entry_remaining(d) > 0) {
        ssize_t n = cg_entry_read_some(d, bs->content.data + bs->content.len, CG_CAT_HEAD - bs->content.len, err);
        if (n < 0) {
            *st = cg_error_prefix(err, "entry %s", e->path);
            return mask;
        }
        bs->content.len += (size_t)n;
    }
    cg_cat_entry ce = {e->path, e->path_len, e->size, e->mode};
    for (size_t c = 0; c < cg_n_catalogers; c++) {
        const cg_cataloger *cat = cg_catalogers[c];
        if (!sniffs(cat, e) || (mask & (1ull << c)))
            continue;
        wants[c] = (cg_cat_want){0};
        /* the head only, also when the whole file was read (for a tap) */
        size_t head = bs->content.len < CG_CAT_HEAD ? bs->content.len : CG_CAT_HEAD;
        if (cat->sniff(&ce, (const uint8_t *)bs->content.data, head, &wants[c]) &&
            reads(bs, wants[c].evidence))
            mask |= 1ull << c;
    }
    return mask;
}

/* Copy the file (what was read of it already, then the rest) into an
 * unlinked temporary file: never by a path from the image. */
static cg_status spill(build_state *bs, const cg_entry *e, cg_entry_data *d, int *fd_out, cg_error *err)
{
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp)
        tmp = "/tmp";
    int fd = open(tmp, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0) {
        char tpl[4096];
        snprintf(tpl, sizeof tpl, "%s/cgate-spill-XXXXXX", tmp);
        fd = mkstemp(tpl);
        if (fd >= 0)
            unlink(tpl);
    }
    if (fd < 0)
        return cg_error_set(err, CG_ERR_IO, "cannot create a temporary file in %s: %s", tmp, strerror(errno));
    cg_status st = CG_OK;
    const char *p = bs->content.data;
    size_t n = bs->content.len;
    char chunk[65536];
    for (;;) {
        while (n) {
            ssize_t w = write(fd, p, n);
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0) {
                st = cg_error_set(err, CG_ERR_IO, "writing a temporary file: %s", strerror(errno));
                break;
            }
            p += w;
            n -= (size_t)w;
        }
        if (st != CG_OK || cg_entry_remaining(d) == 0)
            break;
        ssize_t r = cg_entry_read_some(d, chunk, sizeof chunk, err);
        if (r < 0) {
            st = cg_error_prefix(err, "entry %s", e->path);
            break;
        }
        p = chunk;
        n = (size_t)r;
    }
    if (st != CG_OK) {
        close(fd);
        return st;
    }
    *fd_out = fd;
    return CG_OK;
}

/* n zeroed result slots, packed (8 bytes each, not an arena's 16). */
static void **result_slots(build_state *bs, size_t n)
{
    if (bs->n_slots < n) {
        size_t cap = n > 4096 ? n : 4096;
        bs->slots = cg_arena_calloc(&bs->nodes, cap, sizeof *bs->slots);
        bs->n_slots = bs->slots ? cap : 0;
        if (!bs->slots)
            return NULL;
    }
    void **r = bs->slots;
    bs->slots += n;
    bs->n_slots -= n;
    return r;
}

static cg_status on_file(build_state *bs, const cg_entry *e, cg_entry_data *d, cg_error *err)
{
    cg_cat_want wants[64];
    cg_status st;
    /* bs->content may already hold the whole file (read for the tap) */
    uint64_t mask = wanted_mask(bs, e->path, e->path_len, wants);
    mask = sniff_mask(bs, e, d, mask, wants, err, &st);
    if (st != CG_OK)
        return st;
    if (!mask)
        return cg_overlay_apply(&bs->ov, e, false);
    size_t cap = 0;
    int want_spill = 0, want_mem = 0;
    for (size_t c = 0; c < cg_n_catalogers; c++) {
        if (!(mask & (1ull << c)))
            continue;
        if (e->size > wants[c].max_size) {
            if (wants[c].essential)
                return cg_error_set(err, CG_ERR_LIMIT, "entry %s: %llu bytes, over the %zu-byte cap of the %s cataloger",
                                    e->path, (unsigned long long)e->size, wants[c].max_size, cg_catalogers[c]->name);
            cg_cat_warn(bs->ctx, "/%s: skipped by the %s cataloger: %llu bytes, over its %zu-byte cap", e->path,
                        cg_catalogers[c]->name, (unsigned long long)e->size, wants[c].max_size);
            mask &= ~(1ull << c);
            continue;
        }
        if (wants[c].spill)
            want_spill = 1;
        else
            want_mem = 1;
        if (!wants[c].spill && wants[c].max_size > cap)
            cap = wants[c].max_size;
    }
    if (!mask)
        return cg_overlay_apply(&bs->ov, e, false);
    int fd = -1, own_fd = 0;
    if (want_spill) {
        if (d->fd >= 0 && bs->content.len == 0) {
            fd = d->fd; /* dir: the file itself can be read in place */
        } else {
            if ((st = spill(bs, e, d, &fd, err)) != CG_OK)
                return st;
            own_fd = 1;
        }
    }
    if (want_mem) {
        if (fd >= 0) { /* the bytes went to the temporary file: read them back */
            cg_buf_reset(&bs->content);
            st = cg_buf_reserve(&bs->content, (size_t)e->size) == CG_OK ? CG_OK
                                                                        : cg_error_set(err, CG_ERR_NOMEM, "out of memory");
            ssize_t r = st == CG_OK ? pread(fd, bs->content.data, (size_t)e->size, 0) : -1;
            if (st == CG_OK && (r < 0 || (uint64_t)r != e->size))
                st = cg_error_set(err, CG_ERR_IO, "entry %s: reading back a temporary file failed", e->path);
            if (st == CG_OK) {
                bs->content.len = (size_t)r;
                bs->content.data[r] = '\0';
            }
        } else {
            st = cg_entry_read(d, &bs->content, cap, err);
            if (st != CG_OK)
                cg_error_prefix(err, "entry %s", e->path);
        }
    }
    /* one slot per cataloger that wants the file (result_slot), not per cataloger:
     * most files are wanted by one, and an image can hold 100,000s of them */
    void **results = st == CG_OK ? result_slots(bs, (size_t)__builtin_popcountll(mask)) : NULL;
    if (st == CG_OK && !results)
        st = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    for (size_t c = 0; st == CG_OK && c < cg_n_catalogers; c++) {
        if (!(mask & (1ull << c)))
            continue;
        cg_cat_file f = {e->path, e->layer, NULL, (size_t)e->size, fd, e->mode};
        if (!wants[c].spill)
            f.data = (const uint8_t *)(bs->content.data ? bs->content.data : "");
        cg_cat_set_arena(bs->ctx, &bs->work[c]);
        st = cg_catalogers[c]->parse(bs->ctx, &f, &results[result_slot(mask, c)], err);
        if (st != CG_OK)
            cg_error_prefix(err, "entry %s", e->path);
    }
    if (own_fd)
        close(fd);
    if (st != CG_OK)
        return st;
    if ((st = cg_overlay_apply(&bs->ov, e, true)) != CG_OK)
        return cg_error_set(err, st, "out of memory");
    if (cg_overlay_add(&bs->ov, e, CG_OV_FILE, mask, results, NULL) != CG_OK)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    return CG_OK;
}

static cg_status on_entry(void *ud, const cg_entry *e, cg_entry_data *d, cg_error *err)
{
    build_state *bs = ud;
    cg_cat_want wants[64];
    cg_buf_reset(&bs->content);
    if (bs->tap) {
        const cg_sbom_tap *t = bs->tap;
        cg_tap_kind k = e->type == CG_ENT_REG ? CG_TAP_FILE : e->type == CG_ENT_WHITEOUT ? CG_TAP_WHITEOUT
                        : e->type == CG_ENT_OPAQUE ? CG_TAP_OPAQUE : CG_TAP_OTHER;
        int read = k == CG_TAP_FILE && t->want(t->ud, e->path, e->size);
        cg_status st = CG_OK;
        if (read && (st = cg_entry_read(d, &bs->content, (size_t)e->size, err)) != CG_OK)
            return cg_error_prefix(err, "entry %s", e->path);
        if ((st = t->entry(t->ud, k, e->path, e->layer, read ? (const uint8_t *)bs->content.data : NULL,
                           read ? bs->content.len : 0, err)) != CG_OK)
            return st;
    }
    switch (e->type) {
    case CG_ENT_REG:
        return on_file(bs, e, d, err);
    case CG_ENT_SYMLINK:
    case CG_ENT_HARDLINK: {
        uint64_t mask = wanted_mask(bs, e->path, e->path_len, wants);
        /* every symlink is kept so wanted paths can be resolved through them */
        int keep = mask || (e->type == CG_ENT_SYMLINK && bs->n_links < MAX_LINK_NODES);
        if (e->type == CG_ENT_SYMLINK && !mask && !keep && !bs->warned_links) {
            bs->warned_links = 1;
            cg_cat_warn(bs->ctx, "more than %u symlinks: later ones are not followed", MAX_LINK_NODES);
        }
        if (cg_overlay_apply(&bs->ov, e, keep) != CG_OK)
            return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        if (!keep)
            return CG_OK;
        bs->n_links++;
        if (cg_overlay_add(&bs->ov, e, e->type == CG_ENT_SYMLINK ? CG_OV_SYMLINK : CG_OV_HARDLINK, mask, NULL,
                           NULL) != CG_OK)
            return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        return CG_OK;
    }
    default:
        if (cg_overlay_apply(&bs->ov, e, false) != CG_OK)
            return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        return CG_OK;
    }
}

/* Turn an overlay node and its lower chain into cataloger nodes for cataloger c. */
static const cg_cat_node *cat_chain(cg_arena *a, const cg_ov_node *n, const char *path, size_t c)
{
    cg_cat_node *head = NULL, **tail = &head;
    const char *lower_path = NULL; /* every lower version has the target's path: one copy */
    for (; n && n->kind == CG_OV_FILE && (n->wanted & (1ull << c)); n = n->lower) {
        cg_cat_node *cn = cg_arena_alloc(a, sizeof *cn);
        if (!cn)
            return NULL;
        if (path) /* the top node: the path asked for; copied, the overlay goes first */
            cn->path = cg_arena_strdup(a, path);
        else
            cn->path = lower_path ? lower_path : (lower_path = cg_arena_strdup(a, n->path));
        if (!cn->path)
            return NULL;
        if (path && !strcmp(path, n->path))
            lower_path = cn->path;
        cn->layer = n->layer;
        cn->result = n->results ? n->results[result_slot(n->wanted, c)] : NULL;
        *tail = cn;
        tail = (cg_cat_node **)&cn->lower;
        path = NULL;
    }
    return head;
}

static int node_cmp(const void *x, const void *y)
{
    const cg_cat_node *a = *(const cg_cat_node *const *)x, *b = *(const cg_cat_node *const *)y;
    return strcmp(a->path, b->path);
}

/* A wanted path that is a link which does not lead to a file: fatal for a
 * loop or an essential file, a warning otherwise. */
static cg_status link_failure(build_state *bs, const cg_ov_node *on, size_t c, const char *why, cg_error *err)
{
    const char *kind = on->kind == CG_OV_SYMLINK ? "symbolic link" : "hard link";
    int loop = !strcmp(why, "loop") || !strcmp(why, "too long");
    cg_cat_want w = {0};
    cg_catalogers[c]->wants(on->path, on->len, &w);
    if (!loop && !w.essential) {
        cg_cat_warn(bs->ctx, "/%s: %s to %s: target %s", on->path, kind, on->link ? on->link : "?",
                    !strcmp(why, "missing") ? "not found in the image" : why);
        return CG_OK;
    }
    const cg_image_info *in = &bs->sbom->image;
    const char *digest = on->layer >= 0 && (size_t)on->layer < in->n_layers && in->layers[on->layer].digest
                             ? in->layers[on->layer].digest : NULL;
    char where[200] = "";
    if (on->layer >= 0)
        snprintf(where, sizeof where, "layer %d/%zu %s: ", on->layer + 1, in->n_layers, digest ? digest : "(digest unknown)");
    return cg_error_set(err, CG_ERR_INPUT, "%sentry %s: %s to %s %s", where, on->path, kind, on->link ? on->link : "?",
                        loop ? "loops or nests more than 40 links deep"
                             : !strcmp(why, "missing") ? "points to nothing inside the image" : why);
}

/* A lock file's dev dependency (cgate:npm:dev, cgate:python:dev, ...). */
static bool is_dev(const cg_package *p)
{
    for (size_t i = 0; i < p->n_props; i++) {
        const char *n = p->props[i].name;
        size_t l = strlen(n);
        if (l > 10 && !strncmp(n, "cgate:", 6) && !strcmp(n + l - 4, ":dev") && !strcmp(p->props[i].value, "true"))
            return true;
    }
    return false;
}

typedef struct keep_ud {
    build_state *bs;
    size_t c;
    cg_status st;
} keep_ud;

/* Packages cataloger c emitted from a declared file (its primary location is
 * a path whose want says CG_EV_DECLARED): dev dependencies go unless
 * --include-dev; in an image (--declared) the rest are marked
 * cgate:evidence=declared, so nobody mistakes them for installed ones. */
static bool keep_pkg(void *ud, cg_package *p)
{
    keep_ud *k = ud;
    if (!p->n_locations || !p->locations[0].path)
        return true;
    const char *path = p->locations[0].path;
    while (*path == '/')
        path++;
    cg_cat_want w = {0};
    if (!cg_catalogers[k->c]->wants(path, strlen(path), &w) || w.evidence != CG_EV_DECLARED)
        return true;
    if (!k->bs->include_dev && is_dev(p))
        return false;
    if (!k->bs->source && k->st == CG_OK)
        k->st = cg_cat_add_prop(k->bs->ctx, p, "cgate:evidence", "declared");
    return true;
}

static cg_status mark_declared(build_state *bs, size_t c, size_t from, cg_error *err)
{
    keep_ud k = {bs, c, CG_OK};
    cg_cat_filter(bs->ctx, from, keep_pkg, &k);
    return k.st == CG_OK ? CG_OK : cg_error_set(err, k.st, "out of memory");
}

/* The surviving nodes of cataloger c, links resolved, into bs->lists[c]
 * (nodes and their paths in bs->list_mem[c]: they outlive the overlay). */
static cg_status build_list(build_state *bs, size_t c, cg_error *err)
{
    cg_overlay *ov = &bs->ov;
    cg_arena *a = &bs->list_mem[c];
    cg_status st = CG_OK;
    for (size_t i = 0; i < ov->nodes.cap && st == CG_OK; i++) {
        if (!cg_strmap_live(&ov->nodes.slots[i]))
            continue;
        const cg_ov_node *on = ov->nodes.slots[i].val;
        if (!(on->wanted & (1ull << c)))
            continue;
        const cg_ov_node *target = on;
        if (on->kind != CG_OV_FILE) {
            const char *why;
            target = cg_overlay_resolve(ov, on->path, &why);
            if (!target || !(target->wanted & (1ull << c))) {
                st = link_failure(bs, on, c, target ? "is not a regular file of the image" : why, err);
                continue;
            }
        }
        const cg_cat_node *cn = cat_chain(a, target, on->path, c);
        if (!cn || !cg_vec_push(&bs->lists[c], &cn, sizeof cn))
            st = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    }
    if (st == CG_OK && bs->lists[c].n > 1)
        qsort(bs->lists[c].v, bs->lists[c].n, sizeof(const cg_cat_node *), node_cmp);
    return st;
}

static cg_status run_finish(build_state *bs, size_t c, cg_error *err)
{
    cg_vec *list = &bs->lists[c];
    size_t before = cg_cat_n_packages(bs->ctx);
    cg_cat_set_arena(bs->ctx, &bs->work[c]);
    cg_status st = cg_catalogers[c]->finish(bs->ctx, (const cg_cat_node *const *)list->v, list->n, err);
    if (st != CG_OK)
        cg_error_prefix(err, "%s cataloger", cg_catalogers[c]->name);
    free(list->v);
    *list = (cg_vec){0};
    cg_arena_free(&bs->list_mem[c]);
    if (st == CG_OK)
        st = mark_declared(bs, c, before, err);
    if (st == CG_OK && cg_cat_compact(bs->ctx) != CG_OK)
        st = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    /* nothing points into the cataloger's parse results any more */
    cg_cat_set_arena(bs->ctx, NULL);
    if (bs->work[c].used_total) {
        cg_arena_free(&bs->work[c]);
        malloc_trim(0); /* its pages back to the system, not only to malloc */
    }
    return st;
}

static int cmpstr(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

static int pkg_cmp(const void *x, const void *y)
{
    const cg_package *a = x, *b = y;
    int r;
    if ((r = cmpstr(a->type, b->type)) || (r = cmpstr(a->name, b->name)) || (r = cmpstr(a->version, b->version)) ||
        (r = cmpstr(a->arch, b->arch)))
        return r;
    return cmpstr(a->n_locations ? a->locations[0].path : NULL, b->n_locations ? b->locations[0].path : NULL);
}

static const char *dup_s(cg_arena *a, const char *s)
{
    return s ? cg_arena_strdup(a, s) : NULL;
}

static void copy_info(cg_arena *a, cg_image_info *dst, const cg_image_info *src)
{
    *dst = *src;
    dst->ref = dup_s(a, src->ref);
    dst->transport = dup_s(a, src->transport);
    dst->name = dup_s(a, src->name);
    dst->tag = dup_s(a, src->tag);
    dst->manifest_digest = dup_s(a, src->manifest_digest);
    dst->config_digest = dup_s(a, src->config_digest);
    dst->os = dup_s(a, src->os);
    dst->architecture = dup_s(a, src->architecture);
    dst->variant = dup_s(a, src->variant);
    dst->created = dup_s(a, src->created);
    dst->layers = cg_arena_calloc(a, src->n_layers ? src->n_layers : 1, sizeof *dst->layers);
    for (size_t i = 0; dst->layers && i < src->n_layers; i++) {
        dst->layers[i].digest = dup_s(a, src->layers[i].digest);
        dst->layers[i].diff_id = dup_s(a, src->layers[i].diff_id);
        dst->layers[i].media_type = dup_s(a, src->layers[i].media_type);
        dst->layers[i].size = src->layers[i].size;
    }
}

static cg_status collect(build_state *bs, const cg_sbom_opts *opts, cg_error *err)
{
    cg_sbom *s = bs->sbom;
    cg_arena *a = &s->arena;
    s->distro = cg_cat_take_distro(bs->ctx);
    size_t n = 0, bytes = 0;
    /* the compacted records become the array: sorted in place, never copied */
    s->pkgs = cg_cat_take_packages(bs->ctx, &n, &bytes);
    s->pkgs_map_ = s->pkgs;
    s->pkgs_map_len_ = bytes;
    if (!s->pkgs)
        s->pkgs = cg_arena_calloc(a, 1, sizeof *s->pkgs);
    if (!s->pkgs)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    cg_arena scratch; /* each purl is made here, then kept packed */
    cg_arena_init(&scratch);
    for (size_t i = 0; i < n; i++) {
        const char *purl = cg_purl_for_package(&scratch, &s->pkgs[i], s->distro);
        s->pkgs[i].purl = purl ? cg_cat_keep(bs->ctx, purl) : NULL;
        if (purl && !s->pkgs[i].purl) {
            cg_arena_free(&scratch);
            return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        }
        if (i % 256 == 255) {
            cg_arena_free(&scratch);
            cg_arena_init(&scratch);
        }
    }
    cg_arena_free(&scratch);
    s->n_pkgs = n;
    qsort(s->pkgs, n, sizeof *s->pkgs, pkg_cmp);
    s->image_purl = cg_purl_for_image(a, &s->image);
    size_t nw = cg_cat_n_warnings(bs->ctx);
    s->warnings = cg_arena_calloc(a, nw ? nw : 1, sizeof *s->warnings);
    if (!s->warnings)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < nw; i++)
        s->warnings[i] = cg_cat_warning(bs->ctx, i);
    qsort(s->warnings, nw, sizeof *s->warnings, cg_strptr_cmp);
    size_t k = 0; /* drop duplicates */
    for (size_t i = 0; i < nw; i++)
        if (k == 0 || strcmp(s->warnings[k - 1], s->warnings[i]))
            s->warnings[k++] = s->warnings[i];
    s->n_warnings = k;
    int64_t ts = 0;
    if (opts && opts->source_date_epoch >= 0)
        ts = opts->source_date_epoch;
    else if (cg_rfc3339_parse(s->image.created, &ts) != 0)
        ts = 0;
    s->timestamp = ts;
    return CG_OK;
}

static cg_status sbom_build(cg_image *img, const cg_sbom_opts *opts, cg_sbom **out, cg_error *err)
{
    return cg_sbom_build_tap(img, opts, NULL, out, err);
}

cg_status cg_sbom_build_tap(cg_image *img, const cg_sbom_opts *opts, const cg_sbom_tap *tap, cg_sbom **out,
                            cg_error *err)
{
    *out = NULL;
    if (cg_n_catalogers > 64)
        return cg_error_set(err, CG_ERR_INTERNAL, "too many catalogers");
    cg_sbom *s = calloc(1, sizeof *s);
    if (!s)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    cg_arena_init(&s->arena);
    build_state bs;
    memset(&bs, 0, sizeof bs);
    bs.sbom = s;
    bs.source = !strcmp(cg_image_get_info(img)->transport ? cg_image_get_info(img)->transport : "", "fs");
    bs.declared = opts && opts->declared;
    bs.include_dev = opts && opts->include_dev;
    cg_overlay_init(&bs.ov);
    cg_arena_init(&bs.nodes);
    for (size_t c = 0; c < 64; c++) {
        cg_arena_init(&bs.work[c]);
        cg_arena_init(&bs.list_mem[c]);
    }
    cg_buf_init(&bs.content, 0);
    bs.ctx = cg_cat_ctx_new(&s->arena);
    bs.tap = tap && tap->want && tap->entry ? tap : NULL;
    cg_status st = bs.ctx ? CG_OK : cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    if (st == CG_OK) {
        cg_walk_visitor v = {&bs, NULL, on_entry, NULL};
        st = cg_image_walk(img, &v, err);
    }
    if (st == CG_OK) /* after the walk: layer digests may only be known now */
        copy_info(&s->arena, &s->image, cg_image_get_info(img));
    if (bs.ctx)
        cg_cat_end_parse(bs.ctx);
    cg_overlay_end_walk(&bs.ov);
    /* what finish() needs of the flattened view, then the view goes before
     * any package is made: it is as large as the parse results */
    for (size_t c = 0; st == CG_OK && c < cg_n_catalogers; c++)
        st = build_list(&bs, c, err);
    cg_overlay_free(&bs.ov);
    cg_arena_free(&bs.nodes);
    cg_buf_free(&bs.content);
    malloc_trim(0); /* give the view's pages back before the records are made */
    for (size_t c = 0; st == CG_OK && c < cg_n_catalogers; c++)
        st = run_finish(&bs, c, err);
    if (st == CG_OK)
        cg_cat_resolve_owners(bs.ctx);
    int nothing = st == CG_OK && !cg_cat_distro(bs.ctx) && cg_cat_n_packages(bs.ctx) == 0;
    if (nothing && !(opts && opts->allow_empty))
        st = cg_error_set(err, CG_ERR_INPUT,
                          "nothing recognised: no operating system and no package (%s); "
                          "use --allow-empty to accept an empty inventory",
                          bs.source ? "no lock file or manifest" : "no os-release and no package database");
    if (nothing && st == CG_OK) {
        s->nothing_recognised = 1;
        cg_cat_warn(bs.ctx, "nothing recognised: no operating system and no package (allowed by --allow-empty)");
    }
    if (st == CG_OK)
        st = collect(&bs, opts, err);
    if (st != CG_OK)
        cg_error_prefix(err, "image %s", cg_image_get_info(img)->ref);
    cg_cat_ctx_free(bs.ctx);
    cg_overlay_free(&bs.ov);
    cg_arena_free(&bs.nodes);
    for (size_t c = 0; c < 64; c++) {
        cg_arena_free(&bs.work[c]);
        cg_arena_free(&bs.list_mem[c]);
        free(bs.lists[c].v);
    }
    cg_buf_free(&bs.content);
    if (st != CG_OK) {
        cg_sbom_free(s);
        return st;
    }
    *out = s;
    return CG_OK;
}

void cg_sbom_free(cg_sbom *s)
{
    if (!s)
        return;
    if (s->pkgs_map_)
        munmap(s->pkgs_map_, s->pkgs_map_len_);
    cg_arena_free(&s->arena);
    free(s);
}

/* The public entry point: a result built through a failed allocation (which deep
 * code may have taken for "absent") is never returned (core/oom.h). */
cg_status cg_sbom_build(cg_image *img, const cg_sbom_opts *opts, cg_sbom **out, cg_error *err)
{
    unsigned long oom_before = cg_oom_count();
    cg_status st = sbom_build(img, opts, out, err);
    if (st == CG_OK && cg_oom_check(oom_before, "SBOM", err) != CG_OK) {
        st = CG_ERR_NOMEM;
        cg_sbom_free(*out);
        *out = NULL;
    }
    return st;
}

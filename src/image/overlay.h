/*
 * overlay.h - the flattened view of an image's layers, kept only for the
 * paths that matter (files a cataloger wants, and every symlink so paths can
 * be resolved), applying OCI layer rules as the entries stream by, bottom
 * layer first: a whiteout hides a path and everything under it, an opaque
 * marker hides a directory's lower contents, a non-directory hides a lower
 * directory, a directory hides a lower non-directory.  Memory is proportional
 * to the kept nodes, not to the number of files in the image.
 */
#ifndef CG_OVERLAY_H
#define CG_OVERLAY_H

#include <stdbool.h>
#include <stdint.h>

#include "cgate/arena.h"
#include "core/strmap.h"
#include "image/walk.h"

typedef enum cg_ov_kind { CG_OV_FILE, CG_OV_SYMLINK, CG_OV_HARDLINK } cg_ov_kind;

typedef struct cg_ov_node {
    const char *path;
    size_t len;
    int layer;
    cg_ov_kind kind;
    const char *link;         /* symlink target as written, or normalised hard link target */
    uint64_t wanted;          /* bit c: cataloger c wants this path */
    void **results;           /* per cataloger parse results (files only), may be NULL */
    struct cg_ov_node *lower; /* the version of this path it replaced in a lower layer */
} cg_ov_node;

typedef struct cg_overlay {
    cg_arena arena;  /* nodes and their strings */
    cg_strmap nodes; /* path -> live node */
    cg_strmap dirs;  /* directory path -> number of live nodes below it */
} cg_overlay;

void cg_overlay_init(cg_overlay *ov);
void cg_overlay_free(cg_overlay *ov);
/* No entry will be applied any more: drop what only cg_overlay_apply needs
 * (the directory counters); lookups and cg_overlay_resolve keep working. */
void cg_overlay_end_walk(cg_overlay *ov);

/* Apply what entry e hides in lower layers.  keep_same_path: the caller will
 * add a node for e's path, so a lower node at that exact path is kept (to be
 * chained as `lower`) rather than dropped. */
cg_status cg_overlay_apply(cg_overlay *ov, const cg_entry *e, bool keep_same_path);

/* Add a node for e's path (after cg_overlay_apply(e, true)). */
cg_status cg_overlay_add(cg_overlay *ov, const cg_entry *e, cg_ov_kind kind, uint64_t wanted, void **results,
                         cg_ov_node **out);

cg_ov_node *cg_overlay_get(const cg_overlay *ov, const char *path, size_t len);

/* Resolve path through symlinks and hard links (at most 40 hops, ".." never
 * leaves the root) to a file node.  Returns NULL when it does not resolve to a
 * kept file; *why (optional) then says "missing", "loop" or "too long". */
cg_ov_node *cg_overlay_resolve(const cg_overlay *ov, const char *path, const char **why);

#endif

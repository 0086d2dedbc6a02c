/*
 * runtime_int.h - internals shared by runtime_image.c (the image's merged
 * file tree, symlink resolution, who owns which file) and runtime.c (the
 * evidence readers and the VEX writer).
 */
#ifndef CG_RUNTIME_INT_H
#define CG_RUNTIME_INT_H

#include <stddef.h>
#include <stdio.h>

#include "cgate/runtime.h"
#include "core/jwrite.h"
#include "core/strmap.h"

#define RT_MAX_PATH 4096
#define RT_MAX_HOPS 40 /* symlinks followed per path, as the kernel's ELOOP */

typedef struct rt_owner {
    size_t pkg;
    struct rt_owner *next;
} rt_owner;

typedef struct rt_index {
    cg_arena arena;
    cg_strmap nodes;    /* "usr/lib/x" -> rt_node (merged view of every layer) */
    cg_strmap exact;    /* resolved file path -> rt_owner list */
    cg_strmap prefix;   /* resolved folder (node_modules/x, ...) -> rt_owner list */
    cg_strmap archive;  /* Maven packages by the archive they were read from, inside a
                           jar: "app/x.jar!" (its own and shaded ones), "app/x.jar!/lib/y.jar"
                           (nested) -> rt_owner list (the jar file itself: exact) */
    unsigned char *known; /* [n_pkgs], set for every package given an owned file or folder */
} rt_index;

/* Build the index of img's files and the owners of sbom's packages
 * (= rt_index_init, every entry of the walk, rt_index_own). */
cg_status rt_index_build(cg_image *img, const cg_sbom *sbom, rt_index *ix, unsigned char *known, cg_error *err);
void rt_index_free(rt_index *ix);

/* The same in steps, for tests and fuzzing without an image: an empty index,
 * one file-tree node at a time (RT_REG with its bytes when it is an
 * ownership file, RT_DIR, RT_LINK with its target as written), then the
 * owners of sbom's packages. */
enum { RT_REG, RT_DIR, RT_LINK, RT_OTHER };
void rt_index_init(rt_index *ix, unsigned char *known);
cg_status rt_index_add(rt_index *ix, const char *path, int type, const char *link, const char *data, size_t len,
                       cg_error *err);
cg_status rt_index_own(rt_index *ix, const cg_sbom *sbom, cg_error *err);

/* A cg_runtime for n_pkgs packages (NULL when out of memory). */
cg_runtime *rt_runtime_new(size_t n_pkgs);
/* Read one evidence stream (f, or the file name when f is NULL) into rt,
 * merging its window; im: the image the evidence must name (may be NULL:
 * any named digest is refused). */
cg_status rt_read(const rt_index *ix, cg_runtime *rt, const cg_image_info *im, const char *name, FILE *f,
                  cg_error *err);

/* Resolve the absolute path in (len bytes) through the image's symlinks into
 * out ("usr/lib/x", relative, no trailing '/').  0 ok, -1 not resolvable
 * (relative, loop, too long). */
int rt_resolve(const rt_index *ix, const char *in, size_t len, char *out, size_t cap, size_t *out_len);

/* Call fn for every package owning the resolved path p; returns the count. */
size_t rt_owners(const rt_index *ix, const char *p, size_t len, void (*fn)(void *ud, size_t pkg), void *ud);

/* Call fn for every package read from the archive key ("app/x.jar!" or
 * "app/x.jar!/lib/y.jar", the jar's path resolved); returns the count. */
size_t rt_archive_owners(const rt_index *ix, const char *key, size_t len, void (*fn)(void *ud, size_t pkg), void *ud);

/* A finding's "runtime" member (report_json.c) and the window object. */
void cg_runtime_write_finding(const cg_runtime *rt, size_t pkg, cg_jw *w);
void cg_runtime_write_window(const cg_runtime *rt, cg_jw *w);
/* The report's "runtime" summary: evidence files, window, counts (rt may be NULL: nothing). */
void cg_runtime_write_summary(const cg_runtime *rt, cg_jw *w);

#endif

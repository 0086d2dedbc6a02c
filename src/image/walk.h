/*
 * walk.h - the single streaming pass over an image's files (internal).
 *
 * cg_image_walk() visits every entry of every layer, bottom layer first, in
 * archive order, with paths normalised ("usr/bin/x": relative, no "./", no
 * trailing "/", never ".." and never absolute - such entries are errors).
 * Whiteout files arrive as CG_ENT_WHITEOUT / CG_ENT_OPAQUE with the path they
 * hide.  A visitor may read the current entry's bytes with cg_entry_read();
 * unread bytes are skipped (but still hashed).  When the walk returns CG_OK,
 * every blob digest and diff_id has been verified.
 */
#ifndef CG_WALK_H
#define CG_WALK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgate/buf.h"
#include "cgate/error.h"

typedef struct cg_image cg_image;

typedef enum cg_entry_type {
    CG_ENT_REG,
    CG_ENT_DIR,
    CG_ENT_SYMLINK,
    CG_ENT_HARDLINK,
    CG_ENT_OTHER,    /* device, fifo, socket */
    CG_ENT_WHITEOUT, /* path = the hidden path */
    CG_ENT_OPAQUE    /* path = the directory made opaque ("" for the root) */
} cg_entry_type;

typedef struct cg_entry {
    const char *path;  /* NUL-terminated; valid during the callback only */
    size_t path_len;
    cg_entry_type type;
    uint64_t size;     /* regular files */
    uint32_t mode;     /* permission bits (07777) */
    const char *link;  /* symlink target as written / hardlink target normalised */
    int layer;         /* layer index, -1 for dir: */
} cg_entry;

typedef struct cg_entry_data cg_entry_data;

/* Read the rest of the current regular file into out (appended).  Fails with
 * CG_ERR_LIMIT when the whole file is larger than max. */
cg_status cg_entry_read(cg_entry_data *d, cg_buf *out, size_t max, cg_error *err);
/* Read up to n more bytes of the current file into buf; returns the count
 * (0 at the end) or -1 with err set.  Mixes freely with cg_entry_read. */
ssize_t cg_entry_read_some(cg_entry_data *d, void *buf, size_t n, cg_error *err);
/* Bytes of the current file not read yet. */
uint64_t cg_entry_remaining(const cg_entry_data *d);

typedef struct cg_walk_visitor {
    void *ud;
    cg_status (*layer_begin)(void *ud, int layer, cg_error *err);  /* optional */
    cg_status (*entry)(void *ud, const cg_entry *e, cg_entry_data *d, cg_error *err);
    cg_status (*layer_end)(void *ud, int layer, cg_error *err);    /* optional */
} cg_walk_visitor;

cg_status cg_image_walk(cg_image *img, const cg_walk_visitor *v, cg_error *err);

/* Normalise a tar member name into out (cap bytes).  Returns 0 on success,
 * -1 for a ".." component or an absolute path, -2 when too long.
 * "./a//b/" -> "a/b"; "." or "./" -> "". */
int cg_path_normalize(const char *in, size_t len, char *out, size_t cap, size_t *out_len);

#endif

/*
 * tarindex.h - an index of the members of an uncompressed tar FILE (a
 * docker-archive or oci-archive), so blobs inside it can be streamed in any
 * order with pread() instead of extracting the archive.  Only the outer
 * archive is indexed this way; layer tars are streamed through libarchive.
 */
#ifndef CG_TARINDEX_H
#define CG_TARINDEX_H

#include <stdint.h>

#include "cgate/arena.h"
#include "cgate/error.h"
#include "core/strmap.h"
#include "image/transport.h"

typedef struct cg_tar_member {
    const char *name; /* normalised (no "./", no trailing "/") */
    uint64_t offset;  /* of the data */
    uint64_t size;
    char type;        /* tar typeflag; '0' for regular files */
} cg_tar_member;

typedef struct cg_tarindex {
    int fd;
    uint64_t file_size;
    const char *what; /* the archive's path, for messages */
    cg_strmap by_name;
    size_t n;
} cg_tarindex;

/* Index the tar at path.  what names it in errors.  Members and names live in a. */
cg_status cg_tarindex_open(cg_tarindex *ti, const char *path, cg_arena *a, cg_error *err);
void cg_tarindex_close(cg_tarindex *ti);
const cg_tar_member *cg_tarindex_find(const cg_tarindex *ti, const char *name);

/* A blob stream over [offset, offset+size) of fd. */
cg_status cg_blob_from_range(int fd, uint64_t offset, uint64_t size, cg_blob *out, cg_error *err);
/* Read a whole small member (cap max bytes) into buf. */
cg_status cg_tarindex_read(const cg_tarindex *ti, const cg_tar_member *m, uint64_t max, cg_buf *buf,
                           cg_error *err);

#endif

/*
 * store.h - files of an image layout addressed by relative path, whether the
 * layout is a directory (oci:) or a tar archive (oci-archive:, docker-archive:).
 * The OCI and docker-archive readers are written once against this.
 */
#ifndef CG_STORE_H
#define CG_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "cgate/arena.h"
#include "cgate/buf.h"
#include "image/tarindex.h"
#include "image/transport.h"

typedef struct cg_store {
    const char *what;  /* the layout's path, for messages */
    int dirfd;         /* directory layouts; -1 otherwise */
    cg_tarindex tar;   /* archive layouts (tar.fd >= 0) */
} cg_store;

cg_status cg_store_open_dir(cg_store *s, const char *dir, cg_error *err);
cg_status cg_store_open_tar(cg_store *s, const char *path, cg_arena *a, cg_error *err);
void cg_store_close(cg_store *s);

bool cg_store_exists(cg_store *s, const char *rel);
/* Whole file, at most max bytes (CG_ERR_LIMIT above that). */
cg_status cg_store_read(cg_store *s, const char *rel, uint64_t max, cg_buf *out, cg_error *err);
/* Streaming open; *size gets the file size. */
cg_status cg_store_open(cg_store *s, const char *rel, uint64_t *size, cg_blob *out, cg_error *err);

/* "blobs/sha256/<hex>" for a valid digest, in a. */
const char *cg_store_blob_path(cg_arena *a, const char *digest);

#endif

/*
 * copy_internal.h - what the files of src/copy/ share: one image's content
 * read from its source (the source's own manifest bytes, config, layer
 * digests) and an index's artifact manifests, used by the registry push
 * (push_image.c, push_index.c) and the OCI layout copy (layout.c) alike.
 * Not installed.
 */
#ifndef CG_COPY_INTERNAL_H
#define CG_COPY_INTERNAL_H

#include <stdint.h>

#include "cgate/buf.h"
#include "cgate/copy.h"

typedef struct cp_src {
    cg_buf manifest;           /* the bytes to push (the source's own when it has them) */
    char media_type[128];
    cg_buf config;
    const char **layer_digest; /* per layer: the blob digest to push */
} cp_src;

/* Read img's manifest (or build one for a docker-archive) and config. */
cg_status cp_load(cg_image *img, cp_src *ps, cg_error *err);
void cp_src_free(cp_src *ps);
/* The repository to mount blobs from: img's own when it is on dest's registry, else NULL. */
const char *cp_mount_from(cg_image *img, const cg_ref *dest);
/* Add one pushed blob ("uploaded", "exists", "mounted") to res. */
void cp_count(cg_push_result *res, const char *what);
/* Config and layers (HEAD, then mount or upload), then the manifest by
 * digest (into digest); no tag. */
cg_status cp_push_content(cg_registry *r, cg_image *img, const cp_src *ps, const cg_ref *dest, const char *from,
                          cg_push_result *res, char digest[CG_REF_DIGEST_MAX], cg_error *err);
/* Any blob of img's source by digest (transport open_blob), HEAD first. */
cg_status cp_push_blob_of(cg_registry *r, cg_image *img, const char *digest, int64_t size, const cg_ref *dest,
                          const char *from, cg_push_result *res, cg_error *err);

/* A manifest in an index that is not a platform's image (an attestation):
 * copied blob by blob, its manifest bytes as they are. */
typedef struct cp_artifact {
    cg_buf manifest;
    const char *media_type;
    const char **digest; /* config (when there is one), then layers */
    int64_t *size;
    size_t n;
} cp_artifact;
/* Read entry e's manifest from src and list its blobs (at most 1000). */
cg_status cp_artifact_load(cg_image *src, const cg_index_entry *e, cp_artifact *a, cg_error *err);

#endif

/*
 * copy.h - copying an image from any transport (cgate/image.h) to a
 * registry (cgate/registry.h) or into an OCI image layout: `cgate push` and
 * `cgate pull`.  The source's own manifest bytes are kept whenever it has
 * them, so the digest survives the copy; blobs are streamed from the source
 * and hashed on the way.  This stage sits above both: copy -> image ->
 * registry -> core; the registry client knows nothing of images.
 */
#ifndef CGATE_COPY_H
#define CGATE_COPY_H

#include <stddef.h>
#include <stdint.h>

#include "cgate/error.h"
#include "cgate/export.h"
#include "cgate/image.h"
#include "cgate/registry.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- pushing an image ------------------------------------------------- */

/* Called after the manifest was pushed by digest and before the tag is set:
 * the seam for signing and attesting (`push --sign-key`).  A failure stops
 * the push with the tag unset and is returned as is. */
typedef cg_status (*cg_push_hook_fn)(void *ud, cg_registry *r, const cg_ref *dest, const char *manifest_digest,
                                     cg_error *err);

typedef struct cg_push_opts {
    cg_push_hook_fn before_tag; /* may be NULL */
    void *hook_ud;
} cg_push_opts;

typedef struct cg_push_result {
    char digest[CG_REF_DIGEST_MAX]; /* the manifest digest pushed (the index's for an index) */
    char media_type[128];
    size_t blobs;                   /* config + layers (of every manifest, for an index) */
    size_t uploaded, skipped, mounted;
    uint64_t bytes_uploaded;
    int is_index;                   /* cg_copy_push_index */
    size_t platforms;               /* platform images pushed (index only) */
    size_t artifacts;               /* attestation and other artifact manifests pushed (index only) */
} cg_push_result;

/* The digest the manifest of img will have once pushed (the source's own
 * manifest bytes are kept when the transport has them; a docker-archive
 * without one gets a Docker v2 manifest built here). */
CG_EXPORT cg_status cg_copy_manifest_digest(cg_image *img, char digest[CG_REF_DIGEST_MAX], cg_error *err);

/* Push img to dest: each blob (config, layers) HEAD-then-mount-or-upload,
 * the manifest by digest, then opts->before_tag, then the manifest again
 * under dest->tag (when dest has a tag).  Nothing is tagged unless every
 * earlier step succeeded.  A dir: image cannot be pushed (no layers). */
CG_EXPORT cg_status cg_copy_push_image(cg_registry *r, cg_image *img, const cg_ref *dest,
                                       const cg_push_opts *opts, cg_push_result *res, cg_error *err);

/* Push a multi-platform index (cg_image_open_index) whole: every entry is
 * opened and read first (a missing or corrupt one fails before anything is
 * sent); then each platform's image as cg_copy_push_image pushes it but
 * untagged, each artifact entry (an attestation) with its blobs copied as
 * they are, then the index's exact bytes by digest, then opts->before_tag
 * with the INDEX digest, then the index under dest->tag.  Nothing is tagged
 * unless every entry and the index were pushed.  An index entry that is
 * itself an index, or of a media type other than an image manifest, is
 * refused (CG_ERR_INPUT) before anything is sent. */
CG_EXPORT cg_status cg_copy_push_index(cg_registry *r, cg_image_index *index, const cg_ref *dest,
                                       const cg_push_opts *opts, cg_push_result *res, cg_error *err);

/* ---- copying to an OCI image layout ---------------------------------- */

/* Copy img (one image, as cg_image_open picked it; any transport but dir:)
 * into the OCI image layout at dir, created when missing or empty: the
 * source's own manifest bytes (so the digest is kept), config and layers,
 * each written to a temporary file, hashed on the way and renamed to its
 * digest only when the bytes match (a blob already there is re-hashed and
 * kept only when it matches); then index.json, rewritten whole, with the
 * entry for tag (NULL or "": the untagged entry of that digest) replaced.
 * res: digest, media type, blobs (uploaded = written, skipped = already
 * there), bytes_uploaded = layer bytes written.  A directory that is not an
 * OCI layout is refused (CG_ERR_INPUT). */
#define CG_LAYOUT_OCI_MEDIA_TYPES 1u /* flags: a Docker v2 manifest is rewritten with OCI media
                                         types (a new digest; blobs unchanged), so tools that read
                                         only OCI manifests from a layout (skopeo, umoci) find it */
CG_EXPORT cg_status cg_copy_to_layout(cg_image *img, const char *dir, const char *tag, unsigned flags,
                                      cg_push_result *res, cg_error *err);
/* The same for a whole multi-platform index (cg_image_open_index): every
 * platform's image, every attestation manifest and its blobs, the index's
 * own bytes (its digest kept), then index.json naming the index.  Nested
 * indexes are refused (CG_ERR_INPUT). */
CG_EXPORT cg_status cg_copy_index_to_layout(cg_image_index *x, const char *dir, const char *tag,
                                            cg_push_result *res, cg_error *err);

#ifdef __cplusplus
}
#endif
#endif

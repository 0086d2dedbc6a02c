/*
 * image_internal.h - helpers shared by the image transports (internal).
 */
#ifndef CG_IMAGE_INTERNAL_H
#define CG_IMAGE_INTERNAL_H

#include <jansson.h>

#include "image/store.h"
#include "image/transport.h"

/* Read blob `digest` from a layout (cap opts.max_json_bytes), check its size
 * against `size` (when >= 0) and its sha256 against the digest. */
cg_status cg_read_verified_blob(cg_image *img, cg_store *st, const char *digest, int64_t size,
                                const char *what, cg_buf *out, cg_error *err);
/* Parse an image config: os, architecture, created, diff_ids (count must
 * equal info.n_layers, which must already be set). */
cg_status cg_parse_config(cg_image *img, const char *digest, const cg_buf *raw, cg_error *err);
/* Check an image manifest's shape (a config descriptor of an image config
 * media type, at most 1000 layers) and fill img->info.layers from its
 * "layers" (digest, media type as type_ok allows it, size); *config is
 * the config descriptor, inside man.  Errors name `what`. */
cg_status cg_manifest_layers(cg_image *img, const json_t *man, const char *what,
                             int (*type_ok)(const char *mt), const json_t **config, cg_error *err);
/* Choose the descriptor for img->platform among an index's manifests. */
cg_status cg_pick_platform(cg_image *img, const json_t *manifests, const char *what, const json_t **out,
                           cg_error *err);
/* "os/arch[/variant]" of an index entry's platform object, "unknown" without os and arch. */
const char *cg_platform_str(cg_arena *a, const json_t *platform);
/* Keep raw (len bytes, the index document doc) as img's index for
 * cg_image_open_index.  digest NULL = computed here; media_type NULL = the
 * document's own, else an OCI index. */
cg_status cg_keep_index(cg_image *img, const char *raw, size_t len, const char *digest, const char *media_type,
                        json_t *doc, cg_error *err);
/* The source an index was opened from (for push.c: its transport's
 * open_blob and read_manifest). */
cg_image *cg_image_index_source(cg_image_index *x);
/* index.json -> manifest -> config of an OCI layout. */
cg_status cg_oci_resolve(cg_image *img, cg_store *st, const char *tag, cg_error *err);

#endif

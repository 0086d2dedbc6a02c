/*
 * image.h - opening container images from the transports skopeo users know.
 *
 *   docker-archive:PATH   a `docker save` tar (classic or OCI-style layout)
 *   oci:DIR[:TAG]         an OCI image layout directory
 *   oci-archive:PATH[:TAG] a tar of an OCI image layout
 *   dir:PATH              a root filesystem on disk (one pseudo-layer)
 *   fs:PATH               a source tree: read like dir:, but the SBOM builder
 *                         reads lock files and manifests (what is declared)
 *                         instead of what is installed
 *   PATH                  auto-detected among the above: a directory must hold
 *                         oci-layout, manifest.json (an extracted docker save)
 *                         or etc/, usr/ or var/lib/; anything else is refused
 *
 * Opening reads and verifies the index, manifest and config (size-capped,
 * digest-checked).  Layers are never unpacked: they are streamed by the
 * SBOM builder (see sbom.h), with every blob and diff_id checked on the way.
 * The transport interface is internal (src/image/transport.h) so a registry
 * transport can be added without changing this header.
 */
#ifndef CGATE_IMAGE_H
#define CGATE_IMAGE_H

#include <stdint.h>

#include "cgate/error.h"
#include "cgate/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cg_image cg_image;

typedef struct cg_layer_info {
    const char *digest;     /* blob digest "sha256:..." (NULL for dir:) */
    const char *diff_id;    /* uncompressed digest from the config (NULL for dir:) */
    const char *media_type; /* as the manifest says (may be NULL) */
    int64_t size;           /* blob size from the manifest, -1 if unknown */
} cg_layer_info;

typedef struct cg_image_info {
    const char *ref;             /* the reference as given */
    const char *transport;       /* "docker-archive", "oci", "oci-archive", "dir", "fs", "docker" */
    const char *name;            /* repository name when known ("lab/app"), else a file name */
    const char *tag;             /* tag when known, else NULL */
    const char *manifest_digest; /* NULL when the transport has no manifest (docker-archive, dir) */
    const char *config_digest;   /* the image ID; NULL for dir: */
    const char *os, *architecture, *variant;
    const char *created;         /* config "created" (RFC 3339) or NULL */
    cg_layer_info *layers;
    size_t n_layers;
} cg_image_info;

typedef struct cg_progress {
    size_t layer;           /* 0-based index of the layer being read */
    size_t n_layers;
    uint64_t bytes_read;    /* blob bytes read so far, all layers */
    uint64_t bytes_total;   /* sum of blob sizes when known, else 0 */
    int done;               /* 1 on the final call */
} cg_progress;

typedef void (*cg_progress_fn)(void *ud, const cg_progress *p);

typedef struct cg_image_opts {
    const char *platform;        /* "os/arch[/variant]"; NULL = "linux/amd64" */
    uint64_t max_json_bytes;     /* index/manifest/config cap; 0 = 4 MiB */
    uint64_t max_layer_bytes;    /* cap on uncompressed bytes, all layers; 0 = 64 GiB */
    uint64_t max_entries;        /* cap on tar entries, all layers; 0 = 50 million */
    cg_progress_fn progress;     /* optional; called from the reading thread */
    void *progress_ud;
    /* docker:// only: the registry client's options (credentials, insecure,
     * time-outs; see cgate/registry.h); NULL = defaults.  Its
     * max_manifest_bytes is replaced by max_json_bytes. */
    const struct cg_registry_opts *registry;
} cg_image_opts;

/* Open an image reference.  On success *out must be released with cg_image_close(). */
CG_EXPORT cg_status cg_image_open(const char *ref, const cg_image_opts *opts, cg_image **out, cg_error *err);
CG_EXPORT const cg_image_info *cg_image_get_info(const cg_image *img);
CG_EXPORT void cg_image_close(cg_image *img);
/* The image config's bytes exactly as read and verified (valid until
 * cg_image_close); NULL and *len 0 for dir:. */
CG_EXPORT const char *cg_image_config_json(const cg_image *img, size_t *len);

/* ---- multi-platform indexes (for copying a source whole) -------------- */

typedef struct cg_image_index cg_image_index;

typedef enum cg_index_kind {
    CG_INDEX_IMAGE,    /* a platform's image manifest: cg_image_index_open_image opens it */
    CG_INDEX_ARTIFACT, /* a manifest that is not a platform's image: platform unknown/unknown or a
                          "vnd.docker.reference.type" annotation, as BuildKit marks attestations */
    CG_INDEX_NESTED,   /* an index inside the index */
    CG_INDEX_OTHER     /* any other media type */
} cg_index_kind;

typedef struct cg_index_entry {
    const char *digest;
    const char *media_type; /* as the descriptor says; NULL when it says none */
    int64_t size;           /* -1 when the descriptor says none */
    const char *platform;   /* "linux/arm64[/v8]"; "unknown" when the descriptor has none */
    cg_index_kind kind;
} cg_index_entry;

typedef struct cg_index_info {
    const char *ref;        /* the reference as given */
    const char *transport;  /* "oci", "oci-archive", "docker" */
    const char *digest;     /* sha256 of the exact index bytes */
    const char *media_type; /* an OCI image index or a Docker manifest list */
    const char *data;       /* those bytes (data[len] = 0) */
    size_t len;
    const cg_index_entry *entries; /* in the index's order */
    size_t n_entries;
    size_t n_images;        /* entries of kind CG_INDEX_IMAGE */
} cg_index_info;

/* Open ref for copying it whole.  When opts->platform is NULL and ref's own
 * document is a multi-platform index (an OCI image index or a Docker
 * manifest list; in an OCI layout the index blob the tag or the only entry
 * names, or index.json itself when no tag is given and it lists several
 * manifests under one ref.name or none), *index is set and no platform is
 * picked.  Otherwise *image is set, exactly as cg_image_open would.  Exactly
 * one is set on success; free it with cg_image_index_close / cg_image_close. */
CG_EXPORT cg_status cg_image_open_index(const char *ref, const cg_image_opts *opts, cg_image_index **index,
                              cg_image **image, cg_error *err);
CG_EXPORT const cg_index_info *cg_image_index_get_info(const cg_image_index *x);
/* Open entry i (kind CG_INDEX_IMAGE) as an image, checked to be the very
 * manifest the entry names.  Close it with cg_image_close, before the index. */
CG_EXPORT cg_status cg_image_index_open_image(cg_image_index *x, size_t i, cg_image **out, cg_error *err);
CG_EXPORT void cg_image_index_close(cg_image_index *x);

#ifdef __cplusplus
}
#endif
#endif

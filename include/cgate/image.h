/*
 * image.h - opening container images from the transports skopeo users know.
 *
 *   docker-archive:PATH   a `docker save` tar (classic or OCI-style layout)
 *   oci:DIR[:TAG]         an OCI image layout directory
 *   oci-archive:PATH[:TAG] a tar of an OCI image layout
 *   dir:PATH              a root filesystem on disk (one pseudo-layer)
 *   PATH                  auto-detected among the above
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
    const char *transport;       /* "docker-archive", "oci", "oci-archive", "dir" */
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
cg_status cg_image_open(const char *ref, const cg_image_opts *opts, cg_image **out, cg_error *err);
const cg_image_info *cg_image_get_info(const cg_image *img);
void cg_image_close(cg_image *img);

#ifdef __cplusplus
}
#endif
#endif

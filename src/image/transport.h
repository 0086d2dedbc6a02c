/*
 * transport.h - what every image transport provides (internal).
 *
 * A transport turns a reference into image metadata (cg_image_info, filled at
 * open) and a way to read blobs as byte streams.  Layer decoding, digest
 * verification and whiteouts are NOT a transport's business: they live in
 * layer.c and are shared by every transport.  A registry transport slots in
 * by implementing open_blob with HTTP range-free streaming reads.
 */
#ifndef CG_TRANSPORT_H
#define CG_TRANSPORT_H

#include <stdint.h>
#include <sys/types.h>

struct archive;

#include "cgate/arena.h"
#include "cgate/buf.h"
#include "cgate/image.h"
#include "image/walk.h"

/* The current entry's bytes: from libarchive (layers) or a file (dir:). */
struct cg_entry_data {
    struct archive *a;
    int fd;
    uint64_t size;
    uint64_t done; /* bytes read so far */
};

/* A readable byte stream for one blob. */
typedef struct cg_blob {
    /* Read up to n bytes; 0 at the end, -1 on error (with *err set). */
    ssize_t (*read)(struct cg_blob *b, void *buf, size_t n, cg_error *err);
    void (*close)(struct cg_blob *b);
    void *impl;
} cg_blob;

typedef struct cg_transport {
    const char *name;
    /* Open the blob of layer i for streaming. */
    cg_status (*open_layer)(cg_image *img, size_t i, cg_blob *out, cg_error *err);
    /* Transports without layers (dir:) walk their files directly; NULL otherwise. */
    cg_status (*walk)(cg_image *img, const cg_walk_visitor *v, cg_error *err);
    void (*close)(cg_image *img);
    /* Transports that can hold a multi-platform index (oci, oci-archive,
     * docker); NULL elsewhere.  open_blob streams any blob of the source by
     * digest, unverified (the reader hashes it); read_manifest gives the exact
     * bytes of a manifest, capped at opts.max_json_bytes and checked against
     * digest and size (when >= 0); open_child opens the image manifest
     * `digest` into child, sharing parent's layout or connection, so the
     * child must be closed before the parent. */
    cg_status (*open_blob)(cg_image *img, const char *digest, int64_t size, cg_blob *out, cg_error *err);
    cg_status (*read_manifest)(cg_image *img, const char *digest, int64_t size, cg_buf *out, cg_error *err);
    cg_status (*open_child)(cg_image *parent, cg_image *child, const char *digest, int64_t size,
                            const char *media_type, cg_error *err);
    /* Blobs opened with open_layer may be read by different threads at the
     * same time (local files): the walk then inflates later layers ahead. */
    int concurrent_blobs;
} cg_transport;

typedef struct cg_platform {
    char os[32], arch[32], variant[32];
    char text[100]; /* "linux/amd64" as asked */
} cg_platform;

struct cg_image {
    cg_arena arena;
    cg_image_info info;
    cg_image_opts opts;      /* with defaults applied */
    cg_platform platform;
    int platform_explicit;   /* the caller named a platform */
    const cg_transport *tp;
    void *impl;      /* transport state */
    /* cg_image_open_index: a transport that meets a multi-platform index
     * (the reference's own, before any platform is picked) keeps it here
     * with cg_keep_index and opens no image. */
    int want_index;
    struct json_t *index_doc;   /* that index, parsed; NULL for a single image */
    const char *index_raw;      /* its exact bytes (arena) */
    size_t index_len;
    const char *index_digest, *index_media_type;
    const char *config_raw;     /* the config blob's bytes as read (arena), NULL for dir: */
    size_t config_len;
};

/* A new image for ref, opts' defaults applied, nothing opened (image.c). */
cg_status cg_image_new(const char *ref, const cg_image_opts *opts, cg_image **out, cg_error *err);
/* cg_image_open with want_index (image.c). */
cg_status cg_image_open_ex(const char *ref, const cg_image_opts *opts, int want_index, cg_image **out, cg_error *err);

/* Transports (docker_archive.c, oci_layout.c, dirfs.c). */
cg_status cg_docker_archive_open(cg_image *img, const char *path, const char *tag, cg_error *err);
cg_status cg_oci_dir_open(cg_image *img, const char *dir, const char *tag, cg_error *err);
cg_status cg_oci_archive_open(cg_image *img, const char *path, const char *tag, cg_error *err);
cg_status cg_dirfs_open(cg_image *img, const char *dir, cg_error *err);
/* docker://HOST/REPO[:TAG|@DIGEST] and bare HOST/REPO... (registry_transport.c). */
cg_status cg_registry_image_open(cg_image *img, const char *ref, cg_error *err);
/* For a registry image: the exact manifest and config bytes it was read from
 * (valid until cg_image_close), so a push keeps the manifest digest. */
cg_status cg_registry_image_raw(cg_image *img, const char **manifest, size_t *mlen, const char **media_type,
                                const char **config, size_t *clen, cg_error *err);

#endif

/*
 * sbom.h - building an SBOM from an image (one streaming pass over its
 * layers, catalogers as visitors) and writing it as CycloneDX 1.6 JSON,
 * SPDX 2.3 JSON or a human table.  The cg_sbom owns an arena holding every
 * record; cg_sbom_free() releases all of it.
 */
#ifndef CGATE_SBOM_H
#define CGATE_SBOM_H

#include <stdint.h>

#include "cgate/arena.h"
#include "cgate/buf.h"
#include "cgate/error.h"
#include "cgate/export.h"
#include "cgate/image.h"
#include "cgate/package.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cg_sbom {
    cg_arena arena;
    cg_image_info image;     /* deep copy of the image's info, in arena */
    const char *image_purl;  /* pkg:oci/... of the image itself (may be NULL) */
    cg_distro *distro;       /* NULL when no os-release or fallback was found */
    cg_package *pkgs;        /* sorted by type, name, version, arch, path */
    size_t n_pkgs;
    const char **warnings;   /* non-fatal findings ("symlink target missing"), sorted */
    size_t n_warnings;
    int64_t timestamp;       /* seconds since the epoch used in outputs */
    int nothing_recognised;  /* no OS and no package (built with allow_empty) */
    /* internal: the mapping that holds pkgs when cg_sbom_build made them
     * (cg_sbom_free releases it); NULL otherwise */
    void *pkgs_map_;
    size_t pkgs_map_len_;
} cg_sbom;

/* A second consumer of the SBOM's one pass over the layers (the secret
 * scanner), so the layers are decompressed and verified once.  want(): read
 * this regular file whole for the tap?  entry(): every entry of every layer,
 * in order; data/len hold a regular file's bytes when want() said yes. */
typedef enum cg_tap_kind { CG_TAP_FILE, CG_TAP_WHITEOUT, CG_TAP_OPAQUE, CG_TAP_OTHER } cg_tap_kind;
typedef struct cg_sbom_tap {
    void *ud;
    int (*want)(void *ud, const char *path, uint64_t size);
    cg_status (*entry)(void *ud, cg_tap_kind kind, const char *path, int layer, const uint8_t *data, size_t len,
                       cg_error *err);
} cg_sbom_tap;

typedef struct cg_sbom_opts {
    int64_t source_date_epoch; /* < 0: use the image's creation time, else 0 */
    int declared;    /* images and root filesystems: also read lock files and
                        manifests, their packages marked cgate:evidence=declared
                        (a source tree, transport "fs", always reads them) */
    int include_dev; /* keep the dev dependencies lock files declare */
    int allow_empty; /* no OS and no package recognised is not an error: the
                        SBOM says so (nothing_recognised, a warning) */
} cg_sbom_opts;

/* Stream every layer of img through the catalogers.  *out is released with
 * cg_sbom_free().  Fails (no partial SBOM) on any integrity or limit error,
 * and (CG_ERR_INPUT, "nothing recognised: ...") when neither an operating
 * system nor any package was found, unless opts->allow_empty.  opts may be
 * NULL (defaults). */
CG_EXPORT cg_status cg_sbom_build(cg_image *img, const cg_sbom_opts *opts, cg_sbom **out, cg_error *err);
CG_EXPORT void cg_sbom_free(cg_sbom *s);
/* cg_sbom_build with a tap (may be NULL) that sees the same pass. */
CG_EXPORT cg_status cg_sbom_build_tap(cg_image *img, const cg_sbom_opts *opts, const cg_sbom_tap *tap, cg_sbom **out,
                                      cg_error *err);

typedef enum cg_sbom_format {
    CG_SBOM_CYCLONEDX_JSON,
    CG_SBOM_SPDX_JSON,
    CG_SBOM_TABLE
} cg_sbom_format;

/* Parse "cyclonedx-json" / "spdx-json" / "table" (also "cyclonedx", "spdx"). */
CG_EXPORT cg_status cg_sbom_format_parse(const char *s, cg_sbom_format *out);

/* Append the SBOM in the given format to out.  Deterministic: the same SBOM
 * gives the same bytes. */
CG_EXPORT cg_status cg_sbom_write(const cg_sbom *s, cg_sbom_format fmt, cg_buf *out, cg_error *err);
/* The table fitted to width columns (cells wrap at spaces, over-long words
 * are elided; 0: unbounded, as cg_sbom_write). */
CG_EXPORT cg_status cg_sbom_write_table(const cg_sbom *s, size_t width, cg_buf *out, cg_error *err);
/* The same bytes, streamed: each chunk (at most ~64 KiB) goes to sink in order,
 * so memory does not grow with the document.  The JSON formats are written
 * twice internally (the first pass only hashes, for the serial number /
 * document namespace); nothing reaches sink before the second pass.  On an
 * error part of the document may already have gone to sink. */
CG_EXPORT cg_status cg_sbom_write_stream(const cg_sbom *s, cg_sbom_format fmt, cg_sink_fn sink, void *ud,
                                         cg_error *err);

/* Largest SBOM cg_sbom_read() accepts, and the most packages it keeps. */
#define CG_SBOM_READ_MAX_BYTES (256u * 1024u * 1024u)
#define CG_SBOM_READ_MAX_COMPONENTS 1000000u

/* Turn an existing SBOM - CycloneDX 1.4-1.7 JSON or SPDX 2.2/2.3 JSON, as
 * written by cgate, Syft or Trivy - into cgate's records: packages keyed by
 * their purl (type, namespace, name, version, arch from it), the distro, the
 * image, layers and locations where the producer's properties carry them,
 * licences, source packages, dependency edges.  Components without a purl are
 * not packages.  buf is len bytes (not NUL-terminated); what names the input
 * in messages.  Anything else, or a document that breaks its own format
 * (wrong types, over the caps), is CG_ERR_INPUT with one line naming `what`.
 * *out is released with cg_sbom_free(). */
CG_EXPORT cg_status cg_sbom_read(const uint8_t *buf, size_t len, const char *what, cg_sbom **out, cg_error *err);
/* The same, telling the caller as it goes that the text before `upto` is not
 * needed for now (it may be read again), so a caller that mapped the file can
 * drop those pages (CycloneDX is read a component at a time).  release may be
 * NULL. */
CG_EXPORT cg_status cg_sbom_read_ex(const uint8_t *buf, size_t len, const char *what,
                                    void (*release)(void *ud, size_t upto), void *release_ud, cg_sbom **out,
                                    cg_error *err);
/* cg_sbom_read_ex for a vulnerability scan: the same packages, checks and
 * errors, but each record keeps only what matching and the JSON, SARIF,
 * table and HTML reports use (type, namespace, name, version, arch, source
 * name and version, owned-by, purl, locations, layer, cataloger, rpm's
 * epoch); no description, supplier, licences, other properties or
 * dependencies.  Not for
 * writing the SBOM again (the CycloneDX report does: read it whole). */
CG_EXPORT cg_status cg_sbom_read_for_scan(const uint8_t *buf, size_t len, const char *what,
                                          void (*release)(void *ud, size_t upto), void *release_ud,
                                          cg_sbom **out, cg_error *err);

#ifdef __cplusplus
}
#endif
#endif

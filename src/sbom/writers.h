/*
 * writers.h - what the SBOM writers (cyclonedx.c, spdx.c, table.c) share, so
 * the formats agree on identities: one unique bom-ref per package, the
 * resolved dependency edges, the LicenseRef ids of non-SPDX licence names,
 * and the JSON helpers that keep the output valid UTF-8 and deterministic.
 * write.c builds this model once per cg_sbom_write() call; the writers only
 * read it.  Internal to src/sbom/: nothing here is public API.
 */
#ifndef CG_SBOM_WRITERS_H
#define CG_SBOM_WRITERS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/jbuild.h" /* cg_jctx, cg_j_* */

#include "cgate/arena.h"
#include "cgate/buf.h"
#include "cgate/error.h"
#include "cgate/sbom.h"

/* A set of strings (open addressing, arena memory) used to keep ids unique. */
typedef struct cg_strset {
    const char **slots;
    size_t cap, n;
} cg_strset;

/* 1 = inserted, 0 = already present, -1 = out of memory. */
int cg_strset_add(cg_arena *a, cg_strset *set, const char *s);
/* Room for n strings without growing (0, or -1 = out of memory). */
int cg_strset_reserve(cg_arena *a, cg_strset *set, size_t n);
int cg_strset_has(const cg_strset *set, const char *s);

struct cg_jctx;

/* Writes the value of "vulnerabilities" (an array) at w's position; refs[i]
 * is the bom-ref of s->pkgs[i].  Called twice per document (once into the
 * hash behind serialNumber, once into the output): it must write the same
 * bytes both times.  Sets *failed when out of memory. */
typedef void (*cg_cdx_vulns_fn)(void *ud, const char *const *refs, cg_jw *w, int *failed);

typedef struct cg_licref {
    const char *text;  /* the non-SPDX licence name as written */
    const char *id;    /* "LicenseRef-<sanitised>", unique in the document */
} cg_licref;

typedef struct cg_wmodel {
    const cg_sbom *s;
    cg_arena arena;         /* everything below lives here */
    size_t table_width;     /* table: fit to this many columns (0: unbounded) */
    cg_arena scratch;       /* per-package temporaries (licence lists, property
                               names): the streaming writers empty it after
                               each package so memory does not grow with them */
    const char *timestamp;  /* RFC 3339 UTC, "2025-01-01T00:00:00Z" */
    const char *image_name; /* image.name, else image.ref, else "image" */
    const char *image_version; /* manifest digest, else config digest, else NULL */
    const char *image_ref;  /* bom-ref of the image (its purl when known) */
    const char *os_ref;     /* bom-ref of the distro, NULL without one */
    const char **refs;      /* [n_pkgs] unique bom-ref of each package */
    /* resolved depends of package i: dep_to[dep_off[i] .. dep_off[i+1]),
     * package indices, ascending, unique */
    const uint32_t *dep_off;
    const uint32_t *dep_to;
    cg_licref *licrefs;     /* sorted by text */
    size_t n_licrefs;
    const char **ext_licrefs; /* LicenseRef-* used inside packages' SPDX expressions, sorted */
    size_t n_ext_licrefs;
    char *pk_cur;           /* cg_w_pack: strings back to back in blocks of arena */
    size_t pk_left;
    /* optional (cg_sbom_write_cyclonedx_ext): writes the "vulnerabilities" array */
    cg_cdx_vulns_fn cdx_vulns;
    void *cdx_vulns_ud;
} cg_wmodel;

/* A copy of s in m->arena, packed (not aligned); NULL on OOM. */
const char *cg_w_pack(cg_wmodel *m, const char *s);

/* Packages the distro's own package manager installed (deb, apk, rpm): in the
 * graph they hang off the OS component rather than the image. */
int cg_w_is_os_pkg(const cg_package *p);

/* Licence classification shared by CycloneDX and SPDX.  An entry is usable
 * SPDX when the cataloger said so and it only uses expression characters. */
int cg_w_license_is_spdx(const cg_license *l);
/* A single identifier (no operator, no parenthesis). */
int cg_w_license_is_single(const char *v);
/* The LicenseRef id assigned to a non-SPDX licence text (never NULL for a
 * text that appears in the SBOM). */
const char *cg_w_licref(const cg_wmodel *m, const char *text);

/* The distinct licences of a package in their original order (NULL or empty
 * values dropped).  Returns the count; *out is in m->scratch. */
size_t cg_w_pkg_licenses(cg_wmodel *m, const cg_package *p, const cg_license ***out);

/* CycloneDX with a "vulnerabilities" array written by fn (the scanner's
 * report), streamed: fn gets each package's bom-ref (refs[i] for s->pkgs[i])
 * so affects[].ref agrees with the components. */
cg_status cg_sbom_write_cyclonedx_ext(const cg_sbom *s, cg_cdx_vulns_fn fn, void *ud, cg_buf *out, cg_error *err);
/* The same, streamed: out is only a window, each chunk goes to sink. */
cg_status cg_sbom_write_cyclonedx_ext_stream(const cg_sbom *s, cg_cdx_vulns_fn fn, void *ud, cg_sink_fn sink,
                                             void *sink_ud, cg_error *err);

/* A version-5-style UUID from the sha256 of data: "xxxxxxxx-xxxx-5xxx-yxxx-xxxxxxxxxxxx". */
cg_status cg_w_uuid(const void *data, size_t len, char out[37], cg_error *err);
void cg_w_uuid_from_digest(unsigned char md[32], char out[37]);
/* The same UUID from the sha256 of the document doc() writes (streamed
 * through the hash, never held in memory). */
cg_status cg_w_uuid_stream(void (*doc)(void *ud, cg_jw *w), void *ud, char out[37], cg_error *err);

/* strcmp for qsort over arrays of const char *. */

/* The JSON writers append to out, or with a sink (not NULL) stream through
 * out as a window. */
cg_status cg_write_cyclonedx(cg_wmodel *m, cg_buf *out, cg_sink_fn sink, void *sink_ud, cg_error *err);
cg_status cg_write_spdx(cg_wmodel *m, cg_buf *out, cg_sink_fn sink, void *sink_ud, cg_error *err);
cg_status cg_write_table(cg_wmodel *m, cg_buf *out, cg_error *err);

#endif

/*
 * rpm_internal.h - what the RPM cataloger's files share (internal to
 * src/catalog/rpm*.c).
 *
 * rpm.c owns the cataloger (paths, the SQLite backend, finish); rpm_header.c
 * turns one header blob into an rpm_rec; rpm_bdb.c and rpm_ndb.c walk the
 * Berkeley DB hash and NDB files and hand every header blob they find to a
 * callback.  The database readers never trust a size: every page, slot and
 * blob is range-checked against the file, and a structural problem is one
 * warning naming the file, never a failed SBOM.  Only out-of-memory fails.
 */
#ifndef CG_RPM_INTERNAL_H
#define CG_RPM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalog/catalog.h"

/* A header blob larger than this is not a header (rpm's own limit on the
 * data store is 256 MiB; real headers are well under 16 MiB). */
#define RPM_BLOB_MAX (64u * 1024u * 1024u)

/* The bytes of a database file: in memory (data) or a file to pread (fd). */
typedef struct rpm_src {
    const uint8_t *data; /* NULL: read fd */
    int fd;
    uint64_t len;
} rpm_src;

/* Copy n bytes at off into buf; false when the range is outside the file or
 * the read fails. */
bool rpm_src_read(const rpm_src *s, uint64_t off, void *buf, size_t n);

/* n NUL-terminated strings back to back in p[0..len) (arena memory). */
typedef struct rpm_strs {
    const char *p;
    size_t len;
    uint32_t n;
} rpm_strs;

/* One installed package as its header records it (arena strings). */
typedef struct rpm_rec {
    const char *name, *version, *release, *arch;
    const char *evr;   /* "VERSION-RELEASE", the package version cgate reports */
    const char *epoch; /* decimal EPOCH, NULL when the header has none */
    const char *license, *sourcerpm, *vendor, *summary;
    rpm_strs dirnames, basenames, oldfilenames;
    const uint8_t *dirindexes; /* basenames.n big-endian uint32, or NULL */
    rpm_strs requires, provides;
} rpm_rec;

/* Header parse result. */
enum { RPM_HDR_OK = 1, RPM_HDR_BAD = 0, RPM_HDR_NOMEM = -1 };

/* Parse one header blob as stored in an rpmdb (no lead, no magic: index
 * count, data length, index entries, data store).  On RPM_HDR_BAD *why says
 * what is wrong (static text).  Strings go into arena a. */
int rpm_header_parse(cg_arena *a, const uint8_t *b, size_t n, rpm_rec *out, const char **why);

/* A database reader's callback: one header blob (valid for the call only)
 * and the database's own id for it (hnum, slot index, hash key).  Return
 * false to stop (out of memory). */
typedef bool (*rpm_blob_fn)(void *ud, const uint8_t *blob, size_t len, uint64_t id);

/* Walk a Berkeley DB hash database (var/lib/rpm/Packages).  Problems are
 * warnings via ctx naming `path`; returns CG_ERR_NOMEM or CG_OK. */
cg_status rpm_bdb_read(cg_cat_ctx *ctx, const char *path, const rpm_src *src, rpm_blob_fn fn,
                       void *ud);
bool rpm_bdb_magic(const uint8_t *head, size_t n);

/* Walk an NDB package database (Packages.db).  Same contract. */
cg_status rpm_ndb_read(cg_cat_ctx *ctx, const char *path, const rpm_src *src, rpm_blob_fn fn,
                       void *ud);
bool rpm_ndb_magic(const uint8_t *head, size_t n);

#endif

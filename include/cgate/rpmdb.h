/*
 * rpmdb.h - the file lists of an rpm database (the catalog stage's rpm
 * reader: SQLite rpmdb.sqlite, Berkeley DB Packages, NDB Packages.db, told
 * by content), for callers that need to know which package owns a file -
 * runtime evidence maps opened paths to rpm packages with it
 * (docs/runtime.md).  The bytes are untrusted: a damaged database yields
 * fewer files, never a failure; only running out of memory fails.
 */
#ifndef CGATE_RPMDB_H
#define CGATE_RPMDB_H

#include <stddef.h>
#include <stdint.h>

#include "cgate/error.h"
#include "cgate/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One file of one package: name, "VERSION-RELEASE" (as cg_package.version of
 * the SBOM's rpm packages), arch (may be NULL) and the absolute path as the
 * header records it (DIRNAMES[DIRINDEXES[i]] + BASENAMES[i], or OLDFILENAMES).
 * Return non-zero to stop (the call then fails with CG_ERR_NOMEM). */
typedef int (*cg_rpmdb_file_fn)(void *ud, const char *name, const char *evr, const char *arch, const char *path);

/* Call fn for every file of every package in the database held in
 * buf[0..len); name (e.g. "var/lib/rpm/rpmdb.sqlite") only labels it.
 * *n_pkgs (may be NULL) gets the number of package headers read. */
CG_EXPORT cg_status cg_rpmdb_files(const uint8_t *buf, size_t len, const char *name, cg_rpmdb_file_fn fn, void *ud,
                                   size_t *n_pkgs, cg_error *err);

#ifdef __cplusplus
}
#endif
#endif

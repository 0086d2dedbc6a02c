/*
 * blob_cache.h - where blobs were last seen: a small, bounded cache of
 * (registry, repository, digest) kept in the user's cache folder, so a push
 * into a new repository can ask the registry to mount a blob from a
 * repository that already holds it instead of uploading it again (as skopeo
 * does).  A hint only: a refused mount falls back to an upload, and a
 * missing, unreadable or corrupt cache is an empty one.
 *
 * File: $CGATE_BLOB_CACHE, else $XDG_CACHE_HOME/cgate/blob-locations, else
 * ~/.cache/cgate/blob-locations ("off" disables it).  One "DIGEST REGISTRY
 * REPOSITORY" line per entry, newest last, at most BC_MAX_ENTRIES.  Writers
 * merge under an exclusive flock on a lock file beside it and replace it by
 * rename, so concurrent runs never interleave or lose the file; readers see
 * a whole file.
 */
#ifndef CG_REGISTRY_BLOB_CACHE_H
#define CG_REGISTRY_BLOB_CACHE_H

#include <stddef.h>

#include "cgate/error.h"

#define BC_MAX_ENTRIES 4096
#define BC_MAX_FILE (1u << 20)

typedef struct bc_cache bc_cache;

/* Open the cache at path (NULL = the default location above).  Never
 * fails for a missing or bad file; NULL only when disabled or out of memory. */
bc_cache *bc_open(const char *path);
void bc_close(bc_cache *c);

/* A repository of registry (other than not_repo) that held digest, newest
 * first; NULL when none is known.  Valid until bc_close. */
const char *bc_lookup(const bc_cache *c, const char *registry, const char *digest, const char *not_repo);

/* Remember that registry/repository holds digest (kept in memory until
 * bc_commit). */
void bc_note(bc_cache *c, const char *registry, const char *repository, const char *digest);

/* Merge what was noted into the file (under the lock, newest last, the
 * oldest dropped past BC_MAX_ENTRIES).  Best effort: -1 when it could not
 * be written (the push does not fail for it). */
int bc_commit(bc_cache *c);

#endif

/*
 * vulndb.h - the vulnerability database (one SQLite file) and how the scanner
 * reads it.  Import (cg_vdb_import) builds a new file beside the target and
 * renames it into place, so a crash or kill mid-import leaves the previous DB
 * intact.  Lookups return advisories as plain records (OSV's model, trimmed
 * to what matching and reports need) allocated in a caller's arena.
 * DESIGN.md §4.
 */
#ifndef CGATE_VULNDB_H
#define CGATE_VULNDB_H

#include "cgate/export.h"

#include <stddef.h>
#include <stdint.h>

#include "cgate/arena.h"
#include "cgate/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cg_vdb cg_vdb;

/* One OSV range event: exactly one field is set. */
typedef struct cg_vdb_event {
    const char *introduced, *fixed, *last_affected, *limit;
} cg_vdb_event;

typedef struct cg_vdb_range {
    const char *type; /* "SEMVER", "ECOSYSTEM", "GIT" */
    cg_vdb_event *events;
    size_t n_events;
} cg_vdb_range;

/* An `affected[]` entry of the record for the looked-up package. */
typedef struct cg_vdb_affected {
    const char *ecosystem; /* as in the record: "Debian:12", "npm", "Go", ... */
    const char *name;      /* as in the record */
    cg_vdb_range *ranges;
    size_t n_ranges;
    const char **versions; /* explicit affected versions */
    size_t n_versions;
} cg_vdb_affected;

typedef struct cg_vdb_severity {
    const char *type;   /* "CVSS_V2", "CVSS_V3", "CVSS_V4" */
    const char *vector; /* the CVSS vector string */
    const char *source; /* "osv" (from the record), "nvd" (enrichment by CVE alias) */
} cg_vdb_severity;

typedef struct cg_vdb_advisory {
    const char *id;            /* "GHSA-…", "GO-2023-…", "CVE-…", "DSA-…" */
    const char **aliases;      /* sorted; includes CVE ids */
    size_t n_aliases;
    const char *summary, *details;
    const char *published, *modified; /* RFC 3339 as in the record */
    const char **references;   /* URLs, record order */
    size_t n_references;
    cg_vdb_severity *severity;
    size_t n_severity;
    const char *source_severity; /* the source's own label (e.g. GHSA database_specific.severity), or NULL */
    cg_vdb_affected *affected; /* only the entries naming the looked-up package */
    size_t n_affected;
    int kev;                   /* 1 when the id or a CVE alias is in CISA KEV */
    const char *kev_date_added;
    double epss, epss_percentile; /* -1 when unknown */
} cg_vdb_advisory;

typedef struct cg_vdb_source_stat {
    const char *source;   /* "osv:PyPI", "kev", "epss", "nvd", "alpine-secdb", ... */
    int64_t records;
    const char *imported; /* RFC 3339 time of the import */
} cg_vdb_source_stat;

typedef struct cg_vdb_import_opts {
    int64_t now;             /* import time (seconds); <0: the real clock */
    uint64_t max_file_bytes; /* per input file; 0 = 256 MiB */
} cg_vdb_import_opts;

typedef struct cg_vdb_import_report {
    int64_t imported, skipped, withdrawn, duplicates_replaced;
    /* first few skip reasons, "FILE: RECORD-ID: why", arena memory */
    const char **skip_reasons;
    size_t n_skip_reasons;
} cg_vdb_import_report;

/* Import files/directories/zips (OSV JSON or YAML, CISA KEV JSON, EPSS CSV,
 * NVD CVE JSON 2.0, Alpine secdb JSON) into the DB at db_path: the existing
 * content is kept and the new data merged; the result replaces db_path
 * atomically.  Bad records are skipped and counted, never half-written. */
CG_EXPORT cg_status cg_vdb_import(const char *db_path, const char *const *paths, size_t n_paths,
                                  const cg_vdb_import_opts *opts, cg_arena *a, cg_vdb_import_report *rep,
                                  cg_error *err);

/* Download each URL (https, or plain http to loopback only) and import the
 * files as cg_vdb_import does. */
typedef struct cg_vdb_update_opts {
    long timeout_s;     /* whole transfer; 0 = 1800 */
    uint64_t max_bytes; /* per download; 0 = 1 GiB */
} cg_vdb_update_opts;
CG_EXPORT cg_status cg_vdb_update(const char *db_path, const char *const *urls, size_t n_urls,
                                  const cg_vdb_update_opts *uo, const cg_vdb_import_opts *opts,
                                  cg_arena *a, cg_vdb_import_report *rep, cg_error *err);

/* Open read-only.  CG_ERR_INPUT for a missing, truncated or foreign file or
 * a newer schema version. */
CG_EXPORT cg_status cg_vdb_open(const char *db_path, cg_vdb **out, cg_error *err);
CG_EXPORT void cg_vdb_close(cg_vdb *db);

/* Advisories whose affected[] names (ecosystem, name).  Names are compared
 * normalised for the ecosystem (PEP 503 for PyPI, lower-case for npm, exact
 * otherwise); distro ecosystems are looked up by SOURCE package name.  Arena
 * memory; *n = 0 when none. */
CG_EXPORT cg_status cg_vdb_lookup(cg_vdb *db, const char *ecosystem, const char *name, cg_arena *a,
                                  cg_vdb_advisory **out, size_t *n, cg_error *err);

/* Per-source counts and import times; the DB's age is the newest import. */
CG_EXPORT cg_status cg_vdb_stats(cg_vdb *db, cg_arena *a, cg_vdb_source_stat **out, size_t *n, int64_t *newest_import,
                                 cg_error *err);

/* Default location: $CGATE_DB, else $XDG_CACHE_HOME/cgate/db.sqlite, else
 * ~/.cache/cgate/db.sqlite.  Arena memory. */
CG_EXPORT const char *cg_vdb_default_path(cg_arena *a);

#ifdef __cplusplus
}
#endif
#endif

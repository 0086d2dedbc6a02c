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

#include <stddef.h>
#include <stdint.h>

#include "cgate/arena.h"
#include "cgate/error.h"
#include "cgate/export.h"

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
    /* Writers are serialised by a lock on "DB.lock": how long to wait for
     * another writer (ms); 0 = 5 minutes, < 0 = do not wait.  Giving up is
     * CG_ERR_NETWORK (exit 4) naming the holder's pid. */
    int64_t lock_timeout_ms;
    /* Called before each path given is read (index < n) and once more at the
     * end (index == n), with the records imported so far; may be NULL. */
    void (*progress)(void *ud, const char *path, size_t index, size_t n, int64_t imported);
    void *progress_ud;
} cg_vdb_import_opts;

typedef struct cg_vdb_import_report {
    int64_t imported, skipped, withdrawn, duplicates_replaced;
    /* first few skip reasons, "FILE: RECORD-ID: why", arena memory */
    const char **skip_reasons;
    size_t n_skip_reasons;
    /* files that are none of the known formats (not records: not counted in
     * skipped); the first few names, arena memory */
    int64_t unrecognised;
    const char **unrecognised_names;
    size_t n_unrecognised_names;
} cg_vdb_import_report;

/* Import files/directories/zips (OSV JSON or YAML, CISA KEV JSON, EPSS CSV,
 * NVD CVE JSON 2.0, Alpine secdb JSON) into the DB at db_path: the existing
 * content is kept and the new data merged; the result replaces db_path
 * atomically.  Bad records are skipped and counted, never half-written.
 * Any number of concurrent writers (imports, updates, in one process or
 * many) are serialised by the lock file db_path + ".lock"; readers
 * (cg_vdb_open) never wait. */
CG_EXPORT cg_status cg_vdb_import(const char *db_path, const char *const *paths, size_t n_paths,
                        const cg_vdb_import_opts *opts, cg_arena *a, cg_vdb_import_report *rep,
                        cg_error *err);

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

/* ---- db update: sources, mirror, conditional GET ---- */

typedef struct cg_vdb_source {
    const char *name;   /* "osv:Go", "kev", "epss", "nvd:2024", "nvd:modified"; a user's URL: its file name */
    const char *url;
    const char *origin; /* where the entry came from: "built-in", "--source", a sources file, a mirror */
} cg_vdb_source;

/* The built-in sources: OSV's all.zip of every ecosystem cgate matches
 * (languages and distros), CISA KEV, FIRST EPSS, NVD CVE JSON 2.0 feeds of
 * 2002..newest_year and "modified".  mirror (NULL = the public services)
 * is a base URL laid out as osv/<Ecosystem>/all.zip,
 * kev/known_exploited_vulnerabilities.json, epss/epss_scores-current.csv.gz,
 * nvd/nvdcve-2.0-<YEAR|modified>.json.gz.  origin is copied into each entry.
 * Arena memory. */
CG_EXPORT cg_status cg_vdb_default_sources(const char *mirror, int newest_year, const char *origin, cg_arena *a,
                                           cg_vdb_source **out, size_t *n, cg_error *err);

/* 1 when url may be fetched: https, or plain http to 127.0.0.0/8, ::1 or localhost. */
CG_EXPORT int cg_vdb_url_allowed(const char *url);

typedef struct cg_vdb_fetch_event {
    size_t index, total;        /* 0-based index of this source, of total */
    const cg_vdb_source *source;
    int not_modified;           /* 1: 304, nothing transferred */
    uint64_t bytes;             /* body bytes received */
    double seconds;
} cg_vdb_fetch_event;

typedef struct cg_vdb_update_opts {
    long timeout_s;      /* per download; 0 = 1800 */
    uint64_t max_bytes;  /* per download; 0 = 1 GiB */
    int force;           /* 1: ignore the remembered ETag/Last-Modified */
    void (*progress)(void *ud, const cg_vdb_fetch_event *ev); /* after each source; may be NULL */
    void *progress_ud;
} cg_vdb_update_opts;

typedef struct cg_vdb_update_report {
    size_t downloaded, not_modified;
    uint64_t bytes;      /* body bytes received over all sources */
    int db_written;      /* 0 when every source was unchanged: the DB file was not touched */
} cg_vdb_update_report;

/* Fetch every source with a conditional GET (the ETag and Last-Modified of
 * the last download of that URL are remembered in the DB), then import what
 * changed in one crash-safe import, together with the new validators.  When
 * nothing changed the DB file is left as it is, byte for byte.  Holds the
 * writers' lock from before the first request to the rename.  Any failed
 * download (HTTP error, truncated transfer, a downloaded zip that is not
 * readable) fails the update before the DB is touched: CG_ERR_NETWORK. */
CG_EXPORT cg_status cg_vdb_update(const char *db_path, const cg_vdb_source *srcs, size_t n_srcs,
                                  const cg_vdb_update_opts *uo, const cg_vdb_import_opts *opts, cg_arena *a,
                                  cg_vdb_import_report *rep, cg_vdb_update_report *urep, cg_error *err);

/* Default location: $CGATE_DB, else $XDG_CACHE_HOME/cgate/db.sqlite, else
 * ~/.cache/cgate/db.sqlite.  Arena memory. */
CG_EXPORT const char *cg_vdb_default_path(cg_arena *a);

/* ---- change detection (cgate serve re-matches only what changed) ------ */

/* The lookup key cg_vdb_lookup uses for (ecosystem, name): the ecosystem
 * lower-cased, a TAB, the name normalised for the ecosystem.  Arena memory;
 * NULL on allocation failure. */
CG_EXPORT char *cg_vdb_lookup_key(cg_arena *a, const char *ecosystem, const char *name);

/* Called once per advisory id: hash is "sha256:<hex>" over everything of its
 * records that can change a finding (ranges, severity, aliases, KEV, EPSS to
 * two decimals); keys are the lookup keys it affects (adjacent duplicates
 * removed).  A non-CG_OK return stops the walk and is returned. */
typedef cg_status (*cg_vdb_digest_fn)(void *ud, const char *id, const char *hash, const char *const *keys,
                                      size_t n_keys);
CG_EXPORT cg_status cg_vdb_each_digest(cg_vdb *db, cg_vdb_digest_fn fn, void *ud, cg_error *err);

#ifdef __cplusplus
}
#endif
#endif

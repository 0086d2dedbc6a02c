/*
 * vdb_int.h - what the vulnerability DB's files share inside src/vulndb/:
 * the import context (one SQLite connection on the new file, its prepared
 * statements, the report being filled) and the entry points of the importers.
 * Nothing here is public; the scanner sees only include/cgate/vulndb.h.
 */
#ifndef CG_VDB_INT_H
#define CG_VDB_INT_H

#include <jansson.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "cgate/buf.h"
#include "cgate/vulndb.h"

#define VDB_SCHEMA_VERSION 1
#define VDB_FORMAT "cgate-vulndb"

/* Caps on one record (a record beyond them is skipped, never truncated). */
#define VDB_MAX_STR 512            /* id, version, ecosystem, name, vector */
#define VDB_MAX_TEXT (256 * 1024)  /* summary, details */
#define VDB_MAX_AFFECTED 10000
#define VDB_MAX_RANGES 256
#define VDB_MAX_EVENTS 4096
#define VDB_MAX_VERSIONS 50000
#define VDB_MAX_LIST 10000         /* aliases, references, severity */
#define VDB_MAX_SKIP_REASONS 50

typedef struct vdb_imp {
    sqlite3 *db;
    sqlite3_stmt *get_adv, *del_adv, *del_aff, *del_alias, *ins_adv, *ins_aff, *ins_alias;
    sqlite3_stmt *ins_kev, *ins_epss, *ins_nvd, *touch;
    cg_arena *a;
    cg_vdb_import_report *rep;
    size_t cap_reasons;
    int64_t now;
    uint64_t max_file_bytes;
    int64_t not_affected; /* Alpine "0" entries: no record made (docs/vulndb.md) */
} vdb_imp;

/* Count a skipped record and keep "FILE: ID: why" among the first reasons. */
void vdb_skip(vdb_imp *im, const char *file, const char *id, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Count a file that is none of the known formats; keep its name among the first few. */
void vdb_unrecognised(vdb_imp *im, const char *file);

/* Mark a source ("kev", "osv:PyPI", ...) as refreshed by this import. */
cg_status vdb_touch(vdb_imp *im, const char *source, cg_error *err);

/* store.c */
cg_status vdb_create_schema(sqlite3 *db, cg_error *err);
cg_status vdb_check_db(sqlite3 *db, const char *path, cg_error *err);
cg_status vdb_prepare_import(vdb_imp *im, cg_error *err);
void vdb_finish_import(vdb_imp *im);
cg_status vdb_finalize(vdb_imp *im, cg_error *err);
/* Lookup keys: ecosystem lower-cased; name per ecosystem (PEP 503 for PyPI,
 * lower-case for npm, as-is otherwise).  Arena memory. */
char *vdb_norm_eco(cg_arena *a, const char *eco);
char *vdb_norm_name(cg_arena *a, const char *eco, const char *name);
/* RFC 3339 to seconds (fractions kept; year 0001 is fine); NAN when unparseable. */
double vdb_parse_time(const char *s);

/* import.c: one input's bytes, by name (.csv/.yaml/.gz) and content: EPSS,
 * YAML or JSON (OSV, KEV, NVD, Alpine).  Used by imports and the fuzzer. */
cg_status vdb_import_buffer(vdb_imp *im, const uint8_t *buf, size_t len, const char *file, cg_error *err);
/* One path as `cgate db import` takes it (a directory, a zip such as osv.dev's
 * all.zip, a .json.gz/.csv.gz, an NVD feed, a plain file).  Used by imports' fuzzer. */
cg_status vdb_import_path(vdb_imp *im, const char *path, cg_error *err);

/* import_osv.c: validate one OSV record (JSON, or YAML converted to JSON)
 * and store it.  source is "osv" or "alpine-secdb"; key the unique key
 * (NULL = the id).  Bad records are skipped; only DB faults are errors. */
cg_status vdb_put_osv(vdb_imp *im, json_t *rec, const char *file, const char *source, const char *key,
                      cg_error *err);

/* The other sources, each handed the parsed document. */
cg_status vdb_import_kev(vdb_imp *im, json_t *doc, const char *file, cg_error *err);
cg_status vdb_import_nvd(vdb_imp *im, json_t *doc, const char *file, cg_error *err);
cg_status vdb_import_alpine(vdb_imp *im, json_t *doc, const char *file, cg_error *err);
/* NVD feeds, streamed element by element (import_nvd.c): sniff the first
 * bytes, feed chunks, end checks the JSON closed.  Memory: one element. */
int vdb_nvd_sniff(const uint8_t *buf, size_t len);
typedef struct vdb_nvd_stream {
    int phase;            /* 0 before the array, 1 in it, 2 after */
    int depth, in_str, esc, last_key, in_elem, elem_over;
    char kbuf[16];
    size_t klen, index;
    uint64_t offset;
    cg_buf elem;
} vdb_nvd_stream;
void vdb_nvd_stream_init(vdb_nvd_stream *st);
void vdb_nvd_stream_free(vdb_nvd_stream *st);
cg_status vdb_nvd_stream_feed(vdb_imp *im, vdb_nvd_stream *st, const uint8_t *p, size_t len, const char *file,
                              cg_error *err);
cg_status vdb_nvd_stream_end(vdb_imp *im, vdb_nvd_stream *st, const char *file, cg_error *err);
cg_status vdb_import_epss(vdb_imp *im, const uint8_t *buf, size_t len, const char *file, cg_error *err);


/* lock.c: the writers' lock on DB.lock (see lock.c).  timeout_ms as in
 * cg_vdb_import_opts.lock_timeout_ms. */
typedef struct vdb_lock {
    int fd;
} vdb_lock;
cg_status vdb_lock_acquire(const char *db_path, int64_t timeout_ms, vdb_lock *lk, cg_error *err);
void vdb_lock_release(vdb_lock *lk);
/* Remove DB.tmp.XXXXXX files a killed import left (call with the lock held). */
void vdb_remove_stale_tmp(const char *db_path);

/* import.c: make the DB's directory; cg_vdb_import's work with the lock
 * already held (db update holds it across download and import). */
cg_status vdb_make_db_dir(const char *db_path, cg_arena *a, char **dir_out, cg_error *err);
typedef struct vdb_fetch_row vdb_fetch_row;
cg_status vdb_import_locked(const char *db_path, const char *const *paths, size_t n_paths,
                            const cg_vdb_import_opts *opts, const vdb_fetch_row *rows, size_t n_rows, cg_arena *a,
                            cg_vdb_import_report *rep, cg_error *err);

/* update.c: the validators of one download, written into the new DB by
 * the import that takes the download in (table fetch). */
typedef struct vdb_fetch_row {
    const char *url, *etag, *last_modified;
    uint64_t bytes;
} vdb_fetch_row;

#endif

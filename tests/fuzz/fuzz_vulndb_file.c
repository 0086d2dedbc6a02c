/*
 * fuzz_vulndb_file.c - an existing vulnerability DB file that is not what cgate
 * wrote, then open, status and lookups.  An input that starts with the SQLite
 * header is the file itself (corrupt pages, a foreign file); any other input is
 * an SQL script run over a fresh cgate schema, so the fuzzer reaches what raw
 * bytes almost never do: well-formed files whose rows (the JSON of an affected
 * entry, aliases, severities, NULLs where cgate writes text) or schema (a view
 * or trigger in place of a table) are hostile.  A corrupt or foreign file must be
 * an error, never a crash, a hang or a silent empty DB.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgate/arena.h"
#include "cgate/vulndb.h"
#include "vulndb/vdb_int.h"
#include "fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* the harness's own script gets a step budget: a hang must be cgate's */
static int stop_script(void *p)
{
    return ++*(int *)p > 2000;
}

/* A fresh cgate schema at path, then the input run as SQL on it; 0 when the
 * file exists (whatever the script did to it). */
static int make_db(const char *path, const uint8_t *data, size_t size)
{
    sqlite3 *db = NULL;
    cg_error err;
    if (sqlite3_open(path, &db) != SQLITE_OK ||
        sqlite3_exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF", NULL, NULL, NULL) != SQLITE_OK ||
        vdb_create_schema(db, &err) != CG_OK) {
        sqlite3_close(db);
        return -1;
    }
    char *sql = malloc(size + 1);
    if (!sql) {
        sqlite3_close(db);
        return -1;
    }
    memcpy(sql, data, size);
    sql[size] = '\0';
    int ticks = 0;
    sqlite3_progress_handler(db, 1000, stop_script, &ticks);
    (void)sqlite3_exec(db, sql, NULL, NULL, NULL);
    free(sql);
    sqlite3_close(db);
    return 0;
}

static cg_status count_digest(void *ud, const char *id, const char *hash, const char *const *keys, size_t n_keys)
{
    (void)id;
    (void)hash;
    (void)keys;
    *(size_t *)ud += n_keys;
    return CG_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20))
        return 0;
    char path[64];
    snprintf(path, sizeof path, "%s/cg-fuzz-vdb-XXXXXX", fuzz_tmpdir());
    int fd = mkstemp(path);
    if (fd < 0)
        return 0;
    int raw = size >= 16 && !memcmp(data, "SQLite format 3", 16);
    if (raw && write(fd, data, size) != (ssize_t)size) {
        close(fd);
        unlink(path);
        return 0;
    }
    close(fd);
    if (!raw && make_db(path, data, size) != 0) {
        unlink(path);
        return 0;
    }
    cg_vdb *db = NULL;
    cg_error err;
    if (cg_vdb_open(path, &db, &err) == CG_OK) {
        cg_arena a;
        cg_arena_init(&a);
        cg_vdb_source_stat *st = NULL;
        size_t n = 0;
        int64_t newest = 0;
        (void)cg_vdb_stats(db, &a, &st, &n, &newest, &err);
        cg_vdb_advisory *adv = NULL;
        (void)cg_vdb_lookup(db, "npm", "minimist", &a, &adv, &n, &err);
        (void)cg_vdb_lookup(db, "Debian:12", "openssl", &a, &adv, &n, &err);
        (void)cg_vdb_lookup(db, "PyPI", "Django_Rest.framework", &a, &adv, &n, &err);
        size_t keys = 0;
        (void)cg_vdb_each_digest(db, count_digest, &keys, &err);
        cg_vdb_close(db);
        cg_arena_free(&a);
    }
    unlink(path);
    return 0;
}

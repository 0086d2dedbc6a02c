/*
 * store.c - the two backends behind store.h and the versioned schema.
 * SQLite: WAL, a busy timeout so several threads (or --once runs) queue for
 * the write lock, prepared statements cached per connection.  PostgreSQL:
 * PQexecParams with text values; a broken connection is reset and reported
 * as a network fault so the caller retries the job later.  The schema is
 * written once; @ID@ is the only word that differs between the engines.
 */
#include <ctype.h>
#include <errno.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgate/buf.h"
#include "core/strmap.h"
#include "serve/store.h"

#define SV_CACHE_MAX 128

struct sv_store {
    int pg;
    PGconn *conn;
    sqlite3 *db;
    cg_strmap cache; /* sql text -> sqlite3_stmt */
    char *spec_safe;  /* for messages: no password */
    int full;         /* the last failure was a full disk (sv_store_full) */
};

/* ---- schema -------------------------------------------------------------- */

static const char *const migrations[] = {
    /* 1: the inventory, the queue, alerts */
    "CREATE TABLE images(digest TEXT PRIMARY KEY, name TEXT NOT NULL, ref TEXT, sbom TEXT NOT NULL,"
    " n_pkgs BIGINT NOT NULL, created BIGINT NOT NULL, scanned BIGINT);"
    "CREATE TABLE image_keys(digest TEXT NOT NULL, pkgkey TEXT NOT NULL, PRIMARY KEY(digest, pkgkey));"
    "CREATE INDEX image_keys_key ON image_keys(pkgkey);"
    "CREATE TABLE findings(digest TEXT NOT NULL, fkey TEXT NOT NULL, vuln TEXT NOT NULL, advs TEXT NOT NULL,"
    " pkg TEXT NOT NULL, installed TEXT, fixed TEXT, severity TEXT NOT NULL, score TEXT, kev BIGINT NOT NULL,"
    " first_seen BIGINT NOT NULL, PRIMARY KEY(digest, fkey));"
    "CREATE INDEX findings_seen ON findings(first_seen);"
    "CREATE TABLE decisions(id @ID@, digest TEXT NOT NULL, at BIGINT NOT NULL, pass BIGINT NOT NULL,"
    " reasons TEXT NOT NULL, policy TEXT, trigger TEXT NOT NULL);"
    "CREATE INDEX decisions_digest ON decisions(digest, id);"
    "CREATE TABLE jobs(id @ID@, kind TEXT NOT NULL, dedupe TEXT NOT NULL UNIQUE, payload TEXT NOT NULL,"
    " state TEXT NOT NULL, attempts BIGINT NOT NULL DEFAULT 0, not_before BIGINT NOT NULL DEFAULT 0,"
    " lease_until BIGINT NOT NULL DEFAULT 0, worker TEXT, last_error TEXT, created BIGINT NOT NULL,"
    " updated BIGINT NOT NULL);"
    "CREATE INDEX jobs_state ON jobs(state, id);"
    "CREATE TABLE alerts(id @ID@, digest TEXT NOT NULL, fkey TEXT NOT NULL, body TEXT NOT NULL,"
    " created BIGINT NOT NULL, UNIQUE(digest, fkey));"
    "CREATE TABLE deliveries(alert BIGINT NOT NULL, target TEXT NOT NULL, state TEXT NOT NULL,"
    " attempts BIGINT NOT NULL, status TEXT, at BIGINT NOT NULL, PRIMARY KEY(alert, target));"
    "CREATE TABLE dead_letters(id @ID@, job BIGINT NOT NULL, kind TEXT NOT NULL, payload TEXT NOT NULL,"
    " error TEXT, at BIGINT NOT NULL);"
    "CREATE TABLE adv_hash(id TEXT PRIMARY KEY, hash TEXT NOT NULL, keys TEXT NOT NULL);",
    /* 2: per-repository policies (which file decided), the exceptions that let a
     * finding through (to notice one expiring), EPSS per finding, runtime evidence */
    "ALTER TABLE decisions ADD COLUMN policy_path TEXT;"
    "ALTER TABLE decisions ADD COLUMN excepted TEXT;"
    "ALTER TABLE findings ADD COLUMN epss TEXT;"
    "ALTER TABLE findings ADD COLUMN runtime TEXT;"
    "CREATE TABLE runtime(digest TEXT NOT NULL, sha256 TEXT NOT NULL, format TEXT, evidence TEXT NOT NULL,"
    " summary TEXT, created BIGINT NOT NULL, PRIMARY KEY(digest, sha256));",
};

static char *expand(const char *tmpl, int pg)
{
    cg_buf b = CG_BUF_INIT;
    const char *id = pg ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY";
    for (const char *p = tmpl; *p;) {
        if (!strncmp(p, "@ID@", 4)) {
            cg_buf_puts(&b, id);
            p += 4;
        } else {
            cg_buf_putc(&b, *p++);
        }
    }
    return cg_buf_detach(&b, NULL);
}

/* ---- rows ---------------------------------------------------------------- */

const char *sv_cell(const sv_rows *r, size_t row, size_t col)
{
    if (!r || row >= r->n || col >= r->ncols)
        return NULL;
    return r->v[row * r->ncols + col];
}

void sv_rows_free(sv_rows *r)
{
    if (!r)
        return;
    cg_arena_free(&r->a);
    memset(r, 0, sizeof *r);
}

static cg_status rows_grow(sv_rows *r, size_t *cap)
{
    if (r->n < *cap)
        return CG_OK;
    size_t nc = *cap ? *cap * 2 : 16;
    char **nv = cg_arena_calloc(&r->a, nc * r->ncols + 1, sizeof *nv);
    if (!nv)
        return CG_ERR_NOMEM;
    if (r->n)
        memcpy(nv, r->v, r->n * r->ncols * sizeof *nv);
    r->v = nv;
    *cap = nc;
    return CG_OK;
}

/* ---- open / close -------------------------------------------------------- */

int sv_store_is_pg(const sv_store *s) { return s->pg; }
const char *sv_store_kind(const sv_store *s) { return s->pg ? "postgres" : "sqlite"; }

cg_status sv_store_open(const char *spec, sv_store **out, cg_error *err)
{
    *out = NULL;
    if (!spec || !*spec)
        return cg_error_set(err, CG_ERR_USAGE, "no store given (sqlite:PATH or postgres://...)");
    sv_store *s = calloc(1, sizeof *s);
    if (!s)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    cg_strmap_init(&s->cache);
    if (!strncmp(spec, "postgres://", 11) || !strncmp(spec, "postgresql://", 13)) {
        s->pg = 1;
        const char *at = strchr(spec, '@');
        const char *scheme_end = strstr(spec, "://") + 3;
        s->spec_safe = at ? NULL : strdup(spec);
        if (at) { /* hide user:password */
            size_t n = (size_t)(scheme_end - spec);
            cg_buf b = CG_BUF_INIT;
            cg_buf_append(&b, spec, n);
            cg_buf_puts(&b, "***");
            cg_buf_puts(&b, at);
            s->spec_safe = cg_buf_detach(&b, NULL);
        }
        s->conn = PQconnectdb(spec);
        if (!s->conn || PQstatus(s->conn) != CONNECTION_OK) {
            cg_status st = cg_error_set(err, CG_ERR_NETWORK, "store %s: cannot connect: %s",
                                        s->spec_safe ? s->spec_safe : "postgres",
                                        s->conn ? PQerrorMessage(s->conn) : "out of memory");
            sv_store_close(s);
            return st;
        }
        PGresult *r = PQexec(s->conn, "SET client_min_messages = warning");
        PQclear(r);
    } else if (!strncmp(spec, "sqlite:", 7)) {
        const char *path = spec + 7;
        s->spec_safe = strdup(spec);
        if (!*path) {
            sv_store_close(s);
            return cg_error_set(err, CG_ERR_USAGE, "store %s: no file name after sqlite:", spec);
        }
        if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                            NULL) != SQLITE_OK) {
            cg_status st = cg_error_set(err, CG_ERR_IO, "store %s: cannot open: %s", path,
                                        s->db ? sqlite3_errmsg(s->db) : "out of memory");
            sv_store_close(s);
            return st;
        }
        sqlite3_busy_timeout(s->db, 30000);
        char *msg = NULL;
        if (sqlite3_exec(s->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", NULL, NULL, &msg) !=
            SQLITE_OK) {
            cg_status st = cg_error_set(err, CG_ERR_IO, "store %s: %s", path, msg ? msg : "cannot set WAL");
            sqlite3_free(msg);
            sv_store_close(s);
            return st;
        }
    } else {
        free(s);
        return cg_error_set(err, CG_ERR_USAGE, "store \"%s\": use sqlite:PATH or postgres://...", spec);
    }
    *out = s;
    return CG_OK;
}

void sv_store_close(sv_store *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->cache.cap; i++)
        if (cg_strmap_live(&s->cache.slots[i])) {
            sqlite3_finalize(s->cache.slots[i].val);
            free((char *)s->cache.slots[i].key);
        }
    cg_strmap_free(&s->cache);
    if (s->conn)
        PQfinish(s->conn);
    if (s->db)
        sqlite3_close(s->db);
    free(s->spec_safe);
    free(s);
}

/* ---- statements ---------------------------------------------------------- */

static cg_status pg_exec(sv_store *s, const char *sql, size_t np, const char *const *params, sv_rows *rows,
                         cg_error *err)
{
    if (PQstatus(s->conn) == CONNECTION_BAD) /* lost earlier: the server may be back */
        PQreset(s->conn);
    PGresult *r = PQexecParams(s->conn, sql, (int)np, NULL, params, NULL, NULL, 0);
    ExecStatusType t = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK) {
        int bad = PQstatus(s->conn) == CONNECTION_BAD;
        const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
        s->full = state && !strcmp(state, "53100"); /* disk_full */
        cg_status st = cg_error_set(err, bad ? CG_ERR_NETWORK : s->full ? CG_ERR_IO : CG_ERR_INTERNAL,
                                    "store %s: %s%.200s: %s", s->spec_safe, s->full ? "out of disk space: " : "", sql,
                                    r ? PQresultErrorMessage(r) : PQerrorMessage(s->conn));
        PQclear(r);
        if (bad)
            PQreset(s->conn);
        return st;
    }
    s->full = 0;
    if (rows && t == PGRES_TUPLES_OK) {
        size_t n = (size_t)PQntuples(r), nc = (size_t)PQnfields(r);
        rows->ncols = nc;
        rows->v = cg_arena_calloc(&rows->a, n * nc + 1, sizeof *rows->v);
        cg_status st = rows->v ? CG_OK : CG_ERR_NOMEM;
        for (size_t i = 0; st == CG_OK && i < n; i++)
            for (size_t j = 0; j < nc; j++) {
                if (PQgetisnull(r, (int)i, (int)j))
                    continue;
                char *c = cg_arena_strdup(&rows->a, PQgetvalue(r, (int)i, (int)j));
                if (!c) {
                    st = CG_ERR_NOMEM;
                    break;
                }
                rows->v[i * nc + j] = c;
            }
        rows->n = st == CG_OK ? n : 0;
        PQclear(r);
        return st == CG_OK ? CG_OK : cg_error_set(err, st, "out of memory");
    }
    PQclear(r);
    return CG_OK;
}

static sqlite3_stmt *lite_prepare(sv_store *s, const char *sql, cg_error *err)
{
    size_t len = strlen(sql);
    sqlite3_stmt *st = cg_strmap_get(&s->cache, sql, len);
    if (st)
        return st;
    char *q = malloc(len + 1);
    if (!q)
        return NULL;
    for (size_t i = 0; i <= len; i++) /* $N -> ?N */
        q[i] = (sql[i] == '$' && isdigit((unsigned char)sql[i + 1])) ? '?' : sql[i];
    int rc = sqlite3_prepare_v2(s->db, q, -1, &st, NULL);
    free(q);
    if (rc != SQLITE_OK) {
        cg_error_set(err, CG_ERR_INTERNAL, "store %s: %.200s: %s", s->spec_safe, sql, sqlite3_errmsg(s->db));
        return NULL;
    }
    if (s->cache.count < SV_CACHE_MAX) {
        char *k = strdup(sql);
        if (k && cg_strmap_put(&s->cache, k, len, st) == CG_OK)
            return st;
        free(k);
    }
    return st; /* not cached: finalized by the caller */
}

/* A failed step for want of space: SQLITE_FULL, or a write error whose
 * errno says the file system or the quota is full. */
static int lite_full(sqlite3 *db, int rc)
{
    int sys = sqlite3_system_errno(db);
    return (rc & 0xff) == SQLITE_FULL || ((rc & 0xff) == SQLITE_IOERR && (sys == ENOSPC || sys == EDQUOT));
}

static cg_status lite_exec(sv_store *s, const char *sql, size_t np, const char *const *params, sv_rows *rows,
                           cg_error *err)
{
    sqlite3_stmt *st = lite_prepare(s, sql, err);
    if (!st)
        return err && err->status != CG_OK ? err->status : cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    int cached = cg_strmap_get(&s->cache, sql, strlen(sql)) == st;
    for (size_t i = 0; i < np; i++)
        sqlite3_bind_text(st, (int)i + 1, params[i], -1, SQLITE_STATIC);
    cg_status res = CG_OK;
    size_t cap = 0;
    if (rows)
        rows->ncols = (size_t)sqlite3_column_count(st);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (!rows)
            continue;
        if (rows_grow(rows, &cap) != CG_OK) {
            res = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
            break;
        }
        for (size_t j = 0; j < rows->ncols; j++) {
            const unsigned char *t = sqlite3_column_text(st, (int)j);
            if (!t)
                continue;
            char *c = cg_arena_strndup(&rows->a, (const char *)t, (size_t)sqlite3_column_bytes(st, (int)j));
            if (!c) {
                res = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
                break;
            }
            rows->v[rows->n * rows->ncols + j] = c;
        }
        rows->n++;
    }
    if (res == CG_OK && rc != SQLITE_DONE) {
        s->full = lite_full(s->db, rc);
        res = cg_error_set(err, rc == SQLITE_BUSY || s->full ? CG_ERR_IO : CG_ERR_INTERNAL, "store %s: %s%.200s: %s",
                           s->spec_safe, s->full ? "out of disk space: " : "", sql, sqlite3_errmsg(s->db));
    } else if (res == CG_OK) {
        s->full = 0;
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (!cached)
        sqlite3_finalize(st);
    return res;
}

cg_status sv_exec(sv_store *s, const char *sql, size_t np, const char *const *params, sv_rows *rows,
                  cg_error *err)
{
    if (rows) {
        memset(rows, 0, sizeof *rows);
        cg_arena_init(&rows->a);
    }
    return s->pg ? pg_exec(s, sql, np, params, rows, err) : lite_exec(s, sql, np, params, rows, err);
}

int sv_store_full(const sv_store *s) { return s && s->full; }

cg_status sv_begin(sv_store *s, cg_error *err)
{
    return sv_exec(s, s->pg ? "BEGIN" : "BEGIN IMMEDIATE", 0, NULL, NULL, err);
}

cg_status sv_commit(sv_store *s, cg_error *err)
{
    cg_status st = sv_exec(s, "COMMIT", 0, NULL, NULL, err);
    if (st != CG_OK)
        sv_rollback(s);
    return st;
}

void sv_rollback(sv_store *s)
{
    if (s->pg) {
        PGresult *r = PQexec(s->conn, "ROLLBACK");
        PQclear(r);
    } else if (!sqlite3_get_autocommit(s->db)) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    }
}

cg_status sv_end(sv_store *s, cg_status st, cg_error *err)
{
    if (st == CG_OK)
        return sv_commit(s, err);
    sv_rollback(s);
    return st;
}

static cg_status exec_script(sv_store *s, const char *sql, cg_error *err)
{
    if (s->pg) {
        PGresult *r = PQexec(s->conn, sql);
        ExecStatusType t = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
        cg_status st = CG_OK;
        if (t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK)
            st = cg_error_set(err, CG_ERR_INTERNAL, "store %s: migration: %s", s->spec_safe,
                              r ? PQresultErrorMessage(r) : PQerrorMessage(s->conn));
        PQclear(r);
        return st;
    }
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        cg_status st = cg_error_set(err, CG_ERR_INTERNAL, "store %s: migration: %s", s->spec_safe,
                                    msg ? msg : sqlite3_errmsg(s->db));
        sqlite3_free(msg);
        return st;
    }
    return CG_OK;
}

cg_status sv_migrate(sv_store *s, cg_error *err)
{
    cg_status st = CG_OK;
    if (s->pg)
        st = exec_script(s, "SELECT pg_advisory_lock(724200115)", err);
    if (st == CG_OK)
        st = sv_begin(s, err);
    if (st != CG_OK)
        goto out;
    st = exec_script(s, "CREATE TABLE IF NOT EXISTS schema_version(version BIGINT NOT NULL)", err);
    sv_rows r;
    if (st == CG_OK)
        st = sv_exec(s, "SELECT coalesce(max(version), 0) FROM schema_version", 0, NULL, &r, err);
    else
        memset(&r, 0, sizeof r);
    long have = st == CG_OK && sv_cell(&r, 0, 0) ? strtol(sv_cell(&r, 0, 0), NULL, 10) : 0;
    sv_rows_free(&r);
    size_t n = sizeof migrations / sizeof migrations[0];
    if (st == CG_OK && have > (long)n)
        st = cg_error_set(err, CG_ERR_INPUT, "store %s: schema version %ld is newer than this cgate (%zu)",
                          s->spec_safe, have, n);
    for (size_t v = (size_t)(have > 0 ? have : 0); st == CG_OK && v < n; v++) {
        char *sql = expand(migrations[v], s->pg);
        st = sql ? exec_script(s, sql, err) : cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        free(sql);
        char num[24];
        snprintf(num, sizeof num, "%zu", v + 1);
        const char *p[] = {num};
        if (st == CG_OK)
            st = sv_exec(s, "INSERT INTO schema_version(version) VALUES($1)", 1, p, NULL, err);
    }
    if (st == CG_OK)
        st = sv_commit(s, err);
    else
        sv_rollback(s);
out:
    if (s->pg) {
        PGresult *r2 = PQexec(s->conn, "SELECT pg_advisory_unlock(724200115)");
        PQclear(r2);
    }
    return st;
}

/*
 * store.c - the vulnerability DB on disk: SQLite schema, opening read-only
 * with checks (foreign, truncated, newer schema), indexed lookups through
 * statements prepared once per cg_vdb, per-source stats, and the derived
 * columns (KEV, EPSS, NVD vectors) recomputed at the end of every import so a
 * lookup is one indexed query.  Import itself lives in import.c.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/digest.h"
#include "core/ecosystem.h"
#include "core/oom.h"
#include "core/rfc3339.h"
#include "vulndb/vdb_int.h"

struct cg_vdb {
    sqlite3 *db;
    sqlite3_stmt *lookup;
    char *path;
};

/* db update's memory: the validators of each URL's last download (a table
 * added after schema 1 shipped; older DBs get it at their next import). */
#define FETCH_TABLE_SQL                                                                                   \
    "CREATE TABLE IF NOT EXISTS fetch(url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT,"           \
    " fetched INTEGER NOT NULL, bytes INTEGER NOT NULL) WITHOUT ROWID;"

static const char schema_sql[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;"
    /* one row per record; key = id for OSV, a synthetic key for Alpine */
    "CREATE TABLE adv(rowid INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, id TEXT NOT NULL,"
    " source TEXT NOT NULL, file TEXT, modified TEXT, modified_ts REAL, published TEXT,"
    " summary TEXT, details TEXT, aliases TEXT NOT NULL, refs TEXT NOT NULL, severity TEXT NOT NULL,"
    " source_severity TEXT,"
    " kev INTEGER NOT NULL DEFAULT 0, kev_date TEXT, epss REAL NOT NULL DEFAULT -1,"
    " epss_pct REAL NOT NULL DEFAULT -1, nvd_sev TEXT);"
    "CREATE INDEX adv_id ON adv(id);"
    /* the lookup index: normalised (ecosystem, name) -> the affected entry */
    "CREATE TABLE affected(eco TEXT NOT NULL, name TEXT NOT NULL, adv INTEGER NOT NULL,"
    " ord INTEGER NOT NULL, ecosystem TEXT NOT NULL, entry TEXT NOT NULL,"
    " PRIMARY KEY(eco, name, adv, ord)) WITHOUT ROWID;"
    "CREATE INDEX affected_adv ON affected(adv);"
    /* aliases in both directions: adv -> alias and alias -> adv */
    "CREATE TABLE alias(adv INTEGER NOT NULL, alias TEXT NOT NULL, PRIMARY KEY(adv, alias)) WITHOUT ROWID;"
    "CREATE INDEX alias_rev ON alias(alias, adv);"
    "CREATE TABLE kev(cve TEXT PRIMARY KEY, date_added TEXT) WITHOUT ROWID;"
    "CREATE TABLE epss(cve TEXT PRIMARY KEY, epss REAL, pct REAL) WITHOUT ROWID;"
    "CREATE TABLE nvd(cve TEXT PRIMARY KEY, sev TEXT NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE sources(source TEXT PRIMARY KEY, records INTEGER NOT NULL, imported INTEGER NOT NULL)"
    " WITHOUT ROWID;" FETCH_TABLE_SQL;

static cg_status sql_fail(sqlite3 *db, const char *what, cg_error *err)
{
    return cg_error_set(err, CG_ERR_INTERNAL, "vulnerability DB: %s: %s", what, sqlite3_errmsg(db));
}

cg_status vdb_create_schema(sqlite3 *db, cg_error *err)
{
    if (sqlite3_exec(db, schema_sql, NULL, NULL, NULL) != SQLITE_OK)
        return sql_fail(db, "creating schema", err);
    char sql[200];
    snprintf(sql, sizeof sql, "INSERT INTO meta VALUES('format','%s'),('schema_version','%d');", VDB_FORMAT,
             VDB_SCHEMA_VERSION);
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return sql_fail(db, "writing meta", err);
    return CG_OK;
}

/* The checks cg_vdb_open and import share: a cgate DB of a schema we know,
 * not cut short. */
cg_status vdb_check_db(sqlite3 *db, const char *path, cg_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key='format' UNION ALL "
                                "SELECT value FROM meta WHERE key='schema_version'", -1, &st, NULL);
    if (rc != SQLITE_OK) {
        int ec = sqlite3_errcode(db);
        if (ec == SQLITE_NOTADB || ec == SQLITE_CORRUPT)
            return cg_error_set(err, CG_ERR_INPUT, "%s: not a valid SQLite file (%s)", path, sqlite3_errmsg(db));
        return cg_error_set(err, CG_ERR_INPUT, "%s: not a cgate vulnerability DB (%s)", path, sqlite3_errmsg(db));
    }
    char fmt[64] = "", ver[32] = "";
    for (int i = 0; i < 2 && (rc = sqlite3_step(st)) == SQLITE_ROW; i++) {
        const char *v = (const char *)sqlite3_column_text(st, 0);
        snprintf(i ? ver : fmt, i ? sizeof ver : sizeof fmt, "%s", v ? v : "");
    }
    int ec = sqlite3_errcode(db);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return cg_error_set(err, CG_ERR_INPUT, "%s: corrupt vulnerability DB (%s)", path,
                            sqlite3_errstr(ec));
    if (strcmp(fmt, VDB_FORMAT) != 0)
        return cg_error_set(err, CG_ERR_INPUT, "%s: not a cgate vulnerability DB (no format marker)", path);
    char *end = NULL;
    long v = strtol(ver, &end, 10);
    if (!*ver || *end || v < 1)
        return cg_error_set(err, CG_ERR_INPUT, "%s: bad schema_version \"%s\"", path, ver);
    if (v > VDB_SCHEMA_VERSION)
        return cg_error_set(err, CG_ERR_INPUT,
                            "%s: schema version %ld is newer than this cgate understands (%d); upgrade cgate or "
                            "re-import into a new file", path, v, VDB_SCHEMA_VERSION);
    /* cgate writes tables and indexes only.  A view, trigger, virtual table or
     * generated column runs SQL of the file's author on every read (a
     * recursive view never ends), so a file with one is not a cgate DB. */
    rc = sqlite3_prepare_v2(db,
                            "SELECT s.type, s.name FROM sqlite_schema s WHERE s.type NOT IN ('table','index')"
                            " OR (s.type = 'table' AND (s.sql LIKE 'CREATE VIRTUAL%' OR EXISTS"
                            " (SELECT 1 FROM pragma_table_xinfo(s.name) x WHERE x.hidden IN (2, 3)))) LIMIT 1",
                            -1, &st, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0), *nm = (const char *)sqlite3_column_text(st, 1);
        cg_status s = cg_error_set(err, CG_ERR_INPUT, "%s: not a cgate vulnerability DB (%s \"%.64s\" runs SQL on read)",
                                   path, t && strcmp(t, "table") ? t : "computed table", nm ? nm : "");
        sqlite3_finalize(st);
        return s;
    }
    ec = sqlite3_errcode(db);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return cg_error_set(err, CG_ERR_INPUT, "%s: corrupt vulnerability DB (%s)", path, sqlite3_errstr(ec));
    /* a file cut short: the header's page count says more than the file holds */
    struct stat sb;
    sqlite3_int64 pages = 0, psize = 0;
    if (sqlite3_prepare_v2(db, "PRAGMA page_count", -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        pages = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (sqlite3_prepare_v2(db, "PRAGMA page_size", -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        psize = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (stat(path, &sb) == 0 && pages > 0 && psize > 0 && (sqlite3_int64)sb.st_size < pages * psize)
        return cg_error_set(err, CG_ERR_INPUT, "%s: truncated vulnerability DB (%lld of %lld bytes)", path,
                            (long long)sb.st_size, (long long)(pages * psize));
    return CG_OK;
}

/* The SQLite header says how many pages the file has: fewer bytes on disk
 * means it was cut short (a copy or download that stopped). */
static cg_status check_header(const char *path, long long size, cg_error *err)
{
    unsigned char h[100];
    FILE *f = fopen(path, "rb");
    if (!f)
        return cg_error_set(err, errno == ENOMEM || errno == 0 ? CG_ERR_NOMEM : CG_ERR_INPUT, "%s: cannot open: %s",
                            path, errno ? strerror(errno) : "out of memory");
    size_t n = fread(h, 1, sizeof h, f);
    fclose(f);
    if (n < sizeof h || memcmp(h, "SQLite format 3", 16) != 0)
        return cg_error_set(err, CG_ERR_INPUT, "%s: not a valid SQLite file (no SQLite header)", path);
    unsigned long psize = (unsigned long)h[16] << 8 | h[17];
    if (psize == 1)
        psize = 65536;
    unsigned long pages = (unsigned long)h[28] << 24 | (unsigned long)h[29] << 16 | (unsigned long)h[30] << 8 | h[31];
    int valid = !memcmp(h + 24, h + 92, 4) && pages > 0;
    if (valid && (long long)pages * (long long)psize > size)
        return cg_error_set(err, CG_ERR_INPUT, "%s: truncated vulnerability DB (%lld of %lld bytes)", path, size,
                            (long long)pages * (long long)psize);
    return CG_OK;
}

static cg_status vdb_open(const char *db_path, cg_vdb **out, cg_error *err)
{
    *out = NULL;
    struct stat sb;
    if (stat(db_path, &sb) != 0)
        return cg_error_set(err, CG_ERR_INPUT, "%s: no vulnerability DB (run 'cgate db import' or 'cgate db update')",
                            db_path);
    if (!S_ISREG(sb.st_mode))
        return cg_error_set(err, CG_ERR_INPUT, "%s: not a regular file", db_path);
    if (sb.st_size < 512)
        return cg_error_set(err, CG_ERR_INPUT, "%s: not a valid SQLite file (%lld bytes)", db_path,
                            (long long)sb.st_size);
    cg_status hs = check_header(db_path, (long long)sb.st_size, err);
    if (hs != CG_OK)
        return hs;
    cg_vdb *v = calloc(1, sizeof *v);
    if (!v || !(v->path = strdup(db_path))) {
        free(v);
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    }
    cg_status s = CG_OK;
    int orc = sqlite3_open_v2(db_path, &v->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
    if (orc == SQLITE_NOMEM || (orc != SQLITE_OK && !v->db))
        s = cg_error_set(err, CG_ERR_NOMEM, "%s: cannot open: out of memory", db_path);
    else if (orc != SQLITE_OK)
        s = cg_error_set(err, CG_ERR_INPUT, "%s: cannot open: %s", db_path, sqlite3_errmsg(v->db));
    if (s == CG_OK)
        s = vdb_check_db(v->db, db_path, err);
    if (s != CG_OK && v->db && sqlite3_errcode(v->db) == SQLITE_NOMEM)
        s = cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory reading the DB", db_path);
    if (s == CG_OK &&
        sqlite3_prepare_v3(v->db,
                           "SELECT a.rowid, a.id, a.aliases, a.summary, a.details, a.published, a.modified,"
                           " a.refs, a.severity, a.source_severity, a.kev, a.kev_date, a.epss, a.epss_pct,"
                           " a.nvd_sev, f.entry FROM affected f JOIN adv a ON a.rowid = f.adv"
                           " WHERE f.eco = ?1 AND f.name = ?2 ORDER BY a.id, a.rowid, f.ord",
                           -1, SQLITE_PREPARE_PERSISTENT, &v->lookup, NULL) != SQLITE_OK)
        s = cg_error_set(err, CG_ERR_INPUT, "%s: corrupt vulnerability DB (%s)", db_path, sqlite3_errmsg(v->db));
    /* The file is never changed in place (imports rename a new file over
     * it), so one read transaction for the handle's life is safe and saves
     * each lookup SQLite's lock and change-counter round trip. */
    /* No memory map: every page a lookup touched stayed resident (20 MiB of
     * a scan's peak when it reads the whole DB); reads through SQLite's own
     * page cache (2 MiB) were as fast in bench/vulndb.sh (docs/BENCHMARKS.md). */
    if (s == CG_OK)
        sqlite3_exec(v->db, "PRAGMA mmap_size=0", NULL, NULL, NULL);
    if (s == CG_OK && sqlite3_exec(v->db, "BEGIN; SELECT count(*) FROM meta;", NULL, NULL, NULL) != SQLITE_OK)
        s = cg_error_set(err, CG_ERR_INPUT, "%s: cannot read: %s", db_path, sqlite3_errmsg(v->db));
    if (s != CG_OK) {
        cg_vdb_close(v);
        return s;
    }
    *out = v;
    return CG_OK;
}

void cg_vdb_close(cg_vdb *db)
{
    if (!db)
        return;
    sqlite3_finalize(db->lookup);
    sqlite3_close(db->db);
    free(db->path);
    free(db);
}

char *vdb_norm_eco(cg_arena *a, const char *eco)
{
    char *s = cg_arena_strdup(a, eco);
    for (char *p = s; p && *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return s;
}

char *vdb_norm_name(cg_arena *a, const char *eco, const char *name)
{
    size_t n = strlen(name);
    char *s = cg_arena_alloc(a, n + 1);
    if (s)
        cg_eco_norm_name_into(eco, name, n, s);
    return s;
}

double vdb_parse_time(const char *s)
{
    double t;
    cg_rfc3339_parse_ex(s, CG_RFC3339_DATE_ONLY | CG_RFC3339_NO_ZONE, &t);
    return t;
}

/* ---- lookup ---- */

static const char *jdup(cg_arena *a, const json_t *v)
{
    return json_is_string(v) ? cg_arena_strdup(a, json_string_value(v)) : NULL;
}

static const char *coldup(cg_arena *a, sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? cg_arena_strdup(a, (const char *)t) : NULL;
}

static json_t *coljson(sqlite3_stmt *st, int i)
{
    const void *t = sqlite3_column_blob(st, i);
    int n = sqlite3_column_bytes(st, i);
    return t ? json_loadb(t, (size_t)n, 0, NULL) : NULL;
}

static const char **str_list(cg_arena *a, const json_t *arr, size_t *n)
{
    *n = json_is_array(arr) ? json_array_size(arr) : 0;
    const char **out = cg_arena_calloc(a, *n ? *n : 1, sizeof *out);
    for (size_t i = 0; out && i < *n; i++)
        out[i] = jdup(a, json_array_get(arr, i));
    return out;
}

static cg_status fill_severity(cg_arena *a, cg_vdb_advisory *adv, json_t *sev, const char *src)
{
    size_t n = json_array_size(sev);
    adv->severity = cg_arena_calloc(a, n ? n : 1, sizeof *adv->severity);
    if (!adv->severity)
        return CG_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(sev, i);
        adv->severity[i].type = jdup(a, json_array_get(e, 0));
        adv->severity[i].vector = jdup(a, json_array_get(e, 1));
        adv->severity[i].source = src;
    }
    adv->n_severity = n;
    return CG_OK;
}

static cg_status fill_affected(cg_arena *a, cg_vdb_affected *af, json_t *e)
{
    af->ecosystem = jdup(a, json_object_get(e, "e"));
    af->name = jdup(a, json_object_get(e, "n"));
    json_t *r = json_object_get(e, "r");
    af->n_ranges = json_array_size(r);
    af->ranges = cg_arena_calloc(a, af->n_ranges ? af->n_ranges : 1, sizeof *af->ranges);
    if (!af->ranges)
        return CG_ERR_NOMEM;
    for (size_t i = 0; i < af->n_ranges; i++) {
        json_t *ri = json_array_get(r, i), *ev = json_object_get(ri, "e");
        cg_vdb_range *rg = &af->ranges[i];
        rg->type = jdup(a, json_object_get(ri, "t"));
        rg->n_events = json_array_size(ev);
        rg->events = cg_arena_calloc(a, rg->n_events ? rg->n_events : 1, sizeof *rg->events);
        if (!rg->events)
            return CG_ERR_NOMEM;
        for (size_t k = 0; k < rg->n_events; k++) {
            json_t *pair = json_array_get(ev, k);
            const char *kind = json_string_value(json_array_get(pair, 0));
            const char *val = jdup(a, json_array_get(pair, 1));
            cg_vdb_event *x = &rg->events[k];
            if (!kind)
                continue;
            if (!strcmp(kind, "introduced")) x->introduced = val;
            else if (!strcmp(kind, "fixed")) x->fixed = val;
            else if (!strcmp(kind, "last_affected")) x->last_affected = val;
            else if (!strcmp(kind, "limit")) x->limit = val;
        }
    }
    af->versions = str_list(a, json_object_get(e, "v"), &af->n_versions);
    return af->versions ? CG_OK : CG_ERR_NOMEM;
}

static cg_status vdb_lookup(cg_vdb *db, const char *ecosystem, const char *name, cg_arena *a, cg_vdb_advisory **out,
                          size_t *n, cg_error *err)
{
    *out = NULL;
    *n = 0;
    if (!db || !ecosystem || !name)
        return cg_error_set(err, CG_ERR_USAGE, "cg_vdb_lookup: NULL argument");
    /* keys in stack buffers: a lookup that finds nothing allocates nothing */
    char ke[VDB_MAX_STR + 1], kn[VDB_MAX_STR + 1];
    size_t el = strlen(ecosystem), nl = strlen(name);
    if (el >= sizeof ke || nl >= sizeof kn)
        return CG_OK; /* longer than anything import accepts (VDB_MAX_STR): no match */
    for (size_t i = 0; i <= el; i++)
        ke[i] = (char)tolower((unsigned char)ecosystem[i]);
    cg_eco_norm_name_into(ecosystem, name, nl, kn);
    sqlite3_stmt *st = db->lookup;
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, ke, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, kn, -1, SQLITE_STATIC);
    cg_vdb_advisory *advs = NULL;
    size_t cap = 0, cnt = 0;
    sqlite3_int64 last = -1;
    cg_status s = CG_OK;
    int rc;
    while (s == CG_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        sqlite3_int64 rowid = sqlite3_column_int64(st, 0);
        if (rowid != last) {
            if (cnt == cap) {
                size_t nc = cap ? cap * 2 : 8;
                cg_vdb_advisory *na = cg_arena_calloc(a, nc, sizeof *na);
                if (!na) { s = CG_ERR_NOMEM; break; }
                if (cnt)
                    memcpy(na, advs, cnt * sizeof *na);
                advs = na;
                cap = nc;
            }
            cg_vdb_advisory *v = &advs[cnt++];
            last = rowid;
            v->id = coldup(a, st, 1);
            json_t *j = coljson(st, 2);
            v->aliases = str_list(a, j, &v->n_aliases);
            json_decref(j);
            v->summary = coldup(a, st, 3);
            v->details = coldup(a, st, 4);
            v->published = coldup(a, st, 5);
            v->modified = coldup(a, st, 6);
            j = coljson(st, 7);
            v->references = str_list(a, j, &v->n_references);
            json_decref(j);
            j = coljson(st, 8);
            if (json_array_size(j) == 0 && sqlite3_column_type(st, 14) != SQLITE_NULL) {
                json_decref(j);
                j = coljson(st, 14);
                s = fill_severity(a, v, j, "nvd");
            } else {
                s = fill_severity(a, v, j, "osv");
            }
            json_decref(j);
            v->source_severity = coldup(a, st, 9);
            v->kev = sqlite3_column_int(st, 10);
            v->kev_date_added = coldup(a, st, 11);
            v->epss = sqlite3_column_double(st, 12);
            v->epss_percentile = sqlite3_column_double(st, 13);
            if (!v->id || !v->aliases || !v->references)
                s = CG_ERR_NOMEM;
        }
        cg_vdb_advisory *v = &advs[cnt - 1];
        if (s != CG_OK)
            break;
        json_t *e = coljson(st, 15);
        if (!e) {
            s = cg_error_set(err, CG_ERR_INPUT, "%s: advisory %s: corrupt affected entry", db->path, v->id);
            break;
        }
        cg_vdb_affected *na = cg_arena_calloc(a, v->n_affected + 1, sizeof *na);
        if (!na) {
            json_decref(e);
            s = CG_ERR_NOMEM;
            break;
        }
        if (v->n_affected)
            memcpy(na, v->affected, v->n_affected * sizeof *na);
        v->affected = na;
        s = fill_affected(a, &na[v->n_affected++], e);
        json_decref(e);
    }
    if (s == CG_OK && rc != SQLITE_DONE)
        s = cg_error_set(err, CG_ERR_INPUT, "%s: lookup %s/%s failed: %s", db->path, ecosystem, name,
                         sqlite3_errmsg(db->db));
    else if (s == CG_ERR_NOMEM)
        cg_error_set(err, s, "out of memory");
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (s != CG_OK)
        return s;
    *out = advs;
    *n = cnt;
    return CG_OK;
}

cg_status cg_vdb_stats(cg_vdb *db, cg_arena *a, cg_vdb_source_stat **out, size_t *n, int64_t *newest_import,
                       cg_error *err)
{
    *out = NULL;
    *n = 0;
    if (newest_import)
        *newest_import = -1;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db->db, "SELECT source, records, imported FROM sources ORDER BY source", -1, &st,
                           NULL) != SQLITE_OK)
        return cg_error_set(err, CG_ERR_INPUT, "%s: corrupt vulnerability DB (%s)", db->path,
                            sqlite3_errmsg(db->db));
    size_t cap = 16, cnt = 0;
    cg_vdb_source_stat *v = cg_arena_calloc(a, cap, sizeof *v);
    int rc;
    cg_status s = v ? CG_OK : CG_ERR_NOMEM;
    while (s == CG_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (cnt == cap) {
            cg_vdb_source_stat *nv = cg_arena_calloc(a, cap * 2, sizeof *nv);
            if (!nv) { s = CG_ERR_NOMEM; break; }
            memcpy(nv, v, cnt * sizeof *nv);
            v = nv;
            cap *= 2;
        }
        int64_t t = sqlite3_column_int64(st, 2);
        char buf[CG_RFC3339_SIZE];
        cg_rfc3339_format(t, buf);
        v[cnt].source = coldup(a, st, 0);
        v[cnt].records = sqlite3_column_int64(st, 1);
        v[cnt].imported = cg_arena_strdup(a, buf);
        if (newest_import && t > *newest_import)
            *newest_import = t;
        cnt++;
    }
    if (s == CG_OK && rc != SQLITE_DONE)
        s = cg_error_set(err, CG_ERR_INPUT, "%s: corrupt vulnerability DB (%s)", db->path, sqlite3_errmsg(db->db));
    else if (s == CG_ERR_NOMEM)
        cg_error_set(err, s, "out of memory");
    sqlite3_finalize(st);
    if (s != CG_OK)
        return s;
    *out = v;
    *n = cnt;
    return CG_OK;
}

const char *cg_vdb_default_path(cg_arena *a)
{
    const char *e = getenv("CGATE_DB");
    if (e && *e)
        return cg_arena_strdup(a, e);
    e = getenv("XDG_CACHE_HOME");
    if (e && *e == '/')
        return cg_arena_sprintf(a, "%s/cgate/db.sqlite", e);
    const char *h = getenv("HOME");
    return cg_arena_sprintf(a, "%s/.cache/cgate/db.sqlite", h && *h ? h : ".");
}

/* ---- import support: statements and the derived columns ---- */

static int prep(vdb_imp *im, sqlite3_stmt **st, const char *sql)
{
    return sqlite3_prepare_v3(im->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) == SQLITE_OK;
}

cg_status vdb_prepare_import(vdb_imp *im, cg_error *err)
{
    if (sqlite3_exec(im->db, "CREATE TEMP TABLE touched(source TEXT PRIMARY KEY) WITHOUT ROWID;" FETCH_TABLE_SQL,
                     NULL, NULL, NULL) != SQLITE_OK ||
        !prep(im, &im->get_adv, "SELECT rowid, modified_ts FROM adv WHERE key = ?1") ||
        !prep(im, &im->del_adv, "DELETE FROM adv WHERE rowid = ?1") ||
        !prep(im, &im->del_aff, "DELETE FROM affected WHERE adv = ?1") ||
        !prep(im, &im->del_alias, "DELETE FROM alias WHERE adv = ?1") ||
        !prep(im, &im->ins_adv,
              "INSERT INTO adv(key, id, source, file, modified, modified_ts, published, summary, details,"
              " aliases, refs, severity, source_severity) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)") ||
        !prep(im, &im->ins_aff, "INSERT OR IGNORE INTO affected VALUES(?1,?2,?3,?4,?5,?6)") ||
        !prep(im, &im->ins_alias, "INSERT OR IGNORE INTO alias VALUES(?1,?2)") ||
        !prep(im, &im->ins_kev, "INSERT OR REPLACE INTO kev VALUES(?1,?2)") ||
        !prep(im, &im->ins_epss, "INSERT OR REPLACE INTO epss VALUES(?1,?2,?3)") ||
        !prep(im, &im->ins_nvd, "INSERT OR REPLACE INTO nvd VALUES(?1,?2)") ||
        !prep(im, &im->touch, "INSERT OR IGNORE INTO temp.touched VALUES(?1)"))
        return sql_fail(im->db, "preparing import", err);
    return CG_OK;
}

void vdb_finish_import(vdb_imp *im)
{
    sqlite3_stmt **all[] = {&im->get_adv, &im->del_adv, &im->del_aff, &im->del_alias, &im->ins_adv,
                            &im->ins_aff, &im->ins_alias, &im->ins_kev, &im->ins_epss, &im->ins_nvd,
                            &im->touch};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        sqlite3_finalize(*all[i]);
        *all[i] = NULL;
    }
}

cg_status vdb_touch(vdb_imp *im, const char *source, cg_error *err)
{
    sqlite3_reset(im->touch);
    sqlite3_bind_text(im->touch, 1, source, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(im->touch) != SQLITE_DONE)
        return sql_fail(im->db, "recording source", err);
    return CG_OK;
}

/* Recompute what lookups read precomputed: each record's CVE ids (its id,
 * its aliases, and one hop through records it names or that name it), then
 * KEV, EPSS and NVD vectors by those CVEs, then per-source counts. */
cg_status vdb_finalize(vdb_imp *im, cg_error *err)
{
    static const char sql[] =
        "CREATE TEMP TABLE adv_cve(adv INTEGER, cve TEXT, PRIMARY KEY(adv, cve)) WITHOUT ROWID;"
        "INSERT OR IGNORE INTO adv_cve SELECT rowid, id FROM adv WHERE substr(id,1,4) = 'CVE-';"
        "INSERT OR IGNORE INTO adv_cve SELECT adv, alias FROM alias WHERE substr(alias,1,4) = 'CVE-';"
        "INSERT OR IGNORE INTO adv_cve SELECT x.adv, y.alias FROM alias x JOIN adv b ON b.id = x.alias"
        " JOIN alias y ON y.adv = b.rowid WHERE substr(y.alias,1,4) = 'CVE-';"
        "INSERT OR IGNORE INTO adv_cve SELECT a.rowid, y.alias FROM adv a JOIN alias x ON x.alias = a.id"
        " JOIN alias y ON y.adv = x.adv WHERE substr(y.alias,1,4) = 'CVE-';"
        "UPDATE adv SET"
        " kev = EXISTS(SELECT 1 FROM adv_cve c JOIN kev k ON k.cve = c.cve WHERE c.adv = adv.rowid),"
        " kev_date = (SELECT min(k.date_added) FROM adv_cve c JOIN kev k ON k.cve = c.cve WHERE c.adv = adv.rowid),"
        " epss = coalesce((SELECT max(e.epss) FROM adv_cve c JOIN epss e ON e.cve = c.cve WHERE c.adv = adv.rowid), -1),"
        " epss_pct = coalesce((SELECT max(e.pct) FROM adv_cve c JOIN epss e ON e.cve = c.cve WHERE c.adv = adv.rowid), -1),"
        " nvd_sev = CASE WHEN severity = '[]' THEN (SELECT n.sev FROM adv_cve c JOIN nvd n ON n.cve = c.cve"
        "   WHERE c.adv = adv.rowid ORDER BY c.cve LIMIT 1) END;"
        "DROP TABLE temp.adv_cve;"
        "CREATE TEMP TABLE newsrc AS"
        " SELECT a.source || ':' || f.ecosystem AS source, count(DISTINCT a.rowid) AS records"
        " FROM adv a JOIN affected f ON f.adv = a.rowid GROUP BY 1"
        " UNION ALL SELECT 'kev', count(*) FROM kev HAVING count(*) > 0"
        " UNION ALL SELECT 'epss', count(*) FROM epss HAVING count(*) > 0"
        " UNION ALL SELECT 'nvd', count(*) FROM nvd HAVING count(*) > 0;"
        "DELETE FROM sources WHERE source NOT IN (SELECT source FROM temp.newsrc);";
    if (sqlite3_exec(im->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return sql_fail(im->db, "computing enrichment", err);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(im->db,
                           "INSERT INTO sources(source, records, imported) SELECT source, records, ?1 FROM"
                           " temp.newsrc WHERE 1 ON CONFLICT(source) DO UPDATE SET records = excluded.records,"
                           " imported = CASE WHEN excluded.source IN (SELECT source FROM temp.touched)"
                           " THEN excluded.imported ELSE sources.imported END",
                           -1, &st, NULL) != SQLITE_OK)
        return sql_fail(im->db, "counting sources", err);
    sqlite3_bind_int64(st, 1, im->now);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE || sqlite3_exec(im->db, "DROP TABLE temp.newsrc;", NULL, NULL, NULL) != SQLITE_OK)
        return sql_fail(im->db, "counting sources", err);
    return CG_OK;
}

/* An allocation failure inside SQLite or jansson reads, deep down, like a corrupt
 * row or file; the entry points report it as what it is (exit 5, not 3). */
static cg_status oom_or(cg_status st, unsigned long before, cg_vdb *db, const char *path, cg_error *err)
{
    if (st == CG_OK || st == CG_ERR_NOMEM)
        return st;
    if (cg_oom_count() != before || (db && db->db && sqlite3_errcode(db->db) == SQLITE_NOMEM))
        return cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory reading the DB", path ? path : "DB");
    return st;
}

cg_status cg_vdb_open(const char *db_path, cg_vdb **out, cg_error *err)
{
    unsigned long before = cg_oom_count();
    return oom_or(vdb_open(db_path, out, err), before, NULL, db_path, err);
}

cg_status cg_vdb_lookup(cg_vdb *db, const char *ecosystem, const char *name, cg_arena *a, cg_vdb_advisory **out,
                        size_t *n, cg_error *err)
{
    unsigned long before = cg_oom_count();
    return oom_or(vdb_lookup(db, ecosystem, name, a, out, n, err), before, db, db ? db->path : NULL, err);
}

/* ---- change detection for `cgate serve` ---------------------------------- */

char *cg_vdb_lookup_key(cg_arena *a, const char *ecosystem, const char *name)
{
    if (!ecosystem || !name)
        return NULL;
    size_t el = strlen(ecosystem), nl = strlen(name);
    char *s = cg_arena_alloc(a, el + nl + 2);
    if (!s)
        return NULL;
    for (size_t i = 0; i < el; i++)
        s[i] = (char)tolower((unsigned char)ecosystem[i]);
    s[el] = '\t';
    cg_eco_norm_name_into(ecosystem, name, nl, s + el + 1);
    return s;
}

static void hash_col(cg_sha256 *h, sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    int n = sqlite3_column_bytes(st, i);
    cg_sha256_update(h, t ? (const void *)t : "", t ? (size_t)n : 0);
    cg_sha256_update(h, "\0", 1);
}

static cg_status emit_digest(cg_vdb_digest_fn fn, void *ud, const char *id, cg_sha256 *h, const char **keys,
                             size_t n)
{
    char hex[CG_DIGEST_STR_LEN + 1];
    cg_sha256_final_str(h, hex);
    return fn(ud, id, hex, (const char *const *)keys, n);
}

cg_status cg_vdb_each_digest(cg_vdb *db, cg_vdb_digest_fn fn, void *ud, cg_error *err)
{
    static const char sql[] =
        "SELECT a.id, a.key, a.modified, a.aliases, a.severity, a.source_severity, a.kev, round(a.epss, 2),"
        " a.nvd_sev, f.eco, f.name, f.entry FROM adv a JOIN affected f ON f.adv = a.rowid"
        " ORDER BY a.id, a.key, f.eco, f.name, f.ord";
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db->db, sql, -1, &st, NULL) != SQLITE_OK)
        return cg_error_set(err, CG_ERR_INPUT, "%s: listing advisories: %s", db->path, sqlite3_errmsg(db->db));
    cg_arena a;
    cg_arena_init(&a);
    char *cur = NULL, *cur_key = NULL;
    const char **keys = NULL;
    size_t n = 0, cap = 0;
    cg_sha256 h = {NULL};
    cg_status s = CG_OK;
    int rc;
    while (s == CG_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0);
        const char *key = (const char *)sqlite3_column_text(st, 1);
        const char *eco = (const char *)sqlite3_column_text(st, 9);
        const char *name = (const char *)sqlite3_column_text(st, 10);
        if (!id || !key || !eco || !name)
            continue;
        if (!cur || strcmp(cur, id)) {
            if (cur)
                s = emit_digest(fn, ud, cur, &h, keys, n);
            cg_arena_free(&a);
            cg_arena_init(&a);
            keys = NULL;
            n = cap = 0;
            cur_key = NULL;
            cur = cg_arena_strdup(&a, id);
            if (s == CG_OK && (!cur || cg_sha256_init(&h) != CG_OK))
                s = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
            if (s != CG_OK)
                break;
        }
        if (!cur_key || strcmp(cur_key, key)) { /* the record's own columns, once per record */
            cur_key = cg_arena_strdup(&a, key);
            for (int i = 1; i <= 8; i++)
                hash_col(&h, st, i);
        }
        for (int i = 9; i <= 11; i++)
            hash_col(&h, st, i);
        char *k = cg_arena_sprintf(&a, "%s\t%s", eco, name);
        if (!k || !cur_key) {
            s = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
            break;
        }
        if (n && !strcmp(keys[n - 1], k))
            continue;
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 8;
            const char **nk = cg_arena_calloc(&a, nc, sizeof *nk);
            if (!nk) {
                s = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
                break;
            }
            if (n)
                memcpy(nk, keys, n * sizeof *nk);
            keys = nk;
            cap = nc;
        }
        keys[n++] = k;
    }
    if (s == CG_OK && rc != SQLITE_DONE)
        s = cg_error_set(err, CG_ERR_INPUT, "%s: listing advisories: %s", db->path, sqlite3_errmsg(db->db));
    if (s == CG_OK && cur)
        s = emit_digest(fn, ud, cur, &h, keys, n);
    else if (cur)
        cg_sha256_dispose(&h);
    sqlite3_finalize(st);
    cg_arena_free(&a);
    return s;
}

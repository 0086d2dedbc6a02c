/*
 * import.c - cg_vdb_import: copy the current DB (if any) into a temporary
 * file beside it, feed every input to the importer its content calls for,
 * recompute the derived columns, fsync, rename over the target, fsync the
 * directory.  The live file is never written in place, so a crash or kill -9
 * at any moment leaves it as it was (a stale *.tmp.* file at worst).
 * Inputs: directories (walked in sorted order), zips (osv.dev's all.zip;
 * entries are read in memory, never extracted, with caps), single files.
 */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "cgate/buf.h"
#include "core/json.h"
#include "core/yaml.h"
#include "vulndb/vdb_int.h"

#define ZIP_MAX_ENTRIES 2000000
#define ZIP_MAX_TOTAL ((uint64_t)8 << 30) /* inflated bytes over a whole zip */
#define WALK_MAX_DEPTH 32

void vdb_skip(vdb_imp *im, const char *file, const char *id, const char *fmt, ...)
{
    im->rep->skipped++;
    if (im->rep->n_skip_reasons >= VDB_MAX_SKIP_REASONS)
        return;
    if (im->rep->n_skip_reasons == im->cap_reasons) {
        size_t nc = im->cap_reasons ? im->cap_reasons * 2 : 8;
        const char **nr = cg_arena_calloc(im->a, nc, sizeof *nr);
        if (!nr)
            return;
        if (im->rep->n_skip_reasons)
            memcpy(nr, im->rep->skip_reasons, im->rep->n_skip_reasons * sizeof *nr);
        im->rep->skip_reasons = nr;
        im->cap_reasons = nc;
    }
    char why[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    const char *r = cg_arena_sprintf(im->a, "%s: %s: %s", file, id ? id : "-", why);
    if (r)
        im->rep->skip_reasons[im->rep->n_skip_reasons++] = r;
}

#define VDB_MAX_UNREC_NAMES 5

void vdb_unrecognised(vdb_imp *im, const char *file)
{
    cg_vdb_import_report *r = im->rep;
    r->unrecognised++;
    if (r->n_unrecognised_names >= VDB_MAX_UNREC_NAMES)
        return;
    if (!r->unrecognised_names) {
        r->unrecognised_names = cg_arena_calloc(im->a, VDB_MAX_UNREC_NAMES, sizeof *r->unrecognised_names);
        if (!r->unrecognised_names)
            return;
    }
    const char *n = cg_arena_strdup(im->a, file);
    if (n)
        r->unrecognised_names[r->n_unrecognised_names++] = n;
}

static int has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && !strcasecmp(s + n - m, suf);
}

/* What a parsed JSON/YAML document is, by its shape. */
static cg_status import_doc(vdb_imp *im, json_t *doc, const char *file, cg_error *err)
{
    if (json_is_object(doc)) {
        json_t *vul = json_object_get(doc, "vulnerabilities");
        json_t *first = json_array_get(vul, 0);
        if (json_is_array(vul) && json_object_get(first, "cveID"))
            return vdb_import_kev(im, doc, file, err);
        if (json_is_array(vul) && (json_object_get(first, "cve") || json_is_string(json_object_get(doc, "format"))))
            return vdb_import_nvd(im, doc, file, err);
        if (json_object_get(doc, "packages") && json_object_get(doc, "distroversion"))
            return vdb_import_alpine(im, doc, file, err);
        if (json_object_get(doc, "id") || json_object_get(doc, "modified") || json_object_get(doc, "affected"))
            return vdb_put_osv(im, doc, file, "osv", NULL, err);
        vdb_unrecognised(im, file);
        return CG_OK;
    }
    if (json_is_array(doc)) { /* a list of OSV records (osv.dev query dumps) */
        size_t n = json_array_size(doc);
        cg_status s = CG_OK;
        for (size_t i = 0; s == CG_OK && i < n; i++)
            s = vdb_put_osv(im, json_array_get(doc, i), file, "osv", NULL, err);
        return s;
    }
    vdb_unrecognised(im, file);
    return CG_OK;
}

/* One input's bytes: EPSS CSV, YAML or JSON by name and content. */
cg_status vdb_import_buffer(vdb_imp *im, const uint8_t *buf, size_t len, const char *file, cg_error *err)
{
    const char *name = file;
    char stripped[4096];
    if (has_suffix(file, ".gz") && strlen(file) < sizeof stripped) {
        snprintf(stripped, sizeof stripped, "%.*s", (int)(strlen(file) - 3), file);
        name = stripped;
    }
    size_t i = 0;
    while (i < len && (buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\r' || buf[i] == '\t'))
        i++;
    if (has_suffix(name, ".csv") || (len - i >= 14 && !memcmp(buf + i, "#model_version", 14)) ||
        (len - i >= 4 && !memcmp(buf + i, "cve,", 4)))
        return vdb_import_epss(im, buf, len, file, err);
    if (vdb_nvd_sniff(buf, len)) {
        vdb_nvd_stream st;
        vdb_nvd_stream_init(&st);
        cg_status s = vdb_nvd_stream_feed(im, &st, buf, len, file, err);
        if (s == CG_OK)
            s = vdb_nvd_stream_end(im, &st, file, err);
        vdb_nvd_stream_free(&st);
        return s;
    }
    json_t *doc = NULL;
    cg_error perr;
    cg_error_clear(&perr);
    cg_status ps;
    int yaml = has_suffix(name, ".yaml") || has_suffix(name, ".yml");
    if (yaml) {
        /* OSV in YAML (PyPA, Alpine's old secdb): no aliases, modest nesting */
        cg_yaml_limits lim = {.max_depth = 64, .max_nodes = 4000000, .no_aliases = 1};
        ps = cg_yaml_to_json(buf, len, file, &lim, &doc, &perr);
    }
    else
        ps = cg_json_parse(buf, len, file, &doc, &perr);
    if (ps != CG_OK && !yaml && !has_suffix(name, ".json")) {
        /* a file named on the command line that is not JSON at all (a
         * README, a tarball): not a bad record, just not ours */
        vdb_unrecognised(im, file);
        return CG_OK;
    }
    if (ps != CG_OK) {
        /* the message already names the file ("FILE: why" or, from the
         * YAML reader, "FILE:LINE: why"): keep the why, and the line */
        const char *why = perr.msg;
        size_t fl = strlen(file);
        long line = 0;
        if (!strncmp(why, file, fl) && !strncmp(why + fl, ": ", 2)) {
            why += fl + 2;
        } else if (!strncmp(why, file, fl) && why[fl] == ':' && why[fl + 1] >= '0' && why[fl + 1] <= '9') {
            const char *p = why + fl + 1;
            while (*p >= '0' && *p <= '9' && line < 100000000)
                line = line * 10 + (*p++ - '0');
            if (!strncmp(p, ": ", 2))
                why = p + 2;
            else
                line = 0;
        }
        if (line)
            vdb_skip(im, file, "-", "%s (line %ld)", why, line);
        else
            vdb_skip(im, file, "-", "%s", why);
        return CG_OK;
    }
    cg_status s = import_doc(im, doc, file, err);
    json_decref(doc);
    return s;
}

/* Whole file (gzip transparently) with a cap. */
/* An NVD feed file (plain or gzip), streamed: never held whole in memory,
 * so the per-file cap does not apply; the inflated total is capped. */
static int nvd_file(const char *path)
{
    gzFile g = gzopen(path, "rb");
    if (!g)
        return 0;
    uint8_t head[4096];
    int n = gzread(g, head, sizeof head);
    gzclose(g);
    return n > 0 && vdb_nvd_sniff(head, (size_t)n);
}

static cg_status import_nvd_file(vdb_imp *im, const char *path, cg_error *err)
{
    gzFile g = gzopen(path, "rb");
    if (!g)
        return cg_error_set(err, CG_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    vdb_nvd_stream st;
    vdb_nvd_stream_init(&st);
    uint8_t *chunk = malloc(1 << 16);
    cg_status s = chunk ? CG_OK : cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    int n = 0;
    uint64_t total = 0;
    while (s == CG_OK && (n = gzread(g, chunk, 1 << 16)) > 0) {
        total += (uint64_t)n;
        if (total > ZIP_MAX_TOTAL)
            s = cg_error_set(err, CG_ERR_LIMIT, "%s: inflates past %llu bytes (cap)", path,
                             (unsigned long long)ZIP_MAX_TOTAL);
        else
            s = vdb_nvd_stream_feed(im, &st, chunk, (size_t)n, path, err);
    }
    int errnum = 0;
    const char *gm = gzerror(g, &errnum);
    if (s == CG_OK && (n < 0 || (errnum != Z_OK && errnum != Z_STREAM_END)))
        s = cg_error_set(err, CG_ERR_INPUT, "%s: read failed: %s", path, gm);
    if (s == CG_OK)
        s = vdb_nvd_stream_end(im, &st, path, err);
    free(chunk);
    vdb_nvd_stream_free(&st);
    gzclose(g);
    return s;
}

static cg_status read_file(const char *path, uint64_t max, cg_buf *out, cg_error *err)
{
    gzFile g = gzopen(path, "rb");
    if (!g)
        return cg_error_set(err, CG_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    cg_buf_reset(out);
    char chunk[65536];
    int n;
    cg_status s = CG_OK;
    while ((n = gzread(g, chunk, sizeof chunk)) > 0) {
        if (out->len + (size_t)n > max) {
            s = cg_error_set(err, CG_ERR_LIMIT, "%s: larger than %llu bytes (cap)", path, (unsigned long long)max);
            break;
        }
        if ((s = cg_buf_append(out, chunk, (size_t)n)) != CG_OK) {
            cg_error_set(err, s, "%s: out of memory", path);
            break;
        }
    }
    int errnum = 0;
    if (s == CG_OK && n < 0)
        s = cg_error_set(err, CG_ERR_INPUT, "%s: read failed: %s", path, gzerror(g, &errnum));
    gzclose(g);
    return s;
}

/* An entry name that would escape a directory if it were ever used as a path. */
static int bad_entry_name(const char *n)
{
    if (!n || !*n || n[0] == '/' || n[0] == '\\' || strchr(n, ':') == n + 1)
        return 1;
    for (const char *p = n; *p;) {
        const char *q = p;
        while (*q && *q != '/' && *q != '\\')
            q++;
        if (q - p == 2 && p[0] == '.' && p[1] == '.')
            return 1;
        p = *q ? q + 1 : q;
    }
    return 0;
}

static cg_status import_zip(vdb_imp *im, const char *path, cg_buf *buf, cg_error *err)
{
    struct archive *ar = archive_read_new();
    if (!ar)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    /* an entry of ours, checked (libarchive 3.6 does not check its own) */
    struct archive_entry *e = archive_entry_new();
    if (!e) {
        archive_read_free(ar);
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    }
    if (archive_read_support_format_zip(ar) != ARCHIVE_OK) {
        archive_read_free(ar);
        archive_entry_free(e);
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    }
    cg_status s = CG_OK;
    errno = 0;
    if (archive_read_open_filename(ar, path, 1 << 16) != ARCHIVE_OK) {
        s = archive_errno(ar) == ENOMEM || errno == ENOMEM
                ? cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory while opening the zip", path)
                : cg_error_set(err, CG_ERR_INPUT, "%s: not a readable zip: %s", path, archive_error_string(ar));
        archive_read_free(ar);
        archive_entry_free(e);
        return s;
    }
    uint64_t total = 0, entries = 0;
    int rc;
    while (s == CG_OK && (rc = archive_read_next_header2(ar, e)) == ARCHIVE_OK) {
        const char *name = archive_entry_pathname(e);
        if (++entries > ZIP_MAX_ENTRIES) {
            s = cg_error_set(err, CG_ERR_LIMIT, "%s: more than %d entries (cap)", path, ZIP_MAX_ENTRIES);
            break;
        }
        if (bad_entry_name(name)) {
            s = cg_error_set(err, CG_ERR_INPUT, "%s: entry \"%.200s\": path traversal in a zip entry name; refusing the zip",
                             path, name ? name : "");
            break;
        }
        if (archive_entry_filetype(e) != AE_IFREG)
            continue;
        if (!has_suffix(name, ".json") && !has_suffix(name, ".yaml") && !has_suffix(name, ".yml"))
            continue;
        cg_buf_reset(buf);
        char chunk[65536];
        la_ssize_t n;
        while ((n = archive_read_data(ar, chunk, sizeof chunk)) > 0) {
            total += (uint64_t)n;
            if (buf->len + (size_t)n > im->max_file_bytes || total > ZIP_MAX_TOTAL) {
                s = cg_error_set(err, CG_ERR_LIMIT, "%s: entry %.200s: inflates past %llu bytes (zip bomb cap); refusing the zip",
                                 path, name, (unsigned long long)(total > ZIP_MAX_TOTAL ? ZIP_MAX_TOTAL : im->max_file_bytes));
                break;
            }
            if (cg_buf_append(buf, chunk, (size_t)n) != CG_OK) {
                s = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
                break;
            }
        }
        if (s != CG_OK)
            break;
        char *label = cg_arena_sprintf(im->a, "%s!%s", path, name);
        if (n < 0) {
            vdb_skip(im, label, "-", "cannot inflate: %s", archive_error_string(ar));
            continue;
        }
        s = vdb_import_buffer(im, (const uint8_t *)buf->data, buf->len, label, err);
    }
    if (s == CG_OK && rc != ARCHIVE_EOF)
        s = cg_error_set(err, CG_ERR_INPUT, "%s: corrupt zip: %s", path, archive_error_string(ar));
    archive_read_free(ar);
    archive_entry_free(e);
    return s;
}

static int is_zip(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    unsigned char m[4];
    ssize_t n = read(fd, m, 4);
    close(fd);
    return n == 4 && m[0] == 'P' && m[1] == 'K' && (m[2] == 3 || m[2] == 5) && (m[3] == 4 || m[3] == 6);
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static cg_status import_path(vdb_imp *im, const char *path, int depth, int explicit, cg_buf *buf, cg_error *err);

static cg_status import_dir(vdb_imp *im, const char *path, int depth, cg_buf *buf, cg_error *err)
{
    if (depth > WALK_MAX_DEPTH)
        return cg_error_set(err, CG_ERR_LIMIT, "%s: directories nested deeper than %d", path, WALK_MAX_DEPTH);
    DIR *d = opendir(path);
    if (!d)
        return cg_error_set(err, CG_ERR_IO, "%s: cannot read directory: %s", path, strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    cg_status s = CG_OK;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue; /* ., .., .git and other hidden entries */
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn) { s = cg_error_set(err, CG_ERR_NOMEM, "out of memory"); break; }
            names = nn;
        }
        if (!(names[n] = strdup(de->d_name))) { s = cg_error_set(err, CG_ERR_NOMEM, "out of memory"); break; }
        n++;
    }
    closedir(d);
    if (s == CG_OK)
        qsort(names, n, sizeof *names, cmp_name);
    for (size_t i = 0; s == CG_OK && i < n; i++) {
        char *child = cg_arena_sprintf(im->a, "%s/%s", path, names[i]);
        s = child ? import_path(im, child, depth + 1, 0, buf, err) : CG_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return s;
}

static cg_status import_path(vdb_imp *im, const char *path, int depth, int explicit, cg_buf *buf, cg_error *err)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        if (explicit)
            return cg_error_set(err, CG_ERR_INPUT, "%s: %s", path, strerror(errno));
        return CG_OK; /* a dangling link inside a tree */
    }
    if (S_ISDIR(sb.st_mode))
        return import_dir(im, path, depth, buf, err);
    if (!S_ISREG(sb.st_mode))
        return explicit ? cg_error_set(err, CG_ERR_INPUT, "%s: not a file or directory", path) : CG_OK;
    int known = has_suffix(path, ".json") || has_suffix(path, ".yaml") || has_suffix(path, ".yml") ||
                has_suffix(path, ".csv") || has_suffix(path, ".zip") || has_suffix(path, ".json.gz") ||
                has_suffix(path, ".csv.gz");
    if (!explicit && !known)
        return CG_OK; /* LICENSE, README.md, expected.tsv in a tree */
    if (is_zip(path))
        return import_zip(im, path, buf, err);
    if ((has_suffix(path, ".json") || has_suffix(path, ".json.gz")) && nvd_file(path))
        return import_nvd_file(im, path, err);
    if ((uint64_t)sb.st_size > im->max_file_bytes && !has_suffix(path, ".gz")) {
        vdb_skip(im, path, "-", "file of %lld bytes is over the %llu-byte cap", (long long)sb.st_size,
                 (unsigned long long)im->max_file_bytes);
        return CG_OK;
    }
    cg_status s = read_file(path, im->max_file_bytes, buf, err);
    if (s == CG_ERR_LIMIT) {
        vdb_skip(im, path, "-", "%s", err->msg);
        cg_error_clear(err);
        return CG_OK;
    }
    if (s != CG_OK)
        return s;
    return vdb_import_buffer(im, (const uint8_t *)buf->data, buf->len, path, err);
}

cg_status vdb_import_path(vdb_imp *im, const char *path, cg_error *err)
{
    cg_buf buf = CG_BUF_INIT;
    cg_status s = import_path(im, path, 0, 1, &buf, err);
    cg_buf_free(&buf);
    return s;
}

static cg_status fsync_path(const char *path, int dir, cg_error *err)
{
    int fd = open(path, (dir ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC);
    if (fd < 0)
        return cg_error_set(err, CG_ERR_IO, "%s: cannot open for fsync: %s", path, strerror(errno));
    int rc = fsync(fd);
    close(fd);
    if (rc != 0 && !dir)
        return cg_error_set(err, CG_ERR_IO, "%s: fsync failed: %s", path, strerror(errno));
    return CG_OK;
}

/* The temporary DB: a copy of the live one (SQLite's backup API reads it
 * consistently) or a fresh schema. */
static cg_status start_tmp(const char *db_path, const char *tmp, sqlite3 **out, cg_error *err)
{
    sqlite3 *db = NULL;
    *out = NULL;
    if (sqlite3_open_v2(tmp, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        cg_status s = cg_error_set(err, CG_ERR_IO, "%s: cannot create: %s", tmp, db ? sqlite3_errmsg(db) : "?");
        sqlite3_close(db);
        return s;
    }
    *out = db;
    sqlite3_exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA temp_store=MEMORY;"
                     " PRAGMA cache_size=-65536;", NULL, NULL, NULL);
    struct stat sb;
    if (stat(db_path, &sb) != 0)
        return vdb_create_schema(db, err);
    cg_vdb *old = NULL;
    cg_status s = cg_vdb_open(db_path, &old, err);
    if (s != CG_OK)
        return cg_error_prefix(err, "cannot merge into the existing DB (remove it to start afresh)");
    /* cg_vdb is opaque here; open a second read-only handle for the backup */
    cg_vdb_close(old);
    sqlite3 *src = NULL;
    if (sqlite3_open_v2(db_path, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        sqlite3_close(src);
        return cg_error_set(err, CG_ERR_IO, "%s: cannot open: %s", db_path, strerror(errno));
    }
    sqlite3_backup *bk = sqlite3_backup_init(db, "main", src, "main");
    int rc = bk ? sqlite3_backup_step(bk, -1) : SQLITE_ERROR;
    sqlite3_backup_finish(bk);
    if (rc != SQLITE_DONE)
        s = cg_error_set(err, CG_ERR_IO, "%s: copying the existing DB failed: %s", db_path, sqlite3_errmsg(db));
    sqlite3_close(src);
    sqlite3_exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;", NULL, NULL, NULL);
    return s;
}

/* db update's validators, in the same transaction as the data they describe. */
static cg_status put_fetch_rows(vdb_imp *im, const vdb_fetch_row *rows, size_t n, cg_error *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(im->db, "INSERT OR REPLACE INTO fetch(url, etag, last_modified, fetched, bytes)"
                                   " VALUES(?1,?2,?3,?4,?5)", -1, &st, NULL) != SQLITE_OK)
        return cg_error_set(err, CG_ERR_INTERNAL, "vulnerability DB: recording downloads: %s", sqlite3_errmsg(im->db));
    cg_status s = CG_OK;
    for (size_t i = 0; s == CG_OK && i < n; i++) {
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, rows[i].url, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, rows[i].etag, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, rows[i].last_modified, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, im->now);
        sqlite3_bind_int64(st, 5, (sqlite3_int64)rows[i].bytes);
        if (sqlite3_step(st) != SQLITE_DONE)
            s = cg_error_set(err, CG_ERR_INTERNAL, "vulnerability DB: recording downloads: %s", sqlite3_errmsg(im->db));
    }
    sqlite3_finalize(st);
    return s;
}

cg_status vdb_make_db_dir(const char *db_path, cg_arena *a, char **dir_out, cg_error *err)
{
    /* make the DB's directory (the default lives under ~/.cache/cgate) */
    char *dircopy = cg_arena_strdup(a, db_path);
    char *dir = dircopy ? dirname(dircopy) : NULL;
    char *dirsave = dir ? cg_arena_strdup(a, dir) : NULL;
    if (!dirsave)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    for (char *p = dirsave + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            mkdir(dirsave, 0755);
            *p = '/';
        }
    mkdir(dirsave, 0755);
    *dir_out = dirsave;
    return CG_OK;
}

cg_status cg_vdb_import(const char *db_path, const char *const *paths, size_t n_paths,
                        const cg_vdb_import_opts *opts, cg_arena *a, cg_vdb_import_report *rep, cg_error *err)
{
    memset(rep, 0, sizeof *rep);
    if (!db_path || !*db_path || (n_paths && !paths))
        return cg_error_set(err, CG_ERR_USAGE, "cg_vdb_import: no DB path");
    char *dir = NULL;
    cg_status s = vdb_make_db_dir(db_path, a, &dir, err);
    if (s != CG_OK)
        return s;
    vdb_lock lk;
    s = vdb_lock_acquire(db_path, opts ? opts->lock_timeout_ms : 0, &lk, err);
    if (s != CG_OK)
        return s;
    s = vdb_import_locked(db_path, paths, n_paths, opts, NULL, 0, a, rep, err);
    vdb_lock_release(&lk);
    return s;
}

cg_status vdb_import_locked(const char *db_path, const char *const *paths, size_t n_paths,
                            const cg_vdb_import_opts *opts, const vdb_fetch_row *rows, size_t n_rows, cg_arena *a,
                            cg_vdb_import_report *rep, cg_error *err)
{
    memset(rep, 0, sizeof *rep);
    vdb_imp im;
    memset(&im, 0, sizeof im);
    im.a = a;
    im.rep = rep;
    im.now = opts && opts->now >= 0 ? opts->now : (int64_t)time(NULL);
    im.max_file_bytes = opts && opts->max_file_bytes ? opts->max_file_bytes : ((uint64_t)256 << 20);
    char *dir = NULL;
    cg_status s = vdb_make_db_dir(db_path, a, &dir, err);
    if (s != CG_OK)
        return s;
    /* we hold the lock: any DB.tmp.* is a killed writer's leftover */
    vdb_remove_stale_tmp(db_path);

    char *tmp = cg_arena_sprintf(a, "%s.tmp.XXXXXX", db_path);
    int fd = tmp ? mkstemp(tmp) : -1;
    if (fd < 0)
        return cg_error_set(err, CG_ERR_IO, "%s: cannot create a temporary file beside it: %s", db_path,
                            strerror(errno));
    close(fd);
    cg_buf buf = CG_BUF_INIT;
    s = start_tmp(db_path, tmp, &im.db, err);
    if (s == CG_OK && sqlite3_exec(im.db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        s = cg_error_set(err, CG_ERR_INTERNAL, "%s: BEGIN failed: %s", tmp, sqlite3_errmsg(im.db));
    if (s == CG_OK)
        s = vdb_prepare_import(&im, err);
    for (size_t i = 0; s == CG_OK && i < n_paths; i++) {
        if (opts && opts->progress)
            opts->progress(opts->progress_ud, paths[i], i, n_paths, rep->imported);
        s = import_path(&im, paths[i], 0, 1, &buf, err);
    }
    if (opts && opts->progress)
        opts->progress(opts->progress_ud, NULL, n_paths, n_paths, rep->imported);
    if (s == CG_OK && n_rows)
        s = put_fetch_rows(&im, rows, n_rows, err);
    if (s == CG_OK)
        s = vdb_finalize(&im, err);
    vdb_finish_import(&im);
    if (s == CG_OK && sqlite3_exec(im.db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        s = cg_error_set(err, CG_ERR_IO, "%s: COMMIT failed: %s", tmp, sqlite3_errmsg(im.db));
    if (im.db && sqlite3_close(im.db) != SQLITE_OK && s == CG_OK)
        s = cg_error_set(err, CG_ERR_IO, "%s: close failed", tmp);
    cg_buf_free(&buf);
    if (s == CG_OK)
        s = fsync_path(tmp, 0, err);
    if (s == CG_OK && chmod(tmp, 0644) != 0)
        s = cg_error_set(err, CG_ERR_IO, "%s: chmod failed: %s", tmp, strerror(errno));
    if (s == CG_OK && rename(tmp, db_path) != 0)
        s = cg_error_set(err, CG_ERR_IO, "%s: rename failed: %s", db_path, strerror(errno));
    if (s == CG_OK)
        fsync_path(dir, 1, err);
    else
        unlink(tmp);
    return s;
}

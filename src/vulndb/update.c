/*
 * update.c - `cgate db update`: fetch each source with libcurl using a
 * conditional GET (the ETag / Last-Modified of that URL's last download are
 * kept in the DB's fetch table), then import whatever changed, together with
 * the new validators, in one crash-safe import.  When every source answers
 * 304 the DB file is not touched at all.  Only https is fetched, except plain
 * http to a loopback address (tests, local mirrors); redirects may only go
 * to https.  Each download has a size cap and timeouts; any failed download
 * fails the update before anything is imported.  The writers' lock is held
 * from before the first request to the rename, so concurrent updates neither
 * download twice nor lose each other's validators.
 */
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/http.h"
#include "vulndb/vdb_int.h"

int cg_vdb_url_allowed(const char *url)
{
    return cg_http_url_allowed(url);
}

#define VALIDATOR_MAX 512

typedef struct dl {
    FILE *f;
    uint64_t got, max;
    int over;
    char etag[VALIDATOR_MAX], last_modified[VALIDATOR_MAX];
} dl;

static size_t on_data(char *p, size_t sz, size_t n, void *ud)
{
    dl *d = ud;
    size_t len = sz * n;
    if (d->got + len > d->max) {
        d->over = 1;
        return 0;
    }
    d->got += len;
    return fwrite(p, 1, len, d->f);
}

/* Keep the validators of the final response (a redirect's are dropped when
 * the next status line arrives). */
static size_t on_header(char *p, size_t sz, size_t n, void *ud)
{
    dl *d = ud;
    size_t len = sz * n;
    if (len >= 5 && !strncasecmp(p, "HTTP/", 5)) {
        d->etag[0] = d->last_modified[0] = 0;
        return len;
    }
    char *dst = NULL;
    size_t nl = 0;
    if (len > 5 && !strncasecmp(p, "ETag:", 5))
        dst = d->etag, nl = 5;
    else if (len > 14 && !strncasecmp(p, "Last-Modified:", 14))
        dst = d->last_modified, nl = 14;
    if (!dst)
        return len;
    const char *v = p + nl, *e = p + len;
    while (v < e && (*v == ' ' || *v == '\t'))
        v++;
    while (e > v && (e[-1] == '\r' || e[-1] == '\n' || e[-1] == ' ' || e[-1] == '\t'))
        e--;
    size_t vl = (size_t)(e - v);
    int printable = 1;
    for (size_t i = 0; i < vl; i++)
        printable &= (unsigned char)v[i] >= 0x20 && (unsigned char)v[i] < 0x7f;
    if (printable && vl < VALIDATOR_MAX) { /* else: not remembered, the next GET is unconditional */
        memcpy(dst, v, vl);
        dst[vl] = 0;
    }
    return len;
}

/* The last path segment of a URL, made safe as a file name ("" -> "download"). */
static void url_basename(const char *url, char *out, size_t cap)
{
    const char *end = url + strcspn(url, "?#");
    const char *b = end;
    while (b > url && b[-1] != '/')
        b--;
    size_t n = (size_t)(end - b), o = 0;
    for (size_t i = 0; i < n && o + 1 < cap; i++) {
        char c = b[i];
        int safe = c == '.' || c == '-' || c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                   (c >= 'A' && c <= 'Z');
        out[o] = (c == '.' && o == 0) || !safe ? '_' : c;
        o++;
    }
    out[o] = 0;
    if (!o)
        snprintf(out, cap, "download");
}

typedef struct prior {
    const char *etag, *last_modified;
} prior;

/* GET url into path; *not_modified when the server answered 304 to the
 * validators in pr. */
static cg_status fetch(const char *url, const char *path, const prior *pr, const cg_vdb_update_opts *uo, dl *d,
                       int *not_modified, cg_error *err)
{
    *not_modified = 0;
    if (!cg_vdb_url_allowed(url))
        return cg_error_set(err, CG_ERR_USAGE, "%s: only https URLs (or http to 127.0.0.1/localhost) are fetched", url);
    FILE *f = fopen(path, "wb");
    if (!f)
        return cg_error_set(err, CG_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
    memset(d, 0, sizeof *d);
    d->f = f;
    d->max = uo && uo->max_bytes ? uo->max_bytes : ((uint64_t)1 << 30);
    CURL *c = curl_easy_init();
    struct curl_slist *hdrs = NULL;
    char h[VALIDATOR_MAX + 32];
    if (pr && pr->etag && *pr->etag && strlen(pr->etag) < VALIDATOR_MAX) {
        snprintf(h, sizeof h, "If-None-Match: %s", pr->etag);
        hdrs = curl_slist_append(hdrs, h);
    }
    if (pr && pr->last_modified && *pr->last_modified && strlen(pr->last_modified) < VALIDATOR_MAX) {
        snprintf(h, sizeof h, "If-Modified-Since: %s", pr->last_modified);
        struct curl_slist *nh = curl_slist_append(hdrs, h);
        if (nh)
            hdrs = nh;
    }
    if (!c) {
        curl_slist_free_all(hdrs);
        fclose(f);
        return cg_error_set(err, CG_ERR_NOMEM, "curl_easy_init failed");
    }
    char ebuf[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, uo && uo->timeout_s ? uo->timeout_s : 1800L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1024L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)d->max);
    curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "cgate/" CGATE_VERSION);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, d);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, d);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
    if (hdrs)
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    CURLcode rc = curl_easy_perform(c);
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_cleanup(c);
    curl_slist_free_all(hdrs);
    int werr = fclose(f) != 0;
    if (d->over || rc == CURLE_FILESIZE_EXCEEDED)
        return cg_error_set(err, CG_ERR_LIMIT, "%s: larger than %llu bytes (cap)", url, (unsigned long long)d->max);
    if (rc != CURLE_OK)
        return cg_error_set(err, CG_ERR_NETWORK, "%s: %s", url, *ebuf ? ebuf : curl_easy_strerror(rc));
    if (werr)
        return cg_error_set(err, CG_ERR_IO, "%s: write failed", path);
    if (code == 304) {
        if (!pr || ((!pr->etag || !*pr->etag) && (!pr->last_modified || !*pr->last_modified)))
            return cg_error_set(err, CG_ERR_NETWORK, "%s: 304 Not Modified to an unconditional request", url);
        *not_modified = 1;
        return CG_OK;
    }
    if (code != 200)
        return cg_error_set(err, CG_ERR_NETWORK, "%s: HTTP %ld (expected 200 or 304)", url, code);
    return CG_OK;
}

/* The validators the DB remembers for each source (none when the DB does
 * not exist yet or predates the fetch table).  A DB that exists but cannot
 * be opened fails here, before anything is downloaded. */
static cg_status load_priors(const char *db_path, const cg_vdb_source *srcs, size_t n, prior *out, cg_arena *a,
                             cg_error *err)
{
    memset(out, 0, n * sizeof *out);
    struct stat sb;
    if (stat(db_path, &sb) != 0)
        return CG_OK;
    cg_vdb *v = NULL;
    cg_status s = cg_vdb_open(db_path, &v, err);
    cg_vdb_close(v);
    if (s != CG_OK)
        return cg_error_prefix(err, "cannot update the existing DB (remove it to start afresh)");
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return cg_error_set(err, CG_ERR_INPUT, "%s: cannot open", db_path);
    }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT etag, last_modified FROM fetch WHERE url = ?1", -1, &st, NULL) == SQLITE_OK) {
        for (size_t i = 0; i < n; i++) {
            sqlite3_reset(st);
            sqlite3_bind_text(st, 1, srcs[i].url, -1, SQLITE_STATIC);
            if (sqlite3_step(st) == SQLITE_ROW) {
                const unsigned char *e = sqlite3_column_text(st, 0), *l = sqlite3_column_text(st, 1);
                out[i].etag = e ? cg_arena_strdup(a, (const char *)e) : NULL;
                out[i].last_modified = l ? cg_arena_strdup(a, (const char *)l) : NULL;
            }
        }
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return CG_OK;
}

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Messages and skip reasons name the URL, not the private download path. */
static const char *relabel(cg_arena *a, const char *msg, const char *const *paths, const cg_vdb_source *srcs,
                           size_t n)
{
    for (size_t i = 0; msg && i < n; i++) {
        size_t pl = paths[i] ? strlen(paths[i]) : 0;
        if (pl && !strncmp(msg, paths[i], pl)) {
            const char *r = cg_arena_sprintf(a, "%s%s", srcs[i].url, msg + pl);
            return r ? r : msg;
        }
    }
    return msg;
}

/* Remove DB.update.XXXXXX download directories a killed update left (lock held). */
static void remove_stale_downloads(const char *db_path)
{
    const char *slash = strrchr(db_path, '/');
    char dir[4096];
    const char *base = slash ? slash + 1 : db_path;
    if ((size_t)snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - db_path) : 1, slash ? db_path : ".") >=
        sizeof dir)
        return;
    if (!*dir)
        snprintf(dir, sizeof dir, "/");
    size_t bl = strlen(base);
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    int cap = 1000;
    while ((de = readdir(d)) && cap-- > 0) {
        const char *nm = de->d_name;
        if (strncmp(nm, base, bl) || strncmp(nm + bl, ".update.", 8) || strlen(nm + bl + 8) != 6)
            continue;
        char sub[8192];
        if ((size_t)snprintf(sub, sizeof sub, "%s/%s", dir, nm) >= sizeof sub)
            continue;
        DIR *s = opendir(sub);
        if (!s)
            continue;
        struct dirent *e;
        int cap2 = 100000;
        while ((e = readdir(s)) && cap2-- > 0) {
            char f[12288];
            if (e->d_name[0] != '.' && (size_t)snprintf(f, sizeof f, "%s/%s", sub, e->d_name) < sizeof f)
                unlink(f);
        }
        closedir(s);
        rmdir(sub);
    }
    closedir(d);
}

cg_status cg_vdb_update(const char *db_path, const cg_vdb_source *srcs, size_t n, const cg_vdb_update_opts *uo,
                        const cg_vdb_import_opts *opts, cg_arena *a, cg_vdb_import_report *rep,
                        cg_vdb_update_report *urep, cg_error *err)
{
    memset(rep, 0, sizeof *rep);
    memset(urep, 0, sizeof *urep);
    if (!db_path || !*db_path)
        return cg_error_set(err, CG_ERR_USAGE, "cg_vdb_update: no DB path");
    if (n == 0)
        return cg_error_set(err, CG_ERR_USAGE, "no sources to update from");
    for (size_t i = 0; i < n; i++)
        if (!srcs[i].url || !cg_vdb_url_allowed(srcs[i].url))
            return cg_error_set(err, CG_ERR_USAGE, "%s: only https URLs (or http to 127.0.0.1/localhost) are fetched",
                                srcs[i].url ? srcs[i].url : "(null)");
    char *dir = NULL;
    cg_status s = vdb_make_db_dir(db_path, a, &dir, err);
    if (s != CG_OK)
        return s;
    /* one writer at a time, from before the downloads to the rename */
    vdb_lock lk;
    s = vdb_lock_acquire(db_path, opts ? opts->lock_timeout_ms : 0, &lk, err);
    if (s != CG_OK)
        return s;
    remove_stale_downloads(db_path);
    prior *pr = cg_arena_calloc(a, n, sizeof *pr);
    const char **paths = cg_arena_calloc(a, n, sizeof *paths);
    const char **got = cg_arena_calloc(a, n, sizeof *got); /* the changed downloads, in source order */
    vdb_fetch_row *rows = cg_arena_calloc(a, n, sizeof *rows);
    char *tmpl = cg_arena_sprintf(a, "%s.update.XXXXXX", db_path);
    if (!pr || !paths || !got || !rows || !tmpl) {
        vdb_lock_release(&lk);
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    }
    s = load_priors(db_path, srcs, n, pr, a, err);
    if (s != CG_OK) {
        vdb_lock_release(&lk);
        return s;
    }
    if (!mkdtemp(tmpl)) {
        vdb_lock_release(&lk);
        return cg_error_set(err, CG_ERR_IO, "%s: cannot create a download directory: %s", dir, strerror(errno));
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        vdb_lock_release(&lk);
        rmdir(tmpl);
        return cg_error_set(err, CG_ERR_INTERNAL, "curl_global_init failed");
    }
    size_t made = 0, n_got = 0;
    dl *d = malloc(sizeof *d);
    if (!d)
        s = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    for (size_t i = 0; s == CG_OK && i < n; i++) {
        char base[128];
        url_basename(srcs[i].url, base, sizeof base);
        paths[i] = cg_arena_sprintf(a, "%s/%03zu-%s", tmpl, i, base);
        if (!paths[i]) {
            s = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
            break;
        }
        made = i + 1;
        int nm = 0;
        double t0 = mono();
        s = fetch(srcs[i].url, paths[i], (uo && uo->force) ? NULL : &pr[i], uo, d, &nm, err);
        if (s != CG_OK)
            break;
        urep->bytes += d->got;
        if (nm) {
            urep->not_modified++;
            unlink(paths[i]);
        } else {
            urep->downloaded++;
            got[n_got] = paths[i];
            rows[n_got].url = srcs[i].url;
            rows[n_got].etag = d->etag[0] ? cg_arena_strdup(a, d->etag) : NULL;
            rows[n_got].last_modified = d->last_modified[0] ? cg_arena_strdup(a, d->last_modified) : NULL;
            rows[n_got].bytes = d->got;
            n_got++;
        }
        if (uo && uo->progress) {
            cg_vdb_fetch_event ev = {i, n, &srcs[i], nm, d->got, mono() - t0};
            uo->progress(uo->progress_ud, &ev);
        }
    }
    free(d);
    curl_global_cleanup();
    if (s == CG_OK && n_got) {
        s = vdb_import_locked(db_path, got, n_got, opts, rows, n_got, a, rep, err);
        if (s == CG_OK)
            urep->db_written = 1;
        else if (err) {
            /* a download that is not what it claims (a truncated zip, a
             * broken gzip) is the server's fault: exit 4, named by URL */
            const char *m = relabel(a, err->msg, paths, srcs, n);
            if (m != err->msg)
                cg_error_set(err, s == CG_ERR_INPUT ? CG_ERR_NETWORK : s, "%s (as downloaded)", m);
            s = err->status;
        }
        for (size_t i = 0; i < rep->n_skip_reasons; i++)
            rep->skip_reasons[i] = relabel(a, rep->skip_reasons[i], paths, srcs, n);
        for (size_t i = 0; i < rep->n_unrecognised_names; i++)
            rep->unrecognised_names[i] = relabel(a, rep->unrecognised_names[i], paths, srcs, n);
    }
    vdb_lock_release(&lk);
    for (size_t i = 0; i < made; i++)
        unlink(paths[i]);
    rmdir(tmpl);
    return s;
}

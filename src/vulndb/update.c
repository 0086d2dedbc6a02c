/*
 * update.c - `cgate db update`: download each configured URL with libcurl
 * into a private temporary directory beside the DB, then run the same
 * cg_vdb_import over the downloads.  Only https is fetched, except plain http
 * to a loopback address (tests, local mirrors); redirects may only go to
 * https.  Each download has a size cap and timeouts; a failed download fails
 * the update before anything is imported.
 */
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vulndb/vdb_int.h"

static int loopback_host(const char *h)
{
    if (!h)
        return 0;
    if (!strcasecmp(h, "localhost") || !strcmp(h, "[::1]") || !strcmp(h, "::1"))
        return 1;
    unsigned a, b, c, d;
    char extra;
    return sscanf(h, "%u.%u.%u.%u%c", &a, &b, &c, &d, &extra) == 4 && a == 127 && b < 256 && c < 256 && d < 256;
}

int vdb_url_allowed(const char *url)
{
    CURLU *u = curl_url();
    if (!u)
        return 0;
    int ok = 0;
    char *scheme = NULL, *host = NULL;
    if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK)
        ok = !strcasecmp(scheme, "https") || (!strcasecmp(scheme, "http") && loopback_host(host));
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(u);
    return ok;
}

typedef struct dl {
    FILE *f;
    uint64_t got, max;
    int over;
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

static cg_status fetch(const char *url, const char *path, const vdb_update_opts *uo, cg_error *err)
{
    if (!vdb_url_allowed(url))
        return cg_error_set(err, CG_ERR_USAGE, "%s: only https URLs (or http to 127.0.0.1/localhost) are fetched", url);
    FILE *f = fopen(path, "wb");
    if (!f)
        return cg_error_set(err, CG_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
    dl d = {f, 0, uo && uo->max_bytes ? uo->max_bytes : ((uint64_t)1 << 30), 0};
    CURL *c = curl_easy_init();
    if (!c) {
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
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)d.max);
    curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "cgate/" CGATE_VERSION);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &d);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
    CURLcode rc = curl_easy_perform(c);
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_cleanup(c);
    int werr = fclose(f) != 0;
    if (d.over || rc == CURLE_FILESIZE_EXCEEDED)
        return cg_error_set(err, CG_ERR_LIMIT, "%s: larger than %llu bytes (cap)", url, (unsigned long long)d.max);
    if (rc != CURLE_OK)
        return cg_error_set(err, CG_ERR_NETWORK, "%s: %s", url, *ebuf ? ebuf : curl_easy_strerror(rc));
    if (werr)
        return cg_error_set(err, CG_ERR_IO, "%s: write failed", path);
    (void)code;
    return CG_OK;
}

cg_status cg_vdb_update(const char *db_path, const char *const *urls, size_t n_urls, const vdb_update_opts *uo,
                        const cg_vdb_import_opts *opts, cg_arena *a, cg_vdb_import_report *rep, cg_error *err)
{
    memset(rep, 0, sizeof *rep);
    if (n_urls == 0)
        return cg_error_set(err, CG_ERR_USAGE, "no sources to update from (--source URL or a sources file)");
    for (size_t i = 0; i < n_urls; i++)
        if (!vdb_url_allowed(urls[i]))
            return cg_error_set(err, CG_ERR_USAGE, "%s: only https URLs (or http to 127.0.0.1/localhost) are fetched",
                                urls[i]);
    /* the DB's directory must exist for the temporary download directory */
    const char *slash = strrchr(db_path, '/');
    char *dir = slash ? cg_arena_strndup(a, db_path, (size_t)(slash - db_path)) : cg_arena_strdup(a, ".");
    if (dir && !*dir)
        dir = cg_arena_strdup(a, "/");
    for (char *p = dir ? dir + 1 : NULL; p && *p; p++)
        if (*p == '/') {
            *p = 0;
            mkdir(dir, 0755);
            *p = '/';
        }
    if (dir)
        mkdir(dir, 0755);
    char *tmpl = dir ? cg_arena_sprintf(a, "%s/.cgate-update.XXXXXX", dir) : NULL;
    if (!tmpl)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    if (!mkdtemp(tmpl))
        return cg_error_set(err, CG_ERR_IO, "%s: cannot create a download directory: %s", dir, strerror(errno));
    /* one writer at a time, from before the downloads to the rename */
    vdb_lock lk;
    cg_status ls = vdb_lock_acquire(db_path, opts ? opts->lock_timeout_ms : 0, &lk, err);
    if (ls != CG_OK) {
        rmdir(tmpl);
        return ls;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        vdb_lock_release(&lk);
        rmdir(tmpl);
        return cg_error_set(err, CG_ERR_INTERNAL, "curl_global_init failed");
    }
    const char **paths = cg_arena_calloc(a, n_urls, sizeof *paths);
    cg_status s = paths ? CG_OK : cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    size_t made = 0;
    for (size_t i = 0; s == CG_OK && i < n_urls; i++) {
        char base[128];
        url_basename(urls[i], base, sizeof base);
        paths[i] = cg_arena_sprintf(a, "%s/%03zu-%s", tmpl, i, base);
        if (!paths[i]) {
            s = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
            break;
        }
        made = i + 1;
        s = fetch(urls[i], paths[i], uo, err);
    }
    curl_global_cleanup();
    if (s == CG_OK)
        s = vdb_import_locked(db_path, paths, n_urls, opts, a, rep, err);
    vdb_lock_release(&lk);
    for (size_t i = 0; i < made; i++)
        unlink(paths[i]);
    rmdir(tmpl);
    return s;
}

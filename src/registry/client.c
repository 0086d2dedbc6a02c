/*
 * client.c - the registry client's one HTTP engine over libcurl.
 *
 * Every request goes through reg_do(): it applies the transport policy
 * (plain HTTP only for loopback hosts or the --insecure registry host, TLS
 * verified otherwise), follows redirects itself so each hop is checked
 * against that policy (and Authorization is dropped on a change of host),
 * answers 401 challenges through auth.c, and retries 429/5xx/connection
 * faults with bounded exponential backoff.  Response bodies are capped as
 * they arrive; streamed bodies (blobs) are read on demand through a paused
 * curl_multi transfer, so nothing is buffered beyond one network chunk.
 * This file knows HTTP, not the distribution API (pull.c, push.c do).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "core/base64.h"
#include "core/json.h"
#include "registry/blob_cache.h"
#include "registry/registry_internal.h"

#define ERR_BODY_MAX (64u << 10)
#define MAX_AUTH_ROUNDS 2
#define PEND_MAX (512u << 10)

double reg_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {
    }
}

void reg_resp_init(reg_resp *resp)
{
    memset(resp, 0, sizeof *resp);
    cg_buf_init(&resp->www_auth, 16384);
    cg_buf_init(&resp->body, 0);
    resp->content_length = -1;
}

void reg_resp_free(reg_resp *resp)
{
    cg_buf_free(&resp->www_auth);
    cg_buf_free(&resp->body);
}

static void resp_reset(reg_resp *resp)
{
    cg_buf_free(&resp->www_auth);
    cg_buf_free(&resp->body);
    reg_resp_init(resp);
}

cg_status cg_registry_new(const cg_registry_opts *opts, cg_registry **out, cg_error *err)
{
    *out = NULL;
    static int inited;
    if (!inited) {
        /* curl_global_init is not thread-safe before 7.84, but is idempotent */
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
            return cg_error_set(err, CG_ERR_INTERNAL, "cannot initialise libcurl");
        inited = 1;
    }
    cg_registry *r = calloc(1, sizeof *r);
    if (!r)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    if (opts)
        r->o = *opts;
    if (!r->o.max_manifest_bytes)
        r->o.max_manifest_bytes = 4u << 20;
    if (!r->o.max_blob_bytes)
        r->o.max_blob_bytes = 64ull << 30;
    if (!r->o.max_token_bytes)
        r->o.max_token_bytes = 64u << 10;
    if (!r->o.chunk_bytes)
        r->o.chunk_bytes = 64u << 20;
    if (!r->o.connect_timeout_ms)
        r->o.connect_timeout_ms = 10000;
    if (!r->o.low_speed_time_s)
        r->o.low_speed_time_s = 30;
    if (!r->o.small_timeout_ms)
        r->o.small_timeout_ms = 60000;
    if (!r->o.max_retries)
        r->o.max_retries = 3;
    if (r->o.max_retries < 0)
        r->o.max_retries = 0;
    if (!r->o.retry_base_ms)
        r->o.retry_base_ms = 250;
    if (!r->o.max_redirects)
        r->o.max_redirects = 5;
    snprintf(r->ua, sizeof r->ua, "%s", r->o.user_agent ? r->o.user_agent : "cgate/" CGATE_VERSION);
    r->o.user_agent = NULL;
    r->easy = curl_easy_init();
    if (!r->easy) {
        free(r);
        return cg_error_set(err, CG_ERR_NOMEM, "cannot create a curl handle");
    }
    *out = r;
    return CG_OK;
}

void cg_registry_free(cg_registry *r)
{
    if (!r)
        return;
    if (r->easy)
        curl_easy_cleanup(r->easy);
    reg_auth_free(r);
    bc_commit(r->blob_cache); /* best effort: the cache is only a hint */
    bc_close(r->blob_cache);
    free(r);
}

const cg_registry_stats *cg_registry_get_stats(const cg_registry *r)
{
    return &r->stats;
}

/* ---- URL policy ---- */

static int host_plain_http(cg_registry *r, const char *host)
{
    if (cg_host_is_loopback(host))
        return 1;
    for (reg_host_auth *h = r->hosts; h; h = h->next)
        if (!strcmp(h->host, host))
            return h->plain_http; /* set by an insecure https->http fallback */
    return 0;
}

cg_status reg_url(cg_registry *r, const char *host, const char *repo, const char *suffix, cg_buf *out, cg_error *err)
{
    const char *h = !strcmp(host, "docker.io") ? "registry-1.docker.io" : host;
    cg_buf_reset(out);
    cg_status s = cg_buf_printf(out, "%s://%s/v2/%s%s%s", host_plain_http(r, host) ? "http" : "https", h,
                                repo ? repo : "", repo ? "/" : "", suffix);
    if (s != CG_OK)
        return cg_error_set(err, s, "out of memory");
    return CG_OK;
}

typedef struct url_parts {
    char scheme[16];
    char host[CG_REF_HOST_MAX]; /* host[:port] as in the URL */
} url_parts;

static cg_status split_url(const char *url, url_parts *p, cg_error *err)
{
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL, *port = NULL;
    cg_status s = CG_OK;
    if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
        s = cg_error_set(err, CG_ERR_NETWORK, "invalid URL \"%.200s\"", url);
    else {
        curl_url_get(u, CURLUPART_PORT, &port, 0);
        snprintf(p->scheme, sizeof p->scheme, "%s", scheme);
        snprintf(p->host, sizeof p->host, "%s%s%s", host, port ? ":" : "", port ? port : "");
    }
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_url_cleanup(u);
    return s;
}

/* May we talk to url at all, and with verified TLS? */
static cg_status url_allowed(cg_registry *r, const char *url, const char *reg_host, int *verify, cg_error *err)
{
    url_parts p;
    if (split_url(url, &p, err) != CG_OK)
        return CG_ERR_NETWORK;
    int same = reg_host && !strcasecmp(p.host, !strcmp(reg_host, "docker.io") ? "registry-1.docker.io" : reg_host);
    *verify = !(same && r->o.insecure);
    if (!strcasecmp(p.scheme, "https"))
        return CG_OK;
    if (strcasecmp(p.scheme, "http"))
        return cg_error_set(err, CG_ERR_NETWORK, "refusing URL \"%.200s\": only http and https are used", url);
    if (cg_host_is_loopback(p.host) || (same && r->o.insecure))
        return CG_OK;
    return cg_error_set(err, CG_ERR_NETWORK,
                        "refusing plain-HTTP URL %.200s: %s is not a loopback host%s", url, p.host,
                        r->o.insecure ? " (--insecure covers only the registry host itself)" : " (use https, or --insecure for the registry host)");
}

/* ---- one transfer ---- */

struct reg_stream {
    cg_registry *r;
    CURL *h;
    CURLM *m;
    struct curl_slist *hdrs;
    reg_resp *resp;
    const reg_req *req;
    int streaming;        /* 2xx bodies go to pend */
    int headers_done;
    int over_cap;
    uint64_t got;
    char *pend;
    size_t pend_len, pend_off, pend_cap;
    int paused;
    int done;
    CURLcode result;
    /* upload */
    const unsigned char *up_mem;
    size_t up_len, up_off;
    uint64_t src_sent;
    int src_failed;
    cg_error src_err;
    char curl_err[CURL_ERROR_SIZE];
    /* a stream outlives reg_do: it keeps its own copy of the request */
    reg_req qcopy;
    char *url_copy;
    char what_copy[300];
};

static void copy_hval(char *dst, size_t cap, const char *v, size_t n)
{
    while (n && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    while (n && (*v == ' ' || *v == '\t')) {
        v++;
        n--;
    }
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, v, n);
    dst[n] = 0;
}

static size_t on_header(char *p, size_t sz, size_t nm, void *ud)
{
    reg_stream *x = ud;
    size_t n = sz * nm;
    reg_resp *resp = x->resp;
    if (n >= 5 && !strncmp(p, "HTTP/", 5)) {
        /* a new header block (after 100 Continue): forget the previous one */
        long code = 0;
        const char *sp = memchr(p, ' ', n);
        if (sp)
            code = strtol(sp + 1, NULL, 10);
        resp_reset(resp);
        resp->status = code;
        x->headers_done = 0;
        return n;
    }
    if (n <= 2 && (p[0] == '\r' || p[0] == '\n')) {
        if (resp->status >= 200)
            x->headers_done = 1;
        return n;
    }
    const char *colon = memchr(p, ':', n);
    if (!colon)
        return n;
    size_t kl = (size_t)(colon - p);
    const char *v = colon + 1;
    size_t vl = n - kl - 1;
    char tmp[64];
#define HDR(name) (kl == sizeof(name) - 1 && !strncasecmp(p, name, kl))
    if (HDR("content-type"))
        copy_hval(resp->content_type, sizeof resp->content_type, v, vl);
    else if (HDR("docker-content-digest"))
        copy_hval(resp->docker_digest, sizeof resp->docker_digest, v, vl);
    else if (HDR("location"))
        copy_hval(resp->location, sizeof resp->location, v, vl);
    else if (HDR("range"))
        copy_hval(resp->range, sizeof resp->range, v, vl);
    else if (HDR("content-length")) {
        copy_hval(tmp, sizeof tmp, v, vl);
        char *end;
        long long cl = strtoll(tmp, &end, 10);
        resp->content_length = (*tmp && !*end && cl >= 0) ? cl : -1;
    } else if (HDR("retry-after")) {
        copy_hval(tmp, sizeof tmp, v, vl);
        resp->retry_after = strtol(tmp, NULL, 10);
    } else if (HDR("www-authenticate")) {
        char val[8192];
        copy_hval(val, sizeof val, v, vl);
        if (resp->www_auth.len)
            cg_buf_puts(&resp->www_auth, ", ");
        cg_buf_puts(&resp->www_auth, val); /* capped by the buffer's max */
    }
#undef HDR
    return n;
}

static size_t on_write(char *p, size_t sz, size_t nm, void *ud)
{
    reg_stream *x = ud;
    size_t n = sz * nm;
    long st = x->resp->status;
    int ok = st >= 200 && st < 300;
    if (x->streaming && ok) {
        /* keep up to PEND_MAX unread bytes; beyond that pause the transfer
         * (curl hands the same bytes again after the reader unpauses it) */
        size_t unread = x->pend_len - x->pend_off;
        if (unread && unread + n > PEND_MAX) {
            x->paused = 1;
            return CURL_WRITEFUNC_PAUSE;
        }
        if (x->pend_off) {
            memmove(x->pend, x->pend + x->pend_off, unread);
            x->pend_len = unread;
            x->pend_off = 0;
        }
        if (unread + n > x->pend_cap) {
            size_t nc = unread + n > PEND_MAX ? unread + n : PEND_MAX;
            char *np = realloc(x->pend, nc);
            if (!np)
                return 0;
            x->pend = np;
            x->pend_cap = nc;
        }
        memcpy(x->pend + x->pend_len, p, n);
        x->pend_len += n;
        return n;
    }
    uint64_t cap = ok ? x->req->max_body : ERR_BODY_MAX;
    x->got += n;
    if (x->got > cap) {
        x->over_cap = 1;
        return 0; /* abort: CURLE_WRITE_ERROR */
    }
    if (cg_buf_append(&x->resp->body, p, n) != CG_OK)
        return 0;
    return n;
}

static size_t on_read(char *buf, size_t sz, size_t nm, void *ud)
{
    reg_stream *x = ud;
    size_t n = sz * nm;
    const reg_req *q = x->req;
    if (x->up_mem) {
        size_t k = x->up_len - x->up_off < n ? x->up_len - x->up_off : n;
        memcpy(buf, x->up_mem + x->up_off, k);
        if (q->src_hash)
            cg_sha256_update(q->src_hash, buf, k);
        x->up_off += k;
        return k;
    }
    if (!q->src)
        return 0;
    uint64_t left = q->src_len - x->src_sent;
    if (!left)
        return 0;
    size_t ask = left < n ? (size_t)left : n;
    ssize_t got = q->src->read(q->src->ud, buf, ask, &x->src_err);
    if (got <= 0) {
        if (got == 0)
            cg_error_set(&x->src_err, CG_ERR_INPUT, "the source ended after %llu of %llu bytes",
                         (unsigned long long)x->src_sent, (unsigned long long)q->src_len);
        x->src_failed = 1;
        return CURL_READFUNC_ABORT;
    }
    if (q->src_hash)
        cg_sha256_update(q->src_hash, buf, (size_t)got);
    x->src_sent += (uint64_t)got;
    x->r->stats.bytes_uploaded += (uint64_t)got;
    if (x->r->o.progress)
        x->r->o.progress(x->r->o.progress_ud, &x->r->stats);
    return (size_t)got;
}

static void xfer_free(reg_stream *x)
{
    if (!x)
        return;
    if (x->m) {
        curl_multi_remove_handle(x->m, x->h);
        curl_multi_cleanup(x->m);
    }
    if (x->h && x->h != x->r->easy)
        curl_easy_cleanup(x->h);
    curl_slist_free_all(x->hdrs);
    free(x->pend);
    free(x->url_copy);
    free(x);
}

void reg_stream_free(reg_stream *s)
{
    xfer_free(s);
}

static cg_status keep_request(reg_stream *x, const reg_req *q, const char *url, cg_error *err)
{
    x->qcopy = *q;
    x->url_copy = strdup(url);
    if (!x->url_copy)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    snprintf(x->what_copy, sizeof x->what_copy, "%s", q->what ? q->what : "request");
    x->qcopy.url = x->url_copy;
    x->qcopy.what = x->what_copy;
    x->qcopy.scope = NULL;
    x->qcopy.host = NULL;
    x->qcopy.accept = x->qcopy.content_type = x->qcopy.content_range = x->qcopy.basic = NULL;
    x->req = &x->qcopy;
    return CG_OK;
}

static cg_status add_header(struct curl_slist **l, const char *h, cg_error *err)
{
    struct curl_slist *n = curl_slist_append(*l, h);
    if (!n)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    *l = n;
    return CG_OK;
}

/* Set up x for one attempt at url. */
static cg_status xfer_setup(cg_registry *r, reg_stream *x, const reg_req *q, const char *url, int verify,
                            const char *auth_hdr, cg_error *err)
{
    CURL *h = x->h;
    cg_status s = CG_OK;
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_USERAGENT, r->ua);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, x->curl_err);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, r->o.connect_timeout_ms);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, r->o.low_speed_time_s);
    if (q->small)
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, r->o.small_timeout_ms);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, verify ? 1L : 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, verify ? 2L : 0L);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, NULL);
    char line[512];
    s = add_header(&x->hdrs, "Expect:", err);
    if (s == CG_OK && q->accept) {
        snprintf(line, sizeof line, "Accept: %s", q->accept);
        s = add_header(&x->hdrs, line, err);
    }
    if (s == CG_OK && q->content_type) {
        snprintf(line, sizeof line, "Content-Type: %s", q->content_type);
        s = add_header(&x->hdrs, line, err);
    }
    if (s == CG_OK && q->content_range) {
        snprintf(line, sizeof line, "Content-Range: %s", q->content_range);
        s = add_header(&x->hdrs, line, err);
    }
    if (s == CG_OK && auth_hdr && *auth_hdr)
        s = add_header(&x->hdrs, auth_hdr, err);
    if (s != CG_OK)
        return s;
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, x->hdrs);
    int has_body = q->body || q->src;
    const char *m = q->method;
    if (!strcmp(m, "HEAD")) {
        curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else if (!strcmp(m, "GET")) {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    } else if (!strcmp(m, "POST") && !q->src) {
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, q->body ? (const char *)q->body : "");
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(q->body ? q->body_len : 0));
    } else if (!strcmp(m, "DELETE")) {
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "DELETE");
        curl_easy_setopt(h, CURLOPT_NOBODY, 0L);
    } else {
        /* PUT / PATCH, with a body from memory, a source, or none */
        curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
        if (strcmp(m, "PUT"))
            curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, m);
        x->up_mem = q->body;
        x->up_len = q->body ? q->body_len : 0;
        curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
        curl_easy_setopt(h, CURLOPT_READDATA, x);
        curl_off_t len = q->src ? (curl_off_t)q->src_len : (curl_off_t)x->up_len;
        curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, has_body ? len : (curl_off_t)0);
    }
    return CG_OK;
}

static void stream_step(reg_stream *x, int wait_ms)
{
    int running = 0;
    curl_multi_perform(x->m, &running);
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(x->m, &left)))
        if (msg->msg == CURLMSG_DONE) {
            x->done = 1;
            x->result = msg->data.result;
        }
    /* wait for the network only when nothing is ready to hand out */
    if (!x->done && wait_ms && x->pend_off >= x->pend_len && !x->paused)
        curl_multi_poll(x->m, NULL, 0, wait_ms, NULL);
}

static const char *short_url(const char *url)
{
    /* drop the query (upload session state, tokens) from messages */
    static __thread char b[300];
    size_t n = strcspn(url, "?");
    snprintf(b, sizeof b, "%.*s", (int)(n > 250 ? 250 : n), url);
    return b;
}

static cg_status curl_failure(const reg_req *q, reg_stream *x, CURLcode rc, const char *url, cg_error *err)
{
    if (x->src_failed) {
        *err = x->src_err;
        return cg_error_prefix(err, "%s", q->what ? q->what : short_url(url));
    }
    if (x->over_cap)
        return cg_error_set(err, CG_ERR_NETWORK, "%s: %s %s: response body over the %llu-byte cap", q->what ? q->what : "request",
                            q->method, short_url(url), (unsigned long long)q->max_body);
    const char *why = x->curl_err[0] ? x->curl_err : curl_easy_strerror(rc);
    if (rc == CURLE_OPERATION_TIMEDOUT)
        return cg_error_set(err, CG_ERR_NETWORK, "%s: %s %s: timed out (%s)", q->what ? q->what : "request", q->method,
                            short_url(url), why);
    return cg_error_set(err, CG_ERR_NETWORK, "%s: %s %s: %s", q->what ? q->what : "request", q->method, short_url(url), why);
}

static int retryable_curl(CURLcode rc)
{
    return rc == CURLE_COULDNT_CONNECT || rc == CURLE_GOT_NOTHING || rc == CURLE_RECV_ERROR ||
           rc == CURLE_SEND_ERROR || rc == CURLE_PARTIAL_FILE;
}

static cg_status rewind_body(const reg_req *q, cg_error *err)
{
    if (q->src && !q->src->rewind)
        return cg_error_set(err, CG_ERR_NETWORK, "%s: cannot resend a streamed body", q->what ? q->what : "request");
    if (q->src) {
        cg_status s = q->src->rewind(q->src->ud, err);
        if (s != CG_OK)
            return s;
    }
    if (q->src_hash) {
        cg_sha256_dispose(q->src_hash);
        if (cg_sha256_init(q->src_hash) != CG_OK)
            return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    }
    return CG_OK;
}

static long backoff_ms(cg_registry *r, int attempt, const reg_resp *resp)
{
    long ms = r->o.retry_base_ms << (attempt < 6 ? attempt : 6);
    if (resp && resp->retry_after > 0)
        ms = resp->retry_after * 1000;
    return ms > 10000 ? 10000 : ms;
}

cg_status reg_status_error(const reg_req *q, const reg_resp *resp, cg_error *err)
{
    char detail[300] = "";
    json_t *doc = NULL;
    cg_error je;
    if (resp->body.len && resp->body.len < ERR_BODY_MAX &&
        cg_json_parse(resp->body.data, resp->body.len, "error", &doc, &je) == CG_OK) {
        const json_t *e0 = json_array_get(json_object_get(doc, "errors"), 0);
        const char *code = cg_json_str(e0, "code"), *msg = cg_json_str(e0, "message");
        if (code || msg)
            snprintf(detail, sizeof detail, " %.60s%s%.200s", code ? code : "", code && msg ? ": " : "", msg ? msg : "");
    }
    json_decref(doc);
    for (char *c = detail; *c; c++)
        if ((unsigned char)*c < 0x20)
            *c = ' ';
    return cg_error_set(err, CG_ERR_NETWORK, "%s: %s %s: HTTP %ld%s", q->what ? q->what : "request", q->method,
                        short_url(q->url), resp->status, detail);
}

/* Resolve a Location against url. */
cg_status reg_resolve_location(const char *url, const char *loc, cg_buf *out, cg_error *err)
{
    CURLU *u = curl_url();
    char *full = NULL;
    cg_status s = CG_OK;
    if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_set(u, CURLUPART_URL, loc, 0) != CURLUE_OK || curl_url_get(u, CURLUPART_URL, &full, 0) != CURLUE_OK)
        s = cg_error_set(err, CG_ERR_NETWORK, "invalid redirect location \"%.200s\"", loc);
    else {
        cg_buf_reset(out);
        s = cg_buf_puts(out, full);
    }
    curl_free(full);
    curl_url_cleanup(u);
    return s;
}

int reg_same_origin(const char *a, const char *b)
{
    url_parts pa, pb;
    cg_error e;
    return split_url(a, &pa, &e) == CG_OK && split_url(b, &pb, &e) == CG_OK && !strcasecmp(pa.host, pb.host) &&
           !strcasecmp(pa.scheme, pb.scheme);
}

/* Perform one attempt: to completion, or (stream) until the headers are in. */
static cg_status attempt(cg_registry *r, const reg_req *q, const char *url, int verify, const char *auth_hdr,
                         reg_resp *resp, reg_stream **xo, CURLcode *rc, cg_error *err)
{
    reg_stream *x = calloc(1, sizeof *x);
    if (!x)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    x->r = r;
    x->req = q;
    x->resp = resp;
    x->streaming = q->stream;
    cg_error_clear(&x->src_err);
    if (q->stream) {
        x->h = curl_easy_init();
        x->m = curl_multi_init();
        if (!x->h || !x->m) {
            xfer_free(x);
            return cg_error_set(err, CG_ERR_NOMEM, "cannot create a curl handle");
        }
    } else {
        x->h = r->easy;
        curl_easy_reset(x->h);
    }
    cg_status s = xfer_setup(r, x, q, url, verify, auth_hdr, err);
    if (s != CG_OK) {
        xfer_free(x);
        return s;
    }
    r->stats.requests++;
    if (!q->stream) {
        *rc = curl_easy_perform(x->h);
        x->done = 1;
        x->result = *rc;
        *xo = x;
        return CG_OK;
    }
    curl_multi_add_handle(x->m, x->h);
    double start = reg_now();
    while (!x->done && !x->headers_done) {
        stream_step(x, 200);
        /* the low-speed limit covers a stall; this covers a trickle of headers */
        if (reg_now() - start > (double)r->o.small_timeout_ms / 1000.0 && !x->headers_done) {
            xfer_free(x);
            return cg_error_set(err, CG_ERR_NETWORK, "%s: %s %s: no response headers within %ld ms", q->what ? q->what : "request",
                                q->method, short_url(url), r->o.small_timeout_ms);
        }
    }
    long st = resp->status;
    if (!x->done && !(st >= 200 && st < 300)) {
        /* an error or redirect: read its (capped) body to the end */
        x->streaming = 0;
        double t0 = reg_now();
        while (!x->done) {
            stream_step(x, 200);
            if (reg_now() - t0 > (double)r->o.small_timeout_ms / 1000.0)
                break;
        }
    }
    *rc = x->done ? x->result : CURLE_OK;
    *xo = x;
    return CG_OK;
}

/* What reg_do carries from one attempt to the next. */
typedef struct do_state {
    const reg_req *q0; /* as the caller asked */
    reg_req q;         /* as it now stands: redirects change url, method, host */
    cg_buf url, loc;
    cg_buf auth;       /* "Authorization: ..." (a credential: wiped on every path) */
    int redirects, auth_rounds, retries, fell_back;
} do_state;

static void wipe_buf(cg_buf *b)
{
    if (b->data)
        OPENSSL_cleanse(b->data, b->len);
    cg_buf_reset(b);
}

/* The Authorization header of the next attempt: Basic for a token request,
 * else (to the registry host itself) what auth.c has for the host and scope. */
static cg_status build_auth(cg_registry *r, do_state *d, int to_registry, cg_error *err)
{
    wipe_buf(&d->auth);
    if (d->q.basic) {
        /* token request: Basic credentials, never a Bearer token */
        size_t bl = strlen(d->q.basic), cap = cg_base64_len(bl) + 1;
        char *b64 = malloc(cap);
        if (!b64)
            return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        cg_base64_encode_to(d->q.basic, bl, b64, cap);
        cg_status s = cg_buf_printf(&d->auth, "Authorization: Basic %s", b64);
        OPENSSL_cleanse(b64, cap);
        free(b64);
        return s;
    }
    if (to_registry && !d->q.no_auth)
        return reg_auth_header(r, d->q.host, d->q.scope, 0, &d->auth, err);
    return CG_OK;
}

/* Wait (back-off, or Retry-After from resp when given), then go round again. */
static cg_status retry_later(cg_registry *r, do_state *d, const reg_resp *resp, cg_error *err)
{
    sleep_ms(backoff_ms(r, d->retries, resp));
    d->retries++;
    r->stats.retries++;
    return rewind_body(&d->q, err);
}

/* --insecure and the registry answered TLS with garbage: it speaks plain
 * HTTP.  Remember that for the host and go round again over http://. */
static cg_status fall_back_to_http(cg_registry *r, do_state *d, cg_error *err)
{
    reg_host_auth *h;
    for (h = r->hosts; h && strcmp(h->host, d->q.host); h = h->next) {
    }
    if (!h && (h = calloc(1, sizeof *h))) {
        snprintf(h->host, sizeof h->host, "%s", d->q.host);
        h->next = r->hosts;
        r->hosts = h;
    }
    if (h)
        h->plain_http = 1;
    d->fell_back = 1;
    cg_buf_reset(&d->loc);
    cg_buf_printf(&d->loc, "http://%s", d->url.data + 8);
    cg_buf_reset(&d->url);
    cg_status s = cg_buf_puts(&d->url, d->loc.data);
    if (s == CG_OK)
        s = rewind_body(&d->q, err);
    return s;
}

/* A transfer that failed below HTTP (rc): fall back to plain HTTP, retry,
 * or fail.  Frees x.  *again = 1 to go round. */
static cg_status on_transfer_failure(cg_registry *r, do_state *d, reg_stream *x, CURLcode rc, int to_registry, int *again,
                                     cg_error *err)
{
    int can_retry = !x->src_failed && !x->over_cap && retryable_curl(rc) && d->retries < r->o.max_retries &&
                    (!d->q.src || d->q.src->rewind);
    if (rc == CURLE_SSL_CONNECT_ERROR && r->o.insecure && !d->fell_back && to_registry &&
        !strncmp(d->url.data, "https://", 8)) {
        xfer_free(x);
        *again = 1;
        return fall_back_to_http(r, d, err);
    }
    if (can_retry) {
        xfer_free(x);
        *again = 1;
        return retry_later(r, d, NULL, err);
    }
    cg_status s = curl_failure(&d->q, x, rc, d->url.data, err);
    xfer_free(x);
    return s;
}

/* A 401 from the registry: record its challenge and authenticate again, at
 * most MAX_AUTH_ROUNDS times. */
static cg_status on_unauthorized(cg_registry *r, do_state *d, const reg_resp *resp, cg_error *err)
{
    const reg_req *q = &d->q;
    if (d->auth_rounds >= MAX_AUTH_ROUNDS)
        return cg_error_set(err, CG_ERR_NETWORK,
                            "%s: %s %s: the registry still answers 401 Unauthorized after authenticating (credentials or token refused)",
                            q->what ? q->what : "request", q->method, short_url(d->url.data));
    d->auth_rounds++;
    cg_status s = reg_auth_challenged(r, q->host, q->scope, resp, err);
    if (s == CG_OK)
        s = rewind_body(q, err);
    if (s != CG_OK)
        cg_error_prefix(err, "%s", q->what ? q->what : short_url(d->url.data));
    return s;
}

static int is_redirect(long st)
{
    return st == 301 || st == 302 || st == 303 || st == 307 || st == 308;
}

/* Follow a redirect (at most max_redirects): to another origin without
 * credentials or --insecure; 303 (and 301/302 but for HEAD) turn a request
 * with a body into a GET. */
static cg_status on_redirect(cg_registry *r, do_state *d, const reg_resp *resp, cg_error *err)
{
    reg_req *q = &d->q;
    long st = resp->status;
    if (++d->redirects > r->o.max_redirects)
        return cg_error_set(err, CG_ERR_NETWORK, "%s: more than %d redirects", q->what ? q->what : short_url(d->q0->url),
                            r->o.max_redirects);
    cg_status s = reg_resolve_location(d->url.data, resp->location, &d->loc, err);
    if (s != CG_OK)
        return s;
    if (!reg_same_origin(d->url.data, d->loc.data))
        q->host = NULL; /* another host: no credentials, no insecure */
    if (st == 303 || ((st == 301 || st == 302) && strcmp(q->method, "HEAD")))
        if (strcmp(q->method, "GET") && strcmp(q->method, "HEAD")) {
            q->method = "GET";
            q->body = NULL;
            q->src = NULL;
        }
    cg_buf_reset(&d->url);
    s = cg_buf_puts(&d->url, d->loc.data);
    if (s == CG_OK)
        s = rewind_body(q, err);
    if (s != CG_OK)
        return s;
    /* a redirect keeps a relative path on the same host as the first request */
    if (q->host == NULL && d->q0->host) {
        int v;
        cg_error e2;
        if (url_allowed(r, d->url.data, NULL, &v, &e2) != CG_OK) {
            *err = e2;
            return cg_error_prefix(err, "%s: redirected", q->what ? q->what : "request");
        }
    }
    return CG_OK;
}

/* The final answer: hand a 2xx stream to the caller, else free x. */
static cg_status finish(do_state *d, reg_stream *x, CURLcode rc, const reg_resp *resp, reg_stream **stream,
                        cg_error *err)
{
    long st = resp->status;
    if (rc != CURLE_OK) {
        /* an error body over its cap: the status alone will do */
        x->over_cap = 0;
    }
    if (!(stream && d->q.stream && st >= 200 && st < 300)) {
        xfer_free(x);
        return CG_OK;
    }
    cg_status s;
    if (x->done && x->result != CURLE_OK)
        s = curl_failure(&d->q, x, x->result, d->url.data, err);
    else
        s = keep_request(x, &d->q, d->url.data, err);
    if (s != CG_OK) {
        xfer_free(x);
        return s;
    }
    *stream = x;
    return CG_OK;
}

/* One attempt and what its outcome asks for; *again = 1 to go round. */
static cg_status do_once(cg_registry *r, do_state *d, reg_resp *resp, reg_stream **stream, int *again, cg_error *err)
{
    reg_req *q = &d->q;
    q->url = d->url.data;
    int verify = 1;
    cg_status s = url_allowed(r, d->url.data, q->host, &verify, err);
    if (s != CG_OK)
        return s;
    int to_registry = q->host && !d->redirects;
    s = build_auth(r, d, to_registry, err);
    if (s != CG_OK)
        return s;
    reg_resp_free(resp);
    reg_resp_init(resp);
    reg_stream *x = NULL;
    CURLcode rc = CURLE_OK;
    s = attempt(r, q, d->url.data, verify, d->auth.data, resp, &x, &rc, err);
    if (s != CG_OK)
        return s;
    if (rc != CURLE_OK && !(x->over_cap && resp->status >= 300))
        return on_transfer_failure(r, d, x, rc, to_registry, again, err);
    long st = resp->status;
    if (st == 401 && !q->no_auth && !q->basic && to_registry) {
        xfer_free(x);
        s = on_unauthorized(r, d, resp, err);
        *again = s == CG_OK;
        return s;
    }
    if (is_redirect(st) && resp->location[0]) {
        xfer_free(x);
        *again = 1;
        return on_redirect(r, d, resp, err);
    }
    if ((st == 429 || (st >= 500 && st <= 599)) && d->retries < r->o.max_retries && (!q->src || q->src->rewind)) {
        xfer_free(x);
        *again = 1;
        return retry_later(r, d, resp, err);
    }
    return finish(d, x, rc, resp, stream, err);
}

cg_status reg_do(cg_registry *r, const reg_req *q0, reg_resp *resp, reg_stream **stream, cg_error *err)
{
    do_state d;
    memset(&d, 0, sizeof d);
    d.q0 = q0;
    d.q = *q0;
    d.url = (cg_buf)CG_BUF_INIT;
    d.loc = (cg_buf)CG_BUF_INIT;
    d.auth = (cg_buf)CG_BUF_INIT;
    if (stream)
        *stream = NULL;
    cg_status s = cg_buf_puts(&d.url, q0->url);
    int again = 1;
    while (s == CG_OK && again) {
        again = 0;
        s = do_once(r, &d, resp, stream, &again, err);
    }
    cg_buf_free(&d.url);
    cg_buf_free(&d.loc);
    wipe_buf(&d.auth);
    cg_buf_free(&d.auth);
    return s;
}

ssize_t reg_stream_read(reg_stream *x, void *buf, size_t n, cg_error *err)
{
    while (x->pend_off >= x->pend_len) {
        if (x->done) {
            if (x->result != CURLE_OK) {
                curl_failure(x->req, x, x->result, x->req->url, err);
                return -1;
            }
            return 0;
        }
        x->pend_len = x->pend_off = 0;
        if (x->paused) {
            x->paused = 0;
            curl_easy_pause(x->h, CURLPAUSE_CONT); /* may deliver bytes at once */
            if (x->pend_len)
                break;
        }
        stream_step(x, 1000);
    }
    size_t k = x->pend_len - x->pend_off;
    if (k > n)
        k = n;
    memcpy(buf, x->pend + x->pend_off, k);
    x->pend_off += k;
    x->r->stats.bytes_downloaded += k;
    if (x->r->o.progress)
        x->r->o.progress(x->r->o.progress_ud, &x->r->stats);
    return (ssize_t)k;
}

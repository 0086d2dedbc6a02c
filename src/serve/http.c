/*
 * http.c - the HTTP server of `cgate serve` on libmicrohttpd: listening
 * (optionally TLS), bearer tokens (sha256 of the token compared in constant
 * time; scopes read < write < admin), a token bucket per client address, a
 * body cap, routing and one access-log line per request (naming the token,
 * never its value).  All requests run on MHD's one internal thread, so the
 * API holds one store connection of its own.  The endpoints are in api.c.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/digest.h"
#include "core/readfile.h"
#include "serve/http_int.h"

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- responses ------------------------------------------------------------ */

enum MHD_Result sv_send_body(struct MHD_Connection *c, unsigned code, const char *ctype, const char *body,
                                 size_t len, const char *extra_name, const char *extra_val)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type", ctype);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    if (extra_name)
        MHD_add_response_header(r, extra_name, extra_val);
    enum MHD_Result ret = MHD_queue_response(c, code, r);
    MHD_destroy_response(r);
    return ret;
}

enum MHD_Result sv_send_json(struct MHD_Connection *c, unsigned code, json_t *doc)
{
    char *s = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    if (!s)
        return sv_send_body(c, 500, "application/json", "{\"error\":{\"code\":500,\"message\":\"out of memory\"}}",
                         47, NULL, NULL);
    size_t n = strlen(s);
    s = realloc(s, n + 2);
    s[n] = '\n';
    enum MHD_Result r = sv_send_body(c, code, "application/json", s, n + 1, NULL, NULL);
    free(s);
    return r;
}

enum MHD_Result sv_send_err(struct MHD_Connection *c, unsigned code, const char *msg, const char *hn,
                                const char *hv)
{
    json_t *d = json_pack("{s:{s:I, s:s}}", "error", "code", (json_int_t)code, "message", msg);
    char *s = d ? json_dumps(d, JSON_COMPACT) : NULL;
    json_decref(d);
    enum MHD_Result r = sv_send_body(c, code, "application/json", s ? s : "{}", s ? strlen(s) : 2, hn, hv);
    free(s);
    return r;
}

/* ---- auth and limits ------------------------------------------------------- */

static const sv_token *authenticate(sv_server *srv, struct MHD_Connection *c)
{
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    if (!h || strncasecmp(h, "Bearer ", 7))
        return NULL;
    const char *tok = h + 7;
    while (*tok == ' ')
        tok++;
    char hash[CG_DIGEST_STR_LEN + 1];
    if (!*tok || cg_sha256_str(tok, strlen(tok), hash) != CG_OK)
        return NULL;
    const sv_token *found = NULL;
    for (size_t i = 0; i < srv->n_tokens; i++) /* no early exit: constant work per request */
        if (!CRYPTO_memcmp(srv->tokens[i].hash, hash, CG_DIGEST_STR_LEN) && !found)
            found = &srv->tokens[i];
    return found;
}

static void client_addr(struct MHD_Connection *c, char out[64])
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(out, 64, "?");
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, 64);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out, 64);
}

static int rate_ok(sv_http *h, const char *addr)
{
    const cg_serve_config *cfg = h->srv->cfg;
    double rate = cfg->rate > 0 ? cfg->rate : 200, burst = cfg->burst ? cfg->burst : 2 * rate;
    size_t hv = 5381;
    for (const char *p = addr; *p; p++)
        hv = hv * 33 + (unsigned char)*p;
    bucket *b = &h->buckets[hv % N_BUCKETS];
    double now = mono();
    if (strcmp(b->addr, addr)) { /* a new client takes the slot over */
        snprintf(b->addr, sizeof b->addr, "%s", addr);
        b->tokens = burst;
        b->last = now;
    }
    b->tokens += (now - b->last) * rate;
    if (b->tokens > burst)
        b->tokens = burst;
    b->last = now;
    if (b->tokens < 1)
        return 0;
    b->tokens -= 1;
    return 1;
}

/* ---- dispatch ------------------------------------------------------------- */

/* "/v1/images/{digest}/runtime" */
static int is_runtime(const char *path)
{
    size_t n = strlen(path);
    return !strncmp(path, "/v1/images/", 11) && n > 11 + 8 && !strcmp(path + n - 8, "/runtime");
}

static enum MHD_Result route(sv_http *h, struct MHD_Connection *c, const char *url, const char *method, req *rq,
                             const sv_token *tok, unsigned *code_hint)
{
    int get = !strcmp(method, "GET") || !strcmp(method, "HEAD"), post = !strcmp(method, "POST");
    int need;
    const char *path = url;
    if (!strcmp(path, "/healthz"))
        return get ? sv_h_healthz(h, c) : sv_send_err(c, 405, "use GET", "Allow", "GET");
    if (!strcmp(path, "/metrics") || !strcmp(path, "/v1/images") || !strncmp(path, "/v1/images/", 11) ||
        !strcmp(path, "/v1/findings"))
        need = post && (!strcmp(path, "/v1/images") || is_runtime(path)) ? SV_SCOPE_WRITE : SV_SCOPE_READ;
    else if (!strcmp(path, "/v1/notifications"))
        need = SV_SCOPE_WRITE;
    else if (!strcmp(path, "/v1/rematch"))
        need = SV_SCOPE_ADMIN;
    else
        return sv_send_err(c, 404, "no such endpoint", NULL, NULL);
    if (!h->srv->cfg->no_auth) {
        if (!tok) {
            *code_hint = 401;
            return sv_send_err(c, 401, "a bearer token is required", "WWW-Authenticate", "Bearer realm=\"cgate\"");
        }
        if (tok->scope < need) {
            *code_hint = 403;
            return sv_send_err(c, 403, "this token's scope does not allow this request", NULL, NULL);
        }
    }
    if (rq->too_big)
        return sv_send_err(c, 413, "request body too large", NULL, NULL);
    if (!strcmp(path, "/metrics"))
        return get ? sv_h_metrics(h, c) : sv_send_err(c, 405, "use GET", "Allow", "GET");
    if (!strcmp(path, "/v1/notifications"))
        return post ? sv_h_notifications(h, c, rq) : sv_send_err(c, 405, "use POST", "Allow", "POST");
    if (!strcmp(path, "/v1/rematch"))
        return post ? sv_h_rematch(h, c) : sv_send_err(c, 405, "use POST", "Allow", "POST");
    if (!strcmp(path, "/v1/findings"))
        return get ? sv_h_findings(h, c) : sv_send_err(c, 405, "use GET", "Allow", "GET");
    if (!strcmp(path, "/v1/images"))
        return post ? sv_h_post_image(h, c, rq) : get ? sv_h_list_images(h, c)
                                                   : sv_send_err(c, 405, "use GET or POST", "Allow", "GET, POST");
    if (is_runtime(path)) {
        char dg[80];
        size_t n = strlen(path + 11) - 8;
        if (n >= sizeof dg)
            return sv_send_err(c, 400, "not a digest (sha256:<64 hex>)", NULL, NULL);
        memcpy(dg, path + 11, n);
        dg[n] = 0;
        return post ? sv_h_runtime(h, c, rq, dg) : sv_send_err(c, 405, "use POST", "Allow", "POST");
    }
    return get ? sv_h_get_image(h, c, path + 11) : sv_send_err(c, 405, "use GET", "Allow", "GET");
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                               const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    (void)version;
    sv_http *h = cls;
    req *rq = *con_cls;
    uint64_t max = h->srv->cfg->max_body ? h->srv->cfg->max_body : 4u << 20;
    if (!rq) {
        rq = calloc(1, sizeof *rq);
        if (!rq)
            return MHD_NO;
        cg_buf_init(&rq->body, (size_t)max);
        rq->t0 = mono();
        *con_cls = rq;
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        if (cl && strtoull(cl, NULL, 10) > max)
            rq->too_big = 1;
        return MHD_YES;
    }
    if (*upload_size) {
        if (!rq->too_big && cg_buf_append(&rq->body, upload, *upload_size) != CG_OK)
            rq->too_big = 1;
        *upload_size = 0;
        return MHD_YES;
    }
    char addr[64];
    client_addr(c, addr);
    pthread_mutex_lock(&h->srv->mu);
    h->srv->n_requests++;
    pthread_mutex_unlock(&h->srv->mu);
    const sv_token *tok = authenticate(h->srv, c);
    unsigned code = 0;
    enum MHD_Result ret;
    if (!rate_ok(h, addr)) {
        code = 429;
        ret = sv_send_err(c, 429, "rate limit exceeded", "Retry-After", "1");
    } else {
        ret = route(h, c, url, method, rq, tok, &code);
    }
    json_t *f = json_pack("{s:s, s:s, s:s, s:f}", "method", method, "path", url, "client", addr, "ms",
                          (mono() - rq->t0) * 1000.0);
    if (tok)
        json_object_set_new(f, "token", json_string(tok->name));
    if (code)
        json_object_set_new(f, "status", json_integer(code));
    sv_log(h->srv, "info", "request", f);
    return ret;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    req *rq = *con_cls;
    if (rq) {
        cg_buf_free(&rq->body);
        free(rq);
    }
    *con_cls = NULL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
        msg[--n] = 0;
    sv_log(cls, "warning", "http", json_pack("{s:s}", "detail", msg));
}

cg_status sv_http_start(sv_server *srv, sv_http **out, cg_error *err)
{
    const cg_serve_config *cfg = srv->cfg;
    sv_http *h = calloc(1, sizeof *h);
    if (!h)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    h->srv = srv;
    h->buckets = calloc(N_BUCKETS, sizeof *h->buckets);
    cg_status s = h->buckets ? sv_store_open(cfg->store, &h->st, err) : cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    const char *listen = cfg->listen ? cfg->listen : "127.0.0.1:8780";
    const char *colon = strrchr(listen, ':');
    struct addrinfo hints, *ai = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
    hints.ai_socktype = SOCK_STREAM;
    char host[128];
    if (s == CG_OK) {
        size_t hl = colon ? (size_t)(colon - listen) : 0;
        if (!colon || hl >= sizeof host)
            s = cg_error_set(err, CG_ERR_USAGE, "--listen %s: use HOST:PORT (numeric host)", listen);
        else {
            memcpy(host, listen, hl);
            host[hl] = 0;
            if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
                memmove(host, host + 1, hl - 2);
                host[hl - 2] = 0;
            }
            if (getaddrinfo(host, colon + 1, &hints, &ai) != 0 || !ai)
                s = cg_error_set(err, CG_ERR_USAGE, "--listen %s: not a numeric HOST:PORT", listen);
        }
    }
    if (s == CG_OK && (cfg->tls_cert || cfg->tls_key)) {
        if (!cfg->tls_cert || !cfg->tls_key)
            s = cg_error_set(err, CG_ERR_USAGE, "--tls-cert and --tls-key go together");
        if (s == CG_OK)
            s = cg_read_file(cfg->tls_cert, 1u << 20, "TLS certificate", &h->cert, err);
        if (s == CG_OK)
            s = cg_read_file(cfg->tls_key, 1u << 20, "TLS key", &h->key, err);
    }
    if (s == CG_OK) {
        unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | MHD_USE_AUTO;
        if (ai->ai_family == AF_INET6)
            flags |= MHD_USE_IPv6;
        if (h->cert.len)
            flags |= MHD_USE_TLS;
        uint16_t port = ai->ai_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)(void *)ai->ai_addr)->sin6_port)
                                                  : ntohs(((struct sockaddr_in *)(void *)ai->ai_addr)->sin_port);
        if (h->cert.len)
            h->d = MHD_start_daemon(flags, port, NULL, NULL, handler, h, MHD_OPTION_SOCK_ADDR, ai->ai_addr,
                                    MHD_OPTION_NOTIFY_COMPLETED, completed, h, MHD_OPTION_CONNECTION_TIMEOUT,
                                    (unsigned)30, MHD_OPTION_CONNECTION_LIMIT, (unsigned)256,
                                    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, srv, MHD_OPTION_HTTPS_MEM_CERT,
                                    h->cert.data, MHD_OPTION_HTTPS_MEM_KEY, h->key.data, MHD_OPTION_END);
        else
            h->d = MHD_start_daemon(flags, port, NULL, NULL, handler, h, MHD_OPTION_SOCK_ADDR, ai->ai_addr,
                                    MHD_OPTION_NOTIFY_COMPLETED, completed, h, MHD_OPTION_CONNECTION_TIMEOUT,
                                    (unsigned)30, MHD_OPTION_CONNECTION_LIMIT, (unsigned)256,
                                    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, srv, MHD_OPTION_END);
        if (!h->d)
            s = cg_error_set(err, CG_ERR_IO, "cannot listen on %s (in use, or the TLS files are not PEM)", listen);
    }
    if (ai)
        freeaddrinfo(ai);
    if (s != CG_OK) {
        sv_http_stop(h);
        return s;
    }
    *out = h;
    return CG_OK;
}

void sv_http_stop(sv_http *h)
{
    if (!h)
        return;
    if (h->d)
        MHD_stop_daemon(h->d);
    sv_store_close(h->st);
    cg_buf_free(&h->cert);
    cg_buf_free(&h->key);
    free(h->buckets);
    free(h);
}

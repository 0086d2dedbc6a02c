/*
 * http.c - the JSON POST every libcgate caller shares (see http.h): one set
 * of timeouts, TLS settings and plain-HTTP rule, one wording of errors.
 * libcurl does the work; TLS is always verified (libcurl's default, never
 * switched off here), only http and https are spoken, nothing is redirected.
 */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/http.h"

#define ANSWER_MAX 65536
#define HOST_MAX 256

int cg_loopback_host(const char *host)
{
    char h[HOST_MAX];
    if (!host || strlen(host) >= sizeof h)
        return 0;
    if (host[0] == '[') {
        const char *rb = strchr(host, ']');
        if (!rb)
            return 0;
        snprintf(h, sizeof h, "%.*s", (int)(rb - host - 1), host + 1);
    } else {
        snprintf(h, sizeof h, "%s", host);
        char *c = strchr(h, ':');
        if (c && !strchr(c + 1, ':'))
            *c = 0; /* host:port; a bare IPv6 address keeps its colons */
    }
    if (!strcasecmp(h, "localhost") || !strcasecmp(h, "localhost."))
        return 1;
    struct in_addr a4;
    struct in6_addr a6;
    if (inet_pton(AF_INET, h, &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    if (inet_pton(AF_INET6, h, &a6) == 1)
        return !memcmp(&a6, &in6addr_loopback, sizeof a6);
    return 0;
}

int cg_http_url_allowed(const char *url)
{
    CURLU *u = url ? curl_url() : NULL;
    if (!u)
        return 0;
    int ok = 0;
    char *scheme = NULL, *host = NULL;
    if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK)
        ok = !strcasecmp(scheme, "https") || (!strcasecmp(scheme, "http") && cg_loopback_host(host));
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(u);
    return ok;
}

static size_t keep(char *p, size_t sz, size_t n, void *ud)
{
    cg_buf *b = ud;
    size_t len = sz * n;
    if (b && b->len < ANSWER_MAX)
        cg_buf_append(b, p, len > ANSWER_MAX - b->len ? ANSWER_MAX - b->len : len);
    return len;
}

/* cgate's JSON error answer: {"error": {"message": "..."}}, else NULL. */
static char *error_message(const cg_buf *ans)
{
    if (!ans || !ans->len)
        return NULL;
    json_error_t je;
    json_t *e = json_loadb(ans->data, ans->len, 0, &je);
    const char *m = json_string_value(json_object_get(json_object_get(e, "error"), "message"));
    char *out = m ? strdup(m) : NULL;
    json_decref(e);
    return out;
}

cg_status cg_http_post_json(const cg_http_post *p, long *status, cg_error *err)
{
    const char *what = p->what ? p->what : "POST";
    long code = 0;
    if (status)
        *status = 0;
    if (!cg_http_url_allowed(p->url))
        return cg_error_set(err, CG_ERR_USAGE, "%s: %s", what, CG_HTTP_URL_RULE);
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    for (size_t i = 0; h && p->headers && p->headers[i]; i++) {
        struct curl_slist *t = curl_slist_append(h, p->headers[i]);
        if (!t) {
            curl_slist_free_all(h);
            h = NULL;
        } else
            h = t;
    }
    cg_buf own = CG_BUF_INIT, *ans = p->answer ? p->answer : &own;
    CURL *c = h ? curl_easy_init() : NULL;
    CURLcode cr = CURLE_FAILED_INIT;
    char detail[CURL_ERROR_SIZE] = "";
    if (c) {
        curl_easy_setopt(c, CURLOPT_URL, p->url);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, p->body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)p->len);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
        curl_easy_setopt(c, CURLOPT_TIMEOUT, p->timeout_s > 0 ? p->timeout_s : 60L);
        curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
        curl_easy_setopt(c, CURLOPT_ERRORBUFFER, detail);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, ans);
        cr = curl_easy_perform(c);
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    }
    curl_easy_cleanup(c);
    curl_slist_free_all(h);
    if (status)
        *status = code;
    cg_status s = CG_OK;
    if (cr != CURLE_OK) {
        s = cg_error_set(err, CG_ERR_NETWORK, "%s: %s", what, *detail ? detail : curl_easy_strerror(cr));
    } else if (code < 200 || code > 299) {
        char *m = error_message(ans);
        s = cg_error_set(err, CG_ERR_NETWORK, "%s: HTTP %ld%s%s", what, code, m ? ": " : "", m ? m : "");
        free(m);
    }
    cg_buf_free(&own);
    return s;
}

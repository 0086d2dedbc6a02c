/*
 * http.h - the one JSON POST of libcgate (a run's artifacts to `cgate
 * serve`, alerts to webhooks) and the one rule for plain HTTP: https://
 * anywhere (TLS verified), http:// only to a loopback host.  Registry
 * traffic has its own client (src/registry/client.c) and `db update` its
 * downloads; both use the same loopback test.
 */
#ifndef CG_CORE_HTTP_H
#define CG_CORE_HTTP_H

#include <stddef.h>

#include "cgate/buf.h"
#include "cgate/error.h"

/* 1 when host (with or without ":PORT", IPv6 in brackets) is loopback:
 * localhost, 127.0.0.0/8 or ::1. */
int cg_loopback_host(const char *host);

/* 1 when url may be sent to: https://, or http:// to a loopback host. */
int cg_http_url_allowed(const char *url);
/* That rule, for messages ("--webhook: " CG_HTTP_URL_RULE). */
#define CG_HTTP_URL_RULE "only https://, or http:// to a loopback host"

typedef struct cg_http_post {
    const char *url;
    const char *body; /* JSON, len bytes (sent as Content-Type: application/json) */
    size_t len;
    const char *const *headers; /* more "Name: value" lines, NULL-terminated, or NULL */
    long timeout_s;             /* the whole request (connecting: at most 10 s) */
    const char *what;           /* errors read "WHAT: why" (must not hold secrets) */
    cg_buf *answer;             /* the first 64 KiB of the response body, or NULL */
} cg_http_post;

/* POST p->body to p->url; no redirects are followed.  CG_OK for a 2xx
 * answer.  A URL cg_http_url_allowed refuses is CG_ERR_USAGE (nothing is
 * sent); a request that fails is CG_ERR_NETWORK "WHAT: <curl's reason>";
 * any other status is CG_ERR_NETWORK "WHAT: HTTP N", followed by ": MESSAGE"
 * when the answer is cgate's JSON error ({"error": {"message": ...}}).
 * *status (may be NULL) is the HTTP status, 0 when there was none. */
cg_status cg_http_post_json(const cg_http_post *p, long *status, cg_error *err);

#endif

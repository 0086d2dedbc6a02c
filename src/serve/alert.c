/*
 * alert.c - alerts of `cgate serve`: recorded once per (image, finding) by a
 * UNIQUE key, appended to the JSON-lines alert log by the worker that
 * recorded it, and delivered to each webhook by a `deliver` job so that
 * delivery has the queue's leases, retries with doubling delays and the
 * dead-letter table.  The body is signed with HMAC-SHA256 when the webhook
 * has a secret (X-Cgate-Signature: sha256=<hex>) and carries a "text" member
 * so Slack-compatible receivers show it as is.
 */
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/http.h"
#include "serve/serve_int.h"

cg_status sv_alert_add(sv_server *srv, sv_store *st, const char *digest, const char *fkey, const char *body,
                       int64_t *id, cg_error *err)
{
    char now[24];
    const char *p[] = {digest, fkey, body, sv_itoa(now, sv_now())};
    sv_rows r;
    cg_status s = sv_exec(st,
                          "INSERT INTO alerts(digest, fkey, body, created) VALUES($1, $2, $3, $4)"
                          " ON CONFLICT(digest, fkey) DO NOTHING RETURNING id",
                          4, p, &r, err);
    *id = s == CG_OK && r.n ? strtoll(sv_cell(&r, 0, 0), NULL, 10) : 0;
    if (s == CG_OK && r.n) {
        for (size_t i = 0; s == CG_OK && i < srv->cfg->n_webhooks; i++) {
            const char *url = srv->cfg->webhooks[i].url;
            json_t *pl = json_pack("{s:I, s:s}", "alert", (json_int_t)*id, "url", url);
            char *pls = pl ? json_dumps(pl, JSON_COMPACT) : NULL;
            json_decref(pl);
            char *dd = NULL;
            size_t dl = 0;
            FILE *m = open_memstream(&dd, &dl);
            if (m) {
                fprintf(m, "deliver:%s:%s", sv_cell(&r, 0, 0), url);
                fclose(m);
            }
            s = pls && dd ? sv_enqueue(st, "deliver", dd, pls, NULL, err)
                          : cg_error_set(err, CG_ERR_NOMEM, "out of memory");
            free(pls);
            free(dd);
        }
    }
    sv_rows_free(&r);
    return s;
}

void sv_alert_log(sv_server *srv, const char *body, const char *digest, const char *finding)
{
    pthread_mutex_lock(&srv->log_mu);
    if (srv->alert_log) {
        fputs(body, srv->alert_log);
        fputc('\n', srv->alert_log);
        fflush(srv->alert_log);
    }
    pthread_mutex_unlock(&srv->log_mu);
    /* the alert's own id: the only "id" member whose value is a sha256 digest (no reparse) */
    const char *p = strstr(body, "\"id\":\"sha256:");
    char id[80] = "";
    if (p)
        snprintf(id, sizeof id, "%.71s", p + 6);
    sv_log(srv, "warning", "alert", json_pack("{s:s, s:s, s:s}", "alert", id, "image", digest, "finding", finding));
}

/* A webhook URL for logs and errors: scheme and host only (Slack-style URLs
 * carry their secret in the path). */
static const char *url_origin(const char *url, char out[256])
{
    const char *p = strstr(url, "://");
    size_t n = p ? (size_t)(p + 3 - url) + strcspn(p + 3, "/?#") : strcspn(url, "/?#");
    if (n > 255)
        n = 255;
    memcpy(out, url, n);
    out[n] = 0;
    return out;
}

static const cg_serve_webhook *find_hook(const sv_server *srv, const char *url)
{
    for (size_t i = 0; i < srv->cfg->n_webhooks; i++)
        if (!strcmp(srv->cfg->webhooks[i].url, url))
            return &srv->cfg->webhooks[i];
    return NULL;
}

/* The Slack-compatible message of an alert: "text" (the fallback and what
 * simple receivers show) and blocks: the text as a section, then a context
 * line naming the image, the decision and the alert id. */
static char *slack_body(json_t *doc)
{
    const char *text = json_string_value(json_object_get(doc, "text"));
    json_t *img = json_object_get(doc, "image"), *dec = json_object_get(doc, "decision");
    const char *kind = json_string_value(json_object_get(doc, "kind"));
    const char *id = json_string_value(json_object_get(doc, "id"));
    cg_buf ctx = CG_BUF_INIT;
    cg_buf_printf(&ctx, "%s | image `%s` | decision %s (%s) | alert %.19s", kind ? kind : "alert",
                  json_string_value(json_object_get(img, "digest")) ? json_string_value(json_object_get(img, "digest"))
                                                                    : "?",
                  json_is_object(dec) ? (json_is_true(json_object_get(dec, "pass")) ? "pass" : "deny") : "none",
                  json_string_value(json_object_get(dec, "trigger")) ? json_string_value(json_object_get(dec, "trigger"))
                                                                     : "-",
                  id ? id : "?");
    json_t *m = json_pack("{s:s, s:[{s:s, s:{s:s, s:s}}, {s:s, s:[{s:s, s:s}]}]}", "text", text ? text : "cgate alert",
                          "blocks", "type", "section", "text", "type", "mrkdwn", "text", text ? text : "cgate alert",
                          "type", "context", "elements", "type", "mrkdwn", "text", cg_buf_str(&ctx));
    cg_buf_free(&ctx);
    char *s = m ? json_dumps(m, JSON_COMPACT) : NULL;
    json_decref(m);
    return s;
}

cg_status sv_job_deliver(sv_server *srv, sv_store *st, json_t *payload, cg_error *err)
{
    json_int_t aid = json_integer_value(json_object_get(payload, "alert"));
    const char *url = json_string_value(json_object_get(payload, "url"));
    if (!aid || !url)
        return cg_error_set(err, CG_ERR_INPUT, "deliver job: alert and url are required");
    const cg_serve_webhook *hook = find_hook(srv, url);
    if (!hook)
    {
        char o[256];
        return cg_error_set(err, CG_ERR_NETWORK, "webhook %s/... is not configured in this worker", url_origin(url, o));
    }
    char ids[24];
    snprintf(ids, sizeof ids, "%lld", (long long)aid);
    const char *p[] = {ids, url};
    sv_rows r, d;
    cg_status s = sv_exec(st, "SELECT body FROM alerts WHERE id = $1", 1, p, &r, err);
    if (s == CG_OK)
        s = sv_exec(st, "SELECT state FROM deliveries WHERE alert = $1 AND target = $2", 2, p, &d, err);
    else
        memset(&d, 0, sizeof d);
    if (s == CG_OK && r.n == 0)
        s = cg_error_set(err, CG_ERR_INPUT, "deliver job: alert %s does not exist", ids);
    if (s != CG_OK || (d.n && !strcmp(sv_cell(&d, 0, 0), "sent"))) {
        sv_rows_free(&r);
        sv_rows_free(&d);
        return s;
    }
    const char *body = sv_cell(&r, 0, 0);
    json_error_t je;
    json_t *doc = json_loads(body, 0, &je);
    char *slack = NULL;
    if (hook->format == CG_SERVE_HOOK_SLACK) {
        slack = slack_body(doc);
        if (!slack) {
            json_decref(doc);
            sv_rows_free(&r);
            sv_rows_free(&d);
            return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        }
        body = slack;
    }
    const char *alert_id = json_string_value(json_object_get(doc, "id"));
    char hdr[256], sig[2 * EVP_MAX_MD_SIZE + 32];
    snprintf(hdr, sizeof hdr, "X-Cgate-Alert: %s", alert_id ? alert_id : ids);
    const char *hdrs[] = {hdr, NULL, NULL};
    if (hook->secret) {
        unsigned char mac[EVP_MAX_MD_SIZE];
        unsigned int ml = 0;
        HMAC(EVP_sha256(), hook->secret, (int)strlen(hook->secret), (const unsigned char *)body, strlen(body), mac,
             &ml);
        int o = snprintf(sig, sizeof sig, "X-Cgate-Signature: sha256=");
        for (unsigned i = 0; i < ml && o + 3 < (int)sizeof sig; i++)
            o += snprintf(sig + o, sizeof sig - (size_t)o, "%02x", mac[i]);
        hdrs[1] = sig;
    }
    char origin[256], what[300];
    url_origin(url, origin);
    snprintf(what, sizeof what, "webhook %s/...", origin);
    cg_http_post req = {.url = url, .body = body, .len = strlen(body), .headers = hdrs, .timeout_s = 10,
                        .what = what};
    long code = 0;
    s = cg_http_post_json(&req, &code, err);
    json_decref(doc);
    free(slack);
    char now[24], cs[24];
    const char *q[] = {ids, url, s == CG_OK ? "sent" : "failed", sv_itoa(cs, code), sv_itoa(now, sv_now())};
    cg_error e2;
    cg_error_clear(&e2);
    sv_exec(st,
            "INSERT INTO deliveries(alert, target, state, attempts, status, at) VALUES($1, $2, $3, 1, $4, $5)"
            " ON CONFLICT(alert, target) DO UPDATE SET state = excluded.state, status = excluded.status,"
            " at = excluded.at, attempts = deliveries.attempts + 1",
            5, q, NULL, &e2);
    if (s == CG_OK)
        sv_log(srv, "info", "alert delivered", json_pack("{s:s, s:s, s:I}", "alert", ids, "webhook", origin, "status",
                                                       (json_int_t)code));
    sv_rows_free(&r);
    sv_rows_free(&d);
    return s;
}

/*
 * report_to.c - `cgate run --report-to URL`: after a run, hand its artifacts
 * to a `cgate serve` so the image is watched from the moment the gate decided
 * on it.  One POST /v1/images {"sbom", "name", "report", "decision"} (the
 * server stores the SBOM, records the run's decision with trigger "run" and
 * scans the image itself); a bearer token is read from a file so it never
 * appears in argv or logs.  Bounded: artifacts are read with caps, the
 * request has a time-out, the answer is read up to 64 KiB.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgate/buf.h"
#include "cgate/pipeline.h"
#include "core/http.h"
#include "core/readfile.h"

#define MAX_ARTIFACT ((size_t)256 << 20)

static cg_status load_json(const char *dir, const char *file, json_t **out, cg_error *err)
{
    cg_buf b = CG_BUF_INIT;
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    cg_status s = cg_read_file(path, MAX_ARTIFACT, "artifact", &b, err);
    json_error_t je;
    if (s == CG_OK) {
        *out = json_loadb(b.data ? b.data : "", b.len, 0, &je);
        if (!*out)
            s = cg_error_set(err, CG_ERR_INPUT, "%s: not JSON: %s", path, je.text);
    }
    cg_buf_free(&b);
    return s;
}

cg_status cg_pipeline_report_to(const char *url, const char *token_file, const char *dir, const char *name,
                                cg_error *err)
{
    if (!cg_http_url_allowed(url))
        return cg_error_set(err, CG_ERR_USAGE, "--report-to: %s", CG_HTTP_URL_RULE);
    char token[1024] = "";
    if (token_file) {
        cg_buf tb = CG_BUF_INIT;
        cg_status s = cg_read_file(token_file, sizeof token - 1, "report token file", &tb, err);
        if (s != CG_OK)
            return s;
        size_t n = strcspn(cg_buf_str(&tb), "\r\n");
        memcpy(token, cg_buf_str(&tb), n);
        token[n] = 0;
        cg_buf_free(&tb);
        if (!*token)
            return cg_error_set(err, CG_ERR_INPUT, "report token file %s: empty", token_file);
    }
    json_t *sbom = NULL, *report = NULL, *decision = NULL;
    cg_status s = load_json(dir, CG_ART_SBOM_CDX, &sbom, err);
    if (s == CG_OK)
        s = load_json(dir, CG_ART_REPORT, &report, err);
    if (s == CG_OK)
        s = load_json(dir, CG_ART_DECISION, &decision, err);
    char nm[700]; /* HOST/REPO without :TAG (or @digest) */
    snprintf(nm, sizeof nm, "%s", name ? name : "image");
    char *slash = strrchr(nm, '/'), *cut = strchr(slash ? slash : nm, '@');
    if (!cut)
        cut = strchr(slash ? slash : nm, ':');
    if (cut && slash)
        *cut = 0;
    json_t *doc = s == CG_OK ? json_pack("{s:o, s:s, s:o, s:o}", "sbom", sbom, "name", nm,
                                         "report", report, "decision", decision)
                             : NULL;
    if (s != CG_OK) {
        json_decref(sbom);
        json_decref(report);
        json_decref(decision);
        return s;
    }
    char *body = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    if (!body)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    cg_buf ep = CG_BUF_INIT, what = CG_BUF_INIT;
    size_t ul = strlen(url);
    cg_buf_printf(&ep, "%.*s/v1/images", (int)(ul && url[ul - 1] == '/' ? ul - 1 : ul), url);
    cg_buf_printf(&what, "--report-to %s", cg_buf_str(&ep));
    char auth[1100];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
    const char *hdrs[] = {*token ? auth : NULL, NULL};
    cg_http_post req = {.url = cg_buf_str(&ep), .body = body, .len = strlen(body), .headers = hdrs,
                        .timeout_s = 60, .what = cg_buf_str(&what)};
    long code = 0;
    s = cg_http_post_json(&req, &code, err);
    if (s == CG_ERR_NETWORK && (code == 400 || code == 413 || code == 422))
        s = err ? (err->status = CG_ERR_INPUT) : CG_ERR_INPUT; /* the server refused what this run made */
    memset(auth, 0, sizeof auth);
    memset(token, 0, sizeof token);
    free(body);
    cg_buf_free(&what);
    cg_buf_free(&ep);
    return s;
}

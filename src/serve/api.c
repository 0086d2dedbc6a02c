/*
 * api.c - the endpoints of `cgate serve` (docs/serve.md, serve-openapi.yaml):
 * registry notifications and hand registrations become jobs (heavy work is
 * queued, never done on the HTTP thread, except parsing a posted SBOM), the
 * inventory reads, re-match requests, Prometheus metrics and health.
 * Every error is a JSON body; nothing here trusts the request's sizes.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cgate/sbom.h"
#include "cgate/scan.h"
#include "cgate/vulndb.h"
#include "core/digest.h"
#include "core/rfc3339.h"
#include "serve/http_int.h"

cg_status sv_open_vdb(sv_server *srv, cg_vdb **db, cg_error *err);

/* ---- handlers ------------------------------------------------------------- */

static int is_manifest_type(const char *mt)
{
    static const char *const ok[] = {
        "application/vnd.oci.image.manifest.v1+json", "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.docker.distribution.manifest.list.v2+json"};
    for (size_t i = 0; mt && i < sizeof ok / sizeof ok[0]; i++)
        if (!strcmp(mt, ok[i]))
            return 1;
    return 0;
}

/* "sha256-<64 hex>.sig" and friends: cosign's objects, not images to catalogue. */
static int is_cosign_tag(const char *tag)
{
    if (!tag || strncmp(tag, "sha256-", 7) || strlen(tag) < 7 + 64 + 4)
        return 0;
    const char *ext = tag + 7 + 64;
    return !strcmp(ext, ".sig") || !strcmp(ext, ".att") || !strcmp(ext, ".sbom");
}

static int host_from_url(const char *url, char out[256])
{
    const char *p = url ? strstr(url, "://") : NULL;
    if (!p)
        return -1;
    p += 3;
    size_t n = strcspn(p, "/");
    if (n == 0 || n >= 256)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)p[i]) && !strchr(".:-[]", p[i]))
            return -1;
    memcpy(out, p, n);
    out[n] = 0;
    return 0;
}

static int valid_repo(const char *r)
{
    if (!r || !*r || strlen(r) > 255)
        return 0;
    for (const char *p = r; *p; p++)
        if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && !strchr("._-/", *p))
            return 0;
    return 1;
}

enum MHD_Result sv_send_store_refused(sv_http *h, struct MHD_Connection *c, const char *what, const char *msg,
                                      const cg_error *err)
{
    char m[200];
    sv_log(h->srv, "error", msg, json_pack("{s:s}", "error", err->msg));
    if (sv_store_full(h->st)) {
        snprintf(m, sizeof m, "the store is out of disk space: %s was not stored", what);
        return sv_send_err(c, 507, m, "Retry-After", "60");
    }
    snprintf(m, sizeof m, "the store refused %s; retry", what);
    return sv_send_err(c, 503, m, "Retry-After", "5");
}

enum MHD_Result sv_h_notifications(sv_http *h, struct MHD_Connection *c, req *rq)
{
    json_error_t je;
    json_t *doc = json_loadb(rq->body.data ? rq->body.data : "", rq->body.len, JSON_REJECT_DUPLICATES, &je);
    json_t *events = json_object_get(doc, "events");
    if (!doc || !json_is_array(events)) {
        json_decref(doc);
        return sv_send_err(c, 400, "not a notification envelope: a JSON object with an \"events\" array", NULL, NULL);
    }
    if (json_array_size(events) > MAX_EVENTS) {
        json_decref(doc);
        return sv_send_err(c, 413, "too many events in one envelope (at most 1000)", NULL, NULL);
    }
    size_t accepted = 0, ignored = 0, queued = 0;
    cg_error err;
    cg_error_clear(&err);
    cg_status s = sv_begin(h->st, &err); /* the envelope's jobs: all or none */
    for (size_t i = 0; s == CG_OK && i < json_array_size(events); i++) {
        json_t *ev = json_array_get(events, i), *t = json_object_get(ev, "target");
        const char *action = json_string_value(json_object_get(ev, "action"));
        const char *mt = json_string_value(json_object_get(t, "mediaType"));
        const char *digest = json_string_value(json_object_get(t, "digest"));
        const char *repo = json_string_value(json_object_get(t, "repository"));
        const char *url = json_string_value(json_object_get(t, "url"));
        const char *tag = json_string_value(json_object_get(t, "tag"));
        char host[256];
        if (!action || strcmp(action, "push") || !is_manifest_type(mt) || is_cosign_tag(tag)) {
            ignored++;
            continue;
        }
        if (!digest || !cg_digest_valid(digest) || !valid_repo(repo) || host_from_url(url, host)) {
            ignored++;
            sv_log(h->srv, "warning", "notification event ignored",
                   json_pack("{s:I, s:s}", "event", (json_int_t)i, "why", "bad target digest, repository or url"));
            continue;
        }
        json_t *pl = json_pack("{s:s+++++, s:s++, s:s}", "image", "docker://", host, "/", repo, "@", digest, "name",
                               host, "/", repo, "digest", digest);
        char *pls = pl ? json_dumps(pl, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
        json_decref(pl);
        char *dd = NULL;
        size_t dl = 0;
        FILE *m = open_memstream(&dd, &dl);
        if (m) {
            fprintf(m, "ingest:%s", digest);
            fclose(m);
        }
        int64_t id = 0;
        s = pls && dd ? sv_enqueue(h->st, "ingest", dd, pls, &id, &err)
                      : cg_error_set(&err, CG_ERR_NOMEM, "out of memory");
        free(pls);
        free(dd);
        accepted++;
        queued += id != 0;
    }
    json_decref(doc);
    if ((s = sv_end(h->st, s, &err)) != CG_OK)
        return sv_send_store_refused(h, c, "the job", "enqueue failed", &err);
    pthread_mutex_lock(&h->srv->mu);
    h->srv->n_notifications += accepted;
    pthread_mutex_unlock(&h->srv->mu);
    if (queued)
        sv_kick(h->srv);
    return sv_send_json(c, 202, json_pack("{s:I, s:I, s:I}", "accepted", (json_int_t)accepted, "queued",
                                        (json_int_t)queued, "ignored", (json_int_t)ignored));
}

/* A decision document of `cgate run` / `cgate policy`: pass and denyReasons. */
static int valid_decision(json_t *d)
{
    json_t *dr = json_object_get(d, "denyReasons");
    if (!json_is_object(d) || !json_is_boolean(json_object_get(d, "pass")) || (dr && !json_is_array(dr)))
        return 0;
    for (size_t i = 0; i < json_array_size(dr); i++)
        if (!json_is_string(json_array_get(dr, i)))
            return 0;
    return 1;
}

/* Record the decision `cgate run --report-to` posted (trigger "run"), naming
 * the policy file the run used (its path on the runner and sha256). */
static cg_status run_decision(sv_store *st, const char *digest, json_t *d, cg_error *err)
{
    sv_policy pol;
    memset(&pol, 0, sizeof pol);
    json_t *in = json_object_get(d, "inputs");
    for (size_t i = 0; i < json_array_size(in); i++) {
        json_t *e = json_array_get(in, i);
        const char *role = json_string_value(json_object_get(e, "role"));
        const char *sha = json_string_value(json_object_get(e, "sha256"));
        if (role && !strcmp(role, "policy") && sha && cg_digest_valid(sha)) {
            pol.sha = sha;
            pol.path = json_string_value(json_object_get(e, "path"));
        }
    }
    sv_verdict v;
    memset(&v, 0, sizeof v);
    v.pass = json_is_true(json_object_get(d, "pass"));
    v.reasons = json_object_get(d, "denyReasons");
    if (!v.reasons)
        v.reasons = json_array();
    else
        json_incref(v.reasons);
    v.excepted = json_array(); /* what its exceptions let through, so their expiry is noticed */
    json_t *ap = json_object_get(json_object_get(d, "exceptions"), "applied");
    for (size_t i = 0; i < json_array_size(ap); i++) {
        json_t *sup = json_object_get(json_array_get(ap, i), "suppressed");
        for (size_t j = 0; j < json_array_size(sup); j++)
            if (json_is_string(json_array_get(sup, j)))
                json_array_append(v.excepted, json_array_get(sup, j));
    }
    cg_status s = sv_insert_decision(st, digest, pol.sha ? &pol : NULL, &v, "run", err);
    json_decref(v.reasons);
    json_decref(v.excepted);
    return s;
}

enum MHD_Result sv_h_post_image(sv_http *h, struct MHD_Connection *c, req *rq)
{
    json_error_t je;
    json_t *doc = json_loadb(rq->body.data ? rq->body.data : "", rq->body.len, JSON_REJECT_DUPLICATES, &je);
    if (!json_is_object(doc)) {
        json_decref(doc);
        return sv_send_err(c, 400, "the body must be a JSON object with \"image\" or \"sbom\"", NULL, NULL);
    }
    cg_error err;
    cg_error_clear(&err);
    const char *image = json_string_value(json_object_get(doc, "image"));
    json_t *sb = json_object_get(doc, "sbom");
    const char *name = json_string_value(json_object_get(doc, "name"));
    json_t *dec = json_object_get(doc, "decision");
    enum MHD_Result ret;
    if (image) {
        const char *at = strrchr(image, '@');
        if (strncmp(image, "docker://", 9) || !at || !cg_digest_valid(at + 1)) {
            json_decref(doc);
            return sv_send_err(c, 400, "\"image\" must be docker://HOST/REPO@sha256:<hex>", NULL, NULL);
        }
        char *nm = strndup(image + 9, (size_t)(at - image - 9));
        json_t *pl = json_pack("{s:s, s:s, s:s}", "image", image, "name", name ? name : nm, "digest", at + 1);
        char *pls = pl ? json_dumps(pl, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
        json_decref(pl);
        char dd[128];
        snprintf(dd, sizeof dd, "ingest:%s", at + 1);
        int64_t id = 0;
        cg_status s = pls ? sv_enqueue(h->st, "ingest", dd, pls, &id, &err) : CG_ERR_NOMEM;
        free(pls);
        free(nm);
        if (id)
            sv_kick(h->srv);
        ret = s == CG_OK ? sv_send_json(c, 202, json_pack("{s:s, s:b}", "digest", at + 1, "queued", id != 0))
                         : sv_send_store_refused(h, c, "the job", "enqueue failed", &err);
    } else if (json_is_object(sb) && dec && !valid_decision(dec)) {
        ret = sv_send_err(c, 400, "\"decision\" must be a cgate decision (decision.json of cgate run or policy)",
                          NULL, NULL);
    } else if (json_is_object(sb)) {
        char *text = json_dumps(sb, JSON_COMPACT | JSON_PRESERVE_ORDER);
        cg_sbom *parsed = NULL;
        cg_status s = text ? cg_sbom_read((const uint8_t *)text, strlen(text), "sbom", &parsed, &err) : CG_ERR_NOMEM;
        if (s != CG_OK) {
            free(text);
            json_decref(doc);
            return sv_send_err(c, 400, err.msg[0] ? err.msg : "out of memory", NULL, NULL);
        }
        char digest[CG_DIGEST_STR_LEN + 1];
        if (parsed->image.manifest_digest && cg_digest_valid(parsed->image.manifest_digest))
            snprintf(digest, sizeof digest, "%s", parsed->image.manifest_digest);
        else
            cg_sha256_str(text, strlen(text), digest);
        const char *nm = name ? name : parsed->image.name ? parsed->image.name : "sbom";
        char dd[128], pl[128];
        snprintf(dd, sizeof dd, "scan:%s", digest);
        snprintf(pl, sizeof pl, "{\"digest\":\"%s\"}", digest);
        int64_t id = 0;
        /* the image, the run's decision and the scan job: all or nothing */
        s = sv_begin(h->st, &err);
        if (s == CG_OK) {
            s = sv_store_sbom(h->srv, h->st, digest, nm, NULL, (const uint8_t *)text, strlen(text), &err);
            if (s == CG_OK && json_is_object(dec))
                s = run_decision(h->st, digest, dec, &err);
            if (s == CG_OK)
                s = sv_enqueue(h->st, "scan", dd, pl, &id, &err);
            s = sv_end(h->st, s, &err);
        }
        cg_sbom_free(parsed);
        free(text);
        if (s == CG_OK && id)
            sv_kick(h->srv);
        ret = s == CG_OK ? sv_send_json(c, 202, json_pack("{s:s, s:b}", "digest", digest, "queued", id != 0))
                         : sv_send_store_refused(h, c, "the SBOM", "storing an SBOM failed", &err);
    } else {
        ret = sv_send_err(c, 400, "give \"image\" (docker://HOST/REPO@sha256:...) or \"sbom\" (a CycloneDX or SPDX "
                               "document) with \"name\"", NULL, NULL);
    }
    json_decref(doc);
    return ret;
}

static long qarg_long(struct MHD_Connection *c, const char *k, long dflt, long max)
{
    const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, k);
    if (!v)
        return dflt;
    char *e;
    long n = strtol(v, &e, 10);
    if (e == v || *e || n < 0)
        return -1;
    return n > max ? max : n;
}

enum MHD_Result sv_h_list_images(sv_http *h, struct MHD_Connection *c)
{
    long limit = qarg_long(c, "limit", 100, 1000), offset = qarg_long(c, "offset", 0, 1L << 40);
    if (limit < 0 || offset < 0)
        return sv_send_err(c, 400, "limit and offset must be non-negative integers", NULL, NULL);
    char ls[24], os[24];
    const char *p[] = {sv_itoa(ls, limit), sv_itoa(os, offset)};
    sv_rows r;
    cg_error err;
    cg_error_clear(&err);
    cg_status s = sv_exec(h->st,
                          "SELECT i.digest, i.name, i.n_pkgs, i.created, i.scanned,"
                          " (SELECT count(*) FROM findings f WHERE f.digest = i.digest),"
                          " (SELECT d.pass FROM decisions d WHERE d.digest = i.digest ORDER BY d.id DESC LIMIT 1)"
                          " FROM images i ORDER BY i.created, i.digest LIMIT $1 OFFSET $2",
                          2, p, &r, &err);
    if (s != CG_OK) {
        sv_rows_free(&r);
        sv_log(h->srv, "error", "store query failed", json_pack("{s:s}", "error", err.msg));
        return sv_send_err(c, 503, "the store is unavailable", "Retry-After", "5");
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < r.n; i++) {
        json_t *o = json_pack("{s:s, s:s, s:I, s:I, s:b, s:I}", "digest", sv_cell(&r, i, 0), "name", sv_cell(&r, i, 1),
                              "packages", (json_int_t)strtoll(sv_cell(&r, i, 2), NULL, 10), "created",
                              (json_int_t)strtoll(sv_cell(&r, i, 3), NULL, 10), "scanned", sv_cell(&r, i, 4) != NULL,
                              "findings", (json_int_t)strtoll(sv_cell(&r, i, 5), NULL, 10));
        if (sv_cell(&r, i, 6))
            json_object_set_new(o, "pass", json_boolean(!strcmp(sv_cell(&r, i, 6), "1")));
        json_array_append_new(arr, o);
    }
    sv_rows_free(&r);
    return sv_send_json(c, 200, json_pack("{s:o}", "images", arr));
}

static json_t *finding_json(const sv_rows *r, size_t i, int with_digest)
{
    json_t *o = json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s, s:b, s:I}", "id", sv_cell(r, i, 1), "advisories",
                          sv_cell(r, i, 2), "package", sv_cell(r, i, 3), "installed", sv_cell(r, i, 4), "fixed",
                          sv_cell(r, i, 5), "severity", sv_cell(r, i, 6), "kev", !strcmp(sv_cell(r, i, 8), "1"),
                          "firstSeen", (json_int_t)strtoll(sv_cell(r, i, 9), NULL, 10));
    if (sv_cell(r, i, 7))
        json_object_set_new(o, "score", json_real(strtod(sv_cell(r, i, 7), NULL)));
    if (r->ncols > 11) { /* epss, runtime */
        if (sv_cell(r, i, 10))
            json_object_set_new(o, "epss", json_real(strtod(sv_cell(r, i, 10), NULL)));
        json_error_t je;
        json_t *rt = sv_cell(r, i, 11) ? json_loads(sv_cell(r, i, 11), 0, &je) : NULL;
        if (rt)
            json_object_set_new(o, "cgate", json_pack("{s:o}", "runtime", rt));
    }
    if (with_digest)
        json_object_set_new(o, "image", json_string(sv_cell(r, i, 0)));
    return o;
}

enum MHD_Result sv_h_get_image(sv_http *h, struct MHD_Connection *c, const char *digest)
{
    if (!cg_digest_valid(digest))
        return sv_send_err(c, 400, "not a digest (sha256:<64 hex>)", NULL, NULL);
    const char *p[] = {digest};
    sv_rows img, fr, dr, rr;
    memset(&fr, 0, sizeof fr);
    memset(&dr, 0, sizeof dr);
    memset(&rr, 0, sizeof rr);
    cg_error err;
    cg_error_clear(&err);
    cg_status s = sv_exec(h->st, "SELECT name, ref, sbom, n_pkgs, created, scanned FROM images WHERE digest = $1", 1,
                          p, &img, &err);
    if (s == CG_OK)
        s = sv_exec(h->st,
                    "SELECT digest, vuln, advs, pkg, installed, fixed, severity, score, kev, first_seen, epss, runtime"
                    " FROM findings WHERE digest = $1 ORDER BY vuln, pkg, fkey",
                    1, p, &fr, &err);
    if (s == CG_OK)
        s = sv_exec(h->st,
                    "SELECT at, pass, reasons, policy, trigger, policy_path FROM decisions WHERE digest = $1"
                    " ORDER BY id DESC LIMIT 50",
                    1, p, &dr, &err);
    if (s == CG_OK)
        s = sv_exec(h->st, "SELECT sha256, format, summary, created FROM runtime WHERE digest = $1 ORDER BY created, sha256",
                    1, p, &rr, &err);
    enum MHD_Result ret;
    if (s != CG_OK) {
        ret = sv_send_err(c, 503, "the store is unavailable", "Retry-After", "5");
    } else if (img.n == 0) {
        ret = sv_send_err(c, 404, "no such image", NULL, NULL);
    } else {
        json_error_t je;
        json_t *sbom = json_loads(sv_cell(&img, 0, 2), 0, &je);
        json_t *fa = json_array(), *da = json_array();
        for (size_t i = 0; i < fr.n; i++)
            json_array_append_new(fa, finding_json(&fr, i, 0));
        for (size_t i = 0; i < dr.n; i++) {
            json_t *reasons = json_loads(sv_cell(&dr, i, 2), 0, &je);
            json_array_append_new(da, json_pack("{s:I, s:b, s:o, s:s?, s:s?, s:s}", "at",
                                                (json_int_t)strtoll(sv_cell(&dr, i, 0), NULL, 10), "pass",
                                                !strcmp(sv_cell(&dr, i, 1), "1"), "reasons",
                                                reasons ? reasons : json_array(), "policy", sv_cell(&dr, i, 3),
                                                "policyPath", sv_cell(&dr, i, 5), "trigger", sv_cell(&dr, i, 4)));
        }
        json_t *ra = json_array();
        for (size_t i = 0; i < rr.n; i++) {
            json_t *sum = sv_cell(&rr, i, 2) ? json_loads(sv_cell(&rr, i, 2), 0, &je) : NULL;
            json_t *o = json_pack("{s:s, s:s?, s:I}", "sha256", sv_cell(&rr, i, 0), "format", sv_cell(&rr, i, 1),
                                  "received", (json_int_t)strtoll(sv_cell(&rr, i, 3), NULL, 10));
            if (o && json_is_object(sum))
                json_object_update_missing(o, sum);
            json_decref(sum);
            json_array_append_new(ra, o);
        }
        ret = sv_send_json(c, 200,
                        json_pack("{s:s, s:s, s:s?, s:I, s:I, s:o, s:o, s:o, s:o}", "digest", digest, "name",
                                  sv_cell(&img, 0, 0), "ref", sv_cell(&img, 0, 1), "packages",
                                  (json_int_t)strtoll(sv_cell(&img, 0, 3), NULL, 10), "created",
                                  (json_int_t)strtoll(sv_cell(&img, 0, 4), NULL, 10), "sbom",
                                  sbom ? sbom : json_null(), "findings", fa, "decisions", da, "runtime", ra));
    }
    sv_rows_free(&rr);
    sv_rows_free(&img);
    sv_rows_free(&fr);
    sv_rows_free(&dr);
    return ret;
}

enum MHD_Result sv_h_findings(sv_http *h, struct MHD_Connection *c)
{
    const char *since = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "since");
    const char *sev = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "severity");
    long limit = qarg_long(c, "limit", 1000, 10000);
    int64_t t = 0;
    if (since) {
        char *e;
        long long v = strtoll(since, &e, 10);
        if (e != since && !*e && v >= 0)
            t = v;
        else if (cg_rfc3339_parse(since, &t) != 0)
            return sv_send_err(c, 400, "since: RFC 3339 time or seconds since the epoch", NULL, NULL);
    }
    cg_severity min = CG_SEV_UNKNOWN;
    if (sev && cg_severity_parse(sev, &min) != 0)
        return sv_send_err(c, 400, "severity: UNKNOWN, LOW, MEDIUM, HIGH or CRITICAL (the minimum)", NULL, NULL);
    if (limit < 0)
        return sv_send_err(c, 400, "limit must be a non-negative integer", NULL, NULL);
    char ts[24];
    const char *p[] = {sv_itoa(ts, t)};
    sv_rows r;
    cg_error err;
    cg_error_clear(&err);
    cg_status s = sv_exec(h->st,
                          "SELECT digest, vuln, advs, pkg, installed, fixed, severity, score, kev, first_seen"
                          " FROM findings WHERE first_seen >= $1 ORDER BY first_seen, digest, fkey",
                          1, p, &r, &err);
    if (s != CG_OK) {
        sv_rows_free(&r);
        return sv_send_err(c, 503, "the store is unavailable", "Retry-After", "5");
    }
    json_t *arr = json_array();
    size_t n = 0;
    for (size_t i = 0; i < r.n && n < (size_t)limit; i++) {
        cg_severity v = CG_SEV_UNKNOWN;
        cg_severity_parse(sv_cell(&r, i, 6), &v);
        if (v < min)
            continue;
        json_array_append_new(arr, finding_json(&r, i, 1));
        n++;
    }
    sv_rows_free(&r);
    return sv_send_json(c, 200, json_pack("{s:o}", "findings", arr));
}

enum MHD_Result sv_h_rematch(sv_http *h, struct MHD_Connection *c)
{
    char dd[64];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(dd, sizeof dd, "rematch:manual:%lld.%09ld", (long long)ts.tv_sec, ts.tv_nsec);
    int64_t id = 0;
    cg_error err;
    cg_error_clear(&err);
    if (sv_enqueue(h->st, "rematch", dd, "{\"reason\":\"api\"}", &id, &err) != CG_OK)
        return sv_send_store_refused(h, c, "the job", "enqueue failed", &err);
    sv_kick(h->srv);
    return sv_send_json(c, 202, json_pack("{s:I}", "job", (json_int_t)id));
}

static void metric(cg_buf *b, const char *name, const char *type, const char *help)
{
    cg_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

enum MHD_Result sv_h_metrics(sv_http *h, struct MHD_Connection *c)
{
    sv_server *srv = h->srv;
    cg_buf b = CG_BUF_INIT;
    cg_error err;
    cg_error_clear(&err);
    sv_rows r;
    pthread_mutex_lock(&srv->mu);
    uint64_t nreq = srv->n_requests, nnot = srv->n_notifications, done = srv->n_jobs_done,
             failed = srv->n_jobs_failed, remat = srv->n_rematched;
    double ssum = srv->scan_seconds_sum;
    uint64_t scnt = srv->scan_count;
    pthread_mutex_unlock(&srv->mu);
    metric(&b, "cgate_serve_requests_total", "counter", "HTTP requests handled by this process");
    cg_buf_printf(&b, "cgate_serve_requests_total %llu\n", (unsigned long long)nreq);
    metric(&b, "cgate_serve_notifications_total", "counter", "registry push events accepted by this process");
    cg_buf_printf(&b, "cgate_serve_notifications_total %llu\n", (unsigned long long)nnot);
    metric(&b, "cgate_serve_jobs_processed_total", "counter", "jobs run by this process, by outcome");
    cg_buf_printf(&b, "cgate_serve_jobs_processed_total{outcome=\"done\"} %llu\n", (unsigned long long)done);
    cg_buf_printf(&b, "cgate_serve_jobs_processed_total{outcome=\"failed\"} %llu\n", (unsigned long long)failed);
    metric(&b, "cgate_serve_scan_seconds", "summary", "time to scan and decide on one image");
    cg_buf_printf(&b, "cgate_serve_scan_seconds_sum %.6f\ncgate_serve_scan_seconds_count %llu\n", ssum,
                  (unsigned long long)scnt);
    metric(&b, "cgate_serve_rematched_images_total", "counter", "images re-matched after DB changes");
    cg_buf_printf(&b, "cgate_serve_rematched_images_total %llu\n", (unsigned long long)remat);
    metric(&b, "cgate_serve_jobs", "gauge", "jobs in the store, by kind and state");
    long long depth = 0;
    if (sv_exec(h->st, "SELECT kind, state, count(*) FROM jobs GROUP BY kind, state ORDER BY kind, state", 0, NULL,
                &r, &err) == CG_OK)
        for (size_t i = 0; i < r.n; i++) {
            cg_buf_printf(&b, "cgate_serve_jobs{kind=\"%s\",state=\"%s\"} %s\n", sv_cell(&r, i, 0), sv_cell(&r, i, 1),
                          sv_cell(&r, i, 2));
            if (!strcmp(sv_cell(&r, i, 1), "queued") || !strcmp(sv_cell(&r, i, 1), "running"))
                depth += strtoll(sv_cell(&r, i, 2), NULL, 10);
        }
    sv_rows_free(&r);
    metric(&b, "cgate_serve_queue_depth", "gauge", "jobs queued or running");
    cg_buf_printf(&b, "cgate_serve_queue_depth %lld\n", depth);
    metric(&b, "cgate_serve_findings", "gauge", "stored findings, by severity");
    if (sv_exec(h->st, "SELECT severity, count(*) FROM findings GROUP BY severity ORDER BY severity", 0, NULL, &r,
                &err) == CG_OK)
        for (size_t i = 0; i < r.n; i++)
            cg_buf_printf(&b, "cgate_serve_findings{severity=\"%s\"} %s\n", sv_cell(&r, i, 0), sv_cell(&r, i, 1));
    sv_rows_free(&r);
    static const char *const counts[][3] = {
        {"cgate_serve_images", "SELECT count(*) FROM images", "images in the inventory"},
        {"cgate_serve_alerts", "SELECT count(*) FROM alerts", "alerts recorded"},
        {"cgate_serve_dead_letters", "SELECT count(*) FROM dead_letters", "jobs given up on"},
    };
    for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
        metric(&b, counts[k][0], "gauge", counts[k][2]);
        if (sv_exec(h->st, counts[k][1], 0, NULL, &r, &err) == CG_OK && r.n)
            cg_buf_printf(&b, "%s %s\n", counts[k][0], sv_cell(&r, 0, 0));
        sv_rows_free(&r);
    }
    cg_vdb *db = NULL;
    if (sv_open_vdb(srv, &db, &err) == CG_OK && db) {
        cg_arena a;
        cg_arena_init(&a);
        cg_vdb_source_stat *stats;
        size_t n;
        int64_t newest = -1;
        if (cg_vdb_stats(db, &a, &stats, &n, &newest, &err) == CG_OK && newest >= 0) {
            metric(&b, "cgate_serve_db_age_seconds", "gauge", "age of the newest import in the vulnerability DB");
            cg_buf_printf(&b, "cgate_serve_db_age_seconds %lld\n", (long long)(sv_now() - newest));
        }
        cg_arena_free(&a);
        cg_vdb_close(db);
    }
    enum MHD_Result ret = sv_send_body(c, 200, "text/plain; version=0.0.4", cg_buf_str(&b), b.len, NULL, NULL);
    cg_buf_free(&b);
    return ret;
}

enum MHD_Result sv_h_healthz(sv_http *h, struct MHD_Connection *c)
{
    cg_error err;
    cg_error_clear(&err);
    if (sv_exec(h->st, "SELECT 1", 0, NULL, NULL, &err) != CG_OK)
        return sv_send_json(c, 503, json_pack("{s:s, s:s}", "status", "store unavailable", "store",
                                           sv_store_kind(h->st)));
    return sv_send_json(c, 200, json_pack("{s:s, s:s}", "status", "ok", "store", sv_store_kind(h->st)));
}


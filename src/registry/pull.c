/*
 * pull.c - reading from a registry: manifests (by tag or digest, OCI and
 * Docker types), tag resolution, blob HEAD, small blobs into memory and big
 * blobs as verified streams.  Every byte received is hashed here and
 * compared with the digest asked for; sizes are capped before and while
 * bytes arrive.  Nothing here interprets a manifest (registry_transport.c
 * and push.c do).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "registry/registry_internal.h"

#define ACCEPT_MANIFESTS CG_MT_OCI_MANIFEST ", " CG_MT_OCI_INDEX ", " CG_MT_DOCKER_MANIFEST ", " CG_MT_DOCKER_LIST

static int reference_ok(const char *ref)
{
    if (cg_digest_valid(ref))
        return 1;
    cg_ref tmp;
    char probe[CG_REF_TAG_MAX + 16];
    cg_error e;
    if (!ref || strlen(ref) >= CG_REF_TAG_MAX)
        return 0;
    snprintf(probe, sizeof probe, "x.y/z:%s", ref);
    return cg_ref_parse(probe, &tmp, &e) == CG_OK && !strcmp(tmp.tag, ref);
}

static void what_of(const cg_ref *repo, const char *kind, const char *reference, char *buf, size_t n)
{
    snprintf(buf, n, "%s/%s%s%s %s", repo->registry, repo->repository, cg_digest_valid(reference) ? "@" : ":",
             reference, kind);
}

static cg_status prep(cg_registry *r, const cg_ref *repo, const char *kind, const char *reference, cg_buf *url,
                      char *what, size_t wn, char *scope, size_t sn, cg_error *err)
{
    if (!reference_ok(reference))
        return cg_error_set(err, CG_ERR_USAGE, "%s/%s: invalid tag or digest \"%.100s\"", repo->registry,
                            repo->repository, reference ? reference : "(null)");
    what_of(repo, !strcmp(kind, "manifests/") ? "manifest" : "blob", reference, what, wn);
    snprintf(scope, sn, "repository:%s:pull", repo->repository);
    char suffix[CG_REF_TAG_MAX + 32];
    snprintf(suffix, sizeof suffix, "%s%s", kind, reference);
    return reg_url(r, repo->registry, repo->repository, suffix, url, err);
}

void cg_manifest_free(cg_manifest *m)
{
    if (m) {
        free(m->data);
        memset(m, 0, sizeof *m);
    }
}

static void media_type_of(const reg_resp *resp, const char *data, size_t len, char out[128])
{
    size_t n = strcspn(resp->content_type, "; ");
    snprintf(out, 128, "%.*s", (int)(n < 127 ? n : 127), resp->content_type);
    if (!strcmp(out, "application/json") || !strcmp(out, "text/plain") || !out[0]) {
        json_t *doc = NULL;
        cg_error e;
        out[0] = 0;
        if (cg_json_parse(data, len, "manifest", &doc, &e) == CG_OK) {
            const char *mt = cg_json_str(doc, "mediaType");
            if (mt && strlen(mt) < 128)
                snprintf(out, 128, "%s", mt);
        }
        json_decref(doc);
    }
}

cg_status cg_registry_get_manifest(cg_registry *r, const cg_ref *repo, const char *reference, unsigned flags,
                                   cg_manifest *out, cg_error *err)
{
    memset(out, 0, sizeof *out);
    if (!reference)
        reference = cg_ref_reference(repo);
    cg_buf url = CG_BUF_INIT;
    char what[600], scope[CG_REF_REPO_MAX + 32];
    cg_status s = prep(r, repo, "manifests/", reference, &url, what, sizeof what, scope, sizeof scope, err);
    reg_req q = {.method = "GET", .url = url.data, .host = repo->registry, .scope = scope,
                   .accept = ACCEPT_MANIFESTS, .max_body = r->o.max_manifest_bytes, .small = 1, .what = what};
    reg_resp resp;
    reg_resp_init(&resp);
    if (s == CG_OK)
        s = reg_do(r, &q, &resp, NULL, err);
    if (s == CG_OK && resp.status == 404 && (flags & CG_REG_MISSING_OK)) {
        out->found = 0;
    } else if (s == CG_OK && resp.status != 200) {
        s = reg_status_error(&q, &resp, err);
    } else if (s == CG_OK) {
        if (resp.content_length >= 0 && (uint64_t)resp.content_length != resp.body.len)
            s = cg_error_set(err, CG_ERR_NETWORK, "%s: %zu bytes received, Content-Length says %lld", what,
                             resp.body.len, (long long)resp.content_length);
        if (s == CG_OK)
            s = cg_sha256_str(resp.body.data ? resp.body.data : "", resp.body.len, out->digest);
        if (s == CG_OK && cg_digest_valid(reference) && strcmp(out->digest, reference))
            s = cg_error_set(err, CG_ERR_NETWORK, "%s: content has digest %s", what, out->digest);
        if (s == CG_OK) {
            out->found = 1;
            media_type_of(&resp, resp.body.data ? resp.body.data : "", resp.body.len, out->media_type);
            out->len = resp.body.len;
            if (!resp.body.data)
                cg_buf_puts(&resp.body, "");
            out->data = cg_buf_detach(&resp.body, NULL);
            if (!out->data)
                s = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        }
        r->stats.bytes_downloaded += out->len;
    }
    reg_resp_free(&resp);
    cg_buf_free(&url);
    if (s != CG_OK)
        cg_manifest_free(out);
    return s;
}

cg_status cg_registry_head_manifest(cg_registry *r, const cg_ref *repo, const char *reference, unsigned flags,
                                    int *found, char digest[CG_REF_DIGEST_MAX], char media_type[128],
                                    int64_t *size, cg_error *err)
{
    *found = 0;
    if (digest)
        digest[0] = 0;
    if (media_type)
        media_type[0] = 0;
    if (size)
        *size = -1;
    if (!reference)
        reference = cg_ref_reference(repo);
    cg_buf url = CG_BUF_INIT;
    char what[600], scope[CG_REF_REPO_MAX + 32];
    cg_status s = prep(r, repo, "manifests/", reference, &url, what, sizeof what, scope, sizeof scope, err);
    reg_req q = {.method = "HEAD", .url = url.data, .host = repo->registry, .scope = scope,
                   .accept = ACCEPT_MANIFESTS, .small = 1, .what = what};
    reg_resp resp;
    reg_resp_init(&resp);
    if (s == CG_OK)
        s = reg_do(r, &q, &resp, NULL, err);
    if (s == CG_OK && resp.status == 404 && (flags & CG_REG_MISSING_OK)) {
        *found = 0;
    } else if (s == CG_OK && resp.status != 200) {
        s = reg_status_error(&q, &resp, err);
    } else if (s == CG_OK) {
        *found = 1;
        if (digest && cg_digest_valid(resp.docker_digest))
            snprintf(digest, CG_REF_DIGEST_MAX, "%s", resp.docker_digest);
        if (media_type) {
            size_t n = strcspn(resp.content_type, "; ");
            snprintf(media_type, 128, "%.*s", (int)(n < 127 ? n : 127), resp.content_type);
        }
        if (size)
            *size = resp.content_length;
    }
    reg_resp_free(&resp);
    cg_buf_free(&url);
    return s;
}

cg_status cg_registry_resolve(cg_registry *r, const cg_ref *ref, char digest[CG_REF_DIGEST_MAX], cg_error *err)
{
    cg_manifest m;
    cg_status s = cg_registry_get_manifest(r, ref, NULL, 0, &m, err);
    if (s == CG_OK)
        snprintf(digest, CG_REF_DIGEST_MAX, "%s", m.digest);
    cg_manifest_free(&m);
    return s;
}

cg_status cg_registry_head_blob(cg_registry *r, const cg_ref *repo, const char *digest, int64_t *size, cg_error *err)
{
    *size = -1;
    if (!cg_digest_valid(digest))
        return cg_error_set(err, CG_ERR_USAGE, "invalid blob digest \"%.100s\"", digest ? digest : "(null)");
    cg_buf url = CG_BUF_INIT;
    char what[600], scope[CG_REF_REPO_MAX + 32];
    cg_status s = prep(r, repo, "blobs/", digest, &url, what, sizeof what, scope, sizeof scope, err);
    reg_req q = {.method = "HEAD", .url = url.data, .host = repo->registry, .scope = scope, .small = 1, .what = what};
    reg_resp resp;
    reg_resp_init(&resp);
    if (s == CG_OK)
        s = reg_do(r, &q, &resp, NULL, err);
    if (s == CG_OK && resp.status == 200)
        *size = resp.content_length >= 0 ? resp.content_length : 0;
    else if (s == CG_OK && resp.status != 404)
        s = reg_status_error(&q, &resp, err);
    reg_resp_free(&resp);
    cg_buf_free(&url);
    return s;
}

/* ---- streamed blobs ---- */

struct cg_blob_reader {
    cg_registry *r;
    reg_stream *st;
    reg_resp resp;
    cg_sha256 h;
    int hashing;
    uint64_t got, cap;
    int64_t size;
    int finished, failed;
    char digest[CG_REF_DIGEST_MAX];
    char what[600];
};

cg_status cg_registry_open_blob(cg_registry *r, const cg_ref *repo, const char *digest, int64_t size,
                                cg_blob_reader **out, cg_error *err)
{
    *out = NULL;
    if (!cg_digest_valid(digest))
        return cg_error_set(err, CG_ERR_USAGE, "invalid blob digest \"%.100s\"", digest ? digest : "(null)");
    if (size >= 0 && (uint64_t)size > r->o.max_blob_bytes)
        return cg_error_set(err, CG_ERR_LIMIT, "%s/%s blob %s is %lld bytes, over the %llu-byte cap", repo->registry,
                            repo->repository, digest, (long long)size, (unsigned long long)r->o.max_blob_bytes);
    cg_blob_reader *b = calloc(1, sizeof *b);
    if (!b)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    b->r = r;
    b->size = size;
    b->cap = size >= 0 ? (uint64_t)size : r->o.max_blob_bytes;
    snprintf(b->digest, sizeof b->digest, "%s", digest);
    reg_resp_init(&b->resp);
    cg_buf url = CG_BUF_INIT;
    char scope[CG_REF_REPO_MAX + 32];
    cg_status s = prep(r, repo, "blobs/", digest, &url, b->what, sizeof b->what, scope, sizeof scope, err);
    reg_req q = {.method = "GET", .url = url.data, .host = repo->registry, .scope = scope, .stream = 1,
                   .what = b->what, .max_body = b->cap};
    if (s == CG_OK)
        s = reg_do(r, &q, &b->resp, &b->st, err);
    if (s == CG_OK && b->resp.status != 200)
        s = reg_status_error(&q, &b->resp, err);
    if (s == CG_OK && size >= 0 && b->resp.content_length >= 0 && b->resp.content_length != size)
        s = cg_error_set(err, CG_ERR_NETWORK, "%s: Content-Length %lld, but the manifest says %lld bytes", b->what,
                         (long long)b->resp.content_length, (long long)size);
    if (s == CG_OK) {
        s = cg_sha256_init(&b->h);
        b->hashing = s == CG_OK;
        if (s != CG_OK)
            cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    }
    cg_buf_free(&url);
    if (s != CG_OK) {
        cg_blob_reader_close(b);
        return s;
    }
    *out = b;
    return CG_OK;
}

ssize_t cg_blob_reader_read(cg_blob_reader *b, void *buf, size_t n, cg_error *err)
{
    if (b->failed) {
        cg_error_set(err, CG_ERR_NETWORK, "%s: read after a failure", b->what);
        return -1;
    }
    if (b->finished)
        return 0;
    ssize_t k = reg_stream_read(b->st, buf, n, err);
    if (k < 0) {
        b->failed = 1;
        return -1;
    }
    if (k == 0) {
        char got[CG_DIGEST_STR_LEN + 1];
        b->hashing = 0;
        cg_sha256_final_str(&b->h, got);
        if (b->size >= 0 && b->got != (uint64_t)b->size) {
            b->failed = 1;
            cg_error_set(err, CG_ERR_NETWORK, "%s: ended after %llu of %lld bytes", b->what,
                         (unsigned long long)b->got, (long long)b->size);
            return -1;
        }
        if (strcmp(got, b->digest)) {
            b->failed = 1;
            cg_error_set(err, CG_ERR_NETWORK, "%s: content has digest %s", b->what, got);
            return -1;
        }
        b->finished = 1;
        return 0;
    }
    b->got += (uint64_t)k;
    if (b->got > b->cap) {
        b->failed = 1;
        if (b->size >= 0)
            cg_error_set(err, CG_ERR_NETWORK, "%s: more than the %lld bytes the manifest says", b->what, (long long)b->size);
        else
            cg_error_set(err, CG_ERR_NETWORK, "%s: over the %llu-byte blob cap", b->what, (unsigned long long)b->cap);
        return -1;
    }
    cg_sha256_update(&b->h, buf, (size_t)k);
    return k;
}

void cg_blob_reader_close(cg_blob_reader *b)
{
    if (!b)
        return;
    if (b->hashing)
        cg_sha256_dispose(&b->h);
    reg_stream_free(b->st);
    reg_resp_free(&b->resp);
    free(b);
}

cg_status cg_registry_get_blob_small(cg_registry *r, const cg_ref *repo, const char *digest, uint64_t max,
                                     cg_buf *out, cg_error *err)
{
    cg_buf_reset(out);
    if (!max)
        max = 4u << 20;
    if (!cg_digest_valid(digest))
        return cg_error_set(err, CG_ERR_USAGE, "invalid blob digest \"%.100s\"", digest ? digest : "(null)");
    cg_buf url = CG_BUF_INIT;
    char what[600], scope[CG_REF_REPO_MAX + 32];
    cg_status s = prep(r, repo, "blobs/", digest, &url, what, sizeof what, scope, sizeof scope, err);
    reg_req q = {.method = "GET", .url = url.data, .host = repo->registry, .scope = scope, .small = 1,
                   .max_body = max, .what = what};
    reg_resp resp;
    reg_resp_init(&resp);
    if (s == CG_OK)
        s = reg_do(r, &q, &resp, NULL, err);
    if (s == CG_OK && resp.status != 200)
        s = reg_status_error(&q, &resp, err);
    char got[CG_DIGEST_STR_LEN + 1];
    if (s == CG_OK)
        s = cg_sha256_str(resp.body.data ? resp.body.data : "", resp.body.len, got);
    if (s == CG_OK && strcmp(got, digest))
        s = cg_error_set(err, CG_ERR_NETWORK, "%s: content has digest %s", what, got);
    if (s == CG_OK) {
        s = cg_buf_append(out, resp.body.data ? resp.body.data : "", resp.body.len);
        r->stats.bytes_downloaded += resp.body.len;
    }
    reg_resp_free(&resp);
    cg_buf_free(&url);
    return s;
}

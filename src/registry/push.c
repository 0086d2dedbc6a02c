/*
 * push.c - writing to a registry: blob uploads (POST a session, then one
 * PUT, or PATCH chunks and a closing PUT: distribution 2.8 stores nothing
 * for a single-request POST upload), cross-repository mounts (HEAD before
 * each upload) and manifests.  Bytes sent are hashed on the way so a source
 * that does not match its digest is never committed under it.  Reading an image from its source and
 * pushing it whole is src/copy's business (push_image.c there).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "registry/blob_cache.h"
#include "registry/registry_internal.h"

static void blob_what(const cg_ref *repo, const char *digest, char *buf, size_t n)
{
    snprintf(buf, n, "%s/%s blob %s", repo->registry, repo->repository, digest);
}

/* POST an upload session (or a mount); *loc = the absolute upload URL. */
static cg_status start_upload(cg_registry *r, const cg_ref *repo, const char *query, const char *scope,
                              const char *what, long *status, cg_buf *loc, cg_error *err)
{
    cg_buf url = CG_BUF_INIT;
    char suffix[CG_REF_REPO_MAX + 200];
    snprintf(suffix, sizeof suffix, "blobs/uploads/%s", query ? query : "");
    cg_status s = reg_url(r, repo->registry, repo->repository, suffix, &url, err);
    reg_req q = {.method = "POST", .url = url.data, .host = repo->registry, .scope = scope, .small = 1, .what = what};
    reg_resp resp;
    reg_resp_init(&resp);
    if (s == CG_OK)
        s = reg_do(r, &q, &resp, NULL, err);
    if (s == CG_OK) {
        *status = resp.status;
        if (resp.status == 202) {
            if (!resp.location[0])
                s = cg_error_set(err, CG_ERR_NETWORK, "%s: upload session without a Location", what);
            else
                s = reg_resolve_location(url.data, resp.location, loc, err);
        } else if (resp.status != 201) {
            s = reg_status_error(&q, &resp, err);
        }
    }
    reg_resp_free(&resp);
    cg_buf_free(&url);
    return s;
}

/* A PUT/PATCH/DELETE to an upload URL; returns the response (status checked by the caller). */
static cg_status upload_req(cg_registry *r, const cg_ref *repo, const char *method, const char *url,
                            const char *scope, const char *what, reg_req *tmpl, reg_resp *resp, cg_error *err)
{
    reg_req q = *tmpl;
    q.method = method;
    q.url = url;
    q.scope = scope;
    q.what = what;
    char regurl[CG_REF_HOST_MAX + 16];
    cg_buf base = CG_BUF_INIT;
    cg_status s = reg_url(r, repo->registry, NULL, "", &base, err);
    (void)regurl;
    /* credentials only when the upload URL is on the registry itself */
    q.host = s == CG_OK && reg_same_origin(base.data, url) ? repo->registry : NULL;
    cg_buf_free(&base);
    if (s == CG_OK)
        s = reg_do(r, &q, resp, NULL, err);
    return s;
}

static cg_status add_digest_param(cg_buf *url, const char *digest, cg_error *err)
{
    cg_status s = cg_buf_printf(url, "%cdigest=%s", strchr(url->data, '?') ? '&' : '?', digest);
    if (s != CG_OK)
        return cg_error_set(err, s, "out of memory");
    /* "sha256:" needs no escaping in a query, but ':' is kept as the registry expects */
    return CG_OK;
}

typedef struct chunk_src {
    const cg_upload_source *src;
    uint64_t left;
} chunk_src;

static ssize_t chunk_read(void *ud, void *buf, size_t n, cg_error *err)
{
    chunk_src *c = ud;
    if (!c->left)
        return 0;
    if (n > c->left)
        n = (size_t)c->left;
    ssize_t k = c->src->read(c->src->ud, buf, n, err);
    if (k > 0)
        c->left -= (uint64_t)k;
    return k;
}

static cg_status cancel_upload(cg_registry *r, const cg_ref *repo, const char *url, const char *scope)
{
    reg_req t;
    memset(&t, 0, sizeof t);
    t.small = 1;
    reg_resp resp;
    reg_resp_init(&resp);
    cg_error e;
    cg_status s = upload_req(r, repo, "DELETE", url, scope, "cancel upload", &t, &resp, &e);
    reg_resp_free(&resp);
    return s;
}

cg_status cg_registry_put_blob(cg_registry *r, const cg_ref *repo, const char *digest, uint64_t size,
                               const cg_upload_source *src, cg_error *err)
{
    if (!cg_digest_valid(digest))
        return cg_error_set(err, CG_ERR_USAGE, "invalid blob digest \"%.100s\"", digest ? digest : "(null)");
    char what[600], scope[CG_REF_REPO_MAX + 40];
    blob_what(repo, digest, what, sizeof what);
    snprintf(scope, sizeof scope, "repository:%s:pull,push", repo->repository);
    cg_buf loc = CG_BUF_INIT;
    long st = 0;
    cg_status s = start_upload(r, repo, NULL, scope, what, &st, &loc, err);
    if (s == CG_OK && st != 202)
        s = cg_error_set(err, CG_ERR_NETWORK, "%s: upload session answered HTTP %ld", what, st);
    cg_sha256 h;
    int hashing = 0;
    if (s == CG_OK) {
        s = cg_sha256_init(&h);
        hashing = s == CG_OK;
    }
    reg_req t;
    memset(&t, 0, sizeof t);
    t.content_type = "application/octet-stream";
    t.src_hash = &h;
    reg_resp resp;
    reg_resp_init(&resp);
    if (s == CG_OK && size <= r->o.chunk_bytes) {
        /* monolithic: one PUT with the bytes and the digest */
        t.src = src;
        t.src_len = size;
        s = add_digest_param(&loc, digest, err);
        if (s == CG_OK)
            s = upload_req(r, repo, "PUT", loc.data, scope, what, &t, &resp, err);
        if (s == CG_OK && resp.status != 201)
            s = reg_status_error(&t, &resp, err), cg_error_prefix(err, "%s", what);
    } else if (s == CG_OK) {
        uint64_t off = 0;
        while (s == CG_OK && off < size) {
            uint64_t n = size - off < r->o.chunk_bytes ? size - off : r->o.chunk_bytes;
            chunk_src cs = {src, n};
            cg_upload_source sub = {chunk_read, NULL, &cs};
            char range[64];
            snprintf(range, sizeof range, "%llu-%llu", (unsigned long long)off, (unsigned long long)(off + n - 1));
            reg_req c = t;
            c.src = &sub;
            c.src_len = n;
            c.content_range = range;
            reg_resp_free(&resp);
            reg_resp_init(&resp);
            s = upload_req(r, repo, "PATCH", loc.data, scope, what, &c, &resp, err);
            if (s == CG_OK && resp.status != 202)
                s = reg_status_error(&c, &resp, err);
            if (s == CG_OK && resp.location[0]) {
                cg_buf next = CG_BUF_INIT;
                s = reg_resolve_location(loc.data, resp.location, &next, err);
                if (s == CG_OK) {
                    cg_buf_free(&loc);
                    loc = next;
                } else
                    cg_buf_free(&next);
            }
            off += n;
        }
        char got[CG_DIGEST_STR_LEN + 1];
        if (s == CG_OK) {
            hashing = 0;
            cg_sha256_final_str(&h, got);
            if (strcmp(got, digest)) {
                cancel_upload(r, repo, loc.data, scope);
                s = cg_error_set(err, CG_ERR_INPUT, "%s: the source's bytes have digest %s; upload cancelled", what, got);
            }
        }
        if (s == CG_OK)
            s = add_digest_param(&loc, digest, err);
        if (s == CG_OK) {
            reg_req fin = t;
            fin.src_hash = NULL;
            reg_resp_free(&resp);
            reg_resp_init(&resp);
            s = upload_req(r, repo, "PUT", loc.data, scope, what, &fin, &resp, err);
            if (s == CG_OK && resp.status != 201)
                s = reg_status_error(&fin, &resp, err);
        }
    }
    if (s == CG_OK && hashing) {
        char got[CG_DIGEST_STR_LEN + 1];
        hashing = 0;
        cg_sha256_final_str(&h, got);
        if (strcmp(got, digest))
            s = cg_error_set(err, CG_ERR_INPUT, "%s: the source's bytes have digest %s", what, got);
    }
    if (hashing)
        cg_sha256_dispose(&h);
    if (s == CG_OK)
        r->stats.blobs_uploaded++;
    reg_resp_free(&resp);
    cg_buf_free(&loc);
    return s;
}

typedef struct mem_src {
    const unsigned char *p;
    size_t len, off;
} mem_src;

static ssize_t mem_read(void *ud, void *buf, size_t n, cg_error *err)
{
    (void)err;
    mem_src *m = ud;
    size_t k = m->len - m->off < n ? m->len - m->off : n;
    memcpy(buf, m->p + m->off, k);
    m->off += k;
    return (ssize_t)k;
}

static cg_status mem_rewind(void *ud, cg_error *err)
{
    (void)err;
    ((mem_src *)ud)->off = 0;
    return CG_OK;
}

cg_status cg_registry_put_blob_buf(cg_registry *r, const cg_ref *repo, const char *digest, const void *data,
                                   size_t len, cg_error *err)
{
    mem_src m = {data, len, 0};
    cg_upload_source src = {mem_read, mem_rewind, &m};
    return cg_registry_put_blob(r, repo, digest, len, &src, err);
}

cg_status cg_registry_mount_blob(cg_registry *r, const cg_ref *repo, const char *digest, const char *from_repo,
                                 int *mounted, cg_error *err)
{
    *mounted = 0;
    cg_ref from;
    char probe[CG_REF_HOST_MAX + CG_REF_REPO_MAX + 8];
    snprintf(probe, sizeof probe, "x.y/%.255s", from_repo ? from_repo : "");
    if (!cg_digest_valid(digest) || !from_repo || cg_ref_parse(probe, &from, err) != CG_OK)
        return cg_error_set(err, CG_ERR_USAGE, "mount: invalid digest or source repository");
    char what[600], scope[2 * CG_REF_REPO_MAX + 64], query[CG_REF_REPO_MAX + 120];
    blob_what(repo, digest, what, sizeof what);
    snprintf(scope, sizeof scope, "repository:%s:pull,push repository:%s:pull", repo->repository, from_repo);
    snprintf(query, sizeof query, "?mount=%s&from=%s", digest, from_repo);
    cg_buf loc = CG_BUF_INIT;
    long st = 0;
    cg_status s = start_upload(r, repo, query, scope, what, &st, &loc, err);
    if (s == CG_OK && st == 201) {
        *mounted = 1;
        r->stats.blobs_mounted++;
    } else if (s == CG_OK && st == 202) {
        cancel_upload(r, repo, loc.data, scope);
    }
    cg_buf_free(&loc);
    return s;
}

/* The blob-location cache of r, opened on first use (NULL when disabled). */
static bc_cache *blob_cache(cg_registry *r)
{
    if (!r->blob_cache_opened) {
        r->blob_cache_opened = 1;
        r->blob_cache = bc_open(NULL);
    }
    return r->blob_cache;
}

cg_status cg_registry_push_blob(cg_registry *r, const cg_ref *repo, const char *digest, uint64_t size,
                                const char *from_repo, const cg_upload_source *src, const char **what,
                                cg_error *err)
{
    int64_t have;
    cg_status s = cg_registry_head_blob(r, repo, digest, &have, err);
    if (s != CG_OK)
        return s;
    bc_cache *bc = blob_cache(r);
    if (have >= 0) {
        r->stats.blobs_skipped++;
        bc_note(bc, repo->registry, repo->repository, digest);
        if (what)
            *what = "exists";
        return CG_OK;
    }
    /* a mount from the source repository, else from where this blob was last
     * seen on this registry (a hint: a refusal or a failure means upload) */
    int hinted = 0;
    if (!from_repo || !strcmp(from_repo, repo->repository)) {
        from_repo = bc_lookup(bc, repo->registry, digest, repo->repository);
        hinted = from_repo != NULL;
    }
    if (from_repo && strcmp(from_repo, repo->repository)) {
        int mounted = 0;
        cg_error me;
        cg_error_clear(&me);
        s = cg_registry_mount_blob(r, repo, digest, from_repo, &mounted, hinted ? &me : err);
        if (s != CG_OK && !hinted)
            return s;
        if (s == CG_OK && mounted) {
            bc_note(bc, repo->registry, repo->repository, digest);
            if (what)
                *what = "mounted";
            return CG_OK;
        }
        s = CG_OK;
    }
    if (src->rewind) /* a source opened lazily opens here: a blob already there is never read */
        s = src->rewind(src->ud, err);
    if (s == CG_OK)
        s = cg_registry_put_blob(r, repo, digest, size, src, err);
    if (s == CG_OK)
        bc_note(bc, repo->registry, repo->repository, digest);
    if (s == CG_OK && what)
        *what = "uploaded";
    return s;
}

cg_status cg_registry_push_blob_buf(cg_registry *r, const cg_ref *repo, const char *digest, const void *data,
                                    size_t len, const char *from_repo, const char **what, cg_error *err)
{
    mem_src m = {data, len, 0};
    cg_upload_source src = {mem_read, mem_rewind, &m};
    return cg_registry_push_blob(r, repo, digest, len, from_repo, &src, what, err);
}

cg_status cg_registry_put_manifest(cg_registry *r, const cg_ref *repo, const char *reference,
                                   const char *media_type, const void *data, size_t len,
                                   char digest_out[CG_REF_DIGEST_MAX], cg_error *err)
{
    char d[CG_DIGEST_STR_LEN + 1];
    if (cg_sha256_str(data, len, d) != CG_OK)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    if (digest_out)
        snprintf(digest_out, CG_REF_DIGEST_MAX, "%s", d);
    if (!media_type || !*media_type || strlen(media_type) > 120 || strpbrk(media_type, "\r\n"))
        return cg_error_set(err, CG_ERR_USAGE, "put manifest: invalid media type");
    if (len > r->o.max_manifest_bytes)
        return cg_error_set(err, CG_ERR_LIMIT, "manifest of %zu bytes is over the %llu-byte cap", len,
                            (unsigned long long)r->o.max_manifest_bytes);
    if (cg_digest_valid(reference) && strcmp(reference, d))
        return cg_error_set(err, CG_ERR_USAGE, "put manifest: reference %s is not the manifest's digest %s", reference, d);
    cg_buf url = CG_BUF_INIT;
    char what[600], scope[CG_REF_REPO_MAX + 40], suffix[CG_REF_TAG_MAX + 32];
    snprintf(what, sizeof what, "%s/%s%s%s manifest", repo->registry, repo->repository,
             cg_digest_valid(reference) ? "@" : ":", reference ? reference : "");
    snprintf(scope, sizeof scope, "repository:%s:pull,push", repo->repository);
    cg_ref probe;
    char pr[CG_REF_TAG_MAX + 16];
    snprintf(pr, sizeof pr, "x.y/z:%.128s", reference ? reference : "");
    if (!reference || (!cg_digest_valid(reference) && (cg_ref_parse(pr, &probe, err) != CG_OK || strcmp(probe.tag, reference))))
        return cg_error_set(err, CG_ERR_USAGE, "put manifest: invalid tag or digest \"%.100s\"", reference ? reference : "");
    snprintf(suffix, sizeof suffix, "manifests/%s", reference);
    cg_status s = reg_url(r, repo->registry, repo->repository, suffix, &url, err);
    reg_req q = {.method = "PUT", .url = url.data, .host = repo->registry, .scope = scope,
                   .content_type = media_type, .body = data, .body_len = len, .small = 1, .what = what};
    reg_resp resp;
    reg_resp_init(&resp);
    if (s == CG_OK)
        s = reg_do(r, &q, &resp, NULL, err);
    if (s == CG_OK && resp.status != 201 && resp.status != 200)
        s = reg_status_error(&q, &resp, err);
    if (s == CG_OK && resp.docker_digest[0] && strcmp(resp.docker_digest, d))
        s = cg_error_set(err, CG_ERR_NETWORK, "%s: the registry stored it as %s, not %s", what, resp.docker_digest, d);
    reg_resp_free(&resp);
    cg_buf_free(&url);
    return s;
}

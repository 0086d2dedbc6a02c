/*
 * attach.c - signatures and attestations in a registry (cosign's tag
 * storage), joining sign.h's byte formats to registry.h's client.
 *
 * Writing is read-append-write-read: the manifest now under the tag is
 * read, one layer appended (cg_sigman_append), the layer blob and the new
 * config pushed, the manifest put under the tag, and read back; when the
 * read-back manifest lacks the layer (another writer replaced it in
 * between) the whole round is tried again.  A signature this key already
 * made over the same payload (or an attestation over the same statement) is
 * found first and nothing is written, so re-running `cgate sign` in CI does
 * not grow the manifest towards its cap.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/base64.h"
#include "cgate/attach.h"
#include "core/digest.h"
#include "core/json.h"
#include "sign/sign_internal.h"

#define ATTACH_ROUNDS 3

/* The reason a verification found nothing (truncated to fit). */
static void set_reason(cg_verify_result *res, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_reason(cg_verify_result *res, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(res->reason, sizeof res->reason, fmt, ap);
    va_end(ap);
}

void cg_attach_identity(const cg_ref *repo, char *buf, size_t n)
{
    const char *host = strcmp(repo->registry, "docker.io") ? repo->registry : "index.docker.io";
    snprintf(buf, n, "%s/%s", host, repo->repository);
}

typedef struct fetch_ctx {
    cg_registry *r;
    const cg_ref *repo;
} fetch_ctx;

/* cg_blob_fetch_fn over the registry client: blobs of the image's repository. */
static cg_status fetch_blob(void *ud, const char *digest, size_t max, cg_buf *out, cg_error *err)
{
    fetch_ctx *c = ud;
    return cg_registry_get_blob_small(c->r, c->repo, digest, max, out, err);
}

/* What one kind of attachment needs: the tag suffix, the layer's media type
 * and annotations, and how to recognise an equivalent existing layer. */
typedef struct attach_kind {
    const char *suffix;     /* "sig" / "att" */
    const char *media_type;
    const cg_annotation *ann;
    size_t n_ann;
    const cg_buf *blob;     /* the layer's bytes */
    /* true when existing layer d (already known to have our media type)
     * is one this key made over the same content: no need to add ours */
    bool (*equivalent)(const struct attach_kind *k, const json_t *d, fetch_ctx *fc);
    const cg_sign_key *key;
    const char *digest;         /* the image digest */
    const char *predicate_type; /* attestations */
    const cg_buf *content;      /* the payload / statement signed */
    char blob_digest[CG_DIGEST_STR_LEN + 1]; /* sha256 of blob, set once by attach() */
} attach_kind;

/* A signature layer over exactly our payload (for a signature the layer's
 * blob is the payload) whose signature verifies under our key. */
static bool same_signature(const attach_kind *k, const json_t *d, fetch_ctx *fc)
{
    (void)fc;
    const char *dd = cg_json_str(d, "digest");
    const char *sig = cg_json_str(json_object_get(d, "annotations"), CG_COSIGN_SIG_ANNOTATION);
    if (!dd || !sig || strcmp(dd, k->blob_digest))
        return false;
    cg_buf der = CG_BUF_INIT;
    cg_error e;
    bool ok = cg_base64_decode(sig, strlen(sig), &der, &e) == CG_OK &&
              cg_key_verify(k->key, k->content->data, k->content->len, der.data, der.len);
    cg_buf_free(&der);
    return ok;
}

/* An attestation of our predicate type whose envelope verifies under our key
 * and carries exactly our statement (fetched: envelopes are not deterministic). */
static bool same_attestation(const attach_kind *k, const json_t *d, fetch_ctx *fc)
{
    const char *pt = cg_json_str(json_object_get(d, "annotations"), "predicateType");
    if (!pt || strcmp(pt, k->predicate_type))
        return false;
    cg_buf env = CG_BUF_INIT, stmt = CG_BUF_INIT;
    cg_error e;
    cg_error_clear(&e);
    bool same = cg_sigman_fetch(d, CG_ATTEST_MAX_ENVELOPE, fetch_blob, fc, &env, &e) == CG_OK &&
                cg_dsse_envelope_check((const uint8_t *)env.data, env.len, k->digest, k->predicate_type, k->key,
                                       &stmt, &e) == CG_OK &&
                stmt.len == k->content->len && !memcmp(stmt.data, k->content->data, stmt.len);
    cg_buf_free(&env);
    cg_buf_free(&stmt);
    return same;
}

/* Is an equivalent layer already in manifest m?  A manifest cgate cannot
 * read is left to cg_sigman_append to refuse with its reason. */
static bool already_there(const attach_kind *k, const cg_manifest *m, fetch_ctx *fc, cg_attach_result *res)
{
    json_t *root, *layers;
    cg_error e;
    if (!m->found || cg_sigman_parse((const uint8_t *)m->data, m->len, &root, &layers, &e) != CG_OK)
        return false;
    bool found = false;
    for (size_t i = 0; i < json_array_size(layers) && !found; i++) {
        const json_t *d = json_array_get(layers, i);
        const char *mt = cg_json_str(d, "mediaType"), *dd = cg_json_str(d, "digest");
        if (mt && !strcmp(mt, k->media_type) && k->equivalent(k, d, fc)) {
            found = true;
            snprintf(res->blob_digest, sizeof res->blob_digest, "%s", dd);
            res->layers = json_array_size(layers);
        }
    }
    json_decref(root);
    return found;
}

/* Push a small blob (whose sha256 is digest) unless the registry has it already. */
static cg_status put_blob_once(cg_registry *r, const cg_ref *repo, const cg_buf *b, const char *digest, cg_error *err)
{
    int64_t have = -1;
    cg_status st = cg_registry_head_blob(r, repo, digest, &have, err);
    if (st != CG_OK)
        return st;
    if (have == (int64_t)b->len)
        return CG_OK;
    return cg_registry_put_blob_buf(r, repo, digest, b->data ? b->data : "", b->len, err);
}

/* One read-append-write-read round; *done = the layer is confirmed there. */
static cg_status attach_round(cg_registry *r, const cg_ref *repo, const attach_kind *k, cg_attach_result *res,
                              bool *done, cg_error *err)
{
    fetch_ctx fc = {r, repo};
    cg_manifest cur, back;
    memset(&cur, 0, sizeof cur);
    memset(&back, 0, sizeof back);
    cg_buf man = CG_BUF_INIT, cfg = CG_BUF_INIT;
    bool added = false;
    *done = false;
    cg_status st = cg_registry_get_manifest(r, repo, res->tag, CG_REG_MISSING_OK, &cur, err);
    if (st == CG_OK && already_there(k, &cur, &fc, res)) {
        snprintf(res->manifest_digest, sizeof res->manifest_digest, "%s", cur.digest);
        res->added = false;
        *done = true;
        cg_manifest_free(&cur);
        return CG_OK;
    }
    if (st == CG_OK) {
        st = cg_sigman_append(cur.found ? (const uint8_t *)cur.data : NULL, cur.found ? cur.len : 0, k->media_type,
                              k->blob->data, k->blob->len, k->ann, k->n_ann, &man, &cfg, &added, err);
        if (st == CG_ERR_INPUT || st == CG_ERR_LIMIT) {
            char why[CG_ERROR_MSG_MAX];
            snprintf(why, sizeof why, "%s", err->msg);
            st = cg_error_set(err, CG_ERR_NETWORK, "%s/%s:%s holds an object cgate cannot extend: %s", repo->registry,
                              repo->repository, res->tag, why);
        }
    }
    char cd[CG_DIGEST_STR_LEN + 1];
    if (st == CG_OK && added && (st = cg_sha256_str(cfg.data, cfg.len, cd)) != CG_OK)
        cg_error_set(err, st, "sha256 failed");
    if (st == CG_OK && added) {
        /* blobs first, the manifest that names them last */
        st = put_blob_once(r, repo, k->blob, k->blob_digest, err);
        if (st == CG_OK)
            st = put_blob_once(r, repo, &cfg, cd, err);
        if (st == CG_OK)
            st = cg_registry_put_manifest(r, repo, res->tag, CG_MT_OCI_MANIFEST, man.data, man.len, NULL, err);
    }
    /* read back: the layer must be there now (an identical one counts) */
    if (st == CG_OK)
        st = cg_registry_get_manifest(r, repo, res->tag, CG_REG_MISSING_OK, &back, err);
    if (st == CG_OK && back.found) {
        json_t *root, *layers;
        cg_error e;
        if (cg_sigman_parse((const uint8_t *)back.data, back.len, &root, &layers, &e) == CG_OK) {
            for (size_t i = 0; i < json_array_size(layers) && !*done; i++) {
                const char *dd = cg_json_str(json_array_get(layers, i), "digest");
                *done = dd && !strcmp(dd, k->blob_digest);
            }
            if (*done) {
                snprintf(res->manifest_digest, sizeof res->manifest_digest, "%s", back.digest);
                snprintf(res->blob_digest, sizeof res->blob_digest, "%s", k->blob_digest);
                res->layers = json_array_size(layers);
                res->added = true;
            }
            json_decref(root);
        }
    }
    cg_manifest_free(&cur);
    cg_manifest_free(&back);
    cg_buf_free(&man);
    cg_buf_free(&cfg);
    return st;
}

static cg_status attach(cg_registry *r, const cg_ref *repo, attach_kind *k, cg_attach_result *res, cg_error *err)
{
    memset(res, 0, sizeof *res);
    cg_status st = cg_cosign_tag(k->digest, k->suffix, res->tag, err);
    if (st == CG_OK && (st = cg_sha256_str(k->blob->data, k->blob->len, k->blob_digest)) != CG_OK)
        cg_error_set(err, st, "sha256 failed");
    bool done = false;
    for (int round = 0; st == CG_OK && !done && round < ATTACH_ROUNDS; round++)
        st = attach_round(r, repo, k, res, &done, err);
    if (st == CG_OK && !done)
        st = cg_error_set(err, CG_ERR_NETWORK,
                          "%s/%s:%s: the layer written is not there when read back (%d tries; another writer?)",
                          repo->registry, repo->repository, res->tag, ATTACH_ROUNDS);
    return st;
}

cg_status cg_attach_sign(cg_registry *r, const cg_ref *repo, const char *digest, const cg_sign_key *key,
                         const cg_annotation *ann, size_t n, cg_attach_result *res, cg_error *err)
{
    char ident[CG_REF_HOST_MAX + CG_REF_REPO_MAX + 2];
    cg_attach_identity(repo, ident, sizeof ident);
    cg_buf payload = CG_BUF_INIT, sig = CG_BUF_INIT;
    cg_status st = cg_cosign_payload(ident, digest, ann, n, &payload, err);
    if (st == CG_OK)
        st = cg_cosign_sign(key, payload.data, payload.len, &sig, err);
    if (st == CG_OK) {
        cg_annotation la = {CG_COSIGN_SIG_ANNOTATION, cg_buf_str(&sig)};
        attach_kind k = {.suffix = "sig", .media_type = CG_MT_COSIGN_SIMPLESIGNING, .ann = &la, .n_ann = 1,
                         .blob = &payload, .equivalent = same_signature, .key = key, .digest = digest,
                         .content = &payload};
        st = attach(r, repo, &k, res, err);
    }
    cg_buf_free(&payload);
    cg_buf_free(&sig);
    return st;
}

cg_status cg_attach_attest(cg_registry *r, const cg_ref *repo, const char *digest, const cg_sign_key *key,
                           const char *predicate_type, const uint8_t *predicate, size_t len,
                           cg_attach_result *res, cg_error *err)
{
    char ident[CG_REF_HOST_MAX + CG_REF_REPO_MAX + 2];
    cg_attach_identity(repo, ident, sizeof ident);
    cg_buf stmt = CG_BUF_INIT, env = CG_BUF_INIT;
    cg_status st = cg_intoto_statement(ident, digest, predicate_type, predicate, len, &stmt, err);
    if (st == CG_OK)
        st = cg_dsse_sign(key, stmt.data, stmt.len, &env, err);
    if (st == CG_OK) {
        cg_annotation la[2] = {{CG_COSIGN_SIG_ANNOTATION, ""}, {"predicateType", predicate_type}};
        attach_kind k = {.suffix = "att", .media_type = CG_MT_DSSE_ENVELOPE, .ann = la, .n_ann = 2, .blob = &env,
                         .equivalent = same_attestation, .key = key, .digest = digest,
                         .predicate_type = predicate_type, .content = &stmt};
        st = attach(r, repo, &k, res, err);
    }
    cg_buf_free(&stmt);
    cg_buf_free(&env);
    return st;
}

/* What to verify a manifest against: the key, the digest, and either the
 * required annotations (signatures) or the predicate type (attestations). */
typedef struct verify_req {
    const char *suffix; /* "sig" / "att" */
    const char *digest;
    const cg_sign_key *pub;
    const cg_annotation *require;
    size_t n_require;
    const char *predicate_type;
} verify_req;

/* Verify the manifest under the digest's .sig/.att tag.  No manifest, or one
 * that cannot be a signature object (Docker-typed, over the caps), is a
 * failed verification with a reason, not an error. */
static cg_status verify_tag(cg_registry *r, const cg_ref *repo, const verify_req *v, cg_verify_result *res,
                            cg_error *err)
{
    char tag[80];
    cg_status st = cg_cosign_tag(v->digest, v->suffix, tag, err);
    cg_manifest m;
    memset(&m, 0, sizeof m);
    if (st == CG_OK)
        st = cg_registry_get_manifest(r, repo, tag, CG_REG_MISSING_OK, &m, err);
    if (st != CG_OK)
        return st;
    if (!m.found) {
        set_reason(res, "no %s for %s (%s/%s:%s does not exist)",
                   !strcmp(v->suffix, "sig") ? "signatures" : "attestations", v->digest, repo->registry,
                   repo->repository, tag);
        return CG_OK;
    }
    fetch_ctx fc = {r, repo};
    cg_error e;
    cg_error_clear(&e);
    const uint8_t *data = (const uint8_t *)m.data;
    st = v->predicate_type ? cg_attest_verify(data, m.len, v->digest, v->predicate_type, v->pub, fetch_blob, &fc,
                                              res, &e)
                           : cg_cosign_verify_annotated(data, m.len, v->digest, v->pub, v->require, v->n_require,
                                                        fetch_blob, &fc, res, &e);
    if (st == CG_ERR_INPUT || st == CG_ERR_LIMIT) {
        set_reason(res, "%s/%s:%s: %s", repo->registry, repo->repository, tag, e.msg);
        res->verified = 0;
        st = CG_OK;
    } else if (st != CG_OK) {
        *err = e;
    }
    cg_manifest_free(&m);
    return st;
}

cg_status cg_attach_verify(cg_registry *r, const cg_ref *repo, const char *digest, const cg_sign_key *pub,
                           const cg_annotation *require, size_t n, cg_verify_result *result, cg_error *err)
{
    verify_req v = {.suffix = "sig", .digest = digest, .pub = pub, .require = require, .n_require = n};
    return verify_tag(r, repo, &v, result, err);
}

cg_status cg_attach_verify_attestation(cg_registry *r, const cg_ref *repo, const char *digest,
                                       const char *predicate_type, const cg_sign_key *pub,
                                       cg_verify_result *result, cg_error *err)
{
    verify_req v = {.suffix = "att", .digest = digest, .pub = pub, .predicate_type = predicate_type};
    return verify_tag(r, repo, &v, result, err);
}

static int is_index_type(const char *mt)
{
    return mt && (!strcmp(mt, CG_MT_OCI_INDEX) || !strcmp(mt, CG_MT_DOCKER_LIST));
}

/* *dup = 1 when digest is in the set already. */
static cg_status set_add(cg_attach_set *set, const char *digest, const char *what, int *dup, cg_error *err)
{
    *dup = 0;
    for (size_t i = 0; i < set->n; i++)
        if (!strcmp(set->digest[i], digest)) {
            *dup = 1;
            return CG_OK;
        }
    if (set->n == CG_ATTACH_MAX_MANIFESTS)
        return cg_error_set(err, CG_ERR_LIMIT, "more than %d manifests under one index", CG_ATTACH_MAX_MANIFESTS);
    snprintf(set->digest[set->n], sizeof set->digest[set->n], "%s", digest);
    snprintf(set->what[set->n], sizeof set->what[set->n], "%s", what);
    set->n++;
    return CG_OK;
}

/* Add digest; when the registry serves it as an index, its entries too
 * (nested indexes followed down to depth 4). */
static cg_status collect(cg_registry *r, const cg_ref *repo, const char *digest, const char *what, int depth,
                         cg_attach_set *set, cg_error *err)
{
    int dup;
    cg_status st = set_add(set, digest, what, &dup, err);
    if (st != CG_OK || dup)
        return st;
    cg_manifest m;
    memset(&m, 0, sizeof m);
    st = cg_registry_get_manifest(r, repo, digest, 0, &m, err);
    if (st != CG_OK)
        return st;
    json_t *doc = NULL;
    st = cg_json_parse(m.data, m.len, "manifest", &doc, err);
    const char *mt = m.media_type[0] ? m.media_type : cg_json_str(doc, "mediaType");
    const json_t *ms = json_object_get(doc, "manifests");
    if (st == CG_OK && (is_index_type(mt) || (!(mt && *mt) && json_is_array(ms)))) {
        if (depth >= 4)
            st = cg_error_set(err, CG_ERR_INPUT, "index %s: indexes nested deeper than 4", digest);
        for (size_t i = 0; st == CG_OK && i < json_array_size(ms); i++) {
            const json_t *d = json_array_get(ms, i);
            const char *cd = cg_json_str(d, "digest");
            if (!cg_digest_valid(cd)) {
                st = cg_error_set(err, CG_ERR_INPUT, "index %s: manifests[%zu] has no valid sha256 digest", digest, i);
                break;
            }
            const json_t *p = json_object_get(d, "platform");
            const char *os = cg_json_str(p, "os"), *arch = cg_json_str(p, "architecture"),
                       *var = cg_json_str(p, "variant");
            char pw[48];
            if (os && arch)
                snprintf(pw, sizeof pw, "%.15s/%.15s%s%.10s", os, arch, var ? "/" : "", var ? var : "");
            else
                snprintf(pw, sizeof pw, "%s", is_index_type(cg_json_str(d, "mediaType")) ? "index" : "unknown");
            st = collect(r, repo, cd, pw, depth + 1, set, err);
        }
    }
    json_decref(doc);
    cg_manifest_free(&m);
    return st;
}

cg_status cg_attach_manifests(cg_registry *r, const cg_ref *repo, const char *digest, cg_attach_set *set,
                              cg_error *err)
{
    set->n = 0;
    if (!cg_digest_valid(digest))
        return cg_error_set(err, CG_ERR_USAGE, "not a sha256 digest: \"%.100s\"", digest ? digest : "");
    return collect(r, repo, digest, "", 0, set, err);
}

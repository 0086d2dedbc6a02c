/*
 * cosign.c - Cosign's key-based signature format as pure functions over
 * bytes: the simple-signing payload (exact bytes), signing it, the
 * "sha256-HEX.sig" OCI manifest + config that carry one layer per signature,
 * and verification of such a manifest.  The registry is reached only through
 * the caller's cg_blob_fetch_fn; pushing and tag resolution are the CLI's.
 * Verification = some layer verifies under the key AND names exactly the
 * digest (never the first layer, never all layers).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base64.h"
#include "cgate/sign.h"
#include "core/digest.h"
#include "core/json.h"
#include "sign/sign_internal.h"

static cg_status nomem(cg_error *err)
{
    return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
}

/* ---- Go-compatible JSON strings ------------------------------------------ */

/* Length of the valid UTF-8 sequence at s (0 when invalid), code point to *cp. */
static size_t utf8_seq(const unsigned char *s, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t n;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        n = 2, v = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3, v = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return n;
}

cg_status cg_sign_json_str(cg_buf *b, const char *s, cg_error *err)
{
    if (cg_buf_putc(b, '"') != CG_OK)
        return nomem(err);
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        uint32_t cp;
        size_t n = utf8_seq(p, &cp);
        if (n == 0)
            return cg_error_set(err, CG_ERR_USAGE, "\"%s\": not valid UTF-8", s);
        if (cp < 0x20)
            return cg_error_set(err, CG_ERR_USAGE, "\"%s\": control characters are not allowed", s);
        cg_status st = CG_OK;
        if (cp == '"')
            st = cg_buf_puts(b, "\\\"");
        else if (cp == '\\')
            st = cg_buf_puts(b, "\\\\");
        else if (cp == '<')
            st = cg_buf_puts(b, "\\u003c");
        else if (cp == '>')
            st = cg_buf_puts(b, "\\u003e");
        else if (cp == '&')
            st = cg_buf_puts(b, "\\u0026");
        else if (cp == 0x2028)
            st = cg_buf_puts(b, "\\u2028");
        else if (cp == 0x2029)
            st = cg_buf_puts(b, "\\u2029");
        else
            st = cg_buf_append(b, p, n);
        if (st != CG_OK)
            return nomem(err);
        p += n;
    }
    if (cg_buf_putc(b, '"') != CG_OK)
        return nomem(err);
    return CG_OK;
}

/* ---- payload -------------------------------------------------------------- */

static int ann_cmp(const void *a, const void *b)
{
    const cg_annotation *x = *(const cg_annotation *const *)a, *y = *(const cg_annotation *const *)b;
    return strcmp(x->key, y->key);
}

/* Write {"k":"v",...} sorted by key (Go's map order); duplicates refused. */
static cg_status write_annotations(cg_buf *b, const cg_annotation *ann, size_t n, cg_error *err)
{
    const cg_annotation **s = calloc(n ? n : 1, sizeof *s);
    if (!s)
        return nomem(err);
    for (size_t i = 0; i < n; i++)
        s[i] = &ann[i];
    qsort(s, n, sizeof *s, ann_cmp);
    cg_status st = cg_buf_putc(b, '{') == CG_OK ? CG_OK : nomem(err);
    for (size_t i = 0; st == CG_OK && i < n; i++) {
        if (!s[i]->key || !s[i]->value || !s[i]->key[0])
            st = cg_error_set(err, CG_ERR_USAGE, "annotation with an empty key or no value");
        else if (i && !strcmp(s[i]->key, s[i - 1]->key))
            st = cg_error_set(err, CG_ERR_USAGE, "annotation \"%s\" given twice", s[i]->key);
        else if (i && cg_buf_putc(b, ',') != CG_OK)
            st = nomem(err);
        if (st == CG_OK)
            st = cg_sign_json_str(b, s[i]->key, err);
        if (st == CG_OK && cg_buf_putc(b, ':') != CG_OK)
            st = nomem(err);
        if (st == CG_OK)
            st = cg_sign_json_str(b, s[i]->value, err);
    }
    if (st == CG_OK && cg_buf_putc(b, '}') != CG_OK)
        st = nomem(err);
    free(s);
    return st;
}

cg_status cg_cosign_payload(const char *identity, const char *digest, const cg_annotation *ann,
                            size_t n, cg_buf *out, cg_error *err)
{
    if (!cg_digest_valid(digest))
        return cg_error_set(err, CG_ERR_USAGE, "\"%s\" is not a sha256 digest", digest);
    if (!identity || !*identity)
        return cg_error_set(err, CG_ERR_USAGE, "empty docker-reference");
    cg_status st = CG_OK;
    if (cg_buf_puts(out, "{\"critical\":{\"identity\":{\"docker-reference\":") != CG_OK)
        return nomem(err);
    if ((st = cg_sign_json_str(out, identity, err)) != CG_OK)
        return st;
    if (cg_buf_printf(out, "},\"image\":{\"docker-manifest-digest\":\"%s\"},"
                           "\"type\":\"cosign container image signature\"},\"optional\":", digest) != CG_OK)
        return nomem(err);
    if (n == 0)
        st = cg_buf_puts(out, "null") == CG_OK ? CG_OK : nomem(err);
    else
        st = write_annotations(out, ann, n, err);
    if (st == CG_OK && cg_buf_putc(out, '}') != CG_OK)
        st = nomem(err);
    return st;
}

cg_status cg_cosign_tag(const char *digest, const char *suffix, char out[80], cg_error *err)
{
    if (!cg_digest_valid(digest))
        return cg_error_set(err, CG_ERR_USAGE, "\"%s\" is not a sha256 digest", digest);
    snprintf(out, 80, "sha256-%s.%s", digest + 7, suffix);
    return CG_OK;
}

cg_status cg_cosign_sign(const cg_sign_key *key, const void *payload, size_t len, cg_buf *sig_b64,
                         cg_error *err)
{
    cg_buf der = CG_BUF_INIT;
    cg_status st = cg_key_sign(key, payload, len, &der, err);
    if (st == CG_OK)
        st = cg_base64_encode(der.data, der.len, sig_b64, err);
    cg_buf_free(&der);
    return st;
}

cg_status cg_cosign_payload_check(const uint8_t *payload, size_t len, const char *digest, cg_error *err)
{
    json_t *j = NULL;
    cg_status st = cg_json_parse(payload, len, "payload", &j, err);
    if (st != CG_OK)
        return st;
    const json_t *crit = json_object_get(j, "critical");
    const char *type = cg_json_str(crit, "type");
    const char *ref = cg_json_str(json_object_get(crit, "identity"), "docker-reference");
    const char *d = cg_json_str(json_object_get(crit, "image"), "docker-manifest-digest");
    const json_t *opt = json_object_get(j, "optional");
    if (!json_is_object(j) || !json_is_object(crit))
        st = cg_error_set(err, CG_ERR_INPUT, "payload has no \"critical\" object");
    else if (!type || strcmp(type, "cosign container image signature") != 0)
        st = cg_error_set(err, CG_ERR_INPUT, "payload type is not \"cosign container image signature\"");
    else if (!ref)
        st = cg_error_set(err, CG_ERR_INPUT, "payload has no critical.identity.docker-reference");
    else if (!d)
        st = cg_error_set(err, CG_ERR_INPUT, "payload has no critical.image.docker-manifest-digest");
    else if (opt && !json_is_null(opt) && !json_is_object(opt))
        st = cg_error_set(err, CG_ERR_INPUT, "payload \"optional\" is neither null nor an object");
    else if (strcmp(d, digest) != 0)
        st = cg_error_set(err, CG_ERR_INPUT, "payload names %.80s, not %s", d, digest);
    json_decref(j);
    return st;
}

/* ---- the .sig / .att manifest --------------------------------------------- */

cg_status cg_sigman_parse(const uint8_t *m, size_t len, json_t **root, json_t **layers, cg_error *err)
{
    *root = NULL;
    *layers = NULL;
    if (len > CG_COSIGN_MAX_MANIFEST)
        return cg_error_set(err, CG_ERR_LIMIT, "signature manifest: %zu bytes, over the %u-byte cap",
                            len, CG_COSIGN_MAX_MANIFEST);
    json_t *j = NULL;
    cg_status st = cg_json_parse(m, len, "signature manifest", &j, err);
    if (st != CG_OK)
        return st;
    const char *mt = cg_json_str(j, "mediaType");
    json_t *ls = json_object_get(j, "layers");
    if (!json_is_object(j) || cg_json_int(j, "schemaVersion", 0) != 2)
        st = cg_error_set(err, CG_ERR_INPUT, "signature manifest: not a schemaVersion 2 manifest");
    else if (!mt || strcmp(mt, CG_MT_OCI_MANIFEST) != 0)
        st = cg_error_set(err, CG_ERR_INPUT, "signature manifest: media type \"%.100s\", want %s",
                          mt ? mt : "(none)", CG_MT_OCI_MANIFEST);
    else if (!json_is_array(ls))
        st = cg_error_set(err, CG_ERR_INPUT, "signature manifest: no layers array");
    else if (json_array_size(ls) > CG_COSIGN_MAX_SIGNATURES)
        st = cg_error_set(err, CG_ERR_LIMIT, "signature manifest: %zu layers, over the cap of %d",
                          json_array_size(ls), CG_COSIGN_MAX_SIGNATURES);
    if (st != CG_OK) {
        json_decref(j);
        return st;
    }
    *root = j;
    *layers = ls;
    return CG_OK;
}

cg_status cg_sigman_fetch(const json_t *d, size_t max, cg_blob_fetch_fn fetch, void *ud, cg_buf *out,
                          cg_error *err)
{
    const char *digest = cg_json_str(d, "digest");
    json_t *js = json_object_get(d, "size");
    if (!digest || !cg_digest_valid(digest))
        return cg_error_set(err, CG_ERR_INPUT, "no valid sha256 digest");
    if (!json_is_integer(js) || json_integer_value(js) < 0)
        return cg_error_set(err, CG_ERR_INPUT, "no valid size");
    if ((uint64_t)json_integer_value(js) > max)
        return cg_error_set(err, CG_ERR_INPUT, "blob of %lld bytes, over the %zu-byte cap",
                            (long long)json_integer_value(js), max);
    cg_buf_reset(out);
    cg_status st = fetch(ud, digest, max, out, err);
    if (st != CG_OK)
        return cg_error_prefix(err, "blob %s", digest);
    char got[CG_DIGEST_STR_LEN + 1];
    if ((st = cg_sha256_str(out->data ? out->data : "", out->len, got)) != CG_OK)
        return cg_error_set(err, st, "sha256 failed");
    if (strcmp(got, digest) != 0)
        return cg_error_set(err, CG_ERR_NETWORK, "registry returned blob %s for %s", got, digest);
    if (out->len != (size_t)json_integer_value(js))
        return cg_error_set(err, CG_ERR_INPUT, "blob %s is %zu bytes, the manifest says %lld", digest,
                            out->len, (long long)json_integer_value(js));
    return CG_OK;
}

void cg_verify_result_init(cg_verify_result *r)
{
    memset(r, 0, sizeof *r);
    cg_buf_init(&r->json, 0);
}

void cg_verify_result_free(cg_verify_result *r)
{
    cg_buf_free(&r->json);
}

void cg_verify_note(cg_verify_result *r, size_t layer, const char *why)
{
    size_t used = strlen(r->reason);
    if (used + 8 >= sizeof r->reason)
        return;
    int n = snprintf(r->reason + used, sizeof r->reason - used, "%slayer %zu: %s", used ? "; " : "",
                     layer, why);
    if (n < 0 || (size_t)n >= sizeof r->reason - used) {
        /* truncated: end with an ellipsis */
        memcpy(r->reason + sizeof r->reason - 4, "...", 4);
    }
}

static cg_status put_json(cg_buf *b, const json_t *v, cg_error *err)
{
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!s)
        return nomem(err);
    cg_status st = cg_buf_puts(b, s) == CG_OK ? CG_OK : nomem(err);
    free(s);
    return st;
}

/* Is descriptor d the same layer as (mt, digest, annotations)? */
static bool same_layer(const json_t *d, const char *mt, const char *digest, const cg_annotation *ann,
                       size_t n)
{
    const char *dm = cg_json_str(d, "mediaType"), *dd = cg_json_str(d, "digest");
    if (!dm || !dd || strcmp(dm, mt) || strcmp(dd, digest))
        return false;
    const json_t *da = json_object_get(d, "annotations");
    if (json_object_size(da) != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        const char *v = cg_json_str(da, ann[i].key);
        if (!v || strcmp(v, ann[i].value))
            return false;
    }
    return true;
}

cg_status cg_sigman_append(const uint8_t *existing, size_t existing_len, const char *media_type,
                           const void *blob, size_t blob_len, const cg_annotation *ann, size_t n,
                           cg_buf *manifest, cg_buf *config, bool *added, cg_error *err)
{
    *added = false;
    json_t *root = NULL, *layers = NULL;
    cg_status st = CG_OK;
    if (existing && (st = cg_sigman_parse(existing, existing_len, &root, &layers, err)) != CG_OK)
        return cg_error_prefix(err, "existing");
    char digest[CG_DIGEST_STR_LEN + 1];
    if ((st = cg_sha256_str(blob, blob_len, digest)) != CG_OK) {
        json_decref(root);
        return cg_error_set(err, st, "sha256 failed");
    }
    size_t nold = layers ? json_array_size(layers) : 0;
    for (size_t i = 0; i < nold; i++) {
        json_t *d = json_array_get(layers, i);
        if (!cg_digest_valid(cg_json_str(d, "digest") ? cg_json_str(d, "digest") : "")) {
            json_decref(root);
            return cg_error_set(err, CG_ERR_INPUT, "existing signature manifest: layer %zu has no valid digest", i + 1);
        }
        if (same_layer(d, media_type, digest, ann, n)) {
            json_decref(root);
            return CG_OK; /* already there: nothing to write */
        }
    }
    if (nold >= CG_COSIGN_MAX_SIGNATURES) {
        json_decref(root);
        return cg_error_set(err, CG_ERR_LIMIT, "signature manifest already holds %zu layers (cap %d)",
                            nold, CG_COSIGN_MAX_SIGNATURES);
    }
    /* config: rootfs.diff_ids = the (uncompressed) layer digests, in order */
    cg_buf_reset(config);
    cg_buf hist = CG_BUF_INIT, ids = CG_BUF_INIT;
    for (size_t i = 0; i <= nold && st == CG_OK; i++) {
        const char *d = i < nold ? cg_json_str(json_array_get(layers, i), "digest") : digest;
        if (cg_buf_printf(&hist, "%s{\"created\":\"0001-01-01T00:00:00Z\"}", i ? "," : "") != CG_OK ||
            cg_buf_printf(&ids, "%s\"%s\"", i ? "," : "", d) != CG_OK)
            st = nomem(err);
    }
    if (st == CG_OK &&
        cg_buf_printf(config, "{\"architecture\":\"\",\"created\":\"0001-01-01T00:00:00Z\",\"history\":[%s],"
                              "\"os\":\"\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[%s]},\"config\":{}}",
                      cg_buf_str(&hist), cg_buf_str(&ids)) != CG_OK)
        st = nomem(err);
    cg_buf_free(&hist);
    cg_buf_free(&ids);
    char cdigest[CG_DIGEST_STR_LEN + 1];
    if (st == CG_OK && (st = cg_sha256_str(config->data, config->len, cdigest)) != CG_OK)
        cg_error_set(err, st, "sha256 failed");
    /* manifest: ggcr's field order; old layers kept as they were */
    cg_buf_reset(manifest);
    if (st == CG_OK &&
        cg_buf_printf(manifest, "{\"schemaVersion\":2,\"mediaType\":\"%s\",\"config\":{\"mediaType\":\"%s\","
                                "\"size\":%zu,\"digest\":\"%s\"},\"layers\":[",
                      CG_MT_OCI_MANIFEST, CG_MT_OCI_CONFIG, config->len, cdigest) != CG_OK)
        st = nomem(err);
    for (size_t i = 0; st == CG_OK && i < nold; i++) {
        st = put_json(manifest, json_array_get(layers, i), err);
        if (st == CG_OK && cg_buf_putc(manifest, ',') != CG_OK)
            st = nomem(err);
    }
    if (st == CG_OK && cg_buf_puts(manifest, "{\"mediaType\":") != CG_OK)
        st = nomem(err);
    if (st == CG_OK)
        st = cg_sign_json_str(manifest, media_type, err);
    if (st == CG_OK && cg_buf_printf(manifest, ",\"size\":%zu,\"digest\":\"%s\",\"annotations\":", blob_len,
                                     digest) != CG_OK)
        st = nomem(err);
    if (st == CG_OK)
        st = write_annotations(manifest, ann, n, err);
    if (st == CG_OK && cg_buf_puts(manifest, "}]") != CG_OK)
        st = nomem(err);
    const json_t *top = root ? json_object_get(root, "annotations") : NULL;
    if (st == CG_OK && json_is_object(top)) {
        if (cg_buf_puts(manifest, ",\"annotations\":") != CG_OK)
            st = nomem(err);
        else
            st = put_json(manifest, top, err);
    }
    if (st == CG_OK && cg_buf_putc(manifest, '}') != CG_OK)
        st = nomem(err);
    json_decref(root);
    if (st == CG_OK)
        *added = true;
    return st;
}

/* ---- verification ---------------------------------------------------------- */

/* Does the payload's "optional" hold every required annotation?  why gets
 * the first one missing. */
static bool has_annotations(const cg_buf *payload, const cg_annotation *req, size_t n, char *why, size_t whylen)
{
    json_t *j = NULL;
    cg_error e;
    if (cg_json_parse(payload->data, payload->len, "payload", &j, &e) != CG_OK)
        return false;
    const json_t *opt = json_object_get(j, "optional");
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) {
        const char *v = cg_json_str(opt, req[i].key);
        if (!v || strcmp(v, req[i].value)) {
            snprintf(why, whylen, "payload has no annotation %.100s=%.100s", req[i].key, req[i].value);
            ok = false;
        }
    }
    json_decref(j);
    return ok;
}

cg_status cg_sigman_walk(const json_t *layers, const cg_sigman_walker *w, cg_blob_fetch_fn fetch, void *ud,
                         cg_verify_result *result, cg_error *err)
{
    cg_status st = CG_OK;
    cg_buf blob;
    cg_buf_init(&blob, w->max);
    size_t nl = json_array_size(layers);
    if (nl == 0)
        cg_verify_note(result, 0, w->no_layers);
    for (size_t i = 0; i < nl && st == CG_OK; i++) {
        const json_t *d = json_array_get(layers, i);
        const char *mt = cg_json_str(d, "mediaType");
        const char *why;
        const cg_buf *accepted;
        cg_error e2;
        cg_error_clear(&e2);
        result->checked++;
        if (!mt || strcmp(mt, w->media_type) != 0) {
            cg_verify_note(result, i + 1, w->other_type);
            continue;
        }
        if (w->precheck && (why = w->precheck(d)) != NULL) {
            cg_verify_note(result, i + 1, why);
            continue;
        }
        cg_status fs = cg_sigman_fetch(d, w->max, fetch, ud, &blob, &e2);
        if (fs == CG_OK)
            fs = w->check(w->ctx, d, &blob, &accepted, &e2);
        if (fs == CG_ERR_INPUT) {
            cg_verify_note(result, i + 1, e2.msg);
            continue;
        }
        if (fs != CG_OK) {
            *err = e2;
            st = fs;
            break;
        }
        if (cg_buf_putc(&result->json, result->verified ? ',' : '[') != CG_OK ||
            cg_buf_append(&result->json, accepted->data, accepted->len) != CG_OK)
            st = nomem(err);
        result->verified++;
    }
    if (st == CG_OK && result->verified && cg_buf_putc(&result->json, ']') != CG_OK)
        st = nomem(err);
    cg_buf_free(&blob);
    return st;
}

/* The simple-signing payload check of cg_cosign_verify_annotated. */
typedef struct cosign_check {
    const char *digest;
    const cg_sign_key *pub;
    const cg_annotation *require;
    size_t n_require;
    cg_buf der;
} cosign_check;

static const char *cosign_precheck(const json_t *d)
{
    const char *sig = cg_json_str(json_object_get(d, "annotations"), CG_COSIGN_SIG_ANNOTATION);
    return sig && *sig ? NULL : "no signature annotation";
}

static cg_status cosign_layer_check(void *ctx, const json_t *d, const cg_buf *payload, const cg_buf **accepted,
                                    cg_error *e)
{
    cosign_check *c = ctx;
    const char *sig = cg_json_str(json_object_get(d, "annotations"), CG_COSIGN_SIG_ANNOTATION);
    cg_buf_reset(&c->der);
    if (cg_base64_decode(sig, strlen(sig), &c->der, e) != CG_OK)
        return cg_error_set(e, CG_ERR_INPUT, "signature is not valid base64");
    if (!cg_key_verify(c->pub, payload->data, payload->len, c->der.data, c->der.len))
        return cg_error_set(e, CG_ERR_INPUT, "signature does not verify under the key");
    if (cg_cosign_payload_check((const uint8_t *)payload->data, payload->len, c->digest, e) != CG_OK)
        return CG_ERR_INPUT;
    char why[300];
    if (c->n_require && !has_annotations(payload, c->require, c->n_require, why, sizeof why))
        return cg_error_set(e, CG_ERR_INPUT, "%s", why);
    *accepted = payload;
    return CG_OK;
}

cg_status cg_cosign_verify(const uint8_t *manifest, size_t len, const char *digest,
                           const cg_sign_key *pub, cg_blob_fetch_fn fetch, void *ud,
                           cg_verify_result *result, cg_error *err)
{
    return cg_cosign_verify_annotated(manifest, len, digest, pub, NULL, 0, fetch, ud, result, err);
}

cg_status cg_cosign_verify_annotated(const uint8_t *manifest, size_t len, const char *digest,
                                     const cg_sign_key *pub, const cg_annotation *require,
                                     size_t n_require, cg_blob_fetch_fn fetch, void *ud,
                                     cg_verify_result *result, cg_error *err)
{
    if (!cg_digest_valid(digest))
        return cg_error_set(err, CG_ERR_USAGE, "\"%s\" is not a sha256 digest", digest);
    json_t *root, *layers;
    cg_status st = cg_sigman_parse(manifest, len, &root, &layers, err);
    if (st != CG_OK)
        return st;
    cosign_check c = {digest, pub, require, n_require, CG_BUF_INIT};
    const cg_sigman_walker w = {CG_MT_COSIGN_SIMPLESIGNING, "not a simple-signing layer",
                                "the signature manifest has no layers", CG_COSIGN_MAX_PAYLOAD,
                                cosign_precheck, cosign_layer_check, &c};
    st = cg_sigman_walk(layers, &w, fetch, ud, result, err);
    cg_buf_free(&c.der);
    json_decref(root);
    return st;
}

/*
 * dsse.c - attestations as cosign writes them: an in-toto Statement (v0.1;
 * v1 accepted on read) whose predicate is an SBOM, in a DSSE envelope
 * signed over the PAE, one envelope per layer of the "sha256-HEX.att"
 * manifest.  Verification trusts nothing outside the signed statement: the
 * predicate type and the subject digest are read from the statement the
 * signature covers, never from layer annotations.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base64.h"
#include "cgate/sign.h"
#include "core/digest.h"
#include "core/json.h"
#include "sign/sign_internal.h"

#define DSSE_MAX_SIGNATURES 16
#define INTOTO_MAX_SUBJECTS 1024

static cg_status nomem(cg_error *err)
{
    return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
}

const char *cg_predicate_type_uri(const char *type)
{
    if (!type || !*type)
        return NULL;
    if (!strcmp(type, "cyclonedx"))
        return CG_PREDICATE_CYCLONEDX;
    if (!strcmp(type, "spdxjson"))
        return CG_PREDICATE_SPDX;
    /* an absolute URI: scheme ":" something, RFC 3986 scheme characters */
    const char *c = strchr(type, ':');
    if (!c || c == type || !c[1] || !((type[0] | 0x20) >= 'a' && (type[0] | 0x20) <= 'z'))
        return NULL;
    for (const char *p = type; p < c; p++)
        if (!((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z') && !(*p >= '0' && *p <= '9') && *p != '+' &&
            *p != '-' && *p != '.')
            return NULL;
    for (const char *p = type; *p; p++)
        if ((unsigned char)*p <= 0x20 || *p == '"' || *p == '\\' || (unsigned char)*p >= 0x7f)
            return NULL;
    return type;
}

static void trim(const uint8_t **p, size_t *n)
{
    while (*n && ((*p)[0] == ' ' || (*p)[0] == '\n' || (*p)[0] == '\r' || (*p)[0] == '\t'))
        (*p)++, (*n)--;
    while (*n && ((*p)[*n - 1] == ' ' || (*p)[*n - 1] == '\n' || (*p)[*n - 1] == '\r' ||
                  (*p)[*n - 1] == '\t'))
        (*n)--;
}

cg_status cg_intoto_statement(const char *name, const char *digest, const char *predicate_type,
                              const uint8_t *predicate, size_t len, cg_buf *out, cg_error *err)
{
    if (!cg_digest_valid(digest))
        return cg_error_set(err, CG_ERR_USAGE, "\"%s\" is not a sha256 digest", digest);
    if (!name || !*name)
        return cg_error_set(err, CG_ERR_USAGE, "empty subject name");
    if (!cg_predicate_type_uri(predicate_type))
        return cg_error_set(err, CG_ERR_USAGE, "predicate type \"%s\" is not a URI", predicate_type);
    json_t *j = NULL;
    cg_status st = cg_json_parse(predicate, len, "predicate", &j, err);
    if (st != CG_OK)
        return st;
    if (!json_is_object(j))
        st = cg_error_set(err, CG_ERR_INPUT, "predicate: not a JSON object");
    else if (!strcmp(predicate_type, CG_PREDICATE_CYCLONEDX) &&
             (!cg_json_str(j, "bomFormat") || strcmp(cg_json_str(j, "bomFormat"), "CycloneDX") != 0))
        st = cg_error_set(err, CG_ERR_INPUT, "predicate: not a CycloneDX JSON document (no bomFormat \"CycloneDX\")");
    else if (!strcmp(predicate_type, CG_PREDICATE_SPDX) && !cg_json_str(j, "spdxVersion"))
        st = cg_error_set(err, CG_ERR_INPUT, "predicate: not an SPDX JSON document (no spdxVersion)");
    json_decref(j);
    if (st != CG_OK)
        return st;
    trim(&predicate, &len);
    if (cg_buf_printf(out, "{\"_type\":\"%s\",\"predicateType\":", CG_INTOTO_STATEMENT_V01) != CG_OK)
        return nomem(err);
    if ((st = cg_sign_json_str(out, predicate_type, err)) != CG_OK)
        return st;
    if (cg_buf_puts(out, ",\"subject\":[{\"name\":") != CG_OK)
        return nomem(err);
    if ((st = cg_sign_json_str(out, name, err)) != CG_OK)
        return st;
    /* the predicate goes in as it was written (it parsed as one object) */
    if (cg_buf_printf(out, ",\"digest\":{\"sha256\":\"%s\"}}],\"predicate\":", digest + 7) != CG_OK ||
        cg_buf_append(out, predicate, len) != CG_OK || cg_buf_putc(out, '}') != CG_OK)
        return nomem(err);
    return CG_OK;
}

cg_status cg_dsse_pae(const char *payload_type, const void *body, size_t len, cg_buf *out, cg_error *err)
{
    if (cg_buf_printf(out, "DSSEv1 %zu %s %zu ", strlen(payload_type), payload_type, len) != CG_OK ||
        cg_buf_append(out, body, len) != CG_OK)
        return nomem(err);
    return CG_OK;
}

cg_status cg_dsse_sign(const cg_sign_key *key, const void *body, size_t len, cg_buf *envelope,
                       cg_error *err)
{
    cg_buf pae = CG_BUF_INIT, der = CG_BUF_INIT;
    cg_status st = cg_dsse_pae(CG_INTOTO_PAYLOAD_TYPE, body, len, &pae, err);
    if (st == CG_OK)
        st = cg_key_sign(key, pae.data, pae.len, &der, err);
    if (st == CG_OK && cg_buf_puts(envelope, "{\"payloadType\":\"" CG_INTOTO_PAYLOAD_TYPE "\",\"payload\":\"") != CG_OK)
        st = nomem(err);
    if (st == CG_OK)
        st = cg_base64_encode(body, len, envelope, err);
    if (st == CG_OK && cg_buf_puts(envelope, "\",\"signatures\":[{\"keyid\":\"\",\"sig\":\"") != CG_OK)
        st = nomem(err);
    if (st == CG_OK)
        st = cg_base64_encode(der.data, der.len, envelope, err);
    if (st == CG_OK && cg_buf_puts(envelope, "\"}]}") != CG_OK)
        st = nomem(err);
    cg_buf_free(&pae);
    cg_buf_free(&der);
    return st;
}

/* Does some signature of the envelope verify over PAE(type, body)? */
static bool envelope_sig_ok(const json_t *sigs, const char *type, const cg_buf *body,
                            const cg_sign_key *pub)
{
    cg_buf pae = CG_BUF_INIT, der = CG_BUF_INIT;
    cg_error e;
    bool ok = false;
    if (cg_dsse_pae(type, body->data ? body->data : "", body->len, &pae, &e) != CG_OK)
        return false;
    size_t n = json_array_size(sigs);
    for (size_t i = 0; i < n && i < DSSE_MAX_SIGNATURES && !ok; i++) {
        const char *s = cg_json_str(json_array_get(sigs, i), "sig");
        cg_buf_reset(&der);
        if (s && cg_base64_decode(s, strlen(s), &der, &e) == CG_OK)
            ok = cg_key_verify(pub, pae.data, pae.len, der.data, der.len);
    }
    cg_buf_free(&pae);
    cg_buf_free(&der);
    return ok;
}

/* The signed statement's own claims: type, predicate type, subject digest. */
static cg_status statement_check(const cg_buf *body, const char *digest, const char *predicate_type,
                                 cg_error *err)
{
    json_t *j = NULL;
    cg_status st = cg_json_parse(body->data ? body->data : "", body->len, "statement", &j, err);
    if (st != CG_OK)
        return st;
    const char *t = cg_json_str(j, "_type"), *pt = cg_json_str(j, "predicateType");
    const json_t *subj = json_object_get(j, "subject");
    if (!t || (strcmp(t, CG_INTOTO_STATEMENT_V01) != 0 && strcmp(t, CG_INTOTO_STATEMENT_V1) != 0))
        st = cg_error_set(err, CG_ERR_INPUT, "statement _type is \"%.100s\", not an in-toto Statement",
                          t ? t : "(none)");
    else if (!pt || strcmp(pt, predicate_type) != 0)
        st = cg_error_set(err, CG_ERR_INPUT, "signed predicateType is \"%.200s\", not %s",
                          pt ? pt : "(none)", predicate_type);
    else if (!json_is_array(subj) || json_array_size(subj) > INTOTO_MAX_SUBJECTS)
        st = cg_error_set(err, CG_ERR_INPUT, "statement has no usable subject list");
    if (st == CG_OK) {
        bool found = false;
        for (size_t i = 0; i < json_array_size(subj) && !found; i++) {
            const char *h = cg_json_str(json_object_get(json_array_get(subj, i), "digest"), "sha256");
            found = h && !strcmp(h, digest + 7);
        }
        if (!found)
            st = cg_error_set(err, CG_ERR_INPUT, "no subject of the statement has digest %s", digest);
    }
    json_decref(j);
    return st;
}

cg_status cg_dsse_envelope_check(const uint8_t *env, size_t len, const char *digest,
                                 const char *predicate_type, const cg_sign_key *pub,
                                 cg_buf *statement_out, cg_error *err)
{
    if (!cg_digest_valid(digest))
        return cg_error_set(err, CG_ERR_USAGE, "\"%s\" is not a sha256 digest", digest);
    json_t *j = NULL;
    cg_status st = cg_json_parse(env, len, "DSSE envelope", &j, err);
    if (st != CG_OK)
        return st;
    const char *type = cg_json_str(j, "payloadType"), *payload = cg_json_str(j, "payload");
    const json_t *sigs = json_object_get(j, "signatures");
    cg_buf body = CG_BUF_INIT;
    if (!type || strcmp(type, CG_INTOTO_PAYLOAD_TYPE) != 0)
        st = cg_error_set(err, CG_ERR_INPUT, "DSSE payloadType is \"%.100s\", not %s", type ? type : "(none)",
                          CG_INTOTO_PAYLOAD_TYPE);
    else if (!payload)
        st = cg_error_set(err, CG_ERR_INPUT, "DSSE envelope has no payload");
    else if (!json_is_array(sigs) || json_array_size(sigs) == 0)
        st = cg_error_set(err, CG_ERR_INPUT, "DSSE envelope has no signatures");
    else if (json_array_size(sigs) > DSSE_MAX_SIGNATURES)
        st = cg_error_set(err, CG_ERR_INPUT, "DSSE envelope has %zu signatures (cap %d)",
                          json_array_size(sigs), DSSE_MAX_SIGNATURES);
    else if (cg_base64_decode(payload, strlen(payload), &body, err) != CG_OK)
        st = cg_error_prefix(err, "DSSE payload");
    else if (!envelope_sig_ok(sigs, type, &body, pub))
        st = cg_error_set(err, CG_ERR_INPUT, "no DSSE signature verifies under the key");
    else
        st = statement_check(&body, digest, predicate_type, err);
    if (st == CG_OK && statement_out && cg_buf_append(statement_out, body.data, body.len) != CG_OK)
        st = nomem(err);
    cg_buf_free(&body);
    json_decref(j);
    return st;
}

/* The envelope check of cg_attest_verify. */
typedef struct attest_check {
    const char *digest, *predicate_type;
    const cg_sign_key *pub;
    cg_buf stmt;
} attest_check;

static cg_status attest_layer_check(void *ctx, const json_t *d, const cg_buf *env, const cg_buf **accepted,
                                    cg_error *e)
{
    attest_check *c = ctx;
    (void)d;
    cg_buf_reset(&c->stmt);
    if (cg_dsse_envelope_check((const uint8_t *)env->data, env->len, c->digest, c->predicate_type, c->pub,
                               &c->stmt, e) != CG_OK)
        return e->status == CG_ERR_NOMEM ? CG_ERR_NOMEM : CG_ERR_INPUT;
    *accepted = &c->stmt;
    return CG_OK;
}

cg_status cg_attest_verify(const uint8_t *manifest, size_t len, const char *digest,
                           const char *predicate_type, const cg_sign_key *pub,
                           cg_blob_fetch_fn fetch, void *ud, cg_verify_result *result,
                           cg_error *err)
{
    if (!cg_digest_valid(digest))
        return cg_error_set(err, CG_ERR_USAGE, "\"%s\" is not a sha256 digest", digest);
    json_t *root, *layers;
    cg_status st = cg_sigman_parse(manifest, len, &root, &layers, err);
    if (st != CG_OK)
        return cg_error_prefix(err, "attestation");
    attest_check c = {digest, predicate_type, pub, CG_BUF_INIT};
    const cg_sigman_walker w = {CG_MT_DSSE_ENVELOPE, "not a DSSE envelope layer",
                                "the attestation manifest has no layers", CG_ATTEST_MAX_ENVELOPE, NULL,
                                attest_layer_check, &c};
    st = cg_sigman_walk(layers, &w, fetch, ud, result, err);
    cg_buf_free(&c.stmt);
    json_decref(root);
    return st;
}

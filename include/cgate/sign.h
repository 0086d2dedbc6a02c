/*
 * sign.h - keys, Cosign-compatible signatures and in-toto/DSSE attestations.
 *
 * Everything here works on bytes: key files, payloads, manifests.  Nothing
 * talks to a registry; where verification needs a blob (a signature payload,
 * an attestation envelope) it asks the caller through cg_blob_fetch_fn, the
 * one seam to the registry client.  The byte-level formats are those of
 * ../shared/docs/REGISTRY-AND-SIGNING.md (checked against cosign); the user
 * documentation is docs/signing.md.
 *
 * Keys are ECDSA P-256 only.  Private key bytes (decrypted DER, scrypt output,
 * passwords handed in) are wiped after use.
 */
#ifndef CGATE_SIGN_H
#define CGATE_SIGN_H

#include "cgate/export.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cgate/buf.h"
#include "cgate/error.h"
#include "cgate/mediatype.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- keys (src/sign/keys.c) ------------------------------------------- */

typedef struct cg_sign_key cg_sign_key; /* an ECDSA P-256 key, private or public */

/* Bounds on key files and passwords read from anywhere. */
#define CG_KEY_FILE_MAX (64u * 1024u)
#define CG_PASSWORD_MAX 4096u

/* Called only when a key is encrypted: append the password to pw (a buffer
 * the library wipes and frees).  Return CG_OK or an error (no terminal, ...). */
typedef cg_status (*cg_password_fn)(void *ud, cg_buf *pw, cg_error *err);

/* A fresh P-256 key pair.  Free with cg_key_free(). */
CG_EXPORT cg_status cg_key_generate(cg_sign_key **out, cg_error *err);

/* A private key from PEM text: "ENCRYPTED COSIGN PRIVATE KEY" or
 * "ENCRYPTED SIGSTORE PRIVATE KEY" (scrypt N in {32768, 65536, 131072}, r=8,
 * p=1, NaCl secretbox; asks pw for the password), "PRIVATE KEY" (PKCS#8) or
 * "EC PRIVATE KEY" (SEC1).  Anything but a P-256 key is refused (CG_ERR_INPUT);
 * a wrong password is CG_ERR_INPUT "wrong password or corrupt key". */
CG_EXPORT cg_status cg_key_load_private(const uint8_t *pem, size_t len, cg_password_fn pw, void *ud,
                                        cg_sign_key **out, cg_error *err);

/* A public key from PEM "PUBLIC KEY" (SubjectPublicKeyInfo), P-256 only. */
CG_EXPORT cg_status cg_key_load_public(const uint8_t *pem, size_t len, cg_sign_key **out, cg_error *err);

/* Read a key reference into out: "env://VAR" is the variable's value, anything
 * else a path to a regular file; at most CG_KEY_FILE_MAX bytes.  The caller
 * wipes (sodium_memzero / cg_key_buf_wipe) and frees out. */
CG_EXPORT cg_status cg_key_ref_read(const char *ref, cg_buf *out, cg_error *err);

/* Zero a buffer's bytes, then free it. */
CG_EXPORT void cg_key_buf_wipe(cg_buf *b);

/* Append cosign's encrypted PEM ("ENCRYPTED COSIGN PRIVATE KEY") of a private
 * key to out, with scrypt parameter N (32768 unless testing; 65536 and 131072
 * are the only others allowed), r=8, p=1, fresh random salt and nonce. */
CG_EXPORT cg_status cg_key_write_encrypted(const cg_sign_key *key, const char *password, size_t pwlen,
                                           uint64_t scrypt_n, cg_buf *out, cg_error *err);

/* Append the public key as PEM "PUBLIC KEY" (what `openssl pkey -pubout` writes). */
CG_EXPORT cg_status cg_key_write_public(const cg_sign_key *key, cg_buf *out, cg_error *err);

CG_EXPORT bool cg_key_is_private(const cg_sign_key *key);
CG_EXPORT void cg_key_free(cg_sign_key *key);

/* ECDSA P-256 over SHA-256 of msg: append the ASN.1 DER signature to der. */
CG_EXPORT cg_status cg_key_sign(const cg_sign_key *key, const void *msg, size_t len, cg_buf *der, cg_error *err);
/* True when der is a valid signature of msg under key (private or public). */
CG_EXPORT bool cg_key_verify(const cg_sign_key *key, const void *msg, size_t len, const void *der, size_t derlen);


/* ---- the registry seam -------------------------------------------------- */

/* Fetch the blob `digest` of the repository being verified into out, at most
 * max bytes.  Network or registry faults: CG_ERR_NETWORK; more than max:
 * CG_ERR_LIMIT.  Callers re-check the digest of what comes back. */
typedef cg_status (*cg_blob_fetch_fn)(void *ud, const char *digest, size_t max, cg_buf *out,
                                      cg_error *err);

/* ---- Cosign signatures (src/sign/cosign.c) ------------------------------ */

#define CG_COSIGN_MAX_SIGNATURES 100
#define CG_COSIGN_MAX_PAYLOAD (4u * 1024u * 1024u)
#define CG_COSIGN_MAX_MANIFEST (4u * 1024u * 1024u)
#define CG_ATTEST_MAX_ENVELOPE (64u * 1024u * 1024u) /* an SBOM can be large */

#define CG_MT_COSIGN_SIMPLESIGNING "application/vnd.dev.cosign.simplesigning.v1+json"
#define CG_MT_DSSE_ENVELOPE "application/vnd.dsse.envelope.v1+json"
#define CG_COSIGN_SIG_ANNOTATION "dev.cosignproject.cosign/signature"

typedef struct cg_annotation {
    const char *key;
    const char *value;
} cg_annotation;

/* The simple-signing payload, exact bytes (keys in cosign's order, no
 * trailing newline): identity is "REGISTRY/REPO", digest "sha256:HEX";
 * annotations (n may be 0: "optional":null) are written sorted by key as
 * Go's encoding/json does.  Duplicate keys or invalid UTF-8: CG_ERR_USAGE. */
CG_EXPORT cg_status cg_cosign_payload(const char *identity, const char *digest, const cg_annotation *ann,
                                      size_t n, cg_buf *out, cg_error *err);

/* The tag a signature / attestation object lives under: "sha256-HEX.sig" /
 * "sha256-HEX.att" (suffix "sig" or "att").  digest must be valid. */
CG_EXPORT cg_status cg_cosign_tag(const char *digest, const char *suffix, char out[80], cg_error *err);

/* Sign a payload: append base64(DER(ECDSA(SHA-256(payload)))) to sig_b64. */
CG_EXPORT cg_status cg_cosign_sign(const cg_sign_key *key, const void *payload, size_t len, cg_buf *sig_b64,
                                   cg_error *err);

/* Append one layer (media type, blob bytes, annotations) to a signature or
 * attestation manifest.  existing/existing_len: the manifest now under the
 * tag, or NULL/0 for none.  Writes the new manifest and its config blob
 * (rootfs.diff_ids = the layer digests); *added is false when an identical
 * layer (digest, media type and annotations) was already there, in which
 * case nothing needs pushing.  A Docker-typed or malformed existing manifest,
 * or one already at CG_COSIGN_MAX_SIGNATURES layers, is refused. */
CG_EXPORT cg_status cg_sigman_append(const uint8_t *existing, size_t existing_len, const char *media_type,
                                     const void *blob, size_t blob_len, const cg_annotation *ann, size_t n,
                                     cg_buf *manifest, cg_buf *config, bool *added, cg_error *err);

/* What a verification found. */
typedef struct cg_verify_result {
    size_t checked;   /* layers examined                                   */
    size_t verified;  /* layers that passed every check                    */
    cg_buf json;      /* a JSON array of the verified payloads/statements  */
    char reason[512]; /* when verified == 0: why, for the user             */
} cg_verify_result;

CG_EXPORT void cg_verify_result_init(cg_verify_result *r);
CG_EXPORT void cg_verify_result_free(cg_verify_result *r);

/* Verify a ".sig" manifest: succeed (result->verified >= 1) only for a layer
 * whose signature verifies under pub AND whose payload names exactly digest.
 * Returns CG_OK whether or not anything verified (see result); an error only
 * for a refused manifest (not OCI, over the caps: CG_ERR_INPUT/CG_ERR_LIMIT)
 * or a fetch fault (passed through). */
CG_EXPORT cg_status cg_cosign_verify(const uint8_t *manifest, size_t len, const char *digest,
                                     const cg_sign_key *pub, cg_blob_fetch_fn fetch, void *ud,
                                     cg_verify_result *result, cg_error *err);

/* The same, counting only payloads whose "optional" object holds every
 * require[i].key with exactly the string require[i].value (`verify -a K=V`,
 * as cosign does); n_require may be 0. */
CG_EXPORT cg_status cg_cosign_verify_annotated(const uint8_t *manifest, size_t len, const char *digest,
                                               const cg_sign_key *pub, const cg_annotation *require,
                                               size_t n_require, cg_blob_fetch_fn fetch, void *ud,
                                               cg_verify_result *result, cg_error *err);

/* Check one simple-signing payload: well formed, the cosign type, and naming
 * digest.  CG_ERR_INPUT with the reason otherwise. */
CG_EXPORT cg_status cg_cosign_payload_check(const uint8_t *payload, size_t len, const char *digest,
                                            cg_error *err);

/* ---- in-toto / DSSE attestations (src/sign/dsse.c) ---------------------- */

#define CG_INTOTO_STATEMENT_V01 "https://in-toto.io/Statement/v0.1"
#define CG_INTOTO_STATEMENT_V1 "https://in-toto.io/Statement/v1"
#define CG_INTOTO_PAYLOAD_TYPE "application/vnd.in-toto+json"
#define CG_PREDICATE_CYCLONEDX "https://cyclonedx.org/bom"
#define CG_PREDICATE_SPDX "https://spdx.dev/Document"

/* "cyclonedx" / "spdxjson" to their URIs; any other value must be an absolute
 * URI (scheme ":" ...) and is returned as given.  NULL when unacceptable. */
CG_EXPORT const char *cg_predicate_type_uri(const char *type);

/* An in-toto Statement v0.1 naming (name, digest) with the JSON object
 * predicate (checked to be a CycloneDX / SPDX document for those types). */
CG_EXPORT cg_status cg_intoto_statement(const char *name, const char *digest, const char *predicate_type,
                                        const uint8_t *predicate, size_t len, cg_buf *out, cg_error *err);

/* DSSE pre-authentication encoding: "DSSEv1 LEN(type) type LEN(body) body". */
CG_EXPORT cg_status cg_dsse_pae(const char *payload_type, const void *body, size_t len, cg_buf *out,
                                cg_error *err);

/* A DSSE envelope of body (payload type in-toto) signed with key. */
CG_EXPORT cg_status cg_dsse_sign(const cg_sign_key *key, const void *body, size_t len, cg_buf *envelope,
                                 cg_error *err);

/* Verify an ".att" manifest: succeed only for an envelope with a signature
 * that verifies under pub over the PAE, whose signed statement has the asked
 * predicate type and a subject whose sha256 equals digest.  Same return
 * convention as cg_cosign_verify; result->json holds the statements. */
CG_EXPORT cg_status cg_attest_verify(const uint8_t *manifest, size_t len, const char *digest,
                                     const char *predicate_type, const cg_sign_key *pub,
                                     cg_blob_fetch_fn fetch, void *ud, cg_verify_result *result,
                                     cg_error *err);

/* Check one DSSE envelope's bytes (as cg_attest_verify does for each layer):
 * CG_OK when it verifies; CG_ERR_INPUT with the reason otherwise. */
CG_EXPORT cg_status cg_dsse_envelope_check(const uint8_t *env, size_t len, const char *digest,
                                           const char *predicate_type, const cg_sign_key *pub,
                                           cg_buf *statement_out, cg_error *err);

#ifdef __cplusplus
}
#endif
#endif

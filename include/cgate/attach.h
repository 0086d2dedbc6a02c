/*
 * attach.h - signatures and attestations kept in a registry beside the image
 * they are about, in cosign's tag storage: "sha256-HEX.sig" and
 * "sha256-HEX.att" in the image's own repository.
 *
 * This joins the byte-level formats of sign.h to the registry client of
 * registry.h.  Writing reads the manifest now under the tag, appends one
 * layer (skipping a signature this key already made over the same payload),
 * pushes the blobs, writes the manifest and reads it back to confirm; a
 * concurrent writer that replaced it in between makes it try again (three
 * times).  Verifying resolves nothing: the caller hands in the digest it
 * resolved once, and every blob read back is capped and re-hashed.
 *
 * Errors: registry faults are CG_ERR_NETWORK (exit 4); an existing tag that
 * holds something that is not a cosign OCI manifest, or is full
 * (CG_COSIGN_MAX_SIGNATURES layers), is CG_ERR_NETWORK too when writing (the
 * registry holds an object cgate cannot extend).  Verification returns CG_OK
 * with result->verified == 0 and result->reason for every failure that is a
 * property of the signatures, including a refused or missing manifest.
 */
#ifndef CGATE_ATTACH_H
#define CGATE_ATTACH_H

#include "cgate/export.h"

#include <stdbool.h>
#include <stddef.h>

#include "cgate/registry.h"
#include "cgate/sign.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a sign or attest wrote. */
typedef struct cg_attach_result {
    char tag[80];                          /* "sha256-HEX.sig" / ".att" */
    char manifest_digest[CG_REF_DIGEST_MAX]; /* of the manifest now under tag */
    char blob_digest[CG_REF_DIGEST_MAX];     /* the payload / envelope layer */
    bool added;                            /* false: this key had already signed it */
    size_t layers;                         /* layers under the tag afterwards */
} cg_attach_result;

/* The identity cosign writes for a repository: "REGISTRY/REPO" with Docker
 * Hub spelled "index.docker.io" as go-containerregistry does. */
CG_EXPORT void cg_attach_identity(const cg_ref *repo, char *buf, size_t n);

/* Sign digest (a manifest in repo) with key: a simple-signing payload with
 * the annotations ann[0..n) in "optional", appended to sha256-HEX.sig. */
CG_EXPORT cg_status cg_attach_sign(cg_registry *r, const cg_ref *repo, const char *digest, const cg_sign_key *key,
                                   const cg_annotation *ann, size_t n, cg_attach_result *res, cg_error *err);

/* Attest digest: an in-toto statement with predicate (a JSON object of
 * predicate_type, a URI; CycloneDX / SPDX documents are checked) in a DSSE
 * envelope signed by key, appended to sha256-HEX.att.  An attestation with
 * the same statement already signed by this key is not added again. */
CG_EXPORT cg_status cg_attach_attest(cg_registry *r, const cg_ref *repo, const char *digest, const cg_sign_key *key,
                                     const char *predicate_type, const uint8_t *predicate, size_t len,
                                     cg_attach_result *res, cg_error *err);

/* Verify the signatures of digest under pub (see cg_cosign_verify), counting
 * only payloads that carry every annotation in require[0..n) (n may be 0). */
CG_EXPORT cg_status cg_attach_verify(cg_registry *r, const cg_ref *repo, const char *digest, const cg_sign_key *pub,
                                     const cg_annotation *require, size_t n, cg_verify_result *result, cg_error *err);

/* Verify the attestations of digest of predicate_type under pub (see
 * cg_attest_verify). */
CG_EXPORT cg_status cg_attach_verify_attestation(cg_registry *r, const cg_ref *repo, const char *digest,
                                                 const char *predicate_type, const cg_sign_key *pub,
                                                 cg_verify_result *result, cg_error *err);

/* --recursive: the manifests a signature covers.  digest[0] is the digest
 * asked for; when the registry serves it as an image index (or Docker
 * manifest list), every manifest it lists follows in document order
 * (platform images, attestation manifests, nested indexes and their
 * entries down to depth 4), each once.  what[i] is "os/arch[/variant]" from
 * the index entry, "unknown" without a platform, "" for digest[0]. */
#define CG_ATTACH_MAX_MANIFESTS 256
typedef struct cg_attach_set {
    size_t n;
    char digest[CG_ATTACH_MAX_MANIFESTS][CG_REF_DIGEST_MAX];
    char what[CG_ATTACH_MAX_MANIFESTS][48];
} cg_attach_set;

CG_EXPORT cg_status cg_attach_manifests(cg_registry *r, const cg_ref *repo, const char *digest, cg_attach_set *set,
                                        cg_error *err);

#ifdef __cplusplus
}
#endif
#endif

/*
 * digest.h - sha256 digests as the OCI world writes them ("sha256:<64 hex>").
 * A thin streaming wrapper over OpenSSL's EVP so every caller hashes the same
 * way, plus parsing/validation of digest strings taken from untrusted JSON.
 */
#ifndef CG_DIGEST_H
#define CG_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cgate/error.h"

#define CG_DIGEST_STR_LEN 71 /* "sha256:" + 64 hex */

typedef struct cg_sha256 {
    void *md; /* EVP_MD_CTX */
} cg_sha256;

cg_status cg_sha256_init(cg_sha256 *h);
void cg_sha256_update(cg_sha256 *h, const void *p, size_t n);
/* Writes "sha256:<hex>" (CG_DIGEST_STR_LEN + 1 bytes) and frees the context. */
void cg_sha256_final_str(cg_sha256 *h, char out[CG_DIGEST_STR_LEN + 1]);
void cg_sha256_final_raw(cg_sha256 *h, uint8_t out[32]);
void cg_sha256_dispose(cg_sha256 *h);

/* One-shot: "sha256:<hex>" of a buffer. */
cg_status cg_sha256_str(const void *p, size_t n, char out[CG_DIGEST_STR_LEN + 1]);

/* True when s is exactly "sha256:" followed by 64 lower-case hex digits. */
/* The first nbytes (at most 32) of sha256(s) as lower-case hex into out
 * (2 * nbytes + 1 bytes): short stable ids (SPDX ids, SARIF fingerprints). */
cg_status cg_sha256_hex_prefix(const char *s, size_t nbytes, char *out);

bool cg_digest_valid(const char *s);

#endif

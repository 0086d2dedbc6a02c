/*
 * sign_internal.h - what cosign.c and dsse.c share and nobody else sees:
 * Go-compatible JSON string output (cosign's payload bytes come from Go's
 * encoding/json), and the walk over a signature/attestation manifest's
 * layers with the caps and the digest re-check of every fetched blob.
 */
#ifndef CG_SIGN_INTERNAL_H
#define CG_SIGN_INTERNAL_H

#include <jansson.h>

#include "cgate/sign.h"

/* Append s as a JSON string the way Go's encoding/json writes it (", \, <,
 * >, & and U+2028/9 escaped).  Control characters and invalid UTF-8 are
 * refused (CG_ERR_USAGE): nothing cgate signs needs them. */
cg_status cg_sign_json_str(cg_buf *b, const char *s, cg_error *err);

/* Parse a signature/attestation manifest: at most CG_COSIGN_MAX_MANIFEST
 * bytes, an OCI image manifest (a Docker-typed one is refused), a layers
 * array of at most CG_COSIGN_MAX_SIGNATURES entries.  *root is the parsed
 * document (json_decref it); *layers points into it. */
cg_status cg_sigman_parse(const uint8_t *m, size_t len, json_t **root, json_t **layers, cg_error *err);

/* Fetch the blob of layer descriptor d (size at most max, digest checked
 * before and after); CG_ERR_INPUT for a bad descriptor (the caller moves
 * on), the fetch's own status otherwise; a blob whose sha256 differs from
 * the descriptor is CG_ERR_NETWORK (the registry served the wrong bytes). */
cg_status cg_sigman_fetch(const json_t *d, size_t max, cg_blob_fetch_fn fetch, void *ud, cg_buf *out,
                          cg_error *err);

/* Add "layer N: why" to the result's reason (kept short, first ones win). */
void cg_verify_note(cg_verify_result *r, size_t layer, const char *why);

#endif

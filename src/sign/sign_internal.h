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

/* How cg_sigman_walk checks the layers of one kind of manifest. */
typedef struct cg_sigman_walker {
    const char *media_type; /* the layers worth a look */
    const char *other_type; /* the note for a layer of another media type */
    const char *no_layers;  /* the note for a manifest without layers */
    size_t max;             /* cap on a layer's blob */
    /* Optional, before the fetch: a note for a layer not worth fetching, or NULL. */
    const char *(*precheck)(const json_t *d);
    /* After the fetch of d's blob: CG_OK with *accepted the bytes to add to
     * the result's JSON array; CG_ERR_INPUT with e->msg the note for a layer
     * that does not verify; any other status (in e) stops the walk. */
    cg_status (*check)(void *ctx, const json_t *d, const cg_buf *blob, const cg_buf **accepted,
                       cg_error *e);
    void *ctx;
} cg_sigman_walker;

/* Walk a signature/attestation manifest's layers (from cg_sigman_parse):
 * count each in result->checked, note each that does not verify, append each
 * that does to result->json (a JSON array once one has) and count it in
 * result->verified.  CG_OK unless a fetch fails for other reasons than a bad
 * descriptor, the check stops the walk, or memory runs out. */
cg_status cg_sigman_walk(const json_t *layers, const cg_sigman_walker *w, cg_blob_fetch_fn fetch, void *ud,
                         cg_verify_result *result, cg_error *err);

#endif

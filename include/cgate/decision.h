/*
 * decision.h - the push gate: does a `cgate policy` decision file allow
 * this image?  `cgate push --require-decision`, `cgate run` and `cgate
 * serve` all enforce it through this API, so a library user can too.
 *
 * A decision allows an image when it says "pass": true and names the image:
 * by its `image` member (manifestDigests[] or configDigest), by an older
 * `imageDigest`, or (oldest) through the report it lists under inputs, whose
 * sha256 must still match.  The config digest binds as well as the manifest
 * digest: it names the layers' uncompressed diff_ids.  Malformed files are
 * CG_ERR_INPUT; a refusal is not an error but a verdict with a one-line
 * reason.  The library never prints.
 */
#ifndef CGATE_DECISION_H
#define CGATE_DECISION_H

#include <stddef.h>

#include "cgate/buf.h"
#include "cgate/error.h"
#include "cgate/export.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CG_DECISION_MAX_BYTES (64u << 20) /* a decision file */

/* A decision file, read and parsed. */
typedef struct cg_decision_doc cg_decision_doc;

/* Read path (capped at CG_DECISION_MAX_BYTES) and parse it: CG_ERR_INPUT
 * unless it is a JSON object with a boolean "pass".  Free with
 * cg_decision_free. */
CG_EXPORT cg_status cg_decision_read(const char *path, cg_decision_doc **out, cg_error *err);
/* The same from memory; name is used in messages, and a relative report
 * path (in inputs) is also tried next to it. */
CG_EXPORT cg_status cg_decision_read_mem(const char *name, const void *data, size_t len, cg_decision_doc **out,
                                         cg_error *err);
CG_EXPORT void cg_decision_free(cg_decision_doc *d);

/* 1 when the decision says "pass": true. */
CG_EXPORT int cg_decision_passed(const cg_decision_doc *d);

typedef enum cg_decision_cover {
    CG_COVER_YES = 0, /* passes and names this image */
    CG_COVER_DENY,    /* says "pass": false */
    CG_COVER_UNNAMED, /* passes but names no image digest at all */
    CG_COVER_OTHER    /* passes, about another image */
} cg_decision_cover;

/* Does d allow the image with manifest_digest (and config_digest, may be
 * NULL)?  *cover is the verdict; why (may be NULL) gets, for any verdict
 * but CG_COVER_YES, one line saying why (no trailing newline), e.g.
 * "FILE says deny: REASON" or "FILE is a decision about another image
 * (DIGEST), not DIGEST".  Errors (CG_ERR_INPUT) are a malformed `image`
 * member, or a report named in inputs that is missing or changed. */
CG_EXPORT cg_status cg_decision_covers(const cg_decision_doc *d, const char *manifest_digest, const char *config_digest,
                                       cg_decision_cover *cover, cg_buf *why, cg_error *err);

/* The gate for one image: each of paths[0..n) is read in turn and must
 * cover it (CG_COVER_YES); the first that does not stops the gate with
 * *allowed = 0 and its reason in why.  *allowed = 1 when every file covers
 * the image (n = 0 allows). */
CG_EXPORT cg_status cg_decision_gate_image(const char *const *paths, size_t n, const char *manifest_digest,
                                           const char *config_digest, int *allowed, cg_buf *why, cg_error *err);

/* One platform's image in an index, for cg_decision_gate_index. */
typedef struct cg_gate_platform {
    const char *platform;        /* "linux/amd64", for messages */
    const char *manifest_digest;
    const char *config_digest;   /* may be NULL */
} cg_gate_platform;

/* The gate for a multi-platform index (digest index_digest) whose images
 * are p[0..np): every file must pass and be about the index or one of its
 * images; and every image must be covered by one of them, unless one covers
 * the index itself.  Attestations are not images: leave them out of p. */
CG_EXPORT cg_status cg_decision_gate_index(const char *const *paths, size_t n, const char *index_digest,
                                           const cg_gate_platform *p, size_t np, int *allowed, cg_buf *why,
                                           cg_error *err);

#ifdef __cplusplus
}
#endif
#endif

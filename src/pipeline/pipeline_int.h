/*
 * pipeline_int.h - what the files of src/pipeline/ share: the audit log
 * writer (audit.c), the artifacts folder (artifacts.c) and the buildah
 * driver (build.c).  Nothing here is public; cgate/pipeline.h is.
 */
#ifndef CG_PIPELINE_INT_H
#define CG_PIPELINE_INT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "cgate/buf.h"
#include "cgate/error.h"
#include "cgate/pipeline.h"
#include "core/digest.h"

#define PL_PATH_MAX 4096
#define PL_AUDIT_MAX_RECORDS 64   /* a run writes about ten */
#define PL_AUDIT_MAX_BYTES (4u << 20)

/* ---- audit.c ------------------------------------------------------------ */

/* The log of one run, kept whole in memory and rewritten whole (temp +
 * rename) after each record, so a kill leaves the previous complete log. */
typedef struct pl_audit {
    char dir[PL_PATH_MAX];
    cg_buf log;
    char prev[CG_DIGEST_STR_LEN + 1]; /* recordSha256 of the last record; "" before the first */
    size_t seq;
} pl_audit;

void pl_audit_init(pl_audit *a, const char *dir);
void pl_audit_free(pl_audit *a);
/* A new record for stage: {"seq", "stage", "start", ...}; the caller adds
 * members and hands it to pl_audit_append.  NULL when out of memory. */
json_t *pl_audit_record(pl_audit *a, const char *stage);
/* Close rec (end time, result, error, prev, recordSha256), append it and
 * rewrite DIR/audit.jsonl.  rec is consumed.  result: "ok", "pass",
 * "deny", "error"; errmsg NULL unless result is "error". */
cg_status pl_audit_append(pl_audit *a, json_t *rec, const char *result, const char *errmsg, cg_error *err);

/* Check an audit log's bytes (buf, len: untrusted, not NUL-terminated)
 * and the artifacts its records name inside dir; cg_audit_verify reads the
 * file and calls this. */
void pl_audit_verify_log(const char *dir, const uint8_t *buf, size_t len, cg_audit_verify_result *r);

/* Add {"artifact": name, "sha256": sha} / {"path": path, "sha256": sha} to
 * rec[list] ("inputs" or "outputs"). */
void pl_rec_artifact(json_t *rec, const char *list, const char *name, const char *sha256);
void pl_rec_file(json_t *rec, const char *list, const char *role, const char *path, const char *sha256);
/* "2026-12-06T02:40:01.123Z" of the real clock. */
void pl_now_str(char out[40]);

/* ---- artifacts.c -------------------------------------------------------- */

/* Write data whole to DIR/name and put its sha256 in sha. */
cg_status pl_artifact_write(const char *dir, const char *name, const void *data, size_t len,
                            char sha[CG_DIGEST_STR_LEN + 1], cg_error *err);
/* mkdir -p (mode 0755). */
cg_status pl_mkdirs(const char *path, cg_error *err);
/* Remove a tree we made (never following symlinks or crossing mounts).
 * Best effort: returns -1 when something was left. */
int pl_rmtree(const char *path);
/* "./cgate-artifacts/sha256-HEX" for a digest. */
void pl_default_dir(const char *digest, char *out, size_t n);

/* ---- build.c ------------------------------------------------------------ */

/* Build o->dockerfile with buildah into the OCI layout DIR/image.oci
 * (tag "latest"), its output in DIR/build.log, storage under DIR/build/
 * (removed afterwards).  Adds inputs and the tool version to rec.  Sets
 * layout_ref to "oci:DIR/image.oci:latest". */
cg_status pl_build(const cg_pipeline_opts *o, const char *dir, json_t *rec, char *layout_ref, size_t n,
                   cg_error *err);

#endif

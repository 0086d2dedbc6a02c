/*
 * pipeline.h - `cgate run`: the whole gate in one process.  An image (opened
 * from any transport, or built first from a Dockerfile with buildah) goes
 * through SBOM -> scan -> policy; on pass it is pushed by digest, signed
 * (the decision's sha256 in the payload), attested, and only then tagged.
 *
 * Every stage writes its artifact whole (temp + rename) into one artifacts
 * folder and appends one record to a hash-chained audit.jsonl there, so an
 * auditor can check later that nothing was changed (cg_audit_verify).  A
 * failing stage stops the run: its record says why, the artifacts written so
 * far stay, and no tag is set.  The library never prints: progress goes to
 * the caller's note callback, the outcome into cg_pipeline_result.
 */
#ifndef CGATE_PIPELINE_H
#define CGATE_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

#include "cgate/buf.h"
#include "cgate/error.h"
#include "cgate/export.h"
#include "cgate/image.h"
#include "cgate/policy.h"
#include "cgate/registry.h"
#include "cgate/sign.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Files of the artifacts folder. */
#define CG_ART_SBOM_CDX "sbom.cdx.json"
#define CG_ART_SBOM_SPDX "sbom.spdx.json"
#define CG_ART_REPORT "report.json"
#define CG_ART_SARIF "report.sarif"
#define CG_ART_REPORT_HTML "report.html" /* the decision and the report as one web page */
#define CG_ART_DECISION "decision.json"
#define CG_ART_AUDIT "audit.jsonl"
#define CG_ART_BUILD_LOG "build.log"
#define CG_ART_IMAGE "image.oci" /* the built image, an OCI layout (builds only) */
#define CG_ART_PUSHED "pushed.json"
#define CG_ART_VEX "vex.json" /* OpenVEX from runtime evidence (vex_out only) */

/* The signature annotation that ties a signed digest to its decision. */
#define CG_DECISION_ANNOTATION "dev.cgate.decision"

/* A progress note: stage ("build", "sbom", ...) and one line of text. */
typedef void (*cg_pipeline_note_fn)(void *ud, const char *stage, const char *msg);

typedef struct cg_pipeline_opts {
    /* The image: source (any transport cg_image_open reads), or a build. */
    const char *source;
    const char *dockerfile;           /* build with buildah first (source must be NULL) */
    const char *build_context;        /* NULL = the Dockerfile's folder */
    const char *const *build_args;    /* "KEY=VALUE" */
    size_t n_build_args;
    const char *buildah;              /* NULL = "buildah" on PATH */
    const cg_image_opts *image;       /* platform, caps, docker:// options; may be NULL */

    /* Where it goes. */
    const char *to;                   /* HOST/REPO:TAG (required unless dry_run) */
    const cg_registry_opts *registry; /* may be NULL */

    /* The artifacts folder; NULL = "cgate-artifacts/sha256-HEX" (the
     * manifest digest's hex) under the current directory. */
    const char *artifacts;

    /* Scan. */
    const char *db_path;              /* NULL = cg_vdb_default_path */
    int64_t db_max_age;               /* seconds; < 0 = no limit */
    int64_t now;                      /* seconds for DB age and CreatedAt; < 0 = real clock
                                         for the age, no CreatedAt (unless source_date_epoch) */
    unsigned severities, pkg_types;   /* as cg_scan_opts; 0 = all */
    int ignore_unfixed;
    /* Runtime evidence (cgate/runtime.h, docs/runtime.md): Falco JSON, strace
     * logs or path lists; each file's sha256 and the window go into the
     * report, the scan stage's audit record and the decision. */
    const char *const *runtime_evidence;
    size_t n_runtime_evidence;
    int vex_out;                      /* write CG_ART_VEX (needs runtime_evidence) */

    /* Policy (as `cgate policy`). */
    const char *policy;               /* required */
    const char *exceptions;           /* may be NULL */
    const char *const *vex;
    size_t n_vex;
    const char *const *context;       /* Kubernetes manifests: files or folders */
    size_t n_context;
    const char *policy_now;           /* "YYYY-MM-DD" the exceptions expire against; required */

    /* Signing. */
    const char *key;                  /* private key reference (path or env://VAR) */
    cg_password_fn password;          /* asked only for an encrypted key */
    void *password_ud;
    int attest_spdx;                  /* attest the SPDX SBOM too */
    int dry_run;                      /* stop after the decision */

    int64_t source_date_epoch;        /* < 0 = unset; the build's --timestamp, SBOM times */

    cg_pipeline_note_fn note;         /* may be NULL */
    void *note_ud;
} cg_pipeline_opts;

typedef struct cg_pipeline_result {
    char dir[4096];                   /* the artifacts folder ("" when none was made) */
    char stage[16];                   /* the stage that failed ("" when none did) */
    int decided, pass;                /* a decision was made; it passed */
    char image_digest[CG_REF_DIGEST_MAX];   /* manifest digest of the image */
    char decision_sha256[CG_REF_DIGEST_MAX];
    char pushed[700];                 /* HOST/REPO:TAG@DIGEST once tagged */
    char signature_digest[CG_REF_DIGEST_MAX];   /* the .sig manifest */
    char attestation_digest[CG_REF_DIGEST_MAX]; /* the .att manifest */
    size_t n_packages, n_findings;
    cg_buf decision_table;            /* the decision as `cgate policy -f table` prints it */
} cg_pipeline_result;

CG_EXPORT void cg_pipeline_result_init(cg_pipeline_result *r);
CG_EXPORT void cg_pipeline_result_free(cg_pipeline_result *r);

/* Run the pipeline.  CG_OK with res->pass = 1 when the image was pushed,
 * signed, attested and tagged (or, with dry_run, when the decision passed);
 * CG_OK with res->pass = 0 when the policy denied (nothing pushed).  Any
 * failure returns its status with err naming the stage ("stage scan: ..."),
 * and res->stage set. */
CG_EXPORT cg_status cg_pipeline_run(const cg_pipeline_opts *o, cg_pipeline_result *res, cg_error *err);

/* Hand a run's artifacts (dir: its SBOM, report and decision) to a `cgate
 * serve` at url: POST url/v1/images {"sbom", "name", "report", "decision"},
 * with the bearer token in token_file's first line (NULL = none). */
CG_EXPORT cg_status cg_pipeline_report_to(const char *url, const char *token_file, const char *dir, const char *name,
                                          cg_error *err);

/* The Pod Security Standards checks on the manifests of the workloads that
 * run the report's image (wl: from cg_policy_context_load): each finding on
 * one of those workloads (same file, kind and name) is appended to
 * rep->findings as a CG_PCONF_PSS record (arena-owned), so the decision lists
 * it, exceptions cover it and the policy's podSecurity rule may block it.
 * Each manifest file is read once. */
CG_EXPORT cg_status cg_pipeline_add_pss(cg_preport *rep, const cg_workload *wl, size_t n_wl, cg_arena *a,
                                        cg_error *err);

/* ---- policy inputs (src/pipeline/inputs.c) ----------------------------- */

/* Called with each file cg_pipeline_walk_inputs reads (its path and whole
 * content, both valid only during the call); a status other than CG_OK stops
 * the walk and is returned (set err). */
typedef cg_status (*cg_input_file_fn)(void *ud, const char *path, const cg_buf *data, cg_error *err);

/* The files of one policy input the user named (a --context file or folder,
 * a folder of Rego), in the order both `cgate policy` and `cgate run` hash
 * them: path itself when it is a regular file; for a folder every regular
 * file below it, names sorted bytewise, dot-files and other kinds of file
 * skipped, 16 levels deep at most (CG_ERR_LIMIT).  Each file is read whole
 * (64 MiB cap) and handed to fn.  A path that cannot be read is CG_ERR_IO,
 * one that is neither a file nor a folder CG_ERR_INPUT. */
CG_EXPORT cg_status cg_pipeline_walk_inputs(const char *path, cg_input_file_fn fn, void *ud, cg_error *err);

/* ---- the audit trail (src/pipeline/audit.c) ---------------------------- */

typedef struct cg_audit_verify_result {
    size_t records;      /* records read */
    size_t files;        /* artifact hashes checked */
    size_t bad_record;   /* 1-based seq of the first record that does not match; 0 = all match */
    char bad_stage[32];  /* its stage, when it could be read */
    char reason[768];    /* why */
} cg_audit_verify_result;

/* Check DIR/audit.jsonl: every record's own hash, the chain of "prev"
 * hashes, and the sha256 of every artifact a record names inside DIR.
 * CG_OK whether or not it matched (see r->bad_record); an error only when
 * there is no readable audit.jsonl (CG_ERR_INPUT / CG_ERR_IO). */
CG_EXPORT cg_status cg_audit_verify(const char *dir, cg_audit_verify_result *r, cg_error *err);

#ifdef __cplusplus
}
#endif
#endif

/*
 * lint.h - configuration checks: the Dockerfile parser (BuildKit syntax) and
 * its built-in checks, image config and filesystem checks, and the
 * Kubernetes Pod Security Standards.  Findings go into a cg_findings
 * (findings.h), the same records `cgate scan --scanners config` reports.
 *
 * The parsed Dockerfile is also a JSON document with the shape Conftest's
 * Dockerfile parser gives (an array of {Cmd, SubCmd, JSON, Original, Stage,
 * Flags, Value} plus StartLine/EndLine), so Conftest Dockerfile policies run
 * on it as `input`.  docs/lint.md documents the document and every check.
 */
#ifndef CGATE_LINT_H
#define CGATE_LINT_H

#include <stddef.h>
#include <stdint.h>

#include "cgate/arena.h"
#include "cgate/buf.h"
#include "cgate/error.h"
#include "cgate/export.h"
#include "cgate/findings.h"
#include "cgate/image.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cg_df_heredoc {
    const char *name;    /* "EOF" */
    const char *body;    /* lines between the marker and the terminator, '\n'-joined */
    int quoted;          /* <<"EOF": no expansion */
    int start_line, end_line;
} cg_df_heredoc;

typedef struct cg_df_cmd {
    const char *cmd;      /* lower case: "from", "run", ... */
    const char *sub_cmd;  /* ONBUILD's instruction (lower case), else "" */
    int json;             /* exec (JSON) form */
    const char *original; /* the instruction with continuations joined */
    int stage;            /* 0-based FROM it belongs to (global ARGs: 0, see global) */
    int global;           /* before the first FROM */
    const char **flags;   /* "--from=build", as written */
    size_t n_flags;
    const char **value;   /* as Conftest gives it (ENV/LABEL: key, value, ...) */
    size_t n_value;
    cg_df_heredoc *heredocs;
    size_t n_heredocs;
    int start_line, end_line;
    const char **ignore;  /* ids from "# hadolint ignore=..." right above */
    size_t n_ignore;
} cg_df_cmd;

typedef struct cg_df_stage {
    const char *name;     /* "AS name" (lower case) or NULL */
    const char *image;    /* base image, global ARGs substituted */
    const char *image_raw;/* as written */
    size_t first, count;  /* its commands, the FROM included */
    int line;
} cg_df_stage;

typedef struct cg_dockerfile {
    cg_arena arena;
    char escape;          /* '\\' or '`' */
    const char *syntax;   /* "# syntax=" directive (the BuildKit frontend image) or NULL */
    int syntax_line;      /* its 1-based line, 0 without one */
    cg_df_cmd *cmds;
    size_t n_cmds;
    cg_df_stage *stages;
    size_t n_stages;
    const char **lines;   /* physical lines, for code excerpts */
    size_t n_lines;
} cg_dockerfile;

#define CG_DOCKERFILE_MAX_BYTES (4u << 20)

/* Parse a Dockerfile.  what names it in errors.  *out is freed with
 * cg_dockerfile_free.  A line that is not an instruction is CG_ERR_INPUT
 * ("Dockerfile:12: unknown instruction ..."). */
CG_EXPORT cg_status cg_dockerfile_parse(const uint8_t *buf, size_t len, const char *what, cg_dockerfile **out,
                                        cg_error *err);
CG_EXPORT void cg_dockerfile_free(cg_dockerfile *df);
/* Whether a `# syntax=` frontend is one whose syntax cgate implements:
 * docker/dockerfile with no tag or a 1 / 1.N / 1.N.M tag (optionally
 * docker.io/ and an @sha256 digest).  0 for anything else: other frontends,
 * -labs tags (experimental syntax), a digest without a tag, other majors. */
CG_EXPORT int cg_dockerfile_syntax_known(const char *syntax);
/* The Conftest-shaped JSON document (see above), appended to out. */
CG_EXPORT cg_status cg_dockerfile_to_json(const cg_dockerfile *df, cg_buf *out, cg_error *err);

/* .hadolint.yaml: ignored, trustedRegistries, failure-threshold. */
typedef struct cg_lint_config {
    const char **ignored;           /* check ids: hadolint DLxxxx, Trivy DSxxx or cgate's */
    size_t n_ignored;
    const char **trusted_registries;/* empty: every registry trusted */
    size_t n_trusted;
    int failure_threshold;          /* cg_severity at which `cgate lint` fails; 5 = never */
} cg_lint_config;

CG_EXPORT void cg_lint_config_default(cg_lint_config *c);
/* Parse a .hadolint.yaml into c (strings in a).  Unknown keys are ignored, as
 * hadolint does; a wrong type is CG_ERR_INPUT. */
CG_EXPORT cg_status cg_lint_config_parse(const uint8_t *buf, size_t len, const char *what, cg_arena *a,
                                         cg_lint_config *c, cg_error *err);
/* hadolint's names: "error" HIGH, "warning" MEDIUM, "info" LOW, "style"
 * UNKNOWN (everything), "ignore"/"none" never; also cgate's severity names. */
CG_EXPORT int cg_lint_threshold_parse(const char *s, int *out);

typedef enum cg_check_kind { CG_CHECK_DOCKERFILE, CG_CHECK_IMAGE, CG_CHECK_K8S } cg_check_kind;

typedef struct cg_check_info {
    const char *id;          /* "CG-DF-002" */
    const char *trivy_id;    /* "DS002" or NULL */
    const char *hadolint_id; /* "DL3002" or NULL */
    cg_check_kind kind;
    int severity;            /* cg_severity */
    const char *title, *rationale, *fix;
} cg_check_info;

/* Every built-in check, in id order. */
CG_EXPORT const cg_check_info *cg_lint_checks(size_t *n);

/* Run the Dockerfile checks; findings named target go into out. */
CG_EXPORT cg_status cg_lint_dockerfile(const cg_dockerfile *df, const char *target, const cg_lint_config *cfg,
                                       cg_findings *out, cg_error *err);

/* Image checks: the config (user, HEALTHCHECK, ports, secrets in Env,
 * labels and history) and the final filesystem (setuid/setgid files,
 * world-writable directories).  Walks every layer once. */
CG_EXPORT cg_status cg_lint_image(cg_image *img, const char *target, const cg_lint_config *cfg, cg_findings *out,
                                  cg_error *err);
/* The config part alone, from the config JSON bytes. */
CG_EXPORT cg_status cg_lint_image_config(const uint8_t *cfg, size_t len, const char *target,
                                         const cg_lint_config *lc, cg_findings *out, cg_error *err);

/* Kubernetes Pod Security Standards (baseline + restricted) on the
 * workloads of the manifest files (YAML, several documents each). */
CG_EXPORT cg_status cg_lint_k8s_file(const uint8_t *buf, size_t len, const char *path, const cg_lint_config *lc,
                                     cg_findings *out, cg_error *err);

/* The Pod Security Standards level a CG-K8S-* check belongs to:
 * "baseline" or "restricted" (restricted includes baseline); NULL for other ids. */
CG_EXPORT const char *cg_lint_pss_level(const char *id);

#ifdef __cplusplus
}
#endif
#endif

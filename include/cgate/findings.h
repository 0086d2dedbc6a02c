/*
 * findings.h - the records that the config checks (src/lint) and the secret
 * scanner (src/secrets) produce and that the report writers (src/scan) and
 * the policy (src/policy) read: misconfigurations and secrets.  They live in
 * core because two producer stages and two consumer stages share them and
 * none of those may depend on another (DESIGN.md §9).  Everything a
 * cg_findings holds lives in its arena; cg_findings_sort() gives the one
 * deterministic order (target, line, id).  Secret values are stored only
 * redacted: the scanner never hands an unredacted match to this type.
 */
#ifndef CGATE_FINDINGS_H
#define CGATE_FINDINGS_H

#include <stddef.h>
#include <stdint.h>

#include "cgate/arena.h"
#include "cgate/error.h"
#include "cgate/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Severities use cg_severity's numbering (scan.h): 0 UNKNOWN .. 4 CRITICAL. */

typedef struct cg_code_line {
    int number;
    const char *content; /* secrets: redacted */
    int is_cause;
} cg_code_line;

typedef struct cg_misconfig {
    const char *target;      /* "Dockerfile" path as given, a manifest path, or the image's name */
    const char *target_type; /* "dockerfile", "kubernetes", "image-config" */
    const char *id;          /* cgate's stable id ("CG-DF-002") */
    const char *trivy_id;    /* "DS002" or NULL */
    const char *avd_id;      /* "AVD-DS-0002" or NULL */
    const char *hadolint_id; /* "DL3002" or NULL */
    const char *title, *description, *message, *resolution;
    int severity;            /* cg_severity value */
    int start_line, end_line;/* 1-based; 0 = the file as a whole */
    cg_code_line *lines;
    size_t n_lines;
    const char *resource;    /* Kubernetes: the object "Kind/name" the finding is on; else NULL */
} cg_misconfig;

typedef struct cg_secret {
    const char *target;      /* absolute path in the image ("/app/.env"), or "" for config/history */
    const char *rule_id;     /* "aws-access-key-id" (Trivy's ids where one exists) */
    const char *category;    /* "AWS", "GitHub", ... */
    const char *title;
    int severity;
    int start_line, end_line;
    const char *match;       /* the matching line, the secret replaced by '*' */
    int layer;               /* layer index that added the file (-1 unknown) */
    const char *layer_digest, *layer_diff_id;
    int deleted_in;          /* index of the layer that deleted it, -1 when still present */
    const char *source;      /* "file", "env", "label", "history" */
    cg_code_line *lines;
    size_t n_lines;
} cg_secret;

typedef struct cg_config_target {
    const char *target, *target_type;
    size_t n_checks;         /* checks that ran (MisconfSummary: successes = n_checks - failed ids) */
} cg_config_target;

typedef struct cg_findings {
    cg_arena arena;
    cg_misconfig *mis;
    size_t n_mis, cap_mis;
    cg_secret *sec;
    size_t n_sec, cap_sec;
    cg_config_target *targets; /* every config target checked, even with no failure */
    size_t n_targets, cap_targets;
} cg_findings;

CG_EXPORT void cg_findings_init(cg_findings *f);
CG_EXPORT void cg_findings_free(cg_findings *f);
/* Append a zeroed record (strings are the caller's to fill from f->arena);
 * NULL on allocation failure. */
CG_EXPORT cg_misconfig *cg_findings_add_misconfig(cg_findings *f);
CG_EXPORT cg_secret *cg_findings_add_secret(cg_findings *f);
/* Record that target was checked with n_checks checks; failures are counted
 * from the misconfigurations at sort time.  Returns -1 on allocation failure. */
CG_EXPORT int cg_findings_add_target(cg_findings *f, const char *target, const char *type, size_t n_checks);
/* Sort both lists (target, start line, id) and drop exact duplicates. */
CG_EXPORT void cg_findings_sort(cg_findings *f);
/* Distinct check ids failing on target. */
CG_EXPORT size_t cg_findings_failures(const cg_findings *f, const char *target);

#ifdef __cplusplus
}
#endif
#endif

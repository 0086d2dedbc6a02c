/*
 * policy.h - the typed policy engine behind `cgate policy` (DESIGN.md §5).
 *
 * A decision is a pure function of (report, policy, exceptions, VEX, runtime
 * context, date).  The pieces are kept apart so each is testable alone:
 *   - cg_policy_parse() reads a policy file (YAML or JSON, apiVersion cgate/v1,
 *     or the seed's PolicyConfig JSON) into a cg_policy;
 *   - cg_preport_read() reads a report in cgate's or Trivy's JSON schema;
 *   - cg_policy_evaluate() takes those plus already-evaluated context (the
 *     workloads of policy_context.h and a VEX lookup callback) and a date, and
 *     returns a cg_decision;
 *   - cg_decision_write_json() / _table() / _html() render it, byte-for-byte stable.
 * Everything returned lives in the caller's arena.  The library never prints.
 */
#ifndef CGATE_POLICY_H
#define CGATE_POLICY_H

#include "cgate/export.h"

#include <stddef.h>
#include <stdint.h>

#include "cgate/arena.h"
#include "cgate/buf.h"
#include "cgate/error.h"
#include "cgate/policy_context.h"
#include "cgate/severity.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Caps on untrusted input. */
#define CG_POLICY_MAX_BYTES (16u << 20)  /* policy or exceptions file */
#define CG_POLICY_MAX_DEPTH 32           /* YAML/JSON nesting in a policy */
#define CG_REPORT_MAX_BYTES (512u << 20) /* a report */

/* Severities: cg_severity (cgate/severity.h), the scanner's scale. */

/* ---- report ------------------------------------------------------------ */

typedef struct cg_pcvss {
    const char *source; /* "nvd", "redhat", "ghsa", ... */
    double v3score;
    int has_v3score;
    const char *v3vector; /* NULL when absent */
} cg_pcvss;

/* What a misconfiguration or secret carries besides the fields of
 * cg_pfinding (read from the report; NULL members are absent there). */
typedef struct cg_pconf {
    const char *type;        /* Result Type: "dockerfile", "kubernetes", "image-config", "secret" */
    const char *category;    /* secrets: Category */
    const char *title;       /* Title */
    const char *message;     /* misconfigurations: Message */
    const char *match;       /* secrets: Match (redacted by the scanner) */
    const char *source;      /* secrets: cgate.source ("file", "env", "label", "history") */
    const char *check_id;    /* misconfigurations: cgate.id ("CG-DF-002") */
    const char *trivy_id;    /* misconfigurations: cgate.trivyId, else ID when it is Trivy's */
    const char *avd_id;      /* AVDID */
    const char *hadolint_id; /* cgate.hadolintId */
    const char *layer_digest, *layer_diff_id; /* secrets: Layer.Digest, Layer.DiffID */
    int layer;               /* secrets: cgate.layer (index that added the file), -1 unknown */
    int deleted_in;          /* secrets: cgate.deletedInLayer, -1 still present or unknown */
    int end_line;            /* EndLine, 0 unknown */
    const char *pss_level;   /* Pod Security Standards findings of --context: "baseline" or "restricted" */
    const char *workload;    /* ... and the workload "Kind/name" they are on */
} cg_pconf;

typedef struct cg_pfinding { /* 160 bytes: 100,000 findings are held at once */
    const char *id;
    const char **aliases; /* cgate.aliases, cgate.mergedIds, VendorIDs (may be shared between findings) */
    const char *pkg, *installed, *fixed; /* fixed NULL or "" = no fix */
    const char *purl, *target, *pkg_path, *title;
    const cg_pcvss *cvss; /* sorted by source name (may be shared between findings) */
    double cgate_score; /* cgate.score (the scanner's computed score) */
    double epss;
    const cg_pconf *cx;  /* misconfigurations and secrets: the rest of the record; NULL otherwise */
    const char *runtime_json; /* cgate.runtime as compact JSON (sorted keys; Rego's
                                 input.vulnerabilities[].runtime), NULL when absent */
    const char *layer; /* vulnerabilities: Layer.DiffID (else Layer.Digest); NULL when absent */
    const char *url;   /* PrimaryURL, NULL when absent */
    const char *status; /* Status as written ("fixed", "affected", "unknown"), NULL when absent */
    uint32_t n_aliases, n_cvss;
    cg_severity severity;
    int line;            /* misconfigurations and secrets: StartLine (0 = whole file) */
    int8_t conf;         /* 0 a vulnerability; CG_PCONF_MISCONFIG or CG_PCONF_SECRET:
                            id is the check / rule id, target the file, pkg = target */
    int8_t runtime;      /* cgate.runtime.loaded: 1 loaded, 0 never loaded, -1 no evidence */
    uint8_t has_cgate_score, kev, has_epss;
    uint8_t status_unknown; /* Status "unknown": the scanner could not decide the version */
} cg_pfinding;

enum { CG_PCONF_MISCONFIG = 1, CG_PCONF_SECRET = 2, CG_PCONF_PSS = 3 /* Pod Security Standards on --context */ };

typedef struct cg_preport {
    cg_pfinding *findings; /* report order: Results[] then Vulnerabilities[] */
    size_t n_findings;
    const char *artifact_name;
    const char **repo_tags, **repo_digests;
    size_t n_repo_tags, n_repo_digests;
    const char *image_id; /* Metadata.ImageID as written (NULL when absent or not a string) */
    int from_cgate; /* written by cgate scan (top-level "cgate" object) */
    const char *cgate_version; /* cgate.version of the cgate that wrote it, else NULL */
    const char *db_built;      /* cgate.dbBuilt (RFC 3339) or NULL */
    int inventory_empty; /* the report covers no packages: cgate.packages 0 or
                            cgate.inventory "empty"; a Trivy report without
                            Results and without Metadata.OS.  0 = it covers some */
    const char *runtime_evidence; /* cgate.runtime: "sha256:..." of each evidence file, ", "-joined */
    const char *runtime_window;   /* "FROM..TO, N events" */
    const char **diff_ids;        /* Metadata.DiffIDs, in layer order */
    size_t n_diff_ids;
    const char *os;               /* "Family Name" from Metadata.OS, or NULL */
} cg_preport;

/* Read a report: a JSON object with SchemaVersion 2 and a Results array
 * (Trivy's schema, which cgate scan also writes).  Anything else is
 * CG_ERR_INPUT naming `name` and the offending member. */
CG_EXPORT cg_status cg_preport_read(const uint8_t *buf, size_t len, const char *name, cg_arena *a, cg_preport *out,
                                    cg_error *err);
/* The same, telling the caller as it goes that the text before `upto` is not
 * needed for now (it may be read again later), so a caller that mapped the
 * file can drop those pages: memory then follows the findings kept, not the
 * size of the text.  release may be NULL. */
CG_EXPORT cg_status cg_preport_read_ex(const uint8_t *buf, size_t len, const char *name, cg_arena *a,
                                       cg_preport *out, void (*release)(void *ud, size_t upto), void *release_ud,
                                       cg_error *err);

/* ---- policy ------------------------------------------------------------ */

typedef struct cg_psev_rule {
    int block;       /* findings of this label can block */
    double min_cvss; /* ... when their CVSS v3 >= min_cvss (0 = any score) */
    double weight;   /* risk score weight */
} cg_psev_rule;

typedef struct cg_pexception {
    const char *id;      /* vulnerability id or alias (required) */
    const char *package; /* PkgName or purl, NULL = any */
    const char *version; /* InstalledVersion, NULL = any */
    const char *reason, *approved_by;
    const char *expires; /* "YYYY-MM-DD" (valid through that day), NULL = never */
    const char *path;    /* fnmatch glob on the finding's Target (misconfigurations, secrets)
                            or PkgPath (vulnerabilities); NULL = any */
    const char *source;  /* "FILE:LINE" */
} cg_pexception;

/* Attack vectors in weight tables: N, A, L, P. */
enum { CG_AV_N, CG_AV_A, CG_AV_L, CG_AV_P, CG_AV_COUNT };
#define CG_REACH_COUNT 5 /* cg_reach values */

typedef struct cg_policy {
    const char *source; /* file name */
    int legacy;         /* the seed's PolicyConfig (no apiVersion) */
    cg_psev_rule sev[CG_SEV_COUNT];
    int allow_unfixed;
    const char **exposed_ports;
    size_t n_exposed_ports;
    const char **cvss_sources; /* preference order; "*" = any other source */
    size_t n_cvss_sources;
    int missing_cvss_block; /* 0: counts as 0 (the seed); 1: blocks */
    int kev_block;
    double epss_min; /* block when EPSS >= epss_min */
    int has_epss_min;
    double max_risk, max_ctx_risk;
    int has_max_risk, has_max_ctx_risk;
    const char **pkg_include, **pkg_exclude, **path_include, **path_exclude; /* fnmatch globs */
    size_t n_pkg_include, n_pkg_exclude, n_path_include, n_path_exclude;
    int allow_permanent_exceptions;
    int allow_empty_inventory; /* a report covering no packages passes (with a
                                  warning); cgate/v1 default false: deny.  The
                                  seed format keeps its meaning: a warning only */
    cg_pexception *exceptions;
    size_t n_exceptions;
    double reach_weight[CG_REACH_COUNT][CG_AV_COUNT]; /* [cg_reach][CG_AV_*] */
    double priv_factor, priv_cap;
    int secrets_allow;      /* "secrets: allow"; default deny: any secret blocks */
    int misconf_block;      /* misconfigurations.severity given */
    cg_severity misconf_min;    /* misconfigurations at or above block */
    int pss_level;          /* podSecurity.level: Pod Security Standards findings on --context
                               block at 1 baseline (its controls), 2 restricted (all); 0 none (default:
                               reported, never blocking) */
    cg_severity pss_min;    /* podSecurity.severity: only findings at or above block (default unknown: all) */
    int runtime_allow; /* runtime.notLoaded.allowUpTo: never-loaded findings of this cg_severity or
                          lower do not block; -1 = off (the default) */
} cg_policy;

/* The defaults of a cgate/v1 policy (the seed's semantics plus the defaults
 * docs/policy.md lists). */
CG_EXPORT void cg_policy_defaults(cg_policy *p);

/* Parse a policy (YAML or JSON through one loader).  Unknown keys, wrong
 * types, negative thresholds, duplicate keys, anchors/aliases and nesting
 * deeper than CG_POLICY_MAX_DEPTH are CG_ERR_INPUT: "FILE:LINE: KEY: why". */
CG_EXPORT cg_status cg_policy_parse(const uint8_t *buf, size_t len, const char *name, cg_arena *a, cg_policy *out,
                                    cg_error *err);
/* Parse an exceptions file: a document whose only key is `exceptions`. */
CG_EXPORT cg_status cg_exceptions_parse(const uint8_t *buf, size_t len, const char *name, cg_arena *a,
                                        cg_pexception **out, size_t *n, cg_error *err);

/* True when s is a valid calendar date "YYYY-MM-DD". */
CG_EXPORT int cg_policy_date_valid(const char *s);

/* ---- evaluation -------------------------------------------------------- */

/* The VEX statement for (vulnerability, aliases, purl); returns CG_OK and
 * out->status = CG_VEX_NONE when there is none. */
typedef cg_status (*cg_pvex_fn)(void *ud, const char *id, const char *const *aliases, size_t n_aliases,
                                const char *purl, cg_vex_match *out);

typedef struct cg_pinput {
    const char *role; /* "report", "policy", "exceptions", "context", "vex" */
    const char *path;
    const char *sha256; /* "sha256:<hex>" */
} cg_pinput;

typedef struct cg_peval {
    const cg_policy *policy;
    const cg_preport *report;
    const cg_pexception *extra_exceptions; /* from --exceptions */
    size_t n_extra_exceptions;
    const char *now; /* "YYYY-MM-DD" */
    int have_context; /* --context was given */
    const cg_workload *workloads; /* workloads running the image */
    size_t n_workloads;
    const char *const *ignored_kinds; /* "Kind@FILE:LINE" */
    size_t n_ignored_kinds;
    cg_pvex_fn vex; /* NULL = no VEX */
    void *vex_ud;
    const cg_pinput *inputs;
    size_t n_inputs;
    int64_t db_max_age; /* seconds; > 0: warn when the report's DB was older */
    int64_t now_epoch;  /* the time db_max_age is measured at */
    int strict;         /* any warning denies */
} cg_peval;

typedef struct cg_pblocked {
    const cg_pfinding *f;
    const char *rule; /* "severity:critical", "unfixed", "kev", "epss", "missing-cvss" */
    double cvss;
    int has_cvss;
    const char *cvss_source;
    double ctx_risk;
} cg_pblocked;

/* The seed's remediation step for a blocked finding ("Patch ID (TITLE) to
 * FIXED"), appended to out: made when written, not kept per finding. */
CG_EXPORT cg_status cg_pblocked_step(const cg_pblocked *b, cg_buf *out);

typedef struct cg_premedy {
    const char *package, *installed, *fixed; /* fixed NULL: no fix */
    const char **ids; /* sorted, unique */
    size_t n_ids;
} cg_premedy;

/* A remedy as a sentence ("upgrade PKG INSTALLED -> FIXED fixes IDS" or
 * "PKG INSTALLED has no fix for IDS: ..."), appended to out. */
CG_EXPORT cg_status cg_premedy_text(const cg_premedy *r, cg_buf *out);

typedef struct cg_papplied {
    const cg_pexception *e;
    const char **suppressed; /* "ID PKG@VERSION", report order */
    size_t n_suppressed;
} cg_papplied;

typedef struct cg_pvexed {
    const cg_pfinding *f;
    cg_vex_match m;
} cg_pvexed;

typedef struct cg_pwexposure {
    const cg_workload *w;
    double weight[CG_AV_COUNT];
    double multiplier;
    const char **factors; /* privilege factors that applied */
    size_t n_factors;
} cg_pwexposure;

/* The image a decision is about, from its report: what `cgate push
 * --require-decision` binds on without rereading the report. */
typedef struct cg_pimage {
    const char *name;              /* ArtifactName, NULL when absent */
    const char **manifest_digests; /* the digest after '@' of each valid RepoDigests entry: unique, sorted */
    size_t n_manifest_digests;
    const char *config_digest; /* Metadata.ImageID when it is a sha256 digest, else NULL */
} cg_pimage;

typedef struct cg_decision {
    int pass;
    const char *now;
    cg_pimage image;
    const cg_policy *policy;
    const char **deny_reasons;
    size_t n_deny_reasons;
    cg_pblocked *blocked;
    size_t n_blocked;
    cg_premedy *remedies;
    size_t n_remedies;
    double risk, ctx_risk; /* rounded to 2 decimals like the seed */
    cg_papplied *applied;  /* active exceptions that suppressed findings */
    cg_papplied *expired;  /* expired ones; `suppressed` lists what they matched */
    const cg_pexception **unused; /* active ones that matched nothing */
    size_t n_applied, n_expired, n_unused, n_excepted;
    cg_pvexed *vexed;
    size_t n_vexed;
    size_t n_total, n_filtered, n_evaluated;
    int have_context;
    cg_pwexposure *exposure; /* one per workload */
    size_t n_exposure;
    double unknown_weight[CG_AV_COUNT]; /* used when no workload matched */
    const char *const *ignored_kinds;
    size_t n_ignored_kinds;
    const cg_pinput *inputs;
    size_t n_inputs;
    const char **warnings; /* what the decision may not see right (missing
                              scores the policy format reads as 0, undecided
                              versions, an old DB, another tool version, an
                              empty inventory); shown first */
    size_t n_warnings;
    int strict;            /* --strict: the warnings denied */
    cg_pblocked *conf_blocked; /* secrets and misconfigurations that block (rule "secret",
                                  "misconfiguration:<severity>"), report order */
    size_t n_conf_blocked;
    cg_pblocked *pss; /* every Pod Security Standards finding on the --context workloads that run the
                         image, report order; rule: the blocking rule ("pod-security:baseline"),
                         "excepted", or NULL (reported, not blocking) */
    size_t n_pss;
    const char **runtime_allowed; /* "ID PKG@VERSION" let through as never loaded */
    size_t n_runtime_allowed;
    const char *runtime_evidence, *runtime_window; /* from the report */
} cg_decision;

CG_EXPORT cg_status cg_policy_evaluate(const cg_peval *in, cg_arena *a, cg_decision **out, cg_error *err);

/* Contextual risk of one finding's CVSS and vector under a decision's exposure
 * (the maximum over workloads; unknown exposure when there are none). */
CG_EXPORT double cg_policy_ctx_risk(const cg_decision *d, double cvss, const char *vector);

CG_EXPORT cg_status cg_decision_write_json(const cg_decision *d, cg_buf *out, cg_error *err);
/* The same bytes streamed: with a sink (not NULL) out is only a window whose
 * contents go to sink in chunks (on an error part may have gone already). */
CG_EXPORT cg_status cg_decision_write_json_stream(const cg_decision *d, cg_buf *out, cg_sink_fn sink, void *ud,
                                                  cg_error *err);
CG_EXPORT cg_status cg_decision_write_table(const cg_decision *d, cg_buf *out, cg_error *err);
/* One self-contained web page (inline CSS and SVG, a script that only sorts
 * and filters; fetches nothing): the verdict, blocked findings, remediation,
 * exceptions and their expiry, VEX, runtime evidence, exposure, and - when
 * report (the one d was evaluated from) is not NULL - charts and every finding
 * of the report marked blocked / excepted / vex / allowed / pass.  Every value
 * is HTML-escaped; the same inputs give the same bytes. */
CG_EXPORT cg_status cg_decision_write_html(const cg_decision *d, const cg_preport *report, cg_buf *out,
                                           cg_error *err);
/* The same bytes streamed: with a sink (not NULL) out is only a window whose
 * contents go to sink in chunks. */
CG_EXPORT cg_status cg_decision_write_html_stream(const cg_decision *d, const cg_preport *report, cg_buf *out,
                                                  cg_sink_fn sink, void *ud, cg_error *err);
/* The table fitted to width columns (0: unbounded), severities coloured when
 * color (the caller decides: terminal, NO_COLOR); blocked findings are listed
 * most severe first. */
CG_EXPORT cg_status cg_decision_write_table_fit(const cg_decision *d, size_t width, int color, cg_buf *out,
                                                cg_error *err);
/* The same bytes streamed: with a sink (not NULL) out is only a window whose
 * contents go to sink in chunks; no row of the blocked table is kept. */
CG_EXPORT cg_status cg_decision_write_table_stream(const cg_decision *d, size_t width, int color, cg_buf *out,
                                                   cg_sink_fn sink, void *ud, cg_error *err);

/* ---- context adapter (policy_context.h -> evaluation input) ------------ */

/* Load Kubernetes manifests and find the workloads that run the report's
 * image (by Metadata.RepoTags, RepoDigests and ArtifactName).  *ctx is to be
 * released with cg_k8s_free() (the workloads point into it). */
CG_EXPORT cg_status cg_policy_context_load(const char *const *paths, size_t n, const cg_preport *r, cg_arena *a,
                                           cg_k8s_context **ctx, const cg_workload **wl, size_t *n_wl,
                                           const char *const **ignored, size_t *n_ignored, cg_error *err);
/* The cg_pvex_fn for VEX documents loaded with cg_vex_load(): set
 * cg_peval.vex = cg_policy_vex_lookup and cg_peval.vex_ud = the cg_vex. */
CG_EXPORT cg_status cg_policy_vex_lookup(void *vex, const char *id, const char *const *aliases, size_t n_aliases,
                                         const char *purl, cg_vex_match *out);

/* Round like the seed: Math.round(x * 100) / 100. */
CG_EXPORT double cg_policy_round2(double x);

#ifdef __cplusplus
}
#endif
#endif

/*
 * scan_int.h - what the files of src/scan share: the package -> ecosystem
 * mapping and OSV range evaluation (match.c), and the report writers
 * (report_*.c) that read the model report.c builds.  Internal to libcgate.
 */
#ifndef CG_SCAN_INT_H
#define CG_SCAN_INT_H

#include <stddef.h>

#include "cgate/scan.h"

#define CG_MATCH_MAX_ECOS 3

/* Where a package is looked up.  n_ecos == 0 means "not matchable": skip
 * says why ("owned" - a language package an OS package installed, counted
 * and left to the OS package's advisories; otherwise a reason for a note). */
typedef struct cg_match_key {
    const char *ecos[CG_MATCH_MAX_ECOS]; /* "Debian:12", "npm", ... */
    size_t n_ecos;
    const char *name;    /* lookup name: SOURCE name for OS packages, "@scope/x",
                            "group:artifact", "host/path/module" */
    const char *version; /* version to compare: SOURCE version for OS packages */
    int is_os;
    int owned;           /* 1: skipped because an OS package owns it */
    const char *skip;    /* reason when n_ecos == 0 and !owned */
} cg_match_key;

/* Fill key for p (strings in a).  Never fails except on memory (-1). */
int cg_match_key_for(const cg_sbom *s, const cg_package *p, cg_arena *a, cg_match_key *key);

/* 1 for deb, apk, rpm. */
int cg_match_is_os_type(const char *type);

/* Result of evaluating one advisory's affected[] entries for one version. */
typedef struct cg_match_result {
    int affected;              /* 1: a finding (status says which kind) */
    cg_finding_status status;
    const char *fixed;         /* lowest fixed version above the installed one */
    const char *note;          /* why unknown, or what was ignored */
    int git_ignored;           /* GIT ranges were skipped */
} cg_match_result;

/* Evaluate adv's affected[] entries whose ecosystem is eco for version v
 * (OSV semantics, docs/scan.md).  Notes and strings in a.  -1 on memory. */
int cg_match_eval(const cg_vdb_advisory *adv, const char *eco, const char *v, cg_arena *a,
                  cg_match_result *res);

/* Writers (report_*.c). */
cg_status cg_report_write_json(const cg_report *r, cg_buf *out, cg_error *err);
/* The same with a sink (NULL: append to out): out is then only a window. */
cg_status cg_report_write_json_sink(const cg_report *r, cg_buf *out, cg_sink_fn sink, void *sink_ud, cg_error *err);
cg_status cg_report_write_sarif(const cg_report *r, cg_buf *out, cg_error *err);
/* The same with a sink (NULL: append to out): out is then only a window. */
cg_status cg_report_write_sarif_sink(const cg_report *r, cg_buf *out, cg_sink_fn sink, void *sink_ud,
                                     cg_error *err);
cg_status cg_report_write_cdx(const cg_report *r, cg_buf *out, cg_error *err);
cg_status cg_report_write_cdx_stream(const cg_report *r, cg_sink_fn sink, void *sink_ud, cg_error *err);
cg_status cg_report_write_table(const cg_report *r, int color, size_t width, cg_buf *out, cg_error *err);
cg_status cg_report_write_html(const cg_report *r, cg_buf *out, cg_error *err);

/* Shared by the writers. */
const char *cg_report_target_class_name(cg_target_class c); /* "os-pkgs", "lang-pkgs" */
/* The layer a package came from, or NULL. */
const cg_layer_info *cg_report_layer(const cg_report *r, const cg_package *p);
/* "Upgrade X to version Y" style: the finding's package path without '/'. */
const char *cg_report_pkg_path(const cg_package *p);
/* The package's name as its ecosystem writes it in reports (Trivy's PkgName):
 * the binary package name for OS packages, "@scope/name" for npm,
 * "group:artifact" for Maven, the module path for Go. */
const char *cg_finding_pkg_name(const cg_finding *f);
/* A representative CVSS-like number for a severity without a score
 * (SARIF security-severity): CRITICAL 9.5, HIGH 8.0, MEDIUM 5.5, LOW 2.0, else 0. */
double cg_report_severity_number(cg_severity s);
/* CVSS entry of f that decided its severity, or NULL. */
const cg_finding_cvss *cg_report_primary_cvss(const cg_finding *f);

/* Misconfigurations and secrets in the report formats (report_findings.c). */
struct cg_jw;
void cg_findings_json_results(const cg_findings *f, struct cg_jw *w);
void cg_findings_sarif_rules(const cg_findings *f, struct cg_jw *w);
size_t cg_findings_sarif_nrules(const cg_findings *f);
void cg_findings_sarif_results(const cg_findings *f, size_t base, struct cg_jw *w);
cg_status cg_findings_write_table(const cg_findings *f, int color, size_t width, cg_buf *out);
/* The SARIF document around the rules and results, in this order:
 * begin, rules, rules_end, results, results_end, [run properties], end. */
void cg_sarif_begin(struct cg_jw *w);     /* {"version", "$schema", "runs": [{"tool": {"driver": {..., "rules": [ */
void cg_sarif_rules_end(struct cg_jw *w); /* ]}}, "results": [ */
void cg_sarif_results_end(struct cg_jw *w); /* ], "columnKind", "originalUriBaseIds" */
void cg_sarif_end(struct cg_jw *w);       /* }]} and a newline */

#endif

/*
 * scan.h - matching an SBOM's packages against vulnerability advisories, and
 * the report that comes out (Trivy's JSON schema, SARIF 2.1.0, CycloneDX with
 * vulnerabilities, a table).  DESIGN.md §4, docs/scan.md.
 *
 * The matcher asks one question of the data - "which advisories name
 * (ecosystem, name)?" - through a cg_scan_source, normally the vulnerability
 * DB (cg_scan_source_vdb) and, in tests, anything that answers the same.  It
 * never treats a version it cannot order as safe: such a finding is kept with
 * status CG_FIND_UNKNOWN (Trivy's Status "unknown") and a note saying why.
 * The report borrows the SBOM it was made from: keep the cg_sbom alive until
 * cg_report_free().  Output is deterministic: the same SBOM, advisories and
 * options give the same bytes.
 */
#ifndef CGATE_SCAN_H
#define CGATE_SCAN_H

#include "cgate/export.h"

#include <stddef.h>
#include <stdint.h>

#include "cgate/arena.h"
#include "cgate/buf.h"
#include "cgate/cvss.h"
#include "cgate/error.h"
#include "cgate/export.h"
#include "cgate/findings.h"
#include "cgate/package.h"
#include "cgate/sbom.h"
#include "cgate/severity.h"
#include "cgate/vulndb.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where advisories come from: lookup() has cg_vdb_lookup's contract. */
typedef struct cg_scan_source {
    cg_status (*lookup)(void *ud, const char *ecosystem, const char *name, cg_arena *a,
                        cg_vdb_advisory **out, size_t *n, cg_error *err);
    void *ud;
} cg_scan_source;

/* A source that reads an open DB (db must outlive the scan). */
CG_EXPORT cg_scan_source cg_scan_source_vdb(cg_vdb *db);

/* cg_severity, cg_severity_name, cg_severity_parse: cgate/severity.h */

typedef enum cg_finding_status {
    CG_FIND_FIXED,    /* affected, a fixed version above the installed one exists */
    CG_FIND_AFFECTED, /* affected, no fix known */
    CG_FIND_UNKNOWN   /* the installed version (or the advisory's ranges) cannot be
                         ordered in the ecosystem: reported, never taken as safe */
} cg_finding_status;

/* "fixed", "affected", "unknown" (Trivy's Status values). */
CG_EXPORT const char *cg_finding_status_name(cg_finding_status s);

/* One CVSS vector of a finding, scored by cg_cvss_parse(). */
typedef struct cg_finding_cvss {
    const char *source;  /* report key: "nvd", "ghsa", "go", "debian", "osv", ... */
    const char *vector;
    cg_cvss_version version;
    double score;        /* the vector's score: v2/v3 the base score (their feeds'
                            convention); v4.0 the whole vector's as FIRST's calculator
                            computes it (CVSS-B, -BT, -BE or -BTE) */
    double base_score;   /* the base score (v4.0: CVSS-B; v2/v3: = score) */
    const char *nomenclature; /* v4.0: "CVSS-B" "CVSS-BT" "CVSS-BE" "CVSS-BTE"; else NULL */
} cg_finding_cvss;

/* What the findings of one advisory in one ecosystem share: kept once per
 * report, each finding points at it (a finding is one package's few facts). */
typedef struct cg_finding_vuln {
    const char *vuln_id;      /* VulnerabilityID: the record's id when it is a CVE,
                                 else its only CVE alias, else the record's id */
    const char *advisory_id;  /* the record's own id ("GHSA-...", "DEBIAN-CVE-...") */
    const char *ecosystem;    /* as looked up: "Debian:12", "npm", ... */
    cg_severity severity;
    const char *severity_source; /* key of the CVSS entry used, or the data source id
                                    when only a label was known; NULL: UNKNOWN */
    double score;             /* score behind severity; < 0 when none */
    const cg_finding_cvss *cvss; /* every usable vector, sorted by source, then version */
    size_t n_cvss;
    const char *source_severity; /* the source's own label, as written (may be NULL) */
    const char *data_source_id, *data_source_name, *data_source_url;
    const char *primary_url;
    const cg_vdb_advisory *adv;  /* title, details, references, dates, aliases */
    int kev;
    const char *kev_date_added;
    double epss, epss_percentile; /* < 0 unknown */
} cg_finding_vuln;

typedef struct cg_finding {
    const cg_finding_vuln *v; /* the advisory's side (shared) */
    const cg_package *pkg;    /* in the SBOM */
    const char *lookup_name;  /* as looked up: SOURCE name for OS packages */
    const char *installed;    /* the package's version as recorded */
    const char *fixed;        /* lowest fixed version above the installed one, or NULL */
    const char *note;         /* why the status is "unknown" (NULL otherwise) */
    const char **merged_ids;  /* other records of the same vuln_id and package, sorted */
    uint32_t n_merged;
    uint32_t pkg_index;       /* index in sbom->pkgs */
    uint32_t target;          /* index in report->targets */
    cg_finding_status status;
} cg_finding;

typedef enum cg_target_class { CG_TARGET_OS, CG_TARGET_LANG } cg_target_class;

typedef struct cg_report_target {
    const char *name;       /* "lab/app:1.0 (debian 12.5)", "app/package-lock.json", "Node.js" */
    cg_target_class class_; /* os-pkgs / lang-pkgs */
    const char *type;       /* "debian", "npm", "node-pkg", "gobinary", "jar", ... */
    size_t n_pkgs;          /* packages of this target that were matched */
} cg_report_target;

typedef struct cg_report {
    cg_arena arena;
    const cg_sbom *sbom;        /* borrowed */
    const char *artifact_name;  /* image reference as given (or the SBOM's name) */
    const char *artifact_type;  /* "container_image", "cyclonedx", ... */
    cg_report_target *targets;  /* OS target first, then the others by name */
    size_t n_targets;
    cg_finding *findings;       /* sorted: target, package name, version, path, vuln_id */
    size_t n_findings;
    const char **notes;         /* things the user should know ("GIT ranges ignored in
                                   GO-2023-0001"), sorted, unique, capped */
    size_t n_notes;
    size_t n_notes_dropped;     /* beyond the cap */
    size_t n_pkgs_matched;      /* packages looked up */
    size_t n_pkgs_owned;        /* language packages left to their OS package */
    size_t n_pkgs_unsupported;  /* no ecosystem known (e.g. deb without a distro) */
    size_t n_filtered;          /* findings dropped by severity / ignore_unfixed */
    int64_t created;            /* CreatedAt (seconds); < 0: not written */
    int64_t db_built;           /* newest DB import (seconds); < 0: unknown */
    int64_t db_max_age;         /* --db-max-age (seconds) the scan was run with; 0: none */
    int db_stale;               /* 1: the DB was older than db_max_age at scan time */
    const cg_findings *extra;   /* misconfigurations and secrets written with the
                                   report (borrowed; NULL = none) */
    const struct cg_runtime *runtime; /* borrowed runtime evidence (cgate/runtime.h); NULL: none */
    cg_finding *findings_heap_; /* internal: cg_scan's findings array (malloc'd, not in the
                                   arena, so it is never copied); freed by cg_report_free */
} cg_report;

enum {
    CG_SCAN_PKG_OS = 1,      /* deb, apk, rpm */
    CG_SCAN_PKG_LIBRARY = 2  /* every other type */
};

typedef struct cg_scan_progress {
    size_t done, total; /* packages */
} cg_scan_progress;

typedef struct cg_scan_opts {
    unsigned pkg_types;      /* CG_SCAN_PKG_* mask; 0 = both */
    unsigned severities;     /* mask of 1u << cg_severity kept; 0 = all */
    int ignore_unfixed;      /* drop "affected" findings (no fix known); "unknown"
                                ones are kept (never silently safe) */
    int64_t now;             /* CreatedAt in the report; < 0: none */
    int64_t db_built;        /* copied to the report; < 0: unknown */
    void (*progress)(void *ud, const cg_scan_progress *p);
    void *progress_ud;
    int64_t db_max_age;      /* copied to the report; 0: none */
    int db_stale;            /* copied to the report */
} cg_scan_opts;

/* Match every package of sbom against src and build the report.  *out is
 * released with cg_report_free().  Fails only on a source error or memory;
 * an advisory that cannot be evaluated becomes a finding or a note. */
CG_EXPORT cg_status cg_scan(const cg_sbom *sbom, const cg_scan_source *src, const cg_scan_opts *opts,
                            cg_report **out, cg_error *err);
CG_EXPORT void cg_report_free(cg_report *r);

typedef enum cg_report_format {
    CG_REPORT_JSON,      /* Trivy's report schema, SchemaVersion 2 */
    CG_REPORT_SARIF,     /* SARIF 2.1.0 */
    CG_REPORT_CYCLONEDX, /* the CycloneDX 1.6 SBOM with "vulnerabilities" */
    CG_REPORT_TABLE,
    CG_REPORT_HTML       /* one self-contained web page (inline CSS, SVG charts, a sortable
                            and filterable findings table; fetches nothing) */
} cg_report_format;

/* "json", "sarif", "cyclonedx" (also "cdx", "cyclonedx-json"), "table", "html". */
CG_EXPORT cg_status cg_report_format_parse(const char *s, cg_report_format *out);

typedef struct cg_report_write_opts {
    int color; /* table: ANSI colours (the caller decides: terminal, NO_COLOR) */
    size_t width; /* table: fit lines to this many columns (0: unbounded) */
} cg_report_write_opts;

/* Append the report in fmt to out (o may be NULL). */
CG_EXPORT cg_status cg_report_write(const cg_report *r, cg_report_format fmt, const cg_report_write_opts *o,
                                    cg_buf *out, cg_error *err);

/* The same bytes, streamed to sink in chunks (JSON, SARIF and CycloneDX are
 * never held whole; the table and HTML are).  On an error part of the document
 * may already have gone to sink. */
CG_EXPORT cg_status cg_report_write_stream(const cg_report *r, cg_report_format fmt, const cg_report_write_opts *o,
                                           cg_sink_fn sink, void *ud, cg_error *err);

/* Misconfigurations and secrets alone (`cgate lint`, `cgate scan` without
 * the vuln scanner) in json (Trivy's schema), sarif or table. */
CG_EXPORT cg_status cg_findings_write(const cg_findings *f, const char *artifact_name, const char *artifact_type,
                                      cg_report_format fmt, const cg_report_write_opts *o, cg_buf *out,
                                      cg_error *err);

#ifdef __cplusplus
}
#endif
#endif

/*
 * cvss.h - parse a CVSS vector string (v2, v3.0, v3.1, v4.0) and score it.
 *
 * OSV records carry vectors, not scores (DESIGN.md §4), so the scanner computes
 * the numbers itself.  Scores are exactly the one-decimal values the specs
 * define: v2 per FIRST's v2 guide, v3.x with the spec's Roundup (v3.1's integer
 * form), v4.0 as FIRST's reference calculator computes it.  Parsing is strict:
 * an unknown metric or value, a duplicate, a missing base metric or (v2, v4.0)
 * a metric out of the specification's order is CG_ERR_INPUT, and the message
 * names the offending part.  Nothing is allocated; all functions are reentrant.
 */
#ifndef CGATE_CVSS_H
#define CGATE_CVSS_H

#include "cgate/export.h"

#include <stdbool.h>
#include <stddef.h>

#include "cgate/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Longest vector accepted; the longest valid v4.0 vector is about 200 bytes. */
#define CG_CVSS_MAX_VECTOR 512

typedef enum cg_cvss_version { CG_CVSS_V2, CG_CVSS_V30, CG_CVSS_V31, CG_CVSS_V40 } cg_cvss_version;

typedef struct cg_cvss {
    cg_cvss_version version;
    double base;           /* base score (v4.0: CVSS-B, threat/env metrics ignored)      */
    double temporal;       /* v2/v3: temporal score; v4.0: CVSS-BT; 0 if !has_temporal  */
    double environmental;  /* environmental score (v4.0: CVSS-BE/BTE); 0 if !has_env    */
    bool has_temporal;     /* v2/v3: a temporal metric appeared, even as X/ND; v4.0: E   */
                           /* is given and not X (the spec's BT/BTE nomenclature)       */
    bool has_environmental;/* likewise for the environmental metrics                     */
    double score;          /* the one to show: environmental, else temporal, else base  */
    char severity[10];     /* of score: "NONE" "LOW" "MEDIUM" "HIGH" "CRITICAL"         */
    char nomenclature[10]; /* v4.0 "CVSS-B", "CVSS-BT", "CVSS-BE", "CVSS-BTE"; else ""  */
    char attack_vector;    /* base AV: 'N', 'A', 'L' or 'P' (v2 has no 'P')             */
} cg_cvss;

/* Parse and score a vector: "CVSS:3.1/AV:N/...", "CVSS:3.0/...", "CVSS:4.0/...",
 * or v2 "AV:N/AC:L/Au:N/C:P/I:P/A:P", optionally wrapped in "(...)".  vector
 * must be NUL-terminated; longer than CG_CVSS_MAX_VECTOR is CG_ERR_LIMIT. */
CG_EXPORT cg_status cg_cvss_parse(const char *vector, cg_cvss *out, cg_error *err);

/* The same for a buffer that need not be NUL-terminated. */
CG_EXPORT cg_status cg_cvss_parse_n(const char *buf, size_t len, cg_cvss *out, cg_error *err);

/* Qualitative rating of a score: v3.x/v4.0 "NONE" (0.0), "LOW" (0.1-3.9),
 * "MEDIUM" (4.0-6.9), "HIGH" (7.0-8.9), "CRITICAL" (9.0-10.0); v2 uses NVD's
 * bands "LOW" (0.0-3.9), "MEDIUM" (4.0-6.9), "HIGH" (7.0-10.0). */
CG_EXPORT const char *cg_cvss_severity_for(cg_cvss_version v, double score);

/* "2.0", "3.0", "3.1" or "4.0". */
CG_EXPORT const char *cg_cvss_version_name(cg_cvss_version v);

#ifdef __cplusplus
}
#endif
#endif

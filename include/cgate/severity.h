/*
 * severity.h - the one severity scale of findings, shared by the scanner's
 * report and the policy engine that reads reports back (formerly two enums,
 * cg_severity and policy's cg_psev, that had to agree by hand).
 */
#ifndef CGATE_SEVERITY_H
#define CGATE_SEVERITY_H

#include "cgate/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* In rising order. */
typedef enum cg_severity {
    CG_SEV_UNKNOWN = 0,
    CG_SEV_LOW,
    CG_SEV_MEDIUM,
    CG_SEV_HIGH,
    CG_SEV_CRITICAL,
    CG_SEV_COUNT
} cg_severity;

/* "UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL" (reports). */
CG_EXPORT const char *cg_severity_name(cg_severity s);
/* "unknown", "low", "medium", "high", "critical" (policies, decisions). */
CG_EXPORT const char *cg_severity_lname(cg_severity s);
/* Case-insensitive; also "MODERATE" (GitHub) -> MEDIUM, "IMPORTANT" -> HIGH,
 * "NEGLIGIBLE"/"NONE"/"INFO"/"UNIMPORTANT" -> LOW.  0 and *out set, or -1. */
CG_EXPORT int cg_severity_parse(const char *s, cg_severity *out);

#ifdef __cplusplus
}
#endif

#endif

/*
 * severity.c - names of the one severity scale (cgate/severity.h), for the
 * scanner's reports and the policy engine alike.
 */
#include "cgate/severity.h"

#include <stddef.h>
#include <strings.h>

const char *cg_severity_name(cg_severity s)
{
    static const char *const n[CG_SEV_COUNT] = {"UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"};
    return (unsigned)s < CG_SEV_COUNT ? n[s] : "UNKNOWN";
}

const char *cg_severity_lname(cg_severity s)
{
    static const char *const n[CG_SEV_COUNT] = {"unknown", "low", "medium", "high", "critical"};
    return (unsigned)s < CG_SEV_COUNT ? n[s] : "unknown";
}

int cg_severity_parse(const char *s, cg_severity *out)
{
    static const struct {
        const char *name;
        cg_severity sev;
    } names[] = {
        {"UNKNOWN", CG_SEV_UNKNOWN}, {"LOW", CG_SEV_LOW},           {"MEDIUM", CG_SEV_MEDIUM},
        {"HIGH", CG_SEV_HIGH},       {"CRITICAL", CG_SEV_CRITICAL}, {"MODERATE", CG_SEV_MEDIUM},
        {"IMPORTANT", CG_SEV_HIGH},  {"NEGLIGIBLE", CG_SEV_LOW},    {"NONE", CG_SEV_LOW},
        {"INFO", CG_SEV_LOW},        {"UNIMPORTANT", CG_SEV_LOW},
    };
    if (!s || !out)
        return -1;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcasecmp(s, names[i].name)) {
            *out = names[i].sev;
            return 0;
        }
    return -1;
}

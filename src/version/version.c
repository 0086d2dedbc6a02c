/*
 * version.c - dispatch of the version API (cgate/version.h) to one file per
 * scheme, the OSV ecosystem -> scheme lookup (through core/ecosystem.c), and the digit-run comparison every
 * scheme shares.  This file owns the length cap and the error messages; the
 * scheme files only answer "valid?" and "order?" for bounded (ptr, len) input.
 */
#include "version/version_int.h"

#include <string.h>

#include "core/ecosystem.h"

typedef struct scheme_ops {
    const char *name;
    int (*valid)(const char *v, size_t n);
    int (*cmp)(const char *a, size_t an, const char *b, size_t bn);
} scheme_ops;

static const scheme_ops SCHEMES[CG_VER_SCHEME_COUNT] = {
    [CG_VER_DPKG] = {"dpkg", cg_ver_dpkg_valid, cg_ver_dpkg_cmp},
    [CG_VER_RPM] = {"rpm", cg_ver_rpm_valid, cg_ver_rpm_cmp},
    [CG_VER_APK] = {"apk", cg_ver_apk_valid, cg_ver_apk_cmp},
    [CG_VER_SEMVER] = {"semver", cg_ver_semver_valid, cg_ver_semver_cmp},
    [CG_VER_GO] = {"go", cg_ver_go_valid, cg_ver_go_cmp},
    [CG_VER_PEP440] = {"pep440", cg_ver_pep440_valid, cg_ver_pep440_cmp},
    [CG_VER_MAVEN] = {"maven", cg_ver_maven_valid, cg_ver_maven_cmp},
    [CG_VER_RUBYGEMS] = {"rubygems", cg_ver_rubygems_valid, cg_ver_rubygems_cmp},
    [CG_VER_NUGET] = {"nuget", cg_ver_nuget_valid, cg_ver_nuget_cmp},
    [CG_VER_COMPOSER] = {"composer", cg_ver_composer_valid, cg_ver_composer_cmp},
};

const char *cg_ver_scheme_name(cg_ver_scheme s)
{
    if ((unsigned)s >= CG_VER_SCHEME_COUNT)
        return "?";
    return SCHEMES[s].name;
}

int cg_ver_scheme_for_ecosystem(const char *eco, cg_ver_scheme *out)
{
    if (!eco || !out)
        return -1;
    /* the ecosystem table (core/ecosystem.c) names the scheme */
    const cg_ecosystem *e = cg_eco_by_osv(eco);
    for (int s = 0; e && e->scheme && s < CG_VER_SCHEME_COUNT; s++) {
        if (!strcmp(SCHEMES[s].name, e->scheme)) {
            *out = (cg_ver_scheme)s;
            return 0;
        }
    }
    return -1;
}

/* Length of v when it is within the cap, else CG_VER_MAX_LEN + 1. */
static size_t bounded_len(const char *v)
{
    return strnlen(v, CG_VER_MAX_LEN + 1);
}

cg_status cg_ver_valid(cg_ver_scheme s, const char *v)
{
    if ((unsigned)s >= CG_VER_SCHEME_COUNT || !v)
        return CG_ERR_USAGE;
    size_t n = bounded_len(v);
    if (n > CG_VER_MAX_LEN || !SCHEMES[s].valid(v, n))
        return CG_ERR_INPUT;
    return CG_OK;
}

static cg_status invalid(cg_error *err, cg_ver_scheme s, const char *v, size_t n)
{
    if (n > CG_VER_MAX_LEN)
        return cg_error_set(err, CG_ERR_INPUT, "%s version longer than %d bytes: \"%.32s...\"",
                            SCHEMES[s].name, CG_VER_MAX_LEN, v);
    return cg_error_set(err, CG_ERR_INPUT, "not a valid %s version: \"%.*s\"", SCHEMES[s].name,
                        (int)n, v);
}

cg_status cg_ver_compare(cg_ver_scheme s, const char *a, const char *b, int *cmp, cg_error *err)
{
    if ((unsigned)s >= CG_VER_SCHEME_COUNT || !a || !b || !cmp)
        return cg_error_set(err, CG_ERR_USAGE, "cg_ver_compare: bad arguments");
    size_t an = bounded_len(a), bn = bounded_len(b);
    if (an > CG_VER_MAX_LEN || !SCHEMES[s].valid(a, an))
        return invalid(err, s, a, an);
    if (bn > CG_VER_MAX_LEN || !SCHEMES[s].valid(b, bn))
        return invalid(err, s, b, bn);
    *cmp = SCHEMES[s].cmp(a, an, b, bn);
    return CG_OK;
}

int cg_ver_digits_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    while (an > 0 && *a == '0')
        a++, an--;
    while (bn > 0 && *b == '0')
        b++, bn--;
    if (an != bn)
        return an < bn ? -1 : 1;
    int c = an ? memcmp(a, b, an) : 0;
    return (c > 0) - (c < 0);
}

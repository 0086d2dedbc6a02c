/*
 * version.c - dispatch of the version API (cgate/version.h) to one file per
 * scheme, the OSV ecosystem -> scheme table, and the digit-run comparison every
 * scheme shares.  This file owns the length cap and the error messages; the
 * scheme files only answer "valid?" and "order?" for bounded (ptr, len) input.
 */
#include "version/version_int.h"

#include <string.h>

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

/* OSV ecosystem names (https://ossf.github.io/osv-schema/#affectedpackage-field),
 * matched on the part before the first ':' ("Debian:12" -> "Debian"). */
static const struct {
    const char *eco;
    cg_ver_scheme scheme;
} ECOSYSTEMS[] = {
    {"Debian", CG_VER_DPKG},         {"Ubuntu", CG_VER_DPKG},
    {"Alpine", CG_VER_APK},          {"Wolfi", CG_VER_APK},
    {"Chainguard", CG_VER_APK},      {"MinimOS", CG_VER_APK},
    {"Red Hat", CG_VER_RPM},         {"Rocky Linux", CG_VER_RPM},
    {"AlmaLinux", CG_VER_RPM},       {"SUSE", CG_VER_RPM},
    {"openSUSE", CG_VER_RPM},        {"Mageia", CG_VER_RPM},
    {"openEuler", CG_VER_RPM},       {"Photon OS", CG_VER_RPM},
    {"Azure Linux", CG_VER_RPM},     {"npm", CG_VER_SEMVER},
    {"crates.io", CG_VER_SEMVER},    {"Go", CG_VER_GO},
    {"PyPI", CG_VER_PEP440},         {"Maven", CG_VER_MAVEN},
    {"RubyGems", CG_VER_RUBYGEMS},   {"NuGet", CG_VER_NUGET},
    {"Packagist", CG_VER_COMPOSER},
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
    size_t n = strnlen(eco, 128);
    const char *colon = memchr(eco, ':', n);
    if (colon)
        n = (size_t)(colon - eco);
    for (size_t i = 0; i < sizeof ECOSYSTEMS / sizeof ECOSYSTEMS[0]; i++) {
        if (strlen(ECOSYSTEMS[i].eco) == n && memcmp(ECOSYSTEMS[i].eco, eco, n) == 0) {
            *out = ECOSYSTEMS[i].scheme;
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

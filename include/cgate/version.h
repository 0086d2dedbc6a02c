/*
 * version.h - per-ecosystem version order for the vulnerability matcher.
 *
 * Every ecosystem orders versions its own way (dpkg's '~', rpm's '^', PEP 440's
 * post/dev releases, Maven's qualifiers, ...).  The matcher asks only two
 * questions - "is this a version of the scheme?" and "how do a and b compare?" -
 * and a version that is not valid is reported as "unknown version", never
 * treated as safe, so every comparison fails loudly (CG_ERR_INPUT) instead of
 * guessing.  Versions are bounded (CG_VER_MAX_LEN bytes); nothing here
 * allocates, recurses on input or keeps state, so it is safe from any thread.
 */
#ifndef CGATE_VERSION_H
#define CGATE_VERSION_H

#include "cgate/export.h"

#include <stddef.h>

#include "cgate/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Longer versions are invalid in every scheme (real ones stay far below). */
#define CG_VER_MAX_LEN 256

typedef enum cg_ver_scheme {
    CG_VER_DPKG,     /* Debian, Ubuntu: deb-version(7)                           */
    CG_VER_RPM,      /* Red Hat, Rocky, AlmaLinux, SUSE, ...: rpmvercmp + EVR    */
    CG_VER_APK,      /* Alpine, Wolfi, Chainguard: apk-tools                      */
    CG_VER_SEMVER,   /* npm, crates.io: SemVer 2.0.0 (node-semver's loose "v"/"=") */
    CG_VER_GO,       /* Go modules: golang.org/x/mod/semver ("v" required; OSV's
                        Go records omit it, so the caller prepends it)             */
    CG_VER_PEP440,   /* PyPI                                                      */
    CG_VER_MAVEN,    /* Maven: ComparableVersion                                  */
    CG_VER_RUBYGEMS, /* RubyGems: Gem::Version                                    */
    CG_VER_NUGET,    /* NuGet: SemVer 2 with a fourth numeric part                */
    CG_VER_COMPOSER, /* Packagist: Composer's normalised versions                 */
    CG_VER_SCHEME_COUNT
} cg_ver_scheme;

/* Short stable name of a scheme ("dpkg", "rpm", ...); "?" when out of range. */
CG_EXPORT const char *cg_ver_scheme_name(cg_ver_scheme s);

/* The scheme of an OSV ecosystem name: "Debian:12", "Alpine:v3.19", "npm",
 * "PyPI", "Go", "Maven", "RubyGems", "crates.io", "NuGet", "Packagist",
 * "Ubuntu:22.04:LTS", "Red Hat", "Rocky Linux:9", ...  The part after the first
 * ':' (a release) is ignored.  Returns 0 and sets *out, or -1 when unknown. */
CG_EXPORT int cg_ver_scheme_for_ecosystem(const char *eco, cg_ver_scheme *out);

/* CG_OK when v is a valid version of the scheme, else CG_ERR_INPUT
 * (CG_ERR_USAGE for a NULL v or an unknown scheme). */
CG_EXPORT cg_status cg_ver_valid(cg_ver_scheme s, const char *v);

/* Compare a and b in the scheme's order: *cmp = -1, 0 or 1.  CG_ERR_INPUT (with
 * a message naming the bad version) when either is not a valid version. */
CG_EXPORT cg_status cg_ver_compare(cg_ver_scheme s, const char *a, const char *b, int *cmp, cg_error *err);

/* npm range syntax as node-semver's satisfies() with default options: '||',
 * hyphen ranges, x-ranges, '~', '^', comparators, and the prerelease rule (a
 * prerelease satisfies only a comparator set that names a prerelease of the
 * same major.minor.patch).  *result = 1 or 0.  CG_ERR_INPUT when the version is
 * not valid SemVer or the range cannot be parsed (node-semver would also answer
 * false for both; the matcher must see the difference). */
CG_EXPORT cg_status cg_semver_satisfies(const char *version, const char *range, int *result, cg_error *err);

#ifdef __cplusplus
}
#endif
#endif

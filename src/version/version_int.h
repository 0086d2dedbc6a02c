/*
 * version_int.h - what the scheme files of src/version/ share with the
 * dispatcher (version.c) and the unit tests: the per-scheme entry points and
 * ASCII character classes (locale-free, unlike <ctype.h>).
 *
 * Entry points take (pointer, length) - no NUL needed - and may assume
 * len <= CG_VER_MAX_LEN.  *_valid returns 1 or 0; *_cmp returns -1, 0 or 1 and
 * is only meaningful when both sides are valid.
 */
#ifndef CGATE_VERSION_INT_H
#define CGATE_VERSION_INT_H

#include <stddef.h>

#include "cgate/version.h"

#define CG_VER_DECLARE_SCHEME(name)                     \
    int cg_ver_##name##_valid(const char *v, size_t n); \
    int cg_ver_##name##_cmp(const char *a, size_t an, const char *b, size_t bn);
CG_VER_DECLARE_SCHEME(dpkg)
CG_VER_DECLARE_SCHEME(rpm)
CG_VER_DECLARE_SCHEME(apk)
CG_VER_DECLARE_SCHEME(semver)
CG_VER_DECLARE_SCHEME(go)
CG_VER_DECLARE_SCHEME(pep440)
CG_VER_DECLARE_SCHEME(maven)
CG_VER_DECLARE_SCHEME(rubygems)
CG_VER_DECLARE_SCHEME(nuget)
CG_VER_DECLARE_SCHEME(composer)
#undef CG_VER_DECLARE_SCHEME

/* A parsed SemVer (npm dialect), pointing into the parsed text; shared by
 * semver.c and semver_range.c. */
typedef struct cg_semver {
    const char *num[3];
    size_t num_n[3];
    const char *pre; /* NULL when there is no prerelease */
    size_t pre_n;
} cg_semver;
int cg_ver_semver_parse(const char *v, size_t n, cg_semver *out);
int cg_ver_semver_order(const cg_semver *a, const cg_semver *b);

/* rpmvercmp() itself: one version or release string, no epoch/release split. */
int cg_ver_rpmvercmp(const char *a, size_t an, const char *b, size_t bn);

/* Compare two runs of ASCII digits as unbounded non-negative integers (leading
 * zeros ignored): -1, 0 or 1.  No overflow whatever the length. */
int cg_ver_digits_cmp(const char *a, size_t an, const char *b, size_t bn);

static inline int vc_is_digit(char c) { return c >= '0' && c <= '9'; }
static inline int vc_is_lower(char c) { return c >= 'a' && c <= 'z'; }
static inline int vc_is_upper(char c) { return c >= 'A' && c <= 'Z'; }
static inline int vc_is_alpha(char c) { return vc_is_lower(c) || vc_is_upper(c); }
static inline int vc_is_alnum(char c) { return vc_is_alpha(c) || vc_is_digit(c); }
static inline char vc_lower(char c) { return vc_is_upper(c) ? (char)(c - 'A' + 'a') : c; }

static inline int vc_all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!vc_is_digit(s[i]))
            return 0;
    return 1;
}

/* Case-insensitive equality of s[0..n) with the lower-case literal lit. */
static inline int vc_ieq(const char *s, size_t n, const char *lit)
{
    size_t i = 0;
    for (; i < n && lit[i]; i++)
        if (vc_lower(s[i]) != lit[i])
            return 0;
    return i == n && lit[i] == '\0';
}

#endif

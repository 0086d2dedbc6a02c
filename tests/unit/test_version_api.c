/*
 * test_version_api.c - the dispatching API of cgate/version.h: OSV ecosystem
 * names, argument checks, error messages, and long or hostile input for every
 * scheme (length cap, no NUL assumptions past it, deep nesting, digit runs).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cgate/version.h"

static void test_version_ecosystems(void **state)
{
    (void)state;
    static const struct {
        const char *eco;
        cg_ver_scheme s;
    } known[] = {
        {"Debian:12", CG_VER_DPKG},        {"Debian", CG_VER_DPKG},
        {"Ubuntu:22.04:LTS", CG_VER_DPKG}, {"Alpine:v3.19", CG_VER_APK},
        {"Wolfi", CG_VER_APK},             {"Red Hat", CG_VER_RPM},
        {"Rocky Linux:9", CG_VER_RPM},     {"AlmaLinux:8", CG_VER_RPM},
        {"SUSE:Linux Enterprise Server 15 SP5", CG_VER_RPM},
        {"npm", CG_VER_SEMVER},            {"crates.io", CG_VER_SEMVER},
        {"Go", CG_VER_GO},                 {"PyPI", CG_VER_PEP440},
        {"Maven", CG_VER_MAVEN},           {"RubyGems", CG_VER_RUBYGEMS},
        {"NuGet", CG_VER_NUGET},           {"Packagist", CG_VER_COMPOSER},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        cg_ver_scheme s = CG_VER_SCHEME_COUNT;
        if (cg_ver_scheme_for_ecosystem(known[i].eco, &s) != 0)
            fail_msg("ecosystem \"%s\" unknown", known[i].eco);
        assert_int_equal(s, known[i].s);
    }
    static const char *const unknown[] = {"", "debian", "PyPi", "Debian12", "Hex", "Pub", ":12",
                                          "npm ", "Go:x:y"};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        cg_ver_scheme s = CG_VER_SCHEME_COUNT;
        if (strcmp(unknown[i], "Go:x:y") == 0) { /* the release part is ignored */
            assert_int_equal(cg_ver_scheme_for_ecosystem(unknown[i], &s), 0);
            continue;
        }
        if (cg_ver_scheme_for_ecosystem(unknown[i], &s) != -1)
            fail_msg("ecosystem \"%s\" should be unknown", unknown[i]);
        assert_int_equal(s, CG_VER_SCHEME_COUNT);
    }
    assert_int_equal(cg_ver_scheme_for_ecosystem(NULL, NULL), -1);
    for (int s = 0; s < CG_VER_SCHEME_COUNT; s++)
        assert_string_not_equal(cg_ver_scheme_name((cg_ver_scheme)s), "?");
    assert_string_equal(cg_ver_scheme_name(CG_VER_SCHEME_COUNT), "?");
    assert_string_equal(cg_ver_scheme_name((cg_ver_scheme)-1), "?");
}

static void test_version_arguments(void **state)
{
    (void)state;
    int c = 7;
    cg_error err;
    cg_error_clear(&err);
    assert_int_equal(cg_ver_compare(CG_VER_SCHEME_COUNT, "1", "1", &c, &err), CG_ERR_USAGE);
    assert_int_equal(cg_ver_compare(CG_VER_DPKG, NULL, "1", &c, &err), CG_ERR_USAGE);
    assert_int_equal(cg_ver_compare(CG_VER_DPKG, "1", "1", NULL, &err), CG_ERR_USAGE);
    assert_int_equal(cg_ver_valid(CG_VER_DPKG, NULL), CG_ERR_USAGE);
    assert_int_equal(cg_ver_valid((cg_ver_scheme)99, "1"), CG_ERR_USAGE);
    assert_int_equal(c, 7);
    /* the message names the scheme and the offending side */
    assert_int_equal(cg_ver_compare(CG_VER_DPKG, "1.0", "a:b", &c, &err), CG_ERR_INPUT);
    assert_string_equal(err.msg, "not a valid dpkg version: \"a:b\"");
    assert_int_equal(cg_ver_compare(CG_VER_PEP440, "1.0", "1.0", &c, NULL), CG_OK);
    assert_int_equal(c, 0);
}

/* Every scheme: a version at the cap is handled, one byte more is rejected
 * with a message that quotes only a prefix. */
static void test_version_length_cap(void **state)
{
    (void)state;
    char at[CG_VER_MAX_LEN + 1], over[CG_VER_MAX_LEN + 2];
    /* "1.1.1...." style strings are valid in every scheme except SemVer/Go
     * (three parts), so build per scheme */
    for (int s = 0; s < CG_VER_SCHEME_COUNT; s++) {
        size_t n = CG_VER_MAX_LEN;
        if (s == CG_VER_SEMVER || s == CG_VER_GO) {
            memset(at, 'a', n);
            memcpy(at, s == CG_VER_GO ? "v1.0.0-" : "1.0.0-a", 7);
        } else {
            memset(at, '1', n);
        }
        at[n] = '\0';
        memcpy(over, at, n);
        over[n] = '1';
        over[n + 1] = '\0';
        if (cg_ver_valid((cg_ver_scheme)s, at) != CG_OK)
            fail_msg("%s: %zu-byte version rejected", cg_ver_scheme_name((cg_ver_scheme)s), n);
        int c = 7;
        cg_error err;
        assert_int_equal(cg_ver_compare((cg_ver_scheme)s, at, at, &c, &err), CG_OK);
        assert_int_equal(c, 0);
        assert_int_equal(cg_ver_valid((cg_ver_scheme)s, over), CG_ERR_INPUT);
        assert_int_equal(cg_ver_compare((cg_ver_scheme)s, over, at, &c, &err), CG_ERR_INPUT);
        assert_non_null(strstr(err.msg, "longer than 256 bytes"));
        assert_true(strlen(err.msg) < 120);
    }
    /* a huge string is only read up to the cap */
    size_t big = 1u << 20;
    char *h = malloc(big + 1);
    assert_non_null(h);
    memset(h, '9', big);
    h[big] = '\0';
    for (int s = 0; s < CG_VER_SCHEME_COUNT; s++)
        assert_int_equal(cg_ver_valid((cg_ver_scheme)s, h), CG_ERR_INPUT);
    free(h);
}

/* Inputs built to stress each parser's worst case; each must finish, agree
 * with itself and keep cmp antisymmetric. */
static void test_version_hostile(void **state)
{
    (void)state;
    char a[CG_VER_MAX_LEN + 1], b[CG_VER_MAX_LEN + 1];
    static const char *const patterns[] = {"1-", "a1", "1.", "-", "~", "^", "1a.", ".-", "0",
                                           "_p", "+", "#", "1.0-r", "x", "-1"};
    for (int s = 0; s < CG_VER_SCHEME_COUNT; s++) {
        for (size_t p = 0; p < sizeof patterns / sizeof patterns[0]; p++) {
            size_t pl = strlen(patterns[p]), n = 0;
            a[n++] = '1';
            while (n + pl <= CG_VER_MAX_LEN - 1) {
                memcpy(a + n, patterns[p], pl);
                n += pl;
            }
            a[n] = '\0';
            memcpy(b, a, n + 1);
            b[n - 1] = b[n - 1] == '1' ? '2' : '1';
            int c1 = 7, c2 = 7;
            cg_status s1 = cg_ver_compare((cg_ver_scheme)s, a, b, &c1, NULL);
            cg_status s2 = cg_ver_compare((cg_ver_scheme)s, b, a, &c2, NULL);
            assert_true(s1 == CG_OK || s1 == CG_ERR_INPUT);
            assert_int_equal(s1, s2);
            if (s1 == CG_OK) {
                assert_int_equal(c1, -c2);
                assert_int_equal(cg_ver_compare((cg_ver_scheme)s, a, a, &c1, NULL), CG_OK);
                assert_int_equal(c1, 0);
            }
        }
    }
    /* long digit runs compare exactly, never through an integer type */
    char n1[CG_VER_MAX_LEN + 1], n2[CG_VER_MAX_LEN + 1];
    memset(n1, '9', 200);
    n1[200] = '\0';
    memcpy(n2, n1, 201);
    n2[199] = '8';
    int c = 7;
    assert_int_equal(cg_ver_compare(CG_VER_DPKG, n1, n2, &c, NULL), CG_OK);
    assert_int_equal(c, 1);
    assert_int_equal(cg_ver_compare(CG_VER_MAVEN, n1, n2, &c, NULL), CG_OK);
    assert_int_equal(c, 1);
    assert_int_equal(cg_ver_compare(CG_VER_PEP440, n1, n2, &c, NULL), CG_OK);
    assert_int_equal(c, 1);
    /* an embedded NUL ends the version: nothing after it is read */
    const char with_nul[] = "1.0\0garbage";
    assert_int_equal(cg_ver_compare(CG_VER_DPKG, with_nul, "1.0", &c, NULL), CG_OK);
    assert_int_equal(c, 0);
    /* bytes >= 0x80 and control characters are never valid */
    static const char *const bytes[] = {"1.0\x80", "1.0\xff", "1.0\x01", "\xef\xbb\xbf" "1.0"};
    for (int s = 0; s < CG_VER_SCHEME_COUNT; s++)
        for (size_t i = 0; i < sizeof bytes / sizeof bytes[0]; i++)
            if (cg_ver_valid((cg_ver_scheme)s, bytes[i]) != CG_ERR_INPUT)
                fail_msg("%s accepts byte string %zu", cg_ver_scheme_name((cg_ver_scheme)s), i);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version_ecosystems),
        cmocka_unit_test(test_version_arguments),
        cmocka_unit_test(test_version_length_cap),
        cmocka_unit_test(test_version_hostile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

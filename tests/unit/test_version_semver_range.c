/*
 * test_version_semver_range.c - cg_semver_satisfies against node-semver's
 * satisfies() (tests/data/vercmp/npm_semver_ranges.tsv: version, range,
 * true/false), plus the sugar forms and hostile ranges.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cgate/version.h"

static int sat(const char *v, const char *r)
{
    int res = 9;
    cg_error err;
    cg_error_clear(&err);
    cg_status st = cg_semver_satisfies(v, r, &res, &err);
    if (st != CG_OK)
        fail_msg("satisfies(\"%s\", \"%s\"): %s", v, r, err.msg);
    return res;
}

static void test_version_semver_range_oracle(void **state)
{
    (void)state;
    const char *dir = getenv("CG_TEST_DATA");
    assert_non_null(dir);
    char path[1024];
    snprintf(path, sizeof path, "%s/vercmp/npm_semver_ranges.tsv", dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[4096];
    size_t rows = 0, failures = 0, rejected = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        line[strcspn(line, "\r\n")] = '\0';
        char *t1 = strchr(line, '\t');
        char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        if (!t2)
            fail_msg("malformed row \"%s\"", line);
        *t1 = *t2 = '\0';
        const char *ver = line, *range = t1 + 1, *want_s = t2 + 1;
        int want = strcmp(want_s, "true") == 0;
        int got = 9;
        cg_error err;
        cg_error_clear(&err);
        cg_status st = cg_semver_satisfies(ver, range, &got, &err);
        rows++;
        rejected += st != CG_OK;
        /* node-semver answers false where we report invalid input; a "true"
         * row must therefore parse, and a rejected row must say "false" */
        if ((st == CG_OK && got != want) || (st != CG_OK && want)) {
            if (failures < 25)
                print_message("\"%s\" in \"%s\": want %s, got %d (status %d: %s)\n", ver, range,
                              want_s, got, st, err.msg);
            failures++;
        }
    }
    fclose(f);
    print_message("npm_semver_ranges.tsv: %zu rows checked, %zu failed, %zu rejected as invalid "
                  "(node-semver: false)\n",
                  rows, failures, rejected);
    assert_int_equal(failures, 0);
    assert_true(rows > 2000);
}

static void test_version_semver_range_forms(void **state)
{
    (void)state;
    /* hyphen, x-range, tilde, caret desugaring boundaries */
    assert_true(sat("2.3.9", "1.2 - 2.3"));
    assert_false(sat("2.4.0", "1.2 - 2.3"));
    assert_true(sat("1.2.0", "1.2 - 2.3.4"));
    assert_false(sat("1.1.9", "1.2 - 2.3.4"));
    assert_true(sat("1.9.9", ">1.2"));
    assert_false(sat("1.2.9", ">1.2"));
    assert_true(sat("1.2.9", "<=1.2"));
    assert_false(sat("1.3.0", "<=1.2"));
    assert_true(sat("1.2.9", "~1.2.3"));
    assert_false(sat("1.3.0", "~1.2.3"));
    assert_true(sat("0.2.9", "^0.2.3"));
    assert_false(sat("0.3.0", "^0.2.3"));
    assert_true(sat("0.0.3", "^0.0.3"));
    assert_false(sat("0.0.4", "^0.0.3"));
    assert_true(sat("1.9.9", "^1.2.3"));
    assert_false(sat("2.0.0", "^1.2.3"));
    assert_true(sat("9.9.9", "*"));
    assert_true(sat("9.9.9", ""));
    assert_false(sat("1.0.0", "<*"));
    assert_true(sat("1.0.0", ">= 0.9 < 2 || 5"));
    assert_true(sat("5.1.0", ">= 0.9 < 2 || 5"));
    assert_true(sat("99999999.0.0", ">=1.0.0"));
    /* prereleases only match a comparator naming the same major.minor.patch */
    assert_true(sat("1.2.3-beta.2", ">=1.2.3-beta.1 <2"));
    assert_false(sat("1.2.4-beta.2", ">=1.2.3-beta.1 <2"));
    assert_false(sat("1.0.0-rc.1", "*"));
    assert_true(sat("1.2.3-alpha", "~1.2.3-alpha"));
    /* the incremented bound carries: ~9.99 -> <9.100.0-0, <=99 -> <100.0.0-0 */
    assert_true(sat("9.99.5", "~9.99"));
    assert_false(sat("9.100.0", "~9.99"));
    assert_true(sat("99.5.0", "<=99"));
    assert_false(sat("100.0.0", "<=99"));
    assert_false(sat("10.0.0", "<=9.x"));
}

static void test_version_semver_range_invalid(void **state)
{
    (void)state;
    static const char *const bad_ranges[] = {
        "01.2.3", "1.2.3.4", ">=a", "^", "~", ">>1", "1.2.3 -", "^1.2.3-", ">=1.2.3-01",
        "1.0.0 || >=", "=>1.0.0", "1.2.3+", "1.2.3-a..b", "99999999999999999.0.0",
    };
    for (size_t i = 0; i < sizeof bad_ranges / sizeof bad_ranges[0]; i++) {
        int r = 7;
        cg_error err;
        cg_error_clear(&err);
        if (cg_semver_satisfies("1.2.3", bad_ranges[i], &r, &err) != CG_ERR_INPUT)
            fail_msg("range \"%s\" accepted (result %d)", bad_ranges[i], r);
        assert_int_equal(r, 7);
    }
    int r = 7;
    assert_int_equal(cg_semver_satisfies("1.2", "*", &r, NULL), CG_ERR_INPUT);
    assert_int_equal(cg_semver_satisfies("99999999999999999.0.0", "*", &r, NULL), CG_ERR_INPUT);
    assert_int_equal(cg_semver_satisfies(NULL, "*", &r, NULL), CG_ERR_USAGE);

    /* hostile: very long ranges, many sets, long tokens */
    char *big = malloc(20000);
    assert_non_null(big);
    memset(big, '|', 19999);
    big[19999] = '\0';
    assert_int_equal(cg_semver_satisfies("1.0.0", big, &r, NULL), CG_ERR_INPUT);
    size_t n = 0;
    while (n + 12 < 4000) {
        memcpy(big + n, ">=1.0.0 || ", 11);
        n += 11;
    }
    memcpy(big + n, "1.0.0", 6);
    assert_int_equal(cg_semver_satisfies("1.0.0", big, &r, NULL), CG_OK);
    assert_int_equal(r, 1);
    memset(big, '9', 4000);
    big[4000] = '\0';
    assert_int_equal(cg_semver_satisfies("1.0.0", big, &r, NULL), CG_ERR_INPUT);
    memset(big, ' ', 4000);
    assert_int_equal(cg_semver_satisfies("1.0.0", big, &r, NULL), CG_OK);
    assert_int_equal(r, 1);
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version_semver_range_oracle),
        cmocka_unit_test(test_version_semver_range_forms),
        cmocka_unit_test(test_version_semver_range_invalid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

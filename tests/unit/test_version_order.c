/*
 * test_version_order.c - every row of every version-order oracle table in
 * tests/data/vercmp/ (see ORIGIN.md there), one cmocka test per ecosystem.
 *
 * A row is "a <TAB> b <TAB> cmp" produced by the ecosystem's real tool.  Each
 * row is checked both ways (cmp(a,b) and cmp(b,a) == -cmp(a,b)) and each
 * version also against itself.  Rows we deliberately do not follow are listed
 * per table with the reason; a listed row that is missing from its table fails
 * the test, so exclusions cannot silently go stale.
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
#include "version/version_int.h"

typedef struct exclusion {
    const char *a, *b;
    const char *why;
} exclusion;

/* Compare function under test: CG_OK and *cmp, or an error status. */
typedef cg_status (*cmp_fn)(const void *ctx, const char *a, const char *b, int *cmp);

static cg_status scheme_cmp(const void *ctx, const char *a, const char *b, int *cmp)
{
    cg_error err;
    cg_error_clear(&err);
    cg_ver_scheme s = *(const cg_ver_scheme *)ctx;
    return cg_ver_compare(s, a, b, cmp, &err);
}

static FILE *open_data(const char *rel)
{
    const char *dir = getenv("CG_TEST_DATA");
    assert_non_null(dir);
    char path[1024];
    snprintf(path, sizeof path, "%s/vercmp/%s", dir, rel);
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("cannot open %s", path);
    return f;
}

/* Splits line (tab-separated, newline stripped) into at most max fields. */
static int split_tabs(char *line, char **fields, int max)
{
    line[strcspn(line, "\r\n")] = '\0';
    int n = 0;
    char *p = line;
    while (n < max) {
        fields[n++] = p;
        char *t = strchr(p, '\t');
        if (!t)
            break;
        *t = '\0';
        p = t + 1;
    }
    return n;
}

/* An exclusion with b == NULL names a version we reject as invalid although
 * the oracle ordered it: every row holding it must then fail with
 * CG_ERR_INPUT.  Otherwise it names one row (a, b) we do not follow. */
static const exclusion *find_exclusion(const exclusion *ex, size_t nex, const char *a,
                                       const char *b, int *seen)
{
    const exclusion *found = NULL;
    for (size_t i = 0; i < nex; i++) {
        int hit = ex[i].b ? strcmp(ex[i].a, a) == 0 && strcmp(ex[i].b, b) == 0
                          : strcmp(ex[i].a, a) == 0 || strcmp(ex[i].a, b) == 0;
        if (hit) {
            seen[i] = 1;
            found = found ? found : &ex[i];
        }
    }
    return found;
}

/*
 * Runs every row of table `rel`.  Returns the number of rows checked; fails the
 * test when any row disagrees with the oracle.
 */
#define MAX_EX 128

/* seen_out: NULL to require every exclusion to occur in this table, else an
 * array of MAX_EX flags the caller checks after running several tables. */
static size_t run_tables(const char *rel, cmp_fn fn, const void *ctx, const exclusion *ex,
                         size_t nex, int *seen_out)
{
    FILE *f = open_data(rel);
    char line[2048];
    size_t rows = 0, failures = 0, skipped = 0, rejected = 0;
    int local_seen[MAX_EX] = {0};
    int *seen = seen_out ? seen_out : local_seen;
    assert_true(nex <= MAX_EX);
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        char *col[5];
        int nf = split_tabs(line, col, 5);
        if (nf != 3 && nf != 5)
            fail_msg("%s: malformed row \"%s\"", rel, line);
        int want = atoi(col[2]);
        if (nf == 5 && (strcmp(col[3], "true") != 0 || strcmp(col[4], "true") != 0)) {
            /* a_valid/b_valid columns (go_semver.tsv): the oracle's own
             * validity must be ours, and a pair with an invalid side fails */
            int d = 9;
            for (int k = 0; k < 2; k++)
                if ((fn(ctx, col[k], col[k], &d) == CG_OK) != (strcmp(col[3 + k], "true") == 0))
                    fail_msg("%s: validity of \"%s\" differs from the oracle", rel, col[k]);
            assert_int_equal(fn(ctx, col[0], col[1], &d), CG_ERR_INPUT);
            rejected++;
            continue;
        }
        const exclusion *x = find_exclusion(ex, nex, col[0], col[1], seen);
        if (x && !x->b) {
            int dummy = 9;
            if (fn(ctx, col[0], col[1], &dummy) != CG_ERR_INPUT)
                fail_msg("%s: \"%s\" vs \"%s\" should be rejected: %s", rel, col[0], col[1],
                         x->why);
            rejected++;
            continue;
        }
        if (x) {
            skipped++;
            continue;
        }
        rows++;
        int got = 9, back = 9, self_a = 9, self_b = 9;
        cg_status st = fn(ctx, col[0], col[1], &got);
        cg_status st2 = fn(ctx, col[1], col[0], &back);
        fn(ctx, col[0], col[0], &self_a);
        fn(ctx, col[1], col[1], &self_b);
        if (st != CG_OK || st2 != CG_OK || got != want || back != -want || self_a != 0 ||
            self_b != 0) {
            if (failures < 25)
                print_message("%s: \"%s\" vs \"%s\": want %d, got %d (status %d), reverse %d "
                              "(status %d), self %d/%d\n",
                              rel, col[0], col[1], want, got, st, back, st2, self_a, self_b);
            failures++;
        }
    }
    fclose(f);
    for (size_t i = 0; i < nex && !seen_out; i++)
        if (!seen[i])
            fail_msg("%s: excluded row \"%s\" vs \"%s\" is not in the table", rel, ex[i].a,
                     ex[i].b);
    print_message("%s: %zu rows checked, %zu failed, %zu excluded, %zu rejected as invalid\n",
                  rel, rows, failures, skipped, rejected);
    assert_int_equal(failures, 0);
    assert_true(rows > 0);
    return rows;
}

static size_t run_table(const char *rel, cmp_fn fn, const void *ctx, const exclusion *ex,
                        size_t nex)
{
    return run_tables(rel, fn, ctx, ex, nex, NULL);
}

#define RUN(rel, scheme)                                            \
    do {                                                            \
        cg_ver_scheme s_ = (scheme);                                \
        run_table((rel), scheme_cmp, &s_, NULL, 0);                 \
    } while (0)
#define RUN_EX(rel, scheme, ex)                                     \
    do {                                                            \
        cg_ver_scheme s_ = (scheme);                                \
        run_table((rel), scheme_cmp, &s_, (ex), sizeof(ex) / sizeof((ex)[0])); \
    } while (0)

/* Each string must be rejected by the scheme, through both entry points. */
static void expect_invalid(cg_ver_scheme s, const char *const *bad, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int cmp = 7;
        cg_error err;
        cg_error_clear(&err);
        if (cg_ver_valid(s, bad[i]) != CG_ERR_INPUT)
            fail_msg("%s: \"%s\" accepted as valid", cg_ver_scheme_name(s), bad[i]);
        assert_int_equal(cg_ver_compare(s, bad[i], bad[i], &cmp, &err), CG_ERR_INPUT);
        assert_int_equal(cmp, 7);
        assert_non_null(strstr(err.msg, "version"));
    }
}

/* Each string must be accepted (guards against over-strict validation). */
static void expect_valid(cg_ver_scheme s, const char *const *good, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (cg_ver_valid(s, good[i]) != CG_OK)
            fail_msg("%s: \"%s\" rejected", cg_ver_scheme_name(s), good[i]);
}

#define INVALID(s, ...)                                                  \
    do {                                                                 \
        static const char *const bad_[] = {__VA_ARGS__};                 \
        expect_invalid((s), bad_, sizeof bad_ / sizeof bad_[0]);         \
    } while (0)
#define VALID(s, ...)                                                    \
    do {                                                                 \
        static const char *const good_[] = {__VA_ARGS__};                \
        expect_valid((s), good_, sizeof good_ / sizeof good_[0]);        \
    } while (0)

/* ---- dpkg ---------------------------------------------------------------- */

static void test_version_dpkg(void **state)
{
    (void)state;
    RUN("debian_dpkg.tsv", CG_VER_DPKG);
    RUN("osv-scalibr/debian-versions.tsv", CG_VER_DPKG);
    RUN("osv-scalibr/debian-versions-generated.tsv", CG_VER_DPKG);
    INVALID(CG_VER_DPKG, "", ":1.0", "a:1.0", "-1:1.0", "1.0-", "a1.0", "1.0 1", "1_0",
            "1.0-1_2", "1:", "99999999999:1.0", "1.0-1:2", "\t1.0");
    VALID(CG_VER_DPKG, "1:2:3", "1.0-1-2", "2147483647:1", "0:0", "1.0~~", "1.0+b1");
}

/* ---- rpm ----------------------------------------------------------------- */

/* rpm's own test strings include separators-only versions ("+", "_") and
 * non-ASCII letters that our validity check refuses; compare them unchecked. */
static cg_status raw_rpm(const void *ctx, const char *a, const char *b, int *cmp)
{
    (void)ctx;
    *cmp = cg_ver_rpm_cmp(a, strlen(a), b, strlen(b));
    return CG_OK;
}

static void test_version_rpm(void **state)
{
    (void)state;
    /* RPM 4.18's Lua rpm.vercmp() parses both sides as EVR, so both tables
     * exercise the EVR order */
    RUN("rpm_rpmvercmp.tsv", CG_VER_RPM);
    static const exclusion redhat_ex[] = {
        {"1", "1-", "\"1-\" has an empty release: cg_ver_valid rejects it, so its order "
                    "is never used (scalibr puts it above \"1\")"},
    };
    run_table("osv-scalibr/redhat-versions.tsv", raw_rpm, NULL, redhat_ex, 1);
    assert_int_equal(cg_ver_valid(CG_VER_RPM, "1-"), CG_ERR_INPUT);
    /* (the table's header says a missing release equals any release, but its
     * rows - like rpm.vercmp's - put a missing release below any release) */
    static const exclusion evr_ex[] = {
#define DOUBLE_EPOCH "a second ':' (epoch inside the version): rpmbuild forbids ':' in Version"
        {"0:01:1.1.1k-4.el8", NULL, DOUBLE_EPOCH},
        {"0:1:1.0.2k-19.el7", NULL, DOUBLE_EPOCH},
        {"0:1:1.1.1k-4.el8", NULL, DOUBLE_EPOCH},
        {"0:32:9.11.4-26.P2.amzn2.5.2", NULL, DOUBLE_EPOCH},
        {"0:32:9.11.4-26.P2.amzn2.5.2.el8", NULL, DOUBLE_EPOCH},
        {"0:99:9.11.4-26.P2.amzn2.13", NULL, DOUBLE_EPOCH},
        {"1:1:1.0.2k-19.el7", NULL, DOUBLE_EPOCH},
        {"1:1:1.1.1k-4.el8", NULL, DOUBLE_EPOCH},
        {"1:1:1.1.1k-5.el8_5", NULL, DOUBLE_EPOCH},
        {"1:1:1_0.2k-16.el7", NULL, DOUBLE_EPOCH},
        {"1:1:1_0.2k-19.el7", NULL, DOUBLE_EPOCH},
        {"2:1:1.0.2k-16.el7", NULL, DOUBLE_EPOCH},
        {"2:1:1.0.2k-19.el7", NULL, DOUBLE_EPOCH},
        {"2:32:9.11.4-26.P2.amzn2.5.2", NULL, DOUBLE_EPOCH},
        {"2:99:9.11.4-26.P2.amzn2.13", NULL, DOUBLE_EPOCH},
        {"2:99:9_11.4-26.P2.amzn2.13", NULL, DOUBLE_EPOCH},
#undef DOUBLE_EPOCH
    };
    RUN_EX("rpm_evr.tsv", CG_VER_RPM, evr_ex);
    INVALID(CG_VER_RPM, "", ":1.0", "1:", "1.0-", "-1", "1:-1", "a:1.0", "1 0", "1.0-1-", "1.0/2",
            "1.0-α", "10.1-1-2", "1:2:3");
    VALID(CG_VER_RPM, "1.0", "0:1.0-1.el8", "1.0~rc1^git2-3.fc38_1+x", "2147483648999:1");
    int c = 9;
    /* a missing release is below any release; epochs dominate */
    assert_int_equal(cg_ver_compare(CG_VER_RPM, "1.2", "1.2-5.el9", &c, NULL), CG_OK);
    assert_int_equal(c, -1);
    assert_int_equal(cg_ver_compare(CG_VER_RPM, "1:0.1", "9.9", &c, NULL), CG_OK);
    assert_int_equal(c, 1);
}

/* ---- apk ----------------------------------------------------------------- */

static void test_version_apk(void **state)
{
    (void)state;
    /* go-apk-version reads any "-X" as a revision; apk-tools 2.x (next_token)
     * accepts only "-r", so `apk version -c` calls these invalid */
    static const exclusion go_apk_ex[] = {
        {"4.10-1-r1", NULL, "'-' not followed by 'r': invalid for apk-tools"},
        {"1.11-20-r0", NULL, "'-' not followed by 'r': invalid for apk-tools"},
        {"57-1-r2", NULL, "'-' not followed by 'r': invalid for apk-tools"},
        {"2.7.16-33", NULL, "'-' not followed by 'r': invalid for apk-tools"},
    };
    RUN_EX("alpine_apk_go-apk-version.tsv", CG_VER_APK, go_apk_ex);
    /* osv-scalibr's hand-written cases also order versions apk-tools rejects */
    static const exclusion scalibr_apk_ex[] = {
#define APK_BAD "invalid for apk-tools 2.x (apk_version_validate)"
        {"1--ruff1", NULL, APK_BAD},   {"1-r-0", NULL, APK_BAD},     {"1-r-1", NULL, APK_BAD},
        {"1-r-2", NULL, APK_BAD},      {"1-r0-1", NULL, APK_BAD},    {"1-r0-2", NULL, APK_BAD},
        {"1-r0-ruff1", NULL, APK_BAD}, {"1-r0-ruff2", NULL, APK_BAD}, {"1-ruff", NULL, APK_BAD},
        {"1-ruff1", NULL, APK_BAD},    {"1-ruff2", NULL, APK_BAD},   {"1.0bc", NULL, APK_BAD},
        {"1.2.0A", NULL, APK_BAD},     {"1.2.0D", NULL, APK_BAD},    {"1.2_blah", NULL, APK_BAD},
        {"1.2_csv2", NULL, APK_BAD},   {"23_foo", NULL, APK_BAD},
#undef APK_BAD
#define APK_NODIGIT "no leading digit: we reject it (apk-tools' validate does not check, abuild does)"
        {".1", NULL, APK_NODIGIT}, {".2", NULL, APK_NODIGIT}, {"a", NULL, APK_NODIGIT},
        {"b", NULL, APK_NODIGIT},  {"c", NULL, APK_NODIGIT},
#undef APK_NODIGIT
#define APK_DOT_LETTER "scalibr's hand-written expectation; in apk-tools 2.x next_token() a "   \
                       "'.' (DIGIT_OR_ZERO) outranks a letter, so the side that continues with " \
                       "the letter is older; go-apk-version, which agreed with 13,979 real "   \
                       "`apk version -t` pairs, says the same"
        {"0.r1", "0r2", APK_DOT_LETTER},
        {"0.8.21.r2", "0.8.21r2", APK_DOT_LETTER},
#undef APK_DOT_LETTER
    };
    RUN_EX("osv-scalibr/alpine-versions.tsv", CG_VER_APK, scalibr_apk_ex);
    RUN("osv-scalibr/alpine-versions-generated.tsv", CG_VER_APK);
    INVALID(CG_VER_APK, "", "a1", "1.0-1", "1.0_foo", "1.0A", "1.0ab", "1.0-r1_p1",
            "1.0 ", "1.0a.1", "1.0-r1_p1");
    VALID(CG_VER_APK, "1.0", "1.0-r", "1.0.0a_rc1_p2-r10", "2.15.05", "1.0_p", "99999999999999999999.1");
    int c = 9;
    assert_int_equal(cg_ver_compare(CG_VER_APK, "1.0_rc1", "1.0_rc1-r0", &c, NULL), CG_OK);
    assert_int_equal(c, -1);
    assert_int_equal(cg_ver_compare(CG_VER_APK, "99999999999999999999.1", "9.1", &c, NULL), CG_OK);
    assert_int_equal(c, 1);
}

/* ---- semver (npm, crates.io) and Go -------------------------------------- */

static void test_version_semver(void **state)
{
    (void)state;
    RUN("npm_semver.tsv", CG_VER_SEMVER);
    static const exclusion scalibr_semver_ex[] = {
        {"999999999999999999999999999991", NULL, "not MAJOR.MINOR.PATCH (scalibr's loose parser)"},
        {"999999999999999999999999999999", NULL, "not MAJOR.MINOR.PATCH (scalibr's loose parser)"},
        {"1.1.3.4.5", NULL, "five numeric parts: not SemVer (scalibr's loose parser)"},
    };
    RUN_EX("osv-scalibr/semver-versions.tsv", CG_VER_SEMVER, scalibr_semver_ex);
    INVALID(CG_VER_SEMVER, "", "1", "1.2", "01.2.3", "1.02.3", "1.2.3-", "1.2.3-01", "1.2.3+",
            "1.2.3-a..b", "1.2.3+a..b", "1.2.3-a_b", " 1.2.3", "1.2.3 ", "V1.2.3", "vv1.2.3",
            "1.2.3.4", "-1.2.3");
    VALID(CG_VER_SEMVER, "0.0.0", "v1.2.3", "1.2.3-0a.01a.-", "1.2.3+001.x-y",
          "99999999999999999999999.0.0");
    int c = 9;
    assert_int_equal(cg_ver_compare(CG_VER_SEMVER, "1.0.0+b", "1.0.0+a", &c, NULL), CG_OK);
    assert_int_equal(c, 0);
}

static void test_version_go(void **state)
{
    (void)state;
    RUN("go_semver.tsv", CG_VER_GO);
    INVALID(CG_VER_GO, "", "1.2.3", "v", "v01", "v1.2-pre", "v1.2+b", "v1.2.3-", "v1.2.3-01",
            "v1.2.3.4", "V1.2.3");
    VALID(CG_VER_GO, "v1", "v1.2", "v0.0.0-20191109021931-daa7c04131f5", "v2.0.0+incompatible");
    int c = 9;
    assert_int_equal(cg_ver_compare(CG_VER_GO, "v1.2", "v1.2.0", &c, NULL), CG_OK);
    assert_int_equal(c, 0);
    assert_int_equal(cg_ver_compare(CG_VER_GO, "v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.3",
                                    &c, NULL),
                     CG_OK);
    assert_int_equal(c, 1);
}

/* ---- PEP 440 ------------------------------------------------------------- */

static void test_version_pep440(void **state)
{
    (void)state;
    /* pep440.tsv holds only rows where packaging and @renovatebot/pep440 agree */
    RUN("pep440.tsv", CG_VER_PEP440);
    /* where they disagree (renovatebot's "2"/"3" are its own magnitudes), we
     * follow packaging, the reference implementation: check its column */
    FILE *f = open_data("pep440_disagreements.tsv");
    char line[512];
    size_t rows = 0;
    while (fgets(line, sizeof line, f)) {
        char *col[4];
        if (line[0] == '#' || split_tabs(line, col, 4) != 4)
            continue;
        int c = 9;
        assert_int_equal(cg_ver_compare(CG_VER_PEP440, col[0], col[1], &c, NULL), CG_OK);
        if (c != atoi(col[3]))
            fail_msg("\"%s\" vs \"%s\": packaging says %s, we say %d", col[0], col[1], col[3], c);
        rows++;
    }
    fclose(f);
    print_message("pep440_disagreements.tsv: %zu rows checked against packaging's column\n", rows);
    assert_int_equal(rows, 27);
    /* scalibr orders pre-PEP 440 strings with setuptools' legacy rules, which
     * packaging dropped in 22.0 (InvalidVersion); we reject them as well */
    static const exclusion py_legacy[] = {
#define PY_LEGACY "not a PEP 440 version (legacy setuptools ordering in scalibr)"
        {"-class.-jw.util.version.Version-", NULL, PY_LEGACY},
        {"-class.-jw.util.version.version-dev", NULL, PY_LEGACY},
        {"-class.-jw.util.version.version-pre", NULL, PY_LEGACY},
        {"-class.-jw.util.version.version-preview", NULL, PY_LEGACY},
        {"0.0.1-test1", NULL, PY_LEGACY}, {"0.1-bulbasaur", NULL, PY_LEGACY},
        {"0.1-charmander", NULL, PY_LEGACY}, {"0.3.1-p1", NULL, PY_LEGACY},
        {"0.3m1", NULL, PY_LEGACY}, {"0.3m2", NULL, PY_LEGACY}, {"0.3m3", NULL, PY_LEGACY},
        {"0.3m4", NULL, PY_LEGACY}, {"0.3m5", NULL, PY_LEGACY}, {"0.4.0-p1", NULL, PY_LEGACY},
        {"0.4m1", NULL, PY_LEGACY}, {"0.4m2", NULL, PY_LEGACY}, {"0.4m3", NULL, PY_LEGACY},
        {"0.4m4", NULL, PY_LEGACY}, {"0.4m5", NULL, PY_LEGACY}, {"0.5m1", NULL, PY_LEGACY},
        {"0.5m2", NULL, PY_LEGACY}, {"0.5m3", NULL, PY_LEGACY}, {"0.5m4", NULL, PY_LEGACY},
        {"0.5m5", NULL, PY_LEGACY}, {"0.6m1", NULL, PY_LEGACY}, {"0.6m2", NULL, PY_LEGACY},
        {"0.6m3", NULL, PY_LEGACY}, {"0.6m4", NULL, PY_LEGACY}, {"0.6m5", NULL, PY_LEGACY},
        {"0.6m6", NULL, PY_LEGACY}, {"0.7.1.fix1", NULL, PY_LEGACY}, {"0.7.10p1", NULL, PY_LEGACY},
        {"0.7.11p1", NULL, PY_LEGACY}, {"0.7.11p2", NULL, PY_LEGACY}, {"0.7.11p3", NULL, PY_LEGACY},
        {"0.7.4.svn.r2010", NULL, PY_LEGACY}, {"0.8.1p1", NULL, PY_LEGACY},
        {"0.8.3p1", NULL, PY_LEGACY}, {"0.8.4p1", NULL, PY_LEGACY}, {"0.8.4p2", NULL, PY_LEGACY},
        {"0.8.6p1", NULL, PY_LEGACY}, {"0.8.7p1", NULL, PY_LEGACY}, {"0.9-doduo", NULL, PY_LEGACY},
        {"0.9-eevee", NULL, PY_LEGACY}, {"0.9-fearow", NULL, PY_LEGACY},
        {"0.9-gyarados", NULL, PY_LEGACY}, {"0.9-horsea", NULL, PY_LEGACY},
        {"0.9-ivysaur", NULL, PY_LEGACY}, {"1.0beta6.1", NULL, PY_LEGACY},
        {"1.3.1-STAGING", NULL, PY_LEGACY}, {"2.0.0-final", NULL, PY_LEGACY},
        {"2.0.1rc2-git", NULL, PY_LEGACY}, {"2013-01-21T20:33:09+0100", NULL, PY_LEGACY},
        {"2013-01-23T17:11:52+0100", NULL, PY_LEGACY},
        {"2013-02-01T20:50:46+0100", NULL, PY_LEGACY},
        {"2013-02-02T19:59:03+0100", NULL, PY_LEGACY},
        {"2013-02-02T20:23:17+0100", NULL, PY_LEGACY},
        {"2013-02-08T17:40:57+0000", NULL, PY_LEGACY},
        {"2013-03-27T16:32:26+0100", NULL, PY_LEGACY},
        {"2013-05-09T12:47:53+0200", NULL, PY_LEGACY},
        {"2013-05-10T17:55:56+0200", NULL, PY_LEGACY},
        {"2013-05-14T20:16:05+0200", NULL, PY_LEGACY},
        {"2013-06-01T10:32:51+0200", NULL, PY_LEGACY},
        {"2013-07-19T09:11:08+0000", NULL, PY_LEGACY},
        {"2013-08-12T21:48:56+0200", NULL, PY_LEGACY}, {"2013-09-11T19-27-10", NULL, PY_LEGACY},
        {"2013-12-23T17-51-15", NULL, PY_LEGACY}, {"2014-01-12T15-52-10", NULL, PY_LEGACY},
        {"4.11-final", NULL, PY_LEGACY}, {"5.0-final", NULL, PY_LEGACY}, {"a3", NULL, PY_LEGACY},
        {"trunk", NULL, PY_LEGACY},
#undef PY_LEGACY
    };
    const size_t npy = sizeof py_legacy / sizeof py_legacy[0];
    cg_ver_scheme pep = CG_VER_PEP440;
    int seen[MAX_EX] = {0};
    run_tables("osv-scalibr/pypi-versions.tsv", scheme_cmp, &pep, py_legacy, npy, seen);
    run_tables("osv-scalibr/pypi-versions-generated.tsv", scheme_cmp, &pep, py_legacy, npy, seen);
    for (size_t i = 0; i < npy; i++)
        if (!seen[i])
            fail_msg("pypi: excluded version \"%s\" is in neither table", py_legacy[i].a);
    INVALID(CG_VER_PEP440, "", "v", "1.", "1..0", "1.0+", "1.0+a..b", "1.0-", "1!", "!1", "1.0a1a",
            "1.0 ", " 1.0", "1.0.dev1.post1", "1.0-foo", "1.0+a/b", "a1.0");
    VALID(CG_VER_PEP440, "1", "v1.0", "1!2.0", "1.0-1", "1.0.post", "1.0-r2", "1.0c1",
          "1.0.PREVIEW.2", "1.0_a_1-post_3-dev_4+Ubuntu-1.x_2", "1.0a1.post2.dev3");
    int c = 9;
    assert_int_equal(cg_ver_compare(CG_VER_PEP440, "1.0.dev0", "1.0a0", &c, NULL), CG_OK);
    assert_int_equal(c, -1);
    assert_int_equal(cg_ver_compare(CG_VER_PEP440, "1.0c1", "1.0rc1", &c, NULL), CG_OK);
    assert_int_equal(c, 0);
}

/* ---- Maven --------------------------------------------------------------- */

static void test_version_maven(void **state)
{
    (void)state;
    RUN("maven_comparableversion.tsv", CG_VER_MAVEN);
    static const exclusion scalibr_mvn_ex[] = {
        {"1-1", "1-ga-1", "scalibr says equal; Maven 3.8.7's own ComparableVersion main() "
                          "prints \"1-1 > 1-ga-1\" (tokens [1, [1]] vs [1, [[1]]]), as we do"},
    };
    RUN_EX("osv-scalibr/maven-versions.tsv", CG_VER_MAVEN, scalibr_mvn_ex);
    /* scalibr generated these with a Maven that predates MNG-7644 ('.X' read
     * as '-X'); each pair was re-run through Debian's Maven 3.8.7
     * ComparableVersion, which gives '>' for all of them, as we do */
    static const exclusion scalibr_mvn_gen_ex[] = {
#define MVN_OLD "pre-MNG-7644 order in scalibr; Maven 3.8.7 says '>' (checked)"
        {"1.0.0-RC16", "1.0.0.RC8-beta", MVN_OLD},
        {"1.0.0-gradle-rework-beta3", "1.0.0.RC7-3", MVN_OLD},
        {"2.9.0-1", "2.9.0.RC1", MVN_OLD},
        {"6.1.12.rc5", "6.1.12rc1", MVN_OLD},
        {"1.1.31.sec10", "1.1.31_noneautotype", MVN_OLD},
        {"1.1.34.sec10", "1.1.34_noneautotype", MVN_OLD},
        {"1.1.46.sec10", "1.1.46_noneautotype", MVN_OLD},
        {"1.2.8.sec10_noneautotype", "1.2.8_noneautotype", MVN_OLD},
        {"1.2.31.sec10", "1.2.31_noneautotype", MVN_OLD},
        {"1.2.48.sec10", "1.2.48_noneautotype", MVN_OLD},
        {"1.2.50.sec10", "1.2.50_noneautotype", MVN_OLD},
        {"1.2.54.sec10", "1.2.54_noneautotype", MVN_OLD},
        {"1.2.57.sec10", "1.2.57_noneautotype", MVN_OLD},
        {"1.2.60.sec10", "1.2.60_noneautotype", MVN_OLD},
        {"1.2.67.sec10", "1.2.67_noneautotype", MVN_OLD},
        {"1.0.0rc0", "1.0.beta8", MVN_OLD},
        {"1.5.9.RC1", "1.5.9-RC0", MVN_OLD},
        {"1.1.0-01-glassfish", "1.1.0.Beta1", MVN_OLD},
#undef MVN_OLD
    };
    RUN_EX("osv-scalibr/maven-versions-generated.tsv", CG_VER_MAVEN, scalibr_mvn_gen_ex);
    INVALID(CG_VER_MAVEN, "", "1 0", "1.0\t", "1.0\x7f", "1.\xc3\xa9");
    VALID(CG_VER_MAVEN, "1", "1.0-SNAPSHOT", ".", "-", "1..-.a", "1.0.0.RELEASE", "v3.9.2");
    int c = 9;
    assert_int_equal(cg_ver_compare(CG_VER_MAVEN, "1.0-alpha1", "1.0-a1", &c, NULL), CG_OK);
    assert_int_equal(c, 0);
    assert_int_equal(cg_ver_compare(CG_VER_MAVEN, "1.0.Final", "1", &c, NULL), CG_OK);
    assert_int_equal(c, 0);
}

/* ---- RubyGems ------------------------------------------------------------ */

static void test_version_rubygems(void **state)
{
    (void)state;
    RUN("rubygems.tsv", CG_VER_RUBYGEMS);
    static const exclusion scalibr_gem_ex[] = {
#define GEM_BAD "letters straight after the first number do not match Gem::Version's " \
                "VERSION_PATTERN ([0-9]+(\\.[0-9a-zA-Z]+)*...), so Gem::Version.new raises"
        {"1beta", NULL, GEM_BAD},
        {"1gamma", NULL, GEM_BAD},
#undef GEM_BAD
    };
    RUN_EX("osv-scalibr/rubygems-versions.tsv", CG_VER_RUBYGEMS, scalibr_gem_ex);
    RUN("osv-scalibr/rubygems-versions-generated.tsv", CG_VER_RUBYGEMS);
    INVALID(CG_VER_RUBYGEMS, "", "a", "1beta", ".1", "1.", "1..2", "1-", "1.0-a..b", "1.0_1", " 1", "1 ",
            "1.0+x", "1-a.b-c.");
    VALID(CG_VER_RUBYGEMS, "1", "1.0.a", "1.0-rc1", "1.0-x-y.z", "1.0beta", "1.0.0.0.0.1");
    int c = 9;
    assert_int_equal(cg_ver_compare(CG_VER_RUBYGEMS, "1.0-rc1", "1.0.pre.rc1", &c, NULL), CG_OK);
    assert_int_equal(c, 0);
    assert_int_equal(cg_ver_compare(CG_VER_RUBYGEMS, "1.0.a", "1.0", &c, NULL), CG_OK);
    assert_int_equal(c, -1);
}

/* ---- NuGet --------------------------------------------------------------- */

static void test_version_nuget(void **state)
{
    (void)state;
    RUN("osv-scalibr/nuget-versions.tsv", CG_VER_NUGET);
    INVALID(CG_VER_NUGET, "", "v1.0", "1.", "1..0", "1.0.0.0.0", "1.0-", "1.0-a..b", "1.0+",
            "1.0-a_b", " 1.0", "-1.0", "1.0.0-beta+a+b");
    VALID(CG_VER_NUGET, "1", "1.0.0.0", "1.0.01", "1.0.0-beta.1+sha.abc-d", "1.0-0.A-b");
    int c = 9;
    assert_int_equal(cg_ver_compare(CG_VER_NUGET, "1.0.0-BETA.10", "1.0.0-beta.9", &c, NULL), CG_OK);
    assert_int_equal(c, 1);
    assert_int_equal(cg_ver_compare(CG_VER_NUGET, "1.0.0.1-alpha", "1.0.0", &c, NULL), CG_OK);
    assert_int_equal(c, 1);
}

/* ---- Composer / Packagist ----------------------------------------------- */

static void test_version_composer(void **state)
{
    (void)state;
    static const exclusion scalibr_php_ex[] = {
        {"1.2.3.#", NULL, "canonicalises to \"1.2.3.\"; PHP's version_compare ranks it below "
                          "itself, so it is rejected (scalibr's hand-written rows keep '#')"},
    };
    RUN_EX("osv-scalibr/packagist-versions.tsv", CG_VER_COMPOSER, scalibr_php_ex);
    RUN("osv-scalibr/packagist-versions-generated.tsv", CG_VER_COMPOSER);
    INVALID(CG_VER_COMPOSER, "", "v", "V", "1 0", "1.0\t", "1.\xc3\xa9", "1.0-", "1.2.3.#",
            "1.0.");
    VALID(CG_VER_COMPOSER, "1", "v1.0", "dev-main", "1.0.0-beta2+build.1", "#", "1.#.2");
    int c = 9;
    assert_int_equal(cg_ver_compare(CG_VER_COMPOSER, "1.0-p1", "1.0", &c, NULL), CG_OK);
    assert_int_equal(c, 1);
    assert_int_equal(cg_ver_compare(CG_VER_COMPOSER, "1.0rc1", "1.0-RC-1", &c, NULL), CG_OK);
    assert_int_equal(c, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version_dpkg),
        cmocka_unit_test(test_version_rpm),
        cmocka_unit_test(test_version_apk),
        cmocka_unit_test(test_version_semver),
        cmocka_unit_test(test_version_go),
        cmocka_unit_test(test_version_pep440),
        cmocka_unit_test(test_version_maven),
        cmocka_unit_test(test_version_rubygems),
        cmocka_unit_test(test_version_nuget),
        cmocka_unit_test(test_version_composer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_cvss.c - CVSS scoring against the oracle tables in tests/data/cvss/
 * (every row of every table; see ORIGIN.md there) and strict parsing.
 *
 * Scores are compared as integers x10.  A row counts as passed when it equals
 * the table's value; for v4.0 rows that carry an alt_score (FIRST's floating
 * point rounds an exact x.x5 down, other calculators up) either value passes,
 * and the tally of each kind is printed.
 */
#include <setjmp.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "cgate/cvss.h"
#include "cgate/error.h"

#define MAX_COLS 8

typedef struct tally {
    const char *table;
    long rows, passed, failed, alt; /* alt: passed on the documented alternative */
} tally;

/* "7.5" -> 75; "" -> -1; anything else -> -2. */
static int tenths(const char *s)
{
    if (!*s)
        return -1;
    char *end = NULL;
    double d = strtod(s, &end);
    if (*end || d < 0 || d > 10)
        return -2;
    return (int)(d * 10 + 0.5);
}

static int t10(double d)
{
    return (int)(d * 10 + 0.5);
}

static void fail_row(tally *t, const char *line, const char *fmt, ...)
{
    t->failed++;
    if (t->failed > 10)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    print_message("%s: %s: %s\n", t->table, line, msg);
}

typedef void (*row_fn)(tally *t, char **col, int ncol, const char *line);

/* Call fn for each non-comment row of tests/data/cvss/<name> (plain or gzip). */
static void each_row(const char *name, tally *t, row_fn fn)
{
    const char *dir = getenv("CG_TEST_DATA");
    assert_non_null(dir);
    char path[1024];
    snprintf(path, sizeof path, "%s/cvss/%s", dir, name);
    gzFile f = gzopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    memset(t, 0, sizeof *t);
    t->table = name;
    char line[4096], copy[4096];
    while (gzgets(f, line, sizeof line)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0] || line[0] == '#')
            continue;
        snprintf(copy, sizeof copy, "%s", line);
        char *col[MAX_COLS];
        int n = 0;
        for (char *p = line; n < MAX_COLS;) {
            col[n++] = p;
            char *tab = strchr(p, '\t');
            if (!tab)
                break;
            *tab = '\0';
            p = tab + 1;
        }
        t->rows++;
        fn(t, col, n, copy);
    }
    gzclose(f);
    print_message("%-32s rows %6ld  passed %6ld (%ld on alt_score)  failed %ld\n", name, t->rows, t->passed,
                  t->alt, t->failed);
}

static int parse_ok(tally *t, const char *vector, const char *line, cg_cvss *c)
{
    cg_error e;
    cg_error_clear(&e);
    if (cg_cvss_parse(vector, c, &e) != CG_OK) {
        fail_row(t, line, "parse failed: %s", e.msg);
        return 0;
    }
    return 1;
}

/* vector, base, severity[, temporal, environmental] (v2 and v3.x tables). */
static void row_v23(tally *t, char **col, int ncol, const char *line)
{
    cg_cvss c;
    if (ncol < 3 || !parse_ok(t, col[0], line, &c))
        return;
    int want_b = tenths(col[1]), want_t = ncol >= 6 ? tenths(col[3]) : -1,
        want_e = ncol >= 6 ? tenths(col[4]) : -1;
    int got_t = c.has_temporal ? t10(c.temporal) : -1, got_e = c.has_environmental ? t10(c.environmental) : -1;
    if (t10(c.base) != want_b || got_t != want_t || got_e != want_e)
        return fail_row(t, line, "got base %.1f temporal %d env %d", c.base, got_t, got_e);
    if (strcmp(cg_cvss_severity_for(c.version, c.base), col[2]) != 0)
        return fail_row(t, line, "base severity %s", cg_cvss_severity_for(c.version, c.base));
    int want_score = want_e >= 0 ? want_e : want_t >= 0 ? want_t : want_b;
    if (t10(c.score) != want_score || strcmp(c.severity, cg_cvss_severity_for(c.version, c.score)) != 0)
        return fail_row(t, line, "score %.1f %s", c.score, c.severity);
    t->passed++;
}

/* vector, score, severity, nomenclature, agreement, alt_score (v4.0 tables). */
static void row_v4(tally *t, char **col, int ncol, const char *line)
{
    cg_cvss c;
    if (ncol < 4 || !parse_ok(t, col[0], line, &c))
        return;
    int want = tenths(col[1]), alt = ncol >= 6 ? tenths(col[5]) : -1, got = t10(c.score);
    if (strcmp(c.nomenclature, col[3]) != 0)
        return fail_row(t, line, "nomenclature %s", c.nomenclature);
    if (got != want && !(alt >= 0 && got == alt))
        return fail_row(t, line, "got %.1f", c.score);
    if (strcmp(c.severity, col[2]) != 0 && got == want)
        return fail_row(t, line, "severity %s", c.severity);
    if (strcmp(c.nomenclature, "CVSS-B") == 0 && c.base != c.score)
        return fail_row(t, line, "base %.1f != score for CVSS-B", c.base);
    if (got != want)
        t->alt++;
    t->passed++;
}

static void check_table(const char *name, row_fn fn, long expect_rows)
{
    tally t;
    each_row(name, &t, fn);
    assert_int_equal(t.failed, 0);
    assert_int_equal(t.rows, expect_rows);
    assert_int_equal(t.passed, expect_rows);
}

static void test_v2_exhaustive(void **s) { (void)s; check_table("cvss2_base_exhaustive.tsv", row_v23, 729); }
static void test_v2_random(void **s) { (void)s; check_table("cvss2_random_full.tsv", row_v23, 1500); }
static void test_v30_exhaustive(void **s) { (void)s; check_table("cvss30_base_exhaustive.tsv", row_v23, 2592); }
static void test_v30_random(void **s) { (void)s; check_table("cvss30_random_full.tsv", row_v23, 1489); }
static void test_v31_exhaustive(void **s) { (void)s; check_table("cvss31_base_exhaustive.tsv", row_v23, 2592); }
static void test_v31_random(void **s) { (void)s; check_table("cvss31_random_full.tsv", row_v23, 1521); }
static void test_v40_exhaustive(void **s) { (void)s; check_table("cvss40_base_exhaustive.tsv.gz", row_v4, 104976); }
static void test_v40_random(void **s) { (void)s; check_table("cvss40_random.tsv", row_v4, 1452); }

/* Value "NAME=7.5" for implementation name in a "mine=8.1 ae=8.2 ..." column. */
static int impl_value(const char *values, const char *name)
{
    char key[32];
    snprintf(key, sizeof key, "%s=", name);
    for (const char *p = values; (p = strstr(p, key)) != NULL; p++) {
        if (p != values && p[-1] != ' ')
            continue;
        char v[16];
        size_t n = strcspn(p + strlen(key), " ");
        if (n >= sizeof v)
            return -2;
        memcpy(v, p + strlen(key), n);
        v[n] = '\0';
        return tenths(v);
    }
    return -1;
}

/* vector, metric (base/temporal/environmental/v4score), values, chosen=. */
static void row_disputed(tally *t, char **col, int ncol, const char *line)
{
    cg_cvss c;
    if (ncol < 4 || !parse_ok(t, col[0], line, &c))
        return;
    const char *metric = col[1], *chosen = col[3];
    if (strncmp(chosen, "chosen=", 7) != 0)
        return fail_row(t, line, "unexpected chosen column");
    chosen += 7;
    int want = strcmp(chosen, "FIRST") == 0 ? impl_value(col[2], "FIRST") : tenths(chosen);
    int got;
    if (strcmp(metric, "base") == 0)
        got = t10(c.base);
    else if (strcmp(metric, "temporal") == 0)
        got = c.has_temporal ? t10(c.temporal) : -1;
    else if (strcmp(metric, "environmental") == 0)
        got = c.has_environmental ? t10(c.environmental) : -1;
    else if (strcmp(metric, "v4score") == 0)
        got = t10(c.score);
    else
        return fail_row(t, line, "unknown metric column %s", metric);
    if (want < 0)
        return fail_row(t, line, "no chosen value");
    if (got == want) {
        t->passed++;
        return;
    }
    /* v4.0: the value ae-cvss-calculator and @pandatix/js-cvss agree on. */
    int ae = impl_value(col[2], "ae"), pa = impl_value(col[2], "pandatix");
    if (strcmp(metric, "v4score") == 0 && ae >= 0 && ae == pa && got == ae) {
        t->alt++;
        t->passed++;
        return;
    }
    fail_row(t, line, "got %d, chosen %d", got, want);
}

static void test_disputed(void **s) { (void)s; check_table("disputed_rows.tsv", row_disputed, 2660); }

/* vector, published_base_score, computed_base_score, check, source. */
static long published_mismatch;
static void row_real(tally *t, char **col, int ncol, const char *line)
{
    cg_cvss c;
    if (ncol < 4 || !parse_ok(t, col[0], line, &c))
        return;
    int published = tenths(col[1]), computed = tenths(col[2]), got = t10(c.base);
    if (got != computed)
        return fail_row(t, line, "got %.1f", c.base);
    if ((got == published) != (strcmp(col[3], "match") == 0))
        return fail_row(t, line, "check column disagrees");
    if (got != published) {
        published_mismatch++;
        print_message("published score differs from the formula (known in the table): %s\n", line);
    }
    t->passed++;
}

static void test_real_published(void **s)
{
    (void)s;
    check_table("real_published_scores.tsv", row_real, 103);
    assert_int_equal(published_mismatch, 1);
}

/* Spot checks that do not depend on the tables. */
static void test_known_values(void **s)
{
    (void)s;
    cg_cvss c;
    cg_error e;
    assert_int_equal(cg_cvss_parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", &c, &e), CG_OK);
    assert_int_equal(c.version, CG_CVSS_V31);
    assert_int_equal(t10(c.score), 98);
    assert_string_equal(c.severity, "CRITICAL");
    assert_int_equal(c.attack_vector, 'N');
    assert_false(c.has_temporal);

    assert_int_equal(cg_cvss_parse("(AV:N/AC:L/Au:N/C:C/I:C/A:C)", &c, &e), CG_OK);
    assert_int_equal(c.version, CG_CVSS_V2);
    assert_int_equal(t10(c.base), 100);
    assert_string_equal(c.severity, "HIGH");

    assert_int_equal(cg_cvss_parse("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:U", &c, &e),
                     CG_OK);
    assert_string_equal(c.nomenclature, "CVSS-BT");
    assert_int_equal(t10(c.base), 100);
    assert_true(c.has_temporal);
    assert_int_equal(t10(c.temporal), t10(c.score));
    assert_true(c.score < c.base);

    assert_string_equal(cg_cvss_severity_for(CG_CVSS_V31, 0.0), "NONE");
    assert_string_equal(cg_cvss_severity_for(CG_CVSS_V40, 0.1), "LOW");
    assert_string_equal(cg_cvss_severity_for(CG_CVSS_V31, 3.9), "LOW");
    assert_string_equal(cg_cvss_severity_for(CG_CVSS_V31, 4.0), "MEDIUM");
    assert_string_equal(cg_cvss_severity_for(CG_CVSS_V31, 8.9), "HIGH");
    assert_string_equal(cg_cvss_severity_for(CG_CVSS_V31, 9.0), "CRITICAL");
    assert_string_equal(cg_cvss_severity_for(CG_CVSS_V2, 0.0), "LOW");
    assert_string_equal(cg_cvss_severity_for(CG_CVSS_V2, 6.9), "MEDIUM");
    assert_string_equal(cg_cvss_severity_for(CG_CVSS_V2, 7.0), "HIGH");
    assert_string_equal(cg_cvss_severity_for(CG_CVSS_V31, -1.0), "NONE");
    assert_string_equal(cg_cvss_severity_for(CG_CVSS_V31, 1e300), "CRITICAL");
    assert_string_equal(cg_cvss_severity_for(CG_CVSS_V31, NAN), "NONE");
}

/* v3.x metrics may come in any order (only the order of Table 15 is preferred). */
static void test_v3_any_order(void **s)
{
    (void)s;
    cg_cvss a, b;
    cg_error e;
    assert_int_equal(cg_cvss_parse("CVSS:3.0/AV:L/AC:H/PR:L/UI:R/S:C/C:L/I:H/A:N/MAV:N/E:P", &a, &e), CG_OK);
    assert_int_equal(cg_cvss_parse("CVSS:3.0/E:P/A:N/I:H/C:L/S:C/UI:R/PR:L/AC:H/MAV:N/AV:L", &b, &e), CG_OK);
    assert_int_equal(t10(a.base), t10(b.base));
    assert_int_equal(t10(a.score), t10(b.score));
}

static void test_invalid(void **s)
{
    (void)s;
    static const struct { const char *vector; cg_status st; const char *needle; } bad[] = {
        {"", CG_ERR_INPUT, "empty"},
        {"CVSS:3.1/", CG_ERR_INPUT, "empty metric"},
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", CG_ERR_INPUT, "missing base metric A"},
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/", CG_ERR_INPUT, "trailing '/'"},
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AV:L", CG_ERR_INPUT, "duplicate metric AV"},
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:X", CG_ERR_INPUT, "\"A:X\": A takes one of H L N"},
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/XX:Y", CG_ERR_INPUT, "unknown metric XX"},
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E", CG_ERR_INPUT, "\"E\" is not NAME:VALUE"},
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:", CG_ERR_INPUT, "not NAME:VALUE"},
        {"CVSS:3.1/AV:n/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", CG_ERR_INPUT, "AV takes one of"},
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/Au:N", CG_ERR_INPUT, "unknown metric Au"},
        {"CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", CG_ERR_INPUT, "unsupported version label \"CVSS:3.2\""},
        {"CVSS:2.0/AV:N/AC:L/Au:N/C:C/I:C/A:C", CG_ERR_INPUT, "CVSS:2.0"},
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H ", CG_ERR_INPUT, "byte 0x20"},
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n", CG_ERR_INPUT, "byte 0x0a"},
        {"(CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H)", CG_ERR_INPUT, "only v2"},
        {"(AV:N/AC:L/Au:N/C:C/I:C/A:C", CG_ERR_INPUT, "unbalanced"},
        {"AV:N/AC:L/C:C/Au:N/I:C/A:C", CG_ERR_INPUT, "\"Au:N\": metric Au must come before C"},
        {"AV:N/AC:L/Au:N/C:C/I:C/A:C/E:X", CG_ERR_INPUT, "E takes one of U POC F H ND"},
        {"AV:N/AC:L/Au:N/C:C/I:C/A:C/CDP:H/E:F", CG_ERR_INPUT, "metric E must come before CDP"},
        {"AV:N/AC:L/Au:N/C:C/I:C/A:C/PR:N", CG_ERR_INPUT, "unknown metric PR"},
        {"AV:N/AC:L/Au:N/C:C/I:C", CG_ERR_INPUT, "missing base metric A"},
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/SC:N/VI:H/SI:N/VA:H/SA:N", CG_ERR_INPUT,
         "\"VI:H\": metric VI must come before SC"},
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:S/SA:H", CG_ERR_INPUT, "SI takes one of H L N"},
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H", CG_ERR_INPUT, "missing base metric SA"},
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:H/E:A", CG_ERR_INPUT,
         "metric E must come before CR"},
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/U:red", CG_ERR_INPUT,
         "U takes one of X Clear Green Amber Red"},
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:A/E:A", CG_ERR_INPUT,
         "duplicate metric E"},
        {"CVSS:4.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", CG_ERR_INPUT, "\"S:U\": S takes one of X N P"},
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/C:H", CG_ERR_INPUT, "unknown metric C"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cg_cvss c;
        cg_error e;
        cg_error_clear(&e);
        cg_status st = cg_cvss_parse(bad[i].vector, &c, &e);
        if (st != bad[i].st || !strstr(e.msg, bad[i].needle))
            fail_msg("\"%s\": status %d, message \"%s\", wanted \"%s\"", bad[i].vector, st, e.msg, bad[i].needle);
    }
    /* Too long, and a buffer without NUL. */
    char big[CG_CVSS_MAX_VECTOR + 100];
    memset(big, 'A', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    cg_cvss c;
    cg_error e;
    assert_int_equal(cg_cvss_parse(big, &c, &e), CG_ERR_LIMIT);
    assert_int_equal(cg_cvss_parse(NULL, &c, &e), CG_ERR_INPUT);
    const char v[] = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:Hxxxx";
    assert_int_equal(cg_cvss_parse_n(v, sizeof v - 5, &c, &e), CG_OK);
    assert_int_equal(t10(c.base), 98);
    const char nul[] = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\0";
    assert_int_equal(cg_cvss_parse_n(nul, sizeof nul, &c, &e), CG_ERR_INPUT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_values),   cmocka_unit_test(test_v3_any_order),
        cmocka_unit_test(test_invalid),        cmocka_unit_test(test_v2_exhaustive),
        cmocka_unit_test(test_v2_random),      cmocka_unit_test(test_v30_exhaustive),
        cmocka_unit_test(test_v30_random),     cmocka_unit_test(test_v31_exhaustive),
        cmocka_unit_test(test_v31_random),     cmocka_unit_test(test_v40_exhaustive),
        cmocka_unit_test(test_v40_random),     cmocka_unit_test(test_disputed),
        cmocka_unit_test(test_real_published),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

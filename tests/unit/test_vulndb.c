/*
 * test_vulndb.c - the vulnerability DB on real records (subsets copied into
 * tests/data/vulndb, see its ORIGIN.md): each importer's report counts, what
 * a lookup returns (ranges, events, versions, aliases, severity exactly as in
 * the records), name normalisation, merging, and the bad-input cases.
 */
#include <archive.h>
#include <archive_entry.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>
#include <zlib.h>

#include "cgate/vulndb.h"

static char data[1024], tmp[1024];

static const char *dpath(const char *rel)
{
    static char b[64][1200];
    static int i;
    i = (i + 1) % 64;
    snprintf(b[i], sizeof b[i], "%s/vulndb/%s", data, rel);
    return b[i];
}

static const char *tpath(const char *rel)
{
    static char b[64][1200];
    static int i;
    i = (i + 1) % 64;
    snprintf(b[i], sizeof b[i], "%s/%s", tmp, rel);
    return b[i];
}

static int setup(void **state)
{
    (void)state;
    const char *d = getenv("CG_TEST_DATA"), *t = getenv("CG_TMP");
    snprintf(data, sizeof data, "%s", d ? d : "tests/data");
    snprintf(tmp, sizeof tmp, "%s/vulndb-unit", t ? t : "/tmp");
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", tmp, tmp);
    assert_int_equal(system(cmd), 0);
    return 0;
}

static void write_file(const char *path, const char *s)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(s, f);
    fclose(f);
}

/* import paths into db, expect CG_OK; returns the report */
static cg_vdb_import_report imp(const char *db, cg_arena *a, size_t n, ...)
{
    const char *paths[16];
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++)
        paths[i] = va_arg(ap, const char *);
    va_end(ap);
    cg_vdb_import_report rep;
    cg_error err;
    cg_error_clear(&err);
    cg_vdb_import_opts o = {1700000000, 0, 0};
    cg_status s = cg_vdb_import(db, paths, n, &o, a, &rep, &err);
    if (s != CG_OK)
        fail_msg("import failed: %s", err.msg);
    return rep;
}

static cg_vdb *open_db(const char *db)
{
    cg_vdb *v = NULL;
    cg_error err;
    if (cg_vdb_open(db, &v, &err) != CG_OK)
        fail_msg("open: %s", err.msg);
    return v;
}

static cg_vdb_advisory *find(cg_vdb *v, cg_arena *a, const char *eco, const char *name, const char *id, size_t *n)
{
    cg_vdb_advisory *adv;
    cg_error err;
    assert_int_equal(cg_vdb_lookup(v, eco, name, a, &adv, n, &err), CG_OK);
    for (size_t i = 0; i < *n; i++)
        if (!strcmp(adv[i].id, id))
            return &adv[i];
    fail_msg("%s/%s: %s not found among %zu", eco, name, id, *n);
    return NULL;
}

static void test_import_counts(void **state)
{
    (void)state;
    cg_arena a;
    cg_arena_init(&a);
    /* go: 123 files, 2 withdrawn; pypa: 234 files, 4 withdrawn; rustsec: 120, 1 withdrawn */
    cg_vdb_import_report r = imp(tpath("go.db"), &a, 1, dpath("go"));
    assert_int_equal(r.imported, 121);
    assert_int_equal(r.withdrawn, 2);
    assert_int_equal(r.skipped, 0);
    r = imp(tpath("pypa.db"), &a, 1, dpath("pypa"));
    assert_int_equal(r.imported, 230);
    assert_int_equal(r.withdrawn, 4);
    assert_int_equal(r.skipped, 0);
    r = imp(tpath("rust.db"), &a, 1, dpath("rustsec"));
    assert_int_equal(r.imported, 119);
    assert_int_equal(r.withdrawn, 1);
    assert_int_equal(r.skipped, 0);
    /* GHSA-p6mc-m468-83gw and GHSA-xvch-5gv4-984h are in both GHSA folders */
    r = imp(tpath("ghsa.db"), &a, 2, dpath("ghsa-selected"), dpath("ghsa-node-app"));
    assert_int_equal(r.imported, 57);
    assert_int_equal(r.duplicates_replaced, 2);
    assert_int_equal(r.skipped, 0);
    r = imp(tpath("kev.db"), &a, 1, dpath("kev"));
    assert_int_equal(r.imported, 102);
    assert_int_equal(r.skipped, 0);
    r = imp(tpath("epss.db"), &a, 1, dpath("synthetic/epss_scores-2024-01-01.csv"));
    assert_int_equal(r.imported, 3);
    assert_int_equal(r.skipped, 1);
    assert_non_null(strstr(r.skip_reasons[0], "epss_scores-2024-01-01.csv: line 6: "));
    r = imp(tpath("nvd.db"), &a, 1, dpath("synthetic/nvd-cve-2020-0601.json"));
    assert_int_equal(r.imported, 1); /* the unanalysed CVE carries no vector */
    r = imp(tpath("deb.db"), &a, 2, dpath("debian-osv"), dpath("debian-bookworm"));
    assert_int_equal(r.imported, 30);
    assert_int_equal(r.skipped, 0);
    cg_arena_free(&a);
}

static void test_go_stdlib_and_enrichment(void **state)
{
    (void)state;
    cg_arena a;
    cg_arena_init(&a);
    const char *db = tpath("all.db");
    imp(db, &a, 1, dpath("go"));
    /* KEV, EPSS and NVD arrive in later imports: the derived columns follow */
    imp(db, &a, 3, dpath("kev"), dpath("synthetic/epss_scores-2024-01-01.csv"), dpath("synthetic/nvd-cve-2020-0601.json"));
    cg_vdb *v = open_db(db);
    size_t n;
    cg_vdb_advisory *x = find(v, &a, "Go", "stdlib", "GO-2022-0535", &n);
    assert_true(n > 50);
    assert_int_equal(x->n_aliases, 1);
    assert_string_equal(x->aliases[0], "CVE-2020-0601");
    assert_string_equal(x->modified, "0001-01-01T00:00:00Z");
    assert_int_equal(x->n_affected, 1);
    assert_string_equal(x->affected[0].ecosystem, "Go");
    assert_string_equal(x->affected[0].name, "stdlib");
    assert_int_equal(x->affected[0].n_ranges, 1);
    cg_vdb_range *r = &x->affected[0].ranges[0];
    assert_string_equal(r->type, "SEMVER");
    assert_int_equal(r->n_events, 4);
    assert_string_equal(r->events[0].introduced, "0");
    assert_string_equal(r->events[1].fixed, "1.12.16");
    assert_string_equal(r->events[2].introduced, "1.13.0-0");
    assert_string_equal(r->events[3].fixed, "1.13.7");
    assert_null(r->events[3].introduced);
    assert_int_equal(x->kev, 1);
    assert_string_equal(x->kev_date_added, "2021-11-03");
    assert_true(x->epss > 0.945 && x->epss < 0.9452);
    assert_true(x->epss_percentile > 0.998 && x->epss_percentile < 0.999);
    /* the record has no vector: NVD's, marked as such */
    assert_int_equal(x->n_severity, 2);
    assert_string_equal(x->severity[0].type, "CVSS_V3");
    assert_string_equal(x->severity[0].vector, "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:N");
    assert_string_equal(x->severity[0].source, "nvd");
    assert_string_equal(x->severity[1].type, "CVSS_V2");
    /* nothing for an unknown module; ecosystem case does not matter */
    cg_vdb_advisory *none;
    cg_error err;
    assert_int_equal(cg_vdb_lookup(v, "Go", "example.com/not/there", &a, &none, &n, &err), CG_OK);
    assert_int_equal(n, 0);
    assert_int_equal(cg_vdb_lookup(v, "go", "stdlib", &a, &none, &n, &err), CG_OK);
    assert_true(n > 50);
    /* the results come sorted by id */
    for (size_t i = 1; i < n; i++)
        assert_true(strcmp(none[i - 1].id, none[i].id) < 0);
    /* stats: sources with counts */
    cg_vdb_source_stat *st;
    int64_t newest;
    assert_int_equal(cg_vdb_stats(v, &a, &st, &n, &newest, &err), CG_OK);
    assert_int_equal(newest, 1700000000);
    int seen = 0;
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(st[i].source, "kev")) { assert_int_equal(st[i].records, 102); seen |= 1; }
        if (!strcmp(st[i].source, "epss")) { assert_int_equal(st[i].records, 3); seen |= 2; }
        if (!strcmp(st[i].source, "nvd")) { assert_int_equal(st[i].records, 1); seen |= 4; }
        if (!strcmp(st[i].source, "osv:Go")) { assert_int_equal(st[i].records, 121); seen |= 8; }
    }
    assert_int_equal(seen, 15);
    cg_vdb_close(v);
    cg_arena_free(&a);
}

static void test_pypi_yaml_pep503(void **state)
{
    (void)state;
    cg_arena a;
    cg_arena_init(&a);
    const char *db = tpath("pypa2.db");
    imp(db, &a, 2, dpath("pypa"), dpath("kev"));
    cg_vdb *v = open_db(db);
    size_t n;
    /* PEP 503: "PySpark" and "pyspark" are one project */
    cg_vdb_advisory *x = find(v, &a, "PyPI", "PySpark", "PYSEC-2022-236", &n);
    assert_string_equal(x->modified, "2022-07-25T14:38:46.692270Z");
    assert_int_equal(x->n_aliases, 2);
    assert_string_equal(x->aliases[0], "CVE-2022-33891");
    assert_string_equal(x->aliases[1], "GHSA-4x9r-j582-cgr8");
    assert_int_equal(x->kev, 1);
    cg_vdb_range *r = &x->affected[0].ranges[0];
    assert_string_equal(r->type, "ECOSYSTEM");
    assert_int_equal(r->n_events, 6);
    assert_string_equal(r->events[1].fixed, "3.1.1"); /* YAML plain scalar kept as written */
    assert_string_equal(r->events[4].introduced, "3.1.1");
    assert_string_equal(r->events[5].fixed, "3.1.3");
    assert_int_equal(x->affected[0].n_versions, 29);
    assert_string_equal(x->affected[0].versions[0], "2.1.1");
    assert_string_equal(x->affected[0].versions[28], "3.2.1");
    cg_vdb_advisory *y;
    cg_error err;
    assert_int_equal(cg_vdb_lookup(v, "PyPI", "py_spark", &a, &y, &n, &err), CG_OK);
    assert_int_equal(n, 0);
    assert_int_equal(cg_vdb_lookup(v, "PyPI", "Django", &a, &y, &n, &err), CG_OK);
    assert_true(n > 20);
    cg_vdb_close(v);
    cg_arena_free(&a);
}

static void test_ghsa_npm_maven(void **state)
{
    (void)state;
    cg_arena a;
    cg_arena_init(&a);
    const char *db = tpath("ghsa2.db");
    imp(db, &a, 1, dpath("ghsa-selected"));
    cg_vdb *v = open_db(db);
    size_t n;
    cg_vdb_advisory *x = find(v, &a, "npm", "Lodash", "GHSA-p6mc-m468-83gw", &n);
    assert_int_equal(n, 1);
    assert_string_equal(x->source_severity, "HIGH");
    assert_int_equal(x->n_severity, 1);
    assert_string_equal(x->severity[0].vector, "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H");
    assert_string_equal(x->severity[0].source, "osv");
    assert_int_equal(x->n_affected, 1); /* only the lodash entry, not lodash-es */
    assert_string_equal(x->affected[0].name, "lodash");
    assert_string_equal(x->affected[0].ranges[0].events[1].fixed, "4.17.20");
    assert_int_equal(x->affected[0].n_versions, 0);
    assert_true(x->n_references > 0);
    assert_int_equal(x->kev, 0);
    assert_true(x->epss < 0);
    cg_vdb_advisory *y;
    cg_error err;
    assert_int_equal(cg_vdb_lookup(v, "Maven", "org.apache.commons:commons-text", &a, &y, &n, &err), CG_OK);
    assert_int_equal(n, 1);
    /* Maven names are as-is */
    assert_int_equal(cg_vdb_lookup(v, "Maven", "org.apache.commons:Commons-Text", &a, &y, &n, &err), CG_OK);
    assert_int_equal(n, 0);
    cg_vdb_close(v);
    cg_arena_free(&a);
}

static void check_alpine(cg_vdb *v, cg_arena *a)
{
    size_t n;
    cg_vdb_advisory *x = find(v, a, "Alpine:v3.8", "openssl", "CVE-2019-1547", &n);
    assert_int_equal(x->n_affected, 1);
    assert_string_equal(x->affected[0].ecosystem, "Alpine:v3.8");
    cg_vdb_range *r = &x->affected[0].ranges[0];
    assert_string_equal(r->type, "ECOSYSTEM");
    assert_int_equal(r->n_events, 2);
    assert_string_equal(r->events[0].introduced, "0");
    assert_string_equal(r->events[1].fixed, "1.0.2t-r0");
    /* listed under two versions: both fixed events, the lowest applies */
    x = find(v, a, "Alpine:v3.8", "openssl", "CVE-2017-3738", &n);
    r = &x->affected[0].ranges[0];
    assert_int_equal(r->n_events, 3);
    assert_string_equal(r->events[1].fixed, "1.0.2n-r0");
    assert_string_equal(r->events[2].fixed, "1.0.2o-r0");
    /* "0": never affected, so no record */
    cg_vdb_advisory *y;
    cg_error err;
    assert_int_equal(cg_vdb_lookup(v, "Alpine:v3.8", "db", a, &y, &n, &err), CG_OK);
    assert_int_equal(n, 0);
}

static void test_alpine_json_and_yaml(void **state)
{
    (void)state;
    cg_arena a;
    cg_arena_init(&a);
    cg_vdb_import_report rj = imp(tpath("alp-json.db"), &a, 1, dpath("alpine/json"));
    cg_vdb_import_report ry = imp(tpath("alp-yaml.db"), &a, 1, dpath("alpine/yaml/v3.8-main.yaml"));
    assert_int_equal(rj.skipped, 0);
    assert_true(rj.imported > 500);
    assert_int_equal(rj.imported, ry.imported);
    cg_vdb *v = open_db(tpath("alp-json.db"));
    check_alpine(v, &a);
    cg_vdb_close(v);
    v = open_db(tpath("alp-yaml.db"));
    check_alpine(v, &a);
    cg_vdb_close(v);
    /* vunnel's 3.15 sample (YAML) */
    imp(tpath("alp315.db"), &a, 1, dpath("alpine/yaml/alpine_v3.15_main.yaml"));
    v = open_db(tpath("alp315.db"));
    size_t n;
    cg_vdb_advisory *x = find(v, &a, "Alpine:v3.15", "zlib", "CVE-2022-37434", &n);
    assert_string_equal(x->affected[0].ranges[0].events[1].fixed, "1.2.12-r2");
    cg_vdb_close(v);
    cg_arena_free(&a);
}

static void test_debian_source_names(void **state)
{
    (void)state;
    cg_arena a;
    cg_arena_init(&a);
    imp(tpath("deb2.db"), &a, 1, dpath("debian-bookworm"));
    cg_vdb *v = open_db(tpath("deb2.db"));
    size_t n;
    cg_vdb_advisory *x = find(v, &a, "Debian:12", "perl", "DEBIAN-CVE-2020-10543", &n);
    assert_string_equal(x->affected[0].ranges[0].events[1].fixed, "5.30.3-1");
    cg_vdb_close(v);
    cg_arena_free(&a);
}

static const char rec_fmt[] =
    "{\"id\":\"TEST-1\",\"modified\":\"%s\",\"summary\":\"%s\",%s\"affected\":[{\"package\":"
    "{\"ecosystem\":\"npm\",\"name\":\"left-pad\"},\"ranges\":[{\"type\":\"SEMVER\",\"events\":"
    "[{\"introduced\":\"0\"},{\"fixed\":\"1.0.0\"}]}]}]}";

static void put_rec(const char *path, const char *mod, const char *summary, const char *extra)
{
    char b[2048];
    snprintf(b, sizeof b, rec_fmt, mod, summary, extra);
    write_file(path, b);
}

static const char *summary_of(const char *db, cg_arena *a)
{
    cg_vdb *v = open_db(db);
    cg_vdb_advisory *x;
    size_t n;
    cg_error err;
    assert_int_equal(cg_vdb_lookup(v, "npm", "left-pad", a, &x, &n, &err), CG_OK);
    const char *s = n ? x[0].summary : NULL;
    assert_true(n <= 1);
    cg_vdb_close(v);
    return s;
}

static void test_newest_modified_and_withdrawn(void **state)
{
    (void)state;
    cg_arena a;
    cg_arena_init(&a);
    const char *db = tpath("dup.db");
    put_rec(tpath("r1.json"), "2023-01-01T00:00:00Z", "v2023", "");
    put_rec(tpath("r0.json"), "2022-06-01T00:00:00.5Z", "v2022", "");
    put_rec(tpath("r2.json"), "2024-01-01T00:00:00+01:00", "v2024", "");
    imp(db, &a, 1, tpath("r1.json"));
    cg_vdb_import_report r = imp(db, &a, 1, tpath("r0.json"));
    assert_int_equal(r.duplicates_replaced, 1);
    assert_string_equal(summary_of(db, &a), "v2023"); /* the older one lost */
    imp(db, &a, 1, tpath("r2.json"));
    assert_string_equal(summary_of(db, &a), "v2024");
    /* same import, both orders: the newest wins */
    imp(tpath("dup2.db"), &a, 2, tpath("r2.json"), tpath("r1.json"));
    assert_string_equal(summary_of(tpath("dup2.db"), &a), "v2024");
    put_rec(tpath("w.json"), "2025-01-01T00:00:00Z", "gone", "\"withdrawn\":\"2025-01-01T00:00:00Z\",");
    r = imp(db, &a, 1, tpath("w.json"));
    assert_int_equal(r.withdrawn, 1);
    assert_null(summary_of(db, &a));
    cg_arena_free(&a);
}

static void test_bad_records(void **state)
{
    (void)state;
    cg_arena a;
    cg_arena_init(&a);
    char *dir = (char *)tpath("bad");
    mkdir(dir, 0755);
    write_file(tpath("bad/01-badjson.json"), "{\"id\": \"BAD-1\", \"modified\": ");
    write_file(tpath("bad/02-types.json"),
               "{\"id\":\"BAD-2\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":\"npm\"}");
    write_file(tpath("bad/03-range.json"),
               "{\"id\":\"BAD-3\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[{\"package\":{\"ecosystem\":"
               "\"npm\",\"name\":\"x\"},\"ranges\":[{\"type\":\"WEIRD\",\"events\":[{\"introduced\":\"0\"}]}]}]}");
    /* 100,000 events */
    FILE *f = fopen(tpath("bad/04-events.json"), "w");
    assert_non_null(f);
    fputs("{\"id\":\"BAD-4\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[{\"package\":{\"ecosystem\":\"npm\","
          "\"name\":\"x\"},\"ranges\":[{\"type\":\"SEMVER\",\"events\":[",
          f);
    for (int i = 0; i < 100000; i++)
        fprintf(f, "%s{\"introduced\":\"1.0.%d\"}", i ? "," : "", i);
    fputs("]}]}]}", f);
    fclose(f);
    /* a version of 1 MB */
    f = fopen(tpath("bad/05-bigversion.json"), "w");
    fputs("{\"id\":\"BAD-5\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[{\"package\":{\"ecosystem\":\"npm\","
          "\"name\":\"x\"},\"versions\":[\"",
          f);
    for (int i = 0; i < (1 << 20); i++)
        fputc('1', f);
    fputs("\"]}]}", f);
    fclose(f);
    write_file(tpath("bad/06-event2.json"),
               "{\"id\":\"BAD-6\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[{\"package\":{\"ecosystem\":"
               "\"npm\",\"name\":\"x\"},\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\",\"fixed\":\"1\"}]}]}]}");
    write_file(tpath("bad/07-yaml.yaml"), "id: BAD-7\nmodified: [unclosed\n");
    write_file(tpath("bad/08-alias.yaml"), "a: &x [1, 2]\nb: *x\n");
    write_file(tpath("bad/09-badtime.json"), "{\"id\":\"BAD-9\",\"modified\":\"yesterday\"}");
    /* unknown fields are fine */
    write_file(tpath("bad/10-good.json"),
               "{\"id\":\"GOOD-1\",\"modified\":\"2024-01-01T00:00:00Z\",\"x_future\":{\"a\":[1]},\"affected\":[{\"package\":"
               "{\"ecosystem\":\"npm\",\"name\":\"x\",\"purl\":\"pkg:npm/x\"},\"ranges\":[{\"type\":\"SEMVER\",\"events\":"
               "[{\"introduced\":\"0\"},{\"limit\":\"2\"}],\"repo\":\"r\"}],\"new_field\":1}]}");
    cg_vdb_import_report r = imp(tpath("bad.db"), &a, 1, dir);
    assert_int_equal(r.imported, 1);
    assert_int_equal(r.skipped, 9);
    assert_int_equal(r.n_skip_reasons, 9);
    const char *want[] = {"01-badjson.json: -: invalid JSON", "02-types.json: BAD-2: affected is not an array",
                          "03-range.json: BAD-3: unknown range type \"WEIRD\"", "04-events.json: BAD-4: ",
                          "05-bigversion.json: BAD-5: affected[0].versions[0] is longer than",
                          "06-event2.json: BAD-6: ", "07-yaml.yaml: -: invalid YAML", "08-alias.yaml: -: YAML: aliases",
                          "09-badtime.json: BAD-9: modified \"yesterday\""};
    for (size_t i = 0; i < 9; i++)
        if (!strstr(r.skip_reasons[i], want[i]))
            fail_msg("reason %zu: %s (want %s)", i, r.skip_reasons[i], want[i]);
    assert_non_null(strstr(r.skip_reasons[3], "events has 100000 entries"));
    cg_vdb *v = open_db(tpath("bad.db"));
    cg_vdb_advisory *x;
    size_t n;
    cg_error err;
    assert_int_equal(cg_vdb_lookup(v, "npm", "x", &a, &x, &n, &err), CG_OK);
    assert_int_equal(n, 1);
    assert_string_equal(x[0].id, "GOOD-1");
    assert_string_equal(x[0].affected[0].ranges[0].events[1].limit, "2");
    cg_vdb_close(v);
    cg_arena_free(&a);
}

static void expect_open_error(const char *path, const char *want)
{
    cg_vdb *v = NULL;
    cg_error err;
    cg_error_clear(&err);
    assert_int_equal(cg_vdb_open(path, &v, &err), CG_ERR_INPUT);
    assert_null(v);
    if (!strstr(err.msg, want) || strchr(err.msg, '\n'))
        fail_msg("open %s: \"%s\" (want \"%s\")", path, err.msg, want);
}

static void test_open_refuses(void **state)
{
    (void)state;
    cg_arena a;
    cg_arena_init(&a);
    const char *good = tpath("ok.db");
    imp(good, &a, 1, dpath("rustsec"));
    expect_open_error(tpath("missing.db"), "no vulnerability DB");
    /* truncated: half the file */
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "head -c $(( $(stat -c %%s '%s') / 2 )) '%s' > '%s'", good, good, tpath("trunc.db"));
    assert_int_equal(system(cmd), 0);
    expect_open_error(tpath("trunc.db"), "truncated");
    snprintf(cmd, sizeof cmd, "head -c 600 '%s' > '%s'", good, tpath("trunc2.db"));
    assert_int_equal(system(cmd), 0);
    expect_open_error(tpath("trunc2.db"), "trunc2.db: ");
    write_file(tpath("garbage.db"), "this is not sqlite at all, not even close; padding padding padding padding "
                                    "padding padding padding padding padding padding padding padding padding padding "
                                    "padding padding padding padding padding padding padding padding padding padding "
                                    "padding padding padding padding padding padding padding padding padding padding "
                                    "padding padding padding padding padding padding padding padding padding padding "
                                    "padding padding padding padding padding padding padding padding padding padding "
                                    "padding padding padding padding padding padding padding padding padding padding");
    expect_open_error(tpath("garbage.db"), "not a valid SQLite file (no SQLite header)");
    sqlite3 *s;
    assert_int_equal(sqlite3_open(tpath("foreign.db"), &s), SQLITE_OK);
    assert_int_equal(sqlite3_exec(s, "CREATE TABLE t(x); INSERT INTO t VALUES(1);", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(s);
    expect_open_error(tpath("foreign.db"), "not a cgate vulnerability DB");
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", good, tpath("newer.db"));
    assert_int_equal(system(cmd), 0);
    assert_int_equal(sqlite3_open(tpath("newer.db"), &s), SQLITE_OK);
    assert_int_equal(sqlite3_exec(s, "UPDATE meta SET value='99' WHERE key='schema_version'", NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(s);
    expect_open_error(tpath("newer.db"), "schema version 99 is newer");
    /* SQL of the file's author that would run on read (a recursive view hung
     * every lookup; found by fuzz_vulndb_file): refused at open */
    static const char *const hostile[] = {
        "DROP TABLE affected; CREATE VIEW affected(eco,name,adv,ord,ecosystem,entry) AS WITH RECURSIVE c(x) AS "
        "(SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT 'npm','minimist',1,x,'npm','{}' FROM c;",
        "CREATE TRIGGER t AFTER INSERT ON kev BEGIN DELETE FROM adv; END;",
        "DROP TABLE nvd; CREATE TABLE nvd(cve TEXT PRIMARY KEY, sev TEXT AS (printf('%.*c', 1000000, 'x')));",
    };
    static const char *const want[] = {"view \"affected\" runs SQL on read", "trigger \"t\"",
                                       "computed table \"nvd\""};
    for (size_t i = 0; i < 3; i++) {
        snprintf(cmd, sizeof cmd, "cp '%s' '%s'", good, tpath("hostile.db"));
        assert_int_equal(system(cmd), 0);
        assert_int_equal(sqlite3_open(tpath("hostile.db"), &s), SQLITE_OK);
        assert_int_equal(sqlite3_exec(s, hostile[i], NULL, NULL, NULL), SQLITE_OK);
        sqlite3_close(s);
        expect_open_error(tpath("hostile.db"), want[i]);
    }
    /* import refuses to merge into any of them, and leaves them as they were */
    const char *p = dpath("go");
    cg_vdb_import_report rep;
    cg_error err;
    assert_int_equal(cg_vdb_import(tpath("newer.db"), &p, 1, NULL, &a, &rep, &err), CG_ERR_INPUT);
    assert_non_null(strstr(err.msg, "schema version 99"));
    cg_arena_free(&a);
}

static void make_zip(const char *path, const char *name, const char *content, size_t len)
{
    struct archive *w = archive_write_new();
    archive_write_set_format_zip(w);
    assert_int_equal(archive_write_open_filename(w, path), ARCHIVE_OK);
    const char *names[2] = {"GO-ok.json", name};
    const char *ok = "{\"id\":\"ZIP-1\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[{\"package\":"
                     "{\"ecosystem\":\"Go\",\"name\":\"example.com/z\"}}]}";
    for (int i = 0; i < (name ? 2 : 1); i++) {
        struct archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, names[i]);
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        const char *c = i ? content : ok;
        size_t n = i ? len : strlen(ok);
        archive_entry_set_size(e, (la_int64_t)n);
        assert_int_equal(archive_write_header(w, e), ARCHIVE_OK);
        assert_int_equal(archive_write_data(w, c, n), (la_ssize_t)n);
        archive_entry_free(e);
    }
    archive_write_close(w);
    archive_write_free(w);
}

static void test_zips(void **state)
{
    (void)state;
    cg_arena a;
    cg_arena_init(&a);
    make_zip(tpath("ok.zip"), NULL, NULL, 0);
    cg_vdb_import_report r = imp(tpath("zip.db"), &a, 1, tpath("ok.zip"));
    assert_int_equal(r.imported, 1);
    cg_vdb *v = open_db(tpath("zip.db"));
    cg_vdb_advisory *x;
    size_t n;
    cg_error err;
    assert_int_equal(cg_vdb_lookup(v, "Go", "example.com/z", &a, &x, &n, &err), CG_OK);
    assert_int_equal(n, 1);
    cg_vdb_close(v);

    make_zip(tpath("trav.zip"), "../../etc/evil.json", "{}", 2);
    const char *p = tpath("trav.zip");
    assert_int_equal(cg_vdb_import(tpath("zip.db"), &p, 1, NULL, &a, &r, &err), CG_ERR_INPUT);
    assert_non_null(strstr(err.msg, "path traversal"));
    assert_non_null(strstr(err.msg, "trav.zip"));

    size_t big = 3u << 20;
    char *zeros = calloc(1, big);
    assert_non_null(zeros);
    make_zip(tpath("bomb.zip"), "bomb.json", zeros, big);
    free(zeros);
    p = tpath("bomb.zip");
    cg_vdb_import_opts o = {-1, 1 << 20};
    assert_int_equal(cg_vdb_import(tpath("zip.db"), &p, 1, &o, &a, &r, &err), CG_ERR_LIMIT);
    assert_non_null(strstr(err.msg, "zip bomb"));
    /* the DB is what the first import made */
    v = open_db(tpath("zip.db"));
    assert_int_equal(cg_vdb_lookup(v, "Go", "example.com/z", &a, &x, &n, &err), CG_OK);
    assert_int_equal(n, 1);
    cg_vdb_close(v);
    cg_arena_free(&a);
}

static void test_default_path(void **state)
{
    (void)state;
    cg_arena a;
    cg_arena_init(&a);
    setenv("CGATE_DB", "/x/y.db", 1);
    assert_string_equal(cg_vdb_default_path(&a), "/x/y.db");
    unsetenv("CGATE_DB");
    setenv("XDG_CACHE_HOME", "/c", 1);
    assert_string_equal(cg_vdb_default_path(&a), "/c/cgate/db.sqlite");
    unsetenv("XDG_CACHE_HOME");
    setenv("HOME", "/h", 1);
    assert_string_equal(cg_vdb_default_path(&a), "/h/.cache/cgate/db.sqlite");
    cg_arena_free(&a);
}

/* NVD feeds are streamed element by element: a gzip'd feed of many CVEs
 * whose strings hold braces, brackets, quotes and the key's own name gives
 * exactly its vectors; a feed cut short fails the import. */
static void test_nvd_stream(void **state)
{
    (void)state;
    cg_arena a;
    cg_arena_init(&a);
    const char *gz = tpath("nvdcve-2.0-2099.json.gz");
    gzFile g = gzopen(gz, "wb");
    assert_non_null(g);
    gzprintf(g, "{\"resultsPerPage\":3000,\"note\":\"vulnerabilities [ { \\\"x\\\" } ]\",\"format\":\"NVD_CVE\","
                "\"version\":\"2.0\",\"vulnerabilities\":[");
    const int n = 3000;
    for (int i = 0; i < n; i++) {
        gzprintf(g, "%s{\"cve\":{\"id\":\"CVE-2099-%05d\",\"descriptions\":[{\"lang\":\"en\",\"value\":"
                    "\"a } b ] c { d [ \\\" \\\\ vulnerabilities %d\"}],",
                 i ? ",\n" : "", i, i);
        if (i % 3 == 2) /* unanalysed: no vector */
            gzprintf(g, "\"metrics\":{}}}");
        else
            gzprintf(g, "\"metrics\":{\"cvssMetricV31\":[{\"type\":\"Primary\",\"cvssData\":{\"vectorString\":"
                        "\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:%s\"}}]}}}",
                     i % 2 ? "H" : "N");
    }
    gzprintf(g, "],\"timestamp\":\"2099-01-01T00:00:00.000\"}");
    assert_int_equal(gzclose(g), Z_OK);
    cg_vdb_import_report r = imp(tpath("nvdstream.db"), &a, 1, gz);
    assert_int_equal(r.imported, n - n / 3);
    assert_int_equal(r.skipped, 0);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(tpath("nvdstream.db"), &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT sev FROM nvd WHERE cve = 'CVE-2099-00001'", -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0),
                        "[[\"CVSS_V3\",\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\"]]");
    sqlite3_finalize(st);
    sqlite3_close(db);

    /* cut short: the whole import fails and names the file */
    FILE *f = fopen(gz, "rb");
    assert_non_null(f);
    char buf[1 << 16];
    size_t len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    const char *cut = tpath("nvdcve-2.0-cut.json.gz");
    f = fopen(cut, "wb");
    assert_non_null(f);
    fwrite(buf, 1, len / 2, f);
    fclose(f);
    const char *paths[1] = {cut};
    cg_vdb_import_report rep;
    cg_error err;
    cg_error_clear(&err);
    cg_vdb_import_opts o = {1700000000, 0, 0};
    assert_int_equal(cg_vdb_import(tpath("nvdcut.db"), paths, 1, &o, &a, &rep, &err), CG_ERR_INPUT);
    assert_non_null(strstr(err.msg, "nvdcve-2.0-cut.json.gz"));
    struct stat sb;
    assert_int_not_equal(stat(tpath("nvdcut.db"), &sb), 0);
    cg_arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_import_counts),
        cmocka_unit_test(test_go_stdlib_and_enrichment),
        cmocka_unit_test(test_pypi_yaml_pep503),
        cmocka_unit_test(test_ghsa_npm_maven),
        cmocka_unit_test(test_alpine_json_and_yaml),
        cmocka_unit_test(test_debian_source_names),
        cmocka_unit_test(test_newest_modified_and_withdrawn),
        cmocka_unit_test(test_bad_records),
        cmocka_unit_test(test_open_refuses),
        cmocka_unit_test(test_zips),
        cmocka_unit_test(test_default_path),
        cmocka_unit_test(test_nvd_stream),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}

/*
 * test_vdb_digest.c - the vulnerability DB's change-detection API that
 * `cgate serve` re-matches by: cg_vdb_lookup_key normalises like a lookup
 * (PEP 503 for PyPI, lower case for npm, ecosystems lower-cased), and
 * cg_vdb_each_digest gives one stable hash per advisory id that changes when
 * a record's ranges change and not when the same record is imported again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cgate/vulndb.h"

static char tmp[1024];

static int setup(void **state)
{
    (void)state;
    const char *t = getenv("CG_TMP");
    snprintf(tmp, sizeof tmp, "%s/vdb-digest-unit", t ? t : "/tmp");
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", tmp, tmp);
    assert_int_equal(system(cmd), 0);
    return 0;
}

static void write_rec(const char *name, const char *fixed, const char *modified)
{
    char p[1200];
    snprintf(p, sizeof p, "%s/%s.json", tmp, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fprintf(f,
            "{\"schema_version\":\"1.6.0\",\"id\":\"%s\",\"modified\":\"%s\",\"affected\":["
            "{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"Foo_Bar\"},\"ranges\":[{\"type\":\"ECOSYSTEM\","
            "\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"%s\"}]}]},"
            "{\"package\":{\"ecosystem\":\"npm\",\"name\":\"Left-Pad\"},\"versions\":[\"1.0.0\"]}]}",
            name, modified, fixed);
    fclose(f);
}

typedef struct seen {
    char id[64], hash[80], keys[4][64];
    size_t n_keys;
    int n;
} seen;

static cg_status collect(void *ud, const char *id, const char *hash, const char *const *keys, size_t n)
{
    seen *s = ud;
    s->n++;
    snprintf(s->id, sizeof s->id, "%s", id);
    snprintf(s->hash, sizeof s->hash, "%s", hash);
    s->n_keys = n;
    for (size_t i = 0; i < n && i < 4; i++)
        snprintf(s->keys[i], sizeof s->keys[i], "%s", keys[i]);
    return CG_OK;
}

static seen import_and_walk(const char *rec)
{
    char db[1200], in[1200];
    snprintf(db, sizeof db, "%s/db.sqlite", tmp);
    snprintf(in, sizeof in, "%s/%s.json", tmp, rec);
    const char *paths[] = {in};
    cg_vdb_import_opts o = {1700000000, 0};
    cg_vdb_import_report rep;
    cg_arena a;
    cg_arena_init(&a);
    cg_error err;
    cg_error_clear(&err);
    assert_int_equal(cg_vdb_import(db, paths, 1, &o, &a, &rep, &err), CG_OK);
    cg_vdb *v = NULL;
    assert_int_equal(cg_vdb_open(db, &v, &err), CG_OK);
    seen s;
    memset(&s, 0, sizeof s);
    assert_int_equal(cg_vdb_each_digest(v, collect, &s, &err), CG_OK);
    cg_vdb_close(v);
    cg_arena_free(&a);
    return s;
}

static void test_lookup_key(void **state)
{
    (void)state;
    cg_arena a;
    cg_arena_init(&a);
    assert_string_equal(cg_vdb_lookup_key(&a, "PyPI", "Foo_Bar.baz"), "pypi\tfoo-bar-baz");
    assert_string_equal(cg_vdb_lookup_key(&a, "npm", "Left-Pad"), "npm\tleft-pad");
    assert_string_equal(cg_vdb_lookup_key(&a, "Debian:12", "Apt"), "debian:12\tApt");
    assert_null(cg_vdb_lookup_key(&a, NULL, "x"));
    cg_arena_free(&a);
}

static void test_digest_changes_with_content(void **state)
{
    (void)state;
    write_rec("GHSA-test-0001", "2.0", "2024-01-01T00:00:00Z");
    seen a = import_and_walk("GHSA-test-0001");
    assert_int_equal(a.n, 1);
    assert_string_equal(a.id, "GHSA-test-0001");
    assert_int_equal(strncmp(a.hash, "sha256:", 7), 0);
    assert_int_equal(a.n_keys, 2);
    /* the keys are the ones a lookup of each package computes */
    assert_string_equal(a.keys[0], "npm\tleft-pad");
    assert_string_equal(a.keys[1], "pypi\tfoo-bar");
    seen b = import_and_walk("GHSA-test-0001"); /* the same record again */
    assert_string_equal(a.hash, b.hash);
    write_rec("GHSA-test-0001", "2.1", "2024-02-01T00:00:00Z"); /* the fix moved */
    seen c = import_and_walk("GHSA-test-0001");
    assert_int_equal(c.n, 1);
    assert_string_not_equal(a.hash, c.hash);
}

static cg_status stop_at_first(void *ud, const char *id, const char *hash, const char *const *keys, size_t n)
{
    (void)ud, (void)id, (void)hash, (void)keys, (void)n;
    return CG_ERR_INTERNAL;
}

static void test_callback_stops_walk(void **state)
{
    (void)state;
    char db[1200];
    snprintf(db, sizeof db, "%s/db.sqlite", tmp);
    cg_vdb *v = NULL;
    cg_error err;
    cg_error_clear(&err);
    assert_int_equal(cg_vdb_open(db, &v, &err), CG_OK);
    assert_int_equal(cg_vdb_each_digest(v, stop_at_first, NULL, &err), CG_ERR_INTERNAL);
    cg_vdb_close(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookup_key),
        cmocka_unit_test(test_digest_changes_with_content),
        cmocka_unit_test(test_callback_stops_walk),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}

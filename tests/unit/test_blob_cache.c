/*
 * test_blob_cache.c - the blob-location cache (src/registry/blob_cache.c):
 * lookups newest first and never the repository being pushed to, entries
 * merged across runs, the bound on entries, bad and torn lines skipped, and
 * eight processes committing at once leave a whole file holding every entry.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "registry/blob_cache.h"

static char dir[1024], path[1100];

static void digest_of(unsigned i, char out[80])
{
    snprintf(out, 80, "sha256:%064x", i);
}

static int setup(void **state)
{
    (void)state;
    const char *tmp = getenv("CG_TMP");
    snprintf(dir, sizeof dir, "%s/blob_cache.%ld", tmp ? tmp : "/tmp", (long)getpid());
    mkdir(tmp ? tmp : "/tmp", 0755);
    mkdir(dir, 0755);
    snprintf(path, sizeof path, "%s/sub/blob-locations", dir);
    unlink(path);
    return 0;
}

static size_t lines(void)
{
    FILE *f = fopen(path, "r");
    size_t n = 0;
    int c;
    while (f && (c = fgetc(f)) != EOF)
        n += c == '\n';
    if (f)
        fclose(f);
    return n;
}

static void test_note_commit_lookup(void **state)
{
    (void)state;
    char d1[80], d2[80];
    digest_of(1, d1);
    digest_of(2, d2);
    bc_cache *c = bc_open(path);
    assert_non_null(c);
    assert_null(bc_lookup(c, "127.0.0.1:5000", d1, NULL));
    bc_note(c, "127.0.0.1:5000", "a/app", d1);
    bc_note(c, "127.0.0.1:5000", "b/app", d1);
    bc_note(c, "127.0.0.1:5000", "a/app", d2);
    bc_note(c, "127.0.0.1:5000", "bad repo", d2); /* a space: refused */
    bc_note(c, "127.0.0.1:5000", "x/app", "sha256:nothex");
    assert_string_equal(bc_lookup(c, "127.0.0.1:5000", d1, NULL), "b/app");
    assert_string_equal(bc_lookup(c, "127.0.0.1:5000", d1, "b/app"), "a/app");
    assert_null(bc_lookup(c, "127.0.0.1:5000", d2, "a/app"));
    assert_null(bc_lookup(c, "other:5000", d1, NULL));
    assert_int_equal(bc_commit(c), 0);
    bc_close(c);
    assert_int_equal(lines(), 3);

    /* a second run sees them; noting one again moves it to the newest */
    c = bc_open(path);
    assert_string_equal(bc_lookup(c, "127.0.0.1:5000", d1, NULL), "b/app");
    bc_note(c, "127.0.0.1:5000", "a/app", d1);
    assert_int_equal(bc_commit(c), 0);
    bc_close(c);
    assert_int_equal(lines(), 3);
    c = bc_open(path);
    assert_string_equal(bc_lookup(c, "127.0.0.1:5000", d1, NULL), "a/app");
    bc_close(c);
}

static void test_bounded_and_bad_lines(void **state)
{
    (void)state;
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "garbage line\nsha256:%064x reg\n\x01\x02 x y\n", 7u);
    char d[80];
    digest_of(9, d);
    fprintf(f, "%s reg repo/ok\n%s reg torn", d, d);
    fclose(f);
    bc_cache *c = bc_open(path);
    assert_string_equal(bc_lookup(c, "reg", d, NULL), "repo/ok");
    for (unsigned i = 0; i < BC_MAX_ENTRIES + 100; i++) {
        char di[80];
        digest_of(1000 + i, di);
        bc_note(c, "reg", "r/x", di);
    }
    assert_int_equal(bc_commit(c), 0);
    bc_close(c);
    assert_int_equal(lines(), BC_MAX_ENTRIES);
    c = bc_open(path);
    char newest[80];
    digest_of(1000 + BC_MAX_ENTRIES - 1, newest);
    assert_string_equal(bc_lookup(c, "reg", newest, NULL), "r/x");
    assert_null(bc_lookup(c, "reg", d, NULL)); /* the oldest fell out */
    bc_close(c);
}

static void test_concurrent_commits(void **state)
{
    (void)state;
    unlink(path);
    enum { KIDS = 8, EACH = 200 };
    pid_t pids[KIDS];
    for (int k = 0; k < KIDS; k++) {
        pids[k] = fork();
        assert_true(pids[k] >= 0);
        if (pids[k] == 0) {
            for (int round = 0; round < 4; round++) {
                bc_cache *c = bc_open(path);
                for (unsigned i = 0; i < EACH / 4; i++) {
                    char d[80], repo[32];
                    digest_of((unsigned)(k * EACH) + (unsigned)round * (EACH / 4) + i, d);
                    snprintf(repo, sizeof repo, "kid/%d", k);
                    bc_note(c, "reg", repo, d);
                }
                int rc = bc_commit(c);
                bc_close(c);
                if (rc)
                    _exit(1);
            }
            _exit(0);
        }
    }
    for (int k = 0; k < KIDS; k++) {
        int st = 0;
        assert_int_equal(waitpid(pids[k], &st, 0), pids[k]);
        assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    assert_int_equal(lines(), KIDS * EACH); /* nothing lost, nothing torn */
    bc_cache *c = bc_open(path);
    for (int k = 0; k < KIDS; k++) {
        char d[80], repo[32];
        digest_of((unsigned)(k * EACH + EACH - 1), d);
        snprintf(repo, sizeof repo, "kid/%d", k);
        assert_string_equal(bc_lookup(c, "reg", d, NULL), repo);
    }
    bc_close(c);
}

static void test_disabled(void **state)
{
    (void)state;
    setenv("CGATE_BLOB_CACHE", "off", 1);
    assert_null(bc_open(NULL));
    assert_null(bc_lookup(NULL, "r", "sha256:x", NULL));
    assert_int_equal(bc_commit(NULL), 0);
    unsetenv("CGATE_BLOB_CACHE");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_note_commit_lookup, setup),
        cmocka_unit_test_setup(test_bounded_and_bad_lines, setup),
        cmocka_unit_test_setup(test_concurrent_commits, setup),
        cmocka_unit_test(test_disabled),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

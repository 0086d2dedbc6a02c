/*
 * test_shared_helpers.c - the helpers two callers share so they cannot drift:
 * the policy-input walk (cg_pipeline_walk_inputs: `cgate policy` and `cgate
 * run` hash the same files in the same order) and the plain-HTTP rule of the
 * one JSON POST (core/http.c: report-to, webhooks, db update).  No network:
 * a refused URL is refused before anything is sent.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <cmocka.h>

#include "cgate/buf.h"
#include "cgate/pipeline.h"
#include "core/http.h"

typedef struct seen {
    char list[4096];
    size_t n;
    int stop_at; /* fail on this file (1-based), 0 = never */
} seen;

static cg_status record(void *ud, const char *path, const cg_buf *data, cg_error *err)
{
    seen *s = ud;
    const char *base = strstr(path, "/w/");
    size_t used = strlen(s->list);
    snprintf(s->list + used, sizeof s->list - used, "%s=%.*s;", base ? base + 3 : path, (int)data->len,
             data->data ? data->data : "");
    if ((int)++s->n == s->stop_at)
        return cg_error_set(err, CG_ERR_INPUT, "%s: stop here", path);
    return CG_OK;
}

static void put(const char *root, const char *rel, const char *text)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/%s", root, rel);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void sub(const char *root, const char *rel)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/%s", root, rel);
    assert_int_equal(mkdir(p, 0755), 0);
}

static void test_walk_order_and_skips(void **state)
{
    (void)state;
    char tmpl[] = "/tmp/cg-walk-XXXXXX", root[1024];
    assert_non_null(mkdtemp(tmpl));
    snprintf(root, sizeof root, "%s/w", tmpl);
    assert_int_equal(mkdir(root, 0755), 0);
    sub(root, "b");
    sub(root, ".git");
    put(root, "z.yaml", "z");
    put(root, "a.yaml", "a");
    put(root, "B.yaml", "B"); /* bytewise: upper case first */
    put(root, ".hidden.yaml", "h");
    put(root, ".git/config", "g");
    put(root, "b/inner.yaml", "i");
    char fifo[1100];
    snprintf(fifo, sizeof fifo, "%s/b/pipe", root);
    assert_int_equal(mkfifo(fifo, 0600), 0); /* below the top: skipped, never opened */

    seen s = {"", 0, 0};
    cg_error e;
    cg_error_clear(&e);
    assert_int_equal(cg_pipeline_walk_inputs(root, record, &s, &e), CG_OK);
    assert_string_equal(s.list, "B.yaml=B;a.yaml=a;b/inner.yaml=i;z.yaml=z;");

    /* a file names itself; a callback's error stops the walk and is returned */
    char file[1100];
    snprintf(file, sizeof file, "%s/a.yaml", root);
    seen one = {"", 0, 0};
    assert_int_equal(cg_pipeline_walk_inputs(file, record, &one, &e), CG_OK);
    assert_string_equal(one.list, "a.yaml=a;");
    seen stop = {"", 0, 2};
    assert_int_equal(cg_pipeline_walk_inputs(root, record, &stop, &e), CG_ERR_INPUT);
    assert_int_equal(stop.n, 2);
    assert_non_null(strstr(e.msg, "stop here"));

    /* what the user named must be a file or a folder that exists */
    assert_int_equal(cg_pipeline_walk_inputs(fifo, record, &s, &e), CG_ERR_INPUT);
    assert_non_null(strstr(e.msg, "not a regular file or folder"));
    snprintf(file, sizeof file, "%s/missing", root);
    assert_int_equal(cg_pipeline_walk_inputs(file, record, &s, &e), CG_ERR_IO);
    assert_non_null(strstr(e.msg, "missing: cannot open"));

    /* 17 levels below the top are refused */
    char deep[2048];
    snprintf(deep, sizeof deep, "%s/d", tmpl);
    assert_int_equal(mkdir(deep, 0755), 0);
    for (int i = 0; i < 18; i++) {
        size_t n = strlen(deep);
        snprintf(deep + n, sizeof deep - n, "/%d", i);
        assert_int_equal(mkdir(deep, 0755), 0);
    }
    snprintf(deep, sizeof deep, "%s/d", tmpl);
    assert_int_equal(cg_pipeline_walk_inputs(deep, record, &s, &e), CG_ERR_LIMIT);
    assert_non_null(strstr(e.msg, "folders nested deeper than 16"));

    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpl);
    assert_int_equal(system(cmd), 0);
}

static void test_url_rule(void **state)
{
    (void)state;
    static const struct {
        const char *url;
        int ok;
    } cases[] = {
        {"https://hooks.example.internal/cgate", 1},
        {"HTTPS://serve.internal:8780", 1},
        {"http://127.0.0.1:8780", 1},
        {"http://127.9.8.7/x", 1},
        {"http://localhost/x", 1},
        {"http://[::1]:8780/", 1},
        {"http://192.0.2.1/hook", 0},
        {"http://127.0.0.1.nip.test/", 0}, /* a name that merely starts like loopback */
        {"http://[::2]/", 0},
        {"ftp://127.0.0.1/x", 0},
        {"file:///etc/passwd", 0},
        {"not a url", 0},
        {"", 0},
        {NULL, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (cg_http_url_allowed(cases[i].url) != cases[i].ok)
            fail_msg("%s: allowed %d, want %d", cases[i].url ? cases[i].url : "(null)", !cases[i].ok, cases[i].ok);
    assert_true(cg_loopback_host("localhost:5000"));
    assert_false(cg_loopback_host("10.0.0.1:5000"));

    /* refused before anything is sent, in the caller's words */
    cg_http_post p = {.url = "http://192.0.2.1:8780/v1/images", .body = "{}", .len = 2, .timeout_s = 1,
                      .what = "--report-to X"};
    long code = -1;
    cg_error e;
    cg_error_clear(&e);
    assert_int_equal(cg_http_post_json(&p, &code, &e), CG_ERR_USAGE);
    assert_int_equal(code, 0);
    assert_string_equal(e.msg, "--report-to X: " CG_HTTP_URL_RULE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_walk_order_and_skips),
        cmocka_unit_test(test_url_rule),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_stream.c - the pieces that keep memory flat at scale (issue 17 item
 * 3): the JSON structure walker (core/jsplit), SBOM, report and decision
 * writers streamed to a sink giving the same bytes as the buffered ones,
 * and the piecewise readers (SBOM, policy report) giving the same records
 * and the same errors as the whole-tree readers, also on the shapes that
 * make them fall back (escaped keys, bad elements, duplicates).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cat_test.h"
#include "cgate/policy.h"
#include "cgate/sbom.h"
#include "core/jsplit.h"
#include "core/jwrite.h"

static cg_jsplit js(const char *s)
{
    return (cg_jsplit){(const uint8_t *)s, strlen(s)};
}

static void test_value_end(void **state)
{
    (void)state;
    cg_jsplit j = js("  \"a\\\"]}\" ,");
    assert_int_equal(cg_jsplit_value_end(&j, 0), 9);
    j = js("[1, {\"x\": \"]\"}, [2]] tail");
    assert_int_equal(cg_jsplit_value_end(&j, 0), 20);
    j = js("-12.5e3,");
    assert_int_equal(cg_jsplit_value_end(&j, 0), 7);
    j = js("[1, 2");
    assert_int_equal(cg_jsplit_value_end(&j, 0), 0); /* unterminated */
    j = js("\"open");
    assert_int_equal(cg_jsplit_value_end(&j, 0), 0);
    char deep[200];
    memset(deep, '[', 100);
    memset(deep + 100, ']', 99);
    deep[199] = 0;
    j = js(deep);
    assert_int_equal(cg_jsplit_value_end(&j, 0), 0); /* deeper than CG_JSPLIT_MAX_DEPTH */
}

static void test_next(void **state)
{
    (void)state;
    const char *t = "{\"a\": [1, 2], \"b\" : {\"c\": 3} , \"d\": \"x\"}";
    cg_jsplit j = js(t);
    size_t pos = 0;
    int first = 1, n = 0;
    cg_jrange r;
    const char *keys[] = {"a", "b", "d"};
    while (cg_jsplit_next(&j, &pos, &first, 1, &r) == 1) {
        assert_true(n < 3);
        assert_int_equal(r.key_len, 1);
        assert_memory_equal(t + r.key, keys[n], 1);
        n++;
    }
    assert_int_equal(n, 3);
    assert_int_equal(pos, strlen(t));
    /* lazy: containers are not scanned, the caller steps in */
    pos = 0;
    first = 1;
    assert_int_equal(cg_jsplit_next_lazy(&j, &pos, &first, 1, &r), 1);
    assert_int_equal(r.val_end, 0);
    assert_int_equal(pos, r.val);
    int af = 1, k = 0;
    cg_jrange e;
    while (cg_jsplit_next(&j, &pos, &af, 0, &e) == 1)
        k++;
    assert_int_equal(k, 2);
    assert_int_equal(t[pos], ',');
    /* structural errors */
    const char *bad[] = {"[1 2]", "[1,]", "{\"a\" 1}", "{a: 1}", "[,1]"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        j = js(bad[i]);
        pos = 0;
        first = 1;
        int rr;
        while ((rr = cg_jsplit_next(&j, &pos, &first, bad[i][0] == '{', &r)) == 1)
            ;
        assert_int_equal(rr, -1);
    }
}

/* A sink collecting into a buffer, counting its calls. */
typedef struct coll {
    cg_buf b;
    size_t calls;
} coll;

static cg_status collect(void *ud, const void *data, size_t len, cg_error *err)
{
    (void)err;
    coll *c = ud;
    c->calls++;
    return cg_buf_append(&c->b, data, len);
}

static void test_jw_sink(void **state)
{
    (void)state;
    cg_buf a = CG_BUF_INIT, win = CG_BUF_INIT;
    coll c = {CG_BUF_INIT, 0};
    cg_jw w1, w2;
    cg_error err;
    cg_jw_init(&w1, &a);
    cg_jw_init_sink(&w2, &win, collect, &c, &err);
    cg_jw *ws[2] = {&w1, &w2};
    for (int k = 0; k < 2; k++) {
        cg_jw *w = ws[k];
        cg_jw_open(w, "[");
        for (int i = 0; i < 20000; i++) {
            cg_jw_elem(w);
            cg_jw_open(w, "{");
            cg_jw_kint(w, "i", i);
            cg_jw_kstr(w, "s", "a string \"quoted\"");
            cg_jw_close(w, "}");
        }
        cg_jw_close(w, "]");
        cg_jw_flush(w);
        assert_int_equal(w->st, CG_OK);
    }
    assert_true(c.calls > 5);             /* it streamed */
    assert_true(win.cap < 2 * CG_JW_CHUNK + 4096); /* through a small window */
    assert_int_equal(c.b.len, a.len);
    assert_memory_equal(c.b.data, a.data, a.len);
    cg_buf_free(&a);
    cg_buf_free(&win);
    cg_buf_free(&c.b);
}

static void test_sbom_stream_same_bytes(void **state)
{
    (void)state;
    static const char *const fixtures[] = {"sbom-read/npm-cyclonedx.json.golden", "sbom-read/conda-spdx.json.golden"};
    for (size_t f = 0; f < sizeof fixtures / sizeof fixtures[0]; f++) {
        blob b = cat_load("", fixtures[f]);
        if (!b.data)
            continue;
        cg_sbom *s = NULL;
        cg_error err;
        assert_int_equal(cg_sbom_read(b.data, b.len, fixtures[f], &s, &err), CG_OK);
        free(b.data);
        for (int fmt = CG_SBOM_CYCLONEDX_JSON; fmt <= CG_SBOM_TABLE; fmt++) {
            cg_buf whole = CG_BUF_INIT;
            coll c = {CG_BUF_INIT, 0};
            assert_int_equal(cg_sbom_write(s, (cg_sbom_format)fmt, &whole, &err), CG_OK);
            assert_int_equal(cg_sbom_write_stream(s, (cg_sbom_format)fmt, collect, &c, &err), CG_OK);
            assert_int_equal(c.b.len, whole.len);
            assert_memory_equal(c.b.data, whole.data, whole.len);
            cg_buf_free(&whole);
            cg_buf_free(&c.b);
        }
        cg_sbom_free(s);
    }
}

/* The piecewise SBOM reader against the whole-tree one: the same records
 * (compared through the writer) for cgate's own output and for a copy whose
 * "components" key is escaped (which only the whole-tree reader takes). */
static void test_sbom_read_pieces(void **state)
{
    (void)state;
    blob b = cat_load("", "sbom-read/npm-cyclonedx.json.golden");
    if (!b.data)
        skip();
    cg_sbom *s = NULL;
    cg_error err;
    assert_int_equal(cg_sbom_read(b.data, b.len, "in", &s, &err), CG_OK);
    free(b.data);
    cg_buf own = CG_BUF_INIT;
    assert_int_equal(cg_sbom_write(s, CG_SBOM_CYCLONEDX_JSON, &own, &err), CG_OK);
    cg_sbom_free(s);
    /* own text -> records -> text: identical (the piecewise path) */
    cg_sbom *s2 = NULL;
    assert_int_equal(cg_sbom_read((const uint8_t *)own.data, own.len, "own", &s2, &err), CG_OK);
    cg_buf again = CG_BUF_INIT;
    assert_int_equal(cg_sbom_write(s2, CG_SBOM_CYCLONEDX_JSON, &again, &err), CG_OK);
    cg_sbom_free(s2);
    /* the same with the key escaped: the whole-tree path, same records */
    char *esc = strstr(own.data, "\"components\": [\n    {");
    assert_non_null(esc);
    cg_buf alt = CG_BUF_INIT;
    assert_int_equal(cg_buf_append(&alt, own.data, (size_t)(esc - own.data)), CG_OK);
    assert_int_equal(cg_buf_puts(&alt, "\"comp\\u006fnents\""), CG_OK);
    assert_int_equal(cg_buf_puts(&alt, esc + strlen("\"components\"")), CG_OK);
    cg_sbom *s3 = NULL;
    assert_int_equal(cg_sbom_read((const uint8_t *)alt.data, alt.len, "alt", &s3, &err), CG_OK);
    cg_buf third = CG_BUF_INIT;
    assert_int_equal(cg_sbom_write(s3, CG_SBOM_CYCLONEDX_JSON, &third, &err), CG_OK);
    cg_sbom_free(s3);
    assert_int_equal(again.len, third.len);
    assert_memory_equal(again.data, third.data, third.len);
    /* a broken component: the whole-tree reader's error, with its line */
    char *brace = strstr(alt.data, "\"bom-ref\"");
    assert_non_null(brace);
    brace[0] = '{';
    cg_sbom *s4 = NULL;
    assert_int_not_equal(cg_sbom_read((const uint8_t *)alt.data, alt.len, "broken", &s4, &err), CG_OK);
    assert_non_null(strstr(err.msg, "broken: invalid JSON at line"));
    cg_buf_free(&own);
    cg_buf_free(&again);
    cg_buf_free(&alt);
    cg_buf_free(&third);
}

static const char *report_text =
    "{\"SchemaVersion\": 2, \"ArtifactName\": \"x\",\n"
    " \"Results\": [{\"Target\": \"t1\", \"Class\": \"os-pkgs\",\n"
    "   \"Vulnerabilities\": [\n"
    "    {\"VulnerabilityID\": \"CVE-1\", \"PkgName\": \"a\", \"InstalledVersion\": \"1\", \"Severity\": \"HIGH\"},\n"
    "    {\"VulnerabilityID\": \"CVE-2\", \"PkgName\": \"a\", \"InstalledVersion\": \"1\", \"Severity\": \"LOW\"}],\n"
    "   \"Misconfigurations\": [{\"ID\": \"M1\", \"Status\": \"PASS\"}, {\"ID\": \"M2\", \"Status\": \"FAIL\", "
    "\"Severity\": \"MEDIUM\"}]},\n"
    "  {\"Target\": \"t2\", \"Vulnerabilities\": null, \"Secrets\": [{\"RuleID\": \"S1\", \"Severity\": \"CRITICAL\"}]}]}\n";

static void read_report(const char *text, cg_preport *out, cg_arena *a, cg_status want, cg_error *err)
{
    assert_int_equal(cg_preport_read((const uint8_t *)text, strlen(text), "r.json", a, out, err), want);
}

static void test_report_pieces(void **state)
{
    (void)state;
    cg_arena a;
    cg_arena_init(&a);
    cg_preport r;
    cg_error err;
    read_report(report_text, &r, &a, CG_OK, &err);
    assert_int_equal(r.n_findings, 4);
    assert_string_equal(r.findings[0].id, "CVE-1");
    assert_string_equal(r.findings[1].target, "t1");
    assert_string_equal(r.findings[2].id, "M2");
    assert_string_equal(r.findings[3].id, "S1");
    assert_string_equal(r.findings[3].target, "t2");
    assert_string_equal(r.artifact_name, "x");
    /* an escaped key: the whole-tree path, the same findings */
    cg_buf b = CG_BUF_INIT;
    const char *p = strstr(report_text, "\"Results\"");
    assert_int_equal(cg_buf_append(&b, report_text, (size_t)(p - report_text)), CG_OK);
    assert_int_equal(cg_buf_puts(&b, "\"R\\u0065sults\""), CG_OK);
    assert_int_equal(cg_buf_puts(&b, p + 9), CG_OK);
    cg_preport r2;
    read_report(b.data, &r2, &a, CG_OK, &err);
    assert_int_equal(r2.n_findings, 4);
    assert_string_equal(r2.findings[2].id, "M2");
    cg_buf_free(&b);
    /* a finding that is not an object: the whole-tree reader's message and line */
    b = (cg_buf)CG_BUF_INIT;
    p = strstr(report_text, "{\"VulnerabilityID\": \"CVE-2\"");
    assert_int_equal(cg_buf_append(&b, report_text, (size_t)(p - report_text)), CG_OK);
    assert_int_equal(cg_buf_puts(&b, "[]"), CG_OK);
    assert_int_equal(cg_buf_puts(&b, strchr(p, '}') + 1), CG_OK);
    cg_preport r3;
    read_report(b.data, &r3, &a, CG_ERR_INPUT, &err);
    assert_string_equal(err.msg, "r.json:5: Results[0].Vulnerabilities[1]: not an object");
    cg_buf_free(&b);
    /* a duplicate member inside a result: jansson's error */
    b = (cg_buf)CG_BUF_INIT;
    p = strstr(report_text, "\"Class\"");
    assert_int_equal(cg_buf_append(&b, report_text, (size_t)(p - report_text)), CG_OK);
    assert_int_equal(cg_buf_puts(&b, "\"Target\": \"dup\", "), CG_OK);
    assert_int_equal(cg_buf_puts(&b, p), CG_OK);
    read_report(b.data, &r3, &a, CG_ERR_INPUT, &err);
    assert_non_null(strstr(err.msg, "duplicate"));
    cg_buf_free(&b);
    cg_arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_value_end),
        cmocka_unit_test(test_next),
        cmocka_unit_test(test_jw_sink),
        cmocka_unit_test(test_sbom_stream_same_bytes),
        cmocka_unit_test(test_sbom_read_pieces),
        cmocka_unit_test(test_report_pieces),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

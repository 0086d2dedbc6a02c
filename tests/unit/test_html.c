/*
 * test_html.c - the HTML kit behind the reports (src/core/html.c): every
 * markup character and control byte of a value is escaped, only http(s)
 * links are written, the default row order (loaded first, then severity, id,
 * package; ties stable), charts and tables of hostile rows stay text, and
 * the same rows give the same bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/html.h"

static void test_escape(void **state)
{
    (void)state;
    cg_buf b = CG_BUF_INIT;
    cg_html_esc(&b, "<script>alert(\"x\" & 'y')</script>\x01\x7f\xc3\xa9");
    assert_string_equal(cg_buf_str(&b),
                        "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;??\xc3\xa9");
    cg_buf_reset(&b);
    cg_html_esc(&b, NULL);
    assert_int_equal(b.len, 0);
    cg_buf_free(&b);
}

static void test_href(void **state)
{
    (void)state;
    assert_true(cg_html_href_ok("https://example.invalid/x"));
    assert_true(cg_html_href_ok("http://example.invalid/x"));
    assert_false(cg_html_href_ok("javascript:alert(1)"));
    assert_false(cg_html_href_ok(" https://x"));
    assert_false(cg_html_href_ok("data:text/html,<b>"));
    assert_false(cg_html_href_ok("HTTPS://x")); /* only the lower-case forms are written */
    assert_false(cg_html_href_ok(NULL));
}

static cg_html_row row(const char *id, const char *pkg, int sev, int loaded)
{
    cg_html_row r;
    memset(&r, 0, sizeof r);
    r.id = id;
    r.pkg = pkg;
    r.severity = sev;
    r.loaded = loaded;
    r.score = -1;
    r.epss = -1;
    r.layer_index = -1;
    return r;
}

static void test_order(void **state)
{
    (void)state;
    cg_html_row r[6] = {row("CVE-3", "a", 2, 0), row("CVE-1", "b", 4, 0), row("CVE-2", "c", 2, 1),
                        row("CVE-1", "a", 4, 0), row("CVE-9", "z", 0, 1), row("CVE-1", "a", 4, 0)};
    r[3].installed = "1";
    r[5].installed = "1";
    r[5].title = "second";
    cg_html_sort_rows(r, 6);
    assert_string_equal(r[0].id, "CVE-2"); /* loaded first, by severity */
    assert_string_equal(r[1].id, "CVE-9");
    assert_string_equal(r[2].id, "CVE-1");
    assert_string_equal(r[2].pkg, "a");
    assert_null(r[2].title); /* equal keys keep their order */
    assert_string_equal(r[3].title, "second");
    assert_string_equal(r[4].pkg, "b");
    assert_string_equal(r[5].id, "CVE-3");
}

static void page(cg_buf *b, cg_html_row *r, size_t n)
{
    cg_html_begin(b, "title <x>", "sub & more");
    assert_int_equal(cg_html_charts(b, r, n), CG_OK);
    cg_html_findings(b, "findings", "Findings", r, n, 1);
    const char *kv[] = {"k<", "v>", "skipped", NULL};
    cg_html_facts(b, kv, 2);
    cg_html_end(b);
}

static void test_hostile_page(void **state)
{
    (void)state;
    cg_html_row r[3] = {row("<img src=x onerror=alert(1)>", "<script>alert(2)</script>", 4, -1),
                        row("CVE-1", "pkg\"'", 9, -1), row("CVE-2", "p", -3, 1)};
    r[0].url = "javascript:alert(3)";
    r[0].layer = "0: <b>";
    r[0].layer_index = 0;
    r[0].mark = "<i>";
    r[1].url = "https://example.invalid/\"><script>";
    r[1].title = "</td></tr></table><script>alert(4)</script>";
    cg_buf b = CG_BUF_INIT, b2 = CG_BUF_INIT;
    page(&b, r, 3);
    const char *s = cg_buf_str(&b);
    assert_null(strstr(s, "<img"));
    assert_null(strstr(s, "<script>alert"));
    assert_null(strstr(s, "javascript:"));
    assert_null(strstr(s, "<b>"));
    assert_null(strstr(s, "<i>"));
    assert_non_null(strstr(s, "&lt;script&gt;alert(2)&lt;/script&gt;"));
    assert_non_null(strstr(s, "href=\"https://example.invalid/&quot;&gt;&lt;script&gt;\""));
    assert_non_null(strstr(s, "<title>title &lt;x&gt;</title>"));
    assert_null(strstr(s, "skipped"));
    /* one script element: the page's own */
    const char *p = s;
    int scripts = 0;
    while ((p = strstr(p, "<script")) != NULL) {
        scripts++;
        p++;
    }
    assert_int_equal(scripts, 1);
    page(&b2, r, 3);
    assert_int_equal(b.len, b2.len);
    assert_memory_equal(b.data, b2.data, b.len);
    cg_buf_free(&b);
    cg_buf_free(&b2);
}

static void test_empty(void **state)
{
    (void)state;
    cg_buf b = CG_BUF_INIT;
    page(&b, NULL, 0);
    assert_non_null(strstr(cg_buf_str(&b), "no findings"));
    assert_non_null(strstr(cg_buf_str(&b), "</html>"));
    cg_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape),    cmocka_unit_test(test_href),  cmocka_unit_test(test_order),
        cmocka_unit_test(test_hostile_page), cmocka_unit_test(test_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_core.c - unit tests of the core types: cg_error, cg_buf, cg_arena.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cgate/arena.h"
#include "cgate/buf.h"
#include "cgate/error.h"
#include "core/json.h"
#include "core/jwrite.h"

#include <jansson.h>

static void test_error_prefix(void **state)
{
    (void)state;
    cg_error e;
    cg_error_clear(&e);
    assert_int_equal(cg_error_set(&e, CG_ERR_INPUT, "gzip stream truncated"), CG_ERR_INPUT);
    cg_error_prefix(&e, "entry %s", "usr/lib/x");
    cg_error_prefix(&e, "layer %s", "sha256:ab12");
    assert_string_equal(e.msg, "layer sha256:ab12: entry usr/lib/x: gzip stream truncated");
    assert_int_equal(cg_status_exit_code(e.status), 3);
    assert_int_equal(cg_status_exit_code(CG_ERR_USAGE), 2);
    assert_int_equal(cg_status_exit_code(CG_ERR_NETWORK), 4);
    assert_int_equal(cg_status_exit_code(CG_ERR_INTERNAL), 5);
}

static void test_error_truncates(void **state)
{
    (void)state;
    cg_error e;
    char big[3000];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = 0;
    cg_error_set(&e, CG_ERR_INPUT, "%s", big);
    assert_int_equal(strlen(e.msg), CG_ERROR_MSG_MAX - 1);
    cg_error_prefix(&e, "ctx");
    assert_int_equal(strlen(e.msg), CG_ERROR_MSG_MAX - 1);
    assert_memory_equal(e.msg, "ctx: aaa", 8);
}

static void test_buf_grow_and_cap(void **state)
{
    (void)state;
    cg_buf b = CG_BUF_INIT;
    assert_string_equal(cg_buf_str(&b), "");
    for (int i = 0; i < 1000; i++)
        assert_int_equal(cg_buf_printf(&b, "%d,", i), CG_OK);
    assert_true(b.len > 2000);
    assert_memory_equal(b.data, "0,1,2,", 6);
    assert_int_equal(b.data[b.len], '\0');
    cg_buf_free(&b);

    cg_buf c;
    cg_buf_init(&c, 8);
    assert_int_equal(cg_buf_puts(&c, "12345678"), CG_OK);
    assert_int_equal(cg_buf_putc(&c, '9'), CG_ERR_LIMIT);
    assert_int_equal(c.len, 8);
    size_t n = 0;
    char *s = cg_buf_detach(&c, &n);
    assert_int_equal(n, 8);
    assert_string_equal(s, "12345678");
    free(s);
    assert_null(c.data);
}

static void test_arena(void **state)
{
    (void)state;
    cg_arena a;
    cg_arena_init(&a);
    char *s = cg_arena_strdup(&a, "hello");
    assert_string_equal(s, "hello");
    assert_string_equal(cg_arena_sprintf(&a, "%s-%d", "x", 42), "x-42");
    assert_string_equal(cg_arena_strndup(&a, "abcdef", 3), "abc");
    void *big = cg_arena_alloc(&a, 1 << 20);
    assert_non_null(big);
    assert_int_equal(((unsigned char *)big)[12345], 0);
    for (int i = 0; i < 10000; i++) {
        uint64_t *p = cg_arena_alloc(&a, 24);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 16, 0);
    }
    assert_null(cg_arena_calloc(&a, SIZE_MAX / 2, 4));
    /* the small strings allocated before the big block are still intact */
    assert_string_equal(s, "hello");
    cg_arena_free(&a);
}

/* The streaming writer writes what jansson's json_dumps(INDENT(2) |
 * PRESERVE_ORDER | REAL_PRECISION(10)) writes for the same document. */
static void test_jwrite_matches_jansson(void **state)
{
    (void)state;
    static const char *const strs[] = {
        "plain", "", "quote \" backslash \\ slash /", "controls \b\f\n\r\t \x01\x1f end",
        "del \x7f", "utf-8 \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "<>&\xe2\x80\xa8",
    };
    static const double reals[] = {0, 7, 0.1, 9.75, -3.5, 1e20, 1.23456789012345, 5e-7, 100};
    json_t *doc = json_object(), *arr = json_array(), *nums = json_array();
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        json_array_append_new(arr, json_string(strs[i]));
    for (size_t i = 0; i < sizeof reals / sizeof reals[0]; i++)
        json_array_append_new(nums, json_real(reals[i]));
    json_object_set_new(doc, "strings", arr);
    json_object_set_new(doc, "reals", nums);
    json_object_set_new(doc, "int", json_integer(-42));
    json_object_set_new(doc, "big", json_integer(9007199254740993LL));
    json_object_set_new(doc, "t", json_true());
    json_object_set_new(doc, "emptyArr", json_array());
    json_object_set_new(doc, "emptyObj", json_object());
    json_t *nest = json_object();
    json_object_set_new(nest, "k \"q\"", json_string("v"));
    json_object_set_new(doc, "nest", nest);
    char *want = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
    json_decref(doc);

    cg_buf b = CG_BUF_INIT;
    cg_jw w;
    cg_jw_init(&w, &b);
    cg_jw_open(&w, "{");
    cg_jw_kstrs(&w, "strings", strs, sizeof strs / sizeof strs[0], 0);
    cg_jw_key(&w, "reals");
    cg_jw_open(&w, "[");
    for (size_t i = 0; i < sizeof reals / sizeof reals[0]; i++) {
        cg_jw_elem(&w);
        cg_jw_real(&w, reals[i]);
    }
    cg_jw_close(&w, "]");
    cg_jw_kint(&w, "int", -42);
    cg_jw_kint(&w, "big", 9007199254740993LL);
    cg_jw_kbool(&w, "t", 1);
    cg_jw_key(&w, "emptyArr");
    cg_jw_open(&w, "[");
    cg_jw_close(&w, "]");
    cg_jw_key(&w, "emptyObj");
    cg_jw_open(&w, "{");
    cg_jw_close(&w, "}");
    cg_jw_key(&w, "nest");
    cg_jw_open(&w, "{");
    cg_jw_kstr(&w, "k \"q\"", "v");
    cg_jw_close(&w, "}");
    cg_jw_close(&w, "}");
    assert_int_equal(w.st, CG_OK);
    assert_string_equal(cg_buf_str(&b), want);
    free(want);
    cg_buf_free(&b);
}

/* Invalid UTF-8 never reaches the output: each bad byte is U+FFFD. */
static void test_jwrite_repairs_utf8(void **state)
{
    (void)state;
    cg_buf b = CG_BUF_INIT;
    cg_jw w;
    cg_jw_init(&w, &b);
    cg_jw_str(&w, "a\xff" "b\xc3" "c\xed\xa0\x80" "d\xe2\x82\xac");
    assert_string_equal(cg_buf_str(&b), "\"a\xef\xbf\xbd" "b\xef\xbf\xbd" "c\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" "d\xe2\x82\xac\"");
    json_error_t je;
    json_t *back = json_loadb(b.data, b.len, JSON_DECODE_ANY, &je);
    assert_non_null(back);
    json_decref(back);
    cg_buf_reset(&b);
    cg_jw_num(&w, 0.1);
    cg_jw_raw(&w, " ");
    cg_jw_num(&w, -0.0);
    cg_jw_raw(&w, " ");
    cg_jw_num(&w, 14.7);
    assert_string_equal(cg_buf_str(&b), "0.1 0 14.7");
    cg_buf_free(&b);
}

/* The line of a JSON path's value, for error messages. */
static void test_json_locate(void **state)
{
    (void)state;
    const char *t = "{\n"
                    "  \"a\": 1,\n"
                    "  \"list\": [\n"
                    "    {\"k\": \"x\"},\n"
                    "    {\n"
                    "      \"k\": \"y\", \"s\": \"with } and ] and \\\" inside\",\n"
                    "      \"deep\": [[0, 1], [2,\n"
                    "        3]]\n"
                    "    }\n"
                    "  ]\n"
                    "}\n";
    size_t n = strlen(t);
    assert_int_equal(cg_json_locate(t, n, ""), 1);
    assert_int_equal(cg_json_locate(t, n, "document"), 1);
    assert_int_equal(cg_json_locate(t, n, "a"), 2);
    assert_int_equal(cg_json_locate(t, n, "list"), 3);
    assert_int_equal(cg_json_locate(t, n, "list[0]"), 4);
    assert_int_equal(cg_json_locate(t, n, "list[1].k"), 6);
    assert_int_equal(cg_json_locate(t, n, "list[1].deep[1][1]"), 8);
    /* missing: the deepest part that exists */
    assert_int_equal(cg_json_locate(t, n, "list[1].missing"), 5);
    assert_int_equal(cg_json_locate(t, n, "list[7].k"), 3);
    assert_int_equal(cg_json_locate(t, n, "nothing"), 1);
    /* not JSON at all: no line beyond what was seen, never a crash */
    assert_true(cg_json_locate("{\"a\": [1, 2", 11, "a[5]") <= 1);
    assert_int_equal(cg_json_locate("", 0, "a"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_prefix),
        cmocka_unit_test(test_error_truncates),
        cmocka_unit_test(test_buf_grow_and_cap),
        cmocka_unit_test(test_arena),
        cmocka_unit_test(test_jwrite_matches_jansson),
        cmocka_unit_test(test_jwrite_repairs_utf8),
        cmocka_unit_test(test_json_locate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

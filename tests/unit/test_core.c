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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_prefix),
        cmocka_unit_test(test_error_truncates),
        cmocka_unit_test(test_buf_grow_and_cap),
        cmocka_unit_test(test_arena),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

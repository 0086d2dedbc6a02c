/*
 * test_yaml.c - the one YAML reader's (src/core/yaml.c) own rules, as the policy loader
 * (strict) and the Kubernetes loader (not strict) rely on them: FILE:LINE
 * errors, duplicate keys found in document order (also past the hashed
 * threshold), caps on keys and documents, strict mode's refusals and status
 * codes, and lines for values and keys that have no position of their own.
 * Scalars and the loaders' own messages are tested in test_k8s.c and
 * test_policy.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cgate/buf.h"
#include "core/yaml.h"

typedef struct run {
    cg_arena a;
    cg_error e;
    cg_yaml_doc *d;
    size_t n;
} run;

static cg_status parse(run *r, const char *y, const cg_yaml_limits *lim)
{
    cg_arena_init(&r->a);
    cg_error_clear(&r->e);
    return cg_yaml_parse((const uint8_t *)y, strlen(y), "f.yaml", lim, &r->a, &r->d, &r->n, &r->e);
}

static void expect(const char *y, const cg_yaml_limits *lim, cg_status want, const char *msg)
{
    run r;
    cg_status st = parse(&r, y, lim);
    if (st != want)
        fail_msg("status %d, want %d (%s)", st, want, r.e.msg);
    if (msg && !strstr(r.e.msg, msg))
        fail_msg("error \"%s\" does not contain \"%s\"", r.e.msg, msg);
    cg_arena_free(&r.a);
}

static void test_duplicates_in_document_order(void **state)
{
    (void)state;
    expect("z: 1\na: 1\nz: 2\na: 2\n", NULL, CG_ERR_INPUT, "f.yaml:3: z: duplicate key (first at line 1)");
    /* past the scan threshold the same answer comes from the hash */
    cg_buf b = CG_BUF_INIT;
    for (int i = 0; i < 40; i++)
        cg_buf_printf(&b, "k%d: 1\n", i);
    cg_buf_puts(&b, "k7: 2\n");
    expect(cg_buf_str(&b), NULL, CG_ERR_INPUT, "f.yaml:41: k7: duplicate key (first at line 8)");
    cg_buf_free(&b);
    expect("m: {a: 1, b: 2}\nn: {a: 1, b: 2}\n", NULL, CG_OK, NULL); /* per mapping */
}

static void test_caps(void **state)
{
    (void)state;
    cg_yaml_limits keys = {.max_keys = 2};
    expect("a: 1\nb: 2\n", &keys, CG_OK, NULL);
    expect("a: 1\nb: 2\nc: 3\n", &keys, CG_ERR_LIMIT, "f.yaml:3: c: more than 2 keys in one mapping");
    cg_yaml_limits one = {.max_docs = 1};
    expect("a: 1\n---\nb: 2\n", &one, CG_ERR_LIMIT, "f.yaml:2: more than one document");
    expect("a: 1\n...\n---\nb: 2\n", &one, CG_ERR_LIMIT, "f.yaml:3: more than one document");
    /* libyaml reads YAML 1.1: a bare document after "..." is a syntax error */
    expect("a: 1\n...\nb: 2\n", &one, CG_ERR_INPUT, "f.yaml:3: invalid YAML");
    cg_yaml_limits two = {.max_docs = 2};
    expect("---\n---\n---\n", &two, CG_ERR_LIMIT, "f.yaml:3: more than 2 YAML documents");
    cg_yaml_limits deep = {.max_depth = 2};
    expect("[[1]]", &deep, CG_OK, NULL);
    expect("[[[1]]]", &deep, CG_ERR_LIMIT, "f.yaml:1: nested deeper than 2 levels (column 3)");
    cg_yaml_limits nodes = {.max_nodes = 5};
    expect("[1, 2, 3, 4]", &nodes, CG_OK, NULL);
    expect("[1, 2, 3, 4, 5]", &nodes, CG_ERR_LIMIT, "f.yaml:1: document has more than 5 nodes");
    cg_yaml_limits seven = {.max_nodes = 7}; /* {a: [1, 1], b: *a} is 6 nodes as written, 9 expanded */
    expect("a: &a [1, 1]\nb: 1\n", &seven, CG_OK, NULL);
    expect("a: &a [1, 1]\nb: *a\n", &seven, CG_ERR_LIMIT, "f.yaml:2: document expands to more than 7 nodes");
    expect("a: 1\nb\0: 2\n", NULL, CG_ERR_INPUT, NULL);
}

static void test_strict(void **state)
{
    (void)state;
    cg_yaml_limits strict = {.strict = 1, .max_depth = 2, .max_keys = 1, .max_docs = 1};
    expect("a: &x 1\n", &strict, CG_ERR_INPUT, "f.yaml:1: YAML anchors are not allowed");
    expect("a: *x\n", &strict, CG_ERR_INPUT, "f.yaml:1: YAML aliases are not allowed");
    expect("a: !!str 1\n", &strict, CG_ERR_INPUT, "f.yaml:1: YAML tags are not allowed");
    expect("a: \"x\\0y\"\n", &strict, CG_ERR_INPUT, "f.yaml:1: NUL character in a string");
    /* in strict mode the structural caps are rules of the format: bad input */
    expect("[[[1]]]", &strict, CG_ERR_INPUT, "nested deeper than 2 levels");
    expect("a: 1\nb: 2\n", &strict, CG_ERR_INPUT, "f.yaml:2: b: more than 1 keys");
    expect("a: 1\n---\n", &strict, CG_ERR_INPUT, "f.yaml:2: more than one document");
    /* not strict: shared aliases, tags ignored, NUL in a quoted string kept with its length */
    run r;
    assert_int_equal(parse(&r, "a: &x {b: 1}\nc: *x\nd: !!str 1\ne: \"x\\0y\"\n", NULL), CG_OK);
    const cg_yaml_node *root = r.d[0].root;
    assert_ptr_equal(cg_yaml_get(root, "a"), cg_yaml_get(root, "c"));
    assert_int_equal(cg_yaml_get(root, "e")->len, 3);
    cg_arena_free(&r.a);
}

static void test_lines_of_empty_nodes(void **state)
{
    (void)state;
    run r;
    assert_int_equal(parse(&r, "a: 1\nb:\n? \n: c\n", NULL), CG_OK);
    const cg_yaml_node *root = r.d[0].root;
    assert_int_equal(cg_yaml_get(root, "b")->line, 2); /* its key's line */
    assert_int_equal(cg_yaml_key_line(root, ""), 4);   /* an empty key: its value's */
    cg_arena_free(&r.a);
    /* libyaml reads YAML 1.1: an implicit empty key is a syntax error */
    expect("a: 1\n: c\n", NULL, CG_ERR_INPUT, "f.yaml:2: invalid YAML");
    assert_int_equal(parse(&r, "a: 1\n---\n", NULL), CG_OK);
    assert_int_equal(r.n, 2);
    assert_int_equal(r.d[1].root->line, 2); /* its document's */
    assert_true(cg_yaml_is_null(r.d[1].root));
    cg_arena_free(&r.a);
}

static void test_syntax_errors_name_the_line(void **state)
{
    (void)state;
    expect("a: 1\nb: [1\n", NULL, CG_ERR_INPUT, "f.yaml:2: invalid YAML: ");
    expect("[{a: 1}]: x\n", NULL, CG_ERR_INPUT, "f.yaml:1: only scalar mapping keys are supported");
}

/* cg_yaml_parse_map: the configuration-file preamble (secret and lint configs). */
static void test_parse_map(void **state)
{
    (void)state;
    static const struct {
        const char *y;
        cg_status want;
        int root; /* a mapping comes back */
        const char *msg;
    } cases[] = {
        {"", CG_OK, 0, NULL},
        {"# only a comment\n", CG_OK, 0, NULL},
        {"a: 1\n", CG_OK, 1, NULL},
        {"a: 1\n---\n- x\n", CG_OK, 1, NULL}, /* later documents are not the preamble's concern */
        {"\n\n- a\n", CG_ERR_INPUT, 0, "f.yaml:3: not a mapping"},
        {"just text\n", CG_ERR_INPUT, 0, "f.yaml:1: not a mapping"},
        {"a: [1\n", CG_ERR_INPUT, 0, "f.yaml:"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cg_arena a;
        cg_arena_init(&a);
        cg_error e;
        cg_error_clear(&e);
        const cg_yaml_node *root = (const cg_yaml_node *)&a; /* must be overwritten */
        cg_status st = cg_yaml_parse_map((const uint8_t *)cases[i].y, strlen(cases[i].y), "f.yaml", NULL, &a, &root, &e);
        if (st != cases[i].want)
            fail_msg("case %zu: status %d, want %d (%s)", i, st, cases[i].want, e.msg);
        if (cases[i].msg && !strstr(e.msg, cases[i].msg))
            fail_msg("case %zu: message \"%s\", want \"%s\"", i, e.msg, cases[i].msg);
        assert_int_equal(root != NULL, cases[i].root);
        if (root)
            assert_int_equal(root->kind, CG_YAML_MAP);
        cg_arena_free(&a);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_duplicates_in_document_order),
        cmocka_unit_test(test_caps),
        cmocka_unit_test(test_strict),
        cmocka_unit_test(test_lines_of_empty_nodes),
        cmocka_unit_test(test_syntax_errors_name_the_line),
        cmocka_unit_test(test_parse_map),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_rego_builtins.c - the Rego builtins OPA's conformance cases cover
 * thinly or not at all, through the public engine API: bits.* (exact up to
 * 127 bits, OPA's type errors), yaml.marshal/unmarshal/is_valid (go-yaml's
 * reading of scalars, hostile documents refused by the bounded reader),
 * strings.render_template, and time.* in named IANA zones read from TZif
 * files (DST both hemispheres, dates past the zone file's last transition
 * from its POSIX rule, Go layouts, OPA's error for an unknown zone), checked
 * against values from GNU date / Go's documentation.  Also the compile-time
 * recursion check (OPA's rego_recursion_error), which needs no builtin but
 * the same engine API.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cgate/rego.h"
#include "rego/rego_int.h"

/* raw value of the query's first expression ("" when undefined); on an
 * error "ERR code: message" */
static char *eval_raw(const char *query)
{
    static char res[4096];
    cg_rego *r = cg_rego_new(0);
    assert_non_null(r);
    cg_error err = {0};
    cg_buf out = CG_BUF_INIT, pr = CG_BUF_INIT;
    cg_rego_query q = {0};
    q.query = query;
    q.strict_builtin_errors = 1;
    q.no_print = 1;
    q.now_ns = 1700000000000000000LL;
    cg_rego_outcome oc;
    memset(&oc, 0, sizeof oc);
    cg_status st = cg_rego_eval(r, &q, &out, 2, &pr, &oc, &err);
    if (st != CG_OK) {
        char pre[80];
        snprintf(pre, sizeof pre, "%s: ", oc.code); /* err.msg is "where: code: message" */
        const char *m = strstr(err.msg, pre);
        snprintf(res, sizeof res, "ERR %s: %s", oc.code, m ? m + strlen(pre) : err.msg);
    } else {
        snprintf(res, sizeof res, "%s", cg_buf_str(&out));
        size_t n = strlen(res);
        if (n && res[n - 1] == '\n') /* raw output ends each value with a newline */
            res[--n] = 0;
    }
    cg_buf_free(&out);
    cg_buf_free(&pr);
    cg_rego_free(r);
    return res;
}

#define EQ(q, want) assert_string_equal(eval_raw(q), want)
#define HAS(q, part)                                                                                          \
    do {                                                                                                      \
        const char *got_ = eval_raw(q);                                                                       \
        if (!strstr(got_, part))                                                                              \
            fail_msg("%s: got '%s', want it to contain '%s'", q, got_, part);                                 \
    } while (0)

static void test_bits(void **state)
{
    (void)state;
    EQ("x := bits.and(7, 9)", "true");
    EQ("bits.and(7, 9)", "1");
    EQ("bits.or(5, 8)", "13");
    EQ("bits.xor(6, 3)", "5");
    EQ("bits.negate(42)", "-43");
    EQ("bits.lsh(1, 3)", "8");
    EQ("bits.rsh(8, 3)", "1");
    EQ("bits.rsh(-8, 1)", "-4");
    EQ("bits.rsh(-1, 200)", "-1");
    EQ("bits.lsh(9223372036854775807, 1)", "18446744073709551614");
    EQ("bits.and(18446744073709551614, 18446744073709551615)", "18446744073709551614");
    HAS("bits.negate(7.2)", "ERR eval_type_error: bits.negate: operand 1 must be integer number but got floating-point number");
    HAS("bits.lsh(7, -1)", "bits.lsh: operand 2 must be an unsigned integer number but got a negative integer");
    HAS("bits.or(\"a\", 1)", "eval_type_error: bits.or: operand 1 must be number but got string");
    HAS("bits.lsh(1, 200)", "ERR eval_builtin_error: bits.lsh: result exceeds 127 bits");
}

static void test_yaml(void **state)
{
    (void)state;
    EQ("yaml.unmarshal(\"a: [1, 2.5, yes, off, \\\"3\\\", ~, x]\")[\"a\"] == [1, 2.5, true, false, \"3\", null, \"x\"]",
       "true");
    EQ("yaml.unmarshal(\"a:\\n  b: c\\nd:\\n- 1\\n\") == {\"a\": {\"b\": \"c\"}, \"d\": [1]}", "true");
    EQ("yaml.unmarshal(\"\") == null", "true");
    EQ("yaml.marshal({\"b\": [1, {\"c\": \"true\", \"d\": \"\"}], \"a\": {}, \"e\": \"x: y\"})",
       "a: {}\nb:\n- 1\n- c: \"true\"\n  d: \"\"\ne: \"x: y\"\n");
    EQ("yaml.marshal([])", "[]\n");
    EQ("yaml.marshal(\"plain\")", "plain\n");
    EQ("x := {\"k\": [[1, 2], [], {\"n\": null, \"s\": \"multi\\nline\", \"q\": \"-1\"}]}; yaml.unmarshal(yaml.marshal(x)) == x",
       "true");
    EQ("yaml.is_valid(\"a: 1\")", "true");
    EQ("x := yaml.is_valid(\"a: [\")", "true");
    EQ("yaml.is_valid(\"a: [\") == false", "true");
    EQ("yaml.is_valid(1) == false", "true");
    HAS("yaml.unmarshal(\"a: [\")", "ERR eval_builtin_error: yaml.unmarshal");
    HAS("yaml.unmarshal(\"a: 1\\na: 2\")", "ERR eval_builtin_error: yaml.unmarshal");
    /* hostile: nesting past the reader's cap, and an alias bomb */
    char deep[3000];
    size_t o = 0;
    o += (size_t)snprintf(deep, sizeof deep, "yaml.unmarshal(\"");
    for (int i = 0; i < 1000; i++)
        deep[o++] = '[';
    snprintf(deep + o, sizeof deep - o, "\")");
    HAS(deep, "ERR");
    const char *bomb = "yaml.unmarshal(\"a: &a [x,x,x,x,x,x,x,x,x,x]\\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\\n"
                       "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\\n"
                       "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\\n"
                       "g: [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\\n\")";
    HAS(bomb, "ERR");
}

static void test_render_template(void **state)
{
    (void)state;
    EQ("strings.render_template(\"{{.test}}\", {\"test\": \"hello world\"})", "hello world");
    EQ("strings.render_template(\"{{.n}} {{.f}} {{.b}} {{.a}}\", {\"n\": 2023, \"f\": 1.5, \"b\": true, \"a\": [1, \"x\"]})",
       "2023 1.5 true [1 x]");
    EQ("strings.render_template(\"{{range $i, $name := .names}}{{if $i}},{{end}}hello {{$name}}{{end}}\", "
       "{\"names\": [\"rohan\", \"john doe\"]})",
       "hello rohan,hello john doe");
    EQ("strings.render_template(\"{{.nope}}|{{.a.b.c}}\", {\"a\": {\"b\": {\"c\": 1}}})", "<undefined>|1");
    EQ("strings.render_template(\"{{if eq .x 1}}one{{else if eq .x 2}}two{{else}}many{{end}}\", {\"x\": 2})", "two");
    EQ("strings.render_template(\"{{with .o}}{{.k}}{{end}}{{range .e}}x{{else}}empty{{end}}\", {\"o\": {\"k\": \"v\"}, \"e\": []})",
       "vempty");
    EQ("strings.render_template(\"a {{- /* c */ -}} b {{- .x }}\", {\"x\": \"!\"})", "ab!");
    EQ("strings.render_template(\"{{range $k, $v := .m}}{{$k}}={{$v}};{{end}}{{len .m}}\", {\"m\": {\"b\": 2, \"a\": 1}})",
       "a=1;b=2;2");
    EQ("strings.render_template(\"{{if and .a (not .b)}}yes{{end}}\", {\"a\": 1, \"b\": false})", "yes");
    HAS("strings.render_template(\"{{.x\", {})", "ERR eval_builtin_error: strings.render_template: template:");
    HAS("strings.render_template(\"{{if .x}}\", {})", "ERR eval_builtin_error: strings.render_template: template:");
    HAS("strings.render_template(\"{{.x}}\", [])", "eval_type_error");
}

static void test_time_zones(void **state)
{
    (void)state;
    if (access("/usr/share/zoneinfo/America/New_York", R_OK) != 0) {
        skip(); /* Debian's tzdata is not installed */
    }
    /* values from GNU date with TZ set */
    EQ("time.date([1517814000000000000, \"America/Los_Angeles\"]) == [2018, 2, 4]", "true");
    EQ("time.clock([1700000000000000000, \"America/New_York\"]) == [17, 13, 20]", "true");
    EQ("time.format([1700000000123000000, \"America/New_York\"])", "2023-11-14T17:13:20.123-05:00");
    EQ("time.format([1690000000000000000, \"America/New_York\"])", "2023-07-22T00:26:40-04:00");
    EQ("time.weekday([1700000000000000000, \"Pacific/Kiritimati\"])", "Wednesday");
    EQ("time.format([1700000000000000000, \"Asia/Kolkata\", \"Mon Jan _2 15:04:05 MST 2006\"])",
       "Wed Nov 15 03:43:20 IST 2023");
    /* past the last transition in the file: the POSIX footer rule (southern hemisphere DST) */
    EQ("time.format([4102444800000000000, \"Australia/Sydney\", \"2006-01-02 15:04:05 -07:00 MST\"])",
       "2100-01-01 11:00:00 +11:00 AEDT");
    EQ("time.format([1720000000000000000, \"Australia/Sydney\", \"2006-01-02 15:04:05 -07:00 MST\"])",
       "2024-07-03 19:46:40 +10:00 AEST");
    EQ("time.format([4102444800000000000, \"America/New_York\"])", "2099-12-31T19:00:00-05:00");
    /* add_date keeps the wall clock across a DST change, as Go's AddDate */
    EQ("time.format([time.add_date([1699999999000000000, \"America/New_York\"], 0, 4, 0), \"America/New_York\"])",
       "2024-03-14T17:13:19-04:00");
    /* diff: the second time in the first's zone */
    EQ("time.diff([0, \"UTC\"], [0, \"Asia/Shanghai\"])", "[\n  0,\n  0,\n  0,\n  0,\n  0,\n  0\n]");
    /* layouts */
    EQ("time.format([1700000000000000000, \"UTC\", \"RFC1123Z\"])", "Tue, 14 Nov 2023 22:13:20 +0000");
    EQ("time.format([1700000000000000000, \"UTC\", \"02/01/06 3:04PM .000 Z07:00 002\"])",
       "14/11/23 10:13PM .000 Z 318");
    EQ("time.format([1700000000000000000, \"Local\"]) == time.format(1700000000000000000)", "true");
    EQ("time.format([1700000000000000000, \"\"])", "2023-11-14T22:13:20Z");
    HAS("time.date([0, \"Nope/Zone\"])", "ERR eval_builtin_error: time.date: unknown time zone Nope/Zone");
    HAS("time.clock([0, \"../../etc/passwd\"])", "ERR eval_builtin_error: time.clock: time: invalid location name");
    HAS("time.date([0, \"/etc/passwd\"])", "time: invalid location name");
    HAS("time.date([0, \"zone.tab\"])", "unknown time zone zone.tab");
    HAS("time.date([0, 1])", "eval_type_error");
    HAS("time.date([])", "eval_type_error");
}

/* compile modules; the error message ("" when it compiles) */
static const char *compile_msg(const char *const *mods, size_t n)
{
    static char res[1024];
    cg_rego *r = cg_rego_new(0);
    assert_non_null(r);
    cg_error err = {0};
    res[0] = 0;
    for (size_t i = 0; i < n; i++) {
        char name[32];
        snprintf(name, sizeof name, "m%zu.rego", i);
        if (cg_rego_add_module(r, name, mods[i], strlen(mods[i]), &err)) {
            snprintf(res, sizeof res, "parse: %s", err.msg);
            cg_rego_free(r);
            return res;
        }
    }
    if (cg_rego_compile(r, &err))
        snprintf(res, sizeof res, "%s", err.msg);
    cg_rego_free(r);
    return res;
}

static void test_recursion(void **state)
{
    (void)state;
    const char *mutual[] = {"package x\nimport rego.v1\n\nq if r\np if q\nr if { some i in [1]; p }\n"};
    assert_string_equal(compile_msg(mutual, 1),
                        "m0.rego:4: rego_recursion_error: rule data.x.q is recursive: data.x.q -> data.x.r -> data.x.p -> "
                        "data.x.q");
    const char *fn[] = {"package f\nimport rego.v1\nf(x) := y if y := f(x)\n"};
    assert_string_equal(compile_msg(fn, 1),
                        "m0.rego:3: rego_recursion_error: rule data.f.f is recursive: data.f.f -> data.f.f");
    /* across packages, through a ref to a whole package */
    const char *cross[] = {"package a\nimport rego.v1\nx := count(data.b)\n", "package b\nimport rego.v1\ny := data.a.x\n"};
    assert_string_equal(compile_msg(cross, 2),
                        "m0.rego:3: rego_recursion_error: rule data.a.x is recursive: data.a.x -> data.b.y -> data.a.x");
    /* not recursion: another package's rules, `with` replacing a rule, an else chain, a partial set read elsewhere */
    const char *fine[] = {"package a\nimport rego.v1\nx := data.b.y\nd contains 1 if true\nn := count(d)\n"
                          "t if { p with p as true }\np if false\nv := 1 if false\nelse := 2\n",
                          "package b\nimport rego.v1\ny := 1\n"};
    assert_string_equal(compile_msg(fine, 2), "");
}

/* "package x\np := " + pre*n + mid + post*n */
static const char *nested(char *buf, size_t cap, const char *pre, const char *mid, const char *post, size_t n)
{
    size_t l = (size_t)snprintf(buf, cap, "package x\np := ");
    for (size_t i = 0; i < n; i++)
        l += (size_t)snprintf(buf + l, cap - l, "%s", pre);
    l += (size_t)snprintf(buf + l, cap - l, "%s", mid);
    for (size_t i = 0; i < n; i++)
        l += (size_t)snprintf(buf + l, cap - l, "%s", post);
    assert_true(l < cap - 1);
    return buf;
}

/* Syntax nested past RG_MAX_NEST is a parse error, not a stack overflow of
 * the parser (brackets, `not`) or of the compiler (an operand chain, which
 * the parser builds without recursing); found by fuzz_rego. */
static void test_nesting_bounded(void **state)
{
    (void)state;
    size_t cap = 64u << 10;
    char *buf = malloc(cap);
    assert_non_null(buf);
    const char *mods[1];
    static const struct {
        const char *pre, *mid, *post;
    } deep[] = {{"[", "1", "]"}, {"(", "1", ")"}, {"{\"a\": ", "1", "}"}, {"", "1", " + 1"},
                {"- ", "1", ""}, {"", "1", " | x"}, {"[x | x := ", "1", "]"}};
    for (size_t i = 0; i < sizeof deep / sizeof deep[0]; i++) {
        mods[0] = nested(buf, cap, deep[i].pre, deep[i].mid, deep[i].post, 150);
        if (strstr(compile_msg(mods, 1), "nested deeper"))
            fail_msg("%s%s%s at %d levels: refused", deep[i].pre, deep[i].mid, deep[i].post, 150);
        mods[0] = nested(buf, cap, deep[i].pre, deep[i].mid, deep[i].post, 4000);
        const char *m = compile_msg(mods, 1);
        if (!strstr(m, "parse: m0.rego:") || !strstr(m, "rego_parse_error: expression nested deeper than 512 levels"))
            fail_msg("%s%s%s at 4000 levels: \"%s\"", deep[i].pre, deep[i].mid, deep[i].post, m);
    }
    /* `not not ...` recurses in the expression parser */
    size_t l = (size_t)snprintf(buf, cap, "package x\np if { ");
    for (int i = 0; i < 4000; i++)
        l += (size_t)snprintf(buf + l, cap - l, "not ");
    snprintf(buf + l, cap - l, "true }\n");
    mods[0] = buf;
    assert_non_null(strstr(compile_msg(mods, 1), "nested deeper than 512 levels"));
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bits),
        cmocka_unit_test(test_yaml),
        cmocka_unit_test(test_render_template),
        cmocka_unit_test(test_time_zones),
        cmocka_unit_test(test_recursion),
        cmocka_unit_test(test_nesting_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

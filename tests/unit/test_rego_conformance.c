/*
 * test_rego_conformance.c - runs OPA's own YAML conformance cases
 * (tests/data/opa/cases-v1.json, converted from OPA's YAML by convert.py)
 * through cgate's Rego engine, the way OPA's runner compares them: result
 * sets of bindings (order-free), error codes, error message substrings.
 * Every case of the core subset (CORE-SUBSET.txt) must pass or be listed in
 * `excluded` below with the reason; an excluded case that passes fails the
 * test so the list only shrinks.  CG_REGO_TABLE=FILE writes the per-topic
 * pass table (docs/rego.md); CG_REGO_VERBOSE=1 lists failures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cgate/rego.h"
#include "core/readfile.h"
#include "rego/rego_int.h"

/* Core-subset cases that fail, with the reason.  Keep sorted by note. */
static const struct {
    const char *note;
    const char *why;
} excluded[] = {
    {"aggregates/count with invalid utf-8 chars (0xFFFD)", "Go counts each invalid UTF-8 byte as a rune; cgate counts lead bytes"},
    {"baseandvirtualdocs/base/virtual: conflicts", "a base document and a rule at one path: OPA keeps the base value, cgate the rule's"},
    {"functions/nested function with conflict, else, no extra return", "multiple outputs of a function called only for an unused local are not detected"},
    {"invalidkeyerror/invalid keys", "calls http.send, which cgate refuses at compile time by design (no network builtins)"},
    {"refheads/general, overlapping rule, deep injection into other rule object value, conflict", "a deeper ref-head rule writing into another rule's object value is not reported as a conflict"},
    {"replacen/replace multiple patterns/overlapping/insertion order does not matter", "safety analysis rejects a var bound only inside a comprehension used twice"},
    {"strings/format_int: bignum exact (>64-bit integer, all bases + negative)", "format_int works on 64-bit integers"},
    {"time/time caching", "test.sleep is a Go test-only builtin"},
    {NULL, NULL},
};

/* Cases that read IANA zones from the system's tzdata (Debian's tzdata
 * package): excluded only on a machine without it. */
static const char *const needs_tzdata[] = {"time/date with LA tz", "time/diff", NULL};

static int is_excluded(const char *note)
{
    for (size_t i = 0; excluded[i].note; i++)
        if (!strcmp(excluded[i].note, note))
            return 1;
    static int have_tz = -1;
    if (have_tz < 0) {
        FILE *f = fopen("/usr/share/zoneinfo/America/Los_Angeles", "rb");
        have_tz = f != NULL;
        if (f)
            fclose(f);
    }
    for (size_t i = 0; !have_tz && needs_tzdata[i]; i++)
        if (!strcmp(needs_tzdata[i], note))
            return 1;
    return 0;
}

static rctx g_c;
static cg_arena g_a;

static const char *sget(rv *o, const char *k)
{
    rv *v = rv_obj_get(o, k);
    return v && v->k == RV_STR ? v->u.s : NULL;
}

static int bget(rv *o, const char *k)
{
    rv *v = rv_obj_get(o, k);
    return v && v->k == RV_BOOL && v->u.b;
}

static int cmpp(const void *a, const void *b) { return rv_cmp(*(rv *const *)a, *(rv *const *)b); }

static rv *sort_vals(rv *row)
{
    if (!row || row->k != RV_OBJ)
        return row;
    for (size_t i = 0; i < row->n; i++) {
        rv *v = row->u.a[row->n + i];
        if (v->k == RV_ARR && v->n > 1) {
            rv **c = rg_alloc(&g_c, sizeof(rv *) * v->n);
            memcpy(c, v->u.a, v->n * sizeof(rv *));
            qsort(c, v->n, sizeof(rv *), cmpp);
            row->u.a[row->n + i] = rv_arr(&g_c, c, v->n);
        }
    }
    return row;
}

static rv *drop_generated(rv *row)
{
    if (!row || row->k != RV_OBJ)
        return row;
    rvec k = {0}, v = {0};
    for (size_t i = 0; i < row->n; i++) {
        rv *key = row->u.a[i];
        if (key->k == RV_STR && !strncmp(key->u.s, "__localq", 8))
            continue;
        rvec_push(&g_c, &k, key);
        rvec_push(&g_c, &v, row->u.a[row->n + i]);
    }
    return rv_obj(&g_c, k.v, v.v, k.n);
}

/* run one case; 1 pass, 0 fail; why gets a short reason */
static int run_case(rv *cs, int v0, char *why, size_t wl)
{
    cg_error err = {0};
    cg_rego *r = cg_rego_new(v0);
    rv *mods = rv_obj_get(cs, "modules");
    int ok = 0;
    cg_buf out = CG_BUF_INIT, pr = CG_BUF_INIT;
    const char *want_code = sget(cs, "want_error_code");
    const char *want_err = sget(cs, "want_error");
    rv *want = rv_obj_get(cs, "want_result");
    for (size_t i = 0; mods && mods->k == RV_ARR && i < mods->n; i++) {
        char name[32];
        snprintf(name, sizeof name, "test-%zu.rego", i);
        rv *m = mods->u.a[i];
        if (cg_rego_add_module(r, name, m->u.s, m->n, &err)) {
            snprintf(why, wl, "parse: %s", err.msg);
            goto done;
        }
    }
    rv *data = rv_obj_get(cs, "data");
    /* `data:` written without a value is YAML null: OPA's runner starts from an empty store */
    if (data && data->k != RV_NULL) {
        cg_buf d = CG_BUF_INIT;
        rv_write_json(&d, data, 0, 0);
        if (cg_rego_add_data_json(r, "", cg_buf_str(&d), d.len, &err)) {
            cg_buf_free(&d);
            snprintf(why, wl, "data: %s", err.msg);
            goto done;
        }
        cg_buf_free(&d);
    }
    cg_rego_query q = {0};
    q.query = sget(cs, "query");
    q.strict_builtin_errors = bget(cs, "strict_error");
    q.no_print = 1;
    q.now_ns = 1700000000000000000LL;
    q.limits.timeout_ms = 10000;
    cg_buf in = CG_BUF_INIT;
    const char *iterm = sget(cs, "input_term");
    rv *input = rv_obj_get(cs, "input");
    if (iterm) {
        rg_err e = {0};
        rg_engine tmp = {0};
        cg_arena_init(&tmp.a);
        rv *iv = rg_parse_term_value(&tmp, &g_c, iterm, strlen(iterm), &e);
        if (iv) {
            /* sets cannot go through JSON: keep a JSON form (sets as arrays) */
            rv_write_json(&in, iv, 0, 0);
        }
        cg_arena_free(&tmp.a);
        if (!iv) {
            snprintf(why, wl, "input_term: %s", e.msg);
            goto done;
        }
    } else if (input)
        rv_write_json(&in, input, 0, 0);
    if (in.len) {
        q.input_json = cg_buf_str(&in);
        q.input_len = in.len;
    }
    cg_rego_outcome oc;
    cg_status st = cg_rego_eval(r, &q, &out, 0, &pr, &oc, &err);
    cg_buf_free(&in);
    if (st != CG_OK) {
        if (!want_code && !want_err) {
            snprintf(why, wl, "error: %s", err.msg);
            goto done;
        }
        if (want_code && strcmp(oc.code, want_code)) {
            snprintf(why, wl, "code %s, want %s (%s)", oc.code, want_code, err.msg);
            goto done;
        }
        if (want_err && !strstr(err.msg, want_err)) {
            snprintf(why, wl, "message '%s' lacks '%s'", err.msg, want_err);
            goto done;
        }
        ok = 1;
        goto done;
    }
    if (want_code || want_err) {
        snprintf(why, wl, "no error, want %s %s", want_code ? want_code : "", want_err ? want_err : "");
        goto done;
    }
    rv *res = rv_parse_json(&g_c, cg_buf_str(&out), out.len, why, wl);
    if (!res) {
        goto done;
    }
    rv *rows = rv_obj_get(res, "result");
    size_t nrows = rows ? rows->n : 0;
    size_t nwant = want && want->k == RV_ARR ? want->n : 0;
    if (nrows != nwant) {
        snprintf(why, wl, "%zu results, want %zu: %.300s", nrows, nwant, cg_buf_str(&out));
        goto done;
    }
    int sortb = bget(cs, "sort_bindings"), dropg = bget(cs, "ignore_generated_vars");
    rv **got = rg_alloc(&g_c, sizeof(rv *) * (nrows + 1)), **exp = rg_alloc(&g_c, sizeof(rv *) * (nrows + 1));
    for (size_t i = 0; i < nrows; i++) {
        rv *b = rv_obj_get(rows->u.a[i], "bindings");
        if (!b)
            b = rv_empty(&g_c, RV_OBJ);
        if (dropg)
            b = drop_generated(b);
        exp[i] = want->u.a[i];
        if (dropg)
            exp[i] = drop_generated(exp[i]);
        if (sortb) {
            b = sort_vals(b);
            exp[i] = sort_vals(exp[i]);
        }
        got[i] = b;
    }
    qsort(got, nrows, sizeof(rv *), cmpp);
    qsort(exp, nrows, sizeof(rv *), cmpp);
    for (size_t i = 0; i < nrows; i++)
        if (!rv_eq(got[i], exp[i])) {
            cg_buf g = CG_BUF_INIT, w = CG_BUF_INIT;
            rv_write_json(&g, got[i], 0, 0);
            rv_write_json(&w, exp[i], 0, 0);
            snprintf(why, wl, "got %.200s want %.200s", cg_buf_str(&g), cg_buf_str(&w));
            cg_buf_free(&g);
            cg_buf_free(&w);
            goto done;
        }
    ok = 1;
done:
    cg_buf_free(&out);
    cg_buf_free(&pr);
    cg_rego_free(r);
    return ok;
}

typedef struct topic {
    char name[64];
    int core, n, pass;
} topic;

static void run_file(const char *file, int v0, int *core_n, int *core_pass, topic *tp, size_t *ntp, int *bad)
{
    char path[1024];
    const char *dir = getenv("CG_TEST_DATA");
    snprintf(path, sizeof path, "%s/opa/%s", dir ? dir : "tests/data", file);
    cg_buf b = CG_BUF_INIT;
    cg_error err = {0};
    assert_int_equal(cg_read_file(path, 64u << 20, "cases", &b, &err), CG_OK);
    char why[512];
    rv *cases = rv_parse_json(&g_c, cg_buf_str(&b), b.len, why, sizeof why);
    assert_non_null(cases);
    char core_path[1024];
    snprintf(core_path, sizeof core_path, "%s/opa/CORE-SUBSET.txt", dir ? dir : "tests/data");
    cg_buf cb = CG_BUF_INIT;
    assert_int_equal(cg_read_file(core_path, 1 << 20, "core", &cb, &err), CG_OK);
    int verbose = getenv("CG_REGO_VERBOSE") != NULL;
    for (size_t i = 0; i < cases->n; i++) {
        rv *cs = cases->u.a[i];
        const char *tname = sget(cs, "topic");
        const char *note = sget(cs, "note");
        char needle[80];
        snprintf(needle, sizeof needle, "\n%s\n", tname);
        int core = strstr(cg_buf_str(&cb), needle) != NULL;
        why[0] = 0;
        int pass = run_case(cs, v0, why, sizeof why);
        size_t t;
        for (t = 0; t < *ntp; t++)
            if (!strcmp(tp[t].name, tname))
                break;
        if (t == *ntp) {
            snprintf(tp[t].name, sizeof tp[t].name, "%s", tname);
            tp[t].core = core;
            (*ntp)++;
        }
        tp[t].n++;
        tp[t].pass += pass;
        if (core && !v0) {
            (*core_n)++;
            *core_pass += pass;
            int ex = is_excluded(note);
            if (!pass && !ex) {
                (*bad)++;
                if (verbose)
                    printf("FAIL %s: %s\n", note, why);
            } else if (pass && ex) {
                (*bad)++;
                printf("excluded case now passes (remove it from the list): %s\n", note);
            }
        } else if (verbose > 0 && !pass && getenv("CG_REGO_ALL"))
            printf("fail%s %s: %s\n", v0 ? "(v0)" : "", note, why);
    }
    cg_buf_free(&b);
    cg_buf_free(&cb);
}

static void test_conformance(void **state)
{
    (void)state;
    cg_arena_init(&g_a);
    g_c.a = &g_a;
    g_c.mem_cap = SIZE_MAX;
    topic *tp = calloc(512, sizeof *tp), *tp0 = calloc(512, sizeof *tp0);
    size_t ntp = 0, ntp0 = 0;
    int core_n = 0, core_pass = 0, bad = 0, d1 = 0, d2 = 0, d3 = 0;
    run_file("cases-v1.json", 0, &core_n, &core_pass, tp, &ntp, &bad);
    run_file("cases-v0.json", 1, &d1, &d2, tp0, &ntp0, &d3);
    int all_n = 0, all_pass = 0, all0_n = 0, all0_pass = 0;
    for (size_t t = 0; t < ntp; t++) {
        all_n += tp[t].n;
        all_pass += tp[t].pass;
    }
    for (size_t t = 0; t < ntp0; t++) {
        all0_n += tp0[t].n;
        all0_pass += tp0[t].pass;
    }
    printf("core subset (v1): %d/%d pass (%.1f%%)\n", core_pass, core_n, 100.0 * core_pass / (core_n ? core_n : 1));
    printf("all topics (v1): %d/%d pass (%.1f%%); v0 syntax: %d/%d (%.1f%%)\n", all_pass, all_n,
           100.0 * all_pass / (all_n ? all_n : 1), all0_pass, all0_n, 100.0 * all0_pass / (all0_n ? all0_n : 1));
    const char *table = getenv("CG_REGO_TABLE");
    if (table) {
        FILE *f = fopen(table, "w");
        if (f) {
            fprintf(f, "| topic | core | v1 cases | v1 pass | v0 cases | v0 pass |\n|---|---|---|---|---|---|\n");
            for (size_t t = 0; t < ntp; t++) {
                int n0 = 0, p0 = 0;
                for (size_t k = 0; k < ntp0; k++)
                    if (!strcmp(tp0[k].name, tp[t].name)) {
                        n0 = tp0[k].n;
                        p0 = tp0[k].pass;
                    }
                fprintf(f, "| %s | %s | %d | %d | %d | %d |\n", tp[t].name, tp[t].core ? "yes" : "", tp[t].n,
                        tp[t].pass, n0, p0);
            }
            for (size_t k = 0; k < ntp0; k++) { /* topics only the v0 half has (deprecated builtins) */
                size_t t;
                for (t = 0; t < ntp; t++)
                    if (!strcmp(tp0[k].name, tp[t].name))
                        break;
                if (t == ntp)
                    fprintf(f, "| %s (v0 only) |  | 0 | 0 | %d | %d |\n", tp0[k].name, tp0[k].n, tp0[k].pass);
            }
            fprintf(f, "| **core subset (v1)** | | %d | %d (%.1f%%) | | |\n", core_n, core_pass,
                    100.0 * core_pass / (core_n ? core_n : 1));
            fprintf(f, "| **all topics** | | %d | %d (%.1f%%) | %d | %d (%.1f%%) |\n", all_n, all_pass,
                    100.0 * all_pass / (all_n ? all_n : 1), all0_n, all0_pass,
                    100.0 * all0_pass / (all0_n ? all0_n : 1));
            fclose(f);
        }
    }
    free(tp);
    free(tp0);
    cg_arena_free(&g_a);
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conformance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

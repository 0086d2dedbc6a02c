/*
 * rego.h - cgate's Rego engine (OPA-compatible core language and the
 * builtins a gate needs), used by `cgate eval`, `cgate test` and Rego
 * policies in `cgate policy`.  Load modules and data, compile, then run
 * queries; results come back as opa eval's JSON.  The library never prints:
 * print() output and compile warnings are handed back in buffers.
 */
#ifndef CGATE_REGO_H
#define CGATE_REGO_H

#include <stddef.h>
#include <stdint.h>

#include "cgate/buf.h"
#include "cgate/error.h"
#include "cgate/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cg_rego cg_rego;

typedef struct cg_rego_limits {
    uint64_t max_steps;  /* 0 = default (500M) */
    size_t max_memory;   /* bytes per query; 0 = default (512 MiB) */
    int max_depth;       /* rule/function nesting; 0 = default (2000) */
    int64_t timeout_ms;  /* 0 = none */
} cg_rego_limits;

typedef struct cg_rego_query {
    const char *query;
    const char *input_json; /* NULL = no input */
    size_t input_len;
    int strict_builtin_errors;
    int no_print;
    int64_t now_ns;       /* time.now_ns(); 0 = the clock */
    cg_rego_limits limits;
} cg_rego_query;

/* Outcome of a query beyond the JSON: number of results, and the error code
 * (rego_parse_error, eval_conflict_error, eval_limit_error ...) if any. */
typedef struct cg_rego_outcome {
    size_t n_results;
    int all_defined_true; /* every expression of every result is not false */
    char code[48];
    int limit; /* a limit (steps, memory, depth, time) stopped evaluation */
} cg_rego_outcome;

CG_EXPORT cg_rego *cg_rego_new(int v0_compatible);
CG_EXPORT void cg_rego_free(cg_rego *r);
/* Parse one module (file names it in errors). */
CG_EXPORT cg_status cg_rego_add_module(cg_rego *r, const char *file, const char *src, size_t len, cg_error *err);
/* Merge a JSON document into data at a dotted path ("" = root). */
CG_EXPORT cg_status cg_rego_add_data_json(cg_rego *r, const char *path, const char *json, size_t len, cg_error *err);
CG_EXPORT cg_status cg_rego_compile(cg_rego *r, cg_error *err);
/* Compile-time warnings, one line each ("" when none). */
CG_EXPORT const char *cg_rego_warnings(const cg_rego *r);
/* Run a query; out receives opa eval's JSON ({"result":[...]}, {} or
 * {"errors":[...]}), print_out (may be NULL) the print() lines.  Returns
 * CG_OK when evaluation finished (results or not), CG_ERR_INPUT on a
 * compile/eval error, CG_ERR_LIMIT when a limit stopped it. */
/* format: 0 compact JSON, 1 pretty JSON, 2 raw (first expression's value per result) */
CG_EXPORT cg_status cg_rego_eval(cg_rego *r, const cg_rego_query *q, cg_buf *out, int format, cg_buf *print_out,
                                 cg_rego_outcome *oc, cg_error *err);

/* Distinct package names ("a.b") of the loaded modules, in load order. */
CG_EXPORT cg_status cg_rego_packages(cg_rego *r, char ***names, size_t *n, cg_error *err);
/* Does package pkg define a rule whose head starts with name? */
CG_EXPORT int cg_rego_has_rule(const cg_rego *r, const char *pkg, const char *name);

/* One test_ rule definition (opa test): every definition runs on its own,
 * so a name defined twice in a package runs twice. */
typedef struct cg_rego_test {
    char pkg[256];  /* "data.a.b" */
    char name[128]; /* "test_x" */
    char file[256];
    int row, col;
    int pass, error;   /* error: evaluation failed (message in msg) */
    char msg[512];
    int64_t duration_ns;
} cg_rego_test;

/* Run the test_ rules whose "data.PKG.NAME" matches run_re (NULL = all),
 * in load order; *out is malloc'ed. */
CG_EXPORT cg_status cg_rego_run_tests(cg_rego *r, const char *run_re, const cg_rego_limits *lim,
                                      cg_rego_test **out, size_t *n, cg_buf *print_out, cg_error *err);

#ifdef __cplusplus
}
#endif
#endif

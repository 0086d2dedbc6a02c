/*
 * rego_int.h - the Rego engine's private types: values, the syntax tree the
 * parser builds, compiled rules in a tree keyed by their data path, and the
 * evaluation context.  Everything lives in arenas: one per engine for the
 * compiled modules and data, one per query for values built while evaluating
 * (so the memory cap is one counter).  Shared by src/rego/ only.
 */
#ifndef CG_REGO_INT_H
#define CG_REGO_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "cgate/arena.h"
#include "cgate/buf.h"
#include "cgate/error.h"

/* memcpy that accepts (NULL, 0): empty arrays have no storage */
#define RG_MEMCPY(d, s, n)                                                                                    \
    do {                                                                                                      \
        size_t rg_n_ = (n);                                                                                   \
        if (rg_n_)                                                                                            \
            memcpy((d), (s), rg_n_);                                                                          \
    } while (0)

/* ---- values ------------------------------------------------------------- */
/* Kinds in OPA's sort order: null < boolean < number < string < array < object < set. */
enum { RV_NULL, RV_BOOL, RV_NUM, RV_STR, RV_ARR, RV_OBJ, RV_SET };
enum { NUM_INT, NUM_BIG, NUM_FLT };

typedef struct rv rv;
struct rv {
    uint8_t k, nk;
    size_t n; /* string bytes / elements / object pairs */
    union {
        int b;
        int64_t i;
        double f;
        const char *s; /* RV_STR (NUL-terminated too) and NUM_BIG decimal text */
        rv **a;        /* array, set (sorted, unique), object (keys[0..n) sorted, then values) */
    } u;
};

typedef struct rctx rctx; /* evaluation context (below) */

/* Allocation in the query arena; NULL sets the memory-limit error on c. */
void *rg_alloc(rctx *c, size_t n);
rv *rv_null(void);
rv *rv_bool(int b);
rv *rv_int(rctx *c, int64_t i);
rv *rv_float(rctx *c, double f);
rv *rv_num_text(rctx *c, const char *text, size_t len); /* a literal: int, big int or float */
rv *rv_str(rctx *c, const char *s, size_t n);
rv *rv_cstr(rctx *c, const char *s);
rv *rv_arr(rctx *c, rv **items, size_t n);        /* takes items as given */
rv *rv_set(rctx *c, rv **items, size_t n);        /* sorts, dedups (items reused) */
rv *rv_obj(rctx *c, rv **keys, rv **vals, size_t n); /* sorts; later duplicates win */
rv *rv_empty(rctx *c, int kind);

int rv_cmp(const rv *a, const rv *b);
static inline int rv_eq(const rv *a, const rv *b) { return rv_cmp(a, b) == 0; }
uint64_t rv_hash(const rv *v);
rv *rv_get(const rv *coll, const rv *key); /* object value / array index / set member */
rv *rv_obj_get(const rv *obj, const char *key);
int rv_set_has(const rv *set, const rv *v);
const char *rv_type_name(const rv *v);
int rv_is_true(const rv *v);

/* numbers */
int rv_num_is_int(const rv *v);               /* integral value (any representation) */
int rv_num_to_i64(const rv *v, int64_t *out); /* 1 if integral and fits */
double rv_num_to_f(const rv *v);
int rv_num_cmp(const rv *a, const rv *b);
rv *rv_num_arith(rctx *c, int op, const rv *a, const rv *b); /* op: + - * / %; NULL = error set */
void rv_num_write(cg_buf *b, const rv *v);

/* JSON */
rv *rv_from_json(rctx *c, json_t *j);
json_t *rv_to_json(const rv *v); /* sets become sorted arrays; non-string object keys are JSON-encoded */
void rv_write_json(cg_buf *b, const rv *v, int pretty, int indent);
void rv_write_rego(cg_buf *b, const rv *v); /* Rego term syntax (sets as {..}) for messages/print */
rv *rv_parse_json(rctx *c, const char *s, size_t n, char *why, size_t whylen);

/* growable value vector (query arena) */
typedef struct rvec {
    rv **v;
    size_t n, cap;
} rvec;
int rvec_push(rctx *c, rvec *vec, rv *x);

/* ---- syntax tree -------------------------------------------------------- */
enum { T_VAL, T_VAR, T_REF, T_ARR, T_OBJ, T_SET, T_CALL, T_ACOMP, T_SCOMP, T_OCOMP };
typedef struct term term;
typedef struct body body;
typedef struct expr expr;
typedef struct rnode rnode;
typedef struct rule rule;
typedef struct builtin builtin;

/* Deepest syntax tree the parser builds: an operand chain (1+1+...) nests as
 * deep as brackets do, and the compiler and evaluator walk terms recursively,
 * so height is bounded where the tree is made, not where it is walked. */
#define RG_MAX_NEST 512

struct term {
    uint8_t k;
    bool wild;  /* `_` */
    uint16_t h; /* parser: height of the tree below (a leaf 0), at most RG_MAX_NEST */
    int row, col;
    const char *file;
    rv *v;            /* T_VAL */
    const char *name; /* T_VAR; T_CALL: the operator's dotted name */
    int slot;         /* T_VAR: frame slot; -1 input, -2 data */
    term **e;         /* REF: e[0] head + path; ARR/SET items; OBJ keys then values; CALL args */
    size_t n;
    term *key, *val; /* comprehensions: array/set use val; object key: val */
    body *b;
    const builtin *bi; /* T_CALL resolved to a builtin */
    rnode *fn;         /* T_CALL resolved to a user function */
    const char *text;  /* T_CALL: unresolved name for errors */
};

struct with {
    term *target;
    term *val;
};

enum { E_TERM, E_UNIFY, E_SOME, E_SOMEIN, E_EVERY, E_BODY /* not { body } */ };
struct expr {
    uint8_t k;
    bool neg, assign;
    int row, col;
    const char *file;
    const char *text; /* source of the expression (query output) */
    term *t, *l, *r;  /* TERM: t; UNIFY: l = r; SOMEIN/EVERY: l key (or NULL), r value, t domain */
    body *b;          /* EVERY body */
    struct with *w;
    size_t nw;
    term **vars; /* E_SOME declared vars */
    size_t nvars;
};

struct body {
    expr **x;
    size_t n;
};

enum { R_COMPLETE, R_PSET, R_POBJ, R_FUNC };
struct rule {
    int kind;
    bool is_default;
    term **path; /* data path: leading strings constant; ref-head vars later */
    size_t npath, nconst;
    term *key; /* PSET element */
    term *val; /* value (NULL = true) */
    term **args;
    size_t nargs;
    body *b; /* NULL = true */
    rule *els;
    int nslots;
    int row, col;
    const char *file;
    const char *pkg;
};

struct rnode {
    const char *name;
    rnode *parent;
    rnode **kids;
    size_t nkids, capkids;
    rule **rules;
    size_t nrules, caprules;
    rule *deflt;
    int kind; /* of its rules; -1 none */
    int id;
    int nargs;
    int is_pkg;
};

/* ---- builtins ----------------------------------------------------------- */
typedef rv *(*bi_fn)(rctx *c, rv **args, size_t n);
struct builtin {
    const char *name;
    int arity; /* -1 variadic (print) */
    bi_fn fn;
    const char *unavailable; /* non-NULL: a compile error naming it */
    int relation;            /* returns an array of results to enumerate (walk) */
};
const builtin *rg_builtin_find(const char *name);
/* also Rego v0's deprecated builtins (any, all, cast_*, set_diff, re_match, ...) when v0 */
const builtin *rg_builtin_find_v(const char *name, int v0);
/* Builtin errors: set c's error (eval_builtin_error / eval_type_error) and return NULL. */
rv *bi_err(rctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
rv *bi_type_err(rctx *c, const char *fname, int pos, const rv *got, const char *want);
/* undefined without error */
#define BI_UNDEF ((rv *)&rg_undef_marker)
extern const rv rg_undef_marker;

/* ---- engine ------------------------------------------------------------- */
typedef struct rmodule {
    const char *file;
    const char *pkg; /* "a.b" */
    term **pkgpath;
    size_t npkg;
    struct rimport {
        term *ref;
        const char *alias;
    } *imports;
    size_t nimports;
    rule **rules;
    size_t nrules;
    int v0;
} rmodule;

typedef struct rg_engine {
    cg_arena a; /* modules, tree, data */
    rmodule **mods;
    size_t nmods;
    rnode *root;
    int nnodes;
    rv *data;
    int v0;
    int compiled;
    cg_buf warnings; /* one line each */
} rg_engine;

/* error codes */
typedef struct rg_err {
    const char *code; /* NULL = none */
    char msg[768];
    const char *file;
    int row, col;
} rg_err;

struct override {
    rv **path; /* data keys */
    size_t npath;
    int is_input;
    rv *val;
    const char *fname; /* function mock target name */
    term *fterm;       /* replacement function (T_VAR/T_REF name) or NULL for value */
    rnode *fnode;
    const builtin *fbi;
};

struct rctx {
    rg_engine *eng;
    cg_arena *a;
    size_t mem_cap;
    rv **slots;
    rv ***trail;
    size_t ntrail, captrail;
    rv *input;
    rv **cache; /* per node id; NULL = not computed */
    uint8_t *busy;
    struct override *ov;
    size_t nov, capov;
    uint64_t steps, max_steps;
    int64_t deadline_ns; /* CLOCK_MONOTONIC; 0 none */
    int depth, max_depth;
    int strict;
    int no_print;
    int64_t now_ns;
    cg_buf *print_out;
    rg_err err;
    int halt_reason;
    uintptr_t stack_base; /* address near the bottom of the evaluation's stack */
    struct rg_tz *tzcache; /* time zones read by time.* during this query (bi_time.c) */
};

#define RG_STACK_MAX ((uintptr_t)4 << 20)
/* A builtin hit a resource cap: an eval_limit_error, never swallowed. */
rv *bi_limit(rctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- phases ------------------------------------------------------------- */
typedef struct rtok rtok;
/* parse: module or query body; errors into e (rego_parse_error) */
rmodule *rg_parse_module(rg_engine *eng, const char *file, const char *src, size_t len, int v0, rg_err *e);
body *rg_parse_query(rg_engine *eng, const char *src, size_t len, int v0, rg_err *e);
rv *rg_parse_term_value(rg_engine *eng, rctx *c, const char *src, size_t len, rg_err *e);
int rg_compile(rg_engine *eng, rg_err *e);
int rg_compile_query(rg_engine *eng, body *q, const char ***names, int *nslots, size_t *nnames, rg_err *e);

/* eval */
typedef int (*rg_k)(rctx *c, void *env); /* 0 continue, 1 stop, -1 error */
int rg_eval_body(rctx *c, body *b, size_t i, rg_k k, void *env);
int rg_set_error(rctx *c, const char *code, const term *where, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
rv *rg_call_value(rctx *c, const rv *fnval, rv **args, size_t n); /* for walk etc: unused */
int rg_check_limits(rctx *c);

/* helpers */
char *rg_strdup(cg_arena *a, const char *s, size_t n);
int64_t rg_mono_ns(void);

/* regex shim (re2_shim.cc) */
typedef struct rg_re2 rg_re2;
rg_re2 *rg_re2_new(const char *pat, size_t len, char *err, size_t errlen);
void rg_re2_free(rg_re2 *re);
int rg_re2_match(rg_re2 *re, const char *s, size_t len);
int rg_re2_ngroups(rg_re2 *re);
/* Find the next match at or after pos; fills (groups+1)*2 offsets (-1 unmatched). */
int rg_re2_find(rg_re2 *re, const char *s, size_t len, size_t pos, long *offs, int noffs);
/* Global replace with RE2's \1 rewrite converted from Go's $1 by the caller. */
#endif

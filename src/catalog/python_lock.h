/*
 * python_lock.h - records shared by the Python cataloger (python.c) and its
 * lockfile parsers (python_lock.c: poetry.lock, Pipfile.lock,
 * requirements*.txt).  Internal to src/catalog.
 */
#ifndef CG_PYTHON_LOCK_H
#define CG_PYTHON_LOCK_H

#include <stdbool.h>
#include <stddef.h>

#include "catalog/catalog.h"
#include "core/vec.h"

enum py_kind { PY_INSTALLED = 1, PY_POETRY, PY_PIPFILE, PY_REQUIREMENTS };

typedef struct py_rec {
    const char *name;    /* as written */
    const char *version; /* as recorded */
    const char **deps;   /* normalised names, sorted, unique */
    size_t n_deps;
    cg_license *lics;
    size_t n_lics;
    const char *author, *summary;
    bool dev;
} py_rec;

typedef struct py_result {
    int kind;
    py_rec *recs; /* sorted by (normalised name, version), unique */
    size_t n_recs;
} py_result;

/* PEP 503: lower case, runs of '-', '_', '.' become one '-'.  Arena memory. */
char *py_normalize(cg_arena *a, const char *s, size_t n);
/* A distribution name (PEP 508 identifier): [A-Za-z0-9] at both ends,
 * [A-Za-z0-9._-] between, at most 256 bytes. */
bool py_valid_name(const char *s, size_t n);
/* A version worth recording: 1..256 bytes, no control bytes or spaces. */
bool py_valid_version(const char *s, size_t n);

/* Sort (by normalised name, version) and de-duplicate a vector of py_rec into
 * res (arena memory); frees the vector.  CG_ERR_NOMEM or CG_OK. */
cg_status py_recs_finish(cg_arena *a, cg_vec *recs, py_result *res);

/* The parsers; bad input is a warning naming the file, only CG_ERR_NOMEM
 * is returned. */
cg_status py_parse_poetry(cg_cat_ctx *ctx, const cg_cat_file *f, py_result *res, cg_error *err);
cg_status py_parse_pipfile(cg_cat_ctx *ctx, const cg_cat_file *f, py_result *res, cg_error *err);
cg_status py_parse_requirements(cg_cat_ctx *ctx, const cg_cat_file *f, py_result *res,
                                cg_error *err);

#endif

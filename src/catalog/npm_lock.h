/*
 * npm_lock.h - records shared by the npm cataloger (npm.c) and its lockfile
 * parsers (npm_lock.c: package-lock.json v1/v2/v3, yarn.lock v1 and berry,
 * pnpm-lock.yaml v5/v6/v9).  Internal to src/catalog.
 */
#ifndef CG_NPM_LOCK_H
#define CG_NPM_LOCK_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "catalog/catalog.h"
#include "core/vec.h"

enum { NPM_DEV = 1, NPM_OPTIONAL = 2 };

enum npm_kind { NPM_INSTALLED = 1, NPM_APP, NPM_PKG_LOCK, NPM_YARN, NPM_PNPM };

typedef struct npm_rec {
    const char *name;    /* full name, "@scope/name" for scoped packages */
    const char *version; /* as recorded */
    const char **deps;   /* dependency names, sorted, unique */
    size_t n_deps;
    cg_license *lics;
    size_t n_lics;
    const char *desc, *author; /* package.json only */
    unsigned flags;      /* NPM_DEV / NPM_OPTIONAL (lockfiles) */
} npm_rec;

typedef struct npm_result {
    int kind;
    npm_rec *recs; /* sorted by (name, version), unique */
    size_t n_recs;
} npm_result;

/* Sort and de-duplicate recs (a vector of npm_rec) by (name, version) into
 * res (arena memory; a package kept twice is dev/optional only when every copy
 * is).  Frees the vector.  CG_ERR_NOMEM or CG_OK. */
cg_status npm_recs_finish(cg_arena *a, cg_vec *recs, npm_result *res);

/* Keys of the JSON objects obj[k] for each k in keys (NULL-terminated) as a
 * sorted unique arena array of names.  false on OOM only. */
bool npm_json_dep_names(cg_arena *a, const json_t *obj, const char *const *keys, const char ***out,
                        size_t *n);

/* Licences of a package.json-shaped object: "license" as a string or a
 * legacy {"type": ...} object, or a legacy "licenses" array.  false on OOM. */
bool npm_json_licenses(cg_arena *a, const json_t *obj, cg_license **out, size_t *n);

/* A name npm could have published: 1..214 bytes, no control bytes, no
 * spaces, "@scope/name" or a name without '/'. */
bool npm_valid_name(const char *s, size_t n);
/* A version string worth recording: 1..256 bytes, no control bytes or spaces. */
bool npm_valid_version(const char *s, size_t n);

/* The parsers: fill res from f's bytes.  Bad input is a warning naming the
 * file (res stays empty or partial); only CG_ERR_NOMEM is returned. */
cg_status npm_parse_package_lock(cg_cat_ctx *ctx, const cg_cat_file *f, npm_result *res,
                                 cg_error *err);
cg_status npm_parse_yarn_lock(cg_cat_ctx *ctx, const cg_cat_file *f, npm_result *res,
                              cg_error *err);
cg_status npm_parse_pnpm_lock(cg_cat_ctx *ctx, const cg_cat_file *f, npm_result *res,
                              cg_error *err);

#endif

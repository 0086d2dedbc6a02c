/*
 * ecosystem.h - the one table of package ecosystems: for each, its OSV
 * ecosystem spelling, the purl type of its packages, its version scheme (by
 * cgate/version.h's scheme name), how advisory names are normalised (PEP 503
 * lives here once) and how a report names a target of its installed packages.
 * The matcher, the version API, the report and the vulnerability DB all read
 * this table; adding an ecosystem is one row here plus its cataloger
 * (docs/CONTRIBUTING.md).  tests/unit/test_ecosystem.c fails on a missing row.
 */
#ifndef CG_CORE_ECOSYSTEM_H
#define CG_CORE_ECOSYSTEM_H

#include <stddef.h>

#include "cgate/arena.h"

typedef enum cg_eco_norm {
    CG_ECO_NORM_NONE,   /* names compared as written                          */
    CG_ECO_NORM_LOWER,  /* ASCII lower-case (npm)                              */
    CG_ECO_NORM_PEP503, /* lower-case, runs of - _ . become one - (PyPI)      */
} cg_eco_norm;

typedef struct cg_ecosystem {
    const char *osv;       /* OSV ecosystem, the part before ':' ("PyPI", "Debian") */
    const char *purl_type; /* purl type of its packages ("pypi", "deb")             */
    int os;                /* 1: matched by distro (os-release), not by purl type     */
    const char *scheme;    /* cg_ver_scheme_name() of its order; NULL: none in cgate  */
    cg_eco_norm norm;      /* advisory name normalisation                            */
    const char *installed_target; /* report target type of installed packages (Trivy's
                                     Type, e.g. "node-pkg"); NULL: the purl type       */
    const char *installed_agg;    /* aggregated target name ("Node.js"); NULL: the path */
} cg_ecosystem;

extern const cg_ecosystem cg_ecosystems[];
extern const size_t cg_n_ecosystems;

/* The row of an OSV ecosystem name; the part after the first ':' (a release)
 * is ignored and the spelling must match exactly ("PyPI", not "pypi").  NULL
 * when unknown. */
const cg_ecosystem *cg_eco_by_osv(const char *eco);

/* The language (non-OS) row whose packages have purl type `type`, or NULL. */
const cg_ecosystem *cg_eco_lang_by_purl_type(const char *type);

/* 1 when `type` is the purl type of an OS ecosystem's packages (deb, apk, rpm). */
int cg_eco_is_os_purl_type(const char *type);

/* Normalise name[0..n) for ecosystem `eco` (full name, compared ignoring case)
 * into out (n + 1 bytes); returns the length written. */
size_t cg_eco_norm_name_into(const char *eco, const char *name, size_t n, char *out);

/* PEP 503 normalisation of s[0..n) into out (n + 1 bytes); returns the length. */
size_t cg_pep503_into(const char *s, size_t n, char *out);

/* The same into arena memory; NULL on OOM. */
char *cg_pep503(cg_arena *a, const char *s, size_t n);

/* strcmp of two NUL-terminated names after PEP 503 normalisation, without allocating. */
int cg_pep503_cmp(const char *a, const char *b);

#endif

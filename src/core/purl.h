/*
 * purl.h - reading package-url strings (https://github.com/package-url/purl-spec)
 * back into their components: the one purl parser, for every stage that is
 * handed purls (SBOM readers, VEX statements, policy rules, the matcher).
 * Writing purls is the catalogers' business (catalog/purl.h).
 */
#ifndef CG_CORE_PURL_H
#define CG_CORE_PURL_H

#include <stddef.h>

#include "cgate/arena.h"

/* A parsed package-url: every component percent-decoded, type and qualifier
 * keys lower-cased, qualifiers in the order written.  Strings are arena memory. */
typedef struct cg_purl_qual {
    const char *key, *value;
} cg_purl_qual;

typedef struct cg_purl {
    const char *type;       /* "deb", "npm", ... */
    const char *namespace_; /* "debian", "@babel", "guzzlehttp" or NULL ('/'-joined segments) */
    const char *name;
    const char *version;    /* NULL when absent */
    const char *subpath;    /* NULL when absent */
    cg_purl_qual *quals;
    size_t n_quals;
} cg_purl;

/* Parse s[0..len) ("pkg:type/namespace/name@version?k=v#subpath").  Returns 0,
 * -1 when it is not a purl (no "pkg:", no type or name, a bad %-escape, a
 * NUL, over 64 KiB), -2 on OOM. */
int cg_purl_parse(cg_arena *a, const char *s, size_t len, cg_purl *out);

/* The value of qualifier key (lower-case), or NULL. */
const char *cg_purl_qualifier(const cg_purl *p, const char *key);

#endif

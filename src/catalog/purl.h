/*
 * purl.h - package-url (https://github.com/package-url/purl-spec) strings for
 * packages and images, percent-encoded as the spec says, qualifiers sorted.
 */
#ifndef CG_PURL_H
#define CG_PURL_H

#include "cgate/arena.h"
#include "cgate/image.h"
#include "cgate/package.h"

/* purl of a package, e.g. "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12".
 * distro may be NULL.  Returns arena memory, NULL on OOM or when pkg lacks type/name. */
char *cg_purl_for_package(cg_arena *a, const cg_package *pkg, const cg_distro *distro);

/* purl of the image itself: "pkg:oci/NAME@sha256%3A...?arch=amd64&repository_url=...&tag=..."
 * (version = manifest digest, or the config digest when there is no manifest). */
char *cg_purl_for_image(cg_arena *a, const cg_image_info *img);

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

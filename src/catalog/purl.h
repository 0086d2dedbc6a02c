/*
 * purl.h - package-url (https://github.com/package-url/purl-spec) strings for
 * packages (the image's own purl is sbom's, sbom/image_purl.h), percent-encoded as the spec says, qualifiers sorted.
 * Reading purls back is core's (core/purl.h): every stage parses them.
 */
#ifndef CG_PURL_H
#define CG_PURL_H

#include "cgate/arena.h"
#include "cgate/package.h"
#include "core/purl.h" /* cg_purl, cg_purl_parse */

/* purl of a package, e.g. "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12".
 * distro may be NULL.  Returns arena memory, NULL on OOM or when pkg lacks type/name. */
char *cg_purl_for_package(cg_arena *a, const cg_package *pkg, const cg_distro *distro);

/* "pkg:type/ns/name@version?quals" percent-encoded as the spec says; q[] is
 * sorted by key here and empty values are dropped.  ns and version may be
 * NULL.  Arena memory; NULL on OOM or without type/name. */
char *cg_purl_build(cg_arena *a, const char *type, const char *ns, const char *name,
                    const char *version, cg_purl_qual *q, size_t nq);

#endif

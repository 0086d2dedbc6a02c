/*
 * purl.h - package-url (https://github.com/package-url/purl-spec) strings for
 * packages and images, percent-encoded as the spec says, qualifiers sorted.
 * Reading purls back is core's (core/purl.h): every stage parses them.
 */
#ifndef CG_PURL_H
#define CG_PURL_H

#include "cgate/arena.h"
#include "cgate/image.h"
#include "cgate/package.h"
#include "core/purl.h" /* cg_purl, cg_purl_parse */

/* purl of a package, e.g. "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12".
 * distro may be NULL.  Returns arena memory, NULL on OOM or when pkg lacks type/name. */
char *cg_purl_for_package(cg_arena *a, const cg_package *pkg, const cg_distro *distro);

/* purl of the image itself: "pkg:oci/NAME@sha256%3A...?arch=amd64&repository_url=...&tag=..."
 * (version = manifest digest, or the config digest when there is no manifest). */
char *cg_purl_for_image(cg_arena *a, const cg_image_info *img);

#endif

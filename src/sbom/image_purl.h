/*
 * image_purl.h - the purl of an image itself (pkg:oci/...), the SBOM's root
 * component.  It lives in sbom, not catalog, because it reads cg_image_info
 * (an image type) and catalog depends only on core (DESIGN §9).
 */
#ifndef CG_SBOM_IMAGE_PURL_H
#define CG_SBOM_IMAGE_PURL_H

#include "cgate/arena.h"
#include "cgate/image.h"

/* purl of the image itself: "pkg:oci/NAME@sha256:...?arch=amd64&repository_url=...&tag=..."
 * (version = manifest digest, or the config digest when there is no manifest).
 * Arena memory; NULL on OOM or without a name or digest. */
char *cg_purl_for_image(cg_arena *a, const cg_image_info *img);

#endif

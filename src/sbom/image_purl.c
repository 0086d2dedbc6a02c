/*
 * image_purl.c - the purl of an image itself (sbom/image_purl.h), built with
 * catalog's purl encoder: the last path segment of the name, lower-cased, at
 * the manifest (or config) digest, with arch, repository_url and tag.
 */
#include "sbom/image_purl.h"

#include <string.h>

#include "catalog/purl.h"

char *cg_purl_for_image(cg_arena *a, const cg_image_info *img)
{
    if (!img || !img->name || !*img->name)
        return NULL;
    const char *digest = img->manifest_digest ? img->manifest_digest : img->config_digest;
    if (!digest || !*digest)
        return NULL;
    const char *slash = strrchr(img->name, '/');
    const char *last = slash ? slash + 1 : img->name;
    if (!*last)
        return NULL;
    char *name = cg_arena_strdup(a, last);
    if (!name)
        return NULL;
    for (char *p = name; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p + 32);
    cg_purl_qual q[3];
    size_t nq = 0;
    if (img->architecture && *img->architecture)
        q[nq++] = (cg_purl_qual){"arch", img->architecture};
    /* only a repository name says where the image lives; a bare file name does not */
    if (slash)
        q[nq++] = (cg_purl_qual){"repository_url", img->name};
    if (img->tag && *img->tag)
        q[nq++] = (cg_purl_qual){"tag", img->tag};
    return cg_purl_build(a, "oci", NULL, name, digest, q, nq);
}

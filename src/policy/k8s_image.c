/*
 * k8s_image.c - container image references as written in pod specs, and how
 * one is matched against the image being gated.  Normalisation follows the
 * Docker reference grammar (core/dockerref.h: registry host, Docker Hub's
 * aliases, "library/"); hosts compare without case.
 */
#include <ctype.h>
#include <string.h>

#include "core/dockerref.h"
#include "policy/k8s_internal.h"

static char *lower(char *s)
{
    for (char *p = s; p && *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return s;
}

int k8s_image_parse(cg_arena *a, const char *ref, k8s_image *out)
{
    *out = (k8s_image){0};
    if (!ref || !*ref || strlen(ref) > 4096)
        return -1;
    char *s = cg_arena_strdup(a, ref);
    if (!s)
        return -1;
    cg_docker_ref r;
    cg_docker_ref_split(s, &r);
    out->digest = r.digest && *r.digest ? lower((char *)r.digest) : NULL;
    out->tag = r.tag && *r.tag ? r.tag : NULL;
    if (!*s)
        return -1;
    /* hosts compare without case: lower-case, then Hub's aliases are one again */
    const char *host = cg_docker_hub_canonical(r.host == s ? lower(s) : r.host);
    if (!strcmp(host, "docker.io") && !strchr(r.path, '/'))
        out->repo = cg_arena_sprintf(a, "docker.io/library/%s", r.path);
    else
        out->repo = cg_arena_sprintf(a, "%s/%s", host, r.path);
    return out->repo ? 0 : -1;
}

int k8s_image_match(const k8s_image *m, const k8s_image *q)
{
    if (!m->repo || !q->repo || strcmp(m->repo, q->repo))
        return 0;
    if (m->digest && q->digest)
        return !strcmp(m->digest, q->digest);
    /* a manifest image with neither tag nor digest runs :latest; the query's
     * missing tag means "not known", so it does not narrow the match */
    const char *mtag = m->tag ? m->tag : m->digest ? NULL : "latest";
    if (mtag && q->tag)
        return !strcmp(mtag, q->tag);
    return 1;
}

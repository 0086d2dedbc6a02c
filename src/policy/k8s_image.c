/*
 * k8s_image.c - container image references as written in pod specs, and how
 * one is matched against the image being gated.  Normalisation follows the
 * Docker reference grammar: the first path component is a registry host when
 * it contains '.' or ':' or is "localhost"; otherwise the registry is Docker
 * Hub, whose host aliases (docker.io, index.docker.io, registry-1.docker.io)
 * are one, and a one-component Hub path gains "library/".
 */
#include <ctype.h>
#include <string.h>

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
    char *at = strchr(s, '@');
    if (at) {
        *at = 0;
        out->digest = lower(at + 1);
        if (!*out->digest)
            out->digest = NULL;
    }
    char *slash = strrchr(s, '/');
    char *colon = strrchr(slash ? slash : s, ':');
    if (colon) {
        *colon = 0;
        out->tag = colon[1] ? colon + 1 : NULL;
    }
    if (!*s)
        return -1;
    const char *host = "docker.io", *path = s;
    char *first = strchr(s, '/');
    if (first) {
        size_t hn = (size_t)(first - s);
        if (memchr(s, '.', hn) || memchr(s, ':', hn) || (hn == 9 && !memcmp(s, "localhost", 9))) {
            *first = 0;
            host = lower(s);
            path = first + 1;
        }
    }
    if (!strcmp(host, "index.docker.io") || !strcmp(host, "registry-1.docker.io"))
        host = "docker.io";
    if (!strcmp(host, "docker.io") && !strchr(path, '/'))
        out->repo = cg_arena_sprintf(a, "docker.io/library/%s", path);
    else
        out->repo = cg_arena_sprintf(a, "%s/%s", host, path);
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

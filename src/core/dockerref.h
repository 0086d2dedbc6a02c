/*
 * dockerref.h - the Docker reference grammar's normalisation, once: where a
 * reference's registry host ends, its tag and digest begin, and what Docker
 * Hub's spellings mean.  The first path component is a registry host when it
 * contains '.' or ':', is "localhost" or is a bracketed IPv6 address;
 * otherwise the registry is Docker Hub, whose host aliases (docker.io,
 * index.docker.io, registry-1.docker.io) are one ("docker.io"), and a
 * one-component Hub path is "library/NAME".  Splitting only: validating the
 * parts is the caller's (registry/ref.c is strict, Kubernetes manifests are
 * matched leniently).
 */
#ifndef CG_CORE_DOCKERREF_H
#define CG_CORE_DOCKERREF_H

typedef struct cg_docker_ref {
    const char *host;   /* canonical: "docker.io" for every Hub alias */
    const char *path;   /* repository path as written (without "library/") */
    const char *tag;    /* NULL when absent ("" for "name:") */
    const char *digest; /* NULL when absent ("" for "name@") */
    int library;        /* a Hub path of one component: the repository is "library/" + path */
} cg_docker_ref;

/* Split s (no transport prefix), modifying it in place: "host/path:tag@digest".
 * The parts point into s (host may point at a static "docker.io").  An empty
 * Nothing is validated. */
void cg_docker_ref_split(char *s, cg_docker_ref *out);

/* Docker Hub's canonical host for h ("index.docker.io", "registry-1.docker.io"
 * and "docker.io" are "docker.io"), else h itself. */
const char *cg_docker_hub_canonical(const char *h);

/* 1 when h names Docker Hub (any alias, any case). */
int cg_docker_is_hub(const char *h);

#endif

/*
 * context_adapter.c - the one place the policy engine calls the Kubernetes
 * and VEX loaders of policy_context.h.  The engine itself takes workloads
 * and a VEX lookup function as plain data (so it is tested with hand-built
 * context); this file turns files on the command line into that data.
 * A manifest or VEX document that cannot be read is an error, never
 * ignored: a gate must not pass because it could not read its context.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgate/policy.h"

typedef struct split_ref {
    char *repo, *tag, *digest;
} split_ref;

/* "host/repo:tag", "repo@sha256:..", "repo:tag@sha256:.." */
static int split(cg_arena *a, const char *ref, split_ref *o)
{
    memset(o, 0, sizeof *o);
    char *s = cg_arena_strdup(a, ref);
    if (!s)
        return -1;
    char *at = strchr(s, '@');
    if (at) {
        *at = 0;
        o->digest = at + 1;
    }
    char *slash = strrchr(s, '/'), *colon = strrchr(s, ':');
    if (colon && (!slash || colon > slash)) {
        *colon = 0;
        o->tag = colon + 1;
    }
    o->repo = s;
    return 0;
}

typedef struct wl_acc {
    cg_workload *v;
    size_t n, cap;
} wl_acc;

static int has_wl(const wl_acc *acc, const cg_workload *w)
{
    for (size_t i = 0; i < acc->n; i++)
        if (!strcmp(acc->v[i].source ? acc->v[i].source : "", w->source ? w->source : "") &&
            !strcmp(acc->v[i].container ? acc->v[i].container : "", w->container ? w->container : ""))
            return 1;
    return 0;
}

static cg_status add_for(const cg_k8s_context *k, cg_arena *a, const char *ref, wl_acc *acc, cg_error *err)
{
    split_ref r;
    if (!ref || !*ref || split(a, ref, &r))
        return CG_OK;
    cg_workload *w = NULL;
    size_t n = 0;
    cg_status st = cg_k8s_workloads_for(k, r.repo, r.tag, r.digest, a, &w, &n, err);
    for (size_t i = 0; st == CG_OK && i < n; i++) {
        if (has_wl(acc, &w[i]))
            continue;
        if (acc->n == acc->cap) {
            size_t nc = acc->cap ? acc->cap * 2 : 8;
            cg_workload *nv = cg_arena_calloc(a, nc, sizeof *nv);
            if (!nv)
                return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
            if (acc->n)
                memcpy(nv, acc->v, acc->n * sizeof *nv);
            acc->v = nv, acc->cap = nc;
        }
        acc->v[acc->n++] = w[i];
    }
    return st;
}

cg_status cg_policy_context_load(const char *const *paths, size_t n, const cg_preport *r, cg_arena *a,
                                 cg_k8s_context **ctx, const cg_workload **wl, size_t *n_wl,
                                 const char *const **ignored, size_t *n_ignored, cg_error *err)
{
    cg_k8s_context *k = NULL;
    *ctx = NULL, *wl = NULL, *n_wl = 0, *ignored = NULL, *n_ignored = 0;
    cg_status st = cg_k8s_load(paths, n, a, &k, err);
    if (st != CG_OK)
        return st;
    *ctx = k;
    wl_acc acc = {0};
    for (size_t i = 0; st == CG_OK && i < r->n_repo_digests; i++)
        st = add_for(k, a, r->repo_digests[i], &acc, err);
    for (size_t i = 0; st == CG_OK && i < r->n_repo_tags; i++)
        st = add_for(k, a, r->repo_tags[i], &acc, err);
    if (st == CG_OK && !r->n_repo_tags && !r->n_repo_digests)
        st = add_for(k, a, r->artifact_name, &acc, err);
    if (st != CG_OK)
        return st;
    *wl = acc.v, *n_wl = acc.n;
    *n_ignored = cg_k8s_ignored(k, ignored);
    return CG_OK;
}

cg_status cg_policy_vex_lookup(void *vex, const char *id, const char *const *aliases, size_t n_aliases,
                               const char *purl, cg_vex_match *out)
{
    return cg_vex_lookup(vex, id, aliases, n_aliases, purl, out);
}

/*
 * exceptions.c - the exception index: which accepted risks apply to a
 * finding on the decision's date.  Exceptions are keyed by id in a hash map
 * (chains keep declaration order), so 10,000 findings against thousands of
 * exceptions stay linear.  An exception is active through its expiry day;
 * after it, it stops suppressing and the decision lists it as expired.
 */
#include <stdlib.h>
#include <fnmatch.h>
#include <string.h>

#include "policy/policy_int.h"

cg_status cg_pexset_build(cg_pexset *s, const cg_pexception *a, size_t na, const cg_pexception *b, size_t nb,
                          const char *now, int allow_permanent, cg_error *err)
{
    memset(s, 0, sizeof *s);
    cg_strmap_init(&s->by_id);
    size_t n = na + nb;
    s->ex = calloc(n + 1, sizeof *s->ex);
    s->next = calloc(n + 1, sizeof *s->next);
    s->active = calloc(n + 1, sizeof *s->active);
    s->hits = calloc(n + 1, sizeof *s->hits);
    if (!s->ex || !s->next || !s->active || !s->hits)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const cg_pexception *e = i < na ? &a[i] : &b[i - na];
        if (!e->expires && !allow_permanent)
            return cg_error_set(err, CG_ERR_INPUT,
                                "%s: expires: missing for the exception of %s (the policy does not set "
                                "allowPermanentExceptions: true)",
                                e->source ? e->source : "exception", e->id);
        s->ex[i] = e;
        s->active[i] = !e->expires || strcmp(now, e->expires) <= 0;
    }
    s->n = n;
    /* chains in declaration order: insert from the back */
    for (size_t i = n; i-- > 0;) {
        const char *id = s->ex[i]->id;
        size_t head = (size_t)(uintptr_t)cg_strmap_get(&s->by_id, id, strlen(id));
        s->next[i] = head;
        if (cg_strmap_put(&s->by_id, id, strlen(id), (void *)(uintptr_t)(i + 1)) != CG_OK)
            return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    }
    return CG_OK;
}

static int applies(const cg_pexception *e, const cg_pfinding *f)
{
    if (e->path) {
        const char *t = f->conf ? f->target : f->pkg_path;
        if (!t || fnmatch(e->path, t, 0))
            return 0;
    }
    if (f->conf)
        return !e->package && !e->version;
    if (e->package && strcmp(e->package, f->pkg) && !(f->purl && !strcmp(e->package, f->purl)))
        return 0;
    if (e->version && (!f->installed || strcmp(e->version, f->installed)))
        return 0;
    return 1;
}

static long scan_chain(cg_pexset *s, const char *id, const cg_pfinding *f, size_t fi, long best, cg_status *st)
{
    size_t i = (size_t)(uintptr_t)cg_strmap_get(&s->by_id, id, strlen(id));
    for (; i; i = s->next[i - 1]) {
        size_t k = i - 1;
        if (!applies(s->ex[k], f))
            continue;
        cg_vec *h = &s->hits[k];
        /* the same finding can reach one exception through two aliases */
        if (!(h->n && ((size_t *)h->v)[h->n - 1] == fi) && !cg_vec_push(h, &fi, sizeof fi))
            *st = CG_ERR_NOMEM;
        if (s->active[k] && (best < 0 || (long)k < best))
            best = (long)k;
    }
    return best;
}

long cg_pexset_match(cg_pexset *s, const cg_pfinding *f, size_t fi, cg_error *err, cg_status *st)
{
    if (!s->n)
        return -1;
    long best = scan_chain(s, f->id, f, fi, -1, st);
    for (size_t i = 0; i < f->n_aliases; i++)
        if (strcmp(f->aliases[i], f->id))
            best = scan_chain(s, f->aliases[i], f, fi, best, st);
    if (*st != CG_OK)
        cg_error_set(err, *st, "out of memory");
    return best;
}

void cg_pexset_free(cg_pexset *s)
{
    for (size_t i = 0; s->hits && i < s->n; i++)
        free(s->hits[i].v);
    free(s->hits);
    free(s->ex);
    free(s->next);
    free(s->active);
    cg_strmap_free(&s->by_id);
    memset(s, 0, sizeof *s);
}

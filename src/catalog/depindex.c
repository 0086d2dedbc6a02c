/*
 * depindex.c - the dependency index of the OS package catalogers
 * (depindex.h): two sorted arrays searched by binary search, and the
 * sort-and-unique step that turns what a package's dependencies resolved to
 * into its `depends` list.  Knows no package format.
 */
#include "catalog/depindex.h"

#include <stdlib.h>
#include <string.h>

typedef struct prov {
    const char *cap, *pkg;
} prov;

static int prov_cmp(const void *x, const void *y)
{
    const prov *a = x, *b = y;
    int c = strcmp(a->cap, b->cap);
    return c ? c : strcmp(a->pkg, b->pkg);
}

bool cg_depindex_add_name(cg_depindex *ix, const char *name)
{
    return cg_vec_push(&ix->names, &name, sizeof name);
}

bool cg_depindex_add_provide(cg_depindex *ix, const char *cap, const char *pkg)
{
    prov p = {cap, pkg};
    return cg_vec_push(&ix->provs, &p, sizeof p);
}

bool cg_depindex_add_package(cg_depindex *ix, const char *name, const char *const *provides, size_t n_provides)
{
    if (!cg_depindex_add_name(ix, name))
        return false;
    for (size_t i = 0; i < n_provides; i++)
        if (!cg_depindex_add_provide(ix, provides[i], name))
            return false;
    return true;
}

void cg_depindex_seal(cg_depindex *ix)
{
    if (ix->names.n)
        qsort(ix->names.v, ix->names.n, sizeof(const char *), cg_strptr_cmp);
    if (ix->provs.n)
        qsort(ix->provs.v, ix->provs.n, sizeof(prov), prov_cmp);
}

void cg_depindex_free(cg_depindex *ix)
{
    free(ix->names.v);
    free(ix->provs.v);
    *ix = (cg_depindex){0};
}

bool cg_depindex_has_name(const cg_depindex *ix, const char *name)
{
    return ix->names.n && bsearch(&name, ix->names.v, ix->names.n, sizeof name, cg_strptr_cmp);
}

int cg_depindex_resolve(const cg_depindex *ix, const char *dep, unsigned flags, cg_vec *out)
{
    if ((flags & CG_DEP_BY_NAME) && cg_depindex_has_name(ix, dep))
        return cg_vec_push(out, &dep, sizeof dep) ? 1 : -1;
    const prov *pv = ix->provs.v;
    size_t lo = 0, hi = ix->provs.n;
    while (lo < hi) { /* the first entry for dep: providers follow in name order */
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(pv[mid].cap, dep) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    int n = 0;
    for (; lo < ix->provs.n && !strcmp(pv[lo].cap, dep); lo++) {
        if (!cg_vec_push(out, &pv[lo].pkg, sizeof pv[lo].pkg))
            return -1;
        n++;
        if (flags & CG_DEP_FIRST_PROVIDER)
            break;
    }
    return n;
}

cg_status cg_depindex_set_depends(cg_arena *a, cg_vec *found, cg_package *p)
{
    const char **v = found->v;
    size_t u = 0;
    if (found->n) {
        qsort(v, found->n, sizeof *v, cg_strptr_cmp);
        for (size_t i = 0; i < found->n; i++)
            if (strcmp(v[i], p->name) && (u == 0 || strcmp(v[u - 1], v[i])))
                v[u++] = v[i];
    }
    if (u) {
        p->depends = cg_arena_memdup(a, v, u * sizeof *v);
        p->n_depends = u;
    }
    free(v);
    *found = (cg_vec){0};
    return (u && !p->depends) ? CG_ERR_NOMEM : CG_OK;
}

/*
 * depindex.h - how the OS package catalogers (dpkg.c, apk.c, rpm.c) turn
 * dependency names into `depends` edges: an index of installed package names
 * and of capabilities (Debian virtual packages, apk so:/cmd:/pc: provides,
 * rpm PROVIDENAME and required file paths) to the packages providing them,
 * and the final sorted, de-duplicated list.  Internal to src/catalog/.
 *
 * What a format does with alternatives and unresolved names stays in its
 * cataloger (dpkg keeps the first alternative as written, apk keeps plain
 * names, rpm drops them); the lookups and the list live here.  Strings are
 * never copied: they belong to the cataloger's arena and must outlive the
 * index.  The index's own arrays are malloc'd: cg_depindex_free.
 */
#ifndef CG_DEPINDEX_H
#define CG_DEPINDEX_H

#include <stdbool.h>

#include "catalog/catalog.h"
#include "core/vec.h"

typedef struct cg_depindex {
    cg_vec names; /* const char *: installed package names */
    cg_vec provs; /* capability -> providing package */
} cg_depindex;    /* = {0} to start */

/* Add an installed package's name / a capability it provides / both at once
 * (before cg_depindex_seal).  false on out of memory. */
bool cg_depindex_add_name(cg_depindex *ix, const char *name);
bool cg_depindex_add_provide(cg_depindex *ix, const char *cap, const char *pkg);
bool cg_depindex_add_package(cg_depindex *ix, const char *name, const char *const *provides, size_t n_provides);

/* Sort the index; once, after the last add, before the first lookup. */
void cg_depindex_seal(cg_depindex *ix);
void cg_depindex_free(cg_depindex *ix);

/* Is a package called name installed? */
bool cg_depindex_has_name(const cg_depindex *ix, const char *name);

/* How cg_depindex_resolve looks a dependency up. */
enum {
    CG_DEP_BY_NAME = 1,        /* an installed package of that name wins; providers only when there is none */
    CG_DEP_FIRST_PROVIDER = 2, /* only the first provider in name order (else every provider) */
};

/* Append to out (const char *) the packages that satisfy dep under flags.
 * Returns how many were appended (0: unresolved), -1 on out of memory. */
int cg_depindex_resolve(const cg_depindex *ix, const char *dep, unsigned flags, cg_vec *out);

/* found (const char *, any order, duplicates allowed) becomes p->depends:
 * sorted, unique, without p's own name, in arena a.  Frees found's array. */
cg_status cg_depindex_set_depends(cg_arena *a, cg_vec *found, cg_package *p);

#endif

/*
 * vec.h - cg_vec, the one growable array of fixed-size items (pointers or
 * small structs) used while collecting records whose count is not known in
 * advance.  Memory is malloc'd; the owner frees .v.  Growth is overflow-safe.
 */
#ifndef CG_VEC_H
#define CG_VEC_H

#include <stdbool.h>
#include <stddef.h>

typedef struct cg_vec {
    void *v;
    size_t n, cap;
} cg_vec;

/* Append one item of sz bytes; false on allocation failure (vec unchanged). */
bool cg_vec_push(cg_vec *x, const void *item, size_t sz);

/* qsort/bsearch comparator for arrays of `const char *`. */
int cg_strptr_cmp(const void *a, const void *b);

#endif

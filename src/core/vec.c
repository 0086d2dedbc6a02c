/*
 * vec.c - cg_vec (see vec.h).
 */
#include "core/vec.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

bool cg_vec_push(cg_vec *x, const void *item, size_t sz)
{
    if (x->n == x->cap) {
        size_t nc = x->cap ? x->cap * 2 : 16;
        if (sz == 0 || nc > SIZE_MAX / sz)
            return false;
        void *p = realloc(x->v, nc * sz);
        if (!p)
            return false;
        x->v = p;
        x->cap = nc;
    }
    memcpy((char *)x->v + x->n * sz, item, sz);
    x->n++;
    return true;
}

int cg_strptr_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * strmap.h - an open-addressing hash map from strings to pointers.  Keys are
 * not copied (callers keep them alive, typically in an arena).  Used by the
 * overlay view of an image, which needs O(1) lookups per tar entry.
 */
#ifndef CG_STRMAP_H
#define CG_STRMAP_H

#include <stddef.h>

#include "cgate/error.h"

typedef struct cg_strmap_slot {
    const char *key; /* NULL = empty; CG_STRMAP_TOMB = deleted */
    size_t klen;
    size_t hash;
    void *val;
} cg_strmap_slot;

typedef struct cg_strmap {
    cg_strmap_slot *slots;
    size_t cap;   /* power of two */
    size_t count; /* live entries */
    size_t used;  /* live + tombstones */
} cg_strmap;

void cg_strmap_init(cg_strmap *m);
void cg_strmap_free(cg_strmap *m);
void *cg_strmap_get(const cg_strmap *m, const char *key, size_t klen);
/* The table's hash of klen bytes at key (FNV-1a, folded); for other tables of strings. */
size_t cg_strmap_hash(const char *key, size_t klen);
/* Insert or replace. */
cg_status cg_strmap_put(cg_strmap *m, const char *key, size_t klen, void *val);
/* Remove; returns the old value or NULL. */
void *cg_strmap_del(cg_strmap *m, const char *key, size_t klen);

/* Iterate: for (size_t i = 0; i < m->cap; i++) if (cg_strmap_live(&m->slots[i])) ... */
int cg_strmap_live(const cg_strmap_slot *s);

#endif

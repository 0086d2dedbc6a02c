/*
 * strmap.c - linear probing, FNV-1a, tombstones, grow at 70% load.
 */
#include "core/strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char tomb_marker;
#define TOMB (&tomb_marker)

void cg_strmap_init(cg_strmap *m)
{
    memset(m, 0, sizeof *m);
}

void cg_strmap_free(cg_strmap *m)
{
    free(m->slots);
    memset(m, 0, sizeof *m);
}

int cg_strmap_live(const cg_strmap_slot *s)
{
    return s->key && s->key != TOMB;
}

size_t cg_strmap_hash(const char *k, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)k[i];
        h *= 1099511628211ull;
    }
    return (size_t)(h ^ (h >> 29));
}

static cg_strmap_slot *find(const cg_strmap *m, const char *key, size_t klen, size_t h)
{
    if (!m->cap)
        return NULL;
    size_t mask = m->cap - 1;
    for (size_t i = h & mask, n = 0; n < m->cap; i = (i + 1) & mask, n++) {
        cg_strmap_slot *s = &m->slots[i];
        if (!s->key)
            return NULL;
        if (s->key != TOMB && s->hash == h && s->klen == klen && memcmp(s->key, key, klen) == 0)
            return s;
    }
    return NULL;
}

static cg_status grow(cg_strmap *m)
{
    size_t ncap = m->cap ? m->cap * 2 : 64;
    if (m->count * 2 < m->cap) /* mostly tombstones: rehash in place size */
        ncap = m->cap;
    cg_strmap_slot *ns = calloc(ncap, sizeof *ns);
    if (!ns)
        return CG_ERR_NOMEM;
    for (size_t i = 0; i < m->cap; i++) {
        cg_strmap_slot *s = &m->slots[i];
        if (!cg_strmap_live(s))
            continue;
        size_t j = s->hash & (ncap - 1);
        while (ns[j].key)
            j = (j + 1) & (ncap - 1);
        ns[j] = *s;
    }
    free(m->slots);
    m->slots = ns;
    m->cap = ncap;
    m->used = m->count;
    return CG_OK;
}

void *cg_strmap_get(const cg_strmap *m, const char *key, size_t klen)
{
    cg_strmap_slot *s = find(m, key, klen, cg_strmap_hash(key, klen));
    return s ? s->val : NULL;
}

cg_status cg_strmap_put(cg_strmap *m, const char *key, size_t klen, void *val)
{
    size_t h = cg_strmap_hash(key, klen);
    cg_strmap_slot *s = find(m, key, klen, h);
    if (s) {
        s->val = val;
        return CG_OK;
    }
    if ((m->used + 1) * 10 >= m->cap * 7) {
        cg_status st = grow(m);
        if (st != CG_OK)
            return st;
    }
    size_t mask = m->cap - 1;
    size_t i = h & mask;
    while (cg_strmap_live(&m->slots[i]))
        i = (i + 1) & mask;
    if (!m->slots[i].key)
        m->used++;
    m->slots[i] = (cg_strmap_slot){key, klen, h, val};
    m->count++;
    return CG_OK;
}

void *cg_strmap_del(cg_strmap *m, const char *key, size_t klen)
{
    cg_strmap_slot *s = find(m, key, klen, cg_strmap_hash(key, klen));
    if (!s)
        return NULL;
    void *v = s->val;
    s->key = TOMB;
    s->val = NULL;
    m->count--;
    return v;
}

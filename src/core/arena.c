/*
 * arena.c - bump allocator in linked blocks.  Large requests get a block of
 * their own so one big string does not waste a standard block.
 */
#include "cgate/arena.h"
#include "core/oom.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK 65536u
#define ARENA_ALIGN 16u

struct cg_arena_block {
    cg_arena_block *next;
    size_t cap;
    size_t used;
    _Alignas(16) unsigned char mem[];
};

void cg_arena_init(cg_arena *a)
{
    a->head = NULL;
    a->used_total = 0;
}

void cg_arena_free(cg_arena *a)
{
    cg_arena_block *b = a->head;
    while (b) {
        cg_arena_block *n = b->next;
        free(b);
        b = n;
    }
    a->head = NULL;
    a->used_total = 0;
}

void *cg_arena_alloc(cg_arena *a, size_t size)
{
    if (size > SIZE_MAX - ARENA_ALIGN - sizeof(cg_arena_block))
        return NULL;
    size_t rounded = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (rounded == 0)
        rounded = ARENA_ALIGN;
    cg_arena_block *b = a->head;
    if (!b || b->cap - b->used < rounded) {
        size_t cap = rounded > ARENA_BLOCK / 4 ? rounded : ARENA_BLOCK;
        cg_arena_block *nb = malloc(sizeof *nb + cap);
        if (!nb) {
            cg_oom_note();
            return NULL;
        }
        nb->cap = cap;
        nb->used = 0;
        if (cap == ARENA_BLOCK || !b) {
            nb->next = b;
            a->head = nb;
        } else {
            /* keep the partly used standard block at the head for small requests */
            nb->next = b->next;
            b->next = nb;
        }
        b = nb;
    }
    void *p = b->mem + b->used;
    b->used += rounded;
    a->used_total += rounded;
    memset(p, 0, size);
    return p;
}

void *cg_arena_calloc(cg_arena *a, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    return cg_arena_alloc(a, n * size);
}

void *cg_arena_memdup(cg_arena *a, const void *p, size_t n)
{
    void *d = cg_arena_alloc(a, n ? n : 1);
    if (d && n)
        memcpy(d, p, n);
    return d;
}

char *cg_arena_strndup(cg_arena *a, const char *s, size_t n)
{
    if (n == SIZE_MAX)
        return NULL;
    char *d = cg_arena_alloc(a, n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *cg_arena_strdup(cg_arena *a, const char *s)
{
    return s ? cg_arena_strndup(a, s, strlen(s)) : NULL;
}

char *cg_arena_sprintf(cg_arena *a, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *d = NULL;
    if (n >= 0 && (d = cg_arena_alloc(a, (size_t)n + 1)))
        vsnprintf(d, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return d;
}

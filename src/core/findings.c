/*
 * findings.c - the growable lists of misconfigurations and secrets that the
 * lint and secrets stages fill and the report and policy read (findings.h).
 * Only storage, order and de-duplication live here; no check knowledge.
 */
#include <stdlib.h>
#include <string.h>

#include "cgate/findings.h"

void cg_findings_init(cg_findings *f)
{
    memset(f, 0, sizeof *f);
    cg_arena_init(&f->arena);
}

void cg_findings_free(cg_findings *f)
{
    if (!f)
        return;
    free(f->mis);
    free(f->sec);
    free(f->targets);
    cg_arena_free(&f->arena);
    memset(f, 0, sizeof *f);
}

static void *grow(void *v, size_t *cap, size_t n, size_t sz)
{
    if (n < *cap)
        return v;
    size_t nc = *cap ? *cap * 2 : 16;
    if (nc > SIZE_MAX / sz)
        return NULL;
    void *p = realloc(v, nc * sz);
    if (p)
        *cap = nc;
    return p;
}

cg_misconfig *cg_findings_add_misconfig(cg_findings *f)
{
    cg_misconfig *p = grow(f->mis, &f->cap_mis, f->n_mis, sizeof *p);
    if (!p)
        return NULL;
    f->mis = p;
    memset(&p[f->n_mis], 0, sizeof *p);
    return &p[f->n_mis++];
}

cg_secret *cg_findings_add_secret(cg_findings *f)
{
    cg_secret *p = grow(f->sec, &f->cap_sec, f->n_sec, sizeof *p);
    if (!p)
        return NULL;
    f->sec = p;
    memset(&p[f->n_sec], 0, sizeof *p);
    p[f->n_sec].layer = -1;
    p[f->n_sec].deleted_in = -1;
    return &p[f->n_sec++];
}

int cg_findings_add_target(cg_findings *f, const char *target, const char *type, size_t n_checks)
{
    for (size_t i = 0; i < f->n_targets; i++)
        if (!strcmp(f->targets[i].target, target)) {
            f->targets[i].n_checks += n_checks;
            return 0;
        }
    cg_config_target *p = grow(f->targets, &f->cap_targets, f->n_targets, sizeof *p);
    if (!p)
        return -1;
    f->targets = p;
    cg_config_target *t = &p[f->n_targets];
    t->target = cg_arena_strdup(&f->arena, target);
    t->target_type = cg_arena_strdup(&f->arena, type);
    t->n_checks = n_checks;
    if (!t->target || !t->target_type)
        return -1;
    f->n_targets++;
    return 0;
}

static int scmp(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

static int mis_cmp(const void *x, const void *y)
{
    const cg_misconfig *a = x, *b = y;
    int c = scmp(a->target, b->target);
    if (c)
        return c;
    if (a->start_line != b->start_line)
        return a->start_line < b->start_line ? -1 : 1;
    if ((c = scmp(a->id, b->id)))
        return c;
    if (a->end_line != b->end_line)
        return a->end_line < b->end_line ? -1 : 1;
    return scmp(a->message, b->message);
}

static int sec_cmp(const void *x, const void *y)
{
    const cg_secret *a = x, *b = y;
    int c = scmp(a->target, b->target);
    if (c)
        return c;
    if (a->layer != b->layer)
        return a->layer < b->layer ? -1 : 1;
    if (a->start_line != b->start_line)
        return a->start_line < b->start_line ? -1 : 1;
    if ((c = scmp(a->rule_id, b->rule_id)))
        return c;
    if ((c = scmp(a->source, b->source)))
        return c;
    return scmp(a->match, b->match);
}

static int tgt_cmp(const void *x, const void *y)
{
    const cg_config_target *a = x, *b = y;
    return scmp(a->target, b->target);
}

void cg_findings_sort(cg_findings *f)
{
    if (f->n_mis > 1) {
        qsort(f->mis, f->n_mis, sizeof *f->mis, mis_cmp);
        size_t w = 1;
        for (size_t i = 1; i < f->n_mis; i++)
            if (mis_cmp(&f->mis[i], &f->mis[w - 1]))
                f->mis[w++] = f->mis[i];
        f->n_mis = w;
    }
    if (f->n_sec > 1) {
        qsort(f->sec, f->n_sec, sizeof *f->sec, sec_cmp);
        size_t w = 1;
        for (size_t i = 1; i < f->n_sec; i++)
            if (sec_cmp(&f->sec[i], &f->sec[w - 1]))
                f->sec[w++] = f->sec[i];
        f->n_sec = w;
    }
    if (f->n_targets > 1)
        qsort(f->targets, f->n_targets, sizeof *f->targets, tgt_cmp);
}

size_t cg_findings_failures(const cg_findings *f, const char *target)
{
    size_t n = 0;
    for (size_t i = 0; i < f->n_mis; i++) {
        if (scmp(f->mis[i].target, target))
            continue;
        int seen = 0;
        for (size_t k = 0; k < i && !seen; k++)
            seen = !scmp(f->mis[k].target, target) && !scmp(f->mis[k].id, f->mis[i].id);
        n += !seen;
    }
    return n;
}

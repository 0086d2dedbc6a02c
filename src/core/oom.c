/*
 * oom.c - the per-thread count of failed allocations (see oom.h for why).
 */
#include <stdlib.h>

#include "core/oom.h"

static _Thread_local unsigned long oom_failures;

void cg_oom_note(void)
{
    oom_failures++;
}

unsigned long cg_oom_count(void)
{
    return oom_failures;
}

void *cg_oom_malloc(size_t n)
{
    void *p = malloc(n);
    if (!p)
        oom_failures++;
    return p;
}

cg_status cg_oom_check(unsigned long before, const char *what, cg_error *err)
{
    if (oom_failures == before)
        return CG_OK;
    return cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", what);
}

/*
 * policy_int.h - internals shared by the policy engine's files: the
 * exception index (exceptions.c) used by the evaluator (policy.c).
 */
#ifndef CG_POLICY_INT_H
#define CG_POLICY_INT_H

#include "cgate/policy.h"
#include "core/strmap.h"
#include "core/vec.h"

typedef struct cg_pexset {
    const cg_pexception **ex; /* policy's, then --exceptions' */
    size_t n;
    size_t *next;   /* chain of exceptions with the same id: index + 1, 0 = end */
    int *active;    /* not expired on the decision's date */
    cg_vec *hits;   /* per exception: size_t indexes of findings it matched */
    cg_strmap by_id; /* id -> first index + 1 */
} cg_pexset;

/* Index the exceptions; an exception without expiry is refused unless
 * allow_permanent. */
cg_status cg_pexset_build(cg_pexset *s, const cg_pexception *a, size_t na, const cg_pexception *b, size_t nb,
                          const char *now, int allow_permanent, cg_error *err);
/* The first active exception (declaration order) matching finding fi, or -1.
 * Every matching exception, active or expired, records the hit. */
long cg_pexset_match(cg_pexset *s, const cg_pfinding *f, size_t fi, cg_error *err, cg_status *st);
void cg_pexset_free(cg_pexset *s);

#endif

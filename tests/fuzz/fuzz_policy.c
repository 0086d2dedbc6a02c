/*
 * fuzz_policy.c - the policy engine's parsers on arbitrary bytes: the same
 * input as a policy, as an exceptions file and as a report; whatever parses
 * is evaluated (with the parsed policy when there is one) and written, so
 * the evaluator and the writers see hostile strings and numbers too.
 */
#include <stdint.h>
#include <string.h>

#include "cgate/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cg_arena a;
    cg_arena_init(&a);
    cg_error err;
    cg_policy pol;
    int have_policy = cg_policy_parse(data, size, "fuzz", &a, &pol, &err) == CG_OK;
    if (!have_policy)
        cg_policy_defaults(&pol);
    cg_pexception *ex = NULL;
    size_t n_ex = 0;
    if (cg_exceptions_parse(data, size, "fuzz", &a, &ex, &n_ex, &err) != CG_OK)
        n_ex = 0;
    cg_preport rep;
    if (cg_preport_read(data, size, "fuzz", &a, &rep, &err) != CG_OK)
        memset(&rep, 0, sizeof rep);
    cg_peval ev;
    memset(&ev, 0, sizeof ev);
    ev.policy = &pol;
    ev.report = &rep;
    ev.extra_exceptions = ex;
    ev.n_extra_exceptions = n_ex;
    ev.now = "2026-01-01";
    cg_decision *d = NULL;
    if (cg_policy_evaluate(&ev, &a, &d, &err) == CG_OK) {
        cg_buf b = CG_BUF_INIT;
        (void)cg_decision_write_json(d, &b, &err);
        cg_buf_reset(&b);
        (void)cg_decision_write_table(d, &b, &err);
        cg_buf_free(&b);
    }
    cg_arena_free(&a);
    return 0;
}

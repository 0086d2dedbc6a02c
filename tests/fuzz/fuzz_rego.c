/*
 * fuzz_rego.c - the Rego engine on arbitrary bytes: the input is parsed as a
 * module, compiled, and `data` evaluated under small limits (steps, memory,
 * time), so parser, compiler and evaluator all see hostile programs.
 */
#include <stdint.h>

#include "cgate/rego.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cg_error err;
    cg_error_clear(&err);
    cg_rego *r = cg_rego_new(0);
    if (!r)
        return 0;
    if (cg_rego_add_module(r, "fuzz.rego", (const char *)data, size, &err) == CG_OK &&
        cg_rego_compile(r, &err) == CG_OK) {
        cg_rego_query q = {0};
        q.query = "x := data";
        q.no_print = 1;
        q.now_ns = 1;
        q.limits.max_steps = 200000;
        q.limits.max_memory = 16u << 20;
        q.limits.max_depth = 200;
        q.limits.timeout_ms = 2000;
        cg_buf out = CG_BUF_INIT;
        cg_rego_outcome oc;
        (void)cg_rego_eval(r, &q, &out, 0, NULL, &oc, &err);
        cg_buf_free(&out);
    }
    cg_rego_free(r);
    return 0;
}

/*
 * fuzz_audit.c - the audit log verifier (`cgate audit verify`) on arbitrary
 * bytes: record parsing, the self-hash and chain checks, artifact entries
 * (looked up in a folder that does not exist, so only the names and the
 * bounds are exercised).
 */
#include <stdint.h>

#include "pipeline/pipeline_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cg_audit_verify_result r;
    pl_audit_verify_log("/nonexistent/cgate-fuzz-audit", data, size, &r);
    return 0;
}

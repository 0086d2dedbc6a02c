/*
 * fuzz_decision.c - the decision file `cgate push --require-decision` (and
 * `cgate run`) reads, on arbitrary bytes: parsed, then asked whether it
 * covers an image and an index as the push gate asks.  A decision that does
 * not parse must never allow anything.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cgate/decision.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char M[] = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
static const char C[] = "sha256:2222222222222222222222222222222222222222222222222222222222222222";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (4u << 20))
        return 0;
    cg_decision_doc *d = NULL;
    cg_error err;
    if (cg_decision_read_mem("fuzz-decision.json", data, size, &d, &err) != CG_OK)
        return 0;
    int passed = cg_decision_passed(d);
    cg_buf why = CG_BUF_INIT;
    cg_decision_cover cover;
    if (cg_decision_covers(d, M, C, &cover, &why, &err) == CG_OK && cover == CG_COVER_YES && !passed)
        abort(); /* a deny never covers */
    cg_buf_reset(&why);
    (void)cg_decision_covers(d, M, NULL, &cover, &why, &err);
    cg_buf_free(&why);
    cg_decision_free(d);
    return 0;
}

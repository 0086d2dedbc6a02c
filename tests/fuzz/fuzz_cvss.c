/*
 * fuzz_cvss.c - CVSS vector parsing and scoring on arbitrary bytes.
 */
#include <stdint.h>

#include "cgate/cvss.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cg_cvss c;
    cg_error err;
    (void)cg_cvss_parse_n((const char *)data, size, &c, &err);
    return 0;
}

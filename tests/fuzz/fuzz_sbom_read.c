/*
 * fuzz_sbom_read.c - the CycloneDX and SPDX readers (cgate's, Syft's and Trivy's
 * SBOMs) on arbitrary bytes, then the writers on whatever was read: a document that
 * reads must also write.
 */
#include <stdint.h>

#include "cgate/buf.h"
#include "cgate/sbom.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (4u << 20))
        return 0;
    cg_sbom *s = NULL;
    cg_error err;
    if (cg_sbom_read(data, size, "fuzz", &s, &err) != CG_OK)
        return 0;
    static const cg_sbom_format fmts[] = {CG_SBOM_CYCLONEDX_JSON, CG_SBOM_SPDX_JSON};
    for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
        cg_buf out;
        cg_buf_init(&out, 64u << 20);
        (void)cg_sbom_write(s, fmts[i], &out, &err);
        cg_buf_free(&out);
    }
    cg_sbom_free(s);
    return 0;
}

/*
 * fuzz_zip.c - the zip reader and the Java cataloger on arbitrary bytes: the
 * input is cataloged as a jar (every entry extracted under small caps, nested
 * archives opened), so directory parsing, local headers, inflate, zip64,
 * manifests and pom.properties all see hostile input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "catalog/zip.h"

extern const cg_cataloger cg_cataloger_java;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* 1: the cataloger, as the driver would call it */
    cg_arena a;
    cg_arena_init(&a);
    cg_cat_ctx *ctx = cg_cat_ctx_new(&a);
    cg_error err;
    cg_cat_file f = {"app/lib/fuzz-1.0.jar", 0, data, size, -1, 0644};
    if (ctx)
        (void)cg_cat_run_files(ctx, &cg_cataloger_java, &f, 1, &err);
    cg_cat_ctx_free(ctx);
    cg_arena_free(&a);

    /* 2: the reader alone, every entry extracted */
    cg_zsrc src = {data, -1, 0, size};
    cg_zip z;
    char why[256];
    if (cg_zip_open(&z, &src, why, sizeof why) == CG_ZIP_OK) {
        cg_zip_entry e;
        uint64_t budget = 8u << 20;
        for (int i = 0; i < 10000 && cg_zip_next(&z, &e, why, sizeof why) == 1; i++) {
            uint8_t *out = NULL;
            size_t len = 0;
            cg_zip_caps caps = {.max_out = 1u << 20, .budget = &budget, .max_ratio = 100, .ratio_floor = 4096};
            if (cg_zip_extract(&z, &e, &caps, &out, &len, why, sizeof why) == CG_ZIP_OK)
                free(out);
        }
    }
    cg_zip_close(&z);
    return 0;
}

/*
 * fuzz_catalog.c - the OS-package catalogers on arbitrary bytes.  The first
 * byte picks the path (and so the cataloger), the rest is the file content.
 */
#include <stdint.h>
#include <string.h>

#include "catalog/catalog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const paths[] = {
        "var/lib/dpkg/status", "var/lib/dpkg/status.d/pkg", "usr/share/doc/bash/copyright",
        "lib/apk/db/installed", "etc/os-release", "usr/lib/os-release", "etc/debian_version",
        "etc/alpine-release",
    };
    if (size < 1)
        return 0;
    const char *path = paths[data[0] % (sizeof paths / sizeof paths[0])];
    cg_cat_file f = {path, 0, data + 1, size - 1};
    for (size_t c = 0; c < cg_n_catalogers; c++) {
        cg_arena a;
        cg_arena_init(&a);
        cg_cat_ctx *ctx = cg_cat_ctx_new(&a);
        cg_error err;
        if (ctx)
            (void)cg_cat_run_files(ctx, cg_catalogers[c], &f, 1, &err);
        cg_cat_ctx_free(ctx);
        cg_arena_free(&a);
    }
    return 0;
}

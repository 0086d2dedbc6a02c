/*
 * fuzz_rpm.c - the RPM cataloger on arbitrary bytes.  The first byte picks
 * the database path (rpmdb.sqlite, Packages, Packages.db), the rest is the
 * file; the format is told by content, so every reader sees every input
 * whose magic it matches.
 */
#include <stdint.h>
#include <string.h>

#include "catalog/catalog.h"

extern const cg_cataloger cg_cataloger_rpm;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const paths[] = {"var/lib/rpm/rpmdb.sqlite", "var/lib/rpm/Packages",
                                        "usr/lib/sysimage/rpm/Packages.db"};
    if (size < 1)
        return 0;
    const char *path = paths[data[0] % (sizeof paths / sizeof paths[0])];
    cg_cat_file f = {path, 0, data + 1, size - 1, -1, 0644};
    cg_arena a;
    cg_arena_init(&a);
    cg_cat_ctx *ctx = cg_cat_ctx_new(&a);
    cg_error err;
    if (ctx)
        (void)cg_cat_run_files(ctx, &cg_cataloger_rpm, &f, 1, &err);
    cg_cat_ctx_free(ctx);
    cg_arena_free(&a);
    return 0;
}

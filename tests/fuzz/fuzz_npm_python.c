/*
 * fuzz_npm_python.c - the npm and Python catalogers on arbitrary bytes.  The
 * first byte picks the path (and so the parser: package.json, the three npm
 * lockfiles, METADATA, PKG-INFO, poetry.lock, Pipfile.lock, requirements),
 * the rest is the file content; parse and finish both run.
 */
#include <stdint.h>
#include <string.h>

#include "catalog/catalog.h"

extern const cg_cataloger cg_cataloger_npm;
extern const cg_cataloger cg_cataloger_python;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const paths[] = {
        "app/node_modules/a/package.json", "app/package.json", "app/package-lock.json",
        "app/yarn.lock", "app/pnpm-lock.yaml",
        "usr/lib/python3/dist-packages/a-1.dist-info/METADATA",
        "usr/lib/python3/dist-packages/a-1.egg-info/PKG-INFO",
        "usr/lib/python3/dist-packages/a-1.egg-info", "app/poetry.lock", "app/Pipfile.lock",
        "app/requirements.txt",
    };
    if (size < 1)
        return 0;
    const char *path = paths[data[0] % (sizeof paths / sizeof paths[0])];
    cg_cat_file f = {path, 0, data + 1, size - 1, -1, 0644};
    const cg_cataloger *cats[] = {&cg_cataloger_npm, &cg_cataloger_python};
    for (size_t c = 0; c < 2; c++) {
        cg_arena a;
        cg_arena_init(&a);
        cg_cat_ctx *ctx = cg_cat_ctx_new(&a);
        cg_error err;
        if (ctx)
            (void)cg_cat_run_files(ctx, cats[c], &f, 1, &err);
        cg_cat_ctx_free(ctx);
        cg_arena_free(&a);
    }
    return 0;
}

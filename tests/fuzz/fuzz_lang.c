/*
 * fuzz_lang.c - the language catalogers on arbitrary bytes: Gemfile.lock and
 * gemspecs, composer.lock and installed.json, .NET deps.json, go.mod, Cargo.lock,
 * Java pom.properties and MANIFEST.MF.  The first byte picks the path (and so the
 * cataloger that wants it), the rest is the file's content.
 */
#include <stdint.h>
#include <string.h>

#include "catalog/catalog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const paths[] = {
        "app/Gemfile.lock",
        "usr/lib/ruby/gems/3.1.0/specifications/rake-13.0.6.gemspec",
        "app/composer.lock",
        "app/vendor/composer/installed.json",
        "app/web.deps.json",
        "src/go.mod",
        "src/Cargo.lock",
        "opt/app/META-INF/maven/org.x/y/pom.properties",
        "opt/app/META-INF/MANIFEST.MF",
        "app/packages.lock.json",
        "app/packages.config",
    };
    if (size < 1 || size > (1u << 20))
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

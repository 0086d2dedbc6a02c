/*
 * fuzz_purl.c - the one purl parser (core/purl.c) on arbitrary bytes, and a
 * round trip: what parses is written back by the catalogers' writer
 * (cg_purl_build) and must parse again to the same type, namespace, name and
 * version - SBOM readers, VEX and the matcher all rely on that.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/purl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same(const char *a, const char *b)
{
    if (!a || !*a)
        return !b || !*b;
    return b && !strcmp(a, b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 70000)
        return 0;
    cg_arena a;
    cg_arena_init(&a);
    cg_purl p;
    if (cg_purl_parse(&a, (const char *)data, size, &p) == 0) {
        (void)cg_purl_qualifier(&p, "arch");
        (void)cg_purl_qualifier(&p, "distro");
        cg_purl_qual *q = p.n_quals ? cg_arena_calloc(&a, p.n_quals, sizeof *q) : NULL;
        if (q)
            memcpy(q, p.quals, p.n_quals * sizeof *q);
        char *s = cg_purl_build(&a, p.type, p.namespace_, p.name, p.version, q, q ? p.n_quals : 0);
        cg_purl b;
        if (s && cg_purl_parse(&a, s, strlen(s), &b) == 0) {
            if (!same(p.type, b.type) || !same(p.namespace_, b.namespace_) || !same(p.name, b.name) ||
                !same(p.version, b.version))
                abort(); /* written and read back differently */
        }
    }
    cg_arena_free(&a);
    return 0;
}

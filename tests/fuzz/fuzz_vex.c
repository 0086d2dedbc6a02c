/*
 * fuzz_vex.c - VEX documents (OpenVEX schema checks, CycloneDX VEX, purl
 * matching) on arbitrary bytes.  The loader takes paths,
 * so the input is handed over as an in-memory file (memfd).
 */
#include <stdint.h>

#include "cgate/policy_context.h"
#include "fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    int fd = fuzz_file("vex.json", data, size, path);
    if (fd < 0)
        return 0;
    const char *p = path;
    cg_arena a;
    cg_arena_init(&a);
    cg_error err;
    cg_vex *vex = NULL;
    if (cg_vex_load(&p, 1, &a, &vex, &err) == CG_OK) {
        const char *al[] = {"GHSA-jfh8-c2jp-5v3q"};
        cg_vex_match m;
        (void)cg_vex_lookup(vex, "CVE-2023-12345", al, 1, "pkg:apk/wolfi/git@2.39.0-r1?arch=x86_64", &m);
        (void)cg_vex_lookup(vex, "CVE-2023-5678", NULL, 0, "pkg:deb/debian/libssl3@3.0.11-1~deb12u2", &m);
        cg_vex_free(vex);
    }
    cg_arena_free(&a);
    close(fd);
    return 0;
}

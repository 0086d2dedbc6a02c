/*
 * fuzz_elf.c - the ELF reader and the two binary catalogers (Go build info,
 * Rust .dep-v0) on arbitrary bytes: sniff, then parse and finish in memory.
 */
#include <stdint.h>
#include <string.h>

#include "catalog/catalog.h"
#include "catalog/elf.h"

extern const cg_cataloger cg_cataloger_golang;
extern const cg_cataloger cg_cataloger_rust;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cg_elf_hdr h;
    if (cg_elf_ident(data, size < CG_CAT_HEAD ? size : CG_CAT_HEAD, &h))
        (void)cg_elf_head_has_note(data, size < CG_CAT_HEAD ? size : CG_CAT_HEAD, &h, "Go", 4);
    cg_elf e;
    const char *why;
    if (cg_elf_open(&e, data, -1, size, &why) != CG_ELF_NOMEM) {
        uint64_t off;
        (void)cg_elf_section(&e, ".go.buildinfo");
        (void)cg_elf_va_to_off(&e, 0x400000, 16, &off);
        cg_elf_close(&e);
    }
    const cg_cataloger *cats[] = {&cg_cataloger_golang, &cg_cataloger_rust};
    for (size_t c = 0; c < 2; c++) {
        cg_cat_entry ce = {"app/bin", 7, size, 0755};
        cg_cat_want w;
        (void)cats[c]->sniff(&ce, data, size < CG_CAT_HEAD ? size : CG_CAT_HEAD, &w);
        cg_arena a;
        cg_arena_init(&a);
        cg_cat_ctx *ctx = cg_cat_ctx_new(&a);
        cg_error err;
        if (ctx) {
            cg_cat_file f = {"app/bin", 0, data, size, -1, 0755};
            void *res = NULL;
            if (cats[c]->parse(ctx, &f, &res, &err) == CG_OK) {
                cg_cat_node n = {"app/bin", 0, res, NULL};
                const cg_cat_node *np = &n;
                (void)cats[c]->finish(ctx, &np, 1, &err);
            }
        }
        cg_cat_ctx_free(ctx);
        cg_arena_free(&a);
    }
    return 0;
}

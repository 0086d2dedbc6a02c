/*
 * fuzz_secrets.c - the secret matcher (both engines: Hyperscan and the POSIX
 * fallback must agree on the number of findings) and the trivy-secret.yaml
 * reader on arbitrary bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cgate/secrets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static cg_secret_scanner *hs, *px;
    cg_error err;
    if (!hs) {
        cg_secret_opts o = {NULL, 0, 1, 0, NULL};
        if (cg_secret_scanner_new(&o, &hs, &err) != CG_OK)
            abort();
        o.no_hyperscan = 1;
        if (cg_secret_scanner_new(&o, &px, &err) != CG_OK)
            abort();
    }
    cg_findings f;
    cg_findings_init(&f);
    size_t n1 = 0, n2 = 0;
    if (cg_secret_scan_buf(hs, "/app/.env", data, size, NULL, &f, &n1, &err) != CG_OK)
        abort();
    if (cg_secret_scan_buf(px, "/app/.env", data, size, NULL, &f, &n2, &err) != CG_OK)
        abort();
    /* the engines must agree on any bytes, NULs included (binary files are
     * asked for above: include_binary) */
    if (n1 != n2)
        abort(); /* the engines disagree */
    cg_findings_free(&f);
    cg_arena a;
    cg_arena_init(&a);
    cg_secret_config c;
    if (cg_secret_config_parse(data, size, "trivy-secret.yaml", &a, &c, &err) == CG_OK) {
        cg_secret_opts o = {&c, 1, 0, 0, NULL};
        cg_secret_scanner *s = NULL;
        if (cg_secret_scanner_new(&o, &s, &err) == CG_OK) {
            cg_findings_init(&f);
            (void)cg_secret_scan_buf(s, "/x", data, size, NULL, &f, NULL, &err);
            cg_findings_free(&f);
        }
        cg_secret_scanner_free(s);
    }
    cg_arena_free(&a);
    return 0;
}

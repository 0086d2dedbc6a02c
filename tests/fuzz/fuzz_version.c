/*
 * fuzz_version.c - version parsing and ordering of every scheme, and npm
 * ranges, on arbitrary bytes: the input is split at its first NUL (or in
 * half) into two versions, the first byte choosing a row of the ecosystem
 * table (core/ecosystem.c) whose scheme orders them; rows without a scheme in
 * cgate still exercise the lookup.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cgate/version.h"
#include "core/ecosystem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2 || size > 4096)
        return 0;
    const uint8_t *body = data + 1;
    size_t n = size - 1;
    const uint8_t *nul = memchr(body, 0, n);
    size_t la = nul ? (size_t)(nul - body) : n / 2;
    size_t lb_off = nul ? la + 1 : la;
    char *a = malloc(la + 1), *b = malloc(n - lb_off + 1);
    if (a && b) {
        memcpy(a, body, la);
        a[la] = '\0';
        memcpy(b, body + lb_off, n - lb_off);
        b[n - lb_off] = '\0';
        const cg_ecosystem *e = &cg_ecosystems[data[0] % cg_n_ecosystems];
        cg_ver_scheme s;
        cg_error err;
        int cmp;
        if (cg_ver_scheme_for_ecosystem(e->osv, &s) == 0) {
            (void)cg_ver_valid(s, a);
            (void)cg_ver_compare(s, a, b, &cmp, &err);
        }
        (void)cg_semver_satisfies(a, b, &cmp, &err);
    }
    free(a);
    free(b);
    return 0;
}

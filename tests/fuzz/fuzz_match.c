/*
 * fuzz_match.c - OSV range evaluation on arbitrary versions and events: the
 * input is split at NULs into an installed version and up to 16 events (the
 * first byte of each picks introduced/fixed/last_affected/limit), the first
 * input byte picks the ecosystem.  Evaluation must never crash, and a
 * finding must carry a status the report knows.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan/scan_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const ecos[] = {"npm", "PyPI", "Go", "Maven", "Debian:12", "Alpine:v3.19", "RubyGems",
                                       "NuGet", "Packagist", "crates.io", "Rocky Linux:9", "Hex"};
    if (size < 2 || size > 8192)
        return 0;
    cg_arena a;
    cg_arena_init(&a);
    const char *eco = ecos[data[0] % (sizeof ecos / sizeof ecos[0])];
    char *raw = cg_arena_alloc(&a, size);
    if (!raw) {
        cg_arena_free(&a);
        return 0;
    }
    memcpy(raw, data + 1, size - 1);
    raw[size - 1] = 0;
    const char *parts[17];
    size_t np = 0, start = 0;
    for (size_t i = 0; i <= size - 1 && np < 17; i++)
        if (raw[i] == 0) {
            parts[np++] = raw + start;
            start = i + 1;
        }
    cg_vdb_event ev[16];
    memset(ev, 0, sizeof ev);
    size_t ne = 0;
    for (size_t i = 1; i < np; i++) {
        const char *p = parts[i];
        int kind = p[0] % 4;
        const char *v = p[0] ? p + 1 : p;
        if (kind == 0) ev[ne].introduced = v;
        else if (kind == 1) ev[ne].fixed = v;
        else if (kind == 2) ev[ne].last_affected = v;
        else ev[ne].limit = v;
        ne++;
    }
    cg_vdb_range r[2] = {{"ECOSYSTEM", ev, ne}, {"SEMVER", ev, ne}};
    const char *vers[1] = {np > 1 ? parts[1] : ""};
    cg_vdb_affected af = {eco, "p", r, 2, vers, 1};
    cg_vdb_advisory adv;
    memset(&adv, 0, sizeof adv);
    adv.id = "FUZZ-1";
    adv.affected = &af;
    adv.n_affected = 1;
    cg_match_result m;
    if (cg_match_eval(&adv, eco, np ? parts[0] : "", &a, &m) == 0 && m.affected &&
        m.status != CG_FIND_FIXED && m.status != CG_FIND_AFFECTED && m.status != CG_FIND_UNKNOWN)
        abort();
    cg_arena_free(&a);
    return 0;
}

/*
 * fuzz_osv.c - the vulnerability DB's importers on arbitrary bytes: the
 * first byte picks how the rest is named (.json, .yaml, .csv), so OSV JSON,
 * OSV YAML, KEV, NVD, Alpine secdb and EPSS parsing all run, into an
 * in-memory SQLite DB, then the derived columns are recomputed.
 */
#include <stdint.h>
#include <string.h>

#include "vulndb/vdb_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const char *const names[] = {"f.json", "f.yaml", "f.csv", "f.json"};
    const char *name = names[data[0] & 3];
    cg_arena a;
    cg_arena_init(&a);
    cg_vdb_import_report rep;
    memset(&rep, 0, sizeof rep);
    vdb_imp im;
    memset(&im, 0, sizeof im);
    im.a = &a;
    im.rep = &rep;
    im.now = 1700000000;
    im.max_file_bytes = 1 << 20;
    cg_error err;
    cg_error_clear(&err);
    if (sqlite3_open(":memory:", &im.db) == SQLITE_OK && vdb_create_schema(im.db, &err) == CG_OK &&
        vdb_prepare_import(&im, &err) == CG_OK &&
        vdb_import_buffer(&im, data + 1, size - 1, name, &err) == CG_OK)
        (void)vdb_finalize(&im, &err);
    vdb_finish_import(&im);
    sqlite3_close(im.db);
    cg_arena_free(&a);
    return 0;
}

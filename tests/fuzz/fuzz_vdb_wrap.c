/*
 * fuzz_vdb_wrap.c - the wrappers `cgate db import` unpacks before any record
 * parser runs, on arbitrary bytes: a zip (osv.dev's all.zip: entry names,
 * traversal checks, the per-entry and total inflate caps) and gzip files
 * (OSV JSON, EPSS CSV, NVD feeds streamed through zlib).  The input is
 * written under the name the first byte picks and imported as a path into
 * an in-memory DB, as fuzz_osv does with the bare records.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vulndb/vdb_int.h"
#include "fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "%s/cgate-fuzz-vdb-%d", fuzz_tmpdir(), (int)getpid());
        mkdir(dir, 0700);
        fuzz_remove_at_exit(dir);
    }
    static const char *const names[] = {"all.zip", "osv.json.gz", "epss.csv.gz", "nvdcve-2.0-2024.json.gz"};
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, names[data[0] & 3]);
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    if (size > 1 && fwrite(data + 1, 1, size - 1, f) != size - 1)
        abort();
    fclose(f);
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
        vdb_prepare_import(&im, &err) == CG_OK && vdb_import_path(&im, path, &err) == CG_OK)
        (void)vdb_finalize(&im, &err);
    vdb_finish_import(&im);
    sqlite3_close(im.db);
    cg_arena_free(&a);
    unlink(path);
    return 0;
}

/*
 * fuzz_vulndb_file.c - an existing vulnerability DB file that is not what cgate
 * wrote: arbitrary bytes as the SQLite file, then open, status and a lookup.  A
 * corrupt or foreign file must be an error, never a crash or a silent empty DB.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cgate/arena.h"
#include "cgate/vulndb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20))
        return 0;
    char path[] = "/tmp/cg-fuzz-vdb-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return 0;
    if (size && write(fd, data, size) != (ssize_t)size) {
        close(fd);
        unlink(path);
        return 0;
    }
    close(fd);
    cg_vdb *db = NULL;
    cg_error err;
    if (cg_vdb_open(path, &db, &err) == CG_OK) {
        cg_arena a;
        cg_arena_init(&a);
        cg_vdb_source_stat *st = NULL;
        size_t n = 0;
        int64_t newest = 0;
        (void)cg_vdb_stats(db, &a, &st, &n, &newest, &err);
        cg_vdb_advisory *adv = NULL;
        (void)cg_vdb_lookup(db, "npm", "minimist", &a, &adv, &n, &err);
        (void)cg_vdb_lookup(db, "Debian:12", "openssl", &a, &adv, &n, &err);
        cg_vdb_close(db);
        cg_arena_free(&a);
    }
    unlink(path);
    return 0;
}

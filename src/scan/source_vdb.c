/*
 * source_vdb.c - the scanner's view of the vulnerability DB: a cg_scan_source
 * whose lookup is cg_vdb_lookup().  Its own file so that programs and tests
 * that scan from another source do not pull the DB code in.
 */
#include "cgate/scan.h"

static cg_status vdb_lookup(void *ud, const char *ecosystem, const char *name, cg_arena *a,
                            cg_vdb_advisory **out, size_t *n, cg_error *err)
{
    return cg_vdb_lookup(ud, ecosystem, name, a, out, n, err);
}

cg_scan_source cg_scan_source_vdb(cg_vdb *db)
{
    cg_scan_source s = {vdb_lookup, db};
    return s;
}

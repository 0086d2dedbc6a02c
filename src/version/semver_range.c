/* semver_range.c - not implemented yet. */
#include "version/version_int.h"

cg_status cg_semver_satisfies(const char *version, const char *range, int *result, cg_error *err)
{
    (void)version, (void)range, (void)result;
    return cg_error_set(err, CG_ERR_INTERNAL, "not implemented");
}

/* composer.c - not implemented yet: every version is rejected (reported unknown). */
#include "version/version_int.h"

int cg_ver_composer_valid(const char *v, size_t n)
{
    (void)v, (void)n;
    return 0;
}

int cg_ver_composer_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    (void)a, (void)an, (void)b, (void)bn;
    return 0;
}

/*
 * test_license.c - cg_license_map: SPDX ids in any case, DEP-5 / legacy
 * aliases, expressions (DEP-5 and/or/with, '|' and ',' grouping), and the
 * "keep as written" path for anything that does not map exactly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "catalog/license.h"

static void check(const char *in, const char *want, int spdx)
{
    cg_arena a;
    cg_arena_init(&a);
    cg_license l;
    assert_int_equal(cg_license_map(&a, in, strlen(in), &l), 0);
    if (strcmp(l.value, want) != 0 || l.is_spdx != spdx)
        fail_msg("map(\"%s\") = \"%s\" (spdx %d), want \"%s\" (spdx %d)", in, l.value,
                 l.is_spdx, want, spdx);
    cg_arena_free(&a);
}

static void test_ids(void **state)
{
    (void)state;
    check("MIT", "MIT", 1);
    check("mit", "MIT", 1);
    check("  Apache-2.0 \n", "Apache-2.0", 1);
    check("bsd-3-clause", "BSD-3-Clause", 1);
    check("BSD-2-clause", "BSD-2-Clause", 1);
    check("BSD-4-CLAUSE", "BSD-4-Clause", 1);
    check("zlib", "Zlib", 1);
    check("ISC", "ISC", 1);
    check("X11", "X11", 1);
    check("curl", "curl", 1);
    check("OpenSSL", "OpenSSL", 1);
    check("MPL-1.1", "MPL-1.1", 1);
    check("MPL-2.0", "MPL-2.0", 1);
    check("GPL-2.0-only", "GPL-2.0-only", 1);
    check("GPL-3.0-or-later", "GPL-3.0-or-later", 1);
}

static void test_dep5_aliases(void **state)
{
    (void)state;
    check("GPL-1", "GPL-1.0-only", 1);
    check("GPL-1+", "GPL-1.0-or-later", 1);
    check("GPL-2", "GPL-2.0-only", 1);
    check("GPL-2+", "GPL-2.0-or-later", 1);
    check("GPL-3", "GPL-3.0-only", 1);
    check("GPL-3+", "GPL-3.0-or-later", 1);
    check("gpl-2+", "GPL-2.0-or-later", 1);
    check("GPL-2.0+", "GPL-2.0-or-later", 1); /* deprecated SPDX id -> current */
    check("GPL-2.0", "GPL-2.0-only", 1);
    check("GPL2+", "GPL-2.0-or-later", 1);    /* as old apk packages write it */
    check("LGPL-2", "LGPL-2.0-only", 1);
    check("LGPL-2+", "LGPL-2.0-or-later", 1);
    check("LGPL-2.1", "LGPL-2.1-only", 1);
    check("LGPL-2.1+", "LGPL-2.1-or-later", 1);
    check("LGPL-3", "LGPL-3.0-only", 1);
    check("LGPL-3+", "LGPL-3.0-or-later", 1);
    check("AGPL-3", "AGPL-3.0-only", 1);
    check("AGPL-3+", "AGPL-3.0-or-later", 1);
    check("GFDL-1.2", "GFDL-1.2-only", 1);
    check("GFDL-1.2+", "GFDL-1.2-or-later", 1);
    check("GFDL-1.3+", "GFDL-1.3-or-later", 1);
    check("GFDL-NIV-1.3+", "GFDL-1.3-no-invariants-or-later", 1);
    check("Expat", "MIT", 1);
    check("Artistic", "Artistic-1.0", 1);
    check("PSF-2", "PSF-2.0", 1);
    check("GPL-4+", "GPL-4+", 0); /* no such licence */
    check("GPL", "GPL", 0);       /* unversioned: not guessable */
}

static void test_expressions(void **state)
{
    (void)state;
    check("GPL-1+ or Artistic", "GPL-1.0-or-later OR Artistic-1.0", 1);
    check("GPL-2+ | BSD-3-clause", "GPL-2.0-or-later OR BSD-3-Clause", 1);
    check("MIT and Zlib", "MIT AND Zlib", 1);
    check("(MIT or Apache-2.0) and ISC", "(MIT OR Apache-2.0) AND ISC", 1);
    check("MIT OR (Apache-2.0 AND ISC)", "MIT OR (Apache-2.0 AND ISC)", 1);
    /* DEP-5 comma: "A or B, and C" = (A or B) and C */
    check("GPL-2+ or Artistic, and BSD-3-clause",
          "(GPL-2.0-or-later OR Artistic-1.0) AND BSD-3-Clause", 1);
    check("MIT and ISC, or Zlib", "MIT AND ISC OR Zlib", 1);
    check("GPL-2.0-or-later WITH Classpath-exception-2.0",
          "GPL-2.0-or-later WITH Classpath-exception-2.0", 1);
    check("GPL-3+ with GCC-exception-3.1", "GPL-3.0-or-later WITH GCC-exception-3.1", 1);
    /* apk: space-separated ids without operators = AND */
    check("MIT BSD-2-Clause", "MIT AND BSD-2-Clause", 1);
    check("MIT BSD GPL2+", "MIT BSD GPL2+", 0);
    /* an exception that is not on the SPDX list keeps the whole text */
    check("GPL-2+ with OpenSSL exception", "GPL-2+ with OpenSSL exception", 0);
    check("public-domain", "public-domain", 0);
    check("MIT or public-domain", "MIT or public-domain", 0);
    check("custom", "custom", 0);
}

static void test_malformed(void **state)
{
    (void)state;
    check("MIT and", "MIT and", 0);
    check("(MIT", "(MIT", 0);
    check("MIT)", "MIT)", 0);
    check("and MIT", "and MIT", 0);
    check("MIT, Zlib", "MIT, Zlib", 0);
    check("MIT with", "MIT with", 0);
    check("389-exception", "389-exception", 0); /* an exception is not a licence */
    check("", "", 0);
    check("((((((((((((((((((MIT))))))))))))))))))", "((((((((((((((((((MIT))))))))))))))))))", 0);
    /* embedded NUL: not a licence expression */
    cg_arena a;
    cg_arena_init(&a);
    cg_license l;
    assert_int_equal(cg_license_map(&a, "MIT\0x", 5, &l), 0);
    assert_int_equal(l.is_spdx, 0);
    cg_arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ids),
        cmocka_unit_test(test_dep5_aliases),
        cmocka_unit_test(test_expressions),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

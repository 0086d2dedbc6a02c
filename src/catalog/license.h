/*
 * license.h - turning licence names as packages write them (apk "L:", DEP-5
 * "License:" short names like "GPL-2+", "BSD-3-clause", "Expat") into SPDX
 * identifiers or expressions where a mapping is known.
 */
#ifndef CG_LICENSE_H
#define CG_LICENSE_H

#include <stddef.h>

#include "cgate/arena.h"
#include "cgate/package.h"

/* Map one licence text (a name or an expression using and/or/with, "|" or ","
 * in DEP-5 style) to a cg_license.  is_spdx = 1 when every identifier in it
 * maps to an SPDX id; then value is a valid SPDX expression.  Otherwise value
 * is the text as written (trimmed).  Returns 0, or -1 on OOM. */
int cg_license_map(cg_arena *a, const char *text, size_t len, cg_license *out);

/* The canonical spelling of an SPDX licence or exception id (case-insensitive
 * match of s[0..n)), or NULL when it is not on the SPDX list. */
const char *cg_spdx_id_lookup(const char *s, size_t n);

#endif

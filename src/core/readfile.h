/*
 * readfile.h - reading a whole input file (an SBOM, a report, a policy) into
 * a cg_buf with a size cap, so a 10 GB "policy" is refused, not slurped.
 */
#ifndef CG_READFILE_H
#define CG_READFILE_H

#include <stddef.h>

#include "cgate/buf.h"
#include "cgate/error.h"

/* Append the regular file at path to b; CG_ERR_LIMIT past max bytes, CG_ERR_IO
 * when it cannot be opened or read, CG_ERR_INPUT when it is not a regular file.
 * what names the kind of file in the size message ("SBOM", "policy"); NULL
 * leaves it out ("over the 4096-byte cap"). */
cg_status cg_read_file(const char *path, size_t max, const char *what, cg_buf *b, cg_error *err);

#endif

/*
 * outfile.h - writing an output artifact whole or not at all.  A regular file
 * (or a path that does not exist yet) is written to a temporary file beside it
 * and renamed into place; a character device, FIFO or socket (/dev/null,
 * /dev/stdout, a pipe) is written directly, never replaced.
 */
#ifndef CG_OUTFILE_H
#define CG_OUTFILE_H

#include <stddef.h>

#include "cgate/error.h"

cg_status cg_write_output(const char *path, const void *data, size_t len, cg_error *err);

#endif

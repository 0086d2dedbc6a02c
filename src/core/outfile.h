/*
 * outfile.h - writing an output artifact whole or not at all.  A regular file
 * (or a path that does not exist yet) is written to a temporary file beside it
 * and renamed into place; a character device, FIFO or socket (/dev/null,
 * /dev/stdout, a pipe) is written directly, never replaced.
 */
#ifndef CG_OUTFILE_H
#define CG_OUTFILE_H

#include <stddef.h>

#include "cgate/buf.h"
#include "cgate/error.h"

cg_status cg_write_output(const char *path, const void *data, size_t len, cg_error *err);

/* The same contract for output written in pieces (documents too large to
 * hold): open, write any number of times (cg_outstream_write is a cg_sink_fn),
 * then commit (fsync + rename into place) or abort (the temporary file is
 * removed; the target is untouched).  path NULL or "-": standard output,
 * written directly. */
typedef struct cg_outstream {
    int fd;
    int direct;   /* not a temporary file: stdout, a device, a FIFO */
    char *tmp;    /* the temporary file beside path (malloc'd) */
    const char *path;
} cg_outstream;

cg_status cg_outstream_open(cg_outstream *o, const char *path, cg_error *err);
cg_status cg_outstream_write(void *o, const void *data, size_t len, cg_error *err);
cg_status cg_outstream_commit(cg_outstream *o, cg_error *err);
void cg_outstream_abort(cg_outstream *o);

#endif

/*
 * mapfile.h - an input file too large to hold (a report of 100,000
 * findings, ~150 MB) read through a read-only mapping: its pages come from
 * the page cache as they are read and are dropped again (release) once the
 * reader has moved past them, so resident memory follows what the reader
 * keeps, not the file's size.  Files that cannot be mapped (pipes, empty or
 * non-regular files, anything cg_read_file would refuse) are read whole with
 * cg_read_file, with its errors.
 */
#ifndef CG_MAPFILE_H
#define CG_MAPFILE_H

#include <stddef.h>
#include <stdint.h>

#include "cgate/buf.h"
#include "cgate/error.h"

typedef struct cg_mapfile {
    const uint8_t *data; /* the bytes (mapping or buf; NULL for an empty file) */
    size_t len;
    void *map;           /* NULL when read into buf */
    size_t mark;         /* start of the pages not yet released in this sweep */
    cg_buf buf;
} cg_mapfile;

/* Same contract as cg_read_file(path, max, what, ...). */
cg_status cg_mapfile_open(cg_mapfile *m, const char *path, size_t max, const char *what, cg_error *err);
/* Pages wholly before upto are not needed now (they may be read again: they
 * come back from the file).  A cg_preport_read_ex release callback. */
void cg_mapfile_release(void *m, size_t upto);
void cg_mapfile_close(cg_mapfile *m);

#endif

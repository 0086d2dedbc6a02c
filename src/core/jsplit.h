/*
 * jsplit.h - walking the structure of a JSON text without building a tree:
 * find where a value ends, step through an object's members or an array's
 * elements as byte ranges.  For documents too large to hold as a jansson
 * tree (a report of 100,000 findings is ~7x its size as a tree): the reader
 * parses one element at a time and drops it.  Only structure is checked here
 * (brackets, commas, colons, string quoting, nesting depth); each value is
 * validated when its range is parsed.  Any irregularity returns -1, and the
 * caller falls back to parsing the whole text (which then reports the error
 * exactly as before).
 */
#ifndef CG_JSPLIT_H
#define CG_JSPLIT_H

#include <stddef.h>
#include <stdint.h>

/* Deeper nesting than this is left to the full parser. */
#define CG_JSPLIT_MAX_DEPTH 64

typedef struct cg_jsplit {
    const uint8_t *buf;
    size_t len;
} cg_jsplit;

/* Position of the first non-whitespace byte at or after pos (len at the end). */
size_t cg_jsplit_ws(const cg_jsplit *j, size_t pos);
/* The end (one past) of the value starting at pos (after whitespace), or 0
 * on a structural error or too deep. */
size_t cg_jsplit_value_end(const cg_jsplit *j, size_t pos);

/* Iterating a container whose opening bracket is at *pos: call with
 * *first = 1 the first time.  Returns 1 with the member (key range without
 * quotes, raw as written; value range) or element (value range), 0 at the
 * closing bracket (*pos then one past it), -1 on a structural error. */
typedef struct cg_jrange {
    size_t key, key_len; /* objects only: the key's bytes between the quotes */
    size_t val, val_end;
} cg_jrange;
int cg_jsplit_next(const cg_jsplit *j, size_t *pos, int *first, int object, cg_jrange *out);
/* The same, but an array or object value is not scanned: out->val_end is 0
 * and *pos is left at its opening bracket, so the caller can step into it
 * (and drop what it has passed) and must leave *pos one past its end. */
int cg_jsplit_next_lazy(const cg_jsplit *j, size_t *pos, int *first, int object, cg_jrange *out);

#endif

/*
 * rfc3339.h - RFC 3339 timestamps as images and SBOMs write them
 * ("2025-01-01T00:00:00Z", fractions and offsets allowed) to epoch seconds.
 */
#ifndef CG_RFC3339_H
#define CG_RFC3339_H

#include <stdint.h>

/* 0 and *out on success; -1 when s is NULL or not that form. */
int cg_rfc3339_parse(const char *s, int64_t *out);

#endif

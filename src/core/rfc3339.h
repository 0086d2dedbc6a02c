/*
 * rfc3339.h - RFC 3339 timestamps, the one parser and the one formatter:
 * images, SBOMs, reports, advisories and DB status all write
 * "2025-01-01T00:00:00Z" (UTC, seconds, no fraction) and read the forms
 * their producers write (fractions and offsets allowed).
 */
#ifndef CG_RFC3339_H
#define CG_RFC3339_H

#include <stdint.h>

/* Bytes a formatted timestamp needs, NUL included ("YYYY-MM-DDTHH:MM:SSZ"). */
#define CG_RFC3339_SIZE 21

/* Lenient forms cg_rfc3339_parse_ex may accept. */
#define CG_RFC3339_DATE_ONLY 1u /* "2025-01-01" alone (midnight UTC) */
#define CG_RFC3339_NO_ZONE 2u   /* no "Z" or offset: UTC */

/* "YYYY-MM-DDTHH:MM:SS[.frac](Z|+hh:mm|-hh:mm)" ('t' or ' ' also separate)
 * to epoch seconds; the fraction is dropped.  0 and *out on success; -1
 * when s is NULL or not that form. */
int cg_rfc3339_parse(const char *s, int64_t *out);

/* The same with the lenient forms in flags; *out keeps the fraction. */
int cg_rfc3339_parse_ex(const char *s, unsigned flags, double *out);

/* Strict: "2023-07-17T18:28:47.696004345-06:00" to epoch seconds (UTC) and
 * nanoseconds (fraction digits past 9 ignored); month days, leap years and
 * offsets validated.  0 on success; -1 when s is not that form (VEX). */
int cg_rfc3339_parse_ns(const char *s, int64_t *secs, int32_t *nanos);

/* t (1970..9999) as "YYYY-MM-DDTHH:MM:SSZ" into out: 0; otherwise -1 and
 * out is "". */
int cg_rfc3339_format(int64_t t, char out[CG_RFC3339_SIZE]);

/* Days from 1970-01-01 to the proleptic Gregorian date y-m-d (any year; m
 * 1..12, d may run past the month: it counts on). */
int64_t cg_days_from_civil(int64_t y, int64_t m, int64_t d);

/* A duration for people: "7.0 days" from a day up, else "5.0 hours",
 * "12 min" or "40 s" ("--db-max-age 1h" used to read "0.0 days"); buf. */
const char *cg_human_span(int64_t s, char *buf, size_t cap);

#endif

/*
 * cvss_internal.h - what the version files of src/cvss/ share: a table-driven
 * splitter of "NAME:VALUE/NAME:VALUE" strings and the common rounding.
 *
 * Each version describes its metrics in a cg_cvss_metric_def table; the
 * splitter checks names, values, duplicates, order and mandatory base metrics
 * against it, so v2.c, v3.c and v4.c only hold formulas.
 */
#ifndef CG_CVSS_INTERNAL_H
#define CG_CVSS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "cgate/cvss.h"

enum { CG_CVSS_G_BASE, CG_CVSS_G_TEMPORAL, CG_CVSS_G_ENV, CG_CVSS_G_SUPPLEMENTAL };

#define CG_CVSS_MAX_METRICS 32

typedef struct cg_cvss_metric_def {
    const char *name;     /* "AV" */
    const char *values;   /* allowed values, space-separated: "N A L P" */
    unsigned char group;  /* CG_CVSS_G_*; every BASE metric is mandatory */
} cg_cvss_metric_def;

/* Split s[0..len) (the part after any "CVSS:x.y/" label) into metrics of defs.
 * On success val[i] is the index of metric i's value in defs[i].values, or -1
 * when the metric is absent.  ordered: metrics must follow the table's order.
 * label ("CVSS:3.1", "CVSS v2") starts error messages. */
cg_status cg_cvss_split(const char *s, size_t len, const char *label, const cg_cvss_metric_def *defs,
                        size_t ndefs, bool ordered, int *val, cg_error *err);

/* Round half up to one decimal, as the specs' "round to one decimal" means. */
double cg_cvss_round1(double x);

/* Exact round-half-up and ceiling to an integer, for 0 <= x < 2^52. */
double cg_cvss_round_int(double x);
double cg_cvss_ceil_int(double x);

/* x to the n-th power by repeated squaring (libm's pow is not linked). */
double cg_cvss_powi(double x, unsigned n);

/* Fill out->score, severity from base/temporal/environmental and the has_* flags. */
void cg_cvss_finish(cg_cvss *out);

cg_status cg_cvss_v2(const char *s, size_t len, cg_cvss *out, cg_error *err);
cg_status cg_cvss_v3(const char *s, size_t len, cg_cvss_version v, cg_cvss *out, cg_error *err);
cg_status cg_cvss_v4(const char *s, size_t len, cg_cvss *out, cg_error *err);

#endif

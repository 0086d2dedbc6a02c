/*
 * stages.h - the policy stage of a run (decide.c): the same evaluation as
 * `cgate policy`, from the report bytes in memory, every input hashed into
 * the decision's "inputs" and the audit record.
 */
#ifndef CG_PIPELINE_STAGES_H
#define CG_PIPELINE_STAGES_H

#include <jansson.h>

#include "cgate/buf.h"
#include "cgate/error.h"

typedef struct pl_decide_in {
    const cg_buf *report;
    const char *report_path; /* as the decision names it */
    const char *policy, *exceptions;
    const char *const *vex;
    size_t n_vex;
    const char *const *context;
    size_t n_context;
    const char *now; /* YYYY-MM-DD */
    cg_buf *html_out; /* when not NULL: the decision and the report as one web page */
} pl_decide_in;

typedef struct pl_decide_out {
    int pass;
    size_t n_blocked;
} pl_decide_out;

/* Evaluate; decision JSON to json_out, the table to table_out; the inputs
 * (policy, exceptions, VEX, context files) are added to rec. */
cg_status pl_decide(const pl_decide_in *in, json_t *rec, cg_buf *json_out, cg_buf *table_out, pl_decide_out *out,
                    cg_error *err);

#endif

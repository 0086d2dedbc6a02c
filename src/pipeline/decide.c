/*
 * decide.c - the policy stage of `cgate run`: read the policy, exceptions,
 * VEX and Kubernetes context, hash each (the decision lists them under
 * "inputs", the audit record too), evaluate the report the scan stage just
 * wrote, and render the decision as JSON and as a table.  Same semantics
 * and bytes as `cgate policy`; any input that cannot be read is an error,
 * never a pass.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgate/pipeline.h"
#include "cgate/policy.h"
#include "core/digest.h"
#include "core/readfile.h"
#include "pipeline/pipeline_int.h"
#include "pipeline/stages.h"

#define MAX_INPUTS 10000

typedef struct inputs {
    cg_pinput v[MAX_INPUTS];
    size_t n;
    json_t *rec;
} inputs;

static cg_status add_input(inputs *in, cg_arena *a, const char *role, const char *path, const cg_buf *data,
                           cg_error *err)
{
    char hex[CG_DIGEST_STR_LEN + 1];
    if (in->n >= MAX_INPUTS)
        return cg_error_set(err, CG_ERR_LIMIT, "%s: more than %d policy input files", path, MAX_INPUTS);
    if (cg_sha256_str(data->data ? data->data : "", data->len, hex) != CG_OK)
        return cg_error_set(err, CG_ERR_INTERNAL, "sha256 unavailable");
    in->v[in->n].role = role;
    in->v[in->n].path = cg_arena_strdup(a, path);
    in->v[in->n].sha256 = cg_arena_strdup(a, hex);
    in->n++;
    if (strcmp(role, "report"))
        pl_rec_file(in->rec, "inputs", role, path, hex);
    return CG_OK;
}

typedef struct context_walk {
    inputs *in;
    cg_arena *a;
} context_walk;

/* cg_pipeline_walk_inputs callback: one --context file. */
static cg_status add_context(void *ud, const char *path, const cg_buf *data, cg_error *err)
{
    context_walk *w = ud;
    return add_input(w->in, w->a, "context", path, data, err);
}

cg_status pl_decide(const pl_decide_in *pi, json_t *rec, cg_buf *json_out, cg_buf *table_out, pl_decide_out *out,
                    cg_error *err)
{
    cg_arena a;
    cg_arena_init(&a);
    inputs *in = calloc(1, sizeof *in);
    cg_buf pol = CG_BUF_INIT, exc = CG_BUF_INIT;
    cg_preport report;
    cg_policy policy;
    cg_pexception *extra = NULL;
    size_t n_extra = 0;
    cg_k8s_context *kctx = NULL;
    cg_vex *vex = NULL;
    cg_peval ev;
    memset(&ev, 0, sizeof ev);
    cg_decision *d = NULL;
    cg_status st = in ? CG_OK : cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    if (in)
        in->rec = rec;
    if (st == CG_OK)
        st = add_input(in, &a, "report", pi->report_path, pi->report, err);
    if (st == CG_OK)
        st = cg_preport_read((const uint8_t *)pi->report->data, pi->report->len, pi->report_path, &a, &report, err);
    if (st == CG_OK)
        st = cg_read_file(pi->policy, CG_POLICY_MAX_BYTES, "policy", &pol, err);
    if (st == CG_OK)
        st = add_input(in, &a, "policy", pi->policy, &pol, err);
    if (st == CG_OK)
        st = cg_policy_parse((const uint8_t *)pol.data, pol.len, pi->policy, &a, &policy, err);
    if (st == CG_OK && pi->exceptions) {
        st = cg_read_file(pi->exceptions, CG_POLICY_MAX_BYTES, "exceptions", &exc, err);
        if (st == CG_OK)
            st = add_input(in, &a, "exceptions", pi->exceptions, &exc, err);
        if (st == CG_OK)
            st = cg_exceptions_parse((const uint8_t *)exc.data, exc.len, pi->exceptions, &a, &extra, &n_extra, err);
    }
    for (size_t i = 0; st == CG_OK && i < pi->n_vex; i++) {
        cg_buf b = CG_BUF_INIT;
        st = cg_read_file(pi->vex[i], 64u << 20, "VEX", &b, err);
        if (st == CG_OK)
            st = add_input(in, &a, "vex", pi->vex[i], &b, err);
        cg_buf_free(&b);
    }
    if (st == CG_OK && pi->n_vex)
        st = cg_vex_load(pi->vex, pi->n_vex, &a, &vex, err);
    context_walk cw = {in, &a};
    for (size_t i = 0; st == CG_OK && i < pi->n_context; i++)
        st = cg_pipeline_walk_inputs(pi->context[i], add_context, &cw, err);
    if (st == CG_OK && pi->n_context)
        st = cg_policy_context_load(pi->context, pi->n_context, &report, &a, &kctx, &ev.workloads, &ev.n_workloads,
                                    &ev.ignored_kinds, &ev.n_ignored_kinds, err);
    if (st == CG_OK && pi->n_context)
        st = cg_pipeline_add_pss(&report, ev.workloads, ev.n_workloads, &a, err);
    if (st == CG_OK) {
        ev.policy = &policy;
        ev.report = &report;
        ev.extra_exceptions = extra;
        ev.n_extra_exceptions = n_extra;
        ev.now = pi->now;
        ev.have_context = pi->n_context > 0;
        ev.vex = pi->n_vex ? cg_policy_vex_lookup : NULL;
        ev.vex_ud = vex;
        ev.inputs = in->v;
        ev.n_inputs = in->n;
        st = cg_policy_evaluate(&ev, &a, &d, err);
    }
    if (st == CG_OK)
        st = cg_decision_write_json(d, json_out, err);
    if (st == CG_OK)
        st = cg_decision_write_table(d, table_out, err);
    if (st == CG_OK && pi->html_out)
        st = cg_decision_write_html(d, &report, pi->html_out, err);
    if (st == CG_OK) {
        out->pass = d->pass;
        out->n_blocked = d->n_blocked;
    }
    cg_buf_free(&pol);
    cg_buf_free(&exc);
    if (kctx)
        cg_k8s_free(kctx);
    if (vex)
        cg_vex_free(vex);
    cg_arena_free(&a);
    free(in);
    return st;
}

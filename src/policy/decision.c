/*
 * decision.c - writing a decision as JSON (the artifact) or a table (for
 * people).  The JSON writer is our own rather than jansson's so numbers are
 * printed as JavaScript prints them (the shortest text that reads back as the
 * same double: 12.34, not 12.339999999999999) and the member order is fixed:
 * the same decision is always the same bytes.  docs/policy.md describes
 * every member.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgate/policy.h"
#include "core/jwrite.h"
#include "core/table.h"

static const char *reach_name(cg_reach r)
{
    static const char *const n[CG_REACH_COUNT] = {"unknown", "none", "isolated", "cluster", "internet"};
    return (unsigned)r < CG_REACH_COUNT ? n[r] : "unknown";
}

static void weights(cg_jw *w, const char *k, const double *x)
{
    cg_jw_key(w, k);
    cg_jw_open(w, "{");
    cg_jw_knum(w, "N", x[CG_AV_N]);
    cg_jw_knum(w, "A", x[CG_AV_A]);
    cg_jw_knum(w, "L", x[CG_AV_L]);
    cg_jw_knum(w, "P", x[CG_AV_P]);
    cg_jw_close(w, "}");
}

static void exception_obj(cg_jw *w, const cg_pexception *e)
{
    cg_jw_kstr(w, "id", e->id);
    cg_jw_kopt(w, "package", e->package);
    cg_jw_kopt(w, "version", e->version);
    cg_jw_kstr(w, "reason", e->reason);
    cg_jw_kstr(w, "approvedBy", e->approved_by);
    cg_jw_kstr(w, "expires", e->expires);
    cg_jw_kstr(w, "source", e->source);
}

static void exceptions(cg_jw *w, const cg_decision *d)
{
    cg_jw_key(w, "exceptions");
    cg_jw_open(w, "{");
    const char *names[2] = {"applied", "expired"};
    const cg_papplied *lists[2] = {d->applied, d->expired};
    size_t ns[2] = {d->n_applied, d->n_expired};
    for (int l = 0; l < 2; l++) {
        cg_jw_key(w, names[l]);
        cg_jw_open(w, "[");
        for (size_t i = 0; i < ns[l]; i++) {
            cg_jw_elem(w);
            cg_jw_open(w, "{");
            exception_obj(w, lists[l][i].e);
            cg_jw_kstrs(w, l == 0 ? "suppressed" : "matched", lists[l][i].suppressed, lists[l][i].n_suppressed, 0);
            cg_jw_close(w, "}");
        }
        cg_jw_close(w, "]");
    }
    cg_jw_key(w, "unused");
    cg_jw_open(w, "[");
    for (size_t i = 0; i < d->n_unused; i++) {
        cg_jw_elem(w);
        cg_jw_open(w, "{");
        exception_obj(w, d->unused[i]);
        cg_jw_close(w, "}");
    }
    cg_jw_close(w, "]");
    cg_jw_close(w, "}");
}

static void workload(cg_jw *w, const cg_decision *d, const cg_pwexposure *x)
{
    const cg_workload *k = x->w;
    cg_jw_kstr(w, "kind", k->kind);
    cg_jw_kstr(w, "namespace", k->namespace_);
    cg_jw_kstr(w, "name", k->name);
    cg_jw_kstr(w, "container", k->container);
    cg_jw_kstr(w, "source", k->source);
    cg_jw_kstr(w, "reach", reach_name(k->reach));
    weights(w, "reachabilityWeights", x->weight);
    cg_jw_key(w, "ports");
    cg_jw_open(w, "[");
    for (size_t i = 0; i < k->n_ports; i++) {
        cg_jw_elem(w);
        cg_jw_num(w, k->ports[i]);
    }
    cg_jw_close(w, "]");
    if (d->policy->n_exposed_ports) {
        cg_jw_key(w, "portsOutsideExposedPorts");
        cg_jw_open(w, "[");
        for (size_t i = 0; i < k->n_ports; i++) {
            char pb[16];
            snprintf(pb, sizeof pb, "%d", (int)k->ports[i]);
            int listed = 0;
            for (size_t j = 0; j < d->policy->n_exposed_ports && !listed; j++)
                listed = !strcmp(d->policy->exposed_ports[j], pb);
            if (!listed) {
                cg_jw_elem(w);
                cg_jw_num(w, k->ports[i]);
            }
        }
        cg_jw_close(w, "]");
    }
    cg_jw_kbool(w, "egressRestricted", k->egress_restricted);
    cg_jw_kbool(w, "privileged", k->privileged);
    cg_jw_kbool(w, "hostNetwork", k->host_network);
    cg_jw_kbool(w, "hostPID", k->host_pid);
    cg_jw_kbool(w, "hostIPC", k->host_ipc);
    cg_jw_kbool(w, "runsAsRoot", k->runs_as_root);
    cg_jw_kbool(w, "allowPrivilegeEscalation", k->allow_privilege_escalation);
    cg_jw_kstrs(w, "addedCapabilities", k->added_caps, k->n_added_caps, 0);
    cg_jw_kstr(w, "serviceAccount", k->service_account);
    cg_jw_kbool(w, "serviceAccountTokenAutomounted", k->sa_token_automounted);
    cg_jw_kbool(w, "serviceAccountClusterAdmin", k->sa_cluster_admin);
    cg_jw_kbool(w, "serviceAccountWildcard", k->sa_wildcard);
    cg_jw_kstrs(w, "privilegeFactors", x->factors, x->n_factors, 0);
    cg_jw_knum(w, "privilegeMultiplier", x->multiplier);
    cg_jw_kstrs(w, "why", k->why, k->n_why, 0);
}

static void exposure(cg_jw *w, const cg_decision *d)
{
    cg_jw_key(w, "exposure");
    cg_jw_open(w, "{");
    cg_jw_kbool(w, "contextGiven", d->have_context);
    if (!d->n_exposure) {
        cg_jw_kstr(w, "reach", "unknown");
        weights(w, "reachabilityWeights", d->unknown_weight);
        cg_jw_kstr(w, "why", d->have_context ? "no workload in the manifests runs this image: unknown counts as exposed"
                                       : "no --context given: unknown counts as exposed");
    } else {
        cg_jw_kstr(w, "reach", "per workload (a finding takes its highest contextual risk)");
    }
    cg_jw_key(w, "workloads");
    cg_jw_open(w, "[");
    for (size_t i = 0; i < d->n_exposure; i++) {
        cg_jw_elem(w);
        cg_jw_open(w, "{");
        workload(w, d, &d->exposure[i]);
        cg_jw_close(w, "}");
    }
    cg_jw_close(w, "]");
    cg_jw_kstrs(w, "ignoredKinds", d->ignored_kinds, d->n_ignored_kinds, 0);
    cg_jw_close(w, "}");
}

static void policy_summary(cg_jw *w, const cg_decision *d)
{
    const cg_policy *p = d->policy;
    cg_jw_key(w, "policy");
    cg_jw_open(w, "{");
    cg_jw_kstr(w, "source", p->source);
    cg_jw_kstr(w, "format", p->legacy ? "seed PolicyConfig" : "cgate/v1");
    cg_jw_key(w, "severities");
    cg_jw_open(w, "{");
    for (int s = CG_SEV_COUNT - 1; s >= 0; s--) {
        cg_jw_key(w, cg_severity_lname((cg_severity)s));
        cg_jw_open(w, "{");
        cg_jw_kbool(w, "block", p->sev[s].block);
        cg_jw_knum(w, "minCvss", p->sev[s].min_cvss);
        cg_jw_knum(w, "weight", p->sev[s].weight);
        cg_jw_close(w, "}");
    }
    cg_jw_close(w, "}");
    cg_jw_kbool(w, "allowUnfixed", p->allow_unfixed);
    cg_jw_kstrs(w, "cvssSources", p->cvss_sources, p->n_cvss_sources, 0);
    cg_jw_kstr(w, "missingCvss", p->missing_cvss_block ? "block" : "zero");
    cg_jw_kbool(w, "kevBlock", p->kev_block);
    cg_jw_kbool(w, "allowEmptyInventory", p->allow_empty_inventory);
    if (p->has_epss_min)
        cg_jw_knum(w, "epssThreshold", p->epss_min);
    if (p->has_max_risk)
        cg_jw_knum(w, "maxRiskScore", p->max_risk);
    if (p->has_max_ctx_risk)
        cg_jw_knum(w, "maxContextualRiskScore", p->max_ctx_risk);
    cg_jw_close(w, "}");
}

cg_status cg_decision_write_json(const cg_decision *d, cg_buf *out, cg_error *err)
{
    return cg_decision_write_json_stream(d, out, NULL, NULL, err);
}

cg_status cg_decision_write_json_stream(const cg_decision *d, cg_buf *out, cg_sink_fn sink, void *ud, cg_error *err)
{
    cg_jw w;
    if (sink) /* out is only a window: 100,000 findings are never held as text */
        cg_jw_init_sink(&w, out, sink, ud, err);
    else
        cg_jw_init(&w, out);
    cg_jw_open(&w, "{");
    cg_jw_kstr(&w, "apiVersion", "cgate/v1");
    cg_jw_kstr(&w, "kind", "Decision");
    cg_jw_kbool(&w, "pass", d->pass);
    cg_jw_key(&w, "blockedCVEs");
    cg_jw_open(&w, "[");
    for (size_t i = 0; i < d->n_blocked; i++) {
        cg_jw_elem(&w);
        cg_jw_str(&w, d->blocked[i].f->id);
    }
    cg_jw_close(&w, "]");
    cg_jw_key(&w, "remediationSteps");
    cg_jw_open(&w, "[");
    cg_buf t = CG_BUF_INIT; /* one derived string at a time */
    for (size_t i = 0; i < d->n_blocked; i++) {
        cg_jw_elem(&w);
        cg_buf_reset(&t);
        if (cg_pblocked_step(&d->blocked[i], &t) != CG_OK && w.st == CG_OK)
            w.st = CG_ERR_NOMEM;
        cg_jw_str(&w, cg_buf_str(&t));
    }
    cg_jw_close(&w, "]");
    cg_jw_knum(&w, "riskScore", d->risk);
    cg_jw_knum(&w, "contextualRiskScore", d->ctx_risk);
    cg_jw_kstr(&w, "now", d->now);
    cg_jw_key(&w, "image");
    cg_jw_open(&w, "{");
    cg_jw_kstr(&w, "name", d->image.name);
    cg_jw_kstrs(&w, "manifestDigests", d->image.manifest_digests, d->image.n_manifest_digests, 0);
    cg_jw_kstr(&w, "configDigest", d->image.config_digest);
    cg_jw_close(&w, "}");
    cg_jw_kstrs(&w, "denyReasons", d->deny_reasons, d->n_deny_reasons, 0);
    cg_jw_kstrs(&w, "warnings", d->warnings, d->n_warnings, 0);
    if (d->strict)
        cg_jw_kbool(&w, "strict", 1);
    cg_jw_key(&w, "blocked");
    cg_jw_open(&w, "[");
    for (size_t i = 0; i < d->n_blocked; i++) {
        const cg_pblocked *b = &d->blocked[i];
        cg_jw_elem(&w);
        cg_jw_open(&w, "{");
        cg_jw_kstr(&w, "id", b->f->id);
        cg_jw_kstr(&w, "package", b->f->pkg);
        cg_jw_kstr(&w, "installed", b->f->installed);
        cg_jw_kstr(&w, "fixed", b->f->fixed && *b->f->fixed ? b->f->fixed : NULL);
        cg_jw_kstr(&w, "severity", cg_severity_lname(b->f->severity));
        cg_jw_key(&w, "cvss");
        if (b->has_cvss)
            cg_jw_num(&w, b->cvss);
        else
            cg_jw_raw(&w, "null");
        cg_jw_kstr(&w, "cvssSource", b->cvss_source);
        cg_jw_kstr(&w, "rule", b->rule);
        cg_jw_knum(&w, "contextualRisk", cg_policy_round2(b->ctx_risk));
        cg_jw_kbool(&w, "kev", b->f->kev);
        if (b->f->has_epss)
            cg_jw_knum(&w, "epss", b->f->epss);
        cg_jw_kopt(&w, "purl", b->f->purl);
        cg_jw_kopt(&w, "target", b->f->target);
        cg_jw_close(&w, "}");
    }
    cg_jw_close(&w, "]");
    if (d->n_conf_blocked) { /* secrets and misconfigurations (written only when there are some) */
        cg_jw_key(&w, "blockedConfig");
        cg_jw_open(&w, "[");
        for (size_t i = 0; i < d->n_conf_blocked; i++) {
            const cg_pblocked *b = &d->conf_blocked[i];
            cg_jw_elem(&w);
            cg_jw_open(&w, "{");
            cg_jw_kstr(&w, "class", b->f->conf == CG_PCONF_SECRET ? "secret"
                                    : b->f->conf == CG_PCONF_PSS  ? "pod-security"
                                                                  : "config");
            cg_jw_kstr(&w, "id", b->f->id);
            cg_jw_kstrs(&w, "aliases", b->f->aliases, b->f->n_aliases, 1);
            cg_jw_kstr(&w, "target", b->f->target);
            cg_jw_kint(&w, "line", b->f->line);
            cg_jw_kstr(&w, "severity", cg_severity_lname(b->f->severity));
            cg_jw_kopt(&w, "title", b->f->title);
            cg_jw_kstr(&w, "rule", b->rule);
            cg_jw_close(&w, "}");
        }
        cg_jw_close(&w, "]");
    }
    if (d->n_pss) { /* Pod Security Standards on --context (written only when there are some) */
        cg_jw_key(&w, "podSecurity");
        cg_jw_open(&w, "[");
        for (size_t i = 0; i < d->n_pss; i++) {
            const cg_pblocked *b = &d->pss[i];
            const cg_pconf *cx = b->f->cx;
            cg_jw_elem(&w);
            cg_jw_open(&w, "{");
            cg_jw_kstr(&w, "id", b->f->id);
            cg_jw_kstrs(&w, "aliases", b->f->aliases, b->f->n_aliases, 1);
            cg_jw_kstr(&w, "level", cx && cx->pss_level ? cx->pss_level : "");
            cg_jw_kstr(&w, "severity", cg_severity_lname(b->f->severity));
            cg_jw_kstr(&w, "target", b->f->target);
            cg_jw_kint(&w, "line", b->f->line);
            cg_jw_kopt(&w, "workload", cx ? cx->workload : NULL);
            cg_jw_kopt(&w, "message", cx ? cx->message : NULL);
            cg_jw_kstr(&w, "status", !b->rule ? "reported" : !strcmp(b->rule, "excepted") ? "excepted" : "blocked");
            cg_jw_kopt(&w, "rule", b->rule && strcmp(b->rule, "excepted") ? b->rule : NULL);
            cg_jw_close(&w, "}");
        }
        cg_jw_close(&w, "]");
    }
    cg_jw_key(&w, "remediation");
    cg_jw_open(&w, "[");
    for (size_t i = 0; i < d->n_remedies; i++) {
        const cg_premedy *r = &d->remedies[i];
        cg_jw_elem(&w);
        cg_jw_open(&w, "{");
        cg_jw_kstr(&w, "package", r->package);
        cg_jw_kstr(&w, "installed", r->installed);
        cg_jw_kstr(&w, "fixed", r->fixed);
        cg_jw_kstrs(&w, "ids", r->ids, r->n_ids, 0);
        cg_buf_reset(&t);
        if (cg_premedy_text(r, &t) != CG_OK && w.st == CG_OK)
            w.st = CG_ERR_NOMEM;
        cg_jw_kstr(&w, "text", cg_buf_str(&t));
        cg_jw_close(&w, "}");
    }
    cg_jw_close(&w, "]");
    exceptions(&w, d);
    cg_jw_key(&w, "vexSuppressed");
    cg_jw_open(&w, "[");
    for (size_t i = 0; i < d->n_vexed; i++) {
        const cg_pvexed *v = &d->vexed[i];
        cg_jw_elem(&w);
        cg_jw_open(&w, "{");
        cg_jw_kstr(&w, "id", v->f->id);
        cg_jw_kstr(&w, "package", v->f->pkg);
        cg_jw_kstr(&w, "installed", v->f->installed);
        cg_jw_kstr(&w, "purl", v->f->purl);
        cg_jw_kstr(&w, "status", v->m.status == CG_VEX_FIXED ? "fixed" : "not_affected");
        cg_jw_kstr(&w, "justification", v->m.justification);
        cg_jw_kstr(&w, "impact", v->m.impact);
        cg_jw_kstr(&w, "document", v->m.document);
        cg_jw_kstr(&w, "statement", v->m.statement_id);
        cg_jw_close(&w, "}");
    }
    cg_jw_close(&w, "]");
    if (d->policy->runtime_allow >= 0 || d->runtime_evidence) {
        /* opted in: what was let through, on which evidence; else (allowUpTo
         * null) the evidence the report carried, which changed nothing */
        cg_jw_key(&w, "runtime");
        cg_jw_open(&w, "{");
        cg_jw_kstr(&w, "allowUpTo", d->policy->runtime_allow >= 0
                                        ? cg_severity_lname((cg_severity)d->policy->runtime_allow)
                                        : NULL);
        cg_jw_kstr(&w, "evidence", d->runtime_evidence);
        cg_jw_kstr(&w, "window", d->runtime_window);
        cg_jw_kstrs(&w, "notLoadedAllowed", d->runtime_allowed, d->n_runtime_allowed, 0);
        cg_jw_close(&w, "}");
    }
    exposure(&w, d);
    cg_jw_key(&w, "findings");
    cg_jw_open(&w, "{");
    cg_jw_knum(&w, "total", (double)d->n_total);
    cg_jw_knum(&w, "filtered", (double)d->n_filtered);
    cg_jw_knum(&w, "vexSuppressed", (double)d->n_vexed);
    cg_jw_knum(&w, "evaluated", (double)d->n_evaluated);
    cg_jw_knum(&w, "excepted", (double)d->n_excepted);
    cg_jw_knum(&w, "blocked", (double)d->n_blocked);
    cg_jw_close(&w, "}");
    policy_summary(&w, d);
    cg_jw_key(&w, "inputs");
    cg_jw_open(&w, "[");
    for (size_t i = 0; i < d->n_inputs; i++) {
        cg_jw_elem(&w);
        cg_jw_open(&w, "{");
        cg_jw_kstr(&w, "role", d->inputs[i].role);
        cg_jw_kstr(&w, "path", d->inputs[i].path);
        cg_jw_kstr(&w, "sha256", d->inputs[i].sha256);
        cg_jw_close(&w, "}");
    }
    cg_jw_close(&w, "]");
    cg_jw_close(&w, "}");
    cg_jw_raw(&w, "\n");
    cg_jw_flush(&w);
    cg_buf_free(&t);
    if (w.st != CG_OK && sink && w.st != CG_ERR_NOMEM)
        return w.st; /* the sink said why */
    if (w.st != CG_OK)
        return cg_error_set(err, w.st, "writing decision: %s", cg_status_name(w.st));
    return CG_OK;
}

/* Control bytes in report strings print as '?' so a hostile report cannot
 * drive the terminal. */
static void tput(cg_buf *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)(s ? s : "-"); *p; p++)
        cg_buf_putc(b, *p < 0x20 || *p == 0x7f ? '?' : (char)*p);
}

static void tput(cg_buf *b, const char *s);

static void conf_row(cg_buf *b, const cg_pblocked *x)
{
    cg_buf_puts(b, "  ");
    tput(b, x->f->id);
    cg_buf_printf(b, " (%s) ", cg_severity_lname(x->f->severity));
    tput(b, x->f->target);
    if (x->f->line > 0)
        cg_buf_printf(b, ":%d", x->f->line);
    cg_buf_printf(b, "  rule %s\n", x->rule);
}

static const char *const SEV_COLOR[CG_SEV_COUNT] = {"", "\033[34m", "\033[33m", "\033[31m", "\033[1;31m"};

/* Blocked findings most severe first, then by id and package. */
static int blocked_rank(const void *pa, const void *pb)
{
    const cg_pblocked *x = *(const cg_pblocked *const *)pa, *y = *(const cg_pblocked *const *)pb;
    if (x->f->severity != y->f->severity)
        return (int)y->f->severity - (int)x->f->severity;
    int c = strcmp(x->f->id ? x->f->id : "", y->f->id ? y->f->id : "");
    if (c)
        return c;
    c = strcmp(x->f->pkg ? x->f->pkg : "", y->f->pkg ? y->f->pkg : "");
    return c ? c : (x < y ? -1 : x > y);
}

/* A line of free text, wrapped to width (continuations indented). */
static void wline(cg_buf *b, size_t width, size_t indent, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void wline(cg_buf *b, size_t width, size_t indent, const char *fmt, ...)
{
    cg_buf t = CG_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    cg_buf_vprintf(&t, fmt, ap);
    va_end(ap);
    cg_text_wrap(b, t.data ? cg_buf_str(&t) : "", width, indent);
    cg_buf_free(&t);
}

cg_status cg_decision_write_table(const cg_decision *d, cg_buf *b, cg_error *err)
{
    return cg_decision_write_table_fit(d, 0, 0, b, err);
}

cg_status cg_decision_write_table_fit(const cg_decision *d, size_t width, int color, cg_buf *b, cg_error *err)
{
    return cg_decision_write_table_stream(d, width, color, b, NULL, NULL, err);
}

/* The blocked findings' table rows, made when drawn (nothing kept per row). */
typedef struct brows {
    const cg_pblocked **ord;
    int color;
    char cv[32];
} brows;

static void brow(void *ud, size_t i, const char **row, const char **color)
{
    brows *br = ud;
    const cg_pblocked *x = br->ord[i];
    snprintf(br->cv, sizeof br->cv, "-");
    if (x->has_cvss)
        snprintf(br->cv, sizeof br->cv, "%.1f", x->cvss);
    row[0] = x->f->id ? x->f->id : "-";
    row[1] = x->f->pkg ? x->f->pkg : "-";
    row[2] = x->f->installed ? x->f->installed : "-";
    row[3] = x->f->fixed && *x->f->fixed ? x->f->fixed : "-";
    row[4] = cg_severity_lname(x->f->severity);
    row[5] = br->cv;
    row[6] = x->rule;
    *color = br->color && (unsigned)x->f->severity < CG_SEV_COUNT ? SEV_COLOR[x->f->severity] : NULL;
}

/* Hand b to the sink once it holds 64 KiB (no sink: keep it all). */
static cg_status tflush(cg_buf *b, cg_sink_fn sink, void *ud, cg_error *err, cg_status st)
{
    if (st != CG_OK || !sink || b->len < 65536)
        return st;
    st = sink(ud, b->data, b->len, err);
    cg_buf_reset(b);
    return st;
}

cg_status cg_decision_write_table_stream(const cg_decision *d, size_t width, int color, cg_buf *b, cg_sink_fn sink,
                                         void *ud, cg_error *err)
{
    cg_status fst = CG_OK; /* a sink's failure (err set by it) */
    char n1[40], n2[40];
    snprintf(n1, sizeof n1, "%.2f", d->risk);
    snprintf(n2, sizeof n2, "%.2f", d->ctx_risk);
    for (size_t i = 0; i < d->n_warnings; i++) /* first: what the decision may not see right */
        wline(b, width, 2, "WARNING: %s", d->warnings[i]);
    if (color)
        cg_buf_printf(b, "Decision: %s%s\033[0m (%s)\n", d->pass ? "\033[1;32mPASS" : "\033[1;31mDENY", "", d->now);
    else
        cg_buf_printf(b, "Decision: %s (%s)\n", d->pass ? "PASS" : "DENY", d->now);
    for (size_t i = 0; i < d->n_deny_reasons; i++)
        wline(b, width, 4, "  - %s", d->deny_reasons[i]);
    /* the digest push --require-decision binds on first: a manifest digest */
    wline(b, width, 2, "Image: %s %s", d->image.name ? d->image.name : "-",
          d->image.n_manifest_digests ? d->image.manifest_digests[0]
          : d->image.config_digest    ? d->image.config_digest
                                      : "-");
    wline(b, width, 2, "Risk score: %s   Contextual risk score: %s", n1, n2);
    wline(b, width, 2, "Findings: %zu total, %zu filtered, %zu VEX-suppressed, %zu excepted, %zu blocked", d->n_total,
          d->n_filtered, d->n_vexed, d->n_excepted, d->n_blocked);
    if (d->n_blocked) { /* the blocked ones at a glance: by severity, fixable, KEV */
        size_t cnt[CG_SEV_COUNT] = {0}, fixable = 0, kev = 0;
        for (size_t i = 0; i < d->n_blocked; i++) {
            const cg_pfinding *f = d->blocked[i].f;
            if ((unsigned)f->severity < CG_SEV_COUNT)
                cnt[f->severity]++;
            fixable += f->fixed && *f->fixed;
            kev += f->kev != 0;
        }
        wline(b, width, 2,
              "Blocked: %zu (UNKNOWN: %zu, LOW: %zu, MEDIUM: %zu, HIGH: %zu, CRITICAL: %zu), fixable: %zu, no fix: "
              "%zu, KEV: %zu",
              d->n_blocked, cnt[0], cnt[1], cnt[2], cnt[3], cnt[4], fixable, d->n_blocked - fixable, kev);
    }
    for (size_t i = 0; fst == CG_OK && i < d->n_conf_blocked; i++) {
        const cg_pblocked *x = &d->conf_blocked[i];
        fst = tflush(b, sink, ud, err, fst);
        cg_buf_puts(b, i ? "" : "\nBlocked secrets and misconfigurations:\n");
        if (width) {
            cg_buf t = CG_BUF_INIT;
            conf_row(&t, x);
            cg_text_wrap(b, t.data ? cg_buf_str(&t) : "", width, 4);
            cg_buf_free(&t);
        } else {
            conf_row(b, x);
        }
    }
    for (size_t i = 0; fst == CG_OK && i < d->n_pss; i++) {
        const cg_pblocked *x = &d->pss[i];
        fst = tflush(b, sink, ud, err, fst);
        cg_buf_puts(b, i ? "" : "\nPod Security Standards (--context):\n  ");
        if (i)
            cg_buf_puts(b, "  ");
        tput(b, x->f->id);
        cg_buf_printf(b, " %s (%s) ", x->f->cx && x->f->cx->pss_level ? x->f->cx->pss_level : "-",
                      cg_severity_lname(x->f->severity));
        tput(b, x->f->target);
        if (x->f->line > 0)
            cg_buf_printf(b, ":%d", x->f->line);
        cg_buf_puts(b, "  ");
        tput(b, x->f->cx ? x->f->cx->message : NULL);
        cg_buf_printf(b, "  [%s]\n", !x->rule ? "reported" : x->rule);
    }
    if (fst != CG_OK)
        return fst;
    if (d->n_blocked) {
        brows br = {malloc(d->n_blocked * sizeof *br.ord), color, ""};
        if (!br.ord)
            return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < d->n_blocked; i++)
            br.ord[i] = &d->blocked[i];
        qsort(br.ord, d->n_blocked, sizeof *br.ord, blocked_rank);
        static const char *const head[7] = {"ID", "PACKAGE", "INSTALLED", "FIXED", "SEVERITY", "CVSS", "RULE"};
        cg_table tb;
        cg_table_init(&tb, NULL, 7, head, 2, 4);
        cg_table_source(&tb, d->n_blocked, brow, &br);
        cg_buf_putc(b, '\n');
        cg_error e2;
        cg_error_clear(&e2);
        cg_status st = cg_table_render_to(&tb, width, color, b, sink, ud, err ? err : &e2);
        free(br.ord);
        if (st != CG_OK && sink && st != CG_ERR_NOMEM)
            return st; /* the sink said why */
        if (st != CG_OK)
            return cg_error_set(err, st, "writing decision: %s", cg_status_name(st));
    }
    if (d->n_remedies) {
        cg_buf_puts(b, "\nRemediation:\n");
        cg_buf t = CG_BUF_INIT;
        for (size_t i = 0; fst == CG_OK && i < d->n_remedies; i++) {
            cg_buf_reset(&t);
            cg_premedy_text(&d->remedies[i], &t);
            wline(b, width, 4, "  * %s", t.data ? cg_buf_str(&t) : "-");
            fst = tflush(b, sink, ud, err, fst);
        }
        cg_buf_free(&t);
        if (fst != CG_OK)
            return fst;
    }
    if (d->n_applied || d->n_expired) {
        cg_buf_puts(b, "\nExceptions:\n");
        for (size_t i = 0; i < d->n_applied; i++)
            wline(b, width, 4, "  applied  %s until %s (%zu finding%s) - %s", d->applied[i].e->id,
                  d->applied[i].e->expires ? d->applied[i].e->expires : "never", d->applied[i].n_suppressed,
                  d->applied[i].n_suppressed == 1 ? "" : "s", d->applied[i].e->reason ? d->applied[i].e->reason : "-");
        for (size_t i = 0; i < d->n_expired; i++)
            wline(b, width, 4, "  EXPIRED  %s on %s (%s)", d->expired[i].e->id, d->expired[i].e->expires,
                  d->expired[i].e->source);
    }
    if (d->n_vexed)
        cg_buf_printf(b, "\nVEX: %zu finding%s not affected or fixed\n", d->n_vexed, d->n_vexed == 1 ? "" : "s");
    if (d->n_exposure) {
        cg_buf_puts(b, "\nExposure:\n");
        for (size_t i = 0; i < d->n_exposure; i++) {
            const cg_pwexposure *x = &d->exposure[i];
            wline(b, width, 4, "  %s %s/%s: %s, privilege x%.4g", x->w->kind, x->w->namespace_ ? x->w->namespace_ : "-",
                          x->w->name, reach_name(x->w->reach), x->multiplier);
        }
    } else {
        cg_buf_printf(b, "\nExposure: unknown (%s)\n", d->have_context ? "no workload runs this image" : "no --context");
    }
    if (!b->data)
        cg_buf_puts(b, "");
    if (!b->data)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    if (sink && b->len) {
        cg_status st = sink(ud, b->data, b->len, err);
        cg_buf_reset(b);
        return st;
    }
    return CG_OK;
}

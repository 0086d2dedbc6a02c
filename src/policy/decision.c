/*
 * decision.c - writing a decision as JSON (the artifact) or a table (for
 * people).  The JSON writer is our own rather than jansson's so numbers are
 * printed as JavaScript prints them (the shortest text that reads back as the
 * same double: 12.34, not 12.339999999999999) and the member order is fixed:
 * the same decision is always the same bytes.  docs/policy.md describes
 * every member.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgate/policy.h"

typedef struct jw {
    cg_buf *b;
    int depth;
    int first; /* no member written yet at this level */
    cg_status st;
} jw;

static void raw(jw *w, const char *s)
{
    if (w->st == CG_OK)
        w->st = cg_buf_puts(w->b, s);
}

static void indent(jw *w)
{
    static const char sp[] = "\n                                                                ";
    int n = 1 + 2 * w->depth;
    if (w->st == CG_OK)
        w->st = cg_buf_append(w->b, sp, (size_t)(n < (int)sizeof sp - 1 ? n : (int)sizeof sp - 1));
}

static void str(jw *w, const char *s)
{
    if (!s) {
        raw(w, "null");
        return;
    }
    raw(w, "\"");
    char tmp[8];
    const unsigned char *p = (const unsigned char *)s, *run = p;
    for (; *p && w->st == CG_OK; p++) {
        if (*p != '"' && *p != '\\' && *p >= 0x20)
            continue;
        if (p > run)
            w->st = cg_buf_append(w->b, run, (size_t)(p - run));
        if (*p == '"' || *p == '\\')
            tmp[0] = '\\', tmp[1] = (char)*p, tmp[2] = 0;
        else
            snprintf(tmp, sizeof tmp, "\\u%04x", *p);
        raw(w, tmp);
        run = p + 1;
    }
    if (p > run && w->st == CG_OK)
        w->st = cg_buf_append(w->b, run, (size_t)(p - run));
    raw(w, "\"");
}

static void num(jw *w, double d)
{
    char tmp[40];
    if (!isfinite(d)) {
        raw(w, "null");
        return;
    }
    if (d == 0)
        d = 0; /* no "-0" */
    for (int p = 1; p <= 17; p++) {
        snprintf(tmp, sizeof tmp, "%.*g", p, d);
        if (strtod(tmp, NULL) == d)
            break;
    }
    raw(w, tmp);
}

static void key(jw *w, const char *k)
{
    if (!w->first)
        raw(w, ",");
    w->first = 0;
    indent(w);
    str(w, k);
    raw(w, ": ");
}

static void open_(jw *w, const char *brace)
{
    raw(w, brace);
    w->depth++;
    w->first = 1;
}

static void close_(jw *w, const char *brace)
{
    w->depth--;
    if (!w->first)
        indent(w);
    raw(w, brace);
    w->first = 0;
}

static void elem(jw *w)
{
    if (!w->first)
        raw(w, ",");
    w->first = 0;
    indent(w);
}

static void kstr(jw *w, const char *k, const char *v)
{
    key(w, k);
    str(w, v);
}

static void kopt(jw *w, const char *k, const char *v)
{
    if (v)
        kstr(w, k, v);
}

static void knum(jw *w, const char *k, double v)
{
    key(w, k);
    num(w, v);
}

static void kbool(jw *w, const char *k, int v)
{
    key(w, k);
    raw(w, v ? "true" : "false");
}

static void kstrs(jw *w, const char *k, const char *const *v, size_t n)
{
    key(w, k);
    open_(w, "[");
    for (size_t i = 0; i < n; i++) {
        elem(w);
        str(w, v[i]);
    }
    close_(w, "]");
}

static const char *reach_name(cg_reach r)
{
    static const char *const n[CG_REACH_COUNT] = {"unknown", "none", "isolated", "cluster", "internet"};
    return (unsigned)r < CG_REACH_COUNT ? n[r] : "unknown";
}

static void weights(jw *w, const char *k, const double *x)
{
    key(w, k);
    open_(w, "{");
    knum(w, "N", x[CG_AV_N]);
    knum(w, "A", x[CG_AV_A]);
    knum(w, "L", x[CG_AV_L]);
    knum(w, "P", x[CG_AV_P]);
    close_(w, "}");
}

static void exception_obj(jw *w, const cg_pexception *e)
{
    kstr(w, "id", e->id);
    kopt(w, "package", e->package);
    kopt(w, "version", e->version);
    kstr(w, "reason", e->reason);
    kstr(w, "approvedBy", e->approved_by);
    kstr(w, "expires", e->expires);
    kstr(w, "source", e->source);
}

static void exceptions(jw *w, const cg_decision *d)
{
    key(w, "exceptions");
    open_(w, "{");
    const char *names[2] = {"applied", "expired"};
    const cg_papplied *lists[2] = {d->applied, d->expired};
    size_t ns[2] = {d->n_applied, d->n_expired};
    for (int l = 0; l < 2; l++) {
        key(w, names[l]);
        open_(w, "[");
        for (size_t i = 0; i < ns[l]; i++) {
            elem(w);
            open_(w, "{");
            exception_obj(w, lists[l][i].e);
            kstrs(w, l == 0 ? "suppressed" : "matched", lists[l][i].suppressed, lists[l][i].n_suppressed);
            close_(w, "}");
        }
        close_(w, "]");
    }
    key(w, "unused");
    open_(w, "[");
    for (size_t i = 0; i < d->n_unused; i++) {
        elem(w);
        open_(w, "{");
        exception_obj(w, d->unused[i]);
        close_(w, "}");
    }
    close_(w, "]");
    close_(w, "}");
}

static void workload(jw *w, const cg_decision *d, const cg_pwexposure *x)
{
    const cg_workload *k = x->w;
    kstr(w, "kind", k->kind);
    kstr(w, "namespace", k->namespace_);
    kstr(w, "name", k->name);
    kstr(w, "container", k->container);
    kstr(w, "source", k->source);
    kstr(w, "reach", reach_name(k->reach));
    weights(w, "reachabilityWeights", x->weight);
    key(w, "ports");
    open_(w, "[");
    for (size_t i = 0; i < k->n_ports; i++) {
        elem(w);
        num(w, k->ports[i]);
    }
    close_(w, "]");
    if (d->policy->n_exposed_ports) {
        key(w, "portsOutsideExposedPorts");
        open_(w, "[");
        for (size_t i = 0; i < k->n_ports; i++) {
            char pb[16];
            snprintf(pb, sizeof pb, "%d", (int)k->ports[i]);
            int listed = 0;
            for (size_t j = 0; j < d->policy->n_exposed_ports && !listed; j++)
                listed = !strcmp(d->policy->exposed_ports[j], pb);
            if (!listed) {
                elem(w);
                num(w, k->ports[i]);
            }
        }
        close_(w, "]");
    }
    kbool(w, "egressRestricted", k->egress_restricted);
    kbool(w, "privileged", k->privileged);
    kbool(w, "hostNetwork", k->host_network);
    kbool(w, "hostPID", k->host_pid);
    kbool(w, "hostIPC", k->host_ipc);
    kbool(w, "runsAsRoot", k->runs_as_root);
    kbool(w, "allowPrivilegeEscalation", k->allow_privilege_escalation);
    kstrs(w, "addedCapabilities", k->added_caps, k->n_added_caps);
    kstr(w, "serviceAccount", k->service_account);
    kbool(w, "serviceAccountTokenAutomounted", k->sa_token_automounted);
    kbool(w, "serviceAccountClusterAdmin", k->sa_cluster_admin);
    kbool(w, "serviceAccountWildcard", k->sa_wildcard);
    kstrs(w, "privilegeFactors", x->factors, x->n_factors);
    knum(w, "privilegeMultiplier", x->multiplier);
    kstrs(w, "why", k->why, k->n_why);
}

static void exposure(jw *w, const cg_decision *d)
{
    key(w, "exposure");
    open_(w, "{");
    kbool(w, "contextGiven", d->have_context);
    if (!d->n_exposure) {
        kstr(w, "reach", "unknown");
        weights(w, "reachabilityWeights", d->unknown_weight);
        kstr(w, "why", d->have_context ? "no workload in the manifests runs this image: unknown counts as exposed"
                                       : "no --context given: unknown counts as exposed");
    } else {
        kstr(w, "reach", "per workload (a finding takes its highest contextual risk)");
    }
    key(w, "workloads");
    open_(w, "[");
    for (size_t i = 0; i < d->n_exposure; i++) {
        elem(w);
        open_(w, "{");
        workload(w, d, &d->exposure[i]);
        close_(w, "}");
    }
    close_(w, "]");
    kstrs(w, "ignoredKinds", d->ignored_kinds, d->n_ignored_kinds);
    close_(w, "}");
}

static void policy_summary(jw *w, const cg_decision *d)
{
    const cg_policy *p = d->policy;
    key(w, "policy");
    open_(w, "{");
    kstr(w, "source", p->source);
    kstr(w, "format", p->legacy ? "seed PolicyConfig" : "cgate/v1");
    key(w, "severities");
    open_(w, "{");
    for (int s = CG_PSEV_N - 1; s >= 0; s--) {
        key(w, cg_psev_name((cg_psev)s));
        open_(w, "{");
        kbool(w, "block", p->sev[s].block);
        knum(w, "minCvss", p->sev[s].min_cvss);
        knum(w, "weight", p->sev[s].weight);
        close_(w, "}");
    }
    close_(w, "}");
    kbool(w, "allowUnfixed", p->allow_unfixed);
    kstrs(w, "cvssSources", p->cvss_sources, p->n_cvss_sources);
    kstr(w, "missingCvss", p->missing_cvss_block ? "block" : "zero");
    kbool(w, "kevBlock", p->kev_block);
    if (p->has_epss_min)
        knum(w, "epssThreshold", p->epss_min);
    if (p->has_max_risk)
        knum(w, "maxRiskScore", p->max_risk);
    if (p->has_max_ctx_risk)
        knum(w, "maxContextualRiskScore", p->max_ctx_risk);
    close_(w, "}");
}

cg_status cg_decision_write_json(const cg_decision *d, cg_buf *out, cg_error *err)
{
    jw w = {out, 0, 1, CG_OK};
    open_(&w, "{");
    kstr(&w, "apiVersion", "cgate/v1");
    kstr(&w, "kind", "Decision");
    kbool(&w, "pass", d->pass);
    key(&w, "blockedCVEs");
    open_(&w, "[");
    for (size_t i = 0; i < d->n_blocked; i++) {
        elem(&w);
        str(&w, d->blocked[i].f->id);
    }
    close_(&w, "]");
    key(&w, "remediationSteps");
    open_(&w, "[");
    for (size_t i = 0; i < d->n_blocked; i++) {
        elem(&w);
        str(&w, d->blocked[i].step);
    }
    close_(&w, "]");
    knum(&w, "riskScore", d->risk);
    knum(&w, "contextualRiskScore", d->ctx_risk);
    kstr(&w, "now", d->now);
    key(&w, "image");
    open_(&w, "{");
    kstr(&w, "name", d->image.name);
    kstrs(&w, "manifestDigests", d->image.manifest_digests, d->image.n_manifest_digests);
    kstr(&w, "configDigest", d->image.config_digest);
    close_(&w, "}");
    kstrs(&w, "denyReasons", d->deny_reasons, d->n_deny_reasons);
    key(&w, "blocked");
    open_(&w, "[");
    for (size_t i = 0; i < d->n_blocked; i++) {
        const cg_pblocked *b = &d->blocked[i];
        elem(&w);
        open_(&w, "{");
        kstr(&w, "id", b->f->id);
        kstr(&w, "package", b->f->pkg);
        kstr(&w, "installed", b->f->installed);
        kstr(&w, "fixed", b->f->fixed && *b->f->fixed ? b->f->fixed : NULL);
        kstr(&w, "severity", cg_psev_name(b->f->severity));
        key(&w, "cvss");
        if (b->has_cvss)
            num(&w, b->cvss);
        else
            raw(&w, "null");
        kstr(&w, "cvssSource", b->cvss_source);
        kstr(&w, "rule", b->rule);
        knum(&w, "contextualRisk", cg_policy_round2(b->ctx_risk));
        kbool(&w, "kev", b->f->kev);
        if (b->f->has_epss)
            knum(&w, "epss", b->f->epss);
        kopt(&w, "purl", b->f->purl);
        kopt(&w, "target", b->f->target);
        close_(&w, "}");
    }
    close_(&w, "]");
    key(&w, "remediation");
    open_(&w, "[");
    for (size_t i = 0; i < d->n_remedies; i++) {
        const cg_premedy *r = &d->remedies[i];
        elem(&w);
        open_(&w, "{");
        kstr(&w, "package", r->package);
        kstr(&w, "installed", r->installed);
        kstr(&w, "fixed", r->fixed);
        kstrs(&w, "ids", r->ids, r->n_ids);
        kstr(&w, "text", r->text);
        close_(&w, "}");
    }
    close_(&w, "]");
    exceptions(&w, d);
    key(&w, "vexSuppressed");
    open_(&w, "[");
    for (size_t i = 0; i < d->n_vexed; i++) {
        const cg_pvexed *v = &d->vexed[i];
        elem(&w);
        open_(&w, "{");
        kstr(&w, "id", v->f->id);
        kstr(&w, "package", v->f->pkg);
        kstr(&w, "installed", v->f->installed);
        kstr(&w, "purl", v->f->purl);
        kstr(&w, "status", v->m.status == CG_VEX_FIXED ? "fixed" : "not_affected");
        kstr(&w, "justification", v->m.justification);
        kstr(&w, "impact", v->m.impact);
        kstr(&w, "document", v->m.document);
        kstr(&w, "statement", v->m.statement_id);
        close_(&w, "}");
    }
    close_(&w, "]");
    exposure(&w, d);
    key(&w, "findings");
    open_(&w, "{");
    knum(&w, "total", (double)d->n_total);
    knum(&w, "filtered", (double)d->n_filtered);
    knum(&w, "vexSuppressed", (double)d->n_vexed);
    knum(&w, "evaluated", (double)d->n_evaluated);
    knum(&w, "excepted", (double)d->n_excepted);
    knum(&w, "blocked", (double)d->n_blocked);
    close_(&w, "}");
    policy_summary(&w, d);
    key(&w, "inputs");
    open_(&w, "[");
    for (size_t i = 0; i < d->n_inputs; i++) {
        elem(&w);
        open_(&w, "{");
        kstr(&w, "role", d->inputs[i].role);
        kstr(&w, "path", d->inputs[i].path);
        kstr(&w, "sha256", d->inputs[i].sha256);
        close_(&w, "}");
    }
    close_(&w, "]");
    close_(&w, "}");
    raw(&w, "\n");
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

cg_status cg_decision_write_table(const cg_decision *d, cg_buf *b, cg_error *err)
{
    char n1[40], n2[40];
    snprintf(n1, sizeof n1, "%.2f", d->risk);
    snprintf(n2, sizeof n2, "%.2f", d->ctx_risk);
    cg_buf_printf(b, "Decision: %s (%s)\n", d->pass ? "PASS" : "DENY", d->now);
    for (size_t i = 0; i < d->n_deny_reasons; i++)
        cg_buf_printf(b, "  - %s\n", d->deny_reasons[i]);
    /* the digest push --require-decision binds on first: a manifest digest */
    cg_buf_puts(b, "Image: ");
    tput(b, d->image.name);
    cg_buf_printf(b, " %s\n", d->image.n_manifest_digests ? d->image.manifest_digests[0]
                              : d->image.config_digest       ? d->image.config_digest
                                                             : "-");
    cg_buf_printf(b, "Risk score: %s   Contextual risk score: %s\n", n1, n2);
    cg_buf_printf(b, "Findings: %zu total, %zu filtered, %zu VEX-suppressed, %zu excepted, %zu blocked\n", d->n_total,
                  d->n_filtered, d->n_vexed, d->n_excepted, d->n_blocked);
    if (d->n_blocked) {
        cg_buf_printf(b, "\n%-20s %-24s %-22s %-22s %-9s %5s  %s\n", "ID", "PACKAGE", "INSTALLED", "FIXED", "SEVERITY",
                      "CVSS", "RULE");
        for (size_t i = 0; i < d->n_blocked; i++) {
            const cg_pblocked *x = &d->blocked[i];
            cg_buf t = CG_BUF_INIT;
            tput(&t, x->f->id);
            cg_buf_printf(b, "%-20s ", cg_buf_str(&t));
            cg_buf_reset(&t);
            tput(&t, x->f->pkg);
            cg_buf_printf(b, "%-24s ", cg_buf_str(&t));
            cg_buf_reset(&t);
            tput(&t, x->f->installed);
            cg_buf_printf(b, "%-22s ", cg_buf_str(&t));
            cg_buf_reset(&t);
            tput(&t, x->f->fixed && *x->f->fixed ? x->f->fixed : "-");
            cg_buf_printf(b, "%-22s ", cg_buf_str(&t));
            cg_buf_free(&t);
            if (x->has_cvss)
                cg_buf_printf(b, "%-9s %5.1f  %s\n", cg_psev_name(x->f->severity), x->cvss, x->rule);
            else
                cg_buf_printf(b, "%-9s %5s  %s\n", cg_psev_name(x->f->severity), "-", x->rule);
        }
    }
    if (d->n_remedies) {
        cg_buf_puts(b, "\nRemediation:\n");
        for (size_t i = 0; i < d->n_remedies; i++) {
            cg_buf_puts(b, "  * ");
            tput(b, d->remedies[i].text);
            cg_buf_putc(b, '\n');
        }
    }
    if (d->n_applied || d->n_expired) {
        cg_buf_puts(b, "\nExceptions:\n");
        for (size_t i = 0; i < d->n_applied; i++) {
            cg_buf_printf(b, "  applied  %s until %s (%zu finding%s) - ", d->applied[i].e->id,
                          d->applied[i].e->expires ? d->applied[i].e->expires : "never", d->applied[i].n_suppressed,
                          d->applied[i].n_suppressed == 1 ? "" : "s");
            tput(b, d->applied[i].e->reason);
            cg_buf_putc(b, '\n');
        }
        for (size_t i = 0; i < d->n_expired; i++)
            cg_buf_printf(b, "  EXPIRED  %s on %s (%s)\n", d->expired[i].e->id, d->expired[i].e->expires,
                          d->expired[i].e->source);
    }
    if (d->n_vexed)
        cg_buf_printf(b, "\nVEX: %zu finding%s not affected or fixed\n", d->n_vexed, d->n_vexed == 1 ? "" : "s");
    if (d->n_exposure) {
        cg_buf_puts(b, "\nExposure:\n");
        for (size_t i = 0; i < d->n_exposure; i++) {
            const cg_pwexposure *x = &d->exposure[i];
            cg_buf_printf(b, "  %s %s/%s: %s, privilege x%.4g\n", x->w->kind, x->w->namespace_ ? x->w->namespace_ : "-",
                          x->w->name, reach_name(x->w->reach), x->multiplier);
        }
    } else {
        cg_buf_printf(b, "\nExposure: unknown (%s)\n", d->have_context ? "no workload runs this image" : "no --context");
    }
    if (!b->data)
        cg_buf_puts(b, "");
    return b->data ? CG_OK : cg_error_set(err, CG_ERR_NOMEM, "out of memory");
}

/*
 * policy.c - evaluating a report against a policy: the seed's rules (a
 * critical or high finding at or above its CVSS threshold, an unfixed
 * finding unless allowed, the weighted risk score), then what the seed
 * leaves out (per-label rules, KEV, EPSS, missing CVSS, risk caps, filters,
 * VEX, exceptions, runtime exposure).  Pure: the date and every input come
 * in through cg_peval, the result goes to the caller's arena.
 */
#include <fnmatch.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/digest.h"
#include "core/rfc3339.h"
#include "policy/policy_int.h"
#include "core/oom.h"

double cg_policy_round2(double x)
{
    /* JavaScript's Math.round(x * 100) / 100: nearest, halves toward +inf */
    double v = x * 100, r = floor(v);
    if (v - r >= 0.5)
        r += 1;
    return r / 100;
}

static int av_index(const char *vector)
{
    if (!vector)
        return -1;
    const char *p = strstr(vector, "AV:");
    if (!p || (p != vector && p[-1] != '/' && p[-1] != '('))
        return -1;
    switch (p[3]) {
    case 'N': return CG_AV_N;
    case 'A': return CG_AV_A;
    case 'L': return CG_AV_L;
    case 'P': return CG_AV_P;
    default: return -1;
    }
}

/* Weight of a row for a vector; an unknown attack vector takes the row's
 * highest weight (the finding could be the most reachable kind). */
static double row_weight(const double *row, int av)
{
    if (av >= 0)
        return row[av];
    double m = row[0];
    for (int i = 1; i < CG_AV_COUNT; i++)
        m = row[i] > m ? row[i] : m;
    return m;
}

double cg_policy_ctx_risk(const cg_decision *d, double cvss, const char *vector)
{
    int av = av_index(vector);
    if (!d->n_exposure)
        return cvss * row_weight(d->unknown_weight, av);
    double best = 0;
    for (size_t i = 0; i < d->n_exposure; i++) {
        double r = cvss * row_weight(d->exposure[i].weight, av) * d->exposure[i].multiplier;
        best = r > best ? r : best;
    }
    return best;
}

/* The CVSS v3 score a policy reads for a finding.  The seed reads only
 * CVSS.nvd.V3Score; cgate/v1 policies read their `cvss.sources` in order
 * ("*" = any other source, by name; "cgate" = the scanner's computed score). */
static int pick_cvss(const cg_policy *p, const cg_pfinding *f, double *score, const char **vec, const char **src)
{
    for (size_t i = 0; i < p->n_cvss_sources; i++) {
        const char *want = p->cvss_sources[i];
        if (!strcmp(want, "cgate")) {
            if (f->has_cgate_score) {
                *score = f->cgate_score, *src = "cgate", *vec = NULL;
                for (size_t k = 0; k < f->n_cvss && !*vec; k++)
                    *vec = f->cvss[k].v3vector;
                return 1;
            }
            continue;
        }
        for (size_t k = 0; k < f->n_cvss; k++) {
            const cg_pcvss *c = &f->cvss[k];
            if (!c->has_v3score)
                continue;
            int listed = 0;
            if (!strcmp(want, "*"))
                for (size_t j = 0; j < p->n_cvss_sources && !listed; j++)
                    listed = !strcmp(p->cvss_sources[j], c->source);
            if (strcmp(want, "*") ? !strcmp(want, c->source) : !listed) {
                *score = c->v3score, *vec = c->v3vector, *src = c->source;
                return 1;
            }
        }
    }
    *score = 0, *vec = NULL, *src = NULL;
    return 0;
}

static int glob_any(const char *const *g, size_t n, const char *s)
{
    for (size_t i = 0; s && i < n; i++)
        if (fnmatch(g[i], s, 0) == 0)
            return 1;
    return 0;
}

static int filtered_out(const cg_policy *p, const cg_pfinding *f)
{
    if (p->n_pkg_include && !glob_any(p->pkg_include, p->n_pkg_include, f->pkg) &&
        !glob_any(p->pkg_include, p->n_pkg_include, f->purl))
        return 1;
    if (glob_any(p->pkg_exclude, p->n_pkg_exclude, f->pkg) || glob_any(p->pkg_exclude, p->n_pkg_exclude, f->purl))
        return 1;
    if (p->n_path_include && !glob_any(p->path_include, p->n_path_include, f->target) &&
        !glob_any(p->path_include, p->n_path_include, f->pkg_path))
        return 1;
    if (glob_any(p->path_exclude, p->n_path_exclude, f->target) ||
        glob_any(p->path_exclude, p->n_path_exclude, f->pkg_path))
        return 1;
    return 0;
}

cg_status cg_pblocked_step(const cg_pblocked *b, cg_buf *out)
{
    const cg_pfinding *f = b->f;
    int has_fix = f->fixed && *f->fixed;
    if (b->rule && !strcmp(b->rule, "unfixed"))
        return cg_buf_printf(out, "Block unpatched %s. Monitor vendor advisory or isolate workload.", f->id);
    if (f->title && *f->title)
        return cg_buf_printf(out, "Patch %s (%s) to %s", f->id, f->title, has_fix ? f->fixed : "latest");
    return cg_buf_printf(out, "Patch %s to %s", f->id, has_fix ? f->fixed : "latest");
}

static void expose_workloads(const cg_peval *in, cg_decision *d, cg_arena *a)
{
    const cg_policy *p = in->policy;
    memcpy(d->unknown_weight, p->reach_weight[CG_REACH_UNKNOWN], sizeof d->unknown_weight);
    d->exposure = cg_arena_calloc(a, in->n_workloads + 1, sizeof *d->exposure);
    if (!d->exposure)
        return;
    for (size_t i = 0; i < in->n_workloads; i++) {
        const cg_workload *w = &in->workloads[i];
        cg_pwexposure *x = &d->exposure[d->n_exposure++];
        x->w = w;
        unsigned r = (unsigned)w->reach < CG_REACH_COUNT ? (unsigned)w->reach : CG_REACH_UNKNOWN;
        memcpy(x->weight, p->reach_weight[r], sizeof x->weight);
        x->factors = cg_arena_calloc(a, 6, sizeof *x->factors);
        if (!x->factors)
            return;
        if (w->privileged)
            x->factors[x->n_factors++] = "privileged";
        if (w->host_network)
            x->factors[x->n_factors++] = "hostNetwork";
        if (w->host_pid)
            x->factors[x->n_factors++] = "hostPID";
        if (w->runs_as_root)
            x->factors[x->n_factors++] = "runsAsRoot";
        if (w->n_added_caps)
            x->factors[x->n_factors++] = "addedCapabilities";
        if (w->sa_token_automounted && (w->sa_cluster_admin || w->sa_wildcard))
            x->factors[x->n_factors++] = "serviceAccountBroadRBAC";
        double m = 1;
        for (size_t k = 0; k < x->n_factors; k++)
            m *= p->priv_factor;
        x->multiplier = m > p->priv_cap ? p->priv_cap : m;
    }
}

static int cmp_s(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

static const char *fix_of(const cg_pfinding *f)
{
    return f->fixed && *f->fixed ? f->fixed : NULL;
}

/* Remediation groups (package, installed, fixed), then ids. */
static int remkey_cmp(const void *x, const void *y)
{
    const cg_pfinding *a = *(const cg_pfinding *const *)x, *b = *(const cg_pfinding *const *)y;
    int c = cmp_s(a->pkg, b->pkg);
    if (!c)
        c = cmp_s(a->installed, b->installed);
    if (!c)
        c = cmp_s(fix_of(a), fix_of(b));
    if (!c)
        c = cmp_s(a->id, b->id);
    return c;
}

/* One remedy per (package, installed, fixed) of the blocked findings, its
 * ids sorted and unique.  Every group's ids are a slice of one array; the
 * sentence is made when it is written (cg_premedy_text). */
static cg_status build_remedies(cg_decision *d, cg_arena *a, cg_error *err)
{
    if (!d->n_blocked)
        return CG_OK;
    const cg_pfinding **k = malloc(d->n_blocked * sizeof *k);
    if (!k)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    size_t groups = 0;
    for (size_t i = 0; i < d->n_blocked; i++)
        k[i] = d->blocked[i].f;
    qsort(k, d->n_blocked, sizeof *k, remkey_cmp);
    for (size_t i = 0; i < d->n_blocked; i++)
        groups += !i || cmp_s(k[i]->pkg, k[i - 1]->pkg) || cmp_s(k[i]->installed, k[i - 1]->installed) ||
                  cmp_s(fix_of(k[i]), fix_of(k[i - 1]));
    d->remedies = cg_arena_calloc(a, groups, sizeof *d->remedies);
    const char **ids = cg_arena_calloc(a, d->n_blocked, sizeof *ids);
    if (!d->remedies || !ids) {
        free(k);
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < d->n_blocked;) {
        size_t j = i;
        while (j < d->n_blocked && !cmp_s(k[j]->pkg, k[i]->pkg) && !cmp_s(k[j]->installed, k[i]->installed) &&
               !cmp_s(fix_of(k[j]), fix_of(k[i])))
            j++;
        cg_premedy *r = &d->remedies[d->n_remedies++];
        r->package = k[i]->pkg, r->installed = k[i]->installed, r->fixed = fix_of(k[i]);
        r->ids = ids;
        for (size_t m = i; m < j; m++)
            if (!r->n_ids || strcmp(r->ids[r->n_ids - 1], k[m]->id))
                r->ids[r->n_ids++] = k[m]->id;
        ids += r->n_ids;
        i = j;
    }
    free(k);
    return CG_OK;
}

cg_status cg_premedy_text(const cg_premedy *r, cg_buf *out)
{
    cg_status st = r->fixed ? cg_buf_printf(out, "upgrade %s %s \u2192 %s fixes ", r->package,
                                            r->installed ? r->installed : "", r->fixed)
                            : cg_buf_printf(out, "%s %s has no fix for ", r->package, r->installed ? r->installed : "");
    for (size_t i = 0; st == CG_OK && i < r->n_ids; i++)
        st = cg_buf_printf(out, "%s%s", i ? ", " : "", r->ids[i]);
    if (st == CG_OK && !r->fixed)
        st = cg_buf_puts(out, ": isolate the workload or add a time-bound exception");
    return st;
}

static const char *hit_label(cg_arena *a, const cg_pfinding *f)
{
    return cg_arena_sprintf(a, "%s %s@%s", f->id, f->pkg, f->installed ? f->installed : "");
}

/* A finding's verdict in the first pass: kind in the low 4 bits, detail above. */
enum { V_NONE, V_BLOCK /* detail: BLOCK_RULE index */, V_RTALLOW, V_CONF /* 0 secret, 1 + severity */,
       V_PSS /* 0 reported, 1 excepted, 2 blocked */ };
enum { R_UNFIXED = CG_SEV_COUNT, R_KEV, R_EPSS, R_MISSING };
static const char *const BLOCK_RULE[] = {"severity:unknown", "severity:low", "severity:medium", "severity:high",
                                         "severity:critical", "unfixed", "kev", "epss", "missing-cvss"};
static const char *const MISCONF_RULE[CG_SEV_COUNT] = {"misconfiguration:unknown", "misconfiguration:low",
                                                       "misconfiguration:medium", "misconfiguration:high",
                                                       "misconfiguration:critical"};

static cg_status collect_exceptions(cg_decision *d, cg_pexset *xs, const cg_preport *r, cg_arena *a, cg_error *err)
{
    d->applied = cg_arena_calloc(a, xs->n + 1, sizeof *d->applied);
    d->expired = cg_arena_calloc(a, xs->n + 1, sizeof *d->expired);
    d->unused = cg_arena_calloc(a, xs->n + 1, sizeof *d->unused);
    if (!d->applied || !d->expired || !d->unused)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < xs->n; i++) {
        const cg_vec *h = &xs->hits[i];
        if (xs->active[i] && !h->n) {
            d->unused[d->n_unused++] = xs->ex[i];
            continue;
        }
        cg_papplied *ap = xs->active[i] ? &d->applied[d->n_applied++] : &d->expired[d->n_expired++];
        ap->e = xs->ex[i];
        ap->suppressed = cg_arena_calloc(a, h->n, sizeof *ap->suppressed);
        if (!ap->suppressed)
            return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        for (size_t k = 0; k < h->n; k++)
            ap->suppressed[ap->n_suppressed++] = hit_label(a, &r->findings[((size_t *)h->v)[k]]);
    }
    return CG_OK;
}

/* The image the report is about.  Only well-formed sha256 digests are kept:
 * `cgate push --require-decision` compares them byte for byte, and a report
 * entry that is not a digest must not turn into something that could match. */
static cg_status report_image(const cg_preport *r, cg_arena *a, cg_pimage *im, cg_error *err)
{
    im->name = r->artifact_name;
    im->config_digest = cg_digest_valid(r->image_id) ? r->image_id : NULL;
    im->manifest_digests = cg_arena_calloc(a, r->n_repo_digests + 1, sizeof *im->manifest_digests);
    if (!im->manifest_digests)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < r->n_repo_digests; i++) {
        const char *at = strrchr(r->repo_digests[i], '@');
        if (at && cg_digest_valid(at + 1))
            im->manifest_digests[im->n_manifest_digests++] = at + 1;
    }
    qsort(im->manifest_digests, im->n_manifest_digests, sizeof *im->manifest_digests, cg_strptr_cmp);
    size_t n = 0;
    for (size_t i = 0; i < im->n_manifest_digests; i++)
        if (!n || strcmp(im->manifest_digests[n - 1], im->manifest_digests[i]))
            im->manifest_digests[n++] = im->manifest_digests[i];
    im->n_manifest_digests = n;
    return CG_OK;
}


/* A DB older than --db-max-age when the report was read (or a report that
 * does not say how old its DB was). */
static cg_status db_age_warning(const cg_peval *in, cg_decision *d, cg_arena *a)
{
    if (in->db_max_age <= 0)
        return CG_OK;
    const char *built = in->report->db_built;
    int64_t t;
    const char *w;
    char h1[40], h2[40];
    if (!built || cg_rfc3339_parse(built, &t) != 0)
        w = cg_arena_sprintf(a, "the report does not say when its vulnerability DB was built, so --db-max-age "
                                "(%s) cannot be checked", cg_human_span(in->db_max_age, h1, sizeof h1));
    else if (in->now_epoch - t > in->db_max_age)
        w = cg_arena_sprintf(a, "the report's vulnerability DB was built %.40s, %s before now: older than "
                                "--db-max-age (%s)", built, cg_human_span(in->now_epoch - t, h1, sizeof h1),
                             cg_human_span(in->db_max_age, h2, sizeof h2));
    else
        return CG_OK;
    if (!w)
        return CG_ERR_NOMEM;
    d->warnings[d->n_warnings++] = w;
    return CG_OK;
}

static cg_status policy_evaluate(const cg_peval *in, cg_arena *a, cg_decision **out, cg_error *err)
{
    const cg_policy *p = in->policy;
    const cg_preport *r = in->report;
    *out = NULL;
    if (!cg_policy_date_valid(in->now))
        return cg_error_set(err, CG_ERR_USAGE, "date \"%s\" is not YYYY-MM-DD", in->now ? in->now : "");
    cg_decision *d = cg_arena_alloc(a, sizeof *d);
    if (!d)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    d->now = in->now;
    cg_status st = report_image(r, a, &d->image, err);
    if (st != CG_OK)
        return st;
    d->policy = p;
    d->have_context = in->have_context;
    d->ignored_kinds = in->ignored_kinds;
    d->n_ignored_kinds = in->n_ignored_kinds;
    d->inputs = in->inputs;
    d->n_inputs = in->n_inputs;
    d->n_total = r->n_findings;
    expose_workloads(in, d, a);
    d->deny_reasons = cg_arena_calloc(a, 8, sizeof *d->deny_reasons);
    d->warnings = cg_arena_calloc(a, 8, sizeof *d->warnings);
    d->strict = in->strict;
    d->runtime_evidence = r->runtime_evidence;
    d->runtime_window = r->runtime_window;
    if (!d->exposure || !d->deny_reasons || !d->warnings)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");

    /* Two passes: the first decides each finding (exceptions and VEX are
     * asked once, here) and keeps one byte of verdict per finding; the second
     * fills arrays of exactly the sizes counted, recomputing what is cheap
     * (the score a policy reads, the contextual risk).  Nothing per finding
     * is allocated beyond the verdicts the decision lists. */
    cg_pexset xs;
    st = cg_pexset_build(&xs, p->exceptions, p->n_exceptions, in->extra_exceptions,
                                   in->n_extra_exceptions, in->now, p->allow_permanent_exceptions, err);
    double risk = 0, ctx = 0;
    size_t noscore = 0, noscore_crit = 0, noscore_high = 0, undecided = 0;
    size_t nb = 0, nrt = 0, ncb = 0, npss = 0;
    uint8_t *verdict = r->n_findings ? calloc(r->n_findings, 1) : NULL;
    cg_vec vx = {0};
    if (r->n_findings && !verdict && st == CG_OK)
        st = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    for (size_t i = 0; st == CG_OK && i < r->n_findings; i++) {
        const cg_pfinding *f = &r->findings[i];
        if (f->conf) { /* secrets and misconfigurations: their own rules, the same exceptions */
            d->n_evaluated++;
            long ex = cg_pexset_match(&xs, f, i, err, &st);
            if (st != CG_OK)
                break;
            int pss = f->conf == CG_PCONF_PSS;
            npss += pss;
            if (ex >= 0) {
                d->n_excepted++;
                verdict[i] = pss ? V_PSS | 1 << 4 : V_NONE;
                continue;
            }
            const char *lvl = f->cx ? f->cx->pss_level : NULL;
            if (f->conf == CG_PCONF_SECRET && !p->secrets_allow)
                verdict[i] = V_CONF, ncb++;
            else if (f->conf == CG_PCONF_MISCONFIG && p->misconf_block && f->severity >= p->misconf_min)
                verdict[i] = V_CONF | (uint8_t)(((unsigned)f->severity % CG_SEV_COUNT + 1) << 4), ncb++;
            else if (pss && lvl && p->pss_level && f->severity >= p->pss_min &&
                     (p->pss_level == 2 || !strcmp(lvl, "baseline")))
                verdict[i] = V_PSS | 2 << 4, ncb++;
            else
                verdict[i] = pss ? V_PSS : V_NONE;
            continue;
        }
        if (filtered_out(p, f)) {
            d->n_filtered++;
            continue;
        }
        if (in->vex && f->purl) {
            cg_pvexed m;
            memset(&m, 0, sizeof m);
            m.f = f;
            st = in->vex(in->vex_ud, f->id, (const char *const *)f->aliases, f->n_aliases, f->purl, &m.m);
            if (st != CG_OK) {
                cg_error_prefix(err, "VEX lookup of %s", f->id);
                break;
            }
            if (m.m.status == CG_VEX_NOT_AFFECTED || m.m.status == CG_VEX_FIXED) {
                if (!cg_vec_push(&vx, &m, sizeof m))
                    st = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
                continue;
            }
        }
        d->n_evaluated++;
        double score;
        const char *vec, *src;
        int has = pick_cvss(p, f, &score, &vec, &src);
        if (!has) {
            noscore++;
            noscore_crit += f->severity == CG_SEV_CRITICAL;
            noscore_high += f->severity == CG_SEV_HIGH;
        }
        undecided += f->status_unknown != 0;
        risk += score * p->sev[f->severity].weight;
        ctx += cg_policy_ctx_risk(d, score, vec);
        long ex = cg_pexset_match(&xs, f, i, err, &st);
        if (st != CG_OK)
            break;
        if (ex >= 0) {
            d->n_excepted++;
            continue;
        }
        const cg_psev_rule *rule = &p->sev[f->severity];
        int why = -1;
        int has_fix = f->fixed && *f->fixed;
        /* the seed: a missing score counts as 0 against the threshold */
        if (rule->block && score >= rule->min_cvss)
            why = (int)f->severity % CG_SEV_COUNT;
        else if (!has_fix && !p->allow_unfixed)
            why = R_UNFIXED;
        else if (f->kev && p->kev_block)
            why = R_KEV;
        else if (p->has_epss_min && f->has_epss && f->epss >= p->epss_min)
            why = R_EPSS;
        else if (!has && p->missing_cvss_block && rule->block)
            why = R_MISSING;
        if (why < 0)
            continue;
        if (p->runtime_allow >= 0 && f->runtime == 0 && (int)f->severity <= p->runtime_allow) {
            /* opted in: never loaded per the report's runtime evidence */
            verdict[i] = V_RTALLOW, nrt++;
            continue;
        }
        verdict[i] = V_BLOCK | (uint8_t)(why << 4), nb++;
    }
    if (st == CG_OK) {
        d->blocked = cg_arena_calloc(a, nb + 1, sizeof *d->blocked);
        d->runtime_allowed = cg_arena_calloc(a, nrt + 1, sizeof *d->runtime_allowed);
        d->conf_blocked = cg_arena_calloc(a, ncb + 1, sizeof *d->conf_blocked);
        d->pss = cg_arena_calloc(a, npss + 1, sizeof *d->pss);
        d->vexed = cg_arena_calloc(a, vx.n + 1, sizeof *d->vexed);
        if (!d->blocked || !d->runtime_allowed || !d->conf_blocked || !d->pss || !d->vexed)
            st = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        else if (vx.n)
            memcpy(d->vexed, vx.v, vx.n * sizeof *d->vexed);
        d->n_vexed = vx.n;
    }
    free(vx.v);
    for (size_t i = 0; st == CG_OK && i < r->n_findings; i++) {
        const cg_pfinding *f = &r->findings[i];
        unsigned kind = verdict[i] & 15u, sub = verdict[i] >> 4;
        if (kind == V_NONE)
            continue;
        if (kind == V_BLOCK) {
            cg_pblocked *b = &d->blocked[d->n_blocked++];
            const char *vec;
            b->f = f;
            b->has_cvss = pick_cvss(p, f, &b->cvss, &vec, &b->cvss_source);
            b->ctx_risk = cg_policy_ctx_risk(d, b->cvss, vec);
            b->rule = BLOCK_RULE[sub];
        } else if (kind == V_RTALLOW) {
            if (!(d->runtime_allowed[d->n_runtime_allowed++] = hit_label(a, f)))
                st = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        } else if (kind == V_CONF) {
            cg_pblocked *b = &d->conf_blocked[d->n_conf_blocked++];
            b->f = f, b->rule = sub ? MISCONF_RULE[sub - 1] : "secret";
        } else if (kind == V_PSS) {
            cg_pblocked *ps = &d->pss[d->n_pss++];
            ps->f = f;
            if (sub == 1)
                ps->rule = "excepted";
            else if (sub == 2) {
                cg_pblocked *b = &d->conf_blocked[d->n_conf_blocked++];
                b->f = f;
                b->rule = ps->rule = cg_arena_sprintf(a, "pod-security:%s", f->cx->pss_level);
                if (!b->rule)
                    st = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
            }
        }
    }
    free(verdict);
    if (st == CG_OK)
        st = collect_exceptions(d, &xs, r, a, err);
    cg_pexset_free(&xs);
    if (st == CG_OK)
        st = build_remedies(d, a, err);
    if (st != CG_OK)
        return st;
    d->risk = cg_policy_round2(risk);
    d->ctx_risk = cg_policy_round2(ctx);
    if (p->legacy && noscore)
        d->warnings[d->n_warnings++] = cg_arena_sprintf(
            a, "%zu of %zu findings have no NVD V3 score; this policy format treats them as 0 (CRITICAL: %zu, HIGH: %zu)",
            noscore, d->n_evaluated, noscore_crit, noscore_high);
    if (undecided)
        d->warnings[d->n_warnings++] = cg_arena_sprintf(
            a, "%zu finding%s could not be decided (Status unknown: the installed version could not be ordered "
               "against the advisory), so whether the package is affected is not known",
            undecided, undecided == 1 ? "" : "s");
    st = db_age_warning(in, d, a);
    if (st == CG_OK && r->cgate_version && strcmp(r->cgate_version, CGATE_VERSION))
        d->warnings[d->n_warnings++] = cg_arena_sprintf(
            a, "the report was written by cgate %.40s, this is cgate %s: its findings may differ from this version's",
            r->cgate_version, CGATE_VERSION);
    if (st == CG_OK && r->inventory_empty && p->allow_empty_inventory)
        d->warnings[d->n_warnings++] = cg_arena_sprintf(
            a, "the report covers no packages: nothing was inventoried, so no finding proves nothing (%s)",
            p->legacy ? "this policy format does not check it" : "allowed by allowEmptyInventory");
    if (st != CG_OK)
        return cg_error_set(err, st, "out of memory");
    for (size_t i = 0; i < d->n_warnings; i++)
        if (!d->warnings[i])
            return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    if (r->inventory_empty && !p->allow_empty_inventory)
        d->deny_reasons[d->n_deny_reasons++] =
            cg_arena_sprintf(a, "the report covers no packages (nothing was inventoried); set allowEmptyInventory: "
                                "true in the policy to accept that");
    if (d->n_blocked)
        d->deny_reasons[d->n_deny_reasons++] =
            cg_arena_sprintf(a, "%zu finding%s blocked", d->n_blocked, d->n_blocked == 1 ? "" : "s");
    if (d->n_conf_blocked)
        d->deny_reasons[d->n_deny_reasons++] =
            cg_arena_sprintf(a, "%zu secret%s or misconfiguration%s blocked", d->n_conf_blocked,
                             d->n_conf_blocked == 1 ? "" : "s", d->n_conf_blocked == 1 ? "" : "s");
    if (p->has_max_risk && d->risk > p->max_risk)
        d->deny_reasons[d->n_deny_reasons++] =
            cg_arena_sprintf(a, "riskScore %.2f exceeds maxRiskScore %g", d->risk, p->max_risk);
    if (p->has_max_ctx_risk && d->ctx_risk > p->max_ctx_risk)
        d->deny_reasons[d->n_deny_reasons++] = cg_arena_sprintf(
            a, "contextualRiskScore %.2f exceeds maxContextualRiskScore %g", d->ctx_risk, p->max_ctx_risk);
    if (in->strict && d->n_warnings)
        d->deny_reasons[d->n_deny_reasons++] = cg_arena_sprintf(
            a, "%zu warning%s and --strict", d->n_warnings, d->n_warnings == 1 ? "" : "s");
    for (size_t i = 0; i < d->n_deny_reasons; i++)
        if (!d->deny_reasons[i])
            return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    d->pass = d->n_deny_reasons == 0;
    *out = d;
    return CG_OK;
}

/* The public entry point: a result built through a failed allocation (which deep
 * code may have taken for "absent") is never returned (core/oom.h). */
cg_status cg_policy_evaluate(const cg_peval *in, cg_arena *a, cg_decision **out, cg_error *err)
{
    unsigned long oom_before = cg_oom_count();
    cg_status st = policy_evaluate(in, a, out, err);
    if (st == CG_OK && cg_oom_check(oom_before, "policy decision", err) != CG_OK) {
        st = CG_ERR_NOMEM;
        *out = NULL; /* arena memory: freed with the arena */
    }
    return st;
}

/*
 * rego_input.c - Rego policies in `cgate policy`: the stable input document
 * built from the report, exceptions, exposure context and date (documented
 * in docs/rego.md and docs/rego-input.schema.json), the Conftest reading of
 * deny/violation/warn/allow, and folding that verdict into the typed
 * decision so both kinds of policy must pass.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cgate/policy_rego.h"

static json_t *jstr(const char *s) { return s ? json_string(s) : json_null(); }

static void upper(char *s)
{
    for (; *s; s++)
        if (*s >= 'a' && *s <= 'z')
            *s = (char)(*s - 'a' + 'A');
}

/* NVD's v3 score when present, else the highest other source's. */
static const cg_pcvss *pick_cvss(const cg_pfinding *f)
{
    const cg_pcvss *best = NULL;
    for (size_t i = 0; i < f->n_cvss; i++) {
        const cg_pcvss *c = &f->cvss[i];
        if (!c->has_v3score)
            continue;
        if (c->source && !strcmp(c->source, "nvd"))
            return c;
        if (!best || c->v3score > best->v3score)
            best = c;
    }
    return best;
}

static const char *reach_name(cg_reach r)
{
    switch (r) {
    case CG_REACH_NONE: return "none";
    case CG_REACH_ISOLATED: return "isolated";
    case CG_REACH_CLUSTER: return "cluster";
    case CG_REACH_INTERNET: return "internet";
    default: return "unknown";
    }
}

static json_t *sev_upper(cg_severity s)
{
    char sev[32];
    snprintf(sev, sizeof sev, "%s", cg_severity_name(s));
    upper(sev);
    return json_string(sev);
}

static json_t *jint_or_null(int v, int none) { return v == none ? json_null() : json_integer(v); }

/* input.secrets[]: one per secret finding, report order. */
static json_t *secrets_input(const cg_preport *rep)
{
    static const cg_pconf none = {.layer = -1, .deleted_in = -1};
    json_t *arr = json_array();
    for (size_t i = 0; i < rep->n_findings; i++) {
        const cg_pfinding *f = &rep->findings[i];
        if (f->conf != CG_PCONF_SECRET)
            continue;
        const cg_pconf *cx = f->cx ? f->cx : &none;
        json_t *o = json_object(), *ly = json_object();
        json_object_set_new(o, "ruleId", jstr(f->id));
        json_object_set_new(o, "category", jstr(cx->category));
        json_object_set_new(o, "severity", sev_upper(f->severity));
        json_object_set_new(o, "title", jstr(cx->title));
        json_object_set_new(o, "target", jstr(f->target));
        json_object_set_new(o, "line", json_integer(f->line));
        json_object_set_new(o, "endLine", json_integer(cx->end_line));
        json_object_set_new(o, "match", jstr(cx->match));
        json_object_set_new(o, "source", jstr(cx->source));
        json_object_set_new(ly, "added", jint_or_null(cx->layer, -1));
        json_object_set_new(ly, "deleted", jint_or_null(cx->deleted_in, -1));
        json_object_set_new(ly, "digest", jstr(cx->layer_digest));
        json_object_set_new(ly, "diffId", jstr(cx->layer_diff_id));
        json_object_set_new(o, "layer", ly);
        json_array_append_new(arr, o);
    }
    return arr;
}

/* input.misconfigurations[]: the report's, then the Pod Security Standards
 * findings on the --context manifests. */
static json_t *misconfigs_input(const cg_preport *rep)
{
    static const cg_pconf none = {.layer = -1, .deleted_in = -1};
    json_t *arr = json_array();
    for (size_t i = 0; i < rep->n_findings; i++) {
        const cg_pfinding *f = &rep->findings[i];
        if (f->conf != CG_PCONF_MISCONFIG && f->conf != CG_PCONF_PSS)
            continue;
        const cg_pconf *cx = f->cx ? f->cx : &none;
        json_t *o = json_object();
        json_object_set_new(o, "id", jstr(f->id));
        json_object_set_new(o, "checkId", jstr(cx->check_id));
        json_object_set_new(o, "trivyId", jstr(cx->trivy_id));
        json_object_set_new(o, "avdId", jstr(cx->avd_id));
        json_object_set_new(o, "hadolintId", jstr(cx->hadolint_id));
        json_object_set_new(o, "severity", sev_upper(f->severity));
        json_object_set_new(o, "title", jstr(cx->title));
        json_object_set_new(o, "message", jstr(cx->message));
        json_object_set_new(o, "type", jstr(cx->type));
        json_object_set_new(o, "target", jstr(f->target));
        json_object_set_new(o, "line", json_integer(f->line));
        json_object_set_new(o, "endLine", json_integer(cx->end_line));
        json_object_set_new(o, "podSecurityLevel", jstr(cx->pss_level));
        json_object_set_new(o, "workload", jstr(cx->workload));
        json_array_append_new(arr, o);
    }
    return arr;
}

cg_status cg_policy_rego_input(const cg_peval *ev, const cg_decision *d, cg_buf *out, cg_error *err)
{
    json_t *root = json_object(), *vulns = json_array();
    const cg_preport *rep = ev->report;
    for (size_t i = 0; i < rep->n_findings; i++) {
        const cg_pfinding *f = &rep->findings[i];
        if (f->conf)
            continue; /* input.secrets[], input.misconfigurations[] */
        json_t *v = json_object();
        char sev[32];
        snprintf(sev, sizeof sev, "%s", cg_severity_name(f->severity));
        upper(sev);
        json_object_set_new(v, "id", jstr(f->id));
        json_object_set_new(v, "severity", json_string(sev));
        json_t *cv = json_object(), *v3 = NULL;
        const cg_pcvss *c = pick_cvss(f);
        if (c) {
            v3 = json_object();
            json_object_set_new(v3, "score", json_real(c->v3score));
            json_object_set_new(v3, "source", jstr(c->source));
            if (c->v3vector)
                json_object_set_new(v3, "vector", json_string(c->v3vector));
            json_object_set_new(cv, "v3", v3);
        }
        json_object_set_new(v, "cvss", cv);
        json_object_set_new(v, "title", jstr(f->title ? f->title : ""));
        json_object_set_new(v, "package", jstr(f->pkg));
        json_object_set_new(v, "installed", jstr(f->installed));
        json_object_set_new(v, "fixed", f->fixed && *f->fixed ? json_string(f->fixed) : json_null());
        json_object_set_new(v, "kev", json_boolean(f->kev));
        json_object_set_new(v, "epss", f->has_epss ? json_real(f->epss) : json_null());
        json_object_set_new(v, "target", jstr(f->target));
        json_object_set_new(v, "layer", jstr(f->pkg_path));
        json_object_set_new(v, "purl", jstr(f->purl));
        json_t *al = json_array();
        for (size_t k = 0; k < f->n_aliases; k++)
            json_array_append_new(al, json_string(f->aliases[k]));
        json_object_set_new(v, "aliases", al);
        json_array_append_new(vulns, v);
    }
    json_object_set_new(root, "vulnerabilities", vulns);
    json_object_set_new(root, "secrets", secrets_input(rep));
    json_object_set_new(root, "misconfigurations", misconfigs_input(rep));

    json_t *img = json_object(), *dig = json_array(), *tags = json_array();
    json_object_set_new(img, "name", jstr(rep->artifact_name));
    for (size_t i = 0; d && i < d->image.n_manifest_digests; i++)
        json_array_append_new(dig, json_string(d->image.manifest_digests[i]));
    for (size_t i = 0; i < rep->n_repo_tags; i++)
        json_array_append_new(tags, json_string(rep->repo_tags[i]));
    json_object_set_new(img, "manifestDigests", dig);
    json_object_set_new(img, "configDigest", d ? jstr(d->image.config_digest) : json_null());
    json_object_set_new(img, "repoTags", tags);
    json_object_set_new(root, "image", img);

    json_t *ctx = json_object(), *wls = json_array();
    json_object_set_new(ctx, "provided", json_boolean(ev->have_context));
    double maxmul = 0;
    for (size_t i = 0; d && i < d->n_exposure; i++) {
        const cg_pwexposure *x = &d->exposure[i];
        const cg_workload *w = x->w;
        json_t *o = json_object(), *ports = json_array(), *factors = json_array();
        json_object_set_new(o, "kind", jstr(w->kind));
        json_object_set_new(o, "namespace", jstr(w->namespace_));
        json_object_set_new(o, "name", jstr(w->name));
        json_object_set_new(o, "container", jstr(w->container));
        json_object_set_new(o, "reach", json_string(reach_name(w->reach)));
        for (size_t k = 0; k < w->n_ports; k++)
            json_array_append_new(ports, json_integer(w->ports[k]));
        json_object_set_new(o, "ports", ports);
        json_object_set_new(o, "privileged", json_boolean(w->privileged));
        json_object_set_new(o, "runsAsRoot", json_boolean(w->runs_as_root));
        json_object_set_new(o, "hostNetwork", json_boolean(w->host_network));
        json_object_set_new(o, "multiplier", json_real(x->multiplier));
        for (size_t k = 0; k < x->n_factors; k++)
            json_array_append_new(factors, json_string(x->factors[k]));
        json_object_set_new(o, "factors", factors);
        json_array_append_new(wls, o);
        if (x->multiplier > maxmul)
            maxmul = x->multiplier;
    }
    json_object_set_new(ctx, "workloads", wls);
    json_object_set_new(ctx, "maxMultiplier", json_real(maxmul));
    json_object_set_new(root, "context", ctx);

    json_t *exc = json_array();
    const cg_policy *p = ev->policy;
    for (int pass = 0; pass < 2; pass++) {
        const cg_pexception *e = pass ? ev->extra_exceptions : (p ? p->exceptions : NULL);
        size_t n = pass ? ev->n_extra_exceptions : (p ? p->n_exceptions : 0);
        for (size_t i = 0; e && i < n; i++) {
            json_t *o = json_object();
            json_object_set_new(o, "id", jstr(e[i].id));
            json_object_set_new(o, "package", jstr(e[i].package));
            json_object_set_new(o, "version", jstr(e[i].version));
            json_object_set_new(o, "reason", jstr(e[i].reason));
            json_object_set_new(o, "approvedBy", jstr(e[i].approved_by));
            json_object_set_new(o, "expires", jstr(e[i].expires));
            json_array_append_new(exc, o);
        }
    }
    json_object_set_new(root, "exceptions", exc);
    json_object_set_new(root, "now", jstr(ev->now));
    char *s = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(15));
    json_decref(root);
    if (!s)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    cg_status st = cg_buf_puts(out, s);
    free(s);
    return st;
}

/* ---- verdict ---------------------------------------------------------------- */
typedef struct sl {
    const char **v;
    size_t n, cap;
} sl;

static int sl_add(cg_arena *a, sl *l, const char *s)
{
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 16;
        const char **nv = cg_arena_alloc(a, nc * sizeof *nv);
        if (!nv)
            return -1;
        if (l->n)
            memcpy(nv, l->v, l->n * sizeof *nv);
        l->v = nv;
        l->cap = nc;
    }
    l->v[l->n++] = s;
    return 0;
}

/* messages of a deny/warn value: set/array of strings or {msg: ...} objects, a string, true */
static void collect(cg_arena *a, const char *what, json_t *val, sl *l)
{
    if (json_is_array(val)) {
        size_t i;
        json_t *x;
        json_array_foreach(val, i, x)
        {
            if (json_is_string(x))
                sl_add(a, l, cg_arena_sprintf(a, "%s: %s", what, json_string_value(x)));
            else if (json_is_object(x) && json_is_string(json_object_get(x, "msg")))
                sl_add(a, l, cg_arena_sprintf(a, "%s: %s", what, json_string_value(json_object_get(x, "msg"))));
            else {
                char *d = json_dumps(x, JSON_ENCODE_ANY | JSON_COMPACT | JSON_SORT_KEYS);
                sl_add(a, l, cg_arena_sprintf(a, "%s: %s", what, d ? d : "?"));
                free(d);
            }
        }
    } else if (json_is_string(val))
        sl_add(a, l, cg_arena_sprintf(a, "%s: %s", what, json_string_value(val)));
    else if (json_is_true(val))
        sl_add(a, l, cg_arena_sprintf(a, "%s is true", what));
}

static cg_status eval_value(cg_rego *r, const char *input, size_t len, const char *query, const cg_rego_limits *lim,
                            json_t **out, cg_error *err)
{
    cg_rego_query q = {0};
    q.query = query;
    q.input_json = input;
    q.input_len = len;
    q.no_print = 1;
    if (lim)
        q.limits = *lim;
    cg_buf b = CG_BUF_INIT;
    cg_rego_outcome oc;
    cg_status st = cg_rego_eval(r, &q, &b, 0, NULL, &oc, err);
    *out = NULL;
    if (st == CG_OK && oc.n_results) {
        json_t *j = json_loads(cg_buf_str(&b), JSON_DECODE_ANY, NULL);
        json_t *v = json_object_get(json_array_get(json_object_get(json_array_get(json_object_get(j, "result"), 0),
                                                                   "expressions"),
                                                   0),
                                    "value");
        if (v)
            *out = json_incref(v);
        json_decref(j);
    }
    cg_buf_free(&b);
    return st;
}

cg_status cg_policy_rego_decide(cg_rego *r, const char *input, size_t len, const char *query,
                                const cg_rego_limits *lim, cg_arena *a, cg_rego_verdict *v, cg_error *err)
{
    memset(v, 0, sizeof *v);
    sl deny = {0}, warn = {0};
    cg_status st = cg_rego_compile(r, err);
    if (st)
        return st;
    if (query) {
        json_t *val = NULL;
        st = eval_value(r, input, len, query, lim, &val, err);
        if (st)
            return st;
        v->n_packages = 1;
        if (json_is_false(val))
            sl_add(a, &deny, cg_arena_sprintf(a, "%s is false", query));
        else if (json_is_object(val)) {
            static const char *k[] = {"deny", "violation", "warn"};
            for (int i = 0; i < 3; i++) {
                json_t *x = json_object_get(val, k[i]);
                if (x)
                    collect(a, cg_arena_sprintf(a, "%s.%s", query, k[i]), x, i < 2 ? &deny : &warn);
            }
            if (json_is_false(json_object_get(val, "allow")))
                sl_add(a, &deny, cg_arena_sprintf(a, "%s.allow is false", query));
        } else if (val)
            collect(a, query, val, &deny);
        json_decref(val);
    } else {
        char **pk = NULL;
        size_t np = 0;
        st = cg_rego_packages(r, &pk, &np, err);
        for (size_t i = 0; st == CG_OK && i < np; i++) {
            static const char *k[] = {"deny", "violation", "warn", "allow"};
            int any = 0;
            for (int j = 0; st == CG_OK && j < 4; j++) {
                if (!cg_rego_has_rule(r, pk[i], k[j]))
                    continue;
                any = 1;
                char *qs = cg_arena_sprintf(a, "data.%s.%s", pk[i], k[j]);
                json_t *val = NULL;
                st = eval_value(r, input, len, qs, lim, &val, err);
                if (st)
                    break;
                if (j == 3) {
                    if (json_is_false(val))
                        sl_add(a, &deny, cg_arena_sprintf(a, "%s is false", qs));
                } else
                    collect(a, qs, val, j < 2 ? &deny : &warn);
                json_decref(val);
            }
            v->n_packages += (size_t)any;
        }
        for (size_t i = 0; i < np; i++)
            free(pk[i]);
        free(pk);
        if (st)
            return st;
    }
    /* compile-time warnings, one per line, without the "warning: " marker */
    sl notes = {0};
    for (const char *w = cg_rego_warnings(r); *w;) {
        const char *e = strchr(w, '\n');
        size_t n = e ? (size_t)(e - w) : strlen(w);
        char *line = cg_arena_strndup(a, w, n);
        if (!line)
            return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        char *mk = strstr(line, ": warning: ");
        if (mk)
            memmove(mk + 2, mk + 11, strlen(mk + 11) + 1);
        sl_add(a, &notes, line);
        w += n + (e != NULL);
    }
    v->notes = notes.v;
    v->n_notes = notes.n;
    v->deny = deny.v;
    v->n_deny = deny.n;
    v->warn = warn.v;
    v->n_warn = warn.n;
    return CG_OK;
}

cg_status cg_policy_rego_apply(cg_decision *d, const cg_rego_verdict *v, cg_arena *a, cg_error *err)
{
    size_t nw = v->n_notes + v->n_warn;
    if (nw) {
        const char **w = cg_arena_alloc(a, sizeof(char *) * (d->n_warnings + nw + 1));
        if (!w)
            return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < d->n_warnings; i++)
            w[i] = d->warnings[i];
        for (size_t i = 0; i < v->n_notes; i++)
            w[d->n_warnings + i] = v->notes[i];
        for (size_t i = 0; i < v->n_warn; i++)
            w[d->n_warnings + v->n_notes + i] = v->warn[i];
        size_t typed = d->n_warnings;
        d->warnings = w;
        d->n_warnings += nw;
        if (d->strict) {
            /* "N warnings and --strict": the typed evaluation counted its own; recount */
            const char *why = cg_arena_sprintf(a, "%zu warning%s and --strict", d->n_warnings,
                                               d->n_warnings == 1 ? "" : "s");
            const char *old = typed ? cg_arena_sprintf(a, "%zu warning%s and --strict", typed, typed == 1 ? "" : "s")
                                    : NULL;
            if (!why || (typed && !old))
                return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
            size_t k;
            for (k = 0; old && k < d->n_deny_reasons; k++)
                if (!strcmp(d->deny_reasons[k], old))
                    break;
            if (old && k < d->n_deny_reasons)
                d->deny_reasons[k] = why;
            else {
                const char **nr = cg_arena_alloc(a, sizeof(char *) * (d->n_deny_reasons + 2));
                if (!nr)
                    return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
                for (size_t i = 0; i < d->n_deny_reasons; i++)
                    nr[i] = d->deny_reasons[i];
                nr[d->n_deny_reasons++] = why;
                d->deny_reasons = nr;
            }
            d->pass = 0;
        }
    }
    if (!v->n_deny)
        return CG_OK;
    const char **nr = cg_arena_alloc(a, sizeof(char *) * (d->n_deny_reasons + v->n_deny + 1));
    if (!nr)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < d->n_deny_reasons; i++)
        nr[i] = d->deny_reasons[i];
    for (size_t i = 0; i < v->n_deny; i++)
        nr[d->n_deny_reasons + i] = v->deny[i];
    d->deny_reasons = nr;
    d->n_deny_reasons += v->n_deny;
    d->pass = 0;
    return CG_OK;
}

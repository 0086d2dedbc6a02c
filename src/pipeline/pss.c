/*
 * pss.c - the Pod Security Standards checks (src/lint) inside a policy
 * decision: `cgate policy --context` and `cgate run --context` both run them
 * on the manifests of the workloads that run the report's image and add the
 * findings to the report as CG_PCONF_PSS records, which the policy engine
 * lists, covers with exceptions and blocks by its podSecurity rule.  Here
 * because it joins two stages (lint, policy) that may not depend on each
 * other (DESIGN.md section 9).
 */
#include <string.h>

#include "cgate/buf.h"
#include "cgate/lint.h"
#include "cgate/pipeline.h"
#include "core/readfile.h"

/* The workload a PSS finding is on: same manifest file, kind and name. */
static const cg_workload *pss_workload(const cg_misconfig *m, const cg_workload *wl, size_t n_wl)
{
    for (size_t k = 0; m->resource && k < n_wl; k++) {
        const char *src = wl[k].source;
        size_t tl = strlen(m->target), kl = wl[k].kind ? strlen(wl[k].kind) : 0;
        if (src && wl[k].name && kl && !strncmp(src, m->target, tl) && src[tl] == ':' &&
            !strncmp(m->resource, wl[k].kind, kl) && m->resource[kl] == '/' && !strcmp(m->resource + kl + 1, wl[k].name))
            return &wl[k];
    }
    return NULL;
}

cg_status cg_pipeline_add_pss(cg_preport *rep, const cg_workload *wl, size_t n_wl, cg_arena *a, cg_error *err)
{
    cg_findings f;
    cg_findings_init(&f);
    cg_lint_config lc;
    cg_lint_config_default(&lc);
    cg_status st = CG_OK;
    const char **files = cg_arena_calloc(a, n_wl + 1, sizeof *files);
    size_t nf = 0;
    if (!files)
        st = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    for (size_t i = 0; st == CG_OK && i < n_wl; i++) {
        const char *src = wl[i].source, *colon = src ? strrchr(src, ':') : NULL;
        if (!colon)
            continue;
        char *file = cg_arena_strndup(a, src, (size_t)(colon - src));
        int seen = !file;
        for (size_t k = 0; file && k < nf; k++)
            seen |= !strcmp(files[k], file);
        if (seen)
            continue;
        files[nf++] = file;
        cg_buf b = CG_BUF_INIT;
        st = cg_read_file(file, 16u << 20, "manifest", &b, err);
        if (st == CG_OK)
            st = cg_lint_k8s_file((const uint8_t *)b.data, b.len, file, &lc, &f, err);
        cg_buf_free(&b);
    }
    if (st == CG_OK)
        cg_findings_sort(&f);
    size_t keep = 0;
    for (size_t i = 0; st == CG_OK && i < f.n_mis; i++)
        keep += pss_workload(&f.mis[i], wl, n_wl) != NULL;
    cg_pfinding *all = st == CG_OK ? cg_arena_calloc(a, rep->n_findings + keep + 1, sizeof *all) : NULL;
    if (st == CG_OK && !all)
        st = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    if (st == CG_OK && keep) {
        if (rep->n_findings)
            memcpy(all, rep->findings, rep->n_findings * sizeof *all);
        size_t n = rep->n_findings;
        for (size_t i = 0; i < f.n_mis && st == CG_OK; i++) {
            const cg_misconfig *m = &f.mis[i];
            const cg_workload *w = pss_workload(m, wl, n_wl);
            if (!w)
                continue;
            cg_pfinding *p = &all[n++];
            cg_pconf *cx = cg_arena_calloc(a, 1, sizeof *cx);
            p->aliases = cg_arena_calloc(a, 3, sizeof *p->aliases);
            if (!cx || !p->aliases) {
                st = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
                break;
            }
            p->conf = CG_PCONF_PSS;
            p->id = cg_arena_strdup(a, m->id);
            if (m->trivy_id)
                p->aliases[p->n_aliases++] = cg_arena_strdup(a, m->trivy_id);
            if (m->avd_id)
                p->aliases[p->n_aliases++] = cg_arena_strdup(a, m->avd_id);
            p->severity = (cg_severity)m->severity;
            p->target = p->pkg = cg_arena_strdup(a, m->target);
            p->installed = "";
            p->title = cg_arena_strdup(a, m->message);
            p->line = m->start_line;
            p->runtime = -1;
            cx->type = "kubernetes";
            cx->title = cg_arena_strdup(a, m->title);
            cx->message = p->title;
            cx->check_id = p->id;
            cx->trivy_id = m->trivy_id ? cg_arena_strdup(a, m->trivy_id) : NULL;
            cx->avd_id = m->avd_id ? cg_arena_strdup(a, m->avd_id) : NULL;
            cx->layer = cx->deleted_in = -1;
            cx->end_line = m->end_line;
            cx->pss_level = cg_lint_pss_level(m->id);
            cx->workload = cg_arena_strdup(a, m->resource);
            p->cx = cx;
        }
        rep->findings = all;
        rep->n_findings = n;
    }
    cg_findings_free(&f);
    return st;
}


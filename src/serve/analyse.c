/*
 * analyse.c - the scan and the policy decision of one stored SBOM, through
 * the public stage APIs only (cgate/scan.h, cgate/vulndb.h, cgate/policy.h).
 * Two scan-source wrappers make re-matching cheap: one records every lookup
 * key an SBOM asks for (stored as image_keys, so a DB change finds the images
 * it can touch), the other answers only for the keys and advisory ids that
 * changed, so a re-match costs hash probes for every other package.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cgate/scan.h"
#include "core/strmap.h"
#include "serve/analyse.h"

typedef struct wrap {
    cg_vdb *db;
    const cg_strmap *only_keys, *only_ids;
    cg_strmap *record; /* keys seen (arena keys) */
    cg_arena *ra;
    sv_lookup_cache *cache;
} wrap;

typedef struct cached {
    cg_vdb_advisory *adv;
    size_t n;
} cached;

void sv_cache_init(sv_lookup_cache *c)
{
    cg_arena_init(&c->arena);
    cg_strmap_init(&c->map);
}

void sv_cache_free(sv_lookup_cache *c)
{
    cg_strmap_free(&c->map);
    cg_arena_free(&c->arena);
}

/* The DB's answer for (eco, name), from the cache or the DB (then kept). */
static cg_status cached_lookup(wrap *w, const char *eco, const char *name, cg_vdb_advisory **out, size_t *n,
                               cg_error *err)
{
    sv_lookup_cache *c = w->cache;
    char *key = cg_arena_sprintf(&c->arena, "%s\n%s", eco, name);
    if (!key)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    cached *e = cg_strmap_get(&c->map, key, strlen(key));
    if (!e) {
        e = cg_arena_calloc(&c->arena, 1, sizeof *e);
        if (!e)
            return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        cg_status st = cg_vdb_lookup(w->db, eco, name, &c->arena, &e->adv, &e->n, err);
        if (st != CG_OK)
            return st;
        if (cg_strmap_put(&c->map, key, strlen(key), e) != CG_OK)
            return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    }
    *out = e->adv;
    *n = e->n;
    return CG_OK;
}

static cg_status wrap_lookup(void *ud, const char *eco, const char *name, cg_arena *a, cg_vdb_advisory **out,
                             size_t *n, cg_error *err)
{
    wrap *w = ud;
    *out = NULL;
    *n = 0;
    if (w->record || w->only_keys) {
        cg_arena tmp;
        cg_arena_init(&tmp);
        char *k = cg_vdb_lookup_key(w->record ? w->ra : &tmp, eco, name);
        if (!k) {
            cg_arena_free(&tmp);
            return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        }
        size_t kl = strlen(k);
        int skip = w->only_keys && !cg_strmap_get(w->only_keys, k, kl);
        if (w->record && !cg_strmap_get(w->record, k, kl) && cg_strmap_put(w->record, k, kl, k) != CG_OK) {
            cg_arena_free(&tmp);
            return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        }
        cg_arena_free(&tmp);
        if (skip)
            return CG_OK;
    }
    if (!w->db)
        return CG_OK;
    if (w->cache && w->only_keys) { /* shared answers: filter into a copy of the scan's own */
        cg_vdb_advisory *all = NULL;
        size_t na = 0;
        cg_status st = cached_lookup(w, eco, name, &all, &na, err);
        if (st != CG_OK || na == 0)
            return st;
        *out = cg_arena_calloc(a, na, sizeof **out);
        if (!*out)
            return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < na; i++)
            if (!w->only_ids || cg_strmap_get(w->only_ids, all[i].id, strlen(all[i].id)))
                (*out)[(*n)++] = all[i];
        return CG_OK;
    }
    cg_status st = cg_vdb_lookup(w->db, eco, name, a, out, n, err);
    if (st != CG_OK || !w->only_ids)
        return st;
    size_t k = 0;
    for (size_t i = 0; i < *n; i++)
        if (cg_strmap_get(w->only_ids, (*out)[i].id, strlen((*out)[i].id)))
            (*out)[k++] = (*out)[i];
    *n = k;
    return CG_OK;
}

cg_status sv_scan(cg_vdb *db, const cg_sbom *sbom, const cg_strmap *only_keys, const cg_strmap *only_ids,
                  cg_strmap *record, cg_arena *ra, sv_lookup_cache *cache, cg_report **out, cg_error *err)
{
    wrap w = {db, only_keys, only_ids, record, ra, cache};
    cg_scan_source src = {wrap_lookup, &w};
    cg_scan_opts so;
    memset(&so, 0, sizeof so);
    so.now = -1;
    so.db_built = -1;
    return cg_scan(sbom, &src, &so, out, err);
}

const char *sv_finding_key(cg_arena *a, const cg_finding *f)
{
    const cg_package *p = f->pkg;
    const char *path = p && p->n_locations ? p->locations[0].path : "";
    return cg_arena_sprintf(a, "%s|%s:%s@%s|%s", f->v->vuln_id ? f->v->vuln_id : "?", p && p->type ? p->type : "",
                            p && p->name ? p->name : "", f->installed ? f->installed : "", path ? path : "");
}

const char *sv_finding_advs(cg_arena *a, const cg_finding *f)
{
    cg_buf b = CG_BUF_INIT;
    cg_buf_puts(&b, f->v->advisory_id ? f->v->advisory_id : "");
    for (size_t i = 0; i < f->n_merged; i++) {
        cg_buf_putc(&b, ' ');
        cg_buf_puts(&b, f->merged_ids[i]);
    }
    char *s = cg_arena_strdup(a, cg_buf_str(&b));
    cg_buf_free(&b);
    return s;
}

void sv_verdict_free(sv_verdict *v)
{
    json_decref(v->reasons);
    json_decref(v->excepted);
    json_decref(v->expired);
    memset(v, 0, sizeof *v);
}

cg_status sv_decide(const cg_policy *policy, const cg_report *rep, const char *day, cg_arena *a, sv_verdict *v,
                    cg_error *err)
{
    memset(v, 0, sizeof *v);
    v->pass = 1;
    v->reasons = json_array();
    v->excepted = json_array();
    v->expired = json_array();
    if (!v->reasons || !v->excepted || !v->expired)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    if (!policy)
        return CG_OK;
    cg_buf rj = CG_BUF_INIT;
    cg_status st = cg_report_write(rep, CG_REPORT_JSON, NULL, &rj, err);
    cg_preport pr;
    memset(&pr, 0, sizeof pr);
    if (st == CG_OK)
        st = cg_preport_read((const uint8_t *)rj.data, rj.len, "report", a, &pr, err);
    cg_buf_free(&rj);
    cg_peval in;
    memset(&in, 0, sizeof in);
    in.policy = policy;
    in.report = &pr;
    in.now = day;
    cg_decision *d = NULL;
    if (st == CG_OK)
        st = cg_policy_evaluate(&in, a, &d, err);
    if (st != CG_OK)
        return st;
    v->pass = d->pass;
    for (size_t i = 0; i < d->n_deny_reasons; i++)
        json_array_append_new(v->reasons, json_string(d->deny_reasons[i]));
    for (size_t i = 0; i < d->n_applied; i++)
        for (size_t j = 0; j < d->applied[i].n_suppressed; j++)
            json_array_append_new(v->excepted, json_string(d->applied[i].suppressed[j]));
    for (size_t i = 0; i < d->n_expired; i++) {
        const cg_pexception *e = d->expired[i].e;
        for (size_t j = 0; j < d->expired[i].n_suppressed; j++)
            json_array_append_new(
                v->expired, json_pack("{s:s, s:{s:s, s:s?, s:s?, s:s?, s:s?}}", "finding", d->expired[i].suppressed[j],
                                      "exception", "id", e->id, "expires", e->expires, "reason", e->reason,
                                      "approvedBy", e->approved_by, "source", e->source));
    }
    return CG_OK;
}

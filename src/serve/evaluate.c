/*
 * evaluate.c - the daily re-evaluation of `cgate serve`: exceptions expire
 * with the calendar, not with a DB import, so once per day (and at start) a
 * job evaluates every scanned image's policy as of that day.  An exception
 * that let a finding through at the image's last decision and has expired
 * since becomes one alert "exception-expired" (deduplicated per image,
 * finding and exception); a decision is recorded when the outcome changed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgate/sbom.h"
#include "cgate/scan.h"
#include "cgate/vulndb.h"
#include "serve/serve_int.h"

/* The finding of rep named "ID PKG@VERSION" as an alert member. */
static json_t *finding_by_label(const cg_report *rep, const char *label, cg_arena *a)
{
    for (size_t i = 0; i < rep->n_findings; i++) {
        const cg_finding *f = &rep->findings[i];
        const char *l = cg_arena_sprintf(a, "%s %s@%s", f->v->vuln_id ? f->v->vuln_id : "",
                                         f->pkg && f->pkg->name ? f->pkg->name : "", f->installed ? f->installed : "");
        if (l && !strcmp(l, label)) {
            json_t *fin = json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:s, s:b}", "id", f->v->vuln_id ? f->v->vuln_id : "",
                                    "package", f->pkg && f->pkg->name ? f->pkg->name : "", "purl",
                                    f->pkg ? f->pkg->purl : NULL, "installed", f->installed, "fixed", f->fixed,
                                    "severity", cg_severity_name(f->v->severity), "kev", f->v->kev);
            if (fin && f->v->score >= 0)
                json_object_set_new(fin, "score", json_real(f->v->score));
            return fin;
        }
    }
    const char *sp = strchr(label, ' '), *at = sp ? strrchr(sp, '@') : NULL;
    if (!sp || !at)
        return json_pack("{s:s}", "id", label);
    return json_pack("{s:s%, s:s%, s:s}", "id", label, (size_t)(sp - label), "package", sp + 1,
                     (size_t)(at - sp - 1), "installed", at + 1);
}

static int in_array(json_t *arr, const char *s)
{
    for (size_t i = 0; i < json_array_size(arr); i++)
        if (!strcmp(json_string_value(json_array_get(arr, i)) ? json_string_value(json_array_get(arr, i)) : "", s))
            return 1;
    return 0;
}

static cg_status evaluate_image(sv_server *srv, sv_store *st, cg_vdb *db, const char *digest, const char *day,
                                size_t *n_alerts, cg_error *err)
{
    const char *p1[] = {digest};
    sv_rows img, last, dec;
    memset(&last, 0, sizeof last);
    memset(&dec, 0, sizeof dec);
    cg_status s = sv_exec(st, "SELECT sbom, name FROM images WHERE digest = $1 AND scanned IS NOT NULL", 1, p1, &img,
                          err);
    const sv_policy *pol = s == CG_OK && img.n ? sv_policy_for(srv, sv_cell(&img, 0, 1)) : NULL;
    if (!pol) {
        sv_rows_free(&img);
        return s;
    }
    const char *name = sv_cell(&img, 0, 1);
    cg_arena a;
    cg_arena_init(&a);
    cg_sbom *sbom = NULL;
    cg_report *rep = NULL;
    sv_verdict v;
    memset(&v, 0, sizeof v);
    json_t *was_excepted = NULL;
    char **bodies = NULL;
    const char **akeys = NULL;
    size_t n = 0;
    s = sv_exec(st, "SELECT pass, excepted, policy FROM decisions WHERE digest = $1 ORDER BY id DESC LIMIT 1", 1, p1,
                &last, err);
    if (s == CG_OK)
        s = sv_exec(st,
                    "SELECT at, pass, reasons, policy, trigger, policy_path FROM decisions WHERE digest = $1"
                    " ORDER BY pass DESC, id DESC LIMIT 1",
                    1, p1, &dec, err);
    if (s == CG_OK)
        s = cg_sbom_read((const uint8_t *)sv_cell(&img, 0, 0), strlen(sv_cell(&img, 0, 0)), digest, &sbom, err);
    if (s == CG_OK)
        s = sv_scan(db, sbom, NULL, NULL, NULL, NULL, NULL, &rep, err);
    if (s == CG_OK)
        s = sv_decide(&pol->policy, rep, day, &a, &v, err);
    if (s != CG_OK)
        goto out;
    json_error_t je;
    was_excepted = last.n && sv_cell(&last, 0, 1) ? json_loads(sv_cell(&last, 0, 1), 0, &je) : NULL;
    size_t ne = json_array_size(v.expired);
    bodies = ne ? cg_arena_calloc(&a, ne, sizeof *bodies) : NULL;
    akeys = ne ? cg_arena_calloc(&a, ne, sizeof *akeys) : NULL;
    if (ne && (!bodies || !akeys)) {
        s = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < ne; i++) {
        json_t *x = json_array_get(v.expired, i), *e = json_object_get(x, "exception");
        const char *label = json_string_value(json_object_get(x, "finding"));
        if (!label || !in_array(was_excepted, label))
            continue; /* not let through by an exception at the last decision */
        const char *eid = json_string_value(json_object_get(e, "id"));
        const char *exp = json_string_value(json_object_get(e, "expires"));
        const char *why = json_string_value(json_object_get(e, "reason"));
        const char *src = json_string_value(json_object_get(e, "source"));
        akeys[n] = cg_arena_sprintf(&a, "exception-expired|%s|%s|%s", label, eid ? eid : "", exp ? exp : "");
        const char *detail = cg_arena_sprintf(&a, "the exception for %s (%s%s%s) expired on %s", eid ? eid : "?",
                                              src ? src : "policy", why ? ": " : "", why ? why : "", exp ? exp : "?");
        json_t *fin = finding_by_label(rep, label, &a);
        if (fin && e)
            json_object_set(fin, "exception", e);
        bodies[n] = fin && akeys[n] && detail
                        ? sv_alert_body(digest, name, akeys[n], "exception-expired", fin, detail, &dec, pol, &v)
                        : NULL;
        json_decref(fin);
        if (!bodies[n]) {
            s = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
            goto out;
        }
        n++;
    }
    char *ex = json_dumps(v.excepted, JSON_COMPACT);
    int changed = !last.n || strcmp(sv_cell(&last, 0, 0), v.pass ? "1" : "0") ||
                  !sv_cell(&last, 0, 1) || (ex && strcmp(sv_cell(&last, 0, 1), ex)) ||
                  !sv_cell(&last, 0, 2) || strcmp(sv_cell(&last, 0, 2), pol->sha);
    free(ex);
    if (!changed && !n)
        goto out;
    unsigned char *fresh = n ? cg_arena_calloc(&a, n, 1) : NULL;
    s = sv_begin(st, err);
    if (s == CG_OK)
        s = sv_insert_decision(st, digest, pol, &v, "evaluate", err);
    for (size_t i = 0; s == CG_OK && i < n; i++) {
        int64_t id = 0;
        s = sv_alert_add(srv, st, digest, akeys[i], bodies[i], &id, err);
        if (fresh)
            fresh[i] = id != 0;
    }
    if (s == CG_OK)
        s = sv_commit(st, err);
    else
        sv_rollback(st);
    for (size_t i = 0; s == CG_OK && i < n; i++)
        if (fresh && fresh[i]) {
            sv_alert_log(srv, bodies[i], digest, akeys[i]);
            (*n_alerts)++;
        }
out:
    for (size_t i = 0; bodies && i < n; i++)
        free(bodies[i]);
    json_decref(was_excepted);
    sv_verdict_free(&v);
    cg_report_free(rep);
    cg_sbom_free(sbom);
    cg_arena_free(&a);
    sv_rows_free(&img);
    sv_rows_free(&last);
    sv_rows_free(&dec);
    return s;
}

cg_status sv_job_evaluate(sv_server *srv, sv_store *st, json_t *payload, cg_error *err)
{
    if (!srv->n_policies)
        return CG_OK;
    char day[16];
    const char *d = json_string_value(json_object_get(payload, "day"));
    if (d && cg_policy_date_valid(d))
        snprintf(day, sizeof day, "%s", d);
    else
        sv_today(srv, day);
    sv_rows imgs;
    cg_status s = sv_exec(st, "SELECT digest FROM images WHERE scanned IS NOT NULL ORDER BY digest", 0, NULL, &imgs,
                          err);
    cg_vdb *db = NULL;
    if (s == CG_OK)
        s = sv_open_vdb(srv, &db, err);
    size_t n_alerts = 0;
    int64_t renewed = sv_now();
    for (size_t i = 0; s == CG_OK && i < imgs.n; i++) {
        s = evaluate_image(srv, st, db, sv_cell(&imgs, i, 0), day, &n_alerts, err);
        if (s == CG_OK && sv_now() - renewed >= (int64_t)srv->lease / 3) {
            s = sv_job_renew(srv, st, payload, err);
            renewed = sv_now();
        }
    }
    if (s == CG_OK) {
        pthread_mutex_lock(&srv->mu);
        srv->n_alerts += n_alerts;
        pthread_mutex_unlock(&srv->mu);
        sv_log(srv, "info", "evaluation done",
               json_pack("{s:s, s:I, s:I}", "day", day, "images", (json_int_t)imgs.n, "alerts", (json_int_t)n_alerts));
    }
    cg_vdb_close(db);
    sv_rows_free(&imgs);
    return s;
}

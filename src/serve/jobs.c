/*
 * jobs.c - the job queue of `cgate serve` and the jobs that bring an image
 * into the inventory.  A job is claimed with a lease (FOR UPDATE SKIP LOCKED
 * on PostgreSQL; one atomic UPDATE on SQLite); a worker killed mid-job lets
 * the lease expire and another worker runs it again, so every step is
 * idempotent: the image row is inserted once (ON CONFLICT DO NOTHING) and its
 * scan is claimed by the UPDATE that sets `scanned`, so nothing is stored
 * twice.  Faults retry with doubling delays, then go to dead_letters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cgate/image.h"
#include "cgate/registry.h"
#include "cgate/runtime.h"
#include "cgate/sbom.h"
#include "cgate/scan.h"
#include "cgate/vulndb.h"
#include "core/digest.h"
#include "serve/analyse.h"
#include "serve/serve_int.h"

/* ---- queue --------------------------------------------------------------- */

cg_status sv_enqueue(sv_store *st, const char *kind, const char *dedupe, const char *payload, int64_t *id,
                     cg_error *err)
{
    char now[24];
    const char *p[] = {kind, dedupe, payload, sv_itoa(now, sv_now())};
    sv_rows r;
    cg_status s = sv_exec(st,
                          "INSERT INTO jobs(kind, dedupe, payload, state, created, updated)"
                          " VALUES($1, $2, $3, 'queued', $4, $4) ON CONFLICT(dedupe) DO UPDATE SET"
                          " state = 'queued', attempts = 0, not_before = 0, updated = $4 WHERE jobs.state = 'dead'"
                          " RETURNING id",
                          4, p, &r, err);
    if (id)
        *id = s == CG_OK && r.n ? strtoll(sv_cell(&r, 0, 0), NULL, 10) : 0;
    sv_rows_free(&r);
    return s;
}

static cg_status job_done(sv_server *srv, sv_store *st, const char *id, cg_error *err)
{
    char now[24];
    const char *p[] = {id, sv_itoa(now, sv_now()), srv->worker_id};
    return sv_exec(st,
                   "UPDATE jobs SET state = 'done', lease_until = 0, updated = $2, last_error = NULL"
                   " WHERE id = $1 AND worker = $3 AND state = 'running'",
                   3, p, NULL, err);
}

static cg_status job_failed(sv_server *srv, sv_store *st, const char *id, const char *kind, const char *payload,
                            long attempts, const cg_error *why, int *dead, cg_error *err)
{
    int64_t now = sv_now();
    char nb[24], ns[24];
    *dead = attempts >= (long)srv->max_attempts || why->status == CG_ERR_INPUT || why->status == CG_ERR_USAGE ||
            why->status == CG_ERR_LIMIT;
    if (!*dead) {
        int64_t delay_ms = (int64_t)srv->retry_base_ms << (attempts > 10 ? 10 : attempts - 1);
        const char *p[] = {id, sv_itoa(nb, now + (delay_ms + 999) / 1000), why->msg, sv_itoa(ns, now), srv->worker_id};
        return sv_exec(st,
                       "UPDATE jobs SET state = 'queued', not_before = $2, last_error = $3, lease_until = 0,"
                       " updated = $4 WHERE id = $1 AND worker = $5 AND state = 'running'",
                       5, p, NULL, err);
    }
    cg_status s = sv_begin(st, err);
    const char *p[] = {id, why->msg, sv_itoa(ns, now), srv->worker_id};
    const char *q[] = {id, kind, payload, why->msg, ns};
    if (s == CG_OK)
        s = sv_exec(st,
                    "UPDATE jobs SET state = 'dead', last_error = $2, lease_until = 0, updated = $3"
                    " WHERE id = $1 AND worker = $4",
                    4, p, NULL, err);
    if (s == CG_OK)
        s = sv_exec(st, "INSERT INTO dead_letters(job, kind, payload, error, at) VALUES($1, $2, $3, $4, $5)", 5, q,
                    NULL, err);
    if (s == CG_OK)
        s = sv_commit(st, err);
    else
        sv_rollback(st);
    return s;
}

cg_status sv_work_one(sv_server *srv, sv_store *st, int *ran, cg_error *err)
{
    *ran = 0;
    int64_t now = sv_now();
    char lease[24], ns[24];
    const char *p[] = {sv_itoa(lease, now + srv->lease), srv->worker_id, sv_itoa(ns, now)};
    const char *sql =
        sv_store_is_pg(st)
            ? "UPDATE jobs SET state = 'running', lease_until = $1, worker = $2, attempts = attempts + 1,"
              " updated = $3 WHERE id = (SELECT id FROM jobs WHERE (state = 'queued' AND not_before <= $3)"
              " OR (state = 'running' AND lease_until < $3) ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)"
              " RETURNING id, kind, payload, attempts"
            : "UPDATE jobs SET state = 'running', lease_until = $1, worker = $2, attempts = attempts + 1,"
              " updated = $3 WHERE id = (SELECT id FROM jobs WHERE (state = 'queued' AND not_before <= $3)"
              " OR (state = 'running' AND lease_until < $3) ORDER BY id LIMIT 1)"
              " RETURNING id, kind, payload, attempts";
    sv_rows r;
    cg_status s = sv_exec(st, sql, 3, p, &r, err);
    if (s != CG_OK || r.n == 0) {
        sv_rows_free(&r);
        return s;
    }
    *ran = 1;
    const char *id = sv_cell(&r, 0, 0), *kind = sv_cell(&r, 0, 1), *payload = sv_cell(&r, 0, 2);
    long attempts = strtol(sv_cell(&r, 0, 3), NULL, 10);
    cg_error jerr;
    cg_error_clear(&jerr);
    json_error_t je;
    json_t *pl = json_loads(payload, 0, &je);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    cg_status js;
    if (!pl || !json_is_object(pl))
        js = cg_error_set(&jerr, CG_ERR_INPUT, "job %s: payload is not a JSON object", id);
    else if (attempts > (long)srv->max_attempts)
        js = cg_error_set(&jerr, CG_ERR_INTERNAL, "job %s: lease expired %ld times (worker killed?)", id,
                          attempts - 1);
    else if (json_object_set_new(pl, "_job", json_string(id)) != 0)
        js = cg_error_set(&jerr, CG_ERR_NOMEM, "out of memory");
    else if (!strcmp(kind, "ingest"))
        js = sv_job_ingest(srv, st, pl, &jerr);
    else if (!strcmp(kind, "scan"))
        js = sv_job_scan(srv, st, pl, &jerr);
    else if (!strcmp(kind, "rematch"))
        js = sv_job_rematch(srv, st, pl, &jerr);
    else if (!strcmp(kind, "evaluate"))
        js = sv_job_evaluate(srv, st, pl, &jerr);
    else if (!strcmp(kind, "runtime"))
        js = sv_job_runtime(srv, st, pl, &jerr);
    else if (!strcmp(kind, "deliver"))
        js = sv_job_deliver(srv, st, pl, &jerr);
    else
        js = cg_error_set(&jerr, CG_ERR_INPUT, "job %s: unknown kind \"%s\"", id, kind);
    json_decref(pl);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    int dead = 0;
    if (js == CG_OK)
        s = job_done(srv, st, id, err);
    else
        s = job_failed(srv, st, id, kind, payload, attempts, &jerr, &dead, err);
    pthread_mutex_lock(&srv->mu);
    if (js == CG_OK)
        srv->n_jobs_done++;
    else
        srv->n_jobs_failed++;
    pthread_mutex_unlock(&srv->mu);
    json_t *f = json_pack("{s:s, s:s, s:I, s:f}", "job", id, "kind", kind, "attempt", (json_int_t)attempts,
                          "seconds", secs);
    if (js != CG_OK) {
        json_object_set_new(f, "error", json_string(jerr.msg));
        json_object_set_new(f, "outcome", json_string(dead ? "dead-letter" : "retry"));
    }
    if (s == CG_OK) {
        sv_log(srv, js == CG_OK ? "info" : "error", js == CG_OK ? "job done" : "job failed", f);
    } else { /* the store could not record the outcome: the caller logs one line; the lease expires and
              * the job runs again (every job is idempotent) */
        json_decref(f);
        cg_error_prefix(err, "job %s (%s)%s%s, its outcome not recorded", id, kind, js == CG_OK ? "" : " failed: ",
                        js == CG_OK ? "" : jerr.msg);
    }
    sv_rows_free(&r);
    return s;
}

cg_status sv_job_renew(sv_server *srv, sv_store *st, json_t *payload, cg_error *err)
{
    const char *id = json_string_value(json_object_get(payload, "_job"));
    if (!id)
        return CG_OK;
    char lease[24], now[24];
    const char *p[] = {id, sv_itoa(lease, sv_now() + srv->lease), srv->worker_id, sv_itoa(now, sv_now())};
    return sv_exec(st, "UPDATE jobs SET lease_until = $2, updated = $4 WHERE id = $1 AND worker = $3", 4, p, NULL,
                   err);
}

/* ---- storing an SBOM ----------------------------------------------------- */

cg_status sv_store_sbom(sv_server *srv, sv_store *st, const char *digest, const char *name, const char *ref,
                        const uint8_t *sbom, size_t len, cg_error *err)
{
    (void)srv;
    char *text = malloc(len + 1);
    if (!text)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    memcpy(text, sbom, len);
    text[len] = 0;
    cg_sbom *s = NULL; /* count packages; the scan reads it again */
    cg_status rc = cg_sbom_read(sbom, len, name, &s, err);
    char np[24], now[24];
    if (rc == CG_OK) {
        const char *p[] = {digest, name, ref, text, sv_itoa(np, (long long)s->n_pkgs), sv_itoa(now, sv_now())};
        rc = sv_exec(st,
                     "INSERT INTO images(digest, name, ref, sbom, n_pkgs, created) VALUES($1, $2, $3, $4, $5, $6)"
                     " ON CONFLICT(digest) DO NOTHING",
                     6, p, NULL, err);
    }
    cg_sbom_free(s);
    free(text);
    return rc;
}

/* ---- scan + decision of a stored image ------------------------------------ */

static cg_status insert_keys(sv_store *st, const char *digest, const cg_strmap *keys, cg_error *err)
{
    enum { CHUNK = 200 };
    const char *p[CHUNK + 1];
    p[0] = digest;
    size_t n = 0;
    cg_status s = CG_OK;
    cg_buf sql = CG_BUF_INIT;
    for (size_t i = 0; s == CG_OK && i <= keys->cap; i++) {
        int last = i == keys->cap;
        if (!last && cg_strmap_live(&keys->slots[i]))
            p[1 + n++] = keys->slots[i].key;
        if (n == CHUNK || (last && n)) {
            cg_buf_reset(&sql);
            cg_buf_puts(&sql, "INSERT INTO image_keys(digest, pkgkey) VALUES");
            for (size_t j = 0; j < n; j++)
                cg_buf_printf(&sql, "%s($1, $%zu)", j ? ", " : "", j + 2);
            cg_buf_puts(&sql, " ON CONFLICT DO NOTHING");
            s = sv_exec(st, sql.data, n + 1, p, NULL, err);
            n = 0;
        }
    }
    cg_buf_free(&sql);
    return s;
}

char *sv_finding_runtime(const cg_report *rep, const cg_finding *f)
{
    const cg_runtime *rt = rep->runtime;
    if (!rt || f->pkg_index >= rt->n_pkgs)
        return NULL;
    size_t k = f->pkg_index;
    json_t *ev = json_array();
    for (size_t i = 0; i < rt->n_evidence[k] && i < CG_RT_MAX_EVIDENCE; i++)
        json_array_append_new(ev, json_string(rt->evidence[k][i]));
    json_t *o = json_pack("{s:b, s:o, s:{s:s?, s:s?, s:I}}", "loaded", rt->loaded[k], "evidence", ev, "window",
                          "from", rt->from, "to", rt->to, "events", (json_int_t)rt->events);
    if (o && !rt->known[k])
        json_object_set_new(o, "filesKnown", json_false());
    char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    return s;
}

cg_status sv_insert_findings(sv_store *st, const char *digest, const cg_report *rep, const cg_strmap *only,
                             cg_arena *a, cg_error *err)
{
    enum { COLS = 12, CHUNK = 40 };
    const char *p[CHUNK * COLS];
    char now[24];
    sv_itoa(now, sv_now());
    size_t n = 0;
    cg_status s = CG_OK;
    cg_buf sql = CG_BUF_INIT;
    for (size_t i = 0; s == CG_OK && i <= rep->n_findings; i++) {
        int last = i == rep->n_findings;
        if (!last) {
            const cg_finding *f = &rep->findings[i];
            const char *fk = sv_finding_key(a, f);
            if (!fk) {
                s = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
                break;
            }
            if (only && !cg_strmap_get(only, fk, strlen(fk)))
                continue;
            const char **r = &p[n * COLS];
            r[0] = digest;
            r[1] = fk;
            r[2] = f->v->vuln_id ? f->v->vuln_id : "";
            r[3] = sv_finding_advs(a, f);
            r[4] = f->pkg && f->pkg->name ? f->pkg->name : "";
            r[5] = f->installed;
            r[6] = f->fixed;
            r[7] = cg_severity_name(f->v->severity);
            r[8] = f->v->score >= 0 ? cg_arena_sprintf(a, "%.1f", f->v->score) : NULL;
            r[9] = f->v->kev ? "1" : "0";
            r[10] = f->v->epss >= 0 ? cg_arena_sprintf(a, "%.5f", f->v->epss) : NULL;
            char *rt = sv_finding_runtime(rep, f);
            r[11] = rt ? cg_arena_strdup(a, rt) : NULL;
            free(rt);
            n++;
        }
        if (n == CHUNK || (last && n)) {
            cg_buf_reset(&sql);
            cg_buf_puts(&sql, "INSERT INTO findings(digest, fkey, vuln, advs, pkg, installed, fixed, severity,"
                              " score, kev, epss, runtime, first_seen) VALUES");
            for (size_t j = 0; j < n; j++) {
                cg_buf_puts(&sql, j ? ", (" : "(");
                for (size_t c = 0; c < COLS; c++)
                    cg_buf_printf(&sql, "$%zu, ", j * COLS + c + 1);
                cg_buf_printf(&sql, "%s)", now);
            }
            cg_buf_puts(&sql, " ON CONFLICT DO NOTHING");
            s = sv_exec(st, sql.data, n * COLS, p, NULL, err);
            n = 0;
        }
    }
    cg_buf_free(&sql);
    return s;
}

cg_status sv_insert_decision(sv_store *st, const char *digest, const sv_policy *pol, const sv_verdict *v,
                             const char *trigger, cg_error *err)
{
    char now[24];
    char *rs = json_dumps(v->reasons, JSON_COMPACT);
    char *ex = json_dumps(v->excepted, JSON_COMPACT);
    const char *p[] = {digest, sv_itoa(now, sv_now()), v->pass ? "1" : "0", rs ? rs : "[]",
                       pol ? pol->sha : NULL, trigger, pol ? pol->path : NULL, ex ? ex : "[]"};
    cg_status s = sv_exec(st,
                          "INSERT INTO decisions(digest, at, pass, reasons, policy, trigger, policy_path, excepted)"
                          " VALUES($1, $2, $3, $4, $5, $6, $7, $8)",
                          8, p, NULL, err);
    free(rs);
    free(ex);
    return s;
}

cg_status sv_open_vdb(sv_server *srv, cg_vdb **db, cg_error *err)
{
    *db = NULL;
    const char *path = srv->cfg->db_path;
    if (!path)
        return CG_OK;
    FILE *f = fopen(path, "rb");
    if (!f)
        return CG_OK; /* no DB yet: nothing matches until one appears */
    fclose(f);
    return cg_vdb_open(path, db, err);
}

cg_status sv_job_scan(sv_server *srv, sv_store *st, json_t *payload, cg_error *err)
{
    const char *digest = json_string_value(json_object_get(payload, "digest"));
    if (!digest)
        return cg_error_set(err, CG_ERR_INPUT, "scan job: no digest");
    const char *p1[] = {digest};
    sv_rows r;
    cg_status s = sv_exec(st, "SELECT sbom, name, scanned FROM images WHERE digest = $1", 1, p1, &r, err);
    if (s == CG_OK && r.n == 0)
        s = cg_error_set(err, CG_ERR_INPUT, "scan job: image %s is not stored", digest);
    if (s != CG_OK || sv_cell(&r, 0, 2)) { /* scanned already (a retried job) */
        sv_rows_free(&r);
        return s;
    }
    const char *text = sv_cell(&r, 0, 0);
    cg_arena a;
    cg_arena_init(&a);
    cg_strmap keys;
    cg_strmap_init(&keys);
    cg_sbom *sbom = NULL;
    cg_vdb *db = NULL;
    cg_report *rep = NULL;
    sv_verdict v;
    memset(&v, 0, sizeof v);
    const sv_policy *pol = sv_policy_for(srv, sv_cell(&r, 0, 1));
    char day[16];
    sv_today(srv, day);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    s = cg_sbom_read((const uint8_t *)text, strlen(text), digest, &sbom, err);
    if (s == CG_OK)
        s = sv_open_vdb(srv, &db, err);
    if (s == CG_OK)
        s = sv_scan(db, sbom, NULL, NULL, &keys, &a, NULL, &rep, err);
    if (s == CG_OK)
        s = sv_decide(pol ? &pol->policy : NULL, rep, day, &a, &v, err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    char now[24];
    const char *p2[] = {digest, sv_itoa(now, sv_now())};
    sv_rows claim;
    memset(&claim, 0, sizeof claim);
    int began = 0;
    if (s == CG_OK && (s = sv_begin(st, err)) == CG_OK)
        began = 1;
    if (s == CG_OK)
        s = sv_exec(st, "UPDATE images SET scanned = $2 WHERE digest = $1 AND scanned IS NULL RETURNING digest", 2,
                    p2, &claim, err);
    if (s == CG_OK && claim.n) {
        s = insert_keys(st, digest, &keys, err);
        if (s == CG_OK)
            s = sv_insert_findings(st, digest, rep, NULL, &a, err);
        if (s == CG_OK)
            s = sv_insert_decision(st, digest, pol, &v, "ingest", err);
    }
    if (began) {
        if (s == CG_OK)
            s = sv_commit(st, err);
        else
            sv_rollback(st);
    }
    if (s == CG_OK && claim.n) {
        double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        pthread_mutex_lock(&srv->mu);
        srv->scan_seconds_sum += secs;
        srv->scan_count++;
        pthread_mutex_unlock(&srv->mu);
        sv_log(srv, "info", "image scanned",
               json_pack("{s:s, s:s, s:I, s:I, s:b, s:s?}", "digest", digest, "name", sv_cell(&r, 0, 1), "packages",
                         (json_int_t)sbom->n_pkgs, "findings", (json_int_t)rep->n_findings, "pass", v.pass, "policy",
                         pol ? pol->path : NULL));
    }
    sv_rows_free(&claim);
    sv_verdict_free(&v);
    cg_report_free(rep);
    cg_vdb_close(db);
    cg_sbom_free(sbom);
    cg_strmap_free(&keys);
    cg_arena_free(&a);
    sv_rows_free(&r);
    return s;
}

cg_status sv_job_ingest(sv_server *srv, sv_store *st, json_t *payload, cg_error *err)
{
    const char *image = json_string_value(json_object_get(payload, "image"));
    const char *name = json_string_value(json_object_get(payload, "name"));
    const char *digest = json_string_value(json_object_get(payload, "digest"));
    if (!image || !name || !digest)
        return cg_error_set(err, CG_ERR_INPUT, "ingest job: image, name and digest are required");
    const char *p[] = {digest};
    sv_rows r;
    cg_status s = sv_exec(st, "SELECT scanned FROM images WHERE digest = $1", 1, p, &r, err);
    int stored = s == CG_OK && r.n, scanned = stored && sv_cell(&r, 0, 0);
    sv_rows_free(&r);
    if (s != CG_OK || scanned)
        return s;
    if (!stored) {
        cg_image_opts io;
        memset(&io, 0, sizeof io);
        io.registry = srv->cfg->registry;
        cg_image *img = NULL;
        cg_sbom *sbom = NULL;
        cg_buf out = CG_BUF_INIT;
        cg_sbom_opts so = {-1, 0, 0, 1}; /* a monitor catalogues what was pushed; an empty inventory is recorded, not refused */
        s = cg_image_open(image, &io, &img, err);
        if (s == CG_OK)
            s = cg_sbom_build(img, &so, &sbom, err);
        if (s == CG_OK)
            s = cg_sbom_write(sbom, CG_SBOM_CYCLONEDX_JSON, &out, err);
        if (s == CG_OK)
            s = sv_store_sbom(srv, st, digest, name, image, (const uint8_t *)out.data, out.len, err);
        if (s != CG_OK)
            cg_error_prefix(err, "%s", image);
        cg_buf_free(&out);
        cg_sbom_free(sbom);
        cg_image_close(img);
        if (s != CG_OK)
            return s;
        sv_log(srv, "info", "image catalogued", json_pack("{s:s, s:s}", "digest", digest, "name", name));
    }
    json_t *sp = json_pack("{s:s}", "digest", digest);
    s = sv_job_scan(srv, st, sp, err);
    json_decref(sp);
    return s;
}

/*
 * serve_int.h - what the files of src/serve/ share: the running server (its
 * configuration, tokens, policy, counters), JSON-line logging, the job queue
 * and the job kinds.  Nothing here is public; see include/cgate/serve.h.
 */
#ifndef CG_SERVE_INT_H
#define CG_SERVE_INT_H

#include <pthread.h>
#include <stdint.h>

#include <jansson.h>

#include "cgate/arena.h"
#include "cgate/policy.h"
#include "cgate/serve.h"
#include "serve/analyse.h"
#include "serve/store.h"

enum { SV_SCOPE_READ = 1, SV_SCOPE_WRITE = 2, SV_SCOPE_ADMIN = 3 };

typedef struct sv_token {
    char hash[72]; /* "sha256:<hex>" */
    int scope;
    const char *name;
} sv_token;

/* One loaded policy: for the images whose name matches pattern (NULL: the
 * default, --policy). */
typedef struct sv_policy {
    const char *pattern, *path, *sha; /* sha: "sha256:<hex>" of the file */
    cg_policy policy;
} sv_policy;

typedef struct sv_server {
    const cg_serve_config *cfg;
    cg_arena arena; /* tokens, policy, strings for the whole run */
    sv_token *tokens;
    size_t n_tokens;
    sv_policy *policies; /* per-repository ones in config order, then the default */
    size_t n_policies;
    char worker_id[128];
    unsigned lease, max_attempts, retry_base_ms;
    pthread_mutex_t mu;   /* counters and the wake-up condition */
    pthread_cond_t wake;
    uint64_t n_requests, n_notifications, n_jobs_done, n_jobs_failed, n_alerts, n_rematched;
    double scan_seconds_sum;
    uint64_t scan_count;
    FILE *alert_log;
    pthread_mutex_t log_mu;
} sv_server;

/* Log one record: {"ts", "level", "msg", ...fields}; fields (may be NULL) is
 * consumed.  Never includes a token. */
void sv_log(sv_server *srv, const char *level, const char *msg, json_t *fields);
int64_t sv_now(void);
/* "%lld" of v into buf. */
const char *sv_itoa(char buf[24], long long v);

/* The policy deciding on images named name (first matching pattern, else the
 * default), or NULL when there is none. */
const sv_policy *sv_policy_for(const sv_server *srv, const char *name);
/* "YYYY-MM-DD" the exceptions expire against (cfg->today or the clock). */
void sv_today(const sv_server *srv, char out[16]);

/* ---- queue (jobs.c) ---- */

/* Enqueue unless a job with the same dedupe key exists (a dead one is revived).
 * *id (may be NULL) is the new job's id or 0 when it already existed. */
cg_status sv_enqueue(sv_store *st, const char *kind, const char *dedupe, const char *payload, int64_t *id,
                     cg_error *err);
/* Wake the local workers. */
void sv_kick(sv_server *srv);
/* Claim and run one job; *ran = 0 when none was runnable. */
cg_status sv_work_one(sv_server *srv, sv_store *st, int *ran, cg_error *err);

/* ---- jobs ---- */

/* Extend the lease of the job whose payload this is (long jobs call it now
 * and then so no other worker takes the job over while it runs). */
cg_status sv_job_renew(sv_server *srv, sv_store *st, json_t *payload, cg_error *err);

/* Pull, SBOM, store, scan, policy (payload {"image", "name", "digest"}). */
cg_status sv_job_ingest(sv_server *srv, sv_store *st, json_t *payload, cg_error *err);
/* Scan and evaluate an image whose SBOM is stored (payload {"digest"}). */
cg_status sv_job_scan(sv_server *srv, sv_store *st, json_t *payload, cg_error *err);
/* Store an SBOM document for digest/name (POST /v1/images with "sbom"). */
cg_status sv_store_sbom(sv_server *srv, sv_store *st, const char *digest, const char *name, const char *ref,
                        const uint8_t *sbom, size_t len, cg_error *err);
/* Re-evaluate every scanned image's policy on the day (payload {"day"}): an
 * exception that let a finding through at the last decision and has expired
 * since is one alert "exception-expired". */
cg_status sv_job_evaluate(sv_server *srv, sv_store *st, json_t *payload, cg_error *err);
/* Apply stored runtime evidence to an image (payload {"digest", "sha256"}):
 * rescan with it, store findings' cgate.runtime, record a decision. */
cg_status sv_job_runtime(sv_server *srv, sv_store *st, json_t *payload, cg_error *err);
/* Re-match against what changed in the DB (payload {"reason"}). */
cg_status sv_job_rematch(sv_server *srv, sv_store *st, json_t *payload, cg_error *err);
/* POST one alert to one webhook (payload {"alert", "target"}). */
cg_status sv_job_deliver(sv_server *srv, sv_store *st, json_t *payload, cg_error *err);

/* ---- shared by the jobs (jobs.c) ---- */

/* Open the vulnerability DB (*db = NULL when there is none yet). */
cg_status sv_open_vdb(sv_server *srv, cg_vdb **db, cg_error *err);
/* Insert rows of findings (idempotent; only: the finding keys to insert, NULL = all); first_seen = now. */
cg_status sv_insert_findings(sv_store *st, const char *digest, const cg_report *rep, const cg_strmap *only,
                             cg_arena *a, cg_error *err);
/* Record a decision row for digest (pol NULL: "no policy"). */
cg_status sv_insert_decision(sv_store *st, const char *digest, const sv_policy *pol, const sv_verdict *v,
                             const char *trigger, cg_error *err);
/* cgate.runtime of a finding as JSON text (malloc'd), NULL without evidence. */
char *sv_finding_runtime(const cg_report *rep, const cg_finding *f);

/* The alert document (malloc'd JSON): akey is its dedupe key, fin the finding
 * member (borrowed), detail what changed (may be NULL), dec the decision row
 * (at, pass, reasons, policy, trigger, policy_path) that let the image
 * through, now the policy's verdict today. */
char *sv_alert_body(const char *digest, const char *name, const char *akey, const char *kind, json_t *fin,
                    const char *detail, const sv_rows *dec, const sv_policy *pol, const sv_verdict *now);

/* ---- alerts (alert.c) ---- */

/* Record an alert for (digest, fkey) unless one exists; enqueue its deliveries
 * (inside the caller's transaction).  *id = 0 when it already existed. */
cg_status sv_alert_add(sv_server *srv, sv_store *st, const char *digest, const char *fkey, const char *body,
                       int64_t *id, cg_error *err);
/* Append the alert's JSON line to the alert log (after commit). */
void sv_alert_log(sv_server *srv, const char *body, const char *digest, const char *finding);

/* ---- http (http.c) ---- */
typedef struct sv_http sv_http;
cg_status sv_http_start(sv_server *srv, sv_http **out, cg_error *err);
void sv_http_stop(sv_http *h);

/* ---- DB signature (rematch.c) ---- */
/* "dev:ino:mtime_ns:size" of the DB file, or "absent". */
void sv_db_signature(const char *path, char out[128]);

#endif

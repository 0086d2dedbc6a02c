/*
 * serve.h - `cgate serve`: continuous monitoring of what the gate let through
 * (DESIGN.md §8, docs/serve.md).  An HTTP API (libmicrohttpd) takes registry
 * push notifications and hand registrations; workers pull, build the SBOM,
 * store, scan and evaluate the policy; when the vulnerability DB changes the
 * stored SBOMs are re-matched against the advisories that changed and every
 * new (image, finding) raises one alert (JSON-lines log, signed webhooks).
 * The inventory and the job queue live in one schema with two backends:
 * SQLite (WAL) and PostgreSQL (several processes, FOR UPDATE SKIP LOCKED).
 * The library never prints: log lines go to cfg->log.
 */
#ifndef CGATE_SERVE_H
#define CGATE_SERVE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "cgate/error.h"
#include "cgate/export.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cg_registry_opts;

typedef enum cg_serve_hook_format {
    CG_SERVE_HOOK_JSON = 0, /* the alert document, HMAC-signed when a secret is set */
    CG_SERVE_HOOK_SLACK     /* Slack-compatible: {"text", "blocks"} (signed the same way) */
} cg_serve_hook_format;

typedef struct cg_serve_webhook {
    const char *url;
    const char *secret; /* HMAC-SHA256 key for X-Cgate-Signature; NULL = unsigned */
    cg_serve_hook_format format;
} cg_serve_webhook;

/* A repository's policy: the first entry whose pattern (fnmatch, on the
 * repository path without the registry host, or on the whole name) matches
 * the image's name decides; an image no pattern matches gets policy_path. */
typedef struct cg_serve_policy {
    const char *pattern; /* e.g. "lab/app", "prod-*", or "*" */
    const char *path;    /* a cgate/v1 policy file */
} cg_serve_policy;

/* One log record: a JSON object on one line, without the newline. */
typedef void (*cg_serve_log_fn)(void *ud, const char *line);
/* Refresh the vulnerability DB at db_path (--update-every); the CLI owns the
 * sources.  The DB watcher notices the replaced file and re-matches. */
typedef cg_status (*cg_serve_update_fn)(void *ud, const char *db_path, cg_error *err);

typedef struct cg_serve_config {
    const char *store;      /* "sqlite:PATH" or "postgres://..." / "postgresql://..." */
    const char *listen;     /* "HOST:PORT" (numeric host); NULL = 127.0.0.1:8780 */
    const char *db_path;    /* the vulnerability DB (may not exist yet: no findings) */
    const char *token_file; /* lines "sha256:<hex> read|write|admin [NAME]" */
    int no_auth;            /* allow every request (tests, benches); needs no token file */
    const char *tls_cert, *tls_key; /* PEM files; both or neither */
    const cg_serve_webhook *webhooks;
    size_t n_webhooks;
    const char *alert_log;   /* JSON lines appended; NULL = none */
    const char *policy_path; /* policy for images no `policies` entry matches; NULL = "no policy" */
    const cg_serve_policy *policies; /* per-repository policies, first match wins */
    size_t n_policies;
    const struct cg_registry_opts *registry; /* pulling pushed images; NULL = defaults */
    unsigned workers;        /* worker threads; 0 = 1 */
    int once;                /* process the runnable queue (and a DB change) and return */
    int64_t update_every;    /* seconds between update() calls; 0 = never */
    cg_serve_update_fn update;
    void *update_ud;
    uint64_t max_body;       /* request body cap; 0 = 4 MiB */
    double rate;             /* requests per second per client address; 0 = 200 */
    unsigned burst;          /* bucket size; 0 = 2 * rate */
    unsigned lease_seconds;  /* job lease; 0 = 60 */
    unsigned max_attempts;   /* before a job is dead-lettered; 0 = 5 */
    unsigned db_poll_ms;     /* DB file stat interval; 0 = 1000 */
    unsigned retry_base_ms;  /* first retry delay (doubles); 0 = 1000 */
    const char *worker_id;   /* NULL = HOST:PID */
    cg_serve_log_fn log;
    void *log_ud;
    volatile sig_atomic_t *stop; /* set (by a signal handler) to stop cleanly */
    int64_t today; /* > 0: the time (seconds) exceptions expire against (SOURCE_DATE_EPOCH);
                      0 = the clock.  The server re-evaluates every image when that day changes */
} cg_serve_config;

/* Run until *cfg->stop is set (or, with cfg->once, until nothing is runnable).
 * Errors only for what prevents starting: store, policy, token file, TLS files,
 * the listening socket.  Faults while running are logged and retried. */
CG_EXPORT cg_status cg_serve_run(const cg_serve_config *cfg, cg_error *err);

/* The token-file line for a bearer token: "sha256:<hex of sha256(token)>". */
CG_EXPORT cg_status cg_serve_hash_token(const char *token, char out[72], cg_error *err);

#ifdef __cplusplus
}
#endif
#endif

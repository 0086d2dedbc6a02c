/*
 * serve.c - the life of a `cgate serve` process: load tokens and policy,
 * migrate the store, start the HTTP API and the worker threads (each with its
 * own store connection), watch the vulnerability DB file (a replaced file is
 * a new rematch job, deduplicated by the file's identity so several workers
 * on one host queue it once), run --update-every, and stop cleanly when
 * *cfg->stop is set: the API closes, each worker finishes its job and exits.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "core/digest.h"
#include "core/readfile.h"
#include "serve/serve_int.h"

int64_t sv_now(void) { return (int64_t)time(NULL); }

const char *sv_itoa(char buf[24], long long v)
{
    snprintf(buf, 24, "%lld", v);
    return buf;
}

void sv_log(sv_server *srv, const char *level, const char *msg, json_t *fields)
{
    if (!srv->cfg->log) {
        json_decref(fields);
        return;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char t[48];
    size_t n = strftime(t, sizeof t, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(t + n, sizeof t - n, ".%03ldZ", ts.tv_nsec / 1000000);
    json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "ts", t, "level", level, "msg", msg, "worker", srv->worker_id);
    if (o && fields)
        json_object_update(o, fields);
    json_decref(fields);
    char *line = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(o);
    if (line) {
        pthread_mutex_lock(&srv->log_mu);
        srv->cfg->log(srv->cfg->log_ud, line);
        pthread_mutex_unlock(&srv->log_mu);
        free(line);
    }
}

void sv_kick(sv_server *srv)
{
    pthread_mutex_lock(&srv->mu);
    pthread_cond_broadcast(&srv->wake);
    pthread_mutex_unlock(&srv->mu);
}

cg_status cg_serve_hash_token(const char *token, char out[72], cg_error *err)
{
    if (!token || strlen(token) < 16)
        return cg_error_set(err, CG_ERR_USAGE, "a token must be at least 16 characters");
    return cg_sha256_str(token, strlen(token), out);
}

/* ---- setup ---------------------------------------------------------------- */

static cg_status load_tokens(sv_server *srv, const char *path, cg_error *err)
{
    cg_buf b = CG_BUF_INIT;
    cg_status s = cg_read_file(path, 1u << 20, "token file", &b, err);
    if (s != CG_OK)
        return s;
    size_t cap = 0, lineno = 0;
    for (char *line = b.data, *next; s == CG_OK && line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        lineno++;
        while (*line == ' ' || *line == '\t')
            line++;
        if (!*line || *line == '#')
            continue;
        char hash[80] = "", scope[16] = "", name[128] = "";
        int k = sscanf(line, "%79s %15s %127s", hash, scope, name);
        int sc = !strcmp(scope, "read") ? SV_SCOPE_READ : !strcmp(scope, "write") ? SV_SCOPE_WRITE
                                                        : !strcmp(scope, "admin") ? SV_SCOPE_ADMIN : 0;
        if (k < 2 || !cg_digest_valid(hash) || !sc) {
            s = cg_error_set(err, CG_ERR_INPUT, "%s:%zu: expected \"sha256:<hex> read|write|admin [NAME]\"", path,
                             lineno);
            break;
        }
        if (srv->n_tokens == cap) {
            size_t nc = cap ? cap * 2 : 8;
            sv_token *nt = cg_arena_calloc(&srv->arena, nc, sizeof *nt);
            if (!nt) {
                s = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
                break;
            }
            if (srv->n_tokens)
                memcpy(nt, srv->tokens, srv->n_tokens * sizeof *nt);
            srv->tokens = nt;
            cap = nc;
        }
        sv_token *t = &srv->tokens[srv->n_tokens++];
        memcpy(t->hash, hash, CG_DIGEST_STR_LEN + 1); /* cg_digest_valid: exactly that long */
        t->scope = sc;
        t->name = cg_arena_sprintf(&srv->arena, "%s", k == 3 ? name : "line");
        if (k < 3)
            t->name = cg_arena_sprintf(&srv->arena, "%s:%zu", path, lineno);
    }
    cg_buf_free(&b);
    if (s == CG_OK && srv->n_tokens == 0)
        s = cg_error_set(err, CG_ERR_INPUT, "%s: no tokens", path);
    return s;
}

static cg_status load_policy(sv_server *srv, sv_policy *p, const char *pattern, const char *path, cg_error *err)
{
    cg_buf b = CG_BUF_INIT;
    cg_status s = cg_read_file(path, CG_POLICY_MAX_BYTES, "policy", &b, err);
    if (s == CG_OK)
        s = cg_policy_parse((const uint8_t *)b.data, b.len, path, &srv->arena, &p->policy, err);
    char h[CG_DIGEST_STR_LEN + 1];
    if (s == CG_OK) {
        cg_sha256_str(b.data, b.len, h);
        p->sha = cg_arena_strdup(&srv->arena, h);
        p->path = cg_arena_strdup(&srv->arena, path);
        p->pattern = pattern ? cg_arena_strdup(&srv->arena, pattern) : NULL;
        if (!p->sha || !p->path || (pattern && !p->pattern))
            s = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    }
    cg_buf_free(&b);
    return s;
}

static cg_status load_policies(sv_server *srv, cg_error *err)
{
    const cg_serve_config *cfg = srv->cfg;
    srv->policies = cg_arena_calloc(&srv->arena, cfg->n_policies + 1, sizeof *srv->policies);
    if (!srv->policies)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    cg_status s = CG_OK;
    for (size_t i = 0; s == CG_OK && i < cfg->n_policies; i++) {
        if (!cfg->policies[i].pattern || !*cfg->policies[i].pattern || !cfg->policies[i].path)
            return cg_error_set(err, CG_ERR_USAGE, "policy %zu: a repository pattern and a policy file are needed",
                                i + 1);
        s = load_policy(srv, &srv->policies[srv->n_policies], cfg->policies[i].pattern, cfg->policies[i].path, err);
        if (s == CG_OK)
            srv->n_policies++;
    }
    if (s == CG_OK && cfg->policy_path) {
        s = load_policy(srv, &srv->policies[srv->n_policies], NULL, cfg->policy_path, err);
        if (s == CG_OK)
            srv->n_policies++;
    }
    return s;
}

const sv_policy *sv_policy_for(const sv_server *srv, const char *name)
{
    const char *repo = name ? name : "";
    const char *slash = strchr(repo, '/');
    if (slash) { /* "HOST[:PORT]/REPO": the host has a dot or a colon, or is localhost */
        size_t hl = (size_t)(slash - repo);
        if (memchr(repo, '.', hl) || memchr(repo, ':', hl) || (hl == 9 && !strncmp(repo, "localhost", 9)))
            repo = slash + 1;
    }
    for (size_t i = 0; i < srv->n_policies; i++) {
        const sv_policy *p = &srv->policies[i];
        if (!p->pattern || fnmatch(p->pattern, repo, 0) == 0 || (name && fnmatch(p->pattern, name, 0) == 0))
            return p;
    }
    return NULL;
}

void sv_today(const sv_server *srv, char out[16])
{
    time_t t = srv->cfg->today > 0 ? (time_t)srv->cfg->today : time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 16, "%Y-%m-%d", &tm);
}

/* ---- workers -------------------------------------------------------------- */

typedef struct worker {
    sv_server *srv;
    pthread_t th;
    int started;
} worker;

static int stopping(const sv_server *srv) { return srv->cfg->stop && *srv->cfg->stop; }

static void wait_for_work(sv_server *srv, unsigned ms)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&srv->mu);
    if (!stopping(srv))
        pthread_cond_timedwait(&srv->wake, &srv->mu, &until);
    pthread_mutex_unlock(&srv->mu);
}

static void *worker_main(void *ud)
{
    worker *w = ud;
    sv_server *srv = w->srv;
    sv_store *st = NULL;
    cg_error err;
    int down = 0; /* the store is away: one line when it goes, one when it is back */
    int full = 0; /* the store's disk is full: the same */
    while (!stopping(srv)) {
        cg_error_clear(&err);
        if (!st && sv_store_open(srv->cfg->store, &st, &err) != CG_OK) {
            if (!down++)
                sv_log(srv, "error", "store unavailable", json_pack("{s:s}", "error", err.msg));
            wait_for_work(srv, 1000);
            continue;
        }
        if (down) {
            sv_log(srv, "info", "store reconnected", json_pack("{s:I}", "attempts", (json_int_t)down));
            down = 0;
        }
        int ran = 0;
        if (sv_work_one(srv, st, &ran, &err) != CG_OK) {
            if (err.status == CG_ERR_NETWORK) { /* the store went away: reconnect (its job's lease expires) */
                sv_log(srv, "error", "store unavailable", json_pack("{s:s}", "error", err.msg));
                down = 1;
                sv_store_close(st);
                st = NULL;
            } else if (sv_store_full(st)) { /* nothing can be claimed or recorded until space is freed */
                if (!full++)
                    sv_log(srv, "error", "store out of disk space", json_pack("{s:s}", "error", err.msg));
            } else {
                sv_log(srv, "error", "queue error", json_pack("{s:s}", "error", err.msg));
            }
            wait_for_work(srv, 1000);
            continue;
        }
        if (full && ran) { /* a job claimed and recorded (an idle poll writes nothing: no proof) */
            sv_log(srv, "info", "store has disk space again", json_pack("{s:I}", "attempts", (json_int_t)full));
            full = 0;
        }
        if (!ran)
            wait_for_work(srv, 250);
    }
    sv_store_close(st);
    return NULL;
}

/* ---- the watcher ------------------------------------------------------------ */

static void queue_rematch(sv_server *srv, sv_store *st, const char *sig, const char *reason)
{
    char dd[200];
    snprintf(dd, sizeof dd, "rematch:%s", sig);
    json_t *pl = json_pack("{s:s, s:s}", "reason", reason, "db", sig);
    char *pls = pl ? json_dumps(pl, JSON_COMPACT) : NULL;
    json_decref(pl);
    cg_error err;
    cg_error_clear(&err);
    int64_t id = 0;
    if (!pls || sv_enqueue(st, "rematch", dd, pls, &id, &err) != CG_OK)
        sv_log(srv, "error", "cannot queue a rematch", json_pack("{s:s}", "error", err.msg));
    else if (id) {
        sv_log(srv, "info", "rematch queued", json_pack("{s:s, s:I}", "reason", reason, "job", (json_int_t)id));
        sv_kick(srv);
    }
    free(pls);
}

/* Once per day the policies are evaluated again (exceptions expire). */
static void queue_evaluate(sv_server *srv, sv_store *st, const char *day)
{
    if (!srv->n_policies)
        return;
    char dd[64], pl[64];
    snprintf(dd, sizeof dd, "evaluate:%s", day);
    snprintf(pl, sizeof pl, "{\"day\":\"%s\"}", day);
    cg_error err;
    cg_error_clear(&err);
    int64_t id = 0;
    if (sv_enqueue(st, "evaluate", dd, pl, &id, &err) != CG_OK)
        sv_log(srv, "error", "cannot queue an evaluation", json_pack("{s:s}", "error", err.msg));
    else if (id) {
        sv_log(srv, "info", "evaluation queued", json_pack("{s:s, s:I}", "day", day, "job", (json_int_t)id));
        sv_kick(srv);
    }
}

cg_status cg_serve_run(const cg_serve_config *cfg, cg_error *err)
{
    sv_server srv;
    memset(&srv, 0, sizeof srv);
    srv.cfg = cfg;
    cg_arena_init(&srv.arena);
    pthread_mutex_init(&srv.mu, NULL);
    pthread_mutex_init(&srv.log_mu, NULL);
    pthread_cond_init(&srv.wake, NULL);
    srv.lease = cfg->lease_seconds ? cfg->lease_seconds : 60;
    srv.max_attempts = cfg->max_attempts ? cfg->max_attempts : 5;
    srv.retry_base_ms = cfg->retry_base_ms ? cfg->retry_base_ms : 1000;
    if (cfg->worker_id) {
        snprintf(srv.worker_id, sizeof srv.worker_id, "%s", cfg->worker_id);
    } else {
        char host[64] = "host";
        gethostname(host, sizeof host - 1);
        snprintf(srv.worker_id, sizeof srv.worker_id, "%s:%ld", host, (long)getpid());
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    sv_store *st = NULL;
    sv_http *http = NULL;
    worker *ws = NULL;
    unsigned nw = cfg->workers ? cfg->workers : 1;
    cg_status s = CG_OK;
    if (!cfg->no_auth && !cfg->token_file && !cfg->once)
        s = cg_error_set(err, CG_ERR_USAGE, "give --token-file (or --no-auth for a trusted loopback setup)");
    if (s == CG_OK && cfg->token_file)
        s = load_tokens(&srv, cfg->token_file, err);
    if (s == CG_OK)
        s = load_policies(&srv, err);
    if (s == CG_OK && cfg->alert_log) {
        srv.alert_log = fopen(cfg->alert_log, "a");
        if (!srv.alert_log)
            s = cg_error_set(err, CG_ERR_IO, "alert log %s: %s", cfg->alert_log, strerror(errno));
    }
    if (s == CG_OK)
        s = sv_store_open(cfg->store, &st, err);
    if (s == CG_OK)
        s = sv_migrate(st, err);
    if (s == CG_OK && !cfg->once)
        s = sv_http_start(&srv, &http, err);
    if (s != CG_OK)
        goto out;
    char sig[128], last_sig[128];
    sv_db_signature(cfg->db_path, sig);
    snprintf(last_sig, sizeof last_sig, "%s", sig);
    if (cfg->db_path)
        queue_rematch(&srv, st, sig, "start");
    char day[16], last_day[16];
    sv_today(&srv, day);
    memcpy(last_day, day, sizeof day);
    queue_evaluate(&srv, st, day);
    if (cfg->once) {
        sv_log(&srv, "info", "processing the queue once",
               json_pack("{s:s, s:s?}", "store", sv_store_kind(st), "db", cfg->db_path));
        for (size_t i = 0; !stopping(&srv) && i < 10000000; i++) {
            int ran = 0;
            cg_error e2;
            cg_error_clear(&e2);
            if (sv_work_one(&srv, st, &ran, &e2) != CG_OK) {
                s = cg_error_set(err, e2.status, "%s", e2.msg);
                break;
            }
            if (!ran)
                break;
        }
        goto out;
    }
    sv_log(&srv, "info", "listening",
           json_pack("{s:s, s:s, s:I, s:b, s:b}", "listen", cfg->listen ? cfg->listen : "127.0.0.1:8780", "store",
                     sv_store_kind(st), "workers", (json_int_t)nw, "tls", cfg->tls_cert != NULL, "auth",
                     !cfg->no_auth));
    ws = calloc(nw, sizeof *ws);
    for (unsigned i = 0; ws && i < nw; i++) {
        ws[i].srv = &srv;
        ws[i].started = pthread_create(&ws[i].th, NULL, worker_main, &ws[i]) == 0;
    }
    unsigned poll = cfg->db_poll_ms ? cfg->db_poll_ms : 1000;
    int64_t next_update = cfg->update_every > 0 ? sv_now() + cfg->update_every : 0;
    unsigned waited = 0;
    while (!stopping(&srv)) {
        usleep(poll > 200 ? 200000 : poll * 1000);
        waited += poll > 200 ? 200 : poll;
        if (waited < poll)
            continue;
        waited = 0;
        sv_db_signature(cfg->db_path, sig);
        if (strcmp(sig, last_sig)) {
            snprintf(last_sig, sizeof last_sig, "%s", sig);
            queue_rematch(&srv, st, sig, "db changed");
        }
        sv_today(&srv, day);
        if (strcmp(day, last_day)) {
            memcpy(last_day, day, sizeof day);
            queue_evaluate(&srv, st, day);
        }
        if (next_update && sv_now() >= next_update && cfg->update) {
            cg_error ue;
            cg_error_clear(&ue);
            if (cfg->update(cfg->update_ud, cfg->db_path, &ue) != CG_OK)
                sv_log(&srv, "error", "db update failed", json_pack("{s:s}", "error", ue.msg));
            else
                sv_log(&srv, "info", "db updated", NULL);
            next_update = sv_now() + cfg->update_every;
        }
    }
    sv_log(&srv, "info", "stopping", NULL);
out:
    sv_http_stop(http);
    sv_kick(&srv);
    for (unsigned i = 0; ws && i < nw; i++)
        if (ws[i].started)
            pthread_join(ws[i].th, NULL);
    free(ws);
    if (s == CG_OK)
        sv_log(&srv, "info", "stopped", NULL);
    sv_store_close(st);
    if (srv.alert_log)
        fclose(srv.alert_log);
    pthread_cond_destroy(&srv.wake);
    pthread_mutex_destroy(&srv.mu);
    pthread_mutex_destroy(&srv.log_mu);
    cg_arena_free(&srv.arena);
    return s;
}

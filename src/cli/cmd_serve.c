/*
 * cmd_serve.c - `cgate serve`: parse options, install SIGTERM/SIGINT
 * handlers that only set a flag, print the library's JSON log lines on
 * stderr, and run cg_serve_run.  `cgate serve hash-token` turns a bearer
 * token (read on stdin) into its token-file line, so tokens are stored
 * hashed.  --update-every hands the server a callback that runs the same
 * download-and-import as `cgate db update`.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cgate/registry.h"
#include "cgate/serve.h"
#include "cgate/vulndb.h"
#include "cli/cli.h"
#include "core/http.h"
#include "core/readfile.h"
#include "core/yaml.h"
#include "vulndb/vdb_int.h"

#define MAX_HOOKS 16
#define MAX_SOURCES 64
#define MAX_POLICIES 256

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static const char serve_usage[] =
    "usage: cgate serve --store sqlite:PATH|postgres://... [OPTIONS]\n"
    "       cgate serve hash-token --scope read|write|admin [--name NAME] < TOKEN\n"
    "\n"
    "Watch what the gate let through: take registry push notifications\n"
    "(POST /v1/notifications), catalogue each pushed image (pull, SBOM, scan,\n"
    "policy), re-match the stored SBOMs whenever the vulnerability DB changes,\n"
    "and raise one alert per new (image, finding).  See docs/serve.md.\n"
    "\n"
    "Options:\n"
    "      --store SPEC          sqlite:PATH (one host) or postgres://... (shared queue)\n"
    "      --listen HOST:PORT    numeric address (default 127.0.0.1:8780)\n"
    "      --db FILE             the vulnerability DB (default $CGATE_DB, else the cache)\n"
    "      --token-file FILE     bearer tokens, hashed: \"sha256:<hex> SCOPE [NAME]\" per line\n"
    "      --no-auth             accept requests without a token (trusted loopback only)\n"
    "      --tls-cert FILE       PEM certificate (with --tls-key): serve HTTPS\n"
    "      --tls-key FILE        PEM private key\n"
    "      --policy FILE         policy for images no --policy-for matches (cgate policy's format)\n"
    "      --policy-for PATTERN=FILE  the policy of the repositories matching PATTERN\n"
    "                            (fnmatch on REPO or HOST/REPO; repeatable; first match wins)\n"
    "      --config FILE         YAML: policies (repository, policy) and webhooks (url,\n"
    "                            secretFile, format: json|slack); see docs/serve.md\n"
    "      --webhook URL         POST alerts here (repeatable; https, or http to a\n"
    "                            loopback host)\n"
    "      --webhook-secret-file FILE  HMAC-SHA256 key for the webhook given just before\n"
    "      --webhook-format json|slack  body of the webhook given just before (default json)\n"
    "      --alert-log FILE      append alerts as JSON lines\n"
    "      --workers N           worker threads (default 1)\n"
    "      --once                process the runnable queue (and a DB change), then exit\n"
    "      --update-every DUR    run 'db update' from --update-source every DUR (90m, 6h, 1d)\n"
    "      --update-source URL   a source for --update-every (repeatable)\n"
    "      --max-body SIZE       request body cap (default 4M)\n"
    "      --rate N              requests per second per client address (default 200)\n"
    "      --lease SECONDS       job lease before another worker may take the job (default 60)\n"
    "      --max-attempts N      tries before a job is dead-lettered (default 5)\n"
    "      --retry-delay MS      first retry delay, doubling (default 1000)\n"
    "      --db-poll MS          how often the DB file is checked (default 1000)\n"
    "      --worker-id ID        name in logs and leases (default HOST:PID)\n";
static const char serve_usage_tail[] =
    "  -q, --quiet               log warnings and errors only (no info lines)\n"
    "  -h, --help                this help\n"
    "\n"
    "Logs are JSON lines on stderr.  SIGTERM or SIGINT stops cleanly: the API\n"
    "closes and each worker finishes its current job.\n"
    "\n"
    "Exit codes: 0 stopped cleanly, 2 usage error, 3 bad token file, policy or\n"
    "TLS files, 4 store unreachable, 5 internal error.\n";

static int serve_quiet;

static void log_line(void *ud, const char *line)
{
    /* --quiet: warnings and errors only (the JSON lines' "level") */
    if (ud && *(const int *)ud && strstr(line, "\"level\":\"info\""))
        return;
    fputs(line, stderr);
    fputc('\n', stderr);
}

typedef struct upd {
    const char **urls;
    size_t n;
} upd;

static cg_status do_update(void *ud, const char *db_path, cg_error *err)
{
    upd *u = ud;
    cg_arena a;
    cg_arena_init(&a);
    cg_vdb_update_opts uo;
    memset(&uo, 0, sizeof uo);
    cg_vdb_import_opts io;
    memset(&io, 0, sizeof io);
    io.now = -1;
    cg_vdb_import_report rep;
    cg_vdb_update_report ur;
    cg_vdb_source *v = NULL;
    size_t n = 0;
    cg_status s = CG_OK;
    if (u->n) { /* --source URL...: those, as `db update --source` takes them */
        v = cg_arena_calloc(&a, u->n, sizeof *v);
        if (!v)
            s = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        for (size_t i = 0; v && i < u->n; i++) {
            const char *slash = strrchr(u->urls[i], '/');
            v[i].name = slash ? slash + 1 : u->urls[i];
            v[i].url = u->urls[i];
            v[i].origin = "--source";
        }
        n = u->n;
    } else { /* the built-in list, or its mirror (CGATE_DB_MIRROR) as `db update` does */
        const char *mirror = getenv("CGATE_DB_MIRROR");
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        s = cg_vdb_default_sources(mirror && *mirror ? mirror : NULL, tm.tm_year + 1900,
                                   mirror && *mirror ? "CGATE_DB_MIRROR" : "built-in", &a, &v, &n, err);
    }
    if (s == CG_OK)
        s = cg_vdb_update(db_path, v, n, &uo, &io, &a, &rep, &ur, err);
    cg_arena_free(&a);
    return s;
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end || v > max || s[0] == '-')
        return -1;
    *out = v;
    return 0;
}

static int hash_token(int argc, char **argv)
{
    static const struct option lo[] = {{"scope", required_argument, NULL, 's'},
                                       {"name", required_argument, NULL, 'n'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
    const char *scope = NULL, *name = NULL;
    int c;
    opterr = 0;
    optind = 1;
    {
        int pre = cli_args("serve", ":h", lo, &argc, &argv);
        if (pre >= 0)
            return pre;
    }
    while ((c = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
        switch (c) {
        case 's': scope = optarg; break;
        case 'n': name = optarg; break;
        case 'h': fputs(serve_usage, stdout); return 0;
        case ':': return cli_usage_error("serve hash-token", "option %s needs a value", argv[optind - 1]);
        default: return cli_unknown_option("serve hash-token", argv[optind - 1]);
        }
    }
    if (!scope || (strcmp(scope, "read") && strcmp(scope, "write") && strcmp(scope, "admin")))
        return cli_usage_error("serve hash-token", "--scope read, write or admin is required");
    if (name && strpbrk(name, " \t\r\n"))
        return cli_usage_error("serve hash-token", "--name must not contain spaces");
    char tok[4096];
    if (!fgets(tok, sizeof tok, stdin))
        return cli_usage_error("serve hash-token", "give the token on stdin");
    tok[strcspn(tok, "\r\n")] = 0;
    char out[72];
    cg_error err;
    cg_error_clear(&err);
    if (cg_serve_hash_token(tok, out, &err) != CG_OK)
        return cli_fail(&err);
    printf("%s %s%s%s\n", out, scope, name ? " " : "", name ? name : "");
    return 0;
}

typedef struct conf {
    cg_serve_webhook *hooks;
    char **secrets;
    size_t *n_hooks;
    cg_serve_policy *pols;
    size_t *n_pols;
    cg_arena *a;
} conf;

static int read_secret(const char *path, char **out)
{
    FILE *f = fopen(path, "r");
    char buf[1024];
    if (!f || !fgets(buf, sizeof buf, f)) {
        if (f)
            fclose(f);
        cli_error("webhook secret %s: cannot read it", path);
        return 3;
    }
    fclose(f);
    buf[strcspn(buf, "\r\n")] = 0;
    if (!*buf) {
        cli_error("webhook secret %s: empty", path);
        return 3;
    }
    free(*out);
    *out = strdup(buf);
    return 0;
}

/* A path in the config file, relative to the file's folder. */
static const char *conf_path(cg_arena *a, const char *file, const char *p)
{
    const char *slash = strrchr(file, '/');
    if (p[0] == '/' || !slash)
        return cg_arena_strdup(a, p);
    return cg_arena_sprintf(a, "%.*s/%s", (int)(slash - file), file, p);
}

static int conf_fail(const char *file, const cg_yaml_node *n, const char *what)
{
    cli_error("%s:%d: %s", file, n ? n->line : 0, what);
    return 3;
}

/* --config FILE: {apiVersion: cgate/v1, kind: ServeConfig, policies: [{repository, policy}],
 * webhooks: [{url, secretFile, format}]} */
static int load_config(const char *file, conf *c)
{
    cg_buf b = CG_BUF_INIT;
    cg_error err;
    cg_error_clear(&err);
    cg_yaml_doc *docs = NULL;
    size_t nd = 0;
    cg_yaml_limits lim;
    memset(&lim, 0, sizeof lim);
    lim.strict = 1;
    lim.max_docs = 1;
    if (cg_read_file(file, 1u << 20, "serve config", &b, &err) != CG_OK ||
        cg_yaml_parse((const uint8_t *)b.data, b.len, file, &lim, c->a, &docs, &nd, &err) != CG_OK) {
        cg_buf_free(&b);
        return cli_fail(&err);
    }
    cg_buf_free(&b);
    const cg_yaml_node *root = nd ? docs[0].root : NULL;
    if (!root || root->kind != CG_YAML_MAP)
        return conf_fail(file, root, "expected a mapping with apiVersion: cgate/v1, kind: ServeConfig");
    for (size_t i = 0; i < root->n; i++) {
        const char *k = root->keys[i];
        if (strcmp(k, "apiVersion") && strcmp(k, "kind") && strcmp(k, "policies") && strcmp(k, "webhooks"))
            return conf_fail(file, root->vals[i], "unknown key (apiVersion, kind, policies, webhooks)");
    }
    const char *av = cg_yaml_str(root, "apiVersion"), *kind = cg_yaml_str(root, "kind");
    if (!av || strcmp(av, "cgate/v1") || !kind || strcmp(kind, "ServeConfig"))
        return conf_fail(file, root, "apiVersion: cgate/v1 and kind: ServeConfig are required");
    const cg_yaml_node *ps = cg_yaml_get(root, "policies"), *hs = cg_yaml_get(root, "webhooks");
    if (ps && !cg_yaml_is_null(ps) && ps->kind != CG_YAML_SEQ)
        return conf_fail(file, ps, "policies: a list of {repository, policy}");
    if (hs && !cg_yaml_is_null(hs) && hs->kind != CG_YAML_SEQ)
        return conf_fail(file, hs, "webhooks: a list of {url, secretFile, format}");
    for (size_t i = 0; ps && ps->kind == CG_YAML_SEQ && i < ps->n; i++) {
        const cg_yaml_node *e = ps->vals[i];
        const char *rp = cg_yaml_str(e, "repository"), *pf = cg_yaml_str(e, "policy");
        if (!e || e->kind != CG_YAML_MAP || !rp || !*rp || !pf || !*pf || e->n != 2)
            return conf_fail(file, e, "a policy entry is {repository: PATTERN, policy: FILE}");
        if (*c->n_pols == MAX_POLICIES)
            return conf_fail(file, e, "too many policies");
        c->pols[*c->n_pols].pattern = cg_arena_strdup(c->a, rp);
        c->pols[(*c->n_pols)++].path = conf_path(c->a, file, pf);
    }
    for (size_t i = 0; hs && hs->kind == CG_YAML_SEQ && i < hs->n; i++) {
        const cg_yaml_node *e = hs->vals[i];
        const char *url = cg_yaml_str(e, "url"), *sf = cg_yaml_str(e, "secretFile"), *fm = cg_yaml_str(e, "format");
        size_t known = (url != NULL) + (sf != NULL) + (fm != NULL);
        if (!e || e->kind != CG_YAML_MAP || !url || e->n != known)
            return conf_fail(file, e, "a webhook is {url: URL, secretFile: FILE, format: json|slack}");
        if (!cg_http_url_allowed(url))
            return conf_fail(file, e, "webhook url: " CG_HTTP_URL_RULE);
        if (fm && strcmp(fm, "json") && strcmp(fm, "slack"))
            return conf_fail(file, e, "webhook format: json or slack");
        if (*c->n_hooks == MAX_HOOKS)
            return conf_fail(file, e, "too many webhooks");
        cg_serve_webhook *h = &c->hooks[*c->n_hooks];
        h->url = cg_arena_strdup(c->a, url);
        h->format = fm && !strcmp(fm, "slack") ? CG_SERVE_HOOK_SLACK : CG_SERVE_HOOK_JSON;
        h->secret = NULL;
        if (sf) {
            int r = read_secret(conf_path(c->a, file, sf), &c->secrets[*c->n_hooks]);
            if (r)
                return r;
            h->secret = c->secrets[*c->n_hooks];
        }
        (*c->n_hooks)++;
    }
    return 0;
}

int cmd_serve(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "hash-token"))
        return hash_token(argc - 1, argv + 1);
    enum {
        O_STORE = 0x2000, O_LISTEN, O_DB, O_TOKENS, O_NOAUTH, O_CERT, O_KEY, O_POLICY, O_HOOK, O_HOOKSECRET,
        O_ALERTLOG, O_WORKERS, O_ONCE, O_UPEVERY, O_UPSRC, O_MAXBODY, O_RATE, O_LEASE, O_ATTEMPTS, O_RETRY,
        O_POLL, O_WID, O_POLFOR, O_CONFIG, O_HOOKFMT
    };
    static const struct option lo[] = {
        {"store", required_argument, NULL, O_STORE},       {"listen", required_argument, NULL, O_LISTEN},
        {"db", required_argument, NULL, O_DB},             {"token-file", required_argument, NULL, O_TOKENS},
        {"no-auth", no_argument, NULL, O_NOAUTH},          {"tls-cert", required_argument, NULL, O_CERT},
        {"tls-key", required_argument, NULL, O_KEY},       {"policy", required_argument, NULL, O_POLICY},
        {"webhook", required_argument, NULL, O_HOOK},      {"webhook-secret-file", required_argument, NULL, O_HOOKSECRET},
        {"alert-log", required_argument, NULL, O_ALERTLOG}, {"workers", required_argument, NULL, O_WORKERS},
        {"once", no_argument, NULL, O_ONCE},               {"update-every", required_argument, NULL, O_UPEVERY},
        {"update-source", required_argument, NULL, O_UPSRC}, {"max-body", required_argument, NULL, O_MAXBODY},
        {"rate", required_argument, NULL, O_RATE},         {"lease", required_argument, NULL, O_LEASE},
        {"max-attempts", required_argument, NULL, O_ATTEMPTS}, {"retry-delay", required_argument, NULL, O_RETRY},
        {"db-poll", required_argument, NULL, O_POLL},      {"worker-id", required_argument, NULL, O_WID},
        {"policy-for", required_argument, NULL, O_POLFOR}, {"config", required_argument, NULL, O_CONFIG},
        {"webhook-format", required_argument, NULL, O_HOOKFMT},
        {"help", no_argument, NULL, 'h'},                  CLI_REGISTRY_LONGOPTS,
        {"quiet", no_argument, NULL, 'q'},
        {NULL, 0, NULL, 0},
    };
    cg_serve_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cg_registry_opts ro;
    memset(&ro, 0, sizeof ro);
    cg_serve_webhook hooks[MAX_HOOKS];
    char *secrets[MAX_HOOKS] = {NULL};
    size_t n_hooks = 0;
    cg_serve_policy pols[MAX_POLICIES];
    size_t n_pols = 0;
    cg_arena ca; /* config strings */
    cg_arena_init(&ca);
    const char *srcs[MAX_SOURCES];
    upd u = {srcs, 0};
    int c, rc = 0;
    unsigned long v;
    opterr = 0;
    optind = 1;
    {
        int pre = cli_args("serve", ":qh", lo, &argc, &argv);
        if (pre >= 0)
            return pre;
    }
    while ((c = getopt_long(argc, argv, ":qh", lo, NULL)) != -1) {
        switch (c) {
        case O_STORE: cfg.store = optarg; break;
        case O_LISTEN: cfg.listen = optarg; break;
        case O_DB: cfg.db_path = optarg; break;
        case O_TOKENS: cfg.token_file = optarg; break;
        case O_NOAUTH: cfg.no_auth = 1; break;
        case O_CERT: cfg.tls_cert = optarg; break;
        case O_KEY: cfg.tls_key = optarg; break;
        case O_POLICY: cfg.policy_path = optarg; break;
        case O_HOOK:
            if (n_hooks == MAX_HOOKS)
                {
                rc = cli_usage_error("serve", "at most %d --webhook", MAX_HOOKS);
                goto done;
            }
            if (!cg_http_url_allowed(optarg))
                {
                rc = cli_usage_error("serve", "--webhook: %s", CG_HTTP_URL_RULE);
                goto done;
            }
            hooks[n_hooks].url = optarg;
            hooks[n_hooks].format = CG_SERVE_HOOK_JSON;
            hooks[n_hooks++].secret = NULL;
            break;
        case O_HOOKSECRET:
            if (!n_hooks)
                {
                rc = cli_usage_error("serve", "--webhook-secret-file follows the --webhook it belongs to");
                goto done;
            }
            if ((rc = read_secret(optarg, &secrets[n_hooks - 1])) != 0)
                goto done;
            hooks[n_hooks - 1].secret = secrets[n_hooks - 1];
            break;
        case O_HOOKFMT:
            if (!n_hooks)
                {
                rc = cli_usage_error("serve", "--webhook-format follows the --webhook it belongs to");
                goto done;
            }
            if (strcmp(optarg, "json") && strcmp(optarg, "slack"))
                {
                rc = cli_usage_error("serve", "--webhook-format: json or slack");
                goto done;
            }
            hooks[n_hooks - 1].format = !strcmp(optarg, "slack") ? CG_SERVE_HOOK_SLACK : CG_SERVE_HOOK_JSON;
            break;
        case O_POLFOR: {
            const char *eq = strchr(optarg, '=');
            if (!eq || eq == optarg || !eq[1])
                {
                rc = cli_usage_error("serve", "--policy-for: PATTERN=FILE");
                goto done;
            }
            if (n_pols == MAX_POLICIES)
                {
                rc = cli_usage_error("serve", "at most %d policies", MAX_POLICIES);
                goto done;
            }
            pols[n_pols].pattern = cg_arena_sprintf(&ca, "%.*s", (int)(eq - optarg), optarg);
            pols[n_pols++].path = eq + 1;
            break;
        }
        case O_CONFIG: {
            conf cf = {hooks, secrets, &n_hooks, pols, &n_pols, &ca};
            if ((rc = load_config(optarg, &cf)) != 0)
                goto done;
            break;
        }
        case O_ALERTLOG: cfg.alert_log = optarg; break;
        case O_WORKERS:
            if (parse_uint(optarg, 64, &v) || !v)
                {
                rc = cli_usage_error("serve", "--workers: 1 to 64");
                goto done;
            }
            cfg.workers = (unsigned)v;
            break;
        case O_ONCE: cfg.once = 1; break;
        case O_UPEVERY:
            if (cli_parse_duration(optarg, &cfg.update_every) || cfg.update_every <= 0)
                {
                rc = cli_usage_error("serve", "--update-every: a duration (90m, 6h, 1d)");
                goto done;
            }
            break;
        case O_UPSRC:
            if (u.n == MAX_SOURCES)
                {
                rc = cli_usage_error("serve", "at most %d --update-source", MAX_SOURCES);
                goto done;
            }
            srcs[u.n++] = optarg;
            break;
        case O_MAXBODY: {
            uint64_t sz;
            if (cli_parse_size(optarg, &sz) || sz < 1024)
                {
                rc = cli_usage_error("serve", "--max-body: a size of at least 1K (4M, 64K)");
                goto done;
            }
            cfg.max_body = sz;
            break;
        }
        case O_RATE:
            if (parse_uint(optarg, 1000000, &v) || !v)
                {
                rc = cli_usage_error("serve", "--rate: 1 to 1000000 requests per second");
                goto done;
            }
            cfg.rate = (double)v;
            break;
        case O_LEASE:
            if (parse_uint(optarg, 86400, &v) || !v)
                {
                rc = cli_usage_error("serve", "--lease: 1 to 86400 seconds");
                goto done;
            }
            cfg.lease_seconds = (unsigned)v;
            break;
        case O_ATTEMPTS:
            if (parse_uint(optarg, 100, &v) || !v)
                {
                rc = cli_usage_error("serve", "--max-attempts: 1 to 100");
                goto done;
            }
            cfg.max_attempts = (unsigned)v;
            break;
        case O_RETRY:
            if (parse_uint(optarg, 3600000, &v) || !v)
                {
                rc = cli_usage_error("serve", "--retry-delay: 1 to 3600000 ms");
                goto done;
            }
            cfg.retry_base_ms = (unsigned)v;
            break;
        case O_POLL:
            if (parse_uint(optarg, 3600000, &v) || v < 50)
                {
                rc = cli_usage_error("serve", "--db-poll: 50 to 3600000 ms");
                goto done;
            }
            cfg.db_poll_ms = (unsigned)v;
            break;
        case O_WID: cfg.worker_id = optarg; break;
        case 'q': serve_quiet = 1; break;
        case 'h':
            fputs(serve_usage, stdout);
            fputs(cli_registry_help, stdout);
            fputs(serve_usage_tail, stdout);
            return 0;
        case ':': {
                rc = cli_usage_error("serve", "option %s needs a value", argv[optind - 1]);
                goto done;
            }
        case '?': {
                rc = cli_unknown_option("serve", argv[optind - 1]);
                goto done;
            }
        default: {
            int r = cli_parse_registry_opt("serve", c, optarg, &ro);
            if (r) {
                rc = r;
                goto done;
            }
        }
        }
    }
    if (optind < argc) {
        rc = cli_usage_error("serve", "unexpected argument \"%s\"", argv[optind]);
        goto done;
    }
    if (!cfg.store) {
        rc = cli_usage_error("serve", "--store is required (sqlite:PATH or postgres://...)");
        goto done;
    }
    if (cfg.update_every && !u.n) {
        rc = cli_usage_error("serve", "--update-every needs at least one --update-source");
        goto done;
    }
    cg_arena a;
    cg_arena_init(&a);
    if (!cfg.db_path)
        cfg.db_path = cg_vdb_default_path(&a);
    cfg.webhooks = hooks;
    cfg.n_webhooks = n_hooks;
    cfg.policies = pols;
    cfg.n_policies = n_pols;
    int64_t sde = cli_source_date_epoch();
    if (sde == -2) {
        cg_arena_free(&a);
        rc = cli_usage_error("serve", "SOURCE_DATE_EPOCH: not a number of seconds");
        goto done;
    }
    cfg.today = sde > 0 ? sde : 0;
    cfg.registry = &ro;
    cfg.update = do_update;
    cfg.update_ud = &u;
    cfg.log = log_line;
    cfg.log_ud = &serve_quiet;
    cfg.stop = &stop_flag;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    cg_error err;
    cg_error_clear(&err);
    if (cg_serve_run(&cfg, &err) != CG_OK)
        rc = cli_fail(&err);
    cg_arena_free(&a);
done:
    for (size_t i = 0; i < MAX_HOOKS; i++)
        free(secrets[i]);
    cg_arena_free(&ca);
    return rc;
}

/*
 * auth.c - registry authentication: RFC 7235 challenge parsing, Basic,
 * Bearer tokens (fetched from the challenge's realm, cached per host and
 * scope with an expiry, size-capped and checked for header-safe bytes), and
 * where credentials come from: --creds, REGISTRY_AUTH_FILE or the Docker
 * config (auths, credHelpers, credsStore via `docker-credential-NAME get`).
 * Credentials are looked up once per host, only when a registry asks.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "core/base64.h"
#include "core/dockerref.h"
#include "core/json.h"
#include "core/readfile.h"
#include "registry/registry_internal.h"

#define MAX_TOKENS 64
#define AUTH_FILE_MAX (1u << 20)
#define HELPER_OUT_MAX (64u << 10)
#define HELPER_TIMEOUT_MS 30000

/* ---- RFC 7235 challenges ---- */

static int tchar(char c)
{
    return isalnum((unsigned char)c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static int t68char(char c)
{
    return isalnum((unsigned char)c) || (c && strchr("-._~+/", c));
}

static size_t skip_ows(const char *s, size_t i, size_t n)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i;
}

/* After a token at i (length tl): is it "name =" (an auth-param)? */
static int is_param_start(const char *s, size_t i, size_t n)
{
    size_t j = i;
    while (j < n && tchar(s[j]))
        j++;
    if (j == i)
        return 0;
    j = skip_ows(s, j, n);
    if (j >= n || s[j] != '=')
        return 0;
    j = skip_ows(s, j + 1, n);
    /* "abc==" is a token68, not a parameter */
    return j < n && s[j] != '=' && s[j] != ',';
}

cg_status cg_auth_parse_challenges(const char *s, size_t n, cg_challenge *out, size_t max, size_t *count,
                                   cg_error *err)
{
    size_t i = 0, k = 0;
    *count = 0;
    while (1) {
        while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == ','))
            i++;
        if (i >= n)
            break;
        size_t st = i;
        while (i < n && tchar(s[i]))
            i++;
        if (i == st)
            return cg_error_set(err, CG_ERR_INPUT, "WWW-Authenticate: unexpected '%c' at offset %zu", s[i], i);
        if (k >= max)
            return cg_error_set(err, CG_ERR_INPUT, "WWW-Authenticate: more than %zu challenges", max);
        cg_challenge *c = &out[k++];
        memset(c, 0, sizeof *c);
        if (i - st >= sizeof c->scheme)
            return cg_error_set(err, CG_ERR_INPUT, "WWW-Authenticate: auth scheme too long");
        for (size_t j = 0; j < i - st; j++)
            c->scheme[j] = (char)tolower((unsigned char)s[st + j]);
        if (i < n && s[i] != ' ' && s[i] != '\t' && s[i] != ',')
            return cg_error_set(err, CG_ERR_INPUT, "WWW-Authenticate: unexpected '%c' after scheme %s", s[i], c->scheme);
        i = skip_ows(s, i, n);
        /* token68? */
        if (i < n && s[i] != ',' && !is_param_start(s, i, n)) {
            size_t t = i;
            while (i < n && t68char(s[i]))
                i++;
            while (i < n && s[i] == '=')
                i++;
            if (i == t)
                return cg_error_set(err, CG_ERR_INPUT, "WWW-Authenticate: unexpected '%c' in %s challenge", s[i], c->scheme);
            cg_chal_param *p = &c->params[c->n_params++];
            snprintf(p->name, sizeof p->name, "token68");
            snprintf(p->value, sizeof p->value, "%.*s", (int)(i - t), s + t);
            i = skip_ows(s, i, n);
            if (i < n && s[i] != ',')
                return cg_error_set(err, CG_ERR_INPUT, "WWW-Authenticate: junk after token68");
            continue;
        }
        /* auth-params, comma-separated, until the next challenge's scheme */
        while (1) {
            while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == ','))
                i++;
            if (i >= n || !is_param_start(s, i, n))
                break;
            size_t ns = i;
            while (i < n && tchar(s[i]))
                i++;
            size_t nl = i - ns;
            i = skip_ows(s, i, n);
            i = skip_ows(s, i + 1, n); /* '=' */
            if (c->n_params >= CG_CHAL_MAX_PARAMS)
                return cg_error_set(err, CG_ERR_INPUT, "WWW-Authenticate: more than %d parameters", CG_CHAL_MAX_PARAMS);
            cg_chal_param *p = &c->params[c->n_params++];
            if (nl >= sizeof p->name)
                return cg_error_set(err, CG_ERR_INPUT, "WWW-Authenticate: parameter name too long");
            for (size_t j = 0; j < nl; j++)
                p->name[j] = (char)tolower((unsigned char)s[ns + j]);
            size_t vl = 0;
            if (s[i] == '"') {
                i++;
                while (1) {
                    if (i >= n)
                        return cg_error_set(err, CG_ERR_INPUT, "WWW-Authenticate: unterminated quoted string");
                    char ch = s[i++];
                    if (ch == '"')
                        break;
                    if (ch == '\\') {
                        if (i >= n)
                            return cg_error_set(err, CG_ERR_INPUT, "WWW-Authenticate: unterminated quoted string");
                        ch = s[i++];
                    }
                    if ((unsigned char)ch < 0x20 && ch != '\t')
                        return cg_error_set(err, CG_ERR_INPUT, "WWW-Authenticate: control character in a quoted string");
                    if (vl + 1 >= sizeof p->value)
                        return cg_error_set(err, CG_ERR_INPUT, "WWW-Authenticate: parameter %s too long", p->name);
                    p->value[vl++] = ch;
                }
            } else {
                size_t vs = i;
                while (i < n && tchar(s[i]))
                    i++;
                if (i == vs)
                    return cg_error_set(err, CG_ERR_INPUT, "WWW-Authenticate: parameter %s has no value", p->name);
                vl = i - vs;
                if (vl >= sizeof p->value)
                    return cg_error_set(err, CG_ERR_INPUT, "WWW-Authenticate: parameter %s too long", p->name);
                memcpy(p->value, s + vs, vl);
            }
            p->value[vl] = 0;
            i = skip_ows(s, i, n);
            if (i < n && s[i] != ',')
                return cg_error_set(err, CG_ERR_INPUT, "WWW-Authenticate: unexpected '%c' after parameter %s", s[i], p->name);
        }
    }
    *count = k;
    if (!k)
        return cg_error_set(err, CG_ERR_INPUT, "WWW-Authenticate: no challenge");
    return CG_OK;
}

const char *cg_challenge_param(const cg_challenge *c, const char *name)
{
    for (size_t i = 0; i < c->n_params; i++)
        if (!strcasecmp(c->params[i].name, name))
            return c->params[i].value;
    return NULL;
}

/* ---- credentials ---- */

/* Copy a string into a fixed field; 0 when it did not fit (the field is then ""). */
static int cpy(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap) {
        dst[0] = 0;
        return 0;
    }
    memcpy(dst, src, n + 1);
    return 1;
}

/* "https://index.docker.io/v1/" -> "index.docker.io" */
static void key_host(const char *key, char *out, size_t cap)
{
    const char *p = strstr(key, "://");
    p = p ? p + 3 : key;
    size_t n = strcspn(p, "/");
    snprintf(out, cap, "%.*s", (int)(n < cap ? n : cap - 1), p);
}

static int host_matches(const char *key, const char *host)
{
    char kh[CG_REF_HOST_MAX];
    key_host(key, kh, sizeof kh);
    if (!strcasecmp(kh, host))
        return 1;
    return cg_docker_is_hub(kh) && cg_docker_is_hub(host);
}

static int helper_name_ok(const char *s)
{
    if (!s || !*s || strlen(s) > 100)
        return 0;
    for (const char *c = s; *c; c++)
        if (!(isalnum((unsigned char)*c) || *c == '-' || *c == '_' || *c == '.'))
            return 0;
    return 1;
}

cg_status cg_docker_config_lookup(const char *buf, size_t len, const char *host, cg_creds *out, int *found,
                                  char helper[128], cg_error *err)
{
    *found = 0;
    helper[0] = 0;
    json_t *doc;
    cg_status s = cg_json_parse(buf, len, "auth file", &doc, err);
    if (s != CG_OK)
        return s;
    if (!json_is_object(doc)) {
        json_decref(doc);
        return cg_error_set(err, CG_ERR_INPUT, "auth file: not a JSON object");
    }
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(doc, "credHelpers"), k, v)
    {
        if (host_matches(k, host) && json_is_string(v)) {
            if (!helper_name_ok(json_string_value(v))) {
                json_decref(doc);
                return cg_error_set(err, CG_ERR_INPUT, "auth file: credHelpers[%s]: invalid helper name", host);
            }
            snprintf(helper, 128, "%s", json_string_value(v));
            json_decref(doc);
            return CG_OK;
        }
    }
    json_object_foreach(json_object_get(doc, "auths"), k, v)
    {
        if (!host_matches(k, host) || !json_is_object(v))
            continue;
        const char *auth = cg_json_str(v, "auth"), *idt = cg_json_str(v, "identitytoken");
        const char *user = cg_json_str(v, "username"), *pass = cg_json_str(v, "password");
        if (auth && *auth) {
            char dec[4400];
            size_t dl;
            char *colon;
            if (cg_base64_decode_to(auth, strlen(auth), dec, sizeof dec, &dl) || !(colon = memchr(dec, ':', dl)) || memchr(dec, 0, dl)) {
                cg_error_set(err, CG_ERR_INPUT, "auth file: auths[%s].auth is not base64 of USER:PASSWORD", k);
                json_decref(doc);
                return CG_ERR_INPUT;
            }
            *colon = 0;
            int fits = cpy(out->user, sizeof out->user, dec) && cpy(out->secret, sizeof out->secret, colon + 1);
            OPENSSL_cleanse(dec, sizeof dec);
            if (!fits) {
                cg_error_set(err, CG_ERR_INPUT, "auth file: auths[%s]: user name or password too long", k);
                json_decref(doc);
                return CG_ERR_INPUT;
            }
            *found = 1;
        } else if (user && pass) {
            if (!cpy(out->user, sizeof out->user, user) || !cpy(out->secret, sizeof out->secret, pass)) {
                cg_error_set(err, CG_ERR_INPUT, "auth file: auths[%s]: user name or password too long", k);
                json_decref(doc);
                return CG_ERR_INPUT;
            }
            *found = 1;
        }
        if (idt && *idt) {
            if (!cpy(out->secret, sizeof out->secret, idt)) {
                cg_error_set(err, CG_ERR_INPUT, "auth file: auths[%s]: identitytoken too long", k);
                json_decref(doc);
                return CG_ERR_INPUT;
            }
            out->identity = 1;
            *found = 1;
        }
        if (*found)
            break;
    }
    if (!*found) {
        const char *store = cg_json_str(doc, "credsStore");
        if (store && *store) {
            if (!helper_name_ok(store)) {
                json_decref(doc);
                return cg_error_set(err, CG_ERR_INPUT, "auth file: credsStore: invalid helper name");
            }
            snprintf(helper, 128, "%s", store);
        }
    }
    json_decref(doc);
    return CG_OK;
}

cg_status cg_cred_helper_parse(const char *buf, size_t len, cg_creds *out, cg_error *err)
{
    json_t *doc;
    cg_status s = cg_json_parse(buf, len, "credential helper output", &doc, err);
    if (s != CG_OK)
        return s;
    const char *u = cg_json_str(doc, "Username"), *p = cg_json_str(doc, "Secret");
    if (!u || !p) {
        json_decref(doc);
        return cg_error_set(err, CG_ERR_INPUT, "credential helper output: no Username and Secret");
    }
    if (strlen(u) >= sizeof out->user || strlen(p) >= sizeof out->secret) {
        json_decref(doc);
        return cg_error_set(err, CG_ERR_INPUT, "credential helper output: Username or Secret too long");
    }
    out->identity = !strcmp(u, "<token>");
    cpy(out->user, sizeof out->user, out->identity ? "" : u);
    cpy(out->secret, sizeof out->secret, p);
    json_decref(doc);
    return CG_OK;
}

/* write() to a pipe whose reader may be gone (a helper that exits without
 * reading stdin), without SIGPIPE killing the process and without touching
 * the process-wide disposition: SIGPIPE is blocked for this thread for the
 * write, a SIGPIPE the write raised is consumed, and the mask restored.
 * EPIPE is returned as any other error. */
static ssize_t write_nosigpipe(int fd, const void *buf, size_t n)
{
    sigset_t pipe_set, old, pending;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    sigemptyset(&pending);
    int was_pending = sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
    if (pthread_sigmask(SIG_BLOCK, &pipe_set, &old) != 0) {
        errno = EINVAL;
        return -1;
    }
    ssize_t w;
    do
        w = write(fd, buf, n);
    while (w < 0 && errno == EINTR);
    int e = errno;
    if (w < 0 && e == EPIPE && !was_pending) {
        const struct timespec zero = {0, 0};
        while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR) {
        }
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    errno = e;
    return w;
}

/* Run `docker-credential-NAME get` with the server on stdin. */
static cg_status run_helper(const char *name, const char *host, cg_creds *out, int *found, cg_error *err)
{
    *found = 0;
    char prog[160];
    snprintf(prog, sizeof prog, "docker-credential-%s", name);
    int in[2], outp[2];
    if (pipe2(in, O_CLOEXEC) || pipe2(outp, O_CLOEXEC))
        return cg_error_set(err, CG_ERR_IO, "%s: pipe: %s", prog, strerror(errno));
    pid_t pid = fork();
    if (pid < 0) {
        close(in[0]), close(in[1]), close(outp[0]), close(outp[1]);
        return cg_error_set(err, CG_ERR_IO, "%s: fork: %s", prog, strerror(errno));
    }
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(outp[1], 1);
        int dn = open("/dev/null", O_WRONLY);
        if (dn >= 0)
            dup2(dn, 2);
        char *argv[] = {prog, "get", NULL};
        execvp(prog, argv);
        _exit(127);
    }
    close(in[0]);
    close(outp[1]);
    const char *server = !strcmp(host, "docker.io") ? "https://index.docker.io/v1/" : host;
    ssize_t wr = write_nosigpipe(in[1], server, strlen(server));
    (void)wr;
    close(in[1]);
    cg_buf o = CG_BUF_INIT;
    cg_buf_init(&o, HELPER_OUT_MAX);
    double start = reg_now();
    cg_status s = CG_OK;
    while (1) {
        struct pollfd pf = {outp[0], POLLIN, 0};
        int left = HELPER_TIMEOUT_MS - (int)((reg_now() - start) * 1000);
        if (left <= 0) {
            s = cg_error_set(err, CG_ERR_NETWORK, "%s: no answer within %d s", prog, HELPER_TIMEOUT_MS / 1000);
            break;
        }
        if (poll(&pf, 1, left) < 0 && errno != EINTR) {
            s = cg_error_set(err, CG_ERR_IO, "%s: poll: %s", prog, strerror(errno));
            break;
        }
        char b[4096];
        ssize_t k = read(outp[0], b, sizeof b);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        if (cg_buf_append(&o, b, (size_t)k) != CG_OK) {
            s = cg_error_set(err, CG_ERR_LIMIT, "%s: more than %u bytes of output", prog, HELPER_OUT_MAX);
            break;
        }
    }
    close(outp[0]);
    if (s != CG_OK)
        kill(pid, SIGKILL);
    int ws = 0;
    while (waitpid(pid, &ws, 0) < 0 && errno == EINTR) {
    }
    if (s == CG_OK) {
        if (WIFEXITED(ws) && WEXITSTATUS(ws) == 127)
            s = cg_error_set(err, CG_ERR_NETWORK, "credential helper %s not found on PATH", prog);
        else if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0) {
            /* "credentials not found in native keychain": anonymous */
            if (!strstr(cg_buf_str(&o), "not found"))
                s = cg_error_set(err, CG_ERR_NETWORK, "%s get failed for %s", prog, host);
        } else {
            s = cg_cred_helper_parse(o.data ? o.data : "", o.len, out, err);
            if (s == CG_OK) {
                *found = 1;
                snprintf(out->source, sizeof out->source, "%s", prog);
            } else
                cg_error_prefix(err, "%s", prog);
        }
    }
    if (o.data)
        OPENSSL_cleanse(o.data, o.len);
    cg_buf_free(&o);
    return s;
}

static cg_status lookup_file(const char *path, const char *host, cg_creds *c, int *found, cg_error *err)
{
    *found = 0;
    if (access(path, F_OK) != 0)
        return CG_OK;
    cg_buf b = CG_BUF_INIT;
    char helper[128];
    cg_status s = cg_read_file(path, AUTH_FILE_MAX, "auth file", &b, err);
    if (s == CG_OK)
        s = cg_docker_config_lookup(b.data ? b.data : "", b.len, host, c, found, helper, err);
    if (b.data)
        OPENSSL_cleanse(b.data, b.len);
    cg_buf_free(&b);
    if (s != CG_OK)
        return cg_error_prefix(err, "%s", path);
    if (*found)
        snprintf(c->source, sizeof c->source, "%s", path);
    else if (helper[0])
        s = run_helper(helper, host, c, found, err);
    return s;
}

static cg_status find_creds(cg_registry *r, reg_host_auth *h, cg_error *err)
{
    if (h->have_creds_looked == 1)
        return CG_OK;
    h->have_creds_looked = 1;
    cg_creds *c = &h->creds;
    if (r->o.creds) {
        const char *colon = strchr(r->o.creds, ':');
        if (!colon)
            return cg_error_set(err, CG_ERR_USAGE, "--creds must be USER:PASSWORD");
        size_t ul = (size_t)(colon - r->o.creds);
        if (ul >= sizeof c->user || !cpy(c->secret, sizeof c->secret, colon + 1))
            return cg_error_set(err, CG_ERR_USAGE, "--creds: user name or password too long");
        memcpy(c->user, r->o.creds, ul);
        c->user[ul] = 0;
        snprintf(c->source, sizeof c->source, "--creds");
        h->have_creds = 1;
        return CG_OK;
    }
    char path[4096];
    const char *files[3] = {NULL, NULL, NULL};
    size_t nf = 0;
    const char *af = r->o.auth_file ? r->o.auth_file : getenv("REGISTRY_AUTH_FILE");
    if (af && *af)
        files[nf++] = af;
    const char *dc = getenv("DOCKER_CONFIG"), *home = getenv("HOME");
    if (dc && *dc) {
        snprintf(path, sizeof path, "%s/config.json", dc);
        files[nf++] = path;
    } else if (home && *home) {
        snprintf(path, sizeof path, "%s/.docker/config.json", home);
        files[nf++] = path;
    }
    for (size_t i = 0; i < nf; i++) {
        int found = 0;
        cg_status s = lookup_file(files[i], h->host, c, &found, err);
        if (s != CG_OK)
            return s;
        if (found) {
            h->have_creds = 1;
            return CG_OK;
        }
    }
    return CG_OK;
}

static reg_host_auth *host_state(cg_registry *r, const char *host)
{
    for (reg_host_auth *h = r->hosts; h; h = h->next)
        if (!strcmp(h->host, host))
            return h;
    reg_host_auth *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    snprintf(h->host, sizeof h->host, "%s", host);
    h->next = r->hosts;
    r->hosts = h;
    return h;
}

/* ---- tokens ---- */

static reg_token *token_find(cg_registry *r, const char *key)
{
    double now = reg_now();
    for (reg_token *t = r->tokens; t; t = t->next)
        if (!strcmp(t->key, key) && t->expires > now)
            return t;
    return NULL;
}

static void token_free(reg_token *t)
{
    OPENSSL_cleanse(t->token, strlen(t->token));
    free(t->key);
    free(t->token);
    free(t);
}

/* key must not point into the list (it is compared after nodes are freed) */
static void token_drop(cg_registry *r, const char *key)
{
    for (reg_token **pp = &r->tokens; *pp;) {
        reg_token *t = *pp;
        if (!strcmp(t->key, key)) {
            *pp = t->next;
            token_free(t);
            r->n_tokens--;
        } else
            pp = &t->next;
    }
}

/* Drop the oldest token (the list's tail: new ones go in front). */
static void token_evict_oldest(cg_registry *r)
{
    reg_token **pp = &r->tokens;
    if (!*pp)
        return;
    while ((*pp)->next)
        pp = &(*pp)->next;
    token_free(*pp);
    *pp = NULL;
    r->n_tokens--;
}

static int token_chars_ok(const char *t)
{
    if (!*t)
        return 0;
    for (const char *c = t; *c; c++)
        if ((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f)
            return 0;
    return 1;
}

cg_status reg_token_parse(const char *body, size_t len, const char *what, json_t **doc, const char **token,
                          int64_t *expires_in, cg_error *err)
{
    *doc = NULL;
    *token = NULL;
    cg_status s = cg_json_parse(body, len, what, doc, err);
    if (s != CG_OK)
        return s;
    const char *tok = cg_json_str(*doc, "token");
    if (!tok || !*tok)
        tok = cg_json_str(*doc, "access_token");
    int64_t exp = cg_json_int(*doc, "expires_in", 60);
    if (exp < 60)
        exp = 60;
    if (exp > 86400)
        exp = 86400;
    if (!tok || !token_chars_ok(tok))
        return cg_error_set(err, CG_ERR_NETWORK, "%s: the response has no usable token", what);
    *token = tok;
    *expires_in = exp;
    return CG_OK;
}

static cg_status fetch_token(cg_registry *r, reg_host_auth *h, const char *scope, const char *key, cg_error *err)
{
    const cg_challenge *c = &h->chal;
    const char *realm = cg_challenge_param(c, "realm"), *service = cg_challenge_param(c, "service");
    const char *cscope = cg_challenge_param(c, "scope");
    if (!realm || !*realm)
        return cg_error_set(err, CG_ERR_NETWORK, "%s: Bearer challenge without a realm", h->host);
    cg_status s = find_creds(r, h, err);
    if (s != CG_OK)
        return s;
    CURL *esc = r->easy;
    cg_buf url = CG_BUF_INIT, form = CG_BUF_INIT, userpass = CG_BUF_INIT;
    char sep = strchr(realm, '?') ? '&' : '?';
    s = cg_buf_puts(&url, realm);
    cg_buf *params = (h->have_creds && h->creds.identity) ? &form : &url;
    /* scopes: ours, then the challenge's when it differs */
    const char *lists[2] = {scope, cscope && (!scope || !strstr(scope, cscope)) ? cscope : NULL};
    int first = params == &url ? 0 : 1;
    if (service && s == CG_OK) {
        char *e = curl_easy_escape(esc, service, 0);
        s = cg_buf_printf(params, "%cservice=%s", first ? '&' : sep, e ? e : "");
        curl_free(e);
        first = 1;
    }
    for (int li = 0; li < 2 && s == CG_OK; li++) {
        const char *p = lists[li];
        while (p && *p && s == CG_OK) {
            size_t l = strcspn(p, " ");
            char one[600];
            snprintf(one, sizeof one, "%.*s", (int)(l < 599 ? l : 599), p);
            char *e = curl_easy_escape(esc, one, 0);
            s = cg_buf_printf(params, "%cscope=%s", first ? '&' : sep, e ? e : "");
            curl_free(e);
            first = 1;
            p += l;
            while (*p == ' ')
                p++;
        }
    }
    reg_req q = {.method = "GET", .small = 1, .no_auth = 1, .max_body = r->o.max_token_bytes};
    char what[CG_REF_HOST_MAX + 40];
    snprintf(what, sizeof what, "%s: token", h->host);
    q.what = what;
    if (s == CG_OK && h->have_creds && h->creds.identity) {
        char *e = curl_easy_escape(esc, h->creds.secret, 0);
        s = cg_buf_printf(&form, "&grant_type=refresh_token&client_id=cgate&refresh_token=%s", e ? e : "");
        curl_free(e);
        q.method = "POST";
        q.body = form.data + 1; /* skip the leading '&' */
        q.body_len = form.len - 1;
        q.content_type = "application/x-www-form-urlencoded";
    } else if (s == CG_OK && h->have_creds) {
        s = cg_buf_printf(&userpass, "%s:%s", h->creds.user, h->creds.secret);
        q.basic = userpass.data;
    }
    q.url = url.data;
    reg_resp resp;
    reg_resp_init(&resp);
    if (s == CG_OK)
        s = reg_do(r, &q, &resp, NULL, err);
    if (s == CG_OK && resp.status != 200) {
        if (resp.status == 401 || resp.status == 403)
            s = cg_error_set(err, CG_ERR_NETWORK, "%s: the token server refused %s (HTTP %ld)", what,
                             h->have_creds ? "the credentials" : "anonymous access (no credentials found)", resp.status);
        else
            s = reg_status_error(&q, &resp, err);
    }
    json_t *doc = NULL;
    const char *tok = NULL;
    int64_t exp = 0;
    if (s == CG_OK)
        s = reg_token_parse(resp.body.data ? resp.body.data : "", resp.body.len, what, &doc, &tok, &exp, err);
    if (s == CG_OK) {
        token_drop(r, key);
        while (r->n_tokens >= MAX_TOKENS && r->tokens)
            token_evict_oldest(r);
        reg_token *t = calloc(1, sizeof *t);
        if (t && (t->key = strdup(key)) && (t->token = strdup(tok))) {
            t->expires = reg_now() + (double)exp - 10;
            t->next = r->tokens;
            r->tokens = t;
            r->n_tokens++;
        } else {
            if (t) {
                free(t->key);
                free(t);
            }
            s = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        }
    }
    json_decref(doc);
    if (resp.body.data)
        OPENSSL_cleanse(resp.body.data, resp.body.len);
    reg_resp_free(&resp);
    if (userpass.data)
        OPENSSL_cleanse(userpass.data, userpass.len);
    if (form.data)
        OPENSSL_cleanse(form.data, form.len);
    cg_buf_free(&url);
    cg_buf_free(&form);
    cg_buf_free(&userpass);
    return s;
}

cg_status reg_auth_header(cg_registry *r, const char *host, const char *scope, int force, cg_buf *hdr,
                          cg_error *err)
{
    (void)force;
    cg_buf_reset(hdr);
    reg_host_auth *h = host_state(r, host);
    if (!h)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    if (!strcmp(h->chal.scheme, "basic")) {
        cg_status s = find_creds(r, h, err);
        if (s != CG_OK)
            return s;
        if (!h->have_creds)
            return CG_OK;
        size_t ul = strlen(h->creds.user), pl = strlen(h->creds.secret);
        char up[4400], b64[6000];
        memcpy(up, h->creds.user, ul);
        up[ul] = ':';
        memcpy(up + ul + 1, h->creds.secret, pl + 1);
        cg_base64_encode_to(up, ul + 1 + pl, b64, sizeof b64); /* fits: 4400 bytes -> 5868 */
        OPENSSL_cleanse(up, sizeof up);
        s = cg_buf_printf(hdr, "Authorization: Basic %s", b64);
        OPENSSL_cleanse(b64, sizeof b64);
        return s == CG_OK ? CG_OK : cg_error_set(err, s, "out of memory");
    }
    if (!strcmp(h->chal.scheme, "bearer")) {
        char key[CG_REF_HOST_MAX + 1100];
        snprintf(key, sizeof key, "%s %s", host, scope ? scope : "");
        reg_token *t = token_find(r, key);
        if (!t) {
            cg_status s = fetch_token(r, h, scope, key, err);
            if (s != CG_OK)
                return s;
            t = token_find(r, key);
            if (!t)
                return cg_error_set(err, CG_ERR_NETWORK, "%s: token expired at once", host);
        }
        cg_status s = cg_buf_printf(hdr, "Authorization: Bearer %s", t->token);
        return s == CG_OK ? CG_OK : cg_error_set(err, s, "out of memory");
    }
    return CG_OK;
}

cg_status reg_auth_challenged(cg_registry *r, const char *host, const char *scope, const reg_resp *resp,
                              cg_error *err)
{
    reg_host_auth *h = host_state(r, host);
    if (!h)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    if (!resp->www_auth.len)
        return cg_error_set(err, CG_ERR_NETWORK, "HTTP 401 without a WWW-Authenticate challenge");
    cg_challenge ch[8];
    size_t n = 0;
    cg_error pe;
    if (cg_auth_parse_challenges(resp->www_auth.data, resp->www_auth.len, ch, 8, &n, &pe) != CG_OK)
        return cg_error_set(err, CG_ERR_NETWORK, "HTTP 401 with an unreadable challenge: %s", pe.msg);
    const cg_challenge *pick = NULL;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(ch[i].scheme, "bearer"))
            pick = &ch[i];
    for (size_t i = 0; i < n && !pick; i++)
        if (!strcmp(ch[i].scheme, "basic"))
            pick = &ch[i];
    if (!pick)
        return cg_error_set(err, CG_ERR_NETWORK, "HTTP 401 with no Basic or Bearer challenge (got %s)", ch[0].scheme);
    int was_basic = !strcmp(h->chal.scheme, "basic");
    h->chal = *pick;
    char key[CG_REF_HOST_MAX + 1100];
    snprintf(key, sizeof key, "%s %s", host, scope ? scope : "");
    token_drop(r, key);
    if (!strcmp(pick->scheme, "basic")) {
        cg_status s = find_creds(r, h, err);
        if (s != CG_OK)
            return s;
        if (!h->have_creds)
            return cg_error_set(err, CG_ERR_NETWORK,
                                "authentication required and no credentials for %s (use --creds USER:PASSWORD, REGISTRY_AUTH_FILE or docker login)",
                                host);
        if (was_basic)
            return cg_error_set(err, CG_ERR_NETWORK, "the registry refused the credentials from %s (HTTP 401)",
                                h->creds.source);
    }
    return CG_OK;
}

void reg_auth_free(cg_registry *r)
{
    while (r->tokens) {
        reg_token *t = r->tokens;
        r->tokens = t->next;
        token_free(t);
    }
    r->n_tokens = 0;
    for (reg_host_auth *h = r->hosts; h;) {
        reg_host_auth *n = h->next;
        OPENSSL_cleanse(&h->creds, sizeof h->creds);
        free(h);
        h = n;
    }
    r->hosts = NULL;
}

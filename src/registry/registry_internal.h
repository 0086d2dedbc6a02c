/*
 * registry_internal.h - what the files of src/registry/ share: the client
 * struct, the one HTTP request engine (client.c), auth (auth.c) and the
 * parsers that unit tests reach directly.  Not installed.
 */
#ifndef CG_REGISTRY_INTERNAL_H
#define CG_REGISTRY_INTERNAL_H

#include <curl/curl.h>
#include <jansson.h>
#include <stdint.h>

#include "cgate/buf.h"
#include "cgate/registry.h"
#include "core/digest.h"

/* ---- auth.c: challenges and credentials ---- */

#define CG_CHAL_MAX_PARAMS 16

typedef struct cg_chal_param {
    char name[32];
    char value[1024];
} cg_chal_param;

typedef struct cg_challenge {
    char scheme[32]; /* lower-cased: "basic", "bearer" */
    cg_chal_param params[CG_CHAL_MAX_PARAMS];
    size_t n_params;
} cg_challenge;

/* Parse a WWW-Authenticate value (RFC 7235: challenges separated by commas,
 * each a scheme then auth-params name=token|"quoted-string" or a token68).
 * At most max challenges; CG_ERR_INPUT on malformed text. */
cg_status cg_auth_parse_challenges(const char *s, size_t len, cg_challenge *out, size_t max, size_t *n,
                                   cg_error *err);
/* The value of a challenge's parameter (name case-insensitive) or NULL. */
const char *cg_challenge_param(const cg_challenge *c, const char *name);

typedef struct cg_creds {
    char user[256];
    char secret[4096];   /* password, or the identity token when identity = 1 */
    int identity;        /* secret is an OAuth2 refresh token (Docker "identitytoken") */
    char source[300];    /* where they came from, for messages: "--creds", "~/.docker/config.json", ... */
} cg_creds;

/* Find credentials for host in a Docker/containers auth file's JSON (buf,len):
 * credHelpers[host] -> *helper (the helper name); auths[host] (keys may be
 * URLs) -> creds; credsStore -> *helper.  *found = 1 when creds were filled. */
cg_status cg_docker_config_lookup(const char *buf, size_t len, const char *host, cg_creds *out, int *found,
                                  char helper[128], cg_error *err);
/* Parse the JSON a `docker-credential-NAME get` prints. */
cg_status cg_cred_helper_parse(const char *buf, size_t len, cg_creds *out, cg_error *err);

/* ---- the client ---- */

typedef struct reg_token {
    struct reg_token *next;
    char *key;     /* host + " " + scope */
    char *token;
    double expires; /* monotonic seconds */
} reg_token;

typedef struct reg_host_auth {
    struct reg_host_auth *next;
    char host[CG_REF_HOST_MAX];
    cg_challenge chal;   /* the last challenge this host gave */
    int have_creds_looked;
    int plain_http;      /* --insecure and the host answered TLS with garbage: use http */
    int have_creds;
    cg_creds creds;
} reg_host_auth;

struct cg_registry {
    cg_registry_opts o;
    char ua[64];
    CURL *easy;           /* reused for sequential requests (keep-alive) */
    reg_token *tokens;
    size_t n_tokens;
    reg_host_auth *hosts;
    cg_registry_stats stats;
    struct bc_cache *blob_cache; /* where blobs were seen (blob_cache.h); opened on the first push */
    int blob_cache_opened;
};

/* A response, headers already parsed. */
typedef struct reg_resp {
    long status;
    char content_type[128];
    char docker_digest[CG_REF_DIGEST_MAX];
    char location[4096];
    char range[64];
    cg_buf www_auth;     /* all WWW-Authenticate values joined with ", " */
    int64_t content_length;
    long retry_after;
    cg_buf body;         /* small bodies (and error bodies, capped) */
} reg_resp;

typedef struct reg_req {
    const char *method;       /* "GET", "HEAD", "PUT", "POST", "PATCH", "DELETE" */
    const char *url;          /* absolute */
    const char *host;         /* the registry host (insecure applies to it only) */
    const char *scope;        /* space-separated token scopes, or NULL */
    const char *accept;       /* Accept header value or NULL */
    const char *content_type;
    const char *content_range;
    const void *body;         /* request body from memory ... */
    size_t body_len;
    const cg_upload_source *src; /* ... or streamed */
    uint64_t src_len;
    cg_sha256 *src_hash;      /* hashed while sent (optional) */
    uint64_t max_body;        /* response body cap (small requests) */
    int stream;               /* leave the body to reg_stream_read */
    int small;                /* apply small_timeout_ms */
    int no_auth;              /* token requests */
    const char *basic;        /* explicit "user:pass" for Basic (token requests) */
    const char *what;         /* for messages: "manifest docker.io/library/x:1" */
} reg_req;

typedef struct reg_stream reg_stream;

/* Send req, handling auth (401), redirects (policy-checked), retries on
 * 429/5xx/connection faults.  On return resp->status is final.  With
 * req->stream, *stream (must be non-NULL) is the open body for a 2xx. */
cg_status reg_do(cg_registry *r, const reg_req *req, reg_resp *resp, reg_stream **stream, cg_error *err);
ssize_t reg_stream_read(reg_stream *s, void *buf, size_t n, cg_error *err);
void reg_stream_free(reg_stream *s);

void reg_resp_init(reg_resp *resp);
void reg_resp_free(reg_resp *resp);

/* "http(s)://HOST/v2/REPO/<suffix>" per the scheme policy, into out. */
cg_status reg_url(cg_registry *r, const char *host, const char *repo, const char *suffix, cg_buf *out, cg_error *err);

/* A one-line error for an unexpected status: "HOST: PUT manifest ...: 400 MANIFEST_BLOB_UNKNOWN: ..." */
/* A token server's answer (body of len bytes): *doc is the parsed document
 * (caller json_decrefs it, also on error), *token its "token" (or
 * "access_token") inside *doc, printable ASCII only, *expires_in clamped to
 * 60..86400 s.  CG_ERR_NETWORK when there is no usable token. */
cg_status reg_token_parse(const char *body, size_t len, const char *what, json_t **doc, const char **token,
                          int64_t *expires_in, cg_error *err);
cg_status reg_status_error(const reg_req *req, const reg_resp *resp, cg_error *err);

/* auth.c: the Authorization header for (host, scope), fetching a token when
 * the host challenged with Bearer; *hdr gets "Authorization: ..." or "". */
cg_status reg_auth_header(cg_registry *r, const char *host, const char *scope, int force, cg_buf *hdr, cg_error *err);
/* Record a 401's challenge for host; forget the cached token for scope. */
cg_status reg_auth_challenged(cg_registry *r, const char *host, const char *scope, const reg_resp *resp,
                              cg_error *err);
void reg_auth_free(cg_registry *r);

double reg_now(void);
/* Same scheme and host:port. */
int reg_same_origin(const char *a, const char *b);
/* Resolve a Location header against the URL it came from. */
cg_status reg_resolve_location(const char *url, const char *loc, cg_buf *out, cg_error *err);

#endif

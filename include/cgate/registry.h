/*
 * registry.h - a client for the OCI distribution API (registries such as
 * Docker Hub, distribution 2.x, Harbor, GHCR), over libcurl.
 *
 * One cg_registry handle holds the policy (TLS, plain HTTP only for loopback
 * hosts unless `insecure`), credentials (--creds, REGISTRY_AUTH_FILE, the
 * Docker config and its credential helpers), a token cache per scope, caps
 * and retry settings.  Operations name a repository with a cg_ref (only
 * registry and repository are used) and a reference (a tag or a digest).
 *
 * Everything received is distrusted: manifest and blob bytes are hashed by
 * this client and compared with the digest asked for (Docker-Content-Digest
 * is only a hint); every response body, token and redirect chain is capped.
 * Failures are CG_ERR_NETWORK (exit 4) with a one-line message naming the
 * host, the repository and what failed; caps give CG_ERR_NETWORK too, since
 * the registry, not the user's input, misbehaved.
 *
 * A handle is not thread-safe: use one per thread.
 */
#ifndef CGATE_REGISTRY_H
#define CGATE_REGISTRY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgate/buf.h"
#include "cgate/error.h"
#include "cgate/export.h"
#include "cgate/mediatype.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- references ------------------------------------------------------- */

#define CG_REF_HOST_MAX 256
#define CG_REF_REPO_MAX 256
#define CG_REF_TAG_MAX 129
#define CG_REF_DIGEST_MAX 72 /* "sha256:" + 64 hex + NUL */

typedef struct cg_ref {
    char registry[CG_REF_HOST_MAX];   /* "docker.io", "127.0.0.1:5000", "[::1]:5000" */
    char repository[CG_REF_REPO_MAX]; /* "library/nginx" */
    char tag[CG_REF_TAG_MAX];         /* "" when none was given */
    char digest[CG_REF_DIGEST_MAX];   /* "" when none was given */
} cg_ref;

/* Parse "docker://HOST/REPO[:TAG][@sha256:HEX]" or the same without the
 * "docker://" prefix.  Docker Hub names are normalised as Docker does:
 * "nginx" -> docker.io/library/nginx, "user/app" -> docker.io/user/app,
 * "index.docker.io" -> "docker.io".  The first component is a registry host
 * when it has a '.' or ':' or is "localhost".  With neither tag nor digest,
 * tag = "latest".  Errors are CG_ERR_USAGE. */
CG_EXPORT cg_status cg_ref_parse(const char *s, cg_ref *out, cg_error *err);

/* "HOST/REPO:TAG", "HOST/REPO@DIGEST" or "HOST/REPO:TAG@DIGEST" into buf
 * (truncated to n); returns buf. */
CG_EXPORT const char *cg_ref_format(const cg_ref *r, char *buf, size_t n);

/* The reference to ask the registry for: the digest when set, else the tag. */
CG_EXPORT const char *cg_ref_reference(const cg_ref *r);

/* 1 when host (with or without ":PORT", IPv6 in brackets) is loopback:
 * localhost, 127.0.0.0/8 or ::1. */
CG_EXPORT int cg_host_is_loopback(const char *host);

/* ---- the client ------------------------------------------------------- */

typedef struct cg_registry cg_registry;

typedef struct cg_registry_stats cg_registry_stats; /* below */

typedef struct cg_registry_opts {
    /* Allow plain HTTP and unverified TLS for the registry host named in each
     * request (never for other hosts a redirect points to).  Without it,
     * plain HTTP is used only for loopback hosts; everything else is HTTPS
     * with verified certificates. */
    int insecure;
    const char *creds;        /* "USER:PASS", overrides every other source */
    const char *auth_file;    /* a Docker/containers auth file; NULL = $REGISTRY_AUTH_FILE,
                                 then $DOCKER_CONFIG/config.json or ~/.docker/config.json */
    const char *user_agent;   /* NULL = "cgate/VERSION" */
    uint64_t max_manifest_bytes; /* 0 = 4 MiB */
    uint64_t max_blob_bytes;     /* cap on one blob pulled; 0 = 64 GiB */
    uint64_t max_token_bytes;    /* cap on a token response; 0 = 64 KiB */
    uint64_t chunk_bytes;        /* blobs larger than this are uploaded in PATCH
                                    chunks of this size; 0 = 64 MiB */
    long connect_timeout_ms;     /* 0 = 10 s */
    long low_speed_time_s;       /* abort a transfer stalled (< 1 byte/s) this long; 0 = 30 s */
    long small_timeout_ms;       /* whole-request cap for tokens, manifests, HEADs; 0 = 60 s */
    int max_retries;             /* on 429, 5xx and connection failures; 0 = 3; -1 = none */
    long retry_base_ms;          /* first backoff (doubles, honours Retry-After up to 10 s); 0 = 250 ms */
    int max_redirects;           /* 0 = 5 */
    /* Called as blob bytes stream in either direction (often: rate-limit it
     * yourself), with the counters so far; may be NULL. */
    void (*progress)(void *ud, const struct cg_registry_stats *st);
    void *progress_ud;
} cg_registry_opts;

/* opts may be NULL (all defaults).  Free with cg_registry_free(). */
CG_EXPORT cg_status cg_registry_new(const cg_registry_opts *opts, cg_registry **out, cg_error *err);
CG_EXPORT void cg_registry_free(cg_registry *r);

/* Counters of what the client did (for `push` output, tests and benchmarks). */
struct cg_registry_stats {
    uint64_t requests;        /* HTTP requests sent, retries included */
    uint64_t retries;
    uint64_t blobs_uploaded;
    uint64_t blobs_skipped;   /* HEAD found them */
    uint64_t blobs_mounted;
    uint64_t bytes_uploaded;
    uint64_t bytes_downloaded;
};
CG_EXPORT const cg_registry_stats *cg_registry_get_stats(const cg_registry *r);

/* ---- manifests -------------------------------------------------------- */


typedef struct cg_manifest {
    int found;                        /* 0 only with CG_REG_MISSING_OK and a 404 */
    char *data;                       /* the exact bytes (NUL-terminated, not counted); free with cg_manifest_free */
    size_t len;
    char media_type[128];             /* Content-Type, else the document's mediaType, else "" */
    char digest[CG_REF_DIGEST_MAX];   /* sha256 of data, computed here */
} cg_manifest;

CG_EXPORT void cg_manifest_free(cg_manifest *m);

/* Flags for lookups that may legitimately find nothing. */
#define CG_REG_MISSING_OK 1u /* a 404 is CG_OK with found = 0, not an error */

/* GET a manifest by tag or digest (reference NULL = cg_ref_reference(repo)),
 * accepting OCI manifest/index and Docker v2 manifest/list.  Capped at
 * max_manifest_bytes; when reference is a digest the bytes must hash to it. */
CG_EXPORT cg_status cg_registry_get_manifest(cg_registry *r, const cg_ref *repo, const char *reference, unsigned flags,
                                             cg_manifest *out, cg_error *err);

/* HEAD a manifest: digest (Docker-Content-Digest, a hint: "" when absent),
 * media type and size.  found = 0 on 404 with CG_REG_MISSING_OK. */
CG_EXPORT cg_status cg_registry_head_manifest(cg_registry *r, const cg_ref *repo, const char *reference, unsigned flags,
                                              int *found, char digest[CG_REF_DIGEST_MAX], char media_type[128],
                                              int64_t *size, cg_error *err);

/* Resolve a tag (or a digest) to the digest of the manifest it names, by
 * GETting it and hashing the bytes (never trusting a header). */
CG_EXPORT cg_status cg_registry_resolve(cg_registry *r, const cg_ref *ref, char digest[CG_REF_DIGEST_MAX], cg_error *err);

/* PUT a manifest under reference (a tag, or its own digest), Content-Type =
 * media_type.  digest_out (may be NULL) gets sha256 of data.  A reference
 * that is a digest must equal that sha256. */
CG_EXPORT cg_status cg_registry_put_manifest(cg_registry *r, const cg_ref *repo, const char *reference,
                                             const char *media_type, const void *data, size_t len,
                                             char digest_out[CG_REF_DIGEST_MAX], cg_error *err);

/* ---- blobs ------------------------------------------------------------ */

/* HEAD a blob: *size = its size when present, -1 when the registry has not got it. */
CG_EXPORT cg_status cg_registry_head_blob(cg_registry *r, const cg_ref *repo, const char *digest, int64_t *size,
                                          cg_error *err);

/* GET a whole blob into out (reset first), at most max bytes (0 = 4 MiB),
 * verified against digest. */
CG_EXPORT cg_status cg_registry_get_blob_small(cg_registry *r, const cg_ref *repo, const char *digest, uint64_t max,
                                               cg_buf *out, cg_error *err);

/* Streaming GET.  Every byte is hashed; the read that reaches the end fails
 * (-1) unless the sha256 equals digest and the size equals `size` (when
 * size >= 0); more than size (or max_blob_bytes) bytes fail at once. */
typedef struct cg_blob_reader cg_blob_reader;
CG_EXPORT cg_status cg_registry_open_blob(cg_registry *r, const cg_ref *repo, const char *digest, int64_t size,
                                          cg_blob_reader **out, cg_error *err);
/* Up to n bytes; 0 at the (verified) end; -1 on error with err set. */
CG_EXPORT ssize_t cg_blob_reader_read(cg_blob_reader *b, void *buf, size_t n, cg_error *err);
CG_EXPORT void cg_blob_reader_close(cg_blob_reader *b);

/* Where an upload's bytes come from. */
typedef struct cg_upload_source {
    /* Up to n bytes; 0 at the end; -1 on error (err set). */
    ssize_t (*read)(void *ud, void *buf, size_t n, cg_error *err);
    /* Back to byte 0 so a failed upload can be retried; NULL = no retry. */
    cg_status (*rewind)(void *ud, cg_error *err);
    void *ud;
} cg_upload_source;

/* Upload a blob of `size` bytes whose sha256 is `digest`: POST an upload
 * session, then one PUT (size <= chunk_bytes) or PATCH chunks and a closing
 * PUT.  The bytes are hashed on the way and a mismatch aborts the upload
 * before it is committed (when chunked) and fails in any case.  Does NOT
 * HEAD first: see cg_registry_push_blob. */
CG_EXPORT cg_status cg_registry_put_blob(cg_registry *r, const cg_ref *repo, const char *digest, uint64_t size,
                                         const cg_upload_source *src, cg_error *err);
/* Same, from memory. */
CG_EXPORT cg_status cg_registry_put_blob_buf(cg_registry *r, const cg_ref *repo, const char *digest, const void *data,
                                             size_t len, cg_error *err);

/* Cross-repository mount: *mounted = 1 when the registry linked the blob
 * from from_repo (same registry) into repo (201); 0 when it declined (the
 * upload session it opened instead is cancelled). */
CG_EXPORT cg_status cg_registry_mount_blob(cg_registry *r, const cg_ref *repo, const char *digest, const char *from_repo,
                                           int *mounted, cg_error *err);

/* HEAD, then (when absent) mount from from_repo (may be NULL; never the
 * repository itself), then upload.  The source is rewound (src->rewind,
 * when set) just before the upload, so a streamed source can open its
 * bytes only then: a blob the registry already has is never read.
 * *what (may be NULL) = "exists", "mounted" or "uploaded". */
CG_EXPORT cg_status cg_registry_push_blob(cg_registry *r, const cg_ref *repo, const char *digest, uint64_t size,
                                          const char *from_repo, const cg_upload_source *src, const char **what,
                                          cg_error *err);
/* Same, from memory. */
CG_EXPORT cg_status cg_registry_push_blob_buf(cg_registry *r, const cg_ref *repo, const char *digest,
                                                        const void *data, size_t len, const char *from_repo,
                                                        const char **what, cg_error *err);

#ifdef __cplusplus
}
#endif
#endif

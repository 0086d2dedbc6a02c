/*
 * main.c - the cgate command: global options and dispatch to cmd_*.c.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <malloc.h>
#include <unistd.h>
#include <sqlite3.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "core/oom.h"

static const char usage[] =
    "usage: cgate [--version] [--help] COMMAND [ARGS]\n"
    "\n"
    "cgate is a container-image supply-chain gate: image -> SBOM -> scan ->\n"
    "policy -> push by digest -> sign + attest -> tag.\n"
    "\n"
    "Commands:\n"
    "  sbom    list the packages in an image (CycloneDX 1.6, SPDX 2.3, table)\n"
    "  db      the vulnerability DB: import, status, update\n"
    "  scan    match an image's packages against the vulnerability DB (Trivy JSON,\n"
    "          SARIF 2.1.0, CycloneDX with vulnerabilities, table)\n"
    "  lint    check Dockerfiles, Kubernetes manifests and images for\n"
    "          misconfigurations (hadolint / Trivy config checks)\n"
    "  policy  decide pass or deny for a vulnerability report (exit 0 / 1)\n"
    "  keygen  write a cosign-compatible key pair (cosign.key, cosign.pub)\n"
    "  push    copy an image to a registry: blobs, manifest by digest, tag last\n"
    "  pull    copy an image (from a registry) into an OCI layout, every blob verified\n"
    "  sign    sign an image in a registry (cosign's format)\n"
    "  verify  verify an image's cosign signatures under a public key\n"
    "  attest  attach a signed SBOM attestation (in-toto, DSSE) to an image\n"
    "  verify-attestation  verify an image's attestations of a predicate type\n"
    "  serve   watch what was let through: registry webhooks, re-matching, alerts\n"
    "  run     the whole gate in one process: (build ->) SBOM -> scan -> policy ->\n"
    "          push by digest -> sign + attest -> tag, with an artifacts folder\n"
    "  audit   check a run's hash-chained audit log and artifacts (audit verify DIR)\n"
    "\n"
    "Images: docker-archive:PATH, oci:DIR[:TAG], oci-archive:PATH[:TAG],\n"
    "dir:PATH, docker://HOST/REPO[:TAG|@DIGEST] (a registry), or a plain path\n"
    "(detected).\n"
    "\n"
    "Exit codes: 0 success, 1 denied (policy deny, findings with --exit-code,\n"
    "push refused by --require-decision, nothing verified), 2 usage error,\n"
    "3 bad input, 4 registry or network error, 5 internal error.\n"
    "\n"
    "Run 'cgate COMMAND --help' for a command's options.\n";

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
} commands[] = {
    {"sbom", cmd_sbom},     {"db", cmd_db},         {"scan", cmd_scan},
    {"policy", cmd_policy}, {"keygen", cmd_keygen}, {"push", cmd_push},
    {"pull", cmd_pull},     {"lint", cmd_lint},     {"eval", cmd_eval},
    {"test", cmd_test},
    {"sign", cmd_sign},     {"verify", cmd_verify}, {"attest", cmd_attest},
    {"verify-attestation", cmd_verify_attestation},
    {"serve", cmd_serve},
    {"run", cmd_run},       {"audit", cmd_audit},
};

static int (*find(const char *name))(int, char **)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(commands[i].name, name))
            return commands[i].run;
    return NULL;
}

static void *json_malloc_or_exit(size_t n)
{
    void *p = malloc(n);
    if (!p) {
        static const char msg[] = "cgate: out of memory\n";
        if (write(2, msg, sizeof msg - 1) < 0)
            _exit(5);
        _exit(5);
    }
    return p;
}

/* SQLite's allocations, counted like libcgate's own (core/oom.h). */
static void *sq_malloc(int n)
{
    return n > 0 ? cg_oom_malloc((size_t)n) : NULL;
}
static void sq_free(void *p)
{
    free(p);
}
static void *sq_realloc(void *p, int n)
{
    void *q = realloc(p, n > 0 ? (size_t)n : 1);
    if (!q)
        cg_oom_note();
    return q;
}
static int sq_size(void *p)
{
    return p ? (int)malloc_usable_size(p) : 0;
}
static int sq_roundup(int n)
{
    return (n + 7) & ~7;
}
static int sq_init(void *ud)
{
    (void)ud;
    return SQLITE_OK;
}
static void sq_shutdown(void *ud)
{
    (void)ud;
}

/* OpenSSL 3 sets up its provider store on the first fetch and does not survive an
 * allocation failure there (a NULL lock): fetch SHA-256 once at start-up. */
static int warm_up_digests(void)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_MD *sha = EVP_MD_fetch(NULL, "SHA256", NULL);
    int ok = sha && EVP_Digest("", 0, md, &n, sha, NULL);
    EVP_MD_free(sha);
    return ok;
}

/* Some libraries end the process themselves when an allocation fails
 * (libarchive 3.6: "Fatal Internal Error in libarchive: No memory", exit 1,
 * which would read as a policy deny).  main() clears this flag when it
 * returns; an exit() from anywhere else is a library giving up: exit 5 with
 * one line of ours.  cgate itself never calls exit(). */
static volatile int g_main_returned;

static void library_exit_guard(void)
{
    if (g_main_returned)
        return;
    static const char msg[] = "cgate: out of memory (a library ended the process); nothing was written\n";
    if (write(2, msg, sizeof msg - 1) < 0)
        _exit(5);
    _exit(5);
}

static int cli_main(int argc, char **argv);

int main(int argc, char **argv)
{
    if (atexit(library_exit_guard) != 0) {
        fputs("cgate: out of memory while starting\n", stderr);
        return 5;
    }
    int rc = cli_main(argc, argv);
    g_main_returned = 1;
    return rc;
}

static int cli_main(int argc, char **argv)
{
    /* jansson 2.14 does not survive a failed allocation inside its parser (it
     * crashes: tests/integration/test_alloc_failure.sh found it), so the CLI's
     * jansson allocator ends the run cleanly instead: exit 5, one line.  Outputs
     * are written whole from finished buffers, so nothing partial is left. */
    json_set_alloc_funcs(json_malloc_or_exit, free);
    /* the libraries' one-time set-up, done here rather than lazily mid-command:
     * it is not theirs to fail gracefully, and allocation-failure tests start
     * counting after it (tests/tools/failalloc.c arms on this getenv) */
    static const sqlite3_mem_methods sq_mem = {sq_malloc, sq_free, sq_realloc, sq_size, sq_roundup,
                                               sq_init, sq_shutdown, NULL};
    sqlite3_config(SQLITE_CONFIG_MALLOC, &sq_mem);
    if (!OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CRYPTO_STRINGS | OPENSSL_INIT_ADD_ALL_CIPHERS |
                                 OPENSSL_INIT_ADD_ALL_DIGESTS, NULL) ||
        sqlite3_initialize() != SQLITE_OK || !warm_up_digests()) {
        fputs("cgate: out of memory while starting\n", stderr);
        return 5;
    }
    (void)getenv("CG_FAILALLOC_ARM");
    if (argc < 2) {
        fputs(usage, stderr);
        return CLI_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        if (argc > 2 && !strcmp(cmd, "help")) {
            char *sub[] = {argv[2], "--help", NULL};
            int (*run)(int, char **) = find(argv[2]);
            if (run)
                return run(2, sub);
            fprintf(stderr, "cgate: unknown command \"%s\" (see 'cgate --help')\n", argv[2]);
            return CLI_EXIT_USAGE;
        }
        fputs(usage, stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V") || !strcmp(cmd, "version")) {
        printf("cgate %s (git %s)\n", CGATE_VERSION, CGATE_GIT_REVISION);
        return 0;
    }
    int (*run)(int, char **) = find(cmd);
    if (run)
        return run(argc - 1, argv + 1);
    fprintf(stderr, "cgate: unknown command \"%s\" (see 'cgate --help')\n", cmd);
    return CLI_EXIT_USAGE;
}

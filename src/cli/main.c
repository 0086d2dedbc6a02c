/*
 * main.c - the cgate command: global options and dispatch to cmd_*.c.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

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
    "  policy  decide pass or deny for a vulnerability report (exit 0 / 1)\n"
    "  keygen  write a cosign-compatible key pair (cosign.key, cosign.pub)\n"
    "  push    copy an image to a registry: blobs, manifest by digest, tag last\n"
    "  pull    copy an image (from a registry) into an OCI layout, every blob verified\n"
    "  sign    sign an image in a registry (cosign's format)\n"
    "  verify  verify an image's cosign signatures under a public key\n"
    "  attest  attach a signed SBOM attestation (in-toto, DSSE) to an image\n"
    "  verify-attestation  verify an image's attestations of a predicate type\n"
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
    {"pull", cmd_pull},
    {"sign", cmd_sign},     {"verify", cmd_verify}, {"attest", cmd_attest},
    {"verify-attestation", cmd_verify_attestation},
    {"run", cmd_run},       {"audit", cmd_audit},
};

static int (*find(const char *name))(int, char **)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(commands[i].name, name))
            return commands[i].run;
    return NULL;
}

int main(int argc, char **argv)
{
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
        printf("cgate %s\n", CGATE_VERSION);
        return 0;
    }
    int (*run)(int, char **) = find(cmd);
    if (run)
        return run(argc - 1, argv + 1);
    fprintf(stderr, "cgate: unknown command \"%s\" (see 'cgate --help')\n", cmd);
    return CLI_EXIT_USAGE;
}

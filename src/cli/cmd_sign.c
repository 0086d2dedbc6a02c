/*
 * cmd_sign.c - `cgate sign`, `verify`, `attest` and `verify-attestation`:
 * cosign-compatible signatures and SBOM attestations of an image in a
 * registry (cosign's tag storage: sha256-HEX.sig / .att in the image's own
 * repository).  A reference is resolved to a digest once, by hashing the
 * manifest the registry serves, and only that digest is used afterwards.
 * The work is the library's (cgate/attach.h); this file parses options,
 * loads keys and prints.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgate/attach.h"
#include "cli/cli.h"
#include "core/readfile.h"

/* A predicate is base64-encoded into an envelope capped at CG_ATTEST_MAX_ENVELOPE. */
#define MAX_PREDICATE ((CG_ATTEST_MAX_ENVELOPE / 4u) * 3u - 64u * 1024u)

static const char common_options[] =
    "      --recursive[=BOOL]  when REF is a multi-platform index: also every\n"
    "                          manifest it lists (each platform's image,\n"
    "                          attestation manifests, nested indexes), each\n"
    "                          under its own digest, as cosign's --recursive\n"
    "  -q, --quiet             nothing on stderr but errors\n"
    "  -h, --help              this help\n";

static const char sign_usage[] =
    "usage: cgate sign --key KEY [OPTIONS] REF\n"
    "\n"
    "Sign the image REF (docker://HOST/REPO:TAG or @sha256:...) with a cosign\n"
    "key: a simple-signing payload naming the manifest digest, signed with\n"
    "ECDSA P-256, appended as one layer to HOST/REPO:sha256-HEX.sig (cosign's\n"
    "format; `cosign verify --key` accepts it).  A tag is resolved to its\n"
    "digest once.  A signature this key already made over the same payload is\n"
    "not added again.  Prints the signature manifest's reference on stdout.\n"
    "\n"
    "Options:\n"
    "  -k, --key KEY           private key: cosign.key (password from\n"
    "                          COSIGN_PASSWORD or the terminal), a PKCS#8/SEC1\n"
    "                          PEM, or env://VAR\n"
    "  -a, --annotation K=V    add K=V to the payload's \"optional\" (repeatable)\n";

static const char verify_usage[] =
    "usage: cgate verify --key PUB [OPTIONS] REF\n"
    "\n"
    "Verify cosign signatures of the image REF: REF is resolved to a digest\n"
    "once; verification succeeds only when some signature under\n"
    "HOST/REPO:sha256-HEX.sig verifies under PUB AND its payload names exactly\n"
    "that digest.  Prints the verified payloads as a JSON array.\n"
    "\n"
    "Options:\n"
    "  -k, --key PUB           public key (PEM \"PUBLIC KEY\", cosign.pub) or env://VAR\n"
    "  -a, --annotation K=V    count only signatures whose payload has K=V in\n"
    "                          \"optional\" (repeatable: all must be there)\n"
    "  -o, --output FILE       write the JSON there instead of stdout\n";

static const char attest_usage[] =
    "usage: cgate attest --key KEY --predicate FILE --type TYPE [OPTIONS] REF\n"
    "\n"
    "Attach a signed attestation to the image REF: an in-toto statement whose\n"
    "subject is the manifest digest and whose predicate is FILE (an SBOM from\n"
    "`cgate sbom`), in a DSSE envelope signed with KEY, appended as one layer\n"
    "to HOST/REPO:sha256-HEX.att (cosign's format).  Prints the attestation\n"
    "manifest's reference on stdout.\n"
    "\n"
    "Options:\n"
    "  -k, --key KEY           private key (as for `cgate sign`)\n"
    "  -p, --predicate FILE    the predicate: a file holding a JSON object\n"
    "  -t, --type TYPE         cyclonedx, spdxjson, or a predicate type URI\n";

static const char verify_att_usage[] =
    "usage: cgate verify-attestation --key PUB --type TYPE [OPTIONS] REF\n"
    "\n"
    "Verify attestations of the image REF: REF is resolved to a digest once;\n"
    "verification succeeds only for an attestation under\n"
    "HOST/REPO:sha256-HEX.att whose DSSE signature verifies under PUB, whose\n"
    "SIGNED statement has predicate type TYPE and a subject with that digest.\n"
    "Prints the verified statements as a JSON array.\n"
    "\n"
    "Options:\n"
    "  -k, --key PUB           public key (PEM \"PUBLIC KEY\") or env://VAR\n"
    "  -t, --type TYPE         cyclonedx, spdxjson, or a predicate type URI\n"
    "  -o, --output FILE       write the JSON there instead of stdout\n";

static const char sign_exits[] =
    "\n"
    "Exit codes: 0 done, 2 usage error, 3 bad input (key, password, predicate),\n"
    "4 registry or network error (also a signature tag holding something that\n"
    "is not a cosign manifest, or is full), 5 internal error.\n";

static const char verify_exits[] =
    "\n"
    "Exit codes: 0 verified, 1 nothing verified (no signatures, wrong key,\n"
    "another digest, a malformed or oversized signature manifest), 2 usage\n"
    "error, 3 bad input (key), 4 registry or network error, 5 internal error.\n";

enum { SIGN, VERIFY, ATTEST, VERIFY_ATT };

typedef struct sign_args {
    const char *cmd;
    int mode;
    const char *key, *predicate, *type, *output;
    cg_annotation ann[CLI_MAX_ANNOTATIONS];
    size_t n_ann;
    cg_registry_opts ro;
    int quiet;
    int recursive;
    const char *ref;
} sign_args;

static void print_usage(int mode)
{
    static const char *const text[] = {sign_usage, verify_usage, attest_usage, verify_att_usage};
    fputs(text[mode], stdout);
    fputs(cli_registry_help, stdout);
    fputs(common_options, stdout);
    fputs(mode == VERIFY || mode == VERIFY_ATT ? verify_exits : sign_exits, stdout);
}

static int parse(int argc, char **argv, sign_args *a)
{
    static const struct option longopts[] = {
        {"key", required_argument, NULL, 'k'},
        {"annotation", required_argument, NULL, 'a'},
        {"predicate", required_argument, NULL, 'p'},
        {"type", required_argument, NULL, 't'},
        {"output", required_argument, NULL, 'o'},
        {"recursive", optional_argument, NULL, 'R'},
        CLI_REGISTRY_LONGOPTS,
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    /* which of the command-specific options each command takes */
    static const char *const allowed[] = {"ka", "kao", "kpt", "kto"};
    int c, rc;
    opterr = 0;
    optind = 1;
    {
        /* environment and configuration only for the options this command takes */
        static struct option mine[4][sizeof longopts / sizeof longopts[0]];
        size_t k = 0;
        for (const struct option *o = longopts; o->name; o++)
            if (!(o->val && strchr("kapto", o->val) && !strchr(allowed[a->mode], o->val)))
                mine[a->mode][k++] = *o;
        memset(&mine[a->mode][k], 0, sizeof mine[a->mode][k]);
        int pre = cli_args(a->cmd, ":k:a:p:t:o:qh", mine[a->mode], &argc, &argv);
        if (pre >= 0)
            return pre ? pre : -1;
    }
    while ((c = getopt_long(argc, argv, ":k:a:p:t:o:qh", longopts, NULL)) != -1) {
        if (c && strchr("kapto", c) && !strchr(allowed[a->mode], c)) {
            const char *name = "?";
            for (const struct option *o = longopts; o->name; o++)
                if (o->val == c)
                    name = o->name;
            return cli_usage_error(a->cmd, "%s does not take --%s", a->cmd, name);
        }
        switch (c) {
        case 'k': a->key = optarg; break;
        case 'a':
            if ((rc = cli_parse_annotation(a->cmd, optarg, a->ann, &a->n_ann)) != 0)
                return rc;
            break;
        case 'p': a->predicate = optarg; break;
        case 't': a->type = optarg; break;
        case 'o': a->output = optarg; break;
        case 'q': a->quiet = 1; break;
        case 'R':
            if ((a->recursive = cli_parse_bool_opt(optarg)) < 0)
                return cli_usage_error(a->cmd, "--recursive takes true or false, not \"%s\"", optarg);
            break;
        case 'h': print_usage(a->mode); return -1;
        case ':': return cli_usage_error(a->cmd, "option %s needs a value", argv[optind - 1]);
        case '?': return cli_unknown_option(a->cmd, argv[optind - 1]);
        default:
            if ((rc = cli_parse_registry_opt(a->cmd, c, optarg, &a->ro)) != 0)
                return rc;
        }
    }
    if (argc - optind != 1)
        return cli_usage_error(a->cmd, "need exactly one image reference REF (got %d arguments)", argc - optind);
    a->ref = argv[optind];
    if (!a->key)
        return cli_usage_error(a->cmd, "--key is required");
    if (a->mode == ATTEST && !a->predicate)
        return cli_usage_error(a->cmd, "--predicate is required");
    if ((a->mode == ATTEST || a->mode == VERIFY_ATT) && !a->type)
        return cli_usage_error(a->cmd, "--type is required (cyclonedx, spdxjson or a URI)");
    if (a->type && !cg_predicate_type_uri(a->type))
        return cli_usage_error(a->cmd, "--type \"%s\" is neither cyclonedx, spdxjson nor an absolute URI", a->type);
    return 0;
}

/* Everything up to the resolved digest: the reference, the key, the client. */
typedef struct sign_job {
    cg_ref ref;
    char refstr[700];
    char digest[CG_REF_DIGEST_MAX];
    cg_sign_key *key;
    cg_registry *reg;
} sign_job;

static cg_status job_open(const sign_args *a, sign_job *j, cg_error *err)
{
    memset(j, 0, sizeof *j);
    cg_status st = cg_ref_parse(a->ref, &j->ref, err);
    if (st == CG_OK)
        st = cli_load_key(a->key, a->mode == SIGN || a->mode == ATTEST, &j->key, err);
    if (st != CG_OK)
        return st;
    cg_ref_format(&j->ref, j->refstr, sizeof j->refstr);
    st = cg_registry_new(&a->ro, &j->reg, err);
    if (st == CG_OK)
        st = cg_registry_resolve(j->reg, &j->ref, j->digest, err);
    if (st != CG_OK && !strstr(err->msg, j->ref.repository))
        cg_error_prefix(err, "%s", j->refstr);
    return st;
}

static void job_close(sign_job *j)
{
    cg_key_free(j->key);
    cg_registry_free(j->reg);
}

/* The manifests to sign or verify: the resolved digest, and with --recursive
 * everything an index lists.  NULL (err set) on failure. */
static cg_attach_set *targets(const sign_args *a, sign_job *j, cg_error *err)
{
    cg_attach_set *set = calloc(1, sizeof *set);
    if (!set) {
        cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        return NULL;
    }
    cg_status st = CG_OK;
    if (a->recursive) {
        st = cg_attach_manifests(j->reg, &j->ref, j->digest, set, err);
    } else {
        set->n = 1;
        snprintf(set->digest[0], sizeof set->digest[0], "%s", j->digest);
    }
    if (st != CG_OK) {
        cg_error_prefix(err, "%s@%s", j->refstr, j->digest);
        free(set);
        return NULL;
    }
    return set;
}

/* " and the N manifests it lists" (static storage: one message at a time). */
static const char *lists_text(size_t n)
{
    static char b[64];
    snprintf(b, sizeof b, " and the %zu manifest%s it lists", n, n == 1 ? "" : "s");
    return b;
}

/* " (linux/arm64 in the index)" for messages about a manifest under an index. */
static const char *under_index(const cg_attach_set *set, size_t i, char *buf, size_t n)
{
    buf[0] = '\0';
    if (i > 0)
        snprintf(buf, n, " (%s in index %s)", set->what[i], set->digest[0]);
    return buf;
}

static int run_attach(const sign_args *a)
{
    cg_error err;
    cg_error_clear(&err);
    sign_job j;
    cg_buf pred = CG_BUF_INIT;
    cg_attach_result res;
    memset(&res, 0, sizeof res);
    cg_status st = CG_OK;
    cg_attach_set *set = NULL;
    /* the predicate is read before anything else: bad input fails first */
    if (a->mode == ATTEST)
        st = cg_read_file(a->predicate, MAX_PREDICATE, "predicate", &pred, &err);
    if (st == CG_OK)
        st = job_open(a, &j, &err);
    else
        memset(&j, 0, sizeof j);
    if (st == CG_OK && !(set = targets(a, &j, &err)))
        st = err.status;
    int rc = 0;
    for (size_t i = 0; st == CG_OK && i < set->n; i++) {
        const char *d = set->digest[i];
        if (a->mode == SIGN)
            st = cg_attach_sign(j.reg, &j.ref, d, j.key, a->ann, a->n_ann, &res, &err);
        else
            st = cg_attach_attest(j.reg, &j.ref, d, j.key, cg_predicate_type_uri(a->type),
                                  (const uint8_t *)(pred.data ? pred.data : ""), pred.len, &res, &err);
        if (st != CG_OK) {
            char where[160];
            if (i > 0)
                cg_error_prefix(&err, "%s@%s%s", j.refstr, d, under_index(set, i, where, sizeof where));
            break;
        }
        printf("%s/%s:%s@%s\n", j.ref.registry, j.ref.repository, res.tag, res.manifest_digest);
        if (!a->quiet) {
            char where[160];
            fprintf(stderr, "%s %s/%s@%s%s: %s (%zu layer%s in %s)\n", a->mode == SIGN ? "signed" : "attested",
                    j.ref.registry, j.ref.repository, d, under_index(set, i, where, sizeof where),
                    res.added                ? "added"
                    : a->mode == SIGN ? "this key had already signed the same payload, nothing added"
                                      : "this key had already attested the same statement, nothing added", res.layers,
                    res.layers == 1 ? "" : "s", res.tag);
        }
    }
    if (st != CG_OK) {
        if (st == CG_ERR_INPUT && a->mode == ATTEST && !strstr(err.msg, a->predicate))
            cg_error_prefix(&err, "%s", a->predicate);
        rc = cli_fail(&err);
    }
    free(set);
    cg_buf_free(&pred);
    job_close(&j);
    return rc;
}

/* Append the elements of the JSON array text arr to out (an array being built). */
static void append_elements(cg_buf *out, const cg_buf *arr)
{
    const char *s = arr->data ? arr->data : "";
    const char *open = strchr(s, '['), *close = strrchr(s, ']');
    if (!open || !close || close <= open)
        return;
    const char *b = open + 1;
    while (b < close && strchr(" \t\r\n", *b))
        b++;
    if (b == close)
        return;
    if (out->len > 1)
        cg_buf_putc(out, ',');
    cg_buf_append(out, b, (size_t)(close - b));
}

static int run_verify(const sign_args *a)
{
    cg_error err;
    cg_error_clear(&err);
    sign_job j;
    cg_verify_result vr;
    cg_verify_result_init(&vr);
    cg_buf all = CG_BUF_INIT;
    const char *pt = a->mode == VERIFY_ATT ? cg_predicate_type_uri(a->type) : NULL;
    cg_attach_set *set = NULL;
    cg_status st = job_open(a, &j, &err);
    if (st == CG_OK && !(set = targets(a, &j, &err)))
        st = err.status;
    int rc = 0;
    size_t verified = 0, checked = 0;
    if (st == CG_OK)
        cg_buf_putc(&all, '[');
    /* every manifest must verify on its own: one that does not fails the whole */
    for (size_t i = 0; st == CG_OK && rc == 0 && i < set->n; i++) {
        const char *d = set->digest[i];
        cg_verify_result_free(&vr);
        cg_verify_result_init(&vr);
        st = a->mode == VERIFY ? cg_attach_verify(j.reg, &j.ref, d, j.key, a->ann, a->n_ann, &vr, &err)
                               : cg_attach_verify_attestation(j.reg, &j.ref, d, pt, j.key, &vr, &err);
        if (st != CG_OK)
            break;
        if (!vr.verified) {
            /* one line: what failed, then why for each layer looked at */
            char why[600], where[160];
            if (vr.checked)
                snprintf(why, sizeof why, " (checked %zu layer%s: %s)", vr.checked, vr.checked == 1 ? "" : "s",
                         vr.reason);
            else
                snprintf(why, sizeof why, "%s%s", vr.reason[0] ? ": " : "", vr.reason);
            cli_error("verification failed: %s/%s@%s%s: %s%s%s", j.ref.registry, j.ref.repository, d,
                      under_index(set, i, where, sizeof where),
                      pt ? "no attestation of type " : "no signature verifies under the key", pt ? pt : "", why);
            rc = 1;
            break;
        }
        verified += vr.verified;
        checked += vr.checked;
        append_elements(&all, &vr.json);
    }
    if (st != CG_OK) {
        rc = cli_fail(&err);
    } else if (rc == 0) {
        cg_buf_puts(&all, "]\n");
        st = cli_write_artifact(a->output, &all, &err);
        if (st != CG_OK)
            rc = cli_fail(&err);
        else if (!a->quiet)
            fprintf(stderr, "verified %s/%s@%s%s: %zu of %zu %s verified under %s\n", j.ref.registry,
                    j.ref.repository, j.digest,
                    set->n > 1 ? lists_text(set->n - 1) : "", verified, checked,
                    pt ? "attestations" : "signatures", a->key);
    }
    free(set);
    cg_buf_free(&all);
    cg_verify_result_free(&vr);
    job_close(&j);
    return rc;
}

static int run(int argc, char **argv, const char *cmd, int mode)
{
    sign_args a;
    memset(&a, 0, sizeof a);
    a.cmd = cmd;
    a.mode = mode;
    int rc = parse(argc, argv, &a);
    if (rc)
        return rc < 0 ? 0 : rc;
    return mode == SIGN || mode == ATTEST ? run_attach(&a) : run_verify(&a);
}

int cmd_sign(int argc, char **argv)
{
    return run(argc, argv, "sign", SIGN);
}

int cmd_verify(int argc, char **argv)
{
    return run(argc, argv, "verify", VERIFY);
}

int cmd_attest(int argc, char **argv)
{
    return run(argc, argv, "attest", ATTEST);
}

int cmd_verify_attestation(int argc, char **argv)
{
    return run(argc, argv, "verify-attestation", VERIFY_ATT);
}

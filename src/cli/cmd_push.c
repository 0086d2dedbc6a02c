/*
 * cmd_push.c - `cgate push IMAGE REF`: copy an image from any transport to a
 * registry, blobs first (each HEAD-checked, mounted or uploaded), the
 * manifest by digest, then the tag.  A multi-platform source without
 * --platform is pushed whole: every platform, then the index, then the tag.
 * With --require-decision the push only starts when `cgate policy`
 * decisions passed for exactly this image (each platform's, or the index).
 * The library does the work (cgate/copy.h, cgate/decision.h); this file
 * parses options, opens the image and prints.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgate/attach.h"
#include "cgate/copy.h"
#include "cgate/decision.h"
#include "cgate/image.h"
#include "cgate/registry.h"
#include "cli/cli.h"
#include "core/readfile.h"

static const char push_usage[] =
    "usage: cgate push [OPTIONS] IMAGE REF\n"
    "\n"
    "Copy IMAGE to the registry reference REF (docker://HOST/REPO:TAG or\n"
    "HOST/REPO:TAG): every blob is checked with HEAD first and only missing ones\n"
    "are uploaded (or mounted from the source repository on the same registry);\n"
    "the manifest is pushed by digest, and the tag is set last, so a tag never\n"
    "names a half-pushed image.  Prints the manifest digest on stdout.\n"
    "\n"
    "A multi-platform IMAGE (an OCI image index or Docker manifest list) is\n"
    "pushed whole unless --platform is given: every platform's image and every\n"
    "attestation manifest in it, then the index itself with its own bytes (so\n"
    "its digest is the source's), then the tag.  Prints the index digest, and\n"
    "--sign-key signs the index and every manifest it lists (--recursive=false:\n"
    "the index only).  An index that contains another index is refused.\n"
    "\n"
    "IMAGE: docker-archive:PATH, oci:DIR[:TAG], oci-archive:PATH[:TAG],\n"
    "docker://HOST/REPO[:TAG|@DIGEST], or a path (detected).\n"
    "\n"
    "Options:\n"
    "      --require-decision FILE  push only if FILE (`cgate policy` output) has\n"
    "                          \"pass\": true and names this image's digest;\n"
    "                          repeatable: every FILE must pass and name one of\n"
    "                          the images pushed, and for an index each\n"
    "                          platform's image must be named by one (or one\n"
    "                          FILE names the index digest)\n"
    "      --sign-key KEY      after the manifest, before the tag: sign the pushed\n"
    "                          digest (as `cgate sign --key KEY`)\n"
    "      --annotation K=V    with --sign-key: K=V in the payload's \"optional\"\n"
    "      --attest FILE       with --sign-key: also attach FILE (an SBOM) as a\n"
    "                          signed attestation (as `cgate attest`)\n"
    "      --attest-type TYPE  cyclonedx (default), spdxjson, or a URI\n"
    "      --recursive[=BOOL]  with --sign-key and an index: also sign (and\n"
    "                          attest) each manifest it lists, as `cgate sign\n"
    "                          --recursive` (default true; false: the index only)\n"
    "      --creds USER:PASS   registry credentials (else REGISTRY_AUTH_FILE,\n"
    "                          then ~/.docker/config.json and its helpers)\n"
    "      --authfile FILE     read credentials from this auth file\n"
    "      --src-creds USER:PASS  credentials for a docker:// IMAGE (--creds are\n"
    "                          only ever sent to REF's registry)\n"
    "      --insecure          allow plain HTTP and unverified TLS for the\n"
    "                          registries named (never for redirect targets;\n"
    "                          loopback hosts use plain HTTP anyway)\n"
    "      --platform P        push only this OS/ARCH[/VARIANT] of a multi-platform\n"
    "                          source (default: the whole index)\n"
    "      --chunk-size N      upload blobs over N bytes in PATCH chunks (default 64M)\n"
    "      --timeout SECONDS   cap on each token, manifest and HEAD request (default 60)\n"
    "      --retries N         retries on 429, 5xx and connection faults (default 3)\n"
    "  -q, --quiet             only the digest on stdout\n"
    "  -h, --help              this help\n"
    "\n"
    "The key is loaded (and its password asked) and the predicate read before\n"
    "anything is pushed; a failure to sign or attest leaves the tag unset.\n"
    "\n"
    "Exit codes: 0 pushed, 1 refused by --require-decision, 2 usage error,\n"
    "3 bad input (image, decision file, key, predicate), 4 registry or network\n"
    "error, 5 internal.\n";

/* --sign-key / --attest: what the before-tag hook does. */
typedef struct push_signing {
    cg_sign_key *key;
    cg_annotation ann[CLI_MAX_ANNOTATIONS];
    size_t n_ann;
    const char *attest_type; /* a URI */
    cg_buf predicate;
    int attest, quiet;
    int recursive;
} push_signing;

static cg_status sign_one(push_signing *ps, cg_registry *r, const cg_ref *dest, const char *digest, const char *what,
                          cg_error *err)
{
    cg_attach_result res;
    char where[120] = "";
    if (what && *what)
        snprintf(where, sizeof where, " (%s)", what);
    cg_status st = cg_attach_sign(r, dest, digest, ps->key, ps->ann, ps->n_ann, &res, err);
    if (st == CG_OK && !ps->quiet)
        fprintf(stderr, "signed %s/%s@%s%s (%s:%s)\n", dest->registry, dest->repository, digest, where, res.tag,
                res.added ? "added" : "already signed by this key");
    if (st == CG_OK && ps->attest) {
        st = cg_attach_attest(r, dest, digest, ps->key, ps->attest_type, (const uint8_t *)cg_buf_str(&ps->predicate),
                              ps->predicate.len, &res, err);
        if (st == CG_OK && !ps->quiet)
            fprintf(stderr, "attested %s/%s@%s%s (%s:%s)\n", dest->registry, dest->repository, digest, where, res.tag,
                    res.added ? "added" : "already attested by this key");
    }
    if (st != CG_OK && what && *what)
        cg_error_prefix(err, "%s@%s%s", dest->repository, digest, where);
    return st;
}

static cg_status sign_before_tag(void *ud, cg_registry *r, const cg_ref *dest, const char *digest, cg_error *err)
{
    push_signing *ps = ud;
    cg_status st;
    if (!ps->recursive) {
        st = sign_one(ps, r, dest, digest, NULL, err);
    } else {
        /* the index first, then each manifest it lists, as the registry now serves them */
        cg_attach_set *set = calloc(1, sizeof *set);
        st = set ? cg_attach_manifests(r, dest, digest, set, err) : cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        for (size_t i = 0; st == CG_OK && i < set->n; i++)
            st = sign_one(ps, r, dest, set->digest[i], set->what[i], err);
        free(set);
    }
    return st == CG_OK ? CG_OK : cg_error_prefix(err, "%s, the tag was not set", ps->attest ? "signing or attesting" : "signing");
}

#define MAX_DECISIONS 64

/* --require-decision: the library's gate (cgate/decision.h), for one image
 * or, for an index pushed whole, each platform's image (opened here: the
 * decisions may name their manifest or config digests).  0 = allowed; 1 =
 * refused (printed); else an exit code for bad input. */
static int check_decisions(const char *const *paths, size_t n, cg_image *img, const char *digest, cg_image_index *idx)
{
    cg_error err;
    cg_error_clear(&err);
    cg_buf why = CG_BUF_INIT;
    int allowed = 0;
    cg_status st = CG_OK;
    if (!idx) {
        st = cg_decision_gate_image(paths, n, digest, cg_image_get_info(img)->config_digest, &allowed, &why, &err);
    } else {
        const cg_index_info *xi = cg_image_index_get_info(idx);
        cg_image **imgs = calloc(xi->n_entries, sizeof *imgs);
        cg_gate_platform *p = calloc(xi->n_entries + 1, sizeof *p);
        size_t np = 0;
        if (!imgs || !p)
            st = cg_error_set(&err, CG_ERR_NOMEM, "out of memory");
        for (size_t i = 0; st == CG_OK && i < xi->n_entries; i++) {
            if (xi->entries[i].kind != CG_INDEX_IMAGE)
                continue;
            st = cg_image_index_open_image(idx, i, &imgs[i], &err);
            if (st == CG_OK) {
                const cg_image_info *in = cg_image_get_info(imgs[i]);
                p[np++] = (cg_gate_platform){xi->entries[i].platform, in->manifest_digest, in->config_digest};
            }
        }
        if (st == CG_OK)
            st = cg_decision_gate_index(paths, n, xi->digest, p, np, &allowed, &why, &err);
        for (size_t i = 0; imgs && i < xi->n_entries; i++)
            cg_image_close(imgs[i]);
        free(imgs);
        free(p);
    }
    int rc = 0;
    if (st != CG_OK)
        rc = cli_fail(&err);
    else if (!allowed) {
        cli_error("push refused: %s", cg_buf_str(&why));
        rc = 1;
    }
    cg_buf_free(&why);
    return rc;
}

int cmd_push(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"require-decision", required_argument, NULL, 'D'},
        {"sign-key", required_argument, NULL, 'S'},
        {"annotation", required_argument, NULL, 'a'},
        {"attest", required_argument, NULL, 'E'},
        {"attest-type", required_argument, NULL, 'y'},
        {"recursive", optional_argument, NULL, 'R'},
        {"platform", required_argument, NULL, 'P'},
        {"chunk-size", required_argument, NULL, 'K'},
        CLI_REGISTRY_LONGOPTS,
        {"src-creds", required_argument, NULL, 'U'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *src_creds = NULL;
    const char *decisions[MAX_DECISIONS];
    size_t n_decisions = 0;
    const char *sign_key = NULL, *attest = NULL, *attest_type = NULL;
    push_signing ps;
    memset(&ps, 0, sizeof ps);
    cg_registry_opts ro;
    memset(&ro, 0, sizeof ro);
    cg_image_opts io;
    memset(&io, 0, sizeof io);
    int quiet = 0, c, recursive = -1; /* -1: not given (true for an index) */
    opterr = 0;
    optind = 1;
    {
        int pre = cli_args("push", ":a:qh", longopts, &argc, &argv);
        if (pre >= 0)
            return pre;
    }
    while ((c = getopt_long(argc, argv, ":a:qh", longopts, NULL)) != -1) {
        int v;
        switch (c) {
        case 'D':
            if (n_decisions == MAX_DECISIONS)
                return cli_usage_error("push", "at most %d --require-decision files", MAX_DECISIONS);
            decisions[n_decisions++] = optarg;
            break;
        case 'S': sign_key = optarg; break;
        case 'a':
            if (cli_parse_annotation("push", optarg, ps.ann, &ps.n_ann))
                return CLI_EXIT_USAGE;
            break;
        case 'E': attest = optarg; break;
        case 'y': attest_type = optarg; break;
        case 'R':
            if ((recursive = cli_parse_bool_opt(optarg)) < 0)
                return cli_usage_error("push", "--recursive takes true or false, not \"%s\"", optarg);
            break;
        case 'P': io.platform = optarg; break;
        case 'U':
            if (!strchr(optarg, ':'))
                return cli_usage_error("push", "--src-creds must be USER:PASSWORD");
            src_creds = optarg;
            break;
        case 'K':
            if (cli_parse_size(optarg, &ro.chunk_bytes) || ro.chunk_bytes < 1024)
                return cli_usage_error("push", "--chunk-size: invalid size \"%s\" (at least 1K)", optarg);
            break;
        case 'q': quiet = 1; break;
        case 'h': fputs(push_usage, stdout); return 0;
        case ':': return cli_usage_error("push", "option %s needs a value", argv[optind - 1]);
        case '?': return cli_unknown_option("push", argv[optind - 1]);
        default:
            if ((v = cli_parse_registry_opt("push", c, optarg, &ro)) != 0)
                return v;
        }
    }
    if (argc - optind != 2)
        return cli_usage_error("push", "need IMAGE and REF (got %d argument%s)", argc - optind, argc - optind == 1 ? "" : "s");
    if (!sign_key && (attest || attest_type || ps.n_ann || recursive >= 0))
        return cli_usage_error("push", "--attest, --attest-type, --annotation and --recursive need --sign-key");
    if (attest_type && !attest)
        return cli_usage_error("push", "--attest-type needs --attest FILE");
    ps.attest_type = cg_predicate_type_uri(attest_type ? attest_type : "cyclonedx");
    if (!ps.attest_type)
        return cli_usage_error("push", "--attest-type \"%s\" is neither cyclonedx, spdxjson nor an absolute URI", attest_type);
    const char *src = argv[optind], *dst = argv[optind + 1];
    cg_registry_opts src_ro = ro; /* a docker:// source: the same client options, its own credentials */
    src_ro.creds = src_creds;
    io.registry = &src_ro;
    cg_error err;
    cg_error_clear(&err);
    cg_ref dest;
    if (cg_ref_parse(dst, &dest, &err) != CG_OK)
        return cli_fail(&err);
    cg_image *img = NULL;
    cg_image_index *idx = NULL; /* a multi-platform source pushed whole (no --platform) */
    cg_registry *r = NULL;
    cg_status st = io.platform ? cg_image_open(src, &io, &img, &err) : cg_image_open_index(src, &io, &idx, &img, &err);
    char digest[CG_REF_DIGEST_MAX] = "";
    if (st == CG_OK && idx)
        snprintf(digest, sizeof digest, "%s", cg_image_index_get_info(idx)->digest);
    else if (st == CG_OK)
        st = cg_copy_manifest_digest(img, digest, &err);
    if (st != CG_OK) {
        cg_image_close(img);
        cg_image_index_close(idx);
        return cli_fail(&err);
    }
    if (dest.digest[0] && strcmp(dest.digest, digest)) {
        cg_image_close(img);
        cg_image_index_close(idx);
        return cli_usage_error("push", "%s names digest %s, but the image's %s is %s", dst, dest.digest,
                               idx ? "index" : "manifest", digest);
    }
    int rc = n_decisions ? check_decisions(decisions, n_decisions, img, digest, idx) : 0;
    if (rc) {
        cg_image_close(img);
        cg_image_index_close(idx);
        return rc;
    }
    if (sign_key) {
        ps.quiet = quiet;
        ps.attest = attest != NULL;
        ps.recursive = idx != NULL && recursive != 0; /* a single image lists nothing */
        st = attest ? cg_read_file(attest, (CG_ATTEST_MAX_ENVELOPE / 4u) * 3u - 65536u, "predicate", &ps.predicate, &err)
                    : CG_OK;
        if (st == CG_OK)
            st = cli_load_key(sign_key, 1, &ps.key, &err);
        if (st != CG_OK) {
            cg_image_close(img);
            cg_image_index_close(idx);
            cg_buf_free(&ps.predicate);
            return cli_fail(&err);
        }
    }
    cli_xfer xfer;
    cli_xfer_init(&xfer, "pushing", quiet);
    ro.progress = cli_xfer_cb;
    ro.progress_ud = &xfer;
    st = cg_registry_new(&ro, &r, &err);
    cg_push_result res;
    memset(&res, 0, sizeof res);
    cg_push_opts po = {sign_key ? sign_before_tag : NULL, &ps};
    if (st == CG_OK)
        st = idx ? cg_copy_push_index(r, idx, &dest, &po, &res, &err) : cg_copy_push_image(r, img, &dest, &po, &res, &err);
    cli_xfer_done(&xfer);
    if (st != CG_OK) {
        char rb[700];
        if (!strstr(err.msg, dest.repository))
            cg_error_prefix(&err, "push to %s", cg_ref_format(&dest, rb, sizeof rb));
        rc = cli_fail(&err);
    } else {
        printf("%s\n", res.digest);
        if (!quiet) {
            char rb[700], what[160] = "";
            if (res.is_index)
                snprintf(what, sizeof what, "index of %zu platform image%s and %zu attestation/artifact manifest%s, ",
                         res.platforms, res.platforms == 1 ? "" : "s", res.artifacts, res.artifacts == 1 ? "" : "s");
            fprintf(stderr, "pushed %s@%s: %s%zu blobs (%zu uploaded, %zu already there, %zu mounted), %llu bytes sent\n",
                    cg_ref_format(&dest, rb, sizeof rb), res.digest, what, res.blobs, res.uploaded, res.skipped, res.mounted,
                    (unsigned long long)res.bytes_uploaded);
        }
    }
    cg_registry_free(r);
    cg_image_close(img);
    cg_image_index_close(idx);
    cg_key_free(ps.key);
    cg_buf_free(&ps.predicate);
    return rc;
}

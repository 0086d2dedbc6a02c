/*
 * cmd_run.c - `cgate run SOURCE --to REF --policy P --key K`: the whole gate
 * in one process (cgate/pipeline.h does the work).  This file parses the
 * options - each keeps the name it has in the stand-alone command (scan's
 * --db, --db-max-age, --severity; policy's --exceptions, --vex, --context;
 * push's registry options) - prints each stage's progress on stderr, the
 * blocked findings and remediation on a deny, and the pushed digest on
 * stdout on a pass.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cgate/pipeline.h"
#include "cgate/runtime.h"
#include "cgate/scan.h"
#include "cli/cli.h"
#include "core/http.h"

static const char run_usage[] =
    "usage: cgate run [OPTIONS] IMAGE --to REF --policy FILE --key KEY\n"
    "       cgate run [OPTIONS] --dockerfile FILE --to REF --policy FILE --key KEY\n"
    "\n"
    "The whole gate in one process: SBOM -> scan -> policy, and on pass: push by\n"
    "digest -> sign (the decision's sha256 in the annotation dev.cgate.decision)\n"
    "-> attest the SBOM -> set the tag, last.  On deny nothing is pushed (exit 1).\n"
    "Every stage writes its artifact into the artifacts folder and one record to\n"
    "its hash-chained audit.jsonl (check it with `cgate audit verify DIR`).\n"
    "\n"
    "IMAGE is any image cgate reads (oci:DIR[:TAG], docker-archive:PATH, ...);\n"
    "or build it first with --dockerfile (buildah, --isolation chroot, a private\n"
    "storage root in the artifacts folder, --timestamp $SOURCE_DATE_EPOCH).\n"
    "\n"
    "Options:\n"
    "      --to REF            push to HOST/REPO:TAG (required unless --dry-run)\n"
    "  -p, --policy FILE       the policy (as `cgate policy`); required\n"
    "      --key KEY           the cosign private key (path or env://VAR; its\n"
    "                          password from COSIGN_PASSWORD or the terminal)\n"
    "      --artifacts DIR     the artifacts folder (default\n"
    "                          ./cgate-artifacts/sha256-HEX of the image's digest)\n"
    "      --dry-run           stop after the decision (no --to or --key needed)\n"
    "      --attest-spdx       attest the SPDX SBOM too (CycloneDX always)\n"
    "  build:\n"
    "      --dockerfile FILE   build the image from FILE with buildah first\n"
    "      --build-context DIR the build context (default FILE's folder)\n"
    "      --build-arg K=V     a build argument (repeatable)\n"
    "  scan (as `cgate scan`):\n"
    "      --db FILE           the vulnerability DB (default $CGATE_DB, else\n"
    "                          $XDG_CACHE_HOME/cgate/db.sqlite)\n"
    "      --db-max-age DUR    fail (exit 3) when the DB is older than DUR (7d, 36h)\n"
    "      --severity LIST     keep only these severities\n"
    "      --ignore-unfixed    drop findings without a fixed version\n"
    "      --pkg-types LIST    os, library or both\n"
    "      --now TIME          the current time, RFC 3339 or epoch seconds (DB age,\n"
    "                          the report's CreatedAt, the date exceptions expire on)\n"
    "      --platform P        OS/ARCH[/VARIANT] in a multi-platform source\n"
    "      --runtime-evidence F  Falco JSON lines, an strace log or a path list\n"
    "                          taken from this image (repeatable; docs/runtime.md)\n"
    "      --vex-out           with --runtime-evidence: write vex.json (OpenVEX,\n"
    "                          never-loaded packages) into the artifacts folder\n"
    "  policy (as `cgate policy`):\n"
    "      --exceptions FILE   more exceptions\n"
    "      --vex FILE          an OpenVEX or CycloneDX VEX document (repeatable)\n"
    "      --context PATH      Kubernetes manifests, a file or folder (repeatable)\n"
    "  monitoring:\n"
    "      --report-to URL     then POST the SBOM, report and decision to a `cgate serve`\n"
    "                          at URL (https, or http to a loopback host; it watches\n"
    "                          the image from then on)\n"
    "      --report-token-file F  the bearer token for --report-to (first line of F)\n";
static const char run_usage_tail[] =
    "  -q, --quiet             only the result on stdout, errors on stderr\n"
    "  -h, --help              this help\n"
    "\n"
    "Exit codes: 0 pushed, signed, attested and tagged (or passed, --dry-run);\n"
    "1 denied by the policy (nothing pushed); 2 usage error; 3 bad input (a build\n"
    "that fails, an image, a DB missing or older than --db-max-age, a policy,\n"
    "a key or its password); 4 registry or network error; 5 internal error.\n"
    "A failure names its stage; the artifacts written so far and the audit log\n"
    "(recording the failure) stay; the tag is never set.\n";

#define MAX_MULTI 256

typedef struct run_cli {
    int quiet;
} run_cli;

static void on_note(void *ud, const char *stage, const char *msg)
{
    const run_cli *rc = ud;
    if (!rc->quiet)
        fprintf(stderr, "run: %-6s %s\n", stage, msg);
}

static int date_of(int64_t t, char out[40])
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || tm.tm_year + 1900 > 9999)
        return -1;
    snprintf(out, 40, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    return 0;
}

int cmd_run(int argc, char **argv)
{
    enum { O_TO = 0x2000, O_KEY, O_ART, O_DRY, O_SPDX, O_DF, O_BCTX, O_BARG, O_DB, O_MAXAGE, O_SEV, O_UNFIXED, O_PKG,
           O_NOW, O_PLAT, O_EXC, O_VEX, O_CTX, O_RT, O_VEXOUT, O_REPTO, O_REPTOK };
    static const struct option longopts[] = {
        {"to", required_argument, NULL, O_TO},
        {"policy", required_argument, NULL, 'p'},
        {"key", required_argument, NULL, O_KEY},
        {"artifacts", required_argument, NULL, O_ART},
        {"dry-run", no_argument, NULL, O_DRY},
        {"attest-spdx", no_argument, NULL, O_SPDX},
        {"dockerfile", required_argument, NULL, O_DF},
        {"build-context", required_argument, NULL, O_BCTX},
        {"build-arg", required_argument, NULL, O_BARG},
        {"db", required_argument, NULL, O_DB},
        {"db-max-age", required_argument, NULL, O_MAXAGE},
        {"severity", required_argument, NULL, O_SEV},
        {"ignore-unfixed", no_argument, NULL, O_UNFIXED},
        {"pkg-types", required_argument, NULL, O_PKG},
        {"now", required_argument, NULL, O_NOW},
        {"platform", required_argument, NULL, O_PLAT},
        {"exceptions", required_argument, NULL, O_EXC},
        {"vex", required_argument, NULL, O_VEX},
        {"context", required_argument, NULL, O_CTX},
        {"runtime-evidence", required_argument, NULL, O_RT},
        {"vex-out", no_argument, NULL, O_VEXOUT},
        {"report-to", required_argument, NULL, O_REPTO},
        {"report-token-file", required_argument, NULL, O_REPTOK},
        CLI_REGISTRY_LONGOPTS,
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    cg_pipeline_opts o;
    memset(&o, 0, sizeof o);
    o.db_max_age = -1;
    o.now = -1;
    cg_registry_opts ro;
    memset(&ro, 0, sizeof ro);
    cg_image_opts io;
    memset(&io, 0, sizeof io);
    io.registry = &ro;
    o.registry = &ro;
    o.image = &io;
    static const char *vex[MAX_MULTI], *ctx[MAX_MULTI], *bargs[MAX_MULTI], *rtf[CG_RT_MAX_FILES];
    run_cli rcli = {0};
    const char *report_to = NULL, *report_token = NULL;
    int c;
    opterr = 0;
    optind = 1;
    {
        int pre = cli_args("run", ":p:qh", longopts, &argc, &argv);
        if (pre >= 0)
            return pre;
    }
    while ((c = getopt_long(argc, argv, ":p:qh", longopts, NULL)) != -1) {
        int v;
        switch (c) {
        case O_TO: o.to = optarg; break;
        case 'p': o.policy = optarg; break;
        case O_KEY: o.key = optarg; break;
        case O_ART: o.artifacts = optarg; break;
        case O_DRY: o.dry_run = 1; break;
        case O_SPDX: o.attest_spdx = 1; break;
        case O_DF: o.dockerfile = optarg; break;
        case O_BCTX: o.build_context = optarg; break;
        case O_BARG:
            if (!strchr(optarg, '=') || optarg[0] == '=')
                return cli_usage_error("run", "--build-arg must be KEY=VALUE (got \"%s\")", optarg);
            if (o.n_build_args >= MAX_MULTI)
                return cli_usage_error("run", "more than %d --build-arg", MAX_MULTI);
            bargs[o.n_build_args++] = optarg;
            break;
        case O_DB: o.db_path = optarg; break;
        case O_MAXAGE:
            if (cli_parse_duration(optarg, &o.db_max_age))
                return cli_usage_error("run", "--db-max-age: \"%s\" is not a duration (90m, 36h, 7d, 2w)", optarg);
            break;
        case O_SEV:
            if (cli_parse_severities(optarg, &o.severities))
                return cli_usage_error("run", "--severity: \"%s\" is not a list of UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL",
                                       optarg);
            break;
        case O_UNFIXED: o.ignore_unfixed = 1; break;
        case O_PKG:
            if (cli_parse_pkg_types(optarg, &o.pkg_types))
                return cli_usage_error("run", "--pkg-types: \"%s\" is not os, library or os,library", optarg);
            break;
        case O_NOW:
            if (cli_parse_time(optarg, &o.now))
                return cli_usage_error("run", "--now: \"%s\" is not RFC 3339 (2025-01-02T03:04:05Z) or seconds", optarg);
            break;
        case O_PLAT: io.platform = optarg; break;
        case O_EXC: o.exceptions = optarg; break;
        case O_VEX:
            if (o.n_vex >= MAX_MULTI)
                return cli_usage_error("run", "more than %d --vex files", MAX_MULTI);
            vex[o.n_vex++] = optarg;
            break;
        case O_CTX:
            if (o.n_context >= MAX_MULTI)
                return cli_usage_error("run", "more than %d --context paths", MAX_MULTI);
            ctx[o.n_context++] = optarg;
            break;
        case O_RT:
            if (o.n_runtime_evidence >= CG_RT_MAX_FILES)
                return cli_usage_error("run", "at most %d --runtime-evidence files", CG_RT_MAX_FILES);
            rtf[o.n_runtime_evidence++] = optarg;
            break;
        case O_VEXOUT: o.vex_out = 1; break;
        case O_REPTO: report_to = optarg; break;
        case O_REPTOK: report_token = optarg; break;
        case 'q': rcli.quiet = 1; break;
        case 'h':
            fputs(run_usage, stdout);
            fputs(cli_registry_help, stdout);
            fputs(run_usage_tail, stdout);
            return 0;
        case ':': return cli_usage_error("run", "option %s needs a value", argv[optind - 1]);
        case '?': return cli_unknown_option("run", argv[optind - 1]);
        default:
            if ((v = cli_parse_registry_opt("run", c, optarg, &ro)) != 0)
                return v;
        }
    }
    o.vex = vex;
    o.runtime_evidence = rtf;
    if (o.vex_out && !o.n_runtime_evidence)
        return cli_usage_error("run", "--vex-out needs --runtime-evidence");
    o.context = ctx;
    o.build_args = bargs;
    if (argc - optind > 1)
        return cli_usage_error("run", "one image at a time (got \"%s\" and \"%s\")", argv[optind], argv[optind + 1]);
    o.source = optind < argc ? argv[optind] : NULL;
    if (!o.source && !o.dockerfile)
        return cli_usage_error("run", "no image given (an IMAGE, or --dockerfile FILE to build one)");
    if (o.source && o.dockerfile)
        return cli_usage_error("run", "give an IMAGE or --dockerfile, not both");
    if (!o.dockerfile && (o.build_context || o.n_build_args))
        return cli_usage_error("run", "--build-context and --build-arg need --dockerfile");
    if (!o.policy)
        return cli_usage_error("run", "--policy FILE is required");
    if (report_token && !report_to)
        return cli_usage_error("run", "--report-token-file needs --report-to URL");
    if (report_to && !cg_http_url_allowed(report_to))
        return cli_usage_error("run", "--report-to: the URL of a cgate serve, %s", CG_HTTP_URL_RULE);
    if (!o.dry_run && !o.to)
        return cli_usage_error("run", "--to REF is required (or --dry-run)");
    if (!o.dry_run && !o.key)
        return cli_usage_error("run", "--key KEY is required to sign what is pushed (or --dry-run)");
    o.source_date_epoch = cli_source_date_epoch();
    if (o.source_date_epoch == -2)
        return cli_usage_error("run", "SOURCE_DATE_EPOCH must be a non-negative integer of seconds");
    char today[40];
    int64_t t = o.now >= 0 ? o.now : o.source_date_epoch >= 0 ? o.source_date_epoch : (int64_t)time(NULL);
    if (date_of(t, today))
        return cli_usage_error("run", "--now: the date is out of range");
    o.policy_now = today;
    o.password = cli_password_cb;
    o.note = on_note;
    o.note_ud = &rcli;

    cg_error err;
    cg_error_clear(&err);
    cg_pipeline_result res;
    cg_pipeline_result_init(&res);
    cg_status st = cg_pipeline_run(&o, &res, &err);
    int rc;
    if (st != CG_OK) {
        rc = cli_fail(&err);
        if (res.dir[0] && !rcli.quiet)
            fprintf(stderr, "run: artifacts so far and the audit log: %s (no tag was set)\n", res.dir);
    } else if (!res.pass) {
        if (!rcli.quiet)
            fwrite(cg_buf_str(&res.decision_table), 1, res.decision_table.len, stderr);
        cli_error("run denied by policy %s: nothing was pushed; fix the blocked findings above (upgrade to the "
                  "fixed versions listed, rebuild), or record a reviewed exception (--exceptions FILE) or VEX "
                  "statement (--vex FILE); decision: %s/%s",
                  o.policy, res.dir, CG_ART_DECISION);
        rc = 1;
    } else if (o.dry_run) {
        printf("pass %s\n", res.image_digest);
        if (!rcli.quiet)
            fprintf(stderr, "run: dry run: the decision passed, nothing pushed; artifacts: %s\n", res.dir);
        rc = 0;
    } else {
        printf("%s\n", res.pushed);
        if (!rcli.quiet)
            fprintf(stderr, "run: pushed, signed and attested %s; artifacts: %s\n", res.pushed, res.dir);
        rc = 0;
    }
    if (report_to && st == CG_OK && res.decided && res.dir[0]) { /* the server watches it from now on */
        cg_error_clear(&err);
        if (cg_pipeline_report_to(report_to, report_token, res.dir, o.to ? o.to : o.source, &err) != CG_OK) {
            int r2 = cli_fail(&err);
            rc = rc ? rc : r2;
        } else if (!rcli.quiet) {
            fprintf(stderr, "run: reported to %s\n", report_to);
        }
    }
    cg_pipeline_result_free(&res);
    return rc;
}

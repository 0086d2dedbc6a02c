/*
 * cmd_scan.c - `cgate scan IMAGE` / `cgate scan --sbom FILE`: build (or read)
 * the SBOM, open the vulnerability DB, check its age, match, write the report
 * (json, sarif, cyclonedx, table) whole or not at all, and turn "findings
 * remain" into --exit-code.  Colour and progress are decided here (terminal,
 * NO_COLOR, --quiet); the library only gets told.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cgate/findings.h"
#include "core/rfc3339.h"
#include "cgate/image.h"
#include "cgate/sbom.h"
#include "cgate/scan.h"
#include "cgate/vulndb.h"
#include "cgate/registry.h"
#include "cgate/runtime.h"
#include "cli/cli.h"
#include "core/mapfile.h"
#include "core/readfile.h"

#define STALE_WARN_SECONDS (7 * 86400)

static const char scan_usage[] =
    "usage: cgate scan [OPTIONS] IMAGE\n"
    "       cgate scan [OPTIONS] --sbom FILE\n"
    "\n"
    "Match the packages of an image (or of an SBOM) against the vulnerability\n"
    "DB and write a report.  OS packages are matched against their distro's\n"
    "advisories by SOURCE package; language packages against their ecosystem's.\n"
    "A version that cannot be ordered is reported with Status \"unknown\", never\n"
    "treated as safe.\n"
    "\n"
    "Options:\n"
    "      --sbom FILE         scan an SBOM instead of an image\n"
    "      --db FILE           the vulnerability DB (default $CGATE_DB, else\n"
    "                          $XDG_CACHE_HOME/cgate/db.sqlite)\n"
    "  -f, --format FMT        table (default on a terminal), json (Trivy's schema;\n"
    "                          default otherwise), sarif, cyclonedx, html (one\n"
    "                          self-contained page: charts, sortable table)\n"
    "  -o, --output FILE       write to FILE (whole or not at all); default stdout\n"
    "      --severity LIST     keep only these severities (UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL)\n"
    "      --ignore-unfixed    drop findings without a fixed version (\"unknown\"\n"
    "                          ones are kept)\n"
    "      --pkg-types LIST    os, library or both (default os,library)\n"
    "      --exit-code N       exit N when findings remain after the filters (default 0)\n"
    "      --db-max-age DUR    warn when the DB is older than DUR (90m, 36h, 7d, 2w)\n"
    "                          and mark the report (cgate.dbStale); a DB older than\n"
    "                          7 days always gets a warning\n"
    "      --now TIME          the current time, RFC 3339 or seconds since the epoch\n"
    "                          (DB age and the report's CreatedAt; for reproducible runs)\n"
    "      --platform P        OS/ARCH[/VARIANT] in a multi-platform index\n"
    "      --declared          images: also match what lock files and manifests\n"
    "                          declare (fs:DIR, a source tree, always does)\n"
    "      --include-dev       keep the dev dependencies lock files declare\n"
    "      --allow-empty       accept an image in which no OS and no package is\n"
    "                          recognised (else exit 3, \"nothing recognised\")\n"
    "      --scanners LIST     vuln, secret, config (default vuln,secret): secrets in\n"
    "                          every layer and the config; image config and file\n"
    "                          system checks (docs/secrets.md, docs/lint.md)\n"
    "      --secret-config F   Trivy's trivy-secret.yaml (custom, allow, disabled rules)\n"
    "      --runtime-evidence F  Falco JSON lines, an strace log or a path list of\n"
    "                          what the image ran (repeatable): each finding gets\n"
    "                          cgate.runtime {loaded, evidence, window}; evidence\n"
    "                          naming another image digest is refused (exit 3)\n"
    "      --vex-out FILE      with --runtime-evidence: an OpenVEX 0.2 document saying\n"
    "                          not_affected for findings in never-loaded packages\n"
    ;
static const char scan_usage_tail[] =
    "  -q, --quiet             no progress, notes or warnings on stderr\n"
    "      --no-color          no colours in the table (also NO_COLOR)\n"
    "  -h, --help              this help\n"
    "\n"
    "The report's CreatedAt is written only with --now or SOURCE_DATE_EPOCH, so the\n"
    "same inputs give the same bytes.  Table output is coloured when stdout is a\n"
    "terminal and NO_COLOR is not set, and fitted to the terminal's width\n"
    "(COLUMNS, else the terminal, else 80): findings most severe first.\n"
    "\n"
    "Exit codes: 0 success (or findings without --exit-code), N with --exit-code N\n"
    "when findings remain, 2 usage error, 3 bad input (image, SBOM, DB missing\n"
    "or corrupt), 4 registry or network error\n"
    "(docker:// images), 5 internal error.\n";

static void match_progress(void *ud, const cg_scan_progress *p)
{
    cli_progress *pr = ud;
    if (!pr->enabled)
        return;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    double t = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
    if (p->done == p->total) {
        if (pr->printed)
            fputs("\r\033[K", stderr);
        pr->printed = 0;
        return;
    }
    if (t - pr->last < 0.1)
        return;
    pr->last = t;
    fprintf(stderr, "\r\033[Kmatching packages %zu/%zu", p->done, p->total);
    pr->printed = 1;
}


/* The DB's age against --db-max-age and the 7-day warning.  Returns an exit
 * code (0 = go on). */
static int check_db_age(cg_vdb *db, const char *db_path, int64_t now, int64_t max_age, int quiet,
                        int64_t *built, int *stale)
{
    cg_arena a;
    cg_arena_init(&a);
    cg_error err;
    cg_error_clear(&err);
    cg_vdb_source_stat *stats;
    size_t n;
    int64_t newest = -1;
    cg_status st = cg_vdb_stats(db, &a, &stats, &n, &newest, &err);
    cg_arena_free(&a);
    if (st != CG_OK) {
        cg_error_prefix(&err, "vulnerability DB %s", db_path);
        return cli_fail(&err);
    }
    *built = newest;
    *stale = 0;
    if (newest < 0) {
        *stale = max_age >= 0; /* an unknown age cannot meet a limit */
        if (!quiet)
            cli_warn("vulnerability DB %s: its age is unknown (no import recorded)%s", db_path,
                     max_age >= 0 ? ", so --db-max-age cannot be met" : "");
        return 0;
    }
    int64_t age = now - newest;
    /* Over the limit: a warning, and the report says so (cgate.dbStale);
     * the gate is the policy's (issue 11: decisions carry the warning,
     * `cgate policy --strict` denies). */
    if (max_age >= 0 && age > max_age) {
        *stale = 1;
        if (!quiet)
        {
            char h1[40], h2[40];
            cli_warn("vulnerability DB %s is %s old, older than --db-max-age (%s); run 'cgate db "
                     "update' or import newer data", db_path, cg_human_span(age, h1, sizeof h1),
                     cg_human_span(max_age, h2, sizeof h2));
        }
        return 0;
    }
    if (age > STALE_WARN_SECONDS && !quiet)
        cli_warn("vulnerability DB %s is %.1f days old: findings published since then are missing", db_path,
                 (double)age / 86400.0);
    return 0;
}

/* --scanners without vuln: no DB, no SBOM; the image's secrets and checks alone. */
static int scan_without_vuln(const char *ref, const cg_image_opts *io, cg_report_format fmt, const char *output,
                             unsigned scanners, const char *secret_config, int exit_code)
{
    if (fmt == CG_REPORT_CYCLONEDX || fmt == CG_REPORT_HTML)
        return cli_usage_error("scan", "-f %s needs the vuln scanner", fmt == CG_REPORT_HTML ? "html" : "cyclonedx");
    cg_error err;
    cg_error_clear(&err);
    cg_image *img = NULL;
    cg_findings f;
    cg_findings_init(&f);
    cg_buf out = CG_BUF_INIT;
    int rc = 0;
    cg_status st = cg_image_open(ref, io, &img, &err);
    if (st == CG_OK)
        st = cli_scan_extras(img, scanners, secret_config, &f, &err);
    if (st == CG_OK) {
        cg_report_write_opts wo = {fmt == CG_REPORT_TABLE && cli_color(output), cli_table_width(output)};
        st = cg_findings_write(&f, ref, "container_image", fmt, &wo, &out, &err);
    }
    if (st == CG_OK)
        st = cli_write_artifact(output, &out, &err);
    if (st != CG_OK)
        rc = cli_fail(&err);
    else if ((f.n_sec || f.n_mis) && exit_code)
        rc = exit_code;
    cg_buf_free(&out);
    cg_findings_free(&f);
    cg_image_close(img);
    return rc;
}

typedef struct report_out {
    const cg_report *rep;
    cg_report_format fmt;
    const cg_report_write_opts *wo;
} report_out;

static cg_status write_report(void *ud, cg_sink_fn sink, void *sink_ud, cg_error *err)
{
    const report_out *o = ud;
    return cg_report_write_stream(o->rep, o->fmt, o->wo, sink, sink_ud, err);
}

int cmd_scan(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"sbom", required_argument, NULL, 'S'},      {"db", required_argument, NULL, 'D'},
        {"format", required_argument, NULL, 'f'},    {"output", required_argument, NULL, 'o'},
        {"severity", required_argument, NULL, 's'},  {"ignore-unfixed", no_argument, NULL, 'U'},
        {"pkg-types", required_argument, NULL, 'T'}, {"exit-code", required_argument, NULL, 'E'},
        {"db-max-age", required_argument, NULL, 'A'}, {"now", required_argument, NULL, 'N'},
        {"platform", required_argument, NULL, 'P'},  {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},            {"declared", no_argument, NULL, 'd'},
        {"include-dev", no_argument, NULL, 'I'},     {"allow-empty", no_argument, NULL, 'e'},
        {"scanners", required_argument, NULL, 'K'},  {"secret-config", required_argument, NULL, 'Y'},
        {"runtime-evidence", required_argument, NULL, 'R'}, {"vex-out", required_argument, NULL, 'V'},
        CLI_REGISTRY_LONGOPTS,
        {NULL, 0, NULL, 0},
    };
    const char *format = NULL, *output = NULL, *sbom_path = NULL, *db_path = NULL;
    cg_scan_opts so = {0, 0, 0, -1, -1, NULL, NULL, 0, 0};
    cg_image_opts io;
    memset(&io, 0, sizeof io);
    cg_registry_opts ro; /* docker:// images */
    memset(&ro, 0, sizeof ro);
    io.registry = &ro;
    int quiet = 0, exit_code = 0, c;
    cg_sbom_opts sopts = {-1, 0, 0, 0};
    unsigned scanners = CLI_SCAN_VULN | CLI_SCAN_SECRET;
    const char *secret_config = NULL;
    int64_t max_age = -1, now = -1;
    const char *rt_files[CG_RT_MAX_FILES], *vex_out = NULL;
    size_t n_rt = 0;
    cg_runtime *rt = NULL;
    opterr = 0;
    optind = 1;
    {
        int pre = cli_args("scan", ":f:o:qh", longopts, &argc, &argv);
        if (pre >= 0)
            return pre;
    }
    while ((c = getopt_long(argc, argv, ":f:o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'S': sbom_path = optarg; break;
        case 'D': db_path = optarg; break;
        case 'f': format = optarg; break;
        case 'o': output = optarg; break;
        case 's':
            if (cli_parse_severities(optarg, &so.severities))
                return cli_usage_error("scan", "--severity: \"%s\" is not a list of UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL", optarg);
            break;
        case 'U': so.ignore_unfixed = 1; break;
        case 'T':
            if (cli_parse_pkg_types(optarg, &so.pkg_types))
                return cli_usage_error("scan", "--pkg-types: \"%s\" is not a list of os, library", optarg);
            break;
        case 'E': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (end == optarg || *end || v < 0 || v > 255)
                return cli_usage_error("scan", "--exit-code: \"%s\" is not a number from 0 to 255", optarg);
            exit_code = (int)v;
            break;
        }
        case 'A':
            if (cli_parse_duration(optarg, &max_age))
                return cli_usage_error("scan", "--db-max-age: \"%s\" is not a duration (90m, 36h, 7d, 2w)", optarg);
            break;
        case 'N':
            if (cli_parse_time(optarg, &now))
                return cli_usage_error("scan", "--now: \"%s\" is not RFC 3339 (2025-01-02T03:04:05Z) or seconds", optarg);
            break;
        case 'P': io.platform = optarg; break;
        case 'K':
            if (cli_parse_scanners(optarg, &scanners))
                return cli_usage_error("scan", "--scanners: \"%s\" is not a list of vuln, secret, config", optarg);
            break;
        case 'Y': secret_config = optarg; break;
        case 'R':
            if (n_rt == CG_RT_MAX_FILES)
                return cli_usage_error("scan", "at most %d --runtime-evidence files", CG_RT_MAX_FILES);
            rt_files[n_rt++] = optarg;
            break;
        case 'V': vex_out = optarg; break;
        case 'q': quiet = 1; break;
        case 'd': sopts.declared = 1; break;
        case 'I': sopts.include_dev = 1; break;
        case 'e': sopts.allow_empty = 1; break;
        case 'h':
            fputs(scan_usage, stdout);
            fputs(cli_registry_help, stdout);
            fputs(scan_usage_tail, stdout);
            return 0;
        case ':': return cli_usage_error("scan", "option %s needs a value", argv[optind - 1]);
        case '?': return cli_unknown_option("scan", argv[optind - 1]);
        default: {
            int rc = cli_parse_registry_opt("scan", c, optarg, &ro);
            if (rc)
                return rc;
        }
        }
    }
    const char *ref = optind < argc ? argv[optind] : NULL;
    if (sbom_path && ref)
        return cli_usage_error("scan", "give an image or --sbom, not both");
    if (sbom_path && (sopts.declared || sopts.include_dev || sopts.allow_empty))
        return cli_usage_error("scan", "--declared, --include-dev and --allow-empty apply to images, not to --sbom");
    if (!sbom_path && !ref)
        return cli_usage_error("scan", "no image given");
    if (optind + 1 < argc)
        return cli_usage_error("scan", "one image at a time (got \"%s\" and \"%s\")", argv[optind], argv[optind + 1]);
    if (n_rt && sbom_path)
        return cli_usage_error("scan", "--runtime-evidence needs an image (its files and symlinks), not --sbom");
    if (vex_out && !n_rt)
        return cli_usage_error("scan", "--vex-out needs --runtime-evidence");
    if (!format) /* a table for people, JSON for pipes and files */
        format = cli_stdout_tty(output) ? "table" : "json";
    cg_report_format fmt;
    if (cg_report_format_parse(format, &fmt) != CG_OK)
        return cli_bad_format("scan", format);
    int64_t sde = cli_source_date_epoch();
    if (sde == -2)
        return cli_usage_error("scan", "SOURCE_DATE_EPOCH must be a non-negative integer of seconds");
    so.now = now >= 0 ? now : sde;
    so.db_max_age = max_age > 0 ? max_age : 0;
    if (sbom_path && !(scanners & CLI_SCAN_VULN))
        return cli_usage_error("scan", "--sbom has no files to scan for secrets or misconfigurations");
    if (!(scanners & CLI_SCAN_VULN))
        return scan_without_vuln(ref, &io, fmt, output, scanners, secret_config, exit_code);

    cg_error err;
    cg_error_clear(&err);
    cg_arena a;
    cg_arena_init(&a);
    if (!db_path)
        db_path = cg_vdb_default_path(&a);
    cg_vdb *db = NULL;
    cg_image *img = NULL;
    cg_findings extra;
    cg_findings_init(&extra);
    cli_secrets secrets;
    memset(&secrets, 0, sizeof secrets);
    cg_arena_init(&secrets.a);
    cg_sbom *sbom = NULL;
    cg_report *rep = NULL;
    cg_buf out = CG_BUF_INIT;
    int rc = 0;
    cg_status st = db_path ? cg_vdb_open(db_path, &db, &err)
                           : cg_error_set(&err, CG_ERR_INPUT, "no vulnerability DB location (set --db or CGATE_DB)");
    if (st != CG_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    if ((rc = check_db_age(db, db_path, now >= 0 ? now : (int64_t)time(NULL), max_age, quiet, &so.db_built,
                           &so.db_stale)))
        goto done;

    cli_progress prog;
    cli_progress_init(&prog, quiet);
    io.progress = cli_progress_cb;
    io.progress_ud = &prog;
    sopts.source_date_epoch = sde;
    if (sbom_path) { /* ours, Syft's or Trivy's CycloneDX / SPDX */
        /* mapped, read a component at a time, pages dropped behind the reader */
        cg_mapfile in;
        st = cg_mapfile_open(&in, sbom_path, CG_SBOM_READ_MAX_BYTES, "SBOM", &err);
        /* the CycloneDX report writes the SBOM again (every field); the other
         * reports need only what matching reads */
        if (st == CG_OK && fmt == CG_REPORT_CYCLONEDX)
            st = cg_sbom_read_ex(in.data, in.len, sbom_path, cg_mapfile_release, &in, &sbom, &err);
        else if (st == CG_OK)
            st = cg_sbom_read_for_scan(in.data, in.len, sbom_path, cg_mapfile_release, &in, &sbom, &err);
        cg_mapfile_close(&in);
    } else {
        st = cg_image_open(ref, &io, &img, &err);
        if (st == CG_OK && (scanners & CLI_SCAN_SECRET)) { /* secrets ride on the SBOM's pass */
            st = cli_secrets_begin(&secrets, img, secret_config, &extra, &err);
            if (st == CG_OK)
                st = cg_sbom_build_tap(img, &sopts, &secrets.tap, &sbom, &err);
            if (st == CG_OK)
                st = cli_secrets_finish(&secrets, &err);
            scanners &= ~(unsigned)CLI_SCAN_SECRET;
        } else if (st == CG_OK) {
            st = cg_sbom_build(img, &sopts, &sbom, &err);
        }
    }
    cli_progress mprog;
    cli_progress_init(&mprog, quiet);
    so.progress = match_progress;
    so.progress_ud = &mprog;
    cg_scan_source src = cg_scan_source_vdb(db);
    if (st == CG_OK && n_rt)
        st = cg_runtime_collect(img, sbom, rt_files, n_rt, &rt, &err);
    if (st == CG_OK)
        st = cg_scan(sbom, &src, &so, &rep, &err);
    if (st == CG_OK && img && (scanners & (CLI_SCAN_SECRET | CLI_SCAN_CONFIG)))
        st = cli_scan_extras(img, scanners, secret_config, &extra, &err);
    cg_findings_sort(&extra);
    if (st == CG_OK)
        rep->extra = &extra;
    if (st == CG_OK && rt) {
        rep->runtime = rt;
        if (!quiet && (rt->unresolved || rt->bad_lines))
            cli_warn("runtime evidence: %llu events, %llu paths not resolvable, %llu lines skipped",
                     (unsigned long long)rt->events, (unsigned long long)rt->unresolved,
                     (unsigned long long)rt->bad_lines);
    }
    cg_buf vex = CG_BUF_INIT;
    if (st == CG_OK && vex_out)
        st = cg_runtime_write_vex(rep, rt, so.now, &vex, &err);
    if (st == CG_OK && vex_out)
        st = cli_write_artifact(vex_out, &vex, &err);
    cg_buf_free(&vex);
    cg_report_write_opts wo = {0};
    if (st == CG_OK) {
        wo.color = fmt == CG_REPORT_TABLE && cli_color(output);
        wo.width = cli_table_width(output);
    }
    if (st == CG_OK && !quiet) {
        for (size_t i = 0; i < rep->n_notes && i < 10; i++)
            cli_warn("%s", rep->notes[i]);
        if (rep->n_notes + rep->n_notes_dropped > 10)
            cli_warn("%zu more notes (see \"cgate\".\"notes\" in the JSON report)",
                     rep->n_notes + rep->n_notes_dropped - 10);
    }
    /* streamed: a report of 100,000 findings is never held whole */
    report_out rout = {rep, fmt, &wo};
    if (st == CG_OK)
        st = cli_stream_artifact(output, write_report, &rout, &err);
    if (st != CG_OK)
        rc = cli_fail(&err);
    else if ((rep->n_findings || extra.n_sec || extra.n_mis) && exit_code)
        rc = exit_code;
done:
    cg_findings_free(&extra);
    cli_secrets_free(&secrets);
    cg_buf_free(&out);
    cg_report_free(rep);
    cg_runtime_free(rt);
    cg_sbom_free(sbom);
    cg_image_close(img);
    cg_vdb_close(db);
    cg_arena_free(&a);
    return rc;
}

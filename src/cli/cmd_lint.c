/*
 * cmd_lint.c - `cgate lint FILE|DIR|IMAGE...`: Dockerfiles (by name, or any
 * file that parses as one), Kubernetes manifests (*.yaml, *.yml) and images
 * (any transport) through the built-in checks, one report (Trivy's JSON,
 * SARIF, table) and one exit code: --exit-code (default 1) when a finding is
 * at or above the failure threshold (.hadolint.yaml's failure-threshold, or
 * --failure-threshold).  Several files at once, as pre-commit passes them.
 * `-f conftest` prints the parsed Dockerfile as the Rego/Conftest input.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgate/image.h"
#include "cgate/lint.h"
#include "cgate/registry.h"
#include "cgate/scan.h"
#include "cli/cli.h"
#include "core/readfile.h"

static const char lint_usage[] =
    "usage: cgate lint [OPTIONS] FILE|DIR|IMAGE...\n"
    "\n"
    "Check Dockerfiles, Kubernetes manifests and images for misconfigurations\n"
    "(docs/lint.md lists every check with its Trivy DSxxx and hadolint DLxxxx id).\n"
    "A directory is searched for Dockerfile*, *.Dockerfile, Containerfile* and\n"
    "Kubernetes *.yaml / *.yml files.  Any other argument is opened as an image.\n"
    "\n"
    "Options:\n"
    "  -f, --format FMT          table (default on a terminal), json (Trivy's schema,\n"
    "                            default otherwise), sarif, or\n"
    "                            conftest (the parsed Dockerfile, one file only)\n"
    "  -o, --output FILE         write to FILE (whole or not at all); default stdout\n"
    "  -c, --config FILE         hadolint configuration (default: .hadolint.yaml in\n"
    "                            the current directory when present)\n"
    "      --ignore ID           skip a check (cgate, DSxxx or DLxxxx id); repeatable\n"
    "      --trusted-registry R  allow base images only from R; repeatable\n"
    "  -t, --failure-threshold L error, warning, info (default), style, none, or a\n"
    "                            severity (CRITICAL, HIGH, MEDIUM, LOW)\n"
    "      --exit-code N         exit N when a finding is at or above the threshold\n"
    "                            (default 1; 0 never fails)\n"
    "      --platform P          OS/ARCH[/VARIANT] of an image in an index\n"
    "      --list-checks         print every built-in check (id, Trivy id, hadolint\n"
    "                            id, severity, title, rationale, fix) as TSV\n"
    "  -q, --quiet               no warnings on stderr\n"
    "  -h, --help                this help\n"
    "\n"
    "Inline '# hadolint ignore=DL3008,DS029' above an instruction skips those checks\n"
    "for it.  Exit codes: 0 pass, N (--exit-code) findings at or above the\n"
    "threshold, 2 usage error, 3 bad input, 4 registry error, 5 internal error.\n";

#define MAX_FILES 10000

static int has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), l = strlen(suf);
    return n >= l && !strcasecmp(s + n - l, suf);
}

static int dockerfile_name(const char *path)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    return !strncasecmp(b, "Dockerfile", 10) || !strncasecmp(b, "Containerfile", 13) ||
           has_suffix(b, ".Dockerfile") || has_suffix(b, ".dockerfile");
}

static int yaml_name(const char *path)
{
    return has_suffix(path, ".yaml") || has_suffix(path, ".yml");
}

typedef struct lint_run {
    cg_lint_config cfg;
    cg_findings f;
    cg_arena a;
    int quiet;
    cg_image_opts io;
    size_t n_files;
} lint_run;

/* A `# syntax=` frontend other than docker/dockerfile:1.x may accept syntax
 * this parser does not implement: say so, naming the file and line. */
static void syntax_warning(int quiet, const cg_dockerfile *df, const char *path)
{
    if (!quiet && df && df->syntax && !cg_dockerfile_syntax_known(df->syntax))
        cli_warn("%s:%d: # syntax=%s is not docker/dockerfile:1.x; the Dockerfile may use syntax cgate does not "
                 "implement (checked as Dockerfile 1.x)",
                 path, df->syntax_line, df->syntax);
}

static cg_status lint_dockerfile(lint_run *r, const char *path, cg_error *err)
{
    cg_buf b = CG_BUF_INIT;
    cg_status st = cg_read_file(path, CG_DOCKERFILE_MAX_BYTES, "Dockerfile", &b, err);
    cg_dockerfile *df = NULL;
    if (st == CG_OK)
        st = cg_dockerfile_parse((const uint8_t *)b.data, b.len, path, &df, err);
    if (st == CG_OK)
        syntax_warning(r->quiet, df, path);
    if (st == CG_OK)
        st = cg_lint_dockerfile(df, path, &r->cfg, &r->f, err);
    cg_dockerfile_free(df);
    cg_buf_free(&b);
    return st;
}

static cg_status lint_yaml(lint_run *r, const char *path, cg_error *err)
{
    cg_buf b = CG_BUF_INIT;
    cg_status st = cg_read_file(path, 16u << 20, "manifest", &b, err);
    if (st == CG_OK)
        st = cg_lint_k8s_file((const uint8_t *)b.data, b.len, path, &r->cfg, &r->f, err);
    cg_buf_free(&b);
    return st;
}

static cg_status walk_dir(lint_run *r, const char *dir, int depth, cg_error *err)
{
    if (depth > 16)
        return CG_OK;
    struct dirent **ents = NULL;
    int n = scandir(dir, &ents, NULL, alphasort);
    if (n < 0)
        return cg_error_set(err, CG_ERR_IO, "%s: %s", dir, strerror(errno));
    cg_status st = CG_OK;
    for (int i = 0; i < n; i++) {
        const char *name = ents[i]->d_name;
        if (st == CG_OK && name[0] != '.' && strcmp(name, "node_modules") && r->n_files < MAX_FILES) {
            char *p = cg_arena_sprintf(&r->a, "%s/%s", dir, name);
            struct stat sb;
            if (p && lstat(p, &sb) == 0) {
                if (S_ISDIR(sb.st_mode))
                    st = walk_dir(r, p, depth + 1, err);
                else if (S_ISREG(sb.st_mode) && dockerfile_name(p)) {
                    r->n_files++;
                    st = lint_dockerfile(r, p, err);
                } else if (S_ISREG(sb.st_mode) && yaml_name(p)) {
                    r->n_files++;
                    st = lint_yaml(r, p, err);
                }
            }
        }
        free(ents[i]);
    }
    free(ents);
    return st;
}

static cg_status lint_image(lint_run *r, const char *ref, cg_error *err)
{
    cg_image *img = NULL;
    cg_status st = cg_image_open(ref, &r->io, &img, err);
    if (st == CG_OK)
        st = cg_lint_image(img, ref, &r->cfg, &r->f, err);
    cg_image_close(img);
    return st;
}

static cg_status lint_one(lint_run *r, const char *arg, cg_error *err)
{
    struct stat sb;
    if (stat(arg, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        /* an OCI layout is an image, not a folder of sources */
        char *lay = cg_arena_sprintf(&r->a, "%s/oci-layout", arg);
        if (lay && access(lay, F_OK) == 0)
            return lint_image(r, arg, err);
        return walk_dir(r, arg, 0, err);
    }
    if (stat(arg, &sb) == 0 && S_ISREG(sb.st_mode)) {
        r->n_files++;
        if (dockerfile_name(arg))
            return lint_dockerfile(r, arg, err);
        if (yaml_name(arg))
            return lint_yaml(r, arg, err);
        /* an image archive, else a Dockerfile by another name */
        cg_error ie;
        cg_error_clear(&ie);
        cg_image *img = NULL;
        if (cg_image_open(arg, &r->io, &img, &ie) == CG_OK) {
            cg_status st = cg_lint_image(img, arg, &r->cfg, &r->f, err);
            cg_image_close(img);
            return st;
        }
        return lint_dockerfile(r, arg, err);
    }
    return lint_image(r, arg, err);
}

int cmd_lint(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'},    {"output", required_argument, NULL, 'o'},
        {"config", required_argument, NULL, 'c'},    {"ignore", required_argument, NULL, 'I'},
        {"trusted-registry", required_argument, NULL, 'R'}, {"failure-threshold", required_argument, NULL, 't'},
        {"exit-code", required_argument, NULL, 'E'}, {"platform", required_argument, NULL, 'P'},
        {"quiet", no_argument, NULL, 'q'},           {"help", no_argument, NULL, 'h'},
        {"list-checks", no_argument, NULL, 'L'},
        {NULL, 0, NULL, 0},
    };
    const char *format = NULL, *output = NULL, *config = NULL, *threshold = NULL;
    const char *ignores[256], *trusted[64];
    size_t n_ign = 0, n_tr = 0;
    int exit_code = 1, c;
    lint_run r;
    memset(&r, 0, sizeof r);
    opterr = 0;
    optind = 1;
    {
        int pre = cli_args("lint", ":f:o:c:t:qh", longopts, &argc, &argv);
        if (pre >= 0)
            return pre;
    }
    while ((c = getopt_long(argc, argv, ":f:o:c:t:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'f': format = optarg; break;
        case 'o': output = optarg; break;
        case 'c': config = optarg; break;
        case 'I':
            if (n_ign >= 256)
                return cli_usage_error("lint", "too many --ignore options (256 at most)");
            ignores[n_ign++] = optarg;
            break;
        case 'R':
            if (n_tr >= 64)
                return cli_usage_error("lint", "too many --trusted-registry options (64 at most)");
            trusted[n_tr++] = optarg;
            break;
        case 't': threshold = optarg; break;
        case 'E': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (end == optarg || *end || v < 0 || v > 255)
                return cli_usage_error("lint", "--exit-code: \"%s\" is not a number from 0 to 255", optarg);
            exit_code = (int)v;
            break;
        }
        case 'P': r.io.platform = optarg; break;
        case 'q': r.quiet = 1; break;
        case 'h': fputs(lint_usage, stdout); return 0;
        case 'L': {
            size_t n;
            const cg_check_info *ci = cg_lint_checks(&n);
            static const char *const sev[] = {"UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"};
            for (size_t i = 0; i < n; i++)
                printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", ci[i].id, ci[i].trivy_id ? ci[i].trivy_id : "-",
                       ci[i].hadolint_id ? ci[i].hadolint_id : "-", (unsigned)ci[i].severity < 5 ? sev[ci[i].severity] : "UNKNOWN",
                       ci[i].title, ci[i].rationale, ci[i].fix);
            return 0;
        }
        case ':': return cli_usage_error("lint", "option %s needs a value", argv[optind - 1]);
        default: return cli_unknown_option("lint", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage_error("lint", "no Dockerfile, directory or image given");
    if (!format) /* a table for people, JSON for pipes and files */
        format = cli_stdout_tty(output) ? "table" : "json";
    int conftest = !strcmp(format, "conftest");
    cg_report_format fmt = CG_REPORT_JSON;
    if (!conftest && (cg_report_format_parse(format, &fmt) != CG_OK || fmt == CG_REPORT_CYCLONEDX || fmt == CG_REPORT_HTML))
        return cli_bad_format("lint", format);
    if (conftest && optind + 1 != argc)
        return cli_usage_error("lint", "-f conftest takes exactly one Dockerfile");
    int thr_cli = -1;
    if (threshold && cg_lint_threshold_parse(threshold, &thr_cli))
        return cli_usage_error("lint", "--failure-threshold: \"%s\" is not error, warning, info, style, none or a "
                               "severity", threshold);

    cg_error err;
    cg_error_clear(&err);
    cg_arena_init(&r.a);
    cg_findings_init(&r.f);
    cg_lint_config_default(&r.cfg);
    cg_buf out = CG_BUF_INIT;
    int rc = 0;
    cg_status st = CG_OK;
    if (!config && access(".hadolint.yaml", F_OK) == 0)
        config = ".hadolint.yaml";
    if (config) {
        cg_buf cb = CG_BUF_INIT;
        st = cg_read_file(config, 1u << 20, "hadolint configuration", &cb, &err);
        if (st == CG_OK)
            st = cg_lint_config_parse((const uint8_t *)cb.data, cb.len, config, &r.a, &r.cfg, &err);
        cg_buf_free(&cb);
        if (st != CG_OK) {
            rc = cli_fail(&err);
            goto done;
        }
    }
    if (thr_cli >= 0)
        r.cfg.failure_threshold = thr_cli;
    if (n_ign) {
        const char **all = cg_arena_calloc(&r.a, n_ign + r.cfg.n_ignored, sizeof *all);
        if (!all) {
            cg_error_set(&err, CG_ERR_NOMEM, "out of memory");
            rc = cli_fail(&err);
            goto done;
        }
        if (r.cfg.n_ignored)
            memcpy(all, r.cfg.ignored, r.cfg.n_ignored * sizeof *all);
        memcpy(all + r.cfg.n_ignored, ignores, n_ign * sizeof *all);
        r.cfg.ignored = all;
        r.cfg.n_ignored += n_ign;
    }
    if (n_tr) {
        r.cfg.trusted_registries = trusted;
        r.cfg.n_trusted = n_tr;
    }
    if (conftest) {
        cg_buf b = CG_BUF_INIT;
        cg_dockerfile *df = NULL;
        st = cg_read_file(argv[optind], CG_DOCKERFILE_MAX_BYTES, "Dockerfile", &b, &err);
        if (st == CG_OK)
            st = cg_dockerfile_parse((const uint8_t *)b.data, b.len, argv[optind], &df, &err);
        if (st == CG_OK)
            syntax_warning(r.quiet, df, argv[optind]);
        if (st == CG_OK)
            st = cg_dockerfile_to_json(df, &out, &err);
        cg_dockerfile_free(df);
        cg_buf_free(&b);
        if (st == CG_OK)
            st = cli_write_artifact(output, &out, &err);
        if (st != CG_OK)
            rc = cli_fail(&err);
        goto done;
    }
    for (int i = optind; i < argc && st == CG_OK; i++)
        st = lint_one(&r, argv[i], &err);
    if (st == CG_OK) {
        cg_findings_sort(&r.f);
        cg_report_write_opts wo = {fmt == CG_REPORT_TABLE && cli_color(output), cli_table_width(output)};
        st = cg_findings_write(&r.f, optind + 1 == argc ? argv[optind] : ".", "filesystem", fmt, &wo, &out, &err);
    }
    if (st == CG_OK)
        st = cli_write_artifact(output, &out, &err);
    if (st != CG_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    for (size_t i = 0; i < r.f.n_mis && exit_code; i++)
        if (r.f.mis[i].severity >= r.cfg.failure_threshold) {
            rc = exit_code;
            break;
        }
done:
    cg_buf_free(&out);
    cg_findings_free(&r.f);
    cg_arena_free(&r.a);
    return rc;
}

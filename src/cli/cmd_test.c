/*
 * cmd_test.c - `cgate test PATH...`: opa test for cgate's Rego engine.  Every
 * definition of a test_* rule runs; it passes when defined and not false.
 * Output: FAIL/ERROR lines (all lines with -v) and the `PASS: n/m` summary,
 * or opa test's JSON (--format json).  Exit 0 all pass, 2 any failure or
 * error, 3 unreadable or invalid policies.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cgate/rego.h"
#include "cli/cli.h"

cg_status cli_rego_load(cg_rego *r, const char *path, cg_error *err);

static const char test_usage[] =
    "usage: cgate test [OPTIONS] PATH...\n"
    "\n"
    "Run the test_ rules of Rego policies (as `opa test` does). PATHs are .rego\n"
    "files, JSON/YAML data files or directories.\n"
    "\n"
    "Options:\n"
    "  -v, --verbose          list every test, and print() output\n"
    "  -r, --run REGEX        only tests whose data.PKG.NAME matches (RE2)\n"
    "  -f, --format FMT       pretty (default) or json\n"
    "      --v0-compatible    Rego v0 syntax\n"
    "      --timeout SECONDS  per test\n"
    "  -q, --quiet            no compiler warnings on stderr\n"
    "  -h, --help             this help\n"
    "\n"
    "Exit codes: 0 all tests pass, 2 a test failed or errored (or usage error),\n"
    "3 policies that cannot be read or compiled.\n";

static void dur(char *b, size_t n, int64_t ns)
{
    if (ns < 1000000)
        snprintf(b, n, "%.3fµs", (double)ns / 1000.0);
    else
        snprintf(b, n, "%.3fms", (double)ns / 1e6);
}

int cmd_test(int argc, char **argv)
{
    enum { O_V0 = 1000, O_TIMEOUT };
    static const struct option longopts[] = {
        {"verbose", no_argument, NULL, 'v'},     {"run", required_argument, NULL, 'r'},
        {"format", required_argument, NULL, 'f'}, {"v0-compatible", no_argument, NULL, O_V0},
        {"timeout", required_argument, NULL, O_TIMEOUT}, {"help", no_argument, NULL, 'h'},
        {"quiet", no_argument, NULL, 'q'},
        {NULL, 0, NULL, 0},
    };
    int verbose = 0, v0 = 0, quiet = 0, c;
    const char *run = NULL, *format = "pretty";
    cg_rego_limits lim = {0};
    optind = 1;
    {
        int pre = cli_args("test", ":vr:f:qh", longopts, &argc, &argv);
        if (pre >= 0)
            return pre;
    }
    while ((c = getopt_long(argc, argv, ":vr:f:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'v': verbose = 1; break;
        case 'r': run = optarg; break;
        case 'f': format = optarg; break;
        case O_V0: v0 = 1; break;
        case O_TIMEOUT: {
            char *end;
            double s = strtod(optarg, &end);
            if (*end || s <= 0)
                return cli_usage_error("test", "--timeout takes seconds");
            lim.timeout_ms = (int64_t)(s * 1000);
            break;
        }
        case 'h': fputs(test_usage, stdout); return 0;
        case 'q': quiet = 1; break;
        case ':': return cli_usage_error("test", "option %s needs a value", argv[optind - 1]);
        default: return cli_unknown_option("test", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage_error("test", "no PATH given");
    if (strcmp(format, "pretty") && strcmp(format, "json"))
        return cli_usage_error("test", "--format must be pretty or json");
    cg_error err = {0};
    cg_rego *r = cg_rego_new(v0);
    if (!r) {
        cg_error_set(&err, CG_ERR_NOMEM, "out of memory");
        return cli_fail(&err);
    }
    for (int i = optind; i < argc; i++)
        if (cli_rego_load(r, argv[i], &err)) {
            cg_rego_free(r);
            return cli_fail(&err);
        }
    if (cg_rego_compile(r, &err)) {
        cg_rego_free(r);
        return cli_fail(&err);
    }
    if (*cg_rego_warnings(r) && !quiet)
        fputs(cg_rego_warnings(r), stderr);
    cg_rego_test *t = NULL;
    size_t n = 0;
    cg_buf pr = CG_BUF_INIT;
    if (cg_rego_run_tests(r, run, &lim, &t, &n, verbose ? &pr : NULL, &err)) {
        cg_rego_free(r);
        cg_buf_free(&pr);
        return err.status == CG_ERR_USAGE ? cli_usage_error("test", "%s", err.msg) : cli_fail(&err);
    }
    size_t pass = 0, fail = 0, errs = 0;
    for (size_t i = 0; i < n; i++) {
        if (t[i].error)
            errs++;
        else if (t[i].pass)
            pass++;
        else
            fail++;
    }
    if (!strcmp(format, "json")) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++) {
            json_t *o = json_object(), *loc = json_object();
            json_object_set_new(loc, "file", json_string(t[i].file));
            json_object_set_new(loc, "row", json_integer(t[i].row));
            json_object_set_new(loc, "col", json_integer(t[i].col));
            json_object_set_new(o, "location", loc);
            json_object_set_new(o, "package", json_string(t[i].pkg));
            json_object_set_new(o, "name", json_string(t[i].name));
            if (t[i].error) {
                json_t *e = json_object();
                json_object_set_new(e, "message", json_string(t[i].msg));
                json_object_set_new(o, "error", e);
            } else if (!t[i].pass)
                json_object_set_new(o, "fail", json_true());
            json_object_set_new(o, "duration", json_integer(t[i].duration_ns));
            json_array_append_new(arr, o);
        }
        char *s = json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        if (s)
            puts(s);
        free(s);
        json_decref(arr);
    } else {
        const char *file = NULL;
        for (size_t i = 0; i < n; i++) {
            if (!verbose && t[i].pass)
                continue;
            if (!file || strcmp(file, t[i].file)) {
                file = t[i].file;
                printf("%s:\n", file);
            }
            char d[64];
            dur(d, sizeof d, t[i].duration_ns);
            printf("%s.%s: %s (%s)\n", t[i].pkg, t[i].name, t[i].error ? "ERROR" : t[i].pass ? "PASS" : "FAIL", d);
            if (t[i].error)
                printf("  %s\n", t[i].msg);
        }
        if (verbose && pr.len) {
            fputs(cg_buf_str(&pr), stdout);
        }
        if (n)
            puts("--------------------------------------------------------------------------------");
        if (pass)
            printf("PASS: %zu/%zu\n", pass, n);
        if (fail)
            printf("FAIL: %zu/%zu\n", fail, n);
        if (errs)
            printf("ERROR: %zu/%zu\n", errs, n);
        if (!n)
            puts("no tests found");
    }
    free(t);
    cg_buf_free(&pr);
    cg_rego_free(r);
    return (fail || errs || !n) ? 2 : 0;
}

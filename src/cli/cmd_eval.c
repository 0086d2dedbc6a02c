/*
 * cmd_eval.c - `cgate eval [-d PATH]... [-i INPUT] QUERY`: opa eval for
 * cgate's Rego engine.  -d takes .rego files, JSON/YAML data files and
 * directories (recursively; data files are placed at their directory's
 * path, as opa eval does).  Output is opa eval's JSON; exit codes are opa
 * eval's (cmd/eval.go): 0 ok, 1 --fail undefined / --fail-defined defined,
 * 2 any error (loading, parse, compile, evaluation); cgate adds 3 for a
 * runaway-policy limit and keeps its usage exit 2.  Shares module/data
 * loading (cli_rego_load) with `cgate test` and `cgate policy`.
 */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "cgate/rego.h"
#include "cli/cli.h"
#include "core/readfile.h"
#include "core/yaml.h"

#define REGO_MAX_FILE (64u << 20)
#define EVAL_EXIT_ERROR 2 /* opa eval: any error */
#define EVAL_EXIT_LIMIT 3 /* cgate: a runaway-policy limit */

static const char eval_usage[] =
    "usage: cgate eval [OPTIONS] QUERY\n"
    "\n"
    "Evaluate a Rego query (as `opa eval` does) over policies and data.\n"
    "\n"
    "Options:\n"
    "  -d, --data PATH            .rego file, JSON/YAML data file or directory (repeatable)\n"
    "  -i, --input FILE           the input document (JSON or YAML)\n"
    "  -f, --format FMT           json (default), pretty or raw\n"
    "      --fail                 exit 1 when the result is undefined\n"
    "      --fail-defined         exit 1 when the result is defined\n"
    "      --strict-builtin-errors  builtin errors stop evaluation\n"
    "      --v0-compatible        Rego v0 syntax\n"
    "      --no-print             drop print() output\n"
    "      --timeout SECONDS      stop after this long (exit 3)\n"
    "      --max-steps N          evaluation step cap (default 500000000)\n"
    "      --max-memory BYTES     memory cap per query (default 512M)\n"
    "      --max-depth N          rule/function nesting cap (default 2000)\n"
    "  -q, --quiet                no compiler warnings on stderr\n"
    "  -h, --help                 this help\n"
    "\n"
    "Exit codes (as opa eval): 0 ok, 1 undefined with --fail or defined with\n"
    "--fail-defined, 2 error (usage, unreadable -d/-i file, parse, compile or\n"
    "evaluation error); 3 a limit stopped a runaway policy (steps, memory,\n"
    "depth, --timeout).\n";

static int has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && !strcmp(s + n - m, suf);
}

/* YAML or JSON text to JSON text */
static cg_status yaml_to_json(const cg_buf *in, const char *path, cg_buf *out, cg_error *err);

static void ywrite(cg_buf *b, const cg_yaml_node *n)
{
    if (!n || cg_yaml_is_null(n)) {
        cg_buf_puts(b, "null");
        return;
    }
    if (n->kind == CG_YAML_MAP) {
        cg_buf_putc(b, '{');
        for (size_t i = 0; i < n->n; i++) {
            if (i)
                cg_buf_putc(b, ',');
            json_t *k = json_string(n->keys[i] ? n->keys[i] : "");
            char *ks = json_dumps(k, JSON_ENCODE_ANY);
            cg_buf_puts(b, ks ? ks : "\"\"");
            free(ks);
            json_decref(k);
            cg_buf_putc(b, ':');
            ywrite(b, n->vals[i]);
        }
        cg_buf_putc(b, '}');
        return;
    }
    if (n->kind == CG_YAML_SEQ) {
        cg_buf_putc(b, '[');
        for (size_t i = 0; i < n->n; i++) {
            if (i)
                cg_buf_putc(b, ',');
            ywrite(b, n->vals[i]);
        }
        cg_buf_putc(b, ']');
        return;
    }
    const char *t = cg_yaml_text(n);
    if (!t)
        t = "";
    if (!n->quoted) {
        if (!strcmp(t, "true") || !strcmp(t, "false")) {
            cg_buf_puts(b, t);
            return;
        }
        char *end;
        if (*t && (strtod(t, &end), *end == 0) && strspn(t, "0123456789+-.eE") == strlen(t)) {
            cg_buf_puts(b, t[0] == '+' ? t + 1 : t);
            return;
        }
    }
    json_t *s = json_string(t);
    char *ss = s ? json_dumps(s, JSON_ENCODE_ANY) : NULL;
    cg_buf_puts(b, ss ? ss : "\"\"");
    free(ss);
    json_decref(s);
}

static cg_status yaml_to_json(const cg_buf *in, const char *path, cg_buf *out, cg_error *err)
{
    cg_arena a;
    cg_arena_init(&a);
    cg_yaml_limits lim = {0};
    lim.max_depth = 256;
    lim.max_nodes = 10000000;
    cg_yaml_doc *docs = NULL;
    size_t nd = 0;
    cg_status st = cg_yaml_parse((const uint8_t *)cg_buf_str(in), in->len, path, &lim, &a, &docs, &nd, err);
    if (st == CG_OK) {
        if (nd == 0 || !docs[0].root)
            cg_buf_puts(out, "null");
        else
            ywrite(out, docs[0].root);
    }
    cg_arena_free(&a);
    return st;
}

cg_status cli_rego_read_doc(const char *path, cg_buf *json, cg_error *err);
cg_status cli_rego_read_doc(const char *path, cg_buf *json, cg_error *err)
{
    cg_buf b = CG_BUF_INIT;
    cg_status st = cg_read_file(path, REGO_MAX_FILE, "document", &b, err);
    if (st)
        return st;
    if (has_suffix(path, ".yaml") || has_suffix(path, ".yml"))
        st = yaml_to_json(&b, path, json, err);
    else {
        cg_buf_append(json, cg_buf_str(&b), b.len);
        st = CG_OK;
    }
    cg_buf_free(&b);
    return st;
}

static cg_status load_path(cg_rego *r, const char *path, const char *prefix, int depth, int top, cg_error *err)
{
    struct stat sb;
    if (depth > 32)
        return cg_error_set(err, CG_ERR_LIMIT, "%s: directories nested too deeply", path);
    if (stat(path, &sb) != 0)
        return cg_error_set(err, CG_ERR_IO, "%s: cannot read", path);
    if (S_ISDIR(sb.st_mode)) {
        struct dirent **ents = NULL;
        int n = scandir(path, &ents, NULL, alphasort);
        if (n < 0)
            return cg_error_set(err, CG_ERR_IO, "%s: cannot list directory", path);
        cg_status st = CG_OK;
        for (int i = 0; i < n; i++) {
            const char *nm = ents[i]->d_name;
            if (st == CG_OK && nm[0] != '.') {
                char *child = NULL, *np = NULL;
                if (asprintf(&child, "%s/%s", path, nm) >= 0) {
                    struct stat cs;
                    int isdir = stat(child, &cs) == 0 && S_ISDIR(cs.st_mode);
                    if (isdir && asprintf(&np, "%s%s%s", prefix, *prefix ? "." : "", nm) < 0)
                        np = NULL;
                    if (isdir)
                        st = load_path(r, child, np ? np : prefix, depth + 1, 0, err);
                    else if (has_suffix(nm, ".rego") || has_suffix(nm, ".json") || has_suffix(nm, ".yaml") ||
                             has_suffix(nm, ".yml"))
                        st = load_path(r, child, prefix, depth + 1, 0, err);
                    free(np);
                    free(child);
                }
            }
            free(ents[i]);
        }
        free(ents);
        return st;
    }
    (void)top;
    if (has_suffix(path, ".rego")) {
        cg_buf b = CG_BUF_INIT;
        cg_status st = cg_read_file(path, REGO_MAX_FILE, "policy", &b, err);
        if (st == CG_OK)
            st = cg_rego_add_module(r, path, cg_buf_str(&b), b.len, err);
        cg_buf_free(&b);
        return st;
    }
    cg_buf j = CG_BUF_INIT;
    cg_status st = cli_rego_read_doc(path, &j, err);
    if (st == CG_OK) {
        st = cg_rego_add_data_json(r, prefix, cg_buf_str(&j), j.len, err);
        if (st)
            cg_error_prefix(err, "%s", path);
    }
    cg_buf_free(&j);
    return st;
}

cg_status cli_rego_load(cg_rego *r, const char *path, cg_error *err);
cg_status cli_rego_load(cg_rego *r, const char *path, cg_error *err) { return load_path(r, path, "", 0, 1, err); }

int cmd_eval(int argc, char **argv)
{
    enum { O_FAIL = 1000, O_FAILDEF, O_STRICT, O_V0, O_NOPRINT, O_TIMEOUT, O_STEPS, O_MEM, O_DEPTH };
    static const struct option longopts[] = {
        {"data", required_argument, NULL, 'd'},
        {"input", required_argument, NULL, 'i'},
        {"format", required_argument, NULL, 'f'},
        {"fail", no_argument, NULL, O_FAIL},
        {"fail-defined", no_argument, NULL, O_FAILDEF},
        {"strict-builtin-errors", no_argument, NULL, O_STRICT},
        {"v0-compatible", no_argument, NULL, O_V0},
        {"no-print", no_argument, NULL, O_NOPRINT},
        {"timeout", required_argument, NULL, O_TIMEOUT},
        {"max-steps", required_argument, NULL, O_STEPS},
        {"max-memory", required_argument, NULL, O_MEM},
        {"max-depth", required_argument, NULL, O_DEPTH},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *data[256];
    size_t nd = 0;
    const char *input = NULL, *format = "json";
    int fail = 0, faildef = 0, v0 = 0, quiet = 0;
    cg_rego_query q = {0};
    int c;
    optind = 1;
    {
        int pre = cli_args("eval", ":d:i:f:qh", longopts, &argc, &argv);
        if (pre >= 0)
            return pre;
    }
    while ((c = getopt_long(argc, argv, ":d:i:f:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'd':
            if (nd >= 256)
                return cli_usage_error("eval", "too many -d options");
            data[nd++] = optarg;
            break;
        case 'i': input = optarg; break;
        case 'f': format = optarg; break;
        case O_FAIL: fail = 1; break;
        case O_FAILDEF: faildef = 1; break;
        case O_STRICT: q.strict_builtin_errors = 1; break;
        case O_V0: v0 = 1; break;
        case O_NOPRINT: q.no_print = 1; break;
        case O_TIMEOUT: {
            char *end;
            double s = strtod(optarg, &end);
            if (*end || s <= 0)
                return cli_usage_error("eval", "--timeout takes seconds");
            q.limits.timeout_ms = (int64_t)(s * 1000);
            break;
        }
        case O_STEPS: {
            uint64_t v;
            if (cli_parse_size(optarg, &v) || !v)
                return cli_usage_error("eval", "--max-steps takes a positive number");
            q.limits.max_steps = v;
            break;
        }
        case O_MEM: {
            uint64_t v;
            if (cli_parse_size(optarg, &v) || !v)
                return cli_usage_error("eval", "--max-memory takes a size");
            q.limits.max_memory = (size_t)v;
            break;
        }
        case O_DEPTH: {
            uint64_t v;
            if (cli_parse_size(optarg, &v) || !v || v > 100000)
                return cli_usage_error("eval", "--max-depth takes a number");
            q.limits.max_depth = (int)v;
            break;
        }
        case 'h': fputs(eval_usage, stdout); return 0;
        case 'q': quiet = 1; break;
        case ':': return cli_usage_error("eval", "option %s needs a value", argv[optind - 1]);
        default: return cli_unknown_option("eval", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("eval", "expected exactly one QUERY");
    if (fail && faildef)
        return cli_usage_error("eval", "specify --fail or --fail-defined but not both");
    if (strcmp(format, "json") && strcmp(format, "pretty") && strcmp(format, "raw"))
        return cli_usage_error("eval", "--format must be json, pretty or raw");
    q.query = argv[optind];
    cg_error err = {0};
    cg_rego *r = cg_rego_new(v0);
    if (!r) {
        cg_error_set(&err, CG_ERR_NOMEM, "out of memory");
        return cli_fail(&err);
    }
    cg_buf in = CG_BUF_INIT, out = CG_BUF_INIT, pr = CG_BUF_INIT;
    int rc = 0;
    for (size_t i = 0; i < nd; i++)
        if (cli_rego_load(r, data[i], &err)) {
            /* parse errors go out as opa's JSON too */
            printf("{\n  \"errors\": [\n    {\n      \"code\": \"rego_parse_error\",\n      \"message\": ");
            json_t *m = json_string(err.msg);
            char *ms = json_dumps(m, JSON_ENCODE_ANY);
            printf("%s\n    }\n  ]\n}\n", ms ? ms : "\"\"");
            free(ms);
            json_decref(m);
            cli_fail(&err);
            rc = EVAL_EXIT_ERROR;
            goto out;
        }
    if (input) {
        if (cli_rego_read_doc(input, &in, &err)) {
            cli_error("eval: unable to parse input: %s", err.msg);
            rc = EVAL_EXIT_ERROR;
            goto out;
        }
        q.input_json = cg_buf_str(&in);
        q.input_len = in.len;
    }
    if (cg_rego_compile(r, &err) == CG_OK && *cg_rego_warnings(r) && !quiet)
        fputs(cg_rego_warnings(r), stderr);
    cg_error_clear(&err);
    cg_rego_outcome oc;
    cg_status st = cg_rego_eval(r, &q, &out, !strcmp(format, "raw") ? 2 : 1, &pr, &oc, &err);
    if (pr.len)
        fputs(cg_buf_str(&pr), stderr);
    if (st != CG_OK) {
        /* opa eval writes the errors document to stdout and exits 2; cgate
         * also names the first error on stderr.  A limit is cgate's exit 3. */
        if (!oc.limit)
            fputs(cg_buf_str(&out), stdout);
        cli_error("eval: %s", err.msg);
        rc = oc.limit ? EVAL_EXIT_LIMIT : EVAL_EXIT_ERROR;
        goto out;
    }
    fputs(cg_buf_str(&out), stdout);
    if (fail && oc.n_results == 0)
        rc = 1;
    if (faildef && oc.n_results > 0)
        rc = 1;
out:
    cg_buf_free(&in);
    cg_buf_free(&out);
    cg_buf_free(&pr);
    cg_rego_free(r);
    return rc;
}

/*
 * cmd_policy.c - `cgate policy REPORT --policy FILE`: read the report, the
 * policy, exceptions, VEX and Kubernetes context, evaluate, and write the
 * decision.  Exit 0 pass, 1 deny, 2 usage, 3 bad input.  Every input is read
 * whole and hashed before evaluation; any input that cannot be read is an
 * error (exit 3), never a pass, and no decision is written.
 */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cgate/pipeline.h"
#include "cgate/policy.h"
#include "cgate/policy_rego.h"
#include "cgate/rego.h"
#include "cli/cli.h"
#include "core/digest.h"
#include "core/mapfile.h"
#include "core/readfile.h"
#include "core/rfc3339.h"

static const char policy_usage[] =
    "usage: cgate policy REPORT --policy FILE [OPTIONS]\n"
    "\n"
    "Decide whether the findings of a vulnerability report (cgate's or Trivy's\n"
    "JSON, SchemaVersion 2) pass a policy, and say why and what to do.\n"
    "\n"
    "Options:\n"
    "  -p, --policy FILE       the policy (YAML or JSON, apiVersion cgate/v1, or the\n"
    "                          seed's PolicyConfig JSON), or Rego: a .rego file or a\n"
    "                          folder of them (repeatable; typed and Rego both must pass)\n"
    "      --query Q           Rego: read this query's value instead of every package's\n"
    "                          deny/violation/warn/allow (Conftest's convention)\n"
    "      --exceptions FILE   more exceptions (a document with an exceptions: list)\n"
    "      --vex FILE          an OpenVEX or CycloneDX VEX document (repeatable)\n"
    "      --context PATH      Kubernetes manifests: a file or a folder (repeatable)\n"
    "      --now TIME          the date exceptions expire against (YYYY-MM-DD, or\n"
    "                          an RFC 3339 time or epoch seconds: its date);\n"
    "                          default SOURCE_DATE_EPOCH's date, else today (UTC)\n"
    "      --db-max-age DUR    warn when the report's vulnerability DB was older\n"
    "                          than DUR (90m, 36h, 7d, 2w) at the time of --now\n"
    "      --strict            any warning denies (missing scores read as 0,\n"
    "                          undecided versions, an old DB, another cgate)\n"
    "  -f, --format FMT        table (default on a terminal), json (default\n"
    "                          otherwise) or html (one self-contained page: verdict,\n"
    "                          blocked findings, exceptions, exposure, charts)\n"
    "  -o, --output FILE       write to FILE (whole or not at all); default stdout\n"
    "  -q, --quiet             no warnings on stderr\n"
    "      --no-color          no colours in the table (also NO_COLOR)\n"
    "  -h, --help              this help\n"
    "\n"
    "See docs/policy.md for the policy file, the exposure model and the decision.\n"
    "\n"
    "Exit codes: 0 pass, 1 denied, 2 usage error, 3 bad input (report, policy,\n"
    "exceptions, VEX or manifests that cannot be read), 5 internal error.\n";

#define MAX_MULTI 256
#define MAX_CONTEXT_FILES 10000

typedef struct inputs {
    cg_pinput v[MAX_CONTEXT_FILES + 2 * MAX_MULTI + 4];
    size_t n;
} inputs;

static cg_status add_input(inputs *in, cg_arena *a, const char *role, const char *path, const cg_buf *data,
                           cg_error *err)
{
    char hex[CG_DIGEST_STR_LEN + 1];
    if (in->n >= sizeof in->v / sizeof in->v[0])
        return cg_error_set(err, CG_ERR_LIMIT, "%s: more than %d input files", path, MAX_CONTEXT_FILES);
    if (cg_sha256_str(data->data ? data->data : "", data->len, hex) != CG_OK)
        return cg_error_set(err, CG_ERR_NOMEM, "%s: hashing: out of memory", path);
    in->v[in->n].role = role;
    in->v[in->n].path = cg_arena_strdup(a, path);
    in->v[in->n].sha256 = cg_arena_strdup(a, hex);
    in->n++;
    return CG_OK;
}

/* add_input for a mapped file: hashed a few MiB at a time, pages released. */
static cg_status add_input_map(inputs *in, cg_arena *a, const char *role, const char *path, cg_mapfile *m,
                               cg_error *err)
{
    char hex[CG_DIGEST_STR_LEN + 1];
    if (in->n >= sizeof in->v / sizeof in->v[0])
        return cg_error_set(err, CG_ERR_LIMIT, "%s: more than %d input files", path, MAX_CONTEXT_FILES);
    cg_sha256 h;
    if (cg_sha256_init(&h) != CG_OK)
        return cg_error_set(err, CG_ERR_NOMEM, "%s: hashing: out of memory", path);
    for (size_t off = 0; off < m->len;) {
        size_t n = m->len - off < (4u << 20) ? m->len - off : (4u << 20);
        cg_sha256_update(&h, m->data + off, n);
        off += n;
        cg_mapfile_release(m, off);
    }
    cg_sha256_final_str(&h, hex);
    in->v[in->n].role = role;
    in->v[in->n].path = cg_arena_strdup(a, path);
    in->v[in->n].sha256 = cg_arena_strdup(a, hex);
    in->n++;
    return CG_OK;
}

static cg_status write_decision(void *ud, cg_sink_fn sink, void *sink_ud, cg_error *err)
{
    cg_buf win = CG_BUF_INIT;
    cg_status st = cg_decision_write_json_stream(ud, &win, sink, sink_ud, err);
    cg_buf_free(&win);
    return st;
}

typedef struct table_job {
    const cg_decision *d;
    const cg_preport *report; /* html: the page of this report; NULL: the table */
    size_t width;
    int color;
} table_job;

static cg_status write_table(void *ud, cg_sink_fn sink, void *sink_ud, cg_error *err)
{
    const table_job *j = ud;
    cg_buf win = CG_BUF_INIT;
    cg_status st = j->report ? cg_decision_write_html_stream(j->d, j->report, &win, sink, sink_ud, err)
                             : cg_decision_write_table_stream(j->d, j->width, j->color, &win, sink, sink_ud, err);
    cg_buf_free(&win);
    return st;
}

typedef struct input_walk {
    inputs *in;
    cg_arena *a;
    const char *role;
} input_walk;

/* cg_pipeline_walk_inputs callback: one file of a --context or Rego folder. */
static cg_status add_walked(void *ud, const char *path, const cg_buf *data, cg_error *err)
{
    input_walk *w = ud;
    return add_input(w->in, w->a, w->role, path, data, err);
}

/* Hash a context file, or every regular file under a folder (sorted). */
static cg_status hash_inputs(inputs *in, cg_arena *a, const char *path, const char *role, cg_error *err)
{
    input_walk w = {in, a, role};
    return cg_pipeline_walk_inputs(path, add_walked, &w, err);
}

static int today(char out[40])
{
    int64_t sde = cli_source_date_epoch();
    if (sde == -2)
        return -1;
    time_t t = sde >= 0 ? (time_t)sde : time(NULL);
    struct tm tm;
    if (!gmtime_r(&t, &tm))
        return -1;
    if (tm.tm_year + 1900 < 1970 || tm.tm_year + 1900 > 9999)
        return -1;
    snprintf(out, 40, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    return 0;
}

cg_status cli_rego_load(cg_rego *r, const char *path, cg_error *err);

/* A .rego file, or a folder holding .rego files (searched 8 levels deep). */
static int dir_has_rego(const char *dir, int depth)
{
    if (depth > 8)
        return 0;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int found = 0;
    struct dirent *e;
    while (!found && (e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (e->d_name[0] == '.')
            continue;
        if (n > 5 && !strcmp(e->d_name + n - 5, ".rego")) {
            found = 1;
            break;
        }
        char sub[4096];
        struct stat st;
        if (snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name) < (int)sizeof sub && stat(sub, &st) == 0 &&
            S_ISDIR(st.st_mode))
            found = dir_has_rego(sub, depth + 1);
    }
    closedir(d);
    return found;
}

static int is_rego_path(const char *p)
{
    struct stat st;
    size_t n = strlen(p);
    if (n > 5 && !strcmp(p + n - 5, ".rego"))
        return 1;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode) && dir_has_rego(p, 0);
}

typedef struct run {
    const char *report, *policy, *exceptions, *now, *output, *query;
    const char *rego[MAX_MULTI];
    size_t n_rego;
    const char *ctx[MAX_MULTI], *vex[MAX_MULTI];
    size_t n_ctx, n_vex;
    int table, strict, quiet, color; /* table: 1 table, 2 html */
    size_t width;
    int64_t db_max_age, now_epoch;
} run;

static int evaluate(const run *r)
{
    cg_error err;
    cg_error_clear(&err);
    cg_arena a;
    cg_arena_init(&a);
    inputs *in = calloc(1, sizeof *in);
    cg_buf rep = CG_BUF_INIT, pol = CG_BUF_INIT, exc = CG_BUF_INIT, out = CG_BUF_INIT;
    cg_preport report;
    cg_policy policy;
    cg_pexception *extra = NULL;
    size_t n_extra = 0;
    cg_k8s_context *kctx = NULL;
    cg_vex *vex = NULL;
    cg_peval ev;
    memset(&ev, 0, sizeof ev);
    cg_decision *d = NULL;
    cg_status st = in ? CG_OK : cg_error_set(&err, CG_ERR_NOMEM, "out of memory");
    /* the report is mapped, hashed and read a piece at a time, its pages
     * dropped behind the reader: a 150 MB report is never resident whole */
    cg_mapfile rmap;
    memset(&rmap, 0, sizeof rmap);
    if (st == CG_OK)
        st = cg_mapfile_open(&rmap, r->report, CG_REPORT_MAX_BYTES, NULL, &err);
    if (st == CG_OK)
        st = add_input_map(in, &a, "report", r->report, &rmap, &err);
    if (st == CG_OK)
        st = cg_preport_read_ex(rmap.data, rmap.len, r->report, &a, &report, cg_mapfile_release, &rmap, &err);
    cg_mapfile_close(&rmap);
    cg_buf_free(&rep);
    if (st == CG_OK && r->policy)
        st = cg_read_file(r->policy, CG_POLICY_MAX_BYTES, NULL, &pol, &err);
    if (st == CG_OK && r->policy)
        st = add_input(in, &a, "policy", r->policy, &pol, &err);
    if (st == CG_OK && r->policy)
        st = cg_policy_parse((const uint8_t *)pol.data, pol.len, r->policy, &a, &policy, &err);
    if (st == CG_OK && !r->policy) {
        /* Rego only: a typed policy that blocks nothing */
        cg_policy_defaults(&policy);
        for (int s = 0; s < CG_SEV_COUNT; s++)
            policy.sev[s].block = 0;
        policy.allow_unfixed = 1;
        policy.kev_block = 0;
        policy.missing_cvss_block = 0;
        policy.has_epss_min = 0;
        policy.has_max_risk = 0;
        policy.has_max_ctx_risk = 0;
        policy.secrets_allow = 1; /* secrets and misconfigurations too: the Rego policy decides */
        policy.misconf_block = 0;
        policy.pss_level = 0;
        policy.source = r->rego[0];
    }
    cg_rego *rg = NULL;
    if (st == CG_OK && r->n_rego) {
        rg = cg_rego_new(0);
        if (!rg)
            st = cg_error_set(&err, CG_ERR_NOMEM, "out of memory");
        for (size_t i = 0; st == CG_OK && i < r->n_rego; i++) {
            st = cli_rego_load(rg, r->rego[i], &err);
            if (st == CG_OK && !is_rego_path(r->rego[i]))
                st = CG_OK;
            if (st == CG_OK) {
                cg_buf rb = CG_BUF_INIT;
                struct stat sb;
                if (stat(r->rego[i], &sb) == 0 && S_ISREG(sb.st_mode) &&
                    cg_read_file(r->rego[i], CG_POLICY_MAX_BYTES, NULL, &rb, &err) == CG_OK)
                    st = add_input(in, &a, "policy", r->rego[i], &rb, &err);
                else if (S_ISDIR(sb.st_mode))
                    st = hash_inputs(in, &a, r->rego[i], "policy", &err);
                cg_buf_free(&rb);
            }
        }
        if (st == CG_OK)
            st = cg_rego_compile(rg, &err);
        if (st == CG_OK && *cg_rego_warnings(rg))
            fputs(cg_rego_warnings(rg), stderr);
    }
    if (st == CG_OK && r->exceptions) {
        st = cg_read_file(r->exceptions, CG_POLICY_MAX_BYTES, NULL, &exc, &err);
        if (st == CG_OK)
            st = add_input(in, &a, "exceptions", r->exceptions, &exc, &err);
        if (st == CG_OK)
            st = cg_exceptions_parse((const uint8_t *)exc.data, exc.len, r->exceptions, &a, &extra, &n_extra, &err);
    }
    for (size_t i = 0; st == CG_OK && i < r->n_vex; i++) {
        cg_buf b = CG_BUF_INIT;
        st = cg_read_file(r->vex[i], 64u << 20, NULL, &b, &err);
        if (st == CG_OK)
            st = add_input(in, &a, "vex", r->vex[i], &b, &err);
        cg_buf_free(&b);
    }
    if (st == CG_OK && r->n_vex)
        st = cg_vex_load(r->vex, r->n_vex, &a, &vex, &err);
    for (size_t i = 0; st == CG_OK && i < r->n_ctx; i++)
        st = hash_inputs(in, &a, r->ctx[i], "context", &err);
    if (st == CG_OK && r->n_ctx)
        st = cg_policy_context_load(r->ctx, r->n_ctx, &report, &a, &kctx, &ev.workloads, &ev.n_workloads,
                                    &ev.ignored_kinds, &ev.n_ignored_kinds, &err);
    if (st == CG_OK && r->n_ctx)
        st = cg_pipeline_add_pss(&report, ev.workloads, ev.n_workloads, &a, &err);
    if (st == CG_OK) {
        ev.policy = &policy;
        ev.report = &report;
        ev.extra_exceptions = extra;
        ev.n_extra_exceptions = n_extra;
        ev.now = r->now;
        ev.have_context = r->n_ctx > 0;
        ev.vex = r->n_vex ? cg_policy_vex_lookup : NULL;
        ev.vex_ud = vex;
        ev.inputs = in->v;
        ev.n_inputs = in->n;
        ev.db_max_age = r->db_max_age;
        ev.now_epoch = r->now_epoch;
        ev.strict = r->strict;
        st = cg_policy_evaluate(&ev, &a, &d, &err);
    }
    if (st == CG_OK && rg) {
        cg_buf inp = CG_BUF_INIT;
        cg_rego_verdict v;
        st = cg_policy_rego_input(&ev, d, &inp, &err);
        if (st == CG_OK)
            st = cg_policy_rego_decide(rg, cg_buf_str(&inp), inp.len, r->query, NULL, &a, &v, &err);
        if (st == CG_OK) {
            for (size_t i = 0; i < v.n_warn; i++)
                if (!r->quiet)
                    cli_warn("%s", v.warn[i]);
            if (!v.n_packages && !r->quiet)
                cli_warn("the Rego policies define no deny, violation, warn or allow rule");
            st = cg_policy_rego_apply(d, &v, &a, &err);
        }
        cg_buf_free(&inp);
    }
    cg_rego_free(rg);
    table_job tj = {d, r->table == 2 ? &report : NULL, r->width, r->color};
    if (st == CG_OK && r->table) /* streamed too: the page or table is never held whole */
        st = cli_stream_artifact(r->output, write_table, &tj, &err);
    else if (st == CG_OK) /* streamed: one line per finding, never held whole */
        st = cli_stream_artifact(r->output, write_decision, d, &err);
    int rc = st == CG_OK ? (d->pass ? 0 : 1) : cli_fail(&err);
    cg_buf_free(&pol);
    cg_buf_free(&exc);
    cg_buf_free(&out);
    if (kctx)
        cg_k8s_free(kctx);
    if (vex)
        cg_vex_free(vex);
    cg_arena_free(&a);
    free(in);
    return rc;
}

int cmd_policy(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"policy", required_argument, NULL, 'p'},
        {"query", required_argument, NULL, 'Q'},
        {"exceptions", required_argument, NULL, 'E'},
        {"vex", required_argument, NULL, 'V'},
        {"context", required_argument, NULL, 'C'},
        {"now", required_argument, NULL, 'N'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {"db-max-age", required_argument, NULL, 'A'},
        {"strict", no_argument, NULL, 'S'},
        {"quiet", no_argument, NULL, 'q'},
        {NULL, 0, NULL, 0},
    };
    run r;
    memset(&r, 0, sizeof r);
    const char *format = NULL;
    int c;
    opterr = 0;
    optind = 1;
    {
        int pre = cli_args("policy", ":p:f:o:qh", longopts, &argc, &argv);
        if (pre >= 0)
            return pre;
    }
    while ((c = getopt_long(argc, argv, ":p:f:o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'p':
            if (is_rego_path(optarg)) {
                if (r.n_rego >= MAX_MULTI)
                    return cli_usage_error("policy", "more than %d Rego --policy paths", MAX_MULTI);
                r.rego[r.n_rego++] = optarg;
                break;
            }
            if (r.policy)
                return cli_usage_error("policy", "one typed --policy at a time (Rego files and folders may repeat)");
            r.policy = optarg;
            break;
        case 'Q': r.query = optarg; break;
        case 'E':
            if (r.exceptions)
                return cli_usage_error("policy", "one --exceptions file at a time");
            r.exceptions = optarg;
            break;
        case 'V':
            if (r.n_vex >= MAX_MULTI)
                return cli_usage_error("policy", "more than %d --vex files", MAX_MULTI);
            r.vex[r.n_vex++] = optarg;
            break;
        case 'C':
            if (r.n_ctx >= MAX_MULTI)
                return cli_usage_error("policy", "more than %d --context paths", MAX_MULTI);
            r.ctx[r.n_ctx++] = optarg;
            break;
        case 'N': r.now = optarg; break;
        case 'q': r.quiet = 1; break;
        case 'S': r.strict = 1; break;
        case 'A':
            if (cli_parse_duration(optarg, &r.db_max_age) || r.db_max_age <= 0)
                return cli_usage_error("policy", "--db-max-age: \"%s\" is not a duration (90m, 36h, 7d, 2w)", optarg);
            break;
        case 'f': format = optarg; break;
        case 'o': r.output = optarg; break;
        case 'h': fputs(policy_usage, stdout); return 0;
        case ':': return cli_usage_error("policy", "option %s needs a value", argv[optind - 1]);
        default: return cli_unknown_option("policy", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage_error("policy", "no report given");
    if (optind + 1 < argc)
        return cli_usage_error("policy", "one report at a time (got \"%s\" and \"%s\")", argv[optind],
                               argv[optind + 1]);
    r.report = argv[optind];
    if (!r.policy && !r.n_rego)
        return cli_usage_error("policy", "--policy FILE is required");
    if (r.query && !r.n_rego)
        return cli_usage_error("policy", "--query needs a Rego --policy");
    if (!format) /* a table for people, JSON for pipes and files */
        format = cli_stdout_tty(r.output) ? "table" : "json";
    if (!strcmp(format, "table"))
        r.table = 1;
    else if (!strcmp(format, "html"))
        r.table = 2;
    else if (strcmp(format, "json"))
        return cli_bad_format("policy", format);
    char now[40], given_day[16];
    int64_t given_t = -1;
    if (r.now && !cg_policy_date_valid(r.now)) { /* RFC 3339 or epoch seconds, as scan takes: its date */
        if (cli_parse_time(r.now, &given_t))
            return cli_usage_error("policy", "--now: \"%s\" is not a date YYYY-MM-DD or RFC 3339 time", r.now);
        char full[CG_RFC3339_SIZE];
        cg_rfc3339_format(given_t, full);
        snprintf(given_day, sizeof given_day, "%.10s", full);
        r.now = given_day;
    }
    r.color = cli_color(r.output);
    r.width = cli_table_width(r.output);
    if (!r.now) {
        if (today(now))
            return cli_usage_error("policy", "SOURCE_DATE_EPOCH must be a non-negative integer of seconds");
        r.now = now;
    }
    /* the DB's age is measured at --now's end of day (its date is all a decision names), else now */
    int64_t sde = cli_source_date_epoch();
    r.now_epoch = sde >= 0 ? sde : (int64_t)time(NULL);
    if (r.now != now) {
        char ts[40];
        int64_t t;
        snprintf(ts, sizeof ts, "%.10sT23:59:59Z", r.now);
        if (given_t >= 0)
            r.now_epoch = given_t;
        else if (cg_rfc3339_parse(ts, &t) == 0)
            r.now_epoch = t;
    }
    return evaluate(&r);
}

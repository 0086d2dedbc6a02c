/*
 * cli.c - shared CLI helpers (see cli.h).
 */
#include "cli/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgate/registry.h"
#include "cgate/sign.h"
#include "core/oom.h"
#include "core/outfile.h"

/* One line on stderr.  Messages quote input (file contents, registry
 * answers): line breaks become spaces and other control bytes '?', so
 * nothing can split the line or drive the terminal. */
static void print_line(const char *prefix, const char *msg)
{
    fputs("cgate: ", stderr);
    fputs(prefix, stderr);
    for (const unsigned char *p = (const unsigned char *)msg; *p; p++)
        fputc(*p == '\n' || *p == '\r' ? ' ' : *p < 0x20 || *p == 0x7f ? '?' : *p, stderr);
    fputc('\n', stderr);
}

int cli_fail(const cg_error *err)
{
    print_line("", err->msg[0] ? err->msg : cg_status_name(err->status));
    return cg_status_exit_code(err->status);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char line[1200];
    snprintf(line, sizeof line, "%s (see 'cgate %s --help')", msg, cmd);
    print_line("", line);
    return CLI_EXIT_USAGE;
}

void cli_error(const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    print_line("", msg);
}

void cli_warn(const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    print_line("warning: ", msg);
}

cg_status cli_write_artifact(const char *path, const cg_buf *data, cg_error *err)
{
    /* the last guard: if any allocation of this run failed, what was built may
     * lack what deep code took for "absent"; write nothing (core/oom.h) */
    if (cg_oom_count() != 0)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory earlier in this run; %s not written",
                            path && strcmp(path, "-") ? path : "output");
    if (!path || !strcmp(path, "-")) {
        if (data->len && fwrite(data->data, 1, data->len, stdout) != data->len)
            return cg_error_set(err, CG_ERR_IO, "writing to standard output failed: %s", strerror(errno));
        if (fflush(stdout) != 0)
            return cg_error_set(err, CG_ERR_IO, "writing to standard output failed: %s", strerror(errno));
        return CG_OK;
    }
    cli_warn_format_as_path(path);
    return cg_write_output(path, data->data ? data->data : "", data->len, err);
}

cg_status cli_stream_artifact(const char *path,
                              cg_status (*produce)(void *ud, cg_sink_fn sink, void *sink_ud, cg_error *err),
                              void *ud, cg_error *err)
{
    if (cg_oom_count() != 0)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory earlier in this run; %s not written",
                            path && strcmp(path, "-") ? path : "output");
    if (path && strcmp(path, "-"))
        cli_warn_format_as_path(path);
    cg_outstream o;
    cg_status st = cg_outstream_open(&o, path, err);
    if (st != CG_OK)
        return st;
    st = produce(ud, cg_outstream_write, &o, err);
    /* the last guard, as in cli_write_artifact (core/oom.h) */
    if (st == CG_OK && cg_oom_count() != 0)
        st = cg_error_set(err, CG_ERR_NOMEM, "out of memory earlier in this run; %s not written",
                          path && strcmp(path, "-") ? path : "output");
    if (st == CG_OK)
        return cg_outstream_commit(&o, err);
    cg_outstream_abort(&o);
    return st;
}

void cli_warn_format_as_path(const char *path)
{
    /* Syft's and Trivy's habit "-o cyclonedx-json" names a format; here -o names a
     * file, so say so rather than silently create a file called "cyclonedx-json". */
    static const char *const fmts[] = {"json", "table", "sarif", "html", "cyclonedx", "cyclonedx-json",
                                       "spdx", "spdx-json", "syft-json", "github", "template", "text"};
    if (!path || strchr(path, '/'))
        return;
    for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++)
        if (!strcmp(path, fmts[i])) {
            cli_warn("-o %s writes a file named \"%s\"; to choose the output format use -f %s "
                     "(-o is the output file here, not the format as in Syft)", path, path, path);
            return;
        }
}

int cli_parse_duration(const char *s, int64_t *out)
{
    if (!s || !*s || *s == '-' || *s == '+')
        return -1;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || v < 0 || v > 100LL * 365 * 86400)
        return -1;
    int64_t mul;
    if (!*end || !strcmp(end, "s")) mul = 1;
    else if (!strcmp(end, "m")) mul = 60;
    else if (!strcmp(end, "h")) mul = 3600;
    else if (!strcmp(end, "d")) mul = 86400;
    else if (!strcmp(end, "w")) mul = 7 * 86400;
    else return -1;
    *out = (int64_t)v * mul;
    return 0;
}

int cli_parse_bool_opt(const char *s)
{
    if (!s || !strcmp(s, "true") || !strcmp(s, "1") || !strcmp(s, "yes"))
        return 1;
    if (!strcmp(s, "false") || !strcmp(s, "0") || !strcmp(s, "no"))
        return 0;
    return -1;
}

int cli_parse_size(const char *s, uint64_t *out)
{
    if (!s || !*s)
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || s[0] == '-')
        return -1;
    unsigned shift = 0;
    switch (*end) {
    case '\0': break;
    case 'k': case 'K': shift = 10; end++; break;
    case 'm': case 'M': shift = 20; end++; break;
    case 'g': case 'G': shift = 30; end++; break;
    case 't': case 'T': shift = 40; end++; break;
    default: return -1;
    }
    if (*end == 'i' || *end == 'I')
        end++;
    if (*end == 'b' || *end == 'B')
        end++;
    if (*end || (shift && v > (UINT64_MAX >> shift)) || v == 0)
        return -1;
    *out = (uint64_t)v << shift;
    return 0;
}

int64_t cli_source_date_epoch(void)
{
    const char *s = getenv("SOURCE_DATE_EPOCH");
    if (!s || !*s)
        return -1;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < 0 || v > 253402300799LL) /* up to 9999-12-31 */
        return -2;
    return (int64_t)v;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cli_progress_init(cli_progress *p, int quiet)
{
    memset(p, 0, sizeof *p);
    p->enabled = !quiet && isatty(STDERR_FILENO);
    p->start = p->last = now_s();
}

void cli_progress_cb(void *ud, const cg_progress *pr)
{
    cli_progress *p = ud;
    if (!p->enabled)
        return;
    double t = now_s();
    if (pr->done) {
        if (p->printed)
            fputs("\r\033[K", stderr);
        return;
    }
    if (t - p->last < 0.1)
        return;
    p->last = t;
    double mb = (double)pr->bytes_read / 1e6, el = t - p->start;
    if (pr->bytes_total)
        fprintf(stderr, "\r\033[Klayer %zu/%zu  %.1f/%.1f MB  %.1f MB/s", pr->layer + 1, pr->n_layers, mb,
                (double)pr->bytes_total / 1e6, el > 0 ? mb / el : 0.0);
    else
        fprintf(stderr, "\r\033[Klayer %zu/%zu  %.1f MB  %.1f MB/s", pr->layer + 1, pr->n_layers, mb,
                el > 0 ? mb / el : 0.0);
    p->printed = 1;
}

void cli_xfer_init(cli_xfer *x, const char *verb, int quiet)
{
    cli_progress_init(&x->p, quiet);
    x->verb = verb;
}

void cli_xfer_cb(void *ud, const cg_registry_stats *st)
{
    cli_xfer *x = ud;
    if (!x->p.enabled)
        return;
    double t = now_s();
    if (x->p.printed && t - x->p.last < 0.1)
        return; /* the first line at once, then at most ten a second */
    x->p.last = t;
    double mb = (double)(st->bytes_uploaded + st->bytes_downloaded) / 1e6, el = t - x->p.start;
    fprintf(stderr, "\r\033[K%s %.1f MB  %.1f MB/s  %llu blobs", x->verb, mb, el > 0 ? mb / el : 0.0,
            (unsigned long long)(st->blobs_uploaded + st->blobs_skipped + st->blobs_mounted));
    x->p.printed = 1;
}

void cli_xfer_done(cli_xfer *x)
{
    if (x->p.enabled && x->p.printed)
        fputs("\r\033[K", stderr);
    x->p.printed = 0;
}

/* ---- options shared by the commands that talk to a registry or sign ---- */

const char cli_registry_help[] =
    "      --creds USER:PASS   registry credentials (else REGISTRY_AUTH_FILE,\n"
    "                          then ~/.docker/config.json and its helpers)\n"
    "      --authfile FILE     read credentials from this auth file\n"
    "      --insecure          allow plain HTTP and unverified TLS for the registry\n"
    "                          named (never for hosts it redirects to; loopback\n"
    "                          hosts use plain HTTP anyway)\n"
    "      --timeout DUR       cap on each token, manifest and HEAD request, and on\n"
    "                          a stalled transfer: 90, 90s, 5m (default 60s)\n"
    "      --retries N         retries on 429, 5xx and connection faults (default 3)\n";

int cli_parse_registry_opt(const char *cmd, int c, const char *arg, cg_registry_opts *ro)
{
    char *end;
    long v;
    switch (c) {
    case CLI_OPT_CREDS:
        if (!strchr(arg, ':'))
            return cli_usage_error(cmd, "--creds must be USER:PASSWORD");
        ro->creds = arg;
        return 0;
    case CLI_OPT_AUTHFILE: ro->auth_file = arg; return 0;
    case CLI_OPT_INSECURE: ro->insecure = 1; return 0;
    case CLI_OPT_TIMEOUT: {
        int64_t d;
        if (cli_parse_duration(arg, &d) || d < 1 || d > 3600)
            return cli_usage_error(cmd, "--timeout: 1s to 1h (90, 90s, 5m, 1h), not \"%s\"", arg);
        v = (long)d;
    }
        ro->small_timeout_ms = v * 1000;
        ro->low_speed_time_s = v;
        return 0;
    case CLI_OPT_RETRIES:
        v = strtol(arg, &end, 10);
        if (*end || v < 0 || v > 10)
            return cli_usage_error(cmd, "--retries: 0 to 10, not \"%s\"", arg);
        ro->max_retries = v ? (int)v : -1;
        return 0;
    default: return -1;
    }
}

int cli_parse_annotation(const char *cmd, char *arg, cg_annotation *ann, size_t *n)
{
    char *eq = strchr(arg, '=');
    if (!eq || eq == arg)
        return cli_usage_error(cmd, "--annotation must be KEY=VALUE, not \"%s\"", arg);
    if (*n >= CLI_MAX_ANNOTATIONS)
        return cli_usage_error(cmd, "more than %d annotations", CLI_MAX_ANNOTATIONS);
    for (size_t i = 0; i < *n; i++)
        if (strlen(ann[i].key) == (size_t)(eq - arg) && !strncmp(ann[i].key, arg, (size_t)(eq - arg)))
            return cli_usage_error(cmd, "annotation \"%.*s\" given twice", (int)(eq - arg), arg);
    *eq = '\0'; /* the key is the part before '=' */
    ann[*n].key = arg;
    ann[*n].value = eq + 1;
    (*n)++;
    return 0;
}

cg_status cli_load_key(const char *ref, int want_private, cg_sign_key **out, cg_error *err)
{
    cg_buf pem = CG_BUF_INIT;
    cg_status st = cg_key_ref_read(ref, &pem, err);
    if (st == CG_OK)
        st = want_private ? cg_key_load_private((const uint8_t *)pem.data, pem.len, cli_password_cb, NULL, out, err)
                          : cg_key_load_public((const uint8_t *)pem.data, pem.len, out, err);
    cg_key_buf_wipe(&pem);
    if (st != CG_OK && !strstr(err->msg, ref))
        cg_error_prefix(err, "key %s", ref);
    return st;
}

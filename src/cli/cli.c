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

#include "core/outfile.h"

static void print_line(const char *prefix, const char *msg)
{
    fputs("cgate: ", stderr);
    fputs(prefix, stderr);
    for (const char *p = msg; *p; p++)
        fputc(*p == '\n' || *p == '\r' ? ' ' : *p, stderr);
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
    if (!path || !strcmp(path, "-")) {
        if (data->len && fwrite(data->data, 1, data->len, stdout) != data->len)
            return cg_error_set(err, CG_ERR_IO, "writing to standard output failed: %s", strerror(errno));
        if (fflush(stdout) != 0)
            return cg_error_set(err, CG_ERR_IO, "writing to standard output failed: %s", strerror(errno));
        return CG_OK;
    }
    return cg_write_output(path, data->data ? data->data : "", data->len, err);
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

/*
 * cli.h - what the subcommands of the cgate tool share: printing errors in
 * the one-line "cgate: ..." form, mapping statuses to exit codes, writing an
 * artifact to stdout or a file, parsing sizes, and progress on a terminal.
 * Only the CLI prints; the library reports through cg_error.
 */
#ifndef CG_CLI_H
#define CG_CLI_H

#include <stdint.h>

#include "cgate/buf.h"
#include "cgate/error.h"
#include "cgate/image.h"

#define CLI_EXIT_USAGE 2

/* Print "cgate: <msg>" (one line; newlines in msg are flattened) and return
 * the exit code for st. */
int cli_fail(const cg_error *err);
/* Print a usage error and return 2. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "cgate: <msg>" on stderr, one line (as cli_fail prints), for a refusal or
 * failed check that is not a cg_error (the caller picks the exit code). */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "-" or NULL = stdout, else the file (whole or absent). */
cg_status cli_write_artifact(const char *path, const cg_buf *data, cg_error *err);
/* The same contract for a document streamed as it is made (too large to hold):
 * produce() writes every chunk to the sink it is given; the file appears
 * whole or not at all (standard output and devices get what was written). */
cg_status cli_stream_artifact(const char *path,
                              cg_status (*produce)(void *ud, cg_sink_fn sink, void *sink_ud, cg_error *err),
                              void *ud, cg_error *err);
/* A warning when an -o argument is a format name ("-o cyclonedx-json"). */
void cli_warn_format_as_path(const char *path);

/* "123", "4K", "64M", "2G", "1T" (binary units) into *out. */
int cli_parse_size(const char *s, uint64_t *out);
/* The value of an optional boolean flag (--flag, --flag=true, --flag=false):
 * 1 for NULL, "true", "1", "yes"; 0 for "false", "0", "no"; -1 otherwise. */
int cli_parse_bool_opt(const char *s);

/* "90" or "90s", "5m", "2h", "7d", "1w" into seconds (*out). */
int cli_parse_duration(const char *s, int64_t *out);

/* SOURCE_DATE_EPOCH from the environment: -1 when unset; -2 when invalid. */
int64_t cli_source_date_epoch(void);

/* Progress printer for cg_image_opts.progress (stderr when it is a terminal). */
typedef struct cli_progress {
    int enabled;
    double start, last;
    int printed;
} cli_progress;
void cli_progress_init(cli_progress *p, int quiet);
void cli_progress_cb(void *ud, const cg_progress *p);
/* Registry transfers (cg_registry_opts.progress): "VERB 12.3 MB, 4.5 MB/s",
 * one redrawn line on stderr when it is a terminal; cli_xfer_done clears it. */
struct cg_registry_stats;
typedef struct cli_xfer {
    cli_progress p;
    const char *verb;
} cli_xfer;
void cli_xfer_init(cli_xfer *x, const char *verb, int quiet);
void cli_xfer_cb(void *ud, const struct cg_registry_stats *st);
void cli_xfer_done(cli_xfer *x);

/* Scan options shared by `scan` and `run` (cli_scanopts.c); 0 or -1.
 * Durations: 90m, 36h, 7d, 2w, 30s.  Times: RFC 3339 (Z) or epoch seconds.
 * Severities: a comma list of UNKNOWN..CRITICAL -> mask of 1u << cg_severity.
 * Package types: os, library -> CG_SCAN_PKG_* mask. */
int cli_parse_time(const char *s, int64_t *out);
int cli_parse_severities(const char *s, unsigned *mask);
int cli_parse_pkg_types(const char *s, unsigned *mask);

/* ---- before getopt (cli_config.c) ---- */
struct option;
/* Strip the global --config FILE and --no-color, then give each long option of
 * lo not named on the command line its value from CGATE_<FLAG>, else from the
 * configuration file (inserted as --flag=value after argv[0]).  Returns -1 to
 * go on with the new argc and argv, else an exit code (0 under introspection). */
int cli_args(const char *cmd, const char *shortopts, const struct option *lo, int *argc, char ***argv);
/* "unknown option X (did you mean --Y?)" against the last cli_args table. */
int cli_unknown_option(const char *cmd, const char *arg);
/* "unknown format X (did you mean Y? formats: ...)" from main.c's command table; 2. */
int cli_bad_format(const char *cmd, const char *given);
/* Levenshtein distance (words up to 64 bytes) and the nearest candidate
 * within a small distance, or NULL. */
size_t cli_edit_distance(const char *a, const char *b);
const char *cli_did_you_mean(const char *word, const char *const *cands, size_t n);
/* Introspection: while set, cli_args reports the table and returns 0. */
typedef void (*cli_introspect_fn)(void *ud, const char *cmd, const char *shortopts, const struct option *lo);
extern cli_introspect_fn cli_introspect;
extern void *cli_introspect_ud;
/* A command's getopt table (main.c, through the introspection hook). */
const struct option *cli_command_options(const char *cmd, const char **shortopts);
/* --no-color was given. */
extern int cli_no_color;
/* Set by `cgate man` and `cgate completion`: cli_args reads no environment
 * and no configuration file. */
extern int cli_no_config;
/* stdout (output NULL or "-") is a terminal. */
int cli_stdout_tty(const char *output);
/* Colour: stdout a terminal, no NO_COLOR, no --no-color. */
int cli_color(const char *output);
/* COLUMNS, else the terminal's width, else 80. */
size_t cli_term_width(void);
/* The width a table is fitted to: cli_term_width() when stdout is a terminal
 * or COLUMNS is set, else 0 (unbounded). */
size_t cli_table_width(const char *output);

int cmd_sbom(int argc, char **argv);
int cmd_db(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_policy(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_test(int argc, char **argv);
int cmd_keygen(int argc, char **argv);
int cmd_lint(int argc, char **argv);

/* `cgate scan --scanners` (scan_extra.c). */
enum { CLI_SCAN_VULN = 1, CLI_SCAN_SECRET = 2, CLI_SCAN_CONFIG = 4 };
/* "vuln,secret,config" -> mask; -1 on an unknown name or an empty list. */
int cli_parse_scanners(const char *s, unsigned *out);
struct cg_findings;
/* Secrets and image checks of img into f (sorted). */
cg_status cli_scan_extras(cg_image *img, unsigned scanners, const char *secret_config, struct cg_findings *f,
                          cg_error *err);
/* Secrets riding on the SBOM pass: begin (tap ready for cg_sbom_build_tap),
 * finish after the build (the config), free. */
#include "cgate/sbom.h"
#include "cgate/secrets.h"
typedef struct cli_secrets {
    cg_arena a;
    cg_secret_config cfg;
    cg_secret_scanner *sc;
    cg_secrets_pass *pass;
    cg_sbom_tap tap;
} cli_secrets;
cg_status cli_secrets_begin(cli_secrets *cs, cg_image *img, const char *secret_config, struct cg_findings *f,
                            cg_error *err);
cg_status cli_secrets_finish(cli_secrets *cs, cg_error *err);
void cli_secrets_free(cli_secrets *cs);

/* The password of a private key (cmd_keygen.c): COSIGN_PASSWORD when set
 * (even empty), else asked on the controlling terminal with echo off (twice
 * when confirm).  No terminal and no variable: CG_ERR_USAGE.  pw is grown
 * once to CG_PASSWORD_MAX so no copy is left by a reallocation; the caller
 * wipes it (cg_key_buf_wipe). */
cg_status cli_read_password(int confirm, cg_buf *pw, cg_error *err);
/* cli_read_password(0, ...) as a cg_password_fn for cg_key_load_private. */
cg_status cli_password_cb(void *ud, cg_buf *pw, cg_error *err);
int cmd_push(int argc, char **argv);
int cmd_pull(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_attest(int argc, char **argv);
int cmd_verify_attestation(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_audit(int argc, char **argv);

/* Shared by the commands that talk to a registry or sign (cli.c). */
struct cg_registry_opts;
struct cg_annotation;
struct cg_sign_key;
/* The registry options every command that talks to a registry takes; put
 * CLI_REGISTRY_LONGOPTS in the getopt_long table and hand each value it
 * returns to cli_parse_registry_opt. */
enum { CLI_OPT_CREDS = 0x1000, CLI_OPT_AUTHFILE, CLI_OPT_INSECURE, CLI_OPT_TIMEOUT, CLI_OPT_RETRIES };
#define CLI_REGISTRY_LONGOPTS                                                                                   \
    {"creds", required_argument, NULL, CLI_OPT_CREDS}, {"authfile", required_argument, NULL, CLI_OPT_AUTHFILE}, \
        {"insecure", no_argument, NULL, CLI_OPT_INSECURE}, {"timeout", required_argument, NULL, CLI_OPT_TIMEOUT}, \
        {"retries", required_argument, NULL, CLI_OPT_RETRIES}
/* The help text for them. */
extern const char cli_registry_help[];
/* Apply a registry option (c: a CLI_OPT_* value) to ro: 0 done, -1 not a
 * registry option, else the usage exit code (message printed). */
int cli_parse_registry_opt(const char *cmd, int c, const char *arg, struct cg_registry_opts *ro);
#define CLI_MAX_ANNOTATIONS 64
/* Parse KEY=VALUE into ann[*n] (at most CLI_MAX_ANNOTATIONS; duplicates
 * refused); arg is cut at '='.  0 or the usage exit code. */
int cli_parse_annotation(const char *cmd, char *arg, struct cg_annotation *ann, size_t *n);
/* Load a key reference (path or env://VAR): a private key (asking for its
 * password through cli_password_cb) or a public one. */
cg_status cli_load_key(const char *ref, int want_private, struct cg_sign_key **out, cg_error *err);

#endif

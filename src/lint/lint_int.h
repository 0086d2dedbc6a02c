/*
 * lint_int.h - what the files of src/lint share: variable expansion, the
 * small shell parser for RUN, the check table and the helper that turns a
 * failed check into a finding (honouring ignores).  Internal.
 */
#ifndef CG_LINT_INT_H
#define CG_LINT_INT_H

#include <stddef.h>

#include "cgate/lint.h"

const char *cg_lint_expand(cg_arena *a, const char *s, const char *const *vars, size_t n_vars);
const char *cg_lint_unquote(cg_arena *a, const char *s);

/* One simple command of a shell script: its words with quotes removed
 * (expansions left as written), and what joins it to the next one. */
typedef enum sh_sep { SH_END, SH_SEMI, SH_AND, SH_OR, SH_PIPE, SH_BG } sh_sep;
typedef struct sh_cmd {
    const char **argv;  /* argv[0] is the command (assignments and keywords skipped) */
    size_t argc;
    sh_sep sep;         /* after this command */
    int piped_in;       /* stdin from the previous command's pipe */
    int depth;          /* 0 top level; >0 inside sh -c "..." or $(...) */
} sh_cmd;

typedef struct sh_script {
    sh_cmd *cmds;
    size_t n;
    int has_pipefail;   /* "set -o pipefail" seen */
} sh_script;

/* Parse s (bounded: 4096 commands, nesting 4).  Arena-owned. */
void sh_parse(cg_arena *a, const char *s, sh_script *out);
/* basename of argv[0] equals name. */
int sh_is(const sh_cmd *c, const char *name);
/* argv has a word equal to w (from index 1). */
int sh_has(const sh_cmd *c, const char *w);
/* argv has a flag: "-y" also matches inside "-qy" when short; long "--yes". */
int sh_flag(const sh_cmd *c, char shortf, const char *longf);
/* Index of the first non-flag word after argv[0] (the subcommand), or 0. */
size_t sh_sub(const sh_cmd *c);

/* The check table (checks.c). */
const cg_check_info *cg_lint_check(const char *id);

/* Add a finding of check id on target (message printf-style).  Returns the
 * record for further filling or NULL (ignored, or out of memory). */
typedef struct lint_ctx {
    cg_findings *out;
    const char *target, *target_type;
    const cg_lint_config *cfg;
    const char **lines;      /* for code excerpts, may be NULL */
    size_t n_lines;
    const char *const *inline_ignore; /* the command's own "# hadolint ignore" */
    size_t n_inline_ignore;
    size_t n_checks;
} lint_ctx;

cg_misconfig *lint_emit(lint_ctx *x, const char *id, int start, int end, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Number of checks of a kind (MisconfSummary). */
size_t lint_count_checks(cg_check_kind k);
/* A value looks like a secret name (ENV/ARG/labels): PASSWORD, TOKEN, ... */
int lint_secret_name(const char *name);

#endif

/*
 * cli_config.c - what every command does before getopt (cli_args): strip the
 * global --config FILE and --no-color, then give each long option of the
 * command's getopt table that the command line does not name a value from
 * CGATE_<FLAG> in the environment, else from the configuration file
 * (--config, ./cgate.yaml, $XDG_CONFIG_HOME/cgate/config.yaml; keys
 * `<command>: {flag: value}` or top-level `flag: value`), by inserting
 * `--flag=value` before the user's arguments: flag > env > file, one code path
 * for every command.  Also "did you mean" for unknown options, and the
 * introspection hook that completion and man pages use to read the tables.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgate/arena.h"
#include "cli/cli.h"
#include "core/readfile.h"
#include "core/yaml.h"

int cli_no_color;
int cli_no_config;
cli_introspect_fn cli_introspect;
void *cli_introspect_ud;

static const struct option *last_lo;
static char **new_argv;
static cg_arena args_arena;
static int arena_live;

/* Allocation failed: the one line every command prints for it (exit 5). */
static int oom(void)
{
    cli_error("out of memory while reading the command line and configuration");
    return 5;
}

static void free_args(void)
{
    free(new_argv);
    new_argv = NULL;
    if (arena_live)
        cg_arena_free(&args_arena);
    arena_live = 0;
}

size_t cli_edit_distance(const char *a, const char *b)
{
    /* optimal string alignment: insertions, deletions, substitutions and
     * swaps of neighbours ("scna" -> "scan") cost 1 each */
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return 99;
    size_t d[65][65];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[la][lb];
}

const char *cli_did_you_mean(const char *word, const char *const *cands, size_t n)
{
    const char *best = NULL;
    size_t bd = 99, wl = strlen(word);
    size_t limit = wl <= 4 ? 1 : wl <= 8 ? 2 : 3;
    for (size_t i = 0; i < n; i++) {
        if (!cands[i])
            continue;
        size_t d = cli_edit_distance(word, cands[i]);
        if (d < bd) {
            bd = d;
            best = cands[i];
        }
    }
    return bd <= limit ? best : NULL;
}

int cli_unknown_option(const char *cmd, const char *arg)
{
    const char *name = arg;
    while (*name == '-')
        name++;
    char word[128];
    snprintf(word, sizeof word, "%.*s", (int)strcspn(name, "="), name);
    const char *cands[256];
    size_t n = 0;
    for (const struct option *o = last_lo; o && o->name && n < 256; o++)
        cands[n++] = o->name;
    const char *m = arg[0] == '-' && arg[1] == '-' ? cli_did_you_mean(word, cands, n) : NULL;
    if (m)
        return cli_usage_error(cmd, "unknown option %s (did you mean --%s?)", arg, m);
    return cli_usage_error(cmd, "unknown option %s", arg);
}

/* The option named by "--tok" (exact, or an unambiguous prefix as getopt
 * takes it), or NULL. */
static const struct option *long_match(const struct option *lo, const char *tok)
{
    size_t len = strcspn(tok, "=");
    const struct option *hit = NULL;
    int n = 0;
    for (const struct option *o = lo; o->name; o++) {
        if (strlen(o->name) == len && !strncmp(o->name, tok, len))
            return o;
        if (!strncmp(o->name, tok, len)) {
            hit = o;
            n++;
        }
    }
    return n == 1 ? hit : NULL;
}

/* Was option o named on the command line (long form, or its short letter)? */
static int given(const struct option *o, const char *shortopts, int argc, char **argv)
{
    int sh = o->val > ' ' && o->val < 127 && !o->flag && strchr(shortopts, o->val) && o->val != ':' && o->val != '+';
    for (int i = 1; i < argc; i++) {
        const char *t = argv[i];
        if (!strcmp(t, "--"))
            break;
        if (t[0] == '-' && t[1] == '-')
            continue; /* checked below */
        if (sh && t[0] == '-' && t[1] == o->val)
            return 1;
    }
    return 0;
}

static int given_long(const struct option *lo, const struct option *o, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *t = argv[i];
        if (!strcmp(t, "--"))
            break;
        if (t[0] == '-' && t[1] == '-' && long_match(lo, t + 2) == o)
            return 1;
    }
    return 0;
}

typedef struct inject {
    char **v;
    int n, cap;
} inject;

static int push(inject *in, char *s)
{
    if (in->n == in->cap) {
        int cap = in->cap ? in->cap * 2 : 16;
        if (cap > 4096)
            return -1;
        char **v = cg_arena_calloc(&args_arena, (size_t)cap, sizeof *v);
        if (!v)
            return -1;
        if (in->n)
            memcpy(v, in->v, (size_t)in->n * sizeof *v);
        in->v = v;
        in->cap = cap;
    }
    in->v[in->n++] = s;
    return 0;
}

/* "true"/"1"/"yes"/"on" -> 1, "false"/"0"/"no"/"off" -> 0, else -1. */
static int truth(const char *v)
{
    static const char *const yes[] = {"1", "true", "yes", "on", "True", "TRUE", "Yes", "YES"};
    static const char *const no[] = {"0", "false", "no", "off", "False", "FALSE", "No", "NO"};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
        if (!strcmp(v, yes[i]))
            return 1;
    for (size_t i = 0; i < sizeof no / sizeof *no; i++)
        if (!strcmp(v, no[i]))
            return 0;
    return -1;
}

/* Inject one value for option o (from where, for messages). */
static int add_value(inject *in, const char *cmd, const struct option *o, const char *v, const char *where)
{
    if (o->has_arg == no_argument) {
        int t = truth(v);
        if (t < 0) {
            cli_error("%s: --%s is a switch: true or false, not \"%s\"", where, o->name, v);
            return CLI_EXIT_USAGE;
        }
        if (t && push(in, cg_arena_sprintf(&args_arena, "--%s", o->name)))
            return oom();
        return 0;
    }
    (void)cmd;
    char *s = cg_arena_sprintf(&args_arena, "--%s=%s", o->name, v);
    if (!s || push(in, s))
        return oom();
    return 0;
}

static int skip_option(const struct option *o)
{
    return !strcmp(o->name, "help");
}

/* The configuration file: explicit, else ./cgate.yaml, else the XDG one. */
static const char *config_path(const char *explicit_path, int *must_exist)
{
    *must_exist = explicit_path != NULL;
    if (explicit_path)
        return explicit_path;
    struct stat sb;
    if (stat("cgate.yaml", &sb) == 0)
        return "cgate.yaml";
    const char *x = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    static char xdg[4096]; /* no allocation on the common path (allocation-failure tests count them) */
    int k = x && *x ? snprintf(xdg, sizeof xdg, "%s/cgate/config.yaml", x)
            : home && *home ? snprintf(xdg, sizeof xdg, "%s/.config/cgate/config.yaml", home)
                            : -1;
    if (k > 0 && (size_t)k < sizeof xdg && stat(xdg, &sb) == 0)
        return xdg;
    return NULL;
}

static const char *const command_names[] = {"sbom", "db", "scan", "policy", "keygen", "push", "pull", "lint",
                                            "eval", "test", "sign", "verify", "attest", "verify-attestation",
                                            "serve", "run", "audit"};

static int is_command(const char *k)
{
    for (size_t i = 0; i < sizeof command_names / sizeof *command_names; i++)
        if (!strcmp(k, command_names[i]))
            return 1;
    return 0;
}

/* Values of one key (scalar, or a sequence of scalars) for option o. */
static int add_node(inject *in, const char *cmd, const struct option *o, const cg_yaml_node *v, const char *where)
{
    if (v->kind == CG_YAML_SCALAR)
        return add_value(in, cmd, o, v->str, where);
    if (v->kind == CG_YAML_SEQ) {
        for (size_t i = 0; i < v->n; i++) {
            if (v->vals[i]->kind != CG_YAML_SCALAR) {
                cli_error("%s: --%s: a value or a list of values", where, o->name);
                return CLI_EXIT_USAGE;
            }
            int rc = add_value(in, cmd, o, v->vals[i]->str, where);
            if (rc)
                return rc;
        }
        return 0;
    }
    cli_error("%s: --%s: a value or a list of values, not a mapping", where, o->name);
    return CLI_EXIT_USAGE;
}

/* Any command's long option of this name? (for top-level keys) */
static int any_command_has(const char *name)
{
    for (size_t i = 0; i < sizeof command_names / sizeof *command_names; i++) {
        const struct option *lo = cli_command_options(command_names[i], NULL);
        for (; lo && lo->name; lo++)
            if (!strcmp(lo->name, name))
                return 1;
    }
    return 0;
}

static const struct option *find_opt(const struct option *lo, const char *name)
{
    for (; lo->name; lo++)
        if (!strcmp(lo->name, name) && !skip_option(lo))
            return lo;
    return NULL;
}

static int unknown_key(const char *file, int line, const char *section, const char *key, const struct option *lo)
{
    const char *cands[300];
    size_t n = 0;
    if (lo)
        for (; lo->name && n < 300; lo++)
            cands[n++] = lo->name;
    else
        for (size_t i = 0; i < sizeof command_names / sizeof *command_names; i++)
            cands[n++] = command_names[i];
    const char *m = cli_did_you_mean(key, cands, n);
    cli_error("%s:%d: unknown key \"%s%s%s\"%s%s%s", file, line, section ? section : "", section ? "." : "", key,
              m ? " (did you mean \"" : "", m ? m : "", m ? "\"?)" : "");
    return CLI_EXIT_USAGE;
}

/* Read the file and add values for options not given and not set by env
 * (done[] marks those). */
static int from_file(const char *path, int must_exist, const char *cmd, const struct option *lo, char *done,
                     inject *in)
{
    cg_error err;
    cg_error_clear(&err);
    cg_buf b = CG_BUF_INIT;
    cg_status st = cg_read_file(path, 1u << 20, "configuration file", &b, &err);
    if (st != CG_OK) {
        cg_buf_free(&b);
        (void)must_exist; /* found by stat, or named: unreadable is an error either way */
        return cli_fail(&err);
    }
    cg_yaml_limits lim = {16, 1, 100000, 1000, 1, 1};
    cg_yaml_doc *docs = NULL;
    size_t nd = 0;
    st = cg_yaml_parse((const uint8_t *)(b.data ? b.data : ""), b.len, path, &lim, &args_arena, &docs, &nd, &err);
    cg_buf_free(&b);
    if (st != CG_OK) {
        cli_fail(&err);
        return CLI_EXIT_USAGE;
    }
    const cg_yaml_node *root = nd ? docs[0].root : NULL;
    if (!root || cg_yaml_is_null(root))
        return 0;
    if (root->kind != CG_YAML_MAP) {
        cli_error("%s:%d: the configuration is a mapping of commands and flags", path, root->line);
        return CLI_EXIT_USAGE;
    }
    /* validate everything first: a typo in any section is reported */
    for (size_t i = 0; i < root->n; i++) {
        const char *k = root->keys[i];
        const cg_yaml_node *v = root->vals[i];
        /* "db" and "policy" are commands and options both: a mapping is the
         * command's section, a value the option */
        if (is_command(k) && (v->kind == CG_YAML_MAP || !any_command_has(k))) {
            if (cg_yaml_is_null(v))
                continue;
            if (v->kind != CG_YAML_MAP) {
                cli_error("%s:%d: \"%s\": a mapping of its flags", path, root->key_lines[i], k);
                return CLI_EXIT_USAGE;
            }
            const struct option *clo = cli_command_options(k, NULL);
            for (size_t j = 0; j < v->n; j++)
                if (!clo || !find_opt(clo, v->keys[j]))
                    return unknown_key(path, v->key_lines[j], k, v->keys[j], clo);
        } else if (!any_command_has(k) || !strcmp(k, "help")) {
            return unknown_key(path, root->key_lines[i], NULL, k, lo);
        }
    }
    /* the command's own section beats top-level keys */
    const cg_yaml_node *sec = cg_yaml_get(root, cmd);
    for (size_t pass = 0; pass < 2; pass++) {
        const cg_yaml_node *m = pass == 0 ? (sec && sec->kind == CG_YAML_MAP ? sec : NULL) : root;
        if (!m)
            continue;
        for (size_t j = 0; j < m->n; j++) {
            const cg_yaml_node *val = m->vals[j];
            if (pass == 1 && is_command(m->keys[j]) && (val->kind == CG_YAML_MAP || cg_yaml_is_null(val)))
                continue; /* a command's section, not a top-level option */
            const struct option *o = find_opt(lo, m->keys[j]);
            if (!o || done[o - lo])
                continue;
            char where[600];
            snprintf(where, sizeof where, "%.500s:%d", path, m->key_lines[j]);
            int rc = add_node(in, cmd, o, m->vals[j], where);
            if (rc)
                return rc;
            done[o - lo] = 1;
        }
    }
    return 0;
}

int cli_args(const char *cmd, const char *shortopts, const struct option *lo, int *argc, char ***argv)
{
    if (cli_introspect) {
        cli_introspect(cli_introspect_ud, cmd, shortopts, lo);
        return 0;
    }
    last_lo = lo;
    if (!arena_live) {
        cg_arena_init(&args_arena);
        arena_live = 1;
        atexit(free_args);
    }
    int own_config = find_opt(lo, "config") != NULL;
    /* strip --config FILE (unless the command has its own) and --no-color */
    const char *config = NULL;
    /* a copy of argv only when there is something to strip */
    int strip = 0;
    for (int i = 1; i < *argc; i++) {
        const char *t = (*argv)[i];
        if (!strcmp(t, "--"))
            break;
        if (!strcmp(t, "--no-color") || (!own_config && !strncmp(t, "--config", 8) && (t[8] == '=' || !t[8])))
            strip = 1;
    }
    char **v = *argv;
    int n = *argc;
    if (strip && !(v = cg_arena_calloc(&args_arena, (size_t)*argc + 1, sizeof *v)))
        return oom();
    if (strip)
        n = 0;
    for (int i = 0; strip && i < *argc; i++) {
        char *t = (*argv)[i];
        int after = 0;
        for (int j = 1; j < i; j++)
            if (!strcmp((*argv)[j], "--"))
                after = 1;
        if (i > 0 && !after && !strcmp(t, "--no-color")) {
            cli_no_color = 1;
            continue;
        }
        if (i > 0 && !after && !own_config && !strncmp(t, "--config", 8) && (t[8] == '=' || !t[8])) {
            if (t[8] == '=')
                config = t + 9;
            else if (i + 1 < *argc)
                config = (*argv)[++i];
            else
                return cli_usage_error(cmd, "--config needs a file");
            continue;
        }
        v[n++] = t;
    }
    if (strip)
        v[n] = NULL;
    size_t nopt = 0;
    while (lo[nopt].name)
        nopt++;
    /* --help, and the generators (man, completion), never read configuration:
     * a broken file must not hide the help that explains it */
    int help = cli_no_config;
    for (int i = 1; i < n && !help; i++) {
        if (!strcmp(v[i], "--"))
            break;
        help = !strcmp(v[i], "--help") || !strcmp(v[i], "-h");
    }
    if (help) {
        *argc = n;
        *argv = v;
        return -1;
    }
    char done_small[256] = {0};
    char *done = nopt < sizeof done_small ? done_small : cg_arena_calloc(&args_arena, nopt + 1, 1);
    if (!done)
        return oom();
    inject in = {NULL, 0, 0};
    char envname[128];
    for (size_t k = 0; k < nopt; k++) {
        const struct option *o = &lo[k];
        if (skip_option(o) || given(o, shortopts, n, v) || given_long(lo, o, n, v)) {
            done[k] = 1;
            continue;
        }
        size_t e = (size_t)snprintf(envname, sizeof envname, "CGATE_");
        for (const char *p = o->name; *p && e + 1 < sizeof envname; p++)
            envname[e++] = *p == '-' ? '_' : (char)toupper((unsigned char)*p);
        envname[e] = 0;
        const char *val = getenv(envname);
        if (!val || !*val)
            continue;
        int rc = add_value(&in, cmd, o, val, envname);
        if (rc)
            return rc;
        done[k] = 1;
    }
    int must = 0;
    const char *path = config_path(config, &must);
    if (path) {
        int rc = from_file(path, must, cmd, lo, done, &in);
        if (rc)
            return rc;
    }
    if (in.n) {
        char **nv = cg_arena_calloc(&args_arena, (size_t)(n + in.n) + 1, sizeof *nv);
        if (!nv)
            return oom();
        nv[0] = v[0];
        memcpy(nv + 1, in.v, (size_t)in.n * sizeof *nv);
        memcpy(nv + 1 + in.n, v + 1, (size_t)(n - 1) * sizeof *nv);
        v = nv;
        n += in.n;
    }
    *argc = n;
    *argv = v;
    return -1;
}

/* ---- terminal ---- */

int cli_stdout_tty(const char *output)
{
    return (!output || !strcmp(output, "-")) && isatty(STDOUT_FILENO);
}

int cli_color(const char *output)
{
    const char *nc = getenv("NO_COLOR");
    return !cli_no_color && !(nc && *nc) && cli_stdout_tty(output);
}

size_t cli_term_width(void)
{
    const char *c = getenv("COLUMNS");
    if (c && *c) {
        char *end;
        long v = strtol(c, &end, 10);
        if (!*end && v >= 20 && v <= 10000)
            return (size_t)v;
    }
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
        return ws.ws_col;
    return 80;
}

size_t cli_table_width(const char *output)
{
    const char *c = getenv("COLUMNS");
    if ((c && *c) || cli_stdout_tty(output))
        return cli_term_width();
    return 0;
}

/*
 * main.c - the cgate command: global options and dispatch to cmd_*.c.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <malloc.h>
#include <unistd.h>
#include <sqlite3.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "core/oom.h"

static const char usage[] =
    "usage: cgate [--version] [--help] COMMAND [ARGS]\n"
    "\n"
    "cgate is a container-image supply-chain gate: image -> SBOM -> scan ->\n"
    "policy -> push by digest -> sign + attest -> tag.\n"
    "\n"
    "Commands:\n"
    "  sbom    list the packages in an image (CycloneDX 1.6, SPDX 2.3, table)\n"
    "  db      the vulnerability DB: import, status, update\n"
    "  scan    match an image's packages against the vulnerability DB (Trivy JSON,\n"
    "          SARIF 2.1.0, CycloneDX with vulnerabilities, table)\n"
    "  lint    check Dockerfiles, Kubernetes manifests and images for\n"
    "          misconfigurations (hadolint / Trivy config checks)\n"
    "  policy  decide pass or deny for a vulnerability report (exit 0 / 1)\n"
    "  keygen  write a cosign-compatible key pair (cosign.key, cosign.pub)\n"
    "  push    copy an image to a registry: blobs, manifest by digest, tag last\n"
    "  pull    copy an image (from a registry) into an OCI layout, every blob verified\n"
    "  sign    sign an image in a registry (cosign's format)\n"
    "  verify  verify an image's cosign signatures under a public key\n"
    "  attest  attach a signed SBOM attestation (in-toto, DSSE) to an image\n"
    "  verify-attestation  verify an image's attestations of a predicate type\n"
    "  serve   watch what was let through: registry webhooks, re-matching, alerts\n"
    "  run     the whole gate in one process: (build ->) SBOM -> scan -> policy ->\n"
    "          push by digest -> sign + attest -> tag, with an artifacts folder\n"
    "  audit   check a run's hash-chained audit log and artifacts (audit verify DIR)\n"
    "  completion  print a bash, zsh or fish completion script\n"
    "  man     write a command's man page (roff)\n"
    "\n"
    "Images: docker-archive:PATH, oci:DIR[:TAG], oci-archive:PATH[:TAG],\n"
    "dir:PATH, docker://HOST/REPO[:TAG|@DIGEST] (a registry), or a plain path\n"
    "(detected).\n"
    "\n"
    "Output: a table when stdout is a terminal, JSON (or the command's\n"
    "default format) otherwise; -f chooses.  --no-color (or NO_COLOR) turns\n"
    "colours off.  Every long option may also come from CGATE_<OPTION> or a\n"
    "configuration file (--config FILE, ./cgate.yaml,\n"
    "$XDG_CONFIG_HOME/cgate/config.yaml): flag > environment > file.\n"
    "\n"
    "Exit codes: 0 success, 1 denied (policy deny, findings with --exit-code,\n"
    "push refused by --require-decision, nothing verified), 2 usage error,\n"
    "3 bad input, 4 registry or network error, 5 internal error.\n"
    "\n"
    "Run 'cgate COMMAND --help' for a command's options.\n";

/* One row per command: what drives dispatch, "did you mean", shell
 * completion and the man pages (their text is the command's own --help). */
typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
    const char *subs;    /* sub-commands, space-separated, or NULL */
    const char *formats; /* -f values, space-separated, or NULL */
} command;

static const command commands[] = {
    {"sbom", cmd_sbom, "list the packages in an image", NULL, "cyclonedx-json spdx-json table"},
    {"db", cmd_db, "the vulnerability DB: import, status, update", "import status update sources", "text json"},
    {"scan", cmd_scan, "match an image's packages against the vulnerability DB", NULL,
     "json sarif cyclonedx table html"},
    {"lint", cmd_lint, "check Dockerfiles, Kubernetes manifests and images for misconfigurations", NULL,
     "json sarif table conftest"},
    {"policy", cmd_policy, "decide pass or deny for a vulnerability report", NULL, "json table html"},
    {"eval", cmd_eval, "evaluate a Rego query", NULL, NULL},
    {"test", cmd_test, "run Rego unit tests", NULL, NULL},
    {"keygen", cmd_keygen, "write a cosign-compatible key pair", NULL, NULL},
    {"push", cmd_push, "copy an image to a registry: blobs, manifest by digest, tag last", NULL, NULL},
    {"pull", cmd_pull, "copy an image into an OCI layout, every blob verified", NULL, NULL},
    {"sign", cmd_sign, "sign an image in a registry (cosign's format)", NULL, NULL},
    {"verify", cmd_verify, "verify an image's cosign signatures under a public key", NULL, NULL},
    {"attest", cmd_attest, "attach a signed SBOM attestation (in-toto, DSSE) to an image", NULL, NULL},
    {"verify-attestation", cmd_verify_attestation, "verify an image's attestations of a predicate type", NULL,
     NULL},
    {"serve", cmd_serve, "watch what was let through: registry webhooks, re-matching, alerts", "hash-token", NULL},
    {"run", cmd_run, "the whole gate in one process, with an artifacts folder", NULL, NULL},
    {"audit", cmd_audit, "check a run's hash-chained audit log and artifacts", "verify", NULL},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static const command *find_cmd(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (!strcmp(commands[i].name, name))
            return &commands[i];
    return NULL;
}

static int (*find(const char *name))(int, char **)
{
    const command *c = find_cmd(name);
    return c ? c->run : NULL;
}

static int unknown_command(const char *name)
{
    const char *cands[N_COMMANDS + 3];
    size_t n = 0;
    for (size_t i = 0; i < N_COMMANDS; i++)
        cands[n++] = commands[i].name;
    cands[n++] = "completion";
    cands[n++] = "man";
    cands[n++] = "help";
    const char *m = cli_did_you_mean(name, cands, n);
    if (m)
        fprintf(stderr, "cgate: unknown command '%s' (did you mean '%s'?)\n", name, m);
    else
        fprintf(stderr, "cgate: unknown command '%s' (see 'cgate --help')\n", name);
    return CLI_EXIT_USAGE;
}

int cli_bad_format(const char *cmd, const char *given)
{
    const command *c = find_cmd(cmd);
    const char *list = c && c->formats ? c->formats : "";
    char buf[256], *cands[16];
    size_t n = 0;
    snprintf(buf, sizeof buf, "%s", list);
    for (char *p = buf; *p && n < 16;) {
        cands[n++] = p;
        p += strcspn(p, " ");
        if (*p)
            *p++ = 0;
    }
    const char *m = cli_did_you_mean(given, (const char *const *)cands, n);
    char shown[300] = "";
    for (size_t i = 0, k = 0; i < n && k < sizeof shown; i++) {
        int w = snprintf(shown + k, sizeof shown - k, "%s%s", i ? ", " : "", cands[i]);
        if (w < 0)
            break;
        k += (size_t)w;
    }
    if (m)
        return cli_usage_error(cmd, "unknown format \"%s\" (did you mean \"%s\"? formats: %s)", given, m, shown);
    return cli_usage_error(cmd, "unknown format \"%s\" (formats: %s)", given, shown);
}

/* ---- introspection: the getopt tables, read by running each command with
 * the cli_args hook set ---- */
typedef struct table_info {
    const char *shortopts;
    const struct option *lo;
} table_info;

static void collect(void *ud, const char *cmd, const char *shortopts, const struct option *lo)
{
    (void)cmd;
    table_info *t = ud;
    if (!t->lo) {
        t->shortopts = shortopts;
        t->lo = lo;
    }
}

const struct option *cli_command_options(const char *name, const char **shortopts)
{
    static table_info cache[N_COMMANDS];
    static int done[N_COMMANDS];
    const command *c = find_cmd(name);
    if (!c)
        return NULL;
    size_t i = (size_t)(c - commands);
    if (!done[i]) {
        cli_introspect_fn saved = cli_introspect;
        void *saved_ud = cli_introspect_ud;
        cli_introspect = collect;
        cli_introspect_ud = &cache[i];
        char *argv[] = {(char *)c->name, c->subs ? (char *)"status" : NULL, NULL};
        if (!strcmp(c->name, "audit"))
            argv[1] = (char *)"verify";
        if (!strcmp(c->name, "serve"))
            argv[1] = NULL;
        c->run(argv[1] ? 2 : 1, argv);
        cli_introspect = saved;
        cli_introspect_ud = saved_ud;
        done[i] = 1;
    }
    if (shortopts)
        *shortopts = cache[i].shortopts;
    return cache[i].lo;
}

/* The command's --help text (what it prints, captured). */
static char *help_text(const command *c)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *saved = stdout, *m = open_memstream(&buf, &len);
    if (!m)
        return NULL;
    stdout = m;
    char *argv[] = {(char *)c->name, (char *)"--help", NULL};
    if (!strcmp(c->name, "db") || !strcmp(c->name, "audit"))
        argv[1] = (char *)"--help";
    c->run(2, argv);
    fflush(m);
    stdout = saved;
    fclose(m);
    return buf;
}

/* The description the help gives an option: the text after its flags. */
static void opt_desc(const char *help, const char *name, char *out, size_t cap)
{
    out[0] = 0;
    if (!help)
        return;
    char pat[80];
    snprintf(pat, sizeof pat, "--%s", name);
    for (const char *p = help; (p = strstr(p, pat)) != NULL; p++) {
        char after = p[strlen(pat)];
        if (after != ' ' && after != '\n' && after != ',' && after != '=')
            continue;
        const char *bol = p;
        while (bol > help && bol[-1] != '\n')
            bol--;
        if (bol[0] != ' ' || (size_t)(p - bol) > 12)
            continue;
        const char *q = p + strlen(pat), *eol = strchr(q, '\n');
        if (!eol)
            eol = q + strlen(q);
        const char *d = strstr(q, "  ");
        if (!d || d >= eol)
            return; /* description on the next line */
        while (*d == ' ')
            d++;
        size_t n = (size_t)(eol - d);
        if (n >= cap)
            n = cap - 1;
        size_t k = 0;
        for (size_t j = 0; j < n; j++) /* shell-safe: no quotes, no brackets */
            if (!strchr("'\"[]:\\`$", d[j]))
                out[k++] = d[j];
        out[k] = 0;
        return;
    }
}

static const char *const file_opts[] = {"output", "db", "sbom", "policy", "exceptions", "vex", "context", "from",
                                       "key", "secret-config", "runtime-evidence", "vex-out", "authfile", "config",
                                       "predicate", "dockerfile", "build-context", "artifacts", "sources",
                                       "token-file", "tls-cert", "tls-key", "alert-log", "webhook-secret-file",
                                       "store", "require-decision", "data", "input", NULL};

static int takes_file(const char *name)
{
    for (size_t i = 0; file_opts[i]; i++)
        if (!strcmp(file_opts[i], name))
            return 1;
    return 0;
}

/* s inside a single-quoted shell word: ' as '\'' */
static void put_sq(const char *s)
{
    for (; *s; s++)
        if (*s == '\'')
            fputs("'\\''", stdout);
        else
            putchar(*s);
}

static void bash_completion(void)
{
    puts("# bash completion for cgate (generated by `cgate completion bash`)");
    puts("_cgate() {");
    puts("    local cur prev cmd opts subs fmts");
    puts("    cur=\"${COMP_WORDS[COMP_CWORD]}\"");
    puts("    prev=\"${COMP_WORDS[COMP_CWORD-1]}\"");
    fputs("    if [ \"$COMP_CWORD\" -eq 1 ]; then\n        COMPREPLY=($(compgen -W \"", stdout);
    for (size_t i = 0; i < N_COMMANDS; i++)
        printf("%s ", commands[i].name);
    puts("completion help --help --version\" -- \"$cur\"))\n        return\n    fi");
    puts("    cmd=\"${COMP_WORDS[1]}\"");
    puts("    case \"$cmd\" in");
    for (size_t i = 0; i < N_COMMANDS; i++) {
        const command *c = &commands[i];
        const struct option *lo = cli_command_options(c->name, NULL);
        printf("    %s) opts=\"", c->name);
        for (; lo && lo->name; lo++)
            printf("--%s ", lo->name);
        printf("--config --no-color\"; subs=\"%s\"; fmts=\"%s\" ;;\n", c->subs ? c->subs : "",
               c->formats ? c->formats : "");
    }
    puts("    completion) COMPREPLY=($(compgen -W \"bash zsh fish\" -- \"$cur\")); return ;;");
    puts("    *) return ;;");
    puts("    esac");
    puts("    case \"$prev\" in");
    puts("    -f|--format) COMPREPLY=($(compgen -W \"$fmts\" -- \"$cur\")); return ;;");
    fputs("    -o|-p|-c", stdout);
    for (size_t i = 0; file_opts[i]; i++)
        printf("|--%s", file_opts[i]);
    puts(") COMPREPLY=($(compgen -f -- \"$cur\")); return ;;");
    puts("    esac");
    puts("    if [ \"$COMP_CWORD\" -eq 2 ] && [ -n \"$subs\" ] && [[ \"$cur\" != -* ]]; then");
    puts("        COMPREPLY=($(compgen -W \"$subs\" -- \"$cur\")); return");
    puts("    fi");
    puts("    if [[ \"$cur\" == -* ]]; then");
    puts("        COMPREPLY=($(compgen -W \"$opts --help\" -- \"$cur\"))");
    puts("    else");
    puts("        COMPREPLY=($(compgen -f -- \"$cur\"))");
    puts("    fi");
    puts("}");
    puts("complete -o default -F _cgate cgate");
}

static void zsh_completion(void)
{
    puts("#compdef cgate");
    puts("# zsh completion for cgate (generated by `cgate completion zsh`)");
    puts("_cgate() {");
    puts("  local -a cmds");
    puts("  cmds=(");
    for (size_t i = 0; i < N_COMMANDS; i++) {
        printf("    '%s:", commands[i].name);
        put_sq(commands[i].summary);
        puts("'");
    }
    puts("    'completion:print a shell completion script'");
    puts("  )");
    puts("  if (( CURRENT == 2 )); then _describe 'command' cmds; return; fi");
    puts("  case $words[2] in");
    for (size_t i = 0; i < N_COMMANDS; i++) {
        const command *c = &commands[i];
        const struct option *lo = cli_command_options(c->name, NULL);
        char *help = help_text(c);
        printf("  %s)\n    _arguments -s \\\n", c->name);
        for (; lo && lo->name; lo++) {
            char d[200];
            opt_desc(help, lo->name, d, sizeof d);
            if (lo->has_arg == no_argument)
                printf("      '--%s[%s]' \\\n", lo->name, d);
            else if (!strcmp(lo->name, "format") && c->formats)
                printf("      '--%s=[%s]:format:(%s)' \\\n", lo->name, d, c->formats);
            else
                printf("      '--%s=[%s]:%s:%s' \\\n", lo->name, d, lo->name, takes_file(lo->name) ? "_files" : " ");
        }
        printf("      '--config=[configuration file]:file:_files' '--no-color[no colours]' \\\n");
        if (c->subs)
            printf("      '1:subcommand:(%s)' '*:file:_files'\n", c->subs);
        else
            printf("      '*:file:_files'\n");
        puts("    ;;");
        free(help);
    }
    puts("  completion) _arguments '1:shell:(bash zsh fish)' ;;");
    puts("  esac");
    puts("}");
    puts("_cgate \"$@\"");
}

static void fish_completion(void)
{
    puts("# fish completion for cgate (generated by `cgate completion fish`)");
    puts("complete -c cgate -f");
    for (size_t i = 0; i < N_COMMANDS; i++) {
        printf("complete -c cgate -n __fish_use_subcommand -a %s -d '", commands[i].name);
        put_sq(commands[i].summary);
        puts("'");
    }
    puts("complete -c cgate -n __fish_use_subcommand -a completion -d 'print a shell completion script'");
    puts("complete -c cgate -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'");
    for (size_t i = 0; i < N_COMMANDS; i++) {
        const command *c = &commands[i];
        const struct option *lo = cli_command_options(c->name, NULL);
        char *help = help_text(c);
        if (c->subs)
            printf("complete -c cgate -n '__fish_seen_subcommand_from %s' -a '%s'\n", c->name, c->subs);
        for (; lo && lo->name; lo++) {
            char d[200];
            opt_desc(help, lo->name, d, sizeof d);
            printf("complete -c cgate -n '__fish_seen_subcommand_from %s' -l %s%s%s -d '%s'", c->name, lo->name,
                   lo->has_arg != no_argument ? " -r" : "", takes_file(lo->name) ? " -F" : "", d);
            if (!strcmp(lo->name, "format") && c->formats)
                printf(" -a '%s'", c->formats);
            putchar('\n');
        }
        free(help);
    }
}

/* roff-escape one line of text. */
static void roff_line(const char *s, size_t n)
{
    if (n && (s[0] == '.' || s[0] == '\''))
        fputs("\\&", stdout);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\')
            fputs("\\e", stdout);
        else if (s[i] == '-')
            fputs("\\-", stdout);
        else
            putchar(s[i]);
    }
    putchar('\n');
}

/* A man page from a --help text: usage lines become SYNOPSIS, "Options:"
 * lines become tagged paragraphs, other headings ("Exit codes:") sections,
 * indented blocks stay as laid out. */
static void man_from_help(const char *page, const char *summary, const char *help)
{
    char up[64];
    size_t k = 0;
    for (const char *p = page; *p && k + 1 < sizeof up; p++)
        up[k++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
    up[k] = 0;
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    (void)sde;
    printf(".TH %s 1 \"\" \"cgate %s\" \"cgate manual\"\n", up, CGATE_VERSION);
    printf(".SH NAME\n%s \\- %s\n", page, summary);
    int section = 0; /* 0 synopsis, 1 description, 2 options, 3 other */
    int nf = 0, in_opt = 0;
    puts(".SH SYNOPSIS\n.nf");
    nf = 1;
    const char *p = help ? help : "";
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t n = eol ? (size_t)(eol - p) : strlen(p);
        const char *line = p;
        p += n + (eol ? 1 : 0);
        if (section == 0) {
            if (!strncmp(line, "usage: ", 7)) {
                roff_line(line + 7, n - 7);
                continue;
            }
            if (n > 7 && !strncmp(line, "       ", 7)) {
                roff_line(line + 7, n - 7);
                continue;
            }
            puts(".fi\n.SH DESCRIPTION");
            nf = 0;
            section = 1;
        }
        if (n == 0) {
            if (nf) {
                puts(".fi");
                nf = 0;
            }
            in_opt = 0;
            puts(".PP");
            continue;
        }
        if (line[0] != ' ' && line[n - 1] == ':' && n < 40) { /* a heading */
            if (nf) {
                puts(".fi");
                nf = 0;
            }
            in_opt = 0;
            printf(".SH ");
            for (size_t i = 0; i + 1 < n; i++)
                putchar(line[i] >= 'a' && line[i] <= 'z' ? line[i] - 32 : line[i]);
            putchar('\n');
            section = !strncmp(line, "Options", 7) ? 2 : 3;
            continue;
        }
        size_t ind = strspn(line, " ");
        if (ind >= 2 && ind <= 8 && line[ind] == '-') { /* an option line */
            if (nf) {
                puts(".fi");
                nf = 0;
            }
            const char *d = strstr(line + ind, "  ");
            if (d && d >= line + n)
                d = NULL;
            size_t fl = d ? (size_t)(d - line - ind) : n - ind;
            puts(".TP");
            fputs(".B ", stdout);
            roff_line(line + ind, fl);
            if (d) {
                while (*d == ' ')
                    d++;
                roff_line(d, (size_t)(line + n - d));
            }
            in_opt = 1;
            continue;
        }
        if (in_opt && ind >= 10) { /* an option's continuation */
            roff_line(line + ind, n - ind);
            continue;
        }
        in_opt = 0;
        /* laid out by hand (indented, or columns separated by runs of spaces): keep it */
        int pre = ind > 0 || memmem(line, n, "   ", 3) != NULL;
        if (pre && !nf) {
            puts(".nf");
            nf = 1;
        } else if (!pre && nf) {
            puts(".fi");
            nf = 0;
        }
        roff_line(line, n);
    }
    if (nf)
        puts(".fi");
    if (strcmp(page, "cgate")) {
        puts(".SH ENVIRONMENT AND CONFIGURATION");
        puts("Every long option can also be given as an environment variable CGATE_<OPTION> (upper case, "
             "'\\-' as '_') or in the configuration file (\\-\\-config FILE, ./cgate.yaml, "
             "$XDG_CONFIG_HOME/cgate/config.yaml); the command line wins over the environment, which wins over "
             "the file.");
    }
    puts(".SH SEE ALSO");
    puts(strcmp(page, "cgate") ? "cgate(1)" : "cgate\\-scan(1), cgate\\-sbom(1), cgate\\-policy(1), cgate\\-run(1)");
}

static int cmd_man(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help")) {
        fputs("usage: cgate man COMMAND|cgate\n\nWrite the man page of a command (roff) to stdout.\n",
              argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_EXIT_USAGE : 0;
    }
    if (!strcmp(argv[1], "cgate")) {
        man_from_help("cgate", "a container-image supply-chain gate", usage);
        return 0;
    }
    const command *c = find_cmd(argv[1]);
    if (!c)
        return unknown_command(argv[1]);
    char *help = help_text(c);
    char page[80];
    snprintf(page, sizeof page, "cgate-%s", c->name);
    man_from_help(page, c->summary, help);
    free(help);
    return 0;
}

static int cmd_completion(int argc, char **argv)
{
    const char *sh = argc > 1 ? argv[1] : "";
    if (!strcmp(sh, "bash"))
        bash_completion();
    else if (!strcmp(sh, "zsh"))
        zsh_completion();
    else if (!strcmp(sh, "fish"))
        fish_completion();
    else if (!strcmp(sh, "--help") || !strcmp(sh, "-h")) {
        fputs("usage: cgate completion bash|zsh|fish\n\nPrint a completion script for the shell:\n"
              "  source <(cgate completion bash)\n  cgate completion zsh > \"${fpath[1]}/_cgate\"\n"
              "  cgate completion fish > ~/.config/fish/completions/cgate.fish\n",
              stdout);
        return 0;
    } else {
        const char *sh3[] = {"bash", "zsh", "fish"};
        const char *m = *sh ? cli_did_you_mean(sh, sh3, 3) : NULL;
        if (m)
            return cli_usage_error("completion", "unknown shell \"%s\" (did you mean \"%s\"?)", sh, m);
        return cli_usage_error("completion", "give bash, zsh or fish");
    }
    return fflush(stdout) == 0 ? 0 : 3;
}

static void *json_malloc_or_exit(size_t n)
{
    void *p = malloc(n);
    if (!p) {
        static const char msg[] = "cgate: out of memory\n";
        if (write(2, msg, sizeof msg - 1) < 0)
            _exit(5);
        _exit(5);
    }
    return p;
}

/* SQLite's allocations, counted like libcgate's own (core/oom.h). */
static void *sq_malloc(int n)
{
    return n > 0 ? cg_oom_malloc((size_t)n) : NULL;
}
static void sq_free(void *p)
{
    free(p);
}
static void *sq_realloc(void *p, int n)
{
    void *q = realloc(p, n > 0 ? (size_t)n : 1);
    if (!q)
        cg_oom_note();
    return q;
}
static int sq_size(void *p)
{
    return p ? (int)malloc_usable_size(p) : 0;
}
static int sq_roundup(int n)
{
    return (n + 7) & ~7;
}
static int sq_init(void *ud)
{
    (void)ud;
    return SQLITE_OK;
}
static void sq_shutdown(void *ud)
{
    (void)ud;
}

/* OpenSSL 3 sets up its provider store on the first fetch and does not survive an
 * allocation failure there (a NULL lock): fetch SHA-256 once at start-up. */
static int warm_up_digests(void)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_MD *sha = EVP_MD_fetch(NULL, "SHA256", NULL);
    int ok = sha && EVP_Digest("", 0, md, &n, sha, NULL);
    EVP_MD_free(sha);
    return ok;
}

/* Some libraries end the process themselves when an allocation fails
 * (libarchive 3.6: "Fatal Internal Error in libarchive: No memory", exit 1,
 * which would read as a policy deny).  main() clears this flag when it
 * returns; an exit() from anywhere else is a library giving up: exit 5 with
 * one line of ours.  cgate itself never calls exit(). */
static volatile int g_main_returned;

static void library_exit_guard(void)
{
    if (g_main_returned)
        return;
    static const char msg[] = "cgate: out of memory (a library ended the process); nothing was written\n";
    if (write(2, msg, sizeof msg - 1) < 0)
        _exit(5);
    _exit(5);
}

static int cli_main(int argc, char **argv);

int main(int argc, char **argv)
{
    if (atexit(library_exit_guard) != 0) {
        fputs("cgate: out of memory while starting\n", stderr);
        return 5;
    }
    int rc = cli_main(argc, argv);
    g_main_returned = 1;
    return rc;
}

static int cli_main(int argc, char **argv)
{
    /* jansson 2.14 does not survive a failed allocation inside its parser (it
     * crashes: tests/integration/test_alloc_failure.sh found it), so the CLI's
     * jansson allocator ends the run cleanly instead: exit 5, one line.  Outputs
     * are written whole from finished buffers, so nothing partial is left. */
    json_set_alloc_funcs(json_malloc_or_exit, free);
    /* the libraries' one-time set-up, done here rather than lazily mid-command:
     * it is not theirs to fail gracefully, and allocation-failure tests start
     * counting after it (tests/tools/failalloc.c arms on this getenv) */
    static const sqlite3_mem_methods sq_mem = {sq_malloc, sq_free, sq_realloc, sq_size, sq_roundup,
                                               sq_init, sq_shutdown, NULL};
    sqlite3_config(SQLITE_CONFIG_MALLOC, &sq_mem);
    if (!OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CRYPTO_STRINGS | OPENSSL_INIT_ADD_ALL_CIPHERS |
                                 OPENSSL_INIT_ADD_ALL_DIGESTS, NULL) ||
        sqlite3_initialize() != SQLITE_OK || !warm_up_digests()) {
        fputs("cgate: out of memory while starting\n", stderr);
        return 5;
    }
    (void)getenv("CG_FAILALLOC_ARM");
    if (argc < 2) {
        fputs(usage, stderr);
        return CLI_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        if (argc > 2 && !strcmp(cmd, "help")) {
            char *sub[] = {argv[2], "--help", NULL};
            int (*run)(int, char **) = find(argv[2]);
            if (run)
                return run(2, sub);
            return unknown_command(argv[2]);
        }
        fputs(usage, stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V") || !strcmp(cmd, "version")) {
        printf("cgate %s (git %s)\n", CGATE_VERSION, CGATE_GIT_REVISION);
        return 0;
    }
    if (!strcmp(cmd, "completion") || !strcmp(cmd, "man")) {
        cli_no_config = 1; /* generated from the tables and --help alone */
        return !strcmp(cmd, "man") ? cmd_man(argc - 1, argv + 1) : cmd_completion(argc - 1, argv + 1);
    }
    int (*run)(int, char **) = find(cmd);
    if (run)
        return run(argc - 1, argv + 1);
    return unknown_command(cmd);
}

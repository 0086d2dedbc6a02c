/*
 * dockerfile_checks.c - the built-in Dockerfile checks (ids in checks.c).
 * RUN lines are read through the shell parser (shell.c), so "apt-get
 * install" is a command with flags, not a substring; JSON-form RUN, heredoc
 * scripts, ONBUILD RUN and `sh -c "..."` bodies are checked too.  Each
 * finding carries the instruction's first and last line.  Stage-level checks
 * (USER, HEALTHCHECK) follow the final stage back through the stages it is
 * built FROM.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lint/lint_int.h"

typedef struct dctx {
    lint_ctx x;
    const cg_dockerfile *df;
    cg_arena *a;
} dctx;

static int emit_on(dctx *d, const cg_df_cmd *c, const char *id, const char *msg)
{
    d->x.inline_ignore = c->ignore;
    d->x.n_inline_ignore = c->n_ignore;
    cg_misconfig *m = lint_emit(&d->x, id, c->start_line, c->end_line, "%s", msg);
    d->x.inline_ignore = NULL;
    d->x.n_inline_ignore = 0;
    return m != NULL;
}

/* The command as RUN sees it: ONBUILD RUN counts as RUN. */
static const char *eff(const cg_df_cmd *c)
{
    return !strcmp(c->cmd, "onbuild") ? c->sub_cmd : c->cmd;
}

static int is_shell_name(const char *w)
{
    const char *b = strrchr(w, '/');
    b = b ? b + 1 : w;
    return !strcmp(b, "sh") || !strcmp(b, "bash") || !strcmp(b, "ash") || !strcmp(b, "dash") || !strcmp(b, "zsh");
}

/* The shell script of a RUN: shell form text, JSON argv, and heredoc bodies
 * fed to a shell. */
static void run_script(dctx *d, const cg_df_cmd *c, sh_script *s)
{
    memset(s, 0, sizeof *s);
    if (c->json) {
        if (!c->n_value)
            return;
        if (is_shell_name(c->value[0]) && c->n_value >= 3 && !strcmp(c->value[1], "-c")) {
            sh_parse(d->a, c->value[2], s);
            return;
        }
        s->cmds = cg_arena_calloc(d->a, 1, sizeof *s->cmds);
        if (!s->cmds)
            return;
        s->cmds[0].argv = c->value;
        s->cmds[0].argc = c->n_value;
        s->n = 1;
        return;
    }
    const char *text = c->n_value ? c->value[0] : "";
    cg_buf b = CG_BUF_INIT;
    cg_buf_puts(&b, text);
    for (size_t h = 0; h < c->n_heredocs; h++) {
        /* the body is a script when the line runs it with a shell, or is only the marker */
        const char *m = strstr(text, "<<");
        int shell = 1;
        if (m) {
            const char *p = text;
            while (*p == ' ')
                p++;
            if (p != m && !is_shell_name(p) && strncmp(p, "sh ", 3) && strncmp(p, "bash ", 5))
                shell = 0;
        }
        if (shell) {
            cg_buf_putc(&b, '\n');
            cg_buf_puts(&b, c->heredocs[h].body);
        }
    }
    sh_parse(d->a, cg_buf_str(&b), s);
    cg_buf_free(&b);
}

static int any_cmd(const sh_script *s, const char *prog, const char *sub)
{
    for (size_t i = 0; i < s->n; i++) {
        const sh_cmd *c = &s->cmds[i];
        if (!sh_is(c, prog))
            continue;
        if (!sub)
            return 1;
        size_t k = sh_sub(c);
        if (k && !strcmp(c->argv[k], sub))
            return 1;
    }
    return 0;
}

/* prog's subcommand is one of subs (NULL-terminated). */
static int is_sub(const sh_cmd *c, const char *prog, const char *const *subs)
{
    if (!sh_is(c, prog))
        return 0;
    for (size_t i = 1; i < c->argc; i++) {
        const char *w = c->argv[i];
        if (w[0] == '-') {
            /* options that take a value */
            if ((!strcmp(w, "-o") || !strcmp(w, "-c") || !strcmp(w, "-t") || !strcmp(w, "-X") ||
                 !strcmp(w, "--setopt") || !strcmp(w, "--repository") || !strcmp(w, "--root")) && i + 1 < c->argc)
                i++;
            continue;
        }
        for (const char *const *s = subs; *s; s++)
            if (!strcmp(w, *s))
                return 1;
        return 0;
    }
    return 0;
}

static const char *const INSTALL[] = {"install", NULL};
static const char *const APK_ADD[] = {"add", NULL};
static const char *const ZYP_IN[] = {"install", "in", NULL};

/* Words after the subcommand that are packages (not flags, not flag values). */
static size_t packages(const sh_cmd *c, const char *const *subs, const char **out, size_t max)
{
    size_t n = 0, i = 1;
    int after = 0;
    for (; i < c->argc && n < max; i++) {
        const char *w = c->argv[i];
        if (w[0] == '-') {
            if ((!strcmp(w, "-o") || !strcmp(w, "-t") || !strcmp(w, "-X") || !strcmp(w, "--virtual") ||
                 !strcmp(w, "--repository") || !strcmp(w, "--setopt") || !strcmp(w, "-r") ||
                 !strcmp(w, "--requirement") || !strcmp(w, "-c") || !strcmp(w, "--constraint") ||
                 !strcmp(w, "-e") || !strcmp(w, "--target") || !strcmp(w, "--prefix") || !strcmp(w, "-i") ||
                 !strcmp(w, "--index-url") || !strcmp(w, "--extra-index-url") || !strcmp(w, "-f") ||
                 !strcmp(w, "--find-links") || !strcmp(w, "-v") || !strcmp(w, "--version") || !strcmp(w, "--root") ||
                 !strcmp(w, "--releasever") || !strcmp(w, "--installroot") || !strcmp(w, "--enablerepo") ||
                 !strcmp(w, "--disablerepo")) &&
                i + 1 < c->argc)
                i++;
            continue;
        }
        if (!after) {
            for (const char *const *s = subs; *s; s++)
                if (!strcmp(w, *s))
                    after = 1;
            continue;
        }
        out[n++] = w;
    }
    return n;
}

static int has_word_containing(const sh_cmd *c, const char *needle)
{
    for (size_t i = 1; i < c->argc; i++)
        if (strstr(c->argv[i], needle))
            return 1;
    return 0;
}

/* "yum clean all" / "dnf clean --opt all" / "zypper clean" / "rm -rf /var/cache/yum" in s. */
static int has_clean(const sh_script *s, const char *prog, int need_all)
{
    for (size_t i = 0; i < s->n; i++) {
        const sh_cmd *c = &s->cmds[i];
        if (sh_is(c, prog) && (sh_has(c, "clean") || sh_has(c, "cc")) && (!need_all || sh_has(c, "all")))
            return 1;
    }
    return 0;
}

static int is_root_user(const char *u)
{
    while (*u == ' ' || *u == '"' || *u == '\'')
        u++;
    size_t n = strcspn(u, ":\"' ");
    return (n == 4 && !strncmp(u, "root", 4)) || (n == 1 && u[0] == '0');
}

/* Index of the stage named name (lower case) before stage `before`, or -1. */
static int stage_named(const cg_dockerfile *df, const char *name, size_t before)
{
    char low[256];
    size_t n = strlen(name);
    if (n >= sizeof low)
        return -1;
    for (size_t i = 0; i <= n; i++)
        low[i] = (char)tolower((unsigned char)name[i]);
    for (size_t i = 0; i < before && i < df->n_stages; i++)
        if (df->stages[i].name && !strcmp(df->stages[i].name, low))
            return (int)i;
    char *end;
    long v = strtol(name, &end, 10);
    if (!*end && end != name && v >= 0 && (size_t)v < before)
        return (int)v;
    return -1;
}

/* The stage a stage is built FROM, or -1 for an external image. */
static int parent_stage(const cg_dockerfile *df, size_t s)
{
    return stage_named(df, df->stages[s].image, s);
}

static const char *flag_value(const cg_df_cmd *c, const char *name)
{
    size_t l = strlen(name);
    for (size_t i = 0; i < c->n_flags; i++)
        if (!strncmp(c->flags[i], name, l) && c->flags[i][l] == '=')
            return c->flags[i] + l + 1;
    return NULL;
}

static void check_from(dctx *d, size_t si)
{
    const cg_dockerfile *df = d->df;
    const cg_df_stage *st = &df->stages[si];
    const cg_df_cmd *c = &df->cmds[st->first];
    const char *img = st->image;
    char msg[600];
    for (size_t k = 0; k < si; k++)
        if (st->name && df->stages[k].name && !strcmp(st->name, df->stages[k].name)) {
            snprintf(msg, sizeof msg, "Duplicate aliases '%s' are found in different FROMs", st->name);
            emit_on(d, c, "CG-DF-012", msg);
        }
    const char *plat = flag_value(c, "--platform");
    if (plat && !strchr(plat, '$')) {
        snprintf(msg, sizeof msg, "FROM uses a fixed platform '%s'", plat);
        emit_on(d, c, "CG-DF-119", msg);
    }
    if (!*img || !strcasecmp(img, "scratch") || parent_stage(df, si) >= 0)
        return;
    if (d->x.cfg && d->x.cfg->n_trusted && !strchr(img, '$')) {
        char reg[256] = "docker.io";
        const char *sl = strchr(img, '/');
        if (sl && (size_t)(sl - img) < sizeof reg) {
            size_t l = (size_t)(sl - img);
            if (memchr(img, '.', l) || memchr(img, ':', l) || (l == 9 && !strncmp(img, "localhost", 9))) {
                memcpy(reg, img, l);
                reg[l] = 0;
            }
        }
        int ok = 0;
        for (size_t i = 0; i < d->x.cfg->n_trusted && !ok; i++)
            ok = !strcmp(d->x.cfg->trusted_registries[i], reg) ||
                 (!strcmp(reg, "docker.io") && (!strcmp(d->x.cfg->trusted_registries[i], "docker.io") ||
                                                 !strcmp(d->x.cfg->trusted_registries[i], "hub.docker.com")));
        if (!ok) {
            snprintf(msg, sizeof msg, "Use only an allowed registry in the FROM image: '%s' is from '%s'", img, reg);
            emit_on(d, c, "CG-DF-114", msg);
        }
    }
    if (strchr(img, '@'))
        return; /* pinned by digest */
    const char *sl = strrchr(img, '/');
    const char *colon = strrchr(sl ? sl : img, ':');
    if (!colon) {
        if (strchr(img, '$') && img[0] == '$' && !strchr(img, '/'))
            return; /* a variable with no default: unknown */
        snprintf(msg, sizeof msg, "Specify a tag in the 'FROM' statement for image '%s'", img);
        emit_on(d, c, "CG-DF-001", msg);
    } else if (!strcmp(colon + 1, "latest")) {
        snprintf(msg, sizeof msg, "Specify a tag in the 'FROM' statement for image '%s'", img);
        emit_on(d, c, "CG-DF-101", msg);
    }
}

/* Trim a long RUN for messages. */
static const char *short_text(dctx *d, const char *s)
{
    size_t n = strlen(s);
    if (n <= 200)
        return s;
    return cg_arena_sprintf(d->a, "%.200s...", s);
}

static void check_run(dctx *d, const cg_df_cmd *c, size_t si, int *saw_curl, int *saw_wget)
{
    sh_script s;
    run_script(d, c, &s);
    const char *text = short_text(d, c->json ? c->original : (c->n_value ? c->value[0] : ""));
    char msg[600];
    int apt_install_no_rec = 0, apt_no_y = 0, apk_no_cache = 0, yum_i = 0, dnf_i = 0, mdnf_i = 0, zyp_i = 0;
    int apt_update = 0, any_install = 0, apt_pin = 0, apk_pin = 0, yum_pin = 0, pip_pin = 0, pip_cache = 0;
    int npm_pin = 0, gem_pin = 0, yum_no_y = 0, dnf_no_y = 0, zyp_no_n = 0, yarn_i = 0, pipe = 0;
    int sudo = 0, cd = 0, pointless = 0, apt_cmd = 0, dist_up = 0, lists_rm = 0, curl_sh = 0, ln_sh = 0;
    const char *pkgs[256];
    for (size_t i = 0; i < s.n; i++) {
        const sh_cmd *k = &s.cmds[i];
        if (k->sep == SH_PIPE && k->depth == 0)
            pipe = 1;
        if (sh_is(k, "sudo"))
            sudo = 1;
        if (sh_is(k, "cd"))
            cd = 1;
        if (sh_is(k, "curl"))
            *saw_curl = 1;
        if (sh_is(k, "wget"))
            *saw_wget = 1;
        if ((sh_is(k, "curl") || sh_is(k, "wget")) && k->sep == SH_PIPE && i + 1 < s.n) {
            const sh_cmd *nx = &s.cmds[i + 1];
            if (nx->piped_in && (is_shell_name(nx->argv[0]) || (sh_is(nx, "sudo") && nx->argc > 1 &&
                                                                 is_shell_name(nx->argv[1]))))
                curl_sh = 1;
        }
        static const char *const pl[] = {"ssh", "vim", "shutdown", "service", "ps", "free", "top", "kill",
                                         "mount", "ifconfig"};
        for (size_t p = 0; p < sizeof pl / sizeof pl[0]; p++)
            if (sh_is(k, pl[p]))
                pointless = 1;
        if (sh_is(k, "ln") && k->argc >= 2 && !strcmp(k->argv[k->argc - 1], "/bin/sh"))
            ln_sh = 1;
        if (sh_is(k, "rm") && has_word_containing(k, "/var/lib/apt/lists"))
            lists_rm = 1;
        static const char *const UPD[] = {"update", NULL};
        static const char *const APT_ANY[] = {"install", "upgrade", "dist-upgrade", "remove", "purge", "update",
                                              "full-upgrade", "autoremove", NULL};
        if (sh_is(k, "apt") && is_sub(k, "apt", APT_ANY))
            apt_cmd = 1;
        int apt = sh_is(k, "apt-get") || sh_is(k, "apt");
        if (apt && (is_sub(k, "apt-get", UPD) || is_sub(k, "apt", UPD)))
            apt_update = 1;
        if ((sh_is(k, "apk") && is_sub(k, "apk", UPD)) || (sh_is(k, "yum") && is_sub(k, "yum", UPD)))
            apt_update = apt_update ? apt_update : 2;
        static const char *const DU[] = {"dist-upgrade", NULL};
        if (apt && (is_sub(k, "apt-get", DU) || is_sub(k, "apt", DU)))
            dist_up = 1;
        if (apt && (is_sub(k, "apt-get", INSTALL) || is_sub(k, "apt", INSTALL))) {
            any_install = 1;
            int y = sh_flag(k, 'y', "--yes") || sh_flag(k, 0, "--assume-yes") || sh_has(k, "-qq") ||
                    sh_has(k, "-q=2") || sh_has(k, "--quiet=2") || has_word_containing(k, "Assume-Yes=true");
            if (!y)
                apt_no_y = 1;
            if (!sh_flag(k, 0, "--no-install-recommends") && !has_word_containing(k, "Install-Recommends=false") &&
                !has_word_containing(k, "Install-Recommends=0"))
                apt_install_no_rec = 1;
            size_t np = packages(k, INSTALL, pkgs, 256);
            for (size_t p = 0; p < np; p++)
                if (!strchr(pkgs[p], '=') && !strchr(pkgs[p], '$') && !strchr(pkgs[p], '/') && !strchr(pkgs[p], '*'))
                    apt_pin = 1;
        }
        if (sh_is(k, "apk") && is_sub(k, "apk", APK_ADD)) {
            any_install = 1;
            if (!sh_flag(k, 0, "--no-cache") && !sh_flag(k, 0, "--no-network"))
                apk_no_cache = 1;
            size_t np = packages(k, APK_ADD, pkgs, 256);
            for (size_t p = 0; p < np; p++)
                if (!strchr(pkgs[p], '=') && !strchr(pkgs[p], '$') && !strchr(pkgs[p], '/') &&
                    !strchr(pkgs[p], '~') && !strchr(pkgs[p], '<') && !strchr(pkgs[p], '>'))
                    apk_pin = 1;
        }
        static const char *const YI[] = {"install", "groupinstall", "localinstall", NULL};
        if (sh_is(k, "yum") && is_sub(k, "yum", YI)) {
            yum_i = any_install = 1;
            if (!sh_flag(k, 'y', "--assumeyes"))
                yum_no_y = 1;
            size_t np = packages(k, YI, pkgs, 256);
            for (size_t p = 0; p < np; p++) {
                const char *dash = strrchr(pkgs[p], '-');
                if (!strchr(pkgs[p], '$') && !strchr(pkgs[p], '/') && !(dash && isdigit((unsigned char)dash[1])))
                    yum_pin = 1;
            }
        }
        if (sh_is(k, "dnf") && is_sub(k, "dnf", YI)) {
            dnf_i = any_install = 1;
            if (!sh_flag(k, 'y', "--assumeyes"))
                dnf_no_y = 1;
        }
        if (sh_is(k, "microdnf") && is_sub(k, "microdnf", YI)) {
            mdnf_i = any_install = 1;
            if (!sh_flag(k, 'y', "--assumeyes"))
                dnf_no_y = 1;
        }
        if (sh_is(k, "zypper") && is_sub(k, "zypper", ZYP_IN)) {
            zyp_i = any_install = 1;
            if (!sh_flag(k, 'n', "--non-interactive") && !sh_flag(k, 'y', "--no-confirm"))
                zyp_no_n = 1;
        }
        static const char *const UPG[] = {"upgrade", "dist-upgrade", "update", "full-upgrade", NULL};
        if ((sh_is(k, "dnf") || sh_is(k, "microdnf") || sh_is(k, "zypper")) && is_sub(k, k->argv[0], UPG))
            any_install = 1;
        if (apt && (is_sub(k, "apt-get", UPG) || is_sub(k, "apt", UPG)) &&
            !is_sub(k, "apt-get", UPD) && !is_sub(k, "apt", UPD))
            any_install = 1;
        if ((sh_is(k, "pip") || sh_is(k, "pip3") || (k->argc > 2 && (sh_is(k, "python") || sh_is(k, "python3")) &&
                                                      !strcmp(k->argv[1], "-m") && !strncmp(k->argv[2], "pip", 3)))) {
            const sh_cmd *pk = k;
            if (is_sub(pk, pk->argv[0], INSTALL) || sh_has(pk, "install")) {
                if (!sh_flag(pk, 0, "--no-cache-dir"))
                    pip_cache = 1;
                if (!sh_flag(pk, 'r', "--requirement") && !sh_flag(pk, 'c', "--constraint") && !sh_has(pk, ".") &&
                    !sh_flag(pk, 'e', "--editable")) {
                    size_t np = packages(pk, INSTALL, pkgs, 256);
                    for (size_t p = 0; p < np; p++) {
                        const char *w = pkgs[p];
                        if (!strpbrk(w, "=<>/$@~") && !strstr(w, ".whl") && !strstr(w, ".tar") && strcmp(w, "."))
                            pip_pin = 1;
                    }
                }
            }
        }
        static const char *const NPM_I[] = {"install", "i", "add", NULL};
        if (sh_is(k, "npm") && is_sub(k, "npm", NPM_I)) {
            size_t np = packages(k, NPM_I, pkgs, 256);
            for (size_t p = 0; p < np; p++) {
                const char *w = pkgs[p];
                const char *at = strchr(w + 1, '@');
                if (!at && !strpbrk(w, "/$.#:") )
                    npm_pin = 1;
                else if (!at && w[0] == '@' && !strchr(w, '$'))
                    npm_pin = 1;
            }
        }
        if (sh_is(k, "gem") && is_sub(k, "gem", INSTALL) && !sh_flag(k, 'v', "--version")) {
            size_t np = packages(k, INSTALL, pkgs, 256);
            for (size_t p = 0; p < np; p++)
                if (!strpbrk(pkgs[p], ":$/"))
                    gem_pin = 1;
        }
        if (sh_is(k, "yarn") && (k->argc == 1 || is_sub(k, "yarn", INSTALL)))
            yarn_i = 1;
    }
    (void)si;
    /* One row per check this RUN can fail: the condition, the id, and the
     * message (pre + the RUN text + post when post is not NULL, else pre). */
    const struct run_row {
        int on;
        const char *id, *pre, *post;
    } rows[] = {
        {sudo, "CG-DF-010", "Using 'sudo' in Dockerfile should be avoided", NULL},
        {cd, "CG-DF-013", "RUN should not be used to change directory: '", "'. Use 'WORKDIR' statement instead."},
        {apt_install_no_rec, "CG-DF-029", "'--no-install-recommends' flag is missed: '", "'"},
        {apt_no_y, "CG-DF-021", "'-y' flag is missed: '", "'"},
        {apk_no_cache, "CG-DF-025", "'--no-cache' is missed: ", ""},
        {yum_i && !has_clean(&s, "yum", 1), "CG-DF-015", "'yum clean all' is missed: ", ""},
        {dnf_i && !has_clean(&s, "dnf", 1), "CG-DF-019", "'dnf clean all' is missed: ", ""},
        {mdnf_i && !has_clean(&s, "microdnf", 1), "CG-DF-027", "'microdnf clean all' is missed: ", ""},
        {zyp_i && !has_clean(&s, "zypper", 0), "CG-DF-020", "'zypper clean' is missed: '", "'"},
        {apt_update && !any_install, "CG-DF-017",
         "The instruction 'RUN <package-manager> update' should always be followed by '<package-manager> install' "
         "in the same RUN statement: '",
         "'"},
        {dist_up, "CG-DF-024", "'apt-get dist-upgrade' should not be used in Dockerfile", NULL},
        {apt_update == 1 && any_install && !lists_rm, "CG-DF-103",
         "Delete the apt-get lists after installing something: rm -rf /var/lib/apt/lists/*", NULL},
        {apt_pin, "CG-DF-102", "Pin versions in apt-get install: apt-get install <package>=<version>", NULL},
        {apk_pin, "CG-DF-108", "Pin versions in apk add: apk add <package>=<version>", NULL},
        {yum_pin, "CG-DF-113", "Specify version with yum install -y <package>-<version>", NULL},
        {pip_pin, "CG-DF-104", "Pin versions in pip: pip install <package>==<version>", NULL},
        {pip_cache, "CG-DF-105", "Avoid the cache directory with pip install --no-cache-dir <package>", NULL},
        {npm_pin, "CG-DF-106", "Pin versions in npm: npm install <package>@<version>", NULL},
        {gem_pin, "CG-DF-107", "Pin versions in gem install: gem install <gem>:<version>", NULL},
        {yum_no_y, "CG-DF-123", "Use the -y switch to avoid manual input: yum install -y <package>", NULL},
        {dnf_no_y, "CG-DF-124", "Use the -y switch to avoid manual input: dnf install -y <package>", NULL},
        {zyp_no_n, "CG-DF-125", "Non-interactive switch missing from zypper command: zypper install -y", NULL},
        {yarn_i && !any_cmd(&s, "yarn", "cache"), "CG-DF-117", "yarn cache clean missing after yarn install", NULL},
        {pointless, "CG-DF-111",
         "Avoid commands that make no sense in a container (ssh, vim, shutdown, service, ps, free, top, kill, mount, "
         "ifconfig)",
         NULL},
        {apt_cmd, "CG-DF-112", "Do not use apt as it is meant to be an end-user tool, use apt-get or apt-cache instead",
         NULL},
        {curl_sh, "CG-DF-121", "A downloaded script is piped into a shell without verification", NULL},
        {ln_sh, "CG-DF-118", "Use SHELL to change the default shell instead of linking /bin/sh", NULL},
    };
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        if (!rows[r].on)
            continue;
        if (rows[r].post) {
            snprintf(msg, sizeof msg, "%s%s%s", rows[r].pre, text, rows[r].post);
            emit_on(d, c, rows[r].id, msg);
        } else {
            emit_on(d, c, rows[r].id, rows[r].pre);
        }
    }
    if (pipe && !c->json && !s.has_pipefail) {
        /* the stage's SHELL may set pipefail */
        int shell_pf = 0, posix = 1;
        const cg_df_stage *st = &d->df->stages[c->stage < (int)d->df->n_stages ? c->stage : 0];
        for (size_t i = st->first; i < st->first + st->count && &d->df->cmds[i] != c; i++)
            if (!strcmp(d->df->cmds[i].cmd, "shell")) {
                shell_pf = 0;
                posix = 1;
                for (size_t v = 0; v < d->df->cmds[i].n_value; v++) {
                    if (!strcmp(d->df->cmds[i].value[v], "pipefail"))
                        shell_pf = 1;
                    if (strstr(d->df->cmds[i].value[v], "pwsh") || strstr(d->df->cmds[i].value[v], "powershell") ||
                        strstr(d->df->cmds[i].value[v], "cmd"))
                        posix = 0;
                }
            }
        if (!shell_pf && posix)
            emit_on(d, c, "CG-DF-110", "Set the SHELL option -o pipefail before RUN with a pipe in it");
    }
}

static int secret_file_name(const char *p)
{
    const char *b = strrchr(p, '/');
    b = b ? b + 1 : p;
    static const char *const names[] = {"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", ".npmrc", ".pypirc",
                                        ".netrc", ".env", "credentials", "credentials.json", ".git-credentials",
                                        ".dockercfg", "secrets.yml", "secrets.yaml", ".htpasswd"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(b, names[i]))
            return 1;
    size_t n = strlen(b);
    static const char *const ext[] = {"privkey.pem", "-key.pem", "_key.pem", "private.pem", ".p12", ".pfx",
                                      "-key.json", "_key.json", ".keystore", ".jks"};
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
        size_t l = strlen(ext[i]);
        if (n > l && !strcmp(b + n - l, ext[i]))
            return 1;
    }
    return 0;
}

static int is_archive(const char *s)
{
    static const char *const ext[] = {".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz",
                                      ".tar.zst", ".tar.lz", ".tar.lzma", ".tb2", ".tz2", ".tlz", ".gz", ".bz2", ".xz"};
    size_t n = strlen(s);
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
        size_t l = strlen(ext[i]);
        if (n > l && !strcmp(s + n - l, ext[i]))
            return 1;
    }
    return 0;
}

static int is_url(const char *s)
{
    return !strncmp(s, "http://", 7) || !strncmp(s, "https://", 8) || !strncmp(s, "git@", 4);
}

static void check_copy_add(dctx *d, const cg_df_cmd *c, size_t si, int have_workdir)
{
    char msg[600];
    const char *from = flag_value(c, "--from");
    const cg_df_stage *st = &d->df->stages[si];
    if (from && !strcmp(c->cmd, "copy")) {
        if (st->name && !strcasecmp(from, st->name)) {
            snprintf(msg, sizeof msg, "'COPY --from' should not mention current alias '%s' since it is impossible "
                     "to copy from itself", from);
            emit_on(d, c, "CG-DF-006", msg);
        } else if (stage_named(d->df, from, si) < 0 && !strpbrk(from, ":/@.$")) {
            char *end;
            (void)strtol(from, &end, 10);
            snprintf(msg, sizeof msg, "'COPY --from=%s' names no earlier stage", from);
            emit_on(d, c, "CG-DF-120", msg);
        }
    }
    size_t n = c->n_value;
    if (c->n_heredocs || n < 2)
        return;
    const char *dst = cg_lint_unquote(d->a, c->value[n - 1]);
    if (n > 2 && dst[strlen(dst) - 1] != '/' && dst[strlen(dst) - 1] != '\\') {
        snprintf(msg, sizeof msg, "Slash is expected at the end of %s", c->value[n - 1]);
        emit_on(d, c, "CG-DF-011", msg);
    }
    if (!have_workdir && dst[0] != '/' && dst[0] != '$' && !(isalpha((unsigned char)dst[0]) && dst[1] == ':') &&
        !strcmp(c->cmd, "copy"))
        emit_on(d, c, "CG-DF-116", "Use an absolute destination in COPY, or set WORKDIR first");
    for (size_t i = 0; i + 1 < n; i++) {
        const char *src = cg_lint_unquote(d->a, c->value[i]);
        if (!from && secret_file_name(src)) {
            snprintf(msg, sizeof msg, "Possible exposure of secret file '%s' in %s", src, c->cmd);
            emit_on(d, c, "CG-DF-031", msg);
        }
    }
    if (strcmp(c->cmd, "add"))
        return;
    int all_archives = 1, url = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        const char *src = cg_lint_unquote(d->a, c->value[i]);
        if (is_url(src))
            url = 1;
        if (!is_archive(src) || is_url(src))
            all_archives = 0;
    }
    if (!all_archives) {
        cg_buf b = CG_BUF_INIT;
        for (size_t i = 0; i < n; i++)
            cg_buf_printf(&b, "%s%s", i ? " " : "", c->value[i]);
        snprintf(msg, sizeof msg, "Consider using 'COPY %s' command instead of 'ADD %s'", cg_buf_str(&b), cg_buf_str(&b));
        cg_buf_free(&b);
        emit_on(d, c, "CG-DF-005", msg);
    }
    if (url && !flag_value(c, "--checksum"))
        emit_on(d, c, "CG-DF-122", "ADD downloads a remote URL without --checksum");
}

static void check_expose(dctx *d, const cg_df_cmd *c)
{
    char msg[300];
    for (size_t i = 0; i < c->n_value; i++) {
        const char *v = c->value[i];
        if (strchr(v, '$'))
            continue;
        char *end;
        long lo = strtol(v, &end, 10), hi = lo;
        if (end == v)
            continue;
        if (*end == '-') {
            char *e2;
            hi = strtol(end + 1, &e2, 10);
            if (e2 == end + 1)
                hi = lo;
        }
        if (lo <= 22 && 22 <= hi)
            emit_on(d, c, "CG-DF-004", "Port 22 should not be exposed in Dockerfile");
        if (lo < 0 || lo > 65535 || hi > 65535) {
            snprintf(msg, sizeof msg, "'EXPOSE' contains port which is out of range [0, 65535]: %ld", lo > 65535 || lo < 0 ? lo : hi);
            emit_on(d, c, "CG-DF-008", msg);
        }
    }
}

static void check_workdir(dctx *d, const cg_df_cmd *c)
{
    if (!c->n_value)
        return;
    const char *p = cg_lint_unquote(d->a, c->value[0]);
    char msg[600];
    int abs_ = p[0] == '/' || p[0] == '$' || p[0] == '\\' || (isalpha((unsigned char)p[0]) && p[1] == ':');
    if (!abs_) {
        snprintf(msg, sizeof msg, "WORKDIR path '%s' should be absolute", p);
        emit_on(d, c, "CG-DF-009", msg);
    }
    static const char *const sys[] = {"/proc", "/boot", "/dev", "/initrd", "/lost+found", "/sys"};
    for (size_t i = 0; i < sizeof sys / sizeof sys[0]; i++) {
        size_t l = strlen(sys[i]);
        if (!strncmp(p, sys[i], l) && (p[l] == 0 || p[l] == '/')) {
            snprintf(msg, sizeof msg, "WORKDIR should not be mounted on system dirs: '%s'", p);
            emit_on(d, c, "CG-DF-030", msg);
        }
    }
}

static void check_env_arg(dctx *d, const cg_df_cmd *c)
{
    char msg[600];
    int env = !strcmp(c->cmd, "env");
    size_t step = env ? 2 : 1;
    for (size_t i = 0; i < c->n_value; i += step) {
        char name[256];
        const char *val = NULL;
        if (env) {
            snprintf(name, sizeof name, "%s", c->value[i]);
            val = i + 1 < c->n_value ? cg_lint_unquote(d->a, c->value[i + 1]) : "";
        } else {
            const char *eq = strchr(c->value[i], '=');
            size_t l = eq ? (size_t)(eq - c->value[i]) : strlen(c->value[i]);
            snprintf(name, sizeof name, "%.*s", (int)(l < 255 ? l : 255), c->value[i]);
            val = eq ? cg_lint_unquote(d->a, eq + 1) : NULL;
        }
        if (!lint_secret_name(name))
            continue;
        if (env && (!*val || val[0] == '/' || val[0] == '$'))
            continue; /* empty, a path to a secret file, or a value passed in */
        if (val && val[0] == '/')
            continue;
        snprintf(msg, sizeof msg, "Possible exposure of secret env \"%s\" in %s", name, env ? "ENV" : "ARG");
        emit_on(d, c, "CG-DF-031", msg);
    }
}

/* Does stage si (or the stages it is built FROM) have cmd; *last gets the last one. */
static const cg_df_cmd *chain_last(const cg_dockerfile *df, size_t si, const char *cmd)
{
    for (int s = (int)si, guard = 0; s >= 0 && guard < 1000; s = parent_stage(df, (size_t)s), guard++) {
        const cg_df_stage *st = &df->stages[s];
        for (size_t i = st->first + st->count; i-- > st->first;)
            if (!strcmp(df->cmds[i].cmd, cmd))
                return &df->cmds[i];
    }
    return NULL;
}

cg_status cg_lint_dockerfile(const cg_dockerfile *df, const char *target, const cg_lint_config *cfg,
                             cg_findings *out, cg_error *err)
{
    dctx d;
    memset(&d, 0, sizeof d);
    d.df = df;
    d.x.out = out;
    d.x.target = target;
    d.x.target_type = "dockerfile";
    d.x.cfg = cfg;
    d.x.lines = df->lines;
    d.x.n_lines = df->n_lines;
    cg_arena scratch;
    cg_arena_init(&scratch);
    d.a = &scratch;
    size_t before = out->n_mis;
    if (cg_findings_add_target(out, target, "dockerfile", lint_count_checks(CG_CHECK_DOCKERFILE)) < 0) {
        cg_arena_free(&scratch);
        return cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", target);
    }
    for (size_t i = 0; i < df->n_cmds; i++) {
        const cg_df_cmd *c = &df->cmds[i];
        if (strcmp(c->cmd, "arg") && strcmp(c->cmd, "from") && c->global) {
            emit_on(&d, c, "CG-DF-126", "Only ARG may come before the first FROM");
            break;
        }
    }
    int saw_curl = 0, saw_wget = 0;
    for (size_t si = 0; si < df->n_stages; si++) {
        const cg_df_stage *st = &df->stages[si];
        check_from(&d, si);
        int n_cmd = 0, n_ep = 0, n_hc = 0, have_workdir = chain_last(df, si, "workdir") != NULL;
        int wd_seen = 0;
        for (int s = parent_stage(df, si), g = 0; s >= 0 && g < 1000; s = parent_stage(df, (size_t)s), g++)
            wd_seen |= chain_last(df, (size_t)s, "workdir") != NULL;
        (void)have_workdir;
        for (size_t i = st->first; i < st->first + st->count; i++) {
            const cg_df_cmd *c = &df->cmds[i];
            const char *e = eff(c);
            if (!strcmp(c->cmd, "workdir"))
                wd_seen = 1;
            if (!strcmp(e, "run")) {
                check_run(&d, c, si, &saw_curl, &saw_wget);
                if (!strcmp(c->cmd, "run") && i > st->first && !strcmp(df->cmds[i - 1].cmd, "run"))
                    emit_on(&d, c, "CG-DF-115", "Multiple consecutive RUN instructions. Consider consolidation.");
            } else if (!strcmp(e, "copy") || !strcmp(e, "add")) {
                check_copy_add(&d, c, si, wd_seen);
            } else if (!strcmp(c->cmd, "expose")) {
                check_expose(&d, c);
            } else if (!strcmp(c->cmd, "workdir")) {
                check_workdir(&d, c);
            } else if (!strcmp(c->cmd, "env") || !strcmp(c->cmd, "arg")) {
                check_env_arg(&d, c);
            } else if (!strcmp(c->cmd, "maintainer")) {
                emit_on(&d, c, "CG-DF-022", "MAINTAINER should not be used: 'MAINTAINER' is deprecated since Docker "
                        "1.13.0");
            }
            char msg[200];
            if (!strcmp(c->cmd, "cmd") || !strcmp(c->cmd, "entrypoint")) {
                if (!c->json)
                    emit_on(&d, c, "CG-DF-109", "Use arguments JSON notation for CMD and ENTRYPOINT arguments");
            }
            if (!strcmp(c->cmd, "cmd") && ++n_cmd > 1) {
                snprintf(msg, sizeof msg, "There are %d duplicate CMD instructions", n_cmd);
                emit_on(&d, c, "CG-DF-016", msg);
            }
            if (!strcmp(c->cmd, "entrypoint") && ++n_ep > 1) {
                snprintf(msg, sizeof msg, "There are %d duplicate ENTRYPOINT instructions", n_ep);
                emit_on(&d, c, "CG-DF-007", msg);
            }
            if (!strcmp(c->cmd, "healthcheck") && ++n_hc > 1) {
                snprintf(msg, sizeof msg, "There are %d duplicate HEALTHCHECK instructions in the stage", n_hc);
                emit_on(&d, c, "CG-DF-023", msg);
            }
        }
    }
    for (size_t i = 0; i < df->n_cmds && saw_curl && saw_wget; i++) {
        const cg_df_cmd *c = &df->cmds[i];
        if (strcmp(eff(c), "run"))
            continue;
        sh_script s;
        run_script(&d, c, &s);
        if (any_cmd(&s, "wget", NULL))
            emit_on(&d, c, "CG-DF-014", "Shouldn't use both curl and wget");
    }
    /* final stage: USER and HEALTHCHECK, following FROM <stage> back */
    if (df->n_stages) {
        size_t last = df->n_stages - 1;
        const cg_df_cmd *u = chain_last(df, last, "user");
        const cg_df_cmd *lu = NULL;
        for (size_t i = df->n_cmds; i-- > 0 && !lu;)
            if (!strcmp(df->cmds[i].cmd, "user"))
                lu = &df->cmds[i];
        if (u && u->n_value && is_root_user(u->value[0]))
            emit_on(&d, u, "CG-DF-002", "Last USER command in Dockerfile should not be 'root'");
        else if (!u && lu && lu->n_value && is_root_user(lu->value[0]))
            emit_on(&d, lu, "CG-DF-002", "Last USER command in Dockerfile should not be 'root'");
        else if (!u)
            lint_emit(&d.x, "CG-DF-002", 0, 0, "Specify at least 1 USER command in Dockerfile with non-root user "
                      "as argument");
        const cg_df_cmd *h = chain_last(df, last, "healthcheck");
        if (!h) {
            int any = 0;
            for (size_t i = 0; i < df->n_cmds && !any; i++)
                any = !strcmp(df->cmds[i].cmd, "healthcheck");
            if (!any)
                lint_emit(&d.x, "CG-DF-026", 0, 0, "Add HEALTHCHECK instruction in your Dockerfile");
            else
                lint_emit(&d.x, "CG-DF-026", 0, 0, "The final stage has no HEALTHCHECK (only an earlier stage has one)");
        } else if (h->n_value && !strcasecmp(h->value[0], "NONE")) {
            emit_on(&d, h, "CG-DF-026", "HEALTHCHECK NONE disables the base image's health check");
        }
    } else if (df->n_cmds) {
        emit_on(&d, &df->cmds[0], "CG-DF-126", "The Dockerfile has no FROM");
    }
    (void)before;
    cg_arena_free(&scratch);
    return CG_OK;
}

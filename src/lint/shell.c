/*
 * shell.c - a small POSIX-shell reader for RUN lines: enough to see simple
 * commands, their words (quotes removed), and what joins them (&&, ||, ;, |,
 * &, newlines).  Control words (if, then, do, ...) and leading assignments
 * are skipped so argv[0] is the program; `sh -c "..."`, `su ... -c "..."`
 * and `$(...)` bodies are parsed too, one level deeper.  It never executes
 * or expands anything; it exists so checks match commands, not substrings.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/vec.h"
#include "lint/lint_int.h"

#define SH_MAX_CMDS 4096
#define SH_MAX_DEPTH 4
#define SH_MAX_WORDS 1024

static const char *const keywords[] = {"if", "then", "else", "elif", "fi", "do", "done", "while",
                                       "until", "!", "{", "}", "time", "exec", "esac", ";;"};

static int is_keyword(const char *w)
{
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
        if (!strcmp(w, keywords[i]))
            return 1;
    return 0;
}

static int is_assignment(const char *w)
{
    if (!(isalpha((unsigned char)*w) || *w == '_'))
        return 0;
    while (isalnum((unsigned char)*w) || *w == '_')
        w++;
    return *w == '=';
}

typedef struct sh_state {
    cg_arena *a;
    cg_vec cmds;
    int pipefail;
} sh_state;

static void parse_into(sh_state *st, const char *s, int depth);

static void finish_cmd(sh_state *st, const char **words, size_t n, sh_sep sep, int *piped, int depth)
{
    size_t i = 0;
    while (i < n && (is_keyword(words[i]) || is_assignment(words[i])))
        i++;
    /* "for x in a b; do" and "case x in": nothing to run */
    if (i < n && (!strcmp(words[i], "for") || !strcmp(words[i], "case") || !strcmp(words[i], "in")))
        i = n;
    if (i >= n) {
        *piped = sep == SH_PIPE;
        return;
    }
    if (st->cmds.n >= SH_MAX_CMDS)
        return;
    sh_cmd c;
    memset(&c, 0, sizeof c);
    c.argc = n - i;
    c.argv = cg_arena_calloc(st->a, c.argc, sizeof *c.argv);
    if (!c.argv)
        return;
    memcpy(c.argv, words + i, c.argc * sizeof *words);
    c.sep = sep;
    c.piped_in = *piped;
    c.depth = depth;
    *piped = sep == SH_PIPE;
    if (!strcmp(c.argv[0], "set"))
        for (size_t k = 1; k + 1 < c.argc; k++)
            if (!strcmp(c.argv[k], "-o") && !strcmp(c.argv[k + 1], "pipefail"))
                st->pipefail = 1;
    if (!strcmp(c.argv[0], "set"))
        for (size_t k = 1; k < c.argc; k++)
            if (c.argv[k][0] == '-' && strstr(c.argv[k], "o") && k + 1 < c.argc && !strcmp(c.argv[k + 1], "pipefail"))
                st->pipefail = 1;
    cg_vec_push(&st->cmds, &c, sizeof c);
    /* sh -c "script", bash -c, su user -c "script": the script too */
    if (depth < SH_MAX_DEPTH) {
        const char *b = strrchr(c.argv[0], '/');
        b = b ? b + 1 : c.argv[0];
        if (!strcmp(b, "sh") || !strcmp(b, "bash") || !strcmp(b, "ash") || !strcmp(b, "dash") ||
            !strcmp(b, "su") || !strcmp(b, "zsh")) {
            for (size_t k = 1; k + 1 < c.argc; k++)
                if (!strcmp(c.argv[k], "-c") || (c.argv[k][0] == '-' && c.argv[k][1] != '-' && strchr(c.argv[k], 'c') &&
                                                 strspn(c.argv[k] + 1, "cexuol") == strlen(c.argv[k] + 1))) {
                    parse_into(st, c.argv[k + 1], depth + 1);
                    break;
                }
        }
    }
}

/* Read one word from *pp into b (quotes removed); returns 0 at an operator
 * or the end.  Nested $(...) bodies are appended to subs. */
static void parse_into(sh_state *st, const char *s, int depth)
{
    const char *words[SH_MAX_WORDS];
    size_t nw = 0;
    int piped = 0;
    cg_buf w = CG_BUF_INIT;
    const char *p = s;
    int in_word = 0;
    for (;;) {
        char c = *p;
        int op = 0;
        sh_sep sep = SH_END;
        size_t oplen = 0;
        if (!c) {
            op = 1;
        } else if (c == '&' && p[1] == '&') {
            op = 1, sep = SH_AND, oplen = 2;
        } else if (c == '|' && p[1] == '|') {
            op = 1, sep = SH_OR, oplen = 2;
        } else if (c == '|') {
            op = 1, sep = SH_PIPE, oplen = 1;
        } else if (c == ';' && p[1] == ';') {
            op = 1, sep = SH_SEMI, oplen = 2;
        } else if (c == ';' || c == '\n') {
            op = 1, sep = SH_SEMI, oplen = 1;
        } else if (c == '&' && p[1] != '>' && (p == s || p[-1] != '>')) {
            op = 1, sep = SH_BG, oplen = 1;
        } else if ((c == '(' || c == ')') && !in_word) {
            op = 1, sep = SH_SEMI, oplen = 1;
        } else if (c == ')' && in_word) {
            op = 1, sep = SH_SEMI, oplen = 1; /* "x86_64)" in a case arm */
        }
        if (op || c == ' ' || c == '\t' || c == '\r') {
            if (in_word && nw < SH_MAX_WORDS) {
                const char *word = cg_arena_strdup(st->a, cg_buf_str(&w));
                if (word)
                    words[nw++] = word;
            }
            cg_buf_reset(&w);
            in_word = 0;
            if (op) {
                finish_cmd(st, words, nw, sep, &piped, depth);
                nw = 0;
                if (!c)
                    break;
                p += oplen;
            } else {
                p++;
            }
            continue;
        }
        if (c == '#' && !in_word) { /* comment to end of line */
            while (*p && *p != '\n')
                p++;
            continue;
        }
        in_word = 1;
        if (c == '\\') {
            if (p[1] == '\n') {
                p += 2;
                continue;
            }
            if (p[1])
                cg_buf_putc(&w, p[1]), p += 2;
            else
                p++;
            continue;
        }
        if (c == '\'') {
            const char *e = strchr(p + 1, '\'');
            if (!e)
                e = p + strlen(p);
            cg_buf_append(&w, p + 1, (size_t)(e - p - 1));
            p = *e ? e + 1 : e;
            continue;
        }
        if (c == '"') {
            p++;
            while (*p && *p != '"') {
                if (*p == '\\' && p[1] && strchr("\"\\$`\n", p[1])) {
                    if (p[1] != '\n')
                        cg_buf_putc(&w, p[1]);
                    p += 2;
                    continue;
                }
                cg_buf_putc(&w, *p++);
            }
            if (*p)
                p++;
            continue;
        }
        if (c == '$' && p[1] == '(') {
            /* $( ... ) with nesting; the body is parsed as a script too */
            int lvl = 0;
            const char *b = p + 2, *q = p + 1;
            char qc = 0;
            for (; *q; q++) {
                if (qc) {
                    if (*q == qc)
                        qc = 0;
                    continue;
                }
                if (*q == '\'' || *q == '"')
                    qc = *q;
                else if (*q == '(')
                    lvl++;
                else if (*q == ')' && --lvl == 0)
                    break;
            }
            cg_buf_append(&w, p, (size_t)(q - p) + (*q ? 1 : 0));
            if (depth < SH_MAX_DEPTH) {
                const char *body = cg_arena_strndup(st->a, b, (size_t)(q - b));
                if (body)
                    parse_into(st, body, depth + 1);
            }
            p = *q ? q + 1 : q;
            continue;
        }
        cg_buf_putc(&w, c);
        p++;
    }
    cg_buf_free(&w);
}

void sh_parse(cg_arena *a, const char *s, sh_script *out)
{
    sh_state st;
    memset(&st, 0, sizeof st);
    st.a = a;
    parse_into(&st, s, 0);
    out->n = st.cmds.n;
    out->cmds = NULL;
    if (st.cmds.n) {
        out->cmds = cg_arena_calloc(a, st.cmds.n, sizeof(sh_cmd));
        if (out->cmds)
            memcpy(out->cmds, st.cmds.v, st.cmds.n * sizeof(sh_cmd));
        else
            out->n = 0;
    }
    free(st.cmds.v);
    out->has_pipefail = st.pipefail;
}

int sh_is(const sh_cmd *c, const char *name)
{
    const char *b = strrchr(c->argv[0], '/');
    b = b ? b + 1 : c->argv[0];
    return !strcmp(b, name);
}

int sh_has(const sh_cmd *c, const char *w)
{
    for (size_t i = 1; i < c->argc; i++)
        if (!strcmp(c->argv[i], w))
            return 1;
    return 0;
}

int sh_flag(const sh_cmd *c, char shortf, const char *longf)
{
    for (size_t i = 1; i < c->argc; i++) {
        const char *a = c->argv[i];
        if (a[0] != '-')
            continue;
        if (a[1] == '-') {
            if (longf) {
                size_t l = strlen(longf);
                if (!strncmp(a, longf, l) && (a[l] == 0 || a[l] == '='))
                    return 1;
            }
            continue;
        }
        if (shortf && strchr(a + 1, shortf))
            return 1;
    }
    return 0;
}

size_t sh_sub(const sh_cmd *c)
{
    for (size_t i = 1; i < c->argc; i++)
        if (c->argv[i][0] != '-')
            return i;
    return 0;
}

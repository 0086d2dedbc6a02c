/*
 * dockerfile.c - the Dockerfile parser: BuildKit's syntax (parser directives
 * `syntax`/`escape`, line continuations with comment and blank lines inside,
 * heredocs, JSON and shell forms, ONBUILD), split into Conftest's command
 * records, with stages, stage names and global-ARG substitution in FROM.
 * Bounded: at most CG_DOCKERFILE_MAX_BYTES of input, 100,000 lines, 10,000
 * instructions.  No check knowledge here (dockerfile_checks.c has it).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cgate/lint.h"
#include "core/vec.h"
#include "lint/lint_int.h"

#define MAX_LINES 100000
#define MAX_CMDS 10000
#define MAX_WORDS 4096

static const char *const known[] = {"add", "arg", "cmd", "copy", "entrypoint", "env", "expose", "from",
                                    "healthcheck", "label", "maintainer", "onbuild", "run", "shell",
                                    "stopsignal", "user", "volume", "workdir"};

static int is_known(const char *c)
{
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (!strcmp(known[i], c))
            return 1;
    return 0;
}

static int blank(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return !*s;
}

static int comment(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return *s == '#';
}

/* Words of s split on whitespace, quotes kept as written but not split on. */
static size_t split_words(cg_arena *a, const char *s, const char **out, size_t max, char esc)
{
    size_t n = 0;
    while (*s && n < max) {
        while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
            s++;
        if (!*s)
            break;
        const char *b = s;
        char q = 0;
        while (*s && (q || !(*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))) {
            if (*s == esc && s[1] && q != '\'') {
                s += 2;
                continue;
            }
            if (q && *s == q)
                q = 0;
            else if (!q && (*s == '"' || *s == '\''))
                q = *s;
            s++;
        }
        out[n++] = cg_arena_strndup(a, b, (size_t)(s - b));
    }
    return n;
}

/* A JSON array of strings -> values (json form); 0 when s is not one. */
static int parse_json_array(cg_arena *a, const char *s, const char ***vals, size_t *n)
{
    while (*s == ' ' || *s == '\t')
        s++;
    if (*s != '[')
        return 0;
    s++;
    const char *tmp[MAX_WORDS];
    size_t k = 0;
    cg_buf b = CG_BUF_INIT;
    for (;;) {
        while (*s == ' ' || *s == '\t' || *s == '\n')
            s++;
        if (*s == ']' && k == 0) {
            s++;
            break;
        }
        if (*s != '"' || k >= MAX_WORDS)
            goto no;
        s++;
        cg_buf_reset(&b);
        while (*s && *s != '"') {
            if (*s == '\\') {
                s++;
                char c = *s;
                switch (c) {
                case 'n': c = '\n'; break;
                case 't': c = '\t'; break;
                case 'r': c = '\r'; break;
                case 'b': c = '\b'; break;
                case 'f': c = '\f'; break;
                case '"': case '\\': case '/': break;
                case 'u': { /* keep BMP code points as UTF-8 */
                    unsigned v = 0;
                    for (int i = 1; i <= 4; i++) {
                        char h = s[i];
                        if (!isxdigit((unsigned char)h))
                            goto no;
                        v = v * 16 + (unsigned)(isdigit((unsigned char)h) ? h - '0' : (tolower((unsigned char)h) - 'a' + 10));
                    }
                    s += 4;
                    if (v < 0x80)
                        cg_buf_putc(&b, (char)v);
                    else if (v < 0x800) {
                        cg_buf_putc(&b, (char)(0xC0 | (v >> 6)));
                        cg_buf_putc(&b, (char)(0x80 | (v & 0x3F)));
                    } else {
                        cg_buf_putc(&b, (char)(0xE0 | (v >> 12)));
                        cg_buf_putc(&b, (char)(0x80 | ((v >> 6) & 0x3F)));
                        cg_buf_putc(&b, (char)(0x80 | (v & 0x3F)));
                    }
                    s++;
                    continue;
                }
                default: goto no;
                }
                cg_buf_putc(&b, c);
                s++;
                continue;
            }
            cg_buf_putc(&b, *s++);
        }
        if (*s != '"')
            goto no;
        s++;
        tmp[k++] = cg_arena_strdup(a, cg_buf_str(&b));
        while (*s == ' ' || *s == '\t' || *s == '\n')
            s++;
        if (*s == ',') {
            s++;
            continue;
        }
        if (*s == ']') {
            s++;
            break;
        }
        goto no;
    }
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    if (*s)
        goto no;
    cg_buf_free(&b);
    *vals = cg_arena_calloc(a, k ? k : 1, sizeof **vals);
    if (!*vals)
        return 0;
    memcpy(*vals, tmp, k * sizeof *tmp);
    *n = k;
    return 1;
no:
    cg_buf_free(&b);
    return 0;
}

static void set_values(cg_arena *a, cg_df_cmd *c, const char **w, size_t n)
{
    c->value = cg_arena_calloc(a, n ? n : 1, sizeof *c->value);
    if (c->value) {
        memcpy(c->value, w, n * sizeof *w);
        c->n_value = n;
    }
}

/* ENV / LABEL: "k v" (old form) or k=v pairs; values keep their quotes. */
static void name_vals(cg_arena *a, cg_df_cmd *c, const char *rest, char esc)
{
    const char *w[MAX_WORDS];
    size_t n = split_words(a, rest, w, MAX_WORDS, esc);
    if (n && !strchr(w[0], '=')) {
        const char *v = rest;
        while (*v == ' ' || *v == '\t')
            v++;
        v += strlen(w[0]);
        while (*v == ' ' || *v == '\t')
            v++;
        const char *kv[2] = {w[0], cg_arena_strdup(a, v)};
        set_values(a, c, kv, 2);
        return;
    }
    const char *kv[MAX_WORDS];
    size_t k = 0;
    for (size_t i = 0; i < n && k + 2 <= MAX_WORDS; i++) {
        const char *eq = strchr(w[i], '=');
        if (!eq)
            continue;
        kv[k++] = cg_arena_strndup(a, w[i], (size_t)(eq - w[i]));
        kv[k++] = cg_arena_strdup(a, eq + 1);
    }
    set_values(a, c, kv, k);
}

/* Leading --flags off rest; returns the remainder. */
static const char *take_flags(cg_arena *a, cg_df_cmd *c, const char *rest, char esc)
{
    const char *fl[64];
    size_t nf = 0;
    const char *s = rest;
    for (;;) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (s[0] != '-' || s[1] != '-' || nf >= 64)
            break;
        if (s[2] == ' ' || s[2] == '\t' || !s[2]) /* a bare "--" */
            break;
        const char *w[1];
        if (split_words(a, s, w, 1, esc) != 1)
            break;
        fl[nf++] = w[0];
        s += strlen(w[0]);
    }
    if (nf) {
        c->flags = cg_arena_calloc(a, nf, sizeof *c->flags);
        if (c->flags) {
            memcpy(c->flags, fl, nf * sizeof *fl);
            c->n_flags = nf;
        }
    }
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* Values of instruction `cmd` whose arguments are rest. */
static void fill_values(cg_arena *a, cg_df_cmd *c, const char *cmd, const char *rest, char esc)
{
    if (!strcmp(cmd, "env") || !strcmp(cmd, "label")) {
        name_vals(a, c, rest, esc);
        return;
    }
    if (!strcmp(cmd, "arg")) {
        const char *w[MAX_WORDS];
        set_values(a, c, w, split_words(a, rest, w, MAX_WORDS, esc));
        return;
    }
    rest = take_flags(a, c, rest, esc);
    int jsonable = !strcmp(cmd, "run") || !strcmp(cmd, "cmd") || !strcmp(cmd, "entrypoint") ||
                   !strcmp(cmd, "shell") || !strcmp(cmd, "copy") || !strcmp(cmd, "add") || !strcmp(cmd, "volume");
    if (!strcmp(cmd, "healthcheck")) {
        const char *w[1];
        if (split_words(a, rest, w, 1, esc) == 1) {
            const char *sub = w[0];
            const char *r = rest + strlen(sub);
            while (*r == ' ' || *r == '\t')
                r++;
            const char **jv;
            size_t jn;
            if (!strcasecmp(sub, "CMD") && parse_json_array(a, r, &jv, &jn)) {
                c->json = 1;
                const char *all[MAX_WORDS];
                size_t k = 0;
                all[k++] = "CMD";
                for (size_t i = 0; i < jn && k < MAX_WORDS; i++)
                    all[k++] = jv[i];
                set_values(a, c, all, k);
            } else {
                const char *two[2] = {cg_arena_strdup(a, sub), cg_arena_strdup(a, r)};
                set_values(a, c, two, *r ? 2 : 1);
            }
        }
        return;
    }
    if (jsonable) {
        const char **jv;
        size_t jn;
        if (parse_json_array(a, rest, &jv, &jn)) {
            c->json = 1;
            c->value = jv;
            c->n_value = jn;
            return;
        }
        if (!strcmp(cmd, "copy") || !strcmp(cmd, "add") || !strcmp(cmd, "volume")) {
            const char *w[MAX_WORDS];
            set_values(a, c, w, split_words(a, rest, w, MAX_WORDS, esc));
            return;
        }
        const char *one[1] = {cg_arena_strdup(a, rest)};
        set_values(a, c, one, 1);
        return;
    }
    if (!strcmp(cmd, "workdir") || !strcmp(cmd, "maintainer") || !strcmp(cmd, "user") ||
        !strcmp(cmd, "stopsignal")) {
        const char *one[1] = {cg_arena_strdup(a, rest)};
        set_values(a, c, one, *rest ? 1 : 0);
        return;
    }
    const char *w[MAX_WORDS];
    set_values(a, c, w, split_words(a, rest, w, MAX_WORDS, esc));
}

/* Expand $V, ${V}, ${V:-d}, ${V-d}, ${V:+x}, ${V+x} from the name=value list
 * vars; unknown variables are left as written. */
const char *cg_lint_expand(cg_arena *a, const char *s, const char *const *vars, size_t n_vars)
{
    if (!strchr(s, '$'))
        return s;
    cg_buf b = CG_BUF_INIT;
    for (const char *p = s; *p;) {
        if (*p != '$') {
            cg_buf_putc(&b, *p++);
            continue;
        }
        const char *start = p;
        p++;
        int braced = *p == '{';
        if (braced)
            p++;
        const char *nb = p;
        while (isalnum((unsigned char)*p) || *p == '_')
            p++;
        size_t nl = (size_t)(p - nb);
        const char *op = NULL, *word = NULL;
        size_t wl = 0;
        if (braced) {
            if (*p == ':' || *p == '-' || *p == '+') {
                op = p;
                p += *p == ':' ? 2 : 1;
                word = p;
                while (*p && *p != '}')
                    p++;
                wl = (size_t)(p - word);
            }
            if (*p != '}') {
                cg_buf_append(&b, start, (size_t)(p - start));
                continue;
            }
            p++;
        }
        if (!nl) {
            cg_buf_append(&b, start, (size_t)(p - start));
            continue;
        }
        const char *val = NULL;
        for (size_t i = n_vars; i-- > 0;) {
            const char *v = vars[i];
            if (!strncmp(v, nb, nl) && v[nl] == '=') {
                val = v + nl + 1;
                break;
            }
        }
        if (op && (op[op[0] == ':' ? 1 : 0] == '-')) {
            if (!val || (op[0] == ':' && !*val)) {
                cg_buf_append(&b, word, wl);
                continue;
            }
        } else if (op && (op[op[0] == ':' ? 1 : 0] == '+')) {
            if (val && (op[0] != ':' || *val))
                cg_buf_append(&b, word, wl);
            continue;
        }
        if (val)
            cg_buf_puts(&b, val);
        else
            cg_buf_append(&b, start, (size_t)(p - start));
    }
    const char *r = cg_arena_strdup(a, cg_buf_str(&b));
    cg_buf_free(&b);
    return r ? r : s;
}

/* Strip matching outer quotes. */
const char *cg_lint_unquote(cg_arena *a, const char *s)
{
    size_t n = strlen(s);
    if (n >= 2 && (s[0] == '"' || s[0] == '\'') && s[n - 1] == s[0])
        return cg_arena_strndup(a, s + 1, n - 2);
    return s;
}

typedef struct parser {
    cg_dockerfile *df;
    cg_vec cmds, stages;
    const char **pending_ignore;
    size_t n_pending;
    const char *gvars[256];
    size_t n_gvars;
} parser;

/* "# hadolint ignore=DL3008,DL3009" -> pending ids for the next instruction. */
static void hadolint_comment(parser *p, const char *line)
{
    const char *s = strstr(line, "hadolint");
    if (!s)
        return;
    s = strstr(s, "ignore=");
    if (!s)
        return;
    s += 7;
    const char *ids[64];
    size_t n = 0;
    while (*s && n < 64) {
        while (*s == ' ' || *s == ',')
            s++;
        const char *b = s;
        while (*s && *s != ',' && *s != ' ' && *s != '\t')
            s++;
        if (s > b)
            ids[n++] = cg_arena_strndup(&p->df->arena, b, (size_t)(s - b));
        if (*s == ' ' || *s == '\t')
            break;
    }
    if (!n)
        return;
    const char **all = cg_arena_calloc(&p->df->arena, n + p->n_pending, sizeof *all);
    if (!all)
        return;
    if (p->n_pending)
        memcpy(all, p->pending_ignore, p->n_pending * sizeof *all);
    memcpy(all + p->n_pending, ids, n * sizeof *ids);
    p->pending_ignore = all;
    p->n_pending += n;
}

/* Heredoc markers in text: <<EOF, <<-EOF, <<"EOF", <<'EOF' (not <<<). */
typedef struct hd_mark {
    char name[128];
    int strip_tabs, quoted;
} hd_mark;

static size_t heredoc_marks(const char *s, hd_mark *m, size_t max)
{
    size_t n = 0;
    char q = 0;
    for (const char *p = s; *p && n < max; p++) {
        if (q) {
            if (*p == q)
                q = 0;
            continue;
        }
        if (*p == '\'' || *p == '"') {
            q = *p;
            continue;
        }
        if (p[0] != '<' || p[1] != '<' || p[2] == '<' || (p > s && p[-1] == '<'))
            continue;
        const char *r = p + 2;
        int strip = 0, quoted = 0;
        if (*r == '-') {
            strip = 1;
            r++;
        }
        char qq = 0;
        if (*r == '"' || *r == '\'') {
            qq = *r++;
            quoted = 1;
        }
        const char *b = r;
        while (isalnum((unsigned char)*r) || *r == '_' || *r == '-' || *r == '.')
            r++;
        size_t len = (size_t)(r - b);
        if (!len || len >= sizeof m[n].name || (qq && *r != qq))
            continue;
        memcpy(m[n].name, b, len);
        m[n].name[len] = 0;
        m[n].strip_tabs = strip;
        m[n].quoted = quoted;
        n++;
        p = qq ? r : r - 1;
    }
    return n;
}

static void free_parser(parser *p)
{
    free(p->cmds.v);
    free(p->stages.v);
}

cg_status cg_dockerfile_parse(const uint8_t *buf, size_t len, const char *what, cg_dockerfile **out,
                              cg_error *err)
{
    *out = NULL;
    if (len > CG_DOCKERFILE_MAX_BYTES)
        return cg_error_set(err, CG_ERR_LIMIT, "%s: larger than %u bytes", what, CG_DOCKERFILE_MAX_BYTES);
    cg_dockerfile *df = calloc(1, sizeof *df);
    if (!df)
        return cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", what);
    cg_arena_init(&df->arena);
    df->escape = '\\';
    cg_arena *a = &df->arena;
    parser p;
    memset(&p, 0, sizeof p);
    p.df = df;
    cg_status st = CG_OK;

    /* physical lines */
    size_t nl = 1;
    for (size_t i = 0; i < len; i++)
        nl += buf[i] == '\n';
    if (nl > MAX_LINES) {
        st = cg_error_set(err, CG_ERR_LIMIT, "%s: more than %d lines", what, MAX_LINES);
        goto fail;
    }
    df->lines = cg_arena_calloc(a, nl, sizeof *df->lines);
    if (!df->lines)
        goto nomem;
    for (size_t i = 0, b = 0; i <= len; i++) {
        if (i == len || buf[i] == '\n') {
            size_t e = i;
            if (e > b && buf[e - 1] == '\r')
                e--;
            if (i == len && b == len && df->n_lines > 0)
                break;
            /* NULs would cut the line short; map them to spaces */
            char *ln = cg_arena_strndup(a, (const char *)buf + b, e - b);
            if (!ln)
                goto nomem;
            for (size_t k = 0; k < e - b; k++)
                if (!ln[k])
                    ln[k] = ' ';
            df->lines[df->n_lines++] = ln;
            b = i + 1;
        }
    }
    if (df->n_lines && df->lines[0][0] == '\xEF' && df->lines[0][1] == '\xBB' && df->lines[0][2] == '\xBF')
        df->lines[0] += 3; /* UTF-8 BOM */

    size_t li = 0;
    /* parser directives */
    for (; li < df->n_lines; li++) {
        const char *s = df->lines[li];
        while (*s == ' ' || *s == '\t')
            s++;
        if (*s != '#')
            break;
        s++;
        while (*s == ' ' || *s == '\t')
            s++;
        const char *k = s;
        while (isalpha((unsigned char)*s))
            s++;
        size_t kl = (size_t)(s - k);
        while (*s == ' ' || *s == '\t')
            s++;
        if (*s != '=')
            break;
        s++;
        while (*s == ' ' || *s == '\t')
            s++;
        const char *v = s;
        size_t vl = strlen(v);
        while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
            vl--;
        if (kl == 6 && !strncasecmp(k, "escape", 6)) {
            if (vl == 1 && (v[0] == '\\' || v[0] == '`'))
                df->escape = v[0];
            else {
                st = cg_error_set(err, CG_ERR_INPUT, "%s:%zu: invalid escape directive (\\ or ` only)", what, li + 1);
                goto fail;
            }
        } else if (kl == 6 && !strncasecmp(k, "syntax", 6)) {
            if (!df->syntax) { /* BuildKit reads the first one */
                df->syntax = cg_arena_strndup(a, v, vl);
                df->syntax_line = (int)li + 1;
            }
        } else if (!(kl == 5 && !strncasecmp(k, "check", 5))) {
            break;
        }
    }

    cg_buf text = CG_BUF_INIT;
    int stage = -1;
    while (li < df->n_lines) {
        const char *line = df->lines[li];
        if (blank(line)) {
            li++;
            continue;
        }
        if (comment(line)) {
            hadolint_comment(&p, line);
            li++;
            continue;
        }
        if (p.cmds.n >= MAX_CMDS) {
            cg_buf_free(&text);
            st = cg_error_set(err, CG_ERR_LIMIT, "%s: more than %d instructions", what, MAX_CMDS);
            goto fail;
        }
        int start = (int)li + 1;
        cg_buf_reset(&text);
        for (;;) {
            const char *s = df->lines[li];
            size_t n = strlen(s);
            size_t t = n;
            while (t && (s[t - 1] == ' ' || s[t - 1] == '\t'))
                t--;
            li++;
            if (t && s[t - 1] == df->escape) {
                cg_buf_append(&text, s, t - 1);
                /* comment and blank lines inside a continuation are dropped */
                while (li < df->n_lines && (comment(df->lines[li]) || blank(df->lines[li])))
                    li++;
                if (li >= df->n_lines)
                    break;
                continue;
            }
            cg_buf_append(&text, s, n);
            break;
        }
        int end = (int)li;
        const char *ins = cg_buf_str(&text);
        while (*ins == ' ' || *ins == '\t')
            ins++;
        const char *kw = ins;
        while (*ins && *ins != ' ' && *ins != '\t')
            ins++;
        size_t kwl = (size_t)(ins - kw);
        char cmd[32];
        if (kwl >= sizeof cmd) {
            cg_buf_free(&text);
            st = cg_error_set(err, CG_ERR_INPUT, "%s:%d: unknown instruction", what, start);
            goto fail;
        }
        for (size_t i = 0; i < kwl; i++)
            cmd[i] = (char)tolower((unsigned char)kw[i]);
        cmd[kwl] = 0;
        if (!is_known(cmd)) {
            /* the message quotes the text: set it before the buffer goes */
            st = cg_error_set(err, CG_ERR_INPUT, "%s:%d: unknown instruction \"%.*s\"", what, start, (int)kwl, kw);
            cg_buf_free(&text);
            goto fail;
        }
        while (*ins == ' ' || *ins == '\t')
            ins++;
        cg_df_cmd c;
        memset(&c, 0, sizeof c);
        c.cmd = cg_arena_strdup(a, cmd);
        c.sub_cmd = "";
        c.original = cg_arena_strdup(a, cg_buf_str(&text));
        c.start_line = start;
        c.ignore = p.pending_ignore;
        c.n_ignore = p.n_pending;
        p.pending_ignore = NULL;
        p.n_pending = 0;
        const char *rest = ins;
        const char *eff = cmd;
        char sub[32] = "";
        if (!strcmp(cmd, "onbuild")) {
            const char *k2 = rest;
            while (*rest && *rest != ' ' && *rest != '\t')
                rest++;
            size_t l2 = (size_t)(rest - k2);
            if (l2 && l2 < sizeof sub) {
                for (size_t i = 0; i < l2; i++)
                    sub[i] = (char)tolower((unsigned char)k2[i]);
                sub[l2] = 0;
            }
            while (*rest == ' ' || *rest == '\t')
                rest++;
            c.sub_cmd = cg_arena_strdup(a, sub);
            eff = sub;
        }
        /* heredocs (RUN, COPY, ADD, also under ONBUILD) */
        if (!strcmp(eff, "run") || !strcmp(eff, "copy") || !strcmp(eff, "add")) {
            hd_mark m[8];
            size_t nm = heredoc_marks(rest, m, 8);
            if (nm) {
                c.heredocs = cg_arena_calloc(a, nm, sizeof *c.heredocs);
                if (!c.heredocs)
                    goto nomem_text;
                for (size_t h = 0; h < nm; h++) {
                    cg_buf body = CG_BUF_INIT;
                    int hs = (int)li + 1, found = 0;
                    while (li < df->n_lines) {
                        const char *s = df->lines[li++];
                        const char *cmpv = s;
                        if (m[h].strip_tabs)
                            while (*cmpv == '\t')
                                cmpv++;
                        if (!strcmp(cmpv, m[h].name)) {
                            found = 1;
                            break;
                        }
                        if (body.len)
                            cg_buf_putc(&body, '\n');
                        cg_buf_puts(&body, cmpv);
                    }
                    (void)found;
                    cg_df_heredoc *hd = &c.heredocs[c.n_heredocs++];
                    hd->name = cg_arena_strdup(a, m[h].name);
                    hd->body = cg_arena_strdup(a, cg_buf_str(&body));
                    hd->quoted = m[h].quoted;
                    hd->start_line = hs;
                    hd->end_line = (int)li;
                    cg_buf_free(&body);
                }
                end = (int)li;
            }
        }
        c.end_line = end;
        fill_values(a, &c, eff, rest, df->escape);
        if (!strcmp(cmd, "from")) {
            stage++;
            cg_df_stage sg;
            memset(&sg, 0, sizeof sg);
            sg.first = p.cmds.n;
            sg.line = start;
            if (c.n_value >= 1) {
                sg.image_raw = c.value[0];
                sg.image = cg_lint_expand(a, c.value[0], p.gvars, p.n_gvars);
            } else {
                sg.image_raw = sg.image = "";
            }
            if (c.n_value >= 3 && !strcasecmp(c.value[1], "as")) {
                char *nm = cg_arena_strdup(a, c.value[2]);
                for (char *q = nm; q && *q; q++)
                    *q = (char)tolower((unsigned char)*q);
                sg.name = nm;
            }
            if (!cg_vec_push(&p.stages, &sg, sizeof sg))
                goto nomem_text;
        }
        c.stage = stage < 0 ? 0 : stage;
        c.global = stage < 0;
        if (c.global && !strcmp(cmd, "arg")) {
            for (size_t i = 0; i < c.n_value && p.n_gvars < 256; i++) {
                const char *v = c.value[i];
                const char *eq = strchr(v, '=');
                if (eq) {
                    const char *val = cg_lint_unquote(a, eq + 1);
                    val = cg_lint_expand(a, val, p.gvars, p.n_gvars);
                    p.gvars[p.n_gvars++] = cg_arena_sprintf(a, "%.*s=%s", (int)(eq - v), v, val);
                }
            }
        }
        if (!c.cmd || !c.original || !cg_vec_push(&p.cmds, &c, sizeof c))
            goto nomem_text;
    }
    cg_buf_free(&text);
    df->cmds = p.cmds.v;
    df->n_cmds = p.cmds.n;
    df->stages = p.stages.v;
    df->n_stages = p.stages.n;
    p.cmds.v = p.stages.v = NULL;
    for (size_t s = 0; s < df->n_stages; s++) {
        size_t e = s + 1 < df->n_stages ? df->stages[s + 1].first : df->n_cmds;
        df->stages[s].count = e - df->stages[s].first;
    }
    *out = df;
    return CG_OK;
nomem_text:
    cg_buf_free(&text);
nomem:
    st = cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", what);
fail:
    free_parser(&p);
    cg_dockerfile_free(df);
    return st;
}

void cg_dockerfile_free(cg_dockerfile *df)
{
    if (!df)
        return;
    free(df->cmds);
    free(df->stages);
    cg_arena_free(&df->arena);
    free(df);
}

int cg_dockerfile_syntax_known(const char *syntax)
{
    if (!syntax)
        return 1;
    const char *s = syntax;
    static const char *const hosts[] = {"docker.io/", "index.docker.io/", "registry-1.docker.io/"};
    for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++)
        if (!strncmp(s, hosts[i], strlen(hosts[i]))) {
            s += strlen(hosts[i]);
            break;
        }
    if (strncmp(s, "docker/dockerfile", 17))
        return 0;
    s += 17;
    if (!*s)
        return 1; /* untagged: the latest stable 1.x */
    if (*s == '@')
        return 0; /* a digest alone does not say which version */
    if (*s++ != ':')
        return 0; /* docker/dockerfile-upstream, ... */
    if (*s++ != '1')
        return 0;
    for (int parts = 0; *s == '.' && parts < 2; parts++) {
        s++;
        if (!isdigit((unsigned char)*s))
            return 0;
        while (isdigit((unsigned char)*s))
            s++;
    }
    return !*s || (*s == '@' && !strncmp(s, "@sha256:", 8));
}

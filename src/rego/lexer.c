/*
 * lexer.c - Rego source to tokens.  The whole input is tokenised up front
 * (bounded by the input size) so the parser can look ahead freely.  Each
 * token records whether a newline preceded it: newlines separate the
 * expressions of a body.  Keywords stay identifiers; the parser decides by
 * context (`foo.contains` is a plain name).
 */
#include <stdio.h>
#include <string.h>

#include "rego/lexer.h"

static int is_id0(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static int is_id(char c) { return is_id0(c) || (c >= '0' && c <= '9'); }

static const char *ops3[] = {NULL};
static const char *ops2[] = {":=", "==", "!=", "<=", ">=", NULL};
static const char ops1[] = "{}[](),.;:=<>+-*/%|&";

int rg_lex(cg_arena *a, const char *src, size_t len, rtok **out, size_t *nout, rg_err *e, const char *file)
{
    (void)ops3;
    size_t cap = 64, n = 0;
    rtok *t = cg_arena_alloc(a, cap * sizeof *t);
    if (!t)
        return -1;
    size_t i = 0;
    int row = 1;
    size_t linestart = 0;
    int nl = 1;
    while (1) {
        /* whitespace and comments */
        while (i < len) {
            char c = src[i];
            if (c == '\n') {
                row++;
                linestart = i + 1;
                nl = 1;
                i++;
            } else if (c == ' ' || c == '\t' || c == '\r') {
                i++;
            } else if (c == '#') {
                while (i < len && src[i] != '\n')
                    i++;
            } else
                break;
        }
        if (n + 1 >= cap) {
            size_t nc = cap * 2;
            rtok *nt = cg_arena_alloc(a, nc * sizeof *nt);
            if (!nt)
                return -1;
            RG_MEMCPY(nt, t, n * sizeof *t);
            t = nt;
            cap = nc;
        }
        rtok *k = &t[n];
        memset(k, 0, sizeof *k);
        k->row = row;
        k->col = (int)(i - linestart) + 1;
        k->nl = nl;
        k->pos = i;
        nl = 0;
        if (i >= len) {
            k->t = TK_EOF;
            k->end = i;
            n++;
            break;
        }
        char c = src[i];
        if (is_id0(c)) {
            size_t s = i;
            while (i < len && is_id(src[i]))
                i++;
            k->t = TK_IDENT;
            k->s = src + s;
            k->n = i - s;
        } else if ((c >= '0' && c <= '9') || (c == '.' && i + 1 < len && src[i + 1] >= '0' && src[i + 1] <= '9' && 0)) {
            size_t s = i;
            while (i < len && src[i] >= '0' && src[i] <= '9')
                i++;
            if (i + 1 < len && src[i] == '.' && src[i + 1] >= '0' && src[i + 1] <= '9') {
                i++;
                while (i < len && src[i] >= '0' && src[i] <= '9')
                    i++;
            }
            if (i < len && (src[i] == 'e' || src[i] == 'E')) {
                size_t j = i + 1;
                if (j < len && (src[j] == '+' || src[j] == '-'))
                    j++;
                if (j < len && src[j] >= '0' && src[j] <= '9') {
                    i = j;
                    while (i < len && src[i] >= '0' && src[i] <= '9')
                        i++;
                }
            }
            k->t = TK_NUM;
            k->s = src + s;
            k->n = i - s;
        } else if (c == '"') {
            size_t s = i++;
            while (i < len && src[i] != '"' && src[i] != '\n') {
                if (src[i] == '\\')
                    i++;
                i++;
            }
            if (i >= len || src[i] != '"') {
                e->code = "rego_parse_error";
                snprintf(e->msg, sizeof e->msg, "non-terminated string");
                e->file = file;
                e->row = k->row;
                e->col = k->col;
                return -1;
            }
            i++;
            k->t = TK_STR;
            k->s = src + s;
            k->n = i - s;
        } else if (c == '`') {
            size_t s = ++i;
            while (i < len && src[i] != '`') {
                if (src[i] == '\n') {
                    row++;
                    linestart = i + 1;
                }
                i++;
            }
            if (i >= len) {
                e->code = "rego_parse_error";
                snprintf(e->msg, sizeof e->msg, "non-terminated raw string");
                e->file = file;
                e->row = k->row;
                e->col = k->col;
                return -1;
            }
            k->t = TK_RAWSTR;
            k->s = src + s;
            k->n = i - s;
            i++;
        } else {
            int found = 0;
            for (int j = 0; ops2[j]; j++)
                if (i + 1 < len && src[i] == ops2[j][0] && src[i + 1] == ops2[j][1]) {
                    k->t = TK_OP;
                    k->s = src + i;
                    k->n = 2;
                    i += 2;
                    found = 1;
                    break;
                }
            if (!found) {
                if (!strchr(ops1, c) || c == 0) {
                    e->code = "rego_parse_error";
                    snprintf(e->msg, sizeof e->msg, "illegal token");
                    e->file = file;
                    e->row = k->row;
                    e->col = k->col;
                    return -1;
                }
                k->t = TK_OP;
                k->s = src + i;
                k->n = 1;
                i++;
            }
        }
        k->end = i;
        n++;
    }
    *out = t;
    *nout = n;
    return 0;
}

/*
 * lexer.h - tokens of Rego source (lexer.c), for the parser only.
 */
#ifndef CG_REGO_LEXER_H
#define CG_REGO_LEXER_H

#include "rego/rego_int.h"

enum { TK_EOF, TK_IDENT, TK_NUM, TK_STR, TK_RAWSTR, TK_OP };

struct rtok {
    int t;
    const char *s;
    size_t n;
    int row, col;
    int nl; /* a newline came before this token */
    size_t pos, end;
};

int rg_lex(cg_arena *a, const char *src, size_t len, rtok **out, size_t *nout, rg_err *e, const char *file);
int rg_unquote(const char **sp, const char *e, cg_buf *out);

#endif

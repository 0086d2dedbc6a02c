/*
 * jwrite.h - a streaming JSON writer: members go straight into a cg_buf in
 * the order they are written, two-space indented, with no tree in between.
 * The layout is byte for byte what jansson's json_dumps() writes with
 * JSON_INDENT(2) | JSON_PRESERVE_ORDER (so documents once built as jansson
 * trees keep their bytes): ": " after keys, "," at line ends, "[]" and "{}"
 * when empty, strings escaped as jansson does (\" \\ \b \f \n \r \t, other
 * controls as \uXXXX), invalid UTF-8 repaired with U+FFFD so the output is
 * always valid JSON.
 *
 * Errors are sticky: the first failed append sets w->st and everything
 * after it is skipped; check w->st once at the end.
 */
#ifndef CG_JWRITE_H
#define CG_JWRITE_H

#include <stddef.h>

#include "cgate/buf.h"
#include "cgate/error.h"

typedef struct cg_jw {
    cg_buf *b;
    int depth;
    int first; /* nothing written yet at this level */
    cg_status st;
    cg_sink_fn sink;  /* NULL: everything stays in b */
    void *sink_ud;
    cg_error *sink_err;
} cg_jw;

void cg_jw_init(cg_jw *w, cg_buf *b);
/* Stream: whenever b holds CG_JW_CHUNK bytes or more they go to sink and b is
 * emptied; call cg_jw_flush() at the end for the rest.  b is only a window. */
#define CG_JW_CHUNK 65536
void cg_jw_init_sink(cg_jw *w, cg_buf *b, cg_sink_fn sink, void *ud, cg_error *err);
void cg_jw_flush(cg_jw *w);

/* Length of the valid UTF-8 sequence at s (1-4; s is NUL-terminated), 0 when
 * invalid (overlong forms and surrogates included). */
size_t cg_utf8_seq(const unsigned char *s);

/* Structure: open "{" or "[", close "}" or "]"; key() before each member of
 * an object, elem() before each element of an array. */
void cg_jw_open(cg_jw *w, const char *brace);
void cg_jw_close(cg_jw *w, const char *brace);
void cg_jw_key(cg_jw *w, const char *k);
void cg_jw_elem(cg_jw *w);

/* Values. */
void cg_jw_raw(cg_jw *w, const char *s);
void cg_jw_str(cg_jw *w, const char *s); /* NULL: null */
void cg_jw_int(cg_jw *w, long long v);
/* The shortest decimal that reads back as d (as JavaScript prints numbers);
 * non-finite: null. */
void cg_jw_num(cg_jw *w, double d);
/* As jansson prints a real with JSON_REAL_PRECISION(10): "%.10g", with ".0"
 * added when that looks like an integer and the exponent without '+' or
 * leading zeros ("1e20", "5e-7"). */
void cg_jw_real(cg_jw *w, double d);
/* The same with another precision (jansson's default, no flag, is 17). */
void cg_jw_real_prec(cg_jw *w, double d, int prec);

/* key + value in one call. */
void cg_jw_kstr(cg_jw *w, const char *k, const char *v); /* NULL v: null */
void cg_jw_kopt(cg_jw *w, const char *k, const char *v); /* NULL v: no member */
void cg_jw_kint(cg_jw *w, const char *k, long long v);
void cg_jw_knum(cg_jw *w, const char *k, double v);
void cg_jw_kreal(cg_jw *w, const char *k, double v);
void cg_jw_kbool(cg_jw *w, const char *k, int v);
/* An array of strings (NULL entries skipped when skip_null, else null). */
void cg_jw_kstrs(cg_jw *w, const char *k, const char *const *v, size_t n, int skip_null);

#endif

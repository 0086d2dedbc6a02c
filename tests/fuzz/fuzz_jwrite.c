/*
 * fuzz_jwrite.c - the streaming JSON writer on arbitrary bytes: every string
 * it writes must parse back (jansson) as exactly the input when that is valid
 * UTF-8, and as valid JSON in any case (invalid bytes become U+FFFD); every
 * double (the input's first 8 bytes) must print as a JSON number that reads
 * back to the same value (cg_jw_num) or as null when not finite, and as a
 * number jansson reads (cg_jw_real: jansson's own "%.10g" form).
 */
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/jwrite.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int valid_utf8(const char *s)
{
    for (size_t i = 0, k; s[i]; i += k)
        if (!(k = cg_utf8_seq((const unsigned char *)s + i)))
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = 0; /* a C string: up to the first NUL */
    cg_buf b = CG_BUF_INIT;
    cg_jw w;
    cg_jw_init(&w, &b);
    cg_jw_open(&w, "{");
    cg_jw_kstr(&w, s, s);
    cg_jw_close(&w, "}");
    json_error_t je;
    json_t *j = w.st == CG_OK ? json_loadb(b.data, b.len, 0, &je) : NULL;
    if (w.st == CG_OK && !j)
        abort(); /* the writer produced invalid JSON */
    if (j && valid_utf8(s)) {
        const char *back = json_string_value(json_object_get(j, s));
        if (!back || strcmp(back, s) != 0)
            abort(); /* valid UTF-8 must come back unchanged */
    }
    json_decref(j);
    if (size >= 8) {
        double d;
        memcpy(&d, data, 8);
        cg_buf_reset(&b);
        cg_jw_num(&w, d);
        if (w.st == CG_OK) {
            const char *t = cg_buf_str(&b);
            if (!isfinite(d)) {
                if (strcmp(t, "null"))
                    abort();
            } else if (strtod(t, NULL) != d) {
                abort(); /* the shortest form must read back exactly */
            }
        }
        cg_buf_reset(&b);
        cg_jw_real(&w, d);
        json_t *r = w.st == CG_OK ? json_loadb(b.data, b.len, JSON_DECODE_ANY, &je) : NULL;
        /* a real must be a JSON number (or null); like jansson's, ten digits
         * of a double within 5e-10 of DBL_MAX round above it and overflow */
        if (w.st == CG_OK && !r && !(isfinite(d) && fabs(d) > 1.797693134e308))
            abort();
        json_decref(r);
    }
    cg_buf_free(&b);
    free(s);
    return 0;
}

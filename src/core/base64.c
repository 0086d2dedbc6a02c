/*
 * base64.c - see base64.h.  libsodium's constant-time codec (the same one
 * the key files always used), so one set of rules holds for every caller.
 */
#include "core/base64.h"

#include <sodium.h>
#include <stdint.h>

#define VARIANT sodium_base64_VARIANT_ORIGINAL

size_t cg_base64_len(size_t n)
{
    return (n + 2) / 3 * 4;
}

int cg_base64_encode_to(const void *p, size_t n, char *out, size_t cap)
{
    if (n > (SIZE_MAX / 4) * 3 - 3 || cap < cg_base64_len(n) + 1)
        return -1;
    sodium_bin2base64(out, cap, p, n, VARIANT);
    return 0;
}

int cg_base64_decode_to(const char *s, size_t n, void *out, size_t cap, size_t *out_len)
{
    size_t got = 0;
    const char *end = NULL;
    if (cap == 0 || sodium_base642bin(out, cap - 1, s, n, NULL, &got, &end, VARIANT) != 0 || end != s + n)
        return -1;
    ((unsigned char *)out)[got] = 0;
    *out_len = got;
    return 0;
}

cg_status cg_base64_encode(const void *p, size_t n, cg_buf *out, cg_error *err)
{
    if (n > (SIZE_MAX / 4) * 3 - 3)
        return cg_error_set(err, CG_ERR_LIMIT, "base64: input too large");
    size_t need = cg_base64_len(n) + 1;
    if (cg_buf_reserve(out, need) != CG_OK)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    sodium_bin2base64(out->data + out->len, need, p, n, VARIANT);
    out->len += need - 1; /* need counts the NUL */
    return CG_OK;
}

static cg_status decode(const char *s, size_t n, const char *ignore, cg_buf *out, cg_error *err)
{
    size_t cap = n / 4 * 3 + 3;
    if (cg_buf_reserve(out, cap) != CG_OK)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    size_t got = 0;
    const char *end = NULL;
    if (sodium_base642bin((unsigned char *)out->data + out->len, cap, s, n, ignore, &got, &end, VARIANT) != 0 ||
        end != s + n)
        return cg_error_set(err, CG_ERR_INPUT, "invalid base64");
    out->len += got;
    out->data[out->len] = '\0';
    return CG_OK;
}

cg_status cg_base64_decode(const char *s, size_t n, cg_buf *out, cg_error *err)
{
    return decode(s, n, NULL, out, err);
}

cg_status cg_base64_decode_ws(const char *s, size_t n, cg_buf *out, cg_error *err)
{
    return decode(s, n, " \t\r\n", out, err);
}

/*
 * bi_enc.c - encoding and misc builtins: json.*, base64*, hex, crypto
 * digests (OpenSSL), units.parse/parse_bytes (exact: decimal text scaled with
 * big integers where the result is integral), semver.*, time.now_ns (fixed
 * per query) and net.cidr_contains.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "rego/builtins.h"

#define STR_ARG(i, name)                                                                                      \
    if (a[i]->k != RV_STR)                                                                                    \
    return bi_type_err(c, name, (int)(i) + 1, a[i], "string")

static rv *b_json_marshal(rctx *c, rv **a, size_t n)
{
    (void)n;
    cg_buf b = CG_BUF_INIT;
    rv_write_json(&b, a[0], 0, 0);
    rv *r = rv_str(c, cg_buf_str(&b), b.len);
    cg_buf_free(&b);
    return r;
}
static rv *b_json_unmarshal(rctx *c, rv **a, size_t n)
{
    (void)n;
    STR_ARG(0, "json.unmarshal");
    char why[128];
    rv *v = rv_parse_json(c, a[0]->u.s, a[0]->n, why, sizeof why);
    if (!v && !c->err.code)
        return bi_err(c, "json.unmarshal: %s", why);
    return v;
}
static rv *b_json_is_valid(rctx *c, rv **a, size_t n)
{
    (void)n;
    if (a[0]->k != RV_STR)
        return rv_bool(0);
    char why[64];
    return rv_bool(rv_parse_json(c, a[0]->u.s, a[0]->n, why, sizeof why) != NULL);
}

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char B64U[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static rv *b64enc(rctx *c, rv *s, const char *alpha, int pad)
{
    cg_buf b = CG_BUF_INIT;
    const unsigned char *p = (const unsigned char *)s->u.s;
    size_t i = 0;
    for (; i + 2 < s->n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
        char o[4] = {alpha[v >> 18], alpha[(v >> 12) & 63], alpha[(v >> 6) & 63], alpha[v & 63]};
        cg_buf_append(&b, o, 4);
    }
    if (s->n - i == 1) {
        uint32_t v = (uint32_t)p[i] << 16;
        char o[4] = {alpha[v >> 18], alpha[(v >> 12) & 63], '=', '='};
        cg_buf_append(&b, o, pad ? 4 : 2);
    } else if (s->n - i == 2) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
        char o[4] = {alpha[v >> 18], alpha[(v >> 12) & 63], alpha[(v >> 6) & 63], '='};
        cg_buf_append(&b, o, pad ? 4 : 3);
    }
    rv *r = rv_str(c, b.data ? b.data : "", b.len);
    cg_buf_free(&b);
    return r;
}
static rv *b64dec(rctx *c, rv *s, const char *alpha, const char *name, int strict_pad)
{
    cg_buf b = CG_BUF_INIT;
    uint32_t acc = 0;
    int bits = 0;
    size_t n = s->n;
    while (n && s->u.s[n - 1] == '=')
        n--;
    if (strict_pad && s->n % 4) {
        cg_buf_free(&b);
        return bi_err(c, "%s: illegal base64 data at input byte %zu", name, s->n - s->n % 4);
    }
    for (size_t i = 0; i < n; i++) {
        const char *q = memchr(alpha, s->u.s[i], 64);
        if (!q || !s->u.s[i]) {
            cg_buf_free(&b);
            return bi_err(c, "%s: illegal base64 data at input byte %zu", name, i);
        }
        acc = acc << 6 | (uint32_t)(q - alpha);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            cg_buf_putc(&b, (char)((acc >> bits) & 0xFF));
        }
    }
    rv *r = rv_str(c, b.data ? b.data : "", b.len);
    cg_buf_free(&b);
    return r;
}
static rv *b_b64_enc(rctx *c, rv **a, size_t n) { (void)n; STR_ARG(0, "base64.encode"); return b64enc(c, a[0], B64, 1); }
static rv *b_b64_dec(rctx *c, rv **a, size_t n) { (void)n; STR_ARG(0, "base64.decode"); return b64dec(c, a[0], B64, "base64.decode", 1); }
static rv *b_b64_valid(rctx *c, rv **a, size_t n)
{
    (void)n;
    STR_ARG(0, "base64.is_valid");
    rv *r = b64dec(c, a[0], B64, "base64.is_valid", 1);
    if (!r) {
        c->err.code = NULL;
        c->err.msg[0] = 0;
        return rv_bool(0);
    }
    return rv_bool(1);
}
static rv *b_b64u_enc(rctx *c, rv **a, size_t n) { (void)n; STR_ARG(0, "base64url.encode"); return b64enc(c, a[0], B64U, 1); }
static rv *b_b64u_enc_np(rctx *c, rv **a, size_t n) { (void)n; STR_ARG(0, "base64url.encode_no_pad"); return b64enc(c, a[0], B64U, 0); }
static rv *b_b64u_dec(rctx *c, rv **a, size_t n) { (void)n; STR_ARG(0, "base64url.decode"); return b64dec(c, a[0], B64U, "base64url.decode", 0); }

static rv *b_hex_enc(rctx *c, rv **a, size_t n)
{
    (void)n;
    STR_ARG(0, "hex.encode");
    char *buf = rg_alloc(c, a[0]->n * 2 + 1);
    if (!buf)
        return NULL;
    for (size_t i = 0; i < a[0]->n; i++)
        snprintf(buf + 2 * i, 3, "%02x", (unsigned char)a[0]->u.s[i]);
    return rv_str(c, buf, a[0]->n * 2);
}
static int hv(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}
static rv *b_hex_dec(rctx *c, rv **a, size_t n)
{
    (void)n;
    STR_ARG(0, "hex.decode");
    size_t m = a[0]->n / 2;
    char *buf = rg_alloc(c, m + 1);
    if (!buf)
        return NULL;
    for (size_t i = 0; i < m; i++) {
        int h = hv(a[0]->u.s[2 * i]), l = hv(a[0]->u.s[2 * i + 1]);
        if (h < 0 || l < 0) {
            /* Go's hex.InvalidByteError: %#U of the byte as a rune */
            unsigned ch = (unsigned char)a[0]->u.s[2 * i + (h < 0 ? 0 : 1)];
            if (ch < 0x20 || (ch >= 0x7f && ch < 0xa0))
                return bi_err(c, "hex.decode: encoding/hex: invalid byte: U+%04X", ch);
            char u8[3] = {(char)ch, 0, 0};
            if (ch >= 0x80) {
                u8[0] = (char)(0xc0 | (ch >> 6));
                u8[1] = (char)(0x80 | (ch & 0x3f));
            }
            return bi_err(c, "hex.decode: encoding/hex: invalid byte: U+%04X '%s'", ch, u8);
        }
        buf[i] = (char)(h * 16 + l);
    }
    if (a[0]->n % 2)
        return bi_err(c, "hex.decode: encoding/hex: odd length hex string");
    return rv_str(c, buf, m);
}

static rv *digest(rctx *c, rv **a, const char *name, const EVP_MD *md)
{
    STR_ARG(0, name);
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!EVP_Digest(a[0]->u.s, a[0]->n, out, &len, md, NULL))
        return bi_err(c, "%s: digest failed", name);
    char hex[EVP_MAX_MD_SIZE * 2 + 1];
    for (unsigned i = 0; i < len; i++)
        snprintf(hex + 2 * i, 3, "%02x", out[i]);
    return rv_str(c, hex, len * 2u);
}
static rv *b_sha256(rctx *c, rv **a, size_t n) { (void)n; return digest(c, a, "crypto.sha256", EVP_sha256()); }
static rv *b_sha1(rctx *c, rv **a, size_t n) { (void)n; return digest(c, a, "crypto.sha1", EVP_sha1()); }
static rv *b_md5(rctx *c, rv **a, size_t n) { (void)n; return digest(c, a, "crypto.md5", EVP_md5()); }

/* ---- units ------------------------------------------------------------------ */
/* value = digits * 10^dexp * mul * 1024^p2 / div, computed exactly with big
 * integers; parse_bytes truncates to an integer as OPA does. */
static rv *ipow(rctx *c, int64_t base, int e)
{
    rv *r = rv_int(c, 1);
    for (int i = 0; i < e && r; i++)
        r = rv_num_arith(c, '*', r, rv_int(c, base));
    return r;
}

static rv *units_impl(rctx *c, rv **a, const char *name, int bytes)
{
    STR_ARG(0, name);
    const char *what = bytes ? "byte amount" : "amount";
    char buf[256];
    size_t bn = 0;
    for (size_t i = 0; i < a[0]->n && bn < sizeof buf - 1; i++)
        if (a[0]->u.s[i] != '"')
            buf[bn++] = a[0]->u.s[i];
    buf[bn] = 0;
    if (strchr(buf, ' '))
        return bi_err(c, "%s: spaces not allowed in resource strings", name);
    size_t i = 0;
    while (i < bn && (isdigit((unsigned char)buf[i]) || buf[i] == '.'))
        i++;
    size_t ne = i;
    if (ne == 0)
        return bi_err(c, "%s: no %s provided", name, what);
    long e10 = 0;
    if (i < bn && (buf[i] == 'e' || buf[i] == 'E')) {
        size_t j = i + 1;
        int eneg = 0;
        if (j < bn && (buf[j] == '+' || buf[j] == '-'))
            eneg = buf[j++] == '-';
        if (j < bn && isdigit((unsigned char)buf[j])) {
            long ev = 0;
            while (j < bn && isdigit((unsigned char)buf[j])) {
                if (ev < 100000000)
                    ev = ev * 10 + (buf[j] - '0');
                j++;
            }
            if (ev > 400)
                return bi_err(c, "%s: exponent too large", name);
            e10 = eneg ? -ev : ev;
            i = j;
        }
    }
    char digits[256];
    size_t dn = 0;
    int dots = 0;
    for (size_t k = 0; k < ne; k++) {
        if (buf[k] == '.') {
            dots++;
            continue;
        }
        digits[dn++] = buf[k];
        if (dots)
            e10--;
    }
    if (dots > 1 || dn == 0)
        return bi_err(c, "%s: could not parse %s to a number", name, what);
    digits[dn] = 0;
    const char *unit = buf + i;
    char u[16];
    size_t un = 0;
    for (const char *q = unit; *q && un < sizeof u - 1; q++)
        u[un++] = (char)tolower((unsigned char)*q);
    u[un] = 0;
    int64_t mul = 1, div = 1;
    int p2 = 0, found = 0;
    static const struct {
        const char *u;
        int64_t m;
        int p2;
    } tb[] = {{"", 1, 0},
              {"k", 1000, 0},
              {"kb", 1000, 0},
              {"ki", 1, 1},
              {"kib", 1, 1},
              {"m", 1000000, 0},
              {"mb", 1000000, 0},
              {"mi", 1, 2},
              {"mib", 1, 2},
              {"g", 1000000000, 0},
              {"gb", 1000000000, 0},
              {"gi", 1, 3},
              {"gib", 1, 3},
              {"t", 1000000000000, 0},
              {"tb", 1000000000000, 0},
              {"ti", 1, 4},
              {"tib", 1, 4},
              {"p", 1000000000000000, 0},
              {"pb", 1000000000000000, 0},
              {"pi", 1, 5},
              {"pib", 1, 5},
              {"e", 1000000000000000000, 0},
              {"eb", 1000000000000000000, 0},
              {"ei", 1, 6},
              {"eib", 1, 6},
              {NULL, 0, 0}};
    if (strlen(unit) < sizeof u - 1) {
        if (!bytes && !strcmp(unit, "m")) {
            div = 1000;
            found = 1;
        } else
            for (int k = 0; tb[k].u; k++)
                if (!strcmp(tb[k].u, u) && (bytes || (u[0] == 0 || u[strlen(u) - 1] != 'b'))) {
                    mul = tb[k].m;
                    p2 = tb[k].p2;
                    found = 1;
                }
    }
    if (!found)
        return bytes ? bi_err(c, "%s: byte unit %s not recognized", name, unit)
                     : bi_err(c, "%s: unit %s not recognized", name, unit);
    rv *num = rv_num_text(c, digits, dn);
    rv *r = rv_num_arith(c, '*', num, rv_int(c, mul));
    if (r && p2)
        r = rv_num_arith(c, '*', r, ipow(c, 1024, p2));
    if (r && e10 > 0)
        r = rv_num_arith(c, '*', r, ipow(c, 10, (int)e10));
    rv *d = rv_int(c, div);
    if (d && e10 < 0)
        d = rv_num_arith(c, '*', d, ipow(c, 10, (int)-e10));
    if (!r || !d)
        return bi_err(c, "%s: could not parse %s to a number", name, what);
    if (rv_num_cmp(d, rv_int(c, 1)) == 0)
        return r;
    rv *rem = rv_num_arith(c, '%', r, d);
    if (rem && rv_num_cmp(rem, rv_int(c, 0)) == 0)
        return rv_num_arith(c, '/', r, d);
    if (bytes) {
        rv *q = rv_num_arith(c, '-', r, rem);
        return q ? rv_num_arith(c, '/', q, d) : NULL;
    }
    return rv_float(c, rv_num_to_f(r) / rv_num_to_f(d));
}
static rv *b_units_parse_bytes(rctx *c, rv **a, size_t n) { (void)n; return units_impl(c, a, "units.parse_bytes", 1); }
static rv *b_units_parse(rctx *c, rv **a, size_t n) { (void)n; return units_impl(c, a, "units.parse", 0); }

/* ---- semver ----------------------------------------------------------------- */
typedef struct sv {
    const char *pre;
    size_t npre;
    uint64_t m[3];
} sv;
static int sv_parse(const char *s, size_t n, sv *o)
{
    size_t i = 0;
    memset(o, 0, sizeof *o);
    for (int k = 0; k < 3; k++) {
        if (i >= n || !isdigit((unsigned char)s[i]))
            return -1;
        if (s[i] == '0' && i + 1 < n && isdigit((unsigned char)s[i + 1]))
            return -1;
        while (i < n && isdigit((unsigned char)s[i]))
            o->m[k] = o->m[k] * 10 + (uint64_t)(s[i++] - '0');
        if (k < 2) {
            if (i >= n || s[i] != '.')
                return -1;
            i++;
        }
    }
    if (i < n && s[i] == '-') {
        size_t st = ++i;
        while (i < n && s[i] != '+') {
            if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '.')
                return -1;
            i++;
        }
        if (i == st)
            return -1;
        o->pre = s + st;
        o->npre = i - st;
    }
    if (i < n && s[i] == '+') {
        size_t st = ++i;
        while (i < n) {
            if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '.')
                return -1;
            i++;
        }
        if (i == st)
            return -1;
    }
    return i == n ? 0 : -1;
}
static int sv_cmp(const sv *a, const sv *b)
{
    for (int k = 0; k < 3; k++)
        if (a->m[k] != b->m[k])
            return a->m[k] < b->m[k] ? -1 : 1;
    if (!a->npre || !b->npre)
        return a->npre ? -1 : b->npre ? 1 : 0;
    size_t i = 0, j = 0;
    while (i < a->npre && j < b->npre) {
        size_t ie = i, je = j;
        while (ie < a->npre && a->pre[ie] != '.')
            ie++;
        while (je < b->npre && b->pre[je] != '.')
            je++;
        int an = 1, bn = 1;
        for (size_t k = i; k < ie; k++)
            an &= isdigit((unsigned char)a->pre[k]) != 0;
        for (size_t k = j; k < je; k++)
            bn &= isdigit((unsigned char)b->pre[k]) != 0;
        int r;
        if (an && bn) {
            r = (ie - i) < (je - j) ? -1 : (ie - i) > (je - j) ? 1 : memcmp(a->pre + i, b->pre + j, ie - i);
        } else if (an || bn)
            r = an ? -1 : 1;
        else {
            size_t l = ie - i < je - j ? ie - i : je - j;
            r = memcmp(a->pre + i, b->pre + j, l);
            if (!r)
                r = (ie - i) < (je - j) ? -1 : (ie - i) > (je - j);
        }
        if (r)
            return r < 0 ? -1 : 1;
        i = ie + 1;
        j = je + 1;
    }
    if (i < a->npre)
        return 1;
    if (j < b->npre)
        return -1;
    return 0;
}
static rv *b_semver_is_valid(rctx *c, rv **a, size_t n)
{
    (void)n;
    (void)c;
    sv x;
    return rv_bool(a[0]->k == RV_STR && sv_parse(a[0]->u.s, a[0]->n, &x) == 0);
}
static rv *b_semver_compare(rctx *c, rv **a, size_t n)
{
    (void)n;
    STR_ARG(0, "semver.compare");
    STR_ARG(1, "semver.compare");
    sv x, y;
    if (sv_parse(a[0]->u.s, a[0]->n, &x))
        return bi_err(c, "semver.compare: operand 1: string \"%s\" is not a valid SemVer", a[0]->u.s);
    if (sv_parse(a[1]->u.s, a[1]->n, &y))
        return bi_err(c, "semver.compare: operand 2: string \"%s\" is not a valid SemVer", a[1]->u.s);
    return rv_int(c, sv_cmp(&x, &y));
}

static rv *b_time_now_ns(rctx *c, rv **a, size_t n)
{
    (void)a;
    (void)n;
    return rv_int(c, c->now_ns);
}

/* ---- net.cidr_contains ------------------------------------------------------ */
static int parse_net(const char *s, unsigned char *addr, int *fam, int *bits)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", s);
    char *slash = strchr(buf, '/');
    *bits = -1;
    if (slash) {
        *slash = 0;
        char *end;
        long b = strtol(slash + 1, &end, 10);
        if (*end || slash[1] == 0)
            return -1;
        *bits = (int)b;
    }
    if (inet_pton(AF_INET, buf, addr) == 1) {
        *fam = 4;
        if (*bits < 0)
            *bits = 32;
        return *bits > 32 ? -1 : 0;
    }
    if (inet_pton(AF_INET6, buf, addr) == 1) {
        *fam = 6;
        if (*bits < 0)
            *bits = 128;
        return *bits > 128 ? -1 : 0;
    }
    return -1;
}
static int prefix_eq(const unsigned char *a, const unsigned char *b, int bits)
{
    for (int i = 0; i < bits; i++) {
        int x = (a[i / 8] >> (7 - i % 8)) & 1, y = (b[i / 8] >> (7 - i % 8)) & 1;
        if (x != y)
            return 0;
    }
    return 1;
}
static rv *b_cidr_contains(rctx *c, rv **a, size_t n)
{
    (void)n;
    STR_ARG(0, "net.cidr_contains");
    STR_ARG(1, "net.cidr_contains");
    unsigned char x[16], y[16];
    int fx, fy, bx, by;
    if (parse_net(a[0]->u.s, x, &fx, &bx) || !strchr(a[0]->u.s, '/'))
        return bi_err(c, "net.cidr_contains: invalid CIDR address: %s", a[0]->u.s);
    if (parse_net(a[1]->u.s, y, &fy, &by))
        return bi_err(c, "net.cidr_contains: invalid CIDR address or IP address: %s", a[1]->u.s);
    if (fx != fy)
        return rv_bool(0);
    return rv_bool(by >= bx && prefix_eq(x, y, bx));
}
static rv *b_cidr_intersects(rctx *c, rv **a, size_t n)
{
    (void)n;
    STR_ARG(0, "net.cidr_intersects");
    STR_ARG(1, "net.cidr_intersects");
    unsigned char x[16], y[16];
    int fx, fy, bx, by;
    if (parse_net(a[0]->u.s, x, &fx, &bx) || !strchr(a[0]->u.s, '/'))
        return bi_err(c, "net.cidr_intersects: invalid CIDR address: %s", a[0]->u.s);
    if (parse_net(a[1]->u.s, y, &fy, &by) || !strchr(a[1]->u.s, '/'))
        return bi_err(c, "net.cidr_intersects: invalid CIDR address: %s", a[1]->u.s);
    if (fx != fy)
        return rv_bool(0);
    return rv_bool(prefix_eq(x, y, bx < by ? bx : by));
}
static rv *b_cidr_is_valid(rctx *c, rv **a, size_t n)
{
    (void)n;
    (void)c;
    unsigned char x[16];
    int f, b;
    return rv_bool(a[0]->k == RV_STR && strchr(a[0]->u.s, '/') && parse_net(a[0]->u.s, x, &f, &b) == 0);
}

static rv *hmac(rctx *c, rv **a, const char *name, const EVP_MD *md)
{
    STR_ARG(0, name);
    STR_ARG(1, name);
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!HMAC(md, a[1]->u.s, (int)a[1]->n, (const unsigned char *)a[0]->u.s, a[0]->n, out, &len))
        return bi_err(c, "%s: hmac failed", name);
    char hex[EVP_MAX_MD_SIZE * 2 + 1];
    for (unsigned i = 0; i < len; i++)
        snprintf(hex + 2 * i, 3, "%02x", out[i]);
    return rv_str(c, hex, len * 2u);
}
static rv *b_hmac_md5(rctx *c, rv **a, size_t n) { (void)n; return hmac(c, a, "crypto.hmac.md5", EVP_md5()); }
static rv *b_hmac_sha1(rctx *c, rv **a, size_t n) { (void)n; return hmac(c, a, "crypto.hmac.sha1", EVP_sha1()); }
static rv *b_hmac_sha256(rctx *c, rv **a, size_t n) { (void)n; return hmac(c, a, "crypto.hmac.sha256", EVP_sha256()); }
static rv *b_hmac_sha512(rctx *c, rv **a, size_t n) { (void)n; return hmac(c, a, "crypto.hmac.sha512", EVP_sha512()); }
static rv *b_hmac_equal(rctx *c, rv **a, size_t n)
{
    (void)n;
    STR_ARG(0, "crypto.hmac.equal");
    STR_ARG(1, "crypto.hmac.equal");
    return rv_bool(a[0]->n == a[1]->n && CRYPTO_memcmp(a[0]->u.s, a[1]->u.s, a[0]->n) == 0);
}

/* ---- urlquery (Go's url.QueryEscape / QueryUnescape) ------------------------ */
static void qesc(cg_buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~')
            cg_buf_putc(b, (char)ch);
        else if (ch == ' ')
            cg_buf_putc(b, '+');
        else
            cg_buf_printf(b, "%%%02X", ch);
    }
}
static int qunesc(cg_buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+')
            cg_buf_putc(b, ' ');
        else if (s[i] == '%') {
            if (i + 2 >= n || hv(s[i + 1]) < 0 || hv(s[i + 2]) < 0)
                return -1;
            cg_buf_putc(b, (char)(hv(s[i + 1]) * 16 + hv(s[i + 2])));
            i += 2;
        } else
            cg_buf_putc(b, s[i]);
    }
    return 0;
}
static rv *b_urlquery_encode(rctx *c, rv **a, size_t n)
{
    (void)n;
    STR_ARG(0, "urlquery.encode");
    cg_buf b = CG_BUF_INIT;
    qesc(&b, a[0]->u.s, a[0]->n);
    rv *r = rv_str(c, b.data ? b.data : "", b.len);
    cg_buf_free(&b);
    return r;
}
static rv *b_urlquery_decode(rctx *c, rv **a, size_t n)
{
    (void)n;
    STR_ARG(0, "urlquery.decode");
    cg_buf b = CG_BUF_INIT;
    if (qunesc(&b, a[0]->u.s, a[0]->n)) {
        cg_buf_free(&b);
        return bi_err(c, "urlquery.decode: invalid URL escape");
    }
    rv *r = rv_str(c, b.data ? b.data : "", b.len);
    cg_buf_free(&b);
    return r;
}
static rv *b_urlquery_encode_object(rctx *c, rv **a, size_t n)
{
    (void)n;
    if (a[0]->k != RV_OBJ)
        return bi_type_err(c, "urlquery.encode_object", 1, a[0], "object");
    cg_buf b = CG_BUF_INIT;
    for (size_t i = 0; i < a[0]->n; i++) {
        rv *k = a[0]->u.a[i], *v = a[0]->u.a[a[0]->n + i];
        if (k->k != RV_STR) {
            cg_buf_free(&b);
            return bi_type_err(c, "urlquery.encode_object", 1, a[0], "object[string: any]");
        }
        rv *one[1] = {v};
        rv **vals = one;
        size_t nv = 1;
        if (v->k == RV_ARR || v->k == RV_SET) {
            vals = v->u.a;
            nv = v->n;
        }
        for (size_t j = 0; j < nv; j++) {
            if (vals[j]->k != RV_STR) {
                cg_buf_free(&b);
                return bi_err(c, "urlquery.encode_object: values must be strings, arrays or sets of strings");
            }
            if (b.len)
                cg_buf_putc(&b, '&');
            qesc(&b, k->u.s, k->n);
            cg_buf_putc(&b, '=');
            qesc(&b, vals[j]->u.s, vals[j]->n);
        }
    }
    rv *r = rv_str(c, b.data ? b.data : "", b.len);
    cg_buf_free(&b);
    return r;
}
static rv *b_urlquery_decode_object(rctx *c, rv **a, size_t n)
{
    (void)n;
    STR_ARG(0, "urlquery.decode_object");
    rvec ks = {0}, vs = {0};
    const char *s = a[0]->u.s, *e = s + a[0]->n;
    while (s < e) {
        const char *amp = memchr(s, '&', (size_t)(e - s));
        const char *end = amp ? amp : e;
        if (end > s) {
            const char *eq = memchr(s, '=', (size_t)(end - s));
            cg_buf kb = CG_BUF_INIT, vb = CG_BUF_INIT;
            int bad = qunesc(&kb, s, (size_t)((eq ? eq : end) - s));
            if (eq)
                bad |= qunesc(&vb, eq + 1, (size_t)(end - eq - 1));
            if (bad) {
                cg_buf_free(&kb);
                cg_buf_free(&vb);
                return bi_err(c, "urlquery.decode_object: invalid URL escape");
            }
            rv *k = rv_str(c, kb.data ? kb.data : "", kb.len), *v = rv_str(c, vb.data ? vb.data : "", vb.len);
            cg_buf_free(&kb);
            cg_buf_free(&vb);
            size_t found = ks.n;
            for (size_t i = 0; i < ks.n; i++)
                if (rv_eq(ks.v[i], k))
                    found = i;
            if (found == ks.n) {
                rvec_push(c, &ks, k);
                rv **one = rg_alloc(c, sizeof(rv *));
                one[0] = v;
                rvec_push(c, &vs, rv_arr(c, one, 1));
            } else {
                rv *old = vs.v[found];
                rv **nv = rg_alloc(c, sizeof(rv *) * (old->n + 1));
                RG_MEMCPY(nv, old->u.a, old->n * sizeof(rv *));
                nv[old->n] = v;
                vs.v[found] = rv_arr(c, nv, old->n + 1);
            }
        }
        s = end + 1;
    }
    return rv_obj(c, ks.v, vs.v, ks.n);
}

const builtin rg_bi_enc[] = {
    {"crypto.hmac.md5", 2, b_hmac_md5, NULL},
    {"crypto.hmac.sha1", 2, b_hmac_sha1, NULL},
    {"crypto.hmac.sha256", 2, b_hmac_sha256, NULL},
    {"crypto.hmac.sha512", 2, b_hmac_sha512, NULL},
    {"crypto.hmac.equal", 2, b_hmac_equal, NULL},
    {"urlquery.encode", 1, b_urlquery_encode, NULL},
    {"urlquery.decode", 1, b_urlquery_decode, NULL},
    {"urlquery.encode_object", 1, b_urlquery_encode_object, NULL},
    {"urlquery.decode_object", 1, b_urlquery_decode_object, NULL},
    {"json.marshal", 1, b_json_marshal, NULL},
    {"json.unmarshal", 1, b_json_unmarshal, NULL},
    {"json.is_valid", 1, b_json_is_valid, NULL},
    {"base64.encode", 1, b_b64_enc, NULL},
    {"base64.decode", 1, b_b64_dec, NULL},
    {"base64.is_valid", 1, b_b64_valid, NULL},
    {"base64url.encode", 1, b_b64u_enc, NULL},
    {"base64url.encode_no_pad", 1, b_b64u_enc_np, NULL},
    {"base64url.decode", 1, b_b64u_dec, NULL},
    {"hex.encode", 1, b_hex_enc, NULL},
    {"hex.decode", 1, b_hex_dec, NULL},
    {"crypto.sha256", 1, b_sha256, NULL},
    {"crypto.sha1", 1, b_sha1, NULL},
    {"crypto.md5", 1, b_md5, NULL},
    {"units.parse_bytes", 1, b_units_parse_bytes, NULL},
    {"units.parse", 1, b_units_parse, NULL},
    {"semver.is_valid", 1, b_semver_is_valid, NULL},
    {"semver.compare", 2, b_semver_compare, NULL},
    {"time.now_ns", 0, b_time_now_ns, NULL},
    {"net.cidr_contains", 2, b_cidr_contains, NULL},
    {"net.cidr_intersects", 2, b_cidr_intersects, NULL},
    {"net.cidr_is_valid", 1, b_cidr_is_valid, NULL},
    {NULL, 0, NULL, NULL},
};

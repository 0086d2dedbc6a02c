/*
 * bi_net.c - net.cidr_* builtins beyond containment (bi_enc.c): expand,
 * merge and contains_matches, over IPv4 and IPv6 prefixes held as 16-byte
 * addresses (IPv4 in the first 4 bytes).  Expansion is capped (2^16
 * addresses) so a /0 cannot exhaust memory.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rego/builtins.h"

typedef struct pfx {
    unsigned char a[16];
    int fam, bits;
} pfx;

static int parse_pfx(const char *s, pfx *p, int need_len)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", s);
    char *slash = strchr(buf, '/');
    memset(p, 0, sizeof *p);
    p->bits = -1;
    if (slash) {
        *slash = 0;
        char *end;
        long b = strtol(slash + 1, &end, 10);
        if (*end || !slash[1] || b < 0)
            return -1;
        p->bits = (int)b;
    }
    if (inet_pton(AF_INET, buf, p->a) == 1) {
        p->fam = 4;
        if (p->bits < 0)
            p->bits = 32;
        return p->bits > 32 ? -1 : 0;
    }
    if (inet_pton(AF_INET6, buf, p->a) == 1) {
        p->fam = 6;
        if (p->bits < 0) {
            if (need_len)
                return -2;
            p->bits = 128;
        }
        return p->bits > 128 ? -1 : 0;
    }
    return -1;
}

static int maxbits(const pfx *p) { return p->fam == 4 ? 32 : 128; }

static void mask(pfx *p)
{
    int mb = maxbits(p);
    for (int i = p->bits; i < mb; i++)
        p->a[i / 8] &= (unsigned char)~(1u << (7 - i % 8));
}

static rv *pfx_str(rctx *c, const pfx *p)
{
    char ip[64], out[80];
    inet_ntop(p->fam == 4 ? AF_INET : AF_INET6, p->a, ip, sizeof ip);
    snprintf(out, sizeof out, "%s/%d", ip, p->bits);
    return rv_cstr(c, out);
}

static rv *b_cidr_expand(rctx *c, rv **a, size_t n)
{
    (void)n;
    if (a[0]->k != RV_STR)
        return bi_type_err(c, "net.cidr_expand", 1, a[0], "string");
    pfx p;
    if (parse_pfx(a[0]->u.s, &p, 0) || !strchr(a[0]->u.s, '/'))
        return bi_err(c, "net.cidr_expand: invalid CIDR address: %s", a[0]->u.s);
    int host = maxbits(&p) - p.bits;
    if (host > 16)
        return bi_err(c, "net.cidr_expand: %s has more than 65536 addresses", a[0]->u.s);
    mask(&p);
    rvec out = {0};
    int bytes = p.fam == 4 ? 4 : 16;
    for (uint32_t i = 0; i < (1u << host); i++) {
        pfx q = p;
        uint32_t carry = i;
        for (int b = bytes - 1; b >= 0 && carry; b--) {
            uint32_t v = q.a[b] + (carry & 0xFF);
            q.a[b] = (unsigned char)v;
            carry = (carry >> 8) + (v >> 8);
        }
        char ip[64];
        inet_ntop(p.fam == 4 ? AF_INET : AF_INET6, q.a, ip, sizeof ip);
        if (rvec_push(c, &out, rv_cstr(c, ip)))
            return NULL;
    }
    return rv_set(c, out.v, out.n);
}

static int pfx_cmp(const void *x, const void *y)
{
    const pfx *a = x, *b = y;
    if (a->fam != b->fam)
        return a->fam - b->fam;
    int r = memcmp(a->a, b->a, 16);
    if (r)
        return r;
    return a->bits - b->bits;
}

static int covers(const pfx *a, const pfx *b)
{
    if (a->fam != b->fam || a->bits > b->bits)
        return 0;
    for (int i = 0; i < a->bits; i++)
        if (((a->a[i / 8] >> (7 - i % 8)) & 1) != ((b->a[i / 8] >> (7 - i % 8)) & 1))
            return 0;
    return 1;
}

static rv *b_cidr_merge(rctx *c, rv **a, size_t n)
{
    (void)n;
    if (a[0]->k != RV_ARR && a[0]->k != RV_SET)
        return bi_type_err(c, "net.cidr_merge", 1, a[0], "one of {array, set}");
    size_t cnt = a[0]->n;
    pfx *v = rg_alloc(c, sizeof(pfx) * (cnt + 1));
    if (!v)
        return NULL;
    for (size_t i = 0; i < cnt; i++) {
        rv *x = a[0]->u.a[i];
        if (x->k != RV_STR)
            return bi_err(c, "net.cidr_merge: element must be string");
        int r = parse_pfx(x->u.s, &v[i], 1);
        if (r == -2)
            return bi_err(c, "net.cidr_merge: IPv6 invalid: needs prefix length");
        if (r)
            return bi_err(c, "net.cidr_merge: invalid CIDR address: %s", x->u.s);
        mask(&v[i]);
    }
    /* repeat: drop covered prefixes, join sibling pairs */
    int changed = 1;
    while (changed) {
        changed = 0;
        qsort(v, cnt, sizeof(pfx), pfx_cmp);
        size_t o = 0;
        for (size_t i = 0; i < cnt; i++) {
            if (o && covers(&v[o - 1], &v[i])) {
                changed |= 0;
                continue;
            }
            v[o++] = v[i];
        }
        if (o != cnt)
            changed = 1;
        cnt = o;
        for (size_t i = 0; i + 1 < cnt; i++) {
            if (v[i].fam == v[i + 1].fam && v[i].bits == v[i + 1].bits && v[i].bits > 0) {
                pfx parent = v[i];
                parent.bits--;
                mask(&parent);
                pfx other = v[i + 1];
                other.bits--;
                mask(&other);
                if (!memcmp(parent.a, other.a, 16) && memcmp(v[i].a, v[i + 1].a, 16)) {
                    v[i] = parent;
                    memmove(&v[i + 1], &v[i + 2], (cnt - i - 2) * sizeof(pfx));
                    cnt--;
                    changed = 1;
                }
            }
        }
    }
    rvec out = {0};
    for (size_t i = 0; i < cnt; i++)
        rvec_push(c, &out, pfx_str(c, &v[i]));
    return rv_set(c, out.v, out.n);
}

/* collection of strings or [string, ...] arrays -> (key, cidr) pairs */
static int cm_items(rctx *c, rv *x, int pos, rvec *keys, rvec *vals)
{
    if (x->k == RV_STR) {
        rvec_push(c, keys, x);
        rvec_push(c, vals, x);
        return 0;
    }
    if (x->k != RV_ARR && x->k != RV_SET && x->k != RV_OBJ) {
        bi_err(c, "net.cidr_contains_matches: operand %d: must be string, array, set or object", pos);
        return -1;
    }
    for (size_t i = 0; i < x->n; i++) {
        rv *key = x->k == RV_ARR ? rv_int(c, (int64_t)i) : x->u.a[i];
        rv *e = x->k == RV_OBJ ? x->u.a[x->n + i] : x->u.a[i];
        rv *cidr = NULL;
        if (e->k == RV_STR)
            cidr = e;
        else if (e->k == RV_ARR && e->n > 0 && e->u.a[0]->k == RV_STR)
            cidr = e->u.a[0];
        if (!cidr) {
            bi_err(c, "net.cidr_contains_matches: operand %d: element must be string or non-empty array", pos);
            return -1;
        }
        rvec_push(c, keys, x->k == RV_SET ? e : key);
        rvec_push(c, vals, cidr);
    }
    return 0;
}

static rv *b_cidr_contains_matches(rctx *c, rv **a, size_t n)
{
    (void)n;
    rvec k1 = {0}, v1 = {0}, k2 = {0}, v2 = {0};
    if (cm_items(c, a[0], 1, &k1, &v1) || cm_items(c, a[1], 2, &k2, &v2))
        return NULL;
    rvec out = {0};
    for (size_t i = 0; i < v1.n; i++) {
        pfx p;
        if (parse_pfx(v1.v[i]->u.s, &p, 0))
            return bi_err(c, "net.cidr_contains_matches: invalid CIDR address: %s", v1.v[i]->u.s);
        for (size_t j = 0; j < v2.n; j++) {
            pfx q;
            if (parse_pfx(v2.v[j]->u.s, &q, 0))
                return bi_err(c, "net.cidr_contains_matches: invalid CIDR address or IP: %s", v2.v[j]->u.s);
            if (covers(&p, &q)) {
                rv **pair = rg_alloc(c, 2 * sizeof(rv *));
                pair[0] = k1.v[i];
                pair[1] = k2.v[j];
                rvec_push(c, &out, rv_arr(c, pair, 2));
            }
        }
    }
    return rv_set(c, out.v, out.n);
}

const builtin rg_bi_net[] = {
    {"net.cidr_expand", 1, b_cidr_expand, NULL},
    {"net.cidr_merge", 1, b_cidr_merge, NULL},
    {"net.cidr_contains_matches", 2, b_cidr_contains_matches, NULL},
    {NULL, 0, NULL, NULL},
};

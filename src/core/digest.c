/*
 * digest.c - sha256 through OpenSSL EVP (which uses SHA-NI where the CPU has it).
 */
#include "core/digest.h"

#include <openssl/evp.h>
#include <string.h>

cg_status cg_sha256_init(cg_sha256 *h)
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    if (!c)
        return CG_ERR_NOMEM;
    if (EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(c);
        return CG_ERR_INTERNAL;
    }
    h->md = c;
    return CG_OK;
}

void cg_sha256_update(cg_sha256 *h, const void *p, size_t n)
{
    if (n)
        EVP_DigestUpdate(h->md, p, n);
}

void cg_sha256_final_raw(cg_sha256 *h, uint8_t out[32])
{
    unsigned int len = 32;
    EVP_DigestFinal_ex(h->md, out, &len);
    cg_sha256_dispose(h);
}

void cg_sha256_final_str(cg_sha256 *h, char out[CG_DIGEST_STR_LEN + 1])
{
    static const char hex[] = "0123456789abcdef";
    uint8_t raw[32];
    cg_sha256_final_raw(h, raw);
    memcpy(out, "sha256:", 7);
    for (int i = 0; i < 32; i++) {
        out[7 + 2 * i] = hex[raw[i] >> 4];
        out[8 + 2 * i] = hex[raw[i] & 15];
    }
    out[CG_DIGEST_STR_LEN] = '\0';
}

void cg_sha256_dispose(cg_sha256 *h)
{
    if (h->md)
        EVP_MD_CTX_free(h->md);
    h->md = NULL;
}

cg_status cg_sha256_str(const void *p, size_t n, char out[CG_DIGEST_STR_LEN + 1])
{
    cg_sha256 h;
    cg_status st = cg_sha256_init(&h);
    if (st != CG_OK)
        return st;
    cg_sha256_update(&h, p, n);
    cg_sha256_final_str(&h, out);
    return CG_OK;
}

cg_status cg_sha256_hex_prefix(const char *s, size_t nbytes, char *out)
{
    char full[CG_DIGEST_STR_LEN + 1];
    cg_status st = cg_sha256_str(s, strlen(s), full);
    if (st != CG_OK)
        return st;
    if (nbytes > 32)
        nbytes = 32;
    memcpy(out, full + 7, 2 * nbytes);
    out[2 * nbytes] = '\0';
    return CG_OK;
}

bool cg_digest_valid(const char *s)
{
    if (!s || strncmp(s, "sha256:", 7) != 0 || strlen(s) != CG_DIGEST_STR_LEN)
        return false;
    for (const char *p = s + 7; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

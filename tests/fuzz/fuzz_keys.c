/*
 * fuzz_keys.c - every signing parser on arbitrary bytes: private keys (PEM,
 * cosign's encrypted JSON body up to the password, which is refused so that
 * scrypt does not dominate the run; past it only a valid MAC leads on),
 * public keys, simple-signing payloads, DSSE envelopes, and .sig/.att
 * manifests through verification (the fetched "blob" is the input itself).
 */
#include <stdint.h>
#include <string.h>

#include "core/base64.h"
#include "cgate/sign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char pub_pem[] = /* tests/data/sign/cosign.pub */
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEMdfAyAszNaKAIE67McubE2KXn5ia\n"
    "oHo8HR3dzHsXOPveQhLhQ5nCjBYaDiaNxEuEYpggtjicAMlXgVnJslE4Ig==\n"
    "-----END PUBLIC KEY-----\n";

static const char digest[] = "sha256:c7c04ff77806d2012782267224657ce0ca41885348aad77725871cc433f670f7";

static cg_status no_password(void *ud, cg_buf *pw, cg_error *err)
{
    (void)ud;
    (void)pw;
    return cg_error_set(err, CG_ERR_USAGE, "no password in the fuzzer");
}

typedef struct blob {
    const uint8_t *p;
    size_t n;
} blob;

static cg_status fetch_self(void *ud, const char *d, size_t max, cg_buf *out, cg_error *err)
{
    (void)d;
    blob *b = ud;
    if (b->n > max)
        return cg_error_set(err, CG_ERR_LIMIT, "too big");
    return cg_buf_append(out, b->p, b->n) == CG_OK ? CG_OK : cg_error_set(err, CG_ERR_NOMEM, "oom");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cg_error err;
    cg_sign_key *k = NULL, *pub = NULL;
    if (cg_key_load_private(data, size, no_password, NULL, &k, &err) == CG_OK) {
        cg_buf s = CG_BUF_INIT;
        if (cg_key_sign(k, data, size, &s, &err) == CG_OK && !cg_key_verify(k, data, size, s.data, s.len))
            __builtin_trap();
        cg_buf_free(&s);
        cg_key_free(k);
    }
    if (cg_key_load_public(data, size, &k, &err) == CG_OK)
        cg_key_free(k);
    if (cg_key_load_public((const uint8_t *)pub_pem, sizeof pub_pem - 1, &pub, &err) != CG_OK)
        __builtin_trap();
    (void)cg_cosign_payload_check(data, size, digest, &err);
    cg_buf st = CG_BUF_INIT;
    (void)cg_dsse_envelope_check(data, size, digest, CG_PREDICATE_CYCLONEDX, pub, &st, &err);
    cg_buf_free(&st);
    blob b = {data, size};
    cg_verify_result r;
    cg_verify_result_init(&r);
    (void)cg_cosign_verify(data, size, digest, pub, fetch_self, &b, &r, &err);
    cg_verify_result_free(&r);
    cg_verify_result_init(&r);
    (void)cg_attest_verify(data, size, digest, CG_PREDICATE_CYCLONEDX, pub, fetch_self, &b, &r, &err);
    cg_verify_result_free(&r);
    cg_buf m = CG_BUF_INIT, c = CG_BUF_INIT;
    bool added;
    cg_annotation ann[] = {{CG_COSIGN_SIG_ANNOTATION, "AA=="}};
    (void)cg_sigman_append(data, size, CG_MT_COSIGN_SIMPLESIGNING, "x", 1, ann, 1, &m, &c, &added, &err);
    cg_buf_free(&m);
    cg_buf_free(&c);
    cg_buf dec = CG_BUF_INIT;
    (void)cg_base64_decode((const char *)data, size, &dec, &err);
    cg_buf_free(&dec);
    cg_key_free(pub);
    return 0;
}

/*
 * test_keys.c - keys: cosign's encrypted PEM (both labels, the three scrypt
 * parameter sets, made by tests/tools/cosign_key.py without libsodium),
 * plain PKCS#8/SEC1 PEM, public keys, env:// references, round trips of what
 * cgate writes, and the refusals (wrong password, corrupt file, unknown
 * scrypt parameters, other curves).  Fixed vectors: tests/data/sign/.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/base64.h"
#include "cgate/sign.h"
#include "core/readfile.h"
#include "sign_fixture.h"

typedef struct pwctx {
    const char *pw;
    int calls;
} pwctx;

static cg_status give_pw(void *ud, cg_buf *pw, cg_error *err)
{
    pwctx *c = ud;
    c->calls++;
    if (!c->pw)
        return cg_error_set(err, CG_ERR_USAGE, "no password available");
    return cg_buf_puts(pw, c->pw) == CG_OK ? CG_OK : cg_error_set(err, CG_ERR_NOMEM, "oom");
}

static char *password(void)
{
    cg_buf b;
    sign_fixture("cosign.password", &b);
    return cg_buf_detach(&b, NULL);
}

/* Load a private key fixture and check its public half is cosign.pub. */
static void load_fixture_and_match(const char *name)
{
    char *pw = password();
    pwctx c = {pw, 0};
    cg_buf pem, pub, out = CG_BUF_INIT;
    sign_fixture(name, &pem);
    sign_fixture("cosign.pub", &pub);
    cg_sign_key *k = NULL;
    cg_error err;
    if (cg_key_load_private((const uint8_t *)pem.data, pem.len, give_pw, &c, &k, &err) != CG_OK)
        fail_msg("%s: %s", name, err.msg);
    assert_true(cg_key_is_private(k));
    assert_int_equal(cg_key_write_public(k, &out, &err), CG_OK);
    assert_int_equal(out.len, pub.len);
    assert_memory_equal(out.data, pub.data, pub.len);
    /* it signs, and the signature checks under the public key file */
    cg_sign_key *pk = NULL;
    assert_int_equal(cg_key_load_public((const uint8_t *)pub.data, pub.len, &pk, &err), CG_OK);
    assert_false(cg_key_is_private(pk));
    cg_buf sig = CG_BUF_INIT;
    assert_int_equal(cg_key_sign(k, "hello", 5, &sig, &err), CG_OK);
    assert_true(cg_key_verify(pk, "hello", 5, sig.data, sig.len));
    assert_false(cg_key_verify(pk, "hellp", 5, sig.data, sig.len));
    cg_key_free(pk);
    cg_key_free(k);
    cg_buf_free(&sig);
    cg_buf_free(&pem);
    cg_buf_free(&pub);
    cg_buf_free(&out);
    free(pw);
}

static void test_fixture_keys(void **state)
{
    (void)state;
    load_fixture_and_match("cosign.key");          /* COSIGN label, N=32768 */
    load_fixture_and_match("cosign-n65536.key");   /* N=65536 */
    load_fixture_and_match("sigstore-n131072.key");/* SIGSTORE label, N=131072 */
    load_fixture_and_match("sigstore-n32768.key"); /* SIGSTORE label, N=32768 */
    load_fixture_and_match("key.pkcs8.pem");       /* PRIVATE KEY */
    load_fixture_and_match("key.sec1.pem");        /* EC PRIVATE KEY */
}

static void test_plain_pem_needs_no_password(void **state)
{
    (void)state;
    pwctx c = {NULL, 0};
    cg_buf pem;
    sign_fixture("key.sec1.pem", &pem);
    cg_sign_key *k = NULL;
    cg_error err;
    assert_int_equal(cg_key_load_private((const uint8_t *)pem.data, pem.len, give_pw, &c, &k, &err), CG_OK);
    assert_int_equal(c.calls, 0);
    cg_key_free(k);
    cg_buf_free(&pem);
}

static cg_status load_err(const char *pemtext, size_t len, const char *pw, cg_error *err)
{
    pwctx c = {pw, 0};
    cg_sign_key *k = NULL;
    cg_status st = cg_key_load_private((const uint8_t *)pemtext, len, give_pw, &c, &k, err);
    cg_key_free(k);
    return st;
}

static void test_wrong_password(void **state)
{
    (void)state;
    cg_buf pem;
    sign_fixture("cosign.key", &pem);
    cg_error err;
    assert_int_equal(load_err(pem.data, pem.len, "not the password", &err), CG_ERR_INPUT);
    assert_non_null(strstr(err.msg, "wrong password or corrupt key"));
    assert_int_equal(load_err(pem.data, pem.len, "", &err), CG_ERR_INPUT);
    /* no password at all: the callback's error is passed through */
    assert_int_equal(load_err(pem.data, pem.len, NULL, &err), CG_ERR_USAGE);
    assert_non_null(strstr(err.msg, "no password"));
    cg_buf_free(&pem);
}

static void test_unknown_scrypt_params(void **state)
{
    (void)state;
    cg_buf pem;
    sign_fixture("bad-n16384.key", &pem);
    cg_error err;
    char *pw = password();
    assert_int_equal(load_err(pem.data, pem.len, pw, &err), CG_ERR_INPUT);
    assert_non_null(strstr(err.msg, "unsupported scrypt parameters"));
    cg_buf_free(&pem);
    /* decrypts, but the body is SEC1 rather than PKCS#8 */
    sign_fixture("bad-sec1-inside.key", &pem);
    assert_int_equal(load_err(pem.data, pem.len, pw, &err), CG_ERR_INPUT);
    assert_non_null(strstr(err.msg, "not a PKCS#8"));
    free(pw);
    cg_buf_free(&pem);
}

/* Rewrite the JSON body of the cosign.key fixture with edit() and re-wrap it. */
static void edit_fixture(void (*edit)(json_t *), const char *label, cg_buf *out)
{
    cg_buf pem, b64 = CG_BUF_INIT, body = CG_BUF_INIT;
    sign_fixture("cosign.key", &pem);
    for (char *line = strtok(pem.data, "\n"); line; line = strtok(NULL, "\n"))
        if (strncmp(line, "-----", 5) != 0)
            assert_int_equal(cg_buf_puts(&b64, line), CG_OK);
    cg_error err;
    assert_int_equal(cg_base64_decode(b64.data, b64.len, &body, &err), CG_OK);
    json_t *j = json_loadb(body.data, body.len, 0, NULL);
    assert_non_null(j);
    edit(j);
    char *s = json_dumps(j, JSON_COMPACT);
    cg_buf enc = CG_BUF_INIT;
    assert_int_equal(cg_base64_encode(s, strlen(s), &enc, &err), CG_OK);
    cg_buf_init(out, 0);
    cg_buf_printf(out, "-----BEGIN %s-----\n%s\n-----END %s-----\n", label, enc.data, label);
    free(s);
    json_decref(j);
    cg_buf_free(&pem);
    cg_buf_free(&b64);
    cg_buf_free(&body);
    cg_buf_free(&enc);
}

static void set_r4(json_t *j) { json_object_set_new(json_object_get(json_object_get(j, "kdf"), "params"), "r", json_integer(4)); }
static void set_p2(json_t *j) { json_object_set_new(json_object_get(json_object_get(j, "kdf"), "params"), "p", json_integer(2)); }
static void set_nbig(json_t *j) { json_object_set_new(json_object_get(json_object_get(j, "kdf"), "params"), "N", json_integer(1 << 30)); }
static void set_nstr(json_t *j) { json_object_set_new(json_object_get(json_object_get(j, "kdf"), "params"), "N", json_string("32768")); }
static void set_kdf(json_t *j) { json_object_set_new(json_object_get(j, "kdf"), "name", json_string("pbkdf2")); }
static void set_cipher(json_t *j) { json_object_set_new(json_object_get(j, "cipher"), "name", json_string("aes-gcm")); }
static void short_nonce(json_t *j) { json_object_set_new(json_object_get(j, "cipher"), "nonce", json_string("AAAA")); }
static void no_ct(json_t *j) { json_object_del(j, "ciphertext"); }
static void flip_ct(json_t *j)
{
    const char *s = json_string_value(json_object_get(j, "ciphertext"));
    char *c = strdup(s);
    c[10] = c[10] == 'A' ? 'B' : 'A';
    json_object_set_new(j, "ciphertext", json_string(c));
    free(c);
}
static void flip_salt(json_t *j)
{
    const char *s = json_string_value(json_object_get(json_object_get(j, "kdf"), "salt"));
    char *c = strdup(s);
    c[3] = c[3] == 'A' ? 'B' : 'A';
    json_object_set_new(json_object_get(j, "kdf"), "salt", json_string(c));
    free(c);
}
static void nothing(json_t *j) { (void)j; }

static void expect_refused(void (*edit)(json_t *), const char *label, const char *want)
{
    cg_buf pem;
    edit_fixture(edit, label, &pem);
    char *pw = password();
    cg_error err;
    cg_status st = load_err(pem.data, pem.len, pw, &err);
    if (st == CG_OK)
        fail_msg("accepted an edited key, want \"%s\"", want);
    if (!strstr(err.msg, want))
        fail_msg("got \"%s\", want \"%s\"", err.msg, want);
    free(pw);
    cg_buf_free(&pem);
}

static void test_corrupt_encrypted(void **state)
{
    (void)state;
    /* the re-wrapped but unedited body still loads (the editing itself is sound) */
    cg_buf pem;
    edit_fixture(nothing, "ENCRYPTED SIGSTORE PRIVATE KEY", &pem);
    char *pw = password();
    cg_error err;
    assert_int_equal(load_err(pem.data, pem.len, pw, &err), CG_OK);
    free(pw);
    cg_buf_free(&pem);
    const char *L = "ENCRYPTED COSIGN PRIVATE KEY";
    expect_refused(set_r4, L, "unsupported scrypt parameters");
    expect_refused(set_p2, L, "unsupported scrypt parameters");
    expect_refused(set_nbig, L, "unsupported scrypt parameters");
    expect_refused(set_nstr, L, "unsupported scrypt parameters");
    expect_refused(set_kdf, L, "kdf is not scrypt");
    expect_refused(set_cipher, L, "not nacl/secretbox");
    expect_refused(short_nonce, L, "\"nonce\" is 3 bytes");
    expect_refused(no_ct, L, "missing \"ciphertext\"");
    expect_refused(flip_ct, L, "wrong password or corrupt key");
    expect_refused(flip_salt, L, "wrong password or corrupt key");
    expect_refused(nothing, "ENCRYPTED PRIVATE KEY", "unsupported PEM \"ENCRYPTED PRIVATE KEY\"");
}

static void test_garbage(void **state)
{
    (void)state;
    cg_error err;
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"", "no BEGIN line"},
        {"hello world", "no BEGIN line"},
        {"-----BEGIN PRIVATE KEY-----\nAAAA\n", "no END line"},
        {"-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n", "invalid base64"},
        {"-----BEGIN PRIVATE KEY-----\n\n-----END PRIVATE KEY-----\n", "is empty"},
        {"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "not a PKCS#8"},
        {"-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n", "not a SEC1"},
        {"-----BEGIN ENCRYPTED COSIGN PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED COSIGN PRIVATE KEY-----\n",
         "invalid JSON"},
        {"-----BEGIN ENCRYPTED COSIGN PRIVATE KEY-----\nW10=\n-----END ENCRYPTED COSIGN PRIVATE KEY-----\n",
         "kdf is not scrypt"},
        {"-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n", "unsupported PEM"},
        {"-----BEGIN PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nAAAA\n-----END PRIVATE KEY-----\n", "headers"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cg_status st = load_err(cases[i].text, strlen(cases[i].text), "x", &err);
        if (st == CG_OK || !strstr(err.msg, cases[i].want))
            fail_msg("case %zu: status %d \"%s\", want \"%s\"", i, st, err.msg, cases[i].want);
    }
    /* a truncated real key */
    cg_buf pem;
    sign_fixture("cosign.key", &pem);
    assert_int_not_equal(load_err(pem.data, pem.len / 2, "x", &err), CG_OK);
    cg_buf_free(&pem);
}

static void test_wrong_kinds(void **state)
{
    (void)state;
    cg_error err;
    cg_buf pub, p384, priv;
    sign_fixture("cosign.pub", &pub);
    sign_fixture("p384.pem", &p384);
    sign_fixture("key.pkcs8.pem", &priv);
    assert_int_equal(load_err(pub.data, pub.len, "x", &err), CG_ERR_INPUT);
    assert_non_null(strstr(err.msg, "public key"));
    assert_int_equal(load_err(p384.data, p384.len, "x", &err), CG_ERR_INPUT);
    assert_non_null(strstr(err.msg, "only P-256"));
    cg_sign_key *k = NULL;
    assert_int_equal(cg_key_load_public((const uint8_t *)priv.data, priv.len, &k, &err), CG_ERR_INPUT);
    assert_non_null(strstr(err.msg, "is not a PUBLIC KEY"));
    cg_buf_free(&pub);
    cg_buf_free(&p384);
    cg_buf_free(&priv);
}

/* A PKCS#8 key whose private scalar was changed but whose embedded public
 * point was not (found by fuzz_keys): it would sign under one key and publish
 * another, so it is refused. */
static void test_inconsistent_key(void **state)
{
    (void)state;
    cg_buf pem, b64 = CG_BUF_INIT, der = CG_BUF_INIT, enc = CG_BUF_INIT, out = CG_BUF_INIT;
    sign_fixture("key.pkcs8.pem", &pem);
    for (char *line = strtok(pem.data, "\n"); line; line = strtok(NULL, "\n"))
        if (strncmp(line, "-----", 5) != 0)
            cg_buf_puts(&b64, line);
    cg_error err;
    assert_int_equal(cg_base64_decode(b64.data, b64.len, &der, &err), CG_OK);
    der.data[45] ^= 0x55; /* inside the 32-byte private scalar (offset 36) */
    cg_base64_encode(der.data, der.len, &enc, &err);
    cg_buf_printf(&out, "-----BEGIN PRIVATE KEY-----\n%s\n-----END PRIVATE KEY-----\n", enc.data);
    assert_int_equal(load_err(out.data, out.len, "x", &err), CG_ERR_INPUT);
    assert_non_null(strstr(err.msg, "public half does not match"));
    cg_buf_free(&pem);
    cg_buf_free(&b64);
    cg_buf_free(&der);
    cg_buf_free(&enc);
    cg_buf_free(&out);
}

static void round_trip(uint64_t n)
{
    cg_sign_key *k = NULL, *k2 = NULL;
    cg_error err;
    assert_int_equal(cg_key_generate(&k, &err), CG_OK);
    cg_buf enc = CG_BUF_INIT, pub1 = CG_BUF_INIT, pub2 = CG_BUF_INIT;
    assert_int_equal(cg_key_write_encrypted(k, "pässwörd", strlen("pässwörd"), n, &enc, &err), CG_OK);
    assert_non_null(strstr(enc.data, "-----BEGIN ENCRYPTED COSIGN PRIVATE KEY-----\n"));
    pwctx c = {"pässwörd", 0};
    assert_int_equal(cg_key_load_private((const uint8_t *)enc.data, enc.len, give_pw, &c, &k2, &err), CG_OK);
    assert_int_equal(c.calls, 1);
    cg_key_write_public(k, &pub1, &err);
    cg_key_write_public(k2, &pub2, &err);
    assert_string_equal(pub1.data, pub2.data);
    assert_int_equal(load_err(enc.data, enc.len, "password", &err), CG_ERR_INPUT);
    cg_key_free(k);
    cg_key_free(k2);
    cg_buf_free(&enc);
    cg_buf_free(&pub1);
    cg_buf_free(&pub2);
}

static void test_round_trip(void **state)
{
    (void)state;
    round_trip(32768);
    round_trip(65536);
    round_trip(131072);
    cg_sign_key *k = NULL;
    cg_error err;
    cg_buf enc = CG_BUF_INIT;
    assert_int_equal(cg_key_generate(&k, &err), CG_OK);
    assert_int_equal(cg_key_write_encrypted(k, "x", 1, 16384, &enc, &err), CG_ERR_USAGE);
    /* two writes of one key differ (fresh salt and nonce) */
    cg_buf enc2 = CG_BUF_INIT;
    assert_int_equal(cg_key_write_encrypted(k, "x", 1, 32768, &enc, &err), CG_OK);
    assert_int_equal(cg_key_write_encrypted(k, "x", 1, 32768, &enc2, &err), CG_OK);
    assert_string_not_equal(enc.data, enc2.data);
    cg_key_free(k);
    cg_buf_free(&enc);
    cg_buf_free(&enc2);
}

static void test_env_ref(void **state)
{
    (void)state;
    cg_buf pem, got = CG_BUF_INIT;
    sign_fixture("cosign.key", &pem);
    setenv("CG_TEST_SIGN_KEY", pem.data, 1);
    cg_error err;
    assert_int_equal(cg_key_ref_read("env://CG_TEST_SIGN_KEY", &got, &err), CG_OK);
    assert_string_equal(got.data, pem.data);
    char *pw = password();
    assert_int_equal(load_err(got.data, got.len, pw, &err), CG_OK);
    free(pw);
    cg_key_buf_wipe(&got);
    unsetenv("CG_TEST_SIGN_KEY");
    assert_int_equal(cg_key_ref_read("env://CG_TEST_SIGN_KEY", &got, &err), CG_ERR_INPUT);
    assert_non_null(strstr(err.msg, "not set"));
    assert_int_equal(cg_key_ref_read("env://", &got, &err), CG_ERR_USAGE);
    assert_int_equal(cg_key_ref_read("/nonexistent/cosign.key", &got, &err), CG_ERR_IO);
    assert_int_equal(cg_key_ref_read("/", &got, &err), CG_ERR_INPUT);
    /* a path */
    char path[1024];
    snprintf(path, sizeof path, "%s/sign/cosign.pub", getenv("CG_TEST_DATA"));
    assert_int_equal(cg_key_ref_read(path, &got, &err), CG_OK);
    assert_non_null(strstr(got.data, "BEGIN PUBLIC KEY"));
    cg_key_buf_wipe(&got);
    cg_buf_free(&pem);
}

static void test_base64(void **state)
{
    (void)state;
    cg_buf b = CG_BUF_INIT;
    cg_error err;
    assert_int_equal(cg_base64_encode("ab", 2, &b, &err), CG_OK);
    assert_string_equal(b.data, "YWI=");
    cg_buf_reset(&b);
    assert_int_equal(cg_base64_decode("YWI=", 4, &b, &err), CG_OK);
    assert_int_equal(b.len, 2);
    assert_memory_equal(b.data, "ab", 2);
    cg_buf_reset(&b);
    assert_int_equal(cg_base64_decode("YWI", 3, &b, &err), CG_ERR_INPUT);
    cg_buf_reset(&b);
    assert_int_equal(cg_base64_decode("YW I=", 5, &b, &err), CG_ERR_INPUT);
    cg_buf_reset(&b);
    assert_int_equal(cg_base64_decode("YW-_", 4, &b, &err), CG_ERR_INPUT);
    cg_buf_free(&b);
}

/* The fixed signature made by openssl verifies; one by another key does not. */
static void test_fixture_signature(void **state)
{
    (void)state;
    cg_buf pub, payload, sig, other;
    sign_fixture("cosign.pub", &pub);
    sign_fixture("payload.json", &payload);
    sign_fixture("payload.sig.der", &sig);
    sign_fixture("payload.other.sig.der", &other);
    cg_sign_key *k = NULL;
    cg_error err;
    assert_int_equal(cg_key_load_public((const uint8_t *)pub.data, pub.len, &k, &err), CG_OK);
    assert_true(cg_key_verify(k, payload.data, payload.len, sig.data, sig.len));
    assert_false(cg_key_verify(k, payload.data, payload.len, other.data, other.len));
    payload.data[20] ^= 1;
    assert_false(cg_key_verify(k, payload.data, payload.len, sig.data, sig.len));
    assert_false(cg_key_verify(k, payload.data, payload.len, NULL, 0));
    cg_key_free(k);
    cg_buf_free(&pub);
    cg_buf_free(&payload);
    cg_buf_free(&sig);
    cg_buf_free(&other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixture_keys),
        cmocka_unit_test(test_plain_pem_needs_no_password),
        cmocka_unit_test(test_wrong_password),
        cmocka_unit_test(test_unknown_scrypt_params),
        cmocka_unit_test(test_corrupt_encrypted),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_wrong_kinds),
        cmocka_unit_test(test_inconsistent_key),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_env_ref),
        cmocka_unit_test(test_base64),
        cmocka_unit_test(test_fixture_signature),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

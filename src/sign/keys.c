/*
 * keys.c - ECDSA P-256 keys in the forms cosign users have: cosign's
 * encrypted PEM (scrypt + NaCl secretbox over PKCS#8 DER), plain PKCS#8 /
 * SEC1 PEM, public-key PEM, and env://VAR references; signing and checking
 * raw ECDSA signatures; base64.  It owns every byte of secret material the
 * library touches: password buffers, scrypt output and decrypted DER are
 * wiped before they are freed.  It knows nothing of payloads or registries.
 */
#include "core/base64.h"
#include "cgate/sign.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <sodium.h>

#include "core/json.h"

struct cg_sign_key {
    EVP_PKEY *pkey;
    bool priv;
};

#define PEM_ENC_COSIGN "ENCRYPTED COSIGN PRIVATE KEY"
#define PEM_ENC_SIGSTORE "ENCRYPTED SIGSTORE PRIVATE KEY"
#define SCRYPT_SALT_LEN 32
#define DER_MAX (16u * 1024u)

static cg_status nomem(cg_error *err)
{
    return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
}

void cg_key_buf_wipe(cg_buf *b)
{
    if (b->data)
        sodium_memzero(b->data, b->cap);
    cg_buf_free(b);
}

static cg_status sodium_ready(cg_error *err)
{
    if (sodium_init() < 0)
        return cg_error_set(err, CG_ERR_INTERNAL, "libsodium failed to initialise");
    return CG_OK;
}

/* ---- PEM ---------------------------------------------------------------- */

/* Find the first PEM block; its label (at most 63 chars) into label and its
 * decoded body into der.  Headers inside the block are refused. */
static cg_status pem_decode(const uint8_t *text, size_t len, char label[64], cg_buf *der,
                            cg_error *err)
{
    static const char begin[] = "-----BEGIN ";
    const char *t = (const char *)text, *end = t + len;
    const char *b = memmem(t, len, begin, sizeof begin - 1);
    if (!b)
        return cg_error_set(err, CG_ERR_INPUT, "not a PEM file (no BEGIN line)");
    const char *l = b + sizeof begin - 1;
    const char *le = memmem(l, (size_t)(end - l), "-----", 5);
    if (!le || le - l == 0 || le - l >= 64 || memchr(l, '\n', (size_t)(le - l)))
        return cg_error_set(err, CG_ERR_INPUT, "malformed PEM BEGIN line");
    memcpy(label, l, (size_t)(le - l));
    label[le - l] = '\0';
    const char *body = le + 5;
    while (body < end && (*body == '\r' || *body == ' ' || *body == '\t'))
        body++;
    if (body >= end || *body != '\n')
        return cg_error_set(err, CG_ERR_INPUT, "malformed PEM BEGIN line");
    body++;
    char endline[96];
    int el = snprintf(endline, sizeof endline, "-----END %s-----", label);
    const char *e = memmem(body, (size_t)(end - body), endline, (size_t)el);
    if (!e)
        return cg_error_set(err, CG_ERR_INPUT, "PEM block \"%s\" has no END line", label);
    if (memchr(body, ':', (size_t)(e - body)))
        return cg_error_set(err, CG_ERR_INPUT, "PEM block \"%s\" has headers (not supported)", label);
    cg_status st = cg_base64_decode_ws(body, (size_t)(e - body), der, err);
    if (st != CG_OK)
        return cg_error_prefix(err, "PEM block \"%s\"", label);
    if (der->len == 0)
        return cg_error_set(err, CG_ERR_INPUT, "PEM block \"%s\" is empty", label);
    return CG_OK;
}

static cg_status pem_encode(const char *label, const uint8_t *der, size_t n, cg_buf *out,
                            cg_error *err)
{
    cg_buf b64 = CG_BUF_INIT;
    cg_status st = cg_base64_encode(der, n, &b64, err);
    if (st == CG_OK && cg_buf_printf(out, "-----BEGIN %s-----\n", label) != CG_OK)
        st = nomem(err);
    for (size_t i = 0; st == CG_OK && i < b64.len; i += 64) {
        size_t k = b64.len - i < 64 ? b64.len - i : 64;
        if (cg_buf_append(out, b64.data + i, k) != CG_OK || cg_buf_putc(out, '\n') != CG_OK)
            st = nomem(err);
    }
    if (st == CG_OK && cg_buf_printf(out, "-----END %s-----\n", label) != CG_OK)
        st = nomem(err);
    cg_key_buf_wipe(&b64);
    return st;
}

/* ---- key objects -------------------------------------------------------- */

static cg_status check_p256(EVP_PKEY *pk, cg_error *err)
{
    if (EVP_PKEY_get_base_id(pk) != EVP_PKEY_EC)
        return cg_error_set(err, CG_ERR_INPUT, "not an ECDSA key (only ECDSA P-256 is supported)");
    char group[64] = "";
    size_t gl = 0;
    if (!EVP_PKEY_get_group_name(pk, group, sizeof group, &gl) || strcmp(group, "prime256v1") != 0)
        return cg_error_set(err, CG_ERR_INPUT, "ECDSA key on curve \"%s\" (only P-256 is supported)",
                            group[0] ? group : "unknown");
    return CG_OK;
}

static cg_status key_wrap(EVP_PKEY *pk, bool priv, cg_sign_key **out, cg_error *err)
{
    cg_status st = check_p256(pk, err);
    if (st != CG_OK) {
        EVP_PKEY_free(pk);
        return st;
    }
    if (priv) {
        /* a file whose embedded public point is not d*G would sign with one key
         * and verify (and publish) another: refuse it */
        EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL);
        int ok = pc && EVP_PKEY_pairwise_check(pc) == 1;
        EVP_PKEY_CTX_free(pc);
        if (!ok) {
            EVP_PKEY_free(pk);
            return cg_error_set(err, CG_ERR_INPUT, "the private key's public half does not match it");
        }
    }
    cg_sign_key *k = calloc(1, sizeof *k);
    if (!k) {
        EVP_PKEY_free(pk);
        return nomem(err);
    }
    k->pkey = pk;
    k->priv = priv;
    *out = k;
    return CG_OK;
}

void cg_key_free(cg_sign_key *key)
{
    if (!key)
        return;
    EVP_PKEY_free(key->pkey);
    free(key);
}

bool cg_key_is_private(const cg_sign_key *key)
{
    return key && key->priv;
}

cg_status cg_key_generate(cg_sign_key **out, cg_error *err)
{
    EVP_PKEY *pk = EVP_EC_gen("P-256");
    if (!pk)
        return cg_error_set(err, CG_ERR_INTERNAL, "generating a P-256 key failed");
    return key_wrap(pk, true, out, err);
}

/* PKCS#8 PrivateKeyInfo DER to a key. */
static cg_status from_pkcs8(const uint8_t *der, size_t n, cg_sign_key **out, cg_error *err)
{
    const unsigned char *p = der;
    PKCS8_PRIV_KEY_INFO *p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, (long)n);
    if (!p8 || p != der + n) {
        PKCS8_PRIV_KEY_INFO_free(p8);
        return cg_error_set(err, CG_ERR_INPUT, "not a PKCS#8 private key");
    }
    EVP_PKEY *pk = EVP_PKCS82PKEY(p8);
    PKCS8_PRIV_KEY_INFO_free(p8);
    if (!pk)
        return cg_error_set(err, CG_ERR_INPUT, "unusable PKCS#8 private key");
    return key_wrap(pk, true, out, err);
}

/* ---- cosign's encrypted form -------------------------------------------- */

static bool scrypt_params_ok(json_int_t n, json_int_t r, json_int_t p)
{
    return (n == 32768 || n == 65536 || n == 131072) && r == 8 && p == 1;
}

/* base64 field of obj into out with an exact or bounded length. */
static cg_status b64_field(const json_t *obj, const char *key, size_t minlen, size_t maxlen,
                           cg_buf *out, cg_error *err)
{
    const char *s = cg_json_str(obj, key);
    if (!s)
        return cg_error_set(err, CG_ERR_INPUT, "missing \"%s\"", key);
    if (strlen(s) > maxlen / 3 * 4 + 4)
        return cg_error_set(err, CG_ERR_INPUT, "\"%s\" too long", key);
    if (cg_base64_decode(s, strlen(s), out, err) != CG_OK)
        return cg_error_prefix(err, "\"%s\"", key);
    if (out->len < minlen || out->len > maxlen)
        return cg_error_set(err, CG_ERR_INPUT, "\"%s\" is %zu bytes", key, out->len);
    return CG_OK;
}

static cg_status decrypt_cosign(const uint8_t *body, size_t n, cg_password_fn pwfn, void *ud,
                                cg_sign_key **out, cg_error *err)
{
    json_t *j = NULL;
    cg_status st = cg_json_parse(body, n, "encrypted key", &j, err);
    if (st != CG_OK)
        return st;
    cg_buf salt = CG_BUF_INIT, nonce = CG_BUF_INIT, ct = CG_BUF_INIT, pw = CG_BUF_INIT,
           plain = CG_BUF_INIT;
    unsigned char key[crypto_secretbox_KEYBYTES];
    const json_t *kdf = json_object_get(j, "kdf"), *cipher = json_object_get(j, "cipher");
    const json_t *params = json_object_get(kdf, "params");
    json_t *jn = json_object_get(params, "N"), *jr = json_object_get(params, "r"),
           *jp = json_object_get(params, "p");
    const char *kname = cg_json_str(kdf, "name"), *cname = cg_json_str(cipher, "name");
    if (!json_is_object(j) || !kname || strcmp(kname, "scrypt") != 0) {
        st = cg_error_set(err, CG_ERR_INPUT, "encrypted key: kdf is not scrypt");
        goto done;
    }
    if (!json_is_integer(jn) || !json_is_integer(jr) || !json_is_integer(jp) ||
        !scrypt_params_ok(json_integer_value(jn), json_integer_value(jr), json_integer_value(jp))) {
        st = cg_error_set(err, CG_ERR_INPUT,
                          "encrypted key: unsupported scrypt parameters (want N 32768, 65536 or "
                          "131072 with r 8 and p 1)");
        goto done;
    }
    if (!cname || strcmp(cname, "nacl/secretbox") != 0) {
        st = cg_error_set(err, CG_ERR_INPUT, "encrypted key: cipher is not nacl/secretbox");
        goto done;
    }
    if ((st = b64_field(kdf, "salt", 16, 64, &salt, err)) != CG_OK ||
        (st = b64_field(cipher, "nonce", crypto_secretbox_NONCEBYTES, crypto_secretbox_NONCEBYTES,
                        &nonce, err)) != CG_OK ||
        (st = b64_field(j, "ciphertext", crypto_secretbox_MACBYTES + 1, DER_MAX, &ct, err)) != CG_OK) {
        cg_error_prefix(err, "encrypted key");
        goto done;
    }
    if ((st = sodium_ready(err)) != CG_OK)
        goto done;
    /* reserve up front so the password never moves (a realloc would leave a copy) */
    cg_buf_init(&pw, CG_PASSWORD_MAX);
    if (cg_buf_reserve(&pw, CG_PASSWORD_MAX) != CG_OK) {
        st = nomem(err);
        goto done;
    }
    if (!pwfn) {
        st = cg_error_set(err, CG_ERR_USAGE, "the key is encrypted and no password was given");
        goto done;
    }
    if ((st = pwfn(ud, &pw, err)) != CG_OK)
        goto done;
    if (crypto_pwhash_scryptsalsa208sha256_ll((const uint8_t *)pw.data, pw.len,
                                              (const uint8_t *)salt.data, salt.len,
                                              (uint64_t)json_integer_value(jn),
                                              (uint32_t)json_integer_value(jr),
                                              (uint32_t)json_integer_value(jp), key, sizeof key) != 0) {
        st = cg_error_set(err, CG_ERR_NOMEM, "encrypted key: scrypt failed (out of memory?)");
        goto done;
    }
    size_t plen = ct.len - crypto_secretbox_MACBYTES;
    if (cg_buf_reserve(&plain, plen) != CG_OK) {
        st = nomem(err);
        goto done;
    }
    if (crypto_secretbox_open_easy((unsigned char *)plain.data, (const unsigned char *)ct.data,
                                   ct.len, (const unsigned char *)nonce.data, key) != 0) {
        st = cg_error_set(err, CG_ERR_INPUT, "encrypted key: wrong password or corrupt key");
        goto done;
    }
    plain.len = plen;
    st = from_pkcs8((const uint8_t *)plain.data, plain.len, out, err);
    if (st != CG_OK)
        cg_error_prefix(err, "encrypted key");
done:
    sodium_memzero(key, sizeof key);
    cg_key_buf_wipe(&pw);
    cg_key_buf_wipe(&plain);
    cg_buf_free(&salt);
    cg_buf_free(&nonce);
    cg_buf_free(&ct);
    json_decref(j);
    return st;
}

cg_status cg_key_load_private(const uint8_t *pem, size_t len, cg_password_fn pw, void *ud,
                              cg_sign_key **out, cg_error *err)
{
    *out = NULL;
    if (len > CG_KEY_FILE_MAX)
        return cg_error_set(err, CG_ERR_LIMIT, "key: over %u bytes", CG_KEY_FILE_MAX);
    char label[64];
    cg_buf der = CG_BUF_INIT;
    cg_status st = pem_decode(pem, len, label, &der, err);
    if (st == CG_OK) {
        if (!strcmp(label, PEM_ENC_COSIGN) || !strcmp(label, PEM_ENC_SIGSTORE)) {
            st = decrypt_cosign((const uint8_t *)der.data, der.len, pw, ud, out, err);
        } else if (!strcmp(label, "PRIVATE KEY")) {
            st = from_pkcs8((const uint8_t *)der.data, der.len, out, err);
        } else if (!strcmp(label, "EC PRIVATE KEY")) {
            const unsigned char *p = (const unsigned char *)der.data;
            EVP_PKEY *pk = d2i_PrivateKey(EVP_PKEY_EC, NULL, &p, (long)der.len);
            if (!pk)
                st = cg_error_set(err, CG_ERR_INPUT, "not a SEC1 EC private key");
            else
                st = key_wrap(pk, true, out, err);
        } else if (!strcmp(label, "PUBLIC KEY")) {
            st = cg_error_set(err, CG_ERR_INPUT, "this is a public key; a private key is needed");
        } else {
            st = cg_error_set(err, CG_ERR_INPUT,
                              "unsupported PEM \"%s\" (want ENCRYPTED COSIGN PRIVATE KEY, "
                              "ENCRYPTED SIGSTORE PRIVATE KEY, PRIVATE KEY or EC PRIVATE KEY)",
                              label);
        }
    }
    cg_key_buf_wipe(&der);
    return st;
}

cg_status cg_key_load_public(const uint8_t *pem, size_t len, cg_sign_key **out, cg_error *err)
{
    *out = NULL;
    if (len > CG_KEY_FILE_MAX)
        return cg_error_set(err, CG_ERR_LIMIT, "key: over %u bytes", CG_KEY_FILE_MAX);
    char label[64];
    cg_buf der = CG_BUF_INIT;
    cg_status st = pem_decode(pem, len, label, &der, err);
    if (st == CG_OK && strcmp(label, "PUBLIC KEY") != 0)
        st = cg_error_set(err, CG_ERR_INPUT, "PEM \"%s\" is not a PUBLIC KEY", label);
    if (st == CG_OK) {
        const unsigned char *p = (const unsigned char *)der.data;
        EVP_PKEY *pk = d2i_PUBKEY(NULL, &p, (long)der.len);
        if (!pk || p != (const unsigned char *)der.data + der.len) {
            EVP_PKEY_free(pk);
            st = cg_error_set(err, CG_ERR_INPUT, "not a valid SubjectPublicKeyInfo");
        } else {
            st = key_wrap(pk, false, out, err);
        }
    }
    cg_buf_free(&der);
    return st;
}

cg_status cg_key_ref_read(const char *ref, cg_buf *out, cg_error *err)
{
    if (!strncmp(ref, "env://", 6)) {
        const char *v = getenv(ref + 6);
        if (!ref[6])
            return cg_error_set(err, CG_ERR_USAGE, "key \"%s\": no variable name", ref);
        if (!v || !*v)
            return cg_error_set(err, CG_ERR_INPUT, "key %s: the variable is not set or empty", ref);
        size_t n = strlen(v);
        if (n > CG_KEY_FILE_MAX)
            return cg_error_set(err, CG_ERR_LIMIT, "key %s: over %u bytes", ref, CG_KEY_FILE_MAX);
        if (cg_buf_append(out, v, n) != CG_OK)
            return nomem(err);
        return CG_OK;
    }
    int fd = open(ref, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return cg_error_set(err, CG_ERR_IO, "key %s: cannot open: %s", ref, strerror(errno));
    struct stat sb;
    cg_status st = CG_OK;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
        st = cg_error_set(err, CG_ERR_INPUT, "key %s: not a regular file", ref);
    else if ((uint64_t)sb.st_size > CG_KEY_FILE_MAX)
        st = cg_error_set(err, CG_ERR_LIMIT, "key %s: over %u bytes", ref, CG_KEY_FILE_MAX);
    /* read straight into a buffer sized once, so no copy of the key is left behind */
    else if (cg_buf_reserve(out, CG_KEY_FILE_MAX) != CG_OK)
        st = nomem(err);
    while (st == CG_OK) {
        ssize_t n = read(fd, out->data + out->len, CG_KEY_FILE_MAX - out->len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            st = cg_error_set(err, CG_ERR_IO, "key %s: read failed: %s", ref, strerror(errno));
        else if (n == 0)
            break;
        else if ((out->len += (size_t)n) >= CG_KEY_FILE_MAX)
            st = cg_error_set(err, CG_ERR_LIMIT, "key %s: over %u bytes", ref, CG_KEY_FILE_MAX);
    }
    if (out->data)
        out->data[out->len] = '\0';
    close(fd);
    return st;
}

cg_status cg_key_write_encrypted(const cg_sign_key *key, const char *password, size_t pwlen,
                                 uint64_t scrypt_n, cg_buf *out, cg_error *err)
{
    if (!cg_key_is_private(key))
        return cg_error_set(err, CG_ERR_USAGE, "not a private key");
    if (!scrypt_params_ok((json_int_t)scrypt_n, 8, 1))
        return cg_error_set(err, CG_ERR_USAGE, "scrypt N must be 32768, 65536 or 131072");
    cg_status st = sodium_ready(err);
    if (st != CG_OK)
        return st;
    PKCS8_PRIV_KEY_INFO *p8 = EVP_PKEY2PKCS8(key->pkey);
    unsigned char *der = NULL;
    int dl = p8 ? i2d_PKCS8_PRIV_KEY_INFO(p8, &der) : -1;
    PKCS8_PRIV_KEY_INFO_free(p8);
    if (dl <= 0)
        return cg_error_set(err, CG_ERR_INTERNAL, "encoding the private key failed");
    uint8_t salt[SCRYPT_SALT_LEN], nonce[crypto_secretbox_NONCEBYTES];
    unsigned char k[crypto_secretbox_KEYBYTES];
    randombytes_buf(salt, sizeof salt);
    randombytes_buf(nonce, sizeof nonce);
    cg_buf ct = CG_BUF_INIT, js = CG_BUF_INIT;
    if (crypto_pwhash_scryptsalsa208sha256_ll((const uint8_t *)password, pwlen, salt, sizeof salt,
                                              scrypt_n, 8, 1, k, sizeof k) != 0) {
        st = cg_error_set(err, CG_ERR_NOMEM, "scrypt failed (out of memory?)");
        goto done;
    }
    if (cg_buf_reserve(&ct, (size_t)dl + crypto_secretbox_MACBYTES) != CG_OK) {
        st = nomem(err);
        goto done;
    }
    crypto_secretbox_easy((unsigned char *)ct.data, der, (unsigned long long)dl, nonce, k);
    ct.len = (size_t)dl + crypto_secretbox_MACBYTES;
    /* the exact JSON cosign writes: field order of its Go structs */
    if (cg_buf_printf(&js, "{\"kdf\":{\"name\":\"scrypt\",\"params\":{\"N\":%llu,\"r\":8,\"p\":1},\"salt\":\"",
                      (unsigned long long)scrypt_n) != CG_OK) {
        st = nomem(err);
        goto done;
    }
    if ((st = cg_base64_encode(salt, sizeof salt, &js, err)) != CG_OK)
        goto done;
    if (cg_buf_puts(&js, "\"},\"cipher\":{\"name\":\"nacl/secretbox\",\"nonce\":\"") != CG_OK) {
        st = nomem(err);
        goto done;
    }
    if ((st = cg_base64_encode(nonce, sizeof nonce, &js, err)) != CG_OK)
        goto done;
    if (cg_buf_puts(&js, "\"},\"ciphertext\":\"") != CG_OK) {
        st = nomem(err);
        goto done;
    }
    if ((st = cg_base64_encode(ct.data, ct.len, &js, err)) != CG_OK)
        goto done;
    if (cg_buf_puts(&js, "\"}") != CG_OK) {
        st = nomem(err);
        goto done;
    }
    st = pem_encode(PEM_ENC_COSIGN, (const uint8_t *)js.data, js.len, out, err);
done:
    OPENSSL_clear_free(der, (size_t)dl);
    sodium_memzero(k, sizeof k);
    cg_buf_free(&ct);
    cg_buf_free(&js);
    return st;
}

cg_status cg_key_write_public(const cg_sign_key *key, cg_buf *out, cg_error *err)
{
    unsigned char *der = NULL;
    int dl = i2d_PUBKEY(key->pkey, &der);
    if (dl <= 0)
        return cg_error_set(err, CG_ERR_INTERNAL, "encoding the public key failed");
    cg_status st = pem_encode("PUBLIC KEY", der, (size_t)dl, out, err);
    OPENSSL_free(der);
    return st;
}

/* ---- signatures ----------------------------------------------------------- */

cg_status cg_key_sign(const cg_sign_key *key, const void *msg, size_t len, cg_buf *der, cg_error *err)
{
    if (!cg_key_is_private(key))
        return cg_error_set(err, CG_ERR_USAGE, "signing needs a private key");
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    size_t sl = 0;
    cg_status st = CG_OK;
    if (!ctx || EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key->pkey) != 1 ||
        EVP_DigestSign(ctx, NULL, &sl, msg, len) != 1)
        st = cg_error_set(err, CG_ERR_INTERNAL, "ECDSA signing failed");
    else if (cg_buf_reserve(der, sl) != CG_OK)
        st = nomem(err);
    else if (EVP_DigestSign(ctx, (unsigned char *)der->data + der->len, &sl, msg, len) != 1)
        st = cg_error_set(err, CG_ERR_INTERNAL, "ECDSA signing failed");
    else
        der->len += sl;
    EVP_MD_CTX_free(ctx);
    return st;
}

bool cg_key_verify(const cg_sign_key *key, const void *msg, size_t len, const void *der, size_t derlen)
{
    if (!key || !der || derlen == 0 || derlen > 256)
        return false;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    bool ok = ctx && EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, key->pkey) == 1 &&
              EVP_DigestVerify(ctx, der, derlen, msg, len) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

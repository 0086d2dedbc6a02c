/*
 * test_cosign.c - Cosign signatures as bytes: the payload equals the fixed
 * vector byte for byte, the .sig manifest and config equal the vectors made
 * by Python (tests/data/sign/make.sh), and verification accepts exactly a
 * layer that verifies under the key AND names the digest: tamper cases
 * (payload byte, another key, a signature from another image's .sig), a
 * good signature next to a bad one, caps (101 and 10,000 layers, oversized
 * payloads), a Docker-typed manifest, and a registry serving wrong bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cgate/sign.h"
#include "core/digest.h"
#include "core/readfile.h"
#include "sign_fixture.h"

static char DIGEST[80];
static const char IDENT[] = SIGN_FIXTURE_IDENT;

/* An in-memory blob store standing in for the registry. */
#define MAXBLOBS 64
typedef struct store {
    char digest[MAXBLOBS][80];
    cg_buf blob[MAXBLOBS];
    size_t n;
    int fetches;
    int lie;  /* serve other bytes than asked for */
    int down; /* every fetch is a network error */
} store;

static void store_put(store *s, const void *p, size_t n)
{
    assert_true(s->n < MAXBLOBS);
    cg_sha256_str(p, n, s->digest[s->n]);
    cg_buf_init(&s->blob[s->n], 0);
    cg_buf_append(&s->blob[s->n], p, n);
    s->n++;
}

static void store_free(store *s)
{
    for (size_t i = 0; i < s->n; i++)
        cg_buf_free(&s->blob[i]);
}

static cg_status fetch(void *ud, const char *digest, size_t max, cg_buf *out, cg_error *err)
{
    store *s = ud;
    s->fetches++;
    if (s->down)
        return cg_error_set(err, CG_ERR_NETWORK, "connection refused");
    for (size_t i = 0; i < s->n; i++) {
        if (strcmp(s->digest[i], digest) != 0)
            continue;
        if (s->blob[i].len > max)
            return cg_error_set(err, CG_ERR_NETWORK, "over cap");
        cg_buf_append(out, s->blob[i].data, s->blob[i].len);
        if (s->lie)
            out->data[0] ^= 1;
        return CG_OK;
    }
    return cg_error_set(err, CG_ERR_NETWORK, "blob unknown");
}

static void test_payload_bytes(void **state)
{
    (void)state;
    sign_fixture_digest(DIGEST);
    cg_buf want, got = CG_BUF_INIT;
    cg_error err;
    sign_fixture("payload.json", &want);
    assert_int_equal(cg_cosign_payload(IDENT, DIGEST, NULL, 0, &got, &err), CG_OK);
    assert_int_equal(got.len, want.len);
    assert_memory_equal(got.data, want.data, want.len);
    cg_buf_free(&want);
    cg_buf_reset(&got);
    /* annotations: sorted by key, HTML characters escaped as Go does */
    sign_fixture("payload-annotated.json", &want);
    cg_annotation ann[] = {{"env", "prod"}, {"a&b", "x<y>"}};
    assert_int_equal(cg_cosign_payload(IDENT, DIGEST, ann, 2, &got, &err), CG_OK);
    assert_string_equal(got.data, want.data);
    cg_buf_free(&want);
    cg_buf_reset(&got);
    /* refusals */
    cg_annotation dup[] = {{"k", "1"}, {"k", "2"}};
    assert_int_equal(cg_cosign_payload(IDENT, DIGEST, dup, 2, &got, &err), CG_ERR_USAGE);
    assert_non_null(strstr(err.msg, "given twice"));
    cg_annotation ctl[] = {{"k", "a\nb"}};
    assert_int_equal(cg_cosign_payload(IDENT, DIGEST, ctl, 1, &got, &err), CG_ERR_USAGE);
    cg_annotation bad8[] = {{"k", "\xff"}};
    assert_int_equal(cg_cosign_payload(IDENT, DIGEST, bad8, 1, &got, &err), CG_ERR_USAGE);
    assert_int_equal(cg_cosign_payload(IDENT, "sha256:abc", NULL, 0, &got, &err), CG_ERR_USAGE);
    assert_int_equal(cg_cosign_payload("", DIGEST, NULL, 0, &got, &err), CG_ERR_USAGE);
    /* non-ASCII goes through as UTF-8; U+2028 is escaped */
    cg_buf_reset(&got);
    cg_annotation u[] = {{"k", "\xc3\xa9\xe2\x80\xa8"}};
    assert_int_equal(cg_cosign_payload(IDENT, DIGEST, u, 1, &got, &err), CG_OK);
    assert_non_null(strstr(got.data, "\"optional\":{\"k\":\"\xc3\xa9\\u2028\"}}"));
    cg_buf_free(&got);
}

static void test_tag(void **state)
{
    (void)state;
    sign_fixture_digest(DIGEST);
    char tag[80];
    cg_error err;
    assert_int_equal(cg_cosign_tag(DIGEST, "sig", tag, &err), CG_OK);
    assert_memory_equal(tag, "sha256-", 7);
    assert_string_equal(tag + 7 + 64, ".sig");
    assert_memory_equal(tag + 7, DIGEST + 7, 64);
    assert_int_equal(cg_cosign_tag("sha256:../../x", "sig", tag, &err), CG_ERR_USAGE);
}

/* The fixed .sig manifest and config are what cgate builds for the fixed
 * payload and signature. */
static void test_manifest_bytes(void **state)
{
    (void)state;
    cg_buf payload, sig, wantm, wantc, m = CG_BUF_INIT, c = CG_BUF_INIT;
    sign_fixture("payload.json", &payload);
    sign_fixture("payload.sig", &sig);
    sign_fixture("sig-manifest.json", &wantm);
    sign_fixture("sig-config.json", &wantc);
    cg_annotation ann[] = {{CG_COSIGN_SIG_ANNOTATION, sig.data}};
    bool added = false;
    cg_error err;
    assert_int_equal(cg_sigman_append(NULL, 0, CG_MT_COSIGN_SIMPLESIGNING, payload.data, payload.len, ann, 1,
                                      &m, &c, &added, &err), CG_OK);
    assert_true(added);
    assert_string_equal(c.data, wantc.data);
    assert_string_equal(m.data, wantm.data);
    /* appending the identical layer again: nothing to do */
    cg_buf m2 = CG_BUF_INIT, c2 = CG_BUF_INIT;
    assert_int_equal(cg_sigman_append((const uint8_t *)m.data, m.len, CG_MT_COSIGN_SIMPLESIGNING, payload.data,
                                      payload.len, ann, 1, &m2, &c2, &added, &err), CG_OK);
    assert_false(added);
    /* the same payload with another signature is a second layer; the first stays as it was */
    cg_annotation ann2[] = {{CG_COSIGN_SIG_ANNOTATION, "MEUCIQ=="}};
    assert_int_equal(cg_sigman_append((const uint8_t *)m.data, m.len, CG_MT_COSIGN_SIMPLESIGNING, payload.data,
                                      payload.len, ann2, 1, &m2, &c2, &added, &err), CG_OK);
    assert_true(added);
    /* the first layer object is kept byte for byte, the new one follows it */
    const char *first = strstr(wantm.data, "\"layers\":[") + 10;
    char *layer1 = strndup(first, strlen(first) - 2);
    const char *at = strstr(m2.data, layer1);
    assert_non_null(at);
    assert_true(strstr(m2.data, "MEUCIQ==") > at);
    free(layer1);
    char pd[CG_DIGEST_STR_LEN + 1];
    cg_sha256_str(payload.data, payload.len, pd);
    char ids[300];
    snprintf(ids, sizeof ids, "\"diff_ids\":[\"%s\",\"%s\"]", pd, pd);
    assert_non_null(strstr(c2.data, ids));
    /* a Docker-typed or broken existing manifest is refused */
    const char *docker = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\","
                         "\"config\":{},\"layers\":[]}";
    assert_int_equal(cg_sigman_append((const uint8_t *)docker, strlen(docker), CG_MT_COSIGN_SIMPLESIGNING,
                                      payload.data, payload.len, ann, 1, &m2, &c2, &added, &err), CG_ERR_INPUT);
    assert_non_null(strstr(err.msg, "application/vnd.docker.distribution.manifest.v2+json"));
    assert_int_equal(cg_sigman_append((const uint8_t *)"{", 1, CG_MT_COSIGN_SIMPLESIGNING, payload.data,
                                      payload.len, ann, 1, &m2, &c2, &added, &err), CG_ERR_INPUT);
    cg_buf_free(&payload);
    cg_buf_free(&sig);
    cg_buf_free(&wantm);
    cg_buf_free(&wantc);
    cg_buf_free(&m);
    cg_buf_free(&c);
    cg_buf_free(&m2);
    cg_buf_free(&c2);
}

/* Build a manifest of the given payload/signature layers (in order). */
static void build(store *s, cg_buf *m, const char **payloads, const char **sigs, size_t n)
{
    cg_buf cur = CG_BUF_INIT, cfg = CG_BUF_INIT;
    cg_error err;
    for (size_t i = 0; i < n; i++) {
        cg_annotation ann[] = {{CG_COSIGN_SIG_ANNOTATION, sigs[i]}};
        bool added;
        cg_buf_reset(m);
        if (cg_sigman_append(cur.len ? (const uint8_t *)cur.data : NULL, cur.len, CG_MT_COSIGN_SIMPLESIGNING,
                             payloads[i], strlen(payloads[i]), ann, 1, m, &cfg, &added, &err) != CG_OK)
            fail_msg("%s", err.msg);
        store_put(s, payloads[i], strlen(payloads[i]));
        cg_buf_reset(&cur);
        cg_buf_append(&cur, m->data, m->len);
    }
    cg_buf_free(&cur);
    cg_buf_free(&cfg);
}

static char *sign_b64(cg_sign_key *k, const char *payload)
{
    cg_buf b = CG_BUF_INIT;
    cg_error err;
    assert_int_equal(cg_cosign_sign(k, payload, strlen(payload), &b, &err), CG_OK);
    return cg_buf_detach(&b, NULL);
}

static void verify(const cg_buf *m, cg_sign_key *pub, store *s, cg_status want_st, size_t want_ok,
                   const char *want_reason)
{
    cg_verify_result r;
    cg_verify_result_init(&r);
    cg_error err;
    cg_error_clear(&err);
    cg_status st = cg_cosign_verify((const uint8_t *)m->data, m->len, DIGEST, pub, fetch, s, &r, &err);
    if (st != want_st)
        fail_msg("status %d (%s), want %d", st, err.msg, want_st);
    if (r.verified != want_ok)
        fail_msg("verified %zu, want %zu (%s)", r.verified, want_ok, r.reason);
    if (want_reason && !strstr(st == CG_OK ? r.reason : err.msg, want_reason))
        fail_msg("reason \"%s\" / \"%s\" lacks \"%s\"", r.reason, err.msg, want_reason);
    cg_verify_result_free(&r);
}

static void test_verify_fixture(void **state)
{
    (void)state;
    sign_fixture_digest(DIGEST);
    cg_buf m, payload;
    sign_fixture("sig-manifest.json", &m);
    sign_fixture("payload.json", &payload);
    store s = {0};
    store_put(&s, payload.data, payload.len);
    cg_sign_key *pub = sign_fixture_key("cosign.pub", false), *other = sign_fixture_key("other.pub", false);
    cg_verify_result r;
    cg_verify_result_init(&r);
    cg_error err;
    assert_int_equal(cg_cosign_verify((const uint8_t *)m.data, m.len, DIGEST, pub, fetch, &s, &r, &err), CG_OK);
    assert_int_equal(r.verified, 1);
    /* the verified payloads are printed as a JSON array of the exact payloads */
    assert_int_equal(r.json.len, payload.len + 2);
    assert_memory_equal(r.json.data + 1, payload.data, payload.len);
    cg_verify_result_free(&r);
    verify(&m, other, &s, CG_OK, 0, "does not verify under the key");
    /* the same signature for another digest */
    char saved[80];
    strcpy(saved, DIGEST);
    strcpy(DIGEST, "sha256:0000000000000000000000000000000000000000000000000000000000000000");
    verify(&m, pub, &s, CG_OK, 0, "payload names");
    strcpy(DIGEST, saved);
    /* the registry serves other bytes: a registry fault, not a failed check */
    s.lie = 1;
    verify(&m, pub, &s, CG_ERR_NETWORK, 0, "registry returned blob");
    s.lie = 0;
    s.down = 1;
    verify(&m, pub, &s, CG_ERR_NETWORK, 0, "connection refused");
    cg_key_free(pub);
    cg_key_free(other);
    store_free(&s);
    cg_buf_free(&m);
    cg_buf_free(&payload);
}

static void test_tamper(void **state)
{
    (void)state;
    sign_fixture_digest(DIGEST);
    cg_sign_key *k = sign_fixture_key("key.pkcs8.pem", true), *ko = sign_fixture_key("other.pem", true);
    cg_sign_key *pub = sign_fixture_key("cosign.pub", false);
    cg_error err;
    cg_buf good = CG_BUF_INIT, forother = CG_BUF_INIT, m = CG_BUF_INIT;
    assert_int_equal(cg_cosign_payload(IDENT, DIGEST, NULL, 0, &good, &err), CG_OK);
    char *sig = sign_b64(k, good.data);
    /* a byte changed in the payload after signing */
    char *tampered = strdup(good.data);
    char *dp = strstr(tampered, "\"docker-reference\":\"") + 20;
    *dp = *dp == '1' ? '2' : '1'; /* 127.0.0.1 -> 227.0.0.1: still names the digest */
    store s = {0};
    const char *p1[] = {tampered};
    const char *s1[] = {sig};
    build(&s, &m, p1, s1, 1);
    verify(&m, pub, &s, CG_OK, 0, "does not verify");
    store_free(&s);
    /* a signature by another key */
    memset(&s, 0, sizeof s);
    char *osig = sign_b64(ko, good.data);
    const char *p2[] = {good.data};
    const char *s2[] = {osig};
    build(&s, &m, p2, s2, 1);
    verify(&m, pub, &s, CG_OK, 0, "does not verify");
    store_free(&s);
    /* a valid signature copied from another image's .sig */
    memset(&s, 0, sizeof s);
    assert_int_equal(cg_cosign_payload(IDENT, "sha256:1111111111111111111111111111111111111111111111111111111111111111",
                                       NULL, 0, &forother, &err), CG_OK);
    char *fsig = sign_b64(k, forother.data);
    const char *p3[] = {forother.data};
    const char *s3[] = {fsig};
    build(&s, &m, p3, s3, 1);
    verify(&m, pub, &s, CG_OK, 0, "payload names sha256:1111");
    store_free(&s);
    /* one bad and one good: verifies (whichever comes first) */
    memset(&s, 0, sizeof s);
    const char *p4[] = {forother.data, good.data};
    const char *s4[] = {osig, sig};
    build(&s, &m, p4, s4, 2);
    verify(&m, pub, &s, CG_OK, 1, NULL);
    store_free(&s);
    memset(&s, 0, sizeof s);
    const char *p5[] = {good.data, tampered};
    const char *s5[] = {sig, sig};
    build(&s, &m, p5, s5, 2);
    verify(&m, pub, &s, CG_OK, 1, NULL);
    store_free(&s);
    /* a signature that is not base64, and a layer without one */
    memset(&s, 0, sizeof s);
    const char *p6[] = {good.data};
    const char *s6[] = {"!!notbase64!!"};
    build(&s, &m, p6, s6, 1);
    verify(&m, pub, &s, CG_OK, 0, "not valid base64");
    store_free(&s);
    free(sig);
    free(osig);
    free(fsig);
    free(tampered);
    cg_buf_free(&good);
    cg_buf_free(&forother);
    cg_buf_free(&m);
    cg_key_free(k);
    cg_key_free(ko);
    cg_key_free(pub);
}

/* A manifest with n simple-signing layers, written by hand. */
static void many_layers(cg_buf *m, size_t n, const char *mt)
{
    cg_buf_reset(m);
    cg_buf_printf(m, "{\"schemaVersion\":2,\"mediaType\":\"%s\",\"config\":{},\"layers\":[", mt);
    for (size_t i = 0; i < n; i++)
        cg_buf_printf(m, "%s{\"mediaType\":\"%s\",\"size\":1,\"digest\":\"sha256:%064zx\","
                         "\"annotations\":{\"dev.cosignproject.cosign/signature\":\"AA==\"}}",
                      i ? "," : "", CG_MT_COSIGN_SIMPLESIGNING, i);
    cg_buf_puts(m, "]}");
}

static void test_caps_and_types(void **state)
{
    (void)state;
    sign_fixture_digest(DIGEST);
    cg_sign_key *pub = sign_fixture_key("cosign.pub", false);
    cg_buf m = CG_BUF_INIT;
    store s = {0};
    many_layers(&m, 10000, CG_MT_OCI_MANIFEST);
    verify(&m, pub, &s, CG_ERR_LIMIT, 0, "10000 layers, over the cap of 100");
    assert_int_equal(s.fetches, 0);
    many_layers(&m, 101, CG_MT_OCI_MANIFEST);
    verify(&m, pub, &s, CG_ERR_LIMIT, 0, "over the cap");
    many_layers(&m, 1, "application/vnd.docker.distribution.manifest.v2+json");
    verify(&m, pub, &s, CG_ERR_INPUT, 0, "media type \"application/vnd.docker.distribution.manifest.v2+json\"");
    many_layers(&m, 0, CG_MT_OCI_MANIFEST);
    verify(&m, pub, &s, CG_OK, 0, "no layers");
    /* a manifest over 4 MiB is refused before parsing */
    cg_buf big = CG_BUF_INIT;
    cg_buf_printf(&big, "{\"schemaVersion\":2,\"x\":\"");
    for (size_t i = 0; i < CG_COSIGN_MAX_MANIFEST; i += 8)
        cg_buf_puts(&big, "aaaaaaaa");
    cg_buf_puts(&big, "\"}");
    verify(&big, pub, &s, CG_ERR_LIMIT, 0, "over the 4194304-byte cap");
    /* a layer that claims a 5 MiB payload is not fetched */
    cg_buf_reset(&m);
    cg_buf_printf(&m, "{\"schemaVersion\":2,\"mediaType\":\"%s\",\"layers\":[{\"mediaType\":\"%s\",\"size\":5242880,"
                      "\"digest\":\"sha256:%064x\",\"annotations\":{\"dev.cosignproject.cosign/signature\":\"AA==\"}},"
                      "{\"mediaType\":\"text/plain\",\"size\":1,\"digest\":\"sha256:%064x\"},"
                      "{\"mediaType\":\"%s\",\"size\":1,\"digest\":\"../../etc/passwd\","
                      "\"annotations\":{\"dev.cosignproject.cosign/signature\":\"AA==\"}}]}",
                  CG_MT_OCI_MANIFEST, CG_MT_COSIGN_SIMPLESIGNING, 1, 2, CG_MT_COSIGN_SIMPLESIGNING);
    verify(&m, pub, &s, CG_OK, 0, "over the 4194304-byte cap");
    verify(&m, pub, &s, CG_OK, 0, "not a simple-signing layer");
    verify(&m, pub, &s, CG_OK, 0, "no valid sha256 digest");
    assert_int_equal(s.fetches, 0);
    /* appending to a full manifest is refused */
    many_layers(&m, 100, CG_MT_OCI_MANIFEST);
    cg_buf out = CG_BUF_INIT, cfg = CG_BUF_INIT;
    bool added;
    cg_error err;
    cg_annotation ann[] = {{CG_COSIGN_SIG_ANNOTATION, "AA=="}};
    assert_int_equal(cg_sigman_append((const uint8_t *)m.data, m.len, CG_MT_COSIGN_SIMPLESIGNING, "x", 1, ann, 1,
                                      &out, &cfg, &added, &err), CG_ERR_LIMIT);
    cg_buf_free(&out);
    cg_buf_free(&cfg);
    cg_buf_free(&m);
    cg_buf_free(&big);
    cg_key_free(pub);
}

/* verify -a K=V: only payloads carrying every required annotation count */
static void test_verify_annotated(void **state)
{
    (void)state;
    sign_fixture_digest(DIGEST);
    cg_sign_key *k = sign_fixture_key("key.pkcs8.pem", true), *pub = sign_fixture_key("cosign.pub", false);
    cg_error err;
    cg_buf plain = CG_BUF_INIT, prod = CG_BUF_INIT, m = CG_BUF_INIT;
    const cg_annotation ann[] = {{"env", "prod"}, {"team", "a"}};
    assert_int_equal(cg_cosign_payload(IDENT, DIGEST, NULL, 0, &plain, &err), CG_OK);
    assert_int_equal(cg_cosign_payload(IDENT, DIGEST, ann, 2, &prod, &err), CG_OK);
    char *s1 = sign_b64(k, plain.data), *s2 = sign_b64(k, prod.data);
    store s = {0};
    const char *ps[] = {plain.data, prod.data};
    const char *ss[] = {s1, s2};
    build(&s, &m, ps, ss, 2);
    struct {
        cg_annotation req[2];
        size_t n, want;
        const char *reason;
    } cases[] = {
        {{{"env", "prod"}}, 1, 1, NULL},
        {{{"env", "prod"}, {"team", "a"}}, 2, 1, NULL},
        {{{"env", "dev"}}, 1, 0, "payload has no annotation env=dev"},
        {{{"env", "prod"}, {"team", "b"}}, 2, 0, "team=b"},
        {{{"env", "PROD"}}, 1, 0, "env=PROD"}, /* exact, case-sensitive */
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        cg_verify_result r;
        cg_verify_result_init(&r);
        assert_int_equal(cg_cosign_verify_annotated((const uint8_t *)m.data, m.len, DIGEST, pub, cases[c].req,
                                                    cases[c].n, fetch, &s, &r, &err),
                         CG_OK);
        if (r.verified != cases[c].want)
            fail_msg("case %zu: verified %zu, want %zu (%s)", c, r.verified, cases[c].want, r.reason);
        if (cases[c].reason && !strstr(r.reason, cases[c].reason))
            fail_msg("case %zu: reason \"%s\" lacks \"%s\"", c, r.reason, cases[c].reason);
        /* the one verified is the annotated payload, byte for byte */
        if (r.verified)
            assert_memory_equal(r.json.data + 1, prod.data, prod.len);
        cg_verify_result_free(&r);
    }
    free(s1);
    free(s2);
    store_free(&s);
    cg_buf_free(&plain);
    cg_buf_free(&prod);
    cg_buf_free(&m);
    cg_key_free(k);
    cg_key_free(pub);
}

static void test_payload_check(void **state)
{
    (void)state;
    sign_fixture_digest(DIGEST);
    cg_error err;
    char p[600];
    snprintf(p, sizeof p, "{\"critical\":{\"identity\":{\"docker-reference\":\"x\"},\"image\":{\"docker-manifest-digest\":\"%s\"},"
                          "\"type\":\"something else\"},\"optional\":null}", DIGEST);
    assert_int_equal(cg_cosign_payload_check((const uint8_t *)p, strlen(p), DIGEST, &err), CG_ERR_INPUT);
    assert_non_null(strstr(err.msg, "type"));
    snprintf(p, sizeof p, "{\"critical\":{\"image\":{\"docker-manifest-digest\":\"%s\"},"
                          "\"type\":\"cosign container image signature\"},\"optional\":null}", DIGEST);
    assert_int_equal(cg_cosign_payload_check((const uint8_t *)p, strlen(p), DIGEST, &err), CG_ERR_INPUT);
    snprintf(p, sizeof p, "{\"critical\":{\"identity\":{\"docker-reference\":\"x\"},\"image\":{\"docker-manifest-digest\":\"%s\"},"
                          "\"type\":\"cosign container image signature\"},\"optional\":7}", DIGEST);
    assert_int_equal(cg_cosign_payload_check((const uint8_t *)p, strlen(p), DIGEST, &err), CG_ERR_INPUT);
    snprintf(p, sizeof p, "{\"critical\":{\"identity\":{\"docker-reference\":\"x\"},\"image\":{\"docker-manifest-digest\":\"%s\"},"
                          "\"type\":\"cosign container image signature\"},\"optional\":{\"a\":\"b\"}}", DIGEST);
    assert_int_equal(cg_cosign_payload_check((const uint8_t *)p, strlen(p), DIGEST, &err), CG_OK);
    /* the digest must match exactly (no prefix, no case folding) */
    char up[80];
    strcpy(up, DIGEST);
    for (char *c = up + 7; *c; c++)
        if (*c >= 'a' && *c <= 'f')
            *c = (char)(*c - 32);
    snprintf(p, sizeof p, "{\"critical\":{\"identity\":{\"docker-reference\":\"x\"},\"image\":{\"docker-manifest-digest\":\"%s\"},"
                          "\"type\":\"cosign container image signature\"},\"optional\":null}", up);
    assert_int_equal(cg_cosign_payload_check((const uint8_t *)p, strlen(p), DIGEST, &err), CG_ERR_INPUT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_payload_bytes),
        cmocka_unit_test(test_tag),
        cmocka_unit_test(test_manifest_bytes),
        cmocka_unit_test(test_verify_fixture),
        cmocka_unit_test(test_tamper),
        cmocka_unit_test(test_caps_and_types),
        cmocka_unit_test(test_payload_check),
        cmocka_unit_test(test_verify_annotated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_dsse.c - in-toto statements and DSSE envelopes: cgate's statement and
 * PAE equal the fixed vectors (made by Python around an SBOM from `cgate
 * sbom`, signed by openssl), the fixed envelope verifies, and verification
 * reads the predicate type and subject from the SIGNED statement only:
 * annotation lies, another type, another digest, another key, a v1 statement,
 * no attestation of the asked type.
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

static void test_predicate_types(void **state)
{
    (void)state;
    assert_string_equal(cg_predicate_type_uri("cyclonedx"), "https://cyclonedx.org/bom");
    assert_string_equal(cg_predicate_type_uri("spdxjson"), "https://spdx.dev/Document");
    assert_string_equal(cg_predicate_type_uri("https://slsa.dev/provenance/v1"), "https://slsa.dev/provenance/v1");
    assert_string_equal(cg_predicate_type_uri("urn:example:x"), "urn:example:x");
    assert_null(cg_predicate_type_uri("spdx"));
    assert_null(cg_predicate_type_uri(""));
    assert_null(cg_predicate_type_uri(":x"));
    assert_null(cg_predicate_type_uri("https://a b"));
    assert_null(cg_predicate_type_uri("1http://x"));
    assert_null(cg_predicate_type_uri("http:"));
}

static void test_statement_and_pae_bytes(void **state)
{
    (void)state;
    sign_fixture_digest(DIGEST);
    cg_buf sbom, want, pae_want, st = CG_BUF_INIT, pae = CG_BUF_INIT;
    sign_fixture("sbom.cdx.json", &sbom);
    sign_fixture("statement.json", &want);
    sign_fixture("pae.bin", &pae_want);
    cg_error err;
    assert_int_equal(cg_intoto_statement(IDENT, DIGEST, CG_PREDICATE_CYCLONEDX, (const uint8_t *)sbom.data, sbom.len,
                                         &st, &err), CG_OK);
    assert_int_equal(st.len, want.len);
    assert_memory_equal(st.data, want.data, want.len);
    assert_int_equal(cg_dsse_pae(CG_INTOTO_PAYLOAD_TYPE, st.data, st.len, &pae, &err), CG_OK);
    assert_int_equal(pae.len, pae_want.len);
    assert_memory_equal(pae.data, pae_want.data, pae.len);
    /* the PAE spelled out for a tiny body */
    cg_buf_reset(&pae);
    cg_dsse_pae("t", "hello", 5, &pae, &err);
    assert_string_equal(pae.data, "DSSEv1 1 t 5 hello");
    /* predicates that are not what the type says */
    cg_buf_reset(&st);
    assert_int_equal(cg_intoto_statement(IDENT, DIGEST, CG_PREDICATE_SPDX, (const uint8_t *)sbom.data, sbom.len,
                                         &st, &err), CG_ERR_INPUT);
    assert_non_null(strstr(err.msg, "not an SPDX"));
    const char *notcdx = "{\"spdxVersion\":\"SPDX-2.3\"}";
    assert_int_equal(cg_intoto_statement(IDENT, DIGEST, CG_PREDICATE_CYCLONEDX, (const uint8_t *)notcdx,
                                         strlen(notcdx), &st, &err), CG_ERR_INPUT);
    assert_int_equal(cg_intoto_statement(IDENT, DIGEST, CG_PREDICATE_SPDX, (const uint8_t *)notcdx,
                                         strlen(notcdx), &st, &err), CG_OK);
    assert_int_equal(cg_intoto_statement(IDENT, DIGEST, "urn:x:y", (const uint8_t *)"[1]", 3, &st, &err),
                     CG_ERR_INPUT);
    assert_int_equal(cg_intoto_statement(IDENT, DIGEST, "urn:x:y", (const uint8_t *)"{", 1, &st, &err),
                     CG_ERR_INPUT);
    assert_int_equal(cg_intoto_statement(IDENT, "sha256:1", "urn:x:y", (const uint8_t *)"{}", 2, &st, &err),
                     CG_ERR_USAGE);
    cg_buf_free(&sbom);
    cg_buf_free(&want);
    cg_buf_free(&pae_want);
    cg_buf_free(&st);
    cg_buf_free(&pae);
}

static void test_fixed_envelope(void **state)
{
    (void)state;
    sign_fixture_digest(DIGEST);
    cg_buf env, want, stmt = CG_BUF_INIT;
    sign_fixture("envelope.json", &env);
    sign_fixture("statement.json", &want);
    cg_sign_key *pub = sign_fixture_key("cosign.pub", false), *other = sign_fixture_key("other.pub", false);
    cg_error err;
    const uint8_t *e = (const uint8_t *)env.data;
    assert_int_equal(cg_dsse_envelope_check(e, env.len, DIGEST, CG_PREDICATE_CYCLONEDX, pub, &stmt, &err), CG_OK);
    assert_int_equal(stmt.len, want.len);
    assert_memory_equal(stmt.data, want.data, want.len);
    assert_int_equal(cg_dsse_envelope_check(e, env.len, DIGEST, CG_PREDICATE_SPDX, pub, NULL, &err), CG_ERR_INPUT);
    assert_non_null(strstr(err.msg, "signed predicateType is \"https://cyclonedx.org/bom\""));
    assert_int_equal(cg_dsse_envelope_check(e, env.len, DIGEST, CG_PREDICATE_CYCLONEDX, other, NULL, &err),
                     CG_ERR_INPUT);
    assert_non_null(strstr(err.msg, "no DSSE signature verifies"));
    const char *d2 = "sha256:2222222222222222222222222222222222222222222222222222222222222222";
    assert_int_equal(cg_dsse_envelope_check(e, env.len, d2, CG_PREDICATE_CYCLONEDX, pub, NULL, &err), CG_ERR_INPUT);
    assert_non_null(strstr(err.msg, "no subject"));
    /* a changed payloadType breaks the PAE (and is refused by name first) */
    char *swapped = strdup(env.data);
    memcpy(strstr(swapped, "in-toto+json"), "in-totx+json", 12);
    assert_int_equal(cg_dsse_envelope_check((const uint8_t *)swapped, strlen(swapped), DIGEST, CG_PREDICATE_CYCLONEDX,
                                            pub, NULL, &err), CG_ERR_INPUT);
    free(swapped);
    cg_key_free(pub);
    cg_key_free(other);
    cg_buf_free(&env);
    cg_buf_free(&want);
    cg_buf_free(&stmt);
}

/* In-memory blobs. */
typedef struct store {
    char digest[8][80];
    cg_buf blob[8];
    size_t n;
} store;

static void store_put(store *s, const void *p, size_t n)
{
    cg_sha256_str(p, n, s->digest[s->n]);
    cg_buf_init(&s->blob[s->n], 0);
    cg_buf_append(&s->blob[s->n], p, n);
    s->n++;
}

static cg_status fetch(void *ud, const char *digest, size_t max, cg_buf *out, cg_error *err)
{
    store *s = ud;
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->digest[i], digest) && s->blob[i].len <= max)
            return cg_buf_append(out, s->blob[i].data, s->blob[i].len);
    return cg_error_set(err, CG_ERR_NETWORK, "no such blob");
}

/* Sign a statement of type ptype (claiming ann_type in the layer annotation)
 * and append it as a layer of m. */
static void add_att(store *s, cg_buf *m, cg_sign_key *k, const char *stmt, const char *ann_type)
{
    cg_buf env = CG_BUF_INIT, out = CG_BUF_INIT, cfg = CG_BUF_INIT;
    cg_error err;
    assert_int_equal(cg_dsse_sign(k, stmt, strlen(stmt), &env, &err), CG_OK);
    cg_annotation ann[] = {{"dev.cosignproject.cosign/signature", ""}, {"predicateType", ann_type}};
    bool added;
    if (cg_sigman_append(m->len ? (const uint8_t *)m->data : NULL, m->len, CG_MT_DSSE_ENVELOPE, env.data, env.len,
                         ann, 2, &out, &cfg, &added, &err) != CG_OK)
        fail_msg("%s", err.msg);
    assert_true(added);
    store_put(s, env.data, env.len);
    cg_buf_reset(m);
    cg_buf_append(m, out.data, out.len);
    cg_buf_free(&env);
    cg_buf_free(&out);
    cg_buf_free(&cfg);
}

static char *statement(const char *type, const char *ptype, const char *digest)
{
    char *s = malloc(1024);
    snprintf(s, 1024, "{\"_type\":\"%s\",\"predicateType\":\"%s\",\"subject\":[{\"name\":\"a\",\"digest\":{\"sha512\":\"ff\"}},"
                      "{\"name\":\"x\",\"digest\":{\"sha256\":\"%s\"}}],\"predicate\":{}}",
             type, ptype, digest + 7);
    return s;
}

static size_t run_verify(const cg_buf *m, store *s, cg_sign_key *pub, const char *ptype, char *reason)
{
    cg_verify_result r;
    cg_verify_result_init(&r);
    cg_error err;
    assert_int_equal(cg_attest_verify((const uint8_t *)m->data, m->len, DIGEST, ptype, pub, fetch, s, &r, &err),
                     CG_OK);
    size_t n = r.verified;
    if (reason)
        strcpy(reason, r.reason);
    cg_verify_result_free(&r);
    return n;
}

static void test_attest_verify(void **state)
{
    (void)state;
    sign_fixture_digest(DIGEST);
    cg_sign_key *k = sign_fixture_key("key.pkcs8.pem", true), *ko = sign_fixture_key("other.pem", true);
    cg_sign_key *pub = sign_fixture_key("cosign.pub", false);
    store s = {0};
    cg_buf m = CG_BUF_INIT;
    char reason[600];
    /* an SPDX statement whose layer annotation claims CycloneDX */
    char *spdx = statement(CG_INTOTO_STATEMENT_V01, CG_PREDICATE_SPDX, DIGEST);
    add_att(&s, &m, k, spdx, CG_PREDICATE_CYCLONEDX);
    assert_int_equal(run_verify(&m, &s, pub, CG_PREDICATE_CYCLONEDX, reason), 0);
    assert_non_null(strstr(reason, "signed predicateType is \"https://spdx.dev/Document\""));
    assert_int_equal(run_verify(&m, &s, pub, CG_PREDICATE_SPDX, NULL), 1);
    /* a CycloneDX statement for another image, then one by another key */
    char *cdx_other = statement(CG_INTOTO_STATEMENT_V01, CG_PREDICATE_CYCLONEDX,
                                "sha256:3333333333333333333333333333333333333333333333333333333333333333");
    add_att(&s, &m, k, cdx_other, CG_PREDICATE_CYCLONEDX);
    char *cdx = statement(CG_INTOTO_STATEMENT_V1, CG_PREDICATE_CYCLONEDX, DIGEST);
    add_att(&s, &m, ko, cdx, CG_PREDICATE_CYCLONEDX);
    assert_int_equal(run_verify(&m, &s, pub, CG_PREDICATE_CYCLONEDX, reason), 0);
    assert_non_null(strstr(reason, "layer 2: no subject"));
    assert_non_null(strstr(reason, "layer 3: no DSSE signature verifies"));
    /* now a good one (a v1 statement): exactly it verifies */
    add_att(&s, &m, k, cdx, CG_PREDICATE_CYCLONEDX);
    assert_int_equal(run_verify(&m, &s, pub, CG_PREDICATE_CYCLONEDX, NULL), 1);
    /* an unknown statement type is refused even when signed */
    char *bogus = statement("https://in-toto.io/Statement/v9", "urn:x:y", DIGEST);
    add_att(&s, &m, k, bogus, "urn:x:y");
    assert_int_equal(run_verify(&m, &s, pub, "urn:x:y", reason), 0);
    assert_non_null(strstr(reason, "not an in-toto Statement"));
    /* a simple-signing layer in an .att is not an attestation */
    cg_buf sigm = CG_BUF_INIT;
    cg_buf_printf(&sigm, "{\"schemaVersion\":2,\"mediaType\":\"%s\",\"layers\":[{\"mediaType\":\"%s\",\"size\":1,"
                         "\"digest\":\"%s\"}]}", CG_MT_OCI_MANIFEST, CG_MT_COSIGN_SIMPLESIGNING, DIGEST);
    assert_int_equal(run_verify(&sigm, &s, pub, CG_PREDICATE_CYCLONEDX, reason), 0);
    assert_non_null(strstr(reason, "not a DSSE envelope layer"));
    free(spdx);
    free(cdx_other);
    free(cdx);
    free(bogus);
    for (size_t i = 0; i < s.n; i++)
        cg_buf_free(&s.blob[i]);
    cg_buf_free(&m);
    cg_buf_free(&sigm);
    cg_key_free(k);
    cg_key_free(ko);
    cg_key_free(pub);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_predicate_types),
        cmocka_unit_test(test_statement_and_pae_bytes),
        cmocka_unit_test(test_fixed_envelope),
        cmocka_unit_test(test_attest_verify),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_vex.c - VEX loading and lookup (policy_context.h) on the documents of
 * tests/data/vex/ (see its ORIGIN.md): the OpenVEX spec's and go-vex's
 * examples, CycloneDX test BOMs and our own, and documents that break one
 * OpenVEX schema rule each (which the JSON-schema validator also rejects).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cgate/policy_context.h"

static const char *vpath(const char *rel)
{
    static char buf[8][1024];
    static int i;
    const char *d = getenv("CG_TEST_DATA");
    char *p = buf[i++ % 8];
    snprintf(p, 1024, "%s/vex/%s", d ? d : "tests/data", rel);
    return p;
}

typedef struct fx {
    cg_arena a;
    cg_vex *vex;
    cg_error err;
} fx;

static cg_status load(fx *f, const char *const *rels, size_t n)
{
    const char *p[8];
    for (size_t i = 0; i < n; i++)
        p[i] = vpath(rels[i]);
    cg_arena_init(&f->a);
    cg_error_clear(&f->err);
    f->vex = NULL;
    return cg_vex_load(p, n, &f->a, &f->vex, &f->err);
}

static void done(fx *f)
{
    cg_vex_free(f->vex);
    cg_arena_free(&f->a);
}

static cg_vex_match look(fx *f, const char *id, const char *alias, const char *purl)
{
    cg_vex_match m;
    const char *al[1] = {alias};
    assert_int_equal(cg_vex_lookup(f->vex, id, al, alias ? 1 : 0, purl, &m), CG_OK);
    return m;
}

static void test_go_vex_example(void **state)
{
    (void)state;
    fx f;
    const char *r[] = {"openvex/go-vex_v0.2.0.json"};
    assert_int_equal(load(&f, r, 1), CG_OK);
    /* subcomponents of the image product carry the statements */
    cg_vex_match m = look(&f, "CVE-2023-1255", NULL, "pkg:apk/alpine/libssl3@3.0.8-r3?arch=x86_64&distro=alpine-3.17");
    assert_int_equal(m.status, CG_VEX_FIXED);
    assert_string_equal(m.statement_id, "statements[0]");
    assert_non_null(strstr(m.document, "go-vex_v0.2.0.json"));
    m = look(&f, "CVE-2023-3446", NULL, "pkg:apk/alpine/libcrypto3@3.0.8-r3");
    assert_int_equal(m.status, CG_VEX_NOT_AFFECTED);
    assert_string_equal(m.justification, "vulnerable_code_not_present");
    assert_string_equal(m.impact, "affected functions were removed before packaging");
    /* another version of the package is not covered by a versioned purl */
    assert_int_equal(look(&f, "CVE-2023-3446", NULL, "pkg:apk/alpine/libcrypto3@3.0.9-r0").status, CG_VEX_NONE);
    /* the statement's ids are vulnerability names: case does not matter */
    assert_int_equal(look(&f, "cve-2023-2650", NULL, "pkg:apk/alpine/libssl3@3.0.8-r3").status, CG_VEX_FIXED);
    assert_int_equal(look(&f, "CVE-2099-0001", NULL, "pkg:apk/alpine/libssl3@3.0.8-r3").status, CG_VEX_NONE);
    done(&f);
}

static void test_spec_examples(void **state)
{
    (void)state;
    fx f;
    const char *r[] = {"openvex/spec-minimal.json", "openvex/spec-spring.json"};
    assert_int_equal(load(&f, r, 2), CG_OK);
    /* the statement's qualifier arch must match; qualifiers it does not give are ignored */
    assert_int_equal(look(&f, "CVE-2023-12345", NULL, "pkg:apk/wolfi/git@2.39.0-r1?arch=x86_64&distro=wolfi").status,
                     CG_VEX_FIXED);
    assert_int_equal(look(&f, "CVE-2023-12345", NULL, "pkg:apk/wolfi/git@2.39.0-r1?arch=aarch64").status,
                     CG_VEX_NONE);
    assert_int_equal(look(&f, "CVE-2023-12345", NULL, "pkg:apk/wolfi/git@2.39.0-r1").status, CG_VEX_NONE);
    /* alias matching both ways: the finding's alias, or the statement's */
    cg_vex_match m = look(&f, "GHSA-jfh8-c2jp-5v3q", NULL, "pkg:maven/org.springframework.boot/spring-boot@2.6.0-M3");
    assert_int_equal(m.status, CG_VEX_NOT_AFFECTED);
    assert_string_equal(m.justification, "vulnerable_code_not_in_execute_path");
    m = look(&f, "GHSA-xxxx", "CVE-2021-44228", "pkg:maven/org.springframework.boot/spring-boot@2.6.0-M3");
    assert_int_equal(m.status, CG_VEX_NOT_AFFECTED);
    assert_int_equal(look(&f, "CVE-2021-44228", NULL, "pkg:maven/org.springframework.boot/spring-core@2.6.0-M3").status,
                     CG_VEX_NONE);
    assert_int_equal(look(&f, "CVE-2021-44228", NULL, "not a purl").status, CG_VEX_NONE);
    done(&f);
}

static void test_each_status_and_precedence(void **state)
{
    (void)state;
    fx f;
    const char *r[] = {"openvex/acme-statuses.json", "openvex/acme-later.json"};
    assert_int_equal(load(&f, r, 2), CG_OK);
    const char *ssl = "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12";
    /* not_affected via a versionless subcomponent purl with a qualifier */
    cg_vex_match m = look(&f, "CVE-2024-0727", NULL, ssl);
    assert_int_equal(m.status, CG_VEX_NOT_AFFECTED);
    assert_string_equal(m.statement_id, "https://vex.acme.example/docs/api-1.8.0-2024-03#openssl-not-affected");
    assert_int_equal(look(&f, "CVE-2024-0727", NULL, "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=arm64").status,
                     CG_VEX_NONE);
    /* identifiers.purl of a subcomponent counts as well */
    assert_int_equal(look(&f, "GHSA-9v9h-cgj8-h64p", NULL, "pkg:deb/debian/openssl@3.0.11-1~deb12u2").status,
                     CG_VEX_NOT_AFFECTED);
    /* affected (document last_updated 2024-03-05) beats an older not_affected
     * statement (timestamp 2024-02-01) for every version */
    m = look(&f, "CVE-2023-44487", NULL, "pkg:golang/golang.org/x/net@v0.15.0");
    assert_int_equal(m.status, CG_VEX_AFFECTED);
    /* the older not_affected still applies to other versions */
    assert_int_equal(look(&f, "CVE-2023-44487", NULL, "pkg:golang/golang.org/x/net@v0.14.0").status,
                     CG_VEX_NOT_AFFECTED);
    /* fixed in March; the April document's statement is dated 2023-12-31: older, loses */
    assert_int_equal(look(&f, "CVE-2023-5678", NULL, ssl).status, CG_VEX_FIXED);
    /* under_investigation in March, not_affected in April: the later wins */
    m = look(&f, "CVE-2024-2511", NULL, ssl);
    assert_int_equal(m.status, CG_VEX_NOT_AFFECTED);
    assert_string_equal(m.justification, "vulnerable_code_cannot_be_controlled_by_adversary");
    assert_non_null(strstr(m.document, "acme-later.json"));
    done(&f);
    /* only the March document: under_investigation, for a distro-qualified statement */
    const char *r2[] = {"openvex/acme-statuses.json"};
    assert_int_equal(load(&f, r2, 1), CG_OK);
    assert_int_equal(look(&f, "CVE-2024-2511", NULL, ssl).status, CG_VEX_UNDER_INVESTIGATION);
    assert_int_equal(look(&f, "CVE-2024-2511", NULL, "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?distro=debian-11").status,
                     CG_VEX_NONE);
    done(&f);
}

static void test_equal_times_later_file_wins(void **state)
{
    (void)state;
    fx f;
    const char *r[] = {"openvex/spec-minimal.json", "openvex/spec-minimal.json"};
    assert_int_equal(load(&f, r, 2), CG_OK);
    assert_int_equal(look(&f, "CVE-2023-12345", NULL, "pkg:apk/wolfi/git@2.39.0-r1?arch=armv7").status, CG_VEX_FIXED);
    done(&f);
}

static void test_cyclonedx_states(void **state)
{
    (void)state;
    fx f;
    const char *r[] = {"cyclonedx/acme-vex-1.5.json"};
    assert_int_equal(load(&f, r, 1), CG_OK);
    const char *zlib = "pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?arch=amd64&distro=debian-12";
    const char *ssl = "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12";
    cg_vex_match m = look(&f, "CVE-2023-45853", NULL, zlib);
    assert_int_equal(m.status, CG_VEX_NOT_AFFECTED);
    assert_string_equal(m.justification, "code_not_reachable");
    assert_string_equal(m.impact, "minizip is not used by the API.");
    assert_string_equal(m.statement_id, "v-1");
    /* nested component, and the reference id as an alias */
    assert_int_equal(look(&f, "GHSA-mq29-j5xf-cjwr", NULL, "pkg:generic/minizip@1.3").status, CG_VEX_NOT_AFFECTED);
    /* resolved through a BOM-Link → fixed */
    assert_int_equal(look(&f, "CVE-2023-5678", NULL, ssl).status, CG_VEX_FIXED);
    /* false_positive → not affected */
    assert_int_equal(look(&f, "CVE-2023-35116", NULL, "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.15.2").status,
                     CG_VEX_NOT_AFFECTED);
    /* exploitable on a purl ref without version → affected for every version */
    assert_int_equal(look(&f, "CVE-2024-0001", NULL, "pkg:deb/debian/libssl3@3.0.9").status, CG_VEX_AFFECTED);
    assert_int_equal(look(&f, "CVE-2024-0002", NULL, ssl).status, CG_VEX_UNDER_INVESTIGATION);
    /* a vulnerability without analysis is not a statement */
    assert_int_equal(look(&f, "CVE-2024-0003", NULL, ssl).status, CG_VEX_NONE);
    done(&f);
}

static void test_cyclonedx_spec_testcases(void **state)
{
    (void)state;
    fx f;
    const char *r[] = {"cyclonedx/valid-vulnerability-1.5.json", "cyclonedx/valid-vulnerability-1.6.json"};
    assert_int_equal(load(&f, r, 2), CG_OK);
    cg_vex_match m = look(&f, "CVE-2018-7489", NULL, "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.9.4");
    assert_int_equal(m.status, CG_VEX_NOT_AFFECTED);
    assert_string_equal(m.justification, "code_not_reachable");
    assert_non_null(strstr(m.document, "1.6.json")); /* same lastUpdated: the later file wins */
    done(&f);
}

static void expect_error(const char *rel, cg_status want, const char *needle)
{
    fx f;
    const char *r[] = {rel};
    assert_int_equal(load(&f, r, 1), want);
    if (!strstr(f.err.msg, needle) || !strstr(f.err.msg, rel))
        fail_msg("%s: \"%s\" lacks \"%s\"", rel, f.err.msg, needle);
    assert_null(f.vex);
    cg_arena_free(&f.a);
}

static void test_schema_rules(void **state)
{
    (void)state;
    expect_error("bad/not-affected-no-justification.json", CG_ERR_INPUT,
                 "statements[0]: status not_affected needs \"justification\" or \"impact_statement\"");
    expect_error("bad/affected-no-action.json", CG_ERR_INPUT, "affected-no-action.json:9: statements[0]: status affected needs \"action_statement\"");
    expect_error("bad/bad-justification.json", CG_ERR_INPUT, "\"justification\" \"because\" is not an OpenVEX justification");
    expect_error("bad/bad-status.json", CG_ERR_INPUT, "\"status\" \"wontfix\"");
    expect_error("bad/unknown-field.json", CG_ERR_INPUT, "statements[0]: unknown field \"severity\"");
    expect_error("bad/bad-timestamp.json", CG_ERR_INPUT, "\"timestamp\" is not an RFC 3339 date-time");
    expect_error("bad/duplicate-statements.json", CG_ERR_INPUT, "document.statements: items are not unique");
    expect_error("bad/product-without-id.json", CG_ERR_INPUT, "statements[0].products[0]: needs \"@id\" or \"identifiers\"");
    expect_error("bad/vulnerability-without-name.json", CG_ERR_INPUT,
                 "statements[0].vulnerability: required field \"name\" is missing");
    expect_error("bad/go-vex_v020-1-no-timestamp.vex.json", CG_ERR_INPUT, "required field \"timestamp\" is missing");
    expect_error("bad/cdx-bad-state.json", CG_ERR_INPUT, "vulnerabilities[0].analysis: \"state\" \"maybe\"");
    expect_error("bad/cdx-1.3.json", CG_ERR_INPUT, "specVersion");
    expect_error("does-not-exist.json", CG_ERR_INPUT, "not a readable file");
    /* not JSON, not VEX */
    expect_error("../k8s/public-api/api.yaml", CG_ERR_INPUT, "invalid JSON");
    expect_error("../schemas/openvex/openvex_json_schema.json", CG_ERR_INPUT, "neither OpenVEX");
}

static void test_null_and_empty(void **state)
{
    (void)state;
    fx f;
    assert_int_equal(load(&f, NULL, 0), CG_OK);
    assert_int_equal(look(&f, "CVE-1", NULL, "pkg:npm/a@1").status, CG_VEX_NONE);
    done(&f);
    cg_vex_match m;
    assert_int_equal(cg_vex_lookup(NULL, "CVE-1", NULL, 0, "pkg:npm/a@1", &m), CG_OK);
    assert_int_equal(m.status, CG_VEX_NONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_go_vex_example),
        cmocka_unit_test(test_spec_examples),
        cmocka_unit_test(test_each_status_and_precedence),
        cmocka_unit_test(test_equal_times_later_file_wins),
        cmocka_unit_test(test_cyclonedx_states),
        cmocka_unit_test(test_cyclonedx_spec_testcases),
        cmocka_unit_test(test_schema_rules),
        cmocka_unit_test(test_null_and_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

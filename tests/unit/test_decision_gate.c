/*
 * test_decision_gate.c - the push gate of cgate/decision.h on its own: a
 * passing decision naming the image (by manifest digest, config digest, the
 * older imageDigest, or the report under inputs), a deny, a decision about
 * another image, one naming nothing, malformed files, and the index gate's
 * per-platform coverage.  Decision files are written to $CG_TMP.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "cgate/decision.h"
#include "core/digest.h"

#define DA "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define DB "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define DC "sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
#define DX "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define DI "sha256:9999999999999999999999999999999999999999999999999999999999999999"

static char tmpdir[512];

static const char *write_tmp(const char *name, const char *text)
{
    static char paths[16][640];
    static size_t k;
    char *p = paths[k++ % 16];
    snprintf(p, 640, "%s/%s", tmpdir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return p;
}

static int setup(void **state)
{
    (void)state;
    const char *t = getenv("CG_TMP");
    snprintf(tmpdir, sizeof tmpdir, "%s/decision_gate", t && *t ? t : "/tmp");
    if (t && *t)
        mkdir(t, 0755);
    mkdir(tmpdir, 0755);
    return 0;
}

/* The verdict of decision text for (manifest, config); why into why. */
static cg_decision_cover cover_of(const char *json, const char *m, const char *c, char *why, size_t n)
{
    cg_decision_doc *d = NULL;
    cg_error e;
    cg_error_clear(&e);
    if (cg_decision_read_mem("dec.json", json, strlen(json), &d, &e) != CG_OK)
        fail_msg("read: %s", e.msg);
    cg_buf w = CG_BUF_INIT;
    cg_decision_cover cv = CG_COVER_YES;
    if (cg_decision_covers(d, m, c, &cv, &w, &e) != CG_OK)
        fail_msg("covers: %s", e.msg);
    snprintf(why, n, "%s", cg_buf_str(&w));
    cg_buf_free(&w);
    cg_decision_free(d);
    return cv;
}

static void test_pass(void **state)
{
    (void)state;
    char why[1024];
    const char *dec = "{\"pass\":true,\"image\":{\"manifestDigests\":[\"" DA "\"],\"configDigest\":\"" DB "\"}}";
    assert_int_equal(cover_of(dec, DA, DC, why, sizeof why), CG_COVER_YES);
    assert_string_equal(why, "");
    /* the config digest binds too (a docker-archive has no manifest digest of its own) */
    assert_int_equal(cover_of(dec, DX, DB, why, sizeof why), CG_COVER_YES);
    /* the older form */
    assert_int_equal(cover_of("{\"pass\":true,\"imageDigest\":\"" DA "\"}", DA, NULL, why, sizeof why), CG_COVER_YES);
    cg_decision_doc *d = NULL;
    cg_error e;
    assert_int_equal(cg_decision_read_mem("x", dec, strlen(dec), &d, &e), CG_OK);
    assert_int_equal(cg_decision_passed(d), 1);
    cg_decision_free(d);
}

static void test_deny(void **state)
{
    (void)state;
    char why[1024];
    const char *dec = "{\"pass\":false,\"denyReasons\":[\"CVE-2024-1 is critical\",\"x\"],"
                      "\"image\":{\"manifestDigests\":[\"" DA "\"]}}";
    assert_int_equal(cover_of(dec, DA, NULL, why, sizeof why), CG_COVER_DENY);
    assert_string_equal(why, "dec.json says deny: CVE-2024-1 is critical");
    assert_int_equal(cover_of("{\"pass\":false}", DA, NULL, why, sizeof why), CG_COVER_DENY);
    assert_string_equal(why, "dec.json says deny");
}

static void test_wrong_digest(void **state)
{
    (void)state;
    char why[1024];
    const char *dec = "{\"pass\":true,\"image\":{\"manifestDigests\":[\"" DA "\"],\"configDigest\":\"" DB "\"}}";
    assert_int_equal(cover_of(dec, DC, DX, why, sizeof why), CG_COVER_OTHER);
    assert_string_equal(why, "dec.json is a decision about another image (" DA "), not " DC);
    /* the manifest digest never matches the config member, nor the other way round */
    assert_int_equal(cover_of(dec, DB, NULL, why, sizeof why), CG_COVER_OTHER);
    assert_int_equal(cover_of("{\"pass\":true,\"imageDigest\":\"" DA "\"}", DC, DA, why, sizeof why), CG_COVER_OTHER);
    /* names nothing */
    assert_int_equal(cover_of("{\"pass\":true,\"image\":{\"manifestDigests\":[],\"configDigest\":null}}", DA, DB, why,
                              sizeof why),
                     CG_COVER_UNNAMED);
    assert_non_null(strstr(why, "names no image digest (its image has no manifestDigests"));
    assert_int_equal(cover_of("{\"pass\":true}", DA, DB, why, sizeof why), CG_COVER_UNNAMED);
    assert_non_null(strstr(why, "neither itself nor the report"));
}

static void test_report_binding(void **state)
{
    (void)state;
    const char *rep = "{\"Metadata\":{\"RepoDigests\":[\"lab/app@" DA "\"],\"ImageID\":\"" DB "\"}}";
    write_tmp("report.json", rep);
    char sha[CG_DIGEST_STR_LEN + 1];
    assert_int_equal(cg_sha256_str(rep, strlen(rep), sha), CG_OK);
    char dec[1024];
    /* relative: found next to the decision file */
    snprintf(dec, sizeof dec, "{\"pass\":true,\"inputs\":[{\"role\":\"report\",\"path\":\"report.json\",\"sha256\":\"%s\"}]}",
             sha + 7);
    const char *path = write_tmp("old-form.json", dec);
    const char *paths[] = {path};
    int allowed = -1;
    cg_buf why = CG_BUF_INIT;
    cg_error e;
    cg_error_clear(&e);
    assert_int_equal(cg_decision_gate_image(paths, 1, DA, NULL, &allowed, &why, &e), CG_OK);
    assert_int_equal(allowed, 1);
    assert_int_equal(cg_decision_gate_image(paths, 1, DX, DB, &allowed, &why, &e), CG_OK);
    assert_int_equal(allowed, 1);
    assert_int_equal(cg_decision_gate_image(paths, 1, DX, DC, &allowed, &why, &e), CG_OK);
    assert_int_equal(allowed, 0);
    assert_non_null(strstr(cg_buf_str(&why), "about another image"));
    /* the report changed since */
    write_tmp("report.json", "{\"Metadata\":{}}");
    assert_int_equal(cg_decision_gate_image(paths, 1, DA, NULL, &allowed, &why, &e), CG_ERR_INPUT);
    assert_non_null(strstr(e.msg, "changed since the decision"));
    assert_int_equal(allowed, 0);
    cg_buf_free(&why);
}

static void bad_doc(const char *json, const char *msg_part)
{
    cg_decision_doc *d = NULL;
    cg_error e;
    cg_error_clear(&e);
    cg_status s = cg_decision_read_mem("bad.json", json, strlen(json), &d, &e);
    if (s == CG_OK) {
        cg_decision_cover cv;
        s = cg_decision_covers(d, DA, NULL, &cv, NULL, &e);
        cg_decision_free(d);
    } else {
        assert_null(d);
    }
    /* bad input (exit 3): malformed, or a file that cannot be read */
    assert_true(s == CG_ERR_INPUT || s == CG_ERR_IO);
    assert_int_equal(cg_status_exit_code(s), 3);
    if (!strstr(e.msg, msg_part))
        fail_msg("%s: \"%s\" lacks \"%s\"", json, e.msg, msg_part);
}

static void test_malformed(void **state)
{
    (void)state;
    bad_doc("{\"pass\":tru", "bad.json");
    bad_doc("[]", "not a cgate decision");
    bad_doc("{\"pass\":\"true\"}", "not a cgate decision");
    bad_doc("{\"pass\":true,\"image\":[]}", "image: not an object");
    bad_doc("{\"pass\":true,\"image\":{\"manifestDigests\":\"" DA "\"}}", "not an array");
    bad_doc("{\"pass\":true,\"image\":{\"manifestDigests\":[\"sha256:12\"]}}", "manifestDigests[0]");
    bad_doc("{\"pass\":true,\"image\":{\"configDigest\":7}}", "configDigest");
    bad_doc("{\"pass\":true,\"inputs\":[{\"role\":\"report\",\"path\":\"/nonexistent/r.json\",\"sha256\":\"00\"}]}",
            "the report it was made from");
    /* a missing file */
    cg_decision_doc *d = NULL;
    cg_error e;
    cg_error_clear(&e);
    assert_int_not_equal(cg_decision_read("/nonexistent/decision.json", &d, &e), CG_OK);
    assert_null(d);
    assert_non_null(strstr(e.msg, "/nonexistent/decision.json"));
}

static void test_gate_image_order(void **state)
{
    (void)state;
    const char *pass = write_tmp("pass.json", "{\"pass\":true,\"image\":{\"manifestDigests\":[\"" DA "\"]}}");
    const char *deny = write_tmp("deny.json", "{\"pass\":false,\"denyReasons\":[\"no\"]}");
    const char *junk = write_tmp("junk.json", "not json");
    int allowed = -1;
    cg_buf why = CG_BUF_INIT;
    cg_error e;
    cg_error_clear(&e);
    assert_int_equal(cg_decision_gate_image(NULL, 0, DA, NULL, &allowed, &why, &e), CG_OK);
    assert_int_equal(allowed, 1);
    /* files are read in turn: a refusal stops before a later malformed file */
    const char *p1[] = {pass, deny, junk};
    assert_int_equal(cg_decision_gate_image(p1, 3, DA, NULL, &allowed, &why, &e), CG_OK);
    assert_int_equal(allowed, 0);
    assert_non_null(strstr(cg_buf_str(&why), "deny.json says deny: no"));
    const char *p2[] = {pass, junk, deny};
    assert_int_equal(cg_decision_gate_image(p2, 3, DA, NULL, &allowed, &why, &e), CG_ERR_INPUT);
    assert_int_equal(allowed, 0);
    cg_buf_free(&why);
}

static void test_gate_index(void **state)
{
    (void)state;
    const cg_gate_platform p[] = {{"linux/amd64", DA, DX}, {"linux/arm64", DB, NULL}};
    const char *amd = write_tmp("amd.json", "{\"pass\":true,\"image\":{\"manifestDigests\":[\"" DA "\"]}}");
    const char *arm = write_tmp("arm.json", "{\"pass\":true,\"image\":{\"manifestDigests\":[],\"configDigest\":null,"
                                            "\"x\":0},\"imageDigest\":\"" DX "\"}");
    const char *armm = write_tmp("armm.json", "{\"pass\":true,\"image\":{\"manifestDigests\":[\"" DB "\"]}}");
    const char *idx = write_tmp("idx.json", "{\"pass\":true,\"image\":{\"manifestDigests\":[\"" DI "\"]}}");
    const char *other = write_tmp("other.json", "{\"pass\":true,\"image\":{\"manifestDigests\":[\"" DC "\"]}}");
    const char *deny = write_tmp("ideny.json", "{\"pass\":false,\"image\":{\"manifestDigests\":[\"" DI "\"]}}");
    int allowed = -1;
    cg_buf why = CG_BUF_INIT;
    cg_error e;
    cg_error_clear(&e);
    /* one per platform */
    const char *both[] = {amd, armm};
    assert_int_equal(cg_decision_gate_index(both, 2, DI, p, 2, &allowed, &why, &e), CG_OK);
    assert_int_equal(allowed, 1);
    /* one for the index itself */
    const char *whole[] = {idx};
    assert_int_equal(cg_decision_gate_index(whole, 1, DI, p, 2, &allowed, &why, &e), CG_OK);
    assert_int_equal(allowed, 1);
    /* a platform missing */
    const char *one[] = {amd};
    assert_int_equal(cg_decision_gate_index(one, 1, DI, p, 2, &allowed, &why, &e), CG_OK);
    assert_int_equal(allowed, 0);
    assert_string_equal(cg_buf_str(&why), "no passing decision covers linux/arm64 (" DB ") of index " DI
                                          ": give one per platform, or one for the index");
    /* a decision about none of them */
    const char *oth[] = {amd, armm, other};
    assert_int_equal(cg_decision_gate_index(oth, 3, DI, p, 2, &allowed, &why, &e), CG_OK);
    assert_int_equal(allowed, 0);
    assert_non_null(strstr(cg_buf_str(&why), "other.json is a decision about another image, not index " DI
                                              " or any of its 2 platform images"));
    /* a deny, and one naming nothing */
    const char *dn[] = {deny, amd, armm};
    assert_int_equal(cg_decision_gate_index(dn, 3, DI, p, 2, &allowed, &why, &e), CG_OK);
    assert_int_equal(allowed, 0);
    assert_non_null(strstr(cg_buf_str(&why), "says deny"));
    const char *un[] = {arm};
    assert_int_equal(cg_decision_gate_index(un, 1, DI, p, 2, &allowed, &why, &e), CG_OK);
    assert_int_equal(allowed, 0);
    assert_non_null(strstr(cg_buf_str(&why), "names no image digest"));
    cg_buf_free(&why);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pass),         cmocka_unit_test(test_deny),
        cmocka_unit_test(test_wrong_digest), cmocka_unit_test(test_report_binding),
        cmocka_unit_test(test_malformed),    cmocka_unit_test(test_gate_image_order),
        cmocka_unit_test(test_gate_index),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}

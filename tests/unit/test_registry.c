/*
 * test_registry.c - the registry client's parsers: image references (Docker
 * Hub normalisation, hosts with ports and IPv6, tags, digests, and what is
 * refused), the loopback test, WWW-Authenticate challenges per RFC 7235 (as
 * Docker Hub, distribution and GHCR send them, plus malformed ones), Docker
 * config auth entries and credential-helper output.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cgate/registry.h"
#include "registry/registry_internal.h"

#define D64 "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void ref_ok(const char *in, const char *reg, const char *repo, const char *tag, const char *digest)
{
    cg_ref r;
    cg_error e;
    cg_error_clear(&e);
    if (cg_ref_parse(in, &r, &e) != CG_OK)
        fail_msg("%s: %s", in, e.msg);
    assert_string_equal(r.registry, reg);
    assert_string_equal(r.repository, repo);
    assert_string_equal(r.tag, tag);
    assert_string_equal(r.digest, digest);
}

static void ref_bad(const char *in, const char *msg_part)
{
    cg_ref r;
    cg_error e;
    cg_error_clear(&e);
    assert_int_equal(cg_ref_parse(in, &r, &e), CG_ERR_USAGE);
    if (!strstr(e.msg, msg_part))
        fail_msg("%s: message \"%s\" lacks \"%s\"", in, e.msg, msg_part);
}

static void test_refs(void **state)
{
    (void)state;
    ref_ok("nginx", "docker.io", "library/nginx", "latest", "");
    ref_ok("docker://nginx:1.25", "docker.io", "library/nginx", "1.25", "");
    ref_ok("user/app", "docker.io", "user/app", "latest", "");
    ref_ok("index.docker.io/library/busybox:1", "docker.io", "library/busybox", "1", "");
    ref_ok("docker.io/nginx", "docker.io", "library/nginx", "latest", "");
    ref_ok("127.0.0.1:5000/lab/app:1.0", "127.0.0.1:5000", "lab/app", "1.0", "");
    ref_ok("docker://localhost/a/b/c@" D64, "localhost", "a/b/c", "", D64);
    ref_ok("ghcr.io/o/r:v1@" D64, "ghcr.io", "o/r", "v1", D64);
    ref_ok("[::1]:5000/x:y", "[::1]:5000", "x", "y", "");
    ref_ok("reg.example:443/a__b/c.d-e:T_1.x-y", "reg.example:443", "a__b/c.d-e", "T_1.x-y", "");
    ref_ok("sha256-" "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "docker.io",
           "library/sha256-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "latest", "");
    ref_ok("h.io/r:sha256-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.sig", "h.io", "r",
           "sha256-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.sig", "");
    ref_bad("", "empty");
    ref_bad("docker://", "empty");
    ref_bad("Upper/Case", "repository");
    ref_bad("h.io/a//b", "repository");
    ref_bad("h.io/-a", "repository");
    ref_bad("h.io/a:", "bad tag");
    ref_bad("h.io/a:.x", "bad tag");
    ref_bad("h.io/a@sha256:abc", "digest");
    ref_bad("h.io/a@sha512:" "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "digest");
    ref_bad("h.io/a@" "sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", "digest");
    ref_bad("h.io:99999x/a", "registry host");
    ref_bad("h.io/a b", "repository");
    ref_bad("h.io/a?x=1", "repository");
    ref_bad("h.io/../etc", "repository");
    char longtag[200];
    memset(longtag, 'a', sizeof longtag);
    memcpy(longtag, "h.io/r:", 7);
    longtag[sizeof longtag - 1] = 0;
    ref_bad(longtag, "bad tag");

    cg_ref r;
    cg_error e;
    char buf[700];
    assert_int_equal(cg_ref_parse("127.0.0.1:5000/lab/app:1@" D64, &r, &e), CG_OK);
    assert_string_equal(cg_ref_format(&r, buf, sizeof buf), "127.0.0.1:5000/lab/app:1@" D64);
    assert_string_equal(cg_ref_reference(&r), D64);
}

static void test_loopback(void **state)
{
    (void)state;
    assert_true(cg_host_is_loopback("localhost"));
    assert_true(cg_host_is_loopback("localhost:5000"));
    assert_true(cg_host_is_loopback("127.0.0.1"));
    assert_true(cg_host_is_loopback("127.255.3.4:80"));
    assert_true(cg_host_is_loopback("[::1]:5000"));
    assert_true(cg_host_is_loopback("::1"));
    assert_false(cg_host_is_loopback("128.0.0.1"));
    assert_false(cg_host_is_loopback("10.0.0.1:5000"));
    assert_false(cg_host_is_loopback("localhost.example.com"));
    assert_false(cg_host_is_loopback("127.0.0.1.nip.io"));
    assert_false(cg_host_is_loopback("[::2]:5000"));
    assert_false(cg_host_is_loopback("[::ffff:7f00:1]"));
    assert_false(cg_host_is_loopback(""));
}

static void test_challenges(void **state)
{
    (void)state;
    cg_challenge c[8];
    size_t n;
    cg_error e;
    const char *hub = "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
                      "scope=\"repository:library/nginx:pull\"";
    assert_int_equal(cg_auth_parse_challenges(hub, strlen(hub), c, 8, &n, &e), CG_OK);
    assert_int_equal(n, 1);
    assert_string_equal(c[0].scheme, "bearer");
    assert_string_equal(cg_challenge_param(&c[0], "realm"), "https://auth.docker.io/token");
    assert_string_equal(cg_challenge_param(&c[0], "SERVICE"), "registry.docker.io");
    assert_string_equal(cg_challenge_param(&c[0], "scope"), "repository:library/nginx:pull");

    /* two challenges, token values, escapes, spaces around '=' */
    const char *two = "Basic realm=\"cgate \\\"test\\\"\", charset=UTF-8 ,  Bearer realm = \"http://127.0.0.1:1/t\" , error=invalid_token";
    assert_int_equal(cg_auth_parse_challenges(two, strlen(two), c, 8, &n, &e), CG_OK);
    assert_int_equal(n, 2);
    assert_string_equal(c[0].scheme, "basic");
    assert_string_equal(cg_challenge_param(&c[0], "realm"), "cgate \"test\"");
    assert_string_equal(cg_challenge_param(&c[0], "charset"), "UTF-8");
    assert_string_equal(c[1].scheme, "bearer");
    assert_string_equal(cg_challenge_param(&c[1], "realm"), "http://127.0.0.1:1/t");
    assert_string_equal(cg_challenge_param(&c[1], "error"), "invalid_token");

    /* a bare scheme, a token68, then another challenge */
    const char *t68 = "Negotiate, NTLM abc+/def==, Basic realm=x";
    assert_int_equal(cg_auth_parse_challenges(t68, strlen(t68), c, 8, &n, &e), CG_OK);
    assert_int_equal(n, 3);
    assert_string_equal(c[0].scheme, "negotiate");
    assert_int_equal(c[0].n_params, 0);
    assert_string_equal(cg_challenge_param(&c[1], "token68"), "abc+/def==");
    assert_string_equal(cg_challenge_param(&c[2], "realm"), "x");

    /* not NUL-terminated: the length is the bound */
    char raw[] = {'B', 'a', 's', 'i', 'c', ' ', 'r', 'e', 'a', 'l', 'm', '=', 'a', 'X', 'X'};
    assert_int_equal(cg_auth_parse_challenges(raw, 13, c, 8, &n, &e), CG_OK);
    assert_string_equal(cg_challenge_param(&c[0], "realm"), "a");

    static const char *const bad[] = {
        "",                                  /* no challenge */
        "Bearer realm=\"unterminated",       /* open quote */
        "Bearer realm=\"a\\",                /* escape at the end */
        "Bearer realm=",                     /* no value (token68 "realm=" then junk?) */
        "=x",                                /* no scheme */
        "Bearer realm=\"a\" junk",           /* junk after a parameter */
        "Bearer realm=\"a\rb\"",             /* control character */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cg_status st = cg_auth_parse_challenges(bad[i], strlen(bad[i]), c, 8, &n, &e);
        /* "Bearer realm=" is a legal token68 ("realm="): accept either reading, never a crash */
        if (i == 3)
            continue;
        if (st != CG_ERR_INPUT)
            fail_msg("challenge \"%s\" was accepted", bad[i]);
    }
    /* caps: challenges and parameters */
    char many[2000] = "";
    for (int i = 0; i < 20; i++)
        strcat(many, "Basic realm=x, ");
    assert_int_equal(cg_auth_parse_challenges(many, strlen(many), c, 8, &n, &e), CG_ERR_INPUT);
    char params[2000] = "Bearer ";
    for (int i = 0; i < 20; i++) {
        char p[32];
        snprintf(p, sizeof p, "p%d=v,", i);
        strcat(params, p);
    }
    assert_int_equal(cg_auth_parse_challenges(params, strlen(params), c, 8, &n, &e), CG_ERR_INPUT);
}

static void test_docker_config(void **state)
{
    (void)state;
    cg_creds c;
    int found;
    char helper[128];
    cg_error e;
    /* base64("alice:pa:ss") - the password may contain ':' */
    const char *cfg = "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"YWxpY2U6cGE6c3M=\"},"
                      "\"127.0.0.1:5000\":{\"identitytoken\":\"refresh-me\"},"
                      "\"http://reg.local:8080/v2/\":{\"username\":\"u\",\"password\":\"p\"}},"
                      "\"credHelpers\":{\"ghcr.io\":\"gh\"},\"credsStore\":\"desktop\"}";
    memset(&c, 0, sizeof c);
    assert_int_equal(cg_docker_config_lookup(cfg, strlen(cfg), "docker.io", &c, &found, helper, &e), CG_OK);
    assert_true(found);
    assert_string_equal(c.user, "alice");
    assert_string_equal(c.secret, "pa:ss");
    assert_false(c.identity);
    memset(&c, 0, sizeof c);
    assert_int_equal(cg_docker_config_lookup(cfg, strlen(cfg), "127.0.0.1:5000", &c, &found, helper, &e), CG_OK);
    assert_true(found);
    assert_true(c.identity);
    assert_string_equal(c.secret, "refresh-me");
    memset(&c, 0, sizeof c);
    assert_int_equal(cg_docker_config_lookup(cfg, strlen(cfg), "reg.local:8080", &c, &found, helper, &e), CG_OK);
    assert_true(found);
    assert_string_equal(c.user, "u");
    assert_int_equal(cg_docker_config_lookup(cfg, strlen(cfg), "ghcr.io", &c, &found, helper, &e), CG_OK);
    assert_false(found);
    assert_string_equal(helper, "gh");
    assert_int_equal(cg_docker_config_lookup(cfg, strlen(cfg), "quay.io", &c, &found, helper, &e), CG_OK);
    assert_false(found);
    assert_string_equal(helper, "desktop");
    /* no entry, no store: anonymous */
    const char *empty = "{}";
    assert_int_equal(cg_docker_config_lookup(empty, 2, "quay.io", &c, &found, helper, &e), CG_OK);
    assert_false(found);
    assert_string_equal(helper, "");
    /* broken files are errors naming the entry */
    const char *bad1 = "{\"auths\":{\"h\":{\"auth\":\"bm9jb2xvbg==\"}}}"; /* "nocolon" */
    assert_int_equal(cg_docker_config_lookup(bad1, strlen(bad1), "h", &c, &found, helper, &e), CG_ERR_INPUT);
    assert_non_null(strstr(e.msg, "USER:PASSWORD"));
    const char *bad2 = "{\"auths\":{\"h\":{\"auth\":\"!!!!\"}}}";
    assert_int_equal(cg_docker_config_lookup(bad2, strlen(bad2), "h", &c, &found, helper, &e), CG_ERR_INPUT);
    const char *bad3 = "{\"credHelpers\":{\"h\":\"../../bin/sh\"}}";
    assert_int_equal(cg_docker_config_lookup(bad3, strlen(bad3), "h", &c, &found, helper, &e), CG_ERR_INPUT);
    const char *bad4 = "[1,2]";
    assert_int_equal(cg_docker_config_lookup(bad4, strlen(bad4), "h", &c, &found, helper, &e), CG_ERR_INPUT);
    assert_int_equal(cg_docker_config_lookup("{", 1, "h", &c, &found, helper, &e), CG_ERR_INPUT);
}

static void test_helper_output(void **state)
{
    (void)state;
    cg_creds c;
    cg_error e;
    const char *ok = "{\"ServerURL\":\"ghcr.io\",\"Username\":\"bob\",\"Secret\":\"s\"}";
    memset(&c, 0, sizeof c);
    assert_int_equal(cg_cred_helper_parse(ok, strlen(ok), &c, &e), CG_OK);
    assert_string_equal(c.user, "bob");
    assert_string_equal(c.secret, "s");
    assert_false(c.identity);
    const char *tok = "{\"Username\":\"<token>\",\"Secret\":\"refresh\"}";
    assert_int_equal(cg_cred_helper_parse(tok, strlen(tok), &c, &e), CG_OK);
    assert_true(c.identity);
    assert_string_equal(c.user, "");
    const char *bad = "{\"Username\":\"x\"}";
    assert_int_equal(cg_cred_helper_parse(bad, strlen(bad), &c, &e), CG_ERR_INPUT);
    assert_int_equal(cg_cred_helper_parse("credentials not found", 21, &c, &e), CG_ERR_INPUT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refs),
        cmocka_unit_test(test_loopback),
        cmocka_unit_test(test_challenges),
        cmocka_unit_test(test_docker_config),
        cmocka_unit_test(test_helper_output),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_lint.c - the Dockerfile parser (directives, continuations, heredocs,
 * JSON form, ARG in FROM, ONBUILD, errors), the shell reader behind the RUN
 * checks, a few checks' edges, and the secret engines (both give the same
 * findings; redaction; allow rules; trivy-secret.yaml translation).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cgate/lint.h"
#include "cgate/secrets.h"
#include "lint/lint_int.h"

static cg_dockerfile *parse(const char *s)
{
    cg_dockerfile *df = NULL;
    cg_error err;
    assert_int_equal(cg_dockerfile_parse((const uint8_t *)s, strlen(s), "Dockerfile", &df, &err), CG_OK);
    return df;
}

static void test_parse_basics(void **state)
{
    (void)state;
    cg_dockerfile *df = parse("# escape=`\nARG V=1.2\nFROM base:${V} AS Build\nRUN a `\n  # c\n\n  && b\n"
                              "COPY --from=build [\"a b\", \"/c/\"]\nENV A=1 B=\"x y\"\nENV OLD old value\n"
                              "ONBUILD RUN x\nHEALTHCHECK --interval=5s CMD [\"true\"]\n");
    assert_int_equal(df->escape, '`');
    assert_int_equal(df->n_stages, 1);
    assert_string_equal(df->stages[0].image, "base:1.2");
    assert_string_equal(df->stages[0].name, "build");
    assert_int_equal(df->n_cmds, 8);
    const cg_df_cmd *run = &df->cmds[2];
    assert_string_equal(run->cmd, "run");
    assert_int_equal(run->start_line, 4);
    assert_int_equal(run->end_line, 7);
    assert_string_equal(run->value[0], "a   && b");
    const cg_df_cmd *cp = &df->cmds[3];
    assert_true(cp->json);
    assert_int_equal(cp->n_flags, 1);
    assert_string_equal(cp->flags[0], "--from=build");
    assert_int_equal(cp->n_value, 2);
    assert_string_equal(cp->value[0], "a b");
    assert_int_equal(df->cmds[4].n_value, 4);
    assert_string_equal(df->cmds[4].value[3], "\"x y\"");
    assert_int_equal(df->cmds[5].n_value, 2);
    assert_string_equal(df->cmds[5].value[1], "old value");
    assert_string_equal(df->cmds[6].sub_cmd, "run");
    assert_string_equal(df->cmds[7].value[0], "CMD");
    assert_string_equal(df->cmds[7].value[1], "true");
    cg_dockerfile_free(df);
}

static void test_parse_heredoc(void **state)
{
    (void)state;
    cg_dockerfile *df = parse("FROM x\nRUN <<-EOF cat <<'DATA'\n\techo hi\nEOF\n$HOME stays\nDATA\nUSER app\n");
    const cg_df_cmd *r = &df->cmds[1];
    assert_int_equal(r->n_heredocs, 2);
    assert_string_equal(r->heredocs[0].body, "echo hi");
    assert_string_equal(r->heredocs[1].body, "$HOME stays");
    assert_true(r->heredocs[1].quoted);
    assert_int_equal(r->end_line, 6);
    assert_string_equal(df->cmds[2].cmd, "user");
    cg_dockerfile_free(df);
}

static void test_parse_errors(void **state)
{
    (void)state;
    cg_dockerfile *df = NULL;
    cg_error err;
    const char *bad = "FROM x\nBOGUS y\n";
    assert_int_equal(cg_dockerfile_parse((const uint8_t *)bad, strlen(bad), "D", &df, &err), CG_ERR_INPUT);
    assert_non_null(strstr(err.msg, "D:2"));
    /* the message quotes the word as written (it was read after its buffer was freed) */
    assert_non_null(strstr(err.msg, "unknown instruction \"BOGUS\""));
    const char *esc = "# escape=x\nFROM a\n";
    assert_int_equal(cg_dockerfile_parse((const uint8_t *)esc, strlen(esc), "D", &df, &err), CG_ERR_INPUT);
    const uint8_t nul[] = {'F', 'R', 'O', 'M', ' ', 0, 'x', '\n'};
    assert_int_equal(cg_dockerfile_parse(nul, sizeof nul, "D", &df, &err), CG_OK);
    cg_dockerfile_free(df);
}

static void test_shell(void **state)
{
    (void)state;
    cg_arena a;
    cg_arena_init(&a);
    sh_script s;
    sh_parse(&a, "set -eux; DEBIAN_FRONTEND=x apt-get install -y 'a b' && if true; then cd /x; fi | sh -c \"sudo ls\"",
             &s);
    int apt = 0, cd = 0, sudo = 0;
    for (size_t i = 0; i < s.n; i++) {
        if (sh_is(&s.cmds[i], "apt-get")) {
            apt = 1;
            assert_true(sh_flag(&s.cmds[i], 'y', "--yes"));
            assert_string_equal(s.cmds[i].argv[3], "a b");
        }
        cd |= sh_is(&s.cmds[i], "cd");
        sudo |= sh_is(&s.cmds[i], "sudo") && s.cmds[i].depth == 1;
    }
    assert_true(apt && cd && sudo);
    sh_parse(&a, "echo 'apt-get install x' # apt-get install y", &s);
    for (size_t i = 0; i < s.n; i++)
        assert_false(sh_is(&s.cmds[i], "apt-get"));
    cg_arena_free(&a);
}

static size_t count_id(const cg_findings *f, const char *id)
{
    size_t n = 0;
    for (size_t i = 0; i < f->n_mis; i++)
        n += !strcmp(f->mis[i].id, id);
    return n;
}

static void test_checks(void **state)
{
    (void)state;
    cg_dockerfile *df = parse("FROM scratch AS a\nFROM a\nRUN echo 'apt-get install x' && cd /tmp\n"
                              "# hadolint ignore=DL3003\nRUN cd /y\nUSER 0:0\n");
    cg_findings f;
    cg_findings_init(&f);
    cg_error err;
    cg_lint_config c;
    cg_lint_config_default(&c);
    assert_int_equal(cg_lint_dockerfile(df, "Dockerfile", &c, &f, &err), CG_OK);
    assert_int_equal(count_id(&f, "CG-DF-013"), 1); /* the second cd is ignored inline */
    assert_int_equal(count_id(&f, "CG-DF-029"), 0); /* inside quotes: not a command */
    assert_int_equal(count_id(&f, "CG-DF-002"), 1); /* USER 0:0 */
    assert_int_equal(count_id(&f, "CG-DF-001"), 0); /* scratch and a stage are not untagged images */
    cg_findings_free(&f);
    cg_dockerfile_free(df);
}

static void test_secret_engines(void **state)
{
    (void)state;
    const char *text = "x = 1\nAWS_ACCESS_KEY_ID=AKIAQ3EGRWZV7MPL2XNB # and AKIAIOSFODNN7EXAMPLE\n"
                       "tok=ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5 ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n";
    cg_error err;
    cg_secret_scanner *hs = NULL, *px = NULL;
    cg_secret_opts o = {NULL, 0, 0, 0, NULL};
    assert_int_equal(cg_secret_scanner_new(&o, &hs, &err), CG_OK);
    o.no_hyperscan = 1;
    assert_int_equal(cg_secret_scanner_new(&o, &px, &err), CG_OK);
    assert_string_equal(cg_secret_scanner_engine(px), "posix-regex");
    cg_findings f1, f2;
    cg_findings_init(&f1);
    cg_findings_init(&f2);
    size_t n1, n2;
    assert_int_equal(cg_secret_scan_buf(hs, "/app/.env", (const uint8_t *)text, strlen(text), NULL, &f1, &n1, &err),
                     CG_OK);
    assert_int_equal(cg_secret_scan_buf(px, "/app/.env", (const uint8_t *)text, strlen(text), NULL, &f2, &n2, &err),
                     CG_OK);
    assert_int_equal(n1, 2);
    assert_int_equal(n2, 2);
    for (size_t i = 0; i < 2; i++) {
        assert_string_equal(f1.sec[i].rule_id, f2.sec[i].rule_id);
        assert_string_equal(f1.sec[i].match, f2.sec[i].match);
        assert_null(strstr(f1.sec[i].match, "AKIAQ3EG"));
        assert_null(strstr(f1.sec[i].match, "ghp_aB3"));
    }
    assert_int_equal(f1.sec[0].start_line, 2);
    assert_string_equal(f1.sec[1].rule_id, "github-pat");
    /* allowed paths are not read */
    size_t n3;
    assert_int_equal(cg_secret_scan_buf(hs, "/src/tests/x.env", (const uint8_t *)text, strlen(text), NULL, &f1, &n3,
                                        &err),
                     CG_OK);
    assert_int_equal(n3, 0);
    cg_findings_free(&f1);
    cg_findings_free(&f2);
    cg_secret_scanner_free(hs);
    cg_secret_scanner_free(px);
}

static void test_secret_config(void **state)
{
    (void)state;
    const char *y = "rules:\n  - id: r1\n    severity: HIGH\n    regex: (?i)key\\s*=\\s*(?P<secret>[\\w\\-]{8,})\n"
                    "    secret-group-name: secret\n    keywords: [key]\ndisable-rules: [github-pat]\n";
    cg_arena a;
    cg_arena_init(&a);
    cg_secret_config c;
    cg_error err;
    assert_int_equal(cg_secret_config_parse((const uint8_t *)y, strlen(y), "t.yaml", &a, &c, &err), CG_OK);
    assert_int_equal(c.n_rules, 1);
    assert_true(c.rules[0].icase);
    assert_int_equal(c.rules[0].group, 1);
    cg_secret_opts o = {&c, 0, 0, 0, NULL};
    cg_secret_scanner *s = NULL;
    assert_int_equal(cg_secret_scanner_new(&o, &s, &err), CG_OK);
    const char *t = "KEY = abc-defgh12\nghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5\n";
    cg_findings f;
    cg_findings_init(&f);
    size_t n;
    assert_int_equal(cg_secret_scan_buf(s, "/x", (const uint8_t *)t, strlen(t), NULL, &f, &n, &err), CG_OK);
    assert_int_equal(n, 1);
    assert_string_equal(f.sec[0].match, "KEY = ***********");
    cg_findings_free(&f);
    cg_secret_scanner_free(s);
    const char *bad = "rules:\n  - id: b\n    regex: (?<=x)y\n";
    assert_int_equal(cg_secret_config_parse((const uint8_t *)bad, strlen(bad), "b.yaml", &a, &c, &err), CG_ERR_INPUT);
    assert_non_null(strstr(err.msg, "b.yaml:3"));
    cg_arena_free(&a);
}

/* Count findings of rule id. */
static size_t count_rule(const cg_findings *f, const char *id)
{
    size_t n = 0;
    for (size_t i = 0; i < f->n_sec; i++)
        n += !strcmp(f->sec[i].rule_id, id);
    return n;
}

static size_t scan_n(cg_secret_scanner *s, const char *path, const char *t, cg_findings *f)
{
    cg_error err;
    size_t n = 0;
    cg_findings_free(f);
    cg_findings_init(f);
    assert_int_equal(cg_secret_scan_buf(s, path, (const uint8_t *)t, strlen(t), NULL, f, &n, &err), CG_OK);
    return n;
}

/* Trivy's trivy-secret.yaml: a rule's own allow-rules apply to that rule only
 * (its regex to the rule's matches, its path to the files the rule reads);
 * global allow-rules apply to every rule; an allow rule with both regex and
 * path allows by either. */
static void test_secret_rule_allow(void **state)
{
    (void)state;
    const char *y = "rules:\n"
                    "  - id: r1\n    category: T\n    title: r1\n    severity: HIGH\n"
                    "    regex: (?P<secret>tok_[a-z0-9]{12})\n    secret-group-name: secret\n    keywords: [tok_]\n"
                    "    allow-rules:\n"
                    "      - id: r1-known\n        description: known test token\n        regex: ^tok_0known0000\n"
                    "      - id: r1-conf\n        path: .*\\.conf$\n"
                    "      - id: r1-both\n        regex: ^tok_bothboth00\n        path: ^srv/.*\n"
                    "  - id: r2\n    category: T\n    title: r2\n    severity: HIGH\n"
                    "    regex: (?P<secret>tok_[a-z0-9]{12})\n    secret-group-name: secret\n    keywords: [tok_]\n"
                    "allow-rules:\n  - id: global-path\n    path: ^skip/\n";
    cg_arena a;
    cg_arena_init(&a);
    cg_secret_config c;
    cg_error err;
    assert_int_equal(cg_secret_config_parse((const uint8_t *)y, strlen(y), "t.yaml", &a, &c, &err), CG_OK);
    assert_int_equal(c.n_allow, 4);
    assert_null(c.allow_rule[0]);
    assert_string_equal(c.allow_rule[1], "r1");
    assert_string_equal(c.allow_rule[3], "r1");
    for (int eng = 0; eng < 2; eng++) {
        cg_secret_opts o = {&c, eng, 0, 0, NULL};
        cg_secret_scanner *s = NULL;
        assert_int_equal(cg_secret_scanner_new(&o, &s, &err), CG_OK);
        cg_findings f;
        cg_findings_init(&f);
        /* a token no allow rule covers: both rules report it */
        assert_int_equal(scan_n(s, "/app/x.env", "t=tok_a1b2c3d4e5f6\n", &f), 2);
        /* r1's regex allow rule: r1 is quiet, r2 still reports */
        assert_int_equal(scan_n(s, "/app/x.env", "t=tok_0known000000\n", &f), 1);
        assert_int_equal(count_rule(&f, "r2"), 1);
        /* r1's path allow rule: r1 skips .conf files, r2 reads them */
        assert_int_equal(scan_n(s, "/etc/a.conf", "t=tok_a1b2c3d4e5f6\n", &f), 1);
        assert_int_equal(count_rule(&f, "r2"), 1);
        /* regex and path in one allow rule: either allows */
        assert_int_equal(scan_n(s, "/app/x.env", "t=tok_bothboth0000\n", &f), 1);
        assert_int_equal(scan_n(s, "/srv/x.env", "t=tok_a1b2c3d4e5f6\n", &f), 1);
        assert_int_equal(count_rule(&f, "r1"), 0);
        /* a global path allow rule skips the file for every rule */
        assert_int_equal(scan_n(s, "/skip/x.env", "t=tok_a1b2c3d4e5f6\n", &f), 0);
        assert_int_equal(cg_secret_path_allowed(s, "/skip/x.env"), 1);
        /* a rule's own path allow rule does not make the file skipped as a whole */
        assert_int_equal(cg_secret_path_allowed(s, "/etc/a.conf"), 0);
        cg_findings_free(&f);
        cg_secret_scanner_free(s);
    }
    const char *bad = "rules:\n  - id: b\n    regex: x\n    allow-rules: {id: y}\n";
    assert_int_equal(cg_secret_config_parse((const uint8_t *)bad, strlen(bad), "b.yaml", &a, &c, &err), CG_ERR_INPUT);
    assert_non_null(strstr(err.msg, "allow-rules must be a list"));
    cg_arena_free(&a);
}

/* With binary files asked for, NUL bytes are token boundaries for both
 * engines: a token split by a NUL is found by neither, a token next to a
 * NUL by both. */
static void test_secret_nul(void **state)
{
    (void)state;
    static const char t1[] = "x\n-----BEGIN RSA\0PRIVATE KEY-----\nAAAA\n";
    static const char t2[] = "bin\0AKIAQ3EGRWZV7MPL2XNB\0more\nghp_aB3dE5fG7hJ9kL1m\0N3pQ5rS7tU9vW1xY3zA5\n";
    cg_error err;
    cg_secret_scanner *hs = NULL, *px = NULL;
    cg_secret_opts o = {NULL, 0, 1, 0, NULL};
    assert_int_equal(cg_secret_scanner_new(&o, &hs, &err), CG_OK);
    o.no_hyperscan = 1;
    assert_int_equal(cg_secret_scanner_new(&o, &px, &err), CG_OK);
    cg_findings f;
    cg_findings_init(&f);
    size_t n1 = 9, n2 = 9;
    assert_int_equal(cg_secret_scan_buf(hs, "/b", (const uint8_t *)t1, sizeof t1 - 1, NULL, &f, &n1, &err), CG_OK);
    assert_int_equal(cg_secret_scan_buf(px, "/b", (const uint8_t *)t1, sizeof t1 - 1, NULL, &f, &n2, &err), CG_OK);
    assert_int_equal(n1, n2);
    assert_int_equal(n1, 0);
    assert_int_equal(cg_secret_scan_buf(hs, "/b", (const uint8_t *)t2, sizeof t2 - 1, NULL, &f, &n1, &err), CG_OK);
    assert_int_equal(cg_secret_scan_buf(px, "/b", (const uint8_t *)t2, sizeof t2 - 1, NULL, &f, &n2, &err), CG_OK);
    assert_int_equal(n1, 1); /* the AWS key between NULs; the GitHub token cut by a NUL is not one */
    assert_int_equal(n2, 1);
    assert_string_equal(f.sec[0].rule_id, "aws-access-key-id");
    assert_string_equal(f.sec[1].rule_id, "aws-access-key-id");
    cg_findings_free(&f);
    cg_secret_scanner_free(hs);
    cg_secret_scanner_free(px);
}

/* `# syntax=`: recorded (first one, with its line), in the JSON document on
 * every command; which frontends cgate implements. */
static void test_syntax_directive(void **state)
{
    (void)state;
    cg_dockerfile *df = parse("# syntax=docker/dockerfile:1.7-labs\n# syntax=docker/dockerfile:1\nFROM a\nRUN x\n");
    assert_string_equal(df->syntax, "docker/dockerfile:1.7-labs");
    assert_int_equal(df->syntax_line, 1);
    cg_buf b = CG_BUF_INIT;
    cg_error err;
    assert_int_equal(cg_dockerfile_to_json(df, &b, &err), CG_OK);
    const char *j = cg_buf_str(&b), *first = strstr(j, "\"Syntax\": \"docker/dockerfile:1.7-labs\"");
    assert_non_null(first);
    assert_non_null(strstr(first + 1, "\"Syntax\": \"docker/dockerfile:1.7-labs\"")); /* both commands */
    cg_buf_free(&b);
    cg_dockerfile_free(df);
    df = parse("FROM a\n# syntax=x\n");
    assert_null(df->syntax); /* after the first instruction it is a comment */
    assert_int_equal(df->syntax_line, 0);
    assert_int_equal(cg_dockerfile_to_json(df, &b, &err), CG_OK);
    assert_null(strstr(cg_buf_str(&b), "Syntax"));
    cg_buf_free(&b);
    cg_dockerfile_free(df);
    static const char *const known[] = {"docker/dockerfile", "docker/dockerfile:1", "docker/dockerfile:1.7",
                                        "docker/dockerfile:1.4.3", "docker.io/docker/dockerfile:1",
                                        "docker/dockerfile:1.6@sha256:ac85f380a63b13dfcefa89046420e1781752bab202122f8f50032edf31be0021"};
    static const char *const other[] = {"docker/dockerfile:1.7-labs", "docker/dockerfile:1-labs",
                                        "docker/dockerfile-upstream:master", "docker/dockerfile:2",
                                        "docker/dockerfile:10", "docker/dockerfile:1.x",
                                        "docker/dockerfile@sha256:ac85f380a63b13dfcefa89046420e1781752bab202122f8f50032edf31be0021",
                                        "tonistiigi/dockerfile:runmount", "ghcr.io/x/frontend:1", "docker/dockerfile:1.7.0.1", ""};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        assert_true(cg_dockerfile_syntax_known(known[i]));
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++)
        assert_false(cg_dockerfile_syntax_known(other[i]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_basics), cmocka_unit_test(test_parse_heredoc), cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_shell),        cmocka_unit_test(test_checks),        cmocka_unit_test(test_secret_engines),
        cmocka_unit_test(test_secret_config), cmocka_unit_test(test_secret_rule_allow),
        cmocka_unit_test(test_secret_nul), cmocka_unit_test(test_syntax_directive),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

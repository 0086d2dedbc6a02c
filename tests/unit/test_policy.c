/*
 * test_policy.c - the policy engine against hand-computed expectations:
 * the seed evaluator's cases (table-driven, expected values written from the
 * seed's TypeScript rules), the cgate/v1 rules beyond it, exceptions and
 * their expiry, VEX through a hand-built lookup, the exposure model with
 * hand-built workloads (the seed's "9.0 in a worker ranks below 6.5 on a
 * public API"), and determinism of the decision bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cgate/policy.h"

/* ---- building reports by hand ------------------------------------------ */

typedef struct fspec {
    const char *id, *sev;
    double nvd;         /* < 0: no nvd score */
    const char *av;     /* "N", "A", "L", "P" or NULL: no vector */
    const char *fixed;  /* NULL: unfixed */
    int kev;
    double epss;        /* < 0: none */
    const char *pkg;    /* NULL: "pkg" */
    double redhat;      /* < 0: none */
} fspec;

static const uint8_t *report_json(cg_arena *a, const fspec *f, size_t n, size_t *len)
{
    cg_buf b = CG_BUF_INIT;
    cg_buf_puts(&b, "{\"SchemaVersion\": 2, \"ArtifactName\": \"app:1\", \"Results\": [{\"Target\": \"img (debian 12)\","
                    " \"Class\": \"os-pkgs\", \"Vulnerabilities\": [");
    for (size_t i = 0; i < n; i++) {
        const char *pkg = f[i].pkg ? f[i].pkg : "pkg";
        cg_buf_printf(&b, "%s{\"VulnerabilityID\": \"%s\", \"PkgName\": \"%s\", \"InstalledVersion\": \"1.0\","
                          " \"PkgIdentifier\": {\"PURL\": \"pkg:deb/debian/%s@1.0\"}, \"Severity\": \"%s\", \"Title\": \"t%zu\"",
                      i ? ", " : "", f[i].id, pkg, pkg, f[i].sev, i);
        if (f[i].fixed)
            cg_buf_printf(&b, ", \"FixedVersion\": \"%s\"", f[i].fixed);
        if (f[i].nvd >= 0 || f[i].redhat >= 0) {
            cg_buf_puts(&b, ", \"CVSS\": {");
            if (f[i].nvd >= 0) {
                cg_buf_printf(&b, "\"nvd\": {\"V3Score\": %.17g", f[i].nvd);
                if (f[i].av)
                    cg_buf_printf(&b, ", \"V3Vector\": \"CVSS:3.1/AV:%s/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\"", f[i].av);
                cg_buf_puts(&b, "}");
            }
            if (f[i].redhat >= 0)
                cg_buf_printf(&b, "%s\"redhat\": {\"V3Score\": %.17g}", f[i].nvd >= 0 ? ", " : "", f[i].redhat);
            cg_buf_puts(&b, "}");
        }
        if (f[i].kev || f[i].epss >= 0) {
            cg_buf_printf(&b, ", \"cgate\": {\"kev\": %s", f[i].kev ? "true" : "false");
            if (f[i].epss >= 0)
                cg_buf_printf(&b, ", \"epss\": %g", f[i].epss);
            cg_buf_puts(&b, "}");
        }
        cg_buf_puts(&b, "}");
    }
    cg_buf_puts(&b, "]}]}");
    *len = b.len;
    uint8_t *out = cg_arena_memdup(a, b.data, b.len);
    cg_buf_free(&b);
    return out;
}

typedef struct world {
    cg_arena a;
    cg_policy p;
    cg_preport r;
    cg_peval ev;
    cg_decision *d;
    cg_error err;
} world;

static void load_policy(world *w, const char *text)
{
    cg_error_clear(&w->err);
    cg_status st = cg_policy_parse((const uint8_t *)text, strlen(text), "p.yaml", &w->a, &w->p, &w->err);
    if (st != CG_OK)
        fail_msg("policy: %s", w->err.msg);
}

static cg_decision *eval(world *w, const fspec *f, size_t n, const char *now)
{
    size_t len;
    const uint8_t *j = report_json(&w->a, f, n, &len);
    cg_status st = cg_preport_read(j, len, "r.json", &w->a, &w->r, &w->err);
    if (st != CG_OK)
        fail_msg("report: %s", w->err.msg);
    w->ev.policy = &w->p;
    w->ev.report = &w->r;
    w->ev.now = now ? now : "2026-01-01";
    st = cg_policy_evaluate(&w->ev, &w->a, &w->d, &w->err);
    if (st != CG_OK)
        fail_msg("evaluate: %s", w->err.msg);
    return w->d;
}

static void world_init(world *w)
{
    memset(w, 0, sizeof *w);
    cg_arena_init(&w->a);
}

static const char seed_policy[] =
    "{\"maxCriticalCVSS\": 7.0, \"maxHighCVSS\": 8.5, \"allowUnfixed\": false, \"exposedPorts\": [\"8080\", \"443\"]}";
static const char seed_policy_unfixed_ok[] =
    "{\"maxCriticalCVSS\": 7.0, \"maxHighCVSS\": 8.5, \"allowUnfixed\": true, \"exposedPorts\": []}";

#define NOF -1, NULL
#define F(id, sev, nvd, fixed) {id, sev, nvd, "N", fixed, 0, -1, NULL, -1}

/* ---- the seed's evaluator, table-driven --------------------------------- */

typedef struct seed_case {
    const char *name;
    const char *policy;
    fspec f[4];
    size_t n;
    int pass;
    const char *blocked; /* blockedCVEs joined by ',' */
    const char *rule0;   /* rule of the first blocked finding */
    const char *step0;   /* remediationSteps[0] */
    double risk;         /* by hand: Math.round(sum * 100) / 100 */
} seed_case;

static const seed_case seed_cases[] = {
    {"critical at 7.0 blocks", seed_policy, {F("CVE-1", "CRITICAL", 7.0, "1.1")}, 1, 0, "CVE-1", "severity:critical",
     "Patch CVE-1 (t0) to 1.1", 10.5},
    {"critical at 6.9 passes when fixed", seed_policy, {F("CVE-1", "CRITICAL", 6.9, "1.1")}, 1, 1, "", NULL, NULL,
     10.35},
    {"critical at 6.9 unfixed is blocked as unfixed", seed_policy, {F("CVE-1", "CRITICAL", 6.9, NULL)}, 1, 0, "CVE-1",
     "unfixed", "Block unpatched CVE-1. Monitor vendor advisory or isolate workload.", 10.35},
    {"critical at 6.9 unfixed passes when unfixed is allowed", seed_policy_unfixed_ok,
     {F("CVE-1", "CRITICAL", 6.9, NULL)}, 1, 1, "", NULL, NULL, 10.35},
    {"high at 8.4 passes", seed_policy, {F("CVE-2", "HIGH", 8.4, "2")}, 1, 1, "", NULL, NULL, 8.4},
    {"high at 8.5 blocks", seed_policy, {F("CVE-2", "HIGH", 8.5, "2")}, 1, 0, "CVE-2", "severity:high",
     "Patch CVE-2 (t0) to 2", 8.5},
    {"critical without CVSS counts as 0 and passes", seed_policy, {{"CVE-3", "CRITICAL", -1, NULL, "3", 0, -1, NULL, -1}},
     1, 1, "", NULL, NULL, 0},
    {"the seed reads only CVSS.nvd: a redhat 9.8 counts as 0", seed_policy,
     {{"CVE-3", "CRITICAL", -1, NULL, "3", 0, -1, NULL, 9.8}}, 1, 1, "", NULL, NULL, 0},
    {"a KEV finding is not special to the seed", seed_policy, {{"CVE-4", "LOW", 3.0, "N", "4", 1, -1, NULL, -1}}, 1, 1,
     "", NULL, NULL, 0},
    /* 9.8*1.5 + 7.5*1.0 + 5.3*0.3 + 3.1*0 = 14.7 + 7.5 + 1.59 = 23.79 */
    {"risk arithmetic over every label", seed_policy,
     {F("C", "CRITICAL", 9.8, "1"), F("H", "HIGH", 7.5, "1"), F("M", "MEDIUM", 5.3, "1"), F("L", "LOW", 3.1, "1")}, 4,
     0, "C", "severity:critical", "Patch C (t0) to 1", 23.79},
    /* 3.35 * 0.3 is 1.0049999999999999 in doubles: Math.round(100.49999999999999) = 100 */
    {"rounding as JavaScript does", seed_policy, {F("M", "MEDIUM", 3.35, "1")}, 1, 1, "", NULL, NULL, 1.0},
    /* blocked ids keep report order and repeat per package, like the seed */
    {"one id per blocked finding, report order", seed_policy,
     {{"CVE-9", "CRITICAL", 9.8, "N", "2", 0, -1, "musl", -1}, {"CVE-9", "CRITICAL", 9.8, "N", "2", 0, -1, "musl-utils", -1},
      F("CVE-8", "UNKNOWN", -1, NULL)},
     3, 0, "CVE-9,CVE-9,CVE-8", "severity:critical", "Patch CVE-9 (t0) to 2", 29.4},
};

static void test_seed_cases(void **state)
{
    (void)state;
    for (size_t c = 0; c < sizeof seed_cases / sizeof seed_cases[0]; c++) {
        const seed_case *k = &seed_cases[c];
        world w;
        world_init(&w);
        load_policy(&w, k->policy);
        assert_true(w.p.legacy);
        cg_decision *d = eval(&w, k->f, k->n, NULL);
        cg_buf ids = CG_BUF_INIT;
        cg_buf_puts(&ids, "");
        for (size_t i = 0; i < d->n_blocked; i++)
            cg_buf_printf(&ids, "%s%s", i ? "," : "", d->blocked[i].f->id);
        if (d->pass != k->pass || strcmp(cg_buf_str(&ids), k->blocked) || d->risk != k->risk)
            fail_msg("%s: pass %d blocked \"%s\" risk %.17g; want pass %d blocked \"%s\" risk %.17g", k->name, d->pass,
                     cg_buf_str(&ids), d->risk, k->pass, k->blocked, k->risk);
        if (k->rule0) {
            assert_string_equal(d->blocked[0].rule, k->rule0);
            cg_buf step = CG_BUF_INIT;
            assert_int_equal(cg_pblocked_step(&d->blocked[0], &step), CG_OK);
            assert_string_equal(cg_buf_str(&step), k->step0);
            cg_buf_free(&step);
        }
        cg_buf_free(&ids);
        cg_arena_free(&w.a);
    }
}

static void test_round2(void **state)
{
    (void)state;
    assert_true(cg_policy_round2(14.700000000000001) == 14.7);
    assert_true(cg_policy_round2(1.005) == 1.0);  /* 100.49999999999999 */
    assert_true(cg_policy_round2(0.125) == 0.13); /* exact half goes up */
    assert_true(cg_policy_round2(-0.125) == -0.12);
}

/* ---- cgate/v1 rules beyond the seed -------------------------------------- */

static void test_v1_rules(void **state)
{
    (void)state;
    world w;
    world_init(&w);
    load_policy(&w, "apiVersion: cgate/v1\n"
                    "allowUnfixed: true\n"
                    "kev: {block: true}\n"
                    "epss: {threshold: 0.5}\n"
                    "cvss: {missing: block}\n"
                    "severities:\n"
                    "  medium: {block: true, minCvss: 6.0}\n");
    fspec f[] = {
        {"KEV-LOW", "LOW", 2.0, "N", "1", 1, -1, NULL, -1},      /* kev regardless of score */
        {"EPSS", "LOW", 2.0, "N", "1", 0, 0.7, NULL, -1},        /* epss >= 0.5 */
        {"EPSS-LOW", "LOW", 2.0, "N", "1", 0, 0.2, NULL, -1},    /* passes */
        {"NOCVSS", "HIGH", -1, NULL, "1", 0, -1, NULL, -1},      /* high can block, no score */
        {"MED-6", "MEDIUM", 6.0, "N", "1", 0, -1, NULL, -1},     /* medium rule */
        {"MED-5", "MEDIUM", 5.9, "N", "1", 0, -1, NULL, -1},     /* below */
        {"RH", "HIGH", -1, NULL, "1", 0, -1, NULL, 8.8},         /* falls back to redhat: 8.8 >= 8.5 */
    };
    cg_decision *d = eval(&w, f, sizeof f / sizeof f[0], NULL);
    assert_false(d->pass);
    assert_int_equal(d->n_blocked, 5);
    assert_string_equal(d->blocked[0].f->id, "KEV-LOW");
    assert_string_equal(d->blocked[0].rule, "kev");
    assert_string_equal(d->blocked[1].rule, "epss");
    assert_string_equal(d->blocked[2].f->id, "NOCVSS");
    assert_string_equal(d->blocked[2].rule, "missing-cvss");
    assert_string_equal(d->blocked[3].rule, "severity:medium");
    assert_string_equal(d->blocked[4].f->id, "RH");
    assert_string_equal(d->blocked[4].cvss_source, "redhat");
    cg_arena_free(&w.a);
}

static void test_risk_cap_and_filters(void **state)
{
    (void)state;
    world w;
    world_init(&w);
    load_policy(&w, "{\"apiVersion\": \"cgate/v1\", \"maxRiskScore\": 10, \"packages\": {\"exclude\": [\"linux-*\"]}}");
    fspec f[] = {
        {"A", "HIGH", 8.0, "N", "1", 0, -1, "openssl", -1},
        {"B", "HIGH", 8.0, "N", "1", 0, -1, "linux-libc-dev", -1},
    };
    cg_decision *d = eval(&w, f, 2, NULL);
    assert_int_equal(d->n_filtered, 1);
    assert_true(d->risk == 8.0);
    assert_true(d->pass);
    cg_arena_free(&w.a);
    world_init(&w);
    load_policy(&w, "{\"apiVersion\": \"cgate/v1\", \"maxRiskScore\": 10}");
    d = eval(&w, f, 2, NULL);
    assert_true(d->risk == 16.0);
    assert_false(d->pass);
    assert_int_equal(d->n_blocked, 0);
    assert_string_equal(d->deny_reasons[0], "riskScore 16.00 exceeds maxRiskScore 10");
    cg_arena_free(&w.a);
}

/* ---- exceptions ----------------------------------------------------------- */

static const char exc_policy[] = "apiVersion: cgate/v1\n"
                                 "exceptions:\n"
                                 "  - id: CVE-2024-1\n"
                                 "    package: openssl\n"
                                 "    reason: not reachable from the API\n"
                                 "    approvedBy: sec@example.com\n"
                                 "    expires: 2026-06-30\n"
                                 "  - id: GHSA-xxxx\n"
                                 "    reason: alias form\n"
                                 "    approvedBy: sec@example.com\n"
                                 "    expires: 2026-06-30\n";

static void test_exception_expiry(void **state)
{
    (void)state;
    fspec f[] = {{"CVE-2024-1", "CRITICAL", 9.8, "N", "3.0.13", 0, -1, "openssl", -1}};
    world w;
    world_init(&w);
    load_policy(&w, exc_policy);
    cg_decision *d = eval(&w, f, 1, "2026-01-01");
    assert_true(d->pass);
    assert_int_equal(d->n_applied, 1);
    assert_string_equal(d->applied[0].e->id, "CVE-2024-1");
    assert_string_equal(d->applied[0].suppressed[0], "CVE-2024-1 openssl@1.0");
    assert_int_equal(d->n_expired, 0);
    assert_true(d->risk == 14.7); /* an accepted risk is still risk */
    cg_arena_free(&w.a);

    world_init(&w);
    load_policy(&w, exc_policy);
    d = eval(&w, f, 1, "2026-06-30"); /* valid through its expiry day */
    assert_true(d->pass);
    cg_arena_free(&w.a);

    world_init(&w);
    load_policy(&w, exc_policy);
    d = eval(&w, f, 1, "2027-01-01");
    assert_false(d->pass);
    assert_int_equal(d->n_applied, 0);
    assert_int_equal(d->n_expired, 2);
    assert_string_equal(d->expired[0].e->id, "CVE-2024-1");
    assert_int_equal(d->expired[0].n_suppressed, 1);
    assert_string_equal(d->blocked[0].rule, "severity:critical");
    cg_arena_free(&w.a);
}

static void test_exception_matching(void **state)
{
    (void)state;
    world w;
    world_init(&w);
    load_policy(&w, exc_policy);
    /* wrong package: not suppressed */
    fspec f[] = {{"CVE-2024-1", "CRITICAL", 9.8, "N", "3.0.13", 0, -1, "libssl3", -1}};
    cg_decision *d = eval(&w, f, 1, NULL);
    assert_false(d->pass);
    assert_int_equal(d->n_unused, 2);
    cg_arena_free(&w.a);

    /* alias: cgate's report lists GHSA-xxxx as an alias of CVE-7 */
    world_init(&w);
    load_policy(&w, exc_policy);
    const char rep[] = "{\"SchemaVersion\": 2, \"Results\": [{\"Target\": \"t\", \"Vulnerabilities\": [{"
                       "\"VulnerabilityID\": \"CVE-7\", \"PkgName\": \"lodash\", \"InstalledVersion\": \"4.17.0\","
                       "\"FixedVersion\": \"4.17.21\", \"Severity\": \"CRITICAL\", \"CVSS\": {\"ghsa\": {\"V3Score\": 9.1}},"
                       "\"cgate\": {\"aliases\": [\"GHSA-xxxx\"], \"kev\": false}}]}], \"cgate\": {}}";
    assert_int_equal(cg_preport_read((const uint8_t *)rep, strlen(rep), "r", &w.a, &w.r, &w.err), CG_OK);
    assert_true(w.r.from_cgate);
    w.ev.policy = &w.p, w.ev.report = &w.r, w.ev.now = "2026-01-01";
    assert_int_equal(cg_policy_evaluate(&w.ev, &w.a, &d, &w.err), CG_OK);
    assert_true(d->pass);
    assert_int_equal(d->n_applied, 1);
    assert_string_equal(d->applied[0].e->id, "GHSA-xxxx");
    cg_arena_free(&w.a);
}

static void test_exception_without_expiry(void **state)
{
    (void)state;
    const char *perm = "apiVersion: cgate/v1\n"
                       "exceptions:\n"
                       "  - {id: CVE-1, reason: r, approvedBy: a}\n";
    world w;
    world_init(&w);
    load_policy(&w, perm);
    size_t len;
    fspec f[] = {F("CVE-1", "CRITICAL", 9.8, "1")};
    const uint8_t *j = report_json(&w.a, f, 1, &len);
    assert_int_equal(cg_preport_read(j, len, "r", &w.a, &w.r, &w.err), CG_OK);
    w.ev.policy = &w.p, w.ev.report = &w.r, w.ev.now = "2026-01-01";
    cg_decision *d = NULL;
    assert_int_equal(cg_policy_evaluate(&w.ev, &w.a, &d, &w.err), CG_ERR_INPUT);
    assert_non_null(strstr(w.err.msg, "p.yaml:3: expires: missing"));
    cg_arena_free(&w.a);

    world_init(&w);
    load_policy(&w, "apiVersion: cgate/v1\nallowPermanentExceptions: true\n"
                    "exceptions:\n  - {id: CVE-1, reason: r, approvedBy: a}\n");
    d = eval(&w, f, 1, "2099-12-31");
    assert_true(d->pass);
    cg_arena_free(&w.a);
}

/* ---- VEX through a hand-built lookup ------------------------------------ */

static cg_status fake_vex(void *ud, const char *id, const char *const *aliases, size_t n_aliases, const char *purl,
                          cg_vex_match *out)
{
    (void)ud, (void)aliases, (void)n_aliases;
    memset(out, 0, sizeof *out);
    if (!strcmp(id, "CVE-NA") && !strcmp(purl, "pkg:deb/debian/pkg@1.0")) {
        out->status = CG_VEX_NOT_AFFECTED;
        out->justification = "vulnerable_code_not_in_execute_path";
        out->document = "vex.json";
    } else if (!strcmp(id, "CVE-FIX")) {
        out->status = CG_VEX_FIXED;
    } else if (!strcmp(id, "CVE-AFF")) {
        out->status = CG_VEX_AFFECTED;
    } else if (!strcmp(id, "CVE-UI")) {
        out->status = CG_VEX_UNDER_INVESTIGATION;
    }
    return CG_OK;
}

static void test_vex(void **state)
{
    (void)state;
    world w;
    world_init(&w);
    load_policy(&w, seed_policy);
    w.ev.vex = fake_vex;
    fspec f[] = {F("CVE-NA", "CRITICAL", 9.8, "1"), F("CVE-FIX", "CRITICAL", 9.8, "1"),
                 F("CVE-AFF", "CRITICAL", 9.8, "1"), F("CVE-UI", "CRITICAL", 9.8, "1")};
    cg_decision *d = eval(&w, f, 4, NULL);
    assert_int_equal(d->n_vexed, 2);
    assert_string_equal(d->vexed[0].f->id, "CVE-NA");
    assert_string_equal(d->vexed[0].m.justification, "vulnerable_code_not_in_execute_path");
    assert_int_equal(d->n_blocked, 2);
    assert_string_equal(d->blocked[0].f->id, "CVE-AFF");
    assert_string_equal(d->blocked[1].f->id, "CVE-UI");
    assert_true(d->risk == 29.4); /* VEX-suppressed findings carry no risk */
    cg_arena_free(&w.a);
}

/* ---- exposure: the seed's claim ------------------------------------------- */

static const cg_workload worker = {
    .kind = "Deployment", .namespace_ = "jobs", .name = "worker", .source = "k8s/worker.yaml:1",
    .container = "worker", .reach = CG_REACH_NONE,
};
static const cg_workload public_api = {
    .kind = "Deployment", .namespace_ = "prod", .name = "api", .source = "k8s/api.yaml:1",
    .container = "api", .reach = CG_REACH_INTERNET,
};

static double ctx_of(const cg_workload *wl, const fspec *f, size_t n, double *per)
{
    world w;
    world_init(&w);
    load_policy(&w, "apiVersion: cgate/v1\nallowUnfixed: true\n");
    w.ev.have_context = 1;
    w.ev.workloads = wl;
    w.ev.n_workloads = 1;
    cg_decision *d = eval(&w, f, n, NULL);
    for (size_t i = 0; i < n; i++)
        per[i] = cg_policy_ctx_risk(d, f[i].nvd, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
    double r = d->ctx_risk;
    cg_arena_free(&w.a);
    return r;
}

static void test_seed_claim_exposure(void **state)
{
    (void)state;
    fspec f9[] = {F("CVE-90", "CRITICAL", 9.0, "1")};
    fspec f65[] = {F("CVE-65", "MEDIUM", 6.5, "1")};
    double p9w, p65a, p9a, p65w;
    /* worker: no Service, deny-all NetworkPolicy -> reach none, AV:N weight 0.2 */
    double r9_worker = ctx_of(&worker, f9, 1, &p9w);
    /* public API behind a LoadBalancer -> internet, AV:N weight 1.0 */
    double r65_api = ctx_of(&public_api, f65, 1, &p65a);
    double r9_api = ctx_of(&public_api, f9, 1, &p9a);
    double r65_worker = ctx_of(&worker, f65, 1, &p65w);
    assert_true(r9_worker == 1.8);
    assert_true(r65_api == 6.5);
    assert_true(r9_api == 9.0);
    assert_true(r65_worker == 1.3);
    /* plain CVSS order 9.0 > 6.5; contextual order is the opposite */
    assert_true(r9_worker < r65_api);
    assert_true(r9_api > r65_worker);
}

static void test_privilege_multiplier(void **state)
{
    (void)state;
    cg_workload wl = public_api;
    wl.privileged = 1, wl.host_network = 1, wl.runs_as_root = 1, wl.sa_token_automounted = 1, wl.sa_wildcard = 1;
    world w;
    world_init(&w);
    load_policy(&w, "apiVersion: cgate/v1\ncontext:\n  privilege: {factor: 1.25, cap: 3}\n");
    w.ev.have_context = 1, w.ev.workloads = &wl, w.ev.n_workloads = 1;
    fspec f[] = {{"CVE-L", "HIGH", 8.0, "L", "1", 0, -1, NULL, -1}};
    cg_decision *d = eval(&w, f, 1, NULL);
    assert_int_equal(d->exposure[0].n_factors, 4);
    /* 1.25^4 = 2.44140625 (< cap 3); AV:L on internet weighs 0.4: 8 * 0.4 * 2.44140625 = 7.8125 -> 7.81 */
    assert_true(d->exposure[0].multiplier == 2.44140625);
    assert_true(d->ctx_risk == 7.81);
    cg_arena_free(&w.a);

    world_init(&w);
    load_policy(&w, "apiVersion: cgate/v1\n"); /* default cap 2.0 */
    w.ev.have_context = 1, w.ev.workloads = &wl, w.ev.n_workloads = 1;
    d = eval(&w, f, 1, NULL);
    assert_true(d->exposure[0].multiplier == 2.0);
    assert_true(d->ctx_risk == 6.4);
    cg_arena_free(&w.a);
}

/* ---- loading: one loader, bad input refused with file, line and key ----- */

static void expect_policy_error(const char *text, const char *want)
{
    cg_arena a;
    cg_arena_init(&a);
    cg_policy p;
    cg_error err;
    cg_error_clear(&err);
    cg_status st = cg_policy_parse((const uint8_t *)text, strlen(text), "p.yaml", &a, &p, &err);
    if (st == CG_OK)
        fail_msg("accepted a bad policy; want error \"%s\"", want);
    if (!strstr(err.msg, want))
        fail_msg("error \"%s\" does not contain \"%s\"", err.msg, want);
    assert_null(strchr(err.msg, '\n'));
    cg_arena_free(&a);
}

static void test_policy_errors(void **state)
{
    (void)state;
    expect_policy_error("apiVersion: cgate/v1\nmaxCritcalCVSS: 7\n", "p.yaml:2: maxCritcalCVSS: unknown key");
    expect_policy_error("{\"maxCriticalCVSS\": 7.0, \"allowUnfixd\": true}", "p.yaml:1: allowUnfixd: unknown key");
    expect_policy_error("apiVersion: cgate/v1\nseverities:\n  critical:\n    minCVSS: 7\n",
                        "p.yaml:4: severities.critical.minCVSS: unknown key");
    expect_policy_error("{\"maxCriticalCVSS\": \"7.0\"}", "p.yaml:1: maxCriticalCVSS: must be a number");
    expect_policy_error("{\"allowUnfixed\": \"false\"}", "allowUnfixed: must be true or false");
    expect_policy_error("{\"maxHighCVSS\": -1}", "p.yaml:1: maxHighCVSS: must be >= 0");
    expect_policy_error("apiVersion: cgate/v1\nseverities: {high: {weight: -0.5}}\n",
                        "p.yaml:2: severities.high.weight: must be >= 0");
    expect_policy_error("apiVersion: cgate/v1\nmaxRiskScore: 1\nmaxRiskScore: 2\n",
                        "p.yaml:3: maxRiskScore: duplicate key (first at line 2)");
    expect_policy_error("{\"maxHighCVSS\": 8, \"maxHighCVSS\": 9}", "maxHighCVSS: duplicate key");
    expect_policy_error("apiVersion: cgate/v2\n", "p.yaml:1: apiVersion: unsupported");
    expect_policy_error("apiVersion: cgate/v1\nexceptions:\n  - reason: r\n    approvedBy: a\n    expires: 2026-01-01\n",
                        "p.yaml:3: exceptions[0].id: missing");
    expect_policy_error("apiVersion: cgate/v1\nexceptions:\n  - {id: X, reason: r, approvedBy: a, expires: 2026-02-30}\n",
                        "exceptions[0].expires: must be a date");
    expect_policy_error("apiVersion: cgate/v1\nmaxCriticalCVSS: 7\nseverities: {critical: {minCvss: 9}}\n",
                        "maxCriticalCVSS: conflicts with severities.critical.minCvss");
    expect_policy_error("apiVersion: cgate/v1\nepss: {threshold: 1.5}\n", "epss.threshold: must be <= 1");
    expect_policy_error("[1, 2]", "p.yaml:1: a policy must be a mapping");
    expect_policy_error("", "p.yaml:1: empty document");
    expect_policy_error("apiVersion: cgate/v1\nkev: {block: yes}\n", "kev.block: must be true or false");
    expect_policy_error("apiVersion: cgate/v1\nmaxRiskScore: .inf\n", "maxRiskScore: must be a number");
    expect_policy_error("apiVersion: cgate/v1\nmaxRiskScore: [1\n", "p.yaml:");
    expect_policy_error("apiVersion: cgate/v1\n---\napiVersion: cgate/v1\n", "more than one document");
    expect_policy_error("apiVersion: !!str cgate/v1\n", "YAML tags are not allowed");
    /* a billion laughs never expands: the first anchor is refused */
    expect_policy_error("apiVersion: cgate/v1\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a]\n",
                        "p.yaml:2: YAML anchors are not allowed");
    expect_policy_error("apiVersion: cgate/v1\nname: *x\n", "p.yaml:");
    /* 10,000-deep nesting, in JSON and YAML flow */
    cg_buf b = CG_BUF_INIT;
    for (int i = 0; i < 10000; i++)
        cg_buf_puts(&b, "[");
    for (int i = 0; i < 10000; i++)
        cg_buf_puts(&b, "]");
    expect_policy_error(cg_buf_str(&b), "nested deeper than 32 levels");
    cg_buf_reset(&b);
    cg_buf_puts(&b, "{\"apiVersion\": \"cgate/v1\", \"x\": ");
    for (int i = 0; i < 10000; i++)
        cg_buf_puts(&b, "{\"a\": ");
    expect_policy_error(cg_buf_str(&b), "p.yaml:1:");
    cg_buf_free(&b);
}

static void test_yaml_json_same_policy(void **state)
{
    (void)state;
    const char *y = "apiVersion: cgate/v1\nkind: Policy\nmaxCriticalCVSS: 9.0\nallowUnfixed: true\n"
                    "severities:\n  medium: {block: true, minCvss: 6.5, weight: 0.5}\n"
                    "cvss: {sources: [ghsa, nvd]}\nexposedPorts: [443, \"8080\"]\n";
    const char *j = "{\"apiVersion\": \"cgate/v1\", \"kind\": \"Policy\", \"maxCriticalCVSS\": 9.0, \"allowUnfixed\": true,"
                    " \"severities\": {\"medium\": {\"block\": true, \"minCvss\": 6.5, \"weight\": 0.5}},"
                    " \"cvss\": {\"sources\": [\"ghsa\", \"nvd\"]}, \"exposedPorts\": [443, \"8080\"]}";
    cg_arena a;
    cg_arena_init(&a);
    cg_policy p1, p2;
    cg_error err;
    assert_int_equal(cg_policy_parse((const uint8_t *)y, strlen(y), "y", &a, &p1, &err), CG_OK);
    assert_int_equal(cg_policy_parse((const uint8_t *)j, strlen(j), "j", &a, &p2, &err), CG_OK);
    for (int s = 0; s < CG_SEV_COUNT; s++) {
        assert_int_equal(p1.sev[s].block, p2.sev[s].block);
        assert_true(p1.sev[s].min_cvss == p2.sev[s].min_cvss);
        assert_true(p1.sev[s].weight == p2.sev[s].weight);
    }
    assert_true(p1.sev[CG_SEV_CRITICAL].min_cvss == 9.0);
    assert_true(p1.sev[CG_SEV_MEDIUM].weight == 0.5);
    assert_int_equal(p1.allow_unfixed, 1);
    assert_int_equal(p1.n_cvss_sources, 2);
    assert_string_equal(p2.cvss_sources[0], "ghsa");
    assert_int_equal(p1.n_exposed_ports, 2);
    assert_false(p1.legacy);
    cg_arena_free(&a);
}

static void expect_report_error(const char *text, const char *want)
{
    cg_arena a;
    cg_arena_init(&a);
    cg_preport r;
    cg_error err;
    cg_error_clear(&err);
    if (cg_preport_read((const uint8_t *)text, strlen(text), "r.json", &a, &r, &err) == CG_OK)
        fail_msg("accepted a bad report; want \"%s\"", want);
    if (!strstr(err.msg, want))
        fail_msg("error \"%s\" does not contain \"%s\"", err.msg, want);
    cg_arena_free(&a);
}

static void test_report_errors(void **state)
{
    (void)state;
    expect_report_error("[]", "r.json:1: document: not a JSON object");
    /* the line of the member, or of the object that lacks it */
    expect_report_error("{\"SchemaVersion\": 2,\n \"Results\": [\n  {\"Vulnerabilities\": [\n"
                        "   {\"VulnerabilityID\": \"C\",\n    \"PkgName\": \"x\",\n    \"Severity\": \"SEVERE\"}]}]}",
                        "r.json:6: Results[0].Vulnerabilities[0].Severity: missing or not one of");
    expect_report_error("{\"SchemaVersion\": 2,\n \"Results\": [\n  {\"Vulnerabilities\": [\n"
                        "   {\"PkgName\": \"x\",\n    \"Severity\": \"HIGH\"}]}]}",
                        "r.json:4: Results[0].Vulnerabilities[0].VulnerabilityID: missing");
    expect_report_error("{\"bomFormat\": \"CycloneDX\"}", "this is an SBOM");
    expect_report_error("{\"SchemaVersion\": 1, \"Results\": []}", "SchemaVersion: unsupported");
    expect_report_error("{\"SchemaVersion\": 2, \"Results\": {}}", "Results: not an array");
    expect_report_error("{\"SchemaVersion\": 2, \"Results\": [{\"Vulnerabilities\": [{\"PkgName\": \"x\", "
                        "\"Severity\": \"HIGH\"}]}]}",
                        "Results[0].Vulnerabilities[0].VulnerabilityID");
    expect_report_error("{\"SchemaVersion\": 2, \"Results\": [{\"Vulnerabilities\": [{\"VulnerabilityID\": \"C\", "
                        "\"PkgName\": \"x\", \"Severity\": \"SEVERE\"}]}]}",
                        "Vulnerabilities[0].Severity");
    expect_report_error("{\"SchemaVersion\": 2, \"Results\": [{\"Vulnerabilities\": [{\"VulnerabilityID\": \"C\", "
                        "\"PkgName\": \"x\", \"Severity\": \"HIGH\", \"CVSS\": {\"nvd\": {\"V3Score\": \"9\"}}}]}]}",
                        "CVSS.nvd.V3Score: not a number");
    expect_report_error("{\"SchemaVersion\": 2, \"SchemaVersion\": 2}", "invalid JSON");
    expect_report_error("{\"SchemaVersion\": 2", "invalid JSON");
}

static void test_decision_deterministic(void **state)
{
    (void)state;
    world w;
    world_init(&w);
    load_policy(&w, exc_policy);
    fspec f[] = {F("CVE-2", "HIGH", 8.8, NULL), {"CVE-2024-1", "CRITICAL", 9.8, "N", "3.0.13", 0, -1, "openssl", -1},
                 F("CVE-1", "CRITICAL", 9.1, "1.1")};
    cg_decision *d = eval(&w, f, 3, "2026-01-01");
    cg_buf a = CG_BUF_INIT, b = CG_BUF_INIT, t = CG_BUF_INIT;
    assert_int_equal(cg_decision_write_json(d, &a, &w.err), CG_OK);
    assert_int_equal(cg_decision_write_json(d, &b, &w.err), CG_OK);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    assert_non_null(strstr(a.data, "\"riskScore\": 37.15,")); /* 8.8 + 14.7 + 13.65 */
    assert_non_null(strstr(a.data, "\"text\": \"upgrade pkg 1.0 \u2192 1.1 fixes CVE-1\""));
    assert_non_null(strstr(a.data, "\"text\": \"pkg 1.0 has no fix for CVE-2: isolate the workload or add a time-bound exception\""));
    assert_int_equal(cg_decision_write_table(d, &t, &w.err), CG_OK);
    assert_non_null(strstr(t.data, "Decision: DENY"));
    cg_buf_free(&a);
    cg_buf_free(&b);
    cg_buf_free(&t);
    cg_arena_free(&w.a);
}

/* The decision names the image its report is about: ArtifactName, the digest
 * part of every RepoDigests entry that is a sha256 digest (unique, sorted) and
 * ImageID when it is one; right after "now", in the table too. */
static cg_decision *eval_text(world *w, const char *rep)
{
    cg_error_clear(&w->err);
    if (cg_preport_read((const uint8_t *)rep, strlen(rep), "r.json", &w->a, &w->r, &w->err) != CG_OK)
        fail_msg("report: %s", w->err.msg);
    w->ev.policy = &w->p, w->ev.report = &w->r, w->ev.now = "2026-01-01";
    if (cg_policy_evaluate(&w->ev, &w->a, &w->d, &w->err) != CG_OK)
        fail_msg("evaluate: %s", w->err.msg);
    return w->d;
}

#define DA "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define DB "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define DC "sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"

static void test_decision_image(void **state)
{
    (void)state;
    world w;
    world_init(&w);
    load_policy(&w, seed_policy);
    /* duplicates across repositories, out of order, and entries that are not
     * NAME@sha256:<64 hex> (no '@', upper-case hex, sha512, not a string) */
    const char rep[] = "{\"SchemaVersion\": 2, \"ArtifactName\": \"reg.example/app:1\", \"Metadata\": {"
                       "\"ImageID\": \"" DC "\", \"RepoDigests\": [\"reg.example/app@" DB "\", \"mirror/app@" DA "\","
                       " \"reg.example/app@" DA "\", \"" DA "\", \"x@sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\","
                       " \"x@sha512:00\", 7]}, \"Results\": []}";
    cg_decision *d = eval_text(&w, rep);
    assert_string_equal(d->image.name, "reg.example/app:1");
    assert_int_equal(d->image.n_manifest_digests, 2);
    assert_string_equal(d->image.manifest_digests[0], DA);
    assert_string_equal(d->image.manifest_digests[1], DB);
    assert_string_equal(d->image.config_digest, DC);
    cg_buf j = CG_BUF_INIT, t = CG_BUF_INIT;
    assert_int_equal(cg_decision_write_json(d, &j, &w.err), CG_OK);
    assert_non_null(strstr(j.data, "  \"now\": \"2026-01-01\",\n"
                                   "  \"image\": {\n"
                                   "    \"name\": \"reg.example/app:1\",\n"
                                   "    \"manifestDigests\": [\n"
                                   "      \"" DA "\",\n"
                                   "      \"" DB "\"\n"
                                   "    ],\n"
                                   "    \"configDigest\": \"" DC "\"\n"
                                   "  },\n"
                                   "  \"denyReasons\": ["));
    assert_int_equal(cg_decision_write_table(d, &t, &w.err), CG_OK);
    assert_non_null(strstr(t.data, "\nImage: reg.example/app:1 " DA "\n"));
    cg_buf_free(&j);
    cg_buf_free(&t);
    cg_arena_free(&w.a);

    /* no name, no digests, an ImageID that is not a digest: all null/empty */
    world_init(&w);
    load_policy(&w, seed_policy);
    d = eval_text(&w, "{\"SchemaVersion\": 2, \"Metadata\": {\"ImageID\": \"sha256:1234\", \"RepoDigests\": [\"app@latest\"]}}");
    assert_null(d->image.name);
    assert_int_equal(d->image.n_manifest_digests, 0);
    assert_null(d->image.config_digest);
    j = (cg_buf)CG_BUF_INIT;
    t = (cg_buf)CG_BUF_INIT;
    assert_int_equal(cg_decision_write_json(d, &j, &w.err), CG_OK);
    assert_non_null(strstr(j.data, "  \"image\": {\n"
                                   "    \"name\": null,\n"
                                   "    \"manifestDigests\": [],\n"
                                   "    \"configDigest\": null\n"
                                   "  },\n"));
    assert_int_equal(cg_decision_write_table(d, &t, &w.err), CG_OK);
    assert_non_null(strstr(t.data, "\nImage: - -\n"));
    cg_buf_free(&j);
    cg_buf_free(&t);
    cg_arena_free(&w.a);

    /* only an ImageID: the table shows the config digest */
    world_init(&w);
    load_policy(&w, seed_policy);
    d = eval_text(&w, "{\"SchemaVersion\": 2, \"ArtifactName\": \"a\\u001b[2J\", \"Metadata\": {\"ImageID\": \"" DC "\"}}");
    t = (cg_buf)CG_BUF_INIT;
    assert_int_equal(cg_decision_write_table(d, &t, &w.err), CG_OK);
    assert_non_null(strstr(t.data, "\nImage: a?[2J " DC "\n"));
    cg_buf_free(&t);
    cg_arena_free(&w.a);
}

/* ---- warnings, --strict, empty inventories (issue 11) -------------------- */

static void test_warnings(void **state)
{
    (void)state;
    world w;
    world_init(&w);
    load_policy(&w, seed_policy);
    /* GHSA-only data: no NVD score; a CRITICAL 9.8 passes the seed with risk 0 */
    fspec f[3] = {{"CVE-1", "CRITICAL", -1, "N", "2.0", 0, -1, NULL, 9.8},
                  {"CVE-2", "HIGH", -1, "N", "2.0", 0, -1, NULL, 7.5},
                  {"CVE-3", "HIGH", 5.0, "N", "2.0", 0, -1, NULL, -1}};
    cg_decision *d = eval(&w, f, 3, NULL);
    assert_true(d->pass);
    assert_int_equal(d->n_warnings, 1);
    assert_string_equal(d->warnings[0], "2 of 3 findings have no NVD V3 score; this policy format treats them as 0 "
                                        "(CRITICAL: 1, HIGH: 1)");
    /* --strict: the warning denies */
    w.ev.strict = 1;
    d = eval(&w, f, 3, NULL);
    assert_false(d->pass);
    assert_string_equal(d->deny_reasons[d->n_deny_reasons - 1], "1 warning and --strict");
    w.ev.strict = 0;
    /* cgate/v1 falls back to the other source: no missing-score warning */
    load_policy(&w, "apiVersion: cgate/v1\nseverities: {critical: {block: false}, high: {block: false}}\n");
    d = eval(&w, f, 3, NULL);
    assert_int_equal(d->n_warnings, 0);
    /* an old DB: the report does not say when it was built */
    w.ev.db_max_age = 86400;
    w.ev.now_epoch = 1767225600;
    d = eval(&w, f, 3, NULL);
    assert_int_equal(d->n_warnings, 1);
    assert_non_null(strstr(d->warnings[0], "cannot be checked"));
    cg_arena_free(&w.a);
}

static void test_empty_inventory(void **state)
{
    (void)state;
    static const char empty[] = "{\"SchemaVersion\": 2, \"ArtifactName\": \"x\", \"Results\": [],"
                                " \"cgate\": {\"version\": \"" CGATE_VERSION "\", \"packages\": 0, \"inventory\": \"empty\"}}";
    static const char *const policies[] = {"apiVersion: cgate/v1\n", "apiVersion: cgate/v1\nallowEmptyInventory: true\n",
                                           seed_policy};
    static const int pass[] = {0, 1, 1};
    for (size_t i = 0; i < 3; i++) {
        world w;
        world_init(&w);
        load_policy(&w, policies[i]);
        assert_int_equal(cg_preport_read((const uint8_t *)empty, strlen(empty), "r.json", &w.a, &w.r, &w.err), CG_OK);
        assert_true(w.r.inventory_empty);
        w.ev.policy = &w.p;
        w.ev.report = &w.r;
        w.ev.now = "2026-01-01";
        assert_int_equal(cg_policy_evaluate(&w.ev, &w.a, &w.d, &w.err), CG_OK);
        assert_int_equal(w.d->pass, pass[i]);
        /* denied: the reason says why; passed: a warning says what was accepted */
        if (pass[i])
            assert_non_null(strstr(w.d->warnings[0], "covers no packages"));
        else
            assert_non_null(strstr(w.d->deny_reasons[0], "covers no packages"));
        cg_arena_free(&w.a);
    }
}


/* ---- memory at scale: shared arrays, streamed writers -------------------- */

/* The reader keeps an advisory's aliases and CVSS entries once per content:
 * findings that differ in any part (a score, a missing vector, one alias
 * more) must each keep their own. */
static void test_report_shared_arrays(void **state)
{
    (void)state;
    static const char rep[] =
        "{\"SchemaVersion\": 2, \"Results\": [{\"Target\": \"t\", \"Vulnerabilities\": ["
        "{\"VulnerabilityID\": \"CVE-1\", \"PkgName\": \"a\", \"Severity\": \"HIGH\", \"VendorIDs\": [\"X-1\"],"
        " \"CVSS\": {\"nvd\": {\"V3Score\": 7.5, \"V3Vector\": \"CVSS:3.1/AV:N\"}}},"
        "{\"VulnerabilityID\": \"CVE-1\", \"PkgName\": \"b\", \"Severity\": \"HIGH\", \"VendorIDs\": [\"X-1\"],"
        " \"CVSS\": {\"nvd\": {\"V3Score\": 7.5, \"V3Vector\": \"CVSS:3.1/AV:N\"}}},"
        "{\"VulnerabilityID\": \"CVE-1\", \"PkgName\": \"c\", \"Severity\": \"HIGH\", \"VendorIDs\": [\"X-1\", \"X-2\"],"
        " \"CVSS\": {\"nvd\": {\"V3Score\": 7.6, \"V3Vector\": \"CVSS:3.1/AV:N\"}}},"
        "{\"VulnerabilityID\": \"CVE-1\", \"PkgName\": \"d\", \"Severity\": \"HIGH\", \"VendorIDs\": [\"X-1X-2\"],"
        " \"CVSS\": {\"nvd\": {\"V3Score\": 7.5}}},"
        "{\"VulnerabilityID\": \"CVE-1\", \"PkgName\": \"e\", \"Severity\": \"HIGH\","
        " \"CVSS\": {\"nvd\": {\"V3Vector\": \"CVSS:3.1/AV:N\"}, \"ghsa\": {\"V3Score\": 7.5}}}"
        "]}]}";
    cg_arena a;
    cg_arena_init(&a);
    cg_preport r;
    cg_error err;
    cg_error_clear(&err);
    assert_int_equal(cg_preport_read((const uint8_t *)rep, strlen(rep), "r.json", &a, &r, &err), CG_OK);
    assert_int_equal(r.n_findings, 5);
    const cg_pfinding *f = r.findings;
    assert_ptr_equal(f[0].cvss, f[1].cvss); /* the same content: kept once */
    assert_ptr_equal(f[0].aliases, f[1].aliases);
    assert_ptr_equal(f[0].pkg_path, NULL);
    assert_int_equal(f[2].n_aliases, 2);
    assert_string_equal(f[2].aliases[1], "X-2");
    assert_true(f[2].cvss[0].v3score == 7.6);
    assert_int_equal(f[3].n_aliases, 1);
    assert_string_equal(f[3].aliases[0], "X-1X-2");
    assert_null(f[3].cvss[0].v3vector);
    assert_int_equal(f[4].n_aliases, 0);
    assert_int_equal(f[4].n_cvss, 2);
    assert_string_equal(f[4].cvss[0].source, "ghsa"); /* sorted by source */
    assert_true(f[4].cvss[0].has_v3score && f[4].cvss[0].v3score == 7.5);
    assert_false(f[4].cvss[1].has_v3score);
    assert_string_equal(f[4].cvss[1].v3vector, "CVSS:3.1/AV:N");
    for (size_t i = 0; i < 4; i++)
        assert_true(f[i].cvss[0].has_v3score && !strcmp(f[i].cvss[0].source, "nvd"));
    assert_true(f[0].cvss[0].v3score == 7.5 && f[3].cvss[0].v3score == 7.5);
    assert_string_equal(f[0].cvss[0].v3vector, "CVSS:3.1/AV:N");
    cg_arena_free(&a);
}

typedef struct chunks {
    cg_buf all;
    size_t n;
} chunks;

static cg_status collect(void *ud, const void *data, size_t len, cg_error *err)
{
    (void)err;
    chunks *c = ud;
    c->n++;
    return cg_buf_append(&c->all, data, len);
}

/* The streamed table and page are the bytes of the whole ones, handed out in
 * pieces (a decision of 3,000 blocked findings is more than one window). */
static void test_streamed_writers(void **state)
{
    (void)state;
    enum { N = 3000 };
    fspec *fs = calloc(N, sizeof *fs);
    char (*ids)[32] = calloc(N, sizeof *ids), (*pk)[32] = calloc(N, sizeof *pk);
    assert_non_null(fs);
    assert_non_null(ids);
    assert_non_null(pk);
    for (size_t i = 0; i < N; i++) {
        snprintf(ids[i], sizeof ids[i], "CVE-2024-%zu", 10000 + i % 700);
        snprintf(pk[i], sizeof pk[i], "lib%zu", i % 900);
        fspec one = F(ids[i], i % 3 ? "CRITICAL" : "HIGH", 9.1, i % 5 ? "2.0" : "");
        one.pkg = pk[i];
        fs[i] = one;
    }
    world w;
    world_init(&w);
    load_policy(&w, seed_policy);
    cg_decision *d = eval(&w, fs, N, NULL);
    assert_true(d->n_blocked > 1000);
    assert_true(d->n_remedies > 1);
    for (int html = 0; html < 2; html++)
        for (size_t width = 0; width < 2; width++) {
            cg_buf whole = CG_BUF_INIT, win = CG_BUF_INIT;
            chunks c = {CG_BUF_INIT, 0};
            cg_error err;
            cg_error_clear(&err);
            if (html) {
                assert_int_equal(cg_decision_write_html(d, &w.r, &whole, &err), CG_OK);
                assert_int_equal(cg_decision_write_html_stream(d, &w.r, &win, collect, &c, &err), CG_OK);
            } else {
                assert_int_equal(cg_decision_write_table_fit(d, width * 80, (int)width, &whole, &err), CG_OK);
                assert_int_equal(cg_decision_write_table_stream(d, width * 80, (int)width, &win, collect, &c, &err),
                                 CG_OK);
            }
            assert_int_equal(win.len, 0);
            assert_true(c.n > 1);
            assert_int_equal(c.all.len, whole.len);
            assert_memory_equal(c.all.data, whole.data, whole.len);
            cg_buf_free(&whole);
            cg_buf_free(&win);
            cg_buf_free(&c.all);
        }
    cg_arena_free(&w.a);
    free(fs);
    free(ids);
    free(pk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_cases),
        cmocka_unit_test(test_round2),
        cmocka_unit_test(test_v1_rules),
        cmocka_unit_test(test_risk_cap_and_filters),
        cmocka_unit_test(test_exception_expiry),
        cmocka_unit_test(test_exception_matching),
        cmocka_unit_test(test_exception_without_expiry),
        cmocka_unit_test(test_vex),
        cmocka_unit_test(test_seed_claim_exposure),
        cmocka_unit_test(test_privilege_multiplier),
        cmocka_unit_test(test_policy_errors),
        cmocka_unit_test(test_yaml_json_same_policy),
        cmocka_unit_test(test_report_errors),
        cmocka_unit_test(test_decision_deterministic),
        cmocka_unit_test(test_decision_image),
        cmocka_unit_test(test_warnings),
        cmocka_unit_test(test_empty_inventory),
        cmocka_unit_test(test_report_shared_arrays),
        cmocka_unit_test(test_streamed_writers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

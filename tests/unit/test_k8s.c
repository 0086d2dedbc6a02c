/*
 * test_k8s.c - the Kubernetes runtime context (policy_context.h) against the
 * manifests in tests/data/k8s/ (see its ORIGIN.md) and hostile inputs made
 * here: broken YAML, alias bombs, deep nesting, empty and wrong-typed files.
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

#include "cgate/policy_context.h"
#include "core/yaml.h"

static char *data_path(const char *rel)
{
    static char buf[8][1024];
    static int i;
    const char *d = getenv("CG_TEST_DATA");
    char *p = buf[i++ % 8];
    snprintf(p, 1024, "%s/k8s/%s", d ? d : "tests/data", rel);
    return p;
}

static char *tmp_file(const char *name, const char *text, size_t len)
{
    static char buf[8][1024];
    static int i;
    const char *d = getenv("CG_TMP");
    char *p = buf[i++ % 8];
    mkdir(d ? d : "/tmp", 0755);
    snprintf(p, 1024, "%s/k8s-%s", d ? d : "/tmp", name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    fclose(f);
    return p;
}

typedef struct fx {
    cg_arena a;
    cg_k8s_context *ctx;
    cg_error err;
} fx;

static cg_status load(fx *f, const char *rel)
{
    const char *p = data_path(rel);
    cg_arena_init(&f->a);
    cg_error_clear(&f->err);
    return cg_k8s_load(&p, 1, &f->a, &f->ctx, &f->err);
}

static void done(fx *f)
{
    cg_k8s_free(f->ctx);
    cg_arena_free(&f->a);
}

static const cg_workload *one(fx *f, const char *repo, const char *tag, const char *digest)
{
    cg_workload *w = NULL;
    size_t n = 0;
    assert_int_equal(cg_k8s_workloads_for(f->ctx, repo, tag, digest, &f->a, &w, &n, &f->err), CG_OK);
    assert_int_equal(n, 1);
    return w;
}

static size_t count(fx *f, const char *repo, const char *tag, const char *digest)
{
    cg_workload *w = NULL;
    size_t n = 0;
    assert_int_equal(cg_k8s_workloads_for(f->ctx, repo, tag, digest, &f->a, &w, &n, &f->err), CG_OK);
    return n;
}

static int has_why(const cg_workload *w, const char *needle)
{
    for (size_t i = 0; i < w->n_why; i++)
        if (strstr(w->why[i], needle))
            return 1;
    for (size_t i = 0; i < w->n_why; i++)
        fprintf(stderr, "  why: %s\n", w->why[i]);
    return 0;
}

static void test_seed_worker_is_unreachable(void **state)
{
    (void)state;
    fx f;
    assert_int_equal(load(&f, "worker"), CG_OK);
    const cg_workload *w = one(&f, "registry.example.com/acme/report-worker", "2.4.1", NULL);
    assert_string_equal(w->kind, "Deployment");
    assert_string_equal(w->namespace_, "jobs");
    assert_string_equal(w->name, "report-worker");
    assert_string_equal(w->container, "worker");
    assert_non_null(strstr(w->source, "worker.yaml:15"));
    assert_int_equal(w->reach, CG_REACH_NONE);
    assert_int_equal(w->n_ports, 0);
    assert_true(w->egress_restricted);
    assert_false(w->runs_as_root);
    assert_false(w->allow_privilege_escalation);
    assert_false(w->sa_token_automounted);
    assert_string_equal(w->service_account, "report-worker");
    assert_true(has_why(w, "NetworkPolicy jobs/default-deny-all selects all pods and allows no ingress"));
    assert_true(has_why(w, "no Service selects the pods"));
    const char *const *ig;
    assert_int_equal(cg_k8s_ignored(f.ctx, &ig), 1);
    assert_non_null(strstr(ig[0], "Namespace@"));
    assert_non_null(strstr(ig[0], "worker.yaml:3"));
    done(&f);
}

static void test_seed_public_api_is_internet(void **state)
{
    (void)state;
    fx f;
    assert_int_equal(load(&f, "public-api"), CG_OK);
    const cg_workload *w = one(&f, "ghcr.io/acme/api", "1.8.0", NULL);
    assert_int_equal(w->reach, CG_REACH_INTERNET);
    assert_true(has_why(w, "Service prod/api-lb type LoadBalancer selects app=api"));
    assert_true(has_why(w, "api.yaml:32)"));
    assert_true(has_why(w, "Ingress prod/api routes to Service prod/api"));
    assert_false(has_why(w, "staging"));
    /* containerPorts 8080 9090, Service ports 443 (targetPort http) and 80, nodePort 30443 */
    int32_t want[] = {80, 443, 8080, 9090, 30443};
    assert_int_equal(w->n_ports, 5);
    assert_memory_equal(w->ports, want, sizeof want);
    assert_true(w->runs_as_root);
    assert_true(w->sa_token_automounted);
    assert_string_equal(w->service_account, "default");
    /* the sidecar shares the pod's exposure but not the Service's ports */
    const cg_workload *e = one(&f, "docker.io/envoyproxy/envoy", "v1.29.1", NULL);
    assert_int_equal(e->reach, CG_REACH_INTERNET);
    assert_int_equal(e->n_ports, 1);
    assert_int_equal(e->ports[0], 9901);
    const char *const *ig;
    assert_int_equal(cg_k8s_ignored(f.ctx, &ig), 1);
    assert_non_null(strstr(ig[0], "HorizontalPodAutoscaler@"));
    done(&f);
}

static void test_seed_contexts_together(void **state)
{
    (void)state;
    fx f;
    const char *paths[] = {data_path("worker"), data_path("public-api/api.yaml"), data_path("public-api/ingress.yaml")};
    cg_arena_init(&f.a);
    assert_int_equal(cg_k8s_load(paths, 3, &f.a, &f.ctx, &f.err), CG_OK);
    assert_int_equal(one(&f, "registry.example.com/acme/report-worker", NULL, NULL)->reach, CG_REACH_NONE);
    assert_int_equal(one(&f, "ghcr.io/acme/api", NULL, NULL)->reach, CG_REACH_INTERNET);
    assert_int_equal(count(&f, "ghcr.io/acme/unknown", NULL, NULL), 0);
    done(&f);
}

static void test_privileged_daemonsets(void **state)
{
    (void)state;
    fx f;
    assert_int_equal(load(&f, "cluster"), CG_OK);
    const cg_workload *w = one(&f, "quay.io/prometheus/node-exporter", "v1.7.0", NULL);
    assert_string_equal(w->kind, "DaemonSet");
    assert_true(w->privileged);
    assert_true(w->host_network);
    assert_true(w->host_pid);
    assert_false(w->host_ipc);
    assert_true(w->runs_as_root);
    assert_true(w->allow_privilege_escalation);
    assert_int_equal(w->reach, CG_REACH_INTERNET); /* hostPort / hostNetwork with a port */
    assert_true(has_why(w, "hostPort 9100 binds the node's address"));
    const cg_workload *l = one(&f, "fluent/fluent-bit", "2.2.2", NULL);
    assert_true(l->privileged && l->host_pid && l->host_ipc && !l->host_network);
    assert_true(l->runs_as_root);
    assert_true(has_why(l, "runAsUser: 0"));
    assert_int_equal(l->reach, CG_REACH_CLUSTER);
    done(&f);
}

static void test_cronjob_wildcard_role(void **state)
{
    (void)state;
    fx f;
    assert_int_equal(load(&f, "cluster"), CG_OK);
    const cg_workload *w = one(&f, "docker.io/library/postgres", "16.2", NULL);
    assert_string_equal(w->kind, "CronJob");
    assert_string_equal(w->name, "pg-backup");
    assert_string_equal(w->service_account, "backup");
    assert_true(w->sa_wildcard);
    assert_false(w->sa_cluster_admin);
    assert_true(has_why(w, "bound to Role data/backup-everything granting \"*\""));
    assert_int_equal(w->reach, CG_REACH_CLUSTER);
    done(&f);
}

static void test_root_pod_caps_and_automount_override(void **state)
{
    (void)state;
    fx f;
    assert_int_equal(load(&f, "cluster"), CG_OK);
    /* "nginx" in the Pod means docker.io/library/nginx:latest; the digest
     * given keeps the digest-pinned ops-console out */
    const cg_workload *w = one(&f, "nginx", "latest", "sha256:ffff");
    assert_string_equal(w->kind, "Pod");
    assert_string_equal(w->namespace_, "default");
    assert_true(w->runs_as_root);
    assert_int_equal(w->n_added_caps, 2);
    assert_string_equal(w->added_caps[0], "NET_ADMIN");
    assert_string_equal(w->added_caps[1], "SYS_TIME");
    assert_false(w->sa_token_automounted);
    assert_true(has_why(w, "overriding its ServiceAccount"));
    done(&f);
}

static void test_cluster_admin_and_isolation(void **state)
{
    (void)state;
    fx f;
    assert_int_equal(load(&f, "cluster"), CG_OK);
    const char *dg = "sha256:4c0fdaa8b6341bfdeca5f18f7837462c80cff90527ee35ef185571e1c327beac";
    const cg_workload *w = one(&f, "nginx", "1.25", dg);
    assert_string_equal(w->name, "ops-console");
    assert_true(w->sa_cluster_admin);
    assert_true(w->sa_wildcard);
    assert_true(w->sa_token_automounted);
    assert_true(has_why(w, "ClusterRoleBinding ops-cluster-admin"));
    assert_int_equal(w->reach, CG_REACH_ISOLATED);
    assert_false(w->runs_as_root); /* container runAsUser 101 */
    int32_t want[] = {80, 8080};
    assert_int_equal(w->n_ports, 2);
    assert_memory_equal(w->ports, want, sizeof want);
    /* JSON List: an allow-all ingress rule does not isolate */
    const cg_workload *r = one(&f, "redis", "7.2.4", NULL);
    assert_string_equal(r->kind, "StatefulSet");
    assert_int_equal(r->reach, CG_REACH_CLUSTER);
    assert_true(has_why(r, "admits any source"));
    assert_false(r->sa_token_automounted);
    assert_false(r->allow_privilege_escalation);
    done(&f);
}

static void test_image_matching(void **state)
{
    (void)state;
    fx f;
    assert_int_equal(load(&f, "cluster"), CG_OK);
    const char *dg = "sha256:4c0fdaa8b6341bfdeca5f18f7837462c80cff90527ee35ef185571e1c327beac";
    /* docker.io normalisation, all spellings */
    assert_int_equal(count(&f, "docker.io/library/postgres", "16.2", NULL), 1);
    assert_int_equal(count(&f, "index.docker.io/library/postgres", "16.2", NULL), 1);
    assert_int_equal(count(&f, "postgres:16.2", NULL, NULL), 1);
    assert_int_equal(count(&f, "library/postgres", NULL, NULL), 1);
    /* tag mismatch */
    assert_int_equal(count(&f, "postgres", "15", NULL), 0);
    /* another registry is another repository */
    assert_int_equal(count(&f, "ghcr.io/library/postgres", "16.2", NULL), 0);
    /* digest: matches whatever the tag; a different digest does not */
    assert_int_equal(count(&f, "nginx", "anything", dg), 1);
    /* digest given, tag not: the pinned one by digest, the :latest Pod by
     * repository (its digest is unknown); the digest is compared lower-cased */
    assert_int_equal(count(&f, "nginx@sha256:4C0FDAA8B6341BFDECA5F18F7837462C80CFF90527EE35EF185571E1C327BEAC", NULL,
                           NULL), 2);
    assert_int_equal(count(&f, "nginx", NULL, "sha256:0000"), 1); /* + the :latest Pod, by repo only */
    /* repository alone matches every tag and the digest-pinned one */
    assert_int_equal(count(&f, "nginx", NULL, NULL), 2);
    /* no tag in the manifest means latest */
    assert_int_equal(count(&f, "nginx", "latest", NULL), 2);
    assert_int_equal(count(&f, "nginx", "1.25", NULL), 1);
    /* registry host with a port, lower-cased host */
    done(&f);
}

static void test_ordering_and_ignored(void **state)
{
    (void)state;
    fx f;
    assert_int_equal(load(&f, "."), CG_ERR_LIMIT); /* the walk reaches bad/bomb.yaml */
    assert_non_null(strstr(f.err.msg, "bomb.yaml"));
    done(&f);
    assert_int_equal(load(&f, "cluster"), CG_OK);
    const char *const *ig;
    size_t n = cg_k8s_ignored(f.ctx, &ig);
    assert_int_equal(n, 1);
    assert_non_null(strstr(ig[0], "ConfigMap@"));
    assert_non_null(strstr(ig[0], "cache.json:40"));
    cg_workload *w;
    size_t k;
    /* the same image in several namespaces and kinds: sorted (namespace, kind, name) */
    const char *y = "kind: Pod\nmetadata: {name: z, namespace: b}\nspec: {containers: [{name: c, image: app}]}\n---\n"
                    "kind: Deployment\nmetadata: {name: y, namespace: b}\nspec: {template: {spec: {containers: [{name: c, image: app}]}}}\n---\n"
                    "kind: Job\nmetadata: {name: x, namespace: a}\nspec: {template: {spec: {containers: [{name: c, image: app}]}}}\n---\n"
                    "kind: Deployment\nmetadata: {name: a, namespace: b}\nspec: {template: {spec: {containers: [{name: c, image: app}]}}}\n";
    const char *paths[] = {tmp_file("order.yaml", y, strlen(y))};
    done(&f);
    cg_arena_init(&f.a);
    assert_int_equal(cg_k8s_load(paths, 1, &f.a, &f.ctx, &f.err), CG_OK);
    assert_int_equal(cg_k8s_workloads_for(f.ctx, "app", NULL, NULL, &f.a, &w, &k, &f.err), CG_OK);
    assert_int_equal(k, 4);
    const char *want[] = {"a/Job/x", "b/Deployment/a", "b/Deployment/y", "b/Pod/z"};
    for (size_t i = 0; i < 4; i++) {
        char got[128];
        snprintf(got, sizeof got, "%s/%s/%s", w[i].namespace_, w[i].kind, w[i].name);
        assert_string_equal(got, want[i]);
    }
    done(&f);
}

static void test_registry_port_and_case(void **state)
{
    (void)state;
    const char *y = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ns}\nspec:\n  containers:\n"
                    "  - {name: a, image: \"Registry.Local:5000/team/app:1.0\"}\n"
                    "  - {name: b, image: \"localhost/app\"}\n";
    const char *p = tmp_file("port.yaml", y, strlen(y));
    fx f;
    cg_arena_init(&f.a);
    assert_int_equal(cg_k8s_load(&p, 1, &f.a, &f.ctx, &f.err), CG_OK);
    assert_int_equal(count(&f, "registry.local:5000/team/app", "1.0", NULL), 1);
    assert_int_equal(count(&f, "registry.local:5000/team/app:1.0", NULL, NULL), 1);
    assert_int_equal(count(&f, "team/app", "1.0", NULL), 0);
    assert_int_equal(count(&f, "localhost/app", "latest", NULL), 1);
    assert_int_equal(count(&f, "docker.io/localhost/app", NULL, NULL), 0);
    done(&f);
}

static void test_broken_yaml_names_line(void **state)
{
    (void)state;
    fx f;
    assert_int_equal(load(&f, "bad/broken.yaml"), CG_ERR_INPUT);
    assert_non_null(strstr(f.err.msg, "broken.yaml:10"));
    assert_non_null(strstr(f.err.msg, "invalid YAML"));
    done(&f);
    assert_int_equal(load(&f, "bad/wrong-type.yaml"), CG_ERR_INPUT);
    assert_non_null(strstr(f.err.msg, "wrong-type.yaml:11"));
    assert_non_null(strstr(f.err.msg, "privileged is not true or false"));
    done(&f);
    const char *dup = "kind: Service\nmetadata:\n  name: a\n  name: b\n";
    const char *p = tmp_file("dup.yaml", dup, strlen(dup));
    cg_arena_init(&f.a);
    assert_int_equal(cg_k8s_load(&p, 1, &f.a, &f.ctx, &f.err), CG_ERR_INPUT);
    assert_non_null(strstr(f.err.msg, "dup.yaml:4: name: duplicate key (first at line 3)"));
    cg_arena_free(&f.a);
    const char *op = "kind: NetworkPolicy\nmetadata: {name: n}\nspec:\n  podSelector:\n    matchExpressions:\n"
                     "    - {key: a, operator: Near}\n";
    p = tmp_file("op.yaml", op, strlen(op));
    cg_arena_init(&f.a);
    assert_int_equal(cg_k8s_load(&p, 1, &f.a, &f.ctx, &f.err), CG_ERR_INPUT);
    assert_non_null(strstr(f.err.msg, "op.yaml:6"));
    cg_arena_free(&f.a);
    const char *missing = "/nonexistent/k8s.yaml";
    cg_arena_init(&f.a);
    assert_int_equal(cg_k8s_load(&missing, 1, &f.a, &f.ctx, &f.err), CG_ERR_INPUT);
    cg_arena_free(&f.a);
}

static void test_alias_bomb_refused(void **state)
{
    (void)state;
    fx f;
    assert_int_equal(load(&f, "bad/bomb.yaml"), CG_ERR_LIMIT);
    assert_non_null(strstr(f.err.msg, "expands to more than"));
    assert_true(f.a.used_total < (64u << 20)); /* nothing was expanded */
    done(&f);
    /* a modest alias use is fine and is shared, not copied */
    const char *y = "kind: Pod\nmetadata: {name: p}\nspec:\n  securityContext: &sc {runAsUser: 0}\n"
                    "  containers:\n  - name: a\n    image: busybox\n    securityContext: *sc\n";
    const char *p = tmp_file("alias.yaml", y, strlen(y));
    cg_arena_init(&f.a);
    assert_int_equal(cg_k8s_load(&p, 1, &f.a, &f.ctx, &f.err), CG_OK);
    assert_true(one(&f, "busybox", NULL, NULL)->runs_as_root);
    done(&f);
    const char *rec = "a: &x [1, *x]\n";
    p = tmp_file("rec.yaml", rec, strlen(rec));
    cg_arena_init(&f.a);
    assert_int_equal(cg_k8s_load(&p, 1, &f.a, &f.ctx, &f.err), CG_ERR_INPUT);
    assert_non_null(strstr(f.err.msg, "refers to a node that contains it"));
    cg_arena_free(&f.a);
}

static void test_deep_nesting(void **state)
{
    (void)state;
    size_t depth = 10000;
    char *y = malloc(2 * depth + 16);
    size_t n = 0;
    n += (size_t)sprintf(y, "kind: ");
    for (size_t i = 0; i < depth; i++)
        y[n++] = '[';
    for (size_t i = 0; i < depth; i++)
        y[n++] = ']';
    y[n++] = '\n';
    const char *p = tmp_file("deep.yaml", y, n);
    const char *pj = tmp_file("deep.json", y + 6, n - 6);
    free(y);
    fx f;
    cg_arena_init(&f.a);
    assert_int_equal(cg_k8s_load(&p, 1, &f.a, &f.ctx, &f.err), CG_ERR_LIMIT);
    assert_non_null(strstr(f.err.msg, "nested deeper than"));
    cg_arena_free(&f.a);
    cg_arena_init(&f.a);
    assert_int_equal(cg_k8s_load(&pj, 1, &f.a, &f.ctx, &f.err), CG_ERR_LIMIT);
    cg_arena_free(&f.a);
}

static void test_empty_and_odd_documents(void **state)
{
    (void)state;
    const char *paths[] = {tmp_file("empty.yaml", "", 0), tmp_file("comments.yaml", "# nothing\n---\n---\n", 17),
                           tmp_file("scalar.yaml", "just text\n", 10),
                           tmp_file("nokind.yaml", "replicas: 3\n", 12)};
    fx f;
    cg_arena_init(&f.a);
    assert_int_equal(cg_k8s_load(paths, 4, &f.a, &f.ctx, &f.err), CG_OK);
    const char *const *ig;
    assert_int_equal(cg_k8s_ignored(f.ctx, &ig), 2);
    assert_non_null(strstr(ig[0], "(no kind)@"));
    assert_non_null(strstr(ig[1], "(not a mapping)@"));
    assert_int_equal(count(&f, "nginx", NULL, NULL), 0);
    done(&f);
}

static void test_netpol_semantics(void **state)
{
    (void)state;
    /* policyTypes absent + no ingress rules = deny all; a Service then
     * keeps it ISOLATED rather than NONE; Egress with a ports-only rule is
     * restricted; a podSelector for other labels does not apply */
    const char *y = "kind: Deployment\nmetadata: {name: d, namespace: n}\nspec:\n  template:\n"
                    "    metadata: {labels: {app: d, tier: db}}\n    spec:\n"
                    "      containers: [{name: c, image: 'mysql:8'}]\n---\n"
                    "kind: Service\nmetadata: {name: s, namespace: n}\nspec: {selector: {app: d}}\n---\n"
                    "kind: NetworkPolicy\nmetadata: {name: deny, namespace: n}\nspec:\n  podSelector:\n"
                    "    matchExpressions: [{key: tier, operator: NotIn, values: [web]}]\n"
                    "  egress: [{ports: [{port: 53, protocol: UDP}]}]\n---\n"
                    "kind: NetworkPolicy\nmetadata: {name: other, namespace: n}\nspec:\n"
                    "  podSelector: {matchLabels: {app: web}}\n  ingress: [{}]\n";
    const char *p = tmp_file("np.yaml", y, strlen(y));
    fx f;
    cg_arena_init(&f.a);
    assert_int_equal(cg_k8s_load(&p, 1, &f.a, &f.ctx, &f.err), CG_OK);
    const cg_workload *w = one(&f, "mysql", "8", NULL);
    assert_int_equal(w->reach, CG_REACH_ISOLATED);
    assert_true(w->egress_restricted);
    assert_true(has_why(w, "allows no ingress"));
    assert_true(has_why(w, "Service n/s type ClusterIP selects app=d"));
    done(&f);
}

static void test_yaml_util_scalars(void **state)
{
    (void)state;
    const char *y = "a: true\nb: 'true'\nc: ~\nd: -42\ne: 99999999999999999999\nf:\n";
    cg_arena a;
    cg_arena_init(&a);
    cg_error e;
    cg_yaml_doc *d;
    size_t n;
    assert_int_equal(cg_yaml_parse((const uint8_t *)y, strlen(y), "t", NULL, &a, &d, &n, &e), CG_OK);
    assert_int_equal(n, 1);
    const cg_yaml_node *r = d[0].root;
    assert_int_equal(cg_yaml_bool(cg_yaml_get(r, "a")), 1);
    assert_int_equal(cg_yaml_bool(cg_yaml_get(r, "b")), -1);
    assert_true(cg_yaml_is_null(cg_yaml_get(r, "c")));
    assert_true(cg_yaml_is_null(cg_yaml_get(r, "f")));
    assert_int_equal(cg_yaml_get(r, "f")->line, 6);
    int64_t v;
    assert_int_equal(cg_yaml_int(cg_yaml_get(r, "d"), &v), 0);
    assert_int_equal(v, -42);
    assert_int_equal(cg_yaml_int(cg_yaml_get(r, "e"), &v), -1);
    assert_int_equal(cg_yaml_key_line(r, "d"), 4);
    assert_int_equal(cg_yaml_parse((const uint8_t *)"a\0b", 3, "t", NULL, &a, &d, &n, &e), CG_ERR_INPUT);
    cg_arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_worker_is_unreachable),
        cmocka_unit_test(test_seed_public_api_is_internet),
        cmocka_unit_test(test_seed_contexts_together),
        cmocka_unit_test(test_privileged_daemonsets),
        cmocka_unit_test(test_cronjob_wildcard_role),
        cmocka_unit_test(test_root_pod_caps_and_automount_override),
        cmocka_unit_test(test_cluster_admin_and_isolation),
        cmocka_unit_test(test_image_matching),
        cmocka_unit_test(test_ordering_and_ignored),
        cmocka_unit_test(test_registry_port_and_case),
        cmocka_unit_test(test_broken_yaml_names_line),
        cmocka_unit_test(test_alias_bomb_refused),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_empty_and_odd_documents),
        cmocka_unit_test(test_netpol_semantics),
        cmocka_unit_test(test_yaml_util_scalars),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

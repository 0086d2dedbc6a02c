/*
 * k8s_context.c - the runtime context of an image (policy_context.h): for
 * each container of each pod-templated workload, how reachable it is, which
 * ports it exposes, how privileged it runs and what its service account may
 * do, each conclusion with a why[] line naming the manifest (FILE:LINE).
 * Derivation happens once at load (k8s_derive); lookups only match images.
 *
 * Reach, in this order (ingress policies = NetworkPolicies of the pod's
 * namespace whose podSelector selects the pod template's labels and whose
 * policyTypes include Ingress, or have no policyTypes):
 *   external  = a LoadBalancer/NodePort Service selects the pod, an Ingress
 *               routes to a Service that selects it, a container port has a
 *               hostPort, or hostNetwork with a declared containerPort;
 *   denied    = ingress policies exist and none has an ingress rule;
 *   restricted= ingress policies exist and no rule admits any source (a rule
 *               without from, or a peer {} / ipBlock 0.0.0.0/0 or ::/0 /
 *               namespaceSelector {} with no or empty podSelector);
 *   INTERNET if external and not denied; else NONE if denied, the container
 *   declares no port and no Service selects the pod; else ISOLATED if
 *   restricted; else CLUSTER.  hostNetwork pods ignore NetworkPolicies.
 * Egress is restricted when an Egress policy selects the pod and none of its
 * rules allows every destination on every port.  A Service selects a pod
 * when its selector is non-empty and a subset of the template's labels in
 * the same namespace.  Privilege and service-account rules are at
 * derive_privilege() and derive_sa().
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgate/buf.h"
#include "policy/k8s_internal.h"

/* ---- label selection ---------------------------------------------------- */

static const char *label(const cg_yaml_node *labels, const char *key)
{
    const cg_yaml_node *v = cg_yaml_get(labels, key);
    if (!v || v->kind != CG_YAML_SCALAR)
        return NULL;
    return cg_yaml_is_null(v) ? "" : v->str;
}

static const char *text_or_empty(const cg_yaml_node *v)
{
    return v && v->kind == CG_YAML_SCALAR && !cg_yaml_is_null(v) ? v->str : "";
}

/* Every key=value of map sel is among labels (Service selector, matchLabels). */
static int map_subset(const cg_yaml_node *sel, const cg_yaml_node *labels)
{
    for (size_t i = 0; sel && sel->kind == CG_YAML_MAP && i < sel->n; i++) {
        const char *v = label(labels, sel->keys[i]);
        if (!v || strcmp(v, text_or_empty(sel->vals[i])))
            return 0;
    }
    return 1;
}

static int in_values(const cg_yaml_node *values, const char *v)
{
    for (size_t i = 0; values && values->kind == CG_YAML_SEQ && i < values->n; i++)
        if (!strcmp(text_or_empty(values->vals[i]), v))
            return 1;
    return 0;
}

/* A metav1.LabelSelector; absent or {} selects everything. */
static int selector_matches(const cg_yaml_node *sel, const cg_yaml_node *labels)
{
    if (!map_subset(cg_yaml_get(sel, "matchLabels"), labels))
        return 0;
    const cg_yaml_node *ex = cg_yaml_get(sel, "matchExpressions");
    for (size_t i = 0; ex && ex->kind == CG_YAML_SEQ && i < ex->n; i++) {
        const char *key = cg_yaml_str(ex->vals[i], "key"), *op = cg_yaml_str(ex->vals[i], "operator");
        const char *v = key ? label(labels, key) : NULL;
        const cg_yaml_node *vals = cg_yaml_get(ex->vals[i], "values");
        int ok = op && ((!strcmp(op, "In") && v && in_values(vals, v)) ||
                        (!strcmp(op, "NotIn") && (!v || !in_values(vals, v))) ||
                        (!strcmp(op, "Exists") && v) || (!strcmp(op, "DoesNotExist") && !v));
        if (!ok)
            return 0;
    }
    return 1;
}

static int selector_empty(const cg_yaml_node *sel)
{
    const cg_yaml_node *ml = cg_yaml_get(sel, "matchLabels"), *ex = cg_yaml_get(sel, "matchExpressions");
    return (!ml || ml->n == 0) && (!ex || ex->n == 0);
}

/* "app=api,tier=web" for a key=value map (sorted as written). */
static const char *map_desc(cg_arena *a, const cg_yaml_node *m)
{
    cg_buf b = CG_BUF_INIT;
    for (size_t i = 0; m && m->kind == CG_YAML_MAP && i < m->n && i < 16; i++)
        cg_buf_printf(&b, "%s%.100s=%.100s", i ? "," : "", m->keys[i], text_or_empty(m->vals[i]));
    char *s = cg_arena_strdup(a, cg_buf_str(&b));
    cg_buf_free(&b);
    return s ? s : "";
}

static const char *selector_desc(cg_arena *a, const cg_yaml_node *sel)
{
    if (selector_empty(sel))
        return "all pods";
    const cg_yaml_node *ex = cg_yaml_get(sel, "matchExpressions");
    const char *ml = map_desc(a, cg_yaml_get(sel, "matchLabels"));
    if (!ex || ex->n == 0)
        return ml;
    return cg_arena_sprintf(a, "%s%s%zu expression%s", ml, *ml ? " and " : "", ex->n, ex->n == 1 ? "" : "s");
}

/* ---- building one workload --------------------------------------------- */

typedef struct wb {
    cg_arena *a;
    cg_vec why, ports, caps;
    int oom;
} wb;

static void why(wb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void why(wb *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cg_buf s = CG_BUF_INIT;
    if (cg_buf_vprintf(&s, fmt, ap) != CG_OK)
        b->oom = 1;
    va_end(ap);
    char *t = cg_arena_strdup(b->a, cg_buf_str(&s));
    cg_buf_free(&s);
    if (!t || !cg_vec_push(&b->why, &t, sizeof t))
        b->oom = 1;
}

static void add_port(wb *b, const cg_yaml_node *map, const char *key)
{
    int64_t v;
    if (cg_yaml_int(cg_yaml_get(map, key), &v) == 0 && v > 0 && v <= 65535) {
        int32_t p = (int32_t)v;
        if (!cg_vec_push(&b->ports, &p, sizeof p))
            b->oom = 1;
    }
}

static int int32_cmp(const void *x, const void *y)
{
    int32_t p = *(const int32_t *)x, q = *(const int32_t *)y;
    return (p > q) - (p < q);
}

/* "prod/api" or "api" for cluster-scoped objects */
static const char *qname(cg_arena *a, const k8s_obj *o)
{
    return *o->ns ? cg_arena_sprintf(a, "%s/%s", o->ns, o->name) : o->name;
}

static int yes(const cg_yaml_node *map, const char *key)
{
    return cg_yaml_bool(cg_yaml_get(map, key)) == 1;
}

/* NetworkPolicy peers that admit everything: an empty peer, an ipBlock of
 * 0.0.0.0/0 or ::/0, or every pod of every namespace. */
static int peer_is_anyone(const cg_yaml_node *p)
{
    const cg_yaml_node *ip = cg_yaml_get(p, "ipBlock"), *ns = cg_yaml_get(p, "namespaceSelector"),
                       *pod = cg_yaml_get(p, "podSelector");
    if (ip) {
        const char *cidr = cg_yaml_str(ip, "cidr");
        return cidr && (!strcmp(cidr, "0.0.0.0/0") || !strcmp(cidr, "::/0"));
    }
    if (ns)
        return selector_empty(ns) && (!pod || selector_empty(pod));
    return !pod; /* a podSelector alone is this namespace's pods only */
}

/* A rule admits any source (ingress) / any destination (egress): no peers
 * listed, or one peer that is anyone.  For egress, ports also narrow it. */
static int rule_allows_all(const cg_yaml_node *rule, const char *peers_key, int ports_narrow)
{
    const cg_yaml_node *peers = cg_yaml_get(rule, peers_key), *ports = cg_yaml_get(rule, "ports");
    if (ports_narrow && ports && ports->kind == CG_YAML_SEQ && ports->n > 0)
        return 0;
    if (!peers || peers->kind != CG_YAML_SEQ || peers->n == 0)
        return 1;
    for (size_t i = 0; i < peers->n; i++)
        if (peer_is_anyone(peers->vals[i]))
            return 1;
    return 0;
}

static int has_type(const cg_yaml_node *spec, const char *t)
{
    const cg_yaml_node *pt = cg_yaml_get(spec, "policyTypes");
    for (size_t i = 0; pt && pt->kind == CG_YAML_SEQ && i < pt->n; i++)
        if (!strcmp(pt->vals[i]->str, t))
            return 1;
    return 0;
}

/* Kubernetes' defaulting: without policyTypes a policy is an Ingress policy,
 * and an Egress one too when it has egress rules. */
static int np_ingress(const cg_yaml_node *spec)
{
    return cg_yaml_get(spec, "policyTypes") ? has_type(spec, "Ingress") : 1;
}

static int np_egress(const cg_yaml_node *spec)
{
    const cg_yaml_node *eg = cg_yaml_get(spec, "egress");
    return cg_yaml_get(spec, "policyTypes") ? has_type(spec, "Egress") : eg && eg->kind == CG_YAML_SEQ && eg->n;
}

static const k8s_obj *find(const cg_k8s_context *ctx, k8s_kind k, int cluster, const char *ns, const char *name)
{
    const k8s_obj *o = ctx->objs.v;
    for (size_t i = ctx->objs.n; i-- > 0;) /* the last definition wins */
        if (o[i].k == k && o[i].cluster == cluster && !strcmp(o[i].ns, ns) && !strcmp(o[i].name, name))
            return &o[i];
    return NULL;
}

static int svc_selects(const k8s_obj *svc, const k8s_obj *pod)
{
    const cg_yaml_node *sel = cg_yaml_get(cg_yaml_get(svc->root, "spec"), "selector");
    return !strcmp(svc->ns, pod->ns) && sel && sel->kind == CG_YAML_MAP && sel->n > 0 &&
           map_subset(sel, cg_yaml_get(pod->pod_meta, "labels"));
}

/* Does a Service port's targetPort (a number or a port name; the port itself
 * when absent) land on this container?  When no container of the pod
 * declares ports, any container may be listening: yes. */
static int target_is(const cg_yaml_node *sp, const cg_yaml_node *pod_spec, const cg_yaml_node *ct)
{
    const cg_yaml_node *tp = cg_yaml_get(sp, "targetPort");
    if (!tp || cg_yaml_is_null(tp))
        tp = cg_yaml_get(sp, "port");
    const char *t = text_or_empty(tp);
    const cg_yaml_node *all = cg_yaml_get(pod_spec, "containers");
    int any_ports = 0;
    for (size_t i = 0; all && all->kind == CG_YAML_SEQ && i < all->n; i++) {
        const cg_yaml_node *ps = cg_yaml_get(all->vals[i], "ports");
        any_ports |= ps && ps->kind == CG_YAML_SEQ && ps->n > 0;
    }
    if (!any_ports)
        return 1;
    const cg_yaml_node *ps = cg_yaml_get(ct, "ports");
    for (size_t i = 0; ps && ps->kind == CG_YAML_SEQ && i < ps->n; i++)
        if (!strcmp(text_or_empty(cg_yaml_get(ps->vals[i], "containerPort")), t) ||
            !strcmp(text_or_empty(cg_yaml_get(ps->vals[i], "name")), t))
            return 1;
    return 0;
}

static void svc_ports(wb *b, const k8s_obj *svc, const k8s_obj *pod, const cg_yaml_node *ct, int external)
{
    const cg_yaml_node *ports = cg_yaml_get(cg_yaml_get(svc->root, "spec"), "ports");
    for (size_t i = 0; ports && ports->kind == CG_YAML_SEQ && i < ports->n; i++) {
        if (!target_is(ports->vals[i], pod->pod_spec, ct))
            continue;
        add_port(b, ports->vals[i], "port");
        if (external)
            add_port(b, ports->vals[i], "nodePort");
    }
}

/* Services an Ingress routes to: v1 (backend.service.name) and the older
 * extensions/v1beta1 form (backend.serviceName), default backend included. */
static int ingress_routes_to(const k8s_obj *ing, const char *svc, int *line)
{
    const cg_yaml_node *spec = cg_yaml_get(ing->root, "spec");
    const cg_yaml_node *backs[2] = {cg_yaml_get(spec, "defaultBackend"), cg_yaml_get(spec, "backend")};
    for (int i = 0; i < 2; i++) {
        const char *n = cg_yaml_str(cg_yaml_get(backs[i], "service"), "name");
        if (!n)
            n = cg_yaml_str(backs[i], "serviceName");
        if (n && !strcmp(n, svc)) {
            *line = backs[i]->line;
            return 1;
        }
    }
    const cg_yaml_node *rules = cg_yaml_get(spec, "rules");
    for (size_t r = 0; rules && rules->kind == CG_YAML_SEQ && r < rules->n; r++) {
        const cg_yaml_node *paths = cg_yaml_get(cg_yaml_get(rules->vals[r], "http"), "paths");
        for (size_t p = 0; paths && paths->kind == CG_YAML_SEQ && p < paths->n; p++) {
            const cg_yaml_node *be = cg_yaml_get(paths->vals[p], "backend");
            const char *n = cg_yaml_str(cg_yaml_get(be, "service"), "name");
            if (!n)
                n = cg_yaml_str(be, "serviceName");
            if (n && !strcmp(n, svc)) {
                *line = be->line;
                return 1;
            }
        }
    }
    return 0;
}

static void derive_reach(wb *b, const cg_k8s_context *ctx, const k8s_obj *pod, const cg_yaml_node *ct,
                         cg_workload *w)
{
    const k8s_obj *objs = ctx->objs.v;
    const cg_yaml_node *spec = pod->pod_spec;
    int external = 0, has_service = 0, n_ports = 0;
    int host_net = yes(spec, "hostNetwork");

    const cg_yaml_node *cports = cg_yaml_get(ct, "ports");
    for (size_t i = 0; cports && cports->kind == CG_YAML_SEQ && i < cports->n; i++) {
        const cg_yaml_node *p = cports->vals[i];
        int64_t hp;
        add_port(b, p, "containerPort");
        n_ports++;
        if (cg_yaml_int(cg_yaml_get(p, "hostPort"), &hp) == 0 && hp > 0) {
            add_port(b, p, "hostPort");
            external = 1;
            why(b, "container %s: hostPort %lld binds the node's address (%s:%d)", w->container, (long long)hp,
                pod->file, cg_yaml_key_line(p, "hostPort"));
        }
    }
    if (host_net && n_ports) {
        external = 1;
        why(b, "hostNetwork: the container's ports listen on the node's address (%s:%d)", pod->file,
            cg_yaml_key_line(spec, "hostNetwork"));
    }

    for (size_t i = 0; i < ctx->objs.n; i++) {
        const k8s_obj *s = &objs[i];
        if (s->k != K_SERVICE || !svc_selects(s, pod))
            continue;
        const cg_yaml_node *sspec = cg_yaml_get(s->root, "spec");
        const char *type = cg_yaml_str(sspec, "type");
        const char *sel = map_desc(b->a, cg_yaml_get(sspec, "selector"));
        int ext = type && (!strcmp(type, "LoadBalancer") || !strcmp(type, "NodePort"));
        has_service = 1;
        svc_ports(b, s, pod, ct, ext);
        why(b, "Service %s type %s selects %s (%s)", qname(b->a, s), type ? type : "ClusterIP", sel, s->src);
        if (ext)
            external = 1;
        for (size_t j = 0; j < ctx->objs.n; j++) {
            int line = 0;
            if (objs[j].k == K_INGRESS && !strcmp(objs[j].ns, s->ns) && ingress_routes_to(&objs[j], s->name, &line)) {
                external = 1;
                why(b, "Ingress %s routes to Service %s (%s:%d)", qname(b->a, &objs[j]), qname(b->a, s),
                    objs[j].file, line);
            }
        }
    }
    if (!has_service)
        why(b, "no Service selects the pods");

    int n_in = 0, in_rules = 0, in_open = 0, n_eg = 0, eg_open = 0;
    for (size_t i = 0; i < ctx->objs.n; i++) {
        const k8s_obj *np = &objs[i];
        if (np->k != K_NETPOL || strcmp(np->ns, pod->ns))
            continue;
        const cg_yaml_node *nspec = cg_yaml_get(np->root, "spec");
        const cg_yaml_node *psel = cg_yaml_get(nspec, "podSelector");
        if (!selector_matches(psel, cg_yaml_get(pod->pod_meta, "labels")))
            continue;
        const char *seld = selector_desc(b->a, psel);
        if (np_ingress(nspec)) {
            const cg_yaml_node *rules = cg_yaml_get(nspec, "ingress");
            size_t nr = rules && rules->kind == CG_YAML_SEQ ? rules->n : 0, open = 0;
            for (size_t r = 0; r < nr; r++)
                open += (size_t)rule_allows_all(rules->vals[r], "from", 0);
            n_in++;
            in_rules += (int)nr;
            in_open += open > 0;
            if (nr == 0)
                why(b, "NetworkPolicy %s selects %s and allows no ingress (%s)", qname(b->a, np), seld, np->src);
            else if (open)
                why(b, "NetworkPolicy %s selects %s but an ingress rule admits any source (%s)", qname(b->a, np),
                    seld, np->src);
            else
                why(b, "NetworkPolicy %s selects %s and restricts ingress to %zu rule%s (%s)", qname(b->a, np),
                    seld, nr, nr == 1 ? "" : "s", np->src);
        }
        if (np_egress(nspec)) {
            const cg_yaml_node *rules = cg_yaml_get(nspec, "egress");
            size_t nr = rules && rules->kind == CG_YAML_SEQ ? rules->n : 0, open = 0;
            for (size_t r = 0; r < nr; r++)
                open += (size_t)rule_allows_all(rules->vals[r], "to", 1);
            n_eg++;
            eg_open += open > 0;
            why(b, "NetworkPolicy %s %s egress (%s)", qname(b->a, np),
                open ? "allows all" : nr ? "restricts" : "denies all", np->src);
        }
    }
    if (host_net && (n_in || n_eg)) {
        why(b, "hostNetwork: NetworkPolicies do not apply to the pod");
        n_in = n_eg = 0;
    }
    int restricted = n_in > 0 && in_open == 0, denied = n_in > 0 && in_rules == 0;
    w->egress_restricted = n_eg > 0 && eg_open == 0;

    if (external && !denied)
        w->reach = CG_REACH_INTERNET;
    else if (denied && n_ports == 0 && !has_service)
        w->reach = CG_REACH_NONE;
    else if (restricted)
        w->reach = CG_REACH_ISOLATED;
    else
        w->reach = CG_REACH_CLUSTER;
    if (external && denied)
        why(b, "exposed outside the cluster, but every ingress is denied: counted as isolated");
    if (w->reach == CG_REACH_CLUSTER && n_in == 0)
        why(b, "no NetworkPolicy restricts ingress: reachable from any pod in the cluster");
}

static void upper_cap(char *s)
{
    for (char *p = s; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
}

static void derive_privilege(wb *b, const k8s_obj *pod, const cg_yaml_node *ct, cg_workload *w)
{
    const cg_yaml_node *spec = pod->pod_spec;
    const cg_yaml_node *psc = cg_yaml_get(spec, "securityContext"), *csc = cg_yaml_get(ct, "securityContext");
    const char *f = pod->file;
    const char *hk[] = {"hostNetwork", "hostPID", "hostIPC"};
    int *hv[] = {&w->host_network, &w->host_pid, &w->host_ipc};
    for (int i = 0; i < 3; i++)
        if ((*hv[i] = yes(spec, hk[i])))
            why(b, "%s: true (%s:%d)", hk[i], f, cg_yaml_key_line(spec, hk[i]));
    if ((w->privileged = yes(csc, "privileged")))
        why(b, "container %s: privileged: true (%s:%d)", w->container, f, cg_yaml_key_line(csc, "privileged"));

    /* runs as root: runAsNonRoot is not true and runAsUser is absent or 0,
     * the container's securityContext overriding the pod's field by field */
    const cg_yaml_node *nr = cg_yaml_get(csc, "runAsNonRoot");
    const cg_yaml_node *nr_from = csc;
    if (!nr || cg_yaml_is_null(nr))
        nr = cg_yaml_get(psc, "runAsNonRoot"), nr_from = psc;
    const cg_yaml_node *uid = cg_yaml_get(csc, "runAsUser");
    const cg_yaml_node *uid_from = csc;
    if (!uid || cg_yaml_is_null(uid))
        uid = cg_yaml_get(psc, "runAsUser"), uid_from = psc;
    int64_t u = -1;
    int has_uid = cg_yaml_int(uid, &u) == 0;
    if (cg_yaml_bool(nr) == 1) {
        w->runs_as_root = 0;
        why(b, "container %s: runAsNonRoot: true (%s:%d)", w->container, f, cg_yaml_key_line(nr_from, "runAsNonRoot"));
    } else if (has_uid && u != 0) {
        w->runs_as_root = 0;
        why(b, "container %s: runAsUser: %lld (%s:%d)", w->container, (long long)u, f,
            cg_yaml_key_line(uid_from, "runAsUser"));
    } else {
        w->runs_as_root = 1;
        if (has_uid)
            why(b, "container %s: runs as root: runAsUser: 0 (%s:%d)", w->container, f,
                cg_yaml_key_line(uid_from, "runAsUser"));
        else
            why(b, "container %s: runs as root: neither runAsNonRoot: true nor runAsUser is set (the image's "
                   "USER is not consulted)", w->container);
    }

    const cg_yaml_node *add = cg_yaml_get(cg_yaml_get(csc, "capabilities"), "add");
    int sys_admin = 0;
    for (size_t i = 0; add && add->kind == CG_YAML_SEQ && i < add->n; i++) {
        const char *c = text_or_empty(add->vals[i]);
        if (!strncmp(c, "CAP_", 4) || !strncmp(c, "cap_", 4))
            c += 4;
        char *cap = cg_arena_strdup(b->a, c);
        if (!cap || !*cap) {
            b->oom |= !cap;
            continue;
        }
        upper_cap(cap);
        sys_admin |= !strcmp(cap, "SYS_ADMIN") || !strcmp(cap, "ALL");
        if (!cg_vec_push(&b->caps, &cap, sizeof cap))
            b->oom = 1;
    }
    if (add && add->n)
        why(b, "container %s: adds capabilities (%s:%d)", w->container, f, add->line);

    /* allowPrivilegeEscalation: Kubernetes' default is true; it is always
     * true for a privileged container or one with CAP_SYS_ADMIN */
    const cg_yaml_node *ape = cg_yaml_get(csc, "allowPrivilegeEscalation");
    w->allow_privilege_escalation = cg_yaml_bool(ape) != 0 || w->privileged || sys_admin;
    if (w->allow_privilege_escalation && cg_yaml_bool(ape) != 1)
        why(b, "container %s: privilege escalation allowed (%s)", w->container,
            cg_yaml_bool(ape) == 0 ? "privileged or CAP_SYS_ADMIN overrides allowPrivilegeEscalation: false"
                                   : "allowPrivilegeEscalation not set; the default is true");
    else if (w->allow_privilege_escalation)
        why(b, "container %s: allowPrivilegeEscalation: true (%s:%d)", w->container, f,
            cg_yaml_key_line(csc, "allowPrivilegeEscalation"));
}

/* Does this RBAC subject name the pod's service account? */
static int subject_is(const cg_yaml_node *s, const k8s_obj *bind, const char *ns, const char *sa)
{
    const char *kind = cg_yaml_str(s, "kind"), *name = cg_yaml_str(s, "name");
    if (!kind || !name)
        return 0;
    if (!strcmp(kind, "ServiceAccount")) {
        const char *sns = cg_yaml_str(s, "namespace");
        if (!sns || !*sns)
            sns = bind->ns; /* the authorizer's default: the binding's namespace */
        return !strcmp(name, sa) && !strcmp(sns, ns);
    }
    if (!strcmp(kind, "Group")) {
        if (!strcmp(name, "system:serviceaccounts"))
            return 1;
        return !strncmp(name, "system:serviceaccounts:", 23) && !strcmp(name + 23, ns);
    }
    if (!strcmp(kind, "User")) {
        char buf[600];
        snprintf(buf, sizeof buf, "system:serviceaccount:%.250s:%.250s", ns, sa);
        return !strcmp(name, buf);
    }
    return 0;
}

static int rules_wildcard(const cg_yaml_node *rules)
{
    for (size_t i = 0; rules && rules->kind == CG_YAML_SEQ && i < rules->n; i++) {
        const char *keys[] = {"verbs", "resources"};
        for (int k = 0; k < 2; k++) {
            const cg_yaml_node *l = cg_yaml_get(rules->vals[i], keys[k]);
            for (size_t j = 0; l && l->kind == CG_YAML_SEQ && j < l->n; j++)
                if (!strcmp(text_or_empty(l->vals[j]), "*"))
                    return 1;
        }
    }
    return 0;
}

static void derive_sa(wb *b, const cg_k8s_context *ctx, const k8s_obj *pod, cg_workload *w)
{
    const cg_yaml_node *spec = pod->pod_spec;
    const char *sa = cg_yaml_str(spec, "serviceAccountName");
    if (!sa || !*sa)
        sa = cg_yaml_str(spec, "serviceAccount");
    if (!sa || !*sa)
        sa = "default";
    w->service_account = sa;
    const k8s_obj *sao = find(ctx, K_SA, 0, pod->ns, sa);
    int pod_am = cg_yaml_bool(cg_yaml_get(spec, "automountServiceAccountToken"));
    int sa_am = sao ? cg_yaml_bool(cg_yaml_get(sao->root, "automountServiceAccountToken")) : -1;
    if (pod_am >= 0) {
        w->sa_token_automounted = pod_am;
        why(b, "pod spec sets automountServiceAccountToken: %s (%s:%d)%s", pod_am ? "true" : "false", pod->file,
            cg_yaml_key_line(spec, "automountServiceAccountToken"),
            sa_am >= 0 && sa_am != pod_am ? ", overriding its ServiceAccount" : "");
    } else if (sa_am >= 0) {
        w->sa_token_automounted = sa_am;
        why(b, "ServiceAccount %s/%s sets automountServiceAccountToken: %s (%s)", pod->ns, sa,
            sa_am ? "true" : "false", sao->src);
    } else {
        w->sa_token_automounted = 1;
        why(b, "service account %s/%s token automounted (the Kubernetes default)", pod->ns, sa);
    }

    const k8s_obj *objs = ctx->objs.v;
    for (size_t i = 0; i < ctx->objs.n; i++) {
        const k8s_obj *bd = &objs[i];
        if (bd->k != K_BINDING || (!bd->cluster && strcmp(bd->ns, pod->ns)))
            continue;
        const cg_yaml_node *subj = cg_yaml_get(bd->root, "subjects");
        int hit = 0;
        for (size_t s = 0; !hit && subj && subj->kind == CG_YAML_SEQ && s < subj->n; s++)
            hit = subject_is(subj->vals[s], bd, pod->ns, sa);
        if (!hit)
            continue;
        const cg_yaml_node *ref = cg_yaml_get(bd->root, "roleRef");
        const char *rk = cg_yaml_str(ref, "kind"), *rn = cg_yaml_str(ref, "name");
        if (!rk || !rn)
            continue;
        int cluster_role = !strcmp(rk, "ClusterRole");
        if (cluster_role && !strcmp(rn, "cluster-admin")) {
            w->sa_wildcard = 1;
            if (bd->cluster) {
                w->sa_cluster_admin = 1;
                why(b, "ServiceAccount %s/%s bound to ClusterRole cluster-admin by ClusterRoleBinding %s (%s)",
                    pod->ns, sa, bd->name, bd->src);
            } else {
                why(b, "ServiceAccount %s/%s bound to ClusterRole cluster-admin in namespace %s by RoleBinding %s (%s)",
                    pod->ns, sa, bd->ns, qname(b->a, bd), bd->src);
            }
            continue;
        }
        const k8s_obj *role = find(ctx, K_ROLE, cluster_role, cluster_role ? "" : bd->ns, rn);
        if (role && rules_wildcard(cg_yaml_get(role->root, "rules"))) {
            w->sa_wildcard = 1;
            why(b, "ServiceAccount %s/%s bound to %s %s granting \"*\" verbs or resources by %s %s (%s, %s)", pod->ns,
                sa, rk, qname(b->a, role), bd->kind, qname(b->a, bd), bd->src, role->src);
        }
    }
}

static cg_status derive_container(cg_k8s_context *ctx, const k8s_obj *pod, const cg_yaml_node *ct)
{
    wb b = {.a = ctx->a};
    k8s_wl wl = {0};
    cg_workload *w = &wl.w;
    w->kind = pod->kind;
    w->namespace_ = pod->ns;
    w->name = pod->name;
    w->source = pod->src;
    const char *cname = cg_yaml_str(ct, "name");
    w->container = cname ? cname : "(unnamed)";
    wl.image = cg_yaml_str(ct, "image");
    if (!wl.image || k8s_image_parse(ctx->a, wl.image, &wl.img) != 0)
        return CG_OK; /* no usable image: nothing can match it */
    derive_reach(&b, ctx, pod, ct, w);
    derive_privilege(&b, pod, ct, w);
    derive_sa(&b, ctx, pod, w);
    if (!b.oom && b.ports.n) {
        qsort(b.ports.v, b.ports.n, sizeof(int32_t), int32_cmp);
        int32_t *p = b.ports.v;
        size_t k = 0;
        for (size_t i = 0; i < b.ports.n; i++)
            if (k == 0 || p[k - 1] != p[i])
                p[k++] = p[i];
        w->ports = cg_arena_memdup(ctx->a, p, k * sizeof *p);
        w->n_ports = k;
        b.oom |= !w->ports;
    }
    if (!b.oom && b.caps.n) {
        qsort(b.caps.v, b.caps.n, sizeof(char *), cg_strptr_cmp);
        char **c = b.caps.v;
        size_t k = 0;
        for (size_t i = 0; i < b.caps.n; i++)
            if (k == 0 || strcmp(c[k - 1], c[i]))
                c[k++] = c[i];
        w->added_caps = cg_arena_memdup(ctx->a, c, k * sizeof *c);
        w->n_added_caps = k;
        b.oom |= !w->added_caps;
    }
    if (!b.oom && b.why.n) {
        w->why = cg_arena_memdup(ctx->a, b.why.v, b.why.n * sizeof(char *));
        w->n_why = b.why.n;
        b.oom |= !w->why;
    }
    free(b.why.v);
    free(b.ports.v);
    free(b.caps.v);
    if (b.oom || !cg_vec_push(&ctx->wls, &wl, sizeof wl))
        return CG_ERR_NOMEM;
    return CG_OK;
}

cg_status k8s_derive(cg_k8s_context *ctx, cg_error *err)
{
    const k8s_obj *objs = ctx->objs.v;
    for (size_t i = 0; i < ctx->objs.n; i++) {
        if (objs[i].k != K_POD_WORKLOAD)
            continue;
        const char *lists[] = {"initContainers", "containers"};
        for (int l = 0; l < 2; l++) {
            const cg_yaml_node *cs = cg_yaml_get(objs[i].pod_spec, lists[l]);
            for (size_t c = 0; cs && cs->kind == CG_YAML_SEQ && c < cs->n; c++)
                if (derive_container(ctx, &objs[i], cs->vals[c]) != CG_OK)
                    return cg_error_set(err, CG_ERR_NOMEM, "Kubernetes context: out of memory");
        }
    }
    return CG_OK;
}

/* ---- public API ---------------------------------------------------------- */

cg_status cg_k8s_load(const char *const *paths, size_t n, cg_arena *a, cg_k8s_context **out, cg_error *err)
{
    *out = NULL;
    cg_k8s_context *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    ctx->a = a;
    size_t total = 0, files = 0;
    cg_status st = CG_OK;
    for (size_t i = 0; st == CG_OK && i < n; i++)
        st = k8s_load_path(ctx, paths[i], &total, &files, err);
    if (st == CG_OK)
        st = k8s_derive(ctx, err);
    if (st != CG_OK) {
        cg_k8s_free(ctx);
        return st;
    }
    if (ctx->ignored.n > 1)
        qsort(ctx->ignored.v, ctx->ignored.n, sizeof(char *), cg_strptr_cmp);
    *out = ctx;
    return CG_OK;
}

static int wl_cmp(const void *x, const void *y)
{
    const cg_workload *p = x, *q = y;
    int c = strcmp(p->namespace_, q->namespace_);
    if (!c)
        c = strcmp(p->kind, q->kind);
    if (!c)
        c = strcmp(p->name, q->name);
    if (!c)
        c = strcmp(p->container, q->container);
    if (!c)
        c = strcmp(p->source, q->source);
    return c;
}

cg_status cg_k8s_workloads_for(const cg_k8s_context *ctx, const char *image_repo, const char *image_tag,
                               const char *image_digest, cg_arena *a, cg_workload **out, size_t *n, cg_error *err)
{
    *out = NULL;
    *n = 0;
    k8s_image q;
    if (!ctx || !image_repo || k8s_image_parse(a, image_repo, &q) != 0)
        return cg_error_set(err, CG_ERR_USAGE, "image reference \"%.200s\" cannot be parsed",
                            image_repo ? image_repo : "");
    if (image_tag && *image_tag)
        q.tag = image_tag;
    if (image_digest && *image_digest) {
        char *d = cg_arena_strdup(a, image_digest);
        for (char *p = d; p && *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
        q.digest = d;
    }
    const k8s_wl *wls = ctx->wls.v;
    size_t m = 0;
    for (size_t i = 0; i < ctx->wls.n; i++)
        m += (size_t)k8s_image_match(&wls[i].img, &q);
    if (m == 0)
        return CG_OK;
    cg_workload *res = cg_arena_calloc(a, m, sizeof *res);
    if (!res)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < ctx->wls.n; i++)
        if (k8s_image_match(&wls[i].img, &q))
            res[k++] = wls[i].w; /* strings and arrays live in the context's arena */
    if (k > 1)
        qsort(res, k, sizeof *res, wl_cmp);
    *out = res;
    *n = k;
    return CG_OK;
}

size_t cg_k8s_ignored(const cg_k8s_context *ctx, const char *const **out)
{
    *out = ctx ? (const char *const *)ctx->ignored.v : NULL;
    return ctx ? ctx->ignored.n : 0;
}

void cg_k8s_free(cg_k8s_context *ctx)
{
    if (!ctx)
        return;
    free(ctx->objs.v);
    free(ctx->ignored.v);
    free(ctx->wls.v);
    free(ctx);
}

/*
 * k8s_check.c - type checks of the manifest fields the exposure derivation
 * reads.  A field of the wrong type (privileged: "yes", containers: a string,
 * an unknown selector operator) is an error naming FILE:LINE and the field:
 * reading it leniently would turn a malformed manifest into a "safe" verdict.
 * Fields we do not read are not checked; Kubernetes' own validation is not
 * reproduced.
 */
#include <stdio.h>
#include <string.h>

#include "policy/k8s_internal.h"

typedef struct chk {
    const k8s_obj *o;
    cg_error *err;
} chk;

static const char *kind_name(cg_yaml_kind k)
{
    return k == CG_YAML_MAP ? "a mapping" : k == CG_YAML_SEQ ? "a list" : "a scalar";
}

static cg_status bad(chk *c, const cg_yaml_node *n, const char *field, const char *what)
{
    return cg_error_set(c->err, CG_ERR_INPUT, "%s:%d: %s %s%s%s: %s is %s", c->o->file, n ? n->line : c->o->line,
                        c->o->kind, *c->o->ns ? c->o->ns : "", *c->o->ns ? "/" : "", c->o->name, field, what);
}

/* n, when present and not null, must be of kind k. */
static cg_status want(chk *c, const cg_yaml_node *n, cg_yaml_kind k, const char *field)
{
    if (!n || cg_yaml_is_null(n) || n->kind == k)
        return CG_OK;
    char msg[64];
    snprintf(msg, sizeof msg, "not %s", kind_name(k));
    return bad(c, n, field, msg);
}

static cg_status want_bool(chk *c, const cg_yaml_node *map, const char *key)
{
    const cg_yaml_node *n = cg_yaml_get(map, key);
    if (!n || cg_yaml_is_null(n) || cg_yaml_bool(n) >= 0)
        return CG_OK;
    return bad(c, n, key, "not true or false");
}

static cg_status want_int(chk *c, const cg_yaml_node *map, const char *key)
{
    const cg_yaml_node *n = cg_yaml_get(map, key);
    int64_t v;
    if (!n || cg_yaml_is_null(n) || cg_yaml_int(n, &v) == 0)
        return CG_OK;
    return bad(c, n, key, "not an integer");
}

static cg_status want_str_list(chk *c, const cg_yaml_node *map, const char *key)
{
    const cg_yaml_node *n = cg_yaml_get(map, key);
    cg_status st = want(c, n, CG_YAML_SEQ, key);
    for (size_t i = 0; st == CG_OK && n && n->kind == CG_YAML_SEQ && i < n->n; i++)
        st = want(c, n->vals[i], CG_YAML_SCALAR, key);
    return st;
}

/* Each item of map[key] (a list) must be a mapping; calls f on each. */
static cg_status each_map(chk *c, const cg_yaml_node *map, const char *key,
                          cg_status (*f)(chk *, const cg_yaml_node *))
{
    const cg_yaml_node *n = cg_yaml_get(map, key);
    cg_status st = want(c, n, CG_YAML_SEQ, key);
    for (size_t i = 0; st == CG_OK && n && n->kind == CG_YAML_SEQ && i < n->n; i++) {
        st = want(c, n->vals[i], CG_YAML_MAP, key);
        if (st == CG_OK && f && n->vals[i]->kind == CG_YAML_MAP)
            st = f(c, n->vals[i]);
    }
    return st;
}

static cg_status check_port(chk *c, const cg_yaml_node *p)
{
    cg_status st = want_int(c, p, "containerPort");
    if (st == CG_OK)
        st = want_int(c, p, "hostPort");
    if (st == CG_OK)
        st = want_int(c, p, "nodePort");
    if (st == CG_OK && cg_yaml_get(p, "port") && cg_yaml_get(p, "port")->kind != CG_YAML_MAP)
        st = want_int(c, p, "port");
    return st;
}

static cg_status check_secctx(chk *c, const cg_yaml_node *sc)
{
    cg_status st = want(c, sc, CG_YAML_MAP, "securityContext");
    const char *bools[] = {"privileged", "allowPrivilegeEscalation", "runAsNonRoot"};
    for (size_t i = 0; st == CG_OK && i < 3; i++)
        st = want_bool(c, sc, bools[i]);
    if (st == CG_OK)
        st = want_int(c, sc, "runAsUser");
    const cg_yaml_node *caps = cg_yaml_get(sc, "capabilities");
    if (st == CG_OK)
        st = want(c, caps, CG_YAML_MAP, "capabilities");
    if (st == CG_OK)
        st = want_str_list(c, caps, "add");
    return st;
}

static cg_status check_container(chk *c, const cg_yaml_node *ct)
{
    const cg_yaml_node *img = cg_yaml_get(ct, "image");
    cg_status st = want(c, img, CG_YAML_SCALAR, "image");
    if (st == CG_OK)
        st = each_map(c, ct, "ports", check_port);
    if (st == CG_OK)
        st = check_secctx(c, cg_yaml_get(ct, "securityContext"));
    return st;
}

static cg_status check_selector(chk *c, const cg_yaml_node *sel, const char *field)
{
    cg_status st = want(c, sel, CG_YAML_MAP, field);
    if (st == CG_OK)
        st = want(c, cg_yaml_get(sel, "matchLabels"), CG_YAML_MAP, "matchLabels");
    const cg_yaml_node *ex = cg_yaml_get(sel, "matchExpressions");
    if (st == CG_OK)
        st = want(c, ex, CG_YAML_SEQ, "matchExpressions");
    for (size_t i = 0; st == CG_OK && ex && ex->kind == CG_YAML_SEQ && i < ex->n; i++) {
        const cg_yaml_node *e = ex->vals[i];
        const char *op = cg_yaml_str(e, "operator");
        if (e->kind != CG_YAML_MAP || !cg_yaml_str(e, "key"))
            return bad(c, e, "matchExpressions", "missing a key");
        if (!op || (strcmp(op, "In") && strcmp(op, "NotIn") && strcmp(op, "Exists") && strcmp(op, "DoesNotExist")))
            return bad(c, e, "matchExpressions operator", "not In, NotIn, Exists or DoesNotExist");
        st = want_str_list(c, e, "values");
    }
    return st;
}

static cg_status check_peer(chk *c, const cg_yaml_node *p)
{
    cg_status st = check_selector(c, cg_yaml_get(p, "podSelector"), "podSelector");
    if (st == CG_OK)
        st = check_selector(c, cg_yaml_get(p, "namespaceSelector"), "namespaceSelector");
    if (st == CG_OK)
        st = want(c, cg_yaml_get(p, "ipBlock"), CG_YAML_MAP, "ipBlock");
    return st;
}

static cg_status check_in_rule(chk *c, const cg_yaml_node *r)
{
    cg_status st = each_map(c, r, "from", check_peer);
    return st == CG_OK ? each_map(c, r, "ports", NULL) : st;
}

static cg_status check_out_rule(chk *c, const cg_yaml_node *r)
{
    cg_status st = each_map(c, r, "to", check_peer);
    return st == CG_OK ? each_map(c, r, "ports", NULL) : st;
}

static cg_status check_rule(chk *c, const cg_yaml_node *r)
{
    cg_status st = want_str_list(c, r, "verbs");
    return st == CG_OK ? want_str_list(c, r, "resources") : st;
}

cg_status k8s_check_object(const k8s_obj *o, cg_error *err)
{
    chk c = {o, err};
    const cg_yaml_node *spec = cg_yaml_get(o->root, "spec");
    cg_status st = want(&c, spec, CG_YAML_MAP, "spec");
    switch (o->k) {
    case K_POD_WORKLOAD: {
        if (st != CG_OK)
            return st;
        if (!o->pod_spec || o->pod_spec->kind != CG_YAML_MAP)
            return bad(&c, o->pod_spec ? o->pod_spec : o->root, "pod spec", "missing or not a mapping");
        st = want(&c, o->pod_meta, CG_YAML_MAP, "template metadata");
        if (st == CG_OK)
            st = want(&c, cg_yaml_get(o->pod_meta, "labels"), CG_YAML_MAP, "labels");
        const char *bools[] = {"hostNetwork", "hostPID", "hostIPC", "automountServiceAccountToken"};
        for (size_t i = 0; st == CG_OK && i < 4; i++)
            st = want_bool(&c, o->pod_spec, bools[i]);
        const cg_yaml_node *psc = cg_yaml_get(o->pod_spec, "securityContext");
        if (st == CG_OK)
            st = want(&c, psc, CG_YAML_MAP, "securityContext");
        if (st == CG_OK)
            st = want_bool(&c, psc, "runAsNonRoot");
        if (st == CG_OK)
            st = want_int(&c, psc, "runAsUser");
        if (st == CG_OK)
            st = each_map(&c, o->pod_spec, "containers", check_container);
        if (st == CG_OK)
            st = each_map(&c, o->pod_spec, "initContainers", check_container);
        return st;
    }
    case K_SERVICE:
        if (st == CG_OK)
            st = want(&c, cg_yaml_get(spec, "type"), CG_YAML_SCALAR, "type");
        if (st == CG_OK)
            st = want(&c, cg_yaml_get(spec, "selector"), CG_YAML_MAP, "selector");
        if (st == CG_OK)
            st = each_map(&c, spec, "ports", check_port);
        return st;
    case K_INGRESS:
        if (st == CG_OK)
            st = each_map(&c, spec, "rules", NULL);
        return st;
    case K_NETPOL:
        if (st == CG_OK)
            st = check_selector(&c, cg_yaml_get(spec, "podSelector"), "podSelector");
        if (st == CG_OK)
            st = want_str_list(&c, spec, "policyTypes");
        for (size_t i = 0; st == CG_OK && cg_yaml_get(spec, "policyTypes") &&
                           i < cg_yaml_get(spec, "policyTypes")->n; i++) {
            const cg_yaml_node *t = cg_yaml_get(spec, "policyTypes")->vals[i];
            if (strcmp(t->str, "Ingress") && strcmp(t->str, "Egress"))
                st = bad(&c, t, "policyTypes", "not Ingress or Egress");
        }
        if (st == CG_OK)
            st = each_map(&c, spec, "ingress", check_in_rule);
        if (st == CG_OK)
            st = each_map(&c, spec, "egress", check_out_rule);
        return st;
    case K_SA:
        return want_bool(&c, o->root, "automountServiceAccountToken");
    case K_ROLE:
        return each_map(&c, o->root, "rules", check_rule);
    case K_BINDING:
        st = want(&c, cg_yaml_get(o->root, "roleRef"), CG_YAML_MAP, "roleRef");
        return st == CG_OK ? each_map(&c, o->root, "subjects", NULL) : st;
    }
    return st;
}

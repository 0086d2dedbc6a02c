/*
 * k8s_pss.c - the Kubernetes Pod Security Standards (baseline and
 * restricted, as the upstream "Pod Security Standards" page defines each
 * control) as checks on the pod specs of Pod, Deployment, StatefulSet,
 * DaemonSet, ReplicaSet, ReplicationController, Job and CronJob manifests.
 * Every finding names the workload and container and carries the line of the
 * offending field.  Manifests are read with the project's YAML reader
 * (bounded, line numbers); other kinds are ignored.
 */
#include <stdio.h>
#include <string.h>

#include "lint/lint_int.h"
#include "core/yaml.h"

typedef struct pctx {
    lint_ctx x;
    const char *kind, *name;
} pctx;

static int truthy(const cg_yaml_node *n)
{
    return n && cg_yaml_bool(n) == 1;
}

static const char *in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(s, list[i]))
            return list[i];
    return NULL;
}

static void emit(pctx *p, const char *id, int line, const char *cname, const char *what)
{
    cg_misconfig *m = lint_emit(&p->x, id, line, line, "%s %s%s%s: %s", p->kind, p->name, cname ? " container " : "",
                                cname ? cname : "", what);
    if (m)
        m->resource = cg_arena_sprintf(&p->x.out->arena, "%s/%s", p->kind, p->name);
}

const char *cg_lint_pss_level(const char *id)
{
    /* CG-K8S-001..010: the baseline controls; 011..016: restricted's additions */
    if (!id || strncmp(id, "CG-K8S-0", 8) || !cg_lint_check(id))
        return NULL;
    return strcmp(id, "CG-K8S-010") <= 0 ? "baseline" : "restricted";
}

static const cg_yaml_node *sc_get(const cg_yaml_node *sc, const char *k)
{
    return sc && sc->kind == CG_YAML_MAP ? cg_yaml_get(sc, k) : NULL;
}

static void container(pctx *p, const cg_yaml_node *c, const cg_yaml_node *pod_sc)
{
    static const char *const baseline_caps[] = {"AUDIT_WRITE", "CHOWN",  "DAC_OVERRIDE", "FOWNER",
                                                "FSETID",      "KILL",   "MKNOD",        "NET_BIND_SERVICE",
                                                "SETFCAP",     "SETGID", "SETPCAP",      "SETUID",
                                                "SYS_CHROOT"};
    const char *cn = cg_yaml_str(c, "name");
    if (!cn)
        cn = "?";
    int line = c->line;
    const cg_yaml_node *sc = cg_yaml_get(c, "securityContext");
    char msg[300];
    if (truthy(sc_get(sc, "privileged")))
        emit(p, "CG-K8S-001", cg_yaml_key_line(sc, "privileged"), cn, "securityContext.privileged is true");
    const cg_yaml_node *ports = cg_yaml_get(c, "ports");
    for (size_t i = 0; ports && ports->kind == CG_YAML_SEQ && i < ports->n; i++) {
        int64_t hp;
        const cg_yaml_node *h = cg_yaml_get(ports->vals[i], "hostPort");
        if (h && cg_yaml_int(h, &hp) == 0 && hp != 0) {
            snprintf(msg, sizeof msg, "hostPort %lld", (long long)hp);
            emit(p, "CG-K8S-004", h->line, cn, msg);
        }
    }
    const cg_yaml_node *caps = sc_get(sc, "capabilities");
    const cg_yaml_node *add = sc_get(caps, "add");
    int drops_all = 0;
    const cg_yaml_node *drop = sc_get(caps, "drop");
    for (size_t i = 0; drop && drop->kind == CG_YAML_SEQ && i < drop->n; i++) {
        const char *d = cg_yaml_text(drop->vals[i]);
        if (d && !strcmp(d, "ALL"))
            drops_all = 1;
    }
    for (size_t i = 0; add && add->kind == CG_YAML_SEQ && i < add->n; i++) {
        const char *a = cg_yaml_text(add->vals[i]);
        if (!a)
            continue;
        const char *cap = !strncmp(a, "CAP_", 4) ? a + 4 : a;
        if (!in_list(cap, baseline_caps, sizeof baseline_caps / sizeof baseline_caps[0])) {
            snprintf(msg, sizeof msg, "adds capability %s", a);
            emit(p, "CG-K8S-005", add->vals[i]->line, cn, msg);
        } else if (strcmp(cap, "NET_BIND_SERVICE")) {
            snprintf(msg, sizeof msg, "adds capability %s (restricted allows only NET_BIND_SERVICE)", a);
            emit(p, "CG-K8S-016", add->vals[i]->line, cn, msg);
        }
    }
    if (!drops_all)
        emit(p, "CG-K8S-016", sc ? sc->line : line, cn, "capabilities.drop does not include ALL");
    const cg_yaml_node *se = sc_get(sc, "seLinuxOptions");
    const char *setype = cg_yaml_str(se, "type");
    static const char *const se_ok[] = {"container_t", "container_init_t", "container_kvm_t", "container_engine_t"};
    if ((setype && !in_list(setype, se_ok, 4)) || cg_yaml_str(se, "user") || cg_yaml_str(se, "role"))
        emit(p, "CG-K8S-007", se->line, cn, "seLinuxOptions sets a custom type, user or role");
    const char *pm = cg_yaml_str(sc, "procMount");
    if (pm && strcmp(pm, "Default"))
        emit(p, "CG-K8S-008", cg_yaml_key_line(sc, "procMount"), cn, "procMount is not Default");
    const char *aa = cg_yaml_str(sc_get(sc, "appArmorProfile"), "type");
    if (aa && !strcmp(aa, "Unconfined"))
        emit(p, "CG-K8S-006", cg_yaml_key_line(sc, "appArmorProfile"), cn, "appArmorProfile is Unconfined");
    const char *seccomp = cg_yaml_str(sc_get(sc, "seccompProfile"), "type");
    const char *pseccomp = cg_yaml_str(sc_get(pod_sc, "seccompProfile"), "type");
    const char *eff = seccomp ? seccomp : pseccomp;
    if (eff && !strcmp(eff, "Unconfined"))
        emit(p, "CG-K8S-009", seccomp ? cg_yaml_key_line(sc, "seccompProfile") : cg_yaml_key_line(pod_sc, "seccompProfile"),
             cn, "seccompProfile is Unconfined");
    else if (!eff || (strcmp(eff, "RuntimeDefault") && strcmp(eff, "Localhost")))
        emit(p, "CG-K8S-015", sc ? sc->line : line, cn, "no seccompProfile RuntimeDefault or Localhost");
    const cg_yaml_node *ape = sc_get(sc, "allowPrivilegeEscalation");
    if (!ape || cg_yaml_bool(ape) != 0)
        emit(p, "CG-K8S-012", ape ? ape->line : (sc ? sc->line : line), cn,
             "allowPrivilegeEscalation is not false");
    const cg_yaml_node *rnr = sc_get(sc, "runAsNonRoot");
    const cg_yaml_node *prnr = sc_get(pod_sc, "runAsNonRoot");
    int64_t uid = -1, puid = -1;
    const cg_yaml_node *ru = sc_get(sc, "runAsUser"), *pru = sc_get(pod_sc, "runAsUser");
    if (ru)
        cg_yaml_int(ru, &uid);
    if (pru)
        cg_yaml_int(pru, &puid);
    int nonroot = rnr ? cg_yaml_bool(rnr) == 1 : prnr ? cg_yaml_bool(prnr) == 1 : 0;
    if (rnr && cg_yaml_bool(rnr) == 0)
        nonroot = 0;
    if (!nonroot && !(uid > 0 || (uid < 0 && puid > 0)))
        emit(p, "CG-K8S-013", rnr ? rnr->line : (sc ? sc->line : line), cn, "runAsNonRoot is not true");
    if (uid == 0 || (uid < 0 && puid == 0))
        emit(p, "CG-K8S-014", ru ? ru->line : pru->line, cn, "runAsUser is 0");
}

static void pod_spec(pctx *p, const cg_yaml_node *spec, const cg_yaml_node *meta)
{
    if (!spec || spec->kind != CG_YAML_MAP)
        return;
    static const char *const hostns[] = {"hostNetwork", "hostPID", "hostIPC"};
    for (size_t i = 0; i < 3; i++)
        if (truthy(cg_yaml_get(spec, hostns[i]))) {
            char m[64];
            snprintf(m, sizeof m, "%s is true", hostns[i]);
            emit(p, "CG-K8S-002", cg_yaml_key_line(spec, hostns[i]), NULL, m);
        }
    static const char *const ok_vol[] = {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
                                         "persistentVolumeClaim", "projected", "secret", "name"};
    const cg_yaml_node *vols = cg_yaml_get(spec, "volumes");
    for (size_t i = 0; vols && vols->kind == CG_YAML_SEQ && i < vols->n; i++) {
        const cg_yaml_node *v = vols->vals[i];
        if (v->kind != CG_YAML_MAP)
            continue;
        for (size_t k = 0; k < v->n; k++) {
            char m[200];
            if (!strcmp(v->keys[k], "hostPath")) {
                snprintf(m, sizeof m, "volume %s is a hostPath", cg_yaml_str(v, "name") ? cg_yaml_str(v, "name") : "?");
                emit(p, "CG-K8S-003", v->key_lines[k], NULL, m);
            } else if (!in_list(v->keys[k], ok_vol, sizeof ok_vol / sizeof ok_vol[0])) {
                snprintf(m, sizeof m, "volume type %s is not allowed under restricted", v->keys[k]);
                emit(p, "CG-K8S-011", v->key_lines[k], NULL, m);
            }
        }
    }
    const cg_yaml_node *psc = cg_yaml_get(spec, "securityContext");
    static const char *const safe_sysctls[] = {"kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
                                               "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies",
                                               "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports",
                                               "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
                                               "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"};
    const cg_yaml_node *sys = sc_get(psc, "sysctls");
    for (size_t i = 0; sys && sys->kind == CG_YAML_SEQ && i < sys->n; i++) {
        const char *nm = cg_yaml_str(sys->vals[i], "name");
        if (nm && !in_list(nm, safe_sysctls, sizeof safe_sysctls / sizeof safe_sysctls[0])) {
            char m[200];
            snprintf(m, sizeof m, "sysctl %s is not in the safe set", nm);
            emit(p, "CG-K8S-010", sys->vals[i]->line, NULL, m);
        }
    }
    const cg_yaml_node *ann = cg_yaml_get(meta, "annotations");
    for (size_t k = 0; ann && ann->kind == CG_YAML_MAP && k < ann->n; k++)
        if (!strncmp(ann->keys[k], "container.apparmor.security.beta.kubernetes.io/", 47)) {
            const char *v = cg_yaml_text(ann->vals[k]);
            if (v && strcmp(v, "runtime/default") && strncmp(v, "localhost/", 10))
                emit(p, "CG-K8S-006", ann->key_lines[k], NULL, "AppArmor annotation is not runtime/default or "
                     "localhost/*");
        }
    static const char *const lists[] = {"initContainers", "containers", "ephemeralContainers"};
    for (size_t l = 0; l < 3; l++) {
        const cg_yaml_node *cs = cg_yaml_get(spec, lists[l]);
        for (size_t i = 0; cs && cs->kind == CG_YAML_SEQ && i < cs->n; i++)
            if (cs->vals[i]->kind == CG_YAML_MAP)
                container(p, cs->vals[i], psc);
    }
}

cg_status cg_lint_k8s_file(const uint8_t *buf, size_t len, const char *path, const cg_lint_config *lc,
                           cg_findings *out, cg_error *err)
{
    cg_arena a;
    cg_arena_init(&a);
    cg_yaml_doc *docs;
    size_t nd;
    cg_status st = cg_yaml_parse(buf, len, path, NULL, &a, &docs, &nd, err);
    if (st != CG_OK) {
        cg_arena_free(&a);
        return st;
    }
    int any = 0;
    for (size_t d = 0; d < nd; d++) {
        const cg_yaml_node *r = docs[d].root;
        const char *kind = cg_yaml_str(r, "kind");
        if (!kind)
            continue;
        const cg_yaml_node *meta = cg_yaml_get(r, "metadata");
        pctx p;
        memset(&p, 0, sizeof p);
        p.x.out = out;
        p.x.target = path;
        p.x.target_type = "kubernetes";
        p.x.cfg = lc;
        p.kind = kind;
        p.name = cg_yaml_str(meta, "name") ? cg_yaml_str(meta, "name") : "?";
        const cg_yaml_node *spec = cg_yaml_get(r, "spec");
        if (!strcmp(kind, "Pod")) {
            pod_spec(&p, spec, meta);
        } else if (!strcmp(kind, "Deployment") || !strcmp(kind, "StatefulSet") || !strcmp(kind, "DaemonSet") ||
                   !strcmp(kind, "ReplicaSet") || !strcmp(kind, "ReplicationController") || !strcmp(kind, "Job")) {
            const cg_yaml_node *tpl = cg_yaml_get(spec, "template");
            pod_spec(&p, cg_yaml_get(tpl, "spec"), cg_yaml_get(tpl, "metadata"));
        } else if (!strcmp(kind, "CronJob")) {
            const cg_yaml_node *tpl = cg_yaml_get(cg_yaml_get(cg_yaml_get(spec, "jobTemplate"), "spec"), "template");
            pod_spec(&p, cg_yaml_get(tpl, "spec"), cg_yaml_get(tpl, "metadata"));
        } else {
            continue;
        }
        any = 1;
    }
    if (any && cg_findings_add_target(out, path, "kubernetes", lint_count_checks(CG_CHECK_K8S)) < 0)
        st = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    /* strings the findings keep were copied by lint_emit; the tree can go */
    cg_arena_free(&a);
    return st;
}

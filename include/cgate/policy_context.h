/*
 * policy_context.h - the inputs of a policy decision besides the report and
 * the policy itself: runtime context from Kubernetes manifests (where the
 * image runs, how exposed and how privileged it is) and VEX statements
 * (OpenVEX 0.2.0, CycloneDX VEX).  The policy engine (policy.h) consumes
 * these; they are separate so each can be tested and reused alone.
 * DESIGN.md §5.
 */
#ifndef CGATE_POLICY_CONTEXT_H
#define CGATE_POLICY_CONTEXT_H

#include "cgate/export.h"

#include <stddef.h>
#include <stdint.h>

#include "cgate/arena.h"
#include "cgate/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Kubernetes runtime context ---------------------------------------- */

typedef enum cg_reach {
    CG_REACH_UNKNOWN = 0, /* no manifest mentions the image: counts as exposed */
    CG_REACH_NONE,        /* no ports, no Service, ingress denied */
    CG_REACH_ISOLATED,    /* a NetworkPolicy selects it and restricts ingress */
    CG_REACH_CLUSTER,     /* reachable by a Service or pod IP, ingress not restricted */
    CG_REACH_INTERNET     /* Service LoadBalancer/NodePort, or an Ingress routes to it */
} cg_reach;

typedef struct cg_workload {
    const char *kind, *namespace_, *name; /* "Deployment", "prod", "api" */
    const char *source;                   /* "FILE:LINE" of the manifest */
    const char *container;                /* the container that runs the image */
    cg_reach reach;
    const char **why;                     /* human reasons for reach and privilege, in order */
    size_t n_why;
    int32_t *ports;                       /* container/service ports exposed, sorted */
    size_t n_ports;
    int egress_restricted;
    int privileged, host_network, host_pid, host_ipc, runs_as_root, allow_privilege_escalation;
    const char **added_caps;              /* sorted */
    size_t n_added_caps;
    int sa_token_automounted;
    const char *service_account;
    int sa_cluster_admin;                 /* bound to cluster-admin */
    int sa_wildcard;                      /* a bound Role/ClusterRole grants "*" verbs or resources */
} cg_workload;

typedef struct cg_k8s_context cg_k8s_context;

/* Load manifests (files or directories, multi-document YAML or JSON).  Unknown
 * kinds are ignored and listed; broken YAML is an error naming file and line
 * (CG_ERR_INPUT).  YAML aliases are not expanded beyond a small bound. */
CG_EXPORT cg_status cg_k8s_load(const char *const *paths, size_t n, cg_arena *a, cg_k8s_context **out, cg_error *err);
/* Workloads whose containers run the image: matched by repository (with or
 * without registry host and Docker Hub normalisation), tag, or digest. */
CG_EXPORT cg_status cg_k8s_workloads_for(const cg_k8s_context *ctx, const char *image_repo, const char *image_tag,
                                         const char *image_digest, cg_arena *a, cg_workload **out, size_t *n, cg_error *err);
/* Kinds that were ignored ("Kind@FILE:LINE"), sorted. */
CG_EXPORT size_t cg_k8s_ignored(const cg_k8s_context *ctx, const char *const **out);
CG_EXPORT void cg_k8s_free(cg_k8s_context *ctx);

/* ---- VEX ---------------------------------------------------------------- */

typedef enum cg_vex_status {
    CG_VEX_NONE = 0, /* no statement */
    CG_VEX_NOT_AFFECTED,
    CG_VEX_AFFECTED,
    CG_VEX_FIXED,
    CG_VEX_UNDER_INVESTIGATION
} cg_vex_status;

typedef struct cg_vex_match {
    cg_vex_status status;
    const char *justification; /* OpenVEX justification / CycloneDX analysis.justification */
    const char *impact;        /* impact statement or detail */
    const char *document;      /* file the statement came from */
    const char *statement_id;  /* @id or index */
} cg_vex_match;

typedef struct cg_vex cg_vex;

/* Load OpenVEX 0.2.0 (validated against its JSON schema's rules) and CycloneDX
 * VEX documents.  Errors name the file and the bad field. */
CG_EXPORT cg_status cg_vex_load(const char *const *paths, size_t n, cg_arena *a, cg_vex **out, cg_error *err);
/* The statement that applies to (vulnerability id or any alias, package purl):
 * products match by purl (qualifiers in the statement must match; a statement
 * purl without version matches every version); the latest statement wins
 * (OpenVEX timestamp order). */
CG_EXPORT cg_status cg_vex_lookup(const cg_vex *vex, const char *vuln_id, const char *const *aliases, size_t n_aliases,
                                  const char *purl, cg_vex_match *out);
CG_EXPORT void cg_vex_free(cg_vex *vex);

#ifdef __cplusplus
}
#endif
#endif

/*
 * k8s_internal.h - the Kubernetes runtime context between its two halves:
 * k8s_load.c reads files into typed objects (each keeping its YAML tree and
 * FILE:LINE), k8s_context.c derives per-container exposure and privilege from
 * them and answers cg_k8s_workloads_for().  Nothing here is public API.
 */
#ifndef CG_POLICY_K8S_INTERNAL_H
#define CG_POLICY_K8S_INTERNAL_H

#include <stddef.h>

#include "cgate/policy_context.h"
#include "core/vec.h"
#include "core/yaml.h"

/* Caps on what one cg_k8s_load() reads. */
#define K8S_MAX_FILE_SIZE (16u << 20)  /* bytes per file */
#define K8S_MAX_TOTAL_SIZE (256u << 20) /* bytes over all files */
#define K8S_MAX_FILES 10000             /* files found in directories */
#define K8S_MAX_DIR_DEPTH 32            /* directory recursion */
#define K8S_MAX_DOCS 10000              /* YAML documents per file */
#define K8S_MAX_DEPTH 128               /* YAML nesting */
#define K8S_MAX_NODES 1000000           /* expanded YAML nodes per document */
#define K8S_MAX_OBJECTS 100000          /* objects over all files */

typedef enum k8s_kind {
    K_POD_WORKLOAD = 1, /* Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod */
    K_SERVICE,
    K_INGRESS,
    K_NETPOL,
    K_SA,
    K_ROLE,    /* Role or ClusterRole */
    K_BINDING  /* RoleBinding or ClusterRoleBinding */
} k8s_kind;

typedef struct k8s_obj {
    k8s_kind k;
    const char *kind;      /* as written: "Deployment" */
    const char *ns;        /* metadata.namespace or "default"; "" for cluster-scoped kinds */
    const char *name;      /* metadata.name or "(unnamed)" */
    const char *file;
    int line;              /* where the object starts */
    const char *src;       /* "FILE:LINE" */
    const cg_yaml_node *root;
    /* K_POD_WORKLOAD: the pod template (or the Pod itself) */
    const cg_yaml_node *pod_meta, *pod_spec;
    int cluster;           /* ClusterRole / ClusterRoleBinding */
} k8s_obj;

/* A container image reference, normalised: repo "docker.io/library/nginx",
 * tag "1.25" or NULL, digest "sha256:..." or NULL. */
typedef struct k8s_image {
    const char *repo, *tag, *digest;
} k8s_image;

/* One (workload, container) with everything derived at load time. */
typedef struct k8s_wl {
    cg_workload w;
    k8s_image img;
    const char *image; /* as written */
} k8s_wl;

struct cg_k8s_context {
    cg_arena *a;
    cg_vec objs;    /* k8s_obj, in load order */
    cg_vec ignored; /* const char * "Kind@FILE:LINE", sorted after load */
    cg_vec wls;     /* k8s_wl, derived after every file is read */
};

/* Parse and normalise an image reference (k8s_image.c rules: Docker Hub
 * host aliases and library/ prefix, lower-case registry host).  0 or -1. */
int k8s_image_parse(cg_arena *a, const char *ref, k8s_image *out);
/* Does a manifest's image match the scanned one?  The most specific
 * identifier both sides have decides: digest, then tag, then repository. */
int k8s_image_match(const k8s_image *manifest, const k8s_image *query);

/* k8s_load.c: read one path (file or directory) into ctx. */
cg_status k8s_load_path(cg_k8s_context *ctx, const char *path, size_t *total, size_t *files, cg_error *err);

/* k8s_context.c: check the fields the derivation reads (types, selector
 * operators) so that a malformed manifest is an error, not a silent "safe". */
cg_status k8s_check_object(const k8s_obj *o, cg_error *err);
/* k8s_context.c: derive ctx->wls from ctx->objs. */
cg_status k8s_derive(cg_k8s_context *ctx, cg_error *err);

#endif

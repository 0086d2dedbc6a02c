/*
 * package.h - the one package record every cataloger emits and every later
 * stage (scan, policy, SBOM writers) reads.  All strings live in the arena of
 * the cg_sbom that owns the records; NULL means "not known".
 */
#ifndef CGATE_PACKAGE_H
#define CGATE_PACKAGE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cg_location {
    const char *path;  /* absolute path inside the image, e.g. "/var/lib/dpkg/status" */
    int layer;         /* index into cg_image_info.layers, -1 when not layered (dir:) */
} cg_location;

typedef struct cg_license {
    const char *value;  /* SPDX expression/identifier when is_spdx, else the name as written */
    int is_spdx;
} cg_license;

typedef struct cg_prop {
    const char *name;   /* "cgate:java:metadata-source" */
    const char *value;
} cg_prop;

typedef struct cg_package {
    const char *type;           /* purl type: "deb", "apk", "rpm", "npm", ... */
    const char *namespace_;     /* purl namespace: "debian", "alpine", ... (may be NULL) */
    const char *name;
    const char *version;        /* exactly as the package manager records it (epoch included) */
    const char *arch;
    const char *source_name;    /* deb Source, apk origin, rpm SOURCERPM name */
    const char *source_version; /* when it differs from version, else NULL */
    const char *supplier;       /* maintainer / packager as recorded */
    const char *description;    /* one-line summary */
    cg_license *licenses;
    size_t n_licenses;
    cg_location *locations;     /* where the record was found; [0] is the primary */
    size_t n_locations;
    int layer;                  /* index of the layer that introduced it, -1 if unknown */
    const char **depends;       /* names of packages it depends on (same type), sorted */
    size_t n_depends;
    const char *cataloger;      /* "dpkg", "apk", ... */
    const char *purl;           /* filled by the SBOM builder after cataloging */
    const char *owned_by;       /* an OS package (name) whose file list holds locations[0]:
                                   the package came with it, so distro advisories cover it;
                                   filled by the SBOM builder (NULL: not owned) */
    const char *owned_by_type;  /* that OS package's type ("deb", "apk", "rpm") */
    cg_prop *props;             /* ecosystem-specific facts, sorted by name */
    size_t n_props;
} cg_package;

typedef struct cg_distro {
    const char *id;               /* os-release ID, "debian", "alpine" */
    const char *version_id;       /* "12", "3.19.1" */
    const char *version_codename; /* "bookworm" or NULL */
    const char *name;             /* NAME */
    const char *pretty_name;      /* PRETTY_NAME */
    const char *id_like;
    const char *home_url;
    const char *source_path;      /* file it came from ("/etc/os-release", "/etc/debian_version") */
    int layer;
} cg_distro;

#ifdef __cplusplus
}
#endif
#endif

/*
 * mediatype.h - the OCI / Docker media types more than one part of libcgate
 * names (image reading, the registry client, signatures).
 */
#ifndef CGATE_MEDIATYPE_H
#define CGATE_MEDIATYPE_H

#define CG_MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define CG_MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define CG_MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define CG_MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define CG_MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"

#endif

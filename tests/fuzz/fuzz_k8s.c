/*
 * fuzz_k8s.c - Kubernetes manifests (YAML reader, object checks, exposure
 * derivation, image matching) on arbitrary bytes.  The loader takes paths,
 * so the input is handed over as an in-memory file (memfd).
 */
#include <stdint.h>

#include "cgate/policy_context.h"
#include "fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    int fd = fuzz_file("k8s.yaml", data, size, path);
    if (fd < 0)
        return 0;
    const char *p = path;
    cg_arena a;
    cg_arena_init(&a);
    cg_error err;
    cg_k8s_context *ctx = NULL;
    if (cg_k8s_load(&p, 1, &a, &ctx, &err) == CG_OK) {
        const char *images[] = {"nginx", "docker.io/library/postgres:16.2", "ghcr.io/acme/api@sha256:00"};
        for (size_t i = 0; i < 3; i++) {
            cg_workload *w;
            size_t n;
            (void)cg_k8s_workloads_for(ctx, images[i], NULL, NULL, &a, &w, &n, &err);
        }
        const char *const *ig;
        (void)cg_k8s_ignored(ctx, &ig);
        cg_k8s_free(ctx);
    }
    cg_arena_free(&a);
    close(fd);
    return 0;
}

/*
 * fuzz_dockerfile.c - the Dockerfile parser, the shell reader behind the RUN
 * checks, every Dockerfile check, the Conftest document and the findings
 * writers on arbitrary bytes; also the .hadolint.yaml and Kubernetes PSS
 * readers on the same bytes.
 */
#include <stdint.h>

#include "cgate/lint.h"
#include "cgate/scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cg_error err;
    cg_dockerfile *df = NULL;
    cg_findings f;
    cg_findings_init(&f);
    cg_lint_config cfg;
    cg_lint_config_default(&cfg);
    cg_buf out = CG_BUF_INIT;
    if (cg_dockerfile_parse(data, size, "Dockerfile", &df, &err) == CG_OK) {
        (void)cg_dockerfile_to_json(df, &out, &err);
        (void)cg_lint_dockerfile(df, "Dockerfile", &cfg, &f, &err);
    }
    cg_dockerfile_free(df);
    cg_arena a;
    cg_arena_init(&a);
    (void)cg_lint_config_parse(data, size, ".hadolint.yaml", &a, &cfg, &err);
    cg_lint_config_default(&cfg);
    (void)cg_lint_k8s_file(data, size, "pod.yaml", &cfg, &f, &err);
    (void)cg_lint_image_config(data, size, "img", &cfg, &f, &err);
    cg_findings_sort(&f);
    cg_buf_reset(&out);
    (void)cg_findings_write(&f, "x", "filesystem", CG_REPORT_JSON, NULL, &out, &err);
    cg_buf_reset(&out);
    (void)cg_findings_write(&f, "x", "filesystem", CG_REPORT_SARIF, NULL, &out, &err);
    cg_buf_free(&out);
    cg_arena_free(&a);
    cg_findings_free(&f);
    return 0;
}

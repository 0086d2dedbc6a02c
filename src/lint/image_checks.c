/* placeholder */
#include "lint/lint_int.h"
cg_status cg_lint_image(cg_image *img, const char *target, const cg_lint_config *cfg, cg_findings *out, cg_error *err)
{ (void)img; (void)target; (void)cfg; (void)out; (void)err; return CG_OK; }
cg_status cg_lint_image_config(const uint8_t *cfg, size_t len, const char *target, const cg_lint_config *lc, cg_findings *out, cg_error *err)
{ (void)cfg; (void)len; (void)target; (void)lc; (void)out; (void)err; return CG_OK; }
cg_status cg_lint_k8s_file(const uint8_t *buf, size_t len, const char *path, const cg_lint_config *lc, cg_findings *out, cg_error *err)
{ (void)buf; (void)len; (void)path; (void)lc; (void)out; (void)err; return CG_OK; }

/*
 * policy_rego.h - Rego policies in `cgate policy`: the documented input
 * document built from a report and its context (docs/rego.md,
 * docs/rego-input.schema.json), and the Conftest-style verdict of the loaded
 * modules (deny/violation block with their messages, warn warns, an allow
 * that is defined and false blocks, an undefined one decides nothing).
 */
#ifndef CGATE_POLICY_REGO_H
#define CGATE_POLICY_REGO_H

#include "cgate/arena.h"
#include "cgate/buf.h"
#include "cgate/error.h"
#include "cgate/export.h"
#include "cgate/policy.h"
#include "cgate/rego.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cg_rego_verdict {
    const char **deny; /* "data.PKG.deny: message", sorted per package */
    size_t n_deny;
    const char **warn; /* "data.PKG.warn: message": warn rules, never block */
    size_t n_warn;
    const char **notes; /* compile-time warnings ("FILE:ROW: `not deny` is never true: ...") */
    size_t n_notes;
    size_t n_packages; /* packages that define deny/violation/warn/allow (or the --query) */
} cg_rego_verdict;

/* input = {vulnerabilities, image, context, exceptions, now} as JSON. */
CG_EXPORT cg_status cg_policy_rego_input(const cg_peval *ev, const cg_decision *d, cg_buf *out, cg_error *err);

/* Evaluate the Conftest rules of every package of r (or query when not NULL:
 * its value is read as a deny set/array of messages, a boolean allow, or an
 * object with deny/violation/warn/allow keys). */
CG_EXPORT cg_status cg_policy_rego_decide(cg_rego *r, const char *input_json, size_t input_len, const char *query,
                                          const cg_rego_limits *lim, cg_arena *a, cg_rego_verdict *v,
                                          cg_error *err);

/* Fold a verdict into a typed decision: pass only when both pass; Rego deny
 * messages are appended to the deny reasons, the compile-time warnings and
 * then the warn messages to the decision's warnings (under --strict, where
 * any warning denies, they deny too). */
CG_EXPORT cg_status cg_policy_rego_apply(cg_decision *d, const cg_rego_verdict *v, cg_arena *a, cg_error *err);

#ifdef __cplusplus
}
#endif
#endif

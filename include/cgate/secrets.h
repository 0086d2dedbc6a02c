/*
 * secrets.h - secret scanning: rules written from the vendors' published
 * token formats (AWS, GCP, Azure, GitHub, GitLab, Slack, Stripe, Twilio,
 * SendGrid, npm, PyPI, Docker config auths, JWTs, PEM private keys, ...),
 * keyword prefilters, allow rules (documented example keys, test and
 * vendored paths), and Trivy's trivy-secret.yaml for custom, allow and
 * disabled rules.  Matching runs on Hyperscan (one multi-pattern pass per
 * file) where the CPU has SSSE3, else on the keyword prefilter plus POSIX
 * regular expressions; both give the same findings.  Every value that
 * leaves this module is redacted ('*' for each byte of the secret).
 * docs/secrets.md lists the rules.
 */
#ifndef CGATE_SECRETS_H
#define CGATE_SECRETS_H

#include <stddef.h>
#include <stdint.h>

#include "cgate/arena.h"
#include "cgate/error.h"
#include "cgate/export.h"
#include "cgate/findings.h"
#include "cgate/image.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cg_secret_rule_def {
    const char *id, *category, *title;
    int severity;            /* cg_severity */
    const char *regex;       /* POSIX ERE (glibc: \b \w \s allowed outside brackets) */
    int icase;
    int group;               /* capture group holding the secret; 0 = the whole match */
    const char *keywords;    /* comma-separated, matched case-insensitively; NULL = none */
    const char *path;        /* only paths matching this ERE; NULL = any */
} cg_secret_rule_def;

typedef struct cg_secret_allow {
    const char *id, *description;
    const char *regex;       /* allowed when the secret (or match) matches */
    const char *path;        /* allowed when the path matches */
} cg_secret_allow;

/* trivy-secret.yaml */
typedef struct cg_secret_config {
    cg_secret_rule_def *rules;   /* custom rules */
    size_t n_rules;
    cg_secret_allow *allow;      /* allow rules, added to the built-in ones */
    const char **allow_rule;     /* per allow[i]: NULL for a global one (`allow-rules`),
                                    else the id of the rule whose own `allow-rules` it is
                                    (it then applies to that rule only, as in Trivy) */
    size_t n_allow;
    const char **enable_builtin; /* only these built-in rules (NULL: all) */
    size_t n_enable_builtin;
    int enable_builtin_set;
    const char **disable_rules;
    size_t n_disable_rules;
    const char **disable_allow;  /* built-in allow rules switched off */
    size_t n_disable_allow;
} cg_secret_config;

CG_EXPORT cg_status cg_secret_config_parse(const uint8_t *buf, size_t len, const char *what, cg_arena *a,
                                           cg_secret_config *out, cg_error *err);

/* The built-in rules and allow rules. */
CG_EXPORT const cg_secret_rule_def *cg_secret_builtin_rules(size_t *n);
CG_EXPORT const cg_secret_allow *cg_secret_builtin_allow(size_t *n);

typedef struct cg_secret_scanner cg_secret_scanner;

typedef struct cg_secret_opts {
    const cg_secret_config *config; /* NULL: built-in rules only */
    int no_hyperscan;               /* force the POSIX fallback (tests, benchmarks) */
    int include_binary;             /* scan files with NUL bytes too */
    uint64_t max_file_bytes;        /* larger files are skipped; 0 = 10 MiB */
    const char *cache_dir;          /* keep the compiled Hyperscan database here
                                       (secrets-<sha256 of rules>.hsdb), so later runs
                                       skip the compile; NULL = no cache */
} cg_secret_opts;

CG_EXPORT cg_status cg_secret_scanner_new(const cg_secret_opts *o, cg_secret_scanner **out, cg_error *err);
CG_EXPORT void cg_secret_scanner_free(cg_secret_scanner *s);
/* "hyperscan" or "posix-regex". */
CG_EXPORT const char *cg_secret_scanner_engine(const cg_secret_scanner *s);

/* Scan one file's bytes.  path is the absolute path reported as Target
 * (allow rules see it without the leading '/').  Each finding copies the
 * layer fields of tmpl (may be NULL).  Binary content is skipped unless the
 * scanner includes it.  Returns the number of findings added through *n. */
CG_EXPORT cg_status cg_secret_scan_buf(cg_secret_scanner *s, const char *path, const uint8_t *buf, size_t len,
                                       const cg_secret *tmpl, cg_findings *out, size_t *n, cg_error *err);
/* Is path skipped by an allow rule's path (so a caller need not read it)? */
CG_EXPORT int cg_secret_path_allowed(const cg_secret_scanner *s, const char *path);

/* Every file of every layer (files deleted or replaced by a later layer
 * included: their findings say deleted_in), plus the config's Env, labels
 * and history.  One streaming pass. */
CG_EXPORT cg_status cg_secrets_scan_image(cg_image *img, cg_secret_scanner *s, cg_findings *out, cg_error *err);

/* The same scan riding on the SBOM's pass (cg_sbom_opts.tap), so the layers
 * are read once: new, fill a tap, cg_sbom_build with it, finish (scans the
 * config), free. */
typedef struct cg_secrets_pass cg_secrets_pass;
struct cg_sbom_tap;
CG_EXPORT cg_status cg_secrets_pass_new(cg_secret_scanner *s, cg_image *img, cg_findings *out, cg_secrets_pass **p,
                                        cg_error *err);
CG_EXPORT void cg_secrets_pass_tap(cg_secrets_pass *p, struct cg_sbom_tap *tap);
CG_EXPORT cg_status cg_secrets_pass_finish(cg_secrets_pass *p, cg_error *err);
CG_EXPORT void cg_secrets_pass_free(cg_secrets_pass *p);

#ifdef __cplusplus
}
#endif
#endif

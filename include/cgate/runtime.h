/*
 * runtime.h - runtime evidence: which packages of an image were actually
 * loaded (a file of theirs opened or executed), from Falco JSON lines,
 * `strace -f -e trace=openat,open,execve` logs or plain path lists.
 * Evidence is streamed (memory does not grow with the number of events);
 * each path is resolved through the image's own symlinks and mapped to the
 * packages owning the file.  Part of the scan stage; docs/runtime.md.
 */
#ifndef CGATE_RUNTIME_H
#define CGATE_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#include "cgate/arena.h"
#include "cgate/buf.h"
#include "cgate/error.h"
#include "cgate/export.h"
#include "cgate/image.h"
#include "cgate/sbom.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CG_RT_MAX_EVIDENCE 3 /* paths kept per package */
#define CG_RT_MAX_FILES 16   /* evidence files per run */

typedef struct cg_rt_file {
    const char *path;    /* as given */
    char sha256[72];     /* "sha256:..." of its bytes */
    const char *format;  /* "falco", "strace", "paths" */
    const char *digest;  /* image digest the evidence names, or NULL */
} cg_rt_file;

typedef struct cg_runtime {
    cg_arena arena;
    size_t n_pkgs;                 /* = sbom->n_pkgs */
    unsigned char *loaded;         /* [n_pkgs]: 1 when some file of the package was used */
    const char *(*evidence)[CG_RT_MAX_EVIDENCE]; /* [n_pkgs]: first paths, as seen */
    unsigned char *n_evidence;     /* [n_pkgs] */
    unsigned char *known;          /* [n_pkgs]: 1 when cgate knows a file of the package; a
                                      package without is never claimed "not loaded" in VEX
                                      or policy */
    const char *from, *to;         /* window (RFC 3339 or as written); NULL: unknown */
    uint64_t events;               /* file events read (opens and execs that succeeded) */
    uint64_t failed;               /* opens/execs that failed (not evidence) */
    uint64_t unowned;              /* events whose file no package owns */
    uint64_t unresolved;           /* relative paths, symlink loops, NUL bytes, too long */
    uint64_t bad_lines;            /* truncated or unparsable lines (skipped) */
    cg_rt_file files[CG_RT_MAX_FILES];
    size_t n_files;
} cg_runtime;

/* Read the evidence files (format detected per file) against img and the
 * SBOM built from it.  Evidence naming another image digest than img's
 * manifest or config digest is refused (CG_ERR_INPUT).  *out is released
 * with cg_runtime_free(). */
CG_EXPORT cg_status cg_runtime_collect(cg_image *img, const cg_sbom *sbom, const char *const *files,
                                       size_t n_files, cg_runtime **out, cg_error *err);
CG_EXPORT void cg_runtime_free(cg_runtime *rt);

struct cg_report;
/* OpenVEX 0.2: not_affected / vulnerable_code_not_in_execute_path for every
 * finding of r whose package was never loaded; nothing for loaded ones.
 * now: the document's timestamp (seconds; < 0 = 0). */
CG_EXPORT cg_status cg_runtime_write_vex(const struct cg_report *r, const cg_runtime *rt, int64_t now,
                                         cg_buf *out, cg_error *err);

#ifdef __cplusplus
}
#endif
#endif

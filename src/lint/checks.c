/*
 * checks.c - the one table of built-in configuration checks: cgate's stable
 * id, the matching Trivy (DSxxx) and hadolint (DLxxxx) ids, severity, title,
 * a rationale and a fix.  Ids never change meaning; a retired check keeps
 * its id unused.  docs/lint.md is generated from the same facts (and a test
 * checks every id here is documented there).  Severities: Trivy's where it
 * has the check, else hadolint's level (error HIGH, warning MEDIUM, info LOW).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lint/lint_int.h"

enum { U = 0, L = 1, M = 2, H = 3, C = 4 };
#define DF CG_CHECK_DOCKERFILE
#define IM CG_CHECK_IMAGE
#define K8 CG_CHECK_K8S

static const cg_check_info checks[] = {
    {"CG-DF-001", "DS001", "DL3006", DF, M, "Base image without a tag",
     "An untagged FROM means ':latest', which moves: the same Dockerfile builds a different image tomorrow, and a "
     "vulnerable or broken base slips in unreviewed.",
     "Pin the base image to a version tag, better to a digest (image:1.2.3@sha256:...)."},
    {"CG-DF-002", "DS002", "DL3002", DF, H, "Image runs as root",
     "A container whose last USER is root (or that never sets USER) runs its process as uid 0; a compromise of the "
     "process is then root in the container and one kernel or runtime bug away from the host.",
     "Add a non-root user and end the final stage with 'USER <name or uid>'."},
    {"CG-DF-004", "DS004", NULL, DF, M, "Port 22 exposed",
     "Exposing SSH invites running an SSH daemon in the container and logging into it, which bypasses the image's "
     "immutability and the orchestrator's access control.",
     "Remove 'EXPOSE 22'; use 'kubectl exec' or 'docker exec' for debugging."},
    {"CG-DF-005", "DS005", "DL3020", DF, L, "ADD used instead of COPY",
     "ADD also fetches URLs and unpacks archives; for plain files that magic is surprising and hides what lands in "
     "the image.",
     "Use COPY for local files and directories; ADD only to unpack a local archive."},
    {"CG-DF-006", "DS006", "DL3023", DF, C, "COPY --from names its own stage",
     "A stage cannot copy from itself; the build fails or silently copies from an image of that name.",
     "Point --from at an earlier stage or an external image."},
    {"CG-DF-007", "DS007", "DL4004", DF, C, "Several ENTRYPOINT instructions in one stage",
     "Only the last ENTRYPOINT takes effect; the others are dead code that misleads readers.",
     "Keep one ENTRYPOINT per stage."},
    {"CG-DF-008", "DS008", "DL3011", DF, C, "Exposed port out of range",
     "UNIX ports range from 0 to 65535; anything else is a typo that breaks the image's metadata.",
     "Fix the port number."},
    {"CG-DF-009", "DS009", "DL3000", DF, H, "WORKDIR path is not absolute",
     "A relative WORKDIR depends on every WORKDIR before it, so moving one line changes where files land.",
     "Use an absolute path."},
    {"CG-DF-010", "DS010", "DL3004", DF, C, "RUN uses sudo",
     "sudo in a build means unpredictable TTY and signal behaviour and usually that the image ships sudo, a "
     "privilege-escalation path at run time.",
     "Run the step as root (USER root) and switch back to a non-root USER afterwards."},
    {"CG-DF-011", "DS011", "DL3021", DF, C, "COPY with several sources to a destination without a trailing /",
     "With more than one source the destination must be a directory; without the slash the build fails.",
     "End the destination with '/'."},
    {"CG-DF-012", "DS012", "DL3024", DF, C, "Duplicate stage name",
     "Two stages with one name make COPY --from and --target ambiguous.",
     "Give each stage a unique name."},
    {"CG-DF-013", "DS013", "DL3003", DF, M, "RUN changes directory with cd",
     "cd in RUN affects only that RUN; later instructions run elsewhere, which hides mistakes and is hard to read.",
     "Use WORKDIR to change directory."},
    {"CG-DF-014", "DS014", "DL4001", DF, L, "Both wget and curl used",
     "Two download tools in one image double the attack surface and the image size for one job.",
     "Use one of them throughout."},
    {"CG-DF-015", "DS015", "DL3032", DF, H, "yum install without yum clean all",
     "The yum cache stays in the layer: a bigger image with stale repository metadata.",
     "Add '&& yum clean all' to the same RUN."},
    {"CG-DF-016", "DS016", "DL4003", DF, H, "Several CMD instructions in one stage",
     "Only the last CMD takes effect; the others are dead code that misleads readers.",
     "Keep one CMD per stage."},
    {"CG-DF-017", "DS017", NULL, DF, H, "Package index update alone in a RUN",
     "A cached 'apt-get update' layer goes stale; a later install in another RUN then installs outdated versions.",
     "Update and install in the same RUN instruction."},
    {"CG-DF-019", "DS019", "DL3040", DF, H, "dnf install without dnf clean all",
     "The dnf cache stays in the layer: a bigger image with stale repository metadata.",
     "Add '&& dnf clean all' to the same RUN."},
    {"CG-DF-020", "DS020", "DL3036", DF, H, "zypper install without zypper clean",
     "The zypper cache stays in the layer: a bigger image with stale repository metadata.",
     "Add '&& zypper clean' to the same RUN."},
    {"CG-DF-021", "DS021", "DL3014", DF, H, "apt-get without -y",
     "Without -y (or --yes / --assume-yes) apt-get waits for an answer that a build never gives.",
     "Add -y."},
    {"CG-DF-022", "DS022", "DL4000", DF, H, "MAINTAINER is deprecated",
     "MAINTAINER has been deprecated since Docker 1.13; tools read the org.opencontainers.image.authors label.",
     "Use 'LABEL org.opencontainers.image.authors=...'."},
    {"CG-DF-023", "DS023", "DL3012", DF, M, "Several HEALTHCHECK instructions in one stage",
     "Only the last HEALTHCHECK takes effect.", "Keep one HEALTHCHECK per stage."},
    {"CG-DF-024", "DS024", "DL3005", DF, H, "apt-get dist-upgrade used",
     "dist-upgrade can change the distribution's major packages underneath the base image, making builds "
     "unreproducible.",
     "Rebuild on a newer base image instead; install only what you need."},
    {"CG-DF-025", "DS025", "DL3019", DF, H, "apk add without --no-cache",
     "apk's index stays in the layer unless --no-cache is given.", "Use 'apk add --no-cache'."},
    {"CG-DF-026", "DS026", "DL3057", DF, L, "No HEALTHCHECK",
     "Without a HEALTHCHECK the runtime cannot tell a hung process from a healthy one.",
     "Add 'HEALTHCHECK CMD ...' to the final stage."},
    {"CG-DF-027", "DS027", NULL, DF, H, "microdnf install without microdnf clean all",
     "The microdnf cache stays in the layer.", "Add '&& microdnf clean all' to the same RUN."},
    {"CG-DF-029", "DS029", "DL3015", DF, H, "apt-get install without --no-install-recommends",
     "Recommended packages are installed by default: more code, more CVEs, bigger images.",
     "Add --no-install-recommends."},
    {"CG-DF-030", "DS030", NULL, DF, H, "WORKDIR in a system directory",
     "Working in /proc, /boot, /dev, /sys or /lost+found writes into places the kernel or runtime own.",
     "Use an application directory such as /app."},
    {"CG-DF-031", "DS031", NULL, DF, C, "Secret in ENV or ARG",
     "ENV values are stored in the image config and ARG values in its history: anyone who can pull the image can "
     "read them.",
     "Use build secrets (RUN --mount=type=secret) or runtime secrets; never bake credentials into the image."},
    {"CG-DF-101", "DS001", "DL3007", DF, M, "Base image uses the latest tag",
     "':latest' moves: the same Dockerfile builds a different image tomorrow.",
     "Pin the base image to a version tag or a digest."},
    {"CG-DF-102", NULL, "DL3008", DF, M, "apt-get install without version pinning",
     "Unpinned packages make the image depend on the day it was built.",
     "Pin versions: apt-get install pkg=1.2.3-1."},
    {"CG-DF-103", NULL, "DL3009", DF, L, "apt lists not deleted",
     "apt-get update leaves /var/lib/apt/lists in the layer: tens of MB and stale metadata.",
     "End the RUN with 'rm -rf /var/lib/apt/lists/*'."},
    {"CG-DF-104", NULL, "DL3013", DF, M, "pip install without version pinning",
     "Unpinned pip packages make the image depend on the day it was built and on whatever PyPI serves.",
     "Pin versions (pkg==1.2.3) or install from a requirements file with hashes."},
    {"CG-DF-105", NULL, "DL3042", DF, M, "pip install without --no-cache-dir",
     "pip's download cache stays in the layer.", "Add --no-cache-dir (or set PIP_NO_CACHE_DIR=1)."},
    {"CG-DF-106", NULL, "DL3016", DF, M, "npm install of a package without a version",
     "Unpinned npm packages make the image depend on the day it was built.",
     "Pin versions (pkg@1.2.3) or use 'npm ci' with a lockfile."},
    {"CG-DF-107", NULL, "DL3028", DF, M, "gem install without a version",
     "Unpinned gems make the image depend on the day it was built.", "Use 'gem install pkg:1.2.3' or -v."},
    {"CG-DF-108", NULL, "DL3018", DF, M, "apk add without version pinning",
     "Unpinned apk packages make the image depend on the day it was built.", "Pin versions: apk add pkg=1.2.3-r0."},
    {"CG-DF-109", NULL, "DL3025", DF, M, "CMD or ENTRYPOINT in shell form",
     "The shell form runs the process under /bin/sh -c, which does not forward signals: the container ignores "
     "SIGTERM and is killed after the grace period.",
     "Use the JSON form: CMD [\"executable\", \"arg\"]."},
    {"CG-DF-110", NULL, "DL4006", DF, M, "Pipe in RUN without pipefail",
     "In 'a | b' the RUN fails only when b fails; a failed download piped into a tool passes unnoticed.",
     "Set 'SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]' or 'set -o pipefail &&' in the RUN."},
    {"CG-DF-111", NULL, "DL3001", DF, L, "Command that makes no sense in a container",
     "ssh, vim, shutdown, service, ps, free, top, kill, mount or ifconfig in a build step usually means a "
     "container is being treated as a VM.",
     "Remove the command."},
    {"CG-DF-112", NULL, "DL3027", DF, M, "apt used instead of apt-get",
     "apt's command-line interface is not stable for scripts.", "Use apt-get or apt-cache."},
    {"CG-DF-113", NULL, "DL3033", DF, M, "yum install without version pinning",
     "Unpinned packages make the image depend on the day it was built.", "Pin versions: yum install -y pkg-1.2.3."},
    {"CG-DF-114", NULL, "DL3026", DF, H, "Base image from an untrusted registry",
     "The base image comes from a registry that .hadolint.yaml's trustedRegistries does not list.",
     "Use a base image from a trusted registry, or add the registry to trustedRegistries."},
    {"CG-DF-115", NULL, "DL3059", DF, L, "Consecutive RUN instructions",
     "Each RUN is a layer; consecutive RUNs that could be one make the image bigger and slower to pull.",
     "Join consecutive RUNs with '&&'."},
    {"CG-DF-116", NULL, "DL3045", DF, M, "COPY to a relative path without WORKDIR",
     "Without a WORKDIR the destination depends on the base image's working directory.",
     "Set WORKDIR first or use an absolute destination."},
    {"CG-DF-117", NULL, "DL3060", DF, L, "yarn install without yarn cache clean",
     "yarn's cache stays in the layer.", "Add '&& yarn cache clean' to the same RUN."},
    {"CG-DF-118", NULL, "DL4005", DF, M, "/bin/sh replaced with ln",
     "Linking another shell over /bin/sh changes every script in the image.", "Use SHELL to change the shell of RUN."},
    {"CG-DF-119", NULL, "DL3029", DF, M, "FROM with a fixed --platform",
     "A fixed platform breaks multi-platform builds; use the build's $BUILDPLATFORM / $TARGETPLATFORM.",
     "Remove --platform or use a build variable."},
    {"CG-DF-120", NULL, "DL3022", DF, H, "COPY --from names an undefined stage",
     "--from names neither an earlier stage nor an external image reference, so the build fails or pulls an "
     "unexpected image of that name.",
     "Name an earlier stage (FROM ... AS name) or a full image reference."},
    {"CG-DF-121", NULL, NULL, DF, H, "Remote script piped into a shell",
     "curl|wget ... | sh runs whatever the server returns at build time, unverified.",
     "Download to a file, verify its checksum or signature, then run it."},
    {"CG-DF-122", NULL, NULL, DF, M, "ADD of a remote URL",
     "ADD <url> downloads at build time without verifying what it got (unless --checksum is given).",
     "Use 'ADD --checksum=sha256:...' or download with curl and verify the checksum."},
    {"CG-DF-123", NULL, "DL3030", DF, M, "yum install without -y",
     "Without -y yum waits for an answer a build never gives.", "Add -y."},
    {"CG-DF-124", NULL, "DL3038", DF, M, "dnf install without -y",
     "Without -y dnf waits for an answer a build never gives.", "Add -y."},
    {"CG-DF-125", NULL, "DL3034", DF, M, "zypper install without non-interactive switch",
     "Without -n (--non-interactive) or -y zypper waits for an answer.", "Use 'zypper -n install'."},
    {"CG-DF-126", NULL, "DL3061", DF, H, "Instruction before FROM",
     "Only ARG may precede the first FROM.", "Move the instruction after FROM."},
    /* image config and filesystem */
    {"CG-IMG-001", "DS002", "DL3002", IM, H, "Image runs as root",
     "The image config has no User (or uid 0): its process runs as root unless the runtime overrides it.",
     "Rebuild with a non-root USER in the final stage."},
    {"CG-IMG-002", "DS026", NULL, IM, L, "Image has no HEALTHCHECK",
     "Without a healthcheck the runtime cannot tell a hung process from a healthy one.",
     "Add a HEALTHCHECK to the final stage (or define probes in the orchestrator)."},
    {"CG-IMG-003", "DS004", NULL, IM, M, "Sensitive port exposed",
     "The image exposes a remote-administration or database port (22, 23, 3389, 2375/2376, 5900, 3306, 5432, "
     "6379, 27017, ...) that should not be reachable by default.",
     "Remove the EXPOSE, or restrict the port with network policy."},
    {"CG-IMG-004", "DS031", NULL, IM, C, "Secret in image config",
     "An Env entry or a label of the image config holds a credential; anyone who can pull the image can read it.",
     "Pass credentials at run time; rebuild without them and rotate the exposed value."},
    {"CG-IMG-005", "DS031", NULL, IM, C, "Secret in image history",
     "A history entry (created_by: ARG values, RUN lines) holds a credential; the history ships with the image.",
     "Use build secrets (RUN --mount=type=secret); rebuild and rotate the exposed value."},
    {"CG-IMG-006", NULL, NULL, IM, M, "setuid or setgid file",
     "setuid/setgid binaries are privilege-escalation paths for anyone who gets code running in the container.",
     "Remove the bit (chmod u-s,g-s) for binaries the application does not need."},
    {"CG-IMG-007", NULL, NULL, IM, L, "World-writable directory without sticky bit",
     "Any user in the container can replace files in a world-writable directory that lacks the sticky bit.",
     "chmod o-w, or add the sticky bit (chmod +t) for shared temp directories."},
    /* Kubernetes Pod Security Standards */
    {"CG-K8S-001", "KSV017", NULL, K8, H, "Privileged container (PSS baseline)",
     "A privileged container has every capability and the host's devices: it is root on the node.",
     "Remove securityContext.privileged or set it to false."},
    {"CG-K8S-002", "KSV009", NULL, K8, H, "Host namespaces shared (PSS baseline)",
     "hostNetwork, hostPID or hostIPC let the pod see and reach the node's processes and network.",
     "Remove hostNetwork, hostPID and hostIPC."},
    {"CG-K8S-003", "KSV023", NULL, K8, M, "hostPath volume (PSS baseline)",
     "A hostPath volume mounts the node's file system into the pod.", "Use another volume type."},
    {"CG-K8S-004", "KSV024", NULL, K8, H, "hostPort used (PSS baseline)",
     "hostPort binds the node's port, bypassing network policy and limiting scheduling.",
     "Remove hostPort; expose through a Service."},
    {"CG-K8S-005", "KSV022", NULL, K8, M, "Capabilities beyond the baseline set added (PSS baseline)",
     "Adding capabilities such as NET_ADMIN or SYS_ADMIN gives the container kernel powers it should not have.",
     "Add only capabilities from the baseline list (or NET_BIND_SERVICE under restricted)."},
    {"CG-K8S-006", "KSV002", NULL, K8, M, "AppArmor profile overridden (PSS baseline)",
     "An unconfined AppArmor profile removes a layer of kernel confinement.",
     "Use runtime/default or a localhost profile."},
    {"CG-K8S-007", "KSV025", NULL, K8, M, "SELinux options set to a custom type or user (PSS baseline)",
     "Custom SELinux user/role or type can escape the container's label.", "Remove seLinuxOptions user and role."},
    {"CG-K8S-008", "KSV027", NULL, K8, M, "/proc mount type not Default (PSS baseline)",
     "An Unmasked /proc exposes kernel interfaces.", "Remove procMount or set it to Default."},
    {"CG-K8S-009", "KSV104", NULL, K8, M, "seccomp profile Unconfined (PSS baseline/restricted)",
     "Without seccomp, every system call is open to the container.",
     "Set securityContext.seccompProfile.type to RuntimeDefault or Localhost."},
    {"CG-K8S-010", "KSV026", NULL, K8, M, "Unsafe sysctls (PSS baseline)",
     "Sysctls outside the safe set change node-wide kernel settings.", "Remove them."},
    {"CG-K8S-011", "KSV028", NULL, K8, L, "Volume type not allowed (PSS restricted)",
     "Restricted allows only configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected "
     "and secret volumes.",
     "Use an allowed volume type."},
    {"CG-K8S-012", "KSV001", NULL, K8, M, "Privilege escalation allowed (PSS restricted)",
     "allowPrivilegeEscalation defaults to true: setuid binaries can gain privileges.",
     "Set securityContext.allowPrivilegeEscalation: false."},
    {"CG-K8S-013", "KSV012", NULL, K8, M, "Container may run as root (PSS restricted)",
     "Without runAsNonRoot: true (or a non-zero runAsUser) the image's user decides, often root.",
     "Set securityContext.runAsNonRoot: true."},
    {"CG-K8S-014", "KSV105", NULL, K8, M, "runAsUser 0 (PSS restricted)", "The container runs as uid 0.",
     "Set runAsUser to a non-zero uid."},
    {"CG-K8S-015", "KSV030", NULL, K8, L, "No seccomp profile (PSS restricted)",
     "Restricted requires seccompProfile RuntimeDefault or Localhost.",
     "Set securityContext.seccompProfile.type: RuntimeDefault."},
    {"CG-K8S-016", "KSV003", NULL, K8, L, "Capabilities not dropped (PSS restricted)",
     "Restricted requires dropping ALL capabilities (adding back only NET_BIND_SERVICE).",
     "Set securityContext.capabilities.drop: [\"ALL\"]."},
};

const cg_check_info *cg_lint_checks(size_t *n)
{
    *n = sizeof checks / sizeof checks[0];
    return checks;
}

const cg_check_info *cg_lint_check(const char *id)
{
    for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++)
        if (!strcmp(checks[i].id, id))
            return &checks[i];
    return NULL;
}

size_t lint_count_checks(cg_check_kind k)
{
    size_t n = 0;
    for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++)
        n += checks[i].kind == k;
    return n;
}

static int id_listed(const cg_check_info *ci, const char *const *ids, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *x = ids[i];
        if (!strcasecmp(x, ci->id) || (ci->hadolint_id && !strcasecmp(x, ci->hadolint_id)) ||
            (ci->trivy_id && (!strcasecmp(x, ci->trivy_id) ||
                              (!strncasecmp(x, "AVD-DS-00", 9) && !strcasecmp(x + 9, ci->trivy_id + 3)))))
            return 1;
    }
    return 0;
}

cg_misconfig *lint_emit(lint_ctx *x, const char *id, int start, int end, const char *fmt, ...)
{
    const cg_check_info *ci = cg_lint_check(id);
    if (!ci)
        return NULL;
    if (x->cfg && id_listed(ci, x->cfg->ignored, x->cfg->n_ignored))
        return NULL;
    if (id_listed(ci, x->inline_ignore, x->n_inline_ignore))
        return NULL;
    cg_misconfig *m = cg_findings_add_misconfig(x->out);
    if (!m)
        return NULL;
    cg_arena *a = &x->out->arena;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    m->target = cg_arena_strdup(a, x->target);
    m->target_type = x->target_type;
    m->id = ci->id;
    m->trivy_id = ci->trivy_id;
    m->avd_id = ci->trivy_id && !strncmp(ci->trivy_id, "DS", 2)
                    ? cg_arena_sprintf(a, "AVD-DS-%04d", (int)strtol(ci->trivy_id + 2, NULL, 10))
                : ci->trivy_id && !strncmp(ci->trivy_id, "KSV", 3)
                    ? cg_arena_sprintf(a, "AVD-KSV-%04d", (int)strtol(ci->trivy_id + 3, NULL, 10))
                    : NULL;
    m->hadolint_id = ci->hadolint_id;
    m->title = ci->title;
    m->description = ci->rationale;
    m->resolution = ci->fix;
    m->message = cg_arena_strdup(a, msg);
    m->severity = ci->severity;
    m->start_line = start;
    m->end_line = end;
    if (x->lines && start > 0 && end >= start && (size_t)end <= x->n_lines) {
        size_t n = (size_t)(end - start + 1);
        if (n > 20)
            n = 20;
        m->lines = cg_arena_calloc(a, n, sizeof *m->lines);
        if (m->lines) {
            for (size_t i = 0; i < n; i++) {
                m->lines[i].number = start + (int)i;
                m->lines[i].content = cg_arena_strdup(a, x->lines[start - 1 + (int)i]);
                m->lines[i].is_cause = 1;
            }
            m->n_lines = n;
        }
    }
    return m;
}

int lint_secret_name(const char *name)
{
    static const char *const words[] = {"PASSWORD", "PASSWD", "SECRET", "TOKEN", "API_KEY", "APIKEY",
                                        "ACCESS_KEY", "PRIVATE_KEY", "CREDENTIAL", "AUTH_KEY", "CLIENT_SECRET"};
    static const char *const not_secret[] = {"_FILE", "_PATH", "_DIR", "_URL", "_HOST", "_PORT", "_USER",
                                             "_NAME", "_VERSION", "_ID", "_REGION", "_TYPE"};
    char up[128];
    size_t n = strlen(name);
    if (!n || n >= sizeof up)
        return 0;
    for (size_t i = 0; i <= n; i++)
        up[i] = (char)((name[i] >= 'a' && name[i] <= 'z') ? name[i] - 32 : name[i]);
    for (size_t i = 0; i < sizeof not_secret / sizeof not_secret[0]; i++) {
        size_t l = strlen(not_secret[i]);
        if (n > l && !strcmp(up + n - l, not_secret[i]))
            return 0;
    }
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strstr(up, words[i]))
            return 1;
    return 0;
}

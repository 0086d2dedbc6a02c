/*
 * build.c - the build stage of `cgate run --dockerfile`: run buildah (an
 * existing build engine; cgate does not build images itself) with
 * --isolation chroot, a private storage root and runroot under the
 * artifacts folder (vfs driver: no mounts left behind), --timestamp from
 * SOURCE_DATE_EPOCH for reproducible layers, and the result exported as an
 * OCI layout in the artifacts folder.  buildah's output is build.log,
 * written whole once buildah has exited.  The child is killed if cgate dies
 * (PR_SET_PDEATHSIG), so a killed run leaves no build running.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/readfile.h"
#include "pipeline/pipeline_int.h"

#define MAX_ARGS 600

/* fork + exec argv with stdout and stderr to out_fd (stdin /dev/null).  A
 * failed exec is reported through a close-on-exec pipe: *exec_errno.
 * Returns the exit status (-1 when it could not be run or was killed). */
static int run_child(char *const argv[], int out_fd, const char *tmpdir, int *exec_errno)
{
    int pfd[2];
    *exec_errno = 0;
    if (pipe2(pfd, O_CLOEXEC) != 0) {
        *exec_errno = errno;
        return -1;
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        *exec_errno = errno;
        close(pfd[0]);
        close(pfd[1]);
        return -1;
    }
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(127);
        int dn = open("/dev/null", O_RDONLY);
        if (dn >= 0)
            dup2(dn, 0);
        dup2(out_fd, 1);
        dup2(out_fd, 2);
        if (tmpdir)
            setenv("TMPDIR", tmpdir, 1);
        execvp(argv[0], argv);
        int e = errno;
        ssize_t w = write(pfd[1], &e, sizeof e);
        (void)w;
        _exit(127);
    }
    close(pfd[1]);
    int e = 0;
    ssize_t got = read(pfd[0], &e, sizeof e);
    close(pfd[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (got == (ssize_t)sizeof e) {
        *exec_errno = e;
        return -1;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The line of a log that says what failed: the last one starting with
 * "Error:" (buildah's summary), else the last non-empty one. */
static void last_line(const cg_buf *b, char *out, size_t n)
{
    out[0] = 0;
    size_t best_s = 0, best_e = 0, last_s = 0, last_e = 0;
    for (size_t s = 0; s < b->len;) {
        const char *nl = memchr(b->data + s, '\n', b->len - s);
        size_t e = nl ? (size_t)(nl - b->data) : b->len;
        size_t t = e;
        while (t > s && (b->data[t - 1] == '\r' || b->data[t - 1] == ' '))
            t--;
        if (t > s) {
            last_s = s;
            last_e = t;
            if (t - s >= 6 && !memcmp(b->data + s, "Error:", 6)) {
                best_s = s;
                best_e = t;
            }
        }
        s = e + 1;
    }
    if (best_e == 0) {
        best_s = last_s;
        best_e = last_e;
    }
    snprintf(out, n, "%.*s", (int)(best_e - best_s > 300 ? 300 : best_e - best_s), b->data ? b->data + best_s : "");
}

static cg_status missing(const char *tool, cg_error *err)
{
    return cg_error_set(err, CG_ERR_INPUT,
                        "%s not found: building from a Dockerfile needs buildah (install Debian's buildah package: "
                        "apt-get install buildah)",
                        tool);
}

/* "buildah version 1.28.2 (...)" -> rec.buildah */
static void record_version(const char *tool, const char *tmp, json_t *rec)
{
    char path[PL_PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/version.out", tmp);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    char *argv[] = {(char *)tool, "--version", NULL};
    int e;
    int rc = run_child(argv, fd, tmp, &e);
    close(fd);
    cg_buf b = CG_BUF_INIT;
    cg_error err;
    cg_error_clear(&err);
    if (rc == 0 && cg_read_file(path, 4096, NULL, &b, &err) == CG_OK) {
        char line[320];
        last_line(&b, line, sizeof line);
        json_object_set_new(rec, "buildah", json_string(line));
    }
    cg_buf_free(&b);
    unlink(path);
}

cg_status pl_build(const cg_pipeline_opts *o, const char *dir, json_t *rec, char *layout_ref, size_t n, cg_error *err)
{
    const char *tool = o->buildah ? o->buildah : "buildah";
    if (strchr(dir, ':'))
        return cg_error_set(err, CG_ERR_USAGE, "artifacts folder %s: a build needs a path without ':'", dir);
    char ctx[PL_PATH_MAX];
    if (o->build_context) {
        snprintf(ctx, sizeof ctx, "%s", o->build_context);
    } else {
        const char *sl = strrchr(o->dockerfile, '/');
        snprintf(ctx, sizeof ctx, "%.*s", sl ? (int)(sl - o->dockerfile) : 1, sl ? o->dockerfile : ".");
        if (!ctx[0])
            snprintf(ctx, sizeof ctx, "/");
    }
    /* the Dockerfile and context must be there: bad input, not a buildah failure */
    cg_buf df = CG_BUF_INIT;
    cg_status st = cg_read_file(o->dockerfile, 16u << 20, "Dockerfile", &df, err);
    char sha[CG_DIGEST_STR_LEN + 1] = "";
    if (st == CG_OK)
        st = cg_sha256_str(df.data ? df.data : "", df.len, sha);
    cg_buf_free(&df);
    if (st != CG_OK)
        return st;
    pl_rec_file(rec, "inputs", "dockerfile", o->dockerfile, sha);
    struct stat sb;
    if (stat(ctx, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return cg_error_set(err, CG_ERR_INPUT, "build context %s: not a folder", ctx);
    json_t *ctxj = json_pack("{s:s, s:s}", "role", "context", "path", ctx);
    json_array_append_new(json_object_get(rec, "inputs"), ctxj);
    json_t *args = json_array();
    for (size_t i = 0; i < o->n_build_args; i++)
        json_array_append_new(args, json_string(o->build_args[i]));
    json_object_set_new(rec, "buildArgs", args);

    char root[PL_PATH_MAX + 32], runroot[PL_PATH_MAX + 32], tmp[PL_PATH_MAX + 32], logtmp[PL_PATH_MAX + 32],
        out[PL_PATH_MAX + 64], ts[32] = "";
    snprintf(root, sizeof root, "%s/build/root", dir);
    snprintf(runroot, sizeof runroot, "%s/build/runroot", dir);
    snprintf(tmp, sizeof tmp, "%s/build/tmp", dir);
    snprintf(logtmp, sizeof logtmp, "%s/build/build.log", dir);
    snprintf(out, sizeof out, "oci:%s/%s:latest", dir, CG_ART_IMAGE);
    if ((st = pl_mkdirs(root, err)) != CG_OK || (st = pl_mkdirs(runroot, err)) != CG_OK ||
        (st = pl_mkdirs(tmp, err)) != CG_OK)
        return st;
    char imgdir[PL_PATH_MAX + 32];
    snprintf(imgdir, sizeof imgdir, "%s/%s", dir, CG_ART_IMAGE);
    pl_rmtree(imgdir); /* a previous build's layout: the tag would point at the new one anyway */

    char *argv[MAX_ARGS];
    size_t k = 0;
    argv[k++] = (char *)tool;
    argv[k++] = "--root";
    argv[k++] = root;
    argv[k++] = "--runroot";
    argv[k++] = runroot;
    argv[k++] = "--storage-driver";
    argv[k++] = "vfs";
    argv[k++] = "build";
    argv[k++] = "--isolation";
    argv[k++] = "chroot";
    argv[k++] = "--format";
    argv[k++] = "oci";
    if (o->source_date_epoch >= 0) {
        snprintf(ts, sizeof ts, "%lld", (long long)o->source_date_epoch);
        argv[k++] = "--timestamp";
        argv[k++] = ts;
        json_object_set_new(rec, "timestamp", json_integer((json_int_t)o->source_date_epoch));
    }
    for (size_t i = 0; i < o->n_build_args && k + 10 < MAX_ARGS; i++) {
        argv[k++] = "--build-arg";
        argv[k++] = (char *)o->build_args[i];
    }
    argv[k++] = "-f";
    argv[k++] = (char *)o->dockerfile;
    argv[k++] = "-t";
    argv[k++] = out;
    argv[k++] = ctx;
    argv[k] = NULL;

    record_version(tool, tmp, rec);
    int fd = open(logtmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return cg_error_set(err, CG_ERR_IO, "%s: cannot create: %s", logtmp, strerror(errno));
    int e = 0;
    int rc = run_child(argv, fd, tmp, &e);
    close(fd);
    if (e == ENOENT || e == EACCES) {
        pl_rmtree(logtmp);
        pl_rmtree(root);
        pl_rmtree(runroot);
        return missing(tool, err);
    }
    /* build.log: the whole output, renamed into the folder */
    cg_buf log = CG_BUF_INIT;
    cg_error le;
    cg_error_clear(&le);
    cg_read_file(logtmp, 64u << 20, NULL, &log, &le);
    char lsha[CG_DIGEST_STR_LEN + 1];
    st = pl_artifact_write(dir, CG_ART_BUILD_LOG, log.data, log.len, lsha, err);
    if (st == CG_OK)
        pl_rec_artifact(rec, "outputs", CG_ART_BUILD_LOG, lsha);
    char last[320];
    last_line(&log, last, sizeof last);
    cg_buf_free(&log);
    unlink(logtmp);
    /* the private storage is only a cache of this build */
    pl_rmtree(root);
    pl_rmtree(runroot);
    pl_rmtree(tmp);
    char bdir[PL_PATH_MAX + 16];
    snprintf(bdir, sizeof bdir, "%s/build", dir);
    rmdir(bdir);
    if (st != CG_OK)
        return st;
    if (rc != 0) {
        if (e)
            return cg_error_set(err, CG_ERR_INTERNAL, "cannot run %s: %s", tool, strerror(e));
        return cg_error_set(err, CG_ERR_INPUT, "buildah build failed (exit %d): %s (whole log: %s/%s)", rc, last, dir,
                            CG_ART_BUILD_LOG);
    }
    snprintf(layout_ref, n, "oci:%s/%s:latest", dir, CG_ART_IMAGE);
    return CG_OK;
}

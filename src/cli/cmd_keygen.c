/*
 * cmd_keygen.c - `cgate keygen`: a new ECDSA P-256 key pair as cosign writes
 * it (PREFIX.key in cosign's encrypted format, mode 0600; PREFIX.pub as PEM),
 * and the password source every signing command shares (COSIGN_PASSWORD, or
 * a prompt on the controlling terminal with echo off).  Existing files are
 * never replaced without --force: a key overwritten by accident is gone.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "cgate/sign.h"
#include "cli/cli.h"

static const char keygen_usage[] =
    "usage: cgate keygen [--output-key-prefix PREFIX] [--force]\n"
    "\n"
    "Write a new ECDSA P-256 key pair in cosign's format: PREFIX.key, the\n"
    "private key encrypted with the password (scrypt N=32768, r=8, p=1 and\n"
    "NaCl secretbox; PEM \"ENCRYPTED COSIGN PRIVATE KEY\"; mode 0600), and\n"
    "PREFIX.pub, the public key (PEM \"PUBLIC KEY\").  cosign and cgate both read\n"
    "them.  The password comes from COSIGN_PASSWORD when it is set (even empty),\n"
    "else it is asked twice on the terminal (not echoed).\n"
    "\n"
    "Options:\n"
    "      --output-key-prefix P  file name prefix (default \"cosign\")\n"
    "      --force                replace existing PREFIX.key / PREFIX.pub\n"
    "  -q, --quiet                no messages on stderr\n"
    "  -h, --help                 this help\n"
    "\n"
    "Exit codes: 0 written, 2 usage error (no password source, passwords differ),\n"
    "3 a file exists (without --force) or cannot be written, 5 internal error.\n";

/* Read one line from the terminal with echo off into pw (no newline). */
static cg_status tty_line(int fd, const char *prompt, cg_buf *pw, cg_error *err)
{
    struct termios old, quiet;
    int have_tio = tcgetattr(fd, &old) == 0;
    if (have_tio) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
        quiet.c_lflag |= ICANON;
        tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    cg_status st = CG_OK;
    if (write(fd, prompt, strlen(prompt)) < 0)
        st = cg_error_set(err, CG_ERR_IO, "cannot write to the terminal: %s", strerror(errno));
    for (;;) {
        if (st != CG_OK)
            break;
        char c;
        ssize_t n = read(fd, &c, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            st = cg_error_set(err, CG_ERR_IO, "reading the password failed: %s", strerror(errno));
            break;
        }
        if (n == 0 || c == '\n' || c == '\r')
            break;
        if (pw->len + 1 >= CG_PASSWORD_MAX) {
            st = cg_error_set(err, CG_ERR_USAGE, "password longer than %u bytes", CG_PASSWORD_MAX - 1);
            break;
        }
        pw->data[pw->len++] = c;
        pw->data[pw->len] = '\0';
        c = 0;
    }
    if (have_tio)
        tcsetattr(fd, TCSAFLUSH, &old);
    if (write(fd, "\n", 1) < 0) {
        /* nothing more to do: the password has been read */
    }
    return st;
}

cg_status cli_read_password(int confirm, cg_buf *pw, cg_error *err)
{
    /* no reallocation may leave a copy behind: room for the longest password */
    if (pw->cap < CG_PASSWORD_MAX + 1 && cg_buf_reserve(pw, CG_PASSWORD_MAX - pw->len) != CG_OK)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    const char *env = getenv("COSIGN_PASSWORD");
    if (env) {
        if (strlen(env) >= CG_PASSWORD_MAX)
            return cg_error_set(err, CG_ERR_USAGE, "COSIGN_PASSWORD longer than %u bytes", CG_PASSWORD_MAX - 1);
        cg_buf_puts(pw, env);
        return CG_OK;
    }
    int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return cg_error_set(err, CG_ERR_USAGE,
                            "the key needs a password: set COSIGN_PASSWORD or run on a terminal");
    cg_status st = tty_line(fd, "Enter password for private key: ", pw, err);
    if (st == CG_OK && confirm) {
        cg_buf again = CG_BUF_INIT;
        if (cg_buf_reserve(&again, CG_PASSWORD_MAX) != CG_OK)
            st = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        if (st == CG_OK)
            st = tty_line(fd, "Enter password for private key again: ", &again, err);
        if (st == CG_OK && (again.len != pw->len || sodium_memcmp(again.data, pw->data, pw->len) != 0))
            st = cg_error_set(err, CG_ERR_USAGE, "the passwords do not match");
        cg_key_buf_wipe(&again);
    }
    close(fd);
    return st;
}

cg_status cli_password_cb(void *ud, cg_buf *pw, cg_error *err)
{
    (void)ud;
    return cli_read_password(0, pw, err);
}

/* Write data to a temporary file beside path with mode; *tmp_out is its name. */
static cg_status write_tmp(const char *path, const cg_buf *data, mode_t mode, char **tmp_out, cg_error *err)
{
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    snprintf(tmp, n, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp); /* 0600 from the start: the key is never readable by others */
    if (fd < 0) {
        cg_status st = cg_error_set(err, CG_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
        free(tmp);
        return st;
    }
    cg_status st = CG_OK;
    const char *p = data->data;
    size_t left = data->len;
    while (st == CG_OK && left) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            st = cg_error_set(err, CG_ERR_IO, "%s: write failed: %s", path, strerror(errno));
        else
            p += w, left -= (size_t)w;
    }
    if (st == CG_OK && fchmod(fd, mode) != 0)
        st = cg_error_set(err, CG_ERR_IO, "%s: chmod failed: %s", path, strerror(errno));
    if (st == CG_OK && fsync(fd) != 0)
        st = cg_error_set(err, CG_ERR_IO, "%s: fsync failed: %s", path, strerror(errno));
    if (close(fd) != 0 && st == CG_OK)
        st = cg_error_set(err, CG_ERR_IO, "%s: close failed: %s", path, strerror(errno));
    if (st != CG_OK) {
        unlink(tmp);
        free(tmp);
        return st;
    }
    *tmp_out = tmp;
    return CG_OK;
}

/* Move tmp to path: rename with force, else link (fails if path exists). */
static cg_status commit(const char *tmp, const char *path, int force, cg_error *err)
{
    if (force) {
        if (rename(tmp, path) != 0)
            return cg_error_set(err, CG_ERR_IO, "%s: rename failed: %s", path, strerror(errno));
        return CG_OK;
    }
    if (link(tmp, path) != 0) {
        cg_status st = errno == EEXIST
                           ? cg_error_set(err, CG_ERR_IO, "%s already exists (use --force to replace it)", path)
                           : cg_error_set(err, CG_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
        unlink(tmp);
        return st;
    }
    unlink(tmp);
    return CG_OK;
}

int cmd_keygen(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output-key-prefix", required_argument, NULL, 'p'},
        {"force", no_argument, NULL, 'f'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *prefix = "cosign";
    int force = 0, quiet = 0, c;
    opterr = 0;
    optind = 1;
    {
        int pre = cli_args("keygen", ":qh", longopts, &argc, &argv);
        if (pre >= 0)
            return pre;
    }
    while ((c = getopt_long(argc, argv, ":qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'p': prefix = optarg; break;
        case 'f': force = 1; break;
        case 'q': quiet = 1; break;
        case 'h': fputs(keygen_usage, stdout); return 0;
        case ':': return cli_usage_error("keygen", "option %s needs a value", argv[optind - 1]);
        default: return cli_unknown_option("keygen", argv[optind - 1]);
        }
    }
    if (optind != argc)
        return cli_usage_error("keygen", "unexpected argument \"%s\"", argv[optind]);
    if (!*prefix)
        return cli_usage_error("keygen", "empty --output-key-prefix");
    size_t pl = strlen(prefix) + 5;
    char *keypath = malloc(pl), *pubpath = malloc(pl);
    cg_error err;
    cg_error_clear(&err);
    cg_sign_key *key = NULL;
    cg_buf pw = CG_BUF_INIT, enc = CG_BUF_INIT, pub = CG_BUF_INIT;
    char *ktmp = NULL, *ptmp = NULL;
    cg_status st = CG_OK;
    if (!keypath || !pubpath) {
        st = cg_error_set(&err, CG_ERR_NOMEM, "out of memory");
        goto done;
    }
    snprintf(keypath, pl, "%s.key", prefix);
    snprintf(pubpath, pl, "%s.pub", prefix);
    if (!force && (access(keypath, F_OK) == 0 || access(pubpath, F_OK) == 0)) {
        st = cg_error_set(&err, CG_ERR_IO, "%s already exists (use --force to replace it)",
                          access(keypath, F_OK) == 0 ? keypath : pubpath);
        goto done;
    }
    if ((st = cli_read_password(1, &pw, &err)) != CG_OK)
        goto done;
    if ((st = cg_key_generate(&key, &err)) != CG_OK ||
        (st = cg_key_write_encrypted(key, pw.data, pw.len, 32768, &enc, &err)) != CG_OK ||
        (st = cg_key_write_public(key, &pub, &err)) != CG_OK)
        goto done;
    if ((st = write_tmp(keypath, &enc, 0600, &ktmp, &err)) != CG_OK ||
        (st = write_tmp(pubpath, &pub, 0644, &ptmp, &err)) != CG_OK)
        goto done;
    if ((st = commit(ktmp, keypath, force, &err)) != CG_OK) {
        unlink(ptmp);
        goto done;
    }
    if ((st = commit(ptmp, pubpath, force, &err)) != CG_OK) {
        if (!force)
            unlink(keypath); /* ours, made a moment ago: leave no half pair */
        goto done;
    }
    if (!quiet)
        fprintf(stderr, "Private key written to %s\nPublic key written to %s\n", keypath, pubpath);
done:
    cg_key_free(key);
    cg_key_buf_wipe(&pw);
    cg_key_buf_wipe(&enc);
    cg_buf_free(&pub);
    free(ktmp);
    free(ptmp);
    free(keypath);
    free(pubpath);
    return st == CG_OK ? 0 : cli_fail(&err);
}

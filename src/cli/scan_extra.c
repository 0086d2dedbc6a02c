/*
 * scan_extra.c - the secret and config scanners of `cgate scan --scanners`:
 * parse the list, load --secret-config, run the secret scanner and the image
 * checks over an open image, and count what remains for --exit-code.  Kept
 * apart from cmd_scan.c, which owns the vulnerability flow.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>

#include "cgate/lint.h"
#include "cgate/sbom.h"
#include "cgate/secrets.h"
#include "cli/cli.h"
#include "core/readfile.h"

int cli_parse_scanners(const char *s, unsigned *out)
{
    *out = 0;
    const char *p = s;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (l == 4 && !strncmp(p, "vuln", 4))
            *out |= CLI_SCAN_VULN;
        else if (l == 6 && !strncmp(p, "secret", 6))
            *out |= CLI_SCAN_SECRET;
        else if ((l == 6 && !strncmp(p, "config", 6)) || (l == 8 && !strncmp(p, "misconfig", 8)))
            *out |= CLI_SCAN_CONFIG;
        else
            return -1;
        p += l + (e ? 1 : 0);
    }
    return *out ? 0 : -1;
}

/* The scanner of --secret-config (or the built-in rules); cs->sc set. */
static cg_status secrets_setup(cli_secrets *cs, const char *secret_config, cg_error *err)
{
    memset(cs, 0, sizeof *cs);
    cg_arena_init(&cs->a);
    cg_status st = CG_OK;
    if (secret_config) {
        cg_buf b = CG_BUF_INIT;
        st = cg_read_file(secret_config, 1u << 20, "secret configuration", &b, err);
        if (st == CG_OK)
            st = cg_secret_config_parse((const uint8_t *)b.data, b.len, secret_config, &cs->a, &cs->cfg, err);
        cg_buf_free(&b);
    }
    const char *nh = getenv("CGATE_NO_HYPERSCAN");
    /* the compiled rules are cached beside the vulnerability DB's default place */
    const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    const char *base = x && *x == '/' ? x : home && *home == '/' ? cg_arena_sprintf(&cs->a, "%s/.cache", home) : NULL;
    const char *dir = base ? cg_arena_sprintf(&cs->a, "%s/cgate", base) : NULL;
    if (base && mkdir(base, 0700) != 0 && errno != EEXIST)
        dir = NULL;
    if (dir && mkdir(dir, 0700) != 0 && errno != EEXIST)
        dir = NULL;
    cg_secret_opts so = {secret_config ? &cs->cfg : NULL, nh && *nh && strcmp(nh, "0"), 0, 0, dir};
    if (st == CG_OK)
        st = cg_secret_scanner_new(&so, &cs->sc, err);
    return st;
}

cg_status cli_secrets_begin(cli_secrets *cs, cg_image *img, const char *secret_config, cg_findings *f, cg_error *err)
{
    cg_status st = secrets_setup(cs, secret_config, err);
    if (st == CG_OK)
        st = cg_secrets_pass_new(cs->sc, img, f, &cs->pass, err);
    if (st == CG_OK)
        cg_secrets_pass_tap(cs->pass, &cs->tap);
    return st;
}

cg_status cli_secrets_finish(cli_secrets *cs, cg_error *err)
{
    return cs->pass ? cg_secrets_pass_finish(cs->pass, err) : CG_OK;
}

void cli_secrets_free(cli_secrets *cs)
{
    cg_secrets_pass_free(cs->pass);
    cg_secret_scanner_free(cs->sc);
    cg_arena_free(&cs->a);
    memset(cs, 0, sizeof *cs);
}

cg_status cli_scan_extras(cg_image *img, unsigned scanners, const char *secret_config, cg_findings *f,
                          cg_error *err)
{
    cg_status st = CG_OK;
    if (scanners & CLI_SCAN_SECRET) {
        cli_secrets cs;
        st = secrets_setup(&cs, secret_config, err);
        if (st == CG_OK)
            st = cg_secrets_scan_image(img, cs.sc, f, err);
        cli_secrets_free(&cs);
    }
    if (st == CG_OK && (scanners & CLI_SCAN_CONFIG)) {
        cg_lint_config lc;
        cg_lint_config_default(&lc);
        st = cg_lint_image(img, cg_image_get_info(img)->ref, &lc, f, err);
    }
    cg_findings_sort(f);
    return st;
}

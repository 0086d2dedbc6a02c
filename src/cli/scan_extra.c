/*
 * scan_extra.c - the secret and config scanners of `cgate scan --scanners`:
 * parse the list, load --secret-config, run the secret scanner and the image
 * checks over an open image, and count what remains for --exit-code.  Kept
 * apart from cmd_scan.c, which owns the vulnerability flow.
 */
#include <stdlib.h>
#include <string.h>

#include "cgate/lint.h"
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

cg_status cli_scan_extras(cg_image *img, unsigned scanners, const char *secret_config, cg_findings *f,
                          cg_error *err)
{
    cg_status st = CG_OK;
    if (scanners & CLI_SCAN_SECRET) {
        cg_arena a;
        cg_arena_init(&a);
        cg_secret_config cfg;
        memset(&cfg, 0, sizeof cfg);
        if (secret_config) {
            cg_buf b = CG_BUF_INIT;
            st = cg_read_file(secret_config, 1u << 20, "secret configuration", &b, err);
            if (st == CG_OK)
                st = cg_secret_config_parse((const uint8_t *)b.data, b.len, secret_config, &a, &cfg, err);
            cg_buf_free(&b);
        }
        const char *nh = getenv("CGATE_NO_HYPERSCAN");
        cg_secret_opts so = {secret_config ? &cfg : NULL, nh && *nh && strcmp(nh, "0"), 0, 0};
        cg_secret_scanner *sc = NULL;
        if (st == CG_OK)
            st = cg_secret_scanner_new(&so, &sc, err);
        if (st == CG_OK)
            st = cg_secrets_scan_image(img, sc, f, err);
        cg_secret_scanner_free(sc);
        cg_arena_free(&a);
    }
    if (st == CG_OK && (scanners & CLI_SCAN_CONFIG)) {
        cg_lint_config lc;
        cg_lint_config_default(&lc);
        st = cg_lint_image(img, cg_image_get_info(img)->ref, &lc, f, err);
    }
    cg_findings_sort(f);
    return st;
}

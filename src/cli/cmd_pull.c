/*
 * cmd_pull.c - `cgate pull IMAGE oci:DIR[:TAG]`: copy one image from any
 * transport (a registry above all) into an OCI image layout, every blob
 * verified against its digest before it is kept, index.json written last.
 * The library does the work (cg_copy_to_layout in cgate/copy.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgate/copy.h"
#include "cgate/image.h"
#include "cgate/registry.h"
#include "cli/cli.h"

static const char pull_usage[] =
    "usage: cgate pull [OPTIONS] IMAGE oci:DIR[:TAG]\n"
    "\n"
    "Copy IMAGE (docker://HOST/REPO[:TAG|@DIGEST], oci:, oci-archive: or\n"
    "docker-archive:) into the OCI image layout DIR (created when missing) under\n"
    "TAG (default: IMAGE's tag, else none).  The manifest is copied byte for\n"
    "byte, so the digest stays; every blob is hashed as it is written and kept\n"
    "only when it matches its digest; blobs already in DIR are re-hashed and\n"
    "not fetched again; index.json is rewritten last, whole.  Prints the\n"
    "manifest digest.  A multi-platform IMAGE is copied whole (every platform,\n"
    "attestations, the index's own bytes) unless --platform picks one.\n"
    "\n"
    "Options:\n"
    "      --platform P        copy only this OS/ARCH[/VARIANT] of a multi-platform IMAGE\n"
    "      --oci-media-types   rewrite a Docker v2 manifest with OCI media types (a new\n"
    "                          digest, the same blobs) so skopeo and umoci, which read\n"
    "                          only OCI manifests from a layout, find it; one image only\n";

static const char pull_tail[] =
    "  -q, --quiet             only the digest on stdout\n"
    "  -h, --help              this help\n"
    "\n"
    "Exit codes: 0 copied, 2 usage error, 3 bad input (a blob that does not\n"
    "match its digest, DIR not an OCI layout, an unwritable DIR), 4 registry or\n"
    "network error, 5 internal error.\n";

int cmd_pull(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"platform", required_argument, NULL, 'P'},
        {"oci-media-types", no_argument, NULL, 'O'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        CLI_REGISTRY_LONGOPTS,
        {NULL, 0, NULL, 0},
    };
    cg_image_opts io;
    memset(&io, 0, sizeof io);
    cg_registry_opts ro;
    memset(&ro, 0, sizeof ro);
    io.registry = &ro;
    int quiet = 0, oci = 0, c, rc;
    opterr = 0;
    optind = 1;
    {
        int pre = cli_args("pull", ":qh", longopts, &argc, &argv);
        if (pre >= 0)
            return pre;
    }
    while ((c = getopt_long(argc, argv, ":qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'P': io.platform = optarg; break;
        case 'O': oci = 1; break;
        case 'q': quiet = 1; break;
        case 'h':
            fputs(pull_usage, stdout);
            fputs(cli_registry_help, stdout);
            fputs(pull_tail, stdout);
            return 0;
        case ':': return cli_usage_error("pull", "option %s needs a value", argv[optind - 1]);
        case '?': return cli_unknown_option("pull", argv[optind - 1]);
        default:
            if ((rc = cli_parse_registry_opt("pull", c, optarg, &ro)) != 0)
                return rc;
        }
    }
    if (argc - optind != 2)
        return cli_usage_error("pull", "need IMAGE and oci:DIR[:TAG] (got %d argument%s)", argc - optind,
                               argc - optind == 1 ? "" : "s");
    const char *src = argv[optind], *dst = argv[optind + 1];
    if (strncmp(dst, "oci:", 4) || !dst[4])
        return cli_usage_error("pull", "the destination must be oci:DIR[:TAG], not \"%s\"", dst);
    /* oci:DIR:TAG: the tag is after the last ':' when what follows has no '/' */
    char *dir = strdup(dst + 4);
    cg_error err;
    cg_error_clear(&err);
    if (!dir) {
        cg_error_set(&err, CG_ERR_NOMEM, "out of memory");
        return cli_fail(&err);
    }
    char *tag = NULL, *free_tag = NULL, *colon = strrchr(dir, ':');
    if (colon && !strchr(colon, '/')) {
        *colon = '\0';
        tag = colon + 1;
    }
    cg_image *img = NULL;
    cg_image_index *idx = NULL;
    cli_xfer xfer;
    cli_xfer_init(&xfer, "pulling", quiet);
    ro.progress = cli_xfer_cb;
    ro.progress_ud = &xfer;
    /* without --platform a multi-platform IMAGE is copied whole */
    cg_status st = io.platform ? cg_image_open(src, &io, &img, &err) : cg_image_open_index(src, &io, &idx, &img, &err);
    if (st == CG_OK && !tag && img && cg_image_get_info(img)->tag)
        tag = (char *)cg_image_get_info(img)->tag;
    cg_ref r;
    cg_error e2;
    if (st == CG_OK && !tag && idx && !strncmp(src, "docker://", 9) && cg_ref_parse(src, &r, &e2) == CG_OK && r.tag[0])
        tag = strdup(r.tag), free_tag = tag;
    cg_push_result res;
    memset(&res, 0, sizeof res);
    if (st == CG_OK && idx && oci)
        st = cg_error_set(&err, CG_ERR_USAGE, "--oci-media-types rewrites one image: %s is a multi-platform index, pick one with --platform", src);
    if (st == CG_OK)
        st = idx ? cg_copy_index_to_layout(idx, dir, tag, &res, &err)
                 : cg_copy_to_layout(img, dir, tag, oci ? CG_LAYOUT_OCI_MEDIA_TYPES : 0, &res, &err);
    cli_xfer_done(&xfer);
    if (st != CG_OK) {
        if (!strstr(err.msg, dir))
            cg_error_prefix(&err, "pull into %s", dir);
        rc = cli_fail(&err);
    } else {
        rc = 0;
        printf("%s\n", res.digest);
        if (!quiet)
            fprintf(stderr, "pulled %s into oci:%s%s%s@%s: %s%zu blobs (%zu written, %zu already there), %llu blob bytes\n",
                    src, dir, tag ? ":" : "", tag ? tag : "", res.digest, res.is_index ? "an index, " : "", res.blobs,
                    res.uploaded, res.skipped, (unsigned long long)res.bytes_uploaded);
    }
    cg_image_close(img);
    cg_image_index_close(idx);
    free(free_tag);
    free(dir);
    return rc;
}

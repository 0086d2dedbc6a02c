/*
 * cmd_sbom.c - `cgate sbom IMAGE`: open the image, build the SBOM in one
 * streaming pass, write it in the chosen format; `cgate sbom --from FILE`:
 * read an existing CycloneDX or SPDX JSON SBOM instead and write it in the
 * chosen format (a conversion).  Nothing is written unless the whole SBOM
 * was built or read.
 */
#include <getopt.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgate/image.h"
#include "cgate/sbom.h"
#include "cgate/registry.h"
#include "cli/cli.h"
#include "core/mapfile.h"
#include "core/readfile.h"

static const char sbom_usage[] =
    "usage: cgate sbom [OPTIONS] IMAGE\n"
    "       cgate sbom [OPTIONS] --from FILE\n"
    "\n"
    "List the packages installed in a container image, reading its layers as\n"
    "streams (nothing is unpacked) and verifying every blob digest and diff_id.\n"
    "With --from, read an existing SBOM instead (CycloneDX 1.2-1.7 JSON or\n"
    "SPDX 2.2/2.3 JSON, from cgate, Syft or Trivy; packages are keyed by purl)\n"
    "and write it in the chosen format.\n"
    "\n"
    "IMAGE:\n"
    "  docker-archive:PATH[:NAME:TAG]  a `docker save` tar (classic or OCI-style)\n"
    "  oci:DIR[:TAG]                   an OCI image layout directory\n"
    "  oci-archive:PATH[:TAG]          a tar of an OCI image layout\n"
    "  dir:PATH                        a root filesystem\n"
    "  fs:PATH                         a source tree: its lock files and manifests\n"
    "  docker://HOST/REPO[:TAG|@DIGEST]  an image in a registry\n"
    "  PATH                            any of the above, detected (a directory\n"
    "                                  needs oci-layout, manifest.json, or etc/,\n"
    "                                  usr/ or var/lib/; anything else is refused)\n"
    "\n"
    "Options:\n"
    "  -f, --format FMT        table (default on a terminal), cyclonedx-json\n"
    "                          (default otherwise) or spdx-json\n"
    "  -o, --output FILE       write to FILE (whole or not at all); default stdout\n"
    "      --from FILE         read this SBOM instead of an image (at most 256M)\n"
    "      --platform P        OS/ARCH[/VARIANT] in a multi-platform index\n"
    "                          (default linux/amd64)\n"
    "      --max-layer-bytes N cap on uncompressed bytes over all layers\n"
    "                          (default 64G; suffixes K M G T)\n"
    "      --max-json-bytes N  cap on index, manifest and config size (default 4M)\n"
    "      --declared          images: also report what lock files and manifests\n"
    "                          declare, marked cgate:evidence=declared\n"
    "      --include-dev       keep the dev dependencies lock files declare\n"
    "      --allow-empty       accept an image in which no OS and no package is\n"
    "                          recognised (else exit 3, \"nothing recognised\")\n"
    ;
static const char sbom_usage_tail[] =
    "  -q, --quiet             no progress and no warnings on stderr\n"
    "  -h, --help              this help\n"
    "\n"
    "Timestamps come from SOURCE_DATE_EPOCH when set, else the image's creation\n"
    "time, so the same image gives the same bytes.\n"
    "\n"
    "Exit codes: 0 success, 2 usage error, 3 bad or hostile input (corrupt image,\n"
    "digest mismatch, not an SBOM, a limit exceeded, unusable output path),\n"
    "4 registry or network error (docker://), 5 internal error.\n";

typedef struct sbom_out {
    const cg_sbom *sbom;
    cg_sbom_format fmt;
    size_t width; /* table: fitted to this width (0: unbounded) */
} sbom_out;

static cg_status write_sbom(void *ud, cg_sink_fn sink, void *sink_ud, cg_error *err)
{
    const sbom_out *o = ud;
    if (o->fmt == CG_SBOM_TABLE && o->width) { /* a terminal's table: small, built whole */
        cg_buf b = CG_BUF_INIT;
        cg_status st = cg_sbom_write_table(o->sbom, o->width, &b, err);
        if (st == CG_OK && b.len)
            st = sink(sink_ud, b.data, b.len, err);
        cg_buf_free(&b);
        return st;
    }
    return cg_sbom_write_stream(o->sbom, o->fmt, sink, sink_ud, err);
}

int cmd_sbom(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"from", required_argument, NULL, 'F'},
        {"platform", required_argument, NULL, 'P'},
        {"max-layer-bytes", required_argument, NULL, 'L'},
        {"max-json-bytes", required_argument, NULL, 'J'},
        {"quiet", no_argument, NULL, 'q'},
        {"declared", no_argument, NULL, 'd'},
        {"include-dev", no_argument, NULL, 'I'},
        {"allow-empty", no_argument, NULL, 'e'},
        {"help", no_argument, NULL, 'h'},
        CLI_REGISTRY_LONGOPTS,
        {NULL, 0, NULL, 0},
    };
    const char *format = NULL, *output = NULL, *from = NULL;
    cg_image_opts io;
    memset(&io, 0, sizeof io);
    cg_registry_opts ro; /* docker:// images */
    memset(&ro, 0, sizeof ro);
    io.registry = &ro;
    int quiet = 0, c, declared = 0, include_dev = 0, allow_empty = 0;
    opterr = 0;
    optind = 1;
    {
        int pre = cli_args("sbom", ":f:o:qh", longopts, &argc, &argv);
        if (pre >= 0)
            return pre;
    }
    while ((c = getopt_long(argc, argv, ":f:o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'f': format = optarg; break;
        case 'o': output = optarg; break;
        case 'F': from = optarg; break;
        case 'P': io.platform = optarg; break;
        case 'L':
            if (cli_parse_size(optarg, &io.max_layer_bytes))
                return cli_usage_error("sbom", "--max-layer-bytes: invalid size \"%s\"", optarg);
            break;
        case 'J':
            if (cli_parse_size(optarg, &io.max_json_bytes))
                return cli_usage_error("sbom", "--max-json-bytes: invalid size \"%s\"", optarg);
            break;
        case 'q': quiet = 1; break;
        case 'd': declared = 1; break;
        case 'I': include_dev = 1; break;
        case 'e': allow_empty = 1; break;
        case 'h':
            fputs(sbom_usage, stdout);
            fputs(cli_registry_help, stdout);
            fputs(sbom_usage_tail, stdout);
            return 0;
        case ':': return cli_usage_error("sbom", "option %s needs a value", argv[optind - 1]);
        case '?': return cli_unknown_option("sbom", argv[optind - 1]);
        default: {
            int rc = cli_parse_registry_opt("sbom", c, optarg, &ro);
            if (rc)
                return rc;
        }
        }
    }
    if (from && optind < argc)
        return cli_usage_error("sbom", "--from reads an SBOM instead of an image: drop \"%s\"", argv[optind]);
    if (from && (io.platform || io.max_layer_bytes || io.max_json_bytes || ro.creds || ro.auth_file || ro.insecure))
        return cli_usage_error("sbom", "--platform, --max-*-bytes and the registry options apply to images, not to --from");
    if (from && !*from)
        return cli_usage_error("sbom", "--from needs a file name");
    if (!from && optind >= argc)
        return cli_usage_error("sbom", "no image given");
    if (optind + 1 < argc)
        return cli_usage_error("sbom", "one image at a time (got \"%s\" and \"%s\")", argv[optind], argv[optind + 1]);
    const char *ref = from ? NULL : argv[optind];
    if (!format) /* a table for people, CycloneDX for pipes and files */
        format = cli_stdout_tty(output) ? "table" : "cyclonedx-json";
    cg_sbom_format fmt;
    if (cg_sbom_format_parse(format, &fmt) != CG_OK)
        return cli_bad_format("sbom", format);
    if (from) {
        cg_error err;
        cg_error_clear(&err);
        cg_mapfile in;
        cg_sbom *sbom = NULL;
        cg_status st = cg_mapfile_open(&in, from, CG_SBOM_READ_MAX_BYTES, "SBOM", &err);
        if (st == CG_OK)
            st = cg_sbom_read_ex(in.data, in.len, from, cg_mapfile_release, &in, &sbom, &err);
        cg_mapfile_close(&in);
        sbom_out so_ = {sbom, fmt, cli_table_width(output)};
        if (st == CG_OK)
            st = cli_stream_artifact(output, write_sbom, &so_, &err);
        int rc = st == CG_OK ? 0 : cli_fail(&err);
        cg_sbom_free(sbom);
        return rc;
    }
    if (from && (declared || include_dev || allow_empty))
        return cli_usage_error("sbom", "--declared, --include-dev and --allow-empty apply to images, not to --from");
    cg_sbom_opts so = {cli_source_date_epoch(), declared, include_dev, allow_empty};
    if (so.source_date_epoch == -2)
        return cli_usage_error("sbom", "SOURCE_DATE_EPOCH must be a non-negative integer of seconds");

    cli_progress prog;
    cli_progress_init(&prog, quiet);
    io.progress = cli_progress_cb;
    io.progress_ud = &prog;

    cg_error err;
    cg_error_clear(&err);
    cg_image *img = NULL;
    cg_sbom *sbom = NULL;
    cg_status st = cg_image_open(ref, &io, &img, &err);
    if (st == CG_OK)
        st = cg_sbom_build(img, &so, &sbom, &err);
    if (st == CG_OK && !quiet)
        for (size_t i = 0; i < sbom->n_warnings && i < 20; i++)
            cli_warn("%s", sbom->warnings[i]);
    if (st == CG_OK && !quiet && sbom->n_warnings > 20)
        cli_warn("%zu more warnings not shown", sbom->n_warnings - 20);
    /* streamed: the document is never held whole (100k packages: ~150 MB) */
    sbom_out sout = {sbom, fmt, cli_table_width(output)};
    if (st == CG_OK)
        st = cli_stream_artifact(output, write_sbom, &sout, &err);
    int rc = st == CG_OK ? 0 : cli_fail(&err);
    cg_sbom_free(sbom);
    cg_image_close(img);
    return rc;
}

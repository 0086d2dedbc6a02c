/*
 * cmd_audit.c - `cgate audit verify DIR`: check the hash chain of a run's
 * audit.jsonl and the sha256 of every artifact its records name (the work
 * is cg_audit_verify in cgate/pipeline.h).  Exit 0 when everything matches,
 * 1 naming the first record that does not, 3 when there is no audit log.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cgate/pipeline.h"
#include "cli/cli.h"

static const char audit_usage[] =
    "usage: cgate audit verify DIR\n"
    "\n"
    "Check the audit trail `cgate run` wrote into the artifacts folder DIR: each\n"
    "record's own hash, the chain (every record carries the hash of the one\n"
    "before it), and the sha256 of every artifact a record names (sbom.cdx.json,\n"
    "report.json, decision.json, ...).  Prints the first record that does not\n"
    "match.\n"
    "\n"
    "Options:\n"
    "  -q, --quiet   print nothing when everything matches\n"
    "  -h, --help    this help\n"
    "\n"
    "Exit codes: 0 everything matches, 1 a record or artifact does not match,\n"
    "2 usage error, 3 no readable audit.jsonl in DIR.\n";

int cmd_audit(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int quiet = 0, c;
    opterr = 0;
    optind = 1;
    {
        int pre = cli_args("audit", "qh", longopts, &argc, &argv);
        if (pre >= 0)
            return pre;
    }
    /* options anywhere: "audit verify DIR -q", "audit verify --help" */
    while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'q': quiet = 1; break;
        case 'h': fputs(audit_usage, stdout); return 0;
        default: return cli_unknown_option("audit", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage_error("audit", "need a subcommand: verify DIR");
    if (strcmp(argv[optind], "verify"))
        return cli_usage_error("audit", "unknown subcommand \"%s\" (verify)", argv[optind]);
    optind++;
    if (argc - optind != 1)
        return cli_usage_error("audit", "verify needs one folder (got %d arguments)", argc - optind);
    const char *dir = argv[optind];
    cg_error err;
    cg_error_clear(&err);
    cg_audit_verify_result r;
    if (cg_audit_verify(dir, &r, &err) != CG_OK)
        return cli_fail(&err);
    if (r.bad_record) {
        cli_error("audit verify %s: record %zu%s%s%s does not match: %s", dir, r.bad_record,
                  r.bad_stage[0] ? " (stage " : "", r.bad_stage, r.bad_stage[0] ? ")" : "", r.reason);
        return 1;
    }
    if (!quiet)
        printf("audit verified %s: %zu records chained, %zu artifact hashes match\n", dir, r.records, r.files);
    return 0;
}

/*
 * cmd_db.c - `cgate db import|status|update`: the vulnerability DB's
 * commands.  The library does the work (src/vulndb/); this file parses
 * options, finds the DB path (--db, CGATE_DB, the XDG cache default) and the
 * sources file, and prints the import report and the status table.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>

#include "core/rfc3339.h"
#include "cgate/arena.h"
#include "cgate/vulndb.h"
#include "cli/cli.h"

static const char db_usage[] =
    "usage: cgate db import [--db FILE] [-q] PATH...\n"
    "       cgate db status [--db FILE] [--format text|json]\n"
    "       cgate db update [--db FILE] [--source URL]... [--sources FILE]\n"
    "\n"
    "The vulnerability DB is one SQLite file: --db FILE, else $CGATE_DB, else\n"
    "$XDG_CACHE_HOME/cgate/db.sqlite (~/.cache/cgate/db.sqlite).\n"
    "\n"
    "import PATH...   merge files, directories and zips into the DB: OSV records\n"
    "                 (JSON or YAML; osv.dev's per-ecosystem all.zip), CISA KEV JSON,\n"
    "                 EPSS CSV (optionally .gz), NVD CVE JSON 2.0, Alpine secdb.\n"
    "                 The new DB replaces the old one atomically; bad records are\n"
    "                 skipped and listed (FILE: RECORD: why).\n"
    "status           sources, record counts per ecosystem, and the DB's age.\n"
    "update           download the configured sources and import them: --source URL\n"
    "                 (repeatable), else one URL a line in --sources FILE, else\n"
    "                 $XDG_CONFIG_HOME/cgate/sources (~/.config/cgate/sources).\n"
    "                 https only (plain http to 127.0.0.1/localhost is allowed).\n"
    "\n"
    "Options:\n"
    "      --db FILE           the DB file\n"
    "  -q, --quiet             import/update: print only errors\n"
    "      --format F          status: text (default) or json\n"
    "      --source URL        update: a URL to fetch (repeatable)\n"
    "      --sources FILE      update: a file of URLs\n"
    "      --max-bytes N       update: cap per download (default 1G; K M G T)\n"
    "      --timeout SECONDS   update: cap per download (default 1800)\n"
    "      --max-file-bytes N  import: cap per input file (default 256M)\n"
    "  -h, --help              this help\n"
    "\n"
    "Exit codes: 0 success, 2 usage error, 3 bad input or a missing/corrupt DB,\n"
    "4 network error, 5 internal error.\n";

static void print_report(const cg_vdb_import_report *r, const char *db, int quiet)
{
    for (size_t i = 0; !quiet && i < r->n_skip_reasons; i++)
        cli_error("skipped: %s", r->skip_reasons[i]); /* reasons quote input: one safe line */
    if (!quiet && (size_t)r->skipped > r->n_skip_reasons)
        fprintf(stderr, "cgate: skipped: %lld more not listed\n", (long long)r->skipped - (long long)r->n_skip_reasons);
    if (!quiet)
        fprintf(stderr, "cgate: %s: imported %lld, skipped %lld, withdrawn %lld, duplicates %lld\n", db,
                (long long)r->imported, (long long)r->skipped, (long long)r->withdrawn,
                (long long)r->duplicates_replaced);
}

static char *read_sources(const char *path, cg_arena *a, const char ***urls, size_t *n, int required, cg_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        if (required)
            cg_error_set(err, CG_ERR_USAGE, "%s: cannot read the sources file", path);
        return NULL;
    }
    char line[4096];
    size_t cap = 0;
    while (fgets(line, sizeof line, f)) {
        char *s = line + strspn(line, " \t");
        s[strcspn(s, " \t\r\n#")] = 0;
        if (!*s)
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            const char **nu = cg_arena_calloc(a, cap, sizeof *nu);
            if (!nu)
                break;
            if (*n)
                memcpy(nu, *urls, *n * sizeof *nu);
            *urls = nu;
        }
        (*urls)[(*n)++] = cg_arena_strdup(a, s);
    }
    fclose(f);
    return (char *)path;
}

static int db_status(const char *path, const char *format)
{
    cg_error err;
    cg_error_clear(&err);
    cg_vdb *db = NULL;
    cg_arena a;
    cg_arena_init(&a);
    cg_vdb_source_stat *st = NULL;
    size_t n = 0;
    int64_t newest = -1;
    cg_status s = cg_vdb_open(path, &db, &err);
    if (s == CG_OK)
        s = cg_vdb_stats(db, &a, &st, &n, &newest, &err);
    if (s != CG_OK) {
        int rc = cli_fail(&err);
        cg_vdb_close(db);
        cg_arena_free(&a);
        return rc;
    }
    struct stat sb;
    long long size = stat(path, &sb) == 0 ? (long long)sb.st_size : -1;
    int64_t now = (int64_t)time(NULL), age = newest >= 0 ? now - newest : -1;
    if (!strcmp(format, "json")) {
        printf("{\"db\":");
        json_t *p = json_string(path);
        char *ps = json_dumps(p, JSON_ENCODE_ANY);
        printf("%s,\"bytes\":%lld,\"age_seconds\":%lld,\"sources\":[", ps ? ps : "\"\"", size, (long long)age);
        free(ps);
        json_decref(p);
        for (size_t i = 0; i < n; i++) {
            json_t *o = json_pack("{s:s,s:I,s:s}", "source", st[i].source, "records", (json_int_t)st[i].records,
                                  "imported", st[i].imported);
            char *os = json_dumps(o, JSON_COMPACT);
            printf("%s%s", i ? "," : "", os ? os : "{}");
            free(os);
            json_decref(o);
        }
        printf("]}\n");
    } else {
        printf("DB: %s (%.1f MiB)\n", path, size >= 0 ? (double)size / 1048576.0 : 0.0);
        if (age >= 0) {
            char when[CG_RFC3339_SIZE];
            cg_rfc3339_format(newest, when);
            printf("age: %lldd %lldh (newest import %s)\n", (long long)(age / 86400),
                   (long long)(age % 86400 / 3600), when);
        }
        printf("%-40s %10s  %s\n", "SOURCE", "RECORDS", "IMPORTED");
        for (size_t i = 0; i < n; i++)
            printf("%-40s %10lld  %s\n", st[i].source, (long long)st[i].records, st[i].imported);
        if (age > 7 * 86400)
            cli_warn("the DB is %lld days old; run 'cgate db update' or import fresh data", (long long)(age / 86400));
    }
    cg_vdb_close(db);
    cg_arena_free(&a);
    return 0;
}

int cmd_db(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},
        {"quiet", no_argument, NULL, 'q'},
        {"format", required_argument, NULL, 'f'},
        {"source", required_argument, NULL, 's'},
        {"sources", required_argument, NULL, 'S'},
        {"max-bytes", required_argument, NULL, 'M'},
        {"max-file-bytes", required_argument, NULL, 'F'},
        {"timeout", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs(db_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_EXIT_USAGE : 0;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "import") && strcmp(sub, "status") && strcmp(sub, "update"))
        return cli_usage_error("db", "unknown subcommand \"%s\" (import, status, update)", sub);
    cg_arena a;
    cg_arena_init(&a);
    const char *dbpath = NULL, *format = "text", *sources_file = NULL;
    const char **urls = NULL;
    size_t n_urls = 0, cap_urls = 0;
    int quiet = 0, c, rc = 0;
    cg_vdb_update_opts uo = {0, 0};
    cg_vdb_import_opts io = {-1, 0};
    opterr = 0;
    optind = 1;
    argc--;
    argv++;
    while ((c = getopt_long(argc, argv, ":qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': dbpath = optarg; break;
        case 'q': quiet = 1; break;
        case 'f': format = optarg; break;
        case 'S': sources_file = optarg; break;
        case 's':
            if (n_urls == cap_urls) {
                cap_urls = cap_urls ? cap_urls * 2 : 8;
                const char **nu = cg_arena_calloc(&a, cap_urls, sizeof *nu);
                if (nu && n_urls)
                    memcpy(nu, urls, n_urls * sizeof *nu);
                urls = nu;
            }
            if (urls)
                urls[n_urls++] = optarg;
            break;
        case 'M':
            if (cli_parse_size(optarg, &uo.max_bytes)) {
                rc = cli_usage_error("db", "--max-bytes: invalid size \"%s\"", optarg);
                goto out;
            }
            break;
        case 'F':
            if (cli_parse_size(optarg, &io.max_file_bytes)) {
                rc = cli_usage_error("db", "--max-file-bytes: invalid size \"%s\"", optarg);
                goto out;
            }
            break;
        case 't': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || v <= 0) {
                rc = cli_usage_error("db", "--timeout: invalid number of seconds \"%s\"", optarg);
                goto out;
            }
            uo.timeout_s = v;
            break;
        }
        case 'h': fputs(db_usage, stdout); goto out;
        case ':': rc = cli_usage_error("db", "option %s needs a value", argv[optind - 1]); goto out;
        default: rc = cli_usage_error("db", "unknown option %s", argv[optind - 1]); goto out;
        }
    }
    if (!dbpath)
        dbpath = cg_vdb_default_path(&a);
    if (!strcmp(sub, "status")) {
        if (optind < argc) {
            rc = cli_usage_error("db", "status takes no arguments (got \"%s\")", argv[optind]);
            goto out;
        }
        if (strcmp(format, "text") && strcmp(format, "json")) {
            rc = cli_usage_error("db", "unknown format \"%s\" (text, json)", format);
            goto out;
        }
        rc = db_status(dbpath, format);
        goto out;
    }
    cg_error err;
    cg_error_clear(&err);
    cg_vdb_import_report rep;
    cg_status s;
    if (!strcmp(sub, "import")) {
        if (optind >= argc) {
            rc = cli_usage_error("db", "import needs at least one PATH");
            goto out;
        }
        s = cg_vdb_import(dbpath, (const char *const *)(argv + optind), (size_t)(argc - optind), &io, &a, &rep, &err);
    } else {
        if (optind < argc) {
            rc = cli_usage_error("db", "update takes URLs with --source (got \"%s\")", argv[optind]);
            goto out;
        }
        if (!n_urls) {
            const char *cfg = sources_file;
            if (!cfg) {
                const char *x = getenv("XDG_CONFIG_HOME"), *h = getenv("HOME");
                cfg = x && *x == '/' ? cg_arena_sprintf(&a, "%s/cgate/sources", x)
                                     : cg_arena_sprintf(&a, "%s/.config/cgate/sources", h && *h ? h : ".");
            }
            if (!read_sources(cfg, &a, &urls, &n_urls, sources_file != NULL, &err) && sources_file) {
                rc = cli_fail(&err);
                goto out;
            }
            if (!n_urls) {
                rc = cli_usage_error("db", "no sources: give --source URL or list URLs in %s", cfg);
                goto out;
            }
        }
        s = cg_vdb_update(dbpath, urls, n_urls, &uo, &io, &a, &rep, &err);
    }
    if (s != CG_OK) {
        rc = cli_fail(&err);
        goto out;
    }
    print_report(&rep, dbpath, quiet);
out:
    cg_arena_free(&a);
    return rc;
}

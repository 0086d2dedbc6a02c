/*
 * cmd_db.c - `cgate db import|status|update|sources`: the vulnerability DB's
 * commands.  The library does the work (src/vulndb/); this file parses
 * options, finds the DB path (--db, CGATE_DB, the XDG cache default), works
 * out the effective source list (--source, --sources, --mirror or
 * CGATE_DB_MIRROR, the sources file, the built-in list) and prints the
 * import report, progress lines and the status table.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/rfc3339.h"
#include "cgate/arena.h"
#include "cgate/vulndb.h"
#include "cli/cli.h"
#include "core/table.h"
#include "vulndb/vdb_int.h"

static const char db_usage[] =
    "usage: cgate db import [--db FILE] [-q] [--lock-timeout DUR] PATH...\n"
    "       cgate db status [--db FILE] [--format text|json]\n"
    "       cgate db update [--db FILE] [-q] [--mirror URL | --source URL... | --sources FILE]\n"
    "       cgate db sources [--mirror URL | --source URL... | --sources FILE] [--format text|json]\n"
    "\n"
    "The vulnerability DB is one SQLite file: --db FILE, else $CGATE_DB, else\n"
    "$XDG_CACHE_HOME/cgate/db.sqlite (~/.cache/cgate/db.sqlite).\n"
    "\n"
    "import PATH...   merge files, directories and zips into the DB: OSV records\n"
    "                 (JSON or YAML; osv.dev's per-ecosystem all.zip), CISA KEV JSON,\n"
    "                 EPSS CSV (optionally .gz), NVD CVE JSON 2.0, Alpine secdb.\n"
    "                 The new DB replaces the old one atomically; bad records are\n"
    "                 skipped and listed (FILE: RECORD: why); files of no known\n"
    "                 format are counted on one line.\n"
    "status           sources, record counts per ecosystem, and the DB's age.\n"
    "update           fetch the sources (conditional GET: only what changed since the\n"
    "                 last update is downloaded) and import them in one step; when\n"
    "                 nothing changed the DB is not touched.  Sources: --source URL\n"
    "                 (repeatable), else one URL a line in --sources FILE, else the\n"
    "                 built-in list from --mirror URL or $CGATE_DB_MIRROR, else\n"
    "                 $XDG_CONFIG_HOME/cgate/sources (~/.config/cgate/sources) when it\n"
    "                 exists, else the built-in list (OSV all.zip of every ecosystem\n"
    "                 cgate matches, CISA KEV, FIRST EPSS, NVD CVE JSON 2.0 feeds).\n"
    "                 https only (plain http to 127.0.0.1/localhost is allowed).\n"
    "sources          print the effective source list and where each entry came from.\n"
    "\n"
    "Options:\n"
    "      --db FILE           the DB file\n"
    "  -q, --quiet             import/update: print only errors\n"
    "  -f, --format F          status, sources: text (default) or json\n"
    "      --source URL        update: a URL to fetch (repeatable)\n"
    "      --sources FILE      update: a file of URLs\n"
    "      --mirror URL        update: take the built-in sources from a mirror laid out as\n"
    "                          osv/<Ecosystem>/all.zip, kev/known_exploited_vulnerabilities.json,\n"
    "                          epss/epss_scores-current.csv.gz, nvd/nvdcve-2.0-<YEAR|modified>.json.gz\n"
    "      --force             update: download everything (ignore remembered ETags)\n"
    "      --max-bytes N       update: cap per download (default 1G; K M G T)\n"
    "      --timeout SECONDS   update: cap per download (default 1800)\n"
    "      --max-file-bytes N  import: cap per input file (default 256M)\n"
    "      --lock-timeout DUR  import/update: wait this long for another writer of\n"
    "                          the same DB (90s, 5m; default 5m; 0 = do not wait),\n"
    "                          then exit 4 naming its pid.  Readers never wait.\n"
    "  -h, --help              this help\n"
    "\n"
    "Exit codes: 0 success, 2 usage error, 3 bad input or a missing/corrupt DB,\n"
    "4 network error (or another writer held the DB past --lock-timeout),\n"
    "5 internal error.\n";

static void print_report(const cg_vdb_import_report *r, const char *db, int quiet)
{
    for (size_t i = 0; !quiet && i < r->n_skip_reasons; i++)
        cli_error("skipped: %s", r->skip_reasons[i]); /* reasons quote input: one safe line */
    if (!quiet && (size_t)r->skipped > r->n_skip_reasons)
        fprintf(stderr, "cgate: skipped: %lld more not listed\n", (long long)r->skipped - (long long)r->n_skip_reasons);
    if (!quiet && r->unrecognised > 0) {
        char names[1024] = "";
        size_t o = 0;
        for (size_t i = 0; i < r->n_unrecognised_names && o < sizeof names; i++)
            o += (size_t)snprintf(names + o, sizeof names - o, "%s%s", i ? ", " : "", r->unrecognised_names[i]);
        cli_warn("%lld file%s not recognised (not OSV, CISA KEV, EPSS, NVD CVE 2.0 or Alpine secdb): %s%s",
                 (long long)r->unrecognised, r->unrecognised == 1 ? "" : "s", names,
                 (size_t)r->unrecognised > r->n_unrecognised_names ? ", ..." : "");
    }
    if (!quiet)
        fprintf(stderr, "cgate: %s: imported %lld, skipped %lld, withdrawn %lld, duplicates %lld\n", db,
                (long long)r->imported, (long long)r->skipped, (long long)r->withdrawn,
                (long long)r->duplicates_replaced);
}

/* One URL a line (# comments) into *srcs, each marked with origin. */
static int read_sources(const char *path, const char *origin, cg_arena *a, cg_vdb_source **srcs, size_t *n)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[4096];
    size_t cap = 0;
    int lines = 0;
    while (fgets(line, sizeof line, f) && lines++ < 100000) {
        char *s = line + strspn(line, " \t");
        s[strcspn(s, " \t\r\n#")] = 0;
        if (!*s)
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            cg_vdb_source *nv = cg_arena_calloc(a, cap, sizeof *nv);
            if (!nv)
                break;
            if (*n)
                memcpy(nv, *srcs, *n * sizeof *nv);
            *srcs = nv;
        }
        cg_vdb_source *v = &(*srcs)[(*n)++];
        v->url = cg_arena_strdup(a, s);
        v->origin = origin;
        const char *e = s + strcspn(s, "?#"), *b = e;
        while (b > s && b[-1] != '/')
            b--;
        v->name = e > b ? cg_arena_strndup(a, b, (size_t)(e - b)) : v->url;
    }
    fclose(f);
    return 0;
}

/* The effective source list and where it came from (see db_usage). */
static int resolve_sources(cg_arena *a, cg_vdb_source *given, size_t n_given, const char *sources_file,
                           const char *mirror_opt, cg_vdb_source **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (mirror_opt && (n_given || sources_file))
        return cli_usage_error("db", "--mirror takes the built-in sources from a mirror; it cannot be combined with "
                                     "--source or --sources");
    if (n_given) {
        *out = given;
        *n = n_given;
        return 0;
    }
    if (sources_file) {
        if (read_sources(sources_file, cg_arena_sprintf(a, "sources file %s", sources_file), a, out, n) != 0)
            return cli_usage_error("db", "%s: cannot read the sources file", sources_file);
        if (!*n)
            return cli_usage_error("db", "%s: no URLs in the sources file", sources_file);
        return 0;
    }
    const char *env = getenv("CGATE_DB_MIRROR");
    const char *mirror = mirror_opt ? mirror_opt : env && *env ? env : NULL;
    if (!mirror) {
        const char *x = getenv("XDG_CONFIG_HOME"), *h = getenv("HOME");
        const char *cfg = x && *x == '/' ? cg_arena_sprintf(a, "%s/cgate/sources", x)
                                         : cg_arena_sprintf(a, "%s/.config/cgate/sources", h && *h ? h : ".");
        if (cfg && access(cfg, F_OK) == 0) {
            if (read_sources(cfg, cg_arena_sprintf(a, "sources file %s", cfg), a, out, n) != 0)
                return cli_usage_error("db", "%s: cannot read the sources file", cfg);
            if (!*n)
                return cli_usage_error("db", "%s: no URLs in the sources file (remove it to use the built-in list)",
                                       cfg);
            return 0;
        }
    }
    const char *origin = !mirror ? "built-in"
                         : mirror_opt ? cg_arena_sprintf(a, "built-in, mirror %s (--mirror)", mirror)
                                      : cg_arena_sprintf(a, "built-in, mirror %s (CGATE_DB_MIRROR)", mirror);
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    cg_error err;
    cg_error_clear(&err);
    if (cg_vdb_default_sources(mirror, tm.tm_year + 1900, origin, a, out, n, &err) != CG_OK)
        return cli_fail(&err);
    return 0;
}

static int db_sources(const cg_vdb_source *v, size_t n, const char *format)
{
    if (!strcmp(format, "json")) {
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < n; i++)
            json_array_append_new(arr, json_pack("{s:s,s:s,s:s}", "name", v[i].name, "url", v[i].url, "origin",
                                                 v[i].origin ? v[i].origin : ""));
        char *js = json_dumps(arr, JSON_INDENT(2));
        printf("%s\n", js ? js : "[]");
        free(js);
        json_decref(arr);
        return 0;
    }
    printf("%-16s %-76s %s\n", "NAME", "URL", "ORIGIN");
    for (size_t i = 0; i < n; i++)
        printf("%-16s %-76s %s\n", v[i].name, v[i].url, v[i].origin ? v[i].origin : "");
    return 0;
}

/* One line per source when stderr is a terminal. */
typedef struct upd_progress {
    int enabled;
} upd_progress;

static void upd_progress_cb(void *ud, const cg_vdb_fetch_event *ev)
{
    const upd_progress *p = ud;
    if (!p->enabled)
        return;
    int w = ev->total >= 100 ? 3 : ev->total >= 10 ? 2 : 1;
    if (ev->not_modified)
        fprintf(stderr, "cgate: [%*zu/%zu] %-16s not modified\n", w, ev->index + 1, ev->total, ev->source->name);
    else
        fprintf(stderr, "cgate: [%*zu/%zu] %-16s %.1f MiB in %.1f s\n", w, ev->index + 1, ev->total,
                ev->source->name, (double)ev->bytes / 1048576.0, ev->seconds);
}

/* `db import`: one redrawn line per path given, cleared at the end. */
static void imp_progress_cb(void *ud, const char *path, size_t index, size_t n, int64_t imported)
{
    cli_progress *p = ud;
    if (!p->enabled)
        return;
    if (index >= n) {
        if (p->printed)
            fputs("\r\033[K", stderr);
        p->printed = 0;
        return;
    }
    char shown[60];
    size_t len = strlen(path);
    snprintf(shown, sizeof shown, "%s%s", len > 50 ? "..." : "", len > 50 ? path + len - 47 : path);
    for (char *c = shown; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = '?';
    fprintf(stderr, "\r\033[Kimporting [%zu/%zu] %s  %lld records so far", index + 1, n, shown, (long long)imported);
    p->printed = 1;
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
        size_t width = cli_table_width(NULL);
        if (width) { /* a terminal: the same fitted table as scan's */
            static const char *const head[3] = {"SOURCE", "RECORDS", "IMPORTED"};
            cg_table tb;
            cg_table_init(&tb, &a, 3, head, 2, -1);
            for (size_t i = 0; i < n; i++) {
                char rec[32];
                snprintf(rec, sizeof rec, "%lld", (long long)st[i].records);
                const char *row[3] = {st[i].source, rec, st[i].imported};
                cg_table_add(&tb, row, NULL);
            }
            cg_buf tbuf = CG_BUF_INIT;
            if (cg_table_render(&tb, width, 0, &tbuf) == CG_OK && tbuf.data)
                fwrite(tbuf.data, 1, tbuf.len, stdout);
            cg_buf_free(&tbuf);
        } else {
            printf("%-40s %10s  %s\n", "SOURCE", "RECORDS", "IMPORTED");
            for (size_t i = 0; i < n; i++)
                printf("%-40s %10lld  %s\n", st[i].source, (long long)st[i].records, st[i].imported);
        }
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
        {"mirror", required_argument, NULL, 'm'},
        {"force", no_argument, NULL, 'r'},
        {"max-bytes", required_argument, NULL, 'M'},
        {"max-file-bytes", required_argument, NULL, 'F'},
        {"timeout", required_argument, NULL, 't'},
        {"lock-timeout", required_argument, NULL, 'L'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs(db_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_EXIT_USAGE : 0;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "import") && strcmp(sub, "status") && strcmp(sub, "update") && strcmp(sub, "sources"))
        return cli_usage_error("db", "unknown subcommand \"%s\" (import, status, update, sources)", sub);
    cg_arena a;
    cg_arena_init(&a);
    const char *dbpath = NULL, *format = "text", *sources_file = NULL, *mirror = NULL;
    cg_vdb_source *given = NULL;
    size_t n_given = 0, cap_given = 0;
    int quiet = 0, c, rc = 0;
    cg_vdb_update_opts uo;
    memset(&uo, 0, sizeof uo);
    cg_vdb_import_opts io;
    memset(&io, 0, sizeof io);
    io.now = -1;
    opterr = 0;
    optind = 1;
    argc--;
    argv++;
    {
        int pre = cli_args("db", ":f:qh", longopts, &argc, &argv);
        if (pre >= 0)
            return pre;
    }
    while ((c = getopt_long(argc, argv, ":f:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': dbpath = optarg; break;
        case 'q': quiet = 1; break;
        case 'f': format = optarg; break;
        case 'S': sources_file = optarg; break;
        case 'm': mirror = optarg; break;
        case 'r': uo.force = 1; break;
        case 's':
            if (n_given == cap_given) {
                cap_given = cap_given ? cap_given * 2 : 8;
                cg_vdb_source *nv = cg_arena_calloc(&a, cap_given, sizeof *nv);
                if (!nv) {
                    rc = 5;
                    goto out;
                }
                if (n_given)
                    memcpy(nv, given, n_given * sizeof *nv);
                given = nv;
            }
            given[n_given++] = (cg_vdb_source){optarg, optarg, "--source"};
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
        case 'L': {
            int64_t secs;
            if (cli_parse_duration(optarg, &secs)) {
                rc = cli_usage_error("db", "--lock-timeout: \"%s\" is not a duration (90s, 5m, 1h)", optarg);
                goto out;
            }
            io.lock_timeout_ms = secs ? secs * 1000 : -1;
            break;
        }
        case 'h': fputs(db_usage, stdout); goto out;
        case ':': rc = cli_usage_error("db", "option %s needs a value", argv[optind - 1]); goto out;
        default: rc = cli_unknown_option("db", argv[optind - 1]); goto out;
        }
    }
    if (!dbpath)
        dbpath = cg_vdb_default_path(&a);
    if (!strcmp(sub, "status") || !strcmp(sub, "sources")) {
        if (optind < argc) {
            rc = cli_usage_error("db", "%s takes no arguments (got \"%s\")", sub, argv[optind]);
            goto out;
        }
        if (strcmp(format, "text") && strcmp(format, "json")) {
            rc = cli_bad_format("db", format);
            goto out;
        }
        if (!strcmp(sub, "status")) {
            rc = db_status(dbpath, format);
        } else {
            cg_vdb_source *v = NULL;
            size_t n = 0;
            rc = resolve_sources(&a, given, n_given, sources_file, mirror, &v, &n);
            if (!rc)
                rc = db_sources(v, n, format);
        }
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
        cli_progress ip;
        cli_progress_init(&ip, quiet);
        io.progress = imp_progress_cb;
        io.progress_ud = &ip;
        s = cg_vdb_import(dbpath, (const char *const *)(argv + optind), (size_t)(argc - optind), &io, &a, &rep, &err);
        if (s != CG_OK && ip.printed)
            fputs("\r\033[K", stderr);
        if (s != CG_OK) {
            rc = cli_fail(&err);
            goto out;
        }
        print_report(&rep, dbpath, quiet);
        goto out;
    }
    if (optind < argc) {
        rc = cli_usage_error("db", "update takes URLs with --source (got \"%s\")", argv[optind]);
        goto out;
    }
    cg_vdb_source *v = NULL;
    size_t n = 0;
    if ((rc = resolve_sources(&a, given, n_given, sources_file, mirror, &v, &n)) != 0)
        goto out;
    upd_progress pr = {!quiet && isatty(STDERR_FILENO)};
    uo.progress = upd_progress_cb;
    uo.progress_ud = &pr;
    cg_vdb_update_report ur;
    s = cg_vdb_update(dbpath, v, n, &uo, &io, &a, &rep, &ur, &err);
    if (s != CG_OK) {
        rc = cli_fail(&err);
        goto out;
    }
    if (ur.db_written) {
        print_report(&rep, dbpath, quiet);
        if (!quiet)
            fprintf(stderr, "cgate: %s: %zu source%s downloaded (%.1f MiB), %zu not modified\n", dbpath,
                    ur.downloaded, ur.downloaded == 1 ? "" : "s", (double)ur.bytes / 1048576.0, ur.not_modified);
    } else if (!quiet) {
        fprintf(stderr, "cgate: %s: all %zu sources not modified; the DB is unchanged\n", dbpath, ur.not_modified);
    }
out:
    cg_arena_free(&a);
    return rc;
}

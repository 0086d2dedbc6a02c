/*
 * vulndb_lookup.c - times cg_vdb_open plus one cg_vdb_lookup per line of a
 * "ECOSYSTEM<TAB>NAME" file, as a scan does once per package.  Built and run
 * by bench/vulndb.sh.   usage: vulndb_lookup DB QUERIES
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cgate/vulndb.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: vulndb_lookup DB QUERIES\n");
        return 2;
    }
    FILE *f = fopen(argv[2], "r");
    if (!f)
        return 2;
    size_t cap = 1024, n = 0;
    char **eco = malloc(cap * sizeof *eco), **name = malloc(cap * sizeof *name), line[1024];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = 0;
        if (n == cap) {
            cap *= 2;
            eco = realloc(eco, cap * sizeof *eco);
            name = realloc(name, cap * sizeof *name);
        }
        eco[n] = strdup(line);
        name[n] = strdup(tab + 1);
        n++;
    }
    fclose(f);
    cg_error err;
    double t0 = now();
    cg_vdb *db;
    if (cg_vdb_open(argv[1], &db, &err) != CG_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 3;
    }
    cg_arena a;
    cg_arena_init(&a);
    size_t hits = 0, advs = 0;
    for (size_t i = 0; i < n; i++) {
        cg_vdb_advisory *out;
        size_t k;
        if (cg_vdb_lookup(db, eco[i], name[i], &a, &out, &k, &err) != CG_OK) {
            fprintf(stderr, "%s\n", err.msg);
            return 3;
        }
        hits += k > 0;
        advs += k;
    }
    double t1 = now();
    printf("%zu lookups (%zu hit, %zu advisories) in %.1f ms including open\n", n, hits, advs, (t1 - t0) * 1000);
    cg_arena_free(&a);
    cg_vdb_close(db);
    return 0;
}

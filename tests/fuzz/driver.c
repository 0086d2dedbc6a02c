/*
 * driver.c - runs a libFuzzer-style target (LLVMFuzzerTestOneInput) without
 * libFuzzer, so every fuzz target is also a CTest regression test under the
 * normal and sanitizer builds: each file of the corpus directory is run as
 * is, then deterministic mutations of them (bit flips, truncations,
 * duplicated and inserted runs) for a fixed number of rounds.
 *   fuzz_X CORPUS_DIR [ROUNDS]
 * With -DCGATE_FUZZ=ON and clang the same targets link against libFuzzer.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    unsigned char *buf = NULL;
    size_t cap = 0, n = 0, r;
    do {
        if (n == cap) {
            cap = cap ? cap * 2 : 65536;
            unsigned char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        r = fread(buf + n, 1, cap - n, f);
        n += r;
    } while (r > 0);
    fclose(f);
    *len = n;
    return buf;
}

static void mutate_and_run(const unsigned char *seed, size_t len)
{
    size_t cap = len * 2 + 64;
    unsigned char *m = malloc(cap);
    if (!m)
        return;
    memcpy(m, seed, len);
    size_t n = len;
    int ops = 1 + (int)(next() % 4);
    for (int k = 0; k < ops; k++) {
        switch (next() % 5) {
        case 0: if (n) m[next() % n] ^= (unsigned char)(1u << (next() % 8)); break;
        case 1: if (n) n = next() % n; break;                       /* truncate */
        case 2: if (n) m[next() % n] = (unsigned char)next(); break;
        case 3: if (n && n < cap / 2) { size_t at = next() % n, l = 1 + next() % (n - at);
                    if (n + l <= cap) { memmove(m + at + l, m + at, n - at); n += l; } } break; /* duplicate a run */
        default: if (n) { size_t at = next() % n; m[at] = (unsigned char)(m[at] ? 0xff : 0); } break;
        }
    }
    LLVMFuzzerTestOneInput(m, n);
    free(m);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s CORPUS_DIR [ROUNDS]\n", argv[0]);
        return 2;
    }
    int rounds = argc > 2 ? atoi(argv[2]) : 200;
    DIR *d = opendir(argv[1]);
    if (!d) {
        perror(argv[1]);
        return 2;
    }
    char **files = NULL;
    size_t nf = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char **nfiles = realloc(files, (nf + 1) * sizeof *files);
        if (!nfiles)
            return 2;
        files = nfiles;
        size_t l = strlen(argv[1]) + strlen(de->d_name) + 2;
        files[nf] = malloc(l);
        snprintf(files[nf], l, "%s/%s", argv[1], de->d_name);
        nf++;
    }
    closedir(d);
    LLVMFuzzerTestOneInput((const uint8_t *)"", 0);
    for (size_t i = 0; i < nf; i++) {
        size_t len;
        unsigned char *buf = slurp(files[i], &len);
        if (!buf)
            continue;
        LLVMFuzzerTestOneInput(buf, len);
        for (int r = 0; r < rounds; r++)
            mutate_and_run(buf, len);
        free(buf);
    }
    for (size_t i = 0; i < nf; i++)
        free(files[i]);
    free(files);
    printf("ran %zu seeds x %d mutations\n", nf, rounds);
    return 0;
}

/*
 * elf.c - the bounded ELF reader behind the Go and Rust binary catalogers.
 *
 * Owns: decoding the ELF header, program headers and section headers (names
 * resolved through the section-name string table) and reading byte ranges
 * with pread.  It does not interpret any section's contents.  Layout facts
 * are from the System V gABI ("ELF Header", "Sections", "Program Header",
 * "Note Section"); sizes and counts are checked against the file size and
 * capped (CG_ELF_MAX_*), so a header that lies cannot make us allocate or
 * read more than the file holds.
 */
#include "catalog/elf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

uint64_t cg_elf_uint(bool big, const uint8_t *p, size_t width)
{
    uint64_t v = 0;
    for (size_t i = 0; i < width; i++) {
        size_t k = big ? i : width - 1 - i;
        v = (v << 8) | p[k];
    }
    return v;
}

bool cg_elf_ident(const uint8_t *b, size_t n, cg_elf_hdr *h)
{
    memset(h, 0, sizeof *h);
    if (n < 52 || memcmp(b, "\x7f" "ELF", 4) != 0)
        return false;
    if ((b[4] != 1 && b[4] != 2) || (b[5] != 1 && b[5] != 2) || b[6] != 1)
        return false;
    h->is64 = b[4] == 2;
    h->big = b[5] == 2;
    if (h->is64 && n < 64)
        return false;
    bool g = h->big;
    h->type = (uint16_t)cg_elf_uint(g, b + 16, 2);
    h->machine = (uint16_t)cg_elf_uint(g, b + 18, 2);
    if (h->is64) {
        h->phoff = cg_elf_uint(g, b + 32, 8);
        h->shoff = cg_elf_uint(g, b + 40, 8);
        h->phentsize = (uint16_t)cg_elf_uint(g, b + 54, 2);
        h->phnum = (uint16_t)cg_elf_uint(g, b + 56, 2);
        h->shentsize = (uint16_t)cg_elf_uint(g, b + 58, 2);
        h->shnum = (uint16_t)cg_elf_uint(g, b + 60, 2);
        h->shstrndx = (uint16_t)cg_elf_uint(g, b + 62, 2);
    } else {
        h->phoff = cg_elf_uint(g, b + 28, 4);
        h->shoff = cg_elf_uint(g, b + 32, 4);
        h->phentsize = (uint16_t)cg_elf_uint(g, b + 42, 2);
        h->phnum = (uint16_t)cg_elf_uint(g, b + 44, 2);
        h->shentsize = (uint16_t)cg_elf_uint(g, b + 46, 2);
        h->shnum = (uint16_t)cg_elf_uint(g, b + 48, 2);
        h->shstrndx = (uint16_t)cg_elf_uint(g, b + 50, 2);
    }
    /* entry sizes must be at least the structures we decode */
    if (h->phnum && h->phentsize < (h->is64 ? 56 : 32))
        return false;
    if (h->shnum && h->shentsize < (h->is64 ? 64 : 40))
        h->shnum = 0; /* unusable section table: segments only */
    return true;
}

static void decode_phdr(const cg_elf_hdr *h, const uint8_t *p, cg_elf_phdr *ph)
{
    bool g = h->big;
    ph->type = (uint32_t)cg_elf_uint(g, p, 4);
    if (h->is64) {
        ph->flags = (uint32_t)cg_elf_uint(g, p + 4, 4);
        ph->offset = cg_elf_uint(g, p + 8, 8);
        ph->vaddr = cg_elf_uint(g, p + 16, 8);
        ph->filesz = cg_elf_uint(g, p + 32, 8);
        ph->memsz = cg_elf_uint(g, p + 40, 8);
    } else {
        ph->offset = cg_elf_uint(g, p + 4, 4);
        ph->vaddr = cg_elf_uint(g, p + 8, 4);
        ph->filesz = cg_elf_uint(g, p + 16, 4);
        ph->memsz = cg_elf_uint(g, p + 20, 4);
        ph->flags = (uint32_t)cg_elf_uint(g, p + 24, 4);
    }
}

bool cg_elf_read(const cg_elf *e, uint64_t off, void *buf, size_t n)
{
    if (off > e->size || n > e->size - off)
        return false;
    if (n == 0)
        return true;
    if (e->data) {
        memcpy(buf, e->data + off, n);
        return true;
    }
    size_t got = 0;
    while (got < n) {
        ssize_t r = pread(e->fd, (uint8_t *)buf + got, n - got, (off_t)(off + got));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        got += (size_t)r;
    }
    return true;
}

/* Read a table of count entries of entsize bytes at off into a new buffer. */
static cg_elf_status read_table(const cg_elf *e, uint64_t off, size_t count, size_t entsize, uint8_t **out)
{
    *out = NULL;
    size_t total = count * entsize; /* count <= 8192, entsize <= 65535: no overflow */
    if (off > e->size || total > e->size - off)
        return CG_ELF_BAD;
    uint8_t *buf = malloc(total ? total : 1);
    if (!buf)
        return CG_ELF_NOMEM;
    if (!cg_elf_read(e, off, buf, total)) {
        free(buf);
        return CG_ELF_BAD;
    }
    *out = buf;
    return CG_ELF_OK;
}

static cg_elf_status load_sections(cg_elf *e, const char **why)
{
    const cg_elf_hdr *h = &e->h;
    if (!h->shnum || !h->shoff)
        return CG_ELF_OK;
    if (h->shnum > CG_ELF_MAX_SHDRS || h->shstrndx >= h->shnum) {
        *why = h->shnum > CG_ELF_MAX_SHDRS ? "too many sections" : "section-name table index out of range";
        return CG_ELF_OK;
    }
    uint8_t *raw;
    cg_elf_status st = read_table(e, h->shoff, h->shnum, h->shentsize, &raw);
    if (st == CG_ELF_NOMEM)
        return st;
    if (st != CG_ELF_OK) {
        *why = "section table outside the file";
        return CG_ELF_OK;
    }
    cg_elf_shdr *sh = calloc(h->shnum, sizeof *sh);
    if (!sh) {
        free(raw);
        return CG_ELF_NOMEM;
    }
    uint32_t *name_off = calloc(h->shnum, sizeof *name_off);
    if (!name_off) {
        free(raw);
        free(sh);
        return CG_ELF_NOMEM;
    }
    bool g = h->big;
    for (size_t i = 0; i < h->shnum; i++) {
        const uint8_t *p = raw + i * h->shentsize;
        name_off[i] = (uint32_t)cg_elf_uint(g, p, 4);
        sh[i].type = (uint32_t)cg_elf_uint(g, p + 4, 4);
        if (h->is64) {
            sh[i].flags = cg_elf_uint(g, p + 8, 8);
            sh[i].addr = cg_elf_uint(g, p + 16, 8);
            sh[i].offset = cg_elf_uint(g, p + 24, 8);
            sh[i].size = cg_elf_uint(g, p + 32, 8);
        } else {
            sh[i].flags = cg_elf_uint(g, p + 8, 4);
            sh[i].addr = cg_elf_uint(g, p + 12, 4);
            sh[i].offset = cg_elf_uint(g, p + 16, 4);
            sh[i].size = cg_elf_uint(g, p + 20, 4);
        }
    }
    free(raw);
    /* names: read each from the string table, bounded by its size and ours */
    const cg_elf_shdr *strtab = &sh[h->shstrndx];
    bool names_ok = strtab->type != CG_SHT_NOBITS && strtab->offset <= e->size &&
                    strtab->size <= e->size - strtab->offset;
    if (!names_ok)
        *why = "section-name table outside the file";
    for (size_t i = 0; names_ok && i < h->shnum; i++) {
        if (name_off[i] >= strtab->size)
            continue; /* unnamed: never matches */
        uint64_t avail = strtab->size - name_off[i];
        size_t n = avail < CG_ELF_NAME_MAX ? (size_t)avail : CG_ELF_NAME_MAX;
        char tmp[CG_ELF_NAME_MAX];
        if (!cg_elf_read(e, strtab->offset + name_off[i], tmp, n))
            continue;
        const char *nul = memchr(tmp, '\0', n);
        if (!nul)
            continue; /* too long or unterminated: leave it unnamed */
        memcpy(sh[i].name, tmp, (size_t)(nul - tmp) + 1);
    }
    free(name_off);
    e->sh = sh;
    e->n_sh = h->shnum;
    return CG_ELF_OK;
}

cg_elf_status cg_elf_open(cg_elf *e, const uint8_t *data, int fd, uint64_t size, const char **why)
{
    memset(e, 0, sizeof *e);
    e->data = data;
    e->fd = fd;
    e->size = size;
    *why = NULL;
    uint8_t head[64];
    size_t hn = size < sizeof head ? (size_t)size : sizeof head;
    if (!cg_elf_read(e, 0, head, hn) || !cg_elf_ident(head, hn, &e->h)) {
        *why = "not a well-formed ELF header";
        return CG_ELF_BAD;
    }
    const cg_elf_hdr *h = &e->h;
    if (h->phnum > CG_ELF_MAX_PHDRS) {
        *why = "too many program headers";
        return CG_ELF_BAD;
    }
    if (h->phnum) {
        uint8_t *raw;
        cg_elf_status st = read_table(e, h->phoff, h->phnum, h->phentsize, &raw);
        if (st != CG_ELF_OK) {
            if (st == CG_ELF_BAD)
                *why = "program headers outside the file";
            return st;
        }
        e->ph = calloc(h->phnum, sizeof *e->ph);
        if (!e->ph) {
            free(raw);
            return CG_ELF_NOMEM;
        }
        for (size_t i = 0; i < h->phnum; i++)
            decode_phdr(h, raw + i * h->phentsize, &e->ph[i]);
        e->n_ph = h->phnum;
        free(raw);
    }
    return load_sections(e, why);
}

void cg_elf_close(cg_elf *e)
{
    free(e->ph);
    free(e->sh);
    e->ph = NULL;
    e->sh = NULL;
    e->n_ph = e->n_sh = 0;
}

const cg_elf_shdr *cg_elf_section(const cg_elf *e, const char *name)
{
    for (size_t i = 0; i < e->n_sh; i++)
        if (!strcmp(e->sh[i].name, name))
            return &e->sh[i];
    return NULL;
}

bool cg_elf_va_to_off(const cg_elf *e, uint64_t va, uint64_t n, uint64_t *off)
{
    for (size_t i = 0; i < e->n_ph; i++) {
        const cg_elf_phdr *p = &e->ph[i];
        if (p->type != CG_PT_LOAD || va < p->vaddr)
            continue;
        uint64_t rel = va - p->vaddr;
        if (rel > p->filesz || n > p->filesz - rel)
            continue;
        if (p->offset > e->size || rel > e->size - p->offset || n > e->size - p->offset - rel)
            continue;
        *off = p->offset + rel;
        return true;
    }
    return false;
}

/* Walk the notes in buf[0..n): namesz, descsz, type, name (padded to 4), desc (padded). */
static bool notes_have(const cg_elf_hdr *h, const uint8_t *buf, size_t n, const char *owner, uint32_t type)
{
    size_t olen = strlen(owner);
    size_t pos = 0;
    for (int guard = 0; guard < 256 && n - pos >= 12; guard++) {
        uint64_t namesz = cg_elf_uint(h->big, buf + pos, 4);
        uint64_t descsz = cg_elf_uint(h->big, buf + pos + 4, 4);
        uint32_t t = (uint32_t)cg_elf_uint(h->big, buf + pos + 8, 4);
        uint64_t npad = (namesz + 3) & ~(uint64_t)3, dpad = (descsz + 3) & ~(uint64_t)3;
        if (npad > n - pos - 12 || dpad > n - pos - 12 - npad)
            return false;
        const uint8_t *name = buf + pos + 12;
        if (t == type && namesz >= olen && namesz <= olen + 4 && !memcmp(name, owner, olen)) {
            bool pad_ok = true;
            for (size_t i = olen; i < namesz; i++)
                pad_ok = pad_ok && name[i] == 0;
            if (pad_ok)
                return true;
        }
        pos += 12 + (size_t)npad + (size_t)dpad;
    }
    return false;
}

bool cg_elf_head_has_note(const uint8_t *head, size_t n, const cg_elf_hdr *h, const char *owner, uint32_t type)
{
    bool all_seen = h->phoff <= n && (uint64_t)h->phnum * h->phentsize <= n - h->phoff;
    for (size_t i = 0; all_seen && i < h->phnum; i++) {
        cg_elf_phdr ph;
        decode_phdr(h, head + h->phoff + i * h->phentsize, &ph);
        if (ph.type != CG_PT_NOTE || ph.offset > n)
            continue;
        size_t len = ph.filesz < n - ph.offset ? (size_t)ph.filesz : n - (size_t)ph.offset;
        if (notes_have(h, head + ph.offset, len, owner, type))
            return true;
    }
    /* notes beyond the head, or a program header table we cannot see: a
     * 4-aligned scan for the note header of the same shape */
    size_t olen = strlen(owner), npad = (olen + 1 + 3) & ~(size_t)3;
    for (size_t pos = 0; pos + 12 + npad <= n; pos += 4) {
        if (cg_elf_uint(h->big, head + pos + 8, 4) != type)
            continue;
        uint64_t namesz = cg_elf_uint(h->big, head + pos, 4);
        if (namesz < olen + 1 || namesz > npad || memcmp(head + pos + 12, owner, olen) != 0)
            continue;
        if (head[pos + 12 + olen] == 0)
            return true;
    }
    return false;
}

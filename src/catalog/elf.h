/*
 * elf.h - a small, bounded ELF reader for the binary catalogers (Go build
 * info, Rust `cargo auditable` data).  It reads through pread() on a spilled
 * file (or over an in-memory buffer in tests and fuzzing), so a 100 MB binary
 * is never held in memory: only the headers, the section table and the bytes
 * a cataloger asks for.  32/64-bit, little/big endian.  Every offset, size
 * and count comes from untrusted input and is checked against the file size
 * before use; nothing here trusts the section table to be truthful.
 */
#ifndef CG_ELF_H
#define CG_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CG_ELF_MAX_PHDRS 1024u
#define CG_ELF_MAX_SHDRS 8192u
#define CG_ELF_NAME_MAX 64u /* section names longer than this are truncated (never matched) */

enum { CG_PT_LOAD = 1, CG_PT_DYNAMIC = 2, CG_PT_INTERP = 3, CG_PT_NOTE = 4 };
enum { CG_PF_X = 1, CG_PF_W = 2, CG_PF_R = 4 };
enum { CG_SHT_NOBITS = 8 };
enum { CG_ET_EXEC = 2, CG_ET_DYN = 3 };

typedef struct cg_elf_phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, filesz, memsz;
} cg_elf_phdr;

typedef struct cg_elf_shdr {
    char name[CG_ELF_NAME_MAX];
    uint32_t type;
    uint64_t flags, addr, offset, size;
} cg_elf_shdr;

/* What the first bytes of a file say (cg_elf_ident). */
typedef struct cg_elf_hdr {
    bool is64, big;
    uint16_t type, machine;
    uint64_t phoff, shoff;
    uint16_t phentsize, phnum, shentsize, shnum, shstrndx;
} cg_elf_hdr;

typedef struct cg_elf {
    const uint8_t *data; /* in-memory source, or NULL: read fd */
    int fd;
    uint64_t size;       /* file size: every read is bounded by it */
    cg_elf_hdr h;
    cg_elf_phdr *ph;     /* malloc'd; cg_elf_close frees */
    size_t n_ph;
    cg_elf_shdr *sh;     /* malloc'd, empty when the file has no section table */
    size_t n_sh;
} cg_elf;

typedef enum { CG_ELF_OK = 0, CG_ELF_BAD = 1, CG_ELF_NOMEM = 2 } cg_elf_status;

/* Parse the ELF header from the first n bytes of a file.  False when they are
 * not a well-formed ELF header (magic, class, data encoding, entry sizes). */
bool cg_elf_ident(const uint8_t *head, size_t n, cg_elf_hdr *h);

/* Open an ELF image held in data[0..size) (data != NULL) or in fd (data ==
 * NULL), read its program and section headers.  On CG_ELF_BAD, *why says what
 * is wrong (a static string).  A broken section table is not fatal: the file
 * is opened with n_sh == 0 and *why notes it (callers fall back to segments).
 * cg_elf_close must be called after any return but CG_ELF_NOMEM. */
cg_elf_status cg_elf_open(cg_elf *e, const uint8_t *data, int fd, uint64_t size, const char **why);
void cg_elf_close(cg_elf *e);

/* Read exactly n bytes at off; false when [off, off+n) is not inside the file
 * or the read fails. */
bool cg_elf_read(const cg_elf *e, uint64_t off, void *buf, size_t n);

/* The first section named name, or NULL. */
const cg_elf_shdr *cg_elf_section(const cg_elf *e, const char *name);

/* A virtual address range [va, va+n) to a file offset through the PT_LOAD
 * segments; false when no segment holds all of it in its file image. */
bool cg_elf_va_to_off(const cg_elf *e, uint64_t va, uint64_t n, uint64_t *off);

/* An unsigned integer of width 1, 2, 4 or 8 bytes in the file's byte order. */
uint64_t cg_elf_uint(bool big, const uint8_t *p, size_t width);

/* True when the first n bytes hold an ELF note with owner name `owner`
 * (e.g. "Go") and type `type` inside a PT_NOTE segment, or, when the program
 * headers are not all in the head, anywhere 4-aligned in the head. */
bool cg_elf_head_has_note(const uint8_t *head, size_t n, const cg_elf_hdr *h, const char *owner, uint32_t type);

#endif

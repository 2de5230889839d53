/* Loading a static ELF64 executable into a memory domain. */
#ifndef KILN_ELF_H
#define KILN_ELF_H

#include <kiln/domain.h>

/* The ELF64 structures and values the loader reads. */
#define EI_NIDENT  16
#define ET_EXEC	   2
#define PT_LOAD	   1
#define PT_DYNAMIC 2
#define PT_INTERP  3
#define PF_X	   0x1
#define PF_W	   0x2
#define PF_R	   0x4

struct elf64_ehdr {
	uint8_t e_ident[EI_NIDENT];
	uint16_t e_type, e_machine;
	uint32_t e_version;
	uint64_t e_entry, e_phoff, e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};

struct elf64_phdr {
	uint32_t p_type, p_flags;
	uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

/* The most program headers an image may have. */
#define ELF_MAX_PHDRS 16

/*
 * Check every header field the loader uses, then make each PT_LOAD segment
 * a partition of d, filled from the image: segs[0 .. *nsegs), room for
 * ELF_MAX_PHDRS. Returns 0 and the entry point; -ENOEXEC when the image is
 * malformed (nothing is made then); -ENOMEM or mem_domain_add_partition()'s
 * refusal: the partitions made so far are in d, for the caller to free.
 */
int elf_load(struct mem_domain *d, struct mem_partition *segs, unsigned int *nsegs,
	     const void *image, size_t size, uintptr_t *entry);

#endif

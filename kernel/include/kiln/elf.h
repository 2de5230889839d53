/* Loading a static ELF64 executable into a user address space. */
#ifndef KILN_ELF_H
#define KILN_ELF_H

#include <kiln/uspace.h>

/* The most program headers an image may have. */
#define ELF_MAX_PHDRS 16

/*
 * Check every header field the loader uses, then map and fill each PT_LOAD
 * segment. Returns 0 and the entry point, or -ENOEXEC when the image is
 * malformed (nothing is mapped then), -EINVAL when a segment collides with
 * a mapping of us, -ENOMEM.
 */
int elf_load(struct uspace *us, const void *image, size_t size, uintptr_t *entry);

#endif

/*
 * A process's user address space: the user half of a page-table set whose
 * kernel half is shared with every other (arch_uspace_init()). The one
 * interface processes use, so that the page-table strategy behind it can
 * change without touching them.
 */
#ifndef KILN_USPACE_H
#define KILN_USPACE_H

#include <kiln/pgtable.h>
#include <kiln/types.h>

struct uspace {
	pte_t *root;
	size_t pages; /* user pages mapped */
};

/* 0, or -ENOMEM. */
int uspace_init(struct uspace *us);
/*
 * Map [va, va + size) to fresh zeroed pages with prot (PROT_USER implied).
 * 0; -EINVAL if the range is not page-aligned, leaves the user half or
 * overlaps a mapping; -ENOMEM (nothing stays mapped).
 */
int uspace_map(struct uspace *us, uintptr_t va, size_t size, unsigned int prot);
/* The kernel's address of the mapped user byte at va, or NULL. */
void *uspace_kaddr(const struct uspace *us, uintptr_t va);
/* Unmap and free every user page and table; us must not be active on any CPU. */
void uspace_destroy(struct uspace *us);
/* Make us (NULL: no user space) this CPU's user translation, if it is not already. */
void uspace_activate(struct uspace *us);

#endif

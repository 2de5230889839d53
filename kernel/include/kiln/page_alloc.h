/* Physical page allocator. */
#ifndef KILN_PAGE_ALLOC_H
#define KILN_PAGE_ALLOC_H

#include <kiln/types.h>

/* Physical address range [start, end). */
struct mem_range {
	paddr_t start, end;
};

/*
 * ram: usable RAM from the boot memory map. reserved: ranges that must never be handed out
 * (kernel image, boot data, ...). Both may be unsorted, overlapping and unaligned: RAM is
 * shrunk to whole pages, reserved ranges grow to whole pages. phys_to_virt() must already
 * work for all of ram. Not safe against concurrent callers yet.
 */
void page_alloc_init(const struct mem_range *ram, size_t nram, const struct mem_range *reserved,
		     size_t nreserved);

/* Returns one page, NOT zeroed, or 0 when memory is exhausted (page 0 is never managed). */
paddr_t page_alloc(void);

/*
 * n physically contiguous pages (first fit), NOT zeroed: the first one's
 * address, or 0 when no run of n free pages is left (or n is 0).
 */
paddr_t page_alloc_contig(size_t n);
/* Free the n pages from pa, each as page_free() does. */
void page_free_contig(paddr_t pa, size_t n);

/* Panics on a double free, an unaligned address or a page the allocator does not manage. */
void page_free(paddr_t pa);

size_t page_alloc_free_count(void);
size_t page_alloc_total_count(void);

/* Prints the managed regions and the free/total memory. */
void page_alloc_print_stats(void);

#endif

/*
 * Arch-neutral page-table construction. x86_64 and arm64 (4 KiB granule)
 * both use four levels of 512-entry tables; the arch supplies the entry
 * format through kiln/arch.h. Levels count up from the leaf: 0 maps 4 KiB,
 * 1 maps 2 MiB, 3 is the root.
 */
#ifndef KILN_PGTABLE_H
#define KILN_PGTABLE_H

#include <kiln/types.h>

#define PROT_READ   0x1
#define PROT_WRITE  0x2
#define PROT_EXEC   0x4
#define PROT_DEVICE 0x8	 /* uncached, strongly ordered: MMIO */
#define PROT_USER   0x10 /* reachable from user mode (and never executable by the kernel) */
/* Tagged with the address-space id in the TLB as user pages are (arm64 nG; x86_64: no G ever). */
#define PROT_NONGLOBAL 0x20

/* Map with 2 MiB entries where alignment allows. */
#define PGTABLE_LARGE 0x1

#define PGTABLE_LEVELS	   4
#define PGTABLE_LARGE_SIZE (1ul << 21)

typedef uint64_t pte_t;

/* A fresh zeroed root table from the page allocator, or NULL when memory is exhausted. */
pte_t *pgtable_alloc_root(void);
/* Pages of page tables allocated and not freed (the boot tables in the image not counted). */
size_t pgtable_pages(void);
/* 4 KiB leaf entries written so far by pgtable_map_page() and pgtable_unmap_page(). */
unsigned long pgtable_leaf_writes(void);
void pgtable_map(pte_t *root, uintptr_t va, paddr_t pa, size_t size, unsigned int prot,
		 unsigned int flags);
/* Map one 4 KiB page; false when memory for a table is exhausted or a large mapping is in the way.
 */
bool pgtable_map_page(pte_t *root, uintptr_t va, paddr_t pa, unsigned int prot);
/*
 * Create the tables a 4 KiB mapping of va needs, mapping nothing: a later
 * pgtable_map_page() of va cannot fail. False as pgtable_map_page().
 */
bool pgtable_prepare(pte_t *root, uintptr_t va);
/* Clears the 4 KiB mapping of va; returns the page it mapped, or 0. The caller flushes the TLB. */
paddr_t pgtable_unmap_page(pte_t *root, uintptr_t va);

/* The physical page va lies in (the page base, also inside a large mapping), or 0 if unmapped. */
paddr_t pgtable_lookup(pte_t *root, uintptr_t va);
/*
 * Free every table that only [lo, hi) uses, not the pages they map; lo and
 * hi must be multiples of the span of one root entry (512 GiB). The caller
 * flushes the TLB.
 */
void pgtable_free_tables(pte_t *root, uintptr_t lo, uintptr_t hi);
/* Free a root whose entries are all clear or owned elsewhere. */
void pgtable_free_root(pte_t *root);

#endif

/* arm64 stage-1 descriptors (4 KiB granule) for kernel/pgtable.c. */
#ifndef ARCH_PTE_H
#define ARCH_PTE_H

#include <kiln/pgtable.h>

#define PTE_VALID    (1ull << 0)
#define PTE_TABLE    (1ull << 1) /* table at levels 3-1, page at level 0 */
#define PTE_ATTR(i)  ((uint64_t)(i) << 2)
#define PTE_AP_EL0   (1ull << 6) /* AP[1]: EL0 may access */
#define PTE_AP_RO    (1ull << 7)
#define PTE_SH_INNER (3ull << 8)
#define PTE_AF	     (1ull << 10)
#define PTE_NG	     (1ull << 11) /* not global: tagged with the ASID, flushed at a user-space switch */
#define PTE_PXN	     (1ull << 53)
#define PTE_UXN	     (1ull << 54)
#define PTE_ADDR     0x0000fffffffff000ull

/* MAIR_EL1 attribute indexes, programmed by boot.S. */
#define MAIR_IDX_DEVICE 0
#define MAIR_IDX_NORMAL 1

static inline bool pte_valid(pte_t e)
{
	return e & PTE_VALID;
}

static inline bool pte_is_table(pte_t e, int level)
{
	return level > 0 && (e & PTE_TABLE);
}

static inline paddr_t pte_addr(pte_t e)
{
	return e & PTE_ADDR;
}

static inline pte_t pte_table(paddr_t pa)
{
	return pa | PTE_VALID | PTE_TABLE;
}

/*
 * A kernel page is never executable at EL0 (UXN), and global unless
 * PROT_NONGLOBAL asks otherwise; a user page is reachable from EL0, never
 * executable at EL1 (PXN), executable at EL0 only with PROT_EXEC, and not
 * global, so that a switch of user space can drop it from the TLB without
 * touching the kernel's entries.
 */
static inline pte_t pte_leaf(paddr_t pa, int level, unsigned int prot)
{
	pte_t e = pa | PTE_VALID | PTE_AF;

	if (level == 0)
		e |= PTE_TABLE;
	if (!(prot & PROT_WRITE))
		e |= PTE_AP_RO;
	if (prot & PROT_USER) {
		e |= PTE_AP_EL0 | PTE_NG | PTE_PXN;
		if (!(prot & PROT_EXEC))
			e |= PTE_UXN;
	} else {
		e |= PTE_UXN;
		if (!(prot & PROT_EXEC))
			e |= PTE_PXN;
		if (prot & PROT_NONGLOBAL)
			e |= PTE_NG;
	}
	if (prot & PROT_DEVICE)
		e |= PTE_ATTR(MAIR_IDX_DEVICE);
	else
		e |= PTE_ATTR(MAIR_IDX_NORMAL) | PTE_SH_INNER;
	return e;
}

#endif

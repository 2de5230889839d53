/* x86_64 page-table entry format for kernel/pgtable.c. */
#ifndef ARCH_PTE_H
#define ARCH_PTE_H

#include <kiln/pgtable.h>

#define PTE_P	 (1ull << 0)
#define PTE_W	 (1ull << 1)
#define PTE_U	 (1ull << 2)
#define PTE_PWT	 (1ull << 3)
#define PTE_PCD	 (1ull << 4)
#define PTE_A	 (1ull << 5) /* accessed: the CPU sets it in each entry it walks */
#define PTE_PS	 (1ull << 7)
#define PTE_NX	 (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

static inline bool pte_valid(pte_t e)
{
	return e & PTE_P;
}

static inline bool pte_is_table(pte_t e, int level)
{
	return level > 0 && !(e & PTE_PS);
}

static inline paddr_t pte_addr(pte_t e)
{
	return e & PTE_ADDR;
}

/* Intermediate tables allow everything, user access too; leaves restrict. */
static inline pte_t pte_table(paddr_t pa)
{
	return pa | PTE_P | PTE_W | PTE_U;
}

static inline pte_t pte_leaf(paddr_t pa, int level, unsigned int prot)
{
	pte_t e = pa | PTE_P;

	if (level > 0)
		e |= PTE_PS;
	if (prot & PROT_WRITE)
		e |= PTE_W;
	if (!(prot & PROT_EXEC))
		e |= PTE_NX;
	if (prot & PROT_DEVICE)
		e |= PTE_PCD | PTE_PWT;
	/* The kernel never runs user pages: SMEP faults where the CPU has it. */
	if (prot & PROT_USER)
		e |= PTE_U;
	return e;
}

#endif

/* arm64 MMU hooks for kernel/mm.c. */
#include <kiln/arch.h>
#include <arch/sysreg.h>

#define TCR_EPD0 (1ull << 7)

static void tlb_flush_all(void)
{
	asm volatile("dsb ishst\n\ttlbi vmalle1\n\tdsb ish\n\tisb" : : : "memory");
}

/*
 * The kernel lives in the TTBR1 half. Turning TTBR0 walks off removes the
 * boot identity map, so NULL and every other low address fault.
 */
void arch_mmu_activate(pte_t *root)
{
	write_sysreg(ttbr1_el1, virt_to_phys(root));
	write_sysreg(tcr_el1, read_sysreg(tcr_el1) | TCR_EPD0);
	isb();
	tlb_flush_all();
}

void arch_tlb_flush_all(void)
{
	tlb_flush_all();
}

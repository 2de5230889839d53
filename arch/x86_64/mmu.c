/* x86_64 MMU hooks for kernel/mm.c. */
#include <kiln/arch.h>
#include <arch/cpu.h>

/* Replaces the boot tables: the identity map of low memory goes, so NULL faults. */
void arch_mmu_activate(pte_t *root)
{
	write_cr3(virt_to_phys(root));
}

void arch_tlb_flush_all(void)
{
	write_cr3(read_cr3());
}

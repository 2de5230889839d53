/* x86_64 MMU hooks for kernel/mm.c. */
#include <kiln/arch.h>
#include <kiln/kstack.h>
#include <arch/cpu.h>

/*
 * The kernel areas that get mappings after boot (RAM and MMIO in the direct
 * map, thread stacks, the image): one root entry each, which must exist
 * before a process root copies the kernel half (arch_uspace_init()). The
 * direct map's entry covers 512 GiB of physical addresses.
 */
static const uintptr_t kernel_areas[] = {DIRECT_MAP_BASE, KSTACK_AREA_BASE, KERNEL_VMA};

STATIC_ASSERT((KSTACK_AREA_BASE >> 39) ==
		      ((KSTACK_AREA_BASE + (uintptr_t)KSTACK_AREA_SLOTS * KSTACK_SLOT - 1) >> 39),
	      "thread stacks lie under one root entry");

static void populate_kernel_half(pte_t *root)
{
	for (size_t i = 0; i < ARRAY_SIZE(kernel_areas); i++) {
		pte_t *e = &root[(kernel_areas[i] >> 39) & 511];
		if (!pte_valid(*e))
			*e = pte_table(virt_to_phys(pgtable_alloc_root()));
	}
}

/* Replaces the boot tables: the identity map of low memory goes, so NULL faults. */
void arch_mmu_activate(pte_t *root)
{
	populate_kernel_half(root);
	write_cr3(virt_to_phys(root));
}

void arch_tlb_flush_all(void)
{
	write_cr3(read_cr3());
}

/* Without PCID, invlpg drops va's entry whichever root made it. */
void arch_tlb_flush_page(uintptr_t va)
{
	asm volatile("invlpg (%0)" : : "r"(va) : "memory");
}

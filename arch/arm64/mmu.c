/* arm64 MMU hooks for kernel/mm.c and the page-table strategies. */
#include <kiln/arch.h>
#include <kiln/cpu.h>
#include <arch/sysreg.h>
#include "cpu.h"

/*
 * What TTBR0_EL1 points at until a user space is activated: a root with
 * nothing mapped, so that NULL and every other low address fault.
 */
static pte_t no_user_space[PAGE_SIZE / sizeof(pte_t)] __aligned(PAGE_SIZE);

static void tlb_flush_all(void)
{
	asm volatile("dsb ishst\n\ttlbi vmalle1\n\tdsb ish\n\tisb" : : : "memory");
}

/*
 * TTBR0 walks stay enabled (the boot TCR_EL1 has EPD0 clear, T0SZ 16, 4 KiB
 * granules, write-back walks): the boot identity map makes way for the
 * empty user space. Kernel stacks can be mapped from now on: the CPU gets
 * its overflow stack.
 */
void arm64_mmu_cpu_init(struct cpu *cpu)
{
	write_sysreg(ttbr0_el1, virt_to_phys(no_user_space));
	isb();
	tlb_flush_all();
	arch_cpu_overflow_stack_init(cpu);
}

/* The kernel lives in the TTBR1 half; a secondary CPU starts with it (arm64_secondary_entry()). */
void arch_mmu_activate(pte_t *root)
{
	write_sysreg(ttbr1_el1, virt_to_phys(root));
	arm64_mmu_cpu_init(this_cpu());
}

void arch_tlb_flush_all(void)
{
	tlb_flush_all();
}

/* TLBI VAAE1: va's entries of every ASID, on this CPU, once the table write is visible. */
void arch_tlb_flush_page(uintptr_t va)
{
	uint64_t page = (va >> PAGE_SHIFT) & ((1ul << 44) - 1);

	asm volatile("dsb nshst\n\ttlbi vaae1, %0\n\tdsb nsh\n\tisb" : : "r"(page) : "memory");
}

/* TTBR1_EL1 holds the kernel half for every process: a user root needs nothing of it. */
void arch_uspace_init(pte_t *root)
{
	(void)root;
}

/*
 * User pages are not global: TTBR0_EL1's ASID (bits 63:48; 8-bit ASIDs,
 * TCR_EL1.AS clear) tags their TLB entries. A space with an ASID of its own
 * needs no flush; those sharing ASID 0 flush it in (TLBI ASIDE1: the
 * kernel's entries are global and stay), locally: each CPU flushes its own
 * TLB whenever it switches to one, so none keeps another's entries.
 */
void arch_uspace_activate(pte_t *root, unsigned int asid)
{
	uint64_t ttbr = virt_to_phys(root) | (uint64_t)asid << 48;

	/* The write and the isb that makes later walks use it: one step. */
	asm volatile("msr ttbr0_el1, %0\n\tisb" : : "r"(ttbr) : "memory");
	if (!asid)
		asm volatile("tlbi aside1, xzr\n\tdsb nsh\n\tisb" : : : "memory");
}

/* Inner shareable: every CPU's TLB. */
void arch_asid_flush(unsigned int asid)
{
	asm volatile("dsb ishst\n\ttlbi aside1is, %0\n\tdsb ish\n\tisb"
		     :
		     : "r"((uint64_t)asid << 48)
		     : "memory");
}

/* TTBR0_EL1 without its ASID (bits 63:48) and CnP bit. */
paddr_t arch_uspace_root(void)
{
	return read_sysreg(ttbr0_el1) & 0x0000fffffffff000ul;
}

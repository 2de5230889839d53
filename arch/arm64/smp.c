/*
 * A secondary CPU's start: what PSCI CPU_ON hands it (boot.S's
 * secondary_entry reads it with the MMU off) and its C entry.
 */
#include <kiln/arch.h>
#include <kiln/cpu.h>
#include <kiln/platform.h>
#include <kiln/smp.h>
#include <arch/smp.h>
#include <arch/sysreg.h>
#include "cpu.h"

/* CTR_EL0.DminLine: log2 of the smallest data cache line, in 4-byte words. */
#define CTR_DMINLINE(v) (((v) >> 16) & 0xf)

extern char secondary_entry[];

/* Write [start, start + size) back to memory, past every cache, for a reader with caches off. */
static void dcache_clean_to_poc(const void *start, size_t size)
{
	uintptr_t line = 4ul << CTR_DMINLINE(read_sysreg(ctr_el0));
	uintptr_t end = (uintptr_t)start + size;

	for (uintptr_t a = ALIGN_DOWN((uintptr_t)start, line); a < end; a += line)
		asm volatile("dc cvac, %0" : : "r"(a) : "memory");
	asm volatile("dsb sy" : : : "memory");
}

/*
 * The new CPU turns its MMU on with this CPU's TTBR1 (the kernel's tables:
 * its boot stack is mapped only there) and reaches its struct cpu, with the
 * MMU off, at its physical address.
 */
paddr_t arm64_secondary_entry(struct cpu *cpu, uintptr_t stack_top, uint64_t *context)
{
	cpu->arch.start_ttbr1 = read_sysreg(ttbr1_el1);
	cpu->arch.start_sp = stack_top;
	dcache_clean_to_poc(&cpu->arch.start_ttbr1,
			    (char *)(&cpu->arch.start_sp + 1) - (char *)&cpu->arch.start_ttbr1);
	*context = virt_to_phys(cpu);
	return virt_to_phys(secondary_entry);
}

/* On its boot stack, MMU on with the kernel's tables in TTBR1, interrupts masked. */
__noreturn void arch_secondary_start(struct cpu *cpu)
{
	arm64_cpu_init(cpu);
	arm64_mmu_cpu_init(cpu);
	platform_cpu_init();
	smp_secondary_main(cpu);
}

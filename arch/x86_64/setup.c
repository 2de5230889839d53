/* From the boot assembly to kernel_main(): CPU tables, per-CPU data, boot info. */
#include <kiln/arch.h>
#include <kiln/boot.h>
#include <kiln/cpu.h>
#include <kiln/platform.h>
#include <arch/cpu.h>
#include <arch/desc.h>
#include <arch/fpu.h>
#include <arch/lapic.h>
#include "setup.h"

#define CPUID1_ECX_RDRAND (1u << 30)

uint64_t arch_random_seed(void)
{
	uint32_t regs[4];
	uint64_t val;
	bool ok = false;

	cpuid(1, 0, regs);
	if (regs[2] & CPUID1_ECX_RDRAND)
		for (int tries = 0; tries < 10 && !ok; tries++)
			asm volatile("rdrand %0; setc %1" : "=r"(val), "=qm"(ok));
	return ok ? val : arch_cycles() * 0x9e3779b97f4a7c15ull;
}

/*
 * Everything a CPU sets up for itself, the boot CPU here and every other
 * in arch_secondary_start(): its GDT and TSS (its IST stacks) and the shared
 * IDT, x87/SSE, this_cpu(), SMEP/SMAP and the SYSCALL MSRs, and last its
 * local APIC, whose LINT1 NMI needs all of the above.
 */
void arch_cpu_init(struct cpu *cpu)
{
	desc_init_cpu(cpu);
	fpu_init();
	percpu_install(cpu);
	user_mode_init_cpu(cpu);
	lapic_cpu_init();
}

__noreturn void arch_start(paddr_t boot_param)
{
	struct boot_info *bi;

	platform_console_init();
	lapic_init();
	cpus[0].index = 0;
	cpus[0].hwid = lapic_id();
	arch_cpu_init(&cpus[0]);
	bi = platform_boot_info(boot_param);
	kernel_main(bi);
}

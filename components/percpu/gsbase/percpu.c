/* percpu/gsbase: install a CPU's struct cpu as its GS base. */
#include <kiln/cpu.h>
#include <arch/cpu.h>

void percpu_install(struct cpu *cpu)
{
	cpu->self = cpu;
	wrmsr(MSR_GS_BASE, (uintptr_t)cpu);
	/* Kernel-only so far: nothing for swapgs to swap in. */
	wrmsr(MSR_KERNEL_GS_BASE, 0);
}

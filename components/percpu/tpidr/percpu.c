/* percpu/tpidr: install a CPU's struct cpu in TPIDR_EL1. */
#include <kiln/cpu.h>
#include <arch/sysreg.h>

void percpu_install(struct cpu *cpu)
{
	cpu->self = cpu;
	write_sysreg(tpidr_el1, (uintptr_t)cpu);
}

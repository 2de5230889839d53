/* A secondary CPU's C entry. (Bring-up in progress.) */
#include <kiln/arch.h>
#include <kiln/cpu.h>
#include <kiln/platform.h>
#include <kiln/smp.h>

__noreturn void arch_secondary_start(struct cpu *cpu)
{
	percpu_install(cpu);
	platform_cpu_init();
	smp_secondary_main(cpu);
}

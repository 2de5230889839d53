/* Secondary CPUs: discovery, start, per-CPU interrupt set-up, IPIs. (Bring-up in progress.) */
#include <kiln/cpu.h>
#include <kiln/platform.h>

unsigned int platform_cpu_list(unsigned int *hwids, unsigned int max)
{
	if (max)
		hwids[0] = cpus[0].hwid;
	return 1;
}

bool platform_cpu_start(struct cpu *cpu, uintptr_t stack_top)
{
	(void)cpu;
	(void)stack_top;
	return false;
}

void platform_cpu_init(void)
{
}

void platform_send_ipi(const struct cpu *target, unsigned int irq)
{
	(void)target;
	platform_send_self_irq(irq);
}

/* percpu/array: register a CPU under its hardware id. */
#include <kiln/cpu.h>

struct cpu *cpu_by_hwid[ARCH_MAX_HWID];

void percpu_install(struct cpu *cpu)
{
	cpu->self = cpu;
	cpu_by_hwid[cpu->hwid] = cpu;
}

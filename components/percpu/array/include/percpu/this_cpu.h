/* percpu/array: this CPU's struct cpu is found through its hardware id. */
#ifndef PERCPU_THIS_CPU_H
#define PERCPU_THIS_CPU_H

extern struct cpu *cpu_by_hwid[ARCH_MAX_HWID];

static inline struct cpu *this_cpu(void)
{
	return cpu_by_hwid[arch_cpu_hwid()];
}

#endif

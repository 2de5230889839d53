/* percpu/gsbase: this CPU's struct cpu is one %gs-relative load away. */
#ifndef PERCPU_THIS_CPU_H
#define PERCPU_THIS_CPU_H

#include <stddef.h>

static inline struct cpu *this_cpu(void)
{
	struct cpu *cpu;
	asm volatile("movq %%gs:%c1, %0" : "=r"(cpu) : "i"(offsetof(struct cpu, self)));
	return cpu;
}

#endif

/* percpu/tpidr: this CPU's struct cpu is in TPIDR_EL1. */
#ifndef PERCPU_THIS_CPU_H
#define PERCPU_THIS_CPU_H

#include <arch/sysreg.h>

static inline struct cpu *this_cpu(void)
{
	return (struct cpu *)read_sysreg(tpidr_el1);
}

#endif

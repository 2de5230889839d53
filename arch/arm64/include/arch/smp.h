/* What a platform's CPU start (PSCI CPU_ON) needs from the arch. */
#ifndef ARCH_SMP_H
#define ARCH_SMP_H

#include <kiln/types.h>

struct cpu;

/*
 * Prepare cpu to run arch_secondary_start(cpu) on the stack ending at
 * stack_top: returns the physical address the CPU must start at (MMU off,
 * EL1 or EL2) and sets *context to the value it must find in x0.
 */
paddr_t arm64_secondary_entry(struct cpu *cpu, uintptr_t stack_top, uint64_t *context);

#endif

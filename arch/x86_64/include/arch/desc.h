/* GDT, TSS and IDT setup. */
#ifndef ARCH_DESC_H
#define ARCH_DESC_H

#include <kiln/types.h>

#include <generated/hw.h> /* VEC_*, IST_*: arch/x86_64/hw.toml */

/* #PF error code bits */
#define PF_PRESENT (1u << 0)
#define PF_WRITE   (1u << 1)
#define PF_USER	   (1u << 2)
#define PF_FETCH   (1u << 4)

struct cpu;

void desc_init_cpu(struct cpu *cpu);
/* Lowest address of a CPU's IST stack (for tests that check which stack ran). */
uintptr_t ist_stack_base(unsigned int cpu, unsigned int ist);

#endif

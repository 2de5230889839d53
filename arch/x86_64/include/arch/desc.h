/* GDT, TSS and IDT setup; exception vector numbers. */
#ifndef ARCH_DESC_H
#define ARCH_DESC_H

#include <kiln/types.h>

#define VEC_DIVIDE	   0
#define VEC_DEBUG	   1
#define VEC_NMI		   2
#define VEC_BREAKPOINT	   3
#define VEC_INVALID_OPCODE 6
#define VEC_DOUBLE_FAULT   8
#define VEC_GP		   13
#define VEC_PAGE_FAULT	   14
#define VEC_MACHINE_CHECK  18
#define VEC_FIRST_IRQ	   32

/* #PF error code bits */
#define PF_PRESENT (1u << 0)
#define PF_WRITE   (1u << 1)
#define PF_USER	   (1u << 2)
#define PF_FETCH   (1u << 4)

/* IST slots (1-based, as in the IDT gate). */
#define IST_NMI		  1
#define IST_DOUBLE_FAULT  2
#define IST_MACHINE_CHECK 3
#define IST_COUNT	  3

struct cpu;

void desc_init_cpu(struct cpu *cpu);
/* Lowest address of a CPU's IST stack (for tests that check which stack ran). */
uintptr_t ist_stack_base(unsigned int cpu, unsigned int ist);

#endif

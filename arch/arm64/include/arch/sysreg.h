/* System register access. */
#ifndef ARCH_SYSREG_H
#define ARCH_SYSREG_H

#include <kiln/types.h>

/* Two levels, so a register name given as a macro (ICC_PMR_EL1 -> S3_0_C4_C6_0) expands. */
#define read_sysreg(reg) __read_sysreg(reg)
#define __read_sysreg(reg)                                 \
	({                                                 \
		uint64_t __v;                              \
		asm volatile("mrs %0, " #reg : "=r"(__v)); \
		__v;                                       \
	})

#define write_sysreg(reg, val) __write_sysreg(reg, val)
#define __write_sysreg(reg, val) \
	asm volatile("msr " #reg ", %0" : : "rZ"((uint64_t)(val)) : "memory")

static inline void isb(void)
{
	asm volatile("isb" : : : "memory");
}

#endif

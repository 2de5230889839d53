/* System register access. */
#ifndef ARCH_SYSREG_H
#define ARCH_SYSREG_H

#include <kiln/types.h>

#define read_sysreg(reg)                                                                           \
	({                                                                                         \
		uint64_t __v;                                                                      \
		asm volatile("mrs %0, " #reg : "=r"(__v));                                         \
		__v;                                                                               \
	})

#define write_sysreg(reg, val) asm volatile("msr " #reg ", %0" : : "rZ"((uint64_t)(val)) : "memory")

static inline void isb(void)
{
	asm volatile("isb" : : : "memory");
}

#endif

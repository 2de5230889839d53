/* The register frame the generated vectors build on the kernel stack for every exception. */
#ifndef ARCH_TRAP_FRAME_H
#define ARCH_TRAP_FRAME_H

#include <kiln/types.h>

/* Which of the 16 vector-table slots was taken. */
enum trap_kind {
	TRAP_EL1T_SYNC,
	TRAP_EL1T_IRQ,
	TRAP_EL1T_FIQ,
	TRAP_EL1T_SERROR,
	TRAP_EL1H_SYNC,
	TRAP_EL1H_IRQ,
	TRAP_EL1H_FIQ,
	TRAP_EL1H_SERROR,
	TRAP_EL0_64_SYNC,
	TRAP_EL0_64_IRQ,
	TRAP_EL0_64_FIQ,
	TRAP_EL0_64_SERROR,
	TRAP_EL0_32_SYNC,
	TRAP_EL0_32_IRQ,
	TRAP_EL0_32_FIQ,
	TRAP_EL0_32_SERROR,
};

struct trap_frame {
	uint64_t x[31];
	uint64_t sp;
	uint64_t elr;
	uint64_t spsr;
	uint64_t esr;
	uint64_t far;
	uint64_t kind;
	uint64_t pad; /* keeps the frame a multiple of 16 bytes */
};

#endif

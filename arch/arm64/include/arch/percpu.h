/* The arm64 part of struct cpu and the hardware CPU id. */
#ifndef ARCH_PERCPU_H
#define ARCH_PERCPU_H

#include <kiln/types.h>
#include <arch/sysreg.h>

/* MPIDR_EL1 Aff0: QEMU virt numbers CPUs 0..n-1 there. */
#define ARCH_MAX_HWID 256

struct arch_cpu {
	uint64_t mpidr;
	/*
	 * Top of this CPU's overflow stack, where the vectors move when a kernel
	 * stack overflowed (offsets.h: CPU_OVERFLOW_SP).
	 */
	uintptr_t overflow_sp;
};

static inline unsigned int arch_cpu_hwid(void)
{
	return read_sysreg(mpidr_el1) & 0xff;
}

#endif

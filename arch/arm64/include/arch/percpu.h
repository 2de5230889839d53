/* The arm64 part of struct cpu and the hardware CPU id. */
#ifndef ARCH_PERCPU_H
#define ARCH_PERCPU_H

#include <kiln/types.h>
#include <arch/hwid.h>
#include <arch/sysreg.h>

struct arch_cpu {
	uint64_t mpidr;
	/*
	 * What a starting secondary CPU's entry code (boot.S) reads with the MMU
	 * off, through the physical address of its struct cpu (offsets.h:
	 * CPU_START_TTBR1, CPU_START_SP): the kernel's page-table root and the
	 * top of its boot stack (arm64_secondary_entry()).
	 */
	uint64_t start_ttbr1;
	uintptr_t start_sp;
	/*
	 * Top of this CPU's overflow stack, where the vectors move when a kernel
	 * stack overflowed (offsets.h: CPU_OVERFLOW_SP); the emergency stack until
	 * mm_init() can map it.
	 */
	uintptr_t overflow_sp;
	/*
	 * Top of this CPU's emergency stack, where a fatal exception goes that
	 * cannot trust the stack it arrived on: an SError, an exception taken
	 * on the overflow stack (offsets.h: CPU_EMERGENCY_SP).
	 */
	uintptr_t emergency_sp;
	/*
	 * SP_EL1 at a return to user mode: where the next entry from user mode
	 * builds its frame. The stackswitch policy publishes it at each switch
	 * (stackswitch_thread_in()); arch_enter_user() leaves the kernel with it.
	 */
	uintptr_t user_entry_sp;
};

struct cpu;
/* Map cpu's overflow stack (arch/arm64/setup.c); once thread stacks can be mapped. */
void arch_cpu_overflow_stack_init(struct cpu *cpu);

/* MPIDR_EL1 packed as arch/hwid.h says, as percpu/array's entry code does. */
static inline unsigned int arch_cpu_hwid(void)
{
	return mpidr_to_hwid(read_sysreg(mpidr_el1));
}

#endif

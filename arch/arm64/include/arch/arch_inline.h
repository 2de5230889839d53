/*
 * arm64 side of <kiln/arch.h>: its inline functions, constants and types.
 * Included from there only; the contracts are written there.
 */
#ifndef ARCH_ARCH_INLINE_H
#define ARCH_ARCH_INLINE_H

#include <kiln/compiler.h>
#include <kiln/types.h>
#include <generated/hw.h>
#include <arch/layout.h>
#include <arch/mmu.h>
#include <arch/percpu.h>
#include <arch/probe.h>
#include <arch/psr.h>
#include <arch/pte.h>
#include <arch/sysreg.h>

static inline void arch_irq_disable(void)
{
	asm volatile("msr daifset, #3" : : : "memory");
}

static inline void arch_irq_enable(void)
{
	asm volatile("msr daifclr, #3" : : : "memory");
}

/* Forced inline: at -Os GCC would make a call of these few instructions on the switch path. */
static __always_inline bool arch_irq_enabled(void)
{
	return !(read_sysreg(daif) & (1 << 7));
}

/* Wait for an interrupt. */
static inline void arch_wait_for_irq(void)
{
	asm volatile("wfi" : : : "memory");
}

/*
 * Called with interrupts masked: sleep until an interrupt is pending (wfi
 * wakes on it even while masked), take it, and return masked again.
 */
static inline void arch_idle(void)
{
	asm volatile("wfi\n\tmsr daifclr, #3\n\tisb\n\tmsr daifset, #3" : : : "memory");
}

static inline void arch_cpu_relax(void)
{
	asm volatile("yield" : : : "memory");
}

/* The virtual counter (CNTFRQ_EL0 ticks per second). */
static inline uint64_t arch_cycles(void)
{
	isb();
	return read_sysreg(cntvct_el0);
}

/*
 * Guest instructions for a counter delta under QEMU -icount shift=0: each
 * instruction is 1 ns of virtual time and the counter ticks at CNTFRQ_EL0.
 */
static inline uint64_t arch_cycles_to_icount_insn(uint64_t cycles)
{
	return cycles * 1000000000 / read_sysreg(cntfrq_el0);
}

/* The thread-local storage pointer: TPIDR_EL0. */
static inline void arch_set_tls(uintptr_t tls)
{
	write_sysreg(tpidr_el0, tls);
}

static inline uintptr_t arch_get_tls(void)
{
	return read_sysreg(tpidr_el0);
}

/* User mode */

/* Set once at boot (arch/arm64/setup.c): the CPU has PAN and the kernel runs with it on. */
extern bool arm64_pan;

static inline bool arch_frame_from_user(const struct trap_frame *tf)
{
	return (tf->spsr & PSR_MODE_EL_MASK) == 0;
}

static inline bool arch_frame_is_irq(const struct trap_frame *tf)
{
	return tf->kind == TRAP_EL1H_IRQ || tf->kind == TRAP_EL0_64_IRQ;
}

/*
 * PSTATE.PAN makes every EL1 access to an EL0-accessible page fault; the
 * bracket lifts it. An exception taken inside sets it again on entry
 * (SCTLR_EL1.SPAN = 0) and its return restores the bracket's state. The
 * instructions are undefined on a CPU without PAN: hence the test.
 */
static __always_inline void arch_user_access_begin(void)
{
	if (arm64_pan)
		asm volatile(".arch_extension pan\n\tmsr pan, #0" : : : "memory");
}

static __always_inline void arch_user_access_end(void)
{
	if (arm64_pan)
		asm volatile(".arch_extension pan\n\tmsr pan, #1" : : : "memory");
}

/* svc #0: the number in x8, the arguments in x0-x5, the result in x0. */
static inline unsigned long arch_syscall_nr(const struct trap_frame *tf)
{
	return tf->x[8];
}

static inline unsigned long arch_syscall_arg(const struct trap_frame *tf, unsigned int i)
{
	return tf->x[i];
}

static inline void arch_syscall_set_result(struct trap_frame *tf, long result)
{
	tf->x[0] = result;
}

static inline long arch_syscall_result(const struct trap_frame *tf)
{
	return tf->x[0];
}

/* ELR_EL1 of an svc is the next instruction. */
static inline void arch_syscall_restart(struct trap_frame *tf, bool restart)
{
	tf->elr += restart ? -4 : 4;
}

#endif

/*
 * arm64 side of <kiln/arch.h>: its inline functions, constants and types.
 * Included from there only; the contracts are written there.
 */
#ifndef ARCH_ARCH_INLINE_H
#define ARCH_ARCH_INLINE_H

#include <kiln/compiler.h>
#include <kiln/types.h>
#include <arch/layout.h>
#include <arch/mmu.h>
#include <arch/percpu.h>
#include <arch/probe.h>
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

#endif

/*
 * x86_64 side of <kiln/arch.h>: its inline functions, constants and types.
 * Included from there only; the contracts are written there.
 */
#ifndef ARCH_ARCH_INLINE_H
#define ARCH_ARCH_INLINE_H

#include <kiln/types.h>
#include <arch/cpu.h>
#include <arch/layout.h>
#include <arch/mmu.h>
#include <arch/percpu.h>
#include <arch/probe.h>
#include <arch/pte.h>
#include <arch/user.h>

static inline void arch_irq_disable(void)
{
	asm volatile("cli" : : : "memory");
}

static inline void arch_irq_enable(void)
{
	asm volatile("sti" : : : "memory");
}

/* Forced inline: at -Os GCC would make a call of these few instructions on the switch path. */
static __always_inline bool arch_irq_enabled(void)
{
	uint64_t flags;
	asm volatile("pushfq; popq %0" : "=r"(flags));
	return flags & RFLAGS_IF;
}

/* Stop until an interrupt; with interrupts disabled only an NMI or reset ends it. */
static inline void arch_wait_for_irq(void)
{
	asm volatile("hlt" : : : "memory");
}

/*
 * Called with interrupts disabled: sleep until an interrupt arrives, take
 * it, and return with interrupts disabled again. sti's one-instruction
 * shadow makes "sti; hlt" atomic, so a wake-up cannot slip in between.
 */
static inline void arch_idle(void)
{
	asm volatile("sti; hlt; cli" : : : "memory");
}

static inline void arch_cpu_relax(void)
{
	asm volatile("pause" : : : "memory");
}

/* The cycle counter; under QEMU -icount shift=0 it counts guest instructions. */
static inline uint64_t arch_cycles(void)
{
	uint32_t lo, hi;
	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* Guest instructions for a cycle-counter delta under QEMU -icount shift=0 (TSC = instructions). */
static inline uint64_t arch_cycles_to_icount_insn(uint64_t cycles)
{
	return cycles;
}

/* The thread-local storage pointer: FS_BASE, by instruction where CR4.FSGSBASE allows it. */
static inline void arch_set_tls(uintptr_t tls)
{
	if (x86_fsgsbase)
		asm volatile("wrfsbase %0" : : "r"(tls) : "memory");
	else
		wrmsr(MSR_FS_BASE, tls);
}

static inline uintptr_t arch_get_tls(void)
{
	uintptr_t tls;

	if (!x86_fsgsbase)
		return rdmsr(MSR_FS_BASE);
	asm volatile("rdfsbase %0" : "=r"(tls));
	return tls;
}

#endif

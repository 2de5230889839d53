/* x86_64 user mode as generic code sees it: the syscall frame, SMAP brackets. */
#ifndef ARCH_USER_H
#define ARCH_USER_H

#include <kiln/compiler.h>
#include <kiln/types.h>
#include <generated/hw.h>

/*
 * Whether CR4.SMAP is on, decided once at boot from CPUID: stac and clac
 * are invalid opcodes on a CPU without SMAP.
 */
extern bool x86_smap;
extern bool x86_fsgsbase; /* CR4.FSGSBASE on: FS/GS bases by instruction */

struct cpu;
/* SMEP, SMAP, CR0.AM and the SYSCALL MSRs of a CPU, at its start. */
void user_mode_init_cpu(struct cpu *cpu);

static inline bool arch_frame_from_user(const struct trap_frame *tf)
{
	return tf->cs & 3;
}

/* The SYSCALL entry's vector word, VEC_SYSCALL, is past the IDT's. */
static inline bool arch_frame_is_irq(const struct trap_frame *tf)
{
	return tf->vector >= VEC_FIRST_IRQ && tf->vector < VEC_SYSCALL;
}

static __always_inline void arch_user_access_begin(void)
{
	if (x86_smap)
		asm volatile("stac" : : : "memory");
}

static __always_inline void arch_user_access_end(void)
{
	if (x86_smap)
		asm volatile("clac" : : : "memory");
}

/* The syscall ABI (uapi/kiln/abi.h): number in rax, arguments in rdi rsi rdx r10 r8 r9. */
static inline unsigned long arch_syscall_nr(const struct trap_frame *tf)
{
	return tf->rax;
}

static inline unsigned long arch_syscall_arg(const struct trap_frame *tf, unsigned int i)
{
	switch (i) {
	case 0:
		return tf->rdi;
	case 1:
		return tf->rsi;
	case 2:
		return tf->rdx;
	case 3:
		return tf->r10;
	case 4:
		return tf->r8;
	case 5:
		return tf->r9;
	default:
		return 0;
	}
}

static inline void arch_syscall_set_result(struct trap_frame *tf, long result)
{
	tf->rax = result;
}

static inline long arch_syscall_result(const struct trap_frame *tf)
{
	return tf->rax;
}

/* SYSCALL is 2 bytes (0f 05). */
static inline void arch_syscall_restart(struct trap_frame *tf, bool restart)
{
	tf->rip += restart ? -2 : 2;
}

#endif

/*
 * __noreturn void user_enter(uintptr_t pc, uintptr_t sp, uintptr_t arg,
 *                            uintptr_t kernel_sp)
 *
 * The first return to user mode (EL0t, interrupts enabled) at pc with
 * SP_EL0 = sp and x0 = arg. Nothing of the kernel or of an earlier context
 * goes along: every other general-purpose register, every FP/SIMD register,
 * FPSR, FPCR, TPIDR_EL0 and TPIDRRO_EL0 is zero. SP_EL1 is left at
 * kernel_sp, where the next entry from user mode builds its frame: the
 * caller's stack is abandoned.
 */
#include <arch/psr.h>

	.text
	.globl user_enter
user_enter:
	msr	daifset, #0xf
	mov	sp, x3
	msr	elr_el1, x0
	msr	sp_el0, x1
	mov	x0, #PSR_MODE_EL0T
	msr	spsr_el1, x0
	mov	x0, x2
	msr	tpidr_el0, xzr
	msr	tpidrro_el0, xzr
	msr	fpsr, xzr
	msr	fpcr, xzr
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	movi	v\n\().2d, #0
	.endr
	.irp n, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30
	mov	x\n, xzr
	.endr
	eret

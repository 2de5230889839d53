/*
 * __noreturn void user_enter(uintptr_t pc, uintptr_t sp, uintptr_t arg,
 *                            uintptr_t kernel_sp)
 *
 * The first return to user mode (EL0t, interrupts enabled) at pc with
 * SP_EL0 = sp and x0 = arg. Nothing of the kernel or of an earlier context
 * goes along: every other general-purpose register, every FP/SIMD register,
 * FPSR, FPCR, TPIDR_EL0 and TPIDRRO_EL0 is zero. The frame of that return is
 * built below kernel_sp and left through ret_to_user, the way every return
 * to EL0 goes (generated/vectors.S: the page-table strategy's exit hook),
 * which leaves SP_EL1 at kernel_sp, where the next entry from user mode
 * builds its frame: the caller's stack is abandoned.
 */
#include <arch/psr.h>
#include <generated/hw.h>

	.text
	.globl user_enter
user_enter:
	msr	daifset, #0xf
	sub	sp, x3, #TF_SIZE
	msr	tpidr_el0, xzr
	msr	tpidrro_el0, xzr
	msr	fpsr, xzr
	msr	fpcr, xzr
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	movi	v\n\().2d, #0
	.endr
	.irp n, 2,4,6,8,10,12,14,16,18,20,22,24,26,28
	stp	xzr, xzr, [sp, #TF_X0 + 8 * \n]
	.endr
	str	xzr, [sp, #TF_X30]
	stp	x2, xzr, [sp, #TF_X0]
	str	x1, [sp, #TF_SP]
	mov	x1, #PSR_MODE_EL0T
	stp	x0, x1, [sp, #TF_ELR]
	b	ret_to_user

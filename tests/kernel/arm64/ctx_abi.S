/*
 * Register-level helpers for the context-switch tests (see test_ctx_abi.c).
 * Assembly because C cannot pin values in callee-saved registers across a
 * call: exactly the OSv bug, where a switch compiled at -O0 lost them.
 */

/* A distinct 64-bit pattern per register number. */
.macro fill reg, n
	movz	\reg, #(0x5a00 + \n), lsl #48
	movk	\reg, #(0x0101 * \n), lsl #16
	movk	\reg, #(0x1010 + \n)
.endm

/* FPCR this test installs: round toward minus infinity, flush to zero. */
#define TEST_FPCR 0x1800000

/* Save x19-x30 and d8-d15 around a helper: 160 bytes. */
.macro push_callee_saved
	stp	x29, x30, [sp, #-160]!
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]
	stp	d8, d9, [sp, #96]
	stp	d10, d11, [sp, #112]
	stp	d12, d13, [sp, #128]
	stp	d14, d15, [sp, #144]
.endm

.macro pop_callee_saved
	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x27, x28, [sp, #80]
	ldp	d8, d9, [sp, #96]
	ldp	d10, d11, [sp, #112]
	ldp	d12, d13, [sp, #128]
	ldp	d14, d15, [sp, #144]
	ldp	x29, x30, [sp], #160
.endm

	.text

/*
 * unsigned long ctx_abi_fill_and_yield(void (*yield)(void))
 * Returns a bitmask of callee-saved state that did not survive yield():
 * bits 0-10 x19-x29, bits 11-18 d8-d15, bit 19 FPCR.
 */
	.globl ctx_abi_fill_and_yield
ctx_abi_fill_and_yield:
	push_callee_saved
	mrs	x9, fpcr
	stp	x9, xzr, [sp, #-16]!
	mov	x9, #TEST_FPCR
	msr	fpcr, x9
	.irp n, 19,20,21,22,23,24,25,26,27,28,29
	fill	x\n, \n
	.endr
	.irp n, 8,9,10,11,12,13,14,15
	fill	x9, (0x40 + \n)
	fmov	d\n, x9
	.endr
	blr	x0
	mov	x0, xzr
	.irp n, 19,20,21,22,23,24,25,26,27,28,29
	fill	x9, \n
	cmp	x\n, x9
	cset	x10, ne
	orr	x0, x0, x10, lsl #(\n - 19)
	.endr
	.irp n, 8,9,10,11,12,13,14,15
	fill	x9, (0x40 + \n)
	fmov	x11, d\n
	cmp	x11, x9
	cset	x10, ne
	orr	x0, x0, x10, lsl #(\n + 3)
	.endr
	mrs	x9, fpcr
	mov	x11, #TEST_FPCR
	cmp	x9, x11
	cset	x10, ne
	orr	x0, x0, x10, lsl #19
	ldp	x9, xzr, [sp], #16
	msr	fpcr, x9
	pop_callee_saved
	ret

/* void ctx_abi_clobber_and_yield(void (*yield)(void)): wreck all that state, then yield. */
	.globl ctx_abi_clobber_and_yield
ctx_abi_clobber_and_yield:
	push_callee_saved
	mrs	x9, fpcr
	stp	x9, xzr, [sp, #-16]!
	mov	x9, #0x400000		/* round toward plus infinity */
	msr	fpcr, x9
	.irp n, 19,20,21,22,23,24,25,26,27,28,29
	mov	x\n, #-\n
	.endr
	.irp n, 8,9,10,11,12,13,14,15
	movi	d\n, #0xffffffffffffffff
	.endr
	blr	x0
	ldp	x9, xzr, [sp], #16
	msr	fpcr, x9
	pop_callee_saved
	ret

/*
 * unsigned long ctx_fp_fill_and_yield(void (*yield)(void)): fill both halves
 * of v0-v31, yield, return a bitmask of the v registers that changed. Only a
 * full-frame switch promises this.
 */
	.globl ctx_fp_fill_and_yield
ctx_fp_fill_and_yield:
	push_callee_saved
	mov	x19, x0
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	fill	x9, (0x60 + \n)
	mov	v\n\().d[0], x9
	mvn	x9, x9
	mov	v\n\().d[1], x9
	.endr
	blr	x19
	mov	x0, xzr
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	fill	x9, (0x60 + \n)
	mov	x10, v\n\().d[0]
	mov	x11, v\n\().d[1]
	mvn	x11, x11
	cmp	x10, x9
	ccmp	x11, x9, #0, eq
	cset	x10, ne
	orr	x0, x0, x10, lsl #\n
	.endr
	pop_callee_saved
	ret

/* void ctx_fp_clobber_and_yield(void (*yield)(void)) */
	.globl ctx_fp_clobber_and_yield
ctx_fp_clobber_and_yield:
	push_callee_saved
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	movi	v\n\().2d, #0xffffffffffffffff
	.endr
	blr	x0
	pop_callee_saved
	ret

/*
 * unsigned long preempt_regs_loop(unsigned long iterations, volatile unsigned long *progress)
 * Counts in caller-saved registers only (x2-x16), each by its own step, and
 * checks them at the end: a preemption that lost one shows up as a bit.
 */
	.globl preempt_regs_loop
preempt_regs_loop:
	mov	x17, x0			/* iterations left */
	.irp n, 2,3,4,5,6,7,8,9,10,11,12,13,14,15,16
	mov	x\n, xzr
	.endr
1:
	.irp n, 2,3,4,5,6,7,8,9,10,11,12,13,14,15,16
	add	x\n, x\n, #(2 * \n + 1)
	.endr
	str	x2, [x1]
	subs	x17, x17, #1
	b.ne	1b
	mov	x17, x0
	mov	x0, xzr
	.irp n, 2,3,4,5,6,7,8,9,10,11,12,13,14,15,16
	mov	x1, #(2 * \n + 1)
	mul	x1, x1, x17
	cmp	x\n, x1
	cset	x1, ne
	orr	x0, x0, x1, lsl #\n
	.endr
	ret

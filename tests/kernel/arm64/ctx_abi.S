/*
 * Register-level helpers for the context-switch tests (see test_ctx_abi.c).
 * Assembly because C cannot pin values in callee-saved registers across a
 * call: exactly the OSv bug, where a switch compiled at -O0 lost them.
 */

/* A distinct 64-bit pattern per register number (and per seed). */
.macro fill reg, n, seed=0x5a00
	movz	\reg, #(\seed + \n), lsl #48
	movk	\reg, #(0x0101 * \n), lsl #16
	movk	\reg, #(0x1010 + \n)
.endm

/* vn = {p, ~p}, p the fill pattern of (base + n). */
.macro vfill n, base, seed=0x5a00
	fill	x9, (\base + \n), \seed
	mov	v\n\().d[0], x9
	mvn	x9, x9
	mov	v\n\().d[1], x9
.endm

/* Set bit n of acc unless vn still holds what vfill put there; clobbers x9-x12. */
.macro vcheck n, base, acc, seed=0x5a00
	fill	x9, (\base + \n), \seed
	mov	x10, v\n\().d[0]
	mov	x11, v\n\().d[1]
	mvn	x11, x11
	cmp	x10, x9
	ccmp	x11, x9, #0, eq
	cset	x12, ne
	orr	\acc, \acc, x12, lsl #\n
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
 * unsigned long ctx_abi_fill_and_call(void (*fn)(void))
 * Returns a bitmask of callee-saved state that did not survive fn(), checked
 * at the first instruction after fn returns:
 * bits 0-10 x19-x29, bits 11-18 d8-d15, bit 19 FPCR.
 */
	.globl ctx_abi_fill_and_call
ctx_abi_fill_and_call:
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

/* void ctx_abi_clobber_and_call(void (*fn)(void)): wreck all that state, then call fn. */
	.globl ctx_abi_clobber_and_call
ctx_abi_clobber_and_call:
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
 * void ctx_abi_switch(void), interrupts masked: sched_pick(), then a tail
 * call of ctx_switch(), so that ctx_switch() returns straight to our caller
 * with no C epilogue in between to repair what it lost.
 */
	.globl ctx_abi_switch
ctx_abi_switch:
	stp	x29, x30, [sp, #-16]!
	bl	sched_pick		/* x0: prev, x1: next */
	ldp	x29, x30, [sp], #16
	cmp	x0, x1
	b.ne	ctx_switch
	ret

/*
 * unsigned long ctx_fp_fill_and_call(void (*fn)(void)): fill both halves
 * of v0-v31, call fn, return a bitmask of the v registers that changed. Only
 * a full-frame switch promises this.
 */
	.globl ctx_fp_fill_and_call
ctx_fp_fill_and_call:
	push_callee_saved
	mov	x19, x0
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	vfill	\n, 0x60
	.endr
	blr	x19
	mov	x0, xzr
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	vcheck	\n, 0x60, x0
	.endr
	pop_callee_saved
	ret

/* void ctx_fp_clobber_and_call(void (*fn)(void)) */
	.globl ctx_fp_clobber_and_call
ctx_fp_clobber_and_call:
	push_callee_saved
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	movi	v\n\().2d, #0xffffffffffffffff
	.endr
	blr	x0
	pop_callee_saved
	ret

/*
 * Preemption with every register in use. Each of the two routines fills
 * x0-x30 (x29 holds &ctx_probe_flag, itself a known value), both halves of
 * v0-v31, FPSR and FPCR with values of its own, waits on ctx_probe_flag
 * through lane 0 of v31 (so no general-purpose register changes, and only
 * preemption lets the other run), then checks everything.
 *   unsigned long ctx_preempt_check_regs(unsigned long *fp_lost):
 *     waits until the other routine has set the flag.
 *   unsigned long ctx_preempt_clobber_regs(unsigned long *fp_lost):
 *     sets the flag, waits until C clears it.
 * Return: bit n for xn; *fp_lost: bit n for vn (v31: its upper lane only),
 * bit 32 FPSR, bit 33 FPCR.
 */
/* Frame (below the pushed callee-saved registers): 0 x0-x30 dump, 256 fp_lost, 264 caller's FPCR. */
#define PF_FPLOST 256
#define PF_FPCR	  264
#define PF_SIZE	  272

	.section .bss
	.balign 8
	.globl ctx_probe_flag
ctx_probe_flag:
	.quad	0
	.text

.macro preempt_role name, seed, fpsr, fpcr, sets_flag
	.globl \name
\name:
	push_callee_saved
	sub	sp, sp, #PF_SIZE
	str	x0, [sp, #PF_FPLOST]
	mrs	x9, fpcr
	str	x9, [sp, #PF_FPCR]
	mov	x9, #\fpcr
	msr	fpcr, x9
	mov	x9, #\fpsr
	msr	fpsr, x9
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	vfill	\n, 0x20, \seed
	.endr
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,30
	fill	x\n, \n, \seed
	.endr
	adrp	x29, ctx_probe_flag
	add	x29, x29, :lo12:ctx_probe_flag
.if \sets_flag
	str	x28, [x29]		/* nonzero */
1:	ld1	{v31.d}[0], [x29]
	fcmp	d31, #0.0
	b.ne	1b
.else
1:	ld1	{v31.d}[0], [x29]
	fcmp	d31, #0.0
	b.eq	1b
.endif
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30
	str	x\n, [sp, #8 * \n]
	.endr
	mov	x0, xzr
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,30
	fill	x9, \n, \seed
	ldr	x10, [sp, #8 * \n]
	cmp	x10, x9
	cset	x11, ne
	orr	x0, x0, x11, lsl #\n
	.endr
	adrp	x9, ctx_probe_flag
	add	x9, x9, :lo12:ctx_probe_flag
	ldr	x10, [sp, #8 * 29]
	cmp	x10, x9
	cset	x11, ne
	orr	x0, x0, x11, lsl #29
	mov	x1, xzr
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30
	vcheck	\n, 0x20, x1, \seed
	.endr
	fill	x9, (0x20 + 31), \seed
	mov	x11, v31.d[1]
	mvn	x11, x11
	cmp	x11, x9
	cset	x12, ne
	orr	x1, x1, x12, lsl #31
	mrs	x9, fpsr
	mov	x10, #\fpsr
	cmp	x9, x10
	cset	x12, ne
	orr	x1, x1, x12, lsl #32
	mrs	x9, fpcr
	mov	x10, #\fpcr
	cmp	x9, x10
	cset	x12, ne
	orr	x1, x1, x12, lsl #33
	ldr	x9, [sp, #PF_FPLOST]
	str	x1, [x9]
	ldr	x9, [sp, #PF_FPCR]
	msr	fpcr, x9
	add	sp, sp, #PF_SIZE
	pop_callee_saved
	ret
.endm

	/* FPSR: QC / IDC, UFC, OFC, DZC, IOC. FPCR: round to -inf, flush to zero / round to +inf. */
	preempt_role ctx_preempt_check_regs, 0x5a00, 0x8000000, 0x1800000, 0
	preempt_role ctx_preempt_clobber_regs, 0xa500, 0x8f, 0x400000, 1

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

/*
 * Register-level helpers for the context-switch tests (see test_ctx_abi.c).
 * Assembly because C cannot pin values in callee-saved registers across a
 * call: exactly the OSv bug, where a switch compiled at -O0 lost them.
 */
/* A distinct 64-bit pattern per register number (and per seed). */
#define PAT(seed, n) ((seed) + 0x0101010101 * (n))
#define FILL(n)	     PAT(0x5a5a000000000000, n)

/* Set bit `bit` of %eax if reg no longer holds FILL(n); clobbers %rcx, %rdx. */
.macro check reg, n, bit
	movabsq	$FILL(\n), %rcx
	cmpq	%rcx, \reg
	setne	%dl
	movzbl	%dl, %edx
	shll	$\bit, %edx
	orl	%edx, %eax
.endm

/* Keep the caller's callee-saved registers, plus scratch bytes (24: the stack stays aligned). */
.macro push_callee_saved scratch=24
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$\scratch, %rsp
.endm

.macro pop_callee_saved scratch=24
	addq	$\scratch, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
.endm

	.text

/* Callee-saved values this test installs; MXCSR rounds down, FCW uses 53-bit precision. */
#define TEST_MXCSR 0x3f80
#define TEST_FCW   0x027f

/*
 * unsigned long ctx_abi_fill_and_call(void (*fn)(void))
 * Returns a bitmask of callee-saved state that did not survive fn(), checked
 * at the first instruction after fn returns: bit 0 rbx, 1 rbp, 2-5 r12-r15,
 * 6 MXCSR, 7 x87 control word.
 */
	.globl ctx_abi_fill_and_call
ctx_abi_fill_and_call:
	push_callee_saved		/* 0: saved MXCSR, 4: saved FCW, 8: scratch; keeps alignment */
	stmxcsr	(%rsp)
	fnstcw	4(%rsp)
	movl	$TEST_MXCSR, 8(%rsp)
	ldmxcsr	8(%rsp)
	movw	$TEST_FCW, 8(%rsp)
	fldcw	8(%rsp)
	movabsq	$FILL(1), %rbx
	movabsq	$FILL(2), %rbp
	movabsq	$FILL(3), %r12
	movabsq	$FILL(4), %r13
	movabsq	$FILL(5), %r14
	movabsq	$FILL(6), %r15
	call	*%rdi
	xorl	%eax, %eax
	check	%rbx, 1, 0
	check	%rbp, 2, 1
	check	%r12, 3, 2
	check	%r13, 4, 3
	check	%r14, 5, 4
	check	%r15, 6, 5
	stmxcsr	8(%rsp)
	cmpl	$TEST_MXCSR, 8(%rsp)
	setne	%dl
	shlb	$6, %dl
	orb	%dl, %al
	fnstcw	8(%rsp)
	cmpw	$TEST_FCW, 8(%rsp)
	setne	%dl
	shlb	$7, %dl
	orb	%dl, %al
	ldmxcsr	(%rsp)
	fldcw	4(%rsp)
	pop_callee_saved
	ret

/* void ctx_abi_clobber_and_call(void (*fn)(void)): wreck all that state, then call fn. */
	.globl ctx_abi_clobber_and_call
ctx_abi_clobber_and_call:
	push_callee_saved
	stmxcsr	(%rsp)
	fnstcw	4(%rsp)
	movl	$0x7f80, 8(%rsp)	/* round toward zero, flush to zero */
	ldmxcsr	8(%rsp)
	movw	$0x0c7f, 8(%rsp)	/* round toward zero */
	fldcw	8(%rsp)
	movq	$-1, %rbx
	movq	$-2, %rbp
	movq	$-3, %r12
	movq	$-4, %r13
	movq	$-5, %r14
	movq	$-6, %r15
	call	*%rdi
	ldmxcsr	(%rsp)
	fldcw	4(%rsp)
	pop_callee_saved
	ret

/*
 * void ctx_abi_switch(void), interrupts disabled: sched_pick(), then a tail
 * call of ctx_switch(), so that ctx_switch() returns straight to our caller
 * with no C epilogue in between to repair what it lost.
 */
	.globl ctx_abi_switch
ctx_abi_switch:
	subq	$8, %rsp
	call	sched_pick		/* %rax: prev, %rdx: next */
	addq	$8, %rsp
	movq	%rax, %rdi
	movq	%rdx, %rsi
	cmpq	%rdi, %rsi
	jne	ctx_switch
	ret

/*
 * unsigned long ctx_fp_fill_and_call(void (*fn)(void)): fill xmm0-15, call
 * fn, return a bitmask of the xmm registers that changed. Only a full-frame
 * switch promises this (they are caller-saved in the ABI).
 */
	.globl ctx_fp_fill_and_call
ctx_fp_fill_and_call:
	pushq	%rbx
	subq	$16, %rsp
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	movabsq	$FILL(0x40 + \n), %rax
	movq	%rax, %xmm\n
	.endr
	call	*%rdi
	xorl	%ebx, %ebx
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	movq	%xmm\n, %rax
	movabsq	$FILL(0x40 + \n), %rcx
	cmpq	%rcx, %rax
	je	1f
	btsq	$\n, %rbx
1:
	.endr
	movq	%rbx, %rax
	addq	$16, %rsp
	popq	%rbx
	ret

/* void ctx_fp_clobber_and_call(void (*fn)(void)) */
	.globl ctx_fp_clobber_and_call
ctx_fp_clobber_and_call:
	subq	$8, %rsp
	pcmpeqd	%xmm0, %xmm0
	.irp n, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	movdqa	%xmm0, %xmm\n
	.endr
	call	*%rdi
	addq	$8, %rsp
	ret

/*
 * Preemption with every register in use. Each of the two routines fills all
 * 15 general-purpose registers (%rbp included), xmm0-15 (both halves) and
 * MXCSR with values of its own, waits on ctx_probe_flag without touching a
 * register (so only preemption lets the other run), then checks everything.
 *   unsigned long ctx_preempt_check_regs(unsigned long *fp_lost):
 *     waits until the other routine has set the flag.
 *   unsigned long ctx_preempt_clobber_regs(unsigned long *fp_lost):
 *     sets the flag, waits until C clears it.
 * Return: bit n for general-purpose register n in PREEMPT_GPRS order;
 * *fp_lost: bit n for xmm n, bit 16 for MXCSR.
 */
#define PREEMPT_GPRS rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15
/* Frame: 0 GPR dump (15 x 8), 120 xmm scratch, 136 fp_lost, 144 caller's MXCSR, 148 scratch. */
#define PF_XMM	  120
#define PF_FPLOST 136
#define PF_MXCSR  144
#define PF_TMP	  148
#define PF_SIZE	  168

	.section .bss
	.balign 8
	.globl ctx_probe_flag
ctx_probe_flag:
	.quad	0
	.text

.macro preempt_role name, seed, mxcsr, sets_flag
	.globl \name
\name:
	push_callee_saved PF_SIZE
	movq	%rdi, PF_FPLOST(%rsp)
	stmxcsr	PF_MXCSR(%rsp)
	movl	$\mxcsr, PF_TMP(%rsp)
	ldmxcsr	PF_TMP(%rsp)
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	movabsq	$PAT(\seed, 0x20 + \n), %rax
	movq	%rax, PF_XMM(%rsp)
	notq	%rax
	movq	%rax, PF_XMM + 8(%rsp)
	movdqu	PF_XMM(%rsp), %xmm\n
	.endr
	.set	i, 0
	.irp r, PREEMPT_GPRS
	movabsq	$PAT(\seed, i), %\r
	.set	i, i + 1
	.endr
.if \sets_flag
	movq	$1, ctx_probe_flag(%rip)
1:	cmpq	$0, ctx_probe_flag(%rip)
	jne	1b
.else
1:	cmpq	$0, ctx_probe_flag(%rip)
	je	1b
.endif
	.set	i, 0
	.irp r, PREEMPT_GPRS
	movq	%\r, 8 * i(%rsp)
	.set	i, i + 1
	.endr
	xorl	%eax, %eax
	.set	i, 0
	.irp r, PREEMPT_GPRS
	movabsq	$PAT(\seed, i), %rcx
	cmpq	%rcx, 8 * i(%rsp)
	je	1f
	btsq	$i, %rax
1:
	.set	i, i + 1
	.endr
	xorl	%edx, %edx
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	movdqu	%xmm\n, PF_XMM(%rsp)
	movabsq	$PAT(\seed, 0x20 + \n), %rcx
	cmpq	%rcx, PF_XMM(%rsp)
	jne	2f
	notq	%rcx
	cmpq	%rcx, PF_XMM + 8(%rsp)
	je	1f
2:	btsq	$\n, %rdx
1:
	.endr
	stmxcsr	PF_TMP(%rsp)
	cmpl	$\mxcsr, PF_TMP(%rsp)
	je	1f
	btsq	$16, %rdx
1:	movq	PF_FPLOST(%rsp), %rcx
	movq	%rdx, (%rcx)
	ldmxcsr	PF_MXCSR(%rsp)
	pop_callee_saved PF_SIZE
	ret
.endm

	preempt_role ctx_preempt_check_regs, 0x5a5a000000000000, 0x3f80, 0
	preempt_role ctx_preempt_clobber_regs, 0xa5a5000000000000, 0x7f80, 1

/*
 * unsigned long preempt_regs_loop(unsigned long iterations, volatile unsigned long *progress)
 * Counts in caller-saved registers only (rax, rcx, rdx, r8-r11), each by its
 * own step, and checks them at the end: a preemption that lost one shows up
 * as a nonzero bitmask.
 */
	.globl preempt_regs_loop
preempt_regs_loop:
	movq	%rdi, %r11		/* iterations left */
	xorl	%eax, %eax
	xorl	%ecx, %ecx
	xorl	%edx, %edx
	xorl	%r8d, %r8d
	xorl	%r9d, %r9d
	xorl	%r10d, %r10d
1:	addq	$1, %rax
	addq	$3, %rcx
	addq	$5, %rdx
	addq	$7, %r8
	addq	$11, %r9
	addq	$13, %r10
	movq	%rax, (%rsi)
	decq	%r11
	jnz	1b
	/* Expected: step * iterations. */
	movq	%rdi, %r11
	xorl	%esi, %esi
	cmpq	%r11, %rax
	setne	%sil
	imulq	$3, %rdi, %r11
	cmpq	%r11, %rcx
	jz	2f
	orq	$2, %rsi
2:	imulq	$5, %rdi, %r11
	cmpq	%r11, %rdx
	jz	3f
	orq	$4, %rsi
3:	imulq	$7, %rdi, %r11
	cmpq	%r11, %r8
	jz	4f
	orq	$8, %rsi
4:	imulq	$11, %rdi, %r11
	cmpq	%r11, %r9
	jz	5f
	orq	$16, %rsi
5:	imulq	$13, %rdi, %r11
	cmpq	%r11, %r10
	jz	6f
	orq	$32, %rsi
6:	movq	%rsi, %rax
	ret

/*
 * What user mode gets back from the kernel, register by register: the
 * loops of tests/user/x86_64/x86_regs.c (and x86_fault.c). Each returns the number of
 * mismatches it saw (0: every register came back).
 */
#include <uapi/kiln/abi.h>

/* CF PF AF ZF SF IF DF OF AC and the reserved bit 1: every flag user code may own. */
#define FLAGS_PATTERN 0x40ed7
#define CLEAN_FLAGS 0x202

/* A bad but user-range buffer: write() faults on it inside the kernel (exception fixup). */
#define UNMAPPED_USER 0x00007f0000000000

	.data
	.balign 8
/* The value each register must hold, in the order of LOAD / CHECK below. */
pats:
	.quad	0x1111111111111111	/* rax */
	.quad	0x2222222222222222	/* rbx */
	.quad	0x3333333333333333	/* rcx */
	.quad	0x0000000000000010	/* rdx: write()'s length */
	.quad	UNMAPPED_USER		/* rsi: write()'s buffer */
	.quad	0x0000000000000001	/* rdi: write()'s fd */
	.quad	0x7777777777777777	/* rbp */
	.quad	0x8888888888888888	/* r8 */
	.quad	0x9999999999999999	/* r9 */
	.quad	0xaaaaaaaaaaaaaaaa	/* r10 */
	.quad	0xbbbbbbbbbbbbbbbb	/* r11 */
	.quad	0xcccccccccccccccc	/* r12 */
	.quad	0xdddddddddddddddd	/* r13 */
	.quad	0xeeeeeeeeeeeeeeee	/* r14 */
	.quad	0xf0f0f0f0f0f0f0f0	/* r15 */
saved_rsp:	.quad 0
fails:		.quad 0
rounds:		.quad 0
flags_seen:	.quad 0
expect_rax:	.quad 0
sysno:		.quad 0
	.globl	x86_regs_pid
x86_regs_pid:	.quad 0

	.text

.macro SAVE_CALLEE
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, saved_rsp(%rip)
	movq	$0, fails(%rip)
.endm

.macro RETURN_FAILS
	pushq	$CLEAN_FLAGS
	popfq
	movq	saved_rsp(%rip), %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	movq	fails(%rip), %rax
	ret
.endm

.macro LOAD regs:vararg
	.irp r, \regs
	movq	pats + 8 * i_\r(%rip), %\r
	.endr
.endm

/* Compare each named register with its pattern (flags clobbered); count a mismatch. */
.macro CHECK regs:vararg
	.irp r, \regs
	cmpq	pats + 8 * i_\r(%rip), %\r
	je	101f
	incq	fails(%rip)
101:
	.endr
.endm

/* Register indexes into pats, so that LOAD/CHECK can name registers. */
	.set	i_rax, 0
	.set	i_rbx, 1
	.set	i_rcx, 2
	.set	i_rdx, 3
	.set	i_rsi, 4
	.set	i_rdi, 5
	.set	i_rbp, 6
	.set	i_r8, 7
	.set	i_r9, 8
	.set	i_r10, 9
	.set	i_r11, 10
	.set	i_r12, 11
	.set	i_r13, 12
	.set	i_r14, 13
	.set	i_r15, 14

/*
 * long x86_regs_syscalls(unsigned long n): n system calls, cycling through
 * nop, getpid, write() on an unmapped user buffer (a fault in the kernel,
 * fixed up: -EFAULT) and yield (a switch to another thread), with every
 * register and flag set. Afterwards rax must be the result, rcx the
 * return address, r11 the flags (the ABI's), everything else as it was.
 */
	.globl	x86_regs_syscalls
x86_regs_syscalls:
	SAVE_CALLEE
	movq	%rdi, rounds(%rip)
1:
	/* This round's call and its result. */
	movq	rounds(%rip), %rax
	andl	$3, %eax
	shlq	$4, %rax
	leaq	calls(%rip), %rcx
	movq	(%rcx, %rax), %rdx
	movq	%rdx, sysno(%rip)
	movq	8(%rcx, %rax), %rdx
	cmpq	$-1, %rdx
	jne	2f
	movq	x86_regs_pid(%rip), %rdx
2:	movq	%rdx, expect_rax(%rip)

	LOAD	rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15
	movq	sysno(%rip), %rax
	pushq	$FLAGS_PATTERN
	popfq
	syscall
syscall_return:
	pushfq
	popq	flags_seen(%rip)
	/* rax: the result; rcx: where SYSCALL came from; r11: the flags SYSCALL saw. */
	cmpq	expect_rax(%rip), %rax
	je	3f
	incq	fails(%rip)
3:	cmpq	return_address(%rip), %rcx
	je	4f
	incq	fails(%rip)
4:	cmpq	$FLAGS_PATTERN, %r11
	je	5f
	incq	fails(%rip)
5:	cmpq	$FLAGS_PATTERN, flags_seen(%rip)
	je	6f
	incq	fails(%rip)
6:	cmpq	saved_rsp(%rip), %rsp
	je	7f
	incq	fails(%rip)
7:
	CHECK	rbx, rdx, rsi, rdi, rbp, r8, r9, r10, r12, r13, r14, r15
	decq	rounds(%rip)
	jnz	1b
	RETURN_FAILS

	.section .rodata
	.balign 16
/* (number, result; -1: the pid) for rounds % 4 */
calls:
	.quad	SYS_nop, 0
	.quad	SYS_getpid, -1
	.quad	SYS_write, -EFAULT
	.quad	SYS_yield, 0
return_address:
	.quad	syscall_return
	.text

/*
 * long x86_regs_spin(unsigned long n): n rounds of every register and flag
 * set, a stretch of straight-line code for interrupts (and preemption) to
 * land in, then a check of all of them. Nothing here enters the kernel on
 * purpose: whatever does is an interrupt.
 */
	.globl	x86_regs_spin
x86_regs_spin:
	SAVE_CALLEE
	movq	%rdi, rounds(%rip)
1:
	LOAD	rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15
	pushq	$FLAGS_PATTERN
	popfq
	.rept	64
	nop
	.endr
	pushfq
	popq	flags_seen(%rip)
	cmpq	saved_rsp(%rip), %rsp
	je	2f
	incq	fails(%rip)
2:
	CHECK	rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15
	cmpq	$FLAGS_PATTERN, flags_seen(%rip)
	je	3f
	incq	fails(%rip)
3:	decq	rounds(%rip)
	jnz	1b
	RETURN_FAILS

/*
 * long x86_redzone(unsigned long n): the 128 bytes below rsp, which the
 * ABI lets a leaf function use without moving rsp, hold a pattern across n
 * rounds of a system call and a stretch for interrupts to land in. Nothing
 * here may push: that would write the red zone itself.
 */
	.globl	x86_redzone
x86_redzone:
	movq	%rdi, rounds(%rip)
	movq	$0, fails(%rip)
	movq	$-128, %rax
	movabsq	$0x5ed0000000000000, %rdx
1:	movq	%rdx, (%rsp, %rax)
	addq	$0x10001, %rdx
	addq	$8, %rax
	jnz	1b
2:
	movl	$SYS_nop, %eax
	syscall
	.rept	64
	nop
	.endr
	movq	$-128, %rax
	movabsq	$0x5ed0000000000000, %rdx
3:	cmpq	%rdx, (%rsp, %rax)
	je	4f
	incq	fails(%rip)
4:	addq	$0x10001, %rdx
	addq	$8, %rax
	jnz	3b
	decq	rounds(%rip)
	jnz	2b
	movq	fails(%rip), %rax
	ret

/*
 * long x86_tiny_stack(unsigned long n, void *stack_top): n system calls
 * (getpid, through a call so the stack is used) on the 256-byte stack below
 * stack_top; returns how many results were wrong.
 */
	.globl	x86_tiny_stack
x86_tiny_stack:
	SAVE_CALLEE
	movq	%rdi, rounds(%rip)
	movq	%rsi, %rsp
1:	call	getpid_leaf
	cmpq	x86_regs_pid(%rip), %rax
	je	2f
	incq	fails(%rip)
2:	decq	rounds(%rip)
	jnz	1b
	RETURN_FAILS

getpid_leaf:
	movl	$SYS_getpid, %eax
	syscall
	ret

/*
 * long x86_xmm(const void *pats, unsigned long n, long sysno, unsigned int
 * mxcsr, unsigned int fcw): xmm0-15 loaded from pats (16 x 16 bytes), MXCSR
 * and the x87 control word set, then n rounds of system call sysno and a
 * stretch for interrupts; afterwards every one is compared. Returns the
 * mismatches, and leaves the state set.
 */
	.globl	x86_xmm
x86_xmm:
	SAVE_CALLEE
	movq	%rdi, %r12			/* pats */
	movq	%rsi, rounds(%rip)
	movq	%rdx, sysno(%rip)
	subq	$16, %rsp
	andq	$-16, %rsp
	movl	%ecx, (%rsp)
	ldmxcsr	(%rsp)
	movw	%r8w, 4(%rsp)
	fldcw	4(%rsp)
	movl	%ecx, %r13d			/* MXCSR as set */
	movl	%r8d, %r14d			/* FCW as set */
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	movdqu	16 * \n(%r12), %xmm\n
	.endr
1:	movq	sysno(%rip), %rax
	syscall
	.rept	64
	nop
	.endr
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	movdqu	%xmm\n, (%rsp)
	movq	(%rsp), %rax
	cmpq	16 * \n(%r12), %rax
	jne	2f
	movq	8(%rsp), %rax
	cmpq	16 * \n + 8(%r12), %rax
	je	3f
2:	incq	fails(%rip)
3:
	.endr
	stmxcsr	(%rsp)
	cmpl	%r13d, (%rsp)
	je	4f
	incq	fails(%rip)
4:	fnstcw	(%rsp)
	cmpw	%r14w, (%rsp)
	je	5f
	incq	fails(%rip)
5:	decq	rounds(%rip)
	jnz	1b
	/* The state stays as set: the next process must not find it (x86_user_starts_with_clean_registers). */
	RETURN_FAILS

/*
 * void x86_tf_syscall(void): the trap flag set, then SYSCALL as the very
 * next instruction. The kernel must not take the single-step trap itself
 * (SFMASK clears TF on entry); on the way back, user mode gets TF again and
 * the trap that follows is the process's. Never returns normally.
 */
	.globl	x86_tf_syscall
x86_tf_syscall:
	movl	$SYS_nop, %eax
	pushfq
	orq	$0x100, (%rsp)
	popfq
	syscall
	nop
	nop
	pushfq
	andq	$~0x100, (%rsp)
	popfq
	ret

/*
 * void x86_churn(volatile const unsigned char *stop): until *stop, keep
 * every general-purpose register loaded with a kernel address (stop
 * itself, plus the register's number), so that a user register the kernel
 * fails to restore comes back as a kernel value. Interrupts and
 * preemption switch between it and the user threads under test.
 */
	.text
	.globl	x86_churn
x86_churn:
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rdi, %r15
1:	leaq	1(%r15), %rax
	leaq	2(%r15), %rbx
	leaq	3(%r15), %rcx
	leaq	4(%r15), %rdx
	leaq	5(%r15), %rsi
	leaq	6(%r15), %rdi
	leaq	7(%r15), %rbp
	leaq	8(%r15), %r8
	leaq	9(%r15), %r9
	leaq	10(%r15), %r10
	leaq	11(%r15), %r11
	leaq	12(%r15), %r12
	leaq	13(%r15), %r13
	leaq	14(%r15), %r14
	cmpb	$0, (%r15)
	je	1b
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	ret

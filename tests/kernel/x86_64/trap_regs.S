/*
 * void trap_regs_roundtrip(uint64_t out[15]):
 * load every general-purpose register with a distinct pattern, take an int3
 * (resumed through the exception table), then store what the registers hold
 * into out[] in struct trap_frame order (rax, rbx, rcx, rdx, rsi, rdi, rbp,
 * r8..r15). The entry path must give every one of them back unchanged, also
 * when it zeroes them before calling C (hardening/clear-regs).
 */
#include <generated/hw.h>

#define PATTERN(n) (0x0101010101010101 * (n) + 0x1000000000000000)

	.text
	.globl trap_regs_roundtrip
trap_regs_roundtrip:
	pushq %rbp
	movq %rsp, %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	pushq %rdi

	movabsq $PATTERN(1), %rax
	movabsq $PATTERN(2), %rbx
	movabsq $PATTERN(3), %rcx
	movabsq $PATTERN(4), %rdx
	movabsq $PATTERN(5), %rsi
	movabsq $PATTERN(6), %rdi
	movabsq $PATTERN(7), %rbp
	movabsq $PATTERN(8), %r8
	movabsq $PATTERN(9), %r9
	movabsq $PATTERN(10), %r10
	movabsq $PATTERN(11), %r11
	movabsq $PATTERN(12), %r12
	movabsq $PATTERN(13), %r13
	movabsq $PATTERN(14), %r14
	movabsq $PATTERN(15), %r15
	int3
1:
	.pushsection .extable, "a"
	.balign 8
	.quad 1b, 1b
	.popsection

	pushq %rdi
	movq 8(%rsp), %rdi
	movq %rax, 0(%rdi)
	movq %rbx, 8(%rdi)
	movq %rcx, 16(%rdi)
	movq %rdx, 24(%rdi)
	movq %rsi, 32(%rdi)
	popq %rax
	movq %rax, 40(%rdi)
	movq %rbp, 48(%rdi)
	movq %r8, 56(%rdi)
	movq %r9, 64(%rdi)
	movq %r10, 72(%rdi)
	movq %r11, 80(%rdi)
	movq %r12, 88(%rdi)
	movq %r13, 96(%rdi)
	movq %r14, 104(%rdi)
	movq %r15, 112(%rdi)

	popq %rdi
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret

/*
 * void trap_frame_words(const uintptr_t *frame, uint64_t expect[5], uint64_t seen[5]):
 * note what the CPU is about to push for an int3 (in this order: RIP of the
 * instruction after it, CS, RFLAGS, RSP, SS), take the int3 (resumed through
 * the exception table), then read the words at TF_RIP, TF_CS, TF_RFLAGS,
 * TF_RSP and TF_SS of the frame the entry code built, *frame being where
 * the fixup path recorded it. That frame is dead stack below RSP once iretq
 * returned: interrupts stay off so that nothing reuses it before it is read
 * (an NMI runs on its own IST stack).
 */
	.globl trap_frame_words
trap_frame_words:
	pushfq
	cli
	leaq	1f(%rip), %rax
	movq	%rax, 0(%rsi)
	movl	%cs, %eax
	movq	%rax, 8(%rsi)
	pushfq
	popq	%rax
	movq	%rax, 16(%rsi)
	movq	%rsp, 24(%rsi)
	movl	%ss, %eax
	movq	%rax, 32(%rsi)
	int3
1:
	.pushsection .extable, "a"
	.balign 8
	.quad 1b, 1b
	.popsection

	movq	(%rdi), %rax
	movq	TF_RIP(%rax), %rcx
	movq	%rcx, 0(%rdx)
	movq	TF_CS(%rax), %rcx
	movq	%rcx, 8(%rdx)
	movq	TF_RFLAGS(%rax), %rcx
	movq	%rcx, 16(%rdx)
	movq	TF_RSP(%rax), %rcx
	movq	%rcx, 24(%rdx)
	movq	TF_SS(%rax), %rcx
	movq	%rcx, 32(%rdx)
	popfq
	ret

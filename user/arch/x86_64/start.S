/*
 * The first user instruction: rdi holds main()'s argument, rsp the 16-byte
 * aligned stack top, every other register zero, the FP/SIMD state reset
 * (arch_enter_user()). They are kept (user_arch/entry_regs.h) for a test to
 * check that nothing of the kernel's or of another process reached this one.
 */
	/* The slot of each register in user_entry_regs. */
	.set	.Lnr_rax, 0
	.set	.Lnr_rbx, 1
	.set	.Lnr_rcx, 2
	.set	.Lnr_rdx, 3
	.set	.Lnr_rsi, 4
	.set	.Lnr_rdi, 5
	.set	.Lnr_rbp, 6
	.set	.Lnr_r8, 7
	.set	.Lnr_r9, 8
	.set	.Lnr_r10, 9
	.set	.Lnr_r11, 10
	.set	.Lnr_r12, 11
	.set	.Lnr_r13, 12
	.set	.Lnr_r14, 13
	.set	.Lnr_r15, 14
	.set	.Lnr_rsp, 15

	.section .text.start, "ax"
	.globl _start
_start:
	.irp	r, rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15, rsp
	movq	%\r, user_entry_regs + 8 * (.Lnr_\r)(%rip)
	.endr
	pushfq
	popq	user_entry_regs + 8 * 16(%rip)
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	movdqu	%xmm\n, user_entry_xmm + 16 * \n(%rip)
	.endr
	stmxcsr	user_entry_mxcsr(%rip)
	xorl	%ebp, %ebp	/* the outermost frame, for a debugger */
	call	user_start	/* pushes the return address, so C sees the ABI's alignment */
	ud2

	.bss
	.balign	8
	.globl	user_entry_regs
user_entry_regs:
	.skip	8 * 17
	.globl	user_entry_mxcsr
user_entry_mxcsr:
	.skip	4
	.balign	16
	.globl	user_entry_xmm
user_entry_xmm:
	.skip	16 * 16

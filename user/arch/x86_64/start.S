/* The first user instruction: rdi holds main()'s argument, rsp the 16-byte aligned stack top. */
	.section .text.start, "ax"
	.globl _start
_start:
	xorl	%ebp, %ebp	/* the outermost frame, for a debugger */
	call	user_start	/* pushes the return address, so C sees the ABI's alignment */
	ud2

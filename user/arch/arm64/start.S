/* The first user instruction: x0 holds main()'s argument, sp the 16-byte aligned stack top. */
	.section .text.start, "ax"
	.globl _start
_start:
	mov	x29, #0		/* the outermost frame, for a debugger */
	mov	x30, #0
	bl	user_start
	udf	#0

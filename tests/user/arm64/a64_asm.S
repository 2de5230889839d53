/* The assembly half of a64.c: registers loaded and checked around one event. */
#include <uapi/kiln/abi.h>
#include "a64.h"

	.data
	.balign 8
saved_sp:
	.quad	0

	.text
/*
 * unsigned long a64_run(const struct a64_regs *in, void *dump_end)
 *
 * Loads every register from *in: x0-x30 (x8 the system call number, x29
 * the spin count), NZCV, TPIDR_EL0, FPSR, FPCR, q0-q31, with sp = dump_end.
 * Then the event: x29 = 0: svc #0; else count x29 down to 0 (long enough to
 * be preempted). Then pushes what every register holds below sp, in this
 * order: x0 x1 | NZCV TPIDR_EL0 | TPIDRRO_EL0 FPSR | FPCR 0 | x2 x3 ...
 * x28 x29 | x30 0 | q0 q1 ... q30 q31, and returns the stack pointer after
 * that (dump_end - A64_DUMP_SIZE, if sp was kept). The callee-saved
 * registers and FPCR of the caller survive.
 */
	.globl	a64_run
a64_run:
	stp	x29, x30, [sp, #-16]!
	stp	x19, x20, [sp, #-16]!
	stp	x21, x22, [sp, #-16]!
	stp	x23, x24, [sp, #-16]!
	stp	x25, x26, [sp, #-16]!
	stp	x27, x28, [sp, #-16]!
	stp	d8, d9, [sp, #-16]!
	stp	d10, d11, [sp, #-16]!
	stp	d12, d13, [sp, #-16]!
	stp	d14, d15, [sp, #-16]!
	mrs	x9, fpcr
	str	x9, [sp, #-16]!
	adrp	x9, saved_sp
	mov	x10, sp
	str	x10, [x9, :lo12:saved_sp]

	mov	sp, x1
	mov	x30, x0
	ldr	x9, [x30, #A64_NZCV]
	msr	nzcv, x9
	ldr	x9, [x30, #A64_TPIDR]
	msr	tpidr_el0, x9
	ldr	x9, [x30, #A64_FPSR]
	msr	fpsr, x9
	ldr	x9, [x30, #A64_FPCR]
	msr	fpcr, x9
	ldp	q0, q1, [x30, #A64_Q + 16 * 0]
	ldp	q2, q3, [x30, #A64_Q + 16 * 2]
	ldp	q4, q5, [x30, #A64_Q + 16 * 4]
	ldp	q6, q7, [x30, #A64_Q + 16 * 6]
	ldp	q8, q9, [x30, #A64_Q + 16 * 8]
	ldp	q10, q11, [x30, #A64_Q + 16 * 10]
	ldp	q12, q13, [x30, #A64_Q + 16 * 12]
	ldp	q14, q15, [x30, #A64_Q + 16 * 14]
	ldp	q16, q17, [x30, #A64_Q + 16 * 16]
	ldp	q18, q19, [x30, #A64_Q + 16 * 18]
	ldp	q20, q21, [x30, #A64_Q + 16 * 20]
	ldp	q22, q23, [x30, #A64_Q + 16 * 22]
	ldp	q24, q25, [x30, #A64_Q + 16 * 24]
	ldp	q26, q27, [x30, #A64_Q + 16 * 26]
	ldp	q28, q29, [x30, #A64_Q + 16 * 28]
	ldp	q30, q31, [x30, #A64_Q + 16 * 30]
	ldp	x0, x1, [x30, #A64_X + 8 * 0]
	ldp	x2, x3, [x30, #A64_X + 8 * 2]
	ldp	x4, x5, [x30, #A64_X + 8 * 4]
	ldp	x6, x7, [x30, #A64_X + 8 * 6]
	ldp	x8, x9, [x30, #A64_X + 8 * 8]
	ldp	x10, x11, [x30, #A64_X + 8 * 10]
	ldp	x12, x13, [x30, #A64_X + 8 * 12]
	ldp	x14, x15, [x30, #A64_X + 8 * 14]
	ldp	x16, x17, [x30, #A64_X + 8 * 16]
	ldp	x18, x19, [x30, #A64_X + 8 * 18]
	ldp	x20, x21, [x30, #A64_X + 8 * 20]
	ldp	x22, x23, [x30, #A64_X + 8 * 22]
	ldp	x24, x25, [x30, #A64_X + 8 * 24]
	ldp	x26, x27, [x30, #A64_X + 8 * 26]
	ldp	x28, x29, [x30, #A64_X + 8 * 28]
	ldr	x30, [x30, #A64_X + 8 * 30]

	cbnz	x29, 2f
	svc	#0
	b	3f
2:	subs	x29, x29, #1
	b.ne	2b
3:
	stp	x0, x1, [sp, #-16]!
	mrs	x0, nzcv
	mrs	x1, tpidr_el0
	stp	x0, x1, [sp, #-16]!
	mrs	x0, tpidrro_el0
	mrs	x1, fpsr
	stp	x0, x1, [sp, #-16]!
	mrs	x0, fpcr
	stp	x0, xzr, [sp, #-16]!
	stp	x2, x3, [sp, #-16]!
	stp	x4, x5, [sp, #-16]!
	stp	x6, x7, [sp, #-16]!
	stp	x8, x9, [sp, #-16]!
	stp	x10, x11, [sp, #-16]!
	stp	x12, x13, [sp, #-16]!
	stp	x14, x15, [sp, #-16]!
	stp	x16, x17, [sp, #-16]!
	stp	x18, x19, [sp, #-16]!
	stp	x20, x21, [sp, #-16]!
	stp	x22, x23, [sp, #-16]!
	stp	x24, x25, [sp, #-16]!
	stp	x26, x27, [sp, #-16]!
	stp	x28, x29, [sp, #-16]!
	stp	x30, xzr, [sp, #-16]!
	stp	q0, q1, [sp, #-32]!
	stp	q2, q3, [sp, #-32]!
	stp	q4, q5, [sp, #-32]!
	stp	q6, q7, [sp, #-32]!
	stp	q8, q9, [sp, #-32]!
	stp	q10, q11, [sp, #-32]!
	stp	q12, q13, [sp, #-32]!
	stp	q14, q15, [sp, #-32]!
	stp	q16, q17, [sp, #-32]!
	stp	q18, q19, [sp, #-32]!
	stp	q20, q21, [sp, #-32]!
	stp	q22, q23, [sp, #-32]!
	stp	q24, q25, [sp, #-32]!
	stp	q26, q27, [sp, #-32]!
	stp	q28, q29, [sp, #-32]!
	stp	q30, q31, [sp, #-32]!
	mov	x0, sp

	adrp	x9, saved_sp
	ldr	x9, [x9, :lo12:saved_sp]
	mov	sp, x9
	ldr	x9, [sp], #16
	msr	fpcr, x9
	ldp	d14, d15, [sp], #16
	ldp	d12, d13, [sp], #16
	ldp	d10, d11, [sp], #16
	ldp	d8, d9, [sp], #16
	ldp	x27, x28, [sp], #16
	ldp	x25, x26, [sp], #16
	ldp	x23, x24, [sp], #16
	ldp	x21, x22, [sp], #16
	ldp	x19, x20, [sp], #16
	ldp	x29, x30, [sp], #16
	ret

/*
 * unsigned long a64_below_sp(unsigned long spin)
 *
 * A leaf that keeps data in the 128 bytes below its stack pointer (as a
 * red zone would), makes a system call (nop), counts spin down to 0, and
 * returns how many of those bytes changed.
 */
	.globl	a64_below_sp
a64_below_sp:
	mov	x9, #0
1:	sub	x10, sp, #128
	add	x11, x9, #0x5a
	strb	w11, [x10, x9]
	add	x9, x9, #1
	cmp	x9, #128
	b.ne	1b
	mov	x11, x0
	mov	x8, #SYS_nop
	svc	#0
	cbz	x11, 3f
2:	subs	x11, x11, #1
	b.ne	2b
3:	mov	x0, #0
	mov	x9, #0
4:	sub	x10, sp, #128
	ldrb	w12, [x10, x9]
	add	x11, x9, #0x5a
	cmp	w12, w11, uxtb
	cinc	x0, x0, ne
	add	x9, x9, #1
	cmp	x9, #128
	b.ne	4b
	ret

/*
 * unsigned long a64_tiny_stack(unsigned long calls, void *stack_top, long pid)
 *
 * Makes `calls` getpid system calls with sp = stack_top, pushing and
 * popping a pair on that stack around each; returns how many results were
 * not pid.
 */
	.globl	a64_tiny_stack
a64_tiny_stack:
	stp	x19, x20, [sp, #-16]!
	mov	x19, sp
	mov	sp, x1
	mov	x20, x2
	mov	x9, x0
	mov	x10, #0
1:	stp	x9, x10, [sp, #-16]!
	mov	x8, #SYS_getpid
	svc	#0
	ldp	x9, x10, [sp], #16
	cmp	x0, x20
	cinc	x10, x10, ne
	subs	x9, x9, #1
	b.ne	1b
	mov	sp, x19
	mov	x0, x10
	ldp	x19, x20, [sp], #16
	ret

/*
 * unsigned long a64_fresh_state(void)
 *
 * How many of q0-q31 (each half), FPSR, FPCR, TPIDR_EL0 and TPIDRRO_EL0
 * are not zero. Called first thing in main(): nothing before it touches
 * them, so they are what the kernel entered user mode with.
 */
	.globl	a64_fresh_state
a64_fresh_state:
	mov	x0, #0
	mov	x9, v0.d[0]
	mov	x10, v0.d[1]
	cmp	x9, #0
	cinc	x0, x0, ne
	cmp	x10, #0
	cinc	x0, x0, ne
	mov	x9, v1.d[0]
	mov	x10, v1.d[1]
	cmp	x9, #0
	cinc	x0, x0, ne
	cmp	x10, #0
	cinc	x0, x0, ne
	mov	x9, v2.d[0]
	mov	x10, v2.d[1]
	cmp	x9, #0
	cinc	x0, x0, ne
	cmp	x10, #0
	cinc	x0, x0, ne
	mov	x9, v3.d[0]
	mov	x10, v3.d[1]
	cmp	x9, #0
	cinc	x0, x0, ne
	cmp	x10, #0
	cinc	x0, x0, ne
	mov	x9, v4.d[0]
	mov	x10, v4.d[1]
	cmp	x9, #0
	cinc	x0, x0, ne
	cmp	x10, #0
	cinc	x0, x0, ne
	mov	x9, v5.d[0]
	mov	x10, v5.d[1]
	cmp	x9, #0
	cinc	x0, x0, ne
	cmp	x10, #0
	cinc	x0, x0, ne
	mov	x9, v6.d[0]
	mov	x10, v6.d[1]
	cmp	x9, #0
	cinc	x0, x0, ne
	cmp	x10, #0
	cinc	x0, x0, ne
	mov	x9, v7.d[0]
	mov	x10, v7.d[1]
	cmp	x9, #0
	cinc	x0, x0, ne
	cmp	x10, #0
	cinc	x0, x0, ne
	mov	x9, v8.d[0]
	mov	x10, v8.d[1]
	cmp	x9, #0
	cinc	x0, x0, ne
	cmp	x10, #0
	cinc	x0, x0, ne
	mov	x9, v9.d[0]
	mov	x10, v9.d[1]
	cmp	x9, #0
	cinc	x0, x0, ne
	cmp	x10, #0
	cinc	x0, x0, ne
	mov	x9, v10.d[0]
	mov	x10, v10.d[1]
	cmp	x9, #0
	cinc	x0, x0, ne
	cmp	x10, #0
	cinc	x0, x0, ne
	mov	x9, v11.d[0]
	mov	x10, v11.d[1]
	cmp	x9, #0
	cinc	x0, x0, ne
	cmp	x10, #0
	cinc	x0, x0, ne
	mov	x9, v12.d[0]
	mov	x10, v12.d[1]
	cmp	x9, #0
	cinc	x0, x0, ne
	cmp	x10, #0
	cinc	x0, x0, ne
	mov	x9, v13.d[0]
	mov	x10, v13.d[1]
	cmp	x9, #0
	cinc	x0, x0, ne
	cmp	x10, #0
	cinc	x0, x0, ne
	mov	x9, v14.d[0]
	mov	x10, v14.d[1]
	cmp	x9, #0
	cinc	x0, x0, ne
	cmp	x10, #0
	cinc	x0, x0, ne
	mov	x9, v15.d[0]
	mov	x10, v15.d[1]
	cmp	x9, #0
	cinc	x0, x0, ne
	cmp	x10, #0
	cinc	x0, x0, ne
	mov	x9, v16.d[0]
	mov	x10, v16.d[1]
	cmp	x9, #0
	cinc	x0, x0, ne
	cmp	x10, #0
	cinc	x0, x0, ne
	mov	x9, v17.d[0]
	mov	x10, v17.d[1]
	cmp	x9, #0
	cinc	x0, x0, ne
	cmp	x10, #0
	cinc	x0, x0, ne
	mov	x9, v18.d[0]
	mov	x10, v18.d[1]
	cmp	x9, #0
	cinc	x0, x0, ne
	cmp	x10, #0
	cinc	x0, x0, ne
	mov	x9, v19.d[0]
	mov	x10, v19.d[1]
	cmp	x9, #0
	cinc	x0, x0, ne
	cmp	x10, #0
	cinc	x0, x0, ne
	mov	x9, v20.d[0]
	mov	x10, v20.d[1]
	cmp	x9, #0
	cinc	x0, x0, ne
	cmp	x10, #0
	cinc	x0, x0, ne
	mov	x9, v21.d[0]
	mov	x10, v21.d[1]
	cmp	x9, #0
	cinc	x0, x0, ne
	cmp	x10, #0
	cinc	x0, x0, ne
	mov	x9, v22.d[0]
	mov	x10, v22.d[1]
	cmp	x9, #0
	cinc	x0, x0, ne
	cmp	x10, #0
	cinc	x0, x0, ne
	mov	x9, v23.d[0]
	mov	x10, v23.d[1]
	cmp	x9, #0
	cinc	x0, x0, ne
	cmp	x10, #0
	cinc	x0, x0, ne
	mov	x9, v24.d[0]
	mov	x10, v24.d[1]
	cmp	x9, #0
	cinc	x0, x0, ne
	cmp	x10, #0
	cinc	x0, x0, ne
	mov	x9, v25.d[0]
	mov	x10, v25.d[1]
	cmp	x9, #0
	cinc	x0, x0, ne
	cmp	x10, #0
	cinc	x0, x0, ne
	mov	x9, v26.d[0]
	mov	x10, v26.d[1]
	cmp	x9, #0
	cinc	x0, x0, ne
	cmp	x10, #0
	cinc	x0, x0, ne
	mov	x9, v27.d[0]
	mov	x10, v27.d[1]
	cmp	x9, #0
	cinc	x0, x0, ne
	cmp	x10, #0
	cinc	x0, x0, ne
	mov	x9, v28.d[0]
	mov	x10, v28.d[1]
	cmp	x9, #0
	cinc	x0, x0, ne
	cmp	x10, #0
	cinc	x0, x0, ne
	mov	x9, v29.d[0]
	mov	x10, v29.d[1]
	cmp	x9, #0
	cinc	x0, x0, ne
	cmp	x10, #0
	cinc	x0, x0, ne
	mov	x9, v30.d[0]
	mov	x10, v30.d[1]
	cmp	x9, #0
	cinc	x0, x0, ne
	cmp	x10, #0
	cinc	x0, x0, ne
	mov	x9, v31.d[0]
	mov	x10, v31.d[1]
	cmp	x9, #0
	cinc	x0, x0, ne
	cmp	x10, #0
	cinc	x0, x0, ne
	.irp reg, fpsr, fpcr, tpidr_el0, tpidrro_el0
	mrs	x9, \reg
	cmp	x9, #0
	cinc	x0, x0, ne
	.endr
	ret

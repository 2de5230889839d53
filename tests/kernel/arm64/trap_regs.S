/*
 * void trap_regs_roundtrip(uint64_t out[31]):
 * load x0-x30 with distinct patterns, take a brk (resumed through the
 * exception table), then store what the registers hold into out[]. The
 * vectors must give every one of them back unchanged, also when they
 * zero them before calling C (hardening/clear-regs).
 */
#include <generated/hw.h>

	.text
	.globl trap_regs_roundtrip
trap_regs_roundtrip:
	stp	x29, x30, [sp, #-112]!
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]
	str	x0, [sp, #96]

	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30
	movz	x\n, #(0x1000 + \n), lsl #48
	movk	x\n, #(0x0100 * \n + \n)
	.endr
1:	brk	#0x42
2:
	.pushsection .extable, "a"
	.balign 8
	.quad 1b, 2b
	.popsection

	str	x0, [sp, #104]		/* free x0 to hold out[] */
	ldr	x0, [sp, #96]
	.irp n, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30
	str	x\n, [x0, #(8 * \n)]
	.endr
	ldr	x1, [sp, #104]
	str	x1, [x0]

	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x27, x28, [sp, #80]
	ldp	x29, x30, [sp], #112
	ret

/*
 * void trap_frame_words(const uintptr_t *frame, uint64_t expect[3], uint64_t seen[3]):
 * note what the exception must save (in this order: ELR = the brk itself,
 * SPSR = PSTATE at the brk, with a known NZCV, and SP), take a brk (resumed
 * through the exception table), then read the words at TF_ELR, TF_SPSR and
 * TF_SP of the frame the vectors built, *frame being where the fixup path
 * recorded it (by then the fixup has moved ELR on to the instruction after
 * the brk, where eret resumed). That frame is dead stack below SP once eret returned: DAIF
 * stays masked so that nothing reuses it before it is read.
 */
	.globl trap_frame_words
trap_frame_words:
	mrs	x9, daif
	msr	daifset, #0xf
	movz	x10, #0x9000, lsl #16	/* NZCV = N and C */
	msr	nzcv, x10
	adr	x10, 1f
	str	x10, [x1, #0]
	mrs	x10, nzcv
	mrs	x11, daif
	orr	x10, x10, x11
	mrs	x11, CurrentEL
	orr	x10, x10, x11
	mrs	x11, spsel
	orr	x10, x10, x11
	str	x10, [x1, #8]
	mov	x10, sp
	str	x10, [x1, #16]
1:	brk	#0x43
2:
	.pushsection .extable, "a"
	.balign 8
	.quad 1b, 2b
	.popsection

	ldr	x10, [x0]
	ldr	x11, [x10, #TF_ELR]
	str	x11, [x2, #0]
	ldr	x11, [x10, #TF_SPSR]
	str	x11, [x2, #8]
	ldr	x11, [x10, #TF_SP]
	str	x11, [x2, #16]
	msr	daif, x9
	ret

/*
 * Crash scenarios that need every register (tests/kernel/arm64/crash.c):
 * each loads xN = 0x5e00000000000000 | N for N in 0-28 and 30 (x29 = 0 ends
 * the backtrace), so the report must show exactly those values.
 */
.macro load_patterns
	.irp n, 0,1,2,3,4,5,6,7,8,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,30
	movz	x\n, #0x5e00, lsl #48
	movk	x\n, #\n
	.endr
	mov	x29, xzr
.endm

	.text
/* __noreturn void crash_overflow_registers(void): push until the stack guard stops it (x9 too). */
	.globl	crash_overflow_registers
crash_overflow_registers:
	movz	x9, #0x5e00, lsl #48
	movk	x9, #9
	load_patterns
1:	stp	x0, x1, [sp, #-16]!
	b	1b

/*
 * __noreturn void crash_serror_enter(uint64_t esr, uint64_t far, uint64_t elr,
 *                                    uint64_t spsr, uintptr_t sp, void *vector):
 * the state an SError leaves (ESR, FAR, ELR, SPSR, all masked), then the vector, with sp
 * as given and every register but x9 (the branch target) holding its pattern.
 */
	.globl	crash_serror_enter
crash_serror_enter:
	msr	daifset, #0xf
	msr	esr_el1, x0
	msr	far_el1, x1
	msr	elr_el1, x2
	msr	spsr_el1, x3
	mov	sp, x4
	mov	x9, x5
	load_patterns
	br	x9

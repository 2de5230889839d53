/*
 * arm64 entry from QEMU -kernel (_start, the boot CPU) and from PSCI CPU_ON
 * (secondary_entry): MMU and caches off, IRQs masked, at EL1 or EL2. The
 * boot CPU gets x0 = DTB address for a raw Image or 0 for an ELF (then the
 * DTB sits at the start of RAM); a secondary CPU the physical address of
 * its struct cpu. Both drop to EL1 and turn the MMU on the same way
 * (cpu_setup, mmu_on) with the identity map of the low 4 GiB in TTBR0, and
 * continue at the linked (TTBR1) address: the boot CPU with the boot tables,
 * which map that memory at the linear map too, in arch_start(); a secondary
 * CPU with the kernel's tables, in arch_secondary_start().
 */
#include <arch/layout.h>
#include <arch/psr.h>
#include <kiln/kstack.h>
#include <generated/offsets.h>

#define CURRENTEL_EL2   (2 << 2)
#define HCR_EL2_RW      (1 << 31)
#define SCTLR_EL1_RES1  0x30d00800
#define SCTLR_M         (1 << 0)
#define SCTLR_C         (1 << 2)
#define SCTLR_SA        (1 << 3)
#define SCTLR_SA0       (1 << 4)
#define SCTLR_I         (1 << 12)
#define CPACR_FPEN      (3 << 20)
/* MAIR: attr0 Device-nGnRnE, attr1 Normal write-back, attr2 Normal non-cacheable. */
#define MAIR_VALUE      0x44ff00
/* 48-bit VA both halves, 4 KiB granules, inner-shareable write-back walks. */
#define TCR_VALUE       ((16 << 0) | (1 << 8) | (1 << 10) | (3 << 12) | (16 << 16) | \
			 (1 << 24) | (1 << 26) | (3 << 28) | (2 << 30))
#define BLOCK_DEVICE    0x0060000000000401	/* AF, UXN, PXN, attr0 */
#define BLOCK_NORMAL    0x00000000000000705	/* AF, inner shareable, attr1 */
#define TABLE           0x3

	.section .text.boot, "ax"
	.globl _start
_start:
	isb
	mrs	x20, cntvct_el0		/* entry time: start of the boot-cost figure */
	mov	x21, x0			/* boot parameter (DTB address or 0) */
	bl	cpu_setup

	/* Zero .bss and the boot tables (the loader does too; do not rely on it). */
	adrp	x0, __bss_start
	add	x0, x0, :lo12:__bss_start
	adrp	x1, __bss_end
	add	x1, x1, :lo12:__bss_end
1:	cmp	x0, x1
	b.hs	2f
	str	xzr, [x0], #8
	b	1b
2:
	adrp	x0, boot_tsc
	str	x20, [x0, :lo12:boot_tsc]
	adrp	x0, boot_param
	str	x21, [x0, :lo12:boot_param]

	/* L1: 0-1 GiB device (GIC, UART, flash), 1-4 GiB normal memory. */
	adrp	x0, boot_l1
	ldr	x1, =BLOCK_DEVICE
	str	x1, [x0]
	ldr	x1, =BLOCK_NORMAL
	mov	x2, #1
3:	orr	x3, x1, x2, lsl #30
	str	x3, [x0, x2, lsl #3]
	add	x2, x2, #1
	cmp	x2, #4
	b.ne	3b
	/* L0[0] covers VA 0 in TTBR0 and LINEAR_MAP_BASE in TTBR1: one table serves both. */
	adrp	x1, boot_l0
	orr	x2, x0, #TABLE
	str	x2, [x1]

	adrp	x0, boot_l0
	bl	mmu_on
	ldr	x0, =start_linked
	br	x0

/*
 * A secondary CPU, started by PSCI CPU_ON (arm64_secondary_entry()): x0 =
 * the physical address of its struct cpu, whose start_ttbr1 and start_sp
 * the boot CPU wrote and cleaned to memory, where this CPU reads them
 * before its MMU and caches are on.
 */
	.globl secondary_entry
secondary_entry:
	mov	x19, x0
	bl	cpu_setup
	ldr	x0, [x19, #CPU_START_TTBR1]
	bl	mmu_on
	ldr	x0, =secondary_linked
	br	x0

/* Every CPU's first steps: to EL1, interrupts masked, FP/SIMD usable. Clobbers x0-x2. */
cpu_setup:
	mov	x2, x30			/* drop_from_el2 returns through x30 and uses x0, x1 */
	mrs	x0, CurrentEL
	cmp	x0, #CURRENTEL_EL2
	b.ne	1f
	bl	drop_from_el2
1:	msr	daifset, #0xf
	mov	x0, #CPACR_FPEN
	msr	cpacr_el1, x0
	ret	x2

/*
 * MMU on, the same way on every CPU: TTBR0 = the boot identity map (this
 * code runs at its physical address), TTBR1 = x0. Clobbers x0-x2.
 */
mmu_on:
	adrp	x1, boot_l0
	msr	ttbr0_el1, x1
	msr	ttbr1_el1, x0
	ldr	x0, =MAIR_VALUE
	msr	mair_el1, x0
	mrs	x0, id_aa64mmfr0_el1
	and	x0, x0, #7		/* PARange */
	cmp	x0, #5
	mov	x2, #5
	csel	x0, x0, x2, ls		/* IPS: at most 48 bits */
	ldr	x2, =TCR_VALUE
	orr	x2, x2, x0, lsl #32
	msr	tcr_el1, x2
	isb
	tlbi	vmalle1
	dsb	nsh
	ldr	x0, =(SCTLR_EL1_RES1 | SCTLR_M | SCTLR_C | SCTLR_I | SCTLR_SA | SCTLR_SA0)
	msr	sctlr_el1, x0
	isb
	ret

/* EL2 -> EL1: AArch64 EL1, timer and FP untrapped, GICv3 system registers usable. */
drop_from_el2:
	mov	x0, #HCR_EL2_RW
	msr	hcr_el2, x0
	mrs	x0, cnthctl_el2
	orr	x0, x0, #3		/* EL1PCTEN, EL1PCEN */
	msr	cnthctl_el2, x0
	msr	cntvoff_el2, xzr
	mov	x0, #0x33ff
	msr	cptr_el2, x0
	msr	hstr_el2, xzr
	mrs	x0, id_aa64pfr0_el1
	ubfx	x0, x0, #24, #4		/* GIC system register interface */
	cbz	x0, 1f
	mrs	x0, S3_4_C12_C9_5	/* ICC_SRE_EL2 */
	mov	x1, #9			/* Enable, SRE */
	orr	x0, x0, x1
	msr	S3_4_C12_C9_5, x0
	isb
1:	mrs	x0, midr_el1
	msr	vpidr_el2, x0
	mrs	x0, mpidr_el1
	msr	vmpidr_el2, x0
	msr	vttbr_el2, xzr
	ldr	x0, =SCTLR_EL1_RES1
	msr	sctlr_el1, x0
	mov	x0, #SPSR_EL1H_MASKED
	msr	spsr_el2, x0
	msr	elr_el2, x30
	eret

	.text
start_linked:
	adrp	x0, boot_stack_top
	add	sp, x0, :lo12:boot_stack_top
	mov	x29, xzr
	mov	x30, xzr
	adrp	x0, boot_param
	ldr	x0, [x0, :lo12:boot_param]
	bl	arch_start
	b	.

/* x19: the struct cpu's physical address, now read through the linear map. */
secondary_linked:
	mov	x0, #LINEAR_MAP_BASE
	add	x0, x19, x0
	ldr	x1, [x0, #CPU_START_SP]
	mov	sp, x1
	mov	x29, xzr
	mov	x30, xzr
	bl	arch_secondary_start
	b	.

	.data
	.balign 8
	.globl boot_tsc, boot_param
boot_tsc:	.quad 0
boot_param:	.quad 0

	.section .bss.boot_tables, "aw", @nobits
	.balign 4096
	.globl boot_l0
boot_l0:	.skip 4096
boot_l1:	.skip 4096

	/*
	 * The boot stack obeys the kernel stack rule (kiln/kstack.h): KSTACK_SIZE
	 * bytes at a KSTACK_SLOT-aligned address, so the vectors' overflow test
	 * holds for it too; its guard page sits just below.
	 */
	.section .bss.stack, "aw", @nobits
	.balign KSTACK_SLOT
	.skip KSTACK_SLOT - 4096
	.globl boot_stack_guard, boot_stack_top
boot_stack_guard:
	.skip 4096
boot_stack:
	.skip KSTACK_SIZE
boot_stack_top:

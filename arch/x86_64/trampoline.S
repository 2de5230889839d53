/*
 * A secondary CPU's first instructions. INIT-SIPI-SIPI starts it in real
 * mode at AP_TRAMPOLINE_PA (CS = AP_TRAMPOLINE_PA >> 4, IP = 0), where
 * ap_boot_prepare() copied [ap_trampoline, ap_trampoline_end). It goes to
 * 32-bit protected mode, then to long mode on the boot page tables
 * (boot.S): their root lies below 4 GiB, as CR3 must while paging is
 * enabled from 32-bit code, and they map this page at its own address,
 * which that step needs, as well as the kernel image. From the image
 * (ap_start64) it switches to the kernel's page tables, takes its block
 * (struct ap_boot) and calls arch_secondary_start(cpu) on its stack.
 * Interrupts stay off throughout; INIT masked its local APIC's LINT1, so
 * not even QEMU's NMI reaches it before its IDT is loaded.
 */
#include <generated/offsets.h>
#include <arch/ap_boot.h>
#include <arch/cpu.h>
#include <arch/lapic.h>
#include <arch/long_mode.h>
#include <arch/layout.h>

/* The address of a trampoline symbol once copied. */
#define TRAMP(sym) (AP_TRAMPOLINE_PA + (sym) - ap_trampoline)
/* The trampoline GDT: the kernel's code and data selectors, and a 32-bit code segment. */
#define TRAMP_CS32 0x18

	/* Copied, never run in place: read-only data of the image. */
	.section .rodata.ap_trampoline, "a"
	.globl ap_trampoline, ap_trampoline_end
	.code16
ap_trampoline:
	cli
	movw	%cs, %ax
	movw	%ax, %ds
	lgdtl	tramp_gdtr - ap_trampoline
	/* Protected mode; also clears CR0.CD and CR0.NW, which INIT sets. */
	movl	$CR0_PE, %eax
	movl	%eax, %cr0
	ljmpl	$TRAMP_CS32, $TRAMP(tramp32)

	.code32
tramp32:
	movl	$GDT_KERNEL_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	enter_long_mode $boot_pml4, $TRAMP(tramp64)

	.code64
tramp64:
	/* The same GDT through the direct map: this page's identity mapping goes with CR3. */
	lgdt	TRAMP(tramp_gdtr64)
	movabsq	$ap_start64, %rax
	jmp	*%rax

	.balign 8
tramp_gdt:
	.quad	0
	.quad	0x00af9a000000ffff	/* GDT_KERNEL_CS: 64-bit code */
	.quad	0x00cf92000000ffff	/* GDT_KERNEL_DS: data */
	.quad	0x00cf9a000000ffff	/* TRAMP_CS32: 32-bit code */
tramp_gdtr:
	.word	tramp_gdtr - tramp_gdt - 1
	.long	TRAMP(tramp_gdt)
	.balign 8
tramp_gdtr64:
	.word	tramp_gdtr - tramp_gdt - 1
	.quad	DIRECT_MAP_BASE + TRAMP(tramp_gdt)
ap_trampoline_end:

/*
 * In the kernel image, on the boot page tables, no stack. The loads follow
 * the reverse of the order the boot CPU stores in (cpu last), so a block
 * refilled for another CPU meanwhile shows that CPU's hwid, and the
 * compare-and-swap fails if cpu changed after it was read.
 */
	.text
ap_start64:
	movq	ap_boot + AP_BOOT_CR3(%rip), %rax
	movq	%rax, %cr3
	movq	ap_boot + AP_BOOT_CPU(%rip), %rax
	testq	%rax, %rax
	jz	ap_park
	movq	lapic_mmio(%rip), %rdx
	movl	LAPIC_REG_ID(%rdx), %edx
	shrl	$24, %edx
	cmpl	ap_boot + AP_BOOT_HWID(%rip), %edx
	jne	ap_park
	movq	ap_boot + AP_BOOT_STACK_TOP(%rip), %rsi
	xorl	%ecx, %ecx
	lock cmpxchgq %rcx, ap_boot + AP_BOOT_CPU(%rip)
	jne	ap_park
	movq	%rsi, %rsp
	movq	%rax, %rdi
	xorl	%ebp, %ebp
	call	arch_secondary_start
	/* Not this CPU's block: stay parked, as firmware would have left it. */
ap_park:
	cli
	hlt
	jmp	ap_park

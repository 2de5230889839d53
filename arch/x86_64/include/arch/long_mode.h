/*
 * The switch from 32-bit protected mode, paging off, to 64-bit long mode: the boot CPU's
 * (boot.S) and every secondary CPU's (trampoline.S). Assembly only.
 */
#ifndef ARCH_LONG_MODE_H
#define ARCH_LONG_MODE_H

#ifdef __ASSEMBLER__
#include <arch/cpu.h>
#include <arch/layout.h>

/*
 * enter_long_mode root, target: root is the PML4's physical address as an operand (below
 * 4 GiB: 32-bit code loads only 32 bits of CR3), and its tables must map the code that runs
 * this at its own address, as the instructions after CR0.PG are fetched through them. target
 * is the 64-bit code's address as a far-jump operand; the GDT loaded must hold a 64-bit code
 * segment at GDT_KERNEL_CS. Clobbers %eax, %ecx, %edx.
 *
 * The order is the SDM's (Vol. 3A, "Initializing IA-32e Mode"): PAE, CR3, EFER.LME, then
 * CR0.PG. Paging with LME but without PAE is a #GP, and EFER.LME cannot change once paging
 * is on (#GP), so both come first; CR3 must be valid before paging is. CR4 and CR0 are
 * read and modified so that the caller's other bits (CR0.PE) stay.
 */
/* clang-format off */
.macro enter_long_mode root, target
	/* Physical-address extension: long mode's tables are PAE's 64-bit entries, four levels. */
	movl	%cr4, %eax
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4
	movl	\root, %eax
	movl	%eax, %cr3
	/*
	 * Long mode, active once paging is; NX as well, since without EFER.NXE bit 63 of an
	 * entry (the kernel's tables set it) is reserved and faults.
	 */
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$(EFER_LME | EFER_NXE), %eax
	wrmsr
	/* Paging on: long mode, in its 32-bit compatibility submode. WP: read-only binds the kernel too. */
	movl	%cr0, %eax
	orl	$(CR0_PE | CR0_WP | CR0_PG), %eax
	movl	%eax, %cr0
	/* A 64-bit code segment (L = 1) leaves compatibility mode for 64-bit mode. */
	ljmpl	$GDT_KERNEL_CS, \target
.endm
/* clang-format on */
#endif

#endif

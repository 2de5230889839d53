/*
 * PVH entry: QEMU jumps here in 32-bit protected mode, paging off, with
 * %ebx = physical address of struct hvm_start_info. Build boot page tables
 * (identity + direct map + kernel image, 2 MiB pages), enter long mode and
 * continue in the higher half. C takes over in arch_start().
 */
#include <arch/layout.h>
#include <arch/long_mode.h>

#define PTE_P   0x1
#define PTE_W   0x2
#define PTE_PS  0x80
#define PA(sym) ((sym) - KERNEL_VMA)

	.section .note.Xen, "a", @note
	.balign 4
	.long 4, 8, 18		/* namesz, descsz, XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.balign 4
	.quad _start32

	.section .boot.text, "ax"
	.code32
	.globl _start32
_start32:
	/* Entry TSC: the start of the boot-cost measurement. */
	rdtsc
	movl %eax, boot_tsc_low
	movl %edx, boot_tsc_low + 4
	movl %ebx, boot_param_low

	/* The page tables live in .boot.bss: zero them before filling. */
	movl $boot_pml4, %edi
	movl $(boot_tables_end - boot_pml4) / 4, %ecx
	xorl %eax, %eax
	rep stosl

	/* PD entries: 2048 x 2 MiB identity pages = 4 GiB. */
	movl $boot_pd, %edi
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $21, %eax
	orl $(PTE_P | PTE_W | PTE_PS), %eax
	movl %ecx, %edx
	shrl $11, %edx		/* high dword = ecx * 2 MiB >> 32 */
	movl %eax, (%edi, %ecx, 8)
	movl %edx, 4(%edi, %ecx, 8)
	incl %ecx
	cmpl $2048, %ecx
	jne 1b

	/* PDPT: four PDs for 0-4 GiB; the kernel PDPT maps -2 GiB to PA 0. */
	movl $boot_pdpt, %edi
	movl $boot_pdpt_kernel, %esi
	xorl %ecx, %ecx
2:	movl %ecx, %eax
	shll $12, %eax
	addl $(boot_pd + PTE_P + PTE_W), %eax
	movl %eax, (%edi, %ecx, 8)
	incl %ecx
	cmpl $4, %ecx
	jne 2b
	movl $(boot_pd + PTE_P + PTE_W), 510 * 8(%esi)

	/* PML4: identity (slot 0), direct map (slot 256), kernel (slot 511). */
	movl $boot_pml4, %edi
	movl $(boot_pdpt + PTE_P + PTE_W), (%edi)
	movl $(boot_pdpt + PTE_P + PTE_W), 256 * 8(%edi)
	movl $(boot_pdpt_kernel + PTE_P + PTE_W), 511 * 8(%edi)

	lgdt boot_gdt_ptr
	enter_long_mode $boot_pml4, $_start64_low

	.code64
_start64_low:
	movabsq $_start64, %rax
	jmp *%rax

	.section .boot.data, "aw"
	.balign 8
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* 64-bit kernel code */
	.quad 0x00cf92000000ffff	/* kernel data */
boot_gdt_ptr:
	.word boot_gdt_ptr - boot_gdt - 1
	.long boot_gdt
boot_tsc_low:	.quad 0
boot_param_low:	.quad 0

	/*
	 * Kept for good (the image's reserved memory): secondary CPUs enter long
	 * mode on them too (trampoline.S), as their root lies below 4 GiB.
	 */
	.section .boot.bss, "aw", @nobits
	.balign 4096
	.globl boot_pml4
boot_pml4:		.skip 4096
boot_pdpt:		.skip 4096
boot_pdpt_kernel:	.skip 4096
boot_pd:		.skip 4 * 4096
boot_tables_end:

	.text
	.globl _start64
_start64:
	movl $GDT_KERNEL_DS, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs

	/* Zero .bss (the loader does too; do not rely on it). */
	leaq __bss_start(%rip), %rdi
	leaq __bss_end(%rip), %rcx
	subq %rdi, %rcx
	xorl %eax, %eax
	rep stosb

	/* Carry what 32-bit code recorded into the higher half. */
	movq boot_tsc_low, %rax
	movq %rax, boot_tsc(%rip)

	leaq boot_stack_top(%rip), %rsp
	xorl %ebp, %ebp
	movl boot_param_low, %edi
	call arch_start
	ud2

	.data
	.balign 8
	.globl boot_tsc
boot_tsc:	.quad 0

	/*
	 * The boot stack has an unmapped guard page below it once the final
	 * page tables are live: an overflow faults instead of corrupting .bss.
	 */
	.section .bss.stack, "aw", @nobits
	.balign 4096
	.globl boot_stack_guard, boot_stack_top
boot_stack_guard:
	.skip 4096
boot_stack:
	.skip BOOT_STACK_SIZE
boot_stack_top:

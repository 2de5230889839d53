/*
 * long x86_nmi_window(volatile void *lapic, unsigned long n): n times, send
 * this CPU an NMI through the local APIC's ICR, mapped into this process,
 * and execute SYSCALL right behind it. QEMU's TCG takes a pending interrupt
 * only between translation blocks, and the store and SYSCALL share one: the
 * NMI arrives at the first instruction of the kernel's SYSCALL entry, with
 * CS the kernel's and GS still the user's. Returns how many system calls
 * did not return 0.
 */
#include <uapi/kiln/abi.h>

#define LAPIC_ID     0x20
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310
#define ICR_NMI	     0x400

	.text
	.globl	x86_nmi_window
x86_nmi_window:
	xorl	%r8d, %r8d
	movl	LAPIC_ID(%rdi), %eax		/* destination: this CPU's APIC ID, bits 31:24 */
	andl	$0xff000000, %eax
	movl	%eax, LAPIC_ICR_HI(%rdi)
1:	movl	$SYS_nop, %eax
	movl	$ICR_NMI, LAPIC_ICR_LO(%rdi)
	syscall
	testq	%rax, %rax
	jz	2f
	incq	%r8
2:	decq	%rsi
	jnz	1b
	movq	%r8, %rax
	ret

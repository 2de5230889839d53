/*
 * x86_64 exceptions from user mode, one per mode (x86_user.h): each must
 * kill only this process. Reaching the end returns 0, a failure.
 */
#include <kiln/user.h>
#include "x86_user.h"

void x86_tf_syscall(void);

static void alignment_fault(void)
{
	static unsigned long words[2];
	unsigned long v;

	/* RFLAGS.AC on (CR0.AM is the kernel's), then a load across a word boundary. */
	asm volatile("pushfq\n\t"
		     "orq $0x40000, (%%rsp)\n\t"
		     "popfq\n\t"
		     "movq 3(%1), %0"
		     : "=r"(v)
		     : "r"(words)
		     : "memory", "cc");
	(void)v;
}

int main(unsigned long arg)
{
	switch (arg) {
	case X86_FAULT_DIVIDE:
		asm volatile("xorl %%edx, %%edx; xorl %%ecx, %%ecx; movl $1, %%eax; divq %%rcx"
			     :
			     :
			     : "rax", "rcx", "rdx");
		break;
	case X86_FAULT_UD2:
		asm volatile("ud2");
		break;
	case X86_FAULT_HLT:
		asm volatile("hlt");
		break;
	case X86_FAULT_NONCANONICAL:
		asm volatile("movabsq 0x8000000000000000, %%rax" : : : "rax");
		break;
	case X86_FAULT_INT_NMI:
		asm volatile("int $2");
		break;
	case X86_FAULT_INT_IRQ:
		asm volatile("int $32");
		break;
	case X86_FAULT_ALIGNMENT:
		alignment_fault();
		break;
	case X86_FAULT_BREAKPOINT:
		asm volatile("int3");
		break;
	case X86_FAULT_TF_SYSCALL:
		x86_tf_syscall();
		break;
	case X86_FAULT_KERNEL_WRITE:
		*(volatile unsigned long *)0xffffffff80100000ul = 0;
		break;
	}
	printf("x86_fault %lu: still alive\n", arg);
	return 0;
}

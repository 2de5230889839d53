/* FS and GS bases user code sets itself (CR4.FSGSBASE): the modes are in x86_user.h. */
#include <kiln/user.h>
#include "x86_user.h"

#define LAPIC_ID     0x20
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310
#define ICR_NMI	     0x400

static unsigned long fs_base(void)
{
	unsigned long v;

	asm volatile("rdfsbase %0" : "=r"(v));
	return v;
}

static unsigned long gs_base(void)
{
	unsigned long v;

	asm volatile("rdgsbase %0" : "=r"(v));
	return v;
}

static int has_fsgsbase(void)
{
	unsigned int a = 7, b, c = 0, d;

	asm volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	return b & 1;
}

/* 20 rounds of a yield, a system call and 5 ms of spinning, the bases checked all along. */
static int hold(unsigned long seed)
{
	unsigned long fs = X86_BASES_FS(seed), gs = X86_BASES_GS(seed);
	int bad = 0;

	asm volatile("wrfsbase %0\n\twrgsbase %1" : : "r"(fs), "r"(gs));
	for (int round = 0; round < 20; round++) {
		long start;

		sys_yield();
		sys_nop();
		start = sys_clock_ns();
		while (sys_clock_ns() - start < 5000000)
			for (int i = 0; i < 1000; i++)
				bad += fs_base() != fs || gs_base() != gs;
	}
	return bad;
}

/* A self-NMI, taken in user mode (the spin ends QEMU's translation block), then a system call. */
static int nmi(volatile unsigned int *lapic)
{
	int check = has_fsgsbase();
	unsigned long gs = check ? gs_base() : 0;

	lapic[LAPIC_ICR_HI / 4] = lapic[LAPIC_ID / 4] & 0xff000000;
	lapic[LAPIC_ICR_LO / 4] = ICR_NMI;
	for (volatile int i = 0; i < 1000; i++)
		;
	sys_nop();
	return check && gs_base() != gs;
}

int main(unsigned long arg)
{
	switch (arg & 0xff) {
	case X86_BASES_HOLD:
		return hold(arg >> 8);
	case X86_BASES_NMI:
		return nmi((volatile unsigned int *)(arg & ~0xfful));
	}
	return -1;
}

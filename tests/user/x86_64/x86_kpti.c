/* Touches its probe page after every kind of return to user mode: see x86_user.h. */
#include "x86_user.h"
#include <kiln/user.h>

#define LAPIC_ID     0x20
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310
#define ICR_NMI	     0x400

static void self_nmi(volatile unsigned int *lapic)
{
	lapic[LAPIC_ICR_HI / 4] = lapic[LAPIC_ID / 4] & 0xff000000;
	lapic[LAPIC_ICR_LO / 4] = ICR_NMI;
}

/* Not inlined: the call ends QEMU's translation block, where the pending NMI is taken. */
static __attribute__((noinline)) void touch(volatile struct x86_kpti_probe *p)
{
	p->count++;
}

int main(unsigned long rounds)
{
	volatile struct x86_kpti_probe *p = (volatile struct x86_kpti_probe *)X86_KPTI_PROBE_VA;
	volatile unsigned int *lapic = (volatile unsigned int *)X86_USER_LAPIC_VA;

	p->count++;
	for (unsigned long i = 0; i < rounds; i++) {
		self_nmi(lapic);
		touch(p);
		sys_nop();
		p->count++;
		sys_yield();
		p->count++;
	}
	p->done = 1;
	while (!p->stop)
		p->count++;
	return 0;
}

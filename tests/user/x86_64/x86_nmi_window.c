/* NMIs into the SYSCALL entry window (x86_nmi_window_loop.S); arg: where the local APIC is mapped.
 */
#include <kiln/user.h>

long x86_nmi_window(volatile void *lapic, unsigned long n);

int main(unsigned long arg)
{
	return x86_nmi_window((volatile void *)arg, 1000);
}

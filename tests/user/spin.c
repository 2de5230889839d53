/*
 * Spins in user mode for arg ns, asking the clock only now and then, so that
 * timer interrupts land in user mode; then makes one last system call.
 * Exit status 0.
 */
#include "check.h"

int main(unsigned long arg)
{
	long end = sys_clock_ns() + (long)arg;

	while (sys_clock_ns() < end)
		for (volatile unsigned int i = 0; i < 100000; i++)
			;
	CHECK_EQ(sys_nop(), 0);
	return check_failures;
}

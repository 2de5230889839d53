/*
 * The switch between two processes, timed from user mode: arg yields (the
 * other process yields back each time); the exit status is the cycles they
 * took (tests/kernel/bench.c reads it).
 */
#include <kiln/user.h>

int main(unsigned long n)
{
	unsigned long t0 = user_cycles();

	for (unsigned long i = 0; i < n; i++)
		sys_yield();
	sys_exit(user_cycles() - t0);
}

/*
 * A user exception handled and skipped, timed from user mode: arg
 * breakpoints, each taken by the kernel and resumed past (the process is
 * spawned with SPAWN_SKIP_BREAKPOINTS); exits with the cycles they took.
 */
#include <kiln/user.h>

int main(unsigned long n)
{
	unsigned long t0 = user_cycles();

	for (unsigned long i = 0; i < n; i++)
		user_breakpoint();
	sys_exit(user_cycles() - t0);
}

/*
 * System calls that block, each checked for its result: sleep_ns, yield,
 * and a wait for a child that is still asleep; then, right after another
 * sleep, arg cycles of spinning with no system call (the kernel side checks
 * that it is preempted there).
 * Exit status = failures.
 */
#include "check.h"

#define NAP_NS 2000000

int main(unsigned long arg)
{
	long pid, slept, status = -1, t0 = sys_clock_ns();
	unsigned long c0;

	CHECK_EQ(sys_sleep_ns(NAP_NS), 0);
	CHECK_EQ(sys_clock_ns() - t0 >= NAP_NS, 1);
	/* With a stray argument: arm64 returns the result where the first argument came in. */
	CHECK_EQ(syscall6(SYS_yield, 12345, 0, 0, 0, 0, 0), 0);
	pid = sys_spawn("sleeper", 10 * NAP_NS);
	CHECK_EQ(pid > 0, 1);
	CHECK_EQ(sys_wait(pid, &status), pid);
	CHECK_EQ(status, 0);
	CHECK_EQ(sys_wait(pid, &status), -ECHILD);
	/* The spin follows a sleep's return with no other system call in between. */
	slept = sys_sleep_ns(NAP_NS);
	c0 = user_cycles();
	while (user_cycles() - c0 < arg)
		;
	CHECK_EQ(slept, 0);
	return check_failures;
}

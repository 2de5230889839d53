/* A process that spawns and waits for children, as a parent would. Exit status = failures. */
#include "check.h"

int main(unsigned long arg)
{
	long pid, other, status = -1;

	(void)arg;
	pid = sys_spawn("hello", 7);
	CHECK_EQ(pid > sys_getpid(), 1);
	CHECK_EQ(sys_wait(pid, &status), pid);
	CHECK_EQ(status, 7);
	/* Once reaped, it is no longer a child. */
	CHECK_EQ(sys_wait(pid, &status), -ECHILD);
	/* A child that faults: the parent sees the fault status and goes on. */
	pid = sys_spawn("fault", 1);
	CHECK_EQ(sys_wait(pid, &status), pid);
	CHECK_EQ(status, KILN_STATUS_FAULT);
	/* Two at once, reaped in the other order; a null status pointer is allowed. */
	pid = sys_spawn("hello", 1);
	other = sys_spawn("hello", 2);
	CHECK_EQ(sys_wait(other, 0), other);
	CHECK_EQ(sys_wait(pid, &status), pid);
	CHECK_EQ(status, 1);
	/* An orphan: left running when this process exits; the kernel frees it later. */
	CHECK_EQ(sys_spawn("sleeper", 1000000) > 0, 1);
	return check_failures;
}

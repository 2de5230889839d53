/* Every system call once, with valid arguments, and unknown numbers: exit status = failures. */
#include "check.h"

int main(unsigned long arg)
{
	long t0, t1;

	(void)arg;
	CHECK_EQ(sys_nop(), 0);
	CHECK_EQ(sys_getpid() > 0, 1);
	CHECK_EQ(sys_getpid(), sys_getpid());
	CHECK_EQ(sys_write(1, "syscalls: write\n", 16), 16);
	CHECK_EQ(sys_write(1, "", 0), 0);
	CHECK_EQ(sys_yield(), 0);
	t0 = sys_clock_ns();
	CHECK_EQ(sys_sleep_ns(2000000), 0);
	t1 = sys_clock_ns();
	CHECK_EQ(t1 - t0 >= 2000000, 1);
	/* Unknown numbers, including ones that would index far out of a table. */
	CHECK_EQ(syscall6(SYS_COUNT, 0, 0, 0, 0, 0, 0), -ENOSYS);
	CHECK_EQ(syscall6(1000, 0, 0, 0, 0, 0, 0), -ENOSYS);
	CHECK_EQ(syscall6(-1, 0, 0, 0, 0, 0, 0), -ENOSYS);
	CHECK_EQ(syscall6(1L << 40, 0, 0, 0, 0, 0, 0), -ENOSYS);
	return check_failures;
}

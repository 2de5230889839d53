/*
 * Bad arguments to system calls: each returns exactly the documented error
 * and the process goes on. Exit status = failures.
 */
#include "check.h"

/* An address in the kernel half on both arches (the top of the address space). */
#define KERNEL_ADDR 0xffffff8000000000ul

static const char msg[] = "badptr: unaligned write ok\n";

int main(unsigned long arg)
{
	long status;

	(void)arg;
	/* write: null, kernel, wrapping, too long, unmapped, bad fd. */
	CHECK_EQ(sys_write(1, 0, 1), -EFAULT);
	CHECK_EQ(sys_write(1, (void *)KERNEL_ADDR, 8), -EFAULT);
	CHECK_EQ(sys_write(1, (void *)0xfffffffffffff000ul, 0x2000), -EFAULT);
	CHECK_EQ(sys_write(1, msg, 1ul << 62), -EFAULT);
	CHECK_EQ(sys_write(1, (void *)0x200000, 8), -EFAULT); /* below the program: unmapped */
	CHECK_EQ(sys_write(2, msg, 1), -EBADF);
	/* Unaligned but valid: fine. */
	CHECK_EQ(sys_write(1, msg + 1, sizeof(msg) - 2), (long)sizeof(msg) - 2);
	/* spawn: null, kernel, unterminated within the limit, unknown. */
	CHECK_EQ(sys_spawn(0, 0), -EFAULT);
	CHECK_EQ(sys_spawn((const char *)KERNEL_ADDR, 0), -EFAULT);
	CHECK_EQ(sys_spawn("a-name-that-is-far-longer-than-thirty-one-bytes", 0), -ENAMETOOLONG);
	CHECK_EQ(sys_spawn("no-such-program", 0), -ENOENT);
	/* wait: not a child, bad status pointer. */
	CHECK_EQ(sys_wait(1, &status), -ECHILD);
	CHECK_EQ(sys_wait(12345, &status), -ECHILD);
	CHECK_EQ(sys_wait(1, (long *)KERNEL_ADDR), -EFAULT);
	/* sleep: a duration that would wrap the clock. */
	CHECK_EQ(sys_sleep_ns(~0ul), -EINVAL);
	return check_failures;
}

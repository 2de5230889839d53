/* For tests that run user programs (tests/user/). */
#ifndef TESTS_KERNEL_USER_RUN_H
#define TESTS_KERNEL_USER_RUN_H

#include <kiln/process.h>

/* Spawn name(arg) from this kernel thread and wait: its exit status, or the spawn error. */
static inline long run(const char *name, unsigned long arg)
{
	long status, pid = process_spawn(name, arg);

	if (pid < 0)
		return pid;
	return process_wait(pid, &status) == pid ? status : -1000;
}

#endif

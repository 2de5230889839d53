/* For tests that run user programs (tests/user/). */
#ifndef TESTS_KERNEL_USER_RUN_H
#define TESTS_KERNEL_USER_RUN_H

#include <kiln/cpu.h>
#include <kiln/process.h>
#include <kiln/smp.h>
#include <kiln/thread.h>

/* Spawn name(arg) from this kernel thread and wait: its exit status, or the spawn error. */
static inline long run(const char *name, unsigned long arg)
{
	long status, pid = process_spawn(name, arg);

	if (pid < 0)
		return pid;
	return process_wait(pid, &status) == pid ? status : -1000;
}

/*
 * Run two processes of name per CPU at once, unbound, so that preempted ones
 * are stolen by CPUs that run out of work: arg(i) for the i-th. Returns how
 * many exited with a nonzero status; *steals gets the threads CPUs took
 * from each other meanwhile (0: nothing migrated, the run proved nothing).
 */
static inline unsigned int run_migrating(const char *name, unsigned long (*arg)(unsigned int i),
					 unsigned long *steals)
{
	unsigned int n = 2 * smp_cpus_online(), failed = 0;
	long pids[2 * CONFIG_NR_CPUS], status;

	*steals = 0;
	for (unsigned int i = 0; i < smp_cpus_online(); i++)
		*steals -= cpus[i].steals;
	thread_set_affinity(THREAD_ANY_CPU);
	for (unsigned int i = 0; i < n; i++)
		pids[i] = process_spawn(name, arg(i));
	for (unsigned int i = 0; i < n; i++)
		if (pids[i] < 0 || process_wait(pids[i], &status) != pids[i] || status)
			failed++;
	for (unsigned int i = 0; i < smp_cpus_online(); i++)
		*steals += cpus[i].steals;
	return failed;
}

#endif

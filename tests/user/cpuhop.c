/*
 * Hops over the first arg CPUs with setaffinity, three rounds: after each
 * hop it must run on the CPU it asked for, whose hardware id never changes
 * and differs from every other's. Exit status: failures.
 */
#include "check.h"

#define MAX_CPUS 64

int main(unsigned long ncpus)
{
	unsigned int cpu, hwid, hw_of[MAX_CPUS];

	if (ncpus < 1 || ncpus > MAX_CPUS)
		return 100;
	for (unsigned int round = 0; round < 3; round++)
		for (unsigned int i = 0; i < ncpus; i++) {
			CHECK_EQ(sys_setaffinity(i), 0);
			CHECK_EQ(sys_getcpu(&cpu, &hwid), 0);
			CHECK_EQ(cpu, i);
			if (round == 0)
				hw_of[i] = hwid;
			CHECK_EQ(hwid, hw_of[i]);
		}
	for (unsigned int i = 0; i < ncpus; i++)
		for (unsigned int j = 0; j < i; j++)
			CHECK_EQ(hw_of[i] == hw_of[j], 0);
	/* Bad CPUs change nothing. */
	CHECK_EQ(sys_setaffinity(-2), -EINVAL);
	CHECK_EQ(sys_setaffinity(MAX_CPUS), -EINVAL);
	CHECK_EQ(sys_setaffinity(1L << 40), -EINVAL);
	CHECK_EQ(sys_getcpu(&cpu, 0), 0);
	CHECK_EQ(cpu, ncpus - 1);
	CHECK_EQ(sys_setaffinity(KILN_CPU_ANY), 0);
	CHECK_EQ(sys_getcpu(0, 0), 0);
	CHECK_EQ(sys_getcpu((unsigned int *)0x10, 0), -EFAULT);
	return check_failures;
}

/*
 * tests/kernel/test_smp.c's stress load: until arg's deadline (ms, low 32 bits) passes,
 * yield, sleep, hop to a CPU (of arg >> 32) and check it got there, and make system calls.
 * Exit status: failures.
 */
#include "check.h"

int main(unsigned long arg)
{
	long end = sys_clock_ns() + (long)(arg & 0xffffffff) * 1000000;
	unsigned int ncpus = arg >> 32, cpu, pid = sys_getpid();

	for (unsigned int i = 0; sys_clock_ns() < end; i++) {
		switch (i % 4) {
		case 0:
			CHECK_EQ(sys_yield(), 0);
			break;
		case 1:
			CHECK_EQ(sys_sleep_ns(200000), 0);
			break;
		case 2:
			CHECK_EQ(sys_setaffinity((pid + i) % ncpus), 0);
			CHECK_EQ(sys_getcpu(&cpu, 0), 0);
			CHECK_EQ(cpu, (pid + i) % ncpus);
			CHECK_EQ(sys_setaffinity(KILN_CPU_ANY), 0);
			break;
		default:
			CHECK_EQ(sys_getpid(), pid);
		}
	}
	return check_failures;
}

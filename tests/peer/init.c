/*
 * /init of the Linux peer (scripts/kilnconf/peer.py): measures on Linux the operations Kiln's
 * benchmarks measure, the way kernel/kbench.c does (one warm-up batch, then KBENCH_BATCHES
 * batches; min and median per operation), prints the same "kbench:" lines and powers off.
 *
 * A user program cannot read the guest instruction count, but under QEMU's -icount shift=0
 * one nanosecond of virtual time is one instruction: CLOCK_MONOTONIC then counts
 * instructions. The kernel passes the command-line word kbench_unit=insn (or ns) as an
 * environment variable; it only names the unit of what the clock measures.
 *
 * Hosted C for any Linux arch: every kernel service goes through libc or syscall(2).
 * Built static, as the initramfs holds nothing else.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BATCHES 10 /* KBENCH_BATCHES */

static const char *unit = "ns";

static void die(const char *what)
{
	printf("kbench: error: %s: %s\n", what, strerror(errno));
	fflush(stdout);
	reboot(RB_POWER_OFF);
	_exit(1);
}

static uint64_t now_ns(clockid_t clock)
{
	struct timespec ts;

	if (clock_gettime(clock, &ts))
		die("clock_gettime");
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Everything runs on CPU 0, as Kiln's benchmarks do on its one CPU. */
static void pin_cpu0(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity");
}

/* Context switches away from this process's threads so far, voluntary or not. */
static long switches(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru))
		die("getrusage");
	return ru.ru_nvcsw + ru.ru_nivcsw;
}

/* A batch that should have switched `want` times but did not measured something else. */
static void check_switched(long since, uint64_t want)
{
	if ((uint64_t)(switches() - since) < want * 9 / 10) {
		errno = 0;
		printf("kbench: error: %ld switches where %llu were expected\n", switches() - since,
		       (unsigned long long)want);
		fflush(stdout);
		reboot(RB_POWER_OFF);
		_exit(1);
	}
}

/*
 * sched_yield under the default policy rarely switches (CFS lets the yielding thread run on
 * while its virtual runtime is the lowest): two SCHED_FIFO threads of one priority take
 * turns at every yield, as Kiln's round robin does. The other benchmarks keep the default
 * policy, as a Linux program would.
 */
static void set_policy(int policy, int priority)
{
	struct sched_param sp = {.sched_priority = priority};

	if (sched_setscheduler(0, policy, &sp))
		die("sched_setscheduler");
}

/* The real-time throttle would idle the CPU 50 ms of every second a SCHED_FIFO batch runs. */
static void lift_rt_throttle(void)
{
	FILE *f;

	if (mkdir("/proc", 0555) || mount("proc", "/proc", "proc", 0, NULL))
		die("mount /proc");
	f = fopen("/proc/sys/kernel/sched_rt_runtime_us", "w");
	if (!f || fputs("-1", f) < 0 || fclose(f))
		die("sched_rt_runtime_us");
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static void report(const char *name, int batches, uint64_t ops, uint64_t *x100)
{
	uint64_t min, median;

	qsort(x100, (size_t)batches, sizeof(*x100), cmp_u64);
	min = x100[0];
	median = x100[batches / 2];
	printf("kbench: name=%s batches=%d ops=%llu min=%llu.%02llu median=%llu.%02llu unit=%s\n",
	       name, batches, (unsigned long long)ops, (unsigned long long)(min / 100),
	       (unsigned long long)(min % 100), (unsigned long long)(median / 100),
	       (unsigned long long)(median % 100), unit);
	fflush(stdout);
}

/* One benchmark: the time one batch of ops operations takes, per operation. */
static void bench(const char *name, uint64_t ops, uint64_t (*batch)(uint64_t ops))
{
	uint64_t per[BATCHES];

	batch(ops); /* warm caches and TCG's translation cache */
	for (int i = 0; i < BATCHES; i++)
		per[i] = batch(ops) * 100 / ops;
	report(name, BATCHES, ops, per);
}

/* The cheapest system call: a kernel entry and exit with almost nothing between. */
static uint64_t getppid_batch(uint64_t n)
{
	uint64_t start = now_ns(CLOCK_MONOTONIC);

	for (uint64_t i = 0; i < n; i++)
		syscall(SYS_getppid);
	return now_ns(CLOCK_MONOTONIC) - start;
}

static void *yield_times(void *arg)
{
	for (uintptr_t i = (uintptr_t)arg; i > 0; i--)
		sched_yield();
	return NULL;
}

/* Two threads of one process yielding to each other: n switches (as ctx_switch_yield). */
static uint64_t yield_batch(uint64_t n)
{
	pthread_t peer;
	long before;
	uint64_t start, took;

	set_policy(SCHED_FIFO, 1);
	before = switches();
	start = now_ns(CLOCK_MONOTONIC);

	/* The new thread inherits the SCHED_FIFO policy and priority. */
	errno = pthread_create(&peer, NULL, yield_times, (void *)(uintptr_t)(n / 2));
	if (errno)
		die("pthread_create");
	yield_times((void *)(uintptr_t)(n / 2));
	pthread_join(peer, NULL);
	took = now_ns(CLOCK_MONOTONIC) - start;
	set_policy(SCHED_OTHER, 0);
	check_switched(before, n);
	return took;
}

/*
 * Two processes passing one byte back and forth through two pipes: n messages, each a switch
 * to the other process (n / 2 round trips), so that an operation is one switch, as in
 * ctx_switch_yield.
 */
static uint64_t pipe_batch(uint64_t n)
{
	int to_child[2], to_parent[2];
	uint64_t start, took;
	long before;
	char c = 0;
	pid_t child;

	if (pipe(to_child) || pipe(to_parent))
		die("pipe");
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		for (uint64_t i = 0; i < n / 2; i++)
			if (read(to_child[0], &c, 1) != 1 || write(to_parent[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	before = switches();
	start = now_ns(CLOCK_MONOTONIC);
	for (uint64_t i = 0; i < n / 2; i++)
		if (write(to_child[1], &c, 1) != 1 || read(to_parent[0], &c, 1) != 1)
			die("pipe round trip");
	took = now_ns(CLOCK_MONOTONIC) - start;
	check_switched(before, n / 2); /* the child's switches are its own */
	waitpid(child, NULL, 0);
	close(to_child[0]);
	close(to_child[1]);
	close(to_parent[0]);
	close(to_parent[1]);
	return took;
}

int main(void)
{
	/* First: the kernel's own clock, started early in its boot, read as /init begins. */
	uint64_t boot = now_ns(CLOCK_BOOTTIME) * 100;
	const char *u = getenv("kbench_unit");

	if (u && strcmp(u, "insn") == 0)
		unit = "insn";
	setvbuf(stdout, NULL, _IOLBF, 0);
	pin_cpu0();
	lift_rt_throttle();
	printf("kbench: unit=%s (Linux peer; CLOCK_MONOTONIC per operation)\n", unit);
	report("boot_to_init", 1, 1, &boot);
	bench("syscall_getppid", 5000, getppid_batch);
	bench("ctx_switch_yield", 4000, yield_batch);
	bench("pipe_pingpong", 1000, pipe_batch);
	printf("kbench: done\n");
	fflush(stdout);
	reboot(RB_POWER_OFF);
	die("reboot");
}

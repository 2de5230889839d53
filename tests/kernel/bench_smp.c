/* SMP benchmarks: inter-processor calls and spinlocks. Run from CPU 0, with at least 2 CPUs. */
#include <kiln/arch.h>
#include <kiln/cpu.h>
#include <kiln/kbench.h>
#include <kiln/panic.h>
#include <kiln/smp.h>
#include <kiln/spinlock.h>
#include <kiln/thread.h>

static void nothing(void *arg)
{
	(void)arg;
}

/* A call on CPU 1 and back: IPI out, handler there, completion seen here. */
KBENCH(ipi_call_roundtrip, 100)
{
	if (smp_cpus_online() < 2)
		panic("ipi_call_roundtrip needs a second CPU");
	for (uint64_t i = 0; i < n; i++)
		smp_call_on(1, nothing, NULL);
}

static struct spinlock bench_lock;

/* Acquire and release with nobody else interested: two atomic operations. */
KBENCH(spinlock_uncontended, 10000)
{
	for (uint64_t i = 0; i < n; i++) {
		spin_lock(&bench_lock);
		spin_unlock(&bench_lock);
	}
}

static volatile bool hammer_stop;
static unsigned int hammers_running; /* hammers that have started */

static void hammer(void *arg)
{
	(void)arg;
	__atomic_fetch_add(&hammers_running, 1, __ATOMIC_RELEASE);
	while (!hammer_stop) {
		bool irqs = spin_lock_irqsave(&bench_lock);

		spin_unlock_irqrestore(&bench_lock, irqs);
	}
}

/*
 * Acquire and release here while every other CPU does the same: the cache line ping-pongs
 * and, the lock being fair, each acquisition here waits for the others' turns. Few
 * operations a batch: under TCG with more guest CPUs than host cores, a turn can wait
 * for the host to run a descheduled CPU's thread, milliseconds.
 */
KBENCH_MEASURED(spinlock_contended, 100)
{
	struct thread *t[CONFIG_NR_CPUS];
	unsigned int others = smp_cpus_online() - 1, created = 0;
	uint64_t t0, cycles;
	bool irqs;

	if (!others)
		panic("spinlock_contended needs a second CPU");
	hammer_stop = false;
	hammers_running = 0;
	for (unsigned int i = 0; i < others; i++) {
		t[i] = thread_create_on((int)(i + 1), "hammer", hammer, NULL,
					thread_current()->priority);
		created += t[i] != NULL;
	}
	/*
	 * Time only real contention: every hammer running, and one of them holding or awaiting
	 * the lock. Under -icount the CPUs take turns, and one that never has to wait would
	 * otherwise run its whole batch alone, uncontended.
	 */
	while (__atomic_load_n(&hammers_running, __ATOMIC_ACQUIRE) < created)
		arch_cpu_relax();
	while (created && !spin_is_locked(&bench_lock))
		arch_cpu_relax();
	t0 = arch_cycles();
	for (uint64_t i = 0; i < n; i++) {
		irqs = spin_lock_irqsave(&bench_lock);
		spin_unlock_irqrestore(&bench_lock, irqs);
	}
	cycles = arch_cycles() - t0;
	hammer_stop = true;
	for (unsigned int i = 0; i < others; i++)
		if (t[i])
			thread_join(t[i]);
	return cycles;
}

/* Each thread 10-22 M guest instructions (arm64, x86_64), ~4 ms of TCG: long against a wake-up. */
#define SCALING_THREADS 16
#define SCALING_WORK	2000000u

static volatile uint64_t scaling_sink;

/* Pure computation on registers: no memory shared, nothing to contend for. */
static void crunch(void *arg)
{
	uint64_t x = (uintptr_t)arg + 1;

	for (unsigned int i = 0; i < SCALING_WORK; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
	}
	scaling_sink += x;
}

/*
 * 16 CPU-bound threads on whatever CPUs are online, placed by the scheduler:
 * the time until all have finished (ns under MTTCG show the speed-up with
 * -smp; guest instructions do not, -icount runs one CPU at a time).
 */
KBENCH_MEASURED(smp_scaling_16_threads, 1)
{
	struct thread *t[SCALING_THREADS];
	uint64_t t0;

	thread_set_affinity(THREAD_ANY_CPU);
	t0 = arch_cycles();
	for (uint64_t r = 0; r < n; r++) {
		for (unsigned int i = 0; i < SCALING_THREADS; i++)
			t[i] = thread_create("crunch", crunch, (void *)(uintptr_t)i,
					     thread_current()->priority);
		for (unsigned int i = 0; i < SCALING_THREADS; i++)
			if (t[i])
				thread_join(t[i]);
	}
	return arch_cycles() - t0;
}

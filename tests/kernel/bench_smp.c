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

static void hammer(void *arg)
{
	(void)arg;
	while (!hammer_stop) {
		bool irqs = spin_lock_irqsave(&bench_lock);

		spin_unlock_irqrestore(&bench_lock, irqs);
	}
}

/* Acquire and release here while every other CPU does the same: the cache line ping-pongs. */
KBENCH_MEASURED(spinlock_contended, 1000)
{
	struct thread *t[CONFIG_NR_CPUS];
	unsigned int others = smp_cpus_online() - 1;
	uint64_t t0, cycles;
	bool irqs;

	hammer_stop = false;
	for (unsigned int i = 0; i < others; i++)
		t[i] = thread_create_on((int)(i + 1), "hammer", hammer, NULL,
					thread_current()->priority);
	irqs = spin_lock_irqsave(&bench_lock);
	spin_unlock_irqrestore(&bench_lock, irqs);
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

#define SCALING_THREADS 16
#define SCALING_WORK	200000u

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

/*
 * SMP: every CPU online with its own identity, this_cpu() right in every
 * context, counters that sum exactly, cross-CPU calls that arrive (each
 * one), threads that migrate, balance and stay where they are bound, and
 * TLB shootdown. Needs at least two CPUs (the smp profile boots four).
 */
#include <kiln/arch.h>
#include <kiln/clock.h>
#include <kiln/cpu.h>
#include <kiln/ktest.h>
#include <kiln/mm.h>
#include <kiln/page_alloc.h>
#include <kiln/pgtable.h>
#include <kiln/printk.h>
#include <kiln/string.h>
#include <kiln/platform.h>
#include <kiln/sched.h>
#include <kiln/smp.h>
#include <kiln/spinlock.h>
#include <kiln/irq.h>
#include <kiln/kstack.h>
#include <kiln/thread.h>
#include <kiln/trap.h>
#include "ctx_abi.h"
#include "user_run.h"

static unsigned int ncpus(void)
{
	return smp_cpus_online();
}

/* CPUs in a mask (no libgcc here: no __builtin_popcountl). */
static unsigned int cpus_in(unsigned long mask)
{
	unsigned int n = 0;

	for (; mask; mask &= mask - 1)
		n++;
	return n;
}

static void busy_wait_ns(uint64_t ns)
{
	uint64_t end = clock_ns() + ns;

	while (clock_ns() < end)
		arch_cpu_relax();
}

KTEST(smp_cpus_are_online)
{
	/* Bring-up fills cpus[] in order; one that failed would leave a hole. */
	KASSERT_GE(ncpus(), 2);
	for (unsigned int i = 0; i < ncpus(); i++)
		KEXPECT_TRUE(cpu_online(i));
	KEXPECT_FALSE(cpu_online(CONFIG_NR_CPUS));
}

/* What a CPU says of itself, from an IPI handler there. */
struct identity {
	struct cpu *self;
	unsigned int index, hwid, trap_depth;
	bool irqs;
};

static void identify(void *arg)
{
	struct identity *id = arg;

	id->self = this_cpu();
	id->index = cpu_id();
	id->hwid = arch_cpu_hwid();
	id->trap_depth = this_cpu()->trap_depth;
	id->irqs = arch_irq_enabled();
}

KTEST(smp_each_cpu_has_its_own_identity)
{
	struct identity id[CONFIG_NR_CPUS];

	KASSERT_GE(ncpus(), 2);
	for (unsigned int i = 0; i < ncpus(); i++) {
		smp_call_on(i, identify, &id[i]);
		KEXPECT_EQ((uintptr_t)id[i].self, (uintptr_t)&cpus[i]);
		KEXPECT_EQ(id[i].index, i);
		KEXPECT_EQ(id[i].hwid, cpus[i].hwid);
		KEXPECT_FALSE(id[i].irqs);
		for (unsigned int j = 0; j < i; j++)
			KEXPECT_NE(id[i].hwid, id[j].hwid);
	}
	/* Other CPUs ran it in an interrupt handler; ours (0: ktest binds us there) as a call. */
	KEXPECT_EQ(id[0].trap_depth, 0u);
	for (unsigned int i = 1; i < ncpus(); i++)
		KEXPECT_EQ(id[i].trap_depth, 1u);
}

KTEST(smp_this_cpu_follows_a_migrating_thread)
{
	KASSERT_GE(ncpus(), 2);
	for (unsigned int round = 0; round < 3; round++)
		for (unsigned int i = 0; i < ncpus(); i++) {
			bool irqs = arch_irq_enabled();

			thread_set_affinity((int)i);
			arch_irq_disable();
			KEXPECT_EQ(cpu_id(), i);
			KEXPECT_EQ((uintptr_t)this_cpu(), (uintptr_t)&cpus[i]);
			KEXPECT_EQ(arch_cpu_hwid(), cpus[i].hwid);
			KEXPECT_EQ(thread_current()->cpu, i);
			KEXPECT_EQ((uintptr_t)cpus[i].current, (uintptr_t)thread_current());
			if (irqs)
				arch_irq_enable();
		}
}

KTEST(smp_user_thread_hops_between_cpus)
{
	KASSERT_GE(ncpus(), 2);
	KEXPECT_EQ(run("cpuhop", ncpus()), 0);
}

/* One thread per CPU, bound to it, all started together. */
struct gang {
	struct thread *t[CONFIG_NR_CPUS];
	unsigned int n;
};

static void gang_start(struct gang *g, void (*fn)(void *), void *arg)
{
	g->n = ncpus();
	for (unsigned int i = 0; i < g->n; i++)
		g->t[i] = thread_create_on((int)i, "gang", fn, arg, THREAD_PRIO_DEFAULT);
}

static long gang_join(struct gang *g)
{
	long sum = 0;

	for (unsigned int i = 0; i < g->n; i++)
		sum += g->t[i] ? thread_join(g->t[i]) : -1000000;
	return sum;
}

#define COUNT_ROUNDS 1000000u

static DEFINE_PER_CPU(unsigned long, per_cpu_counter);

static void count_per_cpu(void *arg)
{
	(void)arg;
	/* Bound to one CPU: its slot is its own, no lock, no atomic. */
	for (unsigned int i = 0; i < COUNT_ROUNDS; i++)
		this_cpu_var(per_cpu_counter)++;
}

KTEST(smp_per_cpu_counters_sum_exactly)
{
	struct gang g;
	unsigned long sum = 0;

	KASSERT_GE(ncpus(), 2);
	for (unsigned int i = 0; i < CONFIG_NR_CPUS; i++)
		per_cpu(per_cpu_counter, i) = 0;
	gang_start(&g, count_per_cpu, NULL);
	KEXPECT_EQ(gang_join(&g), 0);
	for (unsigned int i = 0; i < g.n; i++) {
		KEXPECT_EQ(per_cpu(per_cpu_counter, i), COUNT_ROUNDS);
		sum += per_cpu(per_cpu_counter, i);
	}
	KEXPECT_EQ(sum, (unsigned long)g.n * COUNT_ROUNDS);
}

static struct spinlock counter_lock;
static volatile unsigned long locked_counter;

/*
 * Lock hand-offs in all, shared by the CPUs: 100,000 each on 4. A ticket
 * lock serves waiters in turn, so under TCG every hand-off may wait for the
 * host to run the next waiter's thread: more CPUs than host cores make each
 * one slower, not the total larger.
 */
#define LOCK_TOTAL 400000u

static unsigned int lock_rounds(void)
{
	return LOCK_TOTAL / ncpus();
}

static void count_locked(void *arg)
{
	(void)arg;
	for (unsigned int i = 0; i < lock_rounds(); i++) {
		bool irqs = spin_lock_irqsave(&counter_lock);

		/* A read and a write apart: without the lock, increments get lost. */
		locked_counter = locked_counter + 1;
		spin_unlock_irqrestore(&counter_lock, irqs);
	}
}

KTEST(smp_spinlock_counter_sums_exactly)
{
	struct gang g;

	KASSERT_GE(ncpus(), 2);
	locked_counter = 0;
	gang_start(&g, count_locked, NULL);
	KEXPECT_EQ(gang_join(&g), 0);
	KEXPECT_EQ(locked_counter, (unsigned long)g.n * lock_rounds());
	KEXPECT_FALSE(spin_is_locked(&counter_lock));
}

static unsigned long atomic_counter;

static void count_atomic(void *arg)
{
	(void)arg;
	for (unsigned int i = 0; i < COUNT_ROUNDS; i++)
		__atomic_fetch_add(&atomic_counter, 1, __ATOMIC_RELAXED);
}

KTEST(smp_atomic_counter_sums_exactly)
{
	struct gang g;

	KASSERT_GE(ncpus(), 2);
	atomic_counter = 0;
	gang_start(&g, count_atomic, NULL);
	KEXPECT_EQ(gang_join(&g), 0);
	KEXPECT_EQ(atomic_counter, (unsigned long)g.n * COUNT_ROUNDS);
}

KTEST(smp_trylock_fails_while_held)
{
	struct spinlock l = SPINLOCK_INIT;

	KEXPECT_TRUE(spin_trylock(&l));
	KEXPECT_TRUE(spin_is_locked(&l));
	KEXPECT_FALSE(spin_trylock(&l));
	spin_unlock(&l);
	KEXPECT_FALSE(spin_is_locked(&l));
	KEXPECT_TRUE(spin_trylock(&l));
	spin_unlock(&l);
}

static DEFINE_PER_CPU(unsigned long, calls_here);

static void count_call(void *arg)
{
	(void)arg;
	this_cpu_var(calls_here)++;
}

KTEST(smp_call_others_reaches_every_other_cpu_once)
{
	unsigned int self;
	uint64_t t0, ns;
	bool irqs = arch_irq_enabled();

	KASSERT_GE(ncpus(), 2);
	for (unsigned int i = 0; i < CONFIG_NR_CPUS; i++)
		per_cpu(calls_here, i) = 0;
	arch_irq_disable();
	self = cpu_id();
	t0 = clock_ns();
	smp_call_others(count_call, NULL);
	ns = clock_ns() - t0;
	if (irqs)
		arch_irq_enable();
	for (unsigned int i = 0; i < ncpus(); i++)
		KEXPECT_EQ(per_cpu(calls_here, i), i == self ? 0u : 1u);
	/*
	 * Bounded: a lost IPI would hang here. A quarter of a second per CPU is
	 * generous, even with more guest CPUs than host cores under TCG.
	 */
	KEXPECT_LT(ns, 250000000ull * ncpus());
}

/*
 * The IPI storm: every CPU sends calls to every other as fast as they
 * complete, for STORM_NS; each side counts, and every call sent arrives.
 */
#define STORM_NS    (2 * 1000000000ull)
#define STORM_SLOTS 4

static unsigned long storm_sent[CONFIG_NR_CPUS][CONFIG_NR_CPUS];
static unsigned long storm_received[CONFIG_NR_CPUS][CONFIG_NR_CPUS];
static struct smp_call storm_calls[CONFIG_NR_CPUS][CONFIG_NR_CPUS][STORM_SLOTS];

static void storm_hit(void *from)
{
	storm_received[cpu_id()][(uintptr_t)from]++;
}

static void storm(void *arg)
{
	unsigned int self = cpu_id(), n = ncpus();
	uint64_t end = *(uint64_t *)arg;
	bool irqs = arch_irq_enabled();

	while (clock_ns() < end) {
		/* Under -icount the CPUs take turns: this hands the turn on, or nothing arrives. */
		arch_cpu_relax();
		for (unsigned int to = 0; to < n; to++) {
			if (to == self)
				continue;
			for (unsigned int s = 0; s < STORM_SLOTS; s++) {
				struct smp_call *c = &storm_calls[self][to][s];

				if (c->fn && !smp_call_done(c))
					continue;
				arch_irq_disable();
				smp_call_async(to, c, storm_hit, (void *)(uintptr_t)self);
				storm_sent[self][to]++;
				if (irqs)
					arch_irq_enable();
			}
		}
	}
	for (unsigned int to = 0; to < n; to++)
		for (unsigned int s = 0; s < STORM_SLOTS; s++)
			if (storm_calls[self][to][s].fn)
				smp_call_wait(&storm_calls[self][to][s]);
}

KTEST(smp_ipi_storm_loses_nothing)
{
	struct gang g;
	uint64_t end = clock_ns() + STORM_NS;
	unsigned long total = 0;

	KASSERT_GE(ncpus(), 2);
	gang_start(&g, storm, &end);
	KEXPECT_EQ(gang_join(&g), 0);
	for (unsigned int from = 0; from < g.n; from++)
		for (unsigned int to = 0; to < g.n; to++) {
			KEXPECT_EQ(storm_received[to][from], storm_sent[from][to]);
			if (to != from)
				KEXPECT_GE(storm_sent[from][to], (unsigned long)STORM_SLOTS);
			total += storm_sent[from][to];
		}
	/* Enough of them to be a storm, every pair of CPUs in it. */
	KEXPECT_GE(total, 100ul * g.n);
}

/* Threads that spin until told to stop, noting every CPU they ran on (all of them: seen). */
struct spinner {
	volatile bool stop;
	unsigned long seen;
};

static void spin_and_note(void *arg)
{
	struct spinner *s = arg;
	unsigned long seen = 0;

	while (!s->stop) {
		bool irqs = arch_irq_enabled();
		unsigned long here;

		arch_irq_disable();
		here = 1ul << cpu_id();
		if (irqs)
			arch_irq_enable();
		if (!(seen & here))
			__atomic_fetch_or(&s->seen, here, __ATOMIC_RELAXED);
		seen |= here;
	}
	thread_exit((long)seen);
}

KTEST(smp_new_threads_go_to_the_least_loaded_cpus)
{
	struct spinner s = {0};
	struct thread *t[CONFIG_NR_CPUS];
	unsigned int n = ncpus() - 1;
	unsigned long seen = 0;

	KASSERT_GE(ncpus(), 2);
	/* On CPU 0 (ktest binds each test there), busy: each new one finds an idle CPU. */
	for (unsigned int i = 0; i < n; i++)
		t[i] = thread_create_on(THREAD_ANY_CPU, "spin", spin_and_note, &s,
					THREAD_PRIO_DEFAULT);
	busy_wait_ns(50000000);
	for (unsigned int i = 0; i < n; i++) {
		KEXPECT_NE(t[i]->cpu, 0u);
		for (unsigned int j = 0; j < i; j++)
			KEXPECT_NE(t[i]->cpu, t[j]->cpu);
	}
	s.stop = true;
	for (unsigned int i = 0; i < n; i++)
		seen |= (unsigned long)thread_join(t[i]);
	KEXPECT_EQ(cpus_in(seen), n);
}

static void unbind_then_spin(void *arg)
{
	thread_set_affinity(THREAD_ANY_CPU);
	spin_and_note(arg);
}

KTEST(smp_idle_cpus_steal_queued_threads)
{
	struct spinner s = {0};
	struct thread *t[4];
	unsigned long steals = 0, seen = 0;

	KASSERT_GE(ncpus(), 2);
	for (unsigned int i = 0; i < ncpus(); i++)
		steals -= cpus[i].steals;
	/*
	 * All queued on CPU 0 at first; only stealing spreads them, once one has
	 * run, unbound itself and been preempted: that takes time slices of CPU 0,
	 * so wait for the spread (or 5 s), not for a fixed time.
	 */
	for (unsigned int i = 0; i < ARRAY_SIZE(t); i++)
		t[i] = thread_create_on(0, "steal-me", unbind_then_spin, &s, THREAD_PRIO_DEFAULT);
	for (uint64_t end = clock_ns() + 5000000000ull;
	     cpus_in(__atomic_load_n(&s.seen, __ATOMIC_RELAXED)) < 2 && clock_ns() < end;)
		busy_wait_ns(1000000);
	s.stop = true;
	for (unsigned int i = 0; i < ARRAY_SIZE(t); i++)
		seen |= (unsigned long)thread_join(t[i]);
	for (unsigned int i = 0; i < ncpus(); i++)
		steals += cpus[i].steals;
	KEXPECT_GE(steals, 1ul);
	KEXPECT_GE(cpus_in(seen), 2);
}

static void stay_and_note(void *arg)
{
	struct spinner *s = arg;
	unsigned long seen = 0;

	for (unsigned int i = 0; i < 200; i++) {
		bool irqs = arch_irq_enabled();

		arch_irq_disable();
		seen |= 1ul << cpu_id();
		if (irqs)
			arch_irq_enable();
		if (i % 2)
			thread_yield();
		else
			thread_sleep_ns(100000);
	}
	(void)s;
	thread_exit((long)seen);
}

KTEST(smp_bound_threads_stay_on_their_cpu)
{
	struct gang g;

	KASSERT_GE(ncpus(), 2);
	gang_start(&g, stay_and_note, NULL);
	for (unsigned int i = 0; i < g.n; i++)
		KEXPECT_EQ((unsigned long)thread_join(g.t[i]), 1ul << i);
	g.n = 0;
}

/* TLB shootdown: CPU 1 caches a translation, CPU 0 changes it. */
static void read_word(void *arg)
{
	uintptr_t *va_and_value = arg;

	va_and_value[1] = *(volatile unsigned long *)va_and_value[0];
}

KTEST(smp_tlb_shootdown_reaches_other_cpus)
{
	uintptr_t stack = kstack_alloc(), probe[2];
	paddr_t old_pa, new_pa = page_alloc();
	const unsigned int other = 1; /* we run on CPU 0 */

	KASSERT_GE(ncpus(), 2);
	KASSERT_TRUE(stack && new_pa);
	old_pa = pgtable_lookup(kernel_pgtable, stack);
	*(volatile unsigned long *)stack = 0x01d;
	*(volatile unsigned long *)phys_to_virt(new_pa) = 0x7e3;
	probe[0] = stack;
	smp_call_on(other, read_word, probe);
	KEXPECT_EQ(probe[1], 0x01dul);
	/* Point the page elsewhere; CPU 1 may still translate it the old way. */
	pgtable_map_page(kernel_pgtable, stack, new_pa, PROT_READ | PROT_WRITE);
	tlb_shootdown();
	smp_call_on(other, read_word, probe);
	KEXPECT_EQ(probe[1], 0x7e3ul);
	pgtable_map_page(kernel_pgtable, stack, old_pa, PROT_READ | PROT_WRITE);
	tlb_shootdown();
	page_free(new_pa);
	kstack_free(stack);
}

/* Lines from every CPU at once: tests/host/test_smp.py checks each came out whole. */
#define PRINTK_LINES 100

static void print_lines(void *arg)
{
	unsigned int cpu = cpu_id();
	char payload[8 * 16 + 1];

	(void)arg;
	for (unsigned int n = 0; n < PRINTK_LINES; n++) {
		int len = snprintf(payload, 17, "%x", cpu * 7919 + n);

		for (int i = 1; i < 8; i++)
			memcpy(payload + i * len, payload, (size_t)len);
		payload[8 * len] = '\0';
		/* In three pieces: a CPU's line is whole even when printed piecemeal. */
		printk("smp_printk: cpu %u ", cpu);
		printk("line %u ", n);
		printk("%s\n", payload);
	}
}

KTEST(smp_printk_lines_stay_whole)
{
	struct gang g;

	KASSERT_GE(ncpus(), 2);
	gang_start(&g, print_lines, NULL);
	KEXPECT_EQ(gang_join(&g), 0);
}

/*
 * The stress run: STRESS_THREADS kernel threads and as many user processes
 * yield, sleep, migrate and make system calls for STRESS_MS on every CPU
 * (tests/host/test_smp.py adds an NMI storm from outside). Nothing is
 * lost: every kernel thread's increments of a locked counter add up, and
 * every process exits with no failed check.
 */
#define STRESS_MS      10000u
#define STRESS_THREADS 32

static struct spinlock stress_lock;
static unsigned long stress_total;

static void stress_kernel(void *arg)
{
	uint64_t end = clock_ns() + (uint64_t)STRESS_MS * 1000000;
	unsigned int seed = (unsigned int)(uintptr_t)arg;
	long mine = 0;

	for (unsigned int i = 0; clock_ns() < end; i++) {
		bool irqs;

		seed = seed * 1103515245 + 12345;
		switch (i % 4) {
		case 0:
			thread_yield();
			break;
		case 1:
			thread_sleep_ns(100000 + seed % 500000);
			break;
		case 2:
			thread_set_affinity((int)(seed % ncpus()));
			thread_set_affinity(THREAD_ANY_CPU);
			break;
		default:
			irqs = spin_lock_irqsave(&stress_lock);
			stress_total++;
			spin_unlock_irqrestore(&stress_lock, irqs);
			mine++;
		}
	}
	thread_exit(mine);
}

KTEST(smp_stress_loses_nothing)
{
	struct thread *t[STRESS_THREADS];
	long pids[STRESS_THREADS], status, sum = 0;
	unsigned long arg = (unsigned long)ncpus() << 32 | STRESS_MS;
	unsigned int failed = 0;

	KASSERT_GE(ncpus(), 2);
	stress_total = 0;
	/* Unbound, so that what it creates may go anywhere. */
	thread_set_affinity(THREAD_ANY_CPU);
	for (unsigned int i = 0; i < STRESS_THREADS; i++) {
		t[i] = thread_create("stress", stress_kernel, (void *)(uintptr_t)(i + 1),
				     THREAD_PRIO_DEFAULT);
		pids[i] = process_spawn("stress", arg);
	}
	for (unsigned int i = 0; i < STRESS_THREADS; i++) {
		KEXPECT_TRUE(t[i] != NULL);
		KEXPECT_GT(pids[i], 0);
		if (t[i])
			sum += thread_join(t[i]);
		if (pids[i] > 0 && (process_wait(pids[i], &status) != pids[i] || status != 0))
			failed++;
	}
	KEXPECT_EQ(failed, 0u);
	KEXPECT_EQ((unsigned long)sum, stress_total);
	KEXPECT_GT(stress_total, 0ul);
	printk("# smp_stress_loses_nothing: %lu locked increments by %u kernel threads, %u "
	       "processes, %u CPUs\n",
	       stress_total, STRESS_THREADS, STRESS_THREADS, ncpus());
}

static unsigned int hop_to;

/* Called between filling and checking every callee-saved register: move to the next CPU. */
static void hop(void)
{
	hop_to = (hop_to + 1) % ncpus();
	thread_set_affinity((int)hop_to);
}

KTEST(smp_callee_saved_and_tls_survive_migration)
{
	unsigned long lost = 0;
	uintptr_t tls = 0x5eed0000;

	KASSERT_GE(ncpus(), 2);
	hop_to = 0;
	thread_set_tls(tls);
	for (unsigned int i = 0; i < 4 * ncpus(); i++) {
		lost |= ctx_abi_fill_and_call(hop);
		KEXPECT_EQ(thread_tls(), tls);
	}
	KEXPECT_EQ(lost, 0ul);
	KEXPECT_EQ(thread_current()->cpu, hop_to);
	thread_set_tls(0);
}

/*
 * The struct cpu * each entry path hands to C (syscall_dispatch(),
 * trap_dispatch()) against the CPU's own view of itself (this_cpu() and its
 * hardware id), and that CPU's trap depth (an entry that updated another
 * CPU's leaves it off), for every system call, exception and interrupt while a
 * process hops over every CPU: from user mode (GS swapped on x86_64), and
 * an interrupt each system call raises on its own CPU, taken in the kernel
 * once the call enables interrupts.
 */
struct entry_seen {
	unsigned long entries[CONFIG_NR_CPUS], wrong;
	unsigned long syscalls_away, irqs_in_syscalls_away; /* on CPUs other than 0 */
	unsigned int irq;
	int syscall_depth; /* the trap depth inside every system call (-1: none seen yet) */
};

static struct entry_seen entry_seen;

/* The trap depth an entry must see: the same for the same kind of entry, on every CPU. */
static bool depth_ok(struct trap_frame *tf, struct cpu *cpu, bool syscall)
{
	int depth = (int)cpu->trap_depth;

	if (syscall) {
		if (entry_seen.syscall_depth < 0)
			entry_seen.syscall_depth = depth;
		return depth == entry_seen.syscall_depth;
	}
	if (arch_frame_from_user(tf))
		return depth == 1;
	/* The interrupt each system call raises, taken inside it. */
	if (arch_frame_is_irq(tf) && cpu->current->process && entry_seen.syscall_depth >= 0)
		return depth == entry_seen.syscall_depth + 1;
	return depth >= 1;
}

static void check_entry_cpu(struct trap_frame *tf, struct cpu *cpu, bool syscall)
{
	struct cpu *self = this_cpu();

	if (cpu != self || cpu->hwid != arch_cpu_hwid() || !depth_ok(tf, cpu, syscall)) {
		__atomic_fetch_add(&entry_seen.wrong, 1, __ATOMIC_RELAXED);
		return;
	}
	__atomic_fetch_add(&entry_seen.entries[cpu->index], 1, __ATOMIC_RELAXED);
	if (cpu->index == 0)
		return;
	if (syscall)
		__atomic_fetch_add(&entry_seen.syscalls_away, 1, __ATOMIC_RELAXED);
	else if (arch_frame_is_irq(tf) && !arch_frame_from_user(tf) && cpu->current->process)
		__atomic_fetch_add(&entry_seen.irqs_in_syscalls_away, 1, __ATOMIC_RELAXED);
}

static void check_syscall_cpu(struct trap_frame *tf, struct cpu *cpu)
{
	check_entry_cpu(tf, cpu, true);
	platform_send_self_irq(entry_seen.irq);
}

static void nop_irq(unsigned int irq, void *arg)
{
	(void)irq;
	(void)arg;
}

static void check_trap_cpu(struct trap_frame *tf, struct cpu *cpu)
{
	check_entry_cpu(tf, cpu, false);
}

static unsigned long spin_300ms(unsigned int i)
{
	(void)i;
	return 300000000;
}

KTEST(smp_every_entry_hands_c_its_own_cpu)
{
	unsigned long steals;

	KASSERT_GE(ncpus(), 2);
	memset(&entry_seen, 0, sizeof(entry_seen));
	entry_seen.syscall_depth = -1;
	entry_seen.irq = platform_self_irq(3);
	irq_register(entry_seen.irq, nop_irq, NULL);
	syscall_probe = check_syscall_cpu;
	trap_probe = check_trap_cpu;
	/* Hops, with sleeps in between: the ticks land in user mode and in the kernel. */
	KEXPECT_EQ(run("cpuhop", ncpus()), 0);
	KEXPECT_EQ(run("stress", (unsigned long)ncpus() << 32 | 200), 0);
	/*
	 * Processes preempted in user mode and stolen: they resume on another CPU.
	 * Whether a CPU runs out of work while another has some queued depends on
	 * timing: a few rounds, until one did.
	 */
	steals = 0;
	for (unsigned int round = 0; round < 5 && !steals; round++)
		KEXPECT_EQ(run_migrating("spin", spin_300ms, &steals), 0u);
	KEXPECT_GE(steals, 1ul);
	syscall_probe = NULL;
	trap_probe = NULL;
	irq_unregister(entry_seen.irq);
	KEXPECT_EQ(entry_seen.wrong, 0ul);
	for (unsigned int i = 0; i < ncpus(); i++)
		KEXPECT_GT(entry_seen.entries[i], 0ul);
	KEXPECT_GT(entry_seen.syscalls_away, 0ul);
	KEXPECT_GT(entry_seen.irqs_in_syscalls_away, 0ul);
}

/* Arch-neutral benchmarks. */
#include <kiln/arch.h>
#include <kiln/cpu.h>
#include <kiln/ctxswitch.h>
#include <kiln/domain.h>
#include <kiln/kbench.h>
#include <kiln/irq.h>
#include <kiln/page_alloc.h>
#include <kiln/platform.h>
#include <kiln/panic.h>
#include <kiln/printk.h>
#include <kiln/process.h>
#include <kiln/thread.h>

/* The loop itself: the floor under every other figure. */
KBENCH(empty_loop, 10000)
{
	for (uint64_t i = 0; i < n; i++)
		asm volatile("" ::: "memory");
}

/* Finding this CPU's struct cpu: what every per-CPU access pays. */
KBENCH(this_cpu, 10000)
{
	for (uint64_t i = 0; i < n; i++) {
		struct cpu *c = this_cpu();
		asm volatile("" ::"r"(c) : "memory");
	}
}

KBENCH(page_alloc_free, 1000)
{
	for (uint64_t i = 0; i < n; i++)
		page_free(page_alloc());
}

KBENCH(snprintf_mixed, 100)
{
	char buf[96];

	for (uint64_t i = 0; i < n; i++)
		snprintf(buf, sizeof(buf), "%s %d %08x %p", "kiln", (int)i, (unsigned int)i, buf);
}

/* The switch routine alone: save and restore the current thread's state in place. */
KBENCH(ctx_switch_bare, 10000)
{
	struct thread *self = thread_current();
	bool irqs = arch_irq_enabled();

	arch_irq_disable();
	for (uint64_t i = 0; i < n; i++)
		ctx_switch(self, self);
	if (irqs)
		arch_irq_enable();
}

static void yield_times(void *arg)
{
	for (uintptr_t i = (uintptr_t)arg; i > 0; i--)
		thread_yield();
}

/* Two threads yielding to each other: n switches, scheduler included. */
KBENCH(ctx_switch_yield, 200000)
{
	struct thread *peer = thread_create("yield-peer", yield_times, (void *)(uintptr_t)(n / 2),
					    thread_current()->priority);

	yield_times((void *)(uintptr_t)(n / 2));
	thread_join(peer);
}

struct latency {
	volatile uint64_t last[2]; /* each spinner's latest cycle count */
	volatile unsigned int running;
	uint64_t total;
	uint64_t samples, want;
};

/*
 * Spin stamping the cycle counter. Seeing the other spinner's stamp change
 * while we were away means we were just switched back in: the gap from its
 * last stamp to our first is timer interrupt + scheduler + switch.
 */
static void stamp(void *arg)
{
	struct latency *l = arg;
	unsigned int me = l->running++;
	uint64_t seen = 0;

	while (l->samples < l->want) {
		/* Read the other's stamp first: then now >= other whatever preempts us. */
		uint64_t other = l->last[!me], now = arch_cycles();
		if (other != seen) {
			if (l->last[me]) {
				l->total += now - other;
				l->samples++;
			}
			seen = other;
		}
		l->last[me] = now;
	}
}

/* Timer interrupt to the next thread running: n preemptions of one spinner by another. */
KBENCH_MEASURED(preempt_switch_latency, 10)
{
	static struct latency l;
	struct thread *t[2];

	l = (struct latency){.want = n};
	for (int i = 0; i < 2; i++)
		t[i] = thread_create("stamp", stamp, &l, thread_current()->priority);
	for (int i = 0; i < 2; i++)
		thread_join(t[i]);
	return l.total;
}

static volatile unsigned long self_irqs;

static void count_self_irq(unsigned int irq, void *arg)
{
	(void)irq;
	(void)arg;
	self_irqs++;
}

/* Self-interrupt to handler and back: IRQ entry, dispatch, acknowledge, exit. */
KBENCH(irq_self_roundtrip, 1000)
{
	unsigned int irq = platform_self_irq(1);
	bool irqs = arch_irq_enabled();

	irq_register(irq, count_self_irq, NULL);
	for (uint64_t i = 0; i < n; i++) {
		unsigned long before = self_irqs;
		arch_irq_disable();
		platform_send_self_irq(irq);
		arch_irq_enable();
		while (self_irqs == before)
			arch_cpu_relax();
	}
	arch_irq_disable();
	irq_unregister(irq);
	if (irqs)
		arch_irq_enable();
}

/*
 * A user program that times n operations itself and exits with the cycles
 * they took.
 */
static uint64_t user_timed(const char *program, uint64_t n, unsigned int flags)
{
	long status, pid = process_spawn_flags(program, n, flags);

	if (pid < 0 || process_wait(pid, &status) != pid || status < 0)
		panic("kbench: %s did not run (%ld)", program, pid);
	return status;
}

/* The null system call round trip from user mode: entry, dispatch, exit. */
KBENCH_MEASURED(null_syscall, 100000)
{
	return user_timed("bench_syscall", n, 0);
}

/* A user exception handled and skipped: a breakpoint, entry to exit. */
KBENCH_MEASURED(user_exception_roundtrip, 10000)
{
	return user_timed("bench_trap", n, SPAWN_SKIP_BREAKPOINTS);
}

/* An interrupt taken from user mode (the timer tick, its handler included). */
KBENCH_MEASURED(user_irq_roundtrip, 20)
{
	return user_timed("bench_irq", n, 0);
}

/*
 * Two processes, each its own domain, yielding to each other: n switches
 * between domains, timed by the first (the page-table strategy's
 * pt_switch_in() on every one).
 */
KBENCH_MEASURED(domain_switch, 20000)
{
	long pids[2], status[2] = {-1, -1};

	for (int i = 0; i < 2; i++)
		pids[i] = process_spawn("bench_yield", n / 2);
	for (int i = 0; i < 2; i++)
		if (pids[i] < 0 || process_wait(pids[i], &status[i]) != pids[i] || status[i] < 0)
			panic("kbench: bench_yield did not run (%ld)", pids[i]);
	return status[0];
}

/* A thread of one domain, with a one-page stack of its own. */
struct domain_member {
	struct mem_partition stack;
	uint64_t yields;
};

static struct mem_domain bench_domain;

static void join_bench_domain(struct domain_member *m, uintptr_t stack_va)
{
	if (mem_partition_alloc(&m->stack, stack_va, PAGE_SIZE, PROT_READ | PROT_WRITE) ||
	    mem_domain_add_thread(&bench_domain, thread_current(), &m->stack))
		panic("kbench: no memory for a domain thread's stack");
}

static void leave_bench_domain(struct domain_member *m)
{
	mem_domain_remove_thread(thread_current());
	mem_partition_free(&m->stack);
}

static void same_domain_peer(void *arg)
{
	struct domain_member *m = arg;

	join_bench_domain(m, USER_STACK_AREA_START + 2 * PAGE_SIZE);
	for (uint64_t i = 0; i < m->yields; i++)
		thread_yield();
	leave_bench_domain(m);
}

/*
 * Two threads of one domain, each with its own stack, yielding to each
 * other: n switches within a domain, timed by the first. Kernel threads
 * put in a domain: to the strategy a switch between them is one between
 * user threads of a domain, the case a process with several threads has.
 */
KBENCH_MEASURED(same_domain_switch, 20000)
{
	struct domain_member me = {.yields = n / 2}, peer = {.yields = n / 2};
	struct thread *t;
	uint64_t t0, cycles;

	if (mem_domain_init(&bench_domain))
		panic("kbench: no memory for a domain");
	join_bench_domain(&me, USER_STACK_AREA_START);
	t = thread_create("same-domain", same_domain_peer, &peer, thread_current()->priority);
	if (!t)
		panic("kbench: no memory for a thread");
	thread_yield(); /* the peer joins the domain */
	t0 = arch_cycles();
	for (uint64_t i = 0; i < me.yields; i++)
		thread_yield();
	cycles = arch_cycles() - t0;
	thread_join(t);
	leave_bench_domain(&me);
	mem_domain_destroy(&bench_domain);
	return cycles;
}

/* Threads and the scheduler: join, yield order, priorities, sleep, preemption, TLS. */
#include <generated/autoconf.h>
#include <kiln/arch.h>
#include <kiln/clock.h>
#include <kiln/ktest.h>
#include <kiln/sched.h>
#include <kiln/thread.h>
#include "ctx_abi.h"
#include "stack_eater.h"

static void return_arg(void *arg)
{
	thread_exit((long)(uintptr_t)arg);
}

static void fall_off_the_end(void *arg)
{
	(void)arg;
}

KTEST(thread_join_returns_exit_value)
{
	struct thread *a = thread_create("a", return_arg, (void *)42, THREAD_PRIO_DEFAULT);
	struct thread *b = thread_create("b", fall_off_the_end, NULL, THREAD_PRIO_DEFAULT);

	KASSERT_TRUE(a && b);
	KEXPECT_EQ(thread_join(a), 42);
	KEXPECT_EQ(thread_join(b), 0);
}

static char order[8];
static unsigned int order_len;

static void note_and_yield(void *arg)
{
	for (int i = 0; i < 2; i++) {
		order[order_len++] = (char)(uintptr_t)arg;
		thread_yield();
	}
}

KTEST(thread_yield_is_round_robin)
{
	struct thread *t[3];

	order_len = 0;
	for (int i = 0; i < 3; i++)
		t[i] = thread_create("rr", note_and_yield, (void *)(uintptr_t)('a' + i),
				     THREAD_PRIO_DEFAULT);
	for (int i = 0; i < 3; i++)
		thread_join(t[i]);
	order[order_len] = '\0';
	KEXPECT_STREQ(order, "abcabc");
}

static void note_once(void *arg)
{
	order[order_len++] = (char)(uintptr_t)arg;
}

KTEST(thread_higher_priority_runs_first)
{
	struct thread *low, *high;
	bool irqs = arch_irq_enabled();

	order_len = 0;
	/* Both created before either can run: the scheduler, not creation order, decides. */
	arch_irq_disable();
	low = thread_create("low", note_once, (void *)'l', THREAD_PRIO_DEFAULT - 1);
	high = thread_create("high", note_once, (void *)'h', THREAD_PRIO_DEFAULT + 1);
	if (irqs)
		arch_irq_enable();
	thread_join(low);
	thread_join(high);
	order[order_len] = '\0';
	KEXPECT_STREQ(order, "hl");
}

/*
 * A sleeper wakes at the first tick at or after its deadline: never early,
 * never a tick late. Checked against the ticks the kernel handled, not
 * against the wall clock, so a host that delays QEMU cannot fail it.
 */
KTEST(thread_sleep_within_one_tick)
{
	const uint64_t want = 30 * 1000000ull;
	struct thread *self = thread_current();

	for (int i = 0; i < 3; i++) {
		uint64_t start = clock_ns();
		thread_sleep_ns(want);
		KEXPECT_GE(clock_ns() - start, want);
		KEXPECT_GE(self->woken_at_ns, self->wake_at_ns);
		/* The first tick at or after the deadline woke it, however late it then ran. */
		KEXPECT_LT(self->woken_after_ns, self->wake_at_ns);
	}
}

static void wait_tick_edge(uint64_t deadline)
{
	unsigned long ticks = clock_ticks();

	while (clock_ticks() == ticks && clock_ns() < deadline)
		arch_cpu_relax();
}

/* The timer runs, and not faster than CONFIG_HZ. */
KTEST(clock_ticks_while_busy)
{
	uint64_t start, deadline = clock_ns() + 1000000000ull;
	unsigned long before;

	arch_irq_enable();
	/* Ticks owed from while interrupts were off all arrive at the first edge. */
	wait_tick_edge(deadline);
	wait_tick_edge(deadline);
	before = clock_ticks();
	start = clock_ns();
	while (clock_ticks() - before < 5 && clock_ns() < deadline)
		arch_cpu_relax();
	KEXPECT_GE(clock_ticks() - before, 5);
	KEXPECT_GE(clock_ns() - start, 4 * NS_PER_TICK);
}

struct spinner {
	volatile unsigned long progress;
	struct spinner *other;
	unsigned long other_progress_at_end;
	unsigned long preempted;
	volatile bool done;
};

/*
 * Spin in the register-counting loop until the timer has taken the CPU away
 * at least twice (or 2 s pass): the loop never yields, so only preemption
 * lets the other spinner run.
 */
static void spin(void *arg)
{
	struct spinner *s = arg;
	struct thread *self = thread_current();
	uint64_t start = clock_ns();
	unsigned long lost = 0;

	while (self->preemptions < 2 && clock_ns() - start < 2000000000ull)
		lost |= preempt_regs_loop(1000000, &s->progress);
	s->preempted = self->preemptions;
	s->other_progress_at_end = s->other->progress;
	s->done = true;
	thread_exit((long)lost);
}

KTEST(preemption_shares_cpu_and_keeps_caller_saved_registers)
{
	struct spinner s[2] = {{0}};
	struct thread *t[2];

	s[0].other = &s[1];
	s[1].other = &s[0];
	for (int i = 0; i < 2; i++)
		t[i] = thread_create("spinner", spin, &s[i], THREAD_PRIO_DEFAULT);
	KASSERT_TRUE(t[0] && t[1]);
	for (int i = 0; i < 2; i++) {
		KEXPECT_EQ(thread_join(t[i]), 0);
		KEXPECT_GE(s[i].preempted, 2);
		/* Both made progress while the other was still spinning. */
		KEXPECT_GT(s[i].other_progress_at_end, 0);
	}
}

static void preempt_clobber(void *arg)
{
	thread_exit((long)ctx_preempt_clobber_regs(arg));
}

/*
 * Two threads preempted while every register holds a value of their own (all
 * general-purpose ones, the frame pointer included; every FP/SIMD register,
 * FP control and status): each finds its own values when it resumes. Keeping
 * the FP/SIMD file across a preemption is the promise of
 * CONFIG_CTXSWITCH_KEEPS_INTERRUPTED_FP.
 */
KTEST(preempted_thread_keeps_every_register)
{
	unsigned long fp_lost[2] = {~0ul, ~0ul}, lost;
	struct thread *t;

	ctx_probe_flag = 0;
	t = thread_create("clobber", preempt_clobber, &fp_lost[1], thread_current()->priority);
	KASSERT_TRUE(t != NULL);
	arch_irq_enable();
	lost = ctx_preempt_check_regs(&fp_lost[0]);
	ctx_probe_flag = 0;
	KEXPECT_EQ(lost, 0);
	KEXPECT_EQ(thread_join(t), 0);
#ifdef CONFIG_CTXSWITCH_KEEPS_INTERRUPTED_FP
	KEXPECT_EQ(fp_lost[0], 0);
	KEXPECT_EQ(fp_lost[1], 0);
#endif
}

#define TLS_THREADS  8
#define TLS_SWITCHES 10000

static void check_tls(void *arg)
{
	uintptr_t mine = (uintptr_t)arg;
	long wrong = 0;

	thread_set_tls(mine);
	for (int i = 0; i < TLS_SWITCHES / TLS_THREADS; i++) {
		thread_yield();
		wrong += thread_tls() != mine;
	}
	thread_exit(wrong);
}

KTEST(tls_pointer_survives_switches)
{
	struct thread *t[TLS_THREADS];
	uintptr_t own = thread_tls();

	for (int i = 0; i < TLS_THREADS; i++)
		t[i] = thread_create("tls", check_tls, (void *)(0x7000000000ul + 0x1000 * i),
				     THREAD_PRIO_DEFAULT);
	for (int i = 0; i < TLS_THREADS; i++)
		KEXPECT_EQ(thread_join(t[i]), 0);
	KEXPECT_EQ(thread_tls(), own);
}

static void overflow_stack(void *arg)
{
	(void)arg;
	stack_eater(0);
}

KTEST(thread_stack_overflow_kills_only_that_thread)
{
	struct thread *t = thread_create("overflow", overflow_stack, NULL, THREAD_PRIO_DEFAULT);
	struct thread *after;

	KASSERT_TRUE(t != NULL);
	KEXPECT_EQ(thread_join(t), THREAD_KILLED);
	/* The kernel and the scheduler go on: a new thread runs and exits normally. */
	after = thread_create("after", return_arg, (void *)7, THREAD_PRIO_DEFAULT);
	KASSERT_TRUE(after != NULL);
	KEXPECT_EQ(thread_join(after), 7);
}

/*
 * The scheduler: per CPU, one FIFO run queue per priority, highest
 * priority first, round robin within a priority by time slice. The timer
 * tick only sets need_resched; the switch happens on the way out of the
 * outermost interrupt (sched_irq_exit() says when, trap_preempt() does it),
 * or when a thread blocks or yields.
 *
 * SMP: each CPU's run queues are under its rq_lock; a CPU holds at most
 * one rq_lock at a time, so no lock order exists to get wrong. A new
 * thread goes to the least-loaded CPU it may run on, a woken one back to
 * the CPU it last ran on, and a CPU about to go idle steals the best
 * queued thread of another. A thread queued while still switching out
 * (yield, preemption, or a wake racing its block) is not taken by another
 * CPU until the switch routine has cleared thread->on_cpu; a CPU never
 * waits for that (two CPUs could each wait for the other's), it takes
 * another thread or looks again at its next tick.
 *
 * With one CPU (CONFIG_NR_CPUS 1) none of that bookkeeping is needed: the
 * few helpers that do it test CONFIG_NR_CPUS, a constant, and fold away.
 */
#include <kiln/arch.h>
#include <kiln/cpu.h>
#include <kiln/ctxswitch.h>
#include <kiln/kstack.h>
#include <kiln/panic.h>
#include <kiln/platform.h>
#include <kiln/domain.h>
#include <kiln/process.h>
#include <kiln/sched.h>
#include <kiln/smp.h>
#include <kiln/stackswitch.h>

/* With one CPU, every binding is to it (thread_set_affinity() checks). */
static bool allowed_on(const struct thread *t, unsigned int cpu)
{
	return CONFIG_NR_CPUS == 1 || t->affinity == THREAD_ANY_CPU ||
	       (unsigned int)t->affinity == cpu;
}

/* Threads queued or running there: a hint read without the lock. */
static unsigned int load(struct cpu *cpu)
{
	return __atomic_load_n(&cpu->nr_queued, __ATOMIC_RELAXED) +
	       (__atomic_load_n(&cpu->current, __ATOMIC_RELAXED) != cpu->idle_thread);
}

/* With cpu->rq_lock held: keep the hint up to date; with one CPU, nobody reads it. */
static void count_queued(struct cpu *cpu, int n)
{
	if (CONFIG_NR_CPUS > 1)
		cpu->nr_queued += n;
}

/* Where t goes when it becomes runnable. */
static struct cpu *select_cpu(const struct thread *t)
{
	struct cpu *self = this_cpu(), *best = NULL;

	if (CONFIG_NR_CPUS == 1)
		return self;
	if (t->affinity != THREAD_ANY_CPU)
		return &cpus[t->affinity];
	if (t->cpu != THREAD_NO_CPU)
		return &cpus[t->cpu];
	/* A new thread: the least-loaded CPU, this one on a tie. */
	for (unsigned int i = 0; i < CONFIG_NR_CPUS; i++)
		if (cpu_online(i) && (!best || load(&cpus[i]) < load(best)))
			best = &cpus[i];
	return best && load(best) < load(self) ? best : self;
}

/* With cpu->rq_lock held. */
static void enqueue(struct cpu *cpu, struct thread *t)
{
	struct run_queue *q = &cpu->run_queues[t->priority];

	t->next = NULL;
	t->cpu = cpu->index;
	if (q->tail)
		q->tail->next = t;
	else
		q->head = t;
	q->tail = t;
	cpu->nonempty_queues |= 1u << t->priority;
	count_queued(cpu, 1);
}

/*
 * Whether picker, running `running`, may take t now: its binding allows it,
 * and no CPU is still on its stack (a thread queued while it switches out;
 * the picker's own running thread aside). Waiting for that instead could
 * deadlock two CPUs, each switching out the thread the other waits for.
 */
static bool takeable(const struct thread *t, unsigned int picker, const struct thread *running)
{
	return allowed_on(t, picker) && (t == running || thread_off_cpu(t));
}

/* With cpu->rq_lock held: take t, after prev (NULL: first), off cpu->run_queues[p]. */
static __always_inline void dequeue(struct cpu *cpu, int p, struct thread *prev, struct thread *t)
{
	struct run_queue *q = &cpu->run_queues[p];

	if (prev)
		prev->next = t->next;
	else
		q->head = t->next;
	if (!t->next) {
		q->tail = prev;
		if (!q->head)
			cpu->nonempty_queues &= ~(1u << p);
	}
	count_queued(cpu, -1);
}

/* With cpu->rq_lock held: take the best thread takeable by CPU picker, or NULL. */
static __always_inline struct thread *dequeue_best(struct cpu *cpu, unsigned int picker,
						   const struct thread *running)
{
	for (unsigned int mask = cpu->nonempty_queues; mask;) {
		int p = 31 - __builtin_clz(mask);
		struct run_queue *q = &cpu->run_queues[p];
		struct thread *prev = NULL, *t = q->head;

		while (t && !takeable(t, picker, running)) {
			prev = t;
			t = t->next;
		}
		if (t) {
			dequeue(cpu, p, prev, t);
			return t;
		}
		mask &= ~(1u << p);
	}
	return NULL;
}

/* Queue t, RUNNABLE, where it should run; interrupt that CPU if t should run there now. */
static void queue(struct thread *t)
{
	struct cpu *cpu = select_cpu(t), *self = this_cpu();
	struct thread *running;
	bool kick;

	spin_lock(&cpu->rq_lock);
	enqueue(cpu, t);
	running = cpu->current;
	kick = !running || running == cpu->idle_thread || t->priority > running->priority;
	spin_unlock(&cpu->rq_lock);
	if (!kick)
		return;
	if (cpu == self)
		cpu->need_resched = true;
	else
		smp_send_reschedule(cpu->index);
}

void sched_make_runnable(struct thread *t)
{
	BUG_ON(arch_irq_enabled());
	t->state = THREAD_RUNNABLE;
	queue(t);
}

bool sched_wake(struct thread *t, enum thread_state from)
{
	enum thread_state expected = from;

	BUG_ON(arch_irq_enabled());
	if (!__atomic_compare_exchange_n(&t->state, &expected, THREAD_RUNNABLE, false,
					 __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
		return false;
	queue(t);
	return true;
}

/* An idle CPU's last resort: the best queued thread of another CPU that may run here. */
static struct thread *steal(struct cpu *self)
{
	for (unsigned int i = 1; i < CONFIG_NR_CPUS; i++) {
		struct cpu *cpu = &cpus[(self->index + i) % CONFIG_NR_CPUS];
		struct thread *t;

		if (!cpu_online(cpu->index) || !__atomic_load_n(&cpu->nr_queued, __ATOMIC_RELAXED))
			continue;
		spin_lock(&cpu->rq_lock);
		t = dequeue_best(cpu, self->index, self->current);
		spin_unlock(&cpu->rq_lock);
		if (t) {
			t->cpu = self->index;
			self->steals++;
			return t;
		}
	}
	return NULL;
}

/*
 * next, off every CPU (takeable()), is this CPU's stack now; its cpu says so
 * already (enqueue(), steal()). One CPU has nobody to tell: thread_off_cpu().
 */
static __always_inline void claim(struct thread *next)
{
	if (CONFIG_NR_CPUS > 1)
		next->on_cpu = true;
}

/* Forced inline (with dequeue_best()): the voluntary switch pays no call for the split. */
static __always_inline struct sched_switch pick(void)
{
	struct cpu *cpu = this_cpu();
	struct thread *prev = cpu->current, *next;
	bool requeue = false;

	BUG_ON(arch_irq_enabled());
	if (prev->state == THREAD_RUNNING) {
		prev->state = THREAD_RUNNABLE;
		requeue = prev != cpu->idle_thread;
	}
	if (requeue && !allowed_on(prev, cpu->index)) {
		queue(prev); /* its affinity changed: to its own CPU */
		requeue = false;
	}
	spin_lock(&cpu->rq_lock);
	if (requeue)
		enqueue(cpu, prev);
	next = dequeue_best(cpu, cpu->index, prev);
	spin_unlock(&cpu->rq_lock);
	if (!next)
		next = steal(cpu);
	if (!next)
		next = cpu->idle_thread;
	cpu->need_resched = false;
	cpu->slice_left = SCHED_SLICE_TICKS;
	next->state = THREAD_RUNNING;
	if (next != prev) {
		claim(next);
		next->switches++;
		__atomic_store_n(&cpu->current, next, __ATOMIC_RELAXED);
		/* Interrupt nesting is the thread's: a preempted one may be inside its handler. */
		prev->trap_depth = cpu->trap_depth;
		cpu->trap_depth = next->trap_depth;
		stackswitch_thread_in(cpu, next);
		/* A kernel thread runs in whatever user space is active: its half is the kernel's.
		 */
		if (next->domain)
			pt_switch_in(next);
	}
	return (struct sched_switch){prev, next};
}

struct sched_switch sched_pick(void)
{
	return pick();
}

void schedule(void)
{
	struct sched_switch s = pick();

	if (s.next != s.prev)
		ctx_switch(s.prev, s.next);
}

static void wake_sleepers(struct cpu *cpu, uint64_t now)
{
	while (cpu->sleepers && cpu->sleepers->wake_at_ns <= now) {
		struct thread *t = cpu->sleepers;
		cpu->sleepers = t->next;
		t->woken_at_ns = now;
		t->woken_after_ns = cpu->tick_ns[1];
		sched_wake(t, THREAD_SLEEPING);
	}
}

void sched_tick(uint64_t now)
{
	struct cpu *cpu = this_cpu();

	if (!cpu->sched_running)
		return;
	wake_sleepers(cpu, now);
	/* Idle: look for work, here or on other CPUs, at every tick. */
	if (cpu->current == cpu->idle_thread || --cpu->slice_left == 0)
		cpu->need_resched = true;
}

struct sched_switch sched_preempt(void)
{
	struct sched_switch s = sched_pick();

	if (s.next != s.prev)
		s.prev->preemptions++;
	return s;
}

bool sched_irq_exit(void)
{
	struct cpu *cpu = this_cpu();

	return cpu->sched_running && cpu->need_resched && cpu->trap_depth == 1 &&
	       !cpu->current->in_syscall;
}

void sched_preempt_pending(void)
{
	struct cpu *cpu = this_cpu();
	struct sched_switch s;

	if (!cpu->sched_running || !cpu->need_resched)
		return;
	s = sched_preempt();
	if (s.next != s.prev)
		ctx_switch(s.prev, s.next);
}

void thread_sleep_ns(uint64_t ns)
{
	struct thread *self, **link;
	bool irqs = arch_irq_enabled();

	arch_irq_disable();
	self = thread_current();
	self->wake_at_ns = clock_ns() + ns;
	self->state = THREAD_SLEEPING;
	for (link = &this_cpu()->sleepers; *link && (*link)->wake_at_ns <= self->wake_at_ns;
	     link = &(*link)->next)
		;
	self->next = *link;
	*link = self;
	schedule();
	if (irqs)
		arch_irq_enable();
}

void thread_yield(void)
{
	bool irqs = arch_irq_enabled();

	arch_irq_disable();
	schedule();
	if (irqs)
		arch_irq_enable();
}

void thread_set_affinity(int cpu)
{
	bool irqs = arch_irq_enabled();

	BUG_ON(cpu != THREAD_ANY_CPU && (cpu < 0 || !cpu_online((unsigned int)cpu)));
	arch_irq_disable();
	thread_current()->affinity = cpu;
	/* pick() sends it where it may run. */
	if (!allowed_on(thread_current(), this_cpu()->index))
		schedule();
	if (irqs)
		arch_irq_enable();
}

struct thread *thread_current(void)
{
	bool irqs = arch_irq_enabled();
	struct thread *self;

	/* Interrupts off between finding the CPU and reading its current: no migration between. */
	arch_irq_disable();
	self = this_cpu()->current;
	if (irqs)
		arch_irq_enable();
	return self;
}

__noreturn void sched_idle(void)
{
	arch_irq_disable();
	for (;;) {
		if (this_cpu()->need_resched)
			schedule();
		else
			arch_idle();
	}
}

static void idle_entry(void *arg)
{
	(void)arg;
	sched_idle();
}

/* The code running on cpu's boot stack [base, top) becomes its thread `name`. */
static void adopt_boot_context(struct cpu *cpu, const char *name, int priority, uintptr_t base,
			       uintptr_t top)
{
	cpu->main_thread = (struct thread){
		.state = THREAD_RUNNING,
		.priority = priority,
		.name = name,
		.stack_base = base,
		.stack_top = top,
		.cpu = cpu->index,
		.affinity = THREAD_ANY_CPU,
		.on_cpu = true,
	};
	cpu->current = &cpu->main_thread;
	pt_cpu_init(cpu);
	stackswitch_cpu_init(cpu);
	stackswitch_thread_in(cpu, cpu->current);
	cpu->slice_left = SCHED_SLICE_TICKS;
}

void sched_init(void)
{
	struct cpu *cpu = this_cpu();

	adopt_boot_context(cpu, "main", THREAD_PRIO_DEFAULT,
			   (uintptr_t)boot_stack_guard + PAGE_SIZE, (uintptr_t)boot_stack_top);
	/* The idle thread runs only when nothing else can: it is never queued. */
	cpu->idle_thread = thread_create_idle(cpu, idle_entry);
	if (!cpu->idle_thread)
		panic("sched: cannot create the idle thread");
	cpu->sched_running = true;
}

void sched_init_secondary(struct cpu *cpu)
{
	adopt_boot_context(cpu, "idle", THREAD_PRIO_IDLE, cpu->boot_stack_base,
			   cpu->boot_stack_base + KSTACK_SIZE);
	cpu->main_thread.affinity = (int)cpu->index;
	cpu->idle_thread = cpu->current;
	cpu->sched_running = true;
}

bool sched_running(void)
{
	return this_cpu()->sched_running;
}

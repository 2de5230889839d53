/*
 * The scheduler: one FIFO run queue per priority, highest priority first,
 * round robin within a priority by time slice. The timer tick only sets
 * need_resched; the switch happens on the way out of the outermost
 * interrupt (sched_irq_exit() says when, trap_preempt() does it), or when a
 * thread blocks or yields.
 */
#include <kiln/arch.h>
#include <kiln/cpu.h>
#include <kiln/ctxswitch.h>
#include <kiln/kstack.h>
#include <kiln/panic.h>
#include <kiln/platform.h>
#include <kiln/process.h>
#include <kiln/sched.h>
#include <kiln/stackswitch.h>

static void enqueue(struct cpu *cpu, struct thread *t)
{
	struct run_queue *q = &cpu->run_queues[t->priority];

	t->next = NULL;
	if (q->tail)
		q->tail->next = t;
	else
		q->head = t;
	q->tail = t;
	cpu->nonempty_queues |= 1u << t->priority;
}

static __always_inline struct thread *dequeue_best(struct cpu *cpu)
{
	struct run_queue *q;
	struct thread *t;
	int p;

	if (!cpu->nonempty_queues)
		return NULL;
	p = 31 - __builtin_clz(cpu->nonempty_queues);
	q = &cpu->run_queues[p];
	t = q->head;
	q->head = t->next;
	if (!q->head) {
		q->tail = NULL;
		cpu->nonempty_queues &= ~(1u << p);
	}
	return t;
}

void sched_make_runnable(struct thread *t)
{
	struct cpu *cpu = this_cpu();

	t->state = THREAD_RUNNABLE;
	enqueue(cpu, t);
	if (cpu->current && t->priority > cpu->current->priority)
		cpu->need_resched = true;
}

/* Forced inline (with dequeue_best()): the voluntary switch pays no call for the split. */
static __always_inline struct sched_switch pick(void)
{
	struct cpu *cpu = this_cpu();
	struct thread *prev = cpu->current, *next;

	BUG_ON(arch_irq_enabled());
	if (prev->state == THREAD_RUNNING) {
		prev->state = THREAD_RUNNABLE;
		if (prev != cpu->idle_thread)
			enqueue(cpu, prev);
	}
	next = dequeue_best(cpu);
	if (!next)
		next = cpu->idle_thread;
	cpu->need_resched = false;
	cpu->slice_left = SCHED_SLICE_TICKS;
	next->state = THREAD_RUNNING;
	if (next != prev) {
		next->switches++;
		cpu->current = next;
		/* Interrupt nesting is the thread's: a preempted one may be inside its handler. */
		prev->trap_depth = cpu->trap_depth;
		cpu->trap_depth = next->trap_depth;
		stackswitch_thread_in(cpu, next);
		/* A kernel thread runs in whatever user space is active: its half is the kernel's.
		 */
		if (next->process)
			uspace_activate(&next->process->uspace);
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
		t->woken_after_ns = clock_prev_tick_ns();
		sched_make_runnable(t);
	}
}

void sched_tick(uint64_t now)
{
	struct cpu *cpu = this_cpu();

	if (!cpu->sched_running)
		return;
	wake_sleepers(cpu, now);
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
	struct thread *self = thread_current(), **link;
	bool irqs = arch_irq_enabled();

	arch_irq_disable();
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

struct thread *thread_current(void)
{
	return this_cpu()->current;
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
	};
	cpu->current = &cpu->main_thread;
	stackswitch_cpu_init(cpu);
	stackswitch_thread_in(cpu, cpu->current);
	cpu->slice_left = SCHED_SLICE_TICKS;
}

void sched_init(void)
{
	struct cpu *cpu = this_cpu();

	adopt_boot_context(cpu, "main", THREAD_PRIO_DEFAULT, (uintptr_t)boot_stack_guard + PAGE_SIZE,
			   (uintptr_t)boot_stack_top);
	cpu->idle_thread = thread_create("idle", idle_entry, NULL, THREAD_PRIO_IDLE);
	if (!cpu->idle_thread)
		panic("sched: cannot create the idle thread");
	/* The idle thread runs only when nothing else can: keep it off the run queues. */
	cpu->run_queues[THREAD_PRIO_IDLE] = (struct run_queue){0};
	cpu->nonempty_queues &= ~(1u << THREAD_PRIO_IDLE);
	cpu->sched_running = true;
}

void sched_init_secondary(struct cpu *cpu)
{
	adopt_boot_context(cpu, "idle", THREAD_PRIO_IDLE, cpu->boot_stack_base,
			   cpu->boot_stack_base + KSTACK_SIZE);
	cpu->idle_thread = cpu->current;
	cpu->sched_running = true;
}

bool sched_running(void)
{
	return this_cpu()->sched_running;
}

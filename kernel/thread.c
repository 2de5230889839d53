/* Kernel thread life cycle: create, start, exit, join; the TLS pointer. */
#include <kiln/arch.h>
#include <kiln/boot.h>
#include <kiln/cpu.h>
#include <kiln/ctxswitch.h>
#include <kiln/kstack.h>
#include <kiln/page_alloc.h>
#include <kiln/panic.h>
#include <kiln/printk.h>
#include <kiln/process.h>
#include <kiln/sched.h>
#include <kiln/smp.h>
#include <kiln/stackswitch.h>
#include <kiln/string.h>

STATIC_ASSERT(sizeof(struct thread) <= PAGE_SIZE, "a thread fits its page");

static unsigned int next_id = 1;

/* A new thread, not yet queued; with a kernel stack of its own unless stackless. */
static struct thread *alloc_thread(const char *name, void (*entry)(void *), void *arg, int priority,
				   int affinity, bool stackless)
{
	paddr_t page = page_alloc();
	struct thread *t;
	uintptr_t stack = 0;

	BUG_ON(priority < 0 || priority > THREAD_PRIO_MAX);
	BUG_ON(affinity != THREAD_ANY_CPU && (affinity < 0 || !cpu_online((unsigned int)affinity)));
	if (!page)
		return NULL;
	if (!stackless) {
		stack = kstack_alloc();
		if (!stack) {
			page_free(page);
			return NULL;
		}
	}
	t = phys_to_virt(page);
	*t = (struct thread){
		.state = THREAD_RUNNABLE,
		.priority = priority,
		.id = __atomic_fetch_add(&next_id, 1, __ATOMIC_RELAXED),
		.name = name,
		.entry = entry,
		.arg = arg,
		.stack_base = stack,
		.stack_top = stack + KSTACK_SIZE,
		.cpu = THREAD_NO_CPU,
		.affinity = affinity,
	};
#if STACKSWITCH_STACKLESS_USER_THREADS
	if (stackless)
		t->stack_top = (uintptr_t)stackswitch_user_frame(t);
#endif
	ctx_prepare(t);
	return t;
}

static struct thread *create(const char *name, void (*entry)(void *), void *arg, int priority,
			     int affinity, bool stackless)
{
	struct thread *t = alloc_thread(name, entry, arg, priority, affinity, stackless);
	bool irqs;

	if (!t)
		return NULL;
	irqs = arch_irq_enabled();
	arch_irq_disable();
	sched_make_runnable(t);
	if (irqs)
		arch_irq_enable();
	return t;
}

/* The creator's binding, as on Linux: a thread bound to a CPU makes threads bound there. */
static int inherited_affinity(void)
{
	return sched_running() ? thread_current()->affinity : THREAD_ANY_CPU;
}

struct thread *thread_create(const char *name, void (*entry)(void *), void *arg, int priority)
{
	return create(name, entry, arg, priority, inherited_affinity(), false);
}

struct thread *thread_create_on(int cpu, const char *name, void (*entry)(void *), void *arg,
				int priority)
{
	return create(name, entry, arg, priority, cpu, false);
}

struct thread *thread_create_user(const char *name, void (*entry)(void *), void *arg, int priority)
{
	return create(name, entry, arg, priority, inherited_affinity(),
		      STACKSWITCH_STACKLESS_USER_THREADS);
}

struct thread *thread_create_idle(struct cpu *cpu, void (*entry)(void *))
{
	struct thread *t =
		alloc_thread("idle", entry, NULL, THREAD_PRIO_IDLE, (int)cpu->index, false);

	if (t)
		t->cpu = cpu->index;
	return t;
}

/* First code of every new thread, reached from thread_trampoline with interrupts off. */
__noreturn void thread_start(void)
{
	struct thread *self = thread_current();

	arch_irq_enable();
	self->entry(self->arg);
	thread_exit(0);
}

__noreturn void thread_exit(long value)
{
	struct thread *self = thread_current(), *joiner;

	arch_irq_disable();
	self->exit_value = value;
	/* Pairs with thread_join(): it sees EXITED, or we see it JOINING. */
	__atomic_store_n(&self->state, THREAD_EXITED, __ATOMIC_SEQ_CST);
	joiner = __atomic_load_n(&self->joiner, __ATOMIC_SEQ_CST);
	if (joiner)
		sched_wake(joiner, THREAD_JOINING);
	/* The joiner frees this stack once on_cpu says we are off it. */
	schedule();
	panic("thread %s ran after exiting", self->name);
}

long thread_join(struct thread *t)
{
	struct thread *self = thread_current();
	bool irqs = arch_irq_enabled();
	long value;

	BUG_ON(t == self || (t->joiner && t->joiner != self));
	arch_irq_disable();
	__atomic_store_n(&t->joiner, self, __ATOMIC_SEQ_CST);
	for (;;) {
		enum thread_state joining = THREAD_JOINING;

		__atomic_store_n(&self->state, THREAD_JOINING, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&t->state, __ATOMIC_SEQ_CST) != THREAD_EXITED) {
			schedule();
			continue;
		}
		/* Exited. If its wake-up raced this check, we are queued already: go through it. */
		if (!__atomic_compare_exchange_n(&self->state, &joining, THREAD_RUNNING, false,
						 __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
			schedule();
		break;
	}
	/* Its CPU may still be switching off its stack. */
	while (!thread_off_cpu(t))
		arch_cpu_relax();
	value = t->exit_value;
	if (t->stack_base)
		kstack_free(t->stack_base);
	page_free(virt_to_phys(t));
	if (irqs)
		arch_irq_enable();
	return value;
}

void thread_check_stack_overflow(uintptr_t fault_addr)
{
	struct thread *self = sched_running() ? thread_current() : NULL;
	uintptr_t base, top;

	if (!self)
		return;
	/* A thread without a stack of its own runs kernel code on its CPU's. */
	base = self->stack_base ? self->stack_base : this_cpu()->kstack_base;
	top = self->stack_base ? self->stack_top : this_cpu()->kstack_top;
	if (!base || !kstack_in_guard(base, fault_addr))
		return;
	printk("KERNEL STACK OVERFLOW in thread '%s' (id %u): access at %p, stack [%p, %p)\n",
	       self->name, self->id, (void *)fault_addr, (void *)base, (void *)top);
	if (!self->entry)
		panic("stack overflow in thread '%s', which cannot be killed", self->name);
	/* The faulting context is abandoned where it stands; schedule() moves on. */
	if (self->process) {
		printk("killing process '%s' (pid %ld); the kernel goes on\n", self->process->name,
		       self->process->pid);
		process_exit(KILN_STATUS_FAULT);
	}
	printk("killing thread '%s'; the kernel goes on\n", self->name);
	thread_exit(THREAD_KILLED);
}

void thread_set_tls(uintptr_t tls)
{
	thread_current()->tls = tls;
	arch_set_tls(tls);
}

uintptr_t thread_tls(void)
{
	return arch_get_tls();
}

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
#include <kiln/stackswitch.h>
#include <kiln/string.h>

STATIC_ASSERT(sizeof(struct thread) <= PAGE_SIZE, "a thread fits its page");

static unsigned int next_id = 1;

/* A new thread, runnable; with a kernel stack of its own unless stackless. */
static struct thread *create(const char *name, void (*entry)(void *), void *arg, int priority,
			     bool stackless)
{
	paddr_t page = page_alloc();
	struct thread *t;
	uintptr_t stack = 0;
	bool irqs;

	BUG_ON(priority < 0 || priority > THREAD_PRIO_MAX);
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
		.priority = priority,
		.id = next_id++,
		.name = name,
		.entry = entry,
		.arg = arg,
		.stack_base = stack,
		.stack_top = stack + KSTACK_SIZE,
	};
#if STACKSWITCH_STACKLESS_USER_THREADS
	if (stackless)
		t->stack_top = (uintptr_t)stackswitch_user_frame(t);
#endif
	ctx_prepare(t);
	irqs = arch_irq_enabled();
	arch_irq_disable();
	sched_make_runnable(t);
	if (irqs)
		arch_irq_enable();
	return t;
}

struct thread *thread_create(const char *name, void (*entry)(void *), void *arg, int priority)
{
	return create(name, entry, arg, priority, false);
}

struct thread *thread_create_user(const char *name, void (*entry)(void *), void *arg, int priority)
{
	return create(name, entry, arg, priority, STACKSWITCH_STACKLESS_USER_THREADS);
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
	struct thread *self = thread_current();

	arch_irq_disable();
	self->exit_value = value;
	self->state = THREAD_EXITED;
	if (self->joiner)
		sched_make_runnable(self->joiner);
	/* The joiner frees this stack, which is safe once we have switched off it. */
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
	t->joiner = self;
	while (t->state != THREAD_EXITED) {
		self->state = THREAD_JOINING;
		schedule();
	}
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

/*
 * Which stack (which_stack.h). From user mode (a system call, an interrupt,
 * an exception) the frame is where the stackswitch policy has it built: at
 * the top of the thread's own kernel stack, C right below (per-thread), or
 * in the thread's TCB with C on the CPU's kernel stack (user threads own no
 * kernel stack: STACKSWITCH_STACKLESS_USER_THREADS, per-cpu). From kernel
 * mode (inside a system call, or in a kernel thread) the frame is right
 * below the interrupted stack pointer (aligned down to 16 bytes), C below
 * it: the current stack. A policy with handler stacks (auxsp) leaves the
 * frame there but runs the handler on the CPU's IRQ or trap stack.
 */
#include <kiln/arch.h>
#include <kiln/cpu.h>
#include <kiln/irq.h>
#include <kiln/kstack.h>
#include <kiln/platform.h>
#include <kiln/printk.h>
#include <kiln/process.h>
#include <kiln/stackswitch.h>
#include <kiln/string.h>
#include "which_stack.h"

enum {
	AT_SYSCALL,
	AT_USER_IRQ,
	AT_USER_FAULT,
	AT_SYSCALL_IRQ,
	AT_KERNEL_IRQ,
	AT_KERNEL_FAULT,
	AT_COUNT,
};

static const char *const names[AT_COUNT] = {
	"system call",		"IRQ from user mode",	  "exception from user mode",
	"IRQ in a system call", "IRQ in a kernel thread", "exception in a kernel thread",
};

static struct landing {
	unsigned long count;
	uintptr_t frame, sp, interrupted_sp;
	uintptr_t user_frame;	 /* where the policy builds a frame from user mode */
	uintptr_t c_base, c_top; /* the stack the thread runs kernel code on */
} landed[AT_COUNT];

/* The interrupt raised inside the first system call after landing_begin(). */
static unsigned int inside_irq;
static bool inside_armed;

static void note(int at, uintptr_t frame, uintptr_t interrupted_sp, struct cpu *cpu)
{
	struct thread *self = cpu->current;
	struct landing *l = &landed[at];

	/* Keep the first of each kind: a later one may be the test's own clean-up. */
	if (l->count++)
		return;
	l->frame = frame;
	l->sp = (uintptr_t)__builtin_frame_address(0);
	l->interrupted_sp = interrupted_sp;
	l->c_base = self->stack_base ? self->stack_base : cpu->kstack_base;
	l->c_top = self->stack_base ? self->stack_top : cpu->kstack_top;
	/* A policy with handler stacks (auxsp) runs every handler but a system call's there. */
	if (cpu->irq_stack_top && at != AT_SYSCALL) {
		bool irq = at == AT_USER_IRQ || at == AT_SYSCALL_IRQ || at == AT_KERNEL_IRQ;

		l->c_top = irq ? cpu->irq_stack_top : cpu->trap_stack_top;
		l->c_base = l->c_top - KSTACK_SIZE;
	}
	l->user_frame = self->stack_top - sizeof(struct trap_frame);
#if STACKSWITCH_STACKLESS_USER_THREADS
	if (!self->stack_base)
		l->user_frame = (uintptr_t)stackswitch_user_frame(self);
#endif
}

static void nothing(unsigned int n, void *arg)
{
	(void)n;
	(void)arg;
}

void landing_begin(void)
{
	memset(landed, 0, sizeof(landed));
	inside_irq = platform_self_irq(3);
	irq_register(inside_irq, nothing, NULL);
	inside_armed = true;
}

void landing_end(void)
{
	irq_unregister(inside_irq);
}

void landing_syscall(struct trap_frame *tf, struct cpu *cpu, uintptr_t user_sp)
{
	note(AT_SYSCALL, (uintptr_t)tf, user_sp, cpu);
	/* Taken once the call enables interrupts: inside it. */
	if (inside_armed) {
		inside_armed = false;
		platform_send_self_irq(inside_irq);
	}
}

void landing_trap(struct trap_frame *tf, struct cpu *cpu, bool from_user, bool irq,
		  uintptr_t interrupted_sp)
{
	struct thread *self = cpu->current;
	int at;

	if (from_user)
		at = irq ? AT_USER_IRQ : AT_USER_FAULT;
	else if (self->process && irq)
		at = AT_SYSCALL_IRQ;
	else if (!self->process && self->stack_base)
		at = irq ? AT_KERNEL_IRQ : AT_KERNEL_FAULT;
	else
		return; /* a fault in a system call, a new user thread's first steps */
	note(at, (uintptr_t)tf, interrupted_sp, cpu);
}

void landing_check(struct ktest *kt)
{
	for (int at = 0; at < AT_COUNT; at++) {
		const struct landing *l = &landed[at];

		printk("# %s: frame %p, C at %p, interrupted sp %p, kernel stack [%p, %p)\n",
		       names[at], (void *)l->frame, (void *)l->sp, (void *)l->interrupted_sp,
		       (void *)l->c_base, (void *)l->c_top);
		KEXPECT_GT(l->count, 0);
		KEXPECT_GE(l->sp, l->c_base);
		KEXPECT_LT(l->sp, l->c_top);
		/* A frame on the stack C runs on is above C. */
		if (l->frame >= l->c_base && l->frame < l->c_top)
			KEXPECT_LT(l->sp, l->frame);
		if (at <= AT_USER_FAULT) {
			KEXPECT_EQ(l->frame, l->user_frame);
			KEXPECT_LT(l->interrupted_sp, USER_VA_END);
		} else {
			KEXPECT_EQ(l->frame + sizeof(struct trap_frame), l->interrupted_sp & ~15ul);
			/* The frame is on the interrupted stack; C too, unless on a handler stack.
			 */
			if (!this_cpu()->irq_stack_top)
				KEXPECT_LE(l->interrupted_sp, l->c_top);
		}
	}
}

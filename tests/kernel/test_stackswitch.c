/*
 * Which stack, arch-neutral: the stackswitch policy's row of the issue's
 * table (where a system call, an interrupt and an exception run, from user
 * mode and from the kernel, and entries nested in them). Probes in
 * syscall_dispatch() and trap_dispatch() note the first entry of each kind:
 * its frame and the stack pointer of its handler.
 */
#include <kiln/arch.h>
#include <kiln/cpu.h>
#include <kiln/irq.h>
#include <kiln/kstack.h>
#include <kiln/ktest.h>
#include <kiln/platform.h>
#include <kiln/printk.h>
#include <kiln/probe.h>
#include <kiln/process.h>
#include <kiln/string.h>
#include <kiln/trap.h>
#include "user_run.h"

enum landing_kind {
	AT_SYSCALL,
	AT_USER_IRQ,
	AT_USER_SYNC,
	AT_KERNEL_IRQ,
	AT_KERNEL_SYNC,
	AT_IRQ_IN_SYSCALL,  /* a user thread in the kernel (a system call) interrupted */
	AT_SYNC_IN_SYSCALL, /* ... faulting on a user pointer */
	AT_SYNC_IN_IRQ,	    /* an exception inside an interrupt handler */
	AT_COUNT,
};

static const char *const kind_names[AT_COUNT] = {
	[AT_SYSCALL] = "syscall",
	[AT_USER_IRQ] = "irq from user",
	[AT_USER_SYNC] = "exception from user",
	[AT_KERNEL_IRQ] = "irq from kernel",
	[AT_KERNEL_SYNC] = "exception from kernel",
	[AT_IRQ_IN_SYSCALL] = "irq in a syscall",
	[AT_SYNC_IN_SYSCALL] = "exception in a syscall",
	[AT_SYNC_IN_IRQ] = "exception in an irq",
};

enum region { THREAD_STACK, IRQ_STACK, TRAP_STACK, TCB, CPU_STACK };

static const char *const region_names[] = {"the thread's stack", "the IRQ stack", "the trap stack",
					   "the thread's TCB", "the CPU's stack"};

/* Where a kind of entry leaves its frame and where its handler runs. */
struct row {
	enum region frame, handler;
};

#if defined(CONFIG_STACKSWITCH_AUXSP)
/*
 * The thread's aux stack is its own kernel stack. Frames stay where the entry
 * arrived; handlers run on the CPU's IRQ or trap stack, switching only from
 * the thread's stack: an exception in an IRQ handler stays on the IRQ stack.
 */
static const struct row policy_row[AT_COUNT] = {
	[AT_SYSCALL] = {THREAD_STACK, THREAD_STACK},
	[AT_USER_IRQ] = {THREAD_STACK, IRQ_STACK},
	[AT_USER_SYNC] = {THREAD_STACK, TRAP_STACK},
	[AT_KERNEL_IRQ] = {THREAD_STACK, IRQ_STACK},
	[AT_KERNEL_SYNC] = {THREAD_STACK, TRAP_STACK},
	[AT_IRQ_IN_SYSCALL] = {THREAD_STACK, IRQ_STACK},
	[AT_SYNC_IN_SYSCALL] = {THREAD_STACK, TRAP_STACK},
	[AT_SYNC_IN_IRQ] = {IRQ_STACK, IRQ_STACK},
};
#elif defined(CONFIG_STACKSWITCH_PER_THREAD)
/* Everything on the interrupted thread's own kernel stack. */
static const struct row policy_row[AT_COUNT] = {
	[0 ... AT_COUNT - 1] = {THREAD_STACK, THREAD_STACK},
};
#elif defined(CONFIG_STACKSWITCH_PER_CPU)
/*
 * A user thread owns no kernel stack: from user mode its frame is in its TCB
 * and C runs on the CPU's stack, where anything nested in a system call
 * stays; kernel threads keep their own stacks.
 */
static const struct row policy_row[AT_COUNT] = {
	[AT_SYSCALL] = {TCB, CPU_STACK},
	[AT_USER_IRQ] = {TCB, CPU_STACK},
	[AT_USER_SYNC] = {TCB, CPU_STACK},
	[AT_KERNEL_IRQ] = {THREAD_STACK, THREAD_STACK},
	[AT_KERNEL_SYNC] = {THREAD_STACK, THREAD_STACK},
	[AT_IRQ_IN_SYSCALL] = {CPU_STACK, CPU_STACK},
	[AT_SYNC_IN_SYSCALL] = {CPU_STACK, CPU_STACK},
	[AT_SYNC_IN_IRQ] = {THREAD_STACK, THREAD_STACK},
};
#else
#error "tests/kernel/test_stackswitch.c: no row for this stackswitch policy"
#endif

/* The first entry of each kind, and the CPU it landed on: its handler stacks are that CPU's. */
static struct landing {
	unsigned long count;
	uintptr_t frame, sp, stack_base, stack_top, thread;
	const struct cpu *cpu;
} landed[AT_COUNT];

/* What the test does meanwhile: a user entry is a fault only while a faulting program runs. */
static enum { PHASE_OTHER, PHASE_USER_FAULT } phase;
static volatile bool in_irq_handler;
static unsigned int irq_in_syscall, irq_nesting;

static void note(enum landing_kind at, struct trap_frame *tf, struct cpu *cpu)
{
	struct landing *l = &landed[at];

	/* Keep the first of each kind: a later one may be the test's own clean-up. */
	if (l->count++)
		return;
	l->frame = (uintptr_t)tf;
	l->sp = (uintptr_t)__builtin_frame_address(0);
	l->stack_base = cpu->current->stack_base;
	l->stack_top = cpu->current->stack_top;
	l->thread = (uintptr_t)cpu->current;
	l->cpu = cpu;
}

static void note_trap(struct trap_frame *tf, struct cpu *cpu)
{
	bool irq = arch_frame_is_irq(tf);

	if (arch_frame_from_user(tf)) {
		/* A synchronous entry from user mode is a fault only then (arm64: else an svc). */
		if (irq || phase == PHASE_USER_FAULT)
			note(irq ? AT_USER_IRQ : AT_USER_SYNC, tf, cpu);
	} else if (in_irq_handler && !irq) {
		note(AT_SYNC_IN_IRQ, tf, cpu);
	} else if (cpu->current->process) {
		note(irq ? AT_IRQ_IN_SYSCALL : AT_SYNC_IN_SYSCALL, tf, cpu);
	} else {
		note(irq ? AT_KERNEL_IRQ : AT_KERNEL_SYNC, tf, cpu);
	}
}

/* The first system call also raises an interrupt, taken inside it once it enables them. */
static void note_syscall(struct trap_frame *tf, struct cpu *cpu)
{
	if (!landed[AT_SYSCALL].count)
		platform_send_self_irq(irq_in_syscall);
	note(AT_SYSCALL, tf, cpu);
}

static void count_irq(unsigned int irq, void *arg)
{
	(void)irq;
	(*(volatile unsigned long *)arg)++;
}

/* An interrupt handler that takes an exception (fixed up) of its own. */
static void fault_in_handler(unsigned int irq, void *arg)
{
	uint64_t val;

	(void)irq;
	in_irq_handler = true;
	probe_read64(0x18, &val);
	in_irq_handler = false;
	(*(volatile unsigned long *)arg)++;
}

static uintptr_t region_top(enum region r, const struct landing *l, const struct cpu *cpu)
{
	switch (r) {
	case IRQ_STACK:
		return cpu->irq_stack_top;
	case TRAP_STACK:
		return cpu->trap_stack_top;
	case TCB:
		return l->thread + PAGE_SIZE;
	case CPU_STACK:
		return cpu->kstack_top;
	default:
		return l->stack_top;
	}
}

static bool in_region(uintptr_t addr, enum region r, const struct landing *l, const struct cpu *cpu)
{
	uintptr_t top = region_top(r, l, cpu);

	return top && addr < top && addr >= top - (r == TCB ? PAGE_SIZE : KSTACK_SIZE);
}

/* Where an entry from user mode leaves its frame: the top of the stack or TCB it names. */
static uintptr_t user_frame(const struct landing *l)
{
	uintptr_t top = policy_row[AT_SYSCALL].frame == TCB ? l->thread + PAGE_SIZE : l->stack_top;

	return top - sizeof(struct trap_frame);
}

KTEST(stackswitch_entries_land_on_the_policy_stack)
{
	struct cpu *cpu = this_cpu();
	volatile unsigned long syscall_irqs = 0, nested = 0;
	uint64_t val;
	bool irqs;

	memset(landed, 0, sizeof(landed));
	irq_in_syscall = platform_self_irq(0);
	irq_nesting = platform_self_irq(1);
	irq_register(irq_in_syscall, count_irq, (void *)&syscall_irqs);
	irq_register(irq_nesting, fault_in_handler, (void *)&nested);
	trap_probe = note_trap;
	syscall_probe = note_syscall;
	/* From user mode: system calls, then timer interrupts while it spins (and a fault). */
	KEXPECT_EQ(run("spin", 30000000), 0);
	phase = PHASE_USER_FAULT;
	KEXPECT_EQ(run("fault", 1), KILN_STATUS_FAULT);
	phase = PHASE_OTHER;
	/* A system call that faults on a user pointer in the kernel. */
	KEXPECT_EQ(run("badptr", 0), 0);
	/* From the kernel: an exception, an interrupt whose handler takes one of its own. */
	KEXPECT_FALSE(probe_read64(0x18, &val));
	irqs = arch_irq_enabled();
	arch_irq_enable();
	platform_send_self_irq(irq_nesting);
	for (unsigned int spin = 0; !nested && spin < 1000000; spin++)
		arch_cpu_relax();
	if (!irqs)
		arch_irq_disable();
	trap_probe = NULL;
	syscall_probe = NULL;
	irq_unregister(irq_in_syscall);
	irq_unregister(irq_nesting);
	KEXPECT_GE(syscall_irqs, 1);
	KEXPECT_EQ(nested, 1);
	if (cpu->irq_stack_top)
		printk("# handler stacks: IRQ [%p, %p), trap [%p, %p)\n",
		       (void *)(cpu->irq_stack_top - KSTACK_SIZE), (void *)cpu->irq_stack_top,
		       (void *)(cpu->trap_stack_top - KSTACK_SIZE), (void *)cpu->trap_stack_top);

	for (int at = 0; at < AT_COUNT; at++) {
		const struct landing *l = &landed[at];
		const struct row *want = &policy_row[at];
		const struct cpu *on = l->cpu ? l->cpu : cpu;

		printk("# %s: frame %p, handler sp %p (want %s, %s); thread stack [%p, %p)\n",
		       kind_names[at], (void *)l->frame, (void *)l->sp, region_names[want->frame],
		       region_names[want->handler], (void *)l->stack_base, (void *)l->stack_top);
		KEXPECT_GT(l->count, 0);
		KEXPECT_TRUE(in_region(l->frame, want->frame, l, on));
		KEXPECT_TRUE(in_region(l->sp, want->handler, l, on));
		/* Handlers run below their frame on its stack, or on another stack. */
		if (want->handler == want->frame)
			KEXPECT_LT(l->sp, l->frame);
	}
	/* From user mode the frame is at the very top of the thread's stack, or TCB. */
	for (int at = AT_SYSCALL; at <= AT_USER_SYNC; at++)
		KEXPECT_EQ(landed[at].frame, user_frame(&landed[at]));
}

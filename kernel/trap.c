/* The arch-neutral flow of exceptions and interrupts (kiln/trap.h). */
#include <kiln/arch.h>
#include <kiln/ctxswitch.h>
#include <kiln/extable.h>
#include <kiln/irq.h>
#include <kiln/panic.h>
#include <kiln/platform.h>
#include <kiln/printk.h>
#include <kiln/process.h>
#include <kiln/sched.h>
#include <kiln/thread.h>
#include <kiln/trap.h>

#ifdef CONFIG_KTEST
void (*trap_probe)(struct trap_frame *tf, struct cpu *cpu);
void (*syscall_probe)(struct trap_frame *tf, struct cpu *cpu);
#endif

/* Out of line, so that the fixup path carries no frame for r. */
static __noinline __noreturn void trap_fatal(struct trap_frame *tf, struct cpu *cpu, uintptr_t pc)
{
	struct trap_record r;

	arch_trap_decode(&r, tf, cpu);
	arch_trap_dump(tf, cpu);
	/* A data access in the current thread's stack guard is that thread's overflow. */
	if (!r.fault_exec)
		thread_check_stack_overflow(r.fault_addr);
	panic("unhandled %s in kernel at %p", arch_trap_name(&r), (void *)pc);
}

uintptr_t trap_exception(struct trap_frame *tf, struct cpu *cpu, uintptr_t pc)
{
	const struct extable_entry *fixup = extable_find(pc);

	if (!fixup)
		trap_fatal(tf, cpu, pc);
	arch_trap_decode(&cpu->last_fixup, tf, cpu);
	return fixup->fixup;
}

void trap_user_exception(struct trap_frame *tf, struct cpu *cpu)
{
	struct process *p = process_current();
	struct trap_record r;

	if (p && (p->flags & SPAWN_SKIP_BREAKPOINTS) && arch_user_breakpoint_skip(tf)) {
		p->breakpoints++;
		return;
	}
	arch_trap_decode(&r, tf, cpu);
	/* A user thread is always a process's: a frame from user mode without one is the kernel's
	 * bug. */
	if (!p)
		panic("%s from user mode in kernel thread '%s'", arch_trap_name(&r),
		      thread_current()->name);
	printk("process '%s' (pid %ld) killed: %s, address %p, pc %p\n", p->name, p->pid,
	       arch_trap_name(&r), (void *)r.fault_addr, (void *)r.pc);
	process_exit(KILN_STATUS_FAULT);
}

bool irq_entry(unsigned int hw)
{
	struct irq_ack ack = platform_irq_ack(hw);

	/* A spurious interrupt has nothing to run and must not be ended. */
	if (ack.irq == IRQ_SPURIOUS)
		return false;
	irq_handle(ack.irq);
	platform_irq_eoi(ack);
	return sched_irq_exit();
}

void trap_preempt(struct cpu *cpu)
{
	ctx_preempt(cpu);
}

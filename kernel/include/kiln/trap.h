/*
 * The generic half of taking an exception or an interrupt (kernel/trap.c).
 * The arch's trap_dispatch() (kiln/arch.h) tells which of these a frame is
 * and calls it.
 */
#ifndef KILN_TRAP_H
#define KILN_TRAP_H

#include <kiln/cpu.h>

/*
 * A synchronous exception in kernel mode at pc. Returns where to resume:
 * its exception-table fixup (decoded into cpu->last_fixup). Without one,
 * reports it, kills the thread if it ran into its stack guard, and panics.
 */
uintptr_t trap_exception(struct trap_frame *tf, struct cpu *cpu, uintptr_t pc);

/*
 * A synchronous exception from user mode, interrupts disabled, on the
 * thread's kernel context. Returns if it was handled: the frame resumes (a
 * breakpoint in a process spawned with SPAWN_SKIP_BREAKPOINTS is counted
 * and skipped). Otherwise (a fault, an undefined instruction, a
 * breakpoint) the process dies with a one-line report (process, exception,
 * fault address, pc) and its parent sees it exit with KILN_STATUS_FAULT.
 */
void trap_user_exception(struct trap_frame *tf, struct cpu *cpu);

/*
 * An interrupt: the platform acknowledges it (hw is what the arch knows of
 * it: the x86_64 vector; 0 on arm64, where only the GIC knows), its handler
 * runs and the platform ends it. Returns whether the interrupted thread is
 * to be preempted (sched_irq_exit()), which trap_dispatch() passes on.
 */
bool irq_entry(unsigned int hw);

/*
 * The preemption trap_dispatch() asked for, by returning true: the entry
 * code calls it after the handler returned, interrupts disabled, with the
 * stack pointer back at the interrupted context's trap frame (on that
 * thread's own stack, whatever stack the stackswitch policy ran the handler
 * on), one trap level deep. The ctxswitch variant switches here, or notes
 * it for its switch_on_exit hook.
 */
void trap_preempt(struct cpu *cpu);

#ifdef CONFIG_KTEST
/*
 * Test hooks: trap_dispatch() calls trap_probe, when set, first thing for
 * every exception and interrupt (arm64: and svc), syscall_dispatch()
 * syscall_probe for every system call; both on the stack the handler runs
 * on, interrupts disabled. Tests record where entries land (the stackswitch
 * policy's promise) and provoke events inside an entry.
 */
extern void (*trap_probe)(struct trap_frame *tf, struct cpu *cpu);
extern void (*syscall_probe)(struct trap_frame *tf, struct cpu *cpu);

static inline void trap_probe_call(void (*probe)(struct trap_frame *, struct cpu *),
				   struct trap_frame *tf, struct cpu *cpu)
{
	if (probe)
		probe(tf, cpu);
}
#else
#define trap_probe_call(probe, tf, cpu) ((void)(tf), (void)(cpu))
#endif

#endif

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
 * runs, the platform ends it, and the scheduler may switch threads.
 */
void irq_entry(unsigned int hw);

#endif

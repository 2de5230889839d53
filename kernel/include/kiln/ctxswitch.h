/*
 * The ctxswitch component's interface. The scheduler only calls these;
 * whether a switch saves the callee-saved registers or the whole register
 * file, and where a preemption switches, is the selected variant's business.
 */
#ifndef KILN_CTXSWITCH_H
#define KILN_CTXSWITCH_H

#include <kiln/thread.h>

struct cpu;

/*
 * Save prev's state on its stack (prev->saved_sp), load next's, and load
 * next's TLS pointer. Returns when something switches back to prev.
 * Interrupts must be disabled.
 */
void ctx_switch(struct thread *prev, struct thread *next);

/*
 * The tick wants the interrupted thread off the CPU: trap_preempt() calls
 * this once the outermost interrupt's handler has returned, interrupts
 * disabled, on the interrupted thread's stack.
 * The variant switches here or on the interrupt's way out (its
 * switch_on_exit() hook in the generated entry code), via sched_preempt().
 */
void ctx_preempt(struct cpu *cpu);

/* Lay out a new thread's stack so that the first ctx_switch() to it enters thread_trampoline. */
void ctx_prepare(struct thread *t);

/* Arch assembly: aligns the stack and calls thread_start(), which never returns. */
void thread_trampoline(void);
__noreturn void thread_start(void);

#endif

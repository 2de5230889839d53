/* The scheduler: per-priority round-robin run queues, timer-driven preemption. */
#ifndef KILN_SCHED_H
#define KILN_SCHED_H

#include <kiln/clock.h>
#include <kiln/thread.h>

struct cpu;

/* Time slice, in timer ticks, before a thread yields to its peers. */
#define SCHED_SLICE_TICKS 2

/* Turns the running boot code into the "main" thread and starts the idle thread. */
void sched_init(void);
bool sched_running(void);
/* On a secondary CPU (kiln/smp.h): its boot context becomes its idle thread. */
void sched_init_secondary(struct cpu *cpu);
/* The idle loop: run whatever becomes runnable on this CPU. */
__noreturn void sched_idle(void);

/* With interrupts disabled: run the best runnable thread (maybe the caller again). */
void schedule(void);

/* A switch decided: prev gives the CPU to next (the same thread when nothing else should run). */
struct sched_switch {
	struct thread *prev, *next;
};

/*
 * The bookkeeping half of schedule(), interrupts disabled: queue the caller,
 * pick the next thread and make it current. The caller then does the
 * ctx_switch() itself (or nothing when next == prev). Lets assembly own the
 * instructions around the switch: a test can check registers at the first
 * instruction after it, a ctxswitch variant can switch from a trap frame.
 */
struct sched_switch sched_pick(void);
/* sched_pick() for a preemption: counts it in prev->preemptions. */
struct sched_switch sched_preempt(void);

/* With interrupts disabled: queue t, new or just made RUNNABLE by its own CPU, to run. */
void sched_make_runnable(struct thread *t);
/*
 * With interrupts disabled: if t is blocked in state `from` (which it set
 * itself before its last look at what it waits for), make it RUNNABLE and
 * queue it; false if it was not (already woken, or not yet blocked).
 */
bool sched_wake(struct thread *t, enum thread_state from);

/* Timer interrupt at time now: wake sleepers due by now, charge the time slice. */
void sched_tick(uint64_t now);
/*
 * At the end of an interrupt handler, with interrupts still disabled: whether
 * the tick asked for a switch, this is the outermost interrupt, and the
 * thread is not inside a system call that cannot be left (thread.h:
 * in_syscall; that call's way out switches). If so the entry code calls
 * trap_preempt() once the handler has returned (kiln/trap.h).
 */
bool sched_irq_exit(void);
/*
 * With interrupts disabled, where a preemption was held back (kernel/syscall.c:
 * a thread inside a system call, see thread.h in_syscall): if the tick asked
 * for one meanwhile, switch now (counted in preemptions).
 */
void sched_preempt_pending(void);

#endif

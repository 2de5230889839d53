/* The scheduler: per-priority round-robin run queues, timer-driven preemption. */
#ifndef KILN_SCHED_H
#define KILN_SCHED_H

#include <kiln/clock.h>
#include <kiln/thread.h>

/* Time slice, in timer ticks, before a thread yields to its peers. */
#define SCHED_SLICE_TICKS 2

/* Turns the running boot code into the "main" thread and starts the idle thread. */
void sched_init(void);
bool sched_running(void);

/* With interrupts disabled: run the best runnable thread (maybe the caller again). */
void schedule(void);
/* With interrupts disabled: queue t to run. */
void sched_make_runnable(struct thread *t);

/* Timer interrupt at time now: wake sleepers due by now, charge the time slice. */
void sched_tick(uint64_t now);
/*
 * On the way out of an interrupt handler, with interrupts still disabled: if
 * the tick asked for it and this is the outermost interrupt, switch threads
 * here, so no handler ever runs on a stack the scheduler took away.
 */
void sched_irq_exit(void);

#endif

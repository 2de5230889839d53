/*
 * ctxswitch/full-frame: a preempted thread's saved context is the trap frame
 * the entry code built for the interrupt. ctx_preempt() only notes the
 * request; the entry code's switch_on_exit() hook takes it once the handler
 * has returned, and switches away from that frame. The thread resumes through
 * the same exception return as after a ctx_switch().
 */
#include <kiln/cpu.h>
#include <kiln/ctxswitch.h>
#include <kiln/sched.h>

static bool preempt_due[CONFIG_NR_CPUS];

void ctx_preempt(struct cpu *cpu)
{
	preempt_due[cpu->index] = true;
}

struct sched_switch ctx_preempt_take(struct cpu *cpu);

/* From switch_on_exit, interrupts disabled, before the entry code drops the trap depth. */
struct sched_switch ctx_preempt_take(struct cpu *cpu)
{
	struct sched_switch s = {cpu->current, cpu->current};

	/* Depth 1: the interrupt that asked, not an NMI nested in its way out. */
	if (!preempt_due[cpu->index] || cpu->trap_depth != 1)
		return s;
	preempt_due[cpu->index] = false;
	/* A thread switched out here has left the interrupt: its frame is only its context now. */
	cpu->trap_depth = 0;
	s = sched_preempt();
	if (s.next == s.prev)
		cpu->trap_depth = 1; /* staying: the entry code leaves the interrupt as usual */
	return s;
}

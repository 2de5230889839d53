/* ctxswitch/callee-saved: a preemption is an ordinary switch, called from inside the handler. */
#include <kiln/ctxswitch.h>
#include <kiln/sched.h>

/*
 * The interrupted thread's caller-saved registers are in the trap frame below
 * us; it resumes here, returns through the handler and leaves the interrupt
 * through the entry code's own exit.
 */
void ctx_preempt(struct cpu *cpu)
{
	struct sched_switch s = sched_preempt();

	(void)cpu;
	if (s.next != s.prev)
		ctx_switch(s.prev, s.next);
}

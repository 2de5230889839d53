/* ctxswitch/callee-saved: a preemption is an ordinary switch, called once the handler returned. */
#include <kiln/ctxswitch.h>
#include <kiln/sched.h>

/*
 * From trap_preempt(): the interrupted thread's caller-saved registers are in
 * the trap frame above us; it resumes here and leaves the interrupt through
 * the entry code's own exit.
 */
void ctx_preempt(struct cpu *cpu)
{
	struct sched_switch s = sched_preempt();

	(void)cpu;
	if (s.next != s.prev)
		ctx_switch(s.prev, s.next);
}

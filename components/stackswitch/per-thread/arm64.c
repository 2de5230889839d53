/*
 * stackswitch/per-thread, arm64: SP_EL1 is the thread's own kernel stack.
 * Nothing has to be loaded at a switch for that: the switch itself moves
 * SP_EL1 to the next thread's stack, and a thread returns to user mode by
 * popping the frame its entry built at the top of its stack, which leaves
 * SP_EL1 at that top for its next entry. What is published is only where
 * that is, for arch_enter_user() (the first return to user mode) and for
 * the tests that check where entries from user mode land.
 */
#include <kiln/cpu.h>
#include <kiln/stackswitch.h>

void stackswitch_thread_in(struct cpu *cpu, struct thread *next)
{
	cpu->arch.user_entry_sp = next->stack_top;
}

/* Nothing per CPU beyond the arch's (IST stacks; arm64: the overflow and emergency stacks). */
void stackswitch_cpu_init(struct cpu *cpu)
{
	(void)cpu;
}

/*
 * stackswitch/auxsp, arm64: an entry from EL0 builds its frame where the
 * thread's last return to EL0 left SP_EL1, the top of its aux stack (its
 * own kernel stack), as under per-thread. What is published at a switch is
 * where that is: for arch_enter_user() (the first return to EL0), and for
 * the handler switch, which compares the stack pointer with it.
 */
#include <kiln/cpu.h>
#include <kiln/stackswitch.h>

void stackswitch_thread_in(struct cpu *cpu, struct thread *next)
{
	cpu->arch.user_entry_sp = next->stack_top;
}

/*
 * stackswitch/auxsp, x86_64: what entries from user mode need of the thread
 * that runs next. Its auxiliary stack is its own kernel stack: a user
 * thread's kernel stack holds nothing else once it has entered user mode.
 */
#include <kiln/cpu.h>
#include <arch/desc.h>
#include <kiln/stackswitch.h>

void stackswitch_thread_in(struct cpu *cpu, struct thread *next)
{
	/*
	 * A trap or IRQ from user mode: the CPU pushes its frame at the top of
	 * the aux stack, the entry saves the registers below it there (where a
	 * preemption can switch from them), then runs the handler on the CPU's
	 * IRQ or trap stack.
	 */
	tss_set_entry_stack(cpu, next->stack_top);
	/*
	 * SYSCALL: the entry loads the aux stack from here (hook syscall_enter).
	 * The handler switch reads it as the current thread's stack top.
	 */
	cpu->arch.syscall_sp = next->stack_top;
}

/* stackswitch/per-thread, x86_64: every entry from user mode starts at the thread's stack top. */
#include <kiln/cpu.h>
#include <arch/desc.h>
#include <kiln/stackswitch.h>

void stackswitch_thread_in(struct cpu *cpu, struct thread *next)
{
	/* Traps and IRQs from user mode: the CPU loads it. */
	tss_set_entry_stack(cpu, next->stack_top);
	/* SYSCALL: the entry code loads it (stackswitch hook syscall_enter). */
	cpu->arch.syscall_sp = next->stack_top;
}

/* Nothing per CPU beyond the arch's (IST stacks; arm64: the overflow and emergency stacks). */
void stackswitch_cpu_init(struct cpu *cpu)
{
	(void)cpu;
}

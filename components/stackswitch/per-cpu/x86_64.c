/* stackswitch/per-cpu, x86_64: every entry from user mode builds its frame in the TCB. */
#include <kiln/cpu.h>
#include <arch/desc.h>
#include "tcb.h"

void per_cpu_publish_frame(struct cpu *cpu, uintptr_t frame_end)
{
	/* Traps and IRQs from user mode: the CPU pushes its part of the frame there. */
	tss_set_entry_stack(cpu, frame_end);
	/* SYSCALL: the entry code pushes it there (stackswitch hook syscall_enter). */
	cpu->arch.syscall_sp = frame_end;
}

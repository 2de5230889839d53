/*
 * stackswitch/per-cpu, arm64: SP_EL1 at a return to user mode is the end of
 * the thread's TCB frame, where an entry from EL0 (sub sp, sp, #TF_SIZE)
 * builds its frame. Every return pops the frame it restores, leaving SP_EL1
 * there by itself; only the first one, arch_enter_user(), is told.
 */
#include <kiln/cpu.h>
#include "tcb.h"

void per_cpu_publish_frame(struct cpu *cpu, uintptr_t frame_end)
{
	cpu->arch.user_entry_sp = frame_end;
}

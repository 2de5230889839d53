/* stackswitch/per-cpu: the TCB and the per-CPU stack, for the entry and switch hooks. */
#include <kiln/asm_offsets.h>
#include <kiln/cpu.h>
#include <kiln/stackswitch.h>

void gen_offsets(void);

void gen_offsets(void)
{
	/* From a stackless thread's struct thread to its user frame: stackswitch_user_frame(). */
	DEFINE(TCB_FRAME, PAGE_SIZE - sizeof(struct trap_frame));
	OFFSET(CPU_KSTACK_TOP, cpu, kstack_top);
}

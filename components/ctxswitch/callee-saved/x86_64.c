/* ctxswitch/callee-saved, x86_64: a new thread's first switch "returns" into the trampoline. */
#include <kiln/ctxswitch.h>
#include <ctxswitch/frame.h>
#include <arch/fpu.h>

void ctx_prepare(struct thread *t)
{
	struct switch_frame *f = (struct switch_frame *)(t->stack_top - 16) - 1;

	*f = (struct switch_frame){
		.mxcsr = MXCSR_DEFAULT,
		.fcw = FCW_DEFAULT,
		.rip = (uintptr_t)thread_trampoline,
	};
	t->saved_sp = (uintptr_t)f;
}

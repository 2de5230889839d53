/* ctxswitch/callee-saved, arm64: a new thread's first switch "returns" into the trampoline. */
#include <kiln/ctxswitch.h>
#include <ctxswitch/frame.h>

void ctx_prepare(struct thread *t)
{
	struct switch_frame *f = (struct switch_frame *)t->stack_top - 1;

	*f = (struct switch_frame){.x30 = (uintptr_t)thread_trampoline};
	t->saved_sp = (uintptr_t)f;
}

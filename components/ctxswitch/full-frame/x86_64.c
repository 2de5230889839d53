/* ctxswitch/full-frame, x86_64: a new thread starts like an interrupted one, through iretq. */
#include <kiln/ctxswitch.h>
#include <kiln/string.h>
#include <arch/cpu.h>
#include <arch/fpu.h>
#include <arch/layout.h>
#include <generated/hw.h>

/* The layout ctx_switch() leaves: FXSAVE image, link to the frame, the frame. */
struct full_frame {
	struct fxsave_area fx;
	uint64_t link;
	uint64_t pad;
	struct trap_frame tf;
};

void ctx_prepare(struct thread *t)
{
	struct full_frame *f = (struct full_frame *)(t->stack_top - 16) - 1;

	memset(f, 0, sizeof(*f));
	f->fx.fcw = FCW_DEFAULT;
	f->fx.mxcsr = MXCSR_DEFAULT;
	f->link = (uintptr_t)&f->tf;
	f->tf.rip = (uintptr_t)thread_trampoline;
	f->tf.cs = GDT_KERNEL_CS;
	f->tf.rflags = RFLAGS_RESERVED; /* IF clear: thread_start() enables IRQs */
	f->tf.rsp = t->stack_top - 8;	/* as if just called */
	f->tf.ss = GDT_KERNEL_DS;
	t->saved_sp = (uintptr_t)&f->fx;
}

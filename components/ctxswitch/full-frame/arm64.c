/*
 * ctxswitch/full-frame, arm64: a new thread starts like an interrupted one,
 * through eret, with PAN on where the CPU has it.
 */
#include <kiln/arch.h>
#include <kiln/ctxswitch.h>
#include <kiln/string.h>
#include <arch/fpu.h>
#include <arch/psr.h>
#include <generated/hw.h>

/* The layout ctx_switch() leaves: FP/SIMD state, then the exception frame. */
struct full_frame {
	struct fpsimd_state fp;
	struct trap_frame tf;
};

void ctx_prepare(struct thread *t)
{
	struct full_frame *f = (struct full_frame *)t->stack_top - 1;

	memset(f, 0, sizeof(*f));
	f->tf.elr = (uintptr_t)thread_trampoline;
	f->tf.spsr = SPSR_EL1H_MASKED | (arm64_pan ? PSR_PAN : 0);
	f->tf.sp = t->stack_top;
	t->saved_sp = (uintptr_t)&f->fp;
}

/*
 * stackswitch/per-cpu: one kernel stack per CPU. A user thread owns none:
 * while it runs, its entries from user mode save its registers in its TCB
 * (stackswitch_user_frame()) and run C on the CPU's stack; once it is
 * switched out, the TCB is all it keeps (the switch_out hook saves it
 * there), and it comes back only to return to user mode from its frame.
 */
#include <kiln/cpu.h>
#include <kiln/kstack.h>
#include <kiln/panic.h>
#include <kiln/stackswitch.h>
#include "tcb.h"

/*
 * The TCB's own stack, between struct thread and the frame: a new thread's
 * first steps (thread_start(), then into user mode) and the switch_out
 * save. The deepest use is an interrupt during those first steps that
 * switches away: its frame, the handler, and a switch saving the FP/SIMD
 * file, about 1.5 KiB on arm64.
 */
#define TCB_STACK_MIN 3072
STATIC_ASSERT(sizeof(struct thread) + TCB_STACK_MIN <= PAGE_SIZE - sizeof(struct trap_frame),
	      "the TCB page holds struct thread, its stack and the user frame");
STATIC_ASSERT((PAGE_SIZE - sizeof(struct trap_frame)) % 16 == 0, "the frame is 16-byte aligned");

void stackswitch_cpu_init(struct cpu *cpu)
{
	uintptr_t base = kstack_alloc();

	if (!base)
		panic("stackswitch/per-cpu: no memory for CPU %u's kernel stack", cpu->index);
	cpu->kstack_base = base;
	cpu->kstack_top = base + KSTACK_SIZE;
}

void stackswitch_thread_in(struct cpu *cpu, struct thread *next)
{
	/* A thread with a stack of its own is a kernel thread: it never enters user mode. */
	if (!next->stack_base)
		per_cpu_publish_frame(cpu, (uintptr_t)(stackswitch_user_frame(next) + 1));
	/*
	 * Once it has a process (it takes one with interrupts off, on its way
	 * to user mode), it only ever comes back to return to user mode from
	 * its frame: no trap level and no system call is in progress, whatever
	 * was when it left.
	 */
	if (next->process) {
		cpu->trap_depth = 0;
		next->in_syscall = false;
	}
}

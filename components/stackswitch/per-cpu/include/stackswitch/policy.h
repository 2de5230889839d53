/*
 * stackswitch/per-cpu: what generic code must know of the policy (through
 * kiln/stackswitch.h, which includes this header).
 */
#ifndef STACKSWITCH_POLICY_H
#define STACKSWITCH_POLICY_H

/*
 * A user thread owns no kernel stack and keeps no kernel context while it
 * is switched out. Its control block (TCB) is the page of its struct
 * thread: the user frame at the end of the page, and below it a small
 * stack it starts on and is switched out on. Its kernel code runs on its
 * CPU's kernel stack (struct cpu: kstack_base, kstack_top), which holds
 * nothing of it once it is switched out: it is switched back in only to
 * return to user mode from its frame. So a system call that blocks puts
 * its result (or its restart) in the frame first, and a system call is
 * not preempted: it is switched away on its way out (kernel/syscall.c).
 */
#define STACKSWITCH_STACKLESS_USER_THREADS 1

#ifndef __ASSEMBLER__
#include <kiln/arch.h>

struct cpu;
struct thread;

/* The user frame of a thread that owns no kernel stack: the end of its page. */
static inline struct trap_frame *stackswitch_user_frame(struct thread *t)
{
	return (struct trap_frame *)((uintptr_t)t + PAGE_SIZE) - 1;
}
#endif

#endif

/* The C half of the stackswitch component: what it keeps up to date at each switch. */
#ifndef KILN_STACKSWITCH_H
#define KILN_STACKSWITCH_H

struct cpu;
struct thread;

/*
 * The scheduler has made next current on cpu and is about to switch to it,
 * interrupts disabled: publish the stack entries from user mode must use
 * while next runs (x86_64 per-thread: TSS.rsp0 and the SYSCALL stack slot).
 */
void stackswitch_thread_in(struct cpu *cpu, struct thread *next);

/*
 * Once per CPU, from sched_init(), before interrupts are enabled and before
 * the running code is published as a thread: kernel stacks can be mapped
 * now; allocate what the policy keeps per CPU.
 */
void stackswitch_cpu_init(struct cpu *cpu);

/*
 * What generic code must know of the selected policy comes from its
 * <stackswitch/policy.h> (components/stackswitch/<variant>/include/). A
 * policy without one has every user thread own a kernel stack that keeps
 * its kernel context while it is switched out: the default below.
 *
 * STACKSWITCH_STACKLESS_USER_THREADS: 1 when a user thread owns no kernel
 * stack and keeps no kernel context while switched out; the policy header
 * then also gives stackswitch_user_frame(t), where such a thread's user
 * registers live (kernel/thread.c, kernel/syscall.c).
 */
#if __has_include(<stackswitch/policy.h>)
#include <stackswitch/policy.h>
#endif

#ifndef STACKSWITCH_STACKLESS_USER_THREADS
#define STACKSWITCH_STACKLESS_USER_THREADS 0
#endif

#endif

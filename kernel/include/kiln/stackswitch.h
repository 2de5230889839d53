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

#endif

/* System calls from user mode (the ABI: <uapi/kiln/abi.h>). */
#ifndef KILN_SYSCALL_H
#define KILN_SYSCALL_H

#include <generated/autoconf.h>

struct trap_frame;
struct cpu;

/*
 * Called by the entry code for a system call, with the frame that holds
 * the caller's registers, interrupts disabled. Runs the call with
 * interrupts enabled and stores its result in the frame; returns with
 * interrupts disabled.
 */
void syscall_dispatch(struct trap_frame *tf, struct cpu *cpu);

#endif

/*
 * Which stack, for the arch tests (tests/kernel/<arch>/test_user.c): their
 * probes report each entry; landing_check() holds where its frame was saved
 * and where its C code ran to the stackswitch policy's row.
 */
#ifndef TESTS_WHICH_STACK_H
#define TESTS_WHICH_STACK_H

#include <kiln/ktest.h>
#include <kiln/types.h>

struct cpu;
struct trap_frame;

/* Forget what was noted, and raise an interrupt inside the next system call. */
void landing_begin(void);
void landing_end(void);
/* A system call's frame; user_sp: the user stack pointer it saved. */
void landing_syscall(struct trap_frame *tf, struct cpu *cpu, uintptr_t user_sp);
/* An exception's or interrupt's frame; interrupted_sp: the stack pointer it saved. */
void landing_trap(struct trap_frame *tf, struct cpu *cpu, bool from_user, bool irq,
		  uintptr_t interrupted_sp);
/* Every kind of entry was seen, and where the policy says. */
void landing_check(struct ktest *kt);

#endif

/*
 * arm64 user-mode tests (tests/kernel/arm64/test_user.c spawns a64 with
 * one of the modes below in the low byte of its argument). Shared by the C
 * and assembly halves: offsets of struct a64_regs, checked in a64.c.
 */
#ifndef A64_H
#define A64_H

#define A64_SYSCALLS	 1 /* every register across nop, a faulting write, yield, getpid */
#define A64_PREEMPT	 2 /* every register across a long spin that gets preempted */
#define A64_BELOW_SP	 3 /* 128 bytes below sp across a syscall and a preemption */
#define A64_TINY_STACK	 4 /* 10,000 syscalls on a 256-byte stack */
#define A64_SYSCALL_ONCE 5 /* every register across one syscall (the kernel side provokes) */
#define A64_FIRST_ENTRY	 6 /* no FP/SIMD or TLS value of an earlier context at the first entry */

/* The argument: mode | seed << 8 (the register patterns differ per seed). */
#define A64_MODE(arg) ((arg)&0xff)
#define A64_SEED(arg) ((arg) >> 8)

/* struct a64_regs: what a64_run() loads before the event, and how it finds them after. */
#define A64_X	  0   /* x0-x30 */
#define A64_NZCV  256 /* after x30 and a pad */
#define A64_TPIDR 264
#define A64_FPSR  272
#define A64_FPCR  280
#define A64_Q	  288 /* q0-q31, low half first */
#define A64_SIZE  800

/* What a64_run() pushes below the stack pointer it was given, bytes. */
#define A64_DUMP_SIZE 816

#endif

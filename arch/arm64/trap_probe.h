/*
 * A test hook (CONFIG_KTEST): trap_dispatch() calls trap_probe, when set,
 * first thing for every exception and interrupt, on the stack the entry
 * runs on, with interrupts disabled. Tests record where entries land (the
 * stackswitch policy's promise) and provoke events inside an entry.
 */
#ifndef ARM64_TRAP_PROBE_H
#define ARM64_TRAP_PROBE_H

struct trap_frame;
struct cpu;

extern void (*trap_probe)(struct trap_frame *tf, struct cpu *cpu);

#endif

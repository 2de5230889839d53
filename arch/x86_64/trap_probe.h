/*
 * A test hook (CONFIG_KTEST): trap_dispatch() calls trap_probe, when set,
 * first thing for every exception, interrupt and NMI, on the stack the
 * entry runs C on, with interrupts disabled. Tests record where entries
 * land (the stackswitch policy's promise) and provoke events inside one.
 */
#ifndef X86_64_TRAP_PROBE_H
#define X86_64_TRAP_PROBE_H

struct trap_frame;
struct cpu;

extern void (*trap_probe)(struct trap_frame *tf, struct cpu *cpu);

#endif

/* Instruction templates for kernel/probe.c (named asm operands: addr, val, ok). */
#ifndef ARCH_PROBE_H
#define ARCH_PROBE_H

#define PROBE_READ8  "ldrb %w[val], [%[addr]]"
#define PROBE_READ64 "ldr %[val], [%[addr]]"
#define PROBE_WRITE8 "strb %w[val], [%[addr]]"
#define PROBE_FAILED "mov %w[ok], #0"
#define PROBE_BRANCH "b"

#endif

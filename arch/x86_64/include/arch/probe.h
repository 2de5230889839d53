/* Instruction templates for kernel/probe.c and kernel/uaccess.c (asm operands addr, val, ok). */
#ifndef ARCH_PROBE_H
#define ARCH_PROBE_H

#define PROBE_READ8  "movzbl (%[addr]), %k[val]"
#define PROBE_READ64 "movq (%[addr]), %[val]"
#define PROBE_WRITE8 "movb %b[val], (%[addr])"
#define PROBE_FAILED "movl $0, %k[ok]"
#define PROBE_BRANCH "jmp"

#endif

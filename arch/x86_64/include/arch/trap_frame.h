/* The register frame entry code builds on the kernel stack for every trap and IRQ. */
#ifndef ARCH_TRAP_FRAME_H
#define ARCH_TRAP_FRAME_H

#include <kiln/types.h>

struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	/* Pushed by the stub: vector, then the error code (0 when the CPU pushes none). */
	uint64_t vector;
	uint64_t error;
	/* Pushed by the CPU. */
	uint64_t rip, cs, rflags, rsp, ss;
};

#endif

/* FP/SIMD register file as a full-frame context switch saves it. */
#ifndef ARCH_FPU_H
#define ARCH_FPU_H

#include <kiln/types.h>

struct fpsimd_state {
	uint64_t q[32][2]; /* v0-v31, low half first */
	uint64_t fpsr;
	uint64_t fpcr;
};

#endif

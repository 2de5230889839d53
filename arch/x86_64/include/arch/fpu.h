/* x87/SSE state: reset values and the FXSAVE image. */
#ifndef ARCH_FPU_H
#define ARCH_FPU_H

#define MXCSR_DEFAULT 0x1f80 /* all exceptions masked, round to nearest */
#define FCW_DEFAULT   0x037f /* all exceptions masked, extended precision */
#define FXSAVE_SIZE   512

#ifndef __ASSEMBLER__
#include <kiln/types.h>

/* The 512-byte FXSAVE/FXRSTOR image (16-byte aligned); only the fields Kiln sets are named. */
struct fxsave_area {
	uint16_t fcw;
	uint8_t other0[22];
	uint32_t mxcsr;
	uint32_t mxcsr_mask;
	uint8_t other1[480];
} __attribute__((aligned(16)));

/* Let the kernel use SSE instructions (FXSAVE, LDMXCSR): CR0.EM off, CR4.OSFXSR on. */
void fpu_init(void);
/* Every x87, MMX and SSE register to its reset value (the state a new process starts with). */
void fpu_reset(void);
#endif

#endif

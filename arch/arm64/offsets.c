/* struct fpsimd_state layout for the generated switch routine. */
#include <kiln/asm_offsets.h>
#include <arch/fpu.h>

void gen_offsets(void);

void gen_offsets(void)
{
	OFFSET(FP_Q0, fpsimd_state, q);
	OFFSET(FP_FPSR, fpsimd_state, fpsr);
	OFFSET(FP_FPCR, fpsimd_state, fpcr);
	DEFINE(FP_SIZE, sizeof(struct fpsimd_state));
}

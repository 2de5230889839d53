/* arm64 struct cpu and struct fpsimd_state layout for the generated vectors and switch. */
#include <kiln/asm_offsets.h>
#include <kiln/cpu.h>
#include <arch/fpu.h>
#include "esr.h"

void gen_offsets(void);

void gen_offsets(void)
{
	OFFSET(FP_Q0, fpsimd_state, q);
	OFFSET(FP_FPSR, fpsimd_state, fpsr);
	OFFSET(FP_FPCR, fpsimd_state, fpcr);
	DEFINE(FP_SIZE, sizeof(struct fpsimd_state));
	OFFSET(CPU_OVERFLOW_SP, cpu, arch.overflow_sp);
	OFFSET(CPU_EMERGENCY_SP, cpu, arch.emergency_sp);
	OFFSET(CPU_USER_ENTRY_SP, cpu, arch.user_entry_sp);
	OFFSET(CPU_START_TTBR1, cpu, arch.start_ttbr1);
	OFFSET(CPU_START_SP, cpu, arch.start_sp);
	/* ESR_EL1.EC of an svc, for entry code that tells a system call from other exceptions. */
	DEFINE(ASM_ESR_EC_SVC64, ESR_EC_SVC64);
}

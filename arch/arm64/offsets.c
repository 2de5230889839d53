/* struct trap_frame and arm64 struct cpu layout for the generated vectors. */
#include <kiln/asm_offsets.h>
#include <kiln/cpu.h>
#include <arch/fpu.h>
#include <arch/trap_frame.h>

#define XREG(n) OFFSET(TF_X##n, trap_frame, x[n])

void gen_offsets(void);

void gen_offsets(void)
{
	XREG(0);
	XREG(1);
	XREG(2);
	XREG(3);
	XREG(4);
	XREG(5);
	XREG(6);
	XREG(7);
	XREG(8);
	XREG(9);
	XREG(10);
	XREG(11);
	XREG(12);
	XREG(13);
	XREG(14);
	XREG(15);
	XREG(16);
	XREG(17);
	XREG(18);
	XREG(19);
	XREG(20);
	XREG(21);
	XREG(22);
	XREG(23);
	XREG(24);
	XREG(25);
	XREG(26);
	XREG(27);
	XREG(28);
	XREG(29);
	XREG(30);
	OFFSET(TF_SP, trap_frame, sp);
	OFFSET(TF_ELR, trap_frame, elr);
	OFFSET(TF_SPSR, trap_frame, spsr);
	OFFSET(TF_ESR, trap_frame, esr);
	OFFSET(TF_FAR, trap_frame, far);
	OFFSET(TF_KIND, trap_frame, kind);
	DEFINE(TF_SIZE, sizeof(struct trap_frame));
	OFFSET(FP_Q0, fpsimd_state, q);
	OFFSET(FP_FPSR, fpsimd_state, fpsr);
	OFFSET(FP_FPCR, fpsimd_state, fpcr);
	DEFINE(FP_SIZE, sizeof(struct fpsimd_state));
	OFFSET(CPU_OVERFLOW_SP, cpu, arch.overflow_sp);
}

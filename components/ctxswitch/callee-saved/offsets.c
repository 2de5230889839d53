/* struct switch_frame layout for the callee-saved switch routine. */
#include <kiln/asm_offsets.h>
#include <ctxswitch/frame.h>

void gen_offsets(void);

void gen_offsets(void)
{
#if defined(__x86_64__)
	OFFSET(SF_MXCSR, switch_frame, mxcsr);
	OFFSET(SF_FCW, switch_frame, fcw);
	OFFSET(SF_R15, switch_frame, r15);
	OFFSET(SF_R14, switch_frame, r14);
	OFFSET(SF_R13, switch_frame, r13);
	OFFSET(SF_R12, switch_frame, r12);
	OFFSET(SF_RBX, switch_frame, rbx);
	OFFSET(SF_RBP, switch_frame, rbp);
	OFFSET(SF_RIP, switch_frame, rip);
#elif defined(__aarch64__)
	OFFSET(SF_X19, switch_frame, x19);
	OFFSET(SF_X21, switch_frame, x21);
	OFFSET(SF_X23, switch_frame, x23);
	OFFSET(SF_X25, switch_frame, x25);
	OFFSET(SF_X27, switch_frame, x27);
	OFFSET(SF_X29, switch_frame, x29);
	OFFSET(SF_D8, switch_frame, d8);
	OFFSET(SF_D10, switch_frame, d10);
	OFFSET(SF_D12, switch_frame, d12);
	OFFSET(SF_D14, switch_frame, d14);
	OFFSET(SF_FPCR, switch_frame, fpcr);
#endif
	DEFINE(SF_SIZE, sizeof(struct switch_frame));
}

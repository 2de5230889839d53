/* struct trap_frame layout for the generated entry code. */
#include <kiln/asm_offsets.h>
#include <arch/trap_frame.h>

void gen_offsets(void);

void gen_offsets(void)
{
	OFFSET(TF_RAX, trap_frame, rax);
	OFFSET(TF_RBX, trap_frame, rbx);
	OFFSET(TF_RCX, trap_frame, rcx);
	OFFSET(TF_RDX, trap_frame, rdx);
	OFFSET(TF_RSI, trap_frame, rsi);
	OFFSET(TF_RDI, trap_frame, rdi);
	OFFSET(TF_RBP, trap_frame, rbp);
	OFFSET(TF_R8, trap_frame, r8);
	OFFSET(TF_R9, trap_frame, r9);
	OFFSET(TF_R10, trap_frame, r10);
	OFFSET(TF_R11, trap_frame, r11);
	OFFSET(TF_R12, trap_frame, r12);
	OFFSET(TF_R13, trap_frame, r13);
	OFFSET(TF_R14, trap_frame, r14);
	OFFSET(TF_R15, trap_frame, r15);
	OFFSET(TF_VECTOR, trap_frame, vector);
	OFFSET(TF_ERROR, trap_frame, error);
	OFFSET(TF_RIP, trap_frame, rip);
	OFFSET(TF_CS, trap_frame, cs);
	OFFSET(TF_RFLAGS, trap_frame, rflags);
	OFFSET(TF_RSP, trap_frame, rsp);
	OFFSET(TF_SS, trap_frame, ss);
	DEFINE(TF_SIZE, sizeof(struct trap_frame));
}

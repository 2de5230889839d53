/* The registers at a process's first instruction, as user/arch/x86_64/start.S kept them. */
#ifndef USER_ARCH_ENTRY_REGS_H
#define USER_ARCH_ENTRY_REGS_H

/* The order start.S stores them in. */
enum {
	ENTRY_REG_RAX,
	ENTRY_REG_RBX,
	ENTRY_REG_RCX,
	ENTRY_REG_RDX,
	ENTRY_REG_RSI,
	ENTRY_REG_RDI,
	ENTRY_REG_RBP,
	ENTRY_REG_R8,
	ENTRY_REG_R9,
	ENTRY_REG_R10,
	ENTRY_REG_R11,
	ENTRY_REG_R12,
	ENTRY_REG_R13,
	ENTRY_REG_R14,
	ENTRY_REG_R15,
	ENTRY_REG_RSP,
	ENTRY_REG_RFLAGS,
	ENTRY_REGS,
};

extern unsigned long user_entry_regs[ENTRY_REGS];
extern unsigned char user_entry_xmm[16][16];
extern unsigned int user_entry_mxcsr;

#endif

/*
 * arm64 faults on purpose, beyond tests/user/fault.c: arg picks which. Each
 * must kill this process only (status KILN_STATUS_FAULT); reaching the end
 * returns 0, a failure. (No SP alignment fault: QEMU 7.2 does not check
 * SCTLR_EL1.SA0.)
 */
#include <kiln/user.h>

enum a64_fault {
	A64F_UNDEFINED = 1, /* udf: EC 0x00 */
	A64F_ALIGNMENT,	    /* ldxr from an odd address: data abort, alignment fault */
	A64F_PC_ALIGNMENT,  /* a branch to an odd address: EC 0x22 */
	A64F_SYSREG,	    /* msr daifset from EL0 (SCTLR_EL1.UMA = 0): EC 0x18 */
	A64F_EL1_REGISTER,  /* mrs of an EL1 register: undefined at EL0 */
	A64F_HVC,	    /* hvc from EL0: undefined */
	A64F_BRK,	    /* brk: EC 0x3c */
	A64F_COUNT,
};

static uint64_t words[2];

int main(unsigned long arg)
{
	uint64_t val = 0;

	switch (arg) {
	case A64F_UNDEFINED:
		asm volatile("udf #1");
		break;
	case A64F_ALIGNMENT:
		asm volatile("ldxr %0, [%1]" : "=r"(val) : "r"((uintptr_t)words + 1) : "memory");
		break;
	case A64F_PC_ALIGNMENT:
		asm volatile("adr x9, 1f\n\tadd x9, x9, #2\n\tbr x9\n1:" : : : "x9");
		break;
	case A64F_SYSREG:
		asm volatile("msr daifset, #2");
		break;
	case A64F_EL1_REGISTER:
		asm volatile("mrs %0, sctlr_el1" : "=r"(val));
		break;
	case A64F_HVC:
		asm volatile("hvc #0");
		break;
	case A64F_BRK:
		asm volatile("brk #0x77");
		break;
	}
	printf("a64fault %lu: still alive (%lx)\n", arg, (unsigned long)val);
	return 0;
}

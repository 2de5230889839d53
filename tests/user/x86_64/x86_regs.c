/*
 * x86_64 register integrity from user mode (tests/kernel/x86_64/test_user.c
 * picks the mode with arg; the exit status is the number of failures):
 * what every system call, interrupt, preemption and first entry gives back.
 */
#include <kiln/user.h>
#include <user_arch/entry_regs.h>
#include "x86_user.h"

extern long x86_regs_pid;
long x86_regs_syscalls(unsigned long n);
long x86_regs_spin(unsigned long n);
long x86_redzone(unsigned long n);
long x86_tiny_stack(unsigned long n, void *stack_top);
long x86_xmm(const void *pats, unsigned long n, long sysno, unsigned int mxcsr, unsigned int fcw);

/* Until clock_ns() has moved this far, spin rounds run: long enough for a few dozen ticks. */
#define SPIN_NS 400000000ul

static long spin_for(long (*rounds)(unsigned long), unsigned long ns)
{
	long fails = 0, t0 = sys_clock_ns();

	while (sys_clock_ns() - t0 < (long)ns)
		fails += rounds(2000);
	return fails;
}

/* 16 xmm registers of distinct bytes, different for each seed (so two processes differ). */
static long xmm_rounds(unsigned long seed, long sysno)
{
	static unsigned char pats[16][16] __attribute__((aligned(16)));
	long fails = 0, t0 = sys_clock_ns();

	for (unsigned int r = 0; r < 16; r++)
		for (unsigned int b = 0; b < 16; b++)
			pats[r][b] = (unsigned char)(seed * 67 + r * 16 + b + 1);
	/* MXCSR: flush-to-zero, round toward zero; x87: single precision, all masked. */
	while (sys_clock_ns() - t0 < (long)SPIN_NS / 2)
		fails += x86_xmm(pats, 200, sysno, 0xff80 ^ (seed & 1) << 6, 0x007f);
	return fails;
}

/* What the kernel handed over at the first instruction: arg in rdi, zero elsewhere. */
static long entry_regs_check(unsigned long arg)
{
	long fails = 0;

	for (unsigned int i = 0; i < ENTRY_REGS; i++) {
		unsigned long want = i == ENTRY_REG_RDI ? arg : 0;
		if (i == ENTRY_REG_RSP || i == ENTRY_REG_RFLAGS)
			continue;
		if (user_entry_regs[i] != want) {
			printf("x86_regs: register %u was %lx at entry, want %lx\n", i,
			       user_entry_regs[i], want);
			fails++;
		}
	}
	/* The stack the process starts on, interrupts on, every other flag clear. */
	if (user_entry_regs[ENTRY_REG_RSP] != X86_USER_STACK_TOP)
		fails++;
	if (user_entry_regs[ENTRY_REG_RFLAGS] != 0x202)
		fails++;
	/* SIMD state reset: no register of the process that ran before (the caller's test left
	 * patterns). */
	for (unsigned int i = 0; i < 16; i++)
		for (unsigned int b = 0; b < 16; b++)
			fails += user_entry_xmm[i][b] != 0;
	if (user_entry_mxcsr != 0x1f80)
		fails++;
	return fails;
}

int main(unsigned long arg)
{
	static unsigned char tiny_stack[256 + 2 * 64] __attribute__((aligned(16)));
	long fails = 0;

	x86_regs_pid = sys_getpid();
	switch (X86_REGS_MODE(arg)) {
	case X86_REGS_SYSCALLS:
		fails = x86_regs_syscalls(10000);
		break;
	case X86_REGS_SPIN:
		fails = spin_for(x86_regs_spin, SPIN_NS);
		break;
	case X86_REGS_REDZONE:
		fails = spin_for(x86_redzone, SPIN_NS / 2);
		break;
	case X86_REGS_TINY_STACK:
		/* 64 guard bytes either side of the 256-byte stack must stay untouched. */
		memset(tiny_stack, 0xa5, sizeof(tiny_stack));
		fails = x86_tiny_stack(10000, tiny_stack + 64 + 256);
		for (unsigned int i = 0; i < 64; i++)
			fails += (tiny_stack[i] != 0xa5) + (tiny_stack[64 + 256 + i] != 0xa5);
		break;
	case X86_REGS_XMM_YIELD:
		fails = xmm_rounds(X86_REGS_SEED(arg), SYS_yield);
		break;
	case X86_REGS_ENTRY:
		fails = entry_regs_check(arg);
		break;
	default:
		return 1000;
	}
	if (fails)
		printf("x86_regs mode %lu: %ld failures\n", X86_REGS_MODE(arg), fails);
	return fails;
}

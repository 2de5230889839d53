/*
 * x86_64 user instructions: the system call (number in rax, arguments in
 * rdi rsi rdx r10 r8 r9) and the cycle counter.
 */
#ifndef USER_ARCH_ARCH_H
#define USER_ARCH_ARCH_H

static inline long syscall6(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
	register long r10 asm("r10") = a3, r8 asm("r8") = a4, r9 asm("r9") = a5;
	long ret;

	asm volatile("syscall"
		     : "=a"(ret)
		     : "a"(nr), "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8), "r"(r9)
		     : "rcx", "r11", "memory");
	return ret;
}

/* The cycle counter, readable in user mode (CR4.TSD clear). */
static inline unsigned long user_cycles(void)
{
	unsigned int lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((unsigned long)hi << 32) | lo;
}

/* A breakpoint instruction (#BP). */
static inline void user_breakpoint(void)
{
	asm volatile("int3" ::: "memory");
}

#endif

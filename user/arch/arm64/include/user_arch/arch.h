/*
 * arm64 user instructions: the system call (number in x8, arguments in
 * x0-x5, result in x0) and the cycle counter.
 */
#ifndef USER_ARCH_ARCH_H
#define USER_ARCH_ARCH_H

static inline long syscall6(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
	register long x8 asm("x8") = nr, x0 asm("x0") = a0, x1 asm("x1") = a1, x2 asm("x2") = a2,
			 x3 asm("x3") = a3, x4 asm("x4") = a4, x5 asm("x5") = a5;

	asm volatile("svc #0"
		     : "+r"(x0)
		     : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
		     : "memory");
	return x0;
}

/* The virtual counter, readable at EL0 (CNTKCTL_EL1.EL0VCTEN set by the kernel). */
static inline unsigned long user_cycles(void)
{
	unsigned long v;

	asm volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v));
	return v;
}

/* A breakpoint instruction (a BRK exception). */
static inline void user_breakpoint(void)
{
	asm volatile("brk #0" ::: "memory");
}

#endif

/* arm64 system-call instruction: number in x8, arguments in x0-x5, result in x0. */
#ifndef USER_ARCH_SYSCALL_H
#define USER_ARCH_SYSCALL_H

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

#endif

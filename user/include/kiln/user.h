/*
 * The user library: system-call wrappers (ABI: <uapi/kiln/abi.h>) and
 * printf over write. A program defines main(); its argument is the one
 * spawn() passed, its return value the exit status.
 */
#ifndef KILN_USER_H
#define KILN_USER_H

#include <kiln/printk.h> /* the formatter is the kernel's: kernel/lib/vsnprintf.c */
#include <kiln/string.h>
#include <uapi/kiln/abi.h>
#include <user_arch/arch.h>

int main(unsigned long arg);

static inline long sys_nop(void)
{
	return syscall6(SYS_nop, 0, 0, 0, 0, 0, 0);
}

static inline long sys_write(int fd, const void *buf, unsigned long len)
{
	return syscall6(SYS_write, fd, (long)buf, len, 0, 0, 0);
}

static inline __attribute__((noreturn)) void sys_exit(long status)
{
	syscall6(SYS_exit, status, 0, 0, 0, 0, 0);
	__builtin_unreachable();
}

static inline long sys_yield(void)
{
	return syscall6(SYS_yield, 0, 0, 0, 0, 0, 0);
}

static inline long sys_getpid(void)
{
	return syscall6(SYS_getpid, 0, 0, 0, 0, 0, 0);
}

static inline long sys_sleep_ns(unsigned long ns)
{
	return syscall6(SYS_sleep_ns, ns, 0, 0, 0, 0, 0);
}

static inline long sys_clock_ns(void)
{
	return syscall6(SYS_clock_ns, 0, 0, 0, 0, 0, 0);
}

static inline long sys_spawn(const char *name, unsigned long arg)
{
	return syscall6(SYS_spawn, (long)name, arg, 0, 0, 0, 0);
}

static inline long sys_wait(long pid, long *status)
{
	return syscall6(SYS_wait, pid, (long)status, 0, 0, 0, 0);
}

static inline long sys_getcpu(unsigned int *cpu, unsigned int *hwid)
{
	return syscall6(SYS_getcpu, (long)cpu, (long)hwid, 0, 0, 0, 0);
}

static inline long sys_setaffinity(long cpu)
{
	return syscall6(SYS_setaffinity, cpu, 0, 0, 0, 0, 0);
}

/* Formats into a 256-byte buffer and writes it to fd 1; returns what write returned. */
int printf(const char *fmt, ...) __printf(1, 2);

#endif

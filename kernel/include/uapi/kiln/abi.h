/*
 * The system-call ABI, shared by the kernel and user programs.
 *
 * x86_64: `syscall`, number in rax, arguments in rdi rsi rdx r10 r8 r9,
 * result in rax; rcx and r11 are clobbered (the CPU uses them), every other
 * register is preserved. arm64: `svc #0`, number in x8, arguments in x0-x5,
 * result in x0; every other register is preserved. A result in
 * [-KILN_EMAX, -1] is a negated error code.
 */
#ifndef KILN_UAPI_ABI_H
#define KILN_UAPI_ABI_H

#define SYS_nop	     0 /* () -> 0 */
#define SYS_write    1 /* (fd, buf, len) -> bytes written; fd 1 only, the console */
#define SYS_exit     2 /* (status) -> does not return */
#define SYS_yield    3 /* () -> 0 */
#define SYS_getpid   4 /* () -> pid */
#define SYS_sleep_ns 5 /* (ns) -> 0 */
#define SYS_clock_ns 6 /* () -> ns since boot */
#define SYS_spawn    7 /* (name, arg) -> pid of a new process running the embedded program */
#define SYS_wait     8 /* (pid, &status) -> pid; waits for a child to exit */
/* (&cpu, &hwid) -> 0: the CPU running the caller, its index and hardware id; either may be 0 */
#define SYS_getcpu 9
/* (cpu) -> 0: run the caller only on CPU cpu (KILN_CPU_ANY: anywhere); -EINVAL if offline */
#define SYS_setaffinity 10
#define SYS_COUNT	11

#define KILN_CPU_ANY (-1L)

/* Error codes (returned negated). */
#define EPERM	     1
#define ENOENT	     2
#define ESRCH	     3
#define EINTR	     4
#define ENOEXEC	     8
#define EBADF	     9
#define ECHILD	     10
#define EAGAIN	     11
#define ENOMEM	     12
#define EFAULT	     14
#define EEXIST	     17
#define EINVAL	     22
#define ENOSPC	     28
#define ENAMETOOLONG 36
#define ENOSYS	     38
#define KILN_EMAX    4095

/* The longest program name spawn takes, its terminating NUL not counted. */
#define KILN_NAME_MAX 31
/* write moves at most this many bytes per call (a short count says so). */
#define KILN_WRITE_MAX 4096

/* The exit status of a process the kernel killed for a fault. */
#define KILN_STATUS_FAULT 128

#endif

/* The system calls (ABI: <uapi/kiln/abi.h>) and their dispatch. */
#include <kiln/arch.h>
#include <kiln/clock.h>
#include <kiln/console.h>
#include <kiln/cpu.h>
#include <kiln/process.h>
#include <kiln/syscall.h>
#include <kiln/trap.h>
#include <kiln/uaccess.h>

typedef const unsigned long syscall_args[6];

static long sys_nop(syscall_args a)
{
	(void)a;
	return 0;
}

/*
 * The whole range must lie in user space; at most KILN_WRITE_MAX bytes of it
 * go out, in chunks as they are copied in, so a fault midway ends a short
 * write.
 */
static long sys_write(syscall_args a)
{
	uintptr_t buf = a[1];
	size_t len = MIN(a[2], (unsigned long)KILN_WRITE_MAX), done = 0;
	char chunk[128];

	if (a[0] != 1)
		return -EBADF;
	if (!user_range_ok(buf, a[2]))
		return -EFAULT;
	while (done < len) {
		size_t n = MIN(len - done, sizeof(chunk));
		if (copy_from_user(chunk, buf + done, n))
			return done ? (long)done : -EFAULT;
		console_write(chunk, n);
		done += n;
	}
	return done;
}

static long sys_exit(syscall_args a)
{
	process_exit((long)a[0]);
}

static long sys_yield(syscall_args a)
{
	(void)a;
	thread_yield();
	return 0;
}

static long sys_getpid(syscall_args a)
{
	(void)a;
	return process_current()->pid;
}

/* Longer than any test needs, short enough that now + ns cannot wrap. */
#define SLEEP_MAX_NS (1ull << 62)

static long sys_sleep_ns(syscall_args a)
{
	if (a[0] > SLEEP_MAX_NS)
		return -EINVAL;
	thread_sleep_ns(a[0]);
	return 0;
}

static long sys_clock_ns(syscall_args a)
{
	(void)a;
	return clock_ns();
}

static long sys_spawn(syscall_args a)
{
	char name[KILN_NAME_MAX + 1];
	long len = strncpy_from_user(name, a[0], sizeof(name));

	return len < 0 ? len : process_spawn(name, a[1]);
}

/* The status pointer is checked before the child is reaped; a fault after that loses it. */
static long sys_wait(syscall_args a)
{
	long status, pid;

	if (a[1] && !user_range_ok(a[1], sizeof(status)))
		return -EFAULT;
	pid = process_wait((long)a[0], &status);
	if (pid > 0 && a[1] && copy_to_user(a[1], &status, sizeof(status)))
		return -EFAULT;
	return pid;
}

static long (*const syscalls[SYS_COUNT])(syscall_args) = {
	[SYS_nop] = sys_nop,
	[SYS_write] = sys_write,
	[SYS_exit] = sys_exit,
	[SYS_yield] = sys_yield,
	[SYS_getpid] = sys_getpid,
	[SYS_sleep_ns] = sys_sleep_ns,
	[SYS_clock_ns] = sys_clock_ns,
	[SYS_spawn] = sys_spawn,
	[SYS_wait] = sys_wait,
};

void syscall_dispatch(struct trap_frame *tf, struct cpu *cpu)
{
	unsigned long nr = arch_syscall_nr(tf), a[6];
	long ret = -ENOSYS;

	trap_probe_call(syscall_probe, tf, cpu);
	if (nr < SYS_COUNT) {
		for (unsigned int i = 0; i < 6; i++)
			a[i] = arch_syscall_arg(tf, i);
		arch_irq_enable();
		ret = syscalls[nr](a);
		arch_irq_disable();
	}
	arch_syscall_set_result(tf, ret);
}

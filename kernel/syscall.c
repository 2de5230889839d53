/* The system calls (ABI: <uapi/kiln/abi.h>) and their dispatch. */
#include <kiln/arch.h>
#include <kiln/clock.h>
#include <kiln/printk.h>
#include <kiln/cpu.h>
#include <kiln/process.h>
#include <kiln/sched.h>
#include <kiln/smp.h>
#include <kiln/stackswitch.h>
#include <kiln/syscall.h>
#include <kiln/trap.h>
#include <kiln/uaccess.h>

/*
 * A handler reads its arguments straight from the caller's frame: the i-th
 * is ARG(i). Read them before resume_with(): the result may overwrite the
 * first (arm64: x0 is both).
 */
typedef const struct trap_frame *syscall_args;
#define ARG(i) arch_syscall_arg(tf, i)

#if STACKSWITCH_STACKLESS_USER_THREADS
/*
 * The stackswitch policy keeps no kernel context for a switched-out user
 * thread (kiln/stackswitch.h): a thread that blocks in a system call is
 * switched back in only to return to user mode from its frame, and never
 * returns into the call. So a call that may block first makes the frame say
 * what user mode must then see: its result (sleep_ns, yield: 0), or the
 * call itself once more (wait: the pc back on the system call instruction,
 * the arguments untouched, so that it runs anew and finds the child gone;
 * undone if the call returns after all). And the tick does not preempt a
 * thread inside a call (in_syscall; its kernel context is on the CPU's
 * stack, which the next thread reuses): the call's way out switches
 * instead, the result in the frame. Under other policies a thread resumes
 * where it blocked or was preempted: none of this applies.
 */
static void resume_with(long result)
{
	arch_syscall_set_result(stackswitch_user_frame(thread_current()), result);
}

static void restart_if_blocked(bool restart)
{
	arch_syscall_restart(stackswitch_user_frame(thread_current()), restart);
}

static void call_begins(struct thread *self)
{
	self->in_syscall = true;
}

/* Interrupts disabled, the result in the frame; maybe on another CPU than the call began. */
static void call_ends(struct thread *self)
{
	self->in_syscall = false;
	if (this_cpu()->need_resched)
		sched_preempt_pending();
}
#else
static void resume_with(long result)
{
	(void)result;
}

static void restart_if_blocked(bool restart)
{
	(void)restart;
}

static void call_begins(struct thread *self)
{
	(void)self;
}

static void call_ends(struct thread *self)
{
	(void)self;
}
#endif

static long sys_nop(syscall_args tf)
{
	(void)tf;
	return 0;
}

/*
 * The whole range must lie in user space; at most KILN_WRITE_MAX bytes of it
 * go out, in chunks as they are copied in, so a fault midway ends a short
 * write.
 */
static long sys_write(syscall_args tf)
{
	uintptr_t buf = ARG(1);
	size_t len = MIN(ARG(2), (unsigned long)KILN_WRITE_MAX), done = 0;
	char chunk[128];

	if (ARG(0) != 1)
		return -EBADF;
	if (!user_range_ok(buf, ARG(2)))
		return -EFAULT;
	while (done < len) {
		size_t n = MIN(len - done, sizeof(chunk));
		if (copy_from_user(chunk, buf + done, n))
			return done ? (long)done : -EFAULT;
		printk_write(chunk, n);
		done += n;
	}
	return done;
}

static long sys_exit(syscall_args tf)
{
	process_exit((long)ARG(0));
}

static long sys_yield(syscall_args tf)
{
	(void)tf;
	resume_with(0);
	thread_yield();
	return 0;
}

static long sys_getpid(syscall_args tf)
{
	(void)tf;
	return process_current()->pid;
}

/* Longer than any test needs, short enough that now + ns cannot wrap. */
#define SLEEP_MAX_NS (1ull << 62)

static long sys_sleep_ns(syscall_args tf)
{
	unsigned long ns = ARG(0);

	if (ns > SLEEP_MAX_NS)
		return -EINVAL;
	resume_with(0);
	thread_sleep_ns(ns);
	return 0;
}

static long sys_clock_ns(syscall_args tf)
{
	(void)tf;
	return clock_ns();
}

static long sys_spawn(syscall_args tf)
{
	char name[KILN_NAME_MAX + 1];
	long len = strncpy_from_user(name, ARG(0), sizeof(name));

	return len < 0 ? len : process_spawn(name, ARG(1));
}

/* The status pointer is checked before the child is reaped; a fault after that loses it. */
static long sys_wait(syscall_args tf)
{
	long status, pid, child = ARG(0);
	uintptr_t ustatus = ARG(1);

	if (ustatus && !user_range_ok(ustatus, sizeof(status)))
		return -EFAULT;
	restart_if_blocked(true);
	pid = process_wait(child, &status);
	restart_if_blocked(false);
	if (pid > 0 && ustatus && copy_to_user(ustatus, &status, sizeof(status)))
		return -EFAULT;
	return pid;
}

/* Both read with interrupts off: the thread may move to another CPU at any other moment. */
static long sys_getcpu(syscall_args tf)
{
	unsigned int where[2];

	arch_irq_disable();
	where[0] = this_cpu()->index;
	where[1] = arch_cpu_hwid();
	arch_irq_enable();
	if ((ARG(0) && copy_to_user(ARG(0), &where[0], sizeof(where[0]))) ||
	    (ARG(1) && copy_to_user(ARG(1), &where[1], sizeof(where[1]))))
		return -EFAULT;
	return 0;
}

static long sys_setaffinity(syscall_args tf)
{
	long cpu = (long)ARG(0);

	if (cpu != KILN_CPU_ANY && (cpu < 0 || cpu >= CONFIG_NR_CPUS || !cpu_online(cpu)))
		return -EINVAL;
	resume_with(0); /* it may switch to reach its CPU */
	thread_set_affinity((int)cpu);
	return 0;
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
	[SYS_getcpu] = sys_getcpu,
	[SYS_setaffinity] = sys_setaffinity,
};

void syscall_dispatch(struct trap_frame *tf, struct cpu *cpu)
{
	unsigned long nr = arch_syscall_nr(tf);
	struct thread *self = cpu->current;
	long ret = -ENOSYS;

	trap_probe_call(syscall_probe, tf, cpu);
	if (nr < SYS_COUNT) {
		call_begins(self);
		arch_irq_enable();
		ret = syscalls[nr](tf);
		arch_irq_disable();
	}
	arch_syscall_set_result(tf, ret);
	call_ends(self);
}

/*
 * Kernel threads: each has its own stack with an unmapped guard page below
 * it, a priority, and a TLS pointer (FS_BASE on x86_64, TPIDR_EL0 on arm64)
 * that follows it across switches.
 */
#ifndef KILN_THREAD_H
#define KILN_THREAD_H

#include <generated/autoconf.h>
#include <kiln/compiler.h>
#include <kiln/types.h>

struct mem_domain;
struct mem_partition;
struct process;

#define THREAD_PRIORITIES   8
#define THREAD_PRIO_IDLE    0
#define THREAD_PRIO_DEFAULT 4
#define THREAD_PRIO_MAX	    (THREAD_PRIORITIES - 1)

#define THREAD_NO_CPU  (~0u)
#define THREAD_ANY_CPU (-1)

/* Exit value of a thread the kernel killed (e.g. after a stack overflow). */
#define THREAD_KILLED (-1000)

enum thread_state {
	THREAD_RUNNABLE,
	THREAD_RUNNING,
	THREAD_SLEEPING,
	THREAD_JOINING,
	THREAD_EXITED,
};

struct thread {
	/* Where the ctxswitch backend left this thread's saved state (offsets.h: THREAD_*). */
	uintptr_t saved_sp;
	uintptr_t tls;
	/*
	 * A second base register user code may set, that the switch keeps
	 * per thread like tls (x86_64: the user's GS base), else unused.
	 */
	uintptr_t tls_aux;
	struct thread *next; /* run queue or sleep list link */
	/*
	 * Changed by the thread itself, except that a waker moves a blocked
	 * thread to RUNNABLE with a compare-and-swap (sched_wake()).
	 */
	enum thread_state state;
	/*
	 * The CPU whose run queue holds it, or that runs or last ran it
	 * (THREAD_NO_CPU before its first run); the CPU it may run on
	 * (THREAD_ANY_CPU: any); and whether a CPU is still on its stack:
	 * set when switched in, cleared by the switch routine once its state
	 * is saved, so another CPU that picked it waits for that. Read only
	 * through thread_off_cpu(), so kept only with more than one CPU.
	 */
	unsigned int cpu;
	int affinity;
	bool on_cpu;
	int priority;
	unsigned int id;
	const char *name;
	void (*entry)(void *arg);
	void *arg;
	uint64_t wake_at_ns;	 /* sleep deadline */
	uint64_t woken_at_ns;	 /* clock_ns() of the tick that woke it */
	uint64_t woken_after_ns; /* ... and of the tick before that one */
	long exit_value;
	struct thread *joiner;
	uintptr_t stack_base, stack_top; /* usable stack [base, top); guard page below base */
					 /* (base 0: no kernel stack of its own) */
	unsigned int trap_depth;	 /* cpu->trap_depth while switched out */
	unsigned long switches;		 /* times switched in */
	unsigned long preemptions;	 /* times switched out by the timer */
	struct process *process;	 /* NULL: a kernel thread */
	/* A user thread's memory domain and user stack (kiln/domain.h); NULL in a kernel thread. */
	struct mem_domain *domain;
	const struct mem_partition *ustack;
	/*
	 * Inside a system call while the stackswitch policy keeps no kernel
	 * context for a switched-out user thread: no preemption (kernel/syscall.c).
	 */
	bool in_syscall;
};

/*
 * Whether no CPU is still on t's stack, t not being the caller's own thread.
 * With one CPU, none is: the caller runs, so the switch away from t is over.
 */
static inline bool thread_off_cpu(const struct thread *t)
{
	return CONFIG_NR_CPUS == 1 || !__atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE);
}

/* The new thread is bound where its creator is (thread_set_affinity()), or free. */
struct thread *thread_create(const char *name, void (*entry)(void *), void *arg, int priority);
/* thread_create() for a thread bound to CPU cpu (an online cpus[] index) or THREAD_ANY_CPU. */
struct thread *thread_create_on(int cpu, const char *name, void (*entry)(void *), void *arg,
				int priority);
/*
 * Bind the calling thread to CPU cpu, or free it (THREAD_ANY_CPU); returns
 * on that CPU.
 */
void thread_set_affinity(int cpu);
/*
 * thread_create() for a thread that will run a process: where the
 * stackswitch policy gives user threads no kernel stack
 * (STACKSWITCH_STACKLESS_USER_THREADS), it owns none (stack_base 0): it
 * starts on the small stack its own page holds, below its user frame.
 */
struct thread *thread_create_user(const char *name, void (*entry)(void *), void *arg, int priority);
/* cpu's idle thread, bound to it and never queued (kernel/sched.c). */
struct cpu;
struct thread *thread_create_idle(struct cpu *cpu, void (*entry)(void *));
__noreturn void thread_exit(long value);
/* Waits for t to exit, frees it and returns its exit value. One joiner per thread. */
long thread_join(struct thread *t);
void thread_yield(void);
void thread_sleep_ns(uint64_t ns);
struct thread *thread_current(void);

/*
 * Called by a fatal kernel fault at fault_addr. If that address is in the
 * current thread's stack guard, report a stack overflow of that thread and
 * kill it (never returns), or panic if it is the main or idle thread.
 * Returns if the fault was something else.
 */
void thread_check_stack_overflow(uintptr_t fault_addr);

/* The calling thread's TLS pointer: stored, and loaded into the TLS register. */
void thread_set_tls(uintptr_t tls);
/* Reads the TLS register itself, not the stored copy. */
uintptr_t thread_tls(void);

#endif

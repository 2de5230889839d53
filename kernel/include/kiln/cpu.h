/* struct cpu: everything that exists once per CPU. */
#ifndef KILN_CPU_H
#define KILN_CPU_H

#include <generated/autoconf.h>
#include <kiln/arch.h>
#include <kiln/spinlock.h>
#include <kiln/thread.h>
#include <kiln/types.h>

/* A memory fault, decoded from the arch's error code (x86 #PF) or syndrome (arm64 ESR). */
enum mem_fault {
	MEM_FAULT_NONE,	      /* not a memory fault */
	MEM_FAULT_UNMAPPED,   /* no translation */
	MEM_FAULT_PROTECTION, /* mapped, but not for this access */
	MEM_FAULT_ALIGNMENT,
	MEM_FAULT_OTHER,
};

/* An exception as arch_trap_decode() describes it; kept for tests and diagnostics. */
struct trap_record {
	uint64_t vector; /* x86_64: IDT vector; arm64: ESR exception class */
	uint64_t error;	 /* x86_64: error code; arm64: ESR */
	uintptr_t pc;
	uintptr_t fault_addr; /* CR2 / FAR of a memory fault (x86_64: and of a #DF) */
	enum mem_fault fault;
	bool fault_write, fault_exec;
	uintptr_t frame;
	unsigned int depth;
};

/* The threads of one priority ready to run, in FIFO order. */
struct run_queue {
	struct thread *head, *tail;
};

struct cpu {
	/* First member: the gsbase variant loads it with one %gs-relative move. */
	struct cpu *self;
	unsigned int index;
	unsigned int hwid;
	/* Trap/IRQ nesting depth, maintained by the generated entry code. */
	unsigned int trap_depth;
	/*
	 * Tops of this CPU's interrupt and exception handler stacks, for a
	 * stackswitch policy that runs handlers off the thread's stack (its
	 * stackswitch_cpu_init() sets them); 0 under one that does not.
	 */
	uintptr_t irq_stack_top, trap_stack_top;
	unsigned long nmi_count;
	struct trap_record last_fixup;
	struct trap_record last_nmi;
	/*
	 * The scheduler's state on this CPU (kernel/sched.c). Other CPUs
	 * enqueue threads here and steal from here under rq_lock, which
	 * guards the run queues and nr_queued; the rest is this CPU's own.
	 */
	struct thread *current;
	bool need_resched;
	bool sched_running;	 /* sched_init() done */
	unsigned int slice_left; /* ticks before current yields to its peers */
	struct spinlock rq_lock;
	unsigned int nonempty_queues; /* bit p: run_queues[p] has a thread */
	unsigned int nr_queued;	      /* threads in run_queues */
	struct run_queue run_queues[THREAD_PRIORITIES];
	struct thread *sleepers; /* sorted by wake_at_ns */
	uint64_t tick_ns[2];	 /* clock_ns() at this CPU's last tick and the one before */
	unsigned long steals;	 /* threads this CPU took from others' queues */
	struct thread *idle_thread;
	/* The boot code, made a thread: the main thread on the boot CPU, the idle thread on others.
	 */
	struct thread main_thread;
	uintptr_t boot_stack_base; /* a secondary CPU's boot stack (kstack_alloc()) */
	/*
	 * The kernel stack this CPU lends the threads that own none, where the
	 * stackswitch policy has one per CPU: [kstack_base, kstack_top), else 0.
	 */
	uintptr_t kstack_base, kstack_top;
	struct arch_cpu arch;
};

extern struct cpu cpus[CONFIG_NR_CPUS];

/* The percpu component: make this CPU's struct cpu findable by this_cpu(). */
void percpu_install(struct cpu *cpu);

#include <percpu/this_cpu.h>

/*
 * This CPU's index. Like this_cpu(), stable only while the caller cannot
 * move: interrupts off, or a thread bound to one CPU.
 */
static inline unsigned int cpu_id(void)
{
	return this_cpu()->index;
}

/*
 * Per-CPU variables: one slot per CPU, each on its own cache line so that
 * CPUs updating their own never contend. DEFINE_PER_CPU(type, name) at file
 * scope; per_cpu(name, cpu) is CPU cpu's slot, this_cpu_var(name) this CPU's.
 */
#define CACHE_LINE_SIZE 64
#define DEFINE_PER_CPU(type, name)                                \
	struct {                                                  \
		type v __attribute__((aligned(CACHE_LINE_SIZE))); \
	} name[CONFIG_NR_CPUS]
#define per_cpu(name, cpu) ((name)[cpu].v)
#define this_cpu_var(name) per_cpu(name, cpu_id())

#endif

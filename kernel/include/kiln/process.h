/*
 * Processes: one user thread running an embedded program in its own
 * memory domain, whose partitions are the program's segments. Every process has a parent (a
 * process, or the kernel for one spawned by a kernel thread) that collects its exit status.
 */
#ifndef KILN_PROCESS_H
#define KILN_PROCESS_H

#include <kiln/domain.h>
#include <kiln/elf.h>
#include <kiln/thread.h>
#include <uapi/kiln/abi.h>

struct process {
	long pid;
	char name[KILN_NAME_MAX + 1];
	struct mem_domain domain;
	struct mem_partition segs[ELF_MAX_PHDRS];
	unsigned int nsegs;
	struct mem_partition stack; /* its thread's */
	struct thread *thread;
	struct process *parent; /* NULL: the kernel, or an orphan */
	bool orphan;		/* its parent exited: nobody waits for it */
	struct thread *reaper;	/* the thread reaping it (a wait, or the orphan reaper) */
	uintptr_t entry;
	unsigned long arg;	   /* main()'s argument */
	unsigned int flags;	   /* SPAWN_* */
	unsigned long breakpoints; /* skipped (SPAWN_SKIP_BREAKPOINTS) */
	long status;
	struct process *next; /* all processes */
};

/* An embedded program: a static ELF image linked into the kernel. */
struct user_program {
	const char *name;
	const unsigned char *image;
	size_t size;
};
const struct user_program *user_program_find(const char *name);

/*
 * Start the embedded program name as a new process with main(arg), child
 * of the calling process (of the kernel from a kernel thread). Returns its
 * pid, or -ENOENT (no such program), -ENOEXEC (its image is malformed),
 * -ENOMEM.
 */
long process_spawn(const char *name, unsigned long arg);
/* Count and skip the process's breakpoint instructions instead of killing it (benchmarks). */
#define SPAWN_SKIP_BREAKPOINTS 0x1
long process_spawn_flags(const char *name, unsigned long arg, unsigned int flags);
/*
 * process_spawn_flags() with the partitions parts[0 .. nparts) added to the
 * new process's domain before it runs (they must outlive it); also the
 * errors of mem_domain_add_partition().
 */
long process_spawn_with(const char *name, unsigned long arg, unsigned int flags,
			const struct mem_partition *const *parts, size_t nparts);
/*
 * Wait for the caller's child pid to exit, store its status and free it.
 * Returns pid, or -ECHILD when pid is not a child of the caller.
 */
long process_wait(long pid, long *status);
/* End the calling process with status (its parent's wait returns it). */
__noreturn void process_exit(long status);
/* The calling thread's process, or NULL in a kernel thread. */
struct process *process_current(void);
/*
 * The process pid, or NULL. Interrupts must be disabled while the result
 * is used: the process may otherwise exit and be freed meanwhile.
 */
struct process *process_find(long pid);
/*
 * The kernel memory of one user thread, for the benchmark figure and its
 * test: spawn name(arg) (a program that blocks, e.g. sleeper), let it run
 * until it sleeps, and count the bytes the spawn took from the page
 * allocator less the process's address space (its pages and page tables)
 * and its struct process page; *kstacks: the kernel stacks it took. Waits
 * for it to exit; a negative error code if something failed.
 */
long process_thread_memory(const char *name, unsigned long arg, unsigned int *kstacks);

/*
 * The user stack every process starts on: [USER_STACK_TOP - USER_STACK_SIZE,
 * USER_STACK_TOP), in the stack area (kiln/domain.h), the page above unmapped.
 */
#define USER_STACK_SIZE (64 * 1024)
#define USER_STACK_TOP	(USER_VA_END - PAGE_SIZE)

#endif

/*
 * Memory domains: what a user thread may touch. A domain is a set of
 * partitions, each a page-aligned range of the user half backed by
 * contiguous RAM, user read-only or read-write, executable or not. A user
 * thread sees its domain's partitions and its own stack, and nothing else
 * of the user half; kernel threads are unaffected. One partition may be in
 * several domains at once: memory they share. A process is a domain whose
 * partitions are its program's segments (kernel/process.c).
 *
 * The page-table strategy (component pagetable) turns domains into
 * translations; it implements the pt_* contract at the end of this file.
 */
#ifndef KILN_DOMAIN_H
#define KILN_DOMAIN_H

#include <generated/autoconf.h>
#include <kiln/pgtable.h>
#include <kiln/spinlock.h>
#include <kiln/types.h>
#include <pagetable/domain.h>

struct cpu;
struct thread;

/*
 * Thread stacks live in the top of the user half, apart from every
 * partition: a thread's stack is its own, not its domain's.
 */
#define USER_STACK_AREA_SIZE  (1ul << 30)
#define USER_STACK_AREA_START (USER_VA_END - USER_STACK_AREA_SIZE)

struct mem_partition {
	uintptr_t start;   /* user virtual address, page-aligned */
	size_t size;	   /* bytes, page-aligned, nonzero */
	unsigned int attr; /* PROT_READ, optionally PROT_WRITE, PROT_EXEC, PROT_DEVICE (MMIO) */
	paddr_t pa;	   /* the contiguous RAM behind [start, start + size) */
};

struct mem_domain {
	const struct mem_partition *parts[CONFIG_MAX_DOMAIN_PARTITIONS];
	unsigned int nparts;
	/* Serialises changes to the domain (SMP: its partitions and translations). */
	struct spinlock lock;
	struct pt_domain pt; /* the strategy's (components/pagetable/<variant>) */
};

/*
 * Fill p with fresh zeroed RAM for [start, start + size) and attr. 0;
 * -EINVAL: misaligned, empty, or attr not PROT_READ with optional
 * PROT_WRITE, PROT_EXEC and PROT_DEVICE; -EFAULT: the range leaves the user half (kernel
 * memory); -ENOMEM.
 */
int mem_partition_alloc(struct mem_partition *p, uintptr_t start, size_t size, unsigned int attr);
/* Give back p's RAM; p must be in no domain. */
void mem_partition_free(struct mem_partition *p);
/* The kernel's address of p's byte at user address va (inside p). */
void *mem_partition_kaddr(const struct mem_partition *p, uintptr_t va);

/* An empty domain. 0, or -ENOMEM. */
int mem_domain_init(struct mem_domain *d);
/* Release d's translations; no thread of d may run again, p's stay allocated. */
void mem_domain_destroy(struct mem_domain *d);
/*
 * Make p visible to d's threads, at once. 0; -EINVAL: p misaligned or its
 * attr invalid (as mem_partition_alloc()); -EFAULT: p over kernel memory
 * (its range outside the user half, or its RAM inside the kernel image);
 * -EEXIST: p overlaps a partition of d or the stack area;
 * -ENOSPC: d has CONFIG_MAX_DOMAIN_PARTITIONS already; -ENOMEM. Refused, d
 * is unchanged.
 */
int mem_domain_add_partition(struct mem_domain *d, const struct mem_partition *p);
/*
 * Take p away from d's threads, at once: when this returns, no CPU
 * translates p's pages for d any more (TLBs flushed, on other CPUs too).
 * 0, or -ENOENT: p is not in d.
 */
int mem_domain_remove_partition(struct mem_domain *d, const struct mem_partition *p);
/*
 * Put user thread t, whose stack is the partition stack (read-write, not
 * executable, inside the stack area), in d, leaving the domain it was in:
 * at once for the caller's own thread, else before t first runs. A thread
 * stays in its domain until it joins another or the domain is destroyed.
 * 0; -EINVAL / -EFAULT: stack is not such a partition; -EEXIST: a stack of
 * another thread of d is there (where the strategy maps stacks into the
 * domain); -ENOMEM. Refused, t stays where it was (but for a new stack
 * in the same domain, which it takes after leaving with the old one).
 */
int mem_domain_add_thread(
	struct mem_domain *d, struct thread *t,
	const struct mem_partition *stack); /* t leaves its domain (its stack unmapped): a kernel
					       thread again. t is the caller, or not running. */
void mem_domain_remove_thread(struct thread *t);
/*
 * The benchmark figure: all page-table memory, in bytes, while n more
 * domains exist, each holding one one-page partition (the same one); or
 * -ENOMEM.
 */
long mem_domain_table_bytes(unsigned int n);

/*
 * The strategy contract (components/pagetable/<variant>). d->lock is held
 * around the calls that take a domain, with interrupts off.
 *
 * pt_domain_init: translations for an empty d; 0 or -ENOMEM.
 * pt_domain_destroy: d's threads never run again; let go of d everywhere.
 * pt_map / pt_unmap: p was added to / removed from d; pt_stack_add /
 *   pt_stack_remove: a thread with stack p joined / left d. Make d's
 *   translations follow. pt_map and pt_stack_add may fail (-ENOMEM, or
 *   -EEXIST: another thread's stack is mapped there) and then leave
 *   nothing mapped.
 * pt_flush: after pt_unmap or pt_stack_remove took p away, d->lock released (a shootdown waits for
 * other CPUs, which may be spinning on it): flush every TLB that may still translate p for d, on
 * every CPU, before returning. pt_switch_in: next, a user thread (next->domain set), is about to
 * run on this CPU, interrupts off: make its domain and stack this CPU's user translation. Runs on
 * every switch to a user thread: keep it cheap.
 */
int pt_domain_init(struct mem_domain *d);
void pt_domain_destroy(struct mem_domain *d);
int pt_map(struct mem_domain *d, const struct mem_partition *p);
void pt_unmap(struct mem_domain *d, const struct mem_partition *p);
int pt_stack_add(struct mem_domain *d, const struct mem_partition *p);
void pt_stack_remove(struct mem_domain *d, const struct mem_partition *p);
void pt_flush(struct mem_domain *d, const struct mem_partition *p);
void pt_switch_in(struct thread *next);

/*
 * For the strategies: map p's pages into root for user mode, true; or
 * false (no memory for a table) with none of them left mapped. Unmap them.
 */
bool pt_map_partition(pte_t *root, const struct mem_partition *p);
void pt_unmap_partition(pte_t *root, const struct mem_partition *p);

/*
 * Optional: a strategy that defines these as macros overrides the defaults.
 * pt_cpu_init: cpu, the calling one, is about to run threads; before any
 * of them enters user mode. pt_entry_stack: entries from user mode on cpu
 * are to start at top (x86_64: TSS.rsp0); where the CPU is to start them.
 */
#ifndef pt_cpu_init
static inline void pt_cpu_init(struct cpu *cpu)
{
	(void)cpu;
}
#endif
#ifndef pt_entry_stack
static inline uintptr_t pt_entry_stack(struct cpu *cpu, uintptr_t top)
{
	(void)cpu;
	return top;
}
#endif
/*
 * PT_KERNEL_PROT: PROT_* bits that every kernel mapping gets (kernel/pgtable.c), e.g.
 * PROT_NONGLOBAL where user mode runs on other tables for the kernel half.
 */
#ifndef PT_KERNEL_PROT
#define PT_KERNEL_PROT 0
#endif

#endif
